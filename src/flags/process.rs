//! Processes: `clone`/`unshare` flags, wait options, `prctl`/`arch_prctl` codes, resource
//! limits, priorities, `futex` commands and operation words.

use core::fmt::{self, Write};

use crate::text::{emit, Hex};

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

strace_flags! {
    /// `clone` flags; the low byte (`CSIGNAL`) is the exit signal, printed by the
    /// formatter as a signal name.
    ///
    /// ```
    /// use sigsys::flags::CloneFlags;
    /// assert_eq!(CloneFlags::CLONE_VM.bits(), 0x100);
    /// ```
    pub struct CloneFlags: u64;
    zero = None;
    field(0) {}
    flags {
        CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND,
        CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK,
        CLONE_PARENT, CLONE_THREAD, CLONE_NEWNS,
        CLONE_SYSVSEM, CLONE_SETTLS, CLONE_PARENT_SETTID,
        CLONE_CHILD_CLEARTID, CLONE_DETACHED,
        CLONE_UNTRACED, CLONE_CHILD_SETTID,
        CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
        CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
        CLONE_IO, CLONE_CLEAR_SIGHAND = 0x1_0000_0000,
        CLONE_INTO_CGROUP = 0x2_0000_0000,
    }
}

strace_flags! {
    /// `unshare` flags (the namespace and sharing subset of `CLONE_*`, with
    /// `CLONE_NEWTIME`).
    ///
    /// ```
    /// use sigsys::flags::UnshareFlags;
    /// assert_eq!(UnshareFlags::CLONE_NEWUSER.bits(), 0x10000000);
    /// ```
    pub struct UnshareFlags: u32;
    zero = None;
    field(0) {}
    flags {
        CLONE_NEWTIME, CLONE_VM, CLONE_FS, CLONE_FILES,
        CLONE_SIGHAND, CLONE_THREAD, CLONE_NEWNS,
        CLONE_SYSVSEM, CLONE_NEWCGROUP, CLONE_NEWUTS,
        CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
        CLONE_NEWNET,
    }
}

strace_flags! {
    /// `wait4`/`waitid` options.
    ///
    /// ```
    /// use sigsys::flags::WaitFlags;
    /// assert_eq!(WaitFlags::WNOHANG.bits(), 1);
    /// ```
    pub struct WaitFlags: u32;
    zero = None;
    field(0) {}
    flags {
        WNOHANG, WSTOPPED, WEXITED, WCONTINUED, WNOWAIT,
        __WNOTHREAD, __WALL, __WCLONE,
    }
}

strace_enum! {
    /// `prctl` options (`PR_*`).
    ///
    /// ```
    /// use sigsys::flags::PrctlOption;
    /// assert_eq!(PrctlOption::PR_SET_NO_NEW_PRIVS.0, 38);
    /// ```
    pub struct PrctlOption(u32);
    prefix = "PR_", decimal = false;
    {
        PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_GET_DUMPABLE,
        PR_SET_DUMPABLE, PR_GET_UNALIGN, PR_SET_UNALIGN, PR_GET_KEEPCAPS,
        PR_SET_KEEPCAPS, PR_GET_FPEMU, PR_SET_FPEMU, PR_GET_FPEXC,
        PR_SET_FPEXC, PR_GET_TIMING, PR_SET_TIMING, PR_SET_NAME,
        PR_GET_NAME, PR_GET_ENDIAN, PR_SET_ENDIAN, PR_GET_SECCOMP,
        PR_SET_SECCOMP, PR_CAPBSET_READ, PR_CAPBSET_DROP, PR_GET_TSC,
        PR_SET_TSC, PR_GET_SECUREBITS, PR_SET_SECUREBITS,
        PR_SET_TIMERSLACK, PR_GET_TIMERSLACK, PR_TASK_PERF_EVENTS_DISABLE,
        PR_TASK_PERF_EVENTS_ENABLE, PR_MCE_KILL, PR_MCE_KILL_GET,
        PR_SET_MM, PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER,
        PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, PR_GET_TID_ADDRESS,
        PR_SET_THP_DISABLE, PR_GET_THP_DISABLE, PR_MPX_ENABLE_MANAGEMENT,
        PR_MPX_DISABLE_MANAGEMENT, PR_SET_FP_MODE, PR_GET_FP_MODE,
        PR_CAP_AMBIENT, PR_SVE_SET_VL = 50, PR_SVE_GET_VL = 51,
        PR_GET_SPECULATION_CTRL = 52, PR_SET_SPECULATION_CTRL = 53, PR_PAC_RESET_KEYS = 54,
        PR_SET_TAGGED_ADDR_CTRL = 55, PR_GET_TAGGED_ADDR_CTRL = 56, PR_SET_IO_FLUSHER = 57,
        PR_GET_IO_FLUSHER = 58, PR_SET_SYSCALL_USER_DISPATCH = 59,
        PR_PAC_SET_ENABLED_KEYS = 60, PR_PAC_GET_ENABLED_KEYS = 61, PR_SCHED_CORE,
        PR_SME_SET_VL = 63, PR_SME_GET_VL = 64, PR_SET_MDWE, PR_GET_MDWE,
        PR_SET_MEMORY_MERGE, PR_GET_MEMORY_MERGE, PR_RISCV_V_SET_CONTROL = 69,
        PR_RISCV_V_GET_CONTROL = 70, PR_RISCV_SET_ICACHE_FLUSH_CTX = 71,
        PR_PPC_GET_DEXCR = 72, PR_PPC_SET_DEXCR = 73, PR_GET_SHADOW_STACK_STATUS = 74,
        PR_SET_SHADOW_STACK_STATUS = 75, PR_LOCK_SHADOW_STACK_STATUS = 76,
        PR_GET_AUXV = 0x4155_5856, PR_SET_VMA, PR_SET_PTRACER,
    }
}

