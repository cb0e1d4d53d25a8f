//! Typed system call arguments: one signature per x86_64 system call, in one table.
//!
//! [`signature`] gives the [`Signature`] of an x86_64 call: the [`Kind`] of each argument
//! (file descriptor, path, buffer with its length argument, flags, signal, struct by
//! address, ...) and how its result reads. [`typed_args`] applies it to a trapped
//! [`Syscall`] of any ABI (through [`Syscall::canonical`]) and gives `Copy` [`Arg`] values a
//! sandbox can match on without touching registers:
//!
//! ```
//! use sigsys::args::{typed_args, Arg};
//! use sigsys::flags::OFlags;
//! use sigsys::Syscall;
//! use syscalls::x86_64::Sysno;
//!
//! let call = Syscall::x86_64(Sysno::openat, [(-100i64) as u64, 0x1000, 0o2000000, 0, 0, 0]);
//! let typed = typed_args(&call).unwrap();
//! match typed.args() {
//!     [Arg::DirFd(-100), Arg::Path(0x1000), Arg::OpenFlags(f), ..] => {
//!         assert!(f.contains(OFlags::O_CLOEXEC));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```
//!
//! i386 calls are read with their 32-bit widths (signed arguments sign-extended from 32
//! bits), and the i386 calls that split a 64-bit offset over two registers (`pread64`,
//! `pwrite64`, `readahead`, `fadvise64`, `fallocate`, `sync_file_range`, `preadv`,
//! `pwritev`, `preadv2`, `pwritev2`) have the halves joined first ([`canonical_args`]).
//! i386 calls with no x86_64 counterpart (`mmap2`, `_llseek`, `stat64`, `truncate64`,
//! `socketcall`, ...) are described by a second, separate table, [`i386_only_signature`],
//! which the formatter uses; [`typed_args`] covers the calls with an x86_64 meaning only.
//! Struct layouts still differ between ABIs: the formatter decodes the struct contents of
//! 64-bit calls (and the compat `iovec`, `timespec` of the others) and prints the other
//! structs of 32-bit callers by address.
//!
//! # Layout
//!
//! - `table.rs`: the rows, one per call: `name(kinds...) -> Ret by Rule;`, each call's
//!   special rule beside its row (as strace's `syscallent.h` names a call's decoder);
//! - `rules.rs`: what those rules do (`open`'s mode only with `O_CREAT`, `fcntl`, `futex`
//!   and `prctl` by command, `clone`'s order), applied in one place that both
//!   [`typed_args`] and the formatter follow;
//! - `kinds.rs`: [`Kind`] and [`Arg`], declared together (a flag or enum kind is one row);
//! - here: the types, [`typed_args`] and the one decoder from a register to an [`Arg`].

use syscalls::x86_64::Sysno;

use crate::flags::{CloneFlags, FutexOp, Signal, StraceFlags};
use crate::syscall::Syscall;

mod kinds;
mod rules;
mod table;

pub use self::kinds::{Arg, Kind};
pub(crate) use self::rules::{layout, Form, Layout, Rule};
pub use self::table::{i386_only_signature, signature, DESCRIBED};

/// Which way data behind a pointer flows.
///
/// # Examples
///
/// ```
/// use sigsys::args::{signature, Dir, Kind};
/// let read = signature(syscalls::x86_64::Sysno::read).unwrap();
/// assert!(matches!(read.args[1], Kind::Buf { dir: Dir::Out, .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Read by the kernel: printed at the call.
    In,
    /// Written by the kernel: printed after the return (as an address before).
    Out,
    /// Read and written: printed at the call, and again (as strace does) after.
    InOut,
    /// Written by the kernel only when the call fails (the time left of an interrupted
    /// `nanosleep`): printed after a failure, as an address otherwise.
    OutOnError,
}

/// Where the length (or element count) of a buffer or array comes from.
///
/// # Examples
///
/// ```
/// use sigsys::args::Len;
/// assert_ne!(Len::Arg(2), Len::Ret);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Len {
    /// No length: a fixed-size object.
    Fixed,
    /// The value of argument `n` (0-based).
    Arg(u8),
    /// The `int`/`socklen_t` that argument `n` points to.
    ArgPtr(u8),
    /// The return value (for output arrays such as `epoll_wait`'s events).
    Ret,
}

