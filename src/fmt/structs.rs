//! The structs and arrays behind pointers, one writer per [`StructType`].

use core::fmt::{self, Write};

use syscalls::x86_64::Sysno;

use crate::args::{Dir, StructType};
use crate::flags::{EpollEvents, PollEvents, StatxMask};
use crate::mem::Memory;
use crate::text::{emit, write_hex, write_ptr, Hex};

use super::read::{ne_u32, ne_u64, read_bytes, read_u32, read_u64, read_word, split16, word_size};
use super::scalars::{
    write_dev, write_fd, write_file_mode, write_flags, write_rlim, write_xlat_flags,
};
use super::signals::{
    write_sigaction, write_siginfo_at, write_sigset_at, write_stack_t, write_wait_status_at,
};
use super::sockaddr::{write_msghdr, write_sockaddr};
use super::strings::{write_buf, write_cstr, write_str_array, write_struct_buf, CHUNK};
use super::time::{write_file_times, write_interval, write_rusage, write_time};
use super::Ctx;

/// Where a struct argument is and what the call says of its size.
#[derive(Clone, Copy, Debug)]
pub(super) struct At {
    /// What is behind the pointer.
    pub(super) ty: StructType,
    /// The (non-null) address.
    pub(super) addr: u64,
    /// The element count or byte length ([`crate::args::Len`] resolved; 0 when fixed).
    pub(super) count: u64,
    /// Whether the type is an array here (it has a length).
    pub(super) array: bool,
    /// Direction of the data.
    pub(super) dir: Dir,
}

/// Writes a struct: one writer per [`StructType`]; `Ok(false)` when it cannot be read or
/// is not decoded for this ABI (the caller then prints the address).
pub(super) fn write_struct<W, M>(out: &mut W, ctx: &Ctx<'_, M>, at: &At) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At {
        ty,
        addr,
        count,
        array,
        dir,
    } = *at;
    let x86_64 = !ctx.abi.is_compat();
    match ty {
        StructType::Timespec | StructType::Timeval => write_time(out, ctx, at),
        StructType::TimespecPair | StructType::TimevalPair => write_file_times(out, ctx, at),
        StructType::Itimerspec | StructType::Itimerval => write_interval(out, ctx, at),
        StructType::Stat | StructType::Stat64 if ty == StructType::Stat64 || !ctx.compat32() => {
            write_stat(out, ctx, addr, ty == StructType::Stat64)
        }
        StructType::Statx => write_statx(out, ctx, addr),
        StructType::Sysinfo if x86_64 => write_sysinfo(out, ctx, addr),
        StructType::SockFprog if x86_64 => write_sock_fprog(out, ctx, addr),
        StructType::Sigset => write_sigset_at(out, ctx, at),
        StructType::Sigaction => write_sigaction(out, ctx, addr),
        StructType::Sockaddr => write_sockaddr(out, ctx, addr, count),
        StructType::Utsname => write_utsname(out, ctx, addr),
        StructType::Rlimit => write_rlimit(out, ctx, at),
        StructType::Pollfd => write_pollfds(out, ctx, at),
        StructType::FdPair => write_fd_pair(out, ctx, at),
        StructType::IntRef => write_int_ref(out, ctx, at),
        StructType::AddrRef => write_addr_ref(out, ctx, at),
        StructType::OffRef => write_off_ref(out, ctx, at),
        StructType::Iovec | StructType::RemoteIovec => {
            write_iovec(out, ctx, addr, count, ty == StructType::Iovec, dir)
        }
        StructType::StrArray => write_str_array(out, ctx, addr),
        StructType::EnvArray => write_env_array(out, ctx, at),
        StructType::EpollEvent if array => write_epoll_events(out, ctx, at),
        StructType::EpollEvent => write_epoll_event_at(out, ctx, at),
        StructType::FdSet => {
            let nfds = count.min(1024);
            let bytes = nfds.div_ceil(64).saturating_mul(8);
            write_bit_list(out, ctx, addr, bytes, nfds)
        }
        StructType::WaitStatus => write_wait_status_at(out, ctx, at),
        StructType::Dirents | StructType::Dirents64 => write_dirents(out, ctx, at),
        StructType::StackT => write_stack_t(out, ctx, at),
        StructType::Siginfo => write_siginfo_at(out, ctx, at),
        StructType::Rusage => write_rusage(out, ctx, addr),
        StructType::Statfs if x86_64 => write_statfs(out, ctx, addr),
        StructType::CloneArgs if x86_64 => write_clone_args(out, ctx, addr, count),
        StructType::CpuSet => {
            let bytes = count.min(1024);
            write_bit_list(out, ctx, addr, bytes, bytes.saturating_mul(8))
        }
        StructType::Msghdr if x86_64 => write_msghdr(out, ctx, addr, dir),
        StructType::SockOptVal => write_sockopt_val(out, ctx, at),
        StructType::GidArray => write_gid_array(out, ctx, addr, count),
        StructType::Termios => write_termios(out, ctx, addr),
        StructType::Winsize => write_winsize(out, ctx, addr),
        StructType::CapHeader => write_cap_header(out, ctx, addr),
        StructType::CapData => write_cap_data(out, ctx, addr),
        StructType::Stat
        | StructType::Stat64
        | StructType::Msghdr
        | StructType::Sysinfo
        | StructType::SockFprog
        | StructType::CloneArgs
        | StructType::Statfs
        | StructType::Opaque(_) => Ok(false),
    }
}