strace_enum! {
    /// `arch_prctl` codes (`ARCH_*`).
    ///
    /// ```
    /// use sigsys::flags::ArchPrctlCode;
    /// assert_eq!(ArchPrctlCode::ARCH_SET_FS.0, 0x1002);
    /// ```
    pub struct ArchPrctlCode(u32);
    prefix = "ARCH_", decimal = false;
    {
        ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003,
        ARCH_GET_GS = 0x1004, ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012,
        ARCH_GET_XCOMP_SUPP = 0x1021, ARCH_GET_XCOMP_PERM = 0x1022,
        ARCH_REQ_XCOMP_PERM = 0x1023, ARCH_GET_XCOMP_GUEST_PERM = 0x1024,
        ARCH_REQ_XCOMP_GUEST_PERM = 0x1025, ARCH_MAP_VDSO_X32 = 0x2001,
        ARCH_MAP_VDSO_32 = 0x2002, ARCH_MAP_VDSO_64 = 0x2003,
        ARCH_SHSTK_ENABLE = 0x5001, ARCH_SHSTK_DISABLE = 0x5002, ARCH_SHSTK_LOCK = 0x5003,
        ARCH_SHSTK_UNLOCK = 0x5004, ARCH_SHSTK_STATUS = 0x5005,
    }
}

strace_enum! {
    /// Resource limits (`RLIMIT_*`).
    ///
    /// ```
    /// use sigsys::flags::Rlimit;
    /// assert_eq!(Rlimit::RLIMIT_NOFILE.0, 7);
    /// ```
    pub struct Rlimit(u32);
    prefix = "RLIMIT_", decimal = false;
    {
        RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK,
        RLIMIT_CORE, RLIMIT_RSS, RLIMIT_NPROC, RLIMIT_NOFILE,
        RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS, RLIMIT_SIGPENDING,
        RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME,
    }
}

strace_enum! {
    /// `getrusage` who (`RUSAGE_*`; `RUSAGE_CHILDREN` is -1).
    ///
    /// ```
    /// use sigsys::flags::RusageWho;
    /// assert_eq!(RusageWho::RUSAGE_CHILDREN.0, u32::MAX);
    /// ```
    pub struct RusageWho(u32);
    prefix = "RUSAGE_", decimal = false;
    { RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD }
}

strace_enum! {
    /// `waitid` id type (`P_*`).
    ///
    /// ```
    /// use sigsys::flags::IdType;
    /// assert_eq!(IdType::P_PIDFD.0, 3);
    /// ```
    pub struct IdType(u32);
    prefix = "P_", decimal = false;
    { P_ALL, P_PID, P_PGID, P_PIDFD }
}

strace_enum! {
    /// `getpriority`/`setpriority` which (`PRIO_*`).
    ///
    /// ```
    /// use sigsys::flags::PrioWhich;
    /// assert_eq!(PrioWhich::PRIO_PROCESS.0, 0);
    /// ```
    pub struct PrioWhich(u32);
    prefix = "PRIO_", decimal = false;
    { PRIO_PROCESS, PRIO_PGRP, PRIO_USER }
}

