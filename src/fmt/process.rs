//! Process structs: capability sets, group lists, `clone3`'s `struct clone_args`.

use core::fmt::{self, Write};

use crate::mem::Memory;
use crate::text::{emit, write_hex, write_hex_padded, write_ptr, Hex};

use super::read::{ne_u32, ne_u64, read_bytes, read_u32};
use super::scalars::write_flags;
use super::Ctx;

/// The capability header's version and pid, as `capget`/`capset` read it.
pub(super) fn cap_header<M: Memory + ?Sized>(ctx: &Ctx<'_, M>, addr: u64) -> Option<(u32, i32)> {
    let b = read_bytes::<8, M>(ctx.mem, addr)?;
    Some((ne_u32(&b, 0), ne_u32(&b, 4) as i32))
}

/// `{version=_LINUX_CAPABILITY_VERSION_3, pid=N}`.
pub(super) fn write_cap_header<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some((version, pid)) = cap_header(ctx, addr) else {
        return Ok(false);
    };
    out.write_str("{version=")?;
    match version {
        0x1998_0330 => out.write_str("_LINUX_CAPABILITY_VERSION_1")?,
        0x2007_1026 => out.write_str("_LINUX_CAPABILITY_VERSION_2")?,
        0x2008_0522 => out.write_str("_LINUX_CAPABILITY_VERSION_3")?,
        v => emit!(
            out,
            Hex(u64::from(v)),
            " /* _LINUX_CAPABILITY_VERSION_??? */"
        )?,
    }
    emit!(out, ", pid=", pid, "}")?;
    Ok(true)
}

/// The capability sets, as strace's `print_cap_data`: two 32-bit words each for versions
/// 2 and 3 (the header, argument 0, says which), one for version 1.
pub(super) fn write_cap_data<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some((version, _)) = cap_header(ctx, ctx.raw(0)) else {
        return Ok(false);
    };
    let two = version == 0x2007_1026 || version == 0x2008_0522;
    let mut b = [0u8; 24];
    let want = if two { 24 } else { 12 };
    match ctx.mem.read(addr, b.get_mut(..want).unwrap_or(&mut [])) {
        Ok(n) if n == want => {}
        _ => return Ok(false),
    }
    for (k, name) in [
        (0usize, "{effective="),
        (4, ", permitted="),
        (8, ", inheritable="),
    ] {
        out.write_str(name)?;
        let lo = ne_u32(&b, k);
        let hi = if two {
            ne_u32(&b, k.wrapping_add(12))
        } else {
            0
        };
        write_cap_bits(out, lo, hi)?;
    }
    out.write_char('}')?;
    Ok(true)
}

/// One capability set as `1<<CAP_CHOWN|1<<CAP_KILL`, the word of capabilities 32-63
/// after the first's.
pub(super) fn write_cap_bits<W: Write + ?Sized>(out: &mut W, lo: u32, hi: u32) -> fmt::Result {
    let mut first = true;
    for (word, base) in [(lo, 0u32), (hi, 32)] {
        let mut rest = word;
        for bit in 0..32u32 {
            if word & (1 << bit) == 0 {
                continue;
            }
            let cap = base.saturating_add(bit);
            let Some(name) = super::scalars::xlat_name(&super::xlat::CAPABILITIES, cap) else {
                continue;
            };
            if !first {
                out.write_char('|')?;
            }
            emit!(out, "1<<", name)?;
            first = false;
            rest &= !(1 << bit);
        }
        if rest != 0 {
            if !first {
                out.write_char('|')?;
            }
            emit!(out, Hex(u64::from(rest)))?;
            first = false;
        }
    }
    if first {
        out.write_char('0')?;
    }
    Ok(())
}

/// `count` group ids as strace's `print_groups`: `[0, 4, 27]`, `[]` for none, cut after
/// 32 with `...`; the address for a count above `NGROUPS_MAX` (65536) or a read that fails.
pub(super) fn write_gid_array<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    count: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let count = count as u32;
    if count > 65536 || addr == 0 {
        return Ok(false);
    }
    if count > 0 && read_u32(ctx.mem, addr).is_none() {
        return Ok(false);
    }
    out.write_char('[')?;
    for i in 0..count.min(32) {
        if i > 0 {
            out.write_str(", ")?;
        }
        let at = addr.wrapping_add(u64::from(i).wrapping_mul(4));
        match read_u32(ctx.mem, at) {
            Some(gid) => emit!(out, gid)?,
            None => {
                emit!(out, "... /* ", Hex(at), " */")?;
                break;
            }
        }
    }
    if count > 32 {
        out.write_str(", ...")?;
    }
    out.write_char(']')?;
    Ok(true)
}

