//! The entry points and the layout of one call: `name(args...)`, ` = result`, and the
//! [`Before`] snapshot of value-result arguments.

use super::read::{read_u32, read_u64};
use super::result::{result_suffix, special_result};
use super::scalars::{write_dev, write_errno, write_file_mode, write_ioctl};
use super::strings::{write_buf, write_cstr};
use super::structs::write_struct;
use super::{time32, Ctx, Options};
use crate::abi::Abi;
use crate::args::{describe, Described, Dir, Kind, Len, Ret, StructType};
use crate::flags::{
    AccessAtFlags, AccessMode, AddressFamily, ArchPrctlCode, AtFlags, ClockId, CloneFlags,
    EpollFlags, EpollOp, EventfdFlags, Fadvice, FcntlCmd, FdCreateFlags, FdFlags, FlockOp,
    FutexCmd, FutexOp, GrndFlags, InotifyFlags, InotifyMask, IpProto, ItimerWhich, Madvice,
    MapFlags, MfdFlags, MlockallFlags, MountFlags, MremapFlags, MsgFlags, MsyncFlags, OFlags,
    PrctlOption, PrioWhich, ProtFlags, RenameFlags, Rlimit, RusageWho, ShutdownHow, SigHow, Signal,
    SignalfdFlags, SockFlags, SockLevel, SockOpt, SockType, StraceEnum, StraceFlags,
    SyncFileRangeFlags, TimerFlags, TimerfdFlags, UmountFlags, UnshareFlags, WaitFlags, Whence,
};
use crate::mem::Memory;
use crate::syscall::Syscall;
use crate::text::{emit, write_hex, write_octal, write_ptr, Hex};
use core::fmt::{self, Write};
use syscalls::x86_64::Sysno;

/// Writes `name(args...)` as known when the call is made: input data decoded, output
/// buffers and structs shown by address.
///
/// # Errors
///
/// Only those of `out` (for a [`FixedBuf`]: it is full).
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

/// The value-result arguments of a call (socket address lengths, file offsets) read before
/// it runs, so that [`write_call_done_with`] can show how the call changed them.
///
/// Small and `Copy`: take it in the handler before passing the call through.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::Before;
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::getpid, [0; 6]);
/// assert_eq!(Before::capture(&call, &NoMemory), Before::NONE);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Before {
    values: [Option<i64>; 6],
}

impl Before {
    /// Nothing known from before the call.
    pub const NONE: Before = Before { values: [None; 6] };

    /// Reads the call's value-result arguments (`int *` lengths and `loff_t *` offsets
    /// that the kernel reads and writes) from `mem`.
    ///
    /// ```
    /// use sigsys::fmt::Before;
    /// use sigsys::mem::SelfMemory;
    /// use syscalls::x86_64::Sysno;
    /// let len: u32 = 110;
    /// let call = sigsys::Syscall::x86_64(Sysno::accept, [3, 0x1000, &len as *const u32 as u64, 0, 0, 0]);
    /// assert_ne!(Before::capture(&call, &SelfMemory), Before::NONE);
    /// ```
    pub fn capture<M: Memory + ?Sized>(call: &Syscall, mem: &M) -> Before {
        let mut before = Before::NONE;
        let Some(t) = describe(call) else {
            return before;
        };
        for ((slot, kind), raw) in before.values.iter_mut().zip(t.signature.args).zip(t.raw) {
            *slot = match kind {
                Kind::Struct {
                    ty: StructType::IntRef,
                    dir: Dir::InOut,
                    ..
                } => read_u32(mem, raw).map(|v| i64::from(v as i32)),
                Kind::Struct {
                    ty: StructType::OffRef,
                    dir: Dir::InOut,
                    ..
                } => read_u64(mem, raw).map(|v| v as i64),
                _ => None,
            };
        }
        before
    }