strace_enum! {
    /// `futex` commands (the operation without `FUTEX_PRIVATE_FLAG` and
    /// `FUTEX_CLOCK_REALTIME`); see [`FutexOp`] for the whole operation word.
    ///
    /// ```
    /// use sigsys::flags::FutexCmd;
    /// assert_eq!(FutexCmd::FUTEX_WAKE.0, 1);
    /// ```
    pub struct FutexCmd(u32);
    prefix = "FUTEX_", decimal = false;
    {
        FUTEX_WAIT, FUTEX_WAKE, FUTEX_FD, FUTEX_REQUEUE,
        FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, FUTEX_LOCK_PI, FUTEX_UNLOCK_PI,
        FUTEX_TRYLOCK_PI, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET,
        FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI, FUTEX_LOCK_PI2,
    }
}

/// A whole `futex` operation word: command, `FUTEX_PRIVATE_FLAG` (128) and
/// `FUTEX_CLOCK_REALTIME` (256), printed as strace does (`FUTEX_WAKE_PRIVATE`,
/// `FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME`).
///
/// # Examples
///
/// ```
/// use sigsys::flags::{FutexCmd, FutexOp};
/// let op = FutexOp(129);
/// assert_eq!(op.cmd(), FutexCmd::FUTEX_WAKE);
/// assert!(op.is_private());
/// let mut buf = [0u8; 64];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// core::fmt::Write::write_fmt(&mut out, format_args!("{op}")).unwrap();
/// assert_eq!(out.as_str(), "FUTEX_WAKE_PRIVATE");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FutexOp(pub u32);

impl FutexOp {
    /// `FUTEX_PRIVATE_FLAG`.
    pub const PRIVATE_FLAG: u32 = 128;
    /// `FUTEX_CLOCK_REALTIME`.
    pub const CLOCK_REALTIME: u32 = 256;

    /// The command.
    ///
    /// ```
    /// assert_eq!(sigsys::flags::FutexOp(9 | 256).cmd().0, 9);
    /// ```
    pub const fn cmd(self) -> FutexCmd {
        FutexCmd(self.0 & !(Self::PRIVATE_FLAG | Self::CLOCK_REALTIME))
    }

    /// Whether `FUTEX_PRIVATE_FLAG` is set.
    ///
    /// ```
    /// assert!(!sigsys::flags::FutexOp(0).is_private());
    /// ```
    pub const fn is_private(self) -> bool {
        self.0 & Self::PRIVATE_FLAG != 0
    }
}

impl FutexOp {
    /// Writes the operation as strace does (what `Display` prints).
    ///
    /// # Errors
    ///
    /// Those of `out`.
    ///
    /// ```
    /// let mut buf = [0u8; 64];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
    /// sigsys::flags::FutexOp(0x7f).write(&mut out).unwrap();
    /// assert_eq!(out.as_str(), "0x7f /* FUTEX_??? */");
    /// ```
    pub fn write<W: Write + ?Sized>(self, f: &mut W) -> fmt::Result {
        let cmd = self.cmd();
        match cmd.name() {
            Some(name) => {
                f.write_str(name)?;
                if self.is_private() {
                    f.write_str("_PRIVATE")?;
                }
                if self.0 & Self::CLOCK_REALTIME != 0 {
                    f.write_str("|FUTEX_CLOCK_REALTIME")?;
                }
                Ok(())
            }
            None => emit!(f, Hex(u64::from(self.0)), " /* FUTEX_??? */"),
        }
    }
}

impl fmt::Display for FutexOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

strace_enum! {
    /// `seccomp` operations (`SECCOMP_*`).
    ///
    /// ```
    /// use sigsys::flags::SeccompOp;
    /// assert_eq!(SeccompOp::SECCOMP_SET_MODE_FILTER.0, 1);
    /// ```
    pub struct SeccompOp(u32);
    prefix = "SECCOMP_", decimal = false;
    {
        SECCOMP_SET_MODE_STRICT, SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL,
        SECCOMP_GET_NOTIF_SIZES,
    }
}

strace_flags! {
    /// `seccomp(SECCOMP_SET_MODE_FILTER)` flags (`SECCOMP_FILTER_FLAG_*`).
    ///
    /// ```
    /// use sigsys::flags::SeccompFilterFlags;
    /// assert_eq!(SeccompFilterFlags::SECCOMP_FILTER_FLAG_TSYNC.bits(), 1);
    /// ```
    pub struct SeccompFilterFlags: u32;
    zero = None;
    field(0) {}
    flags {
        SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
        SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
    }
}

