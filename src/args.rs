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

use syscalls::x86_64::Sysno;

use crate::abi::Abi;
use crate::flags::{
    AccessAtFlags, AccessMode, AddressFamily, ArchPrctlCode, AtFlags, ClockId, CloneFlags,
    EpollFlags, EpollOp, EventfdFlags, Fadvice, FcntlCmd, FdCreateFlags, FlockOp, FutexOp,
    GrndFlags, InotifyFlags, ItimerWhich, Madvice, MapFlags, MfdFlags, MlockallFlags, MountFlags,
    MremapFlags, MsgFlags, MsyncFlags, OFlags, PrctlOption, PrioWhich, ProtFlags, RenameFlags,
    Rlimit, RusageWho, ShutdownHow, SigHow, Signal, SignalfdFlags, SockFlags, SockLevel, SockType,
    StraceEnum, StraceFlags, TimerFlags, TimerfdFlags, UmountFlags, UnshareFlags, WaitFlags,
    Whence,
};
use crate::flags::{InotifyMask, SyncFileRangeFlags};
use crate::syscall::Syscall;

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
    /// A pointer to one address-sized value, printed in hex (`[0x7f...]`).
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

/// The kind of one argument, as the signature table describes it.
///
/// # Examples
///
/// ```
/// use sigsys::args::{signature, Kind};
/// let sig = signature(syscalls::x86_64::Sysno::kill).unwrap();
/// assert_eq!(sig.args, &[Kind::Pid, Kind::Signal]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A signed integer (`int`, `long`).
    Int,
    /// An unsigned integer.
    Uint,
    /// An integer strace prints in hex (raw flags it does not name, keys, cookies).
    Hex,
    /// A file descriptor.
    Fd,
    /// A directory descriptor of an `*at` call (`AT_FDCWD` is -100).
    DirFd,
    /// A path name (NUL-terminated, printed in full up to the path limit).
    Path,
    /// A NUL-terminated string (printed up to the string limit).
    Str,
    /// A NUL-terminated string written by the kernel (`getcwd`).
    OutStr,
    /// A byte buffer and where its length is.
    Buf {
        /// Direction of the data.
        dir: Dir,
        /// Where the length is (output buffers are printed with the result as length).
        len: Len,
    },
    /// A size or count (`size_t`).
    Size,
    /// A file offset (`off_t`, `loff_t`).
    Offset,
    /// A file offset strace prints in hex (`mmap`).
    HexOffset,
    /// A pointer to memory the call does not read as data (an address).
    Ptr,
    /// A permission mode, printed in octal (`0644`).
    Mode,
    /// The mode of `open`/`openat`/`mq_open`: the formatter prints it only when the flags
    /// hold `O_CREAT` or `O_TMPFILE`; the typed view always carries it ([`Arg::Mode`]).
    OpenMode,
    /// A file type and mode (`S_IFIFO|0644`), as `mknod` takes.
    FileMode,
    /// A device number (`makedev(0x1, 0x3)`).
    Dev,
    /// A process (or thread, or group) id.
    Pid,
    /// A user id.
    Uid,
    /// A group id.
    Gid,
    /// A signal number.
    Signal,
    /// `O_*` open flags.
    OpenFlags,
    /// `AT_*` flags.
    AtFlags,
    /// `faccessat2` flags.
    AccessAtFlags,
    /// `F_OK`/`R_OK|W_OK|X_OK`.
    AccessMode,
    /// `PROT_*`.
    Prot,
    /// `MAP_*`.
    MapFlags,
    /// `MREMAP_*`.
    MremapFlags,
    /// `MS_*` of `msync`.
    MsyncFlags,
    /// `MS_*` of `mount`.
    MountFlags,
    /// `MNT_*` of `umount2`.
    UmountFlags,
    /// `CLONE_*` with the exit signal in the low byte.
    CloneFlags,
    /// `CLONE_*` of `unshare` and `setns`.
    UnshareFlags,
    /// Socket type and `SOCK_*` flags.
    SockType,
    /// `SOCK_*` flags of `accept4`.
    SockFlags,
    /// `MSG_*`.
    MsgFlags,
    /// `W*` options of `wait4`/`waitid`.
    WaitFlags,
    /// `O_CLOEXEC`/`O_NONBLOCK` of `pipe2`, `dup3`.
    FdCreateFlags,
    /// `EFD_*`.
    EventfdFlags,
    /// `TFD_*`.
    TimerfdFlags,
    /// `SFD_*`.
    SignalfdFlags,
    /// `EPOLL_CLOEXEC`.
    EpollFlags,
    /// `IN_*` of `inotify_init1`.
    InotifyFlags,
    /// `MCL_*`.
    MlockallFlags,
    /// `RENAME_*`.
    RenameFlags,
    /// `GRND_*`.
    GrndFlags,
    /// `MFD_*`.
    MfdFlags,
    /// `TIMER_ABSTIME`.
    TimerFlags,
    /// An `fcntl` command.
    FcntlCmd,
    /// The argument of `fcntl`, whose meaning depends on the command.
    FcntlArg,
    /// A `futex` operation word.
    FutexOp,
    /// A `prctl` option.
    PrctlOption,
    /// `madvise` advice.
    Madvice,
    /// `lseek` whence.
    Whence,
    /// A clock id.
    ClockId,
    /// `sigprocmask` how.
    SigHow,
    /// An address family.
    AddressFamily,
    /// `shutdown` how.
    ShutdownHow,
    /// A socket protocol (`IPPROTO_*` for internet sockets; a number otherwise).
    Protocol,
    /// `epoll_ctl` operation.
    EpollOp,
    /// `PRIO_*`.
    PrioWhich,
    /// `RLIMIT_*`.
    Rlimit,
    /// `ARCH_*` of `arch_prctl`.
    ArchPrctlCode,
    /// `ITIMER_*`.
    ItimerWhich,
    /// `RUSAGE_*`.
    RusageWho,
    /// `LOCK_*` of `flock`.
    FlockOp,
    /// `POSIX_FADV_*`.
    Fadvice,
    /// `SYNC_FILE_RANGE_*`.
    SyncFileRangeFlags,
    /// `IN_*` event mask of `inotify_add_watch`.
    InotifyMask,
    /// `SOL_*` socket option level.
    SockLevel,
    /// A socket option name (`SO_*` at `SOL_SOCKET`, a number at other levels).
    SockOptName,
    /// An `ioctl` request number.
    IoctlRequest,
    /// A struct or array by address.
    Struct {
        /// What is behind the pointer.
        ty: StructType,
        /// Direction of the data.
        dir: Dir,
        /// Element count or byte length, where the type needs one.
        len: Len,
    },
    /// A register the call ignores on x86_64 (the high half of a split offset): not
    /// printed.
    Skip,
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
                Kind::Int | Kind::Uint | Kind::Hex | Kind::Size | Kind::Skip
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

