//! The riscv64 system call numbers (the asm-generic table: no `open`, `fork`, `stat`...),
//! and what each means in the x86_64 terms the typed-argument layer is written in.

use super::abi::Abi;
use crate::arch::asm_generic::map::to_x86_64;
use crate::arch::common::LegacyCall;

/// A known system call number of the riscv64 table.
///
/// # Examples
///
/// ```
/// use sigsys::{Abi, AbiSysno, Sysno};
/// let openat = AbiSysno::new(Abi::Riscv64, 56).unwrap();
/// assert_eq!(openat.name(), "openat");
/// assert_eq!(openat.to_x86_64(), Some(Sysno::openat));
/// assert_eq!(AbiSysno::new(Abi::Riscv64, 258).unwrap().name(), "riscv_hwprobe");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbiSysno {
    /// A number of the riscv64 table.
    Riscv64(syscalls::riscv64::Sysno),
}

impl AbiSysno {
    /// Looks `nr` up in `abi`'s table; `None` when the table has no such number.
    pub fn new(_abi: Abi, nr: u32) -> Option<AbiSysno> {
        syscalls::riscv64::Sysno::new(nr as usize).map(AbiSysno::Riscv64)
    }

    /// The `syscalls` crate's name for the call, such as `"openat"`.
    pub fn name(self) -> &'static str {
        let AbiSysno::Riscv64(s) = self;
        s.name()
    }

    /// The ABI whose table this number belongs to.
    pub const fn abi(self) -> Abi {
        Abi::Riscv64
    }

    /// The number in its table.
    pub fn id(self) -> u32 {
        let AbiSysno::Riscv64(s) = self;
        s.id() as u32
    }

    /// The x86_64 call of the same meaning (by name; `fstatat` is `newfstatat`), or `None`
    /// for calls x86_64 does not have. `clone`'s arguments are in another order:
    /// [`crate::args::canonical_args`] puts them in x86_64's.
    pub fn to_x86_64(self) -> Option<syscalls::x86_64::Sysno> {
        let AbiSysno::Riscv64(s) = self;
        use syscalls::riscv64::Sysno as A;
        use syscalls::x86_64::Sysno as X;
        to_x86_64!(s, A, X)
    }
}

/// No legacy calls on riscv64.
pub(crate) fn legacy_call(_sysno: AbiSysno) -> Option<LegacyCall> {
    None
}

impl core::fmt::Display for AbiSysno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
