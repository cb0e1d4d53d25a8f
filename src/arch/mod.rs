//! What each architecture fulfils, and the one place that picks the architecture.
//!
//! The rest of the crate never names a register, an instruction or an ABI-specific
//! layout: it goes through the items re-exported here, which every architecture folder
//! (`src/arch/<arch>/`) provides under the same names. A new architecture is a new folder
//! with these items, and one more line in the selection below (and in `lib.rs`'s list of
//! supported targets). The `const` at the end of this file checks their signatures, so a
//! folder that misses one fails to build here, not in a user of it.
//!
//! # The contract
//!
//! **ABIs.** `Abi`: the system call ABIs a process of this architecture can trap with (on
//! x86_64: x86_64, i386 through `int $0x80`, x32), with `Abi::from_audit_arch(si_arch,
//! si_syscall)`, `audit_arch`, `name`, `table_number` (the number as the ABI's table knows
//! it), `rax_for` (the value the number register must hold), `is_compat` (32-bit
//! pointers and the kernel's compat layouts) and `is_ilp32` (32-bit registers and `long`s:
//! i386); `Abi::NATIVE` is the ABI of the gate's native exit, `Abi::ALL` every ABI.
//! `AbiSysno` names a number of any of these tables, with `to_x86_64`, the call of the
//! same meaning in the crate's vocabulary: [`Sysno`] is the x86_64 table on every
//! architecture (the largest; asm-generic names map to it by name), which `Syscall::is`
//! takes and the typed-argument layer and pass-through's routing are written in; `Native`
//! is the architecture's own table (`syscalls::<arch>::Sysno`), which the crate's own calls
//! use (`gate::sys` takes only it). `canonical_args(sysno, args)` puts arguments in the
//! x86_64 call's order and width (i386's split offsets joined; asm-generic `clone`'s `tls`
//! and `child_tid` swapped), `joins_offsets` says whether it joined any, `compat_only` names
//! a 32-bit-only call for the typed layer's own signatures. `legacy_call(sysno)` names the
//! calls of older ABIs that have no such counterpart but that pass-through must treat
//! specially ([`LegacyCall`]).
//!
//! **Registers.** `Regs`, the saved general-purpose registers, and the only functions that
//! read or write them: `number_reg`/`set_number_reg` (where the kernel leaves the number at
//! a trap), `set_ret` and `returned` (the result as the caller of an ABI reads it), `pc`,
//! `set_pc`, `sp`, `args(regs, abi)` and `set_args(regs, abi, args)` (each ABI's six
//! argument registers, read at the width the kernel reads them, written without touching
//! what the kernel keeps).
//!
//! **Instructions and restart.** `INSN_LEN`: the length of the (longest) system call
//! instruction; `insn_len(regs)` the length of the one that trapped (`INSN_LEN` but on ARM,
//! whose Thumb state has a 2-byte `svc`), which is how far `si_call_addr` lies past it and
//! how far a restart moves the instruction pointer back. `instruction(abi)` is that
//! instruction's encoding, and `instruction_serves(bytes, abi)` (the `insn_len` bytes) is
//! how a restart checks the bytes before the call address (a restart never runs anything that is not a system call instruction of the
//! call's ABI); `restarted_abi(bytes, number)` is what the kernel will take a re-run for.
//!
//! **Where the trap left the code.** `classify(reported, regs)` checks the number register
//! and the instruction pointer against the siginfo the way the kernel's signal delivery
//! leaves them, including its fix-up of numbers equal to a kernel restart code
//! ([`RestartCode`]), and returns the [`Site`]. [`Reported`] carries what it needs from the
//! siginfo, with the same fields on every architecture: `abi`, `seccomp`, `call_addr`,
//! `nr` (`si_syscall`) and `restart`.
//!
//! **The gate's exits** (`gate`): one block of the crate's machine code, page-aligned and
//! smaller than a page, holding a system call exit per instruction the ABIs use and the
//! `rt_sigreturn` restorer: `range()`, `restorer()`, `syscall(number, args)` (the native
//! exit) and `issue(abi, nr, args)` (the exit of `abi`). `entry_for(signal, handler)` is
//! the address the installer gives the kernel so that a handler returns from the gate, with
//! the handler an action naming that address meant before: the handler itself where the
//! kernel honours `SA_RESTORER` (x86_64, aarch64); on riscv64, which has none, the gate's
//! entry, which calls the handler and then issues `rt_sigreturn` from the gate.
//!
//! **The kernel's context layout.** `Ucontext` is the kernel's `struct ucontext` (never
//! libc's), with public fields `stack`, `mcontext` (`Regs`) and `sigmask` ([`SigSet`]);
//! `altstack(u)` / `set_altstack(u, s)` read and write its stack as a [`SigStack`] (ARM's
//! frame has a 12-byte one, `SigStack32`); `Sigcontext` is `Regs` by its public name; `UCONTEXT_SIZE` its size, which
//! is where the frame's siginfo starts. `KernelSigaction` is the kernel's `struct
//! sigaction` (built with `KernelSigaction::new`; on ARM the same 64-bit fields, which
//! `rt_sigaction(signal, action)` converts to the kernel's 20 bytes) and `SA_RESTORER` its
//! restorer flag (0 on riscv64), for the installer. x86_64's frame has the siginfo after the ucontext; aarch64's
//! and riscv64's have it 128 bytes before.
//!
//! **Layouts the generic layers read.** `STAT_OFFSETS` (`st_mode`, `st_rdev`, `st_size` in
//! the native `struct stat`), `STAT64_OFFSETS` (the same in the 32-bit ABI's `struct
//! stat64`: i386's, or ARM EABI's with 8-byte alignment), `EPOLL_EVENT` (the size of `struct epoll_event` and the
//! offset of its `data`: packed on x86_64 only), `SIGACTION_HAS_RESTORER` (riscv64 has no `sa_restorer`),
//! `MAP_32BIT` (compat scratch memory; 0 without compat).
//!
//! **Numbers.** The architecture's kernel numbers (`AUDIT_ARCH_*`, the x32 bit, the
//! instruction bytes, the vsyscall page) are defined in its `consts.rs` and re-exported by
//! [`crate::consts`] beside the arch-neutral ones.
//!
//! **SUD and vsyscall.** Syscall User Dispatch is armed with the gate as the allowed region
//! on every architecture that has it. `vsyscall_entry(nr)` gives the address at which the
//! kernel reports an emulated legacy vsyscall (x86_64 only; `None` elsewhere), a site that
//! can be answered but not re-run ([`Site::Vsyscall`]). `task_size(abi)`, `PAGE_SIZE` and
//! `MINSIGSTKSZ` are the memory facts the pass-through guards need.
//!
//! **Safecopy** (`safecopy`): the copy routine that reads and writes the own process's
//! memory at memory speed without a fault hurting it. `AVAILABLE` says whether the
//! architecture has one; `copy(dst, src, len)` copies and returns the bytes *not* copied,
//! and `fixup_pc(pc)` says where a SIGSEGV/SIGBUS at `pc` resumes when `pc` is the
//! routine's faulting instruction (the fix-up then returns the count left). The routine
//! is machine code in one known range of the crate's own code (on x86_64 one `rep movsb`,
//! `x86_64/safecopy.rs`). An architecture without one yet re-exports
//! `common::no_safecopy` (`AVAILABLE = false`): every read then falls back to
//! `process_vm_readv`, and nothing else changes.
//!
//! aarch64 and riscv64 share `asm_generic/` (the classification of a trap, whose restart
//! fix-up acts on the first argument there, the name map and the `Abi` macro); ARM
//! (`arm/`, the 32-bit `armv7-unknown-linux-gnueabihf` build, which also runs under arm64
//! kernels' compat layer) shares its classification and its gate's block.
//!
//! The gate's labels have the same names on every architecture: `gate_labels.rs` names its
//! parts (`range`, `own_range`, `pass_range`, `restorer`) once for all.
//!
//! What the architectures share is in `common.rs`: the layouts of the 64-bit
//! architectures (`stack_t`, the 64-signal set) and the contract's own types ([`Site`],
//! [`RestartCode`]).