/// One typed argument value.
///
/// # Examples
///
/// ```
/// use sigsys::args::{typed_args, Arg};
/// use sigsys::flags::Signal;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::kill, [42, 9, 0, 0, 0, 0]);
/// assert_eq!(typed_args(&call).unwrap().args(), &[Arg::Pid(42), Arg::Signal(Signal(9))]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arg {
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    Uint(u64),
    /// An integer shown in hex.
    Hex(u64),
    /// A file descriptor.
    Fd(i32),
    /// A directory descriptor (`-100` is `AT_FDCWD`).
    DirFd(i32),
    /// The address of a path name.
    Path(u64),
    /// The address of a NUL-terminated string.
    Str(u64),
    /// The address of a string the kernel writes (`getcwd`).
    OutStr(u64),
    /// A byte buffer: address, length known at the call (the length argument), direction.
    Buf {
        /// Address.
        addr: u64,
        /// The length argument's value (for output buffers, the room; the result says how
        /// much was filled).
        len: u64,
        /// Direction.
        dir: Dir,
    },
    /// A size or count.
    Size(u64),
    /// A file offset.
    Offset(i64),
    /// An address.
    Ptr(u64),
    /// A permission mode.
    Mode(u32),
    /// A file type and mode.
    FileMode(u32),
    /// A device number.
    Dev(u64),
    /// A process id.
    Pid(i32),
    /// A user id.
    Uid(u32),
    /// A group id.
    Gid(u32),
    /// A signal.
    Signal(Signal),
    /// Open flags.
    OpenFlags(OFlags),
    /// `AT_*` flags.
    AtFlags(AtFlags),
    /// `faccessat2` flags.
    AccessAtFlags(AccessAtFlags),
    /// `access` mode.
    AccessMode(AccessMode),
    /// Memory protection.
    Prot(ProtFlags),
    /// `mmap` flags.
    MapFlags(MapFlags),
    /// `mremap` flags.
    MremapFlags(MremapFlags),
    /// `msync` flags.
    MsyncFlags(MsyncFlags),
    /// `mount` flags.
    MountFlags(MountFlags),
    /// `umount2` flags.
    UmountFlags(UmountFlags),
    /// `clone` flags and the exit signal.
    CloneFlags(CloneFlags, Signal),
    /// `unshare`/`setns` flags.
    UnshareFlags(UnshareFlags),
    /// Socket type and flags.
    SockType(SockType),
    /// `accept4` flags.
    SockFlags(SockFlags),
    /// `MSG_*` flags.
    MsgFlags(MsgFlags),
    /// Wait options.
    WaitFlags(WaitFlags),
    /// `pipe2`/`dup3` flags.
    FdCreateFlags(FdCreateFlags),
    /// `eventfd2` flags.
    EventfdFlags(EventfdFlags),
    /// `timerfd_create` flags.
    TimerfdFlags(TimerfdFlags),
    /// `signalfd4` flags.
    SignalfdFlags(SignalfdFlags),
    /// `epoll_create1` flags.
    EpollFlags(EpollFlags),
    /// `inotify_init1` flags.
    InotifyFlags(InotifyFlags),
    /// `mlockall` flags.
    MlockallFlags(MlockallFlags),
    /// `renameat2` flags.
    RenameFlags(RenameFlags),
    /// `getrandom` flags.
    GrndFlags(GrndFlags),
    /// `memfd_create` flags.
    MfdFlags(MfdFlags),
    /// `TIMER_ABSTIME`.
    TimerFlags(TimerFlags),
    /// `fcntl` command.
    FcntlCmd(FcntlCmd),
    /// `fcntl` argument (raw; its meaning depends on the command).
    FcntlArg(u64),
    /// `futex` operation.
    FutexOp(FutexOp),
    /// `prctl` option.
    PrctlOption(PrctlOption),
    /// `madvise` advice.
    Madvice(Madvice),
    /// `lseek` whence.
    Whence(Whence),
    /// Clock id.
    ClockId(ClockId),
    /// `sigprocmask` how.
    SigHow(SigHow),
    /// Address family.
    AddressFamily(AddressFamily),
    /// `shutdown` how.
    ShutdownHow(ShutdownHow),
    /// Socket protocol number.
    Protocol(i32),
    /// `epoll_ctl` operation.
    EpollOp(EpollOp),
    /// `PRIO_*`.
    PrioWhich(PrioWhich),
    /// `RLIMIT_*`.
    Rlimit(Rlimit),
    /// `arch_prctl` code.
    ArchPrctlCode(ArchPrctlCode),
    /// Interval timer.
    ItimerWhich(ItimerWhich),
    /// `getrusage` who.
    RusageWho(RusageWho),
    /// `flock` operation.
    FlockOp(FlockOp),
    /// `fadvise64` advice.
    Fadvice(Fadvice),
    /// `sync_file_range` flags.
    SyncFileRangeFlags(SyncFileRangeFlags),
    /// `inotify_add_watch` mask.
    InotifyMask(InotifyMask),
    /// Socket option level.
    SockLevel(SockLevel),
    /// Socket option name (meaning depends on the level).
    SockOptName(u32),
    /// `ioctl` request number.
    IoctlRequest(u32),
    /// A struct or array by address.
    Struct(StructArg),
    /// An ignored register (not printed).
    Skip(u64),
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
    use syscalls::x86::Sysno as X;
    let a = call.args;
    let Some(crate::sysno::AbiSysno::I386(s)) = call.sysno() else {
        return a;
    };
    let join = |lo: u64, hi: u64| (lo & 0xffff_ffff) | (hi << 32);
    let [a0, a1, a2, a3, a4, a5] = a;
    match s {
        // (fd, buf/iov, count, lo, hi[, flags])
        X::pread64 | X::pwrite64 | X::preadv | X::pwritev => [a0, a1, a2, join(a3, a4), 0, 0],
        X::preadv2 | X::pwritev2 => [a0, a1, a2, join(a3, a4), 0, a5],
        // readahead(fd, lo, hi, count)
        X::readahead => [a0, join(a1, a2), a3, 0, 0, 0],
        // fadvise64(fd, lo, hi, len, advice)
        X::fadvise64 => [a0, join(a1, a2), a3, a4, 0, 0],
        // fallocate(fd, mode, off lo, off hi, len lo, len hi)
        X::fallocate => [a0, a1, join(a2, a3), join(a4, a5), 0, 0],
        // sync_file_range(fd, off lo, off hi, n lo, n hi, flags)
        X::sync_file_range => [a0, join(a1, a2), join(a3, a4), a5, 0, 0],
        // i386-only: truncate64(path, lo, hi), ftruncate64(fd, lo, hi)
        X::truncate64 | X::ftruncate64 => [a0, join(a1, a2), 0, 0, 0, 0],
        // fadvise64_64(fd, off lo, off hi, len lo, len hi, advice)
        X::fadvise64_64 => [a0, join(a1, a2), 0, join(a3, a4), 0, a5],
        // _llseek(fd, hi, lo, result, whence)
        X::_llseek => [a0, join(a2, a1), 0, a3, a4, 0],
        _ => a,
    }
}

