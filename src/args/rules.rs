//! The special rules of the calls whose arguments depend on one another (strace's
//! per-call decoders, reverie's `mode?`): which arguments a call shows, in which order and
//! as what, given the values of its flags or command argument.
//!
//! A rule is named beside its call's row in [`super::table`] (`by Futex`) and applied in
//! one place, [`layout`], which both [`super::typed_args`] (for the arguments whose *kind*
//! changes with the command: [`Form::Count`]) and the formatter (for everything) follow.

use core::fmt;

use crate::flags::{
    ArchPrctlCode, CloneFlags, FcntlCmd, FutexCmd, FutexOp, PrctlOption, PtraceRequest,
};
use crate::flags::{StraceEnum, StraceFlags};

use super::{Described, Dir, Kind, Len, StructType};

const O_CREAT: u64 = libc::O_CREAT as u64;
/// `__O_TMPFILE`, the bit of `O_TMPFILE` (which includes `O_DIRECTORY`) that means it;
/// libc has no name for it (include/uapi/asm-generic/fcntl.h).
const O_TMPFILE_BIT: u64 = (libc::O_TMPFILE & !libc::O_DIRECTORY) as u64;
const MREMAP_FIXED: u64 = libc::MREMAP_FIXED as u64;
const AF_INET: u64 = libc::AF_INET as u64;
const AF_INET6: u64 = libc::AF_INET6 as u64;
const AF_NETLINK: u64 = libc::AF_NETLINK as u64;
const AF_PACKET: u64 = libc::AF_PACKET as u64;

/// A call's special rule, named in its table row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Every argument of the row, as its row kind.
    Plain,
    /// `open`, `openat`, `mq_open`: the arguments after the flags (argument `flags`) only
    /// when they hold `O_CREAT` or `__O_TMPFILE`.
    ModeIfCreat { flags: u8 },
    /// `mknod`, `mknodat`: the device number only when the mode (argument `mode`) is a
    /// character or block device.
    DevIfDevice { mode: u8 },
    /// `mremap`: the new address only with `MREMAP_FIXED`.
    NewAddrIfFixed,
    /// `fcntl`: the argument by command.
    Fcntl,
    /// `futex`: the arguments by command.
    Futex,
    /// `prctl`: the arguments by option.
    Prctl,
    /// `ptrace`: the arguments by request.
    Ptrace,
    /// `clone`: strace's order and `name=` prefixes; the optional pointers by flag.
    Clone,
    /// `arch_prctl`: `ARCH_GET_FS`/`ARCH_GET_GS` write an address behind the argument.
    ArchPrctl,
    /// `socket`, `socketpair`: the protocol by name for `AF_INET` and `AF_INET6`.
    InetProtocol,
    /// `setsockopt`, `getsockopt`: the option by name at `SOL_SOCKET`.
    SocketOption,
    /// `seccomp`: the flags and the argument by operation.
    Seccomp,
    /// `ioctl`: the argument by request, for the requests strace decodes that programs
    /// commonly make (the others in hex, as strace).
    Ioctl,
    /// `epoll_ctl`: `EPOLL_CTL_DEL` ignores the event, which prints as its address.
    EpollCtl,
}

impl Rule {
    /// Whether the rule changes what an argument *is* (not only how it is shown), so that
    /// [`super::typed_args`] must apply it.
    pub(crate) fn retypes(self) -> bool {
        self == Rule::Futex
    }
}

