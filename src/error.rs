//! The typed errors of decoding, restarting and passing a call through.
//!
//! All are small `Copy` enums: a handler can match on them, count them, or format them
//! (`Display`) into a fixed buffer without allocating.

use core::fmt;

/// Length of the system call instruction whose bytes
/// [`RestartError::NotASyscallInstruction`] carries: 2 on x86_64, 4 on aarch64 and riscv64
/// (the architecture's `INSN_LEN`, which `src/arch/mod.rs` checks against this).
pub const INSN_BYTES: usize = if cfg!(target_arch = "x86_64") { 2 } else { 4 };

/// Why a signal was not accepted as a genuine trapped system call.
///
/// Each variant is one distinct way a SIGSYS can be untrustworthy; a handler that gets one
/// should not touch the context (and usually should not emulate anything).
///
/// # Examples
///
/// ```
/// let e = sigsys::DecodeError::SentByProcess { code: -6 };
/// assert_eq!(e.to_string(), "SIGSYS sent by a process (si_code -6), not by a trap");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// The siginfo pointer was null.
    NullSiginfo,
    /// The context (`ucontext_t`) pointer was null.
    NullContext,
    /// The signal is not SIGSYS.
    NotSigsys {
        /// `si_signo` as received.
        signo: i32,
    },
    /// `si_code <= 0`: sent by a process (`kill`, `tgkill`, `sigqueue`), not by a trap.
    SentByProcess {
        /// `si_code` as received (`SI_USER` = 0, `SI_TKILL` = -6, `SI_QUEUE` = -1, ...).
        code: i32,
    },
    /// A positive `si_code` other than `SYS_SECCOMP` or `SYS_USER_DISPATCH`.
    UnknownCode {
        /// `si_code` as received.
        code: i32,
    },
    /// `si_arch` is neither `AUDIT_ARCH_X86_64` nor `AUDIT_ARCH_I386`.
    UnknownArch {
        /// `si_arch` as received.
        arch: u32,
    },
    /// The low 32 bits of RAX are not `si_syscall`, and no kernel restart fix-up explains it.
    NumberMismatch {
        /// `si_syscall` as received.
        si_syscall: i32,
        /// RAX in the saved context.
        rax: u64,
    },
    /// RIP is not `si_call_addr`, and neither the vsyscall page nor a kernel rewind
    /// explains it.
    IpMismatch {
        /// `si_call_addr` as received.
        call_addr: u64,
        /// RIP in the saved context.
        rip: u64,
    },
    /// `si_errno` is not what the kernel puts there: seccomp's `SECCOMP_RET_DATA` is 16 bits
    /// (0..=65535), and Syscall User Dispatch always leaves 0.
    UnexpectedErrno {
        /// `si_code` as received.
        code: i32,
        /// `si_errno` as received.
        errno: i32,
    },
    /// A call "from the vsyscall page" the kernel cannot report: it emulates only
    /// `gettimeofday`, `time` and `getcpu`, each at its own entry address, from 64-bit code,
    /// and only seccomp sees them (Syscall User Dispatch never does).
    BadVsyscall {
        /// `si_call_addr` as received.
        call_addr: u64,
        /// `si_syscall` as received.
        si_syscall: i32,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DecodeError::NullSiginfo => f.write_str("null siginfo pointer"),
            DecodeError::NullContext => f.write_str("null ucontext pointer"),
            DecodeError::NotSigsys { signo } => write!(f, "signal {signo} is not SIGSYS"),
            DecodeError::SentByProcess { code } => {
                write!(
                    f,
                    "SIGSYS sent by a process (si_code {code}), not by a trap"
                )
            }
            DecodeError::UnknownCode { code } => write!(f, "unknown SIGSYS si_code {code}"),
            DecodeError::UnknownArch { arch } => write!(f, "unknown si_arch {arch:#x}"),
            DecodeError::NumberMismatch { si_syscall, rax } => {
                write!(f, "si_syscall {si_syscall} disagrees with RAX {rax:#x}")
            }
            DecodeError::IpMismatch { call_addr, rip } => {
                write!(f, "si_call_addr {call_addr:#x} disagrees with RIP {rip:#x}")
            }
            DecodeError::UnexpectedErrno { code, errno } => {
                write!(f, "si_errno {errno} is impossible with si_code {code}")
            }
            DecodeError::BadVsyscall {
                call_addr,
                si_syscall,
            } => write!(
                f,
                "no vsyscall trap has si_call_addr {call_addr:#x} with si_syscall {si_syscall}"
            ),
        }
    }
}

