//! Where the interrupted code stands at an aarch64 trap, and which instructions can be
//! re-run: `svc #0` only (see [`crate::arch::asm_generic::classify`] for the kernel's case
//! analysis, `arch/arm64/kernel/signal.c`).

use super::abi::Abi;
use super::consts::{INSN_LEN, INSN_SVC};
use super::regs::{trap_regs, Regs};
use crate::arch::asm_generic;
use crate::arch::common::Site;
use crate::error::DecodeError;

/// The siginfo facts [`classify`] checks the registers against.
pub(crate) type Reported = crate::arch::common::Reported<Abi>;

/// Decides where the interrupted code stands.
pub(crate) fn classify(info: Reported, g: &Regs) -> Result<Site, DecodeError> {
    asm_generic::classify(info, trap_regs(g))
}

/// Whether the instruction bytes can issue a call of `abi`: exactly `svc #0`.
pub(crate) fn instruction_serves(bytes: &[u8], abi: Abi) -> bool {
    bytes == instruction(abi)
}

/// The instruction that issues calls of `abi`.
pub(crate) const fn instruction(_abi: Abi) -> [u8; INSN_LEN] {
    INSN_SVC
}

/// The ABI a re-run of instruction `bytes` has: the only one.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn restarted_abi(_bytes: [u8; INSN_LEN], _number: u64) -> Abi {
    Abi::NATIVE
}

/// No vsyscall page on arm64.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn in_vsyscall_page(_addr: u64) -> bool {
    false
}

/// No vsyscall page on arm64.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn vsyscall_entry(_nr: u32) -> Option<u64> {
    None
}
