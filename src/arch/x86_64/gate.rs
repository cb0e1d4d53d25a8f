//! The x86_64 gate: the global asm of its exits and the functions that enter them.
//!
//! One page-aligned block, smaller than a page, holds the exits: a `syscall` gadget (x86_64
//! and x32 calls), an `int $0x80` gadget (i386 calls) and the `rt_sigreturn` restorer.
//! The restorer is byte-for-byte the one unwinders recognise (`mov $15, %rax; syscall`), so
//! debuggers can still walk back through a SIGSYS frame. What the gate is for, and what it
//! does not protect against, is [`crate::gate`].

use super::abi::Abi;
use crate::arch::gate_labels::symbol;

// Page-aligned and well under 4 KiB, so the block never straddles a 4 GiB boundary: the BPF
// prefix can then compare the upper half of the instruction pointer with one value.
//
// Symbols carry the crate's major version (`v0_1`), so that two semver-incompatible copies
// of sigsys can link into one program; `.hidden` keeps them out of the dynamic symbol
// table. The gadgets have call-frame information, so a profiler or debugger that stops in
// one (a blocking call passed through) can unwind past it.
core::arch::global_asm!(
    ".pushsection .text.sigsys_gate,\"ax\",@progbits",
    ".p2align 12",
    symbol!("sigsys_v0_1_gate_start"),
    // i64 sigsys_v0_1_gate_syscall(u64 rax /* rdi */, const u64 args[6] /* rsi */)
    symbol!("sigsys_v0_1_gate_syscall"),
    ".type sigsys_v0_1_gate_syscall, @function",
    ".cfi_startproc",
    "mov rax, rdi",
    "mov rdi, [rsi]",
    "mov rdx, [rsi + 16]",
    "mov r10, [rsi + 24]",
    "mov r8, [rsi + 32]",
    "mov r9, [rsi + 40]",
    "mov rsi, [rsi + 8]",
    "syscall",
    "ret",
    ".cfi_endproc",
    ".size sigsys_v0_1_gate_syscall, . - sigsys_v0_1_gate_syscall",
    // i64 sigsys_v0_1_gate_int80(u32 nr /* edi */, const u32 args[6] /* rsi */): returns all
    // of RAX, as the kernel leaves it (a compat call's result is a long: addresses above
    // 2 GiB come back zero-extended, errors sign-extended).
    symbol!("sigsys_v0_1_gate_int80"),
    ".type sigsys_v0_1_gate_int80, @function",
    ".cfi_startproc",
    "push rbx",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset rbx, 0",
    "push rbp",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset rbp, 0",
    "mov eax, edi",
    "mov ebx, [rsi]",
    "mov ecx, [rsi + 4]",
    "mov edx, [rsi + 8]",
    "mov edi, [rsi + 16]",
    "mov ebp, [rsi + 20]",
    "mov esi, [rsi + 12]",
    "int 0x80",
    "pop rbp",
    ".cfi_adjust_cfa_offset -8",
    ".cfi_restore rbp",
    "pop rbx",
    ".cfi_adjust_cfa_offset -8",
    ".cfi_restore rbx",
    "ret",
    ".cfi_endproc",
    ".size sigsys_v0_1_gate_int80, . - sigsys_v0_1_gate_int80",
    // The restorer: `mov $15, %rax; syscall` exactly as libgcc's and gdb's unwinders expect.
    "nop",
    symbol!("sigsys_v0_1_gate_restorer"),
    ".byte 0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00",
    "syscall",
    "ud2",
    // The pass exits: the same two gadgets again, used only for the program's calls that a
    // handler passes through (`gate::run`), so that a filter can tell them from the
    // handler's own calls above (`filter::compose`).
    ".p2align 4",
    symbol!("sigsys_v0_1_gate_pass_start"),
    symbol!("sigsys_v0_1_gate_pass_syscall"),
    ".cfi_startproc",
    "mov rax, rdi",
    "mov rdi, [rsi]",
    "mov rdx, [rsi + 16]",
    "mov r10, [rsi + 24]",
    "mov r8, [rsi + 32]",
    "mov r9, [rsi + 40]",
    "mov rsi, [rsi + 8]",
    "syscall",
    "ret",
    ".cfi_endproc",
    symbol!("sigsys_v0_1_gate_pass_int80"),
    ".cfi_startproc",
    "push rbx",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset rbx, 0",
    "push rbp",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset rbp, 0",
    "mov eax, edi",
    "mov ebx, [rsi]",
    "mov ecx, [rsi + 4]",
    "mov edx, [rsi + 8]",
    "mov edi, [rsi + 16]",
    "mov ebp, [rsi + 20]",
    "mov esi, [rsi + 12]",
    "int 0x80",
    "pop rbp",
    ".cfi_adjust_cfa_offset -8",
    ".cfi_restore rbp",
    "pop rbx",
    ".cfi_adjust_cfa_offset -8",
    ".cfi_restore rbx",
    "ret",
    ".cfi_endproc",
    symbol!("sigsys_v0_1_gate_end"),
    ".popsection",
);