/// Why a restart ("reload RAX, back RIP up by 2") was refused.
///
/// # Examples
///
/// ```
/// let e = sigsys::RestartError::NotASyscallInstruction { bytes: [0x90, 0x90] };
/// assert!(e.to_string().contains("90 90"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RestartError {
    /// The call came from the vsyscall page: RIP is a return address, there is no
    /// instruction to go back to. Emulate it instead.
    Vsyscall,
    /// RIP is no longer the call address (the kernel already rewound it, or the handler
    /// moved it): rewinding again would land in the middle of other code.
    IpMoved {
        /// RIP in the saved context.
        rip: u64,
        /// `si_call_addr`.
        call_addr: u64,
    },
    /// The bytes before the call address are not the system call instruction of the
    /// call's ABI (x86_64: `syscall` or `int $0x80`, 2 bytes; aarch64: `svc #0`, riscv64:
    /// `ecall`, 4 bytes).
    NotASyscallInstruction {
        /// The bytes found.
        bytes: [u8; INSN_BYTES],
    },
    /// The two bytes before the call address could not be read (for example execute-only
    /// code); the error is what `process_vm_readv` said.
    Unreadable {
        /// The raw errno.
        errno: i32,
    },
}

impl fmt::Display for RestartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RestartError::Vsyscall => f.write_str("vsyscall calls cannot be restarted"),
            RestartError::IpMoved { rip, call_addr } => {
                write!(f, "RIP {rip:#x} is not the call address {call_addr:#x}")
            }
            RestartError::NotASyscallInstruction { bytes } => {
                f.write_str("bytes")?;
                for b in bytes {
                    write!(f, " {b:02x}")?;
                }
                f.write_str(" before the call address are not a system call")
            }
            RestartError::Unreadable { errno } => {
                write!(f, "cannot read the call instruction (errno {errno})")
            }
        }
    }
}

/// Why a call was not passed through the gate from inside the handler.
///
/// # Examples
///
/// ```
/// assert!(sigsys::PassError::Unsafe.to_string().contains("restart or emulate"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PassError {
    /// The call switches stacks or returns twice into shared memory (`clone` with a new
    /// stack or `CLONE_VM`/`CLONE_VFORK`, `clone3`, `vfork`, `rt_sigreturn`, `sigreturn`):
    /// run from the handler it would return into the handler's frame. Restart it (letting it
    /// through the filter) or emulate it instead.
    Unsafe,
    /// `sigaltstack` with a new stack while the handler runs on an alternate stack without
    /// `SS_AUTODISARM`: the kernel would silently drop the change at `rt_sigreturn`. Install
    /// the handler's stack with [`crate::install::set_altstack`] (which sets
    /// `SS_AUTODISARM`), or emulate the call.
    AltStackInUse,
    /// `munmap`, `mremap`, `mprotect`, `madvise` or `mmap(MAP_FIXED)` over the stack the
    /// handler runs on: run from the handler, it would pull that stack away. Emulate it
    /// (success, leaving the mapping, is usually right: Rust's runtime unmaps a thread's
    /// alternate stack at exit, the very stack a handler with `SA_ONSTACK` runs on).
    HandlerStack,
    /// `rt_sigaction` (or i386 `sigaction`) installing a new action for SIGSYS: run for
    /// real, it would replace the handler that is running, and with it the supervision.
    /// Emulate it (record the program's handler and forward SIGSYS it should see), or run
    /// it through [`crate::gate::run`] on purpose.
    SigsysHandler,
    /// `execve` or `execveat`: the new image keeps the seccomp filter but not the handler
    /// (its first trapped call kills it), and Syscall User Dispatch ends at exec. Call
    /// [`crate::Trap::pass_through_exec`] when the new image will handle its own traps (a
    /// preload or loader that installs a handler first, as `sigsys-trace` does) or when the
    /// end of supervision is wanted; otherwise emulate it (`EPERM`, say).
    Exec,
    /// The trap was built from references with [`crate::Trap::new`]: it can be inspected,
    /// emulated and restarted, but making its call for real needs [`crate::Trap::new_live`]
    /// (`unsafe`), or the kernel's own frame through [`crate::Trap::from_raw`].
    NotLive,
    /// A signal mask given by pointer had to be copied without SIGSYS, and no scratch
    /// memory the call's ABI can address was found (an i386 call whose handler and stack
    /// both live above 4 GiB). Emulate the call, or give the handler a stack below 4 GiB.
    NoScratch,
}

impl fmt::Display for PassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PassError::Unsafe => {
                f.write_str("this call cannot run inside a signal handler; restart or emulate it")
            }
            PassError::SigsysHandler => {
                f.write_str("this call would replace the SIGSYS handler that is running")
            }
            PassError::HandlerStack => {
                f.write_str("this call would unmap or change the stack the handler runs on")
            }
            PassError::AltStackInUse => f.write_str(
                "sigaltstack cannot take effect: the handler runs on an alternate stack without SS_AUTODISARM",
            ),
            PassError::Exec => f.write_str(
                "exec would leave the new image without the handler; use pass_through_exec to run it anyway",
            ),
            PassError::NotLive => {
                f.write_str("this trap was built from references and cannot make its call")
            }
            PassError::NoScratch => {
                f.write_str("no memory below 4 GiB to copy the call's signal mask into")
            }
        }
    }
}

#[cfg(feature = "std")]
mod std_impls {
    extern crate std;
    impl std::error::Error for super::DecodeError {}
    impl std::error::Error for super::RestartError {}
    impl std::error::Error for super::PassError {}
}
