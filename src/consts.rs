//! Constants the kernel defines and `libc` does not (yet) carry.
//!
//! Everything here is hand-written from the kernel's UAPI headers, in one place per
//! constant, so that a reader can audit it against `include/uapi/asm-generic/siginfo.h`,
//! `include/uapi/asm-generic/signal-defs.h`, `include/uapi/linux/audit.h`,
//! `include/uapi/linux/prctl.h`, `include/uapi/linux/seccomp.h`,
//! `include/uapi/asm-generic/mman-common.h` and `include/uapi/linux/io_uring.h`. The
//! architecture's own numbers (audit architectures, instruction bytes, the vsyscall page,
//! `SA_RESTORER`) are defined with it (`src/arch/x86_64/consts.rs`) and re-exported here.
//! Constants `libc` does provide (for example [`libc::SECCOMP_RET_TRAP`]) are used from
//! `libc` directly.

pub use crate::arch::public_consts::*;

/// `si_code` of a SIGSYS raised by a seccomp filter returning `SECCOMP_RET_TRAP`.
///
/// Not to be confused with [`libc::SYS_seccomp`], the number of the `seccomp(2)` call.
pub const SYS_SECCOMP: i32 = 1;

/// `si_code` of a SIGSYS raised by Syscall User Dispatch.
pub const SYS_USER_DISPATCH: i32 = 2;

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

/// The low 16 bits of a seccomp filter's return value (`SECCOMP_RET_DATA`), which the kernel
/// hands to the SIGSYS handler in `si_errno`.
pub const SECCOMP_RET_DATA: u32 = 0x0000_ffff;

/// Offset of `nr` in `struct seccomp_data`.
pub const SECCOMP_DATA_NR: u32 = 0;
/// Offset of `arch` in `struct seccomp_data`.
pub const SECCOMP_DATA_ARCH: u32 = 4;
/// Offset of the low half of `instruction_pointer` in `struct seccomp_data` (little-endian).
pub const SECCOMP_DATA_IP_LOW: u32 = 8;
/// Offset of the high half of `instruction_pointer` in `struct seccomp_data` (little-endian).
pub const SECCOMP_DATA_IP_HIGH: u32 = 12;
/// Offset of `args[0]` in `struct seccomp_data` (each argument 8 bytes, low half first).
pub const SECCOMP_DATA_ARGS: u32 = 16;

/// Kernel-internal "restart" error numbers that can leak into RAX when a trapped call's
/// number happens to equal them (`-ERESTARTSYS` and friends, `include/linux/errno.h`).
pub const ERESTARTSYS: i32 = 512;
/// See [`ERESTARTSYS`].
pub const ERESTARTNOINTR: i32 = 513;
/// See [`ERESTARTSYS`].
pub const ERESTARTNOHAND: i32 = 514;
/// See [`ERESTARTSYS`].
pub const ERESTART_RESTARTBLOCK: i32 = 516;

/// `SS_AUTODISARM` (`ss_flags` of `sigaltstack`), which libc does not export.
pub const SS_AUTODISARM: i32 = 1 << 31;

/// `MADV_DONTNEED_LOCKED`, newer than libc's list.
pub const MADV_DONTNEED_LOCKED: i32 = 24;
/// `MADV_GUARD_INSTALL`, newer than libc's list.
pub const MADV_GUARD_INSTALL: i32 = 102;

/// `IORING_ENTER_EXT_ARG`: `io_uring_enter`'s argument is an `io_uring_getevents_arg`.
pub const IORING_ENTER_EXT_ARG: u32 = 1 << 3;
/// `IORING_ENTER_EXT_ARG_REG`: the extended argument names a registered region instead of
/// a pointer.
pub const IORING_ENTER_EXT_ARG_REG: u32 = 1 << 6;
