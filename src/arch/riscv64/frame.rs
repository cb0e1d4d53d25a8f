//! The kernel's own layout of the signal frame's context on riscv64, which is not glibc's,
//! and of the action `rt_sigaction` takes.
//!
//! `arch/riscv/include/uapi/asm/ucontext.h`: flags, link, the alternate stack, the signal
//! mask padded to 128 bytes, then `uc_mcontext`, a `struct sigcontext`
//! (`arch/riscv/include/uapi/asm/sigcontext.h`: `struct user_regs_struct` — pc, then x1 to
//! x31 — and the FP state, aligned 16). As on arm64 the frame has the siginfo first and the
//! ucontext 128 bytes after it. [`Ucontext`] is the prefix up to the last integer register.

use crate::arch::common::{SigSet, SigStack};

/// The saved integer registers (`struct user_regs_struct`): `regs[0]` is the pc, `regs[n]`
/// is `x<n>` (ra = 1, sp = 2, a0 = 10 .. a7 = 17).
///
/// # Examples
///
/// ```
/// assert_eq!(core::mem::size_of::<sigsys::frame::Sigcontext>(), 256);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Sigcontext {
    /// pc, then x1 to x31.
    pub regs: [u64; 32],
}

/// The kernel's `struct ucontext` on riscv64, up to the end of the integer registers.
///
/// # Examples
///
/// ```
/// use core::mem::offset_of;
/// use sigsys::frame::Ucontext;
/// assert_eq!(offset_of!(Ucontext, mcontext), 176);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Ucontext {
    /// `uc_flags`.
    pub flags: u64,
    /// Unused by the kernel (`uc_link`).
    pub link: u64,
    /// The alternate stack in force when the signal arrived; `rt_sigreturn` restores it.
    pub stack: SigStack,
    /// The signal mask `rt_sigreturn` restores.
    pub sigmask: SigSet,
    /// The rest of the 128-byte mask space and the padding to 16; kept as found.
    pub reserved: [u64; 16],
    /// The interrupted registers.
    pub mcontext: Sigcontext,
}

/// The kernel's `struct sigaction` on riscv64: no `sa_restorer`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct KernelSigaction {
    /// Handler address (or `SIG_DFL` = 0, `SIG_IGN` = 1).
    pub handler: u64,
    /// `SA_*` flags.
    pub flags: u64,
    /// Signals blocked while the handler runs (bit `n - 1` for signal `n`).
    pub mask: u64,
}

impl KernelSigaction {
    /// An action with these fields; `restorer` is dropped (riscv64 has none).
    pub const fn new(handler: u64, flags: u64, _restorer: u64, mask: u64) -> KernelSigaction {
        KernelSigaction {
            handler,
            flags,
            mask,
        }
    }

    /// The restorer: 0, riscv64 has none.
    pub const fn restorer(&self) -> u64 {
        0
    }
}

/// Size of the kernel's riscv64 `struct ucontext`, the FP state included.
pub const UCONTEXT_SIZE: usize = 960;

const _: () = assert!(core::mem::offset_of!(Ucontext, sigmask) == 40);
const _: () = assert!(core::mem::offset_of!(Ucontext, mcontext) == 176);
const _: () = assert!(core::mem::size_of::<KernelSigaction>() == 24);

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// The offsets are glibc's `ucontext_t` (the kernel's here), `__gregs[0]` being the pc.
    #[test]
    fn registers_sit_where_glibc_puts_them() {
        assert_eq!(
            offset_of!(Ucontext, mcontext),
            offset_of!(libc::ucontext_t, uc_mcontext)
        );
        assert_eq!(
            offset_of!(Ucontext, sigmask),
            offset_of!(libc::ucontext_t, uc_sigmask)
        );
        assert_eq!(
            offset_of!(Ucontext, stack),
            offset_of!(libc::ucontext_t, uc_stack)
        );
        assert_eq!(core::mem::size_of::<libc::ucontext_t>(), UCONTEXT_SIZE);
    }
}