/// The structs (and arrays) the formatter knows, by what is behind the pointer.
///
/// # Examples
///
/// ```
/// use sigsys::args::StructType;
/// assert_eq!(StructType::Timespec.c_name(), "struct timespec");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructType {
    /// `struct timespec` (`{tv_sec=1, tv_nsec=0}`).
    Timespec,
    /// `struct timespec[2]` (`utimensat`).
    TimespecPair,
    /// `struct timeval`.
    Timeval,
    /// `struct timeval[2]` (`utimes`).
    TimevalPair,
    /// `struct itimerspec`.
    Itimerspec,
    /// `struct itimerval`.
    Itimerval,
    /// `struct stat` (`{st_mode=S_IFREG|0644, st_size=10, ...}`).
    Stat,
    /// `struct sock_fprog` (`{len=8, filter=0x...}`).
    SockFprog,
    /// `struct sysinfo` (`{uptime=9455, loads=[...], totalram=..., ..., mem_unit=1}`).
    Sysinfo,
    /// `struct statx` (`{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=..., ...}`).
    Statx,
    /// The i386 `struct stat64`.
    Stat64,
    /// A signal set of `Len` bytes (`[USR1 CHLD]`).
    Sigset,
    /// `struct sigaction` (kernel layout).
    Sigaction,
    /// A socket address of `Len` bytes.
    Sockaddr,
    /// `struct utsname`.
    Utsname,
    /// `struct rlimit` (and `rlimit64`).
    Rlimit,
    /// `struct pollfd[Len]`.
    Pollfd,
    /// `int[2]` of new descriptors (`pipe`, `socketpair`).
    FdPair,
    /// A pointer to one `int` (`[0]`).
    IntRef,
    /// A pointer to one 64-bit offset (`loff_t *`, `[0]`).
    OffRef,
    /// A pointer to one address-sized value, printed as an address (`[0x7f...]`, `[NULL]`).
    AddrRef,
    /// `struct iovec[Len]` whose buffers hold data.
    Iovec,
    /// `struct iovec[Len]` describing another process's memory (addresses only).
    RemoteIovec,
    /// A NULL-terminated array of string pointers (`execve` argv).
    StrArray,
    /// A NULL-terminated environment array (printed as `0x... /* N vars */`).
    EnvArray,
    /// `struct epoll_event[Len]`.
    EpollEvent,
    /// `fd_set` for descriptors below `Len`.
    FdSet,
    /// A `wait` status (`[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`).
    WaitStatus,
    /// `struct linux_dirent[]` of `Len` bytes (`/* 5 entries */`).
    Dirents,
    /// `struct linux_dirent64[]` of `Len` bytes.
    Dirents64,
    /// `stack_t` of `sigaltstack`.
    StackT,
    /// A CPU mask of `Len` bytes (`[0 1]`).
    CpuSet,
    /// `struct msghdr`.
    Msghdr,
    /// A socket option value (`[1]` for an `int`); its length is `Len`.
    SockOptVal,
    /// `struct statfs` (`{f_type=EXT2_SUPER_MAGIC, f_bsize=4096, ...}`).
    Statfs,
    /// `struct clone_args` of `clone3` (`{flags=CLONE_VM|..., exit_signal=0, stack=0x...,
    /// ...} => {parent_tid=[42]}`).
    CloneArgs,
    /// `struct rusage` (`{ru_utime={tv_sec=0, tv_usec=1034}, ru_stime=..., ...}`).
    Rusage,
    /// `siginfo_t` (`{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, ...}`).
    Siginfo,
    /// `gid_t[Len]` of `getgroups`/`setgroups` (`[0, 4, 27]`).
    GidArray,
    /// The kernel's `struct termios` of `TCGETS`/`TCSETS*` (`{c_iflag=ICRNL|IXON, ...}`).
    Termios,
    /// `struct winsize` of `TIOCGWINSZ`/`TIOCSWINSZ`.
    Winsize,
    /// `struct ifreq` of a network device `ioctl` (the request's low 16 bits, `0x89xx`):
    /// `{ifr_name="lo", ifr_ifindex=1}`.
    Ifreq(u16),
    /// A node mask of `Len` bits (`maxnode`), as `unsigned long` words.
    Nodemask,
    /// An `int` memory policy mode the call writes (`[MPOL_DEFAULT]`).
    MpolRef,
    /// A seccomp action the call reads (`[SECCOMP_RET_LOG]`).
    SeccompAction,
    /// `struct seccomp_notif_sizes` (`{seccomp_notif=80, seccomp_notif_resp=24, ...}`).
    SeccompNotifSizes,
    /// `struct __user_cap_header_struct` (`{version=_LINUX_CAPABILITY_VERSION_3, pid=0}`).
    CapHeader,
    /// `struct __user_cap_data_struct[]` of `capget`/`capset` (one or two, by the header's
    /// version; `{effective=1<<CAP_CHOWN|..., permitted=..., inheritable=0}`).
    CapData,
    /// A struct the formatter prints by address; the C type name is given.
    Opaque(&'static str),
}

