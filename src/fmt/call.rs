//! The entry points and the layout of one call: `name(args...)`, ` = result`, and the
//! [`Before`] snapshot of value-result arguments.
//!
//! The arguments are laid out by the call's rule ([`crate::args::layout`], the same rule
//! [`crate::args::typed_args`] follows) and each is printed from its typed value.

use core::fmt::{self, Write};

use crate::args::{
    describe, layout, Arg, Described, Dir, Form, Kind, Layout, Len, Ret, StructArg, StructType,
};
use crate::flags::{CloneFlags, FdFlags, IpProto, Signal, StraceEnum, StraceFlags};
use crate::mem::Memory;
use crate::syscall::Syscall;
use crate::text::{emit, write_hex, write_octal, write_ptr, Hex};

use super::before::Before;
use super::fds::{write_at_fdcwd, write_fd};
use super::read::{read_u32, read_u64};
use super::result::{result_suffix, special_result};
use super::scalars::{
    write_dev, write_errno, write_file_mode, write_ioctl, write_xlat_flags, xlat_name,
};
use super::strings::{write_buf, write_cstr};
use super::structs::{write_struct, At};
use super::{time32, xlat, Ctx, Options};

/// Writes `name(args...)` as known when the call is made: input data decoded, output
/// buffers and structs shown by address.
///
/// # Errors
///
/// Only those of `out` (for a [`FixedBuf`](super::FixedBuf): it is full).
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_call, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::read, [3, 0x7000, 4096, 0, 0, 0]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_call(&mut out, &call, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "read(3, 0x7000, 4096)");
/// ```
pub fn write_call<W, M>(out: &mut W, call: &Syscall, mem: &M, opts: &Options) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_at(out, call, None, &Before::NONE, mem, opts)
}

/// Writes `name(args...)` once the call returned `ret` (the raw result: a value, or
/// `-errno`): output buffers of a successful call are shown with their contents, `ret`
/// bytes long where the result is a length.
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_call_done, FixedBuf, Options};
/// use sigsys::mem::SelfMemory;
/// use syscalls::x86_64::Sysno;
/// let data = *b"root:x:0:0:root:/root:/bin/bash\nbin:x:1:1";
/// let call = sigsys::Syscall::x86_64(Sysno::read, [3, data.as_ptr() as u64, 4096, 0, 0, 0]);
/// let mut s = [0u8; 128];
/// let mut out = FixedBuf::new(&mut s);
/// write_call_done(&mut out, &call, data.len() as i64, &SelfMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), r#"read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096)"#);
/// ```
pub fn write_call_done<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_at(out, call, Some(ret), &Before::NONE, mem, opts)
}

/// [`write_call_done`] with the value-result arguments as they were before the call
/// (taken with [`Before::capture`]): a length or offset the kernel changed prints as
/// strace prints it, `[110 => 16]` for lengths and `[0] => [5]` for offsets.
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_call_done_with, Before, FixedBuf, Options};
/// use sigsys::mem::SelfMemory;
/// use syscalls::x86_64::Sysno;
/// let mut off: i64 = 0;
/// let call = sigsys::Syscall::x86_64(Sysno::sendfile, [4, 3, &mut off as *mut i64 as u64, 5, 0, 0]);
/// let before = Before::capture(&call, &SelfMemory);
/// off = 5; // what the kernel does
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_call_done_with(&mut out, &call, 5, &before, &SelfMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "sendfile(4, 3, [0] => [5], 5)");
/// # let _ = off;
/// ```
pub fn write_call_done_with<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    before: &Before,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_at(out, call, Some(ret), before, mem, opts)
}

/// Writes ` = ...` for the result `ret` of `call`: ` = 3`, ` = 0x7f12a000` for calls that
/// return addresses, ` = -1 ENOENT (No such file or directory)` for errors, ` = ?` for
/// `exit`, and strace's decoded suffixes where it has them (`= 0 (Timeout)` for polls,
/// `= 0x1 (flags FD_CLOEXEC)` for `fcntl(F_GETFD)`, the `revents` of `poll`).
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_result, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::openat, [0; 6]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_result(&mut out, &call, -2, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), " = -1 ENOENT (No such file or directory)");
/// ```
// Out of line: `write_line`'s frame, which the arguments' deep paths pass under, then
// does not hold this function's locals.
#[inline(never)]
pub fn write_result<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_result_of(out, call, describe(call), ret, mem, opts)
}

