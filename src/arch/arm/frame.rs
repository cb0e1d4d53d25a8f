//! The kernel's own layout of the signal frame's context for an ARM (AArch32) process,
//! which is not glibc's, and of the action `rt_sigaction` takes.
//!
//! `arch/arm/include/asm/ucontext.h` (and arm64's `struct compat_ucontext`, which
//! `arch/arm64/kernel/signal32.c` writes for a compat task: the same bytes): flags, link,
//! the 12-byte alternate stack, then `uc_mcontext`, a `struct sigcontext`
//! (`arch/arm/include/uapi/asm/sigcontext.h`: `trap_no`, `error_code`, `oldmask`, r0 to
//! r10, fp, ip, sp, lr, pc, cpsr, `fault_address`, 32 bits each), then the 8-byte signal
//! mask padded to 128 bytes, then `uc_regspace` (the VFP state), aligned 8. As on arm64,
//! the frame (`struct compat_rt_sigframe`) has the siginfo first and the ucontext 128 bytes
//! after it. [`Ucontext`] is the prefix up to `uc_regspace`; [`UCONTEXT_SIZE`] the whole.

use crate::arch::common::{SigSet, SigStack};

/// The saved general-purpose registers (`struct sigcontext` of ARM), by name.
///
/// # Examples
///
/// ```
/// let regs = sigsys::frame::Sigcontext::default();
/// assert_eq!(core::mem::size_of_val(&regs), 84);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Sigcontext {
    /// The exception's trap number (`trap_no`).
    pub trap_no: u32,
    /// The fault's error code (`error_code`).
    pub error_code: u32,
    /// The old-style signal mask, low word (`oldmask`).
    pub oldmask: u32,
    /// r0 to r15: r11 is fp, r12 ip, r13 sp, r14 lr, r15 pc.
    pub regs: [u32; 16],
    /// The program status (`cpsr`: NZCV, the T bit 5 for Thumb state, IT state...).
    pub cpsr: u32,
    /// The faulting address of a memory fault, 0 otherwise.
    pub fault_address: u32,
}

/// An alternate signal stack as an ARM process's kernel stores it (`stack_t`, 12 bytes):
/// the frame's `uc_stack`. [`SigStack`] is the same in 64-bit fields, which is what
/// [`crate::Trap::altstack`] returns.
///
/// # Examples
///
/// ```
/// assert_eq!(core::mem::size_of::<sigsys::frame::SigStack32>(), 12);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct SigStack32 {
    /// Lowest address of the stack (`ss_sp`).
    pub sp: u32,
    /// `SS_ONSTACK`, `SS_DISABLE`, `SS_AUTODISARM` (`ss_flags`).
    pub flags: i32,
    /// Size in bytes (`ss_size`).
    pub size: u32,
}

/// The kernel's `struct ucontext` for an ARM process, up to `uc_regspace`: what a signal
/// handler's third argument points to.
///
/// # Examples
///
/// ```
/// use core::mem::offset_of;
/// use sigsys::frame::Ucontext;
/// assert_eq!(offset_of!(Ucontext, mcontext), 20);
/// assert_eq!(offset_of!(Ucontext, sigmask), 104);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Ucontext {
    /// `uc_flags`.
    pub flags: u32,
    /// Unused by the kernel (`uc_link`).
    pub link: u32,
    /// The alternate stack in force when the signal arrived; `rt_sigreturn` restores it.
    pub stack: SigStack32,
    /// The interrupted registers.
    pub mcontext: Sigcontext,
    /// The signal mask `rt_sigreturn` restores.
    pub sigmask: SigSet,
    /// The rest of the kernel's 128-byte mask space; kept as found.
    pub reserved: [u32; 30],
}

pub use crate::arch::common::KernelSigaction;

/// Size of the kernel's ARM `struct ucontext`, its 512-byte `uc_regspace` included.
pub const UCONTEXT_SIZE: usize = 744;

/// The frame's alternate stack, in 64-bit fields.
pub(crate) fn altstack(u: &Ucontext) -> SigStack {
    SigStack {
        sp: u64::from(u.stack.sp),
        flags: u.stack.flags,
        pad: 0,
        size: u64::from(u.stack.size),
    }
}

/// Replaces the frame's alternate stack (an ARM process's stack lies below 4 GiB: the
/// fields are cut to their 32 bits as the kernel's compat `sigaltstack` would store them).
pub(crate) fn set_altstack(u: &mut Ucontext, s: SigStack) {
    u.stack = SigStack32 {
        sp: s.sp as u32,
        flags: s.flags,
        size: s.size as u32,
    };
}

/// The kernel's `struct sigaction` of ARM (and arm64's `compat_sigaction`): handler,
/// flags, restorer, mask, 20 bytes.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
struct Sigaction32 {
    handler: u32,
    flags: u32,
    restorer: u32,
    mask: [u32; 2],
}

/// `rt_sigaction(signal, action, old)` through the gate, with the action converted to and
/// from the kernel's 32-bit layout.
///
/// # Safety
///
/// As for `rt_sigaction(2)`: the handler and restorer must be valid code for the whole time
/// they are installed.
pub(crate) unsafe fn rt_sigaction(
    signal: i32,
    action: &KernelSigaction,
) -> Result<KernelSigaction, syscalls::Errno> {
    let new = Sigaction32 {
        handler: action.handler as u32,
        flags: action.flags as u32,
        restorer: action.restorer as u32,
        mask: [action.mask as u32, (action.mask >> 32) as u32],
    };
    let mut old = Sigaction32::default();
    // SAFETY: both structs are live and in the kernel's layout; the sigset size is the
    // kernel's; the caller answers for the action. (The arch's own gate: `crate::gate`
    // is built on this module.)
    let ret = unsafe {
        super::gate::syscall(
            super::Native::rt_sigaction.id() as u64,
            [
                signal as u64,
                core::ptr::from_ref(&new) as u64,
                core::ptr::from_mut(&mut old) as u64,
                crate::arch::SIGSET_SIZE,
                0,
                0,
            ],
        )
    };
    syscalls::Errno::from_ret(ret as usize)?;
    let [lo, hi] = old.mask;
    Ok(KernelSigaction::new(
        u64::from(old.handler),
        u64::from(old.flags),
        u64::from(old.restorer),
        u64::from(lo) | (u64::from(hi) << 32),
    ))
}

const _: () = assert!(core::mem::size_of::<Sigcontext>() == 84);
const _: () = assert!(core::mem::size_of::<SigStack32>() == 12);
const _: () = assert!(core::mem::offset_of!(Ucontext, mcontext) == 20);
const _: () = assert!(core::mem::offset_of!(Ucontext, sigmask) == 104);
// `uc_regspace` (128 words, aligned 8) follows the padded mask.
const _: () = assert!(core::mem::size_of::<Ucontext>() + 512 == UCONTEXT_SIZE);
const _: () = assert!(core::mem::size_of::<Sigaction32>() == 20);

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
            offset_of!(Sigcontext, regs),
            offset_of!(libc::mcontext_t, arm_r0)
        );
        assert_eq!(
            offset_of!(Sigcontext, cpsr),
            offset_of!(libc::mcontext_t, arm_cpsr)
        );
        assert_eq!(core::mem::size_of::<libc::ucontext_t>(), UCONTEXT_SIZE);
    }
}