/// `struct rlimit` (`struct compat_rlimit` for i386 callers but `prlimit64`).
pub(super) fn write_rlimit<W, M>(out: &mut W, ctx: &Ctx<'_, M>, at: &At) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let compat = ctx.abi.is_ilp32() && ctx.sysno != Some(Sysno::prlimit64);
    let (cur, max) = if compat {
        let Some(b) = read_bytes::<8, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let [a0, a1, a2, a3, b0, b1, b2, b3] = b;
        let widen = |v: u32| {
            if v == u32::MAX {
                u64::MAX
            } else {
                u64::from(v)
            }
        };
        (
            widen(u32::from_ne_bytes([a0, a1, a2, a3])),
            widen(u32::from_ne_bytes([b0, b1, b2, b3])),
        )
    } else {
        let Some(b) = read_bytes::<16, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        split16(b)
    };
    let inf = if compat {
        "RLIM_INFINITY"
    } else {
        "RLIM64_INFINITY"
    };
    out.write_str("{rlim_cur=")?;
    write_rlim(out, cur, inf)?;
    out.write_str(", rlim_max=")?;
    write_rlim(out, max, inf)?;
    out.write_char('}')?;
    Ok(true)
}

/// `struct pollfd[count]` as given: `[{fd=3, events=POLLIN}]`.
pub(super) fn write_pollfds<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, count, .. } = *at;
    if count == 0 {
        out.write_str("[]")?;
        return Ok(true);
    }
    if read_bytes::<8, M>(ctx.mem, addr).is_none() {
        return Ok(false);
    }
    out.write_char('[')?;
    let max = count.min(ctx.opts.string_limit as u64);
    for k in 0..max {
        let Some(b) = read_bytes::<8, M>(ctx.mem, addr.wrapping_add(k.wrapping_mul(8))) else {
            break;
        };
        let [f0, f1, f2, f3, e0, e1, _, _] = b;
        if k > 0 {
            out.write_str(", ")?;
        }
        out.write_str("{fd=")?;
        write_fd(
            out,
            i64::from(i32::from_ne_bytes([f0, f1, f2, f3])),
            ctx.opts.fd_paths,
        )?;
        out.write_str(", events=")?;
        write_flags::<PollEvents, W>(out, u64::from(u16::from_ne_bytes([e0, e1])))?;
        out.write_char('}')?;
    }
    if count > max {
        out.write_str(", ...")?;
    }
    out.write_char(']')?;
    Ok(true)
}

/// `int[2]` of new descriptors: `[3, 4]`.
pub(super) fn write_fd_pair<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let Some(b) = read_bytes::<8, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let [a0, a1, a2, a3, b0, b1, b2, b3] = b;
    let paths = ctx.opts.fd_paths;
    out.write_char('[')?;
    write_fd(out, i64::from(i32::from_ne_bytes([a0, a1, a2, a3])), paths)?;
    out.write_str(", ")?;
    write_fd(out, i64::from(i32::from_ne_bytes([b0, b1, b2, b3])), paths)?;
    out.write_char(']')?;
    Ok(true)
}