    fn at(&self, i: u8) -> Option<i64> {
        self.values.get(usize::from(i)).copied().flatten()
    }
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
    let ret = match call.abi {
        Abi::I386 => i64::from(ret as i32),
        Abi::X86_64 | Abi::X32 => ret,
    };
    let typed = describe(call);
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
    if let Some(done) = special_result(out, &t, ret) {
        return done;
    }
    match kind {
        Ret::Hex if call.abi == Abi::I386 => {
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

/// What one shown argument is printed as: a table kind, or a few call-specific forms.
///
/// Kinds are held by `'static` reference (the signature tables, or promoted constants):
/// a [`Kind`] is 32 bytes, a `Show` 16 (less to copy and keep on the handler's stack).
#[derive(Clone, Copy, Debug)]
pub(super) enum Show {
    Kind(&'static Kind),
    /// An `unsigned int` argument (futex values).
    U32,
    /// A 32-bit hex value (futex bitsets).
    Bitset,
    /// `SUID_DUMP_*`.
    Dumpable,
    /// `FD_CLOEXEC` or 0.
    FdFlags,
    /// A pointer to an `int` signal number written by the call (`[SIGKILL]`).
    SigRef,
    /// `name=` prefix then the kind (clone).
    Named(&'static (&'static str, Kind)),
}

/// Where [`layout`] sends the shown arguments: up to six (argument index, form) pairs,
/// each written as soon as it is known, so that no list of them is kept on the stack under
/// the argument printers. Writing stops at the first error, which is kept.
pub(super) struct Layout<F> {
    write: F,
    len: u8,
    result: fmt::Result,
}

impl<F: FnMut(u8, u8, Show) -> fmt::Result> Layout<F> {
    /// `write(n, i, show)` writes the `n`th shown argument, argument `i` as `show`.
    fn new(write: F) -> Layout<F> {
        Layout {
            write,
            len: 0,
            result: Ok(()),
        }
    }

    fn push(&mut self, i: u8, show: Show) {
        if self.len < 6 && self.result.is_ok() {
            self.result = (self.write)(self.len, i, show);
            self.len = self.len.saturating_add(1);
        }
    }
}

/// The arguments strace shows for this call, in order, applying the call-specific rules
/// (optional mode of `open`, `fcntl` argument by command, `futex` by operation, ...).
pub(super) fn layout<F>(t: &Described, l: &mut Layout<F>)
where
    F: FnMut(u8, u8, Show) -> fmt::Result,
{
    let raw = |i: usize| t.raw.get(i).copied().unwrap_or(0);
    let plain = |l: &mut Layout<F>, upto: usize| {
        for (i, k) in (0u8..).zip(t.signature.args.iter().take(upto)) {
            if *k != Kind::Skip {
                l.push(i, Show::Kind(k));
            }
        }
    };
    let Some(sysno) = t.sysno else {
        plain(l, 6);
        return;
    };
    match sysno {
        Sysno::open | Sysno::openat | Sysno::mq_open => {
            let flags_at = if sysno == Sysno::openat { 2 } else { 1 };
            let creat = raw(flags_at) & (0o100 | 0o20000000) != 0;
            plain(l, if creat { 6 } else { flags_at.saturating_add(1) });
        }
        Sysno::fcntl => {
            plain(l, 2);
            let cmd = FcntlCmd::from_raw(raw(1));
            let arg = match cmd {
                FcntlCmd::F_GETFD
                | FcntlCmd::F_GETFL
                | FcntlCmd::F_GETOWN
                | FcntlCmd::F_GETSIG
                | FcntlCmd::F_GETLEASE
                | FcntlCmd::F_GETPIPE_SZ
                | FcntlCmd::F_GET_SEALS => None,
                FcntlCmd::F_SETFD => Some(Show::FdFlags),
                FcntlCmd::F_SETFL => Some(Show::Kind(&Kind::OpenFlags)),
                FcntlCmd::F_DUPFD
                | FcntlCmd::F_DUPFD_CLOEXEC
                | FcntlCmd::F_SETOWN
                | FcntlCmd::F_SETPIPE_SZ
                | FcntlCmd::F_SETLEASE
                | FcntlCmd::F_NOTIFY => Some(Show::Kind(&Kind::Int)),
                FcntlCmd::F_SETSIG => Some(Show::Kind(&Kind::Signal)),
                FcntlCmd::F_GETLK
                | FcntlCmd::F_SETLK
                | FcntlCmd::F_SETLKW
                | FcntlCmd::F_OFD_GETLK
                | FcntlCmd::F_OFD_SETLK
                | FcntlCmd::F_OFD_SETLKW => Some(Show::Kind(&Kind::Ptr)),
                _ => Some(Show::Kind(&Kind::Hex)),
            };
            if let Some(s) = arg {
                l.push(2, s);
            }
        }
        Sysno::mknod | Sysno::mknodat => {
            let mode_at = if sysno == Sysno::mknodat { 2 } else { 1 };
            let device = matches!(raw(mode_at) & 0o170000, 0o20000 | 0o60000);
            plain(l, if device { 6 } else { mode_at.saturating_add(1) });
        }
        Sysno::mremap => {
            let fixed = raw(3) & 2 != 0;
            plain(l, if fixed { 5 } else { 4 });
        }
        Sysno::futex => {
            l.push(0, Show::Kind(&Kind::Ptr));
            l.push(1, Show::Kind(&Kind::FutexOp));
            let ts = Show::Kind(&Kind::Struct {
                ty: StructType::Timespec,
                dir: Dir::In,
                len: Len::Fixed,
            });
            let ptr = Show::Kind(&Kind::Ptr);
            match FutexOp(raw(1) as u32).cmd() {
                FutexCmd::FUTEX_WAIT => {
                    l.push(2, Show::U32);
                    l.push(3, ts);
                }
                FutexCmd::FUTEX_LOCK_PI | FutexCmd::FUTEX_LOCK_PI2 => l.push(3, ts),
                FutexCmd::FUTEX_WAIT_BITSET => {
                    l.push(2, Show::U32);
                    l.push(3, ts);
                    l.push(5, Show::Bitset);
                }
                FutexCmd::FUTEX_WAKE_BITSET => {
                    l.push(2, Show::U32);
                    l.push(5, Show::Bitset);
                }
                FutexCmd::FUTEX_REQUEUE => {
                    l.push(2, Show::U32);
                    l.push(3, Show::U32);
                    l.push(4, ptr);
                }
                FutexCmd::FUTEX_CMP_REQUEUE | FutexCmd::FUTEX_CMP_REQUEUE_PI => {
                    l.push(2, Show::U32);
                    l.push(3, Show::U32);
                    l.push(4, ptr);
                    l.push(5, Show::U32);
                }
                FutexCmd::FUTEX_WAIT_REQUEUE_PI => {
                    l.push(2, Show::U32);
                    l.push(3, ts);
                    l.push(4, ptr);
                }
                FutexCmd::FUTEX_WAKE | FutexCmd::FUTEX_FD => l.push(2, Show::U32),
                FutexCmd::FUTEX_UNLOCK_PI | FutexCmd::FUTEX_TRYLOCK_PI => {}
                _ => {
                    l.push(2, Show::U32);
                    l.push(3, Show::Kind(&Kind::Hex));
                    l.push(4, ptr);
                    l.push(5, Show::Bitset);
                }
            }
        }
        Sysno::prctl => {
            l.push(0, Show::Kind(&Kind::PrctlOption));
            let hex = Show::Kind(&Kind::Hex);
            match PrctlOption::from_raw(raw(0)) {
                PrctlOption::PR_GET_DUMPABLE
                | PrctlOption::PR_GET_KEEPCAPS
                | PrctlOption::PR_GET_SECCOMP
                | PrctlOption::PR_GET_TIMERSLACK
                | PrctlOption::PR_GET_TIMING
                | PrctlOption::PR_GET_SECUREBITS
                | PrctlOption::PR_TASK_PERF_EVENTS_DISABLE
                | PrctlOption::PR_TASK_PERF_EVENTS_ENABLE => {}
                PrctlOption::PR_SET_NAME => l.push(1, Show::Kind(&Kind::Str)),
                PrctlOption::PR_GET_NAME => l.push(1, Show::Kind(&Kind::OutStr)),
                PrctlOption::PR_SET_PDEATHSIG => l.push(1, Show::Kind(&Kind::Signal)),
                PrctlOption::PR_GET_PDEATHSIG => l.push(1, Show::SigRef),
                PrctlOption::PR_SET_DUMPABLE => l.push(1, Show::Dumpable),
                PrctlOption::PR_SET_KEEPCAPS | PrctlOption::PR_SET_TIMERSLACK => {
                    l.push(1, Show::Kind(&Kind::Uint))
                }
                PrctlOption::PR_GET_NO_NEW_PRIVS | PrctlOption::PR_GET_THP_DISABLE => {
                    for i in 1..5 {
                        l.push(i, hex);
                    }
                }
                PrctlOption::PR_SET_NO_NEW_PRIVS | PrctlOption::PR_SET_THP_DISABLE => {
                    l.push(1, Show::Kind(&Kind::Uint));
                    for i in 2..5 {
                        l.push(i, hex);
                    }
                }
                _ => {
                    for i in 1..5 {
                        l.push(i, hex);
                    }
                }
            }
        }
        Sysno::clone => {
            let flags = raw(0);
            l.push(1, Show::Named(&("child_stack=", Kind::Ptr)));
            l.push(0, Show::Named(&("flags=", Kind::CloneFlags)));
            let f = CloneFlags::from_raw(flags);
            if f.intersects(CloneFlags::CLONE_PARENT_SETTID | CloneFlags::CLONE_PIDFD) {
                l.push(2, Show::Named(&("parent_tid=", Kind::Ptr)));
            }
            if f.contains(CloneFlags::CLONE_SETTLS) {
                l.push(4, Show::Named(&("tls=", Kind::Ptr)));
            }
            if f.intersects(CloneFlags::CLONE_CHILD_SETTID | CloneFlags::CLONE_CHILD_CLEARTID) {
                l.push(3, Show::Named(&("child_tidptr=", Kind::Ptr)));
            }
        }
        Sysno::arch_prctl => {
            let get = matches!(
                ArchPrctlCode::from_raw(raw(0)),
                ArchPrctlCode::ARCH_GET_FS | ArchPrctlCode::ARCH_GET_GS
            );
            l.push(0, Show::Kind(&Kind::ArchPrctlCode));
            l.push(
                1,
                Show::Kind(if get {
                    &Kind::Struct {
                        ty: StructType::AddrRef,
                        dir: Dir::Out,
                        len: Len::Fixed,
                    }
                } else {
                    &Kind::Hex
                }),
            );
        }
        _ => plain(l, 6),
    }
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
    let described = describe(call);
    let Some(t) = described.as_ref() else {
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
        return out.write_char(')');
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
        wide_offsets: crate::args::joins_offsets(call),
        sysno: t.sysno,
        before,
    };
    let mut l = Layout::new(|n, i, show| {
        if n > 0 {
            out.write_str(", ")?;
        }
        write_shown(out, &ctx, i, show)
    });
    layout(t, &mut l);
    l.result?;
    out.write_char(')')
}

#[inline(never)]
pub(super) fn write_shown<W, M>(out: &mut W, ctx: &Ctx<'_, M>, i: u8, show: Show) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let v = ctx.raw(i);
    match show {
        Show::Kind(k) => write_arg(out, ctx, i, k),
        Show::U32 => emit!(out, v as u32),
        Show::Bitset if v as u32 == u32::MAX => out.write_str("FUTEX_BITSET_MATCH_ANY"),
        Show::Bitset => write_hex(out, u64::from(v as u32)),
        Show::Dumpable => match v {
            0 => out.write_str("SUID_DUMP_DISABLE"),
            1 => out.write_str("SUID_DUMP_USER"),
            2 => out.write_str("SUID_DUMP_ROOT"),
            _ => emit!(out, Hex(v), " /* SUID_DUMP_??? */"),
        },
        Show::FdFlags => FdFlags::SPEC.write(out, v),
        Show::SigRef => match read_u32(ctx.mem, v) {
            Some(sig) if ctx.output_ready() => {
                out.write_char('[')?;
                Signal(sig as i32).write(out, false)?;
                out.write_char(']')
            }
            _ => write_ptr(out, v),
        },
        Show::Named((name, k)) => {
            out.write_str(name)?;
            write_arg(out, ctx, i, k)
        }
    }
}

pub(super) fn write_flags<T: StraceFlags, W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    T::SPEC.write(out, T::from_raw(v).raw())
}

pub(super) fn write_enum<T: StraceEnum, W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    T::SPEC.write(out, T::from_raw(v).raw())
}

pub(super) fn write_arg<W, M>(out: &mut W, ctx: &Ctx<'_, M>, i: u8, kind: &Kind) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let v = ctx.raw(i);
    let s = ctx.signed(i);
    let int = v as u32 as i32;
    match *kind {
        Kind::Int => emit!(out, s),
        Kind::Uint | Kind::Size => emit!(out, v),
        Kind::Hex | Kind::HexOffset => write_hex(out, v),
        Kind::Fd | Kind::Pid => emit!(out, int),
        Kind::DirFd if int == -100 => out.write_str("AT_FDCWD"),
        Kind::DirFd => emit!(out, int),
        Kind::Offset if ctx.wide_offsets => emit!(out, v as i64),
        Kind::Offset => emit!(out, s),
        Kind::Ptr => write_ptr(out, v),
        Kind::Path => write_cstr(out, ctx, v, ctx.opts.path_limit, true),
        Kind::Str => write_cstr(out, ctx, v, ctx.opts.string_limit, false),
        Kind::OutStr if ctx.output_ready() => write_cstr(out, ctx, v, ctx.opts.path_limit, true),
        Kind::OutStr => write_ptr(out, v),
        Kind::Buf { dir, len } => {
            if !ctx.shows(dir) {
                return write_ptr(out, v);
            }
            let n = match (dir, ctx.ret) {
                (Dir::Out, Some(_)) => ctx.ret_len().min(ctx.resolve(len).max(ctx.ret_len())),
                _ => ctx.resolve(len),
            };
            write_buf(out, ctx, v, n)
        }
        Kind::Mode | Kind::OpenMode => write_octal(out, v & 0o7777_7777),
        Kind::FileMode => write_file_mode(out, v as u32),
        Kind::Dev => write_dev(out, v),
        Kind::Uid | Kind::Gid if v as u32 == u32::MAX => out.write_str("-1"),
        Kind::Uid | Kind::Gid => emit!(out, v as u32),
        Kind::Signal => Signal(int).write(out, false),
        Kind::OpenFlags => write_flags::<OFlags, W>(out, v),
        Kind::AtFlags => write_flags::<AtFlags, W>(out, v),
        Kind::AccessAtFlags => write_flags::<AccessAtFlags, W>(out, v),
        Kind::AccessMode => write_flags::<AccessMode, W>(out, v),
        Kind::Prot => write_flags::<ProtFlags, W>(out, v),
        Kind::MapFlags => write_flags::<MapFlags, W>(out, v),
        Kind::MremapFlags => write_flags::<MremapFlags, W>(out, v),
        Kind::MsyncFlags => write_flags::<MsyncFlags, W>(out, v),
        Kind::MountFlags => write_flags::<MountFlags, W>(out, v),
        Kind::UmountFlags => write_flags::<UmountFlags, W>(out, v),
        Kind::CloneFlags => {
            let sig = v & 0xff;
            let rest = v & !0xff;
            if rest != 0 || sig == 0 {
                write_flags::<CloneFlags, W>(out, rest)?;
            }
            if sig != 0 {
                if rest != 0 {
                    out.write_char('|')?;
                }
                Signal(sig as i32).write(out, false)?;
            }
            Ok(())
        }
        Kind::UnshareFlags => write_flags::<UnshareFlags, W>(out, v),
        Kind::SockType => write_flags::<SockType, W>(out, v),
        Kind::SockFlags => write_flags::<SockFlags, W>(out, v),
        Kind::MsgFlags => write_flags::<MsgFlags, W>(out, v),
        Kind::WaitFlags => write_flags::<WaitFlags, W>(out, v),
        Kind::FdCreateFlags => write_flags::<FdCreateFlags, W>(out, v),
        Kind::EventfdFlags => write_flags::<EventfdFlags, W>(out, v),
        Kind::TimerfdFlags => write_flags::<TimerfdFlags, W>(out, v),
        Kind::SignalfdFlags => write_flags::<SignalfdFlags, W>(out, v),
        Kind::EpollFlags => write_flags::<EpollFlags, W>(out, v),
        Kind::InotifyFlags => write_flags::<InotifyFlags, W>(out, v),
        Kind::MlockallFlags => write_flags::<MlockallFlags, W>(out, v),
        Kind::RenameFlags => write_flags::<RenameFlags, W>(out, v),
        Kind::GrndFlags => write_flags::<GrndFlags, W>(out, v),
        Kind::MfdFlags => write_flags::<MfdFlags, W>(out, v),
        Kind::TimerFlags => write_flags::<TimerFlags, W>(out, v),
        Kind::FcntlCmd => write_enum::<FcntlCmd, W>(out, v),
        Kind::FcntlArg => write_hex(out, v),
        Kind::FutexOp => FutexOp(v as u32).write(out),
        Kind::PrctlOption => write_enum::<PrctlOption, W>(out, v),
        Kind::Madvice => write_enum::<Madvice, W>(out, v),
        Kind::Whence => write_enum::<Whence, W>(out, v),
        Kind::ClockId => write_enum::<ClockId, W>(out, v),
        Kind::SigHow => write_enum::<SigHow, W>(out, v),
        Kind::AddressFamily => write_enum::<AddressFamily, W>(out, v),
        Kind::ShutdownHow => write_enum::<ShutdownHow, W>(out, v),
        Kind::Protocol => match (ctx.raw(0), IpProto::SPEC.name(v)) {
            // AF_INET, AF_INET6
            (2 | 10, Some(name)) => out.write_str(name),
            _ => emit!(out, int),
        },
        Kind::EpollOp => write_enum::<EpollOp, W>(out, v),
        Kind::PrioWhich => write_enum::<PrioWhich, W>(out, v),
        Kind::Rlimit => write_enum::<Rlimit, W>(out, v),
        Kind::ArchPrctlCode => write_enum::<ArchPrctlCode, W>(out, v),
        Kind::ItimerWhich => write_enum::<ItimerWhich, W>(out, v),
        Kind::RusageWho => match int {
            -1 => out.write_str("RUSAGE_CHILDREN"),
            _ => write_enum::<RusageWho, W>(out, v),
        },
        Kind::FlockOp => write_flags::<FlockOp, W>(out, v),
        Kind::Fadvice => write_enum::<Fadvice, W>(out, v),
        Kind::SyncFileRangeFlags => write_flags::<SyncFileRangeFlags, W>(out, v),
        Kind::InotifyMask => write_flags::<InotifyMask, W>(out, v),
        Kind::SockLevel => write_enum::<SockLevel, W>(out, v),
        Kind::SockOptName => match ctx.raw(1) as u32 {
            1 => write_enum::<SockOpt, W>(out, v),
            _ => emit!(out, v as u32),
        },
        Kind::IoctlRequest => write_ioctl(out, v as u32),
        Kind::Struct { ty, dir, len } => {
            if v == 0 || !ctx.shows(dir) {
                return write_ptr(out, v);
            }
            if let (Some(old), Some(_)) = (ctx.before.at(i), ctx.ret) {
                let now = match ty {
                    StructType::OffRef => read_u64(ctx.mem, v).map(|x| x as i64),
                    _ => read_u32(ctx.mem, v).map(|x| i64::from(x as i32)),
                };
                match (ty, now) {
                    (_, Some(now)) if now == old => return emit!(out, "[", now, "]"),
                    (StructType::OffRef, Some(now)) => {
                        return emit!(out, "[", old, "] => [", now, "]")
                    }
                    (_, Some(now)) => return emit!(out, "[", old, " => ", now, "]"),
                    (_, None) => return write_ptr(out, v),
                }
            }
            let count = ctx.resolve(len);
            match write_struct(out, ctx, ty, v, count, len != Len::Fixed, dir)? {
                true => Ok(()),
                false => write_ptr(out, v),
            }
        }
        Kind::Skip => Ok(()),
    }
}
