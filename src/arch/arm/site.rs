//! Where the interrupted code stands at an ARM trap, and which instructions can be re-run:
//! `svc #0`, 4 bytes in ARM state and 2 in Thumb state (CPSR.T). The kernel's case
//! analysis is [`crate::arch::asm_generic::classify`]'s: arm64's `do_signal` rewinds a
//! compat task by the instruction length of its state (`compat_thumb_mode`), and acts on
//! r0, the first argument.

use super::abi::Abi;
use super::consts::{INSN_LEN, INSN_SVC, INSN_SVC_THUMB};
use super::regs::{thumb, trap_regs, Regs};
use crate::arch::asm_generic;
use crate::arch::common::Site;
use crate::error::DecodeError;

/// The siginfo facts [`classify`] checks the registers against.
pub(crate) type Reported = crate::arch::common::Reported<Abi>;

/// Decides where the interrupted code stands.
pub(crate) fn classify(info: Reported, g: &Regs) -> Result<Site, DecodeError> {
    asm_generic::classify(info, trap_regs(g))
}

/// The length of the instruction that trapped: 2 in Thumb state, 4 in ARM state.
pub(crate) fn insn_len(g: &Regs) -> usize {
    if thumb(g) {
        INSN_SVC_THUMB.len()
    } else {
        INSN_SVC.len()
    }
}

/// Whether `bytes`, the instruction before the call address read at the length of the
/// trapped state ([`insn_len`]), can issue a call of `abi`: exactly `svc #0` of that state.
pub(crate) fn instruction_serves(bytes: &[u8], _abi: Abi) -> bool {
    bytes == INSN_SVC || bytes == INSN_SVC_THUMB
}

/// The instruction that issues calls of `abi` in ARM state (the test kit's frames).
pub(crate) const fn instruction(_abi: Abi) -> [u8; INSN_LEN] {
    INSN_SVC
}

/// The ABI a re-run of instruction `bytes` has: the only one.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn restarted_abi(_bytes: [u8; INSN_LEN], _number: u64) -> Abi {
    Abi::NATIVE
}

/// No vsyscall page on ARM.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn in_vsyscall_page(_addr: u64) -> bool {
    false
}

/// No vsyscall page on ARM.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn vsyscall_entry(_nr: u32) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions() {
        assert!(instruction_serves(&[0, 0, 0, 0xef], Abi::Arm));
        assert!(instruction_serves(&[0, 0xdf], Abi::Arm));
        // Thumb's bytes read at ARM state's length are not an ARM `svc`.
        assert!(!instruction_serves(&[0, 0xdf, 0, 0], Abi::Arm));
        assert!(!instruction_serves(&[1, 0, 0, 0xef], Abi::Arm));
        let mut g = Regs::default();
        assert_eq!(insn_len(&g), 4);
        g.cpsr = 1 << 5;
        assert_eq!(insn_len(&g), 2);
    }
}
