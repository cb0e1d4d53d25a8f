//! The kernel's own layout of the signal frame's context on arm64, which is not glibc's,
//! and of the action `rt_sigaction` takes.
//!
//! `arch/arm64/include/uapi/asm/ucontext.h`: flags, link, the alternate stack, the signal
//! mask padded to 128 bytes (for a future 1024-bit `sigset_t`), then `uc_mcontext`, a
//! `struct sigcontext` (`arch/arm64/include/uapi/asm/sigcontext.h`: `fault_address`,
//! `regs[31]`, `sp`, `pc`, `pstate`, then `__reserved[4096]` aligned 16, which holds the
//! FP/SIMD and extension records). Unlike x86_64's, the arm64 frame (`struct rt_sigframe`)
//! has the siginfo first and the ucontext 128 bytes after it. [`Ucontext`] is the part of
//! the kernel's struct the crate reads and writes, up to `pstate`: a prefix of what the
//! kernel wrote, so a reference to it stays inside the frame; [`UCONTEXT_SIZE`] is the
//! whole struct.

use crate::arch::common::{SigSet, SigStack};

/// The saved general-purpose registers (`struct sigcontext` of arm64 without its
/// `__reserved` records), by name.
///
/// # Examples
///
/// ```
/// let regs = sigsys::frame::Sigcontext::default();
/// assert_eq!(core::mem::size_of_val(&regs), 280);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Sigcontext {
    /// The faulting address of a memory fault (`FAR_EL1`), 0 otherwise.
    pub fault_address: u64,
    /// x0 to x30 (x30 is the link register).
    pub regs: [u64; 31],
    /// The stack pointer.
    pub sp: u64,
    /// The program counter.
    pub pc: u64,
    /// The processor state (`SPSR_EL1`: NZCV, DAIF, ...).
    pub pstate: u64,
}

/// The kernel's `struct ucontext` on arm64, up to the end of the registers: what a signal
/// handler's third argument points to.
///
/// # Examples
///
/// ```
/// use core::mem::offset_of;
/// use sigsys::frame::Ucontext;
/// assert_eq!(offset_of!(Ucontext, sigmask), 40);
/// assert_eq!(offset_of!(Ucontext, mcontext), 176);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Ucontext {
    /// Unused by arm64 (`uc_flags`).
    pub flags: u64,
    /// Unused by the kernel (`uc_link`).
    pub link: u64,
    /// The alternate stack in force when the signal arrived; `rt_sigreturn` restores it.
    pub stack: SigStack,
    /// The signal mask `rt_sigreturn` restores.
    pub sigmask: SigSet,
    /// The rest of the kernel's 128-byte mask space, and the padding that aligns
    /// `uc_mcontext` to 16; kept as found.
    pub reserved: [u64; 16],
    /// The interrupted registers.
    pub mcontext: Sigcontext,
}

pub use crate::arch::common::KernelSigaction;

/// Size of the kernel's arm64 `struct ucontext`, its 4096-byte `__reserved` area included.
pub const UCONTEXT_SIZE: usize = 4560;

const _: () = assert!(core::mem::size_of::<Sigcontext>() == 280);
const _: () = assert!(core::mem::offset_of!(Ucontext, sigmask) == 40);
const _: () = assert!(core::mem::offset_of!(Ucontext, mcontext) == 176);
// The reserved area starts at the next 16-byte boundary after `pstate`.
const _: () = assert!(core::mem::size_of::<Ucontext>() + 8 + 4096 == UCONTEXT_SIZE);

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// The offsets are glibc's `ucontext_t` / `mcontext_t` (which are the kernel's here).
    #[test]
    fn registers_sit_where_glibc_puts_them() {
        let mc = offset_of!(libc::ucontext_t, uc_mcontext);
        assert_eq!(offset_of!(Ucontext, mcontext), mc);
        assert_eq!(
            offset_of!(Ucontext, stack),
            offset_of!(libc::ucontext_t, uc_stack)
        );
        assert_eq!(
            offset_of!(Ucontext, sigmask),
            offset_of!(libc::ucontext_t, uc_sigmask)
        );
        assert_eq!(
            mc + offset_of!(Sigcontext, pc),
            mc + offset_of!(libc::mcontext_t, pc)
        );
        assert_eq!(
            offset_of!(Sigcontext, regs),
            offset_of!(libc::mcontext_t, regs)
        );
        assert_eq!(offset_of!(Sigcontext, sp), offset_of!(libc::mcontext_t, sp));
        assert_eq!(core::mem::size_of::<libc::ucontext_t>(), UCONTEXT_SIZE);
    }
}
