//! The signature tables: one row per system call, `name(kinds...)`, with its result kind
//! (`-> Hex`) and, where the call has one, the special rule beside it (`by Futex`: what
//! its arguments are and which are shown depend on the command, see [`super::rules`]).

use syscalls::x86_64::Sysno;

use super::Rule::{
    ArchPrctl, Clone, DevIfDevice, EpollCtl, Fcntl, Futex, InetProtocol, Ioctl, ModeIfCreat,
    NewAddrIfFixed, Prctl, Ptrace, Seccomp, SocketOption,
};
use super::{Dir, Kind, Len, Ret, Rule, Signature, StructType};

// Short names for the table.
use Kind::{
    AccessMode as AMODE, AtFlags as ATF, ClockId as CLK, DirFd as DFD, Fd as FD, Hex as X,
    Hex32 as HX, Int as L, Int32 as I, Mode as MODE, Offset as OFF, Path as P, Pid as PID,
    Ptr as PTR, Signal as SIG, Size as SZ, Str as S, Uint as U, Uint32 as U32,
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
const RUSAGE: Kind = so(StructType::Rusage);
const SIGINFO_IN: Kind = si(StructType::Siginfo);
const SIGINFO_OUT: Kind = so(StructType::Siginfo);
const SIGEVENT: Kind = oi("struct sigevent");
const SCHED_PARAM: Kind = oi("struct sched_param");
const POLLFD: Kind = st(StructType::Pollfd, Dir::InOut, Len::Arg(1));
const RLIM_IN: Kind = si(StructType::Rlimit);
const RLIM_OUT: Kind = so(StructType::Rlimit);
const IDTYPE: Kind = Kind::IdType;

/// Declares the one signature table: one line per x86_64 system call,
/// `name(kinds...)` with an optional `-> Ret` (default [`Ret::Int`]) and an optional
/// `by Rule` (default [`Rule::Plain`]): the call's special rule, applied by both
/// [`super::typed_args`] and the formatter.
macro_rules! signatures {
    ($($name:ident($($k:expr),* $(,)?) $(-> $ret:ident)? $(by $rule:expr)?;)*) => {
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

        /// The special rule of an x86_64 system call ([`Rule::Plain`] for most).
        ///
        /// Apart from [`signature`] (not one function returning both): the unoptimised
        /// frame of a match over every call grows with what each arm builds, and the
        /// formatter calls these on the handler's stack.
        #[rustfmt::skip]
        pub(crate) fn rule(sysno: Sysno) -> Rule {
            match sysno {
                $(Sysno::$name => signatures!(@rule $($rule)?),)*
                _ => Rule::Plain,
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
    (@rule) => { Rule::Plain };
    (@rule $r:expr) => { $r };
}

use StructType as T;

signatures! {
    read(FD, ob(2), SZ);
    write(FD, ib(2), SZ);
    // The mode is shown only with O_CREAT or O_TMPFILE (the typed view always has it).
    open(P, Kind::OpenFlags, Kind::OpenMode) -> Fd by ModeIfCreat { flags: 1 };
    close(FD);
    stat(P, STAT);
    fstat(FD, STAT);
    lstat(P, STAT);
    poll(POLLFD, U32, I);
    lseek(FD, OFF, Kind::Whence);
    mmap(PTR, SZ, Kind::Prot, Kind::MapFlags, FD, Kind::HexOffset) -> Hex;
    mprotect(PTR, SZ, Kind::Prot);
    munmap(PTR, SZ);
    brk(PTR) -> Hex;
    rt_sigaction(SIG, si(T::Sigaction), so(T::Sigaction), SZ);
    rt_sigprocmask(Kind::SigHow, sigset_in(3), sigset_out(3), SZ);
    rt_sigreturn();
    ioctl(FD, Kind::IoctlRequest, X) by Ioctl;
    pread64(FD, ob(2), SZ, OFF);
    pwrite64(FD, ib(2), SZ, OFF);
    readv(FD, iov_out(2), U);
    writev(FD, iov_in(2), U);
    access(P, AMODE);
    pipe(so(T::FdPair));
    select(I, fdset(0), fdset(0), fdset(0), TV);
    sched_yield();
    // The new address only with MREMAP_FIXED.
    mremap(PTR, SZ, SZ, Kind::MremapFlags, PTR) -> Hex by NewAddrIfFixed;
    msync(PTR, SZ, Kind::MsyncFlags);
    mincore(PTR, SZ, oo("unsigned char[]"));
    madvise(PTR, SZ, Kind::Madvice);
    shmget(Kind::IpcKey, SZ, Kind::ShmPerm);
    shmat(I, PTR, Kind::ShmatFlags) -> Hex;
    shmctl(I, Kind::ShmctlCmd, oio("struct shmid_ds"));
    dup(FD) -> Fd;
    dup2(FD, FD) -> Fd;
    pause();
    nanosleep(TS, st(StructType::Timespec, Dir::OutOnError, Len::Fixed));
    getitimer(Kind::ItimerWhich, so(T::Itimerval));
    alarm(U32);
    setitimer(Kind::ItimerWhich, si(T::Itimerval), so(T::Itimerval));
    getpid();
    sendfile(FD, FD, OFFREF, SZ);
    // The protocol is named (IPPROTO_*) for AF_INET and AF_INET6.
    socket(Kind::AddressFamily, Kind::SockType, Kind::Protocol) -> Fd by InetProtocol;
    connect(FD, addr_in(2), I);
    accept(FD, addr_out(2), INTREF_IO) -> Fd;
    sendto(FD, ib(2), SZ, Kind::MsgFlags, addr_in(5), I);
    recvfrom(FD, ob(2), SZ, Kind::MsgFlags, addr_out(5), INTREF_IO);
    sendmsg(FD, si(T::Msghdr), Kind::MsgFlags);
    recvmsg(FD, so(T::Msghdr), Kind::MsgFlags);
    shutdown(FD, Kind::ShutdownHow);
    bind(FD, addr_in(2), I);
    listen(FD, I);
    getsockname(FD, addr_out(2), INTREF_IO);
    getpeername(FD, addr_out(2), INTREF_IO);
    // strace prints socketpair's protocol as a number, whatever the family.
    socketpair(Kind::AddressFamily, Kind::SockType, Kind::Uint32, so(T::FdPair));
    // The option is named (SO_*) at SOL_SOCKET.
    setsockopt(FD, Kind::SockLevel, Kind::SockOptName, st(T::SockOptVal, Dir::In, Len::Arg(4)), I) by SocketOption;
    getsockopt(FD, Kind::SockLevel, Kind::SockOptName, st(T::SockOptVal, Dir::Out, Len::ArgPtr(4)), INTREF_IO) by SocketOption;
    // strace's order and names (child_stack= flags= ...), the tids and tls by flag.
    clone(Kind::CloneFlags, PTR, PTR, PTR, X) by Clone;
    fork();
    vfork();
    execve(P, ARGV, ENVP);
    exit(I) -> NoReturn;
    wait4(PID, so(T::WaitStatus), Kind::WaitFlags, RUSAGE);
    kill(PID, SIG);
    uname(so(T::Utsname));
    semget(Kind::IpcKey, I, Kind::IpcPerm);
    semop(I, oi("struct sembuf[]"), U32);
    semctl(I, I, Kind::SemctlCmd, PTR);
    shmdt(PTR);
    msgget(Kind::IpcKey, Kind::IpcPerm);
    msgsnd(I, oi("struct msgbuf"), SZ, Kind::IpcMsgFlags);
    msgrcv(I, oo("struct msgbuf"), SZ, L, Kind::IpcMsgFlags);
    msgctl(I, Kind::MsgctlCmd, oio("struct msqid_ds"));
    // The argument by command: none, flags, a number, a signal or a struct flock pointer.
    fcntl(FD, Kind::FcntlCmd, Kind::FcntlArg) by Fcntl;
    flock(FD, Kind::FlockOp);
    fsync(FD);
    fdatasync(FD);
    truncate(P, OFF);
    ftruncate(FD, OFF);
    getdents(FD, st(T::Dirents, Dir::Out, Len::Ret), U32);
    getcwd(Kind::OutStr, SZ);
    chdir(P);
    fchdir(FD);
    rename(P, P);
    mkdir(P, MODE);
    rmdir(P);
    creat(P, MODE) -> Fd;
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
    sysinfo(so(StructType::Sysinfo));
    times(oo("struct tms"));
    ptrace(Kind::PtraceRequest, PID, PTR, PTR) by Ptrace;
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
    getgroups(I, st(T::GidArray, Dir::Out, Len::Ret));
    setgroups(I, st(T::GidArray, Dir::In, Len::Arg(0)));
    setresuid(Kind::Uid, Kind::Uid, Kind::Uid);
    getresuid(INTREF, INTREF, INTREF);
    setresgid(Kind::Gid, Kind::Gid, Kind::Gid);
    getresgid(INTREF, INTREF, INTREF);
    getpgid(PID);
    setfsuid(Kind::Uid);
    setfsgid(Kind::Gid);
    getsid(PID);
    capget(si(T::CapHeader), so(T::CapData));
    capset(si(T::CapHeader), si(T::CapData));
    rt_sigpending(sigset_out(1), SZ);
    rt_sigtimedwait(sigset_in(3), SIGINFO_OUT, TS, SZ);
    rt_sigqueueinfo(PID, SIG, SIGINFO_IN);
    rt_sigsuspend(sigset_in(1), SZ);
    sigaltstack(si(T::StackT), so(T::StackT));
    utime(P, oi("struct utimbuf"));
    // The device number only for S_IFCHR and S_IFBLK.
    mknod(P, Kind::FileMode, Kind::Dev) by DevIfDevice { mode: 1 };
    uselib(P);
    personality(X);
    ustat(Kind::Dev, oo("struct ustat"));
    statfs(P, so(StructType::Statfs));
    fstatfs(FD, so(StructType::Statfs));
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
    // The arguments by option (a name, a signal, a flag), hex for the others.
    prctl(Kind::PrctlOption, X, X, X, X) by Prctl;
    // ARCH_GET_FS/GS write the address behind the second argument.
    arch_prctl(Kind::ArchPrctlCode, X) by ArchPrctl;
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
    delete_module(S, HX);
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
    setxattr(P, S, ib(3), SZ, Kind::XattrFlags);
    lsetxattr(P, S, ib(3), SZ, Kind::XattrFlags);
    fsetxattr(FD, S, ib(3), SZ, Kind::XattrFlags);
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
    // By command (futex(2)): the 4th argument is a timeout for the waits, a count (val2)
    // for FUTEX_REQUEUE and FUTEX_CMP_REQUEUE(_PI); unused arguments are not shown.
    futex(PTR, Kind::FutexOp, I, TS, PTR, I) by Futex;
    sched_setaffinity(PID, SZ, st(T::CpuSet, Dir::In, Len::Arg(1)));
    sched_getaffinity(PID, SZ, st(T::CpuSet, Dir::Out, Len::Ret));
    set_thread_area(oio("struct user_desc"));
    io_setup(U32, oo("aio_context_t"));
    io_destroy(PTR);
    io_getevents(PTR, L, L, oo("struct io_event[]"), TS);
    io_submit(PTR, L, oi("struct iocb *[]"));
    io_cancel(PTR, oi("struct iocb"), oo("struct io_event"));
    get_thread_area(oio("struct user_desc"));
    lookup_dcookie(X, ob(2), SZ);
    epoll_create(I) -> Fd;
    epoll_ctl_old(X, X, X, X);
    epoll_wait_old(X, X, X);
    remap_file_pages(PTR, SZ, Kind::Prot, SZ, X);
    getdents64(FD, st(T::Dirents64, Dir::Out, Len::Ret), U32);
    set_tid_address(PTR);
    restart_syscall();
    semtimedop(I, oi("struct sembuf[]"), U32, TS);
    fadvise64(FD, OFF, SZ, Kind::Fadvice);
    timer_create(CLK, SIGEVENT, INTREF);
    timer_settime(I, Kind::TimerFlags, ITS, ITS_OUT);
    timer_gettime(I, ITS_OUT);
    timer_getoverrun(I);
    timer_delete(I);
    clock_settime(CLK, TS);
    clock_gettime(CLK, TS_OUT);
    clock_getres(CLK, TS_OUT);
    clock_nanosleep(
        CLK,
        Kind::TimerFlags,
        TS,
        st(StructType::Timespec, Dir::OutOnError, Len::Fixed)
    );
    exit_group(I) -> NoReturn;
    epoll_wait(FD, events_out(), I, I);
    epoll_ctl(FD, Kind::EpollOp, FD, st(T::EpollEvent, Dir::In, Len::Fixed)) by EpollCtl;
    tgkill(PID, PID, SIG);
    utimes(P, si(T::TimevalPair));
    vserver(X, X, X, X, X);
    mbind(PTR, SZ, Kind::MpolMode, st(T::Nodemask, Dir::In, Len::Arg(4)), U, Kind::MbindFlags);
    set_mempolicy(Kind::MpolMode, st(T::Nodemask, Dir::In, Len::Arg(2)), U);
    get_mempolicy(so(T::MpolRef), st(T::Nodemask, Dir::Out, Len::Arg(2)), U, PTR, Kind::GetMempolicyFlags);
    mq_open(S, Kind::OpenFlags, Kind::OpenMode, oi("struct mq_attr")) -> Fd by ModeIfCreat { flags: 1 };
    mq_unlink(S);
    mq_timedsend(FD, ib(2), SZ, U32, TS);
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
    inotify_init() -> Fd;
    inotify_add_watch(FD, P, Kind::InotifyMask);
    inotify_rm_watch(FD, I);
    migrate_pages(PID, U, PTR, PTR);
    openat(DFD, P, Kind::OpenFlags, Kind::OpenMode) -> Fd by ModeIfCreat { flags: 2 };
    mkdirat(DFD, P, MODE);
    mknodat(DFD, P, Kind::FileMode, Kind::Dev) by DevIfDevice { mode: 2 };
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
    ppoll(POLLFD, U32, TS, sigset_in(4), SZ);
    unshare(Kind::UnshareFlags);
    set_robust_list(oi("struct robust_list_head"), SZ);
    get_robust_list(PID, oo("struct robust_list_head *"), oo("size_t"));
    splice(FD, OFFREF, FD, OFFREF, SZ, Kind::SpliceFlags);
    tee(FD, FD, SZ, Kind::SpliceFlags);
    sync_file_range(FD, OFF, OFF, Kind::SyncFileRangeFlags);
    vmsplice(FD, iov_in(2), U, Kind::SpliceFlags);
    move_pages(PID, U, PTR, PTR, PTR, X);
    utimensat(DFD, P, si(T::TimespecPair), ATF);
    epoll_pwait(FD, events_out(), I, I, sigset_in(5), SZ);
    signalfd(FD, sigset_in(2), SZ) -> Fd;
    timerfd_create(CLK, Kind::TimerfdFlags) -> Fd;
    eventfd(U32) -> Fd;
    fallocate(FD, I, OFF, OFF);
    timerfd_settime(FD, Kind::TimerFlags, ITS, ITS_OUT);
    timerfd_gettime(FD, ITS_OUT);
    accept4(FD, addr_out(2), INTREF_IO, Kind::SockFlags) -> Fd;
    signalfd4(FD, sigset_in(2), SZ, Kind::SignalfdFlags) -> Fd;
    eventfd2(U32, Kind::EventfdFlags) -> Fd;
    epoll_create1(Kind::EpollFlags) -> Fd;
    dup3(FD, FD, Kind::FdCreateFlags) -> Fd;
    pipe2(so(T::FdPair), Kind::FdCreateFlags);
    inotify_init1(Kind::InotifyFlags) -> Fd;
    preadv(FD, iov_out(2), U, OFF, Kind::Skip);
    pwritev(FD, iov_in(2), U, OFF, Kind::Skip);
    rt_tgsigqueueinfo(PID, PID, SIG, SIGINFO_IN);
    perf_event_open(oi("struct perf_event_attr"), PID, I, FD, X) -> Fd;
    recvmmsg(FD, st(T::Opaque("struct mmsghdr[]"), Dir::InOut, Len::Arg(2)), U32, Kind::MsgFlags, TS);
    fanotify_init(HX, HX) -> Fd;
    fanotify_mark(FD, HX, X, DFD, P);
    prlimit64(PID, Kind::Rlimit, RLIM_IN, RLIM_OUT);
    name_to_handle_at(DFD, P, oio("struct file_handle"), INTREF, ATF);
    open_by_handle_at(FD, oi("struct file_handle"), Kind::OpenFlags) -> Fd;
    clock_adjtime(CLK, oio("struct timex"));
    syncfs(FD);
    sendmmsg(FD, st(T::Opaque("struct mmsghdr[]"), Dir::InOut, Len::Arg(2)), U32, Kind::MsgFlags);
    setns(FD, Kind::UnshareFlags);
    getcpu(INTREF, INTREF, PTR);
    process_vm_readv(PID, iov_out(2), U, st(T::RemoteIovec, Dir::In, Len::Arg(4)), U, X);
    process_vm_writev(PID, iov_in(2), U, st(T::RemoteIovec, Dir::In, Len::Arg(4)), U, X);
    kcmp(PID, PID, I, X, X);
    finit_module(FD, S, HX);
    sched_setattr(PID, oi("struct sched_attr"), HX);
    sched_getattr(PID, oo("struct sched_attr"), U32, HX);
    renameat2(DFD, P, DFD, P, Kind::RenameFlags);
    // The flags and the third argument by operation (strace: raw flags for strict mode,
    // the program for a filter).
    seccomp(Kind::SeccompOp, Kind::SeccompFilterFlags, si(StructType::SockFprog)) by Seccomp;
    getrandom(ob(1), SZ, Kind::GrndFlags);
    memfd_create(S, Kind::MfdFlags) -> Fd;
    kexec_file_load(FD, FD, U, S, X);
    bpf(I, oio("union bpf_attr"), U32);
    execveat(DFD, P, ARGV, ENVP, ATF);
    userfaultfd(HX) -> Fd;
    membarrier(I, HX, I);
    mlock2(PTR, SZ, Kind::MlockFlags);
    copy_file_range(FD, OFFREF, FD, OFFREF, SZ, U32);
    preadv2(FD, iov_out(2), U, OFF, Kind::Skip, HX);
    pwritev2(FD, iov_in(2), U, OFF, Kind::Skip, HX);
    pkey_mprotect(PTR, SZ, Kind::Prot, I);
    pkey_alloc(X, X);
    pkey_free(I);
    statx(DFD, P, Kind::StatxAtFlags, Kind::StatxMask, so(StructType::Statx));
    io_pgetevents(PTR, L, L, oo("struct io_event[]"), TS, oi("struct __aio_sigset"));
    // strace prints the length in hex too (`rseq(0x..., 0x20, 0, 0x53053053)`).
    // strace has no decoder for rseq: every argument in 64-bit hex.
    rseq(oi("struct rseq"), X, X, X);
    pidfd_send_signal(FD, SIG, SIGINFO_IN, HX);
    io_uring_setup(U32, oio("struct io_uring_params")) -> Fd;
    io_uring_enter(FD, U32, U32, HX, PTR, SZ);
    io_uring_register(FD, U32, PTR, U32);
    open_tree(DFD, P, HX) -> Fd;
    move_mount(DFD, P, DFD, P, HX);
    fsopen(S, HX) -> Fd;
    fsconfig(FD, U32, S, PTR, I);
    fsmount(FD, HX, HX) -> Fd;
    fspick(DFD, P, HX) -> Fd;
    pidfd_open(PID, Kind::PidfdFlags) -> Fd;
    clone3(st(StructType::CloneArgs, Dir::In, Len::Arg(1)), SZ);
    // strace prints both bounds as unsigned numbers, not descriptors.
    close_range(U32, U32, Kind::CloseRangeFlags);
    openat2(DFD, P, oi("struct open_how"), SZ) -> Fd;
    // The target descriptor is the other process's: a number (strace shows its path only
    // when it can read the target's /proc).
    pidfd_getfd(FD, I, HX) -> Fd;
    faccessat2(DFD, P, AMODE, Kind::AccessAtFlags);
    process_madvise(FD, st(T::RemoteIovec, Dir::In, Len::Arg(2)), SZ, Kind::Madvice, HX);
    epoll_pwait2(FD, events_out(), I, TS, sigset_in(5), SZ);
    mount_setattr(DFD, P, ATF, oi("struct mount_attr"), SZ);
    quotactl_fd(FD, X, I, PTR);
    landlock_create_ruleset(oi("struct landlock_ruleset_attr"), SZ, HX) -> Fd;
    landlock_add_rule(FD, I, PTR, HX);
    landlock_restrict_self(FD, HX);
    memfd_secret(HX) -> Fd;
    process_mrelease(FD, HX);
    futex_waitv(oi("struct futex_waitv[]"), U32, HX, TS, CLK);
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
        /// [`typed_args`](super::typed_args) view): `mmap2`, `_llseek`, `stat64`, `socketcall`, ...; offsets
        /// split over two registers are taken as joined by [`canonical_args`](super::canonical_args).
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
    ipc(U32, I, L, L, PTR, L);
    olduname(oo("struct oldold_utsname"));
}
