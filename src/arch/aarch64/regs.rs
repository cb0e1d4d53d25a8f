//! The aarch64 registers of the saved frame: the only place in the crate that names them.
//! Number in x8, arguments in x0..x5, result in x0.

use super::abi::Abi;
use super::frame::Sigcontext;
use crate::arch::asm_generic::TrapRegs;

/// The saved general-purpose registers of the interrupted code: the kernel's sigcontext.
pub(crate) type Regs = Sigcontext;

/// The number register (x8).
pub(crate) fn number_reg(g: &Regs) -> u64 {
    g.regs[8]
}

/// Loads the number register (x8).
pub(crate) fn set_number_reg(g: &mut Regs, value: u64) {
    g.regs[8] = value;
}

/// Writes the value the call returns (x0).
pub(crate) fn set_ret(g: &mut Regs, value: u64) {
    g.regs[0] = value;
}

/// What the caller reads as the result (x0).
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn returned(g: &Regs, _abi: Abi) -> i64 {
    g.regs[0] as i64
}

/// The program counter.
pub(crate) fn pc(g: &Regs) -> u64 {
    g.pc
}

/// Sets the program counter.
pub(crate) fn set_pc(g: &mut Regs, value: u64) {
    g.pc = value;
}

/// The stack pointer.
pub(crate) fn sp(g: &Regs) -> u64 {
    g.sp
}

/// The six arguments (x0..x5); at a trap x0 holds the original first argument (the
/// kernel's rollback restores it from `orig_x0`).
pub(crate) fn args(g: &Regs, _abi: Abi) -> [u64; 6] {
    let [a0, a1, a2, a3, a4, a5, ..] = g.regs;
    [a0, a1, a2, a3, a4, a5]
}

/// Writes six arguments into x0..x5.
pub(crate) fn set_args(g: &mut Regs, _abi: Abi, args: [u64; 6]) {
    for (reg, value) in g.regs.iter_mut().zip(args) {
        *reg = value;
    }
}

/// What [`crate::arch::asm_generic::classify`] checks.
pub(crate) fn trap_regs(g: &Regs) -> TrapRegs {
    TrapRegs {
        number: number_reg(g),
        arg0: g.regs[0],
        pc: g.pc,
        insn_len: super::consts::INSN_LEN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers() {
        let mut g = Regs::default();
        set_args(&mut g, Abi::NATIVE, [1, 2, 3, 4, 5, 6]);
        set_number_reg(&mut g, 172);
        assert_eq!(args(&g, Abi::NATIVE), [1, 2, 3, 4, 5, 6]);
        assert_eq!(g.regs[..9], [1, 2, 3, 4, 5, 6, 0, 0, 172]);
        set_ret(&mut g, 7);
        assert_eq!((returned(&g, Abi::NATIVE), number_reg(&g)), (7, 172));
    }
}