impl StructType {
    /// The C type this stands for.
    ///
    /// ```
    /// use sigsys::args::StructType;
    /// assert_eq!(StructType::Opaque("struct rusage").c_name(), "struct rusage");
    /// ```
    pub const fn c_name(self) -> &'static str {
        match self {
            StructType::Timespec => "struct timespec",
            StructType::TimespecPair => "struct timespec[2]",
            StructType::Timeval => "struct timeval",
            StructType::TimevalPair => "struct timeval[2]",
            StructType::Itimerspec => "struct itimerspec",
            StructType::Itimerval => "struct itimerval",
            StructType::Stat => "struct stat",
            StructType::Statx => "struct statx",
            StructType::Sysinfo => "struct sysinfo",
            StructType::Siginfo => "siginfo_t",
            StructType::GidArray => "gid_t[]",
            StructType::Termios => "struct termios",
            StructType::Winsize => "struct winsize",
            StructType::Ifreq(_) => "struct ifreq",
            StructType::Nodemask => "unsigned long[] (node mask)",
            StructType::MpolRef => "int * (memory policy)",
            StructType::SeccompAction => "u32 * (seccomp action)",
            StructType::SeccompNotifSizes => "struct seccomp_notif_sizes",
            StructType::CapHeader => "struct __user_cap_header_struct",
            StructType::CapData => "struct __user_cap_data_struct[]",
            StructType::Rusage => "struct rusage",
            StructType::CloneArgs => "struct clone_args",
            StructType::Statfs => "struct statfs",
            StructType::SockFprog => "struct sock_fprog",
            StructType::Stat64 => "struct stat64",
            StructType::Sigset => "sigset_t",
            StructType::Sigaction => "struct sigaction",
            StructType::Sockaddr => "struct sockaddr",
            StructType::Utsname => "struct utsname",
            StructType::Rlimit => "struct rlimit",
            StructType::Pollfd => "struct pollfd[]",
            StructType::FdPair => "int[2]",
            StructType::IntRef => "int *",
            StructType::OffRef => "loff_t *",
            StructType::AddrRef => "unsigned long *",
            StructType::Iovec => "struct iovec[]",
            StructType::RemoteIovec => "struct iovec[] (remote)",
            StructType::StrArray => "char *[]",
            StructType::EnvArray => "char *[] (environment)",
            StructType::EpollEvent => "struct epoll_event[]",
            StructType::FdSet => "fd_set",
            StructType::WaitStatus => "int (wait status)",
            StructType::Dirents => "struct linux_dirent[]",
            StructType::Dirents64 => "struct linux_dirent64[]",
            StructType::StackT => "stack_t",
            StructType::CpuSet => "cpu_set_t",
            StructType::Msghdr => "struct msghdr",
            StructType::SockOptVal => "socket option value",
            StructType::Opaque(name) => name,
        }
    }
}

/// How the result of a call reads.
///
/// # Examples
///
/// ```
/// use sigsys::args::{signature, Ret};
/// assert_eq!(signature(syscalls::x86_64::Sysno::mmap).unwrap().ret, Ret::Hex);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ret {
    /// A signed integer (or `-1 ERRNO`).
    Int,
    /// An address (`0x7f...`).
    Hex,
    /// An octal mode (`umask`).
    Octal,
    /// A new file descriptor (`openat`, `socket`, `dup`...): with
    /// the formatter's `fd_paths` option, printed with its path (`3</etc/passwd>`).
    Fd,
    /// The call does not return (`exit`, `exit_group`): strace prints `= ?`.
    NoReturn,
}