extern "C" {
    #[link_name = "sigsys_v0_1_gate_syscall"]
    fn gate_syscall(rax: u64, args: *const [u64; 6]) -> i64;
    #[link_name = "sigsys_v0_1_gate_int80"]
    fn gate_int80(nr: u32, args: *const [u32; 6]) -> i64;
    #[link_name = "sigsys_v0_1_gate_pass_syscall"]
    fn gate_pass_syscall(rax: u64, args: *const [u64; 6]) -> i64;
    #[link_name = "sigsys_v0_1_gate_pass_int80"]
    fn gate_pass_int80(nr: u32, args: *const [u32; 6]) -> i64;
}

pub use crate::arch::gate_labels::{own_range, pass_range, range, restorer};

/// Issues a 64-bit system call (`rax` is loaded as given, so x32 numbers work) from the gate
/// and returns RAX.
///
/// # Safety
///
/// Whatever the system call does is the caller's responsibility, as with `libc::syscall`.
/// `errno` is not touched.
///
/// # Examples
///
/// ```
/// let pid = unsafe { sigsys::gate::syscall(libc::SYS_getpid as u64, [0; 6]) };
/// assert_eq!(pid, std::process::id() as i64);
/// ```
#[inline]
pub unsafe fn syscall(rax: u64, args: [u64; 6]) -> i64 {
    // SAFETY: the gadget reads six u64s from a valid array and issues the call; the caller
    // answers for the call itself.
    unsafe { gate_syscall(rax, &args) }
}

/// Issues an i386 system call with `int $0x80` from the gate and returns RAX as the kernel
/// leaves it: a compat call's result is a `long`, so errors come back sign-extended and
/// addresses above 2 GiB zero-extended (a 32-bit caller reads EAX only).
///
/// # Safety
///
/// As for [`syscall`]; pointers passed as arguments must fit in 32 bits to mean anything.
///
/// # Examples
///
/// ```
/// // i386 getpid is 20; i386 close(-1) fails with EBADF.
/// let pid = unsafe { sigsys::gate::int80(20, [0; 6]) };
/// assert_eq!(pid, std::process::id() as i64);
/// assert_eq!(unsafe { sigsys::gate::int80(6, [u32::MAX, 0, 0, 0, 0, 0]) }, -9);
/// ```
#[inline]
pub unsafe fn int80(nr: u32, args: [u32; 6]) -> i64 {
    // SAFETY: as in `syscall`; the gadget saves and restores RBX and RBP, which it uses for
    // arguments 1 and 6.
    unsafe { gate_int80(nr, &args) }
}

/// The kernel returns a handler into the gate's restorer (`SA_RESTORER`): no entry needed.
pub(crate) use crate::arch::common::direct_entry as entry_for;

/// What [`crate::gate`] re-exports.
pub(crate) mod public {
    pub use super::{int80, own_range, pass_range, range, restorer, syscall};
}

/// Issues table number `nr` of `abi` with `args` from the gate's pass exit for that ABI
/// and returns RAX as the kernel leaves it (`int $0x80` for i386, `syscall` otherwise;
/// i386 arguments are truncated to 32 bits).
///
/// # Safety
///
/// As for [`syscall`].
#[inline]
pub(crate) unsafe fn issue(abi: Abi, nr: u32, args: [u64; 6]) -> i64 {
    match abi {
        Abi::I386 => {
            let a = args.map(|v| v as u32);
            // SAFETY: the pass gadget saves and restores RBX and RBP, which it uses for
            // arguments 1 and 6; the caller answers for the call itself.
            unsafe { gate_pass_int80(nr, &a) }
        }
        // SAFETY: the pass gadget reads six u64s from a valid array and issues the call;
        // the caller answers for the call itself.
        Abi::X86_64 | Abi::X32 => unsafe { gate_pass_syscall(abi.rax_for(nr), &args) },
    }
}
