//! riscv64: the one ABI a 64-bit RISC-V process traps with.
//!
//! - **ABI** ([`abi`]): `ecall`, `AUDIT_ARCH_RISCV64`.
//! - **Registers** ([`regs`]): number in a7, arguments a0..a5, result a0, pc, sp.
//! - **Instructions** ([`site`]): `ecall` (`0x00000073`), always 4 bytes.
//! - **Restart codes**: the kernel's signal-delivery fix-up reads a0, which at a trap holds
//!   the original first argument (`crate::arch::asm_generic::classify`).
//! - **Gate** ([`gate`]): an `ecall` exit, a restorer, the handler entry and the pass exit
//!   in one page-aligned block. riscv64 has no `SA_RESTORER`: the kernel returns a handler
//!   through the vDSO's `rt_sigreturn`, so the installer gives the kernel the gate's entry,
//!   which calls the handler and issues its `rt_sigreturn` from the gate
//!   ([`gate::entry_for`]).
//! - **Frame** ([`frame`]): the kernel's `ucontext` (mask at 40, registers at 176).
//! - **SUD**: the kernel has it, and does not exempt the vDSO's `rt_sigreturn` on riscv64
//!   (`arch_syscall_is_vdso_sigreturn` is `false` there); the handler entry returns from the
//!   gate, the allowed region, so the selector stays at BLOCK.
//! - **Table** ([`sysno`]): `syscalls::riscv64`, mapped to x86_64 by name.

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
pub(crate) use syscalls::riscv64::Sysno as Native;

/// What [`crate::consts`] re-exports.
pub(crate) mod public_consts {
    pub use super::consts::{AUDIT_ARCH_RISCV64, INSN_ECALL, SA_RESTORER};
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
    let is_clone = sysno == Some(AbiSysno::Riscv64(Native::clone));
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