/// The argument kinds and result kind of one x86_64 system call.
///
/// # Examples
///
/// ```
/// use sigsys::args::{signature, Kind, Ret};
/// let sig = signature(syscalls::x86_64::Sysno::close).unwrap();
/// assert_eq!((sig.args, sig.ret), (&[Kind::Fd][..], Ret::Int));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// One kind per argument, in order; calls take at most six.
    pub args: &'static [Kind],
    /// What the result is.
    pub ret: Ret,
}

impl Signature {
    /// Whether any argument is more than a plain integer (`Int`, `Uint`, `Hex`, `Size`,
    /// `Skip`).
    ///
    /// ```
    /// use sigsys::args::signature;
    /// assert!(signature(syscalls::x86_64::Sysno::read).unwrap().is_typed());
    /// assert!(!signature(syscalls::x86_64::Sysno::getpid).unwrap().is_typed());
    /// ```
    pub fn is_typed(&self) -> bool {
        self.args.iter().any(|k| {
            !matches!(
                k,
                Kind::Int
                    | Kind::Uint
                    | Kind::Hex
                    | Kind::Int32
                    | Kind::Uint32
                    | Kind::Hex32
                    | Kind::Size
                    | Kind::Skip
            )
        })
    }
}

/// A resolved struct argument: what it is, where, and its element count or byte length.
///
/// # Examples
///
/// ```
/// use sigsys::args::{typed_args, Arg, Dir, StructType};
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::writev, [1, 0x5000, 2, 0, 0, 0]);
/// let typed = typed_args(&call).unwrap();
/// let Some(Arg::Struct(iov)) = typed.arg(1) else { panic!() };
/// assert_eq!((iov.ty, iov.addr, iov.count, iov.dir), (StructType::Iovec, 0x5000, 2, Dir::In));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StructArg {
    /// What is behind the pointer.
    pub ty: StructType,
    /// The address.
    pub addr: u64,
    /// Direction of the data.
    pub dir: Dir,
    /// The count or length from [`Len`] (0 for fixed-size objects, and for lengths known
    /// only after the call or behind a pointer).
    pub count: u64,
}

/// The typed arguments of one call: the x86_64 meaning, the signature and the values.
///
/// # Examples
///
/// ```
/// use sigsys::args::{typed_args, Arg};
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::close, [3, 0, 0, 0, 0, 0]);
/// let t = typed_args(&call).unwrap();
/// assert_eq!(t.sysno, Sysno::close);
/// assert_eq!(t.args(), &[Arg::Fd(3)]);
/// assert_eq!(t.arg(1), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypedArgs {
    /// The x86_64 call of the same meaning.
    pub sysno: Sysno,
    /// Its signature.
    pub signature: Signature,
    /// The raw arguments in x86_64 terms (after [`canonical_args`]).
    pub raw: [u64; 6],
    values: [Arg; 6],
    len: u8,
}

impl TypedArgs {
    /// The arguments the call takes (as many as its signature lists).
    ///
    /// ```
    /// use syscalls::x86_64::Sysno;
    /// let t = sigsys::args::typed_args(&sigsys::Syscall::x86_64(Sysno::getpid, [0; 6])).unwrap();
    /// assert!(t.args().is_empty());
    /// ```
    pub fn args(&self) -> &[Arg] {
        self.values.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Argument `n` (0-based), if the call takes it.
    ///
    /// ```
    /// use syscalls::x86_64::Sysno;
    /// let t = sigsys::args::typed_args(&sigsys::Syscall::x86_64(Sysno::dup, [7; 6])).unwrap();
    /// assert_eq!(t.arg(0), Some(sigsys::args::Arg::Fd(7)));
    /// ```
    pub fn arg(&self, n: usize) -> Option<Arg> {
        self.args().get(n).copied()
    }
}

/// The arguments of `call` in x86_64 terms: i386 arguments sign- or zero-extended as
/// their kinds need (done by [`typed_args`]), and the two halves of a 64-bit offset that
/// i386 splits over two registers joined into one.
///
/// # Examples
///
/// ```
/// use sigsys::{Abi, Syscall};
/// // i386 pread64 (180): fd, buf, count, offset low, offset high.
/// let call = Syscall::new(Abi::I386, 180, [3, 0x1000, 16, 0x10, 0x1, 0]);
/// assert_eq!(sigsys::args::canonical_args(&call), [3, 0x1000, 16, 0x1_0000_0010, 0, 0]);
/// ```
pub fn canonical_args(call: &Syscall) -> [u64; 6] {
    crate::arch::canonical_args(call.sysno(), call.args)
}

/// A call as the formatter sees it: its x86_64 meaning if it has one, the signature from
/// [`signature`]'s table (and so its rule) or, for i386-only calls, [`i386_only_signature`],
/// and its arguments in that signature's terms.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Described {
    pub(crate) sysno: Option<Sysno>,
    pub(crate) signature: Signature,
    pub(crate) raw: [u64; 6],
    pub(crate) widths: Widths,
}