/// Whether `call` is an i386 call whose 64-bit offsets [`canonical_args`] joins from two
/// registers (its offsets are then 64 bits wide, the others' 32).
pub(crate) fn joins_offsets(call: &Syscall) -> bool {
    use syscalls::x86::Sysno as X;
    matches!(
        call.sysno(),
        Some(crate::sysno::AbiSysno::I386(
            X::pread64
                | X::pwrite64
                | X::preadv
                | X::pwritev
                | X::preadv2
                | X::pwritev2
                | X::readahead
                | X::fadvise64
                | X::fallocate
                | X::sync_file_range
                | X::truncate64
                | X::ftruncate64
                | X::fadvise64_64
                | X::_llseek
        ))
    )
}

/// A call as the formatter sees it: its x86_64 meaning if it has one, the signature from
/// [`signature`] or, for i386-only calls, [`i386_only_signature`], and its arguments in
/// that signature's terms.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Described {
    pub(crate) sysno: Option<Sysno>,
    pub(crate) signature: Signature,
    pub(crate) raw: [u64; 6],
}

/// Describes `call`, or `None` when no table knows it.
pub(crate) fn describe(call: &Syscall) -> Option<Described> {
    let raw = canonical_args(call);
    if let Some(sysno) = call.canonical() {
        return signature(sysno).map(|signature| Described {
            sysno: Some(sysno),
            signature,
            raw,
        });
    }
    match call.sysno() {
        Some(crate::sysno::AbiSysno::I386(s)) => {
            i386_only_signature(s).map(|signature| Described {
                sysno: None,
                signature,
                raw,
            })
        }
        _ => None,
    }
}