/// How a rule shows one argument.
///
/// Kinds are held by `'static` reference (the signature tables, or promoted constants):
/// a [`Kind`] is 32 bytes, a `Form` 16 (less to copy and keep on the handler's stack).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Form {
    /// As its row kind.
    Row,
    /// As this kind: the typed view keeps the row's kind, whose value is the raw argument
    /// by design (`Kind::FcntlArg`, `Kind::Hex`), and the formatter decodes it as this one.
    As(&'static Kind),
    /// A count where the row has a pointer (`futex`'s `val2` in the timeout slot): the
    /// typed view is `Arg::Uint` of its low 32 bits, shown in decimal.
    Count,
    /// An `unsigned int` (`futex` values).
    U32,
    /// A 32-bit hex value (`futex` bitsets; all ones is `FUTEX_BITSET_MATCH_ANY`).
    Bitset,
    /// `SUID_DUMP_*`.
    Dumpable,
    /// `FD_CLOEXEC` or 0.
    FdFlags,
    /// A pointer to an `int` signal number written by the call (`[SIGKILL]`).
    SigRef,
    /// An `IPPROTO_*` name, or the number.
    InetProtocol,
    /// A `NETLINK_*` protocol name, or the number.
    NetlinkProtocol,
    /// `socket(AF_PACKET, ...)`'s protocol, in network order: `htons(ETH_P_ALL)`.
    EthernetProtocol,
    /// An option name at socket level `level` (`SO_*` at `SOL_SOCKET`, `IP_*` at
    /// `SOL_IP`, ...), as `getsockopt` (`get`) or `setsockopt` names it.
    SocketOption {
        /// The level argument.
        level: u32,
        /// `getsockopt` (which names a few values differently).
        get: bool,
    },
    /// `name=` then the argument as this kind (`clone`).
    Named(&'static (&'static str, Kind)),
    /// A capability number (`CAP_*`).
    Capability,
    /// `SECBIT_*` flags.
    SecureBits,
    /// `PR_SET_PTRACER`'s pid, `-1` as `PR_SET_PTRACER_ANY`.
    Ptracer,
    /// A pointer to an `unsigned int` the call writes, shown `[N]` (`%u`).
    UintRef,
    /// A pointer to a `PR_TSC_*` the call writes (`[PR_TSC_ENABLE]`).
    TscRef,
    /// A pointer to `PR_UNALIGN_*` flags the call writes.
    UnalignRef,
    /// A task name in a `TASK_COMM_LEN` (16) buffer, as `prctl(PR_SET_NAME)` takes and
    /// `PR_GET_NAME` fills it: strace reads 15 bytes of the one and 16 of the other, and
    /// shows `...` after them when no NUL is among them.
    CommName {
        /// Written by the call (shown after it).
        out: bool,
    },
}

/// Where [`layout`] sends the shown arguments: up to six (argument index, form) pairs,
/// each handed on as soon as it is known, so that no list of them is kept on the stack
/// under the argument printers. Sending stops at the first error, which is kept.
pub(crate) struct Layout<F> {
    send: F,
    len: u8,
    /// The first error of `send`, if any.
    pub(crate) result: fmt::Result,
}

impl<F: FnMut(u8, u8, Form) -> fmt::Result> Layout<F> {
    /// `send(n, i, form)` receives the `n`th shown argument, argument `i` as `form`.
    pub(crate) fn new(send: F) -> Layout<F> {
        Layout {
            send,
            len: 0,
            result: Ok(()),
        }
    }

    fn push(&mut self, i: u8, form: Form) {
        if self.len < 6 && self.result.is_ok() {
            self.result = (self.send)(self.len, i, form);
            self.len = self.len.saturating_add(1);
        }
    }

    /// The first `upto` arguments of the row, as their row kinds (ignored registers left
    /// out).
    #[inline(always)]
    fn plain(&mut self, t: &Described, upto: usize) {
        self.row_range(t, 0, upto);
    }

    /// The row's arguments `from..upto`, as their row kinds (ignored registers left out).
    // Inlined into `layout` (and so into the formatter's `write_call_at`): a frame of its
    // own would sit under every argument's printing (handler stack).
    #[inline(always)]
    fn row_range(&mut self, t: &Described, from: u8, upto: usize) {
        let args = t.signature.args;
        let mut i = from;
        while usize::from(i) < upto.min(args.len()) {
            if !matches!(args.get(usize::from(i)), Some(Kind::Skip)) {
                self.push(i, Form::Row);
            }
            i = i.saturating_add(1);
        }
    }
}