/// [`write_call_done_with`], `between`, then [`write_result`]: a whole line in a tracer's
/// own layout (its separator between the call and ` = result`), with the call decoded
/// once for both parts (calling the two costs a second decode). The text is exactly what
/// the three writes give.
///
/// # Errors
///
/// Only those of `out` (the first; the later parts are still written, as by three calls).
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_call_result_with, Before, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::close, [u64::MAX, 0, 0, 0, 0, 0]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_call_result_with(&mut out, &call, -9, &Before::NONE, " |", &NoMemory, &Options::DEFAULT)
///     .unwrap();
/// assert_eq!(out.as_str(), "close(-1) | = -1 EBADF (Bad file descriptor)");
/// ```
// Out of line, as `write_call_at`; the result is written by a function of its own, as
// `write_result` is.
#[inline(never)]
pub fn write_call_result_with<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    before: &Before,
    between: &str,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let described = describe(call);
    let args = write_call_of(out, call, &described, Some(ret), before, mem, opts);
    let mark = out.write_str(between);
    let result = write_result_described(out, call, described, ret, mem, opts);
    args.and(mark).and(result)
}

/// [`write_result`] of a call [`describe`]d already.
#[inline(never)]
fn write_result_described<W, M>(
    out: &mut W,
    call: &Syscall,
    typed: Option<Described>,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_result_of(out, call, typed, ret, mem, opts)
}

/// [`write_result`]'s text, `typed` being [`describe`]`(call)`.
#[inline(always)]
fn write_result_of<W, M>(
    out: &mut W,
    call: &Syscall,
    typed: Option<Described>,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let ret = match call.abi {
        abi if abi.is_ilp32() => i64::from(ret as i32),
        _ => ret,
    };
    let kind = typed.map_or(Ret::Int, |t| t.signature.ret);
    if kind == Ret::NoReturn {
        return out.write_str(" = ?");
    }
    if (-4095..=-1).contains(&ret) {
        return write_errno(out, ret.unsigned_abs() as i32);
    }
    let Some(t) = typed else {
        return emit!(out, " = ", ret);
    };
    if let Some(done) = special_result(out, &t, ret, opts) {
        return done;
    }
    match kind {
        Ret::Hex if call.abi.is_ilp32() => {
            out.write_str(" = ")?;
            write_hex(out, u64::from(ret as u32))
        }
        Ret::Hex => {
            out.write_str(" = ")?;
            write_hex(out, ret as u64)
        }
        Ret::Octal => {
            out.write_str(" = ")?;
            write_octal(out, ret as u64)
        }
        Ret::Fd => {
            out.write_str(" = ")?;
            write_fd(out, ret, opts)?;
            result_suffix(out, &t, ret, call.abi, mem, opts)
        }
        Ret::Int | Ret::NoReturn => {
            emit!(out, " = ", ret)?;
            result_suffix(out, &t, ret, call.abi, mem, opts)
        }
    }
}

/// Writes a whole strace line: [`write_call_done`], [`write_result`] and a newline.
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_line, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::close, [u64::MAX, 0, 0, 0, 0, 0]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_line(&mut out, &call, -9, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "close(-1) = -1 EBADF (Bad file descriptor)\n");
/// ```
pub fn write_line<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_done(out, call, ret, mem, opts)?;
    write_result(out, call, ret, mem, opts)?;
    out.write_char('\n')
}

/// [`write_line`] with the value-result arguments from before the call (see
/// [`write_call_done_with`]).
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_line_with, Before, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::getppid, [0; 6]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_line_with(&mut out, &call, 1, &Before::NONE, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "getppid() = 1\n");
/// ```
pub fn write_line_with<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    before: &Before,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_done_with(out, call, ret, before, mem, opts)?;
    write_result(out, call, ret, mem, opts)?;
    out.write_char('\n')
}