strace_enum! {
    /// `prctl(PR_CAP_AMBIENT)` operations.
    ///
    /// ```
    /// use sigsys::flags::PrCapAmbient;
    /// assert_eq!(PrCapAmbient::PR_CAP_AMBIENT_RAISE.0, 2);
    /// ```
    pub struct PrCapAmbient(u64);
    prefix = "PR_CAP_AMBIENT_", decimal = false;
    {
        PR_CAP_AMBIENT_IS_SET, PR_CAP_AMBIENT_RAISE, PR_CAP_AMBIENT_LOWER,
        PR_CAP_AMBIENT_CLEAR_ALL,
    }
}

strace_enum! {
    /// `prctl(PR_MCE_KILL)` operations.
    ///
    /// ```
    /// use sigsys::flags::PrMceKill;
    /// assert_eq!(PrMceKill::PR_MCE_KILL_SET.0, 1);
    /// ```
    pub struct PrMceKill(u64);
    prefix = "PR_MCE_KILL_", decimal = false;
    { PR_MCE_KILL_CLEAR, PR_MCE_KILL_SET }
}

strace_enum! {
    /// `prctl(PR_MCE_KILL, PR_MCE_KILL_SET)` policies.
    ///
    /// ```
    /// use sigsys::flags::PrMceKillPolicy;
    /// assert_eq!(PrMceKillPolicy::PR_MCE_KILL_EARLY.0, 1);
    /// ```
    pub struct PrMceKillPolicy(u64);
    prefix = "PR_MCE_KILL_", decimal = false;
    { PR_MCE_KILL_LATE, PR_MCE_KILL_EARLY, PR_MCE_KILL_DEFAULT }
}

strace_enum! {
    /// `prctl(PR_SET_MM)` fields.
    ///
    /// ```
    /// use sigsys::flags::PrSetMm;
    /// assert_eq!(PrSetMm::PR_SET_MM_BRK.0, 7);
    /// ```
    pub struct PrSetMm(u32);
    prefix = "PR_SET_MM_", decimal = false;
    {
        PR_SET_MM_START_CODE, PR_SET_MM_END_CODE, PR_SET_MM_START_DATA, PR_SET_MM_END_DATA,
        PR_SET_MM_START_STACK, PR_SET_MM_START_BRK, PR_SET_MM_BRK, PR_SET_MM_ARG_START,
        PR_SET_MM_ARG_END, PR_SET_MM_ENV_START, PR_SET_MM_ENV_END, PR_SET_MM_AUXV,
        PR_SET_MM_EXE_FILE, PR_SET_MM_MAP, PR_SET_MM_MAP_SIZE,
    }
}

strace_enum! {
    /// `prctl(PR_SET_TSC)` modes.
    ///
    /// ```
    /// use sigsys::flags::PrTsc;
    /// assert_eq!(PrTsc::PR_TSC_SIGSEGV.0, 2);
    /// ```
    pub struct PrTsc(u32);
    prefix = "PR_TSC_", decimal = false;
    { PR_TSC_ENABLE, PR_TSC_SIGSEGV }
}

strace_enum! {
    /// `prctl(PR_SET_SECCOMP)` modes.
    ///
    /// ```
    /// use sigsys::flags::SeccompMode;
    /// assert_eq!(SeccompMode::SECCOMP_MODE_FILTER.0, 2);
    /// ```
    pub struct SeccompMode(u64);
    prefix = "SECCOMP_MODE_", decimal = false;
    { SECCOMP_MODE_DISABLED, SECCOMP_MODE_STRICT, SECCOMP_MODE_FILTER }
}

strace_enum! {
    /// `prctl(PR_SET_SYSCALL_USER_DISPATCH)` commands.
    ///
    /// ```
    /// use sigsys::flags::PrSudCmd;
    /// assert_eq!(PrSudCmd::PR_SYS_DISPATCH_ON.0, 1);
    /// ```
    pub struct PrSudCmd(u64);
    prefix = "PR_SYS_DISPATCH_", decimal = false;
    { PR_SYS_DISPATCH_OFF = 0, PR_SYS_DISPATCH_ON = 1 }
}

strace_enum! {
    /// `prctl(PR_SET_VMA)` operations.
    ///
    /// ```
    /// use sigsys::flags::PrSetVma;
    /// assert_eq!(PrSetVma::PR_SET_VMA_ANON_NAME.0, 0);
    /// ```
    pub struct PrSetVma(u64);
    prefix = "PR_SET_VMA_", decimal = false;
    { PR_SET_VMA_ANON_NAME = 0 }
}

