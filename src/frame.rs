//! The kernel's own layout of the signal frame's context (x86_64), which is not glibc's.
//!
//! The kernel's `struct ucontext` (`include/uapi/asm-generic/ucontext.h` with
//! `arch/x86/include/uapi/asm/sigcontext.h`) is 304 bytes: flags, link, the alternate stack,
//! the 256-byte `sigcontext` and an 8-byte signal mask; the frame's `siginfo` follows it
//! directly, then the XSAVE area that `sigcontext.fpstate` points to. glibc's `ucontext_t`
//! is 968 bytes (a 128-byte `sigset_t`, a copy of the FP registers and more), so a
//! `&mut libc::ucontext_t` made from a handler's context pointer overlaps the siginfo and
//! the XSAVE area. [`Ucontext`] is exactly what the kernel writes, and the only context type
//! the crate uses; `tests/kernel.rs` measures `info - ctx` in a live handler against its size.

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

/// An alternate signal stack as the kernel stores it (`stack_t`, 24 bytes on x86_64).
///
/// # Examples
///
/// ```
/// let s = sigsys::frame::SigStack { sp: 0x1000, flags: 0, size: 0x4000, ..Default::default() };
/// assert!(s.contains(0x5000) && !s.contains(0x1000));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct SigStack {
    /// Lowest address of the stack (`ss_sp`).
    pub sp: u64,
    /// `SS_ONSTACK`, `SS_DISABLE`, `SS_AUTODISARM` (`ss_flags`).
    pub flags: i32,
    /// Padding the kernel's layout has; kept as found.
    pub pad: u32,
    /// Size in bytes (`ss_size`).
    pub size: u64,
}

impl SigStack {
    /// The kernel's `__on_sig_stack`: `sp <= sp_top` and `sp > base` (the stack grows down,
    /// so a stack pointer at the very top is on it, one at the base is not).
    pub fn contains(&self, sp: u64) -> bool {
        sp > self.sp && sp.wrapping_sub(self.sp) <= self.size
    }
}

/// A set of signals as the kernel keeps it on x86_64: bit `n - 1` for signal `n` (1..=64).
///
/// # Examples
///
/// ```
/// use sigsys::frame::SigSet;
/// let mut set = SigSet::EMPTY;
/// set.insert(libc::SIGUSR1);
/// assert!(set.contains(libc::SIGUSR1) && !set.contains(libc::SIGSYS));
/// assert_eq!(set.bits(), 1 << (libc::SIGUSR1 - 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct SigSet(pub u64);

impl SigSet {
    /// No signal.
    pub const EMPTY: SigSet = SigSet(0);

    /// The bit of `sig`, or 0 outside 1..=64.
    pub const fn bit(sig: i32) -> u64 {
        match sig {
            1..=64 => 1u64 << (sig.wrapping_sub(1) as u32 & 63),
            _ => 0,
        }
    }

    /// The raw bits.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Whether `sig` is in the set.
    pub const fn contains(self, sig: i32) -> bool {
        self.0 & Self::bit(sig) != 0
    }

    /// Adds `sig` (signals outside 1..=64 are ignored).
    pub fn insert(&mut self, sig: i32) {
        self.0 |= Self::bit(sig);
    }

    /// Removes `sig`.
    pub fn remove(&mut self, sig: i32) {
        self.0 &= !Self::bit(sig);
    }
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

/// Size of the kernel's x86_64 `struct ucontext`: the frame's siginfo starts this many bytes
/// after the context.
pub const UCONTEXT_SIZE: usize = 304;

const _: () = assert!(core::mem::size_of::<Ucontext>() == UCONTEXT_SIZE);
const _: () = assert!(core::mem::size_of::<Sigcontext>() == 256);
const _: () = assert!(core::mem::size_of::<SigStack>() == 24);
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

    #[test]
    fn sigset_bits() {
        assert_eq!(SigSet::bit(0), 0);
        assert_eq!(SigSet::bit(65), 0);
        assert_eq!(SigSet::bit(64), 1 << 63);
        let mut s = SigSet(!0);
        s.remove(libc::SIGSYS);
        assert!(!s.contains(libc::SIGSYS) && s.contains(libc::SIGKILL));
    }
}