/// A pointer to one `int`: `[5]`.
pub(super) fn write_int_ref<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let Some(v) = read_u32(ctx.mem, addr) else {
        return Ok(false);
    };
    emit!(out, "[", v as i32, "]")?;
    Ok(true)
}

/// A pointer to one address-sized value: `[0x7f...]`.
pub(super) fn write_addr_ref<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let Some(v) = read_word(ctx, addr) else {
        return Ok(false);
    };
    out.write_char('[')?;
    write_hex(out, v)?;
    out.write_char(']')?;
    Ok(true)
}

/// A pointer to one 64-bit offset: `[0]`.
pub(super) fn write_off_ref<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let Some(v) = read_u64(ctx.mem, addr) else {
        return Ok(false);
    };
    emit!(out, "[", v as i64, "]")?;
    Ok(true)
}

/// The environment of `execve`: its address and count, `0x... /* 3 vars */`.
pub(super) fn write_env_array<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let ws = word_size(ctx);
    let mut k = 0u64;
    while let Some(p) = read_word(ctx, addr.wrapping_add(k.wrapping_mul(ws))) {
        if p == 0 {
            break;
        }
        k = k.saturating_add(1);
    }
    emit!(
        out,
        Hex(addr),
        " /* ",
        k,
        " var",
        if k == 1 { "" } else { "s" },
        " */"
    )?;
    Ok(true)
}

/// `struct epoll_event[count]`.
pub(super) fn write_epoll_events<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, count, .. } = *at;
    out.write_char('[')?;
    for k in 0..count.min(ctx.opts.string_limit as u64) {
        let at = addr.wrapping_add(k.wrapping_mul(crate::arch::EPOLL_EVENT.0));
        let Some(b) = read_epoll_event(ctx.mem, at) else {
            break;
        };
        if k > 0 {
            out.write_str(", ")?;
        }
        write_epoll_event(out, b)?;
    }
    if count > ctx.opts.string_limit as u64 {
        out.write_str(", ...")?;
    }
    out.write_char(']')?;
    Ok(true)
}

/// One `struct epoll_event`.
pub(super) fn write_epoll_event_at<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let Some(b) = read_epoll_event(ctx.mem, addr) else {
        return Ok(false);
    };
    write_epoll_event(out, b)?;
    Ok(true)
}

/// Directory entries in the `count` bytes the call filled: `0x... /* 5 entries */`.
pub(super) fn write_dirents<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At {
        ty, addr, count, ..
    } = *at;
    // Entries in the `count` bytes the call filled: `d_reclen` is at offset 16
    // (64-bit and dirent64 layouts, x32 included) or 8 (i386 linux_dirent).
    let reclen_at = if ty == StructType::Dirents && ctx.abi.is_ilp32() {
        8
    } else {
        16
    };
    let mut entries = 0u64;
    let mut off = 0u64;
    while off < count && entries < 65536 {
        let at = addr.wrapping_add(off).wrapping_add(reclen_at);
        let Some(b) = read_bytes::<2, M>(ctx.mem, at) else {
            break;
        };
        let reclen = u64::from(u16::from_ne_bytes(b));
        if reclen == 0 {
            break;
        }
        entries = entries.saturating_add(1);
        off = off.saturating_add(reclen);
    }
    emit!(out, Hex(addr), " /* ", entries, " entries */")?;
    Ok(true)
}