strace_flags! {
    /// `prctl(PR_SET_UNALIGN)` flags.
    ///
    /// ```
    /// use sigsys::flags::PrUnalign;
    /// assert_eq!(PrUnalign::PR_UNALIGN_SIGBUS.bits(), 2);
    /// ```
    pub struct PrUnalign: u32;
    zero = None;
    field(0) {}
    flags { PR_UNALIGN_NOPRINT, PR_UNALIGN_SIGBUS }
}

strace_flags! {
    /// `pidfd_open` flags.
    ///
    /// ```
    /// use sigsys::flags::PidfdFlags;
    /// assert_eq!(PidfdFlags::PIDFD_NONBLOCK.bits(), 0o4000);
    /// ```
    pub struct PidfdFlags: u32;
    zero = None;
    unknown = "PIDFD_???";
    field(0) {}
    flags { PIDFD_NONBLOCK = libc::O_NONBLOCK as u32 }
}

strace_enum! {
    /// `ptrace` requests: the generic ones, and x86_64's own (`PTRACE_GETREGS` ...
    /// `PTRACE_SINGLEBLOCK`, by value: libc has them on x86 only; on other architectures
    /// those numbers name nothing the kernel knows).
    ///
    /// ```
    /// use sigsys::flags::PtraceRequest;
    /// assert_eq!(PtraceRequest::PTRACE_CONT.0, 7);
    /// ```
    pub struct PtraceRequest(u64);
    prefix = "PTRACE_", decimal = false;
    {
        PTRACE_TRACEME, PTRACE_PEEKTEXT, PTRACE_PEEKDATA, PTRACE_PEEKUSER, PTRACE_POKETEXT,
        PTRACE_POKEDATA, PTRACE_POKEUSER, PTRACE_CONT, PTRACE_KILL, PTRACE_SINGLESTEP,
        PTRACE_ATTACH, PTRACE_DETACH, PTRACE_SYSCALL, PTRACE_SETOPTIONS, PTRACE_GETEVENTMSG,
        PTRACE_GETSIGINFO, PTRACE_SETSIGINFO, PTRACE_GETREGSET, PTRACE_SETREGSET,
        PTRACE_SEIZE, PTRACE_INTERRUPT, PTRACE_LISTEN, PTRACE_PEEKSIGINFO,
        PTRACE_GETSIGMASK, PTRACE_SETSIGMASK, PTRACE_SECCOMP_GET_FILTER = 0x420c,
        PTRACE_SECCOMP_GET_METADATA = 0x420d, PTRACE_GET_SYSCALL_INFO,
        PTRACE_GET_RSEQ_CONFIGURATION = 0x420f,
        PTRACE_GETREGS = 12, PTRACE_SETREGS = 13, PTRACE_GETFPREGS = 14,
        PTRACE_SETFPREGS = 15, PTRACE_GETFPXREGS = 18, PTRACE_SETFPXREGS = 19,
        PTRACE_GET_THREAD_AREA = 25, PTRACE_SET_THREAD_AREA = 26, PTRACE_ARCH_PRCTL = 30,
        PTRACE_SYSEMU = 31, PTRACE_SYSEMU_SINGLESTEP = 32, PTRACE_SINGLEBLOCK = 33,
    }
}

strace_flags! {
    /// `ptrace(PTRACE_SETOPTIONS)` and `PTRACE_SEIZE` options (`PTRACE_O_*`).
    ///
    /// ```
    /// use sigsys::flags::PtraceOptions;
    /// assert_eq!(PtraceOptions::PTRACE_O_TRACESYSGOOD.bits(), 1);
    /// ```
    pub struct PtraceOptions: u32;
    zero = None;
    field(0) {}
    flags {
        PTRACE_O_TRACESYSGOOD, PTRACE_O_TRACEFORK, PTRACE_O_TRACEVFORK, PTRACE_O_TRACECLONE,
        PTRACE_O_TRACEEXEC, PTRACE_O_TRACEVFORKDONE, PTRACE_O_TRACEEXIT,
        PTRACE_O_TRACESECCOMP, PTRACE_O_EXITKILL, PTRACE_O_SUSPEND_SECCOMP,
    }
}

strace_enum! {
    /// Seccomp filter actions (`SECCOMP_RET_*`), as `seccomp(SECCOMP_GET_ACTION_AVAIL)`
    /// reads one.
    ///
    /// ```
    /// use sigsys::flags::SeccompRetAction;
    /// assert_eq!(SeccompRetAction::SECCOMP_RET_LOG.0, 0x7ffc_0000);
    /// ```
    pub struct SeccompRetAction(u32);
    prefix = "SECCOMP_RET_", decimal = false;
    {
        SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO,
        SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW,
    }
}
