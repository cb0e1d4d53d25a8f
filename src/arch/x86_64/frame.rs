//! The kernel's own layout of the signal frame's context (x86_64), which is not glibc's,
//! and of the action `rt_sigaction` takes.
//!
//! The kernel's `struct ucontext` (`include/uapi/asm-generic/ucontext.h` with
//! `arch/x86/include/uapi/asm/sigcontext.h`) is 304 bytes: flags, link, the alternate stack,
//! the 256-byte `sigcontext` and an 8-byte signal mask; the frame's `siginfo` follows it
//! directly, then the XSAVE area that `sigcontext.fpstate` points to. glibc's `ucontext_t`
//! is 968 bytes (a 128-byte `sigset_t`, a copy of the FP registers and more), so a
//! `&mut libc::ucontext_t` made from a handler's context pointer overlaps the siginfo and
//! the XSAVE area. [`Ucontext`] is exactly what the kernel writes, and the only context type
//! the crate uses; `tests/kernel.rs` measures `info - ctx` in a live handler against its size.

use crate::arch::common::{SigSet, SigStack};

/// The saved general-purpose registers (`struct sigcontext` of x86_64), by name.
///
/// The kernel restores all of them (and the flags, segment selectors and FPU state the
/// `fpstate` pointer names) at `rt_sigreturn`.
///
/// # Examples
///
/// ```
/// let regs = sigsys::frame::Sigcontext::default();
/// assert_eq!(core::mem::size_of_val(&regs), 256);
/// assert_eq!(regs.rax, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
#[allow(missing_docs)] // the registers are named as the kernel and the CPU name them
pub struct Sigcontext {
    pub r8: u64,
    pub r9: u64,
    pub r10: u64,
    pub r11: u64,
    pub r12: u64,
    pub r13: u64,
    pub r14: u64,
    pub r15: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rbp: u64,
    pub rbx: u64,
    pub rdx: u64,
    pub rax: u64,
    pub rcx: u64,
    pub rsp: u64,
    pub rip: u64,
    pub eflags: u64,
    pub cs: u16,
    pub gs: u16,
    pub fs: u16,
    pub ss: u16,
    pub err: u64,
    pub trapno: u64,
    pub oldmask: u64,
    pub cr2: u64,
    /// Address of the FPU/XSAVE state in the frame, or 0 when there is none.
    pub fpstate: u64,
    /// Reserved by the kernel.
    pub reserved1: [u64; 8],
}

/// The kernel's `struct ucontext` on x86_64: what a signal handler's third argument points
/// to.
///
/// # Examples
///
/// ```
/// let uc = sigsys::frame::Ucontext::default();
/// assert_eq!(core::mem::size_of_val(&uc), 304);
/// assert_eq!(uc.sigmask.bits(), 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Ucontext {
    /// `UC_FP_XSTATE`, `UC_SIGCONTEXT_SS`, `UC_STRICT_RESTORE_SS`.
    pub flags: u64,
    /// Unused by the kernel (`uc_link`).
    pub link: u64,
    /// The alternate stack in force when the signal arrived; `rt_sigreturn` restores it.
    pub stack: SigStack,
    /// The interrupted registers.
    pub mcontext: Sigcontext,
    /// The signal mask `rt_sigreturn` restores.
    pub sigmask: SigSet,
}

pub use crate::arch::common::KernelSigaction;

/// Size of the kernel's x86_64 `struct ucontext`: the frame's siginfo starts this many bytes
/// after the context.
pub const UCONTEXT_SIZE: usize = 304;

const _: () = assert!(core::mem::size_of::<Ucontext>() == UCONTEXT_SIZE);
const _: () = assert!(core::mem::size_of::<Sigcontext>() == 256);
const _: () = assert!(core::mem::offset_of!(Ucontext, mcontext) == 40);
const _: () = assert!(core::mem::offset_of!(Ucontext, sigmask) == 296);

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// The register offsets are glibc's `gregs` order (which is the kernel's sigcontext).
    #[test]
    fn registers_sit_where_glibc_puts_them() {
        let greg = |i: i32| offset_of!(libc::ucontext_t, uc_mcontext) + 8 * i as usize;
        let ours = |off: usize| offset_of!(Ucontext, mcontext) + off;
        for (off, idx) in [
            (offset_of!(Sigcontext, r8), libc::REG_R8),
            (offset_of!(Sigcontext, r10), libc::REG_R10),
            (offset_of!(Sigcontext, rdi), libc::REG_RDI),
            (offset_of!(Sigcontext, rbp), libc::REG_RBP),
            (offset_of!(Sigcontext, rbx), libc::REG_RBX),
            (offset_of!(Sigcontext, rax), libc::REG_RAX),
            (offset_of!(Sigcontext, rsp), libc::REG_RSP),
            (offset_of!(Sigcontext, rip), libc::REG_RIP),
            (offset_of!(Sigcontext, eflags), libc::REG_EFL),
            (offset_of!(Sigcontext, cs), libc::REG_CSGSFS),
            (offset_of!(Sigcontext, oldmask), libc::REG_OLDMASK),
            (offset_of!(Sigcontext, cr2), libc::REG_CR2),
        ] {
            assert_eq!(ours(off), greg(idx), "register {idx}");
        }
        assert_eq!(
            offset_of!(Ucontext, stack),
            offset_of!(libc::ucontext_t, uc_stack)
        );
        assert_eq!(offset_of!(Sigcontext, fpstate), 8 * 23);
    }
}