/// Sends the arguments shown for `t`, in order, as its rule says.
#[inline]
// Long (about 95 lines) on purpose: one arm per rule, the table of `Rule`.
pub(crate) fn layout<F>(t: &Described, l: &mut Layout<F>)
where
    F: FnMut(u8, u8, Form) -> fmt::Result,
{
    let raw = |i: u8| t.raw.get(usize::from(i)).copied().unwrap_or(0);
    match t.rule() {
        Rule::Plain => l.plain(t, 6),
        Rule::ModeIfCreat { flags } => {
            let creat = raw(flags) & (O_CREAT | O_TMPFILE_BIT) != 0;
            l.plain(
                t,
                if creat {
                    6
                } else {
                    usize::from(flags).saturating_add(1)
                },
            );
        }
        Rule::DevIfDevice { mode } => {
            let ty = raw(mode) & u64::from(libc::S_IFMT);
            let device = ty == u64::from(libc::S_IFCHR) || ty == u64::from(libc::S_IFBLK);
            l.plain(
                t,
                if device {
                    6
                } else {
                    usize::from(mode).saturating_add(1)
                },
            );
        }
        Rule::NewAddrIfFixed => {
            let fixed = raw(3) & MREMAP_FIXED != 0;
            l.plain(t, if fixed { 5 } else { 4 });
        }
        Rule::Fcntl => fcntl(raw(1), l),
        Rule::EpollCtl => {
            // EPOLL_CTL_DEL.
            if raw(1) as u32 == 2 {
                l.plain(t, 3);
                l.push(3, Form::As(&Kind::Ptr));
            } else {
                l.plain(t, 4);
            }
        }
        Rule::Ioctl => {
            l.push(0, Form::Row);
            l.push(1, Form::Row);
            if let Some(form) = ioctl_arg(raw(1) as u32) {
                l.push(2, form);
            }
        }
        Rule::Futex => futex(raw(1), l),
        Rule::Prctl => prctl(raw(0), t.raw, l),
        Rule::Ptrace => ptrace(raw(0), l),
        Rule::Clone => clone(raw(0), l),
        Rule::ArchPrctl => arch_prctl(raw(0), l),
        Rule::InetProtocol => {
            l.push(0, Form::Row);
            l.push(1, Form::Row);
            let family = raw(0) as u32 as u64;
            l.push(
                2,
                match family {
                    AF_INET | AF_INET6 => Form::InetProtocol,
                    AF_NETLINK => Form::NetlinkProtocol,
                    AF_PACKET => Form::EthernetProtocol,
                    _ => Form::Row,
                },
            );
            l.plain_from(t, 3);
        }
        Rule::Seccomp => {
            l.push(0, Form::Row);
            let op = raw(0) as u32;
            l.push(
                1,
                if op == 1 {
                    Form::Row
                } else {
                    Form::As(&Kind::Hex)
                },
            );
            const ACTION: Kind = Kind::Struct {
                ty: StructType::SeccompAction,
                dir: Dir::In,
                len: Len::Fixed,
            };
            const SIZES: Kind = Kind::Struct {
                ty: StructType::SeccompNotifSizes,
                dir: Dir::Out,
                len: Len::Fixed,
            };
            l.push(
                2,
                match op {
                    0 | 1 => Form::Row,
                    // SECCOMP_GET_ACTION_AVAIL, SECCOMP_GET_NOTIF_SIZES.
                    2 => Form::As(&ACTION),
                    3 => Form::As(&SIZES),
                    _ => Form::As(&Kind::Ptr),
                },
            );
        }
        Rule::SocketOption => {
            l.push(0, Form::Row);
            l.push(1, Form::Row);
            let get = t.sysno == Some(syscalls::x86_64::Sysno::getsockopt);
            l.push(
                2,
                Form::SocketOption {
                    level: raw(1) as u32,
                    get,
                },
            );
            l.plain_from(t, 3);
        }
    }
}

impl<F: FnMut(u8, u8, Form) -> fmt::Result> Layout<F> {
    /// The row's arguments from `from` on, as their row kinds.
    #[inline(always)]
    fn plain_from(&mut self, t: &Described, from: u8) {
        self.row_range(t, from, 6);
    }
}

