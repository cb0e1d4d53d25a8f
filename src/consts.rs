//! Constants the kernel defines and `libc` does not (yet) carry.
//!
//! Everything here is hand-written from the kernel's UAPI headers, in one place, so that a
//! reader can audit it against `include/uapi/asm-generic/siginfo.h`,
//! `include/uapi/linux/audit.h`, `include/uapi/linux/prctl.h` and
//! `arch/x86/include/uapi/asm/unistd.h`. Constants `libc` does provide (for example
//! [`libc::SECCOMP_RET_TRAP`]) are used from `libc` directly.

/// `si_code` of a SIGSYS raised by a seccomp filter returning `SECCOMP_RET_TRAP`.
///
/// Not to be confused with [`libc::SYS_seccomp`], the number of the `seccomp(2)` call.
pub const SYS_SECCOMP: i32 = 1;

/// `si_code` of a SIGSYS raised by Syscall User Dispatch.
pub const SYS_USER_DISPATCH: i32 = 2;

/// `si_arch` of a 64-bit (x86_64 or x32) system call: `EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`.
pub const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;

/// `si_arch` of a 32-bit system call (`int $0x80` from any code): `EM_386 | __AUDIT_ARCH_LE`.
pub const AUDIT_ARCH_I386: u32 = 0x4000_0003;

/// The bit that marks an x32 system call number (`__X32_SYSCALL_BIT`).
pub const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// `prctl` option that arms or disarms Syscall User Dispatch for the calling thread.
pub const PR_SET_SYSCALL_USER_DISPATCH: i32 = 59;

/// `PR_SET_SYSCALL_USER_DISPATCH` argument: disarm.
pub const PR_SYS_DISPATCH_OFF: u64 = 0;

/// `PR_SET_SYSCALL_USER_DISPATCH` argument: arm, with one region of code exempt.
pub const PR_SYS_DISPATCH_ON: u64 = 1;

/// Selector value: system calls go through to the kernel.
pub const SYSCALL_DISPATCH_FILTER_ALLOW: u8 = 0;

/// Selector value: system calls outside the allowed region raise SIGSYS.
pub const SYSCALL_DISPATCH_FILTER_BLOCK: u8 = 1;

/// Start of the legacy vsyscall page (`VSYSCALL_ADDR`).
pub const VSYSCALL_START: u64 = 0xffff_ffff_ff60_0000;

/// One past the end of the vsyscall page.
pub const VSYSCALL_END: u64 = VSYSCALL_START + 0x1000;

/// The low 16 bits of a seccomp filter's return value (`SECCOMP_RET_DATA`), which the kernel
/// hands to the SIGSYS handler in `si_errno`.
pub const SECCOMP_RET_DATA: u32 = 0x0000_ffff;

/// Kernel-internal "restart" error numbers that can leak into RAX when a trapped call's
/// number happens to equal them (`-ERESTARTSYS` and friends, `include/linux/errno.h`).
pub const ERESTARTSYS: i32 = 512;
/// See [`ERESTARTSYS`].
pub const ERESTARTNOINTR: i32 = 513;
/// See [`ERESTARTSYS`].
pub const ERESTARTNOHAND: i32 = 514;
/// See [`ERESTARTSYS`].
pub const ERESTART_RESTARTBLOCK: i32 = 516;

/// Machine code of the 64-bit `syscall` instruction.
pub const INSN_SYSCALL: [u8; 2] = [0x0f, 0x05];
/// Machine code of `int $0x80`.
pub const INSN_INT80: [u8; 2] = [0xcd, 0x80];
/// Machine code of `sysenter`.
pub const INSN_SYSENTER: [u8; 2] = [0x0f, 0x34];
