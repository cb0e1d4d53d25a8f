//! The values test: every name of every flag and enum table against `libc`, or, where
//! `libc` lacks it, against the value its kernel header defines (cited per group below;
//! paths are the kernel source tree's, `include/uapi/...` installed as
//! `/usr/include/...`).

use std::collections::HashMap;
use std::vec::Vec;

use super::*;

/// What the macros record about each table, for this test only.
pub(crate) trait Sources {
    /// `(name, value in the table, Some(the libc constant) or None if hand-written)`.
    const SOURCES: &'static [(&'static str, u64, Option<i128>)];
    /// The width of the type.
    const BITS: u32;
}

/// The hand-written values, as the kernel headers define them.
const KERNEL_HEADERS: &[(&str, u64)] = &[
    // include/uapi/linux/msg.h, sem.h, shm.h (libc lacks the *_STAT_ANY and two SHM_*)
    ("MSG_STAT_ANY", 13),
    ("SEM_STAT_ANY", 20),
    ("SHM_STAT", 13),
    ("SHM_INFO", 14),
    ("SHM_STAT_ANY", 15),
    // include/uapi/linux/prctl.h
    ("PR_SYS_DISPATCH_OFF", 0),
    ("PR_SYS_DISPATCH_ON", 1),
    ("PR_SET_VMA_ANON_NAME", 0),
    // include/uapi/linux/ptrace.h (libc lacks these)
    ("PTRACE_SECCOMP_GET_FILTER", 0x420c),
    ("PTRACE_SECCOMP_GET_METADATA", 0x420d),
    ("PTRACE_GET_RSEQ_CONFIGURATION", 0x420f),
    // arch/x86/include/uapi/asm/ptrace-abi.h
    ("PTRACE_GETREGS", 12),
    ("PTRACE_SETREGS", 13),
    ("PTRACE_GETFPREGS", 14),
    ("PTRACE_SETFPREGS", 15),
    ("PTRACE_GETFPXREGS", 18),
    ("PTRACE_SETFPXREGS", 19),
    ("PTRACE_SYSEMU", 31),
    ("PTRACE_SYSEMU_SINGLESTEP", 32),
    ("PTRACE_GET_THREAD_AREA", 25),
    ("PTRACE_SET_THREAD_AREA", 26),
    ("PTRACE_ARCH_PRCTL", 30),
    ("PTRACE_SINGLEBLOCK", 33),
    // include/linux/socket.h (libc lacks these levels)
    ("SOL_SCTP", 0x84),
    ("SOL_UDPLITE", 136),
    ("SOL_IPX", 256),
    ("SOL_AX25", 257),
    ("SOL_ATALK", 258),
    ("SOL_NETROM", 259),
    ("SOL_ROSE", 260),
    ("SOL_KCM", 281),
    // include/uapi/linux/mempolicy.h (libc lacks these)
    ("MPOL_PREFERRED_MANY", 5),
    ("MPOL_MF_STRICT", 1),
    ("MPOL_MF_MOVE", 2),
    ("MPOL_MF_MOVE_ALL", 4),
    ("MPOL_F_NODE", 1),
    ("MPOL_F_ADDR", 2),
    ("MPOL_F_MEMS_ALLOWED", 4),
    // include/uapi/linux/pidfd.h: PIDFD_NONBLOCK is O_NONBLOCK
    ("PIDFD_NONBLOCK", 0o4000),
    // arch/x86/include/uapi/asm/mman.h (libc has it on x86_64 only)
    ("MAP_32BIT", 0x40),
    // include/uapi/linux/mman.h: MAP_FILE 0 (a type of none)
    ("MAP_FILE", 0),
    // include/uapi/linux/close_range.h: (1U << 1), (1U << 2)
    ("CLOSE_RANGE_UNSHARE", 2),
    ("CLOSE_RANGE_CLOEXEC", 4),
    // include/linux/splice.h (glibc's fcntl.h has the same)
    ("SPLICE_F_MOVE", 1),
    ("SPLICE_F_NONBLOCK", 2),
    ("SPLICE_F_MORE", 4),
    ("SPLICE_F_GIFT", 8),
    // include/uapi/asm-generic/mman-common.h
    ("MLOCK_ONFAULT", 1),
    // include/uapi/linux/xattr.h
    ("XATTR_CREATE", 1),
    ("XATTR_REPLACE", 2),
    // include/uapi/linux/prctl.h (libc has these on x86_64 only)
    ("PR_GET_SPECULATION_CTRL", 52),
    ("PR_SET_SPECULATION_CTRL", 53),
    // arch/x86/include/uapi/asm/prctl.h
    ("ARCH_GET_CPUID", 0x1011),
    ("ARCH_GET_FS", 0x1003),
    ("ARCH_GET_GS", 0x1004),
    ("ARCH_GET_XCOMP_GUEST_PERM", 0x1024),
    ("ARCH_GET_XCOMP_PERM", 0x1022),
    ("ARCH_GET_XCOMP_SUPP", 0x1021),
    ("ARCH_MAP_VDSO_32", 0x2002),
    ("ARCH_MAP_VDSO_64", 0x2003),
    ("ARCH_MAP_VDSO_X32", 0x2001),
    ("ARCH_REQ_XCOMP_GUEST_PERM", 0x1025),
    ("ARCH_REQ_XCOMP_PERM", 0x1023),
    ("ARCH_SET_CPUID", 0x1012),
    ("ARCH_SET_FS", 0x1002),
    ("ARCH_SET_GS", 0x1001),
    ("ARCH_SHSTK_DISABLE", 0x5002),
    ("ARCH_SHSTK_ENABLE", 0x5001),
    ("ARCH_SHSTK_LOCK", 0x5003),
    ("ARCH_SHSTK_STATUS", 0x5005),
    ("ARCH_SHSTK_UNLOCK", 0x5004),
    // arch/x86/include/uapi/asm/signal.h
    ("SA_RESTORER", 0x4000000),
    // include/linux/net.h
    ("SOCK_PACKET", 0xa),
    // include/linux/socket.h
    ("AF_KCM", 0x29),
    ("AF_MCTP", 0x2d),
    ("AF_QIPCRTR", 0x2a),
    ("AF_SMC", 0x2b),
    ("MSG_BATCH", 0x40000),
    ("MSG_PROXY", 0x10),
    ("MSG_SOCK_DEVMEM", 0x2000000),
    // include/linux/statfs.h
    ("ST_NOSYMFOLLOW", 0x2000),
    ("ST_VALID", 0x20),
    // include/uapi/asm-generic/fcntl.h
    ("F_GETOWNER_UIDS", 0x11),
    ("F_GETOWN_EX", 0x10),
    ("F_GETSIG", 0xb),
    ("F_SETOWN_EX", 0xf),
    ("F_SETSIG", 0xa),
    ("LOCK_MAND", 0x20),
    ("O_LARGEFILE", 0x8000),
    // include/uapi/asm-generic/mman-common.h
    ("MADV_GUARD_INSTALL", 0x66),
    ("MADV_GUARD_REMOVE", 0x67),
    ("MAP_UNINITIALIZED", 0x4000000),
    ("PROT_SEM", 0x8),
    // include/uapi/asm-generic/poll.h
    ("POLLMSG", 0x400),
    ("POLLREMOVE", 0x1000),
    // include/uapi/asm-generic/signal-defs.h
    ("SA_EXPOSE_TAGBITS", 0x800),
    ("SA_UNSUPPORTED", 0x400),
    // include/uapi/asm-generic/socket.h
    // include/uapi/linux/eventpoll.h
    ("EPOLLNVAL", 0x20),
    // include/uapi/linux/fcntl.h
    ("F_DUPFD_QUERY", 0x403),
    ("F_GET_FILE_RW_HINT", 0x40d),
    ("F_GET_RW_HINT", 0x40b),
    ("F_SET_FILE_RW_HINT", 0x40e),
    ("F_SET_RW_HINT", 0x40c),
    // include/uapi/linux/in.h
    ("IPPROTO_L2TP", 0x73),
    // include/uapi/linux/prctl.h
    ("PR_GET_AUXV", 0x41555856),
    ("PR_GET_IO_FLUSHER", 0x3a),
    ("PR_GET_SHADOW_STACK_STATUS", 0x4a),
    ("PR_GET_TAGGED_ADDR_CTRL", 0x38),
    ("PR_LOCK_SHADOW_STACK_STATUS", 0x4c),
    ("PR_PAC_GET_ENABLED_KEYS", 0x3d),
    ("PR_PAC_RESET_KEYS", 0x36),
    ("PR_PAC_SET_ENABLED_KEYS", 0x3c),
    ("PR_PPC_GET_DEXCR", 0x48),
    ("PR_PPC_SET_DEXCR", 0x49),
    ("PR_RISCV_SET_ICACHE_FLUSH_CTX", 0x47),
    ("PR_RISCV_V_GET_CONTROL", 0x46),
    ("PR_RISCV_V_SET_CONTROL", 0x45),
    ("PR_SET_IO_FLUSHER", 0x39),
    ("PR_SET_SHADOW_STACK_STATUS", 0x4b),
    ("PR_SET_SYSCALL_USER_DISPATCH", 0x3b),
    ("PR_SET_TAGGED_ADDR_CTRL", 0x37),
    ("PR_SME_GET_VL", 0x40),
    ("PR_SME_SET_VL", 0x3f),
    ("PR_SVE_GET_VL", 0x33),
    ("PR_SVE_SET_VL", 0x32),
    // include/uapi/linux/sched.h
    ("CLONE_CLEAR_SIGHAND", 0x100000000),
    ("CLONE_INTO_CGROUP", 0x200000000),
    // include/uapi/linux/signal.h
    ("SS_AUTODISARM", 0x80000000),
];