/// The widths the caller's ABI reads arguments at.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Widths {
    /// i386: signed arguments are 32 bits wide.
    pub(crate) narrow: bool,
    /// i386 offsets joined from two registers ([`canonical_args`]): 64 bits wide.
    pub(crate) wide_offsets: bool,
}

impl Widths {
    fn of(call: &Syscall) -> Widths {
        let narrow = call.abi.is_ilp32();
        Widths {
            narrow,
            // Only i386 splits offsets (and the look-up is not free: handler hot path).
            wide_offsets: narrow && crate::arch::joins_offsets(call.sysno()),
        }
    }
}

/// Describes `call`, or `None` when no table knows it.
pub(crate) fn describe(call: &Syscall) -> Option<Described> {
    let raw = canonical_args(call);
    let widths = Widths::of(call);
    if let Some(sysno) = call.canonical() {
        return signature(sysno).map(|signature| Described {
            sysno: Some(sysno),
            signature,
            raw,
            widths,
        });
    }
    let s = call.sysno().and_then(crate::arch::compat_only)?;
    i386_only_signature(s).map(|signature| Described {
        sysno: None,
        signature,
        raw,
        widths,
    })
}

impl Described {
    /// The call's special rule ([`Rule::Plain`] for i386-only calls); looked up when the
    /// arguments are laid out, not by every user of a description.
    #[inline]
    pub(crate) fn rule(&self) -> Rule {
        self.sysno.map_or(Rule::Plain, table::rule)
    }

    /// The kind of argument `i` in the row.
    #[inline]
    pub(crate) fn kind(&self, i: u8) -> &'static Kind {
        self.signature
            .args
            .get(usize::from(i))
            .unwrap_or(&Kind::Skip)
    }

    /// Argument `i` decoded as `kind`: the one place a register becomes a typed value.
    #[inline]
    pub(crate) fn value(&self, i: u8, kind: &Kind) -> Arg {
        value(*kind, &self.raw, i, self.widths)
    }
}

/// The typed view of `call`, or `None` when its number has no x86_64 meaning (unknown
/// numbers, i386-only calls such as `socketcall`).
///
/// Each argument is decoded as its row kind in the signature table, except where the
/// call's rule says the command makes it something else (`futex`'s 4th argument is a count
/// for `FUTEX_REQUEUE` and `FUTEX_CMP_REQUEUE`, not a timeout).
///
/// # Examples
///
/// ```
/// use sigsys::args::{typed_args, Arg};
/// use sigsys::flags::{MapFlags, ProtFlags};
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::mmap, [0, 4096, 3, 0x22, u64::MAX, 0]);
/// let t = typed_args(&call).unwrap();
/// assert_eq!(t.arg(2), Some(Arg::Prot(ProtFlags::PROT_READ | ProtFlags::PROT_WRITE)));
/// assert_eq!(t.arg(3), Some(Arg::MapFlags(MapFlags::MAP_PRIVATE | MapFlags::MAP_ANONYMOUS)));
/// assert_eq!(t.arg(4), Some(Arg::Fd(-1)));
/// // futex(uaddr, FUTEX_REQUEUE_PRIVATE, 1, 2 /* val2: a count */, uaddr2)
/// let call = sigsys::Syscall::x86_64(Sysno::futex, [0x1000, 3 | 128, 1, 2, 0x2000, 0]);
/// assert_eq!(typed_args(&call).unwrap().arg(3), Some(Arg::Uint(2)));
/// ```
pub fn typed_args(call: &Syscall) -> Option<TypedArgs> {
    let sysno = call.canonical()?;
    let signature = signature(sysno)?;
    let t = Described {
        sysno: Some(sysno),
        signature,
        raw: canonical_args(call),
        widths: Widths::of(call),
    };
    let mut values = [Arg::Skip(0); 6];
    let mut len = 0u8;
    for ((slot, kind), i) in values.iter_mut().zip(signature.args).zip(0u8..) {
        *slot = t.value(i, kind);
        len = i.saturating_add(1);
    }
    if t.rule().retypes() {
        retype(&t, &mut values);
    }
    Some(TypedArgs {
        sysno,
        signature,
        raw: t.raw,
        values,
        len,
    })
}

