//! The three x86 system call ABIs: how each is told apart in a siginfo and how each
//! carries its number. Which registers hold what is `regs.rs`.

use super::consts::{AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT};

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
    /// The ABI of the gate's native exit, whose `rt_sigreturn` frame layout the gate's
    /// restorer serves.
    pub const NATIVE: Abi = Abi::X86_64;

    /// Every ABI a process of this architecture can trap with (for the test kit).
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub(crate) const ALL: &'static [Abi] = &[Abi::X86_64, Abi::I386, Abi::X32];

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

    /// The `si_arch` (and `seccomp_data.arch`) the kernel reports for a call of this ABI.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sigsys::Abi::X32.audit_arch(), sigsys::consts::AUDIT_ARCH_X86_64);
    /// ```
    pub const fn audit_arch(self) -> u32 {
        match self {
            Abi::I386 => AUDIT_ARCH_I386,
            Abi::X86_64 | Abi::X32 => AUDIT_ARCH_X86_64,
        }
    }

    /// Whether the kernel serves this ABI through its compat layer: 32-bit pointers and
    /// sizes, compat struct layouts (`compat_sigaction`, `compat_stack_t`, ...).
    pub(crate) const fn is_compat(self) -> bool {
        match self {
            Abi::X86_64 => false,
            Abi::I386 | Abi::X32 => true,
        }
    }

    /// Whether registers, `long`s and pointers are 32 bits wide (i386; x32 has 64-bit
    /// registers and `long long` arguments).
    pub(crate) const fn is_ilp32(self) -> bool {
        matches!(self, Abi::I386)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