/// The `struct ifreq` of the network device requests strace decodes (`SIOCGIFNAME`,
/// `SIOCGIFFLAGS` ...), by request.
fn ifreq_kind(request: u32) -> Option<&'static Kind> {
    macro_rules! by_code {
        ($($code:literal),* $(,)?) => {
            match request {
                $($code => Some(&const {
                    Kind::Struct {
                        ty: StructType::Ifreq($code),
                        dir: Dir::InOut,
                        len: Len::Fixed,
                    }
                }),)*
                _ => None,
            }
        };
    }
    by_code!(
        0x8910, 0x8913, 0x8914, 0x8915, 0x8916, 0x8917, 0x8918, 0x8919, 0x891a, 0x891b, 0x891c,
        0x891d, 0x891e, 0x8921, 0x8922, 0x8933, 0x8942, 0x8943,
    )
}

/// `ioctl(fd, request, arg)`: the argument as strace shows it for the request (`None`:
/// not shown, the request takes none).
fn ioctl_arg(request: u32) -> Option<Form> {
    const INT_IN: Kind = Kind::Struct {
        ty: StructType::IntRef,
        dir: Dir::In,
        len: Len::Fixed,
    };
    const INT_OUT: Kind = Kind::Struct {
        ty: StructType::IntRef,
        dir: Dir::Out,
        len: Len::Fixed,
    };
    const fn tty(ty: StructType, dir: Dir) -> Kind {
        Kind::Struct {
            ty,
            dir,
            len: Len::Fixed,
        }
    }
    Some(match request {
        // TCGETS; TCSETS, TCSETSW, TCSETSF.
        0x5401 => Form::As(&const { tty(StructType::Termios, Dir::Out) }),
        0x5402..=0x5404 => Form::As(&const { tty(StructType::Termios, Dir::In) }),
        // TIOCGWINSZ, TIOCSWINSZ.
        0x5413 => Form::As(&const { tty(StructType::Winsize, Dir::Out) }),
        0x5414 => Form::As(&const { tty(StructType::Winsize, Dir::In) }),
        // The network device requests of `struct ifreq` (SIOCGIFNAME, SIOCGIFFLAGS ...).
        r if ifreq_kind(r).is_some() => Form::As(ifreq_kind(r).unwrap_or(&Kind::Hex)),
        // FIOCLEX, FIONCLEX, TIOCNOTTY: no argument.
        0x5451 | 0x5450 | 0x5422 => return None,
        // FICLONE: the source descriptor.
        0x4004_9409 => Form::As(&Kind::Fd),
        // FIONBIO, FIOASYNC, TIOCSPGRP, TIOCSPTLCK: an int read by the kernel.
        0x5421 | 0x5452 | 0x5410 | 0x4004_5431 => Form::As(&INT_IN),
        // FIONREAD, TIOCGPGRP, TIOCOUTQ, TIOCGPTN: an int written by it.
        0x541b | 0x540f | 0x5411 | 0x8004_5430 => Form::As(&INT_OUT),
        _ => Form::Row,
    })
}

/// `fcntl(fd, cmd, arg)`: the argument as the command reads it.
fn fcntl<F: FnMut(u8, u8, Form) -> fmt::Result>(cmd: u64, l: &mut Layout<F>) {
    l.push(0, Form::Row);
    l.push(1, Form::Row);
    let arg = match FcntlCmd::from_raw(cmd) {
        FcntlCmd::F_GETFD
        | FcntlCmd::F_GETFL
        | FcntlCmd::F_GETOWN
        | FcntlCmd::F_GETSIG
        | FcntlCmd::F_GETLEASE
        | FcntlCmd::F_GETPIPE_SZ
        | FcntlCmd::F_GET_SEALS => None,
        FcntlCmd::F_SETFD => Some(Form::FdFlags),
        FcntlCmd::F_SETFL => Some(Form::As(&Kind::OpenFlags)),
        FcntlCmd::F_DUPFD
        | FcntlCmd::F_DUPFD_CLOEXEC
        | FcntlCmd::F_SETOWN
        | FcntlCmd::F_SETPIPE_SZ
        | FcntlCmd::F_SETLEASE
        | FcntlCmd::F_NOTIFY => Some(Form::As(&Kind::Int)),
        FcntlCmd::F_SETSIG => Some(Form::As(&Kind::Signal)),
        FcntlCmd::F_GETLK
        | FcntlCmd::F_SETLK
        | FcntlCmd::F_SETLKW
        | FcntlCmd::F_OFD_GETLK
        | FcntlCmd::F_OFD_SETLK
        | FcntlCmd::F_OFD_SETLKW => Some(Form::As(&Kind::Ptr)),
        _ => Some(Form::As(&Kind::Hex)),
    };
    if let Some(form) = arg {
        l.push(2, form);
    }
}

