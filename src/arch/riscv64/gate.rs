//! The riscv64 gate: the global asm of its exits and the functions that enter them.
//!
//! One page-aligned block, smaller than a page, holds an `ecall` exit for the handler's own
//! calls, an `rt_sigreturn` restorer (`li a7, 139; ecall`, as the vDSO's), the handler
//! entry and a second `ecall` exit for the program's calls passed through.
//!
//! **The handler entry.** riscv64 has no `SA_RESTORER`: the kernel points a handler's `ra`
//! at the vDSO's `__vdso_rt_sigreturn`, outside the gate, and its kernel does not exempt
//! that `rt_sigreturn` from Syscall User Dispatch (riscv's `arch_syscall_is_vdso_sigreturn`
//! is `false`), so a handler returning there with the selector at BLOCK is dispatched
//! again, and under a filter that traps everything not from the gate it is trapped. So the
//! action [`crate::install::install_handler`] installs is not the handler itself but the
//! gate's entry ([`entry_for`]): it calls the handler (kept per signal in `ENTRY_TARGETS`)
//! and then issues `rt_sigreturn` itself, from the gate, with the stack pointer the kernel
//! gave it (the frame: a called function gives `sp` back as it found it). The return
//! address the handler sees is that `li a7, 139; ecall`, the vDSO's pattern, and the entry
//! has no unwind info of its own, so libgcc's and gdb's signal-frame detection read the
//! frame at the caller's stack pointer as they do for the vDSO's. The restorer also serves
//! the pass-through of the program's own `rt_sigreturn`.

use core::ops::Range;
use core::sync::atomic::{AtomicU64, Ordering};

use super::abi::Abi;

// Symbols carry the crate's major version (`v0_1`), as on x86_64.
core::arch::global_asm!(
    ".pushsection .text.sigsys_gate,\"ax\",@progbits",
    ".p2align 12",
    ".globl sigsys_v0_1_gate_start",
    ".hidden sigsys_v0_1_gate_start",
    "sigsys_v0_1_gate_start:",
    // i64 sigsys_v0_1_gate_syscall(u64 nr /* a0 */, const u64 args[6] /* a1 */)
    ".globl sigsys_v0_1_gate_syscall",
    ".hidden sigsys_v0_1_gate_syscall",
    ".type sigsys_v0_1_gate_syscall, @function",
    "sigsys_v0_1_gate_syscall:",
    ".cfi_startproc",
    "mv a7, a0",
    "mv t0, a1",
    "ld a0, 0(t0)",
    "ld a1, 8(t0)",
    "ld a2, 16(t0)",
    "ld a3, 24(t0)",
    "ld a4, 32(t0)",
    "ld a5, 40(t0)",
    "ecall",
    "ret",
    ".cfi_endproc",
    ".size sigsys_v0_1_gate_syscall, . - sigsys_v0_1_gate_syscall",
    // The restorer, as the vDSO has it.
    ".globl sigsys_v0_1_gate_restorer",
    ".hidden sigsys_v0_1_gate_restorer",
    "sigsys_v0_1_gate_restorer:",
    "li a7, 139",
    "ecall",
    "unimp",
    // The handler entry, for the kernel: a0 = signal, a1 = siginfo, a2 = ucontext, sp = the
    // frame. Calls ENTRY_TARGETS[a0] (if set), then rt_sigreturn from here.
    ".p2align 2",
    ".globl sigsys_v0_1_gate_entry",
    ".hidden sigsys_v0_1_gate_entry",
    "sigsys_v0_1_gate_entry:",
    "li t1, {signals}",
    "bgeu a0, t1, 1f",
    "lla t0, {targets}",
    "slli t1, a0, 3",
    "add t0, t0, t1",
    "ld t0, 0(t0)",
    "beqz t0, 1f",
    "jalr t0",
    "1:",
    "li a7, 139",
    "ecall",
    "unimp",
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
    "mv a7, a0",
    "mv t0, a1",
    "ld a0, 0(t0)",
    "ld a1, 8(t0)",
    "ld a2, 16(t0)",
    "ld a3, 24(t0)",
    "ld a4, 32(t0)",
    "ld a5, 40(t0)",
    "ecall",
    "ret",
    ".cfi_endproc",
    ".globl sigsys_v0_1_gate_end",
    ".hidden sigsys_v0_1_gate_end",
    "sigsys_v0_1_gate_end:",
    ".popsection",
    signals = const SIGNALS,
    targets = sym ENTRY_TARGETS,
);

/// Signal numbers the entry serves: 1 to 64 (index 0 unused).
const SIGNALS: usize = 65;

/// The handler the gate's entry calls for each signal (0: none, the entry only returns).
static ENTRY_TARGETS: [AtomicU64; SIGNALS] = [const { AtomicU64::new(0) }; SIGNALS];

extern "C" {
    #[link_name = "sigsys_v0_1_gate_start"]
    static GATE_START: u8;
    #[link_name = "sigsys_v0_1_gate_end"]
    static GATE_END: u8;
    #[link_name = "sigsys_v0_1_gate_syscall"]
    fn gate_syscall(nr: u64, args: *const [u64; 6]) -> i64;
    #[link_name = "sigsys_v0_1_gate_restorer"]
    fn gate_restorer();
    #[link_name = "sigsys_v0_1_gate_entry"]
    fn gate_entry();
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

/// The handler address to give the kernel for `signal` so that `handler` returns from the
/// gate: the gate's entry, which calls `handler` (stored for `signal` here first). Also
/// returns the handler the entry called for `signal` before (0: none), which is what an
/// action naming the entry meant. A `signal` outside 1..=64 gets `handler` itself.
pub(crate) fn entry_for(signal: i32, handler: u64) -> (u64, u64) {
    match usize::try_from(signal)
        .ok()
        .and_then(|s| ENTRY_TARGETS.get(s))
    {
        Some(slot) if signal > 0 => (entry(), slot.swap(handler, Ordering::SeqCst)),
        _ => (handler, 0),
    }
}

/// The address of the gate's handler entry.
fn entry() -> u64 {
    gate_entry as unsafe extern "C" fn() as usize as u64
}

/// Issues a system call (number in a7 as given) from the gate and returns a0.
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
    // clobbers only a7, t0 and the argument registers, all caller-saved); the caller
    // answers for the call itself.
    unsafe { gate_syscall(nr, &args) }
}

/// Issues table number `nr` with `args` from the gate's pass exit and returns a0.
///
/// # Safety
///
/// As for [`syscall`].
#[inline]
pub(crate) unsafe fn issue(abi: Abi, nr: u32, args: [u64; 6]) -> i64 {
    // SAFETY: as in `syscall`, from the pass exit.
    unsafe { gate_pass_syscall(abi.rax_for(nr), &args) }
}

/// What [`crate::gate`] re-exports.
pub(crate) mod public {
    pub use super::{own_range, pass_range, range, restorer, syscall};
}
