//! `struct stat` and `struct statx` as strace's `print_struct_stat` and `statx` print them:
//! abbreviated (`{st_mode=S_IFREG|0644, st_size=36495, ...}`) or, with `-v`
//! ([`super::Options::verbose`]), every field strace shows, times with their dates.

use core::fmt::{self, Write};

use crate::flags::StatxMask;
use crate::mem::Memory;
use crate::text::{emit, Hex};

use super::read::{ne_u32, ne_u64, read_bytes};
use super::scalars::{write_dev, write_file_mode, write_flags, write_xlat_flags};
use super::time::write_time_comment;
use super::Ctx;

/// Where a `struct stat`'s fields are: `(offset, width)` of each, width 4 or 8.
struct StatLayout {
    /// The struct's length: the verbose fields need it all read.
    len: usize,
    dev: (usize, usize),
    ino: (usize, usize),
    mode: (usize, usize),
    nlink: (usize, usize),
    uid: (usize, usize),
    gid: (usize, usize),
    rdev: (usize, usize),
    size: (usize, usize),
    blksize: (usize, usize),
    blocks: (usize, usize),
    /// `st_atime`; `st_atime_nsec` follows at the same width, then the mtime and ctime
    /// pairs.
    atime: (usize, usize),
}

/// x86_64's (and x32's) `struct stat` (arch/x86/include/uapi/asm/stat.h).
const X86_64: StatLayout = StatLayout {
    len: 144,
    dev: (0, 8),
    ino: (8, 8),
    nlink: (16, 8),
    mode: (24, 4),
    uid: (28, 4),
    gid: (32, 4),
    rdev: (40, 8),
    size: (48, 8),
    blksize: (56, 8),
    blocks: (64, 8),
    atime: (72, 8),
};

/// asm-generic's `struct stat` (aarch64, riscv64: include/uapi/asm-generic/stat.h).
const GENERIC: StatLayout = StatLayout {
    len: 128,
    dev: (0, 8),
    ino: (8, 8),
    mode: (16, 4),
    nlink: (20, 4),
    uid: (24, 4),
    gid: (28, 4),
    rdev: (32, 8),
    size: (48, 8),
    blksize: (56, 4),
    blocks: (64, 8),
    atime: (72, 8),
};

/// The 32-bit ABI's `struct stat64`, told apart by where `st_size` is
/// (`arch::STAT64_OFFSETS`): i386's (4-byte aligned), or ARM EABI's (8-byte aligned).
const STAT64: &StatLayout = match crate::arch::STAT64_OFFSETS.2 {
    48 => &EABI_STAT64,
    _ => &I386_STAT64,
};

/// ARM EABI's `struct stat64` (arch/arm/include/uapi/asm/stat.h: as i386's, but its 64-bit
/// fields aligned to 8, so `st_size` is at 48 and the 104 bytes end with the 64-bit `st_ino`
/// at 96).
const EABI_STAT64: StatLayout = StatLayout {
    len: 104,
    dev: (0, 8),
    ino: (96, 8),
    mode: (16, 4),
    nlink: (20, 4),
    uid: (24, 4),
    gid: (28, 4),
    rdev: (32, 8),
    size: (48, 8),
    blksize: (56, 4),
    blocks: (64, 8),
    atime: (72, 4),
};

/// i386's `struct stat64` (its 64-bit `st_ino` at the end).
const I386_STAT64: StatLayout = StatLayout {
    len: 96,
    dev: (0, 8),
    ino: (88, 8),
    mode: (16, 4),
    nlink: (20, 4),
    uid: (24, 4),
    gid: (28, 4),
    rdev: (32, 8),
    size: (44, 8),
    blksize: (52, 4),
    blocks: (56, 8),
    atime: (64, 4),
};

