//! The ARM gate: its instructions, in the shared asm-generic block
//! ([`crate::arch::asm_generic::gate`]), all in ARM state (`.arm`; the crate's target,
//! `armv7-unknown-linux-gnueabihf`, compiles to ARM state, and a Thumb caller reaches the
//! gate by `blx`, which switches).
//!
//! The exit takes the number as a `u64` in r0:r1 and the arguments' address in r2 (EABI),
//! loads the low word of each 64-bit argument into r0..r5 (r4, r5 and r7 are callee-saved:
//! pushed and popped), issues `svc #0` and returns r0 widened to `i64` in r0:r1 as the
//! kernel's `IS_ERR_VALUE` reads it: -4095..-1 sign-extended (errors), everything else
//! zero-extended (an address above 2 GiB is not an error). The restorer is the kernel's own
//! sigreturn code (`mov r7, #173; svc #0`, as in arm64's compat sigpage), which unwinders
//! recognise, followed by the old-style frame's (`mov r7, #119; svc #0`, `sigreturn`); ARM honours `SA_RESTORER`, so a handler installed by
//! [`crate::install::install_handler`] returns through it, from inside the gate.

crate::arch::asm_generic::gate::gate! {
    // i64 (u64 nr /* r0:r1 */, const u64 args[6] /* r2 */)
    gadget: [
        ".arm",
        "push {{r4, r5, r7, lr}}",
        "mov r7, r0",
        "ldr r0, [r2]",
        "ldr r1, [r2, #8]",
        "ldr r3, [r2, #24]",
        "ldr r4, [r2, #32]",
        "ldr r5, [r2, #40]",
        "ldr r2, [r2, #16]",
        "svc #0",
        "cmn r0, #4096",
        "mvnhi r1, #0",
        "movls r1, #0",
        "pop {{r4, r5, r7, pc}}",
    ],
    before_restorer: [],
    restorer: ["mov r7, #173", "svc #0", "udf #0"],
    // The old-style frame's restorer (a handler without SA_SIGINFO: glibc's `signal`
    // installs `sigreturn`, 119), for the program's own handlers passed through.
    after_restorer: [
        crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_sigreturn"),
        "mov r7, #119",
        "svc #0",
        "udf #0",
    ],
    operands: [],
    regs: ("r7", "r0", "r0 to r3, r12 and the flags"),
}

extern "C" {
    #[link_name = "sigsys_v0_1_gate_sigreturn"]
    fn gate_sigreturn();
}

/// The address of the gate's `sigreturn` (old-style frame) restorer: where pass-through
/// sends a `sigreturn` made outside the gate (glibc's `__default_sa_restorer`, returning
/// from a handler installed without `SA_SIGINFO`), as `rt_sigreturn` goes to
/// [`restorer`].
pub(crate) fn legacy_restorer() -> Option<u64> {
    Some(gate_sigreturn as unsafe extern "C" fn() as usize as u64)
}

/// The kernel returns a handler into the gate's restorer (`SA_RESTORER`): no entry needed.
pub(crate) use crate::arch::common::direct_entry as entry_for;