#[cfg(any(target_arch = "aarch64", target_arch = "riscv64", target_arch = "arm"))]
pub(crate) mod asm_generic;
pub(crate) mod common;
pub(crate) mod gate_labels;

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "arm")]
mod arm;
#[cfg(target_arch = "aarch64")]
use self::aarch64 as imp;
#[cfg(target_arch = "arm")]
use self::arm as imp;
#[cfg(target_arch = "riscv64")]
mod riscv64;
#[cfg(target_arch = "riscv64")]
use self::riscv64 as imp;
#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
use self::x86_64 as imp;

#[cfg(not(target_arch = "arm"))]
pub(crate) use common::{altstack, rt_sigaction, set_altstack};
pub(crate) use common::{LegacyCall, RestartCode};
pub use common::{SigSet, SigStack, Site, SIGSET_SIZE};
#[cfg(target_arch = "arm")]
pub use imp::SigStack32;
#[cfg(target_arch = "arm")]
pub(crate) use imp::{altstack, insn_len, rt_sigaction, set_altstack, STAT64_OFFSETS};
pub(crate) use imp::{
    args, canonical_args, classify, compat_only, gate, in_vsyscall_page, instruction,
    instruction_serves, joins_offsets, legacy_call, number_reg, pc, public_consts, public_sysno,
    restarted_abi, returned, safecopy, set_args, set_number_reg, set_pc, set_ret, sp, task_size,
    vsyscall_entry, Native, Regs, Reported, EPOLL_EVENT, INSN_LEN, MAP_32BIT, MINSIGSTKSZ,
    PAGE_SIZE, SIGACTION_HAS_RESTORER, STAT_OFFSETS,
};
pub use imp::{Abi, AbiSysno, KernelSigaction, Sigcontext, Ucontext, UCONTEXT_SIZE};