/// The native layout, told apart by where `st_mode` is (`arch::STAT_OFFSETS`); `None` for
/// an architecture whose whole layout is not written down here (abbreviated only).
const NATIVE: Option<&StatLayout> = match crate::arch::STAT_OFFSETS.0 {
    24 => Some(&X86_64),
    16 => Some(&GENERIC),
    _ => None,
};

/// The field at `(offset, width)` of `b`, zero-extended.
fn field(b: &[u8], (at, width): (usize, usize)) -> u64 {
    if width == 8 {
        ne_u64(b, at)
    } else {
        u64::from(ne_u32(b, at))
    }
}

/// `struct stat` (the native one), or the 32-bit ABI's `struct stat64` (i386's or ARM's).
#[inline(never)]
pub(super) fn write_stat<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    stat64: bool,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    // Both layouts are at most 144 bytes.
    // Bytes read: a struct at the end of a mapping may be shorter than 144 bytes.
    let Some((b, got)) = read_bytes::<144, M>(ctx.mem, addr)
        .map(|b| (b, 144))
        .or_else(|| read_bytes::<96, M>(ctx.mem, addr).map(|b| (widen(b), 96)))
    else {
        return Ok(false);
    };
    let layout = if stat64 { Some(STAT64) } else { NATIVE };
    let (mode, rdev, size) = match layout {
        Some(l) => (
            field(&b, l.mode) as u32,
            field(&b, l.rdev),
            field(&b, l.size),
        ),
        None => {
            let (mode, rdev, size) = crate::arch::STAT_OFFSETS;
            (ne_u32(&b, mode), ne_u64(&b, rdev), ne_u64(&b, size))
        }
    };
    // Verbose only with the whole struct read (else the last fields would read as 0).
    let verbose = ctx.opts.verbose && layout.is_some_and(|l| l.len <= got);
    out.write_char('{')?;
    if let (true, Some(l)) = (verbose, layout) {
        out.write_str("st_dev=")?;
        write_dev(out, field(&b, l.dev))?;
        emit!(out, ", st_ino=", field(&b, l.ino), ", st_mode=")?;
        write_file_mode(out, mode)?;
        emit!(
            out,
            ", st_nlink=",
            field(&b, l.nlink),
            ", st_uid=",
            field(&b, l.uid),
            ", st_gid=",
            field(&b, l.gid),
            ", st_blksize=",
            field(&b, l.blksize),
            ", st_blocks=",
            field(&b, l.blocks)
        )?;
    } else {
        out.write_str("st_mode=")?;
        write_file_mode(out, mode)?;
    }
    let kind = mode & 0o170000;
    if kind == 0o20000 || kind == 0o60000 {
        out.write_str(", st_rdev=")?;
        write_dev(out, rdev)?;
    } else {
        emit!(out, ", st_size=", size as i64)?;
    }
    match (verbose, layout) {
        (true, Some(l)) => {
            let (at, width) = l.atime;
            for (k, name) in ["atime", "mtime", "ctime"].iter().enumerate() {
                let sec_at = at.saturating_add(k.saturating_mul(2).saturating_mul(width));
                let secs = field(&b, (sec_at, width));
                let secs = if width == 8 {
                    secs as i64
                } else {
                    secs as u32 as i64
                };
                let nsec = field(&b, (sec_at.saturating_add(width), width));
                emit!(out, ", st_", *name, "=", secs)?;
                write_time_comment(out, secs, nsec as i64, false)?;
                emit!(out, ", st_", *name, "_nsec=", nsec)?;
            }
            out.write_char('}')?;
        }
        _ => out.write_str(", ...}")?,
    }
    Ok(true)
}

/// A 96-byte read (a `stat64` at the end of a mapping) in the 144-byte buffer.
fn widen(b: [u8; 96]) -> [u8; 144] {
    let mut w = [0u8; 144];
    if let Some(head) = w.get_mut(..96) {
        head.copy_from_slice(&b);
    }
    w
}

