//! The riscv64 gate: its instructions, in the shared asm-generic block
//! ([`crate::arch::asm_generic::gate`]).
//!
//! The block holds an `ecall` exit for the handler's own calls, an `rt_sigreturn` restorer
//! (`li a7, 139; ecall`, as the vDSO's), the handler entry and a second `ecall` exit for
//! the program's calls passed through.
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

use core::sync::atomic::{AtomicU64, Ordering};

crate::arch::asm_generic::gate::gate! {
    // i64 (u64 nr /* a0 */, const u64 args[6] /* a1 */)
    gadget: [
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
    ],
    before_restorer: [],
    restorer: ["li a7, 139", "ecall", "unimp"],
    // The handler entry, for the kernel: a0 = signal, a1 = siginfo, a2 = ucontext, sp = the
    // frame. Calls ENTRY_TARGETS[a0] (if set), then rt_sigreturn from here. No unwind info
    // (see the module docs).
    after_restorer: [
        ".p2align 2",
        crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_entry"),
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
    ],
    operands: [signals = const SIGNALS, targets = sym ENTRY_TARGETS,],
    regs: ("a7", "a0", "a7, t0 and the argument registers"),
}

/// Signal numbers the entry serves: 1 to 64 (index 0 unused).
const SIGNALS: usize = 65;

/// The handler the gate's entry calls for each signal (0: none, the entry only returns).
static ENTRY_TARGETS: [AtomicU64; SIGNALS] = [const { AtomicU64::new(0) }; SIGNALS];

extern "C" {
    #[link_name = "sigsys_v0_1_gate_entry"]
    fn gate_entry();
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
