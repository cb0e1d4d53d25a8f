//! ARM's (AArch32, EABI) kernel ABI numbers that `libc` does not carry, from
//! `arch/arm/include/uapi/asm/*.h`, `include/uapi/linux/audit.h` and the compat entry code
//! of arm64 (`arch/arm64/kernel/signal32.c`, `syscall.c`), which is the kernel these
//! programs run under in the crate's tests.
//!
//! The public ones are re-exported from [`crate::consts`] (and [`crate::install`]).

/// `si_arch` of an ARM (EABI) system call: `EM_ARM | __AUDIT_ARCH_LE`, as both a 32-bit
/// ARM kernel and an arm64 kernel's compat layer report it.
pub const AUDIT_ARCH_ARM: u32 = 0x4000_0028;

/// Machine code of `svc #0` in ARM state (`0xef000000`), little-endian: 4 bytes.
pub const INSN_SVC: [u8; 4] = 0xef00_0000u32.to_le_bytes();

/// Machine code of `svc #0` in Thumb state (`0xdf00`), little-endian: 2 bytes.
pub const INSN_SVC_THUMB: [u8; 2] = 0xdf00u16.to_le_bytes();

/// The longest system call instruction (ARM state's `svc`): the size of the buffer a
/// restart reads the instruction into. Thumb's is 2 bytes: [`super::site::insn_len`] says
/// which one trapped, from the saved CPSR.
pub(crate) const INSN_LEN: usize = 4;

/// CPSR's T bit (bit 5): the interrupted code ran in Thumb state.
pub(crate) const CPSR_T: u32 = 1 << 5;

/// CPSR's IT-state bits (`IT[1:0]` at 25-26, `IT[7:2]` at 10-15), cleared with T when the
/// pc is moved into the gate's ARM code (as the kernel does when it enters a handler).
pub(crate) const CPSR_IT: u32 = (0b11 << 25) | (0b11_1111 << 10);

/// `SA_RESTORER` (`arch/arm/include/uapi/asm/signal.h`): ARM honours it (the compat
/// layer of arm64 too, `compat_setup_return`).
pub const SA_RESTORER: u64 = 0x0400_0000;

/// Whether the kernel's native `struct sigaction` has `sa_restorer`.
pub(crate) const SIGACTION_HAS_RESTORER: bool = true;

/// `MINSIGSTKSZ` as the kernel checks it in `sigaltstack` (ARM, and arm64's
/// `COMPAT_MINSIGSTKSZ`: 2048).
pub(crate) const MINSIGSTKSZ: u64 = 2048;

/// The page size of the kernels the crate is tested on (Debian's arm64 kernels: 4 KiB).
pub(crate) const PAGE_SIZE: u64 = 4096;

/// The end of a 32-bit task's address space under an arm64 kernel with 4 KiB pages
/// (`TASK_SIZE_32`: 4 GiB less the page of the vectors).
pub(crate) const TASK_SIZE_32: u64 = (1 << 32) - PAGE_SIZE;

/// Every address is below 4 GiB: no `MAP_32BIT` needed (it is x86's).
pub(crate) const MAP_32BIT: i32 = 0;

/// The offsets of `st_mode`, `st_rdev` and `st_size` in ARM's `struct stat`
/// (`arch/arm/include/uapi/asm/stat.h`: 32-bit `st_dev`, `st_ino`, 16-bit `st_mode`...).
/// The typed layer reads `struct stat64` for the calls ARM has (`stat64`, `fstatat64`).
pub(crate) const STAT_OFFSETS: (usize, usize, usize) = (8, 16, 20);

/// The size of `struct epoll_event` and the offset of its `data`: not packed on ARM, and
/// EABI aligns the 64-bit `data` to 8: 16 bytes with `data` at 8.
pub(crate) const EPOLL_EVENT: (u64, u64) = (16, 8);
