//! The argument kinds ([`Kind`]) and typed values ([`Arg`]), declared together.
//!
//! Most kinds are a flag set or an enumerated constant of [`crate::flags`]: each of those
//! is one row of the [`kinds!`] invocation below, which makes the [`Kind`] variant, the
//! [`Arg`] variant holding the typed value, its decoding from a register and the names it
//! prints with. The other kinds (integers, descriptors, strings, buffers, structs) have
//! their own variants, listed first.

use crate::flags::{
    AccessAtFlags, AccessMode, AddressFamily, ArchPrctlCode, AtFlags, ClockId, CloseRangeFlags,
    EpollFlags, EpollOp, EventfdFlags, Fadvice, FcntlCmd, FdCreateFlags, FlockOp,
    GetMempolicyFlags, GrndFlags, IdType, InotifyFlags, InotifyMask, IpcMsgFlags, ItimerWhich,
    Madvice, MapFlags, MbindFlags, MfdFlags, MlockFlags, MlockallFlags, MountFlags, MpolMode,
    MremapFlags, MsgFlags, MsgctlCmd, MsyncFlags, Names, OFlags, PidfdFlags, PrCapAmbient,
    PrMceKill, PrMceKillPolicy, PrSetMm, PrSetVma, PrSudCmd, PrTsc, PrUnalign, PrctlOption,
    PrioWhich, ProtFlags, PtraceOptions, PtraceRequest, RenameFlags, Rlimit, RusageWho,
    SeccompFilterFlags, SeccompMode, SeccompOp, SemctlCmd, ShmatFlags, ShmctlCmd, ShutdownHow,
    SigHow, SignalfdFlags, SockFlags, SockLevel, SockType, SpliceFlags, StatxAtFlags, StatxMask,
    StraceEnum, StraceFlags, SyncFileRangeFlags, TimerFlags, TimerfdFlags, UmountFlags,
    UnshareFlags, WaitFlags, Whence, XattrFlags,
};

use super::{Dir, Len, StructArg, StructType};
use crate::flags::{CloneFlags, FutexOp, Signal};

