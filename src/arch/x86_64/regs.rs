//! The x86_64 registers of the saved frame: the only place in the crate that names them.
//!
//! Whatever instruction trapped, the kernel saves a 64-bit frame ([`Sigcontext`]). The rest
//! of the crate asks this module for "the number", "argument 3", "the result", "the
//! instruction pointer"; each ABI's choice of registers is [`arg_regs`].

use super::abi::Abi;
use super::frame::Sigcontext;

/// The saved general-purpose registers of the interrupted code: the kernel's sigcontext.
pub(crate) type Regs = Sigcontext;

/// General-purpose registers of the saved frame that the crate reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reg {
    R8,
    R9,
    R10,
    Rdi,
    Rsi,
    Rbp,
    Rbx,
    Rdx,
    Rax,
    Rcx,
    Rsp,
    Rip,
}

/// Reads one register.
fn get(g: &Regs, reg: Reg) -> u64 {
    match reg {
        Reg::R8 => g.r8,
        Reg::R9 => g.r9,
        Reg::R10 => g.r10,
        Reg::Rdi => g.rdi,
        Reg::Rsi => g.rsi,
        Reg::Rbp => g.rbp,
        Reg::Rbx => g.rbx,
        Reg::Rdx => g.rdx,
        Reg::Rax => g.rax,
        Reg::Rcx => g.rcx,
        Reg::Rsp => g.rsp,
        Reg::Rip => g.rip,
    }
}

/// Writes one register.
fn set(g: &mut Regs, reg: Reg, value: u64) {
    let field = match reg {
        Reg::R8 => &mut g.r8,
        Reg::R9 => &mut g.r9,
        Reg::R10 => &mut g.r10,
        Reg::Rdi => &mut g.rdi,
        Reg::Rsi => &mut g.rsi,
        Reg::Rbp => &mut g.rbp,
        Reg::Rbx => &mut g.rbx,
        Reg::Rdx => &mut g.rdx,
        Reg::Rax => &mut g.rax,
        Reg::Rcx => &mut g.rcx,
        Reg::Rsp => &mut g.rsp,
        Reg::Rip => &mut g.rip,
    };
    *field = value;
}

/// Reads an argument register as the ABI defines it: 32-bit ABIs zero-extend.
const fn arg_value(abi: Abi, raw: u64) -> u64 {
    match abi {
        Abi::I386 => raw as u32 as u64,
        Abi::X86_64 | Abi::X32 => raw,
    }
}

/// The registers holding arguments 1 to 6.
const fn arg_regs(abi: Abi) -> [Reg; 6] {
    match abi {
        Abi::I386 => [Reg::Rbx, Reg::Rcx, Reg::Rdx, Reg::Rsi, Reg::Rdi, Reg::Rbp],
        Abi::X86_64 | Abi::X32 => [Reg::Rdi, Reg::Rsi, Reg::Rdx, Reg::R10, Reg::R8, Reg::R9],
    }
}

/// The register that holds the number at a trap (RAX: the kernel's rollback puts the
/// number back there, `orig_ax`), as it stands.
pub(crate) fn number_reg(g: &Regs) -> u64 {
    get(g, Reg::Rax)
}

/// Loads the number register (RAX) with `value`, as [`Abi::rax_for`] computes it.
pub(crate) fn set_number_reg(g: &mut Regs, value: u64) {
    set(g, Reg::Rax, value);
}

/// Writes the value the call returns to its caller (RAX; an i386 caller reads EAX).
pub(crate) fn set_ret(g: &mut Regs, value: u64) {
    set(g, Reg::Rax, value);
}

/// What a caller of `abi` reads as the call's result from the return register: an i386
/// caller reads EAX, sign-extended here.
// Used by the test kit (feature `testing`); older compilers do not count the contract check.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn returned(g: &Regs, abi: Abi) -> i64 {
    let rax = get(g, Reg::Rax);
    match abi {
        Abi::I386 => i64::from(rax as u32 as i32),
        Abi::X86_64 | Abi::X32 => rax as i64,
    }
}

/// The instruction pointer (RIP).
pub(crate) fn pc(g: &Regs) -> u64 {
    get(g, Reg::Rip)
}

/// Sets the instruction pointer (RIP).
pub(crate) fn set_pc(g: &mut Regs, value: u64) {
    set(g, Reg::Rip, value);
}

/// The stack pointer (RSP).
pub(crate) fn sp(g: &Regs) -> u64 {
    get(g, Reg::Rsp)
}

/// The six arguments of `abi` as the kernel would read them.
pub(crate) fn args(g: &Regs, abi: Abi) -> [u64; 6] {
    arg_regs(abi).map(|r| arg_value(abi, get(g, r)))
}

/// Writes six arguments into `abi`'s registers. i386 arguments go into the low halves
/// only: the kernel leaves the upper halves of RBX..RBP alone across `int $0x80`, and 64-bit
/// code that uses it (RBP as a frame pointer, say) relies on that.
pub(crate) fn set_args(g: &mut Regs, abi: Abi, args: [u64; 6]) {
    for (reg, value) in arg_regs(abi).into_iter().zip(args) {
        let merged = match abi {
            Abi::I386 => (get(g, reg) & !0xffff_ffff) | (value & 0xffff_ffff),
            Abi::X86_64 | Abi::X32 => value,
        };
        set(g, reg, merged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_and_set_name_the_same_field() {
        let all = [
            Reg::R8,
            Reg::R9,
            Reg::R10,
            Reg::Rdi,
            Reg::Rsi,
            Reg::Rbp,
            Reg::Rbx,
            Reg::Rdx,
            Reg::Rax,
            Reg::Rcx,
            Reg::Rsp,
            Reg::Rip,
        ];
        let mut g = Regs::default();
        for (i, r) in all.into_iter().enumerate() {
            set(&mut g, r, i as u64 + 100);
        }
        for (i, r) in all.into_iter().enumerate() {
            assert_eq!(get(&g, r), i as u64 + 100, "{r:?}");
        }
        assert_eq!((g.r8, g.rdi, g.rax, g.rip), (100, 103, 108, 111));
        assert_eq!((number_reg(&g), pc(&g), sp(&g)), (108, 111, 110));
    }

    #[test]
    fn i386_args_are_low_halves() {
        let mut g = Regs {
            rbx: !0,
            rcx: !0,
            rdx: !0,
            rsi: !0,
            rdi: !0,
            rbp: !0,
            ..Regs::default()
        };
        set_args(&mut g, Abi::X86_64, [1, 2, 3, 4, 5, 6]);
        assert_eq!(args(&g, Abi::X86_64), [1, 2, 3, 4, 5, 6]);
        set(&mut g, Reg::Rbx, 0xdead_beef_0000_0007);
        assert_eq!(args(&g, Abi::I386)[0], 7);
        set_args(&mut g, Abi::I386, [0x1_0000_0009, 0, 0, 0, 0, 0]);
        assert_eq!(get(&g, Reg::Rbx), 0xdead_beef_0000_0009, "upper half kept");
    }

    #[test]
    fn i386_callers_read_eax() {
        let mut g = Regs::default();
        set_ret(&mut g, 0x1_ffff_fffe);
        assert_eq!(returned(&g, Abi::I386), -2);
        assert_eq!(returned(&g, Abi::X86_64), 0x1_ffff_fffe);
    }
}