// Out of line: its locals (the described call, the layout, the context) then live only
// while the arguments are written, not under `write_result` too (handler stack).
#[inline(never)]
pub(super) fn write_call_at<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: Option<i64>,
    before: &Before,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    // Borrowed in place: moving it out of the `Option` would copy it into the frame.
    write_call_of(out, call, &describe(call), ret, before, mem, opts)
}

/// [`write_call_at`]'s text, `described` being [`describe`]`(call)`.
#[inline(always)]
fn write_call_of<W, M>(
    out: &mut W,
    call: &Syscall,
    described: &Option<Described>,
    ret: Option<i64>,
    before: &Before,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some(t) = described.as_ref() else {
        return write_unknown(out, call);
    };
    out.write_str(call.name().or(t.sysno.map(|s| s.name())).unwrap_or("?"))?;
    out.write_char('(')?;
    let ctx = Ctx {
        mem,
        opts,
        abi: call.abi,
        ret,
        raw: &t.raw,
        time32: time32(call),
        sysno: t.sysno,
        before,
    };
    let mut l = Layout::new(|n, i, form| {
        if n > 0 {
            out.write_str(", ")?;
        }
        write_shown(out, &ctx, t, i, form)
    });
    layout(t, &mut l);
    l.result?;
    out.write_char(')')
}

/// A call no table describes: its name (or `syscall_0x...`) and six hex arguments.
fn write_unknown<W: Write + ?Sized>(out: &mut W, call: &Syscall) -> fmt::Result {
    match call.name() {
        Some(name) => out.write_str(name)?,
        None => emit!(out, "syscall_", Hex(call.nr as u64))?,
    }
    out.write_char('(')?;
    for (i, a) in call.args.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_hex(out, *a)?;
    }
    out.write_char(')')
}

/// Argument `i` in the form the call's rule gives it.
#[inline(never)]
fn write_shown<W, M>(out: &mut W, ctx: &Ctx<'_, M>, t: &Described, i: u8, form: Form) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let kind = match form {
        Form::Row => t.kind(i),
        Form::As(k) => k,
        Form::Named((name, k)) => {
            out.write_str(name)?;
            k
        }
        _ => return write_special(out, ctx, ctx.raw(i), form),
    };
    write_arg(out, ctx, t, i, kind)
}

/// An integer `v` in a form of the call's own rule (not a table kind).
fn write_special<W, M>(out: &mut W, ctx: &Ctx<'_, M>, v: u64, form: Form) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    match form {
        Form::Count | Form::U32 => emit!(out, v as u32),
        Form::Bitset if v as u32 == u32::MAX => out.write_str("FUTEX_BITSET_MATCH_ANY"),
        Form::Bitset => write_hex(out, u64::from(v as u32)),
        Form::Dumpable => match v {
            0 => out.write_str("SUID_DUMP_DISABLE"),
            1 => out.write_str("SUID_DUMP_USER"),
            2 => out.write_str("SUID_DUMP_ROOT"),
            _ => emit!(out, Hex(v), " /* SUID_DUMP_??? */"),
        },
        Form::FdFlags => FdFlags::SPEC.write(out, v),
        Form::SigRef => match read_u32(ctx.mem, v) {
            Some(sig) if ctx.output_ready() => {
                out.write_char('[')?;
                Signal(sig as i32).write(out, false)?;
                out.write_char(']')
            }
            _ => write_ptr(out, v),
        },
        Form::InetProtocol => match IpProto::SPEC.name(v) {
            Some(name) => out.write_str(name),
            None => emit!(out, v as u32 as i32),
        },
        Form::Capability => match xlat_name(&xlat::CAPABILITIES, v as u32) {
            Some(name) => out.write_str(name),
            None => emit!(out, Hex(v), " /* CAP_??? */"),
        },
        Form::SecureBits => write_xlat_flags(out, &xlat::SECBITS, v, "SECBIT_???"),
        Form::Ptracer if v as i32 == -1 => out.write_str("PR_SET_PTRACER_ANY"),
        Form::Ptracer => emit!(out, v as i32),
        Form::UintRef | Form::TscRef | Form::UnalignRef => match read_u32(ctx.mem, v) {
            Some(n) if ctx.output_ready() => {
                out.write_char('[')?;
                match form {
                    Form::TscRef => crate::flags::PrTsc::SPEC.write(out, u64::from(n))?,
                    Form::UnalignRef => crate::flags::PrUnalign::SPEC.write(out, u64::from(n))?,
                    _ => emit!(out, n)?,
                }
                out.write_char(']')
            }
            _ => write_ptr(out, v),
        },
        Form::NetlinkProtocol => match xlat_name(&xlat::NETLINK_PROTOCOLS, v as u32) {
            Some(name) => out.write_str(name),
            None => emit!(out, Hex(u64::from(v as u32)), " /* NETLINK_??? */"),
        },
        Form::EthernetProtocol => {
            out.write_str("htons(")?;
            let host = u16::from_be(v as u16);
            match xlat_name(&xlat::ETHERNET_PROTOCOLS, u32::from(host)) {
                Some(name) => out.write_str(name)?,
                None => emit!(out, Hex(u64::from(host)), " /* ETH_P_??? */")?,
            }
            out.write_char(')')
        }
        Form::SocketOption { level, get } => write_sockopt_name(out, level, get, v as u32),
        Form::CommName { out: true } if !ctx.output_ready() => write_ptr(out, v),
        Form::CommName { out: written } => {
            let len = if written { 16 } else { 15 };
            super::strings::write_bounded_cstr(out, ctx, v, len)
        }
        // The forms of a table kind are written by `write_arg`.
        Form::Row | Form::As(_) | Form::Named(_) => Ok(()),
    }
}