/// `struct clone_args` of `clone3`, as strace prints it: the fields the flags make
/// meaningful, and after a successful call what the kernel wrote
/// (` => {pidfd=[3], parent_tid=[42]}`).
#[inline(never)]
// Long (about 85 lines) on purpose: strace's field list, one field after the other.
pub(super) fn write_clone_args<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    size: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    use crate::flags::CloneFlags as F;
    // u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
    // set_tid, set_tid_size, cgroup: 88 bytes (CLONE_ARGS_SIZE_VER2); 64 at least.
    if size < 64 {
        return Ok(false);
    }
    let Some(b) = read_bytes::<88, M>(ctx.mem, addr).or_else(|| {
        read_bytes::<64, M>(ctx.mem, addr).map(|s| {
            let mut b = [0u8; 88];
            if let Some(d) = b.get_mut(..64) {
                d.copy_from_slice(&s);
            }
            b
        })
    }) else {
        return Ok(false);
    };
    let w = |i: usize| ne_u64(&b, i.wrapping_mul(8));
    let flags = w(0);
    let has = |f: F| flags & f.bits() != 0;
    out.write_str("{flags=")?;
    write_flags::<F, W>(out, flags)?;
    let addr_field = |out: &mut W, name: &str, v: u64| -> fmt::Result {
        emit!(out, ", ", name, "=")?;
        write_ptr(out, v)
    };
    if has(F::CLONE_PIDFD) {
        addr_field(out, "pidfd", w(1))?;
    }
    if has(F::CLONE_CHILD_SETTID) || has(F::CLONE_CHILD_CLEARTID) {
        addr_field(out, "child_tid", w(2))?;
    }
    if has(F::CLONE_PARENT_SETTID) {
        addr_field(out, "parent_tid", w(3))?;
    }
    out.write_str(", exit_signal=")?;
    match i32::try_from(w(4)) {
        Ok(sig) => crate::flags::Signal(sig).write(out, false)?,
        Err(_) => emit!(out, w(4))?,
    }
    addr_field(out, "stack", w(5))?;
    out.write_str(", stack_size=")?;
    write_hex(out, w(6))?;
    if has(F::CLONE_SETTLS) {
        addr_field(out, "tls", w(7))?;
    }
    let (set_tid, set_tid_size) = (w(8), w(9));
    if set_tid != 0 || set_tid_size != 0 {
        addr_field(out, "set_tid", set_tid)?;
        emit!(out, ", set_tid_size=", set_tid_size)?;
    }
    if size > 80 && (w(10) != 0 || has(F::CLONE_INTO_CGROUP)) {
        emit!(out, ", cgroup=", w(10))?;
    }
    out.write_char('}')?;
    if ctx.output_ready() && (has(F::CLONE_PIDFD) || has(F::CLONE_PARENT_SETTID)) {
        let mut first = true;
        for (flag, name, at) in [
            (F::CLONE_PIDFD, "pidfd", w(1)),
            (F::CLONE_PARENT_SETTID, "parent_tid", w(3)),
        ] {
            if !has(flag) {
                continue;
            }
            out.write_str(if first { " => {" } else { ", " })?;
            first = false;
            emit!(out, name, "=")?;
            match read_u32(ctx.mem, at) {
                Some(v) => emit!(out, "[", v as i32, "]")?,
                None => write_ptr(out, at)?,
            }
        }
        out.write_char('}')?;
    }
    Ok(true)
}

/// A node mask of `maxnode` bits as strace's `print_nodemask`: `(maxnode + 62) / 64`
/// words, each `%#018lx`-style but 16 wide (`0000000000000000`, `0x00000000000001`), cut
/// after 32 with `...`.
pub(super) fn write_nodemask<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    maxnode: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let words = maxnode.saturating_add(62) / 64;
    if words < maxnode / 64 || (maxnode != 0 && words == 0) || addr == 0 {
        return Ok(false);
    }
    if words > 0 && read_bytes::<8, M>(ctx.mem, addr).is_none() {
        return Ok(false);
    }
    out.write_char('[')?;
    for k in 0..words.min(32) {
        if k > 0 {
            out.write_str(", ")?;
        }
        let at = addr.wrapping_add(k.wrapping_mul(8));
        let Some(b) = read_bytes::<8, M>(ctx.mem, at) else {
            // strace's `print_array`: where the read stopped.
            emit!(out, "... /* ", Hex(at), " */")?;
            break;
        };
        // C's `%#016lx`: the `0x` counts in the width, and zero has none.
        write_hex_padded(out, ne_u64(&b, 0), 16)?;
    }
    if words > 32 {
        out.write_str(", ...")?;
    }
    out.write_char(']')?;
    Ok(true)
}

/// The policy `get_mempolicy` writes: `[MPOL_DEFAULT]`.
pub(super) fn write_mpol_ref<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some(v) = read_u32(ctx.mem, addr) else {
        return Ok(false);
    };
    out.write_char('[')?;
    match <crate::flags::MpolMode as crate::flags::StraceFlags>::SPEC
        .field
        .iter()
        .find(|&&(_, x)| x == u64::from(v))
    {
        Some(&(name, _)) => out.write_str(name)?,
        None => emit!(out, Hex(u64::from(v)), " /* MPOL_??? */")?,
    }
    out.write_char(']')?;
    Ok(true)
}

/// The action `seccomp(SECCOMP_GET_ACTION_AVAIL)` asks about: `[SECCOMP_RET_LOG]`.
pub(super) fn write_seccomp_action<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    use crate::flags::{SeccompRetAction, StraceEnum};
    let Some(v) = read_u32(ctx.mem, addr) else {
        return Ok(false);
    };
    out.write_char('[')?;
    SeccompRetAction::SPEC.write(out, u64::from(v))?;
    out.write_char(']')?;
    Ok(true)
}

/// `struct seccomp_notif_sizes` (three `u16`s), as `SECCOMP_GET_NOTIF_SIZES` fills it.
pub(super) fn write_notif_sizes<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some(b) = read_bytes::<6, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let u = |k: usize| {
        u16::from_ne_bytes([
            b.get(k).copied().unwrap_or(0),
            b.get(k.wrapping_add(1)).copied().unwrap_or(0),
        ])
    };
    emit!(
        out,
        "{seccomp_notif=",
        u(0),
        ", seccomp_notif_resp=",
        u(2),
        ", seccomp_data=",
        u(4),
        "}"
    )?;
    Ok(true)
}