/// Applies the rule of `t` where it changes what an argument is ([`Form::Count`]).
///
/// Out of line: only `futex` needs it, and the other calls' typed view is then built in
/// place.
#[inline(never)]
fn retype(t: &Described, values: &mut [Arg; 6]) {
    let mut l = Layout::new(|_, i, form| {
        if let (Form::Count, Some(slot)) = (form, values.get_mut(usize::from(i))) {
            *slot = Arg::Uint(u64::from(raw_at(&t.raw, i) as u32));
        }
        Ok(())
    });
    layout(t, &mut l);
}

/// Argument `i` of `raw`, or 0.
fn raw_at(raw: &[u64; 6], i: u8) -> u64 {
    raw.get(usize::from(i)).copied().unwrap_or(0)
}

fn resolve_len(len: Len, raw: &[u64; 6]) -> u64 {
    match len {
        Len::Arg(n) => raw_at(raw, n),
        Len::Fixed | Len::ArgPtr(_) | Len::Ret => 0,
    }
}

/// Argument `i` of `raw` as `kind`, read at the widths of the caller's ABI.
// Always inlined in optimised builds: its two callers (`typed_args`, the formatter's
// `write_arg`) are on the handler's hot path, and a call per argument costs what the
// decoding does. Not in debug builds, where its unoptimised frame (a slot per match arm)
// would then sit under the formatter's deep calls (handler stack).
#[cfg_attr(not(debug_assertions), inline(always))]
fn value(kind: Kind, raw: &[u64; 6], i: u8, widths: Widths) -> Arg {
    let v = raw_at(raw, i);
    let offset = matches!(kind, Kind::Offset | Kind::HexOffset);
    // Signed values: i386 registers hold 32 bits (but for joined 64-bit offsets).
    let signed = if widths.narrow && !(offset && widths.wide_offsets) {
        v as u32 as i32 as i64
    } else {
        v as i64
    };
    let int = v as u32 as i32;
    match kind {
        Kind::Int => Arg::Int(signed),
        Kind::Uint => Arg::Uint(v),
        Kind::Hex => Arg::Hex(v),
        Kind::Int32 => Arg::Int(i64::from(int)),
        Kind::Uint32 => Arg::Uint(u64::from(v as u32)),
        Kind::Hex32 => Arg::Hex(u64::from(v as u32)),
        Kind::Fd => Arg::Fd(int),
        Kind::DirFd => Arg::DirFd(int),
        Kind::Path => Arg::Path(v),
        Kind::Str => Arg::Str(v),
        Kind::OutStr => Arg::OutStr(v),
        Kind::Buf { dir, len } => Arg::Buf {
            addr: v,
            len: resolve_len(len, raw),
            dir,
        },
        Kind::Size => Arg::Size(v),
        Kind::Offset | Kind::HexOffset => Arg::Offset(signed),
        Kind::Ptr => Arg::Ptr(v),
        Kind::Mode | Kind::OpenMode => Arg::Mode(v as u32),
        Kind::FileMode => Arg::FileMode(v as u32),
        Kind::Dev => Arg::Dev(v),
        Kind::Pid => Arg::Pid(int),
        Kind::Uid => Arg::Uid(v as u32),
        Kind::Gid => Arg::Gid(v as u32),
        Kind::Signal => Arg::Signal(Signal(int)),
        Kind::CloneFlags => {
            Arg::CloneFlags(CloneFlags::from_raw(v & !0xff), Signal((v & 0xff) as i32))
        }
        Kind::FcntlArg => Arg::FcntlArg(v),
        Kind::FutexOp => Arg::FutexOp(FutexOp(v as u32)),
        Kind::Protocol => Arg::Protocol(int),
        Kind::SockOptName => Arg::SockOptName(v as u32),
        Kind::IoctlRequest => Arg::IoctlRequest(v as u32),
        Kind::IpcKey | Kind::IpcPerm | Kind::ShmPerm => Arg::Hex(u64::from(v as u32)),
        Kind::Struct { ty, dir, len } => Arg::Struct(StructArg {
            ty,
            addr: v,
            dir,
            count: resolve_len(len, raw),
        }),
        Kind::Skip => Arg::Skip(v),
        // The flag and enum kinds, one row each in `kinds.rs`.
        _ => kinds::named_value(kind, v),
    }
}

