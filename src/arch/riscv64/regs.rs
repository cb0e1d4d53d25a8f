//! The riscv64 registers of the saved frame: the only place in the crate that names them.
//! Number in a7 (x17), arguments in a0..a5 (x10..x15), result in a0.

use super::abi::Abi;
use super::frame::Sigcontext;
use crate::arch::asm_generic::TrapRegs;

/// The saved general-purpose registers of the interrupted code: the kernel's sigcontext.
pub(crate) type Regs = Sigcontext;

/// The number register (a7).
pub(crate) fn number_reg(g: &Regs) -> u64 {
    g.regs[17]
}

/// Loads the number register (a7).
pub(crate) fn set_number_reg(g: &mut Regs, value: u64) {
    g.regs[17] = value;
}

/// Writes the value the call returns (a0).
pub(crate) fn set_ret(g: &mut Regs, value: u64) {
    g.regs[10] = value;
}

/// What the caller reads as the result (a0).
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn returned(g: &Regs, _abi: Abi) -> i64 {
    g.regs[10] as i64
}

/// The program counter.
pub(crate) fn pc(g: &Regs) -> u64 {
    g.regs[0]
}

/// Sets the program counter.
pub(crate) fn set_pc(g: &mut Regs, value: u64) {
    g.regs[0] = value;
}

/// The stack pointer (x2).
pub(crate) fn sp(g: &Regs) -> u64 {
    g.regs[2]
}

/// The six arguments (a0..a5); a0 is the original first argument at a trap.
pub(crate) fn args(g: &Regs, _abi: Abi) -> [u64; 6] {
    let [_, _, _, _, _, _, _, _, _, _, a0, a1, a2, a3, a4, a5, ..] = g.regs;
    [a0, a1, a2, a3, a4, a5]
}

/// Writes six arguments into a0..a5.
pub(crate) fn set_args(g: &mut Regs, _abi: Abi, args: [u64; 6]) {
    for (reg, value) in g.regs.iter_mut().skip(10).zip(args) {
        *reg = value;
    }
}

/// What [`crate::arch::asm_generic::classify`] checks.
pub(crate) fn trap_regs(g: &Regs) -> TrapRegs {
    TrapRegs {
        number: number_reg(g),
        arg0: g.regs[10],
        pc: g.regs[0],
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
        set_pc(&mut g, 0x1000);
        assert_eq!(args(&g, Abi::NATIVE), [1, 2, 3, 4, 5, 6]);
        assert_eq!(g.regs[10..18], [1, 2, 3, 4, 5, 6, 0, 172]);
        set_ret(&mut g, 7);
        assert_eq!(
            (returned(&g, Abi::NATIVE), number_reg(&g), pc(&g)),
            (7, 172, 0x1000)
        );
    }
}
