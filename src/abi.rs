//! The three x86 system call ABIs and where each keeps its number, arguments and result.
//!
//! Whatever instruction trapped, the kernel saves a 64-bit frame ([`crate::frame::Sigcontext`]). This module is the only place that touches those registers by name; the
//! rest of the crate asks it for "the number", "argument 3" or "the result".

use crate::consts::{AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT};
use crate::frame::Sigcontext;

/// The ABI of a trapped system call.
///
/// # Examples
///
/// ```
/// use sigsys::Abi;
/// assert_eq!(Abi::from_audit_arch(sigsys::consts::AUDIT_ARCH_I386, 4), Some(Abi::I386));
/// assert_eq!(Abi::from_audit_arch(sigsys::consts::AUDIT_ARCH_X86_64, 0x4000_0001), Some(Abi::X32));
/// assert_eq!(Abi::from_audit_arch(0, 0), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Abi {
    /// 64-bit `syscall`: number in RAX, arguments in RDI RSI RDX R10 R8 R9.
    X86_64,
    /// `int $0x80` (from 32- or 64-bit code): number in EAX, arguments in EBX ECX EDX ESI
    /// EDI EBP, 32 bits each; the result is read from EAX.
    I386,
    /// x32: `syscall` with bit 30 (`0x4000_0000`) set in the number; registers as x86_64.
    X32,
}

impl Abi {
    /// The ABI of a call from `si_arch` and `si_syscall`, or `None` for a foreign arch.
    ///
    /// A 64-bit number is x32 when bit 30 is set and bit 31 is clear (negative numbers are
    /// invalid 64-bit numbers, as the kernel treats them, not x32 ones).
    pub const fn from_audit_arch(arch: u32, si_syscall: i32) -> Option<Abi> {
        match arch {
            AUDIT_ARCH_I386 => Some(Abi::I386),
            AUDIT_ARCH_X86_64 if si_syscall >= 0 && si_syscall as u32 & X32_SYSCALL_BIT != 0 => {
                Some(Abi::X32)
            }
            AUDIT_ARCH_X86_64 => Some(Abi::X86_64),
            _ => None,
        }
    }

    /// Short lowercase name: `"x86_64"`, `"i386"` or `"x32"`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sigsys::Abi::X32.name(), "x32");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Abi::X86_64 => "x86_64",
            Abi::I386 => "i386",
            Abi::X32 => "x32",
        }
    }

    /// The number as this ABI's table knows it (x32 bit cleared), from `si_syscall`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sigsys::Abi::X32.table_number(0x4000_0000 | 39), 39);
    /// assert_eq!(sigsys::Abi::X86_64.table_number(39), 39);
    /// ```
    pub const fn table_number(self, si_syscall: i32) -> u32 {
        match self {
            Abi::X32 => si_syscall as u32 & !X32_SYSCALL_BIT,
            Abi::X86_64 | Abi::I386 => si_syscall as u32,
        }
    }

    /// The value to load into RAX to issue table number `nr` with this ABI.
    ///
    /// x86_64 numbers are sign-extended (so the collision numbers like -512 stay what they
    /// were), x32 numbers get their bit back, i386 numbers are zero-extended as `int $0x80`
    /// leaves them.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sigsys::Abi::X32.rax_for(39), 0x4000_0027);
    /// assert_eq!(sigsys::Abi::X86_64.rax_for(-512i32 as u32), -512i64 as u64);
    /// ```
    pub const fn rax_for(self, nr: u32) -> u64 {
        match self {
            Abi::X86_64 => nr as i32 as i64 as u64,
            Abi::X32 => (nr | X32_SYSCALL_BIT) as u64,
            Abi::I386 => nr as u64,
        }
    }

    /// Reads an argument register as the ABI defines it: 32-bit ABIs zero-extend.
    const fn arg_value(self, raw: i64) -> u64 {
        match self {
            Abi::I386 => raw as u32 as u64,
            Abi::X86_64 | Abi::X32 => raw as u64,
        }
    }

    /// The registers holding arguments 1 to 6.
    const fn arg_regs(self) -> [Reg; 6] {
        match self {
            Abi::I386 => [Reg::Rbx, Reg::Rcx, Reg::Rdx, Reg::Rsi, Reg::Rdi, Reg::Rbp],
            Abi::X86_64 | Abi::X32 => [Reg::Rdi, Reg::Rsi, Reg::Rdx, Reg::R10, Reg::R8, Reg::R9],
        }
    }
}

/// General-purpose registers of the saved frame that the crate reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reg {
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

/// The saved general-purpose registers of the interrupted code: the kernel's sigcontext.
pub(crate) type Gregs = Sigcontext;

/// Reads one register.
pub(crate) fn get(g: &Gregs, reg: Reg) -> u64 {
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
pub(crate) fn set(g: &mut Gregs, reg: Reg, value: u64) {
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

/// The six arguments of `abi` as the kernel would read them.
pub(crate) fn args(g: &Gregs, abi: Abi) -> [u64; 6] {
    abi.arg_regs().map(|r| abi.arg_value(get(g, r) as i64))
}

/// Writes six arguments into `abi`'s registers. i386 arguments go into the low halves
/// only: the kernel leaves the upper halves of RBX..RBP alone across `int $0x80`, and 64-bit
/// code that uses it (RBP as a frame pointer, say) relies on that.
pub(crate) fn set_args(g: &mut Gregs, abi: Abi, args: [u64; 6]) {
    for (reg, value) in abi.arg_regs().into_iter().zip(args) {
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
        let mut g = Gregs::default();
        for (i, r) in all.into_iter().enumerate() {
            set(&mut g, r, i as u64 + 100);
        }
        for (i, r) in all.into_iter().enumerate() {
            assert_eq!(get(&g, r), i as u64 + 100, "{r:?}");
        }
        assert_eq!((g.r8, g.rdi, g.rax, g.rip), (100, 103, 108, 111));
    }

    #[test]
    fn i386_args_are_low_halves() {
        let mut g = Gregs {
            rbx: !0,
            rcx: !0,
            rdx: !0,
            rsi: !0,
            rdi: !0,
            rbp: !0,
            ..Gregs::default()
        };
        set_args(&mut g, Abi::X86_64, [1, 2, 3, 4, 5, 6]);
        assert_eq!(args(&g, Abi::X86_64), [1, 2, 3, 4, 5, 6]);
        set(&mut g, Reg::Rbx, 0xdead_beef_0000_0007);
        assert_eq!(args(&g, Abi::I386)[0], 7);
        set_args(&mut g, Abi::I386, [0x1_0000_0009, 0, 0, 0, 0, 0]);
        assert_eq!(get(&g, Reg::Rbx), 0xdead_beef_0000_0009, "upper half kept");
    }

    #[test]
    fn rax_round_trips_table_numbers() {
        assert_eq!(
            Abi::X32.rax_for(Abi::X32.table_number(0x4000_0027)),
            0x4000_0027
        );
        assert_eq!(Abi::X86_64.rax_for(-512i32 as u32), (-512i64) as u64);
        assert_eq!(Abi::I386.rax_for(20), 20);
    }
}