// x86_64 numbers and ABIs.
#[cfg(all(test, target_arch = "x86_64"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_unique_and_fit_six() {
        for (i, s) in DESCRIBED.iter().enumerate() {
            assert!(!DESCRIBED[..i].contains(s), "{s:?} twice");
            assert!(signature(*s).unwrap().args.len() <= 6, "{s:?}");
        }
    }

    /// The one behaviour change of the table-driven rules (issue 8): `futex`'s 4th argument
    /// is `val2`, a count, for the requeue commands, not a `struct timespec *`.
    #[test]
    fn futex_requeue_val2_is_a_count() {
        use crate::flags::FutexOp;
        let call = |op: u64, val2: u64| {
            typed_args(&Syscall::x86_64(
                Sysno::futex,
                [0x1000, op, 1, val2, 0x2000, 7],
            ))
            .unwrap()
        };
        // FUTEX_REQUEUE (3), private: uaddr, op, val, val2 = 2, uaddr2.
        let t = call(3 | 128, 2);
        assert_eq!(t.arg(1), Some(Arg::FutexOp(FutexOp(3 | 128))));
        assert_eq!(t.arg(3), Some(Arg::Uint(2)));
        assert_eq!(t.arg(4), Some(Arg::Ptr(0x2000)));
        // Read at the kernel's width: `u32 val2`.
        assert_eq!(call(3, 0x1_0000_0005).arg(3), Some(Arg::Uint(5)));
        // FUTEX_CMP_REQUEUE (4) and FUTEX_CMP_REQUEUE_PI (12) likewise.
        assert_eq!(call(4, 9).arg(3), Some(Arg::Uint(9)));
        assert_eq!(call(12, 9).arg(3), Some(Arg::Uint(9)));
        // FUTEX_WAIT (0): a timeout.
        let Some(Arg::Struct(ts)) = call(0, 0x3000).arg(3) else {
            panic!("FUTEX_WAIT's timeout is a struct");
        };
        assert_eq!((ts.ty, ts.addr), (StructType::Timespec, 0x3000));
        // The typed view keeps the row's shape: six arguments.
        assert_eq!(call(3, 2).args().len(), 6);
        // i386 futex (240), FUTEX_REQUEUE: the same view.
        let i386 = Syscall::new(crate::Abi::I386, 240, [0x1000, 3, 1, 2, 0x2000, 0]);
        assert_eq!(typed_args(&i386).unwrap().arg(3), Some(Arg::Uint(2)));
    }

    /// The rules the formatter follows leave the typed view of other calls alone: `fcntl`'s
    /// argument stays raw (its meaning depends on the command), `open`'s mode is there
    /// without `O_CREAT`.
    #[test]
    fn other_rules_do_not_retype() {
        let t = typed_args(&Syscall::x86_64(Sysno::fcntl, [3, 4, 0o4000, 0, 0, 0])).unwrap();
        assert_eq!(t.arg(2), Some(Arg::FcntlArg(0o4000)));
        let t = typed_args(&Syscall::x86_64(Sysno::open, [0x1000, 0, 0o644, 0, 0, 0])).unwrap();
        assert_eq!(t.arg(2), Some(Arg::Mode(0o644)));
    }
}