/// A socket option name at its level, as strace's `print_sockopt_fd_level_name`: the
/// level's table, `0x.. /* PREFIX??? */` for a name it lacks, the number at a level
/// without a table.
fn write_sockopt_name<W: Write + ?Sized>(
    out: &mut W,
    level: u32,
    get: bool,
    v: u32,
) -> fmt::Result {
    let (table, unknown): (&[(u64, &str)], &str) = match level {
        1 => (&xlat::SOCK_OPTIONS, "SO_???"),
        0 => (&xlat::SOCK_IP_OPTIONS, "IP_???"),
        41 => (&xlat::SOCK_IPV6_OPTIONS, "IPV6_???"),
        6 => (&xlat::SOCK_TCP_OPTIONS, "TCP_???"),
        17 => (&xlat::SOCK_UDP_OPTIONS, "UDP_???"),
        263 => (&xlat::SOCK_PACKET_OPTIONS, "PACKET_???"),
        255 => (&xlat::SOCK_RAW_OPTIONS, "RAW_???"),
        270 => (&xlat::SOCK_NETLINK_OPTIONS, "NETLINK_???"),
        _ => return emit!(out, v),
    };
    // strace's getsock_options / setsock_options: the one value sock_options lacks.
    let extra = match (level, v, get) {
        (1, 26, true) => Some("SO_GET_FILTER"),
        (1, 26, false) => Some("SO_ATTACH_FILTER"),
        _ => None,
    };
    match xlat_name(table, v).or(extra) {
        Some(name) => out.write_str(name),
        None => emit!(out, Hex(u64::from(v)), " /* ", unknown, " */"),
    }
}