/// The typed view of `call`, or `None` when its number has no x86_64 meaning (unknown
/// numbers, i386-only calls such as `socketcall`).
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
/// ```
pub fn typed_args(call: &Syscall) -> Option<TypedArgs> {
    let sysno = call.canonical()?;
    let signature = signature(sysno)?;
    let raw = canonical_args(call);
    let narrow = call.abi == Abi::I386;
    let wide_offsets = joins_offsets(call);
    let mut values = [Arg::Skip(0); 6];
    let mut len = 0u8;
    for ((slot, kind), i) in values.iter_mut().zip(signature.args).zip(0u8..) {
        let offset = matches!(kind, Kind::Offset | Kind::HexOffset);
        *slot = value(*kind, &raw, i, narrow && !(offset && wide_offsets));
        len = i.saturating_add(1);
    }
    Some(TypedArgs {
        sysno,
        signature,
        raw,
        values,
        len,
    })
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

fn value(kind: Kind, raw: &[u64; 6], i: u8, narrow: bool) -> Arg {
    let v = raw_at(raw, i);
    // Signed values: i386 registers hold 32 bits.
    let signed = if narrow {
        v as u32 as i32 as i64
    } else {
        v as i64
    };
    let int = v as u32 as i32;
    match kind {
        Kind::Int => Arg::Int(signed),
        Kind::Uint => Arg::Uint(v),
        Kind::Hex => Arg::Hex(v),
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
        Kind::OpenFlags => Arg::OpenFlags(OFlags::from_raw(v)),
        Kind::AtFlags => Arg::AtFlags(AtFlags::from_raw(v)),
        Kind::AccessAtFlags => Arg::AccessAtFlags(AccessAtFlags::from_raw(v)),
        Kind::AccessMode => Arg::AccessMode(AccessMode::from_raw(v)),
        Kind::Prot => Arg::Prot(ProtFlags::from_raw(v)),
        Kind::MapFlags => Arg::MapFlags(MapFlags::from_raw(v)),
        Kind::MremapFlags => Arg::MremapFlags(MremapFlags::from_raw(v)),
        Kind::MsyncFlags => Arg::MsyncFlags(MsyncFlags::from_raw(v)),
        Kind::MountFlags => Arg::MountFlags(MountFlags::from_raw(v)),
        Kind::UmountFlags => Arg::UmountFlags(UmountFlags::from_raw(v)),
        Kind::CloneFlags => {
            Arg::CloneFlags(CloneFlags::from_raw(v & !0xff), Signal((v & 0xff) as i32))
        }
        Kind::UnshareFlags => Arg::UnshareFlags(UnshareFlags::from_raw(v)),
        Kind::SockType => Arg::SockType(SockType::from_raw(v)),
        Kind::SockFlags => Arg::SockFlags(SockFlags::from_raw(v)),
        Kind::MsgFlags => Arg::MsgFlags(MsgFlags::from_raw(v)),
        Kind::WaitFlags => Arg::WaitFlags(WaitFlags::from_raw(v)),
        Kind::FdCreateFlags => Arg::FdCreateFlags(FdCreateFlags::from_raw(v)),
        Kind::EventfdFlags => Arg::EventfdFlags(EventfdFlags::from_raw(v)),
        Kind::TimerfdFlags => Arg::TimerfdFlags(TimerfdFlags::from_raw(v)),
        Kind::SignalfdFlags => Arg::SignalfdFlags(SignalfdFlags::from_raw(v)),
        Kind::EpollFlags => Arg::EpollFlags(EpollFlags::from_raw(v)),
        Kind::InotifyFlags => Arg::InotifyFlags(InotifyFlags::from_raw(v)),
        Kind::MlockallFlags => Arg::MlockallFlags(MlockallFlags::from_raw(v)),
        Kind::RenameFlags => Arg::RenameFlags(RenameFlags::from_raw(v)),
        Kind::GrndFlags => Arg::GrndFlags(GrndFlags::from_raw(v)),
        Kind::MfdFlags => Arg::MfdFlags(MfdFlags::from_raw(v)),
        Kind::TimerFlags => Arg::TimerFlags(TimerFlags::from_raw(v)),
        Kind::FcntlCmd => Arg::FcntlCmd(FcntlCmd::from_raw(v)),
        Kind::FcntlArg => Arg::FcntlArg(v),
        Kind::FutexOp => Arg::FutexOp(FutexOp(v as u32)),
        Kind::PrctlOption => Arg::PrctlOption(PrctlOption::from_raw(v)),
        Kind::Madvice => Arg::Madvice(Madvice::from_raw(v)),
        Kind::Whence => Arg::Whence(Whence::from_raw(v)),
        Kind::ClockId => Arg::ClockId(ClockId::from_raw(v)),
        Kind::SigHow => Arg::SigHow(SigHow::from_raw(v)),
        Kind::AddressFamily => Arg::AddressFamily(AddressFamily::from_raw(v)),
        Kind::ShutdownHow => Arg::ShutdownHow(ShutdownHow::from_raw(v)),
        Kind::Protocol => Arg::Protocol(int),
        Kind::EpollOp => Arg::EpollOp(EpollOp::from_raw(v)),
        Kind::PrioWhich => Arg::PrioWhich(PrioWhich::from_raw(v)),
        Kind::Rlimit => Arg::Rlimit(Rlimit::from_raw(v)),
        Kind::ArchPrctlCode => Arg::ArchPrctlCode(ArchPrctlCode::from_raw(v)),
        Kind::ItimerWhich => Arg::ItimerWhich(ItimerWhich::from_raw(v)),
        Kind::RusageWho => Arg::RusageWho(RusageWho::from_raw(v)),
        Kind::FlockOp => Arg::FlockOp(FlockOp::from_raw(v)),
        Kind::Fadvice => Arg::Fadvice(Fadvice::from_raw(v)),
        Kind::SyncFileRangeFlags => Arg::SyncFileRangeFlags(SyncFileRangeFlags::from_raw(v)),
        Kind::InotifyMask => Arg::InotifyMask(InotifyMask::from_raw(v)),
        Kind::SockLevel => Arg::SockLevel(SockLevel::from_raw(v)),
        Kind::SockOptName => Arg::SockOptName(v as u32),
        Kind::IoctlRequest => Arg::IoctlRequest(v as u32),
        Kind::Struct { ty, dir, len } => Arg::Struct(StructArg {
            ty,
            addr: v,
            dir,
            count: resolve_len(len, raw),
        }),
        Kind::Skip => Arg::Skip(v),
    }
}

// Short names for the table.
use Kind::{
    AccessMode as AMODE, AtFlags as ATF, ClockId as CLK, DirFd as DFD, Fd as FD, Hex as X,
    Int as I, Mode as MODE, Offset as OFF, Path as P, Pid as PID, Ptr as PTR, Signal as SIG,
    Size as SZ, Str as S, Uint as U,
};

const fn ib(n: u8) -> Kind {
    Kind::Buf {
        dir: Dir::In,
        len: Len::Arg(n),
    }
}
const fn ob(n: u8) -> Kind {
    Kind::Buf {
        dir: Dir::Out,
        len: Len::Arg(n),
    }
}
const fn st(ty: StructType, dir: Dir, len: Len) -> Kind {
    Kind::Struct { ty, dir, len }
}
/// A fixed-size struct read by the kernel.
const fn si(ty: StructType) -> Kind {
    st(ty, Dir::In, Len::Fixed)
}
/// A fixed-size struct written by the kernel.
const fn so(ty: StructType) -> Kind {
    st(ty, Dir::Out, Len::Fixed)
}
/// A fixed-size struct read and written.
const fn sio(ty: StructType) -> Kind {
    st(ty, Dir::InOut, Len::Fixed)
}
/// An opaque struct read by the kernel.
const fn oi(name: &'static str) -> Kind {
    si(StructType::Opaque(name))
}
/// An opaque struct written by the kernel.
const fn oo(name: &'static str) -> Kind {
    so(StructType::Opaque(name))
}
/// An opaque struct read and written.
const fn oio(name: &'static str) -> Kind {
    sio(StructType::Opaque(name))
}
const fn iov_in(n: u8) -> Kind {
    st(StructType::Iovec, Dir::In, Len::Arg(n))
}
const fn iov_out(n: u8) -> Kind {
    st(StructType::Iovec, Dir::Out, Len::Arg(n))
}
const fn sigset_in(n: u8) -> Kind {
    st(StructType::Sigset, Dir::In, Len::Arg(n))
}
const fn sigset_out(n: u8) -> Kind {
    st(StructType::Sigset, Dir::Out, Len::Arg(n))
}
const fn addr_in(n: u8) -> Kind {
    st(StructType::Sockaddr, Dir::In, Len::Arg(n))
}
const fn addr_out(n: u8) -> Kind {
    st(StructType::Sockaddr, Dir::Out, Len::ArgPtr(n))
}
const fn fdset(n: u8) -> Kind {
    st(StructType::FdSet, Dir::InOut, Len::Arg(n))
}
const fn events_out() -> Kind {
    st(StructType::EpollEvent, Dir::Out, Len::Ret)
}
const TS: Kind = si(StructType::Timespec);
const TS_OUT: Kind = so(StructType::Timespec);
const TV: Kind = si(StructType::Timeval);
const TV_OUT: Kind = so(StructType::Timeval);
const ITS: Kind = si(StructType::Itimerspec);
const ITS_OUT: Kind = so(StructType::Itimerspec);
const STAT: Kind = so(StructType::Stat);
const INTREF: Kind = so(StructType::IntRef);
const INTREF_IO: Kind = sio(StructType::IntRef);
const OFFREF: Kind = sio(StructType::OffRef);
const ARGV: Kind = si(StructType::StrArray);
const ENVP: Kind = si(StructType::EnvArray);
const RUSAGE: Kind = oo("struct rusage");
const SIGINFO_IN: Kind = oi("siginfo_t");
const SIGINFO_OUT: Kind = oo("siginfo_t");
const SIGEVENT: Kind = oi("struct sigevent");
const SCHED_PARAM: Kind = oi("struct sched_param");
const POLLFD: Kind = st(StructType::Pollfd, Dir::InOut, Len::Arg(1));
const RLIM_IN: Kind = si(StructType::Rlimit);
const RLIM_OUT: Kind = so(StructType::Rlimit);
const IDTYPE: Kind = Kind::Int;

/// Declares the one signature table: one line per x86_64 system call,
/// `name(kinds...)` with an optional `-> Ret` (default [`Ret::Int`]).
macro_rules! signatures {
    ($($name:ident($($k:expr),* $(,)?) $(-> $ret:ident)?;)*) => {
        /// The signature of an x86_64 system call; `None` only for numbers the table does
        /// not describe (a test checks it describes every `syscalls::x86_64::Sysno`).
        ///
        /// # Examples
        ///
        /// ```
        /// use sigsys::args::{signature, Kind};
        /// let sig = signature(syscalls::x86_64::Sysno::openat).unwrap();
        /// assert_eq!(sig.args[0], Kind::DirFd);
        /// assert_eq!(sig.args[1], Kind::Path);
        /// assert_eq!(sig.args[2], Kind::OpenFlags);
        /// ```
        #[rustfmt::skip]
        pub fn signature(sysno: Sysno) -> Option<Signature> {
            match sysno {
                $(Sysno::$name => {
                    const ARGS: &[Kind] = &[$($k),*];
                    Some(Signature { args: ARGS, ret: signatures!(@ret $($ret)?) })
                })*
                _ => None,
            }
        }

        /// Every system call the table describes, in table order.
        ///
        /// ```
        /// assert!(sigsys::args::DESCRIBED.contains(&syscalls::x86_64::Sysno::read));
        /// ```
        pub const DESCRIBED: &[Sysno] = &[$(Sysno::$name),*];
    };
    (@ret) => { Ret::Int };
    (@ret $r:ident) => { Ret::$r };
}

use StructType as T;

signatures! {
    read(FD, ob(2), SZ);
    write(FD, ib(2), SZ);
    open(P, Kind::OpenFlags, Kind::OpenMode);
    close(FD);
    stat(P, STAT);
    fstat(FD, STAT);
    lstat(P, STAT);
    poll(POLLFD, U, I);
    lseek(FD, OFF, Kind::Whence);
    mmap(PTR, SZ, Kind::Prot, Kind::MapFlags, FD, Kind::HexOffset) -> Hex;
    mprotect(PTR, SZ, Kind::Prot);
    munmap(PTR, SZ);
    brk(PTR) -> Hex;
    rt_sigaction(SIG, si(T::Sigaction), so(T::Sigaction), SZ);
    rt_sigprocmask(Kind::SigHow, sigset_in(3), sigset_out(3), SZ);
    rt_sigreturn();
    ioctl(FD, Kind::IoctlRequest, X);
    pread64(FD, ob(2), SZ, OFF);
    pwrite64(FD, ib(2), SZ, OFF);
    readv(FD, iov_out(2), I);
    writev(FD, iov_in(2), I);
    access(P, AMODE);
    pipe(so(T::FdPair));
    select(I, fdset(0), fdset(0), fdset(0), TV);
    sched_yield();
    mremap(PTR, SZ, SZ, Kind::MremapFlags, PTR) -> Hex;
    msync(PTR, SZ, Kind::MsyncFlags);
    mincore(PTR, SZ, oo("unsigned char[]"));
    madvise(PTR, SZ, Kind::Madvice);
    shmget(X, SZ, X);
    shmat(I, PTR, X) -> Hex;
    shmctl(I, I, oio("struct shmid_ds"));
    dup(FD);
    dup2(FD, FD);
    pause();
    nanosleep(TS, TS_OUT);
    getitimer(Kind::ItimerWhich, so(T::Itimerval));
    alarm(U);
    setitimer(Kind::ItimerWhich, si(T::Itimerval), so(T::Itimerval));
    getpid();
    sendfile(FD, FD, OFFREF, SZ);
    socket(Kind::AddressFamily, Kind::SockType, Kind::Protocol);
    connect(FD, addr_in(2), U);
    accept(FD, addr_out(2), INTREF_IO);
    sendto(FD, ib(2), SZ, Kind::MsgFlags, addr_in(5), U);
    recvfrom(FD, ob(2), SZ, Kind::MsgFlags, addr_out(5), INTREF_IO);
    sendmsg(FD, si(T::Msghdr), Kind::MsgFlags);
    recvmsg(FD, so(T::Msghdr), Kind::MsgFlags);
    shutdown(FD, Kind::ShutdownHow);
    bind(FD, addr_in(2), U);
    listen(FD, I);
    getsockname(FD, addr_out(2), INTREF_IO);
    getpeername(FD, addr_out(2), INTREF_IO);
    socketpair(Kind::AddressFamily, Kind::SockType, Kind::Protocol, so(T::FdPair));
    setsockopt(FD, Kind::SockLevel, Kind::SockOptName, st(T::SockOptVal, Dir::In, Len::Arg(4)), U);
    getsockopt(FD, Kind::SockLevel, Kind::SockOptName, st(T::SockOptVal, Dir::Out, Len::ArgPtr(4)), INTREF_IO);
    clone(Kind::CloneFlags, PTR, PTR, PTR, X);
    fork();
    vfork();
    execve(P, ARGV, ENVP);
    exit(I) -> NoReturn;
    wait4(PID, so(T::WaitStatus), Kind::WaitFlags, RUSAGE);
    kill(PID, SIG);
    uname(so(T::Utsname));
    semget(X, I, X);
    semop(I, oi("struct sembuf[]"), U);
    semctl(I, I, I, X);
    shmdt(PTR);
    msgget(X, X);
    msgsnd(I, oi("struct msgbuf"), SZ, X);
    msgrcv(I, oo("struct msgbuf"), SZ, I, X);
    msgctl(I, I, oio("struct msqid_ds"));
    fcntl(FD, Kind::FcntlCmd, Kind::FcntlArg);
    flock(FD, Kind::FlockOp);
    fsync(FD);
    fdatasync(FD);
    truncate(P, OFF);
    ftruncate(FD, OFF);
    getdents(FD, st(T::Dirents, Dir::Out, Len::Ret), U);
    getcwd(Kind::OutStr, SZ);
    chdir(P);
    fchdir(FD);
    rename(P, P);
    mkdir(P, MODE);
    rmdir(P);
    creat(P, MODE);
    link(P, P);
    unlink(P);
    symlink(P, P);
    readlink(P, ob(2), SZ);
    chmod(P, MODE);
    fchmod(FD, MODE);
    chown(P, Kind::Uid, Kind::Gid);
    fchown(FD, Kind::Uid, Kind::Gid);
    lchown(P, Kind::Uid, Kind::Gid);
    umask(MODE) -> Octal;
    gettimeofday(TV_OUT, oo("struct timezone"));
    getrlimit(Kind::Rlimit, RLIM_OUT);
    getrusage(Kind::RusageWho, RUSAGE);
    sysinfo(oo("struct sysinfo"));
    times(oo("struct tms"));
    ptrace(I, PID, PTR, PTR);
    getuid();
    syslog(I, ob(2), I);
    getgid();
    setuid(Kind::Uid);
    setgid(Kind::Gid);
    geteuid();
    getegid();
    setpgid(PID, PID);
    getppid();
    getpgrp();
    setsid();
    setreuid(Kind::Uid, Kind::Uid);
    setregid(Kind::Gid, Kind::Gid);
    getgroups(I, st(T::Opaque("gid_t[]"), Dir::Out, Len::Ret));
    setgroups(SZ, st(T::Opaque("gid_t[]"), Dir::In, Len::Arg(0)));
    setresuid(Kind::Uid, Kind::Uid, Kind::Uid);
    getresuid(INTREF, INTREF, INTREF);
    setresgid(Kind::Gid, Kind::Gid, Kind::Gid);
    getresgid(INTREF, INTREF, INTREF);
    getpgid(PID);
    setfsuid(Kind::Uid);
    setfsgid(Kind::Gid);
    getsid(PID);
    capget(oio("struct __user_cap_header_struct"), oo("struct __user_cap_data_struct"));
    capset(oi("struct __user_cap_header_struct"), oi("struct __user_cap_data_struct"));
    rt_sigpending(sigset_out(1), SZ);
    rt_sigtimedwait(sigset_in(3), SIGINFO_OUT, TS, SZ);
    rt_sigqueueinfo(PID, SIG, SIGINFO_IN);
    rt_sigsuspend(sigset_in(1), SZ);
    sigaltstack(si(T::StackT), so(T::StackT));
    utime(P, oi("struct utimbuf"));
    mknod(P, Kind::FileMode, Kind::Dev);
    uselib(P);
    personality(X);
    ustat(Kind::Dev, oo("struct ustat"));
    statfs(P, oo("struct statfs"));
    fstatfs(FD, oo("struct statfs"));
    sysfs(I, X, X);
    getpriority(Kind::PrioWhich, I);
    setpriority(Kind::PrioWhich, I, I);
    sched_setparam(PID, SCHED_PARAM);
    sched_getparam(PID, oo("struct sched_param"));
    sched_setscheduler(PID, I, SCHED_PARAM);
    sched_getscheduler(PID);
    sched_get_priority_max(I);
    sched_get_priority_min(I);
    sched_rr_get_interval(PID, TS_OUT);
    mlock(PTR, SZ);
    munlock(PTR, SZ);
    mlockall(Kind::MlockallFlags);
    munlockall();
    vhangup();
    modify_ldt(I, PTR, U);
    pivot_root(P, P);
    _sysctl(oio("struct __sysctl_args"));
    prctl(Kind::PrctlOption, X, X, X, X);
    arch_prctl(Kind::ArchPrctlCode, X);
    adjtimex(oio("struct timex"));
    setrlimit(Kind::Rlimit, RLIM_IN);
    chroot(P);
    sync();
    acct(P);
    settimeofday(TV, oi("struct timezone"));
    mount(S, P, S, Kind::MountFlags, PTR);
    umount2(P, Kind::UmountFlags);
    swapon(P, X);
    swapoff(P);
    reboot(X, X, X, PTR);
    sethostname(ib(1), SZ);
    setdomainname(ib(1), SZ);
    iopl(I);
    ioperm(U, U, I);
    create_module(S, SZ);
    init_module(PTR, SZ, S);
    delete_module(S, X);
    get_kernel_syms(PTR);
    query_module(S, I, PTR, SZ, PTR);
    quotactl(X, P, I, PTR);
    nfsservctl(I, PTR, PTR);
    getpmsg(X, X, X, X, X);
    putpmsg(X, X, X, X, X);
    afs_syscall(X, X, X, X, X);
    tuxcall(X, X, X);
    security(X, X, X);
    gettid();
    readahead(FD, OFF, SZ);
    setxattr(P, S, ib(3), SZ, X);
    lsetxattr(P, S, ib(3), SZ, X);
    fsetxattr(FD, S, ib(3), SZ, X);
    getxattr(P, S, ob(3), SZ);
    lgetxattr(P, S, ob(3), SZ);
    fgetxattr(FD, S, ob(3), SZ);
    listxattr(P, ob(2), SZ);
    llistxattr(P, ob(2), SZ);
    flistxattr(FD, ob(2), SZ);
    removexattr(P, S);
    lremovexattr(P, S);
    fremovexattr(FD, S);
    tkill(PID, SIG);
    time(oo("time_t"));
    futex(PTR, Kind::FutexOp, I, TS, PTR, I);
    sched_setaffinity(PID, SZ, st(T::CpuSet, Dir::In, Len::Arg(1)));
    sched_getaffinity(PID, SZ, st(T::CpuSet, Dir::Out, Len::Ret));
    set_thread_area(oio("struct user_desc"));
    io_setup(U, oo("aio_context_t"));
    io_destroy(X);
    io_getevents(X, I, I, oo("struct io_event[]"), TS);
    io_submit(X, I, oi("struct iocb *[]"));
    io_cancel(X, oi("struct iocb"), oo("struct io_event"));
    get_thread_area(oio("struct user_desc"));
    lookup_dcookie(X, ob(2), SZ);
    epoll_create(I);
    epoll_ctl_old(X, X, X, X);
    epoll_wait_old(X, X, X);
    remap_file_pages(PTR, SZ, Kind::Prot, SZ, X);
    getdents64(FD, st(T::Dirents64, Dir::Out, Len::Ret), U);
    set_tid_address(PTR);
    restart_syscall();
    semtimedop(I, oi("struct sembuf[]"), U, TS);
    fadvise64(FD, OFF, SZ, Kind::Fadvice);
    timer_create(CLK, SIGEVENT, INTREF);
    timer_settime(I, Kind::TimerFlags, ITS, ITS_OUT);
    timer_gettime(I, ITS_OUT);
    timer_getoverrun(I);
    timer_delete(I);
    clock_settime(CLK, TS);
    clock_gettime(CLK, TS_OUT);
    clock_getres(CLK, TS_OUT);
    clock_nanosleep(CLK, Kind::TimerFlags, TS, TS_OUT);
    exit_group(I) -> NoReturn;
    epoll_wait(FD, events_out(), I, I);
    epoll_ctl(FD, Kind::EpollOp, FD, st(T::EpollEvent, Dir::In, Len::Fixed));
    tgkill(PID, PID, SIG);
    utimes(P, si(T::TimevalPair));
    vserver(X, X, X, X, X);
    mbind(PTR, SZ, I, PTR, U, X);
    set_mempolicy(I, PTR, U);
    get_mempolicy(INTREF, PTR, U, PTR, X);
    mq_open(S, Kind::OpenFlags, Kind::OpenMode, oi("struct mq_attr"));
    mq_unlink(S);
    mq_timedsend(FD, ib(2), SZ, U, TS);
    mq_timedreceive(FD, ob(2), SZ, INTREF, TS);
    mq_notify(FD, SIGEVENT);
    mq_getsetattr(FD, oi("struct mq_attr"), oo("struct mq_attr"));
    kexec_load(X, U, oi("struct kexec_segment[]"), X);
    waitid(IDTYPE, PID, SIGINFO_OUT, Kind::WaitFlags, RUSAGE);
    add_key(S, S, ib(3), SZ, I);
    request_key(S, S, S, I);
    keyctl(I, X, X, X, X);
    ioprio_set(I, I, X);
    ioprio_get(I, I);
    inotify_init();
    inotify_add_watch(FD, P, Kind::InotifyMask);
    inotify_rm_watch(FD, I);
    migrate_pages(PID, U, PTR, PTR);
    openat(DFD, P, Kind::OpenFlags, Kind::OpenMode);
    mkdirat(DFD, P, MODE);
    mknodat(DFD, P, Kind::FileMode, Kind::Dev);
    fchownat(DFD, P, Kind::Uid, Kind::Gid, ATF);
    futimesat(DFD, P, si(T::TimevalPair));
    newfstatat(DFD, P, STAT, ATF);
    unlinkat(DFD, P, ATF);
    renameat(DFD, P, DFD, P);
    linkat(DFD, P, DFD, P, ATF);
    symlinkat(P, DFD, P);
    readlinkat(DFD, P, ob(3), SZ);
    fchmodat(DFD, P, MODE);
    faccessat(DFD, P, AMODE);
    pselect6(I, fdset(0), fdset(0), fdset(0), TS, oi("struct { const sigset_t *; size_t }"));
    ppoll(POLLFD, U, TS, sigset_in(4), SZ);
    unshare(Kind::UnshareFlags);
    set_robust_list(oi("struct robust_list_head"), SZ);
    get_robust_list(PID, oo("struct robust_list_head *"), oo("size_t"));
    splice(FD, OFFREF, FD, OFFREF, SZ, X);
    tee(FD, FD, SZ, X);
    sync_file_range(FD, OFF, OFF, Kind::SyncFileRangeFlags);
    vmsplice(FD, iov_in(2), U, X);
    move_pages(PID, U, PTR, PTR, PTR, X);
    utimensat(DFD, P, si(T::TimespecPair), ATF);
    epoll_pwait(FD, events_out(), I, I, sigset_in(5), SZ);
    signalfd(FD, sigset_in(2), SZ);
    timerfd_create(CLK, Kind::TimerfdFlags);
    eventfd(U);
    fallocate(FD, I, OFF, OFF);
    timerfd_settime(FD, Kind::TimerFlags, ITS, ITS_OUT);
    timerfd_gettime(FD, ITS_OUT);
    accept4(FD, addr_out(2), INTREF_IO, Kind::SockFlags);
    signalfd4(FD, sigset_in(2), SZ, Kind::SignalfdFlags);
    eventfd2(U, Kind::EventfdFlags);
    epoll_create1(Kind::EpollFlags);
    dup3(FD, FD, Kind::FdCreateFlags);
    pipe2(so(T::FdPair), Kind::FdCreateFlags);
    inotify_init1(Kind::InotifyFlags);
    preadv(FD, iov_out(2), I, OFF, Kind::Skip);
    pwritev(FD, iov_in(2), I, OFF, Kind::Skip);
    rt_tgsigqueueinfo(PID, PID, SIG, SIGINFO_IN);
    perf_event_open(oi("struct perf_event_attr"), PID, I, FD, X);
    recvmmsg(FD, st(T::Opaque("struct mmsghdr[]"), Dir::InOut, Len::Arg(2)), U, Kind::MsgFlags, TS);
    fanotify_init(X, X);
    fanotify_mark(FD, X, X, DFD, P);
    prlimit64(PID, Kind::Rlimit, RLIM_IN, RLIM_OUT);
    name_to_handle_at(DFD, P, oio("struct file_handle"), INTREF, ATF);
    open_by_handle_at(FD, oi("struct file_handle"), Kind::OpenFlags);
    clock_adjtime(CLK, oio("struct timex"));
    syncfs(FD);
    sendmmsg(FD, st(T::Opaque("struct mmsghdr[]"), Dir::InOut, Len::Arg(2)), U, Kind::MsgFlags);
    setns(FD, Kind::UnshareFlags);
    getcpu(INTREF, INTREF, PTR);
    process_vm_readv(PID, iov_out(2), U, st(T::RemoteIovec, Dir::In, Len::Arg(4)), U, X);
    process_vm_writev(PID, iov_in(2), U, st(T::RemoteIovec, Dir::In, Len::Arg(4)), U, X);
    kcmp(PID, PID, I, X, X);
    finit_module(FD, S, X);
    sched_setattr(PID, oi("struct sched_attr"), X);
    sched_getattr(PID, oo("struct sched_attr"), U, X);
    renameat2(DFD, P, DFD, P, Kind::RenameFlags);
    seccomp(I, X, PTR);
    getrandom(ob(1), SZ, Kind::GrndFlags);
    memfd_create(S, Kind::MfdFlags);
    kexec_file_load(FD, FD, U, S, X);
    bpf(I, oio("union bpf_attr"), U);
    execveat(DFD, P, ARGV, ENVP, ATF);
    userfaultfd(X);
    membarrier(I, X, I);
    mlock2(PTR, SZ, X);
    copy_file_range(FD, OFFREF, FD, OFFREF, SZ, X);
    preadv2(FD, iov_out(2), I, OFF, Kind::Skip, X);
    pwritev2(FD, iov_in(2), I, OFF, Kind::Skip, X);
    pkey_mprotect(PTR, SZ, Kind::Prot, I);
    pkey_alloc(X, X);
    pkey_free(I);
    statx(DFD, P, ATF, X, oo("struct statx"));
    io_pgetevents(X, I, I, oo("struct io_event[]"), TS, oi("struct __aio_sigset"));
    rseq(oi("struct rseq"), U, X, X);
    pidfd_send_signal(FD, SIG, SIGINFO_IN, X);
    io_uring_setup(U, oio("struct io_uring_params"));
    io_uring_enter(FD, U, U, X, PTR, SZ);
    io_uring_register(FD, U, PTR, U);
    open_tree(DFD, P, X);
    move_mount(DFD, P, DFD, P, X);
    fsopen(S, X);
    fsconfig(FD, U, S, PTR, I);
    fsmount(FD, X, X);
    fspick(DFD, P, X);
    pidfd_open(PID, X);
    clone3(oi("struct clone_args"), SZ);
    close_range(FD, U, X);
    openat2(DFD, P, oi("struct open_how"), SZ);
    pidfd_getfd(FD, FD, X);
    faccessat2(DFD, P, AMODE, Kind::AccessAtFlags);
    process_madvise(FD, st(T::RemoteIovec, Dir::In, Len::Arg(2)), SZ, Kind::Madvice, X);
    epoll_pwait2(FD, events_out(), I, TS, sigset_in(5), SZ);
    mount_setattr(DFD, P, ATF, oi("struct mount_attr"), SZ);
    quotactl_fd(FD, X, I, PTR);
    landlock_create_ruleset(oi("struct landlock_ruleset_attr"), SZ, X);
    landlock_add_rule(FD, I, PTR, X);
    landlock_restrict_self(FD, X);
    memfd_secret(X);
    process_mrelease(FD, X);
    futex_waitv(oi("struct futex_waitv[]"), U, X, TS, CLK);
    set_mempolicy_home_node(PTR, SZ, U, X);
    cachestat(FD, oi("struct cachestat_range"), oo("struct cachestat"), X);
    fchmodat2(DFD, P, MODE, ATF);
    map_shadow_stack(PTR, SZ, X) -> Hex;
    futex_wake(PTR, X, I, X);
    futex_wait(PTR, X, X, X, TS, CLK);
    futex_requeue(oi("struct futex_waitv[2]"), X, I, I);
    statmount(oi("struct mnt_id_req"), oo("struct statmount"), SZ, X);
    listmount(oi("struct mnt_id_req"), oo("u64[]"), SZ, X);
    lsm_get_self_attr(U, oo("struct lsm_ctx"), INTREF_IO, X);
    lsm_set_self_attr(U, oi("struct lsm_ctx"), U, X);
    lsm_list_modules(oo("u64[]"), INTREF_IO, X);
}

/// Declares the table of i386-only calls: one line per call, as [`signatures!`] does.
macro_rules! i386_signatures {
    ($($name:ident($($k:expr),* $(,)?) $(-> $ret:ident)?;)*) => {
        /// The signature of an i386 call that has no x86_64 counterpart (so no
        /// [`typed_args`] view): `mmap2`, `_llseek`, `stat64`, `socketcall`, ...; offsets
        /// split over two registers are taken as joined by [`canonical_args`].
        ///
        /// # Examples
        ///
        /// ```
        /// use sigsys::args::{i386_only_signature, Kind, Ret};
        /// let sig = i386_only_signature(syscalls::x86::Sysno::mmap2).unwrap();
        /// assert_eq!((sig.args[2], sig.ret), (Kind::Prot, Ret::Hex));
        /// assert_eq!(i386_only_signature(syscalls::x86::Sysno::open), None);
        /// ```
        #[rustfmt::skip]
        pub fn i386_only_signature(sysno: syscalls::x86::Sysno) -> Option<Signature> {
            use syscalls::x86::Sysno as X;
            match sysno {
                $(X::$name => {
                    const ARGS: &[Kind] = &[$($k),*];
                    Some(Signature { args: ARGS, ret: signatures!(@ret $($ret)?) })
                })*
                _ => None,
            }
        }
    };
}

i386_signatures! {
    waitpid(PID, so(T::WaitStatus), Kind::WaitFlags);
    umount(P);
    nice(I);
    signal(SIG, PTR);
    sgetmask();
    ssetmask(X);
    sigaction(SIG, oi("struct old_sigaction"), oo("struct old_sigaction"));
    sigsuspend(I, I, X);
    sigpending(oo("old_sigset_t"));
    sigprocmask(Kind::SigHow, oi("old_sigset_t"), oo("old_sigset_t"));
    sigreturn();
    _llseek(FD, OFF, Kind::Skip, so(T::OffRef), Kind::Whence);
    mmap2(PTR, SZ, Kind::Prot, Kind::MapFlags, FD, X) -> Hex;
    truncate64(P, OFF);
    ftruncate64(FD, OFF);
    stat64(P, so(T::Stat64));
    lstat64(P, so(T::Stat64));
    fstat64(FD, so(T::Stat64));
    fstatat64(DFD, P, so(T::Stat64), ATF);
    sendfile64(FD, FD, OFFREF, SZ);
    fadvise64_64(FD, OFF, Kind::Skip, OFF, Kind::Skip, Kind::Fadvice);
    statfs64(P, SZ, oo("struct statfs64"));
    fstatfs64(FD, SZ, oo("struct statfs64"));
    socketcall(I, PTR);
    ipc(I, I, I, I, PTR, I);
    olduname(oo("struct oldold_utsname"));
}

#[cfg(test)]
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
}