/// The gate's restorer of the native ABI's old-style signal frame (`sigreturn`), where
/// programs use it (ARM: glibc's `signal` handlers); `None` elsewhere (x86_64's i386
/// `sigreturn` is refused by pass-through).
#[cfg(not(target_arch = "arm"))]
pub(crate) fn legacy_restorer() -> Option<u64> {
    None
}
#[cfg(target_arch = "arm")]
pub(crate) use imp::gate::legacy_restorer;

/// The call that maps anonymous memory at offset 0 for the crate's own pages: `mmap`
/// (ARM has only `mmap2`, whose offset counts pages: the same at 0).
#[cfg(not(target_arch = "arm"))]
pub(crate) const SYS_MMAP: Native = Native::mmap;
#[cfg(target_arch = "arm")]
pub(crate) const SYS_MMAP: Native = Native::mmap2;

/// The length of the instruction that trapped, from the saved registers: `INSN_LEN` on
/// every architecture but ARM, whose Thumb state has a 2-byte `svc`.
#[cfg(not(target_arch = "arm"))]
pub(crate) fn insn_len(_regs: &Regs) -> usize {
    INSN_LEN
}

/// The offsets of `st_mode`, `st_rdev` and `st_size` in the 32-bit ABI's `struct stat64`
/// (i386's, 4-byte aligned: `st_size` at 44; unused where no 32-bit ABI is served). ARM
/// EABI's is in `arm/mod.rs`.
#[cfg(not(target_arch = "arm"))]
pub(crate) const STAT64_OFFSETS: (usize, usize, usize) = (16, 32, 44);

/// The crate's vocabulary of call meanings, on every architecture: the x86_64 table (the
/// largest; every asm-generic call with an x86_64 counterpart maps to it by name).
/// [`crate::Syscall::is`] takes it and the typed-argument layer is written in it; the
/// crate's own calls use the native table ([`Native`]).
pub use syscalls::x86_64::Sysno;