/// Argument `i` as `kind`: decoded once into its typed value ([`Described::value`]),
/// which is what is printed; the kind adds only how (hex offsets, where a length is).
fn write_arg<W, M>(out: &mut W, ctx: &Ctx<'_, M>, t: &Described, i: u8, kind: &Kind) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let arg = t.value(i, kind);
    if matches!(kind, Kind::MsgctlCmd | Kind::SemctlCmd | Kind::ShmctlCmd) {
        // strace's `PRINTCTL`: the old-ABI `IPC_64` bit by name, then the command.
        let v = ctx.raw(i) as u32;
        if v & 0x100 != 0 {
            out.write_str("IPC_64|")?;
            let rest = u64::from(v & !0x100);
            return match kind {
                Kind::MsgctlCmd => crate::flags::MsgctlCmd::SPEC.write(out, rest),
                Kind::SemctlCmd => crate::flags::SemctlCmd::SPEC.write(out, rest),
                _ => crate::flags::ShmctlCmd::SPEC.write(out, rest),
            };
        }
    }
    if matches!(kind, Kind::MpolMode) {
        // strace's `print_mode`: an unknown mode without flags is `0x6 /* MPOL_??? */`.
        // `set_mempolicy` reads an `int`; `mbind` an `unsigned long`.
        let v = match ctx.sysno {
            Some(syscalls::x86_64::Sysno::set_mempolicy) => ctx.raw(i) as u32 as u64,
            _ => ctx.raw(i),
        };
        let spec = &<crate::flags::MpolMode as StraceFlags>::SPEC;
        let flags = spec.flags.iter().fold(0, |m, &(_, b)| m | b);
        if v & flags == 0 && !spec.field.iter().any(|&(_, f)| f == v) {
            return emit!(out, Hex(v), " /* MPOL_??? */");
        }
    }
    match kind {
        Kind::IpcKey | Kind::IpcPerm | Kind::ShmPerm => {
            return super::scalars::write_ipc(out, *kind, ctx.raw(i) as u32)
        }
        _ => {}
    }
    if matches!(kind, Kind::SockLevel) {
        // strace's `socketlayers` (`SockLevel`), and its `SOL_??` for a level it lacks.
        let v = ctx.raw(i) as u32;
        return match crate::flags::SockLevel::SPEC.name(u64::from(v)) {
            Some(name) => out.write_str(name),
            None => emit!(out, Hex(u64::from(v)), " /* SOL_?? */"),
        };
    }
    if let Some((names, bits)) = arg.named() {
        return names.write(out, bits);
    }
    match arg {
        Arg::Int(n) | Arg::Offset(n) if !matches!(kind, Kind::HexOffset) => emit!(out, n),
        Arg::Offset(n) => write_hex(out, n as u64),
        Arg::Uint(n) | Arg::Size(n) => emit!(out, n),
        Arg::Hex(n) | Arg::FcntlArg(n) => write_hex(out, n),
        Arg::Fd(n) => write_fd(out, i64::from(n), ctx.opts),
        Arg::Pid(n) | Arg::Protocol(n) => emit!(out, n),
        Arg::DirFd(-100) => write_at_fdcwd(out, ctx.opts),
        Arg::DirFd(n) => write_fd(out, i64::from(n), ctx.opts),
        Arg::Ptr(a) => write_ptr(out, a),
        Arg::Path(a) => write_cstr(out, ctx, a, ctx.opts.path_limit, true),
        Arg::Str(a) => write_cstr(out, ctx, a, ctx.opts.string_limit, false),
        Arg::OutStr(a) if ctx.output_ready() => write_cstr(out, ctx, a, ctx.opts.path_limit, true),
        Arg::OutStr(a) => write_ptr(out, a),
        Arg::Buf { addr, len, dir } => write_buffer(out, ctx, kind, addr, len, dir),
        Arg::Mode(m) => write_octal(out, u64::from(m) & 0o7777_7777),
        Arg::FileMode(m) => write_file_mode(out, m),
        Arg::Dev(d) => write_dev(out, d),
        Arg::Uid(u32::MAX) | Arg::Gid(u32::MAX) => out.write_str("-1"),
        Arg::Uid(n) | Arg::Gid(n) | Arg::SockOptName(n) => emit!(out, n),
        Arg::Signal(s) => s.write(out, false),
        Arg::CloneFlags(flags, sig) => write_clone_flags(out, flags, sig),
        Arg::FutexOp(op) => op.write(out),
        Arg::IoctlRequest(r) => write_ioctl(out, r),
        Arg::Struct(s) => write_struct_arg(out, ctx, kind, i, s),
        // Ignored registers; flags and enums were printed by their names above.
        _ => Ok(()),
    }
}

/// A byte buffer: its contents when the data is there (for output buffers after the
/// call, as many bytes as the result says), its address otherwise.
#[cfg_attr(not(debug_assertions), inline(always))]
fn write_buffer<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    kind: &Kind,
    addr: u64,
    len_arg: u64,
    dir: Dir,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if !ctx.shows(dir) {
        return write_ptr(out, addr);
    }
    let len = match kind {
        Kind::Buf { len, .. } => ctx.length(*len, len_arg),
        _ => len_arg,
    };
    let n = match (dir, ctx.ret) {
        (Dir::Out, Some(_)) => ctx.ret_len().min(len.max(ctx.ret_len())),
        _ => len,
    };
    write_buf(out, ctx, addr, n)
}

