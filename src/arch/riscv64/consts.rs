//! riscv64's kernel ABI numbers that `libc` does not carry, from
//! `arch/riscv/include/uapi/asm/*.h` and `include/uapi/linux/audit.h`.

/// `si_arch` of a riscv64 system call: `EM_RISCV | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`.
pub const AUDIT_ARCH_RISCV64: u32 = 0xC000_00F3;

/// Machine code of `ecall` (`0x00000073`), little-endian; always 4 bytes (there is no
/// compressed form), though the pc may be 2-byte aligned.
pub const INSN_ECALL: [u8; 4] = 0x0000_0073u32.to_le_bytes();

/// Length of the system call instruction.
pub(crate) const INSN_LEN: usize = 4;

/// riscv64 has no `SA_RESTORER` (and no `sa_restorer` field): the kernel ignores the flag
/// and always returns through the vDSO's `rt_sigreturn`. 0 here, so flags built with it
/// are what the kernel knows.
pub const SA_RESTORER: u64 = 0;

/// Whether the kernel's native `struct sigaction` has `sa_restorer`: not on riscv64.
pub(crate) const SIGACTION_HAS_RESTORER: bool = false;

/// `MINSIGSTKSZ` (asm-generic: 2048).
pub(crate) const MINSIGSTKSZ: u64 = 2048;

/// The page size.
pub(crate) const PAGE_SIZE: u64 = 4096;

/// The end of the user address space with Sv57, the largest mode (Sv39 and Sv48 end lower).
pub(crate) const TASK_SIZE_64: u64 = 1 << 56;

/// No compat ABI here, so no compat scratch below 4 GiB (`MAP_32BIT` is x86's).
pub(crate) const MAP_32BIT: i32 = 0;
