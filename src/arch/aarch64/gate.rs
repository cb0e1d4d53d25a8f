//! The aarch64 gate: the global asm of its exits and the functions that enter them.
//!
//! One page-aligned block, smaller than a page, holds an `svc #0` exit for the handler's
//! own calls, the `rt_sigreturn` restorer and a second `svc #0` exit for the program's calls
//! passed through. The restorer is byte-for-byte the vDSO's `__kernel_rt_sigreturn`
//! (`mov x8, #139; svc #0`, preceded by a `nop` as there), which libgcc's and gdb's
//! unwinders recognise. arm64 honours `SA_RESTORER`, so a handler installed by
//! [`crate::install::install_handler`] returns through it, from inside the gate.

use core::ops::Range;

use super::abi::Abi;

// Symbols carry the crate's major version (`v0_1`), as on x86_64.
core::arch::global_asm!(
    ".pushsection .text.sigsys_gate,\"ax\",%progbits",
    ".p2align 12",
    ".globl sigsys_v0_1_gate_start",
    ".hidden sigsys_v0_1_gate_start",
    "sigsys_v0_1_gate_start:",
    // i64 sigsys_v0_1_gate_syscall(u64 nr /* x0 */, const u64 args[6] /* x1 */)
    ".globl sigsys_v0_1_gate_syscall",
    ".hidden sigsys_v0_1_gate_syscall",
    ".type sigsys_v0_1_gate_syscall, %function",
    "sigsys_v0_1_gate_syscall:",
    ".cfi_startproc",
    "mov x8, x0",
    "mov x9, x1",
    "ldp x0, x1, [x9]",
    "ldp x2, x3, [x9, #16]",
    "ldp x4, x5, [x9, #32]",
    "svc #0",
    "ret",
    ".cfi_endproc",
    ".size sigsys_v0_1_gate_syscall, . - sigsys_v0_1_gate_syscall",
    // The restorer, as the vDSO has it.
    "nop",
    ".globl sigsys_v0_1_gate_restorer",
    ".hidden sigsys_v0_1_gate_restorer",
    "sigsys_v0_1_gate_restorer:",
    "mov x8, #139",
    "svc #0",
    "brk #0",
    // The pass exit: the same gadget again, used only for the program's calls that a
    // handler passes through, so that a filter can tell them from the handler's own.
    ".p2align 4",
    ".globl sigsys_v0_1_gate_pass_start",
    ".hidden sigsys_v0_1_gate_pass_start",
    "sigsys_v0_1_gate_pass_start:",
    ".globl sigsys_v0_1_gate_pass_syscall",
    ".hidden sigsys_v0_1_gate_pass_syscall",
    "sigsys_v0_1_gate_pass_syscall:",
    ".cfi_startproc",
    "mov x8, x0",
    "mov x9, x1",
    "ldp x0, x1, [x9]",
    "ldp x2, x3, [x9, #16]",
    "ldp x4, x5, [x9, #32]",
    "svc #0",
    "ret",
    ".cfi_endproc",
    ".globl sigsys_v0_1_gate_end",
    ".hidden sigsys_v0_1_gate_end",
    "sigsys_v0_1_gate_end:",
    ".popsection",
);

extern "C" {
    #[link_name = "sigsys_v0_1_gate_start"]
    static GATE_START: u8;
    #[link_name = "sigsys_v0_1_gate_end"]
    static GATE_END: u8;
    #[link_name = "sigsys_v0_1_gate_syscall"]
    fn gate_syscall(nr: u64, args: *const [u64; 6]) -> i64;
    #[link_name = "sigsys_v0_1_gate_restorer"]
    fn gate_restorer();
    #[link_name = "sigsys_v0_1_gate_pass_start"]
    static GATE_PASS_START: u8;
    #[link_name = "sigsys_v0_1_gate_pass_syscall"]
    fn gate_pass_syscall(nr: u64, args: *const [u64; 6]) -> i64;
}

/// The address range of the gate's code, `start..end`.
///
/// # Examples
///
/// ```
/// let gate = sigsys::gate::range();
/// assert!(gate.start < gate.end && gate.end - gate.start < 4096);
/// ```
pub fn range() -> Range<u64> {
    // Only the addresses of the two labels are taken; nothing is read.
    let start = core::ptr::addr_of!(GATE_START) as u64;
    let end = core::ptr::addr_of!(GATE_END) as u64;
    start..end
}

/// The part of the gate the handler's own calls leave from ([`syscall`], the restorer).
///
/// # Examples
///
/// ```
/// assert!(sigsys::gate::own_range().contains(&sigsys::gate::restorer()));
/// ```
pub fn own_range() -> Range<u64> {
    range().start..pass_range().start
}

/// The part of the gate the program's calls that a handler passes through leave from.
///
/// # Examples
///
/// ```
/// assert_eq!(sigsys::gate::pass_range().end, sigsys::gate::range().end);
/// ```
pub fn pass_range() -> Range<u64> {
    // Only the label's address is taken.
    let start = core::ptr::addr_of!(GATE_PASS_START) as u64;
    start..range().end
}

/// The address of the gate's `rt_sigreturn` restorer, for `SA_RESTORER`.
///
/// # Examples
///
/// ```
/// assert_ne!(sigsys::gate::restorer(), 0);
/// ```
pub fn restorer() -> u64 {
    gate_restorer as unsafe extern "C" fn() as usize as u64
}

/// Issues a system call (number in x8 as given) from the gate and returns x0.
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
pub unsafe fn syscall(nr: u64, args: [u64; 6]) -> i64 {
    // SAFETY: the gadget reads six u64s from a valid array and issues the call (it
    // clobbers only x8, x9 and the argument registers, all caller-saved); the caller
    // answers for the call itself.
    unsafe { gate_syscall(nr, &args) }
}

/// Issues table number `nr` with `args` from the gate's pass exit and returns x0.
///
/// # Safety
///
/// As for [`syscall`].
#[inline]
pub(crate) unsafe fn issue(abi: Abi, nr: u32, args: [u64; 6]) -> i64 {
    // SAFETY: as in `syscall`, from the pass exit.
    unsafe { gate_pass_syscall(abi.rax_for(nr), &args) }
}

/// The kernel returns a handler into the gate's restorer (`SA_RESTORER`): no entry needed.
pub(crate) use crate::arch::common::direct_entry as entry_for;

/// What [`crate::gate`] re-exports.
pub(crate) mod public {
    pub use super::{own_range, pass_range, range, restorer, syscall};
}