fn check<T: Sources>(
    ty: &str,
    headers: &HashMap<&str, u64>,
    used: &mut Vec<&'static str>,
    failures: &mut Vec<std::string::String>,
) {
    let mask = if T::BITS >= 64 {
        u64::MAX
    } else {
        (1u64 << T::BITS) - 1
    };
    for &(name, value, libc) in T::SOURCES {
        match libc {
            Some(c) => {
                // Taken at 32 bits: libc's value must be a 32-bit quantity (an `int` or
                // an `unsigned int`), nothing cut off.
                if !(-(1i128 << 31)..(1i128 << 32)).contains(&c) {
                    failures.push(std::format!(
                        "{ty}::{name}: libc value {c:#x} is wider than 32 bits"
                    ));
                }
                if value != (c as u64 & 0xffff_ffff) & mask {
                    failures.push(std::format!("{ty}::{name} = {value:#x}, libc says {c:#x}"));
                }
            }
            None => match headers.get(name) {
                Some(&h) if h == value => used.push(name),
                Some(&h) => failures.push(std::format!(
                    "{ty}::{name} = {value:#x}, the header says {h:#x}"
                )),
                None => failures.push(std::format!(
                    "{ty}::{name} is hand-written but not in KERNEL_HEADERS"
                )),
            },
        }
    }
}