/// `futex(uaddr, op, val, timeout/val2, uaddr2, val3)`: which arguments the command uses
/// and what they are (futex(2)).
fn futex<F: FnMut(u8, u8, Form) -> fmt::Result>(op: u64, l: &mut Layout<F>) {
    l.push(0, Form::As(&Kind::Ptr));
    l.push(1, Form::Row);
    let timeout = Form::Row;
    let uaddr2 = Form::Row;
    match FutexOp(op as u32).cmd() {
        FutexCmd::FUTEX_WAIT => {
            l.push(2, Form::U32);
            l.push(3, timeout);
        }
        FutexCmd::FUTEX_LOCK_PI | FutexCmd::FUTEX_LOCK_PI2 => l.push(3, timeout),
        FutexCmd::FUTEX_WAIT_BITSET => {
            l.push(2, Form::U32);
            l.push(3, timeout);
            l.push(5, Form::Bitset);
        }
        FutexCmd::FUTEX_WAKE_BITSET => {
            l.push(2, Form::U32);
            l.push(5, Form::Bitset);
        }
        FutexCmd::FUTEX_REQUEUE => {
            l.push(2, Form::U32);
            l.push(3, Form::Count);
            l.push(4, uaddr2);
        }
        FutexCmd::FUTEX_CMP_REQUEUE | FutexCmd::FUTEX_CMP_REQUEUE_PI => {
            l.push(2, Form::U32);
            l.push(3, Form::Count);
            l.push(4, uaddr2);
            l.push(5, Form::U32);
        }
        FutexCmd::FUTEX_WAIT_REQUEUE_PI => {
            l.push(2, Form::U32);
            l.push(3, timeout);
            l.push(4, uaddr2);
        }
        FutexCmd::FUTEX_WAKE | FutexCmd::FUTEX_FD => l.push(2, Form::U32),
        FutexCmd::FUTEX_UNLOCK_PI | FutexCmd::FUTEX_TRYLOCK_PI => {}
        // FUTEX_WAKE_OP and unknown commands: everything, the 4th in hex.
        _ => {
            l.push(2, Form::U32);
            l.push(3, Form::As(&Kind::Hex));
            l.push(4, uaddr2);
            l.push(5, Form::Bitset);
        }
    }
}

