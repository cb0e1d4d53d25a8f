//! The ARM (EABI) system call ABI: one, `svc #0` with the number in r7, in ARM or Thumb
//! state.

use super::consts::AUDIT_ARCH_ARM;

/// The ABI of a trapped system call: ARM's one ABI (EABI; the old ABI is not served by
/// arm64 kernels).
///
/// # Examples
///
/// ```
/// use sigsys::Abi;
/// assert_eq!(Abi::from_audit_arch(sigsys::consts::AUDIT_ARCH_ARM, 20), Some(Abi::Arm));
/// assert_eq!(Abi::from_audit_arch(0xc000_00b7, 172), None); // aarch64: foreign here
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Abi {
    /// `svc #0` (4 bytes in ARM state, 2 in Thumb): number in r7, arguments in r0..r5,
    /// 32 bits each (64-bit values in an even/odd register pair), result in r0.
    Arm,
}

impl Abi {
    /// The ABI of the gate's native exit.
    pub const NATIVE: Abi = Abi::Arm;

    /// Every ABI a process of this architecture can trap with (for the test kit).
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub(crate) const ALL: &'static [Abi] = &[Abi::Arm];

    /// The ABI of a call from `si_arch` and `si_syscall`, or `None` for a foreign arch.
    pub const fn from_audit_arch(arch: u32, _si_syscall: i32) -> Option<Abi> {
        match arch {
            AUDIT_ARCH_ARM => Some(Abi::Arm),
            _ => None,
        }
    }

    /// Short lowercase name: `"arm"`.
    pub const fn name(self) -> &'static str {
        "arm"
    }

    /// The number as the table knows it, from `si_syscall`.
    pub const fn table_number(self, si_syscall: i32) -> u32 {
        si_syscall as u32
    }

    /// The value to load into r7 to issue table number `nr`: the number itself (r7 is 32
    /// bits wide).
    pub const fn rax_for(self, nr: u32) -> u64 {
        nr as u64
    }

    /// The `si_arch` the kernel reports for a call of this ABI.
    pub const fn audit_arch(self) -> u32 {
        AUDIT_ARCH_ARM
    }

    /// Whether the kernel serves this ABI through its compat layer: yes under an arm64
    /// kernel, and in every case the layouts are the 32-bit ones the compat layer uses
    /// (`compat_sigaction`, `compat_stack_t`, 4-byte `long`s and pointers).
    pub(crate) const fn is_compat(self) -> bool {
        true
    }

    /// Whether registers, `long`s and pointers are 32 bits wide: yes.
    pub(crate) const fn is_ilp32(self) -> bool {
        true
    }
}