/// An `int` socket option value: `[1]`.
/// The kernel's `struct termios` as strace's `decode_termios` abbreviates it: the four
/// flag words, then `...`.
fn write_termios<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    use super::xlat as x;
    // c_iflag, c_oflag, c_cflag, c_lflag (u32 each), c_line, c_cc[19]: 36 bytes.
    let Some(b) = read_bytes::<36, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let field = |out: &mut W, table: &[(u64, &str)], v: u64, dflt: &str| -> fmt::Result {
        match table.iter().find(|&&(value, _)| value == v) {
            Some(&(_, name)) => out.write_str(name),
            None => emit!(out, Hex(v), " /* ", dflt, " */"),
        }
    };
    let (i, o, c, l) = (
        u64::from(ne_u32(&b, 0)),
        u64::from(ne_u32(&b, 4)),
        u64::from(ne_u32(&b, 8)),
        u64::from(ne_u32(&b, 12)),
    );
    out.write_str("{c_iflag=")?;
    write_xlat_flags(out, &x::TERM_IFLAGS, i, "")?;
    out.write_str(", c_oflag=")?;
    // NLDLY, CRDLY, TABDLY, BSDLY, VTDLY, FFDLY (asm-generic/termbits.h).
    let mut rest = o;
    for (table, mask, dflt) in [
        (&x::TERM_OFLAGS_NLDLY[..], 0o400u64, "NL?"),
        (&x::TERM_OFLAGS_CRDLY[..], 0o3000, "CR?"),
        (&x::TERM_OFLAGS_TABDLY[..], 0o14000, "TAB?"),
        (&x::TERM_OFLAGS_BSDLY[..], 0o20000, "BS?"),
        (&x::TERM_OFLAGS_VTDLY[..], 0o40000, "VT?"),
        (&x::TERM_OFLAGS_FFDLY[..], 0o100000, "FF?"),
    ] {
        field(out, table, o & mask, dflt)?;
        out.write_char('|')?;
        rest &= !mask;
    }
    write_xlat_flags(out, &x::TERM_OFLAGS, rest, "")?;
    out.write_str(", c_cflag=")?;
    // CBAUD, CIBAUD (IBSHIFT 16), CSIZE.
    const CBAUD: u64 = 0o10017;
    const CIBAUD: u64 = CBAUD << 16;
    field(out, &x::BAUD_OPTIONS, c & CBAUD, "B???")?;
    out.write_char('|')?;
    if c & CIBAUD != 0 {
        field(out, &x::BAUD_OPTIONS, (c & CIBAUD) >> 16, "B???")?;
        out.write_str("<<IBSHIFT|")?;
    }
    field(out, &x::TERM_CFLAGS_CSIZE, c & 0o60, "CS?")?;
    out.write_char('|')?;
    write_xlat_flags(out, &x::TERM_CFLAGS, c & !(CBAUD | CIBAUD | 0o60), "")?;
    out.write_str(", c_lflag=")?;
    write_xlat_flags(out, &x::TERM_LFLAGS, l, "")?;
    out.write_str(", ...}")?;
    Ok(true)
}

/// `struct winsize`: `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`.
fn write_winsize<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some(b) = read_bytes::<8, M>(ctx.mem, addr) else {
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
        "{ws_row=",
        u(0),
        ", ws_col=",
        u(2),
        ", ws_xpixel=",
        u(4),
        ", ws_ypixel=",
        u(6),
        "}"
    )?;
    Ok(true)
}

/// The capability header's version and pid, as `capget`/`capset` read it.
fn cap_header<M: Memory + ?Sized>(ctx: &Ctx<'_, M>, addr: u64) -> Option<(u32, i32)> {
    let b = read_bytes::<8, M>(ctx.mem, addr)?;
    Some((ne_u32(&b, 0), ne_u32(&b, 4) as i32))
}