/// `prctl(option, arg2, arg3, arg4, arg5)`: the arguments the option reads, as strace's
/// `prctl.c` prints them (the rest of an option's arguments in hex).
// Long (about 115 lines) on purpose: one arm per option, strace's `prctl.c` as a table.
fn prctl<F: FnMut(u8, u8, Form) -> fmt::Result>(option: u64, raw: [u64; 6], l: &mut Layout<F>) {
    use PrctlOption as P;
    l.push(0, Form::Row);
    let rest = |l: &mut Layout<F>, from: u8| {
        for i in from..5 {
            l.push(i, Form::Row);
        }
    };
    const UINT: Form = Form::As(&Kind::Uint);
    let arg2 = raw.get(1).copied().unwrap_or(0);
    match PrctlOption::from_raw(option) {
        P::PR_GET_DUMPABLE
        | P::PR_GET_KEEPCAPS
        | P::PR_GET_SECCOMP
        | P::PR_GET_TIMERSLACK
        | P::PR_GET_TIMING
        | P::PR_GET_SECUREBITS
        | P::PR_GET_FP_MODE
        | P::PR_SVE_GET_VL
        | P::PR_SME_GET_VL
        | P::PR_TASK_PERF_EVENTS_DISABLE
        | P::PR_TASK_PERF_EVENTS_ENABLE => {}
        P::PR_GET_CHILD_SUBREAPER | P::PR_GET_ENDIAN | P::PR_GET_FPEMU | P::PR_GET_FPEXC => {
            l.push(1, Form::UintRef)
        }
        P::PR_GET_TID_ADDRESS => l.push(
            1,
            Form::As(&Kind::Struct {
                ty: StructType::AddrRef,
                dir: Dir::Out,
                len: Len::Fixed,
            }),
        ),
        P::PR_GET_TSC => l.push(1, Form::TscRef),
        P::PR_GET_UNALIGN => l.push(1, Form::UnalignRef),
        P::PR_SET_NAME => l.push(1, Form::CommName { out: false }),
        P::PR_GET_NAME => l.push(1, Form::CommName { out: true }),
        P::PR_SET_PDEATHSIG if arg2 > 128 => l.push(1, UINT),
        P::PR_SET_PDEATHSIG => l.push(1, Form::As(&Kind::Signal)),
        P::PR_GET_PDEATHSIG => l.push(1, Form::SigRef),
        P::PR_SET_DUMPABLE => l.push(1, Form::Dumpable),
        P::PR_SET_CHILD_SUBREAPER
        | P::PR_SET_ENDIAN
        | P::PR_SET_FPEMU
        | P::PR_SET_FPEXC
        | P::PR_SET_KEEPCAPS
        | P::PR_SET_TIMING => l.push(1, UINT),
        P::PR_SET_TIMERSLACK => l.push(1, Form::As(&Kind::Int)),
        P::PR_CAPBSET_DROP | P::PR_CAPBSET_READ => l.push(1, Form::Capability),
        P::PR_CAP_AMBIENT => {
            l.push(1, Form::As(&Kind::PrCapAmbient));
            if (1..=3).contains(&arg2) {
                l.push(2, Form::Capability);
                rest(l, 3);
            } else {
                rest(l, 2);
            }
        }
        P::PR_MCE_KILL => {
            l.push(1, Form::As(&Kind::PrMceKill));
            l.push(
                2,
                if arg2 == 1 {
                    Form::As(&Kind::PrMceKillPolicy)
                } else {
                    Form::Row
                },
            );
            rest(l, 3);
        }
        P::PR_SET_VMA if arg2 == 0 => {
            l.push(1, Form::As(&Kind::PrSetVma));
            l.push(2, Form::As(&Kind::Ptr));
            l.push(3, UINT);
            l.push(4, Form::As(&Kind::Str));
        }
        P::PR_SET_VMA => {
            l.push(1, Form::As(&Kind::PrSetVma));
            rest(l, 2);
        }
        P::PR_SET_MM => {
            l.push(1, Form::As(&Kind::PrSetMm));
            rest(l, 2);
        }
        P::PR_SET_PTRACER => l.push(1, Form::Ptracer),
        P::PR_SET_SECCOMP => {
            l.push(1, Form::As(&Kind::SeccompMode));
            match arg2 {
                1 => {}
                2 => l.push(
                    2,
                    Form::As(&Kind::Struct {
                        ty: StructType::SockFprog,
                        dir: Dir::In,
                        len: Len::Fixed,
                    }),
                ),
                _ => rest(l, 2),
            }
        }
        P::PR_SET_SECUREBITS => l.push(1, Form::SecureBits),
        P::PR_SET_TSC => l.push(1, Form::As(&Kind::PrTsc)),
        P::PR_SET_UNALIGN => l.push(1, Form::As(&Kind::PrUnalign)),
        P::PR_SET_NO_NEW_PRIVS | P::PR_SET_THP_DISABLE | P::PR_SET_IO_FLUSHER => {
            l.push(1, UINT);
            rest(l, 2);
        }
        P::PR_SET_SYSCALL_USER_DISPATCH => {
            l.push(1, Form::As(&Kind::PrSudCmd));
            l.push(2, Form::Row);
            l.push(3, Form::Row);
            l.push(4, Form::As(&Kind::Ptr));
        }
        // PR_GET_NO_NEW_PRIVS, PR_GET_THP_DISABLE and the options not decoded: all four.
        _ => rest(l, 1),
    }
}

