//! The structs and arrays behind pointers, one writer per [`StructType`].

use core::fmt::{self, Write};

use syscalls::x86_64::Sysno;

use crate::args::{Dir, StructType};
use crate::flags::{EpollEvents, PollEvents};
use crate::mem::Memory;
use crate::text::{emit, write_hex, write_ptr, Hex};

use super::fds::write_fd;
use super::process::{write_cap_data, write_cap_header, write_clone_args, write_gid_array};
use super::read::{ne_u32, ne_u64, read_bytes, read_u32, read_u64, read_word, split16, word_size};
use super::scalars::{write_flags, write_rlim};
use super::signals::{
    write_sigaction, write_siginfo_at, write_sigset_at, write_stack_t, write_wait_status_at,
};
use super::sockaddr::{write_msghdr, write_sockaddr};
use super::sockopt::write_sockopt_val;
use super::stat::{write_stat, write_statx};
use super::strings::{write_buf, write_cstr, write_str_array, CHUNK};
use super::time::{write_file_times, write_interval, write_rusage, write_time};
use super::tty::{write_termios, write_winsize};
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
        // `-v`: the environment whole, as the arguments.
        StructType::EnvArray if ctx.opts.verbose => write_str_array(out, ctx, addr),
        StructType::EnvArray => write_env_array(out, ctx, at),
        StructType::EpollEvent if array => write_epoll_events(out, ctx, at),
        StructType::EpollEvent => write_epoll_event_at(out, ctx, at),
        // A negative count: strace shows the address.
        StructType::FdSet if (count as u32 as i32) < 0 => Ok(false),
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
        StructType::Nodemask => super::process::write_nodemask(out, ctx, addr, count),
        StructType::MpolRef => super::process::write_mpol_ref(out, ctx, addr),
        StructType::SeccompAction => super::process::write_seccomp_action(out, ctx, addr),
        StructType::SeccompNotifSizes => super::process::write_notif_sizes(out, ctx, addr),
        StructType::Winsize => write_winsize(out, ctx, addr),
        StructType::Ifreq(code) => super::ifreq::write_ifreq(out, ctx, addr, code),
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
            ctx.opts,
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
    out.write_char('[')?;
    write_fd(
        out,
        i64::from(i32::from_ne_bytes([a0, a1, a2, a3])),
        ctx.opts,
    )?;
    out.write_str(", ")?;
    write_fd(
        out,
        i64::from(i32::from_ne_bytes([b0, b1, b2, b3])),
        ctx.opts,
    )?;
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
    // strace's `printnum_ptr`: an address, `NULL` for none.
    write_ptr(out, v)?;
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

/// The environment of `execve`: its address and count, `0x... /* 3 vars */` (`, unterminated`
/// when it runs into unreadable memory before its NULL).
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
    let terminated = loop {
        match read_word(ctx, addr.wrapping_add(k.wrapping_mul(ws))) {
            Some(0) => break true,
            Some(_) => k = k.saturating_add(1),
            None => break false,
        }
    };
    if k == 0 && !terminated {
        return Ok(false);
    }
    emit!(
        out,
        Hex(addr),
        " /* ",
        k,
        " var",
        if k == 1 { "" } else { "s" },
        if terminated { "" } else { ", unterminated" },
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