/// `{version=_LINUX_CAPABILITY_VERSION_3, pid=N}`.
fn write_cap_header<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64) -> Result<bool, fmt::Error>
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
fn write_cap_data<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64) -> Result<bool, fmt::Error>
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
fn write_cap_bits<W: Write + ?Sized>(out: &mut W, lo: u32, hi: u32) -> fmt::Result {
    let mut first = true;
    for (word, base) in [(lo, 0u32), (hi, 32)] {
        let mut rest = word;
        for bit in 0..32u32 {
            if word & (1 << bit) == 0 {
                continue;
            }
            let cap = base.saturating_add(bit);
            let Some(&(_, name)) = super::xlat::CAPABILITIES
                .iter()
                .find(|&&(v, _)| v == u64::from(cap))
            else {
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
fn write_gid_array<W, M>(
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
        match read_u32(ctx.mem, addr.wrapping_add(u64::from(i).wrapping_mul(4))) {
            Some(gid) => emit!(out, gid)?,
            None => {
                out.write_str("...")?;
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

/// A socket option's value of `count` bytes, as strace's `print_getsockopt` and
/// `print_setsockopt`: the address for a length that is not positive, `SO_LINGER` and
/// `SO_PEERCRED` as structs, an `int` as `[N]`, other lengths as a string.
pub(super) fn write_sockopt_val<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, count, .. } = *at;
    let len = count as u32 as i32;
    if len <= 0 {
        return Ok(false);
    }
    let (level, name) = (ctx.raw(1) as u32, ctx.raw(2) as u32);
    let socket = level == libc::SOL_SOCKET as u32;
    if socket && name == libc::SO_LINGER as u32 && len >= 8 {
        if let Some(b) = read_bytes::<8, M>(ctx.mem, addr) {
            emit!(
                out,
                "{l_onoff=",
                ne_u32(&b, 0) as i32,
                ", l_linger=",
                ne_u32(&b, 4) as i32,
                "}"
            )?;
            return Ok(true);
        }
    }
    if socket && name == libc::SO_PEERCRED as u32 && len >= 12 {
        if let Some(b) = read_bytes::<12, M>(ctx.mem, addr) {
            emit!(
                out,
                "{pid=",
                ne_u32(&b, 0) as i32,
                ", uid=",
                ne_u32(&b, 4),
                ", gid=",
                ne_u32(&b, 8),
                "}"
            )?;
            return Ok(true);
        }
    }
    if len == 4 {
        return write_sockopt_int(out, ctx, at);
    }
    write_struct_buf(out, ctx, addr, count)
}

pub(super) fn write_sockopt_int<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let Some(v) = read_u32(ctx.mem, addr) else {
        return Ok(false);
    };
    emit!(out, "[", v as i32, "]")?;
    Ok(true)
}

/// `struct stat` (x86_64 and x32), or the i386 `struct stat64`.
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
    // (mode, rdev, size) offsets: i386 `stat64`, or the native `struct stat` (x32's is
    // x86_64's) of the architecture.
    let (mode, rdev, size) = if stat64 {
        let Some(b) = read_bytes::<52, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        (ne_u32(&b, 16), ne_u64(&b, 32), ne_u64(&b, 44) as i64)
    } else {
        let Some(b) = read_bytes::<56, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let (mode, rdev, size) = crate::arch::STAT_OFFSETS;
        (ne_u32(&b, mode), ne_u64(&b, rdev), ne_u64(&b, size) as i64)
    };
    out.write_str("{st_mode=")?;
    write_file_mode(out, mode)?;
    let kind = mode & 0o170000;
    if kind == 0o20000 || kind == 0o60000 {
        out.write_str(", st_rdev=")?;
        write_dev(out, rdev)?;
    } else {
        emit!(out, ", st_size=", size)?;
    }
    out.write_str(", ...}")?;
    Ok(true)
}

/// `struct statx`, abbreviated as strace prints it: `stx_mask`, `stx_attributes`,
/// `stx_mode`, `stx_size`.
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
    // stx_mode u16 @28, stx_ino u64 @32, stx_size u64 @40.
    let Some(b) = read_bytes::<48, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    out.write_str("{stx_mask=")?;
    write_flags::<StatxMask, W>(out, u64::from(ne_u32(&b, 0)))?;
    out.write_str(", stx_attributes=")?;
    write_xlat_flags(
        out,
        &super::xlat::STATX_ATTRS,
        ne_u64(&b, 8),
        "STATX_ATTR_???",
    )?;
    out.write_str(", stx_mode=")?;
    write_file_mode(out, ne_u32(&b, 28) & 0xffff)?;
    emit!(out, ", stx_size=", ne_u64(&b, 40))?;
    out.write_str(", ...}")?;
    Ok(true)
}

/// `struct sock_fprog`: `{len=8, filter=0x...}`.
#[inline(never)]
pub(super) fn write_sock_fprog<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some(b) = read_bytes::<16, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    emit!(out, "{len=", ne_u32(&b, 0) & 0xffff, ", filter=")?;
    write_ptr(out, ne_u64(&b, 8))?;
    out.write_char('}')?;
    Ok(true)
}

/// The x86_64 `struct sysinfo`, every field, as strace prints it.
#[inline(never)]
pub(super) fn write_sysinfo<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    // long uptime; unsigned long loads[3], totalram, freeram, sharedram, bufferram,
    // totalswap, freeswap; unsigned short procs (@80); unsigned long totalhigh (@88),
    // freehigh; unsigned int mem_unit (@104).
    let Some(b) = read_bytes::<108, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let w = |i: usize| ne_u64(&b, i);
    emit!(
        out,
        "{uptime=",
        w(0) as i64,
        ", loads=[",
        w(8),
        ", ",
        w(16),
        ", ",
        w(24),
        "]"
    )?;
    for (name, at) in [
        ("totalram", 32),
        ("freeram", 40),
        ("sharedram", 48),
        ("bufferram", 56),
        ("totalswap", 64),
        ("freeswap", 72),
    ] {
        emit!(out, ", ", name, "=", w(at))?;
    }
    let procs = ne_u32(&b, 80) & 0xffff;
    emit!(
        out,
        ", procs=",
        procs,
        ", totalhigh=",
        w(88),
        ", freehigh=",
        w(96)
    )?;
    emit!(out, ", mem_unit=", ne_u32(&b, 104), "}")?;
    Ok(true)
}