/// `ptrace(request, pid, addr, data)` as strace's `decode_ptrace_entering`: `TRACEME`
/// alone, the requests that ignore `addr` and `data` without them, `data` as a signal or
/// options where the request reads it so, or as the word it writes back.
fn ptrace<F: FnMut(u8, u8, Form) -> fmt::Result>(request: u64, l: &mut Layout<F>) {
    use PtraceRequest as R;
    l.push(0, Form::Row);
    let r = PtraceRequest::from_raw(request);
    if r == R::PTRACE_TRACEME {
        return;
    }
    l.push(1, Form::Row);
    if matches!(
        r,
        R::PTRACE_ATTACH | R::PTRACE_INTERRUPT | R::PTRACE_KILL | R::PTRACE_LISTEN
    ) {
        return;
    }
    l.push(
        2,
        match r {
            R::PTRACE_GETSIGMASK
            | R::PTRACE_SETSIGMASK
            | R::PTRACE_SECCOMP_GET_FILTER
            | R::PTRACE_SECCOMP_GET_METADATA
            | R::PTRACE_GET_SYSCALL_INFO => Form::As(&Kind::Uint),
            _ => Form::Row,
        },
    );
    const WORD_OUT: Kind = Kind::Struct {
        ty: StructType::AddrRef,
        dir: Dir::Out,
        len: Len::Fixed,
    };
    l.push(
        3,
        match r {
            R::PTRACE_CONT
            | R::PTRACE_DETACH
            | R::PTRACE_SYSCALL
            | R::PTRACE_SINGLESTEP
            | R::PTRACE_SINGLEBLOCK
            | R::PTRACE_SYSEMU
            | R::PTRACE_SYSEMU_SINGLESTEP => Form::As(&Kind::Signal),
            R::PTRACE_SEIZE | R::PTRACE_SETOPTIONS => Form::As(&Kind::PtraceOptions),
            R::PTRACE_PEEKDATA
            | R::PTRACE_PEEKTEXT
            | R::PTRACE_PEEKUSER
            | R::PTRACE_GETEVENTMSG => Form::As(&WORD_OUT),
            _ => Form::Row,
        },
    );
}

/// `clone(flags, stack, parent_tid, child_tid, tls)` as strace prints it: the stack first,
/// each argument named, the tids and tls only when a flag makes the kernel use them.
fn clone<F: FnMut(u8, u8, Form) -> fmt::Result>(flags: u64, l: &mut Layout<F>) {
    l.push(1, Form::Named(&("child_stack=", Kind::Ptr)));
    l.push(0, Form::Named(&("flags=", Kind::CloneFlags)));
    let f = CloneFlags::from_raw(flags);
    if f.intersects(CloneFlags::CLONE_PARENT_SETTID | CloneFlags::CLONE_PIDFD) {
        l.push(2, Form::Named(&("parent_tid=", Kind::Ptr)));
    }
    if f.contains(CloneFlags::CLONE_SETTLS) {
        l.push(4, Form::Named(&("tls=", Kind::Ptr)));
    }
    if f.intersects(CloneFlags::CLONE_CHILD_SETTID | CloneFlags::CLONE_CHILD_CLEARTID) {
        l.push(3, Form::Named(&("child_tidptr=", Kind::Ptr)));
    }
}

/// `arch_prctl(code, addr)`: the getters write the address behind `addr`.
fn arch_prctl<F: FnMut(u8, u8, Form) -> fmt::Result>(code: u64, l: &mut Layout<F>) {
    let get = matches!(
        ArchPrctlCode::from_raw(code),
        ArchPrctlCode::ARCH_GET_FS | ArchPrctlCode::ARCH_GET_GS
    );
    l.push(0, Form::Row);
    l.push(
        1,
        if get {
            Form::As(&Kind::Struct {
                ty: StructType::AddrRef,
                dir: Dir::Out,
                len: Len::Fixed,
            })
        } else {
            Form::Row
        },
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_kernel_headers() {
        // include/uapi/asm-generic/fcntl.h: #define __O_TMPFILE 020000000
        assert_eq!(O_TMPFILE_BIT, 0o20000000);
        assert_eq!(
            (
                O_CREAT,
                MREMAP_FIXED,
                AF_INET,
                AF_INET6,
                AF_NETLINK,
                AF_PACKET
            ),
            (0o100, 2, 2, 10, 16, 17)
        );
    }
}