/// `clone`'s flags with the exit signal in the low byte: `CLONE_VM|SIGCHLD`.
fn write_clone_flags<W: Write + ?Sized>(
    out: &mut W,
    flags: CloneFlags,
    sig: Signal,
) -> fmt::Result {
    let rest = flags.raw();
    if rest != 0 || sig.0 == 0 {
        CloneFlags::SPEC.write(out, rest)?;
    }
    if sig.0 != 0 {
        if rest != 0 {
            out.write_char('|')?;
        }
        sig.write(out, false)?;
    }
    Ok(())
}

/// A struct or array argument: its contents when readable and there, `[old => new]` for
/// a value-result the call changed (with a [`Before`]), its address otherwise.
// Inlined into `write_arg` in optimised builds: one frame fewer under the struct writers
// (handler stack).
#[cfg_attr(not(debug_assertions), inline(always))]
fn write_struct_arg<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    kind: &Kind,
    i: u8,
    s: StructArg,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let StructArg {
        ty,
        addr,
        dir,
        count,
    } = s;
    if addr == 0 || !ctx.shows(dir) {
        return write_ptr(out, addr);
    }
    if let (StructType::Timespec | StructType::Timeval, Some(tp), Some(_)) =
        (ty, ctx.before.timeout(i), ctx.ret)
    {
        // The timeout as given (the kernel has written the time left since).
        return super::time::write_timespec(out, tp, ty == StructType::Timeval);
    }
    if let (StructType::FdSet, Some(bits), Some(_)) = (ty, ctx.before.set(i), ctx.ret) {
        // The input set, as the call read it (the kernel has rewritten it since).
        out.write_char('[')?;
        let mut first = true;
        for fd in 0..count.min(128) {
            if bits & (1u128 << fd) != 0 {
                if !first {
                    out.write_char(' ')?;
                }
                emit!(out, fd)?;
                first = false;
            }
        }
        return out.write_char(']');
    }
    if let (StructType::Msghdr, Some(_), Some(_)) = (ty, ctx.before.at(i), ctx.ret) {
        // `msg_namelen` before the call: `write_msghdr` shows `old => new`.
    } else if let (Some(old), Some(_)) = (ctx.before.at(i), ctx.ret) {
        let now = match ty {
            StructType::OffRef => read_u64(ctx.mem, addr).map(|x| x as i64),
            _ => read_u32(ctx.mem, addr).map(|x| i64::from(x as i32)),
        };
        // strace shows an offset's change for `sendfile` only; `splice` and
        // `copy_file_range` show the offset the call read.
        let sendfile = matches!(ctx.sysno, Some(syscalls::x86_64::Sysno::sendfile));
        return match (ty, now) {
            (_, Some(now)) if now == old => emit!(out, "[", now, "]"),
            (StructType::OffRef, Some(_)) if !sendfile => emit!(out, "[", old, "]"),
            (StructType::OffRef, Some(now)) => emit!(out, "[", old, "] => [", now, "]"),
            (_, Some(now)) => emit!(out, "[", old, " => ", now, "]"),
            (_, None) => write_ptr(out, addr),
        };
    }
    let len = match kind {
        Kind::Struct { len, .. } => *len,
        _ => Len::Fixed,
    };
    let mut count = ctx.length(len, count);
    if let (StructType::Sockaddr, Len::ArgPtr(n)) = (ty, len) {
        // The kernel writes at most the room it was given: the bytes past it are not the
        // address (strace shows `[4 => 16]` and four bytes).
        if let Some(room) = ctx.before.at(n) {
            count = count.min(room as u32 as u64);
        }
    }
    let at = At {
        ty,
        addr,
        count,
        array: len != Len::Fixed,
        dir,
    };
    match write_struct(out, ctx, &at)? {
        true => Ok(()),
        false => write_ptr(out, addr),
    }
}