/// `struct utsname` (`{sysname="Linux", nodename="box", ...}`).
#[inline(never)]
pub(super) fn write_utsname<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    out.write_char('{')?;
    for (n, name) in ["sysname", "nodename"].iter().enumerate() {
        if n > 0 {
            out.write_str(", ")?;
        }
        let field = addr.wrapping_add(65u64.wrapping_mul(n as u64));
        let Some(_) = read_bytes::<1, M>(ctx.mem, field) else {
            return Ok(false);
        };
        emit!(out, *name, "=")?;
        write_cstr(out, ctx, field, 65, false)?;
    }
    out.write_str(", ...}")?;
    Ok(true)
}

/// The set bits of `bytes` bytes at `addr`, below `nbits`, as `[0 1 5]` (fd sets, CPU
/// masks); read in chunks, so a 128-byte mask costs one read. `Ok(false)` when unreadable.
pub(super) fn write_bit_list<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    bytes: u64,
    nbits: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if bytes == 0 {
        return Ok(false);
    }
    let mut chunk = [0u8; CHUNK];
    let mut done = 0u64;
    let mut first = true;
    while done < bytes {
        let want = usize::try_from(bytes.saturating_sub(done))
            .unwrap_or(CHUNK)
            .min(CHUNK);
        let buf = chunk.get_mut(..want).unwrap_or(&mut []);
        let n = match ctx.mem.read(addr.wrapping_add(done), buf) {
            Ok(n) if n > 0 => n,
            _ if done == 0 => return Ok(false),
            _ => break,
        };
        if done == 0 {
            out.write_char('[')?;
        }
        for (k, &b) in buf.iter().take(n).enumerate() {
            for bit in 0..8u64 {
                let index = done
                    .saturating_add(k as u64)
                    .saturating_mul(8)
                    .saturating_add(bit);
                if index < nbits && b & (1u8 << bit) != 0 {
                    if !first {
                        out.write_char(' ')?;
                    }
                    emit!(out, index)?;
                    first = false;
                }
            }
        }
        done = done.saturating_add(n as u64);
    }
    out.write_char(']')?;
    Ok(true)
}

/// The `events` and `data` of the `struct epoll_event` at `addr`, in the architecture's
/// layout (packed on x86_64, `data` at 8 elsewhere), as x86_64's 12 bytes.
fn read_epoll_event<M: Memory + ?Sized>(mem: &M, addr: u64) -> Option<[u8; 12]> {
    let [e0, e1, e2, e3] = read_bytes::<4, M>(mem, addr)?;
    let data = read_bytes::<8, M>(mem, addr.wrapping_add(crate::arch::EPOLL_EVENT.1))?;
    let [d0, d1, d2, d3, d4, d5, d6, d7] = data;
    Some([e0, e1, e2, e3, d0, d1, d2, d3, d4, d5, d6, d7])
}

pub(super) fn write_epoll_event<W: Write + ?Sized>(out: &mut W, b: [u8; 12]) -> fmt::Result {
    let [e0, e1, e2, e3, d0, d1, d2, d3, d4, d5, d6, d7] = b;
    let events = u32::from_ne_bytes([e0, e1, e2, e3]);
    let data = u64::from_ne_bytes([d0, d1, d2, d3, d4, d5, d6, d7]);
    out.write_str("{events=")?;
    write_flags::<EpollEvents, W>(out, u64::from(events))?;
    emit!(out, ", data={u32=", data as u32, ", u64=", data, "}}")
}

