//! aarch64: the one ABI a 64-bit arm64 process traps with, and everything the crate knows
//! about it at the register and instruction level.
//!
//! - **ABI** ([`abi`]): `svc #0`, `AUDIT_ARCH_AARCH64`. AArch32 compat calls
//!   (`AUDIT_ARCH_ARM`) come only from 32-bit processes, whose handlers run 32-bit code:
//!   an aarch64 build treats them as foreign.
//! - **Registers** ([`regs`]): number in x8, arguments x0..x5, result x0, pc, sp.
//! - **Instructions** ([`site`]): `svc #0` (`0xd4000001`), 4 bytes; `si_call_addr` is just
//!   past it, and a restart checks the 4 bytes before it before moving the pc back.
//! - **Restart codes**: the kernel's signal-delivery fix-up reads x0, which at a trap holds
//!   the original first argument (`crate::arch::asm_generic::classify`).
//! - **Gate** ([`gate`]): an `svc #0` exit, the `rt_sigreturn` restorer and the pass exit
//!   in one page-aligned block under 4 KiB; arm64 honours `SA_RESTORER`.
//! - **Frame** ([`frame`]): the kernel's `ucontext` (mask at 40, `sigcontext` at 176).
//! - **SUD**: the Debian arm64 kernels (6.1, 6.12) have none (`prctl` answers `EINVAL`:
//!   no `GENERIC_ENTRY`); [`crate::sud::arm`] would name the gate as the allowed region.
//! - **Table** ([`sysno`]): `syscalls::aarch64`, mapped to x86_64 by name.

pub(crate) mod abi;
pub(crate) mod consts;
pub(crate) mod frame;
pub(crate) mod gate;
pub(crate) mod regs;
pub(crate) mod site;
pub(crate) mod sysno;

pub(crate) use crate::arch::asm_generic::{EPOLL_EVENT, STAT_OFFSETS};
pub use abi::Abi;

/// No copy routine yet: every read of the own memory goes through `process_vm_readv`.
pub(crate) use super::common::no_safecopy as safecopy;
pub(crate) use consts::{INSN_LEN, MAP_32BIT, MINSIGSTKSZ, PAGE_SIZE, SIGACTION_HAS_RESTORER};
pub use frame::{KernelSigaction, Sigcontext, Ucontext, UCONTEXT_SIZE};
pub(crate) use regs::{
    args, number_reg, pc, returned, set_args, set_number_reg, set_pc, set_ret, sp, Regs,
};
pub(crate) use site::{
    classify, in_vsyscall_page, instruction, instruction_serves, restarted_abi, vsyscall_entry,
    Reported,
};
pub(crate) use sysno::legacy_call;
pub use sysno::AbiSysno;

/// The native table: the numbers the crate's own calls use.
pub(crate) use syscalls::aarch64::Sysno as Native;

/// What [`crate::consts`] re-exports.
pub(crate) mod public_consts {
    pub use super::consts::{AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, INSN_SVC, SA_RESTORER};
}

/// What [`crate::sysno`] re-exports.
pub(crate) mod public_sysno {
    pub use super::sysno::AbiSysno;
}

/// The end of the user address space.
pub(crate) const fn task_size(_abi: Abi) -> u64 {
    consts::TASK_SIZE_64
}

/// The arguments `args` of a call of `sysno` in the order of the x86_64 call of the same
/// meaning.
pub(crate) fn canonical_args(sysno: Option<AbiSysno>, args: [u64; 6]) -> [u64; 6] {
    let is_clone = sysno == Some(AbiSysno::Aarch64(Native::clone));
    crate::arch::asm_generic::canonical_args(is_clone, args)
}

/// Whether `sysno` has 64-bit offsets split over two registers: never on a 64-bit ABI.
pub(crate) fn joins_offsets(_sysno: Option<AbiSysno>) -> bool {
    false
}

/// The 32-bit-only call `sysno` is, for the typed layer's i386-only signatures: none here.
pub(crate) fn compat_only(_sysno: AbiSysno) -> Option<syscalls::x86::Sysno> {
    None
}
