//! The aarch64 gate: its instructions, in the shared asm-generic block
//! ([`crate::arch::asm_generic::gate`]).
//!
//! An `svc #0` exit for the handler's own calls, the `rt_sigreturn` restorer and a second
//! `svc #0` exit for the program's calls passed through. The restorer is byte-for-byte the
//! vDSO's `__kernel_rt_sigreturn` (`mov x8, #139; svc #0`, preceded by a `nop` as there),
//! which libgcc's and gdb's unwinders recognise. arm64 honours `SA_RESTORER`, so a handler
//! installed by [`crate::install::install_handler`] returns through it, from inside the
//! gate.

crate::arch::asm_generic::gate::gate! {
    // i64 (u64 nr /* x0 */, const u64 args[6] /* x1 */)
    gadget: [
        "mov x8, x0",
        "mov x9, x1",
        "ldp x0, x1, [x9]",
        "ldp x2, x3, [x9, #16]",
        "ldp x4, x5, [x9, #32]",
        "svc #0",
        "ret",
    ],
    before_restorer: ["nop"],
    restorer: ["mov x8, #139", "svc #0", "brk #0"],
    after_restorer: [],
    operands: [],
    regs: ("x8", "x0", "x8, x9 and the argument registers"),
}

/// The kernel returns a handler into the gate's restorer (`SA_RESTORER`): no entry needed.
pub(crate) use crate::arch::common::direct_entry as entry_for;