/// `[{iov_base="abc", iov_len=3}, ...]`; data shown for local iovecs (for output iovecs
/// after the call, `ret` bytes in all), addresses for remote ones.
pub(super) fn write_iovec<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    count: u64,
    data: bool,
    dir: Dir,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let ws = word_size(ctx);
    let entry = ws.saturating_mul(2);
    if count > 0 && read_word(ctx, addr).is_none() {
        return Ok(false);
    }
    // Bytes of data left to show: the result for output iovecs after the call.
    let mut left = match dir {
        Dir::Out if ctx.output_ready() => ctx.ret_len(),
        _ => u64::MAX,
    };
    out.write_char('[')?;
    let max = count.min(ctx.opts.string_limit as u64);
    for k in 0..max {
        let at = addr.wrapping_add(k.wrapping_mul(entry));
        let (Some(base), Some(len)) = (read_word(ctx, at), read_word(ctx, at.wrapping_add(ws)))
        else {
            break;
        };
        if k > 0 {
            out.write_str(", ")?;
        }
        out.write_str("{iov_base=")?;
        if data {
            let n = len.min(left);
            left = left.saturating_sub(n);
            write_buf(out, ctx, base, n)?;
        } else {
            write_ptr(out, base)?;
        }
        emit!(out, ", iov_len=", len, "}")?;
    }
    if count > max {
        out.write_str(", ...")?;
    }
    out.write_char(']')?;
    Ok(true)
}

/// `struct clone_args` of `clone3`, as strace prints it: the fields the flags make
/// meaningful, and after a successful call what the kernel wrote
/// (` => {pidfd=[3], parent_tid=[42]}`).
#[inline(never)]
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

/// The x86_64 `struct statfs`, as strace prints it: the file system's magic by name
/// (strace's `fsmagic` table), the counts, `f_fsid`, and `f_flags` when `ST_VALID` says
/// the kernel filled them in.
#[inline(never)]
pub(super) fn write_statfs<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    // long f_type, f_bsize; u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    // int f_fsid[2] (@56); long f_namelen (@64), f_frsize, f_flags, f_spare[4].
    let Some(b) = read_bytes::<88, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let w = |i: usize| ne_u64(&b, i);
    let magic = w(0);
    out.write_str("{f_type=")?;
    match super::xlat::FS_MAGIC.iter().find(|(v, _)| *v == magic) {
        Some((_, name)) => out.write_str(name)?,
        None => write_hex(out, magic)?,
    }
    for (name, at) in [
        ("f_bsize", 8),
        ("f_blocks", 16),
        ("f_bfree", 24),
        ("f_bavail", 32),
        ("f_files", 40),
        ("f_ffree", 48),
    ] {
        emit!(out, ", ", name, "=", w(at))?;
    }
    out.write_str(", f_fsid={val=[")?;
    write_hex(out, u64::from(ne_u32(&b, 56)))?;
    out.write_str(", ")?;
    write_hex(out, u64::from(ne_u32(&b, 60)))?;
    emit!(out, "]}, f_namelen=", w(64), ", f_frsize=", w(72))?;
    let flags = w(80);
    if flags & crate::flags::StatfsFlags::ST_VALID.bits() != 0 {
        out.write_str(", f_flags=")?;
        write_flags::<crate::flags::StatfsFlags, W>(out, flags)?;
    }
    out.write_char('}')?;
    Ok(true)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    /// strace's magic numbers agree with the kernel's `<linux/magic.h>`, where it defines
    /// them with a number (the test reads the installed header; skipped without it).
    #[test]
    fn fs_magic_numbers_match_the_kernel_header() {
        let Ok(header) = std::fs::read_to_string("/usr/include/linux/magic.h") else {
            return;
        };
        let mut checked = 0;
        for line in header.lines() {
            let mut w = line.split_whitespace();
            let (Some("#define"), Some(name), Some(v)) = (w.next(), w.next(), w.next()) else {
                continue;
            };
            let Some(v) = v
                .strip_prefix("0x")
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .or_else(|| v.parse().ok())
            else {
                continue;
            };
            if let Some((val, _)) = super::super::xlat::FS_MAGIC
                .iter()
                .find(|(_, n)| *n == name)
            {
                assert_eq!(*val, v, "{name}");
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked}");
    }
}