#[test]
// Long on purpose: one check per flag type.
fn values_match_libc_and_kernel_headers() {
    let headers: HashMap<&str, u64> = KERNEL_HEADERS.iter().copied().collect();
    assert_eq!(
        headers.len(),
        KERNEL_HEADERS.len(),
        "a name twice in KERNEL_HEADERS"
    );
    let mut used = Vec::new();
    let mut failures = Vec::new();
    check::<PollEvents>("PollEvents", &headers, &mut used, &mut failures);
    check::<EpollEvents>("EpollEvents", &headers, &mut used, &mut failures);
    check::<EpollFlags>("EpollFlags", &headers, &mut used, &mut failures);
    check::<EpollOp>("EpollOp", &headers, &mut used, &mut failures);
    check::<EventfdFlags>("EventfdFlags", &headers, &mut used, &mut failures);
    check::<OFlags>("OFlags", &headers, &mut used, &mut failures);
    check::<IpcFlags>("IpcFlags", &headers, &mut used, &mut failures);
    check::<PidfdFlags>("PidfdFlags", &headers, &mut used, &mut failures);
    check::<SeccompRetAction>("SeccompRetAction", &headers, &mut used, &mut failures);
    check::<MpolMode>("MpolMode", &headers, &mut used, &mut failures);
    check::<MbindFlags>("MbindFlags", &headers, &mut used, &mut failures);
    check::<GetMempolicyFlags>("GetMempolicyFlags", &headers, &mut used, &mut failures);
    check::<PtraceRequest>("PtraceRequest", &headers, &mut used, &mut failures);
    check::<PtraceOptions>("PtraceOptions", &headers, &mut used, &mut failures);
    check::<PrCapAmbient>("PrCapAmbient", &headers, &mut used, &mut failures);
    check::<PrMceKill>("PrMceKill", &headers, &mut used, &mut failures);
    check::<PrMceKillPolicy>("PrMceKillPolicy", &headers, &mut used, &mut failures);
    check::<PrSetMm>("PrSetMm", &headers, &mut used, &mut failures);
    check::<PrTsc>("PrTsc", &headers, &mut used, &mut failures);
    check::<SeccompMode>("SeccompMode", &headers, &mut used, &mut failures);
    check::<PrSudCmd>("PrSudCmd", &headers, &mut used, &mut failures);
    check::<PrSetVma>("PrSetVma", &headers, &mut used, &mut failures);
    check::<PrUnalign>("PrUnalign", &headers, &mut used, &mut failures);
    check::<ShmgetFlags>("ShmgetFlags", &headers, &mut used, &mut failures);
    check::<ShmatFlags>("ShmatFlags", &headers, &mut used, &mut failures);
    check::<IpcMsgFlags>("IpcMsgFlags", &headers, &mut used, &mut failures);
    check::<MsgctlCmd>("MsgctlCmd", &headers, &mut used, &mut failures);
    check::<SemctlCmd>("SemctlCmd", &headers, &mut used, &mut failures);
    check::<ShmctlCmd>("ShmctlCmd", &headers, &mut used, &mut failures);
    check::<AtFlags>("AtFlags", &headers, &mut used, &mut failures);
    check::<AccessAtFlags>("AccessAtFlags", &headers, &mut used, &mut failures);
    check::<AccessMode>("AccessMode", &headers, &mut used, &mut failures);
    check::<FileType>("FileType", &headers, &mut used, &mut failures);
    check::<FdFlags>("FdFlags", &headers, &mut used, &mut failures);
    check::<FdCreateFlags>("FdCreateFlags", &headers, &mut used, &mut failures);
    check::<CloseRangeFlags>("CloseRangeFlags", &headers, &mut used, &mut failures);
    check::<SpliceFlags>("SpliceFlags", &headers, &mut used, &mut failures);
    check::<MlockFlags>("MlockFlags", &headers, &mut used, &mut failures);
    check::<XattrFlags>("XattrFlags", &headers, &mut used, &mut failures);
    check::<RenameFlags>("RenameFlags", &headers, &mut used, &mut failures);
    check::<FlockOp>("FlockOp", &headers, &mut used, &mut failures);
    check::<SyncFileRangeFlags>("SyncFileRangeFlags", &headers, &mut used, &mut failures);
    check::<InotifyFlags>("InotifyFlags", &headers, &mut used, &mut failures);
    check::<InotifyMask>("InotifyMask", &headers, &mut used, &mut failures);
    check::<GrndFlags>("GrndFlags", &headers, &mut used, &mut failures);
    check::<FcntlCmd>("FcntlCmd", &headers, &mut used, &mut failures);
    check::<Whence>("Whence", &headers, &mut used, &mut failures);
    check::<Fadvice>("Fadvice", &headers, &mut used, &mut failures);
    check::<ProtFlags>("ProtFlags", &headers, &mut used, &mut failures);
    check::<MapFlags>("MapFlags", &headers, &mut used, &mut failures);
    check::<MremapFlags>("MremapFlags", &headers, &mut used, &mut failures);
    check::<MsyncFlags>("MsyncFlags", &headers, &mut used, &mut failures);
    check::<MlockallFlags>("MlockallFlags", &headers, &mut used, &mut failures);
    check::<MfdFlags>("MfdFlags", &headers, &mut used, &mut failures);
    check::<Madvice>("Madvice", &headers, &mut used, &mut failures);
    check::<MountFlags>("MountFlags", &headers, &mut used, &mut failures);
    check::<UmountFlags>("UmountFlags", &headers, &mut used, &mut failures);
    check::<SockType>("SockType", &headers, &mut used, &mut failures);
    check::<SockFlags>("SockFlags", &headers, &mut used, &mut failures);
    check::<MsgFlags>("MsgFlags", &headers, &mut used, &mut failures);
    check::<AddressFamily>("AddressFamily", &headers, &mut used, &mut failures);
    check::<ShutdownHow>("ShutdownHow", &headers, &mut used, &mut failures);
    check::<IpProto>("IpProto", &headers, &mut used, &mut failures);
    check::<SockLevel>("SockLevel", &headers, &mut used, &mut failures);
    check::<CloneFlags>("CloneFlags", &headers, &mut used, &mut failures);
    check::<UnshareFlags>("UnshareFlags", &headers, &mut used, &mut failures);
    check::<WaitFlags>("WaitFlags", &headers, &mut used, &mut failures);
    check::<PrctlOption>("PrctlOption", &headers, &mut used, &mut failures);
    check::<ArchPrctlCode>("ArchPrctlCode", &headers, &mut used, &mut failures);
    check::<Rlimit>("Rlimit", &headers, &mut used, &mut failures);
    check::<RusageWho>("RusageWho", &headers, &mut used, &mut failures);
    check::<PrioWhich>("PrioWhich", &headers, &mut used, &mut failures);
    check::<IdType>("IdType", &headers, &mut used, &mut failures);
    check::<StatfsFlags>("StatfsFlags", &headers, &mut used, &mut failures);
    check::<FutexCmd>("FutexCmd", &headers, &mut used, &mut failures);
    check::<SaFlags>("SaFlags", &headers, &mut used, &mut failures);
    check::<SsFlags>("SsFlags", &headers, &mut used, &mut failures);
    check::<SigHow>("SigHow", &headers, &mut used, &mut failures);
    check::<SignalfdFlags>("SignalfdFlags", &headers, &mut used, &mut failures);
    check::<ClockId>("ClockId", &headers, &mut used, &mut failures);
    check::<ItimerWhich>("ItimerWhich", &headers, &mut used, &mut failures);
    check::<TimerFlags>("TimerFlags", &headers, &mut used, &mut failures);
    check::<TimerfdFlags>("TimerfdFlags", &headers, &mut used, &mut failures);
    for (name, _) in KERNEL_HEADERS {
        if !used.contains(name) {
            failures.push(std::format!(
                "KERNEL_HEADERS lists {name}, which no table hand-writes"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn signal_names_match_libc() {
    let signals = [
        ("SIGHUP", libc::SIGHUP),
        ("SIGINT", libc::SIGINT),
        ("SIGQUIT", libc::SIGQUIT),
        ("SIGILL", libc::SIGILL),
        ("SIGTRAP", libc::SIGTRAP),
        ("SIGABRT", libc::SIGABRT),
        ("SIGBUS", libc::SIGBUS),
        ("SIGFPE", libc::SIGFPE),
        ("SIGKILL", libc::SIGKILL),
        ("SIGUSR1", libc::SIGUSR1),
        ("SIGSEGV", libc::SIGSEGV),
        ("SIGUSR2", libc::SIGUSR2),
        ("SIGPIPE", libc::SIGPIPE),
        ("SIGALRM", libc::SIGALRM),
        ("SIGTERM", libc::SIGTERM),
        ("SIGSTKFLT", libc::SIGSTKFLT),
        ("SIGCHLD", libc::SIGCHLD),
        ("SIGCONT", libc::SIGCONT),
        ("SIGSTOP", libc::SIGSTOP),
        ("SIGTSTP", libc::SIGTSTP),
        ("SIGTTIN", libc::SIGTTIN),
        ("SIGTTOU", libc::SIGTTOU),
        ("SIGURG", libc::SIGURG),
        ("SIGXCPU", libc::SIGXCPU),
        ("SIGXFSZ", libc::SIGXFSZ),
        ("SIGVTALRM", libc::SIGVTALRM),
        ("SIGPROF", libc::SIGPROF),
        ("SIGWINCH", libc::SIGWINCH),
        ("SIGIO", libc::SIGIO),
        ("SIGPWR", libc::SIGPWR),
        ("SIGSYS", libc::SIGSYS),
    ];
    for (name, n) in signals {
        assert_eq!(Signal(n).name(), Some(name));
    }
    assert_eq!(FutexOp::PRIVATE_FLAG, libc::FUTEX_PRIVATE_FLAG as u32);
    assert_eq!(FutexOp::CLOCK_REALTIME, libc::FUTEX_CLOCK_REALTIME as u32);
}
