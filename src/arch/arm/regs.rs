//! The ARM registers of the saved frame: the only place in the crate that names them.
//! Number in r7, arguments in r0..r5, result in r0, all 32 bits wide.

use super::abi::Abi;
use super::consts::{CPSR_IT, CPSR_T};
use super::frame::Sigcontext;
use crate::arch::asm_generic::TrapRegs;

/// The saved general-purpose registers of the interrupted code: the kernel's sigcontext.
pub(crate) type Regs = Sigcontext;

/// The number register (r7).
pub(crate) fn number_reg(g: &Regs) -> u64 {
    u64::from(g.regs[7])
}

/// Loads the number register (r7; its 32 bits).
pub(crate) fn set_number_reg(g: &mut Regs, value: u64) {
    g.regs[7] = value as u32;
}

/// Writes the value the call returns (r0; its 32 bits).
pub(crate) fn set_ret(g: &mut Regs, value: u64) {
    g.regs[0] = value as u32;
}

/// What the caller reads as the result (r0, sign-extended as for i386).
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn returned(g: &Regs, _abi: Abi) -> i64 {
    i64::from(g.regs[0] as i32)
}

/// The program counter (r15).
pub(crate) fn pc(g: &Regs) -> u64 {
    u64::from(g.regs[15])
}

/// Sets the program counter. The gate's code is ARM-state code: a pc moved into it (the
/// restorer, for an `rt_sigreturn` redirected there) also clears the T bit and the IT
/// state, so that Thumb code's frame returns into it in the right state. Anywhere else the
/// state is kept (a restart stays in the state of the code that trapped).
pub(crate) fn set_pc(g: &mut Regs, value: u64) {
    g.regs[15] = value as u32;
    if crate::arch::gate::range().contains(&value) {
        g.cpsr &= !(CPSR_T | CPSR_IT);
    }
}

/// The stack pointer (r13).
pub(crate) fn sp(g: &Regs) -> u64 {
    u64::from(g.regs[13])
}

/// Whether the interrupted code ran in Thumb state (CPSR.T).
pub(crate) fn thumb(g: &Regs) -> bool {
    g.cpsr & CPSR_T != 0
}

/// The six arguments (r0..r5), zero-extended; at a trap r0 holds the original first
/// argument (arm64's rollback restores it from `orig_x0` for compat tasks too).
pub(crate) fn args(g: &Regs, _abi: Abi) -> [u64; 6] {
    let [a0, a1, a2, a3, a4, a5, ..] = g.regs;
    [a0, a1, a2, a3, a4, a5].map(u64::from)
}

/// Writes six arguments into r0..r5 (their low 32 bits).
pub(crate) fn set_args(g: &mut Regs, _abi: Abi, args: [u64; 6]) {
    for (reg, value) in g.regs.iter_mut().zip(args) {
        *reg = value as u32;
    }
}

/// What [`crate::arch::asm_generic::classify`] checks.
pub(crate) fn trap_regs(g: &Regs) -> TrapRegs {
    TrapRegs {
        number: number_reg(g),
        // Sign-extended: arm64's `do_signal` reads it as an `int` (-512 is 0xfffffe00 here).
        arg0: g.regs[0] as i32 as i64 as u64,
        pc: pc(g),
        insn_len: super::site::insn_len(g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers() {
        let mut g = Regs::default();
        set_args(&mut g, Abi::NATIVE, [1, 2, 3, 4, 5, 0x1_0000_0006]);
        set_number_reg(&mut g, 172);
        assert_eq!(args(&g, Abi::NATIVE), [1, 2, 3, 4, 5, 6]);
        assert_eq!(g.regs[..8], [1, 2, 3, 4, 5, 6, 0, 172]);
        set_ret(&mut g, (-14i64) as u64);
        assert_eq!((returned(&g, Abi::NATIVE), number_reg(&g)), (-14, 172));
        g.cpsr = CPSR_T | 0x10;
        assert!(thumb(&g));
        set_pc(&mut g, 0x1000);
        assert!(thumb(&g), "a pc outside the gate keeps the state");
        set_pc(&mut g, crate::arch::gate::restorer());
        assert_eq!(g.cpsr, 0x10, "into the gate: ARM state");
    }
}