/// `struct statx` (the same on every architecture): the fields its `stx_mask` says were
/// filled, abbreviated as strace abbreviates them without `-v`.
#[inline(never)]
pub(super) fn write_statx<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    // stx_mask u32 @0, stx_blksize @4, stx_attributes u64 @8, nlink/uid/gid @16..28,
    // stx_mode u16 @28, stx_ino u64 @32, stx_size @40, stx_blocks @48,
    // stx_attributes_mask @56, four timestamps of 16 bytes @64 (atime, btime, ctime,
    // mtime), rdev and dev major/minor u32s @128, stx_mnt_id u64 @144, the two
    // stx_dio_*_align u32s @152.
    let Some(b) = read_bytes::<160, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let mask = ne_u32(&b, 0);
    let has = |bit: u32| mask & bit != 0;
    let v = ctx.opts.verbose;
    out.write_str("{stx_mask=")?;
    write_flags::<StatxMask, W>(out, u64::from(mask))?;
    if v {
        emit!(out, ", stx_blksize=", ne_u32(&b, 4))?;
    }
    out.write_str(", stx_attributes=")?;
    write_attrs(out, ne_u64(&b, 8))?;
    if v {
        for (bit, name, at) in [
            (libc::STATX_NLINK, "stx_nlink", 16),
            (libc::STATX_UID, "stx_uid", 20),
            (libc::STATX_GID, "stx_gid", 24),
        ] {
            if has(bit) {
                emit!(out, ", ", name, "=", ne_u32(&b, at))?;
            }
        }
    }
    if has(libc::STATX_TYPE | libc::STATX_MODE) {
        out.write_str(", stx_mode=")?;
        write_file_mode(out, ne_u32(&b, 28) & 0xffff)?;
    }
    if v && has(libc::STATX_INO) {
        emit!(out, ", stx_ino=", ne_u64(&b, 32))?;
    }
    if has(libc::STATX_SIZE) {
        emit!(out, ", stx_size=", ne_u64(&b, 40))?;
    }
    if !v {
        out.write_str(", ...}")?;
        return Ok(true);
    }
    if has(libc::STATX_BLOCKS) {
        emit!(out, ", stx_blocks=", ne_u64(&b, 48))?;
    }
    out.write_str(", stx_attributes_mask=")?;
    write_attrs(out, ne_u64(&b, 56))?;
    for (bit, name, at) in [
        (libc::STATX_ATIME, "stx_atime", 64),
        (libc::STATX_BTIME, "stx_btime", 80),
        (libc::STATX_CTIME, "stx_ctime", 96),
        (libc::STATX_MTIME, "stx_mtime", 112),
    ] {
        if has(bit) {
            let (secs, nsec) = (ne_u64(&b, at) as i64, ne_u32(&b, at.saturating_add(8)));
            emit!(out, ", ", name, "={tv_sec=", secs, ", tv_nsec=", nsec, "}")?;
            write_time_comment(out, secs, i64::from(nsec), false)?;
        }
    }
    emit!(
        out,
        ", stx_rdev_major=",
        ne_u32(&b, 128),
        ", stx_rdev_minor=",
        ne_u32(&b, 132),
        ", stx_dev_major=",
        ne_u32(&b, 136),
        ", stx_dev_minor=",
        ne_u32(&b, 140)
    )?;
    if has(libc::STATX_MNT_ID) {
        emit!(out, ", stx_mnt_id=", Hex(ne_u64(&b, 144)))?;
    }
    // STATX_DIOALIGN.
    if has(0x2000) {
        emit!(
            out,
            ", stx_dio_mem_align=",
            ne_u32(&b, 152),
            ", stx_dio_offset_align=",
            ne_u32(&b, 156)
        )?;
    }
    out.write_char('}')?;
    Ok(true)
}

/// `stx_attributes` / `stx_attributes_mask`.
fn write_attrs<W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    write_xlat_flags(out, &super::xlat::STATX_ATTRS, v, "STATX_ATTR_???")
}