/// The contract's signatures, checked for whichever architecture is selected.
const _: () = {
    assert!(INSN_LEN == crate::error::INSN_BYTES);
    let _: fn(u32, i32) -> Option<Abi> = Abi::from_audit_arch;
    let _: fn(Abi) -> u32 = Abi::audit_arch;
    let _: fn(Abi) -> &'static str = Abi::name;
    let _: fn(Abi, i32) -> u32 = Abi::table_number;
    let _: fn(Abi, u32) -> u64 = Abi::rax_for;
    let _: fn(Abi) -> bool = Abi::is_compat;
    let _: fn(Abi, u32) -> Option<AbiSysno> = AbiSysno::new;
    let _: fn(AbiSysno) -> Option<Sysno> = AbiSysno::to_x86_64;
    let _: fn(Abi) -> bool = Abi::is_ilp32;
    let _: &[Abi] = Abi::ALL;
    let _: fn(Option<AbiSysno>, [u64; 6]) -> [u64; 6] = canonical_args;
    let _: fn(Option<AbiSysno>) -> bool = joins_offsets;
    let _: fn(AbiSysno) -> Option<syscalls::x86::Sysno> = compat_only;
    let _: fn(AbiSysno) -> Option<LegacyCall> = legacy_call;
    let _: Abi = Abi::NATIVE;
    let _: fn(&Regs) -> u64 = number_reg;
    let _: fn(&mut Regs, u64) = set_number_reg;
    let _: fn(&mut Regs, u64) = set_ret;
    let _: fn(&Regs, Abi) -> i64 = returned;
    let _: fn(&Regs) -> u64 = pc;
    let _: fn(&mut Regs, u64) = set_pc;
    let _: fn(&Regs) -> u64 = sp;
    let _: fn(&Regs, Abi) -> [u64; 6] = args;
    let _: fn(&mut Regs, Abi, [u64; 6]) = set_args;
    let _: usize = INSN_LEN;
    let _: fn(Abi) -> [u8; INSN_LEN] = instruction;
    let _: fn(&[u8], Abi) -> bool = instruction_serves;
    let _: fn(&Regs) -> usize = insn_len;
    let _: fn([u8; INSN_LEN], u64) -> Abi = restarted_abi;
    let _: fn(Reported, &Regs) -> Result<Site, crate::error::DecodeError> = classify;
    let _: fn(Abi, bool, u64, i32, Option<RestartCode>) -> Reported =
        |abi, seccomp, call_addr, nr, restart| Reported {
            abi,
            seccomp,
            call_addr,
            nr,
            restart,
        };
    let _: fn(u32) -> Option<u64> = vsyscall_entry;
    let _: fn(u64) -> bool = in_vsyscall_page;
    let _: fn(Abi) -> u64 = task_size;
    let _: fn(&Ucontext) -> (SigStack, &Regs, &SigSet) = |u| (altstack(u), &u.mcontext, &u.sigmask);
    let _: fn(&mut Ucontext, SigStack) = set_altstack;
    let _: unsafe fn(i32, &KernelSigaction) -> Result<KernelSigaction, syscalls::Errno> =
        rt_sigaction;
    let _: (usize, usize, usize) = STAT64_OFFSETS;
    let _: (u64, u64, usize) = (PAGE_SIZE, MINSIGSTKSZ, UCONTEXT_SIZE);
    let _: fn() -> core::ops::Range<u64> = gate::range;
    let _: fn() -> u64 = gate::restorer;
    let _: fn() -> Option<u64> = legacy_restorer;
    let _: unsafe fn(u64, [u64; 6]) -> i64 = gate::syscall;
    let _: unsafe fn(Abi, u32, [u64; 6]) -> i64 = gate::issue;
    let _: fn(i32, u64) -> (u64, u64) = gate::entry_for;
    let _: bool = safecopy::AVAILABLE;
    let _: unsafe fn(*mut u8, *const u8, usize) -> usize = safecopy::copy;
    let _: fn(u64) -> Option<u64> = safecopy::fixup_pc;
};
