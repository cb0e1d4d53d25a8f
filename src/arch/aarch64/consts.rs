//! aarch64's kernel ABI numbers that `libc` does not carry, from
//! `arch/arm64/include/uapi/asm/*.h`, `include/uapi/linux/audit.h` and the arm64 entry code.
//!
//! The public ones are re-exported from [`crate::consts`] (and [`crate::install`]).

/// `si_arch` of an aarch64 system call: `EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`.
pub const AUDIT_ARCH_AARCH64: u32 = 0xC000_00B7;

/// `si_arch` of an AArch32 (compat) system call: `EM_ARM | __AUDIT_ARCH_LE`. Only a 32-bit
/// process makes those; an aarch64 build of the crate meets it only in a forged siginfo,
/// which it rejects as foreign.
pub const AUDIT_ARCH_ARM: u32 = 0x4000_0028;

/// Machine code of `svc #0` (`0xd4000001`), little-endian.
pub const INSN_SVC: [u8; 4] = 0xd400_0001u32.to_le_bytes();

/// Length of the system call instruction: `si_call_addr` is this far past the `svc`, and
/// the kernel's restart moves the pc back by as much.
pub(crate) const INSN_LEN: usize = 4;

/// `SA_RESTORER` (`arch/arm64/include/uapi/asm/signal.h`): arm64 honours it.
pub const SA_RESTORER: u64 = 0x0400_0000;

/// Whether the kernel's native `struct sigaction` has `sa_restorer`.
pub(crate) const SIGACTION_HAS_RESTORER: bool = true;

/// `MINSIGSTKSZ` as the kernel checks it in `sigaltstack` (arm64: 5120).
pub(crate) const MINSIGSTKSZ: u64 = 5120;

/// The page size of the kernels the crate is tested on (Debian's arm64 kernels: 4 KiB).
pub(crate) const PAGE_SIZE: u64 = 4096;

/// The end of the user address space with 48-bit virtual addresses (`CONFIG_ARM64_VA_BITS=48`,
/// Debian's kernels).
pub(crate) const TASK_SIZE_64: u64 = 1 << 48;

/// No compat ABI here, so no compat scratch below 4 GiB (`MAP_32BIT` is x86's).
pub(crate) const MAP_32BIT: i32 = 0;