/// Declares [`Kind`] and [`Arg`]: their own variants as written, then one variant each per
/// row of `flags` (a [`StraceFlags`] type) and `enums` (a [`StraceEnum`] type), with the
/// row's documentation; and the decoding and naming of those rows.
macro_rules! kinds {
    (
        kind { $($kind:tt)* }
        arg { $($arg:tt)* }
        flags { $($(#[$fdoc:meta])* $F:ident($FT:ty),)* }
        enums { $($(#[$edoc:meta])* $E:ident($ET:ty),)* }
    ) => {
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
        #[repr(u8)]
        pub enum Kind {
            $($kind)*
            $($(#[$fdoc])* $F,)*
            $($(#[$edoc])* $E,)*
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
        #[repr(u8)]
        pub enum Arg {
            $($arg)*
            $($(#[$fdoc])* $F($FT),)*
            $($(#[$edoc])* $E($ET),)*
        }

        /// The typed value of a flag or enum kind from the register value `v` (the other
        /// kinds, which [`super::value`] decodes itself, give `Arg::Skip(v)`).
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(super) fn named_value(kind: Kind, v: u64) -> Arg {
            match kind {
                $(Kind::$F => Arg::$F(<$FT as StraceFlags>::from_raw(v)),)*
                $(Kind::$E => Arg::$E(<$ET as StraceEnum>::from_raw(v)),)*
                _ => Arg::Skip(v),
            }
        }

        impl Arg {
            /// The names a flag or enum value prints with, and its bits.
            #[inline]
            pub(crate) fn named(&self) -> Option<(Names, u64)> {
                match *self {
                    $(Arg::$F(f) => Some((Names::Flags(&<$FT as StraceFlags>::SPEC), f.raw())),)*
                    $(Arg::$E(e) => Some((Names::Enum(&<$ET as StraceEnum>::SPEC), e.raw())),)*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    kind {
        /// A signed `long` (the whole register).
        Int,
        /// An unsigned `long`.
        Uint,
        /// A `long` strace prints in hex (raw flags it does not name, keys, cookies).
        Hex,
        /// A C `int`: the register's low 32 bits, as the kernel reads it (`Arg::Int`).
        Int32,
        /// An `unsigned int`: the low 32 bits (`Arg::Uint`).
        Uint32,
        /// An `unsigned int` strace prints in hex: the low 32 bits (`Arg::Hex`).
        Hex32,
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
        /// `CLONE_*` with the exit signal in the low byte.
        CloneFlags,
        /// The argument of `fcntl`, whose meaning depends on the command.
        FcntlArg,
        /// A `futex` operation word.
        FutexOp,
        /// A socket protocol (`IPPROTO_*` for internet sockets; a number otherwise).
        Protocol,
        /// A socket option name (`SO_*` at `SOL_SOCKET`, a number at other levels).
        SockOptName,
        /// An `ioctl` request number.
        IoctlRequest,
        /// A System V IPC key (`IPC_PRIVATE` or hex; `Arg::Hex` of its 32 bits).
        IpcKey,
        /// `msgget`/`semget` flags: `IPC_*` names, then the permission bits in octal
        /// (`Arg::Hex` of the 32 bits).
        IpcPerm,
        /// `shmget` flags: `IPC_*`/`SHM_*` names, the huge page size as
        /// `N<<SHM_HUGE_SHIFT`, then the permission bits in octal (`Arg::Hex`).
        ShmPerm,
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
    arg {
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
        /// `clone` flags and the exit signal.
        CloneFlags(CloneFlags, Signal),
        /// `fcntl` argument (raw; its meaning depends on the command).
        FcntlArg(u64),
        /// `futex` operation.
        FutexOp(FutexOp),
        /// Socket protocol number.
        Protocol(i32),
        /// Socket option name (meaning depends on the level).
        SockOptName(u32),
        /// `ioctl` request number.
        IoctlRequest(u32),
        /// A struct or array by address.
        Struct(StructArg),
        /// An ignored register (not printed).
        Skip(u64),
    }
    flags {
        /// `O_*` open flags.
        OpenFlags(OFlags),
        /// `AT_*` flags.
        AtFlags(AtFlags),
        /// `faccessat2` flags.
        AccessAtFlags(AccessAtFlags),
        /// `statx`'s flags (sync type and `AT_*`).
        StatxAtFlags(StatxAtFlags),
        /// `statx`'s `STATX_*` mask.
        StatxMask(StatxMask),
        /// `F_OK`/`R_OK|W_OK|X_OK`.
        AccessMode(AccessMode),
        /// `PROT_*`.
        Prot(ProtFlags),
        /// `MAP_*`.
        MapFlags(MapFlags),
        /// `MREMAP_*`.
        MremapFlags(MremapFlags),
        /// `MS_*` of `msync`.
        MsyncFlags(MsyncFlags),
        /// `MS_*` of `mount`.
        MountFlags(MountFlags),
        /// `MNT_*` of `umount2`.
        UmountFlags(UmountFlags),
        /// `CLONE_*` of `unshare` and `setns`.
        UnshareFlags(UnshareFlags),
        /// Socket type and `SOCK_*` flags.
        SockType(SockType),
        /// `SOCK_*` flags of `accept4`.
        SockFlags(SockFlags),
        /// `MSG_*`.
        MsgFlags(MsgFlags),
        /// `W*` options of `wait4`/`waitid`.
        WaitFlags(WaitFlags),
        /// `O_CLOEXEC`/`O_NONBLOCK` of `pipe2`, `dup3`.
        FdCreateFlags(FdCreateFlags),
        /// `EFD_*`.
        EventfdFlags(EventfdFlags),
        /// `CLOSE_RANGE_*`.
        CloseRangeFlags(CloseRangeFlags),
        /// `SPLICE_F_*` of `splice`, `tee`, `vmsplice`.
        SpliceFlags(SpliceFlags),
        /// `MLOCK_ONFAULT` of `mlock2`.
        MlockFlags(MlockFlags),
        /// `XATTR_CREATE`/`XATTR_REPLACE` of `setxattr`.
        XattrFlags(XattrFlags),
        /// `TFD_*`.
        TimerfdFlags(TimerfdFlags),
        /// `SFD_*`.
        SignalfdFlags(SignalfdFlags),
        /// `EPOLL_CLOEXEC`.
        EpollFlags(EpollFlags),
        /// `IN_*` of `inotify_init1`.
        InotifyFlags(InotifyFlags),
        /// `MCL_*`.
        MlockallFlags(MlockallFlags),
        /// `RENAME_*`.
        RenameFlags(RenameFlags),
        /// `GRND_*`.
        GrndFlags(GrndFlags),
        /// `MFD_*`.
        MfdFlags(MfdFlags),
        /// `TIMER_ABSTIME`.
        TimerFlags(TimerFlags),
        /// `LOCK_*` of `flock`.
        FlockOp(FlockOp),
        /// `SYNC_FILE_RANGE_*`.
        SyncFileRangeFlags(SyncFileRangeFlags),
        /// `IN_*` event mask of `inotify_add_watch`.
        InotifyMask(InotifyMask),
        /// `SECCOMP_FILTER_FLAG_*`.
        SeccompFilterFlags(SeccompFilterFlags),
        /// `SHM_*` of `shmat`.
        ShmatFlags(ShmatFlags),
        /// `MSG_*`/`IPC_NOWAIT` of `msgsnd`/`msgrcv`.
        IpcMsgFlags(IpcMsgFlags),
        /// `PR_UNALIGN_*`.
        PrUnalign(PrUnalign),
        /// `PIDFD_*` of `pidfd_open`.
        PidfdFlags(PidfdFlags),
        /// `PTRACE_O_*`.
        PtraceOptions(PtraceOptions),
        /// `MPOL_*` mode and flags.
        MpolMode(MpolMode),
        /// `MPOL_MF_*` of `mbind`.
        MbindFlags(MbindFlags),
        /// `MPOL_F_*` of `get_mempolicy`.
        GetMempolicyFlags(GetMempolicyFlags),
    }
    enums {
        /// An `fcntl` command.
        FcntlCmd(FcntlCmd),
        /// A `prctl` option.
        PrctlOption(PrctlOption),
        /// `madvise` advice.
        Madvice(Madvice),
        /// `lseek` whence.
        Whence(Whence),
        /// `waitid`'s id type.
        IdType(IdType),
        /// A clock id.
        ClockId(ClockId),
        /// `sigprocmask` how.
        SigHow(SigHow),
        /// An address family.
        AddressFamily(AddressFamily),
        /// `shutdown` how.
        ShutdownHow(ShutdownHow),
        /// `epoll_ctl` operation.
        EpollOp(EpollOp),
        /// `PRIO_*`.
        PrioWhich(PrioWhich),
        /// `RLIMIT_*`.
        Rlimit(Rlimit),
        /// `ARCH_*` of `arch_prctl`.
        ArchPrctlCode(ArchPrctlCode),
        /// A `seccomp` operation.
        SeccompOp(SeccompOp),
        /// `ITIMER_*`.
        ItimerWhich(ItimerWhich),
        /// `RUSAGE_*`.
        RusageWho(RusageWho),
        /// `POSIX_FADV_*`.
        Fadvice(Fadvice),
        /// `SOL_*` socket option level.
        SockLevel(SockLevel),
        /// A `msgctl` command.
        MsgctlCmd(MsgctlCmd),
        /// A `semctl` command.
        SemctlCmd(SemctlCmd),
        /// A `shmctl` command.
        ShmctlCmd(ShmctlCmd),
        /// `PR_CAP_AMBIENT_*`.
        PrCapAmbient(PrCapAmbient),
        /// `PR_MCE_KILL_CLEAR`/`PR_MCE_KILL_SET`.
        PrMceKill(PrMceKill),
        /// `PR_MCE_KILL_*` policies.
        PrMceKillPolicy(PrMceKillPolicy),
        /// `PR_SET_MM_*`.
        PrSetMm(PrSetMm),
        /// `PR_TSC_*`.
        PrTsc(PrTsc),
        /// `SECCOMP_MODE_*`.
        SeccompMode(SeccompMode),
        /// `PR_SYS_DISPATCH_*`.
        PrSudCmd(PrSudCmd),
        /// `PR_SET_VMA_*`.
        PrSetVma(PrSetVma),
        /// A `ptrace` request.
        PtraceRequest(PtraceRequest),
    }
}
