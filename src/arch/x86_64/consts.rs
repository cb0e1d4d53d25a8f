//! x86_64's kernel ABI numbers that `libc` does not carry, from
//! `arch/x86/include/uapi/asm/*.h`, `include/uapi/linux/audit.h` and the x86 entry code.
//!
//! The public ones are re-exported from [`crate::consts`] (and [`crate::install`]), where
//! they have always been.

/// `si_arch` of a 64-bit (x86_64 or x32) system call: `EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`.
pub const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;

/// `si_arch` of a 32-bit system call (`int $0x80` from any code): `EM_386 | __AUDIT_ARCH_LE`.
pub const AUDIT_ARCH_I386: u32 = 0x4000_0003;

/// The bit that marks an x32 system call number (`__X32_SYSCALL_BIT`).
pub const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// Start of the legacy vsyscall page (`VSYSCALL_ADDR`).
pub const VSYSCALL_START: u64 = 0xffff_ffff_ff60_0000;

/// One past the end of the vsyscall page.
pub const VSYSCALL_END: u64 = VSYSCALL_START + 0x1000;

/// The vsyscall entries the kernel emulates (`addr_to_vsyscall_nr`), with the number it
/// reports for each: gettimeofday, time, getcpu.
pub(crate) const VSYSCALL_ENTRIES: [(u64, i32); 3] = [
    (VSYSCALL_START, 96),
    (VSYSCALL_START + 0x400, 201),
    (VSYSCALL_START + 0x800, 309),
];

/// Machine code of the 64-bit `syscall` instruction.
pub const INSN_SYSCALL: [u8; 2] = [0x0f, 0x05];
/// Machine code of `int $0x80`.
pub const INSN_INT80: [u8; 2] = [0xcd, 0x80];
/// Machine code of `sysenter`.
pub const INSN_SYSENTER: [u8; 2] = [0x0f, 0x34];

/// Length of every system call instruction (`syscall`, `int $0x80`): `si_call_addr` is this
/// far past the instruction, and the kernel's restart rewinds RIP by as much.
pub(crate) const INSN_LEN: usize = 2;

/// `SA_RESTORER`, which libc does not export on every target.
pub const SA_RESTORER: u64 = 0x0400_0000;

/// `MINSIGSTKSZ` as the kernel checks it in `sigaltstack` (x86_64 and compat alike).
pub(crate) const MINSIGSTKSZ: u64 = 2048;

/// `MAP_32BIT`: the compat callers' scratch memory is mapped below 4 GiB.
pub(crate) const MAP_32BIT: i32 = libc::MAP_32BIT;

/// The offsets of `st_mode`, `st_rdev` and `st_size` in the kernel's `struct stat`
/// (`arch/x86/include/uapi/asm/stat.h`: `st_nlink` is 64 bits and comes before `st_mode`).
pub(crate) const STAT_OFFSETS: (usize, usize, usize) = (24, 40, 48);

/// The size of `struct epoll_event` and the offset of its `data`: packed on x86_64
/// (`EPOLL_PACKED` in `include/uapi/linux/eventpoll.h`), 12 bytes with `data` at 4.
pub(crate) const EPOLL_EVENT: (u64, u64) = (12, 4);

/// Whether the kernel's native `struct sigaction` has `sa_restorer`.
pub(crate) const SIGACTION_HAS_RESTORER: bool = true;

/// The page size.
pub(crate) const PAGE_SIZE: u64 = 4096;

/// The end of the user address space with 4-level paging (`TASK_SIZE_MAX`).
pub(crate) const TASK_SIZE_64: u64 = (1 << 47) - PAGE_SIZE;

/// The end of the user address space of a 32-bit (i386 or x32) caller: 4 GiB.
pub(crate) const TASK_SIZE_32: u64 = 1 << 32;
