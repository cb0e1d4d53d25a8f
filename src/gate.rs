//! The gate: the one block of this crate's machine code from which system calls are trusted.
//!
//! It holds two exits per system call instruction of the architecture (on x86_64 a
//! `syscall` gadget and an `int $0x80` gadget): the handler's own ([`own_range`]: the
//! crate's and the handler's calls, and the `rt_sigreturn` restorer) and the pass exits
//! ([`pass_range`]: the program's calls passed through, [`run`]), all in a single
//! page-aligned block smaller than a page, so that its address range
//! ([`range`]) can be named to the kernel: as the region Syscall User Dispatch lets through
//! ([`crate::sud`]), and as the instruction pointers a seccomp filter lets through
//! ([`crate::filter`]). Every system call this crate makes goes through it, so the crate's
//! own work is never trapped by the mechanisms it serves.
//!
//! The restorer is byte-for-byte the one unwinders recognise (on x86_64
//! `mov $15, %rax; syscall`), so debuggers can still walk back through a SIGSYS frame.
//! The machine code is the architecture's (`src/arch/<arch>/gate.rs`); this module is what
//! the rest of the crate and its users call.
//!
//! # What the gate protects against, and what it does not
//!
//! The gate is trusted **by position, not by caller**. Any code in the process can jump
//! into it (its address is in `/proc/self/maps` and the crate's symbols) and make any
//! system call unsupervised, including `prctl(PR_SET_SYSCALL_USER_DISPATCH, OFF)`, or
//! `seccomp` of a filter of its own.
//!
//! - It **does** keep supervision intact against accidents and against third-party code
//!   that does not look for it: libraries that make raw `syscall`s, JIT-compiled code,
//!   static binaries, a program's own signal handlers and their `rt_sigreturn`.
//! - It does **not** stand against code that searches memory for it, or that already runs
//!   with the process's privileges: that code can also read the selector, call the handler
//!   directly or forge a SIGSYS. A gate-prefixed filter supervises cooperative code (a
//!   tracer, an emulator, a compatibility layer); it is not a security boundary. For one,
//!   put the untrusted code in a separate process under a filter without any IP
//!   exemption (`SECCOMP_RET_ERRNO`, `SECCOMP_RET_USER_NOTIF`).
//!
//! **Narrowing it.** A handler that emulates (rather than passing the program's calls
//! through) issues only a few calls of its own from the gate: `rt_sigreturn` from the
//! restorer, `getpid` and `process_vm_readv` for memory reads, whatever it logs with.
//! [`crate::filter::gate_prefix_allowing`] lets through from the gate only those and
//! answers the rest with an action of your choice, so that a jump into the gate gains
//! little. (A pass-through supervisor cannot narrow it: what it passes through is whatever
//! the program calls.)

use crate::arch;
use crate::syscall::Syscall;

pub use crate::arch::gate::public::*;

/// Whether `ip` (a post-instruction address, as the kernel reports it) lies in the gate.
///
/// # Examples
///
/// ```
/// assert!(sigsys::gate::contains(sigsys::gate::restorer() + 2));
/// assert!(!sigsys::gate::contains(0));
/// ```
pub fn contains(ip: u64) -> bool {
    range().contains(&ip)
}

/// Issues `call` with its own ABI from the gate's pass exit ([`pass_range`]) and returns
/// RAX as the kernel leaves it. This is the exit for the program's calls a handler passes
/// through (`Trap::pass_through` uses it): a filter composed with
/// [`crate::filter::compose`] applies to them as to the program's own instructions, while
/// the handler's own calls ([`syscall`], [`int80`]) stay exempt.
///
/// # Safety
///
/// As for [`syscall`].
///
/// # Examples
///
/// ```
/// use sigsys::{Abi, Syscall};
/// let getpid = Syscall::new(Abi::I386, 20, [0; 6]);
/// assert_eq!(unsafe { sigsys::gate::run(&getpid) }, std::process::id() as i64);
/// ```
#[inline]
pub unsafe fn run(call: &Syscall) -> i64 {
    // SAFETY: forwarded contract.
    unsafe { arch::gate::issue(call.abi, call.nr, call.args) }
}

/// A call of the native ABI from the gate with the result split into value or errno, for
/// the crate's own use.
///
/// # Safety
///
/// As for [`syscall`].
pub(crate) unsafe fn sys(nr: arch::Native, args: [u64; 6]) -> Result<u64, syscalls::Errno> {
    // SAFETY: forwarded contract.
    let ret = unsafe { syscall(nr.id() as u64, args) };
    syscalls::Errno::from_ret(ret as usize).map(|v| v as u64)
}
