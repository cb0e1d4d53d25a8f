//! What every architecture shares: the types of the contract in `mod.rs` ([`Site`],
//! [`RestartCode`]), and the layouts the kernel shares between the 64-bit architectures
//! (`include/uapi/asm-generic`): the alternate stack (`stack_t`) and the 64-signal mask an
//! architecture's `ucontext` carries. An architecture whose layout differs defines its own
//! instead of using these.

/// Where the interrupted code stands relative to the trapped instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// The usual case: the instruction pointer (RIP) is `si_call_addr`, just after the
    /// instruction.
    Instruction,
    /// The call came from the legacy vsyscall page (x86_64, seccomp only): RIP is the
    /// caller's return address and the stack has been popped. Emulate only; never rewind.
    Vsyscall,
    /// The number collided with a kernel restart code (-512 or -513) and the kernel's
    /// signal-delivery fix-up already moved RIP back to the instruction. Emulating puts
    /// RIP forward again.
    Rewound,
}

/// A call of one of the architecture's older ABIs without a counterpart in the native
/// table, which pass-through treats specially (on x86_64: i386's old-style signal calls and
/// `mmap2`). Each is the kernel's call of that name, with its i386 arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))] // no legacy ABI there
pub(crate) enum LegacyCall {
    /// `sigreturn()`: unwinds a frame of the old layout.
    Sigreturn,
    /// `sigprocmask(how, set, oldset)` on a 4-byte set.
    Sigprocmask,
    /// `sgetmask()`.
    Sgetmask,
    /// `ssetmask(newmask)`.
    Ssetmask,
    /// `signal(sig, handler)`.
    Signal,
    /// `sigaction(sig, act, oldact)` with the old-style action.
    Sigaction,
    /// `sigsuspend(int, int, mask)`: the mask is the value of the third argument.
    Sigsuspend,
    /// `mmap2(addr, len, prot, flags, fd, pgoff)`.
    Mmap2,
}

/// A kernel-internal restart code (`include/linux/errno.h`) that a trapped call's number
/// equals: the kernel's signal delivery treats the number register as a result carrying
/// it. The numbers are [`crate::consts::ERESTARTSYS`] and the three after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RestartCode {
    /// `-ERESTARTSYS`: `-EINTR`, or a rewind with `SA_RESTART`.
    Sys,
    /// `-ERESTARTNOINTR`: always a rewind.
    NoIntr,
    /// `-ERESTARTNOHAND`: `-EINTR` when a handler runs.
    NoHand,
    /// `-ERESTART_RESTARTBLOCK`: `-EINTR` when a handler runs.
    RestartBlock,
}

/// The gate's handler entry where the kernel honours `SA_RESTORER` (x86_64, aarch64): none
/// is needed, the handler is installed as it is and returns into the gate's restorer.
/// Returns the address to install (`handler`) and the handler an action naming the entry
/// meant before (none: 0). See `riscv64/gate.rs` for the architecture that needs one.
#[cfg(not(target_arch = "riscv64"))]
pub(crate) fn direct_entry(_signal: i32, handler: u64) -> (u64, u64) {
    (handler, 0)
}

/// The siginfo facts an architecture's `classify` checks the registers against, with the
/// architecture's `Abi` type.
#[derive(Clone, Copy, Debug)]
// The asm-generic classification needs only the number and the call address.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) struct Reported<A> {
    /// The ABI the siginfo names.
    pub(crate) abi: A,
    /// Raised by seccomp (not SUD).
    pub(crate) seccomp: bool,
    /// `si_call_addr`.
    pub(crate) call_addr: u64,
    /// `si_syscall`.
    pub(crate) nr: i32,
    /// The kernel restart code `-nr` is, if it is one.
    pub(crate) restart: Option<RestartCode>,
}

/// The kernel's `struct sigaction` where the architecture has `SA_RESTORER` (x86_64,
/// aarch64): handler, flags, restorer, mask.
#[cfg(not(target_arch = "riscv64"))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct KernelSigaction {
    /// Handler address (or `SIG_DFL` = 0, `SIG_IGN` = 1).
    pub handler: u64,
    /// `SA_*` flags.
    pub flags: u64,
    /// The restorer the kernel returns through.
    pub restorer: u64,
    /// Signals blocked while the handler runs (bit `n - 1` for signal `n`).
    pub mask: u64,
}

#[cfg(not(target_arch = "riscv64"))]
impl KernelSigaction {
    /// An action with these fields (the installer's constructor on every architecture: on
    /// those without `SA_RESTORER` the restorer is dropped).
    pub const fn new(handler: u64, flags: u64, restorer: u64, mask: u64) -> KernelSigaction {
        KernelSigaction {
            handler,
            flags,
            restorer,
            mask,
        }
    }

    /// The restorer (0 where the architecture has none).
    pub const fn restorer(&self) -> u64 {
        self.restorer
    }
}

#[cfg(not(target_arch = "riscv64"))]
const _: () = assert!(core::mem::size_of::<KernelSigaction>() == 32);

/// An alternate signal stack as the kernel stores it (`stack_t`, 24 bytes on 64-bit architectures).
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

/// A set of signals as the kernel keeps it (64 signals): bit `n - 1` for signal `n` (1..=64).
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

/// Size in bytes of the kernel's signal set (`sizeof(sigset_t)` as the kernel checks a
/// `sigsetsize` argument).
pub const SIGSET_SIZE: u64 = 8;

const _: () = assert!(core::mem::size_of::<SigStack>() == 24);
const _: () = assert!(core::mem::size_of::<SigSet>() as u64 == SIGSET_SIZE);

#[cfg(test)]
mod tests {
    use super::*;

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

/// The safecopy item of the contract for an architecture that has no copy routines yet:
/// `pub(crate) use super::common::no_safecopy as safecopy;` in its `mod.rs`. Every read
/// then goes through `process_vm_readv` ([`crate::mem::FastMemory`] is never fast and
/// [`crate::safecopy::fixup`] never claims a fault).
#[allow(dead_code)] // used by architectures without safecopy routines
pub(crate) mod no_safecopy {
    /// No copy routines on this architecture.
    pub(crate) const AVAILABLE: bool = false;

    /// Never called when [`AVAILABLE`] is false; copies nothing.
    ///
    /// # Safety
    ///
    /// None needed: nothing is accessed.
    pub(crate) unsafe fn copy(_dst: *mut u8, _src: *const u8, len: usize) -> usize {
        len
    }

    /// No instruction of this architecture is a safecopy fault site.
    pub(crate) fn fixup_pc(_pc: u64) -> Option<u64> {
        None
    }
}

/// The frame's alternate stack (64-bit architectures: the frame's own field).
#[cfg(not(target_arch = "arm"))]
pub(crate) fn altstack(u: &crate::arch::Ucontext) -> SigStack {
    u.stack
}

/// Replaces the frame's alternate stack.
#[cfg(not(target_arch = "arm"))]
pub(crate) fn set_altstack(u: &mut crate::arch::Ucontext, s: SigStack) {
    u.stack = s;
}

/// `rt_sigaction(signal, action, old)` through the gate, the action in the kernel's own
/// layout ([`crate::arch::KernelSigaction`] is it on the 64-bit architectures).
///
/// # Safety
///
/// As for `rt_sigaction(2)`: the handler and restorer must be valid code for the whole time
/// they are installed.
#[cfg(not(target_arch = "arm"))]
pub(crate) unsafe fn rt_sigaction(
    signal: i32,
    action: &crate::arch::KernelSigaction,
) -> Result<crate::arch::KernelSigaction, syscalls::Errno> {
    let mut old = crate::arch::KernelSigaction::default();
    // SAFETY: both structs are live and in the kernel's layout; the sigset size is the
    // kernel's; the caller answers for the action. (The arch's own gate: `crate::gate`
    // is built on this module.)
    let ret = unsafe {
        crate::arch::gate::syscall(
            crate::arch::Native::rt_sigaction.id() as u64,
            [
                signal as u64,
                core::ptr::from_ref(action) as u64,
                core::ptr::from_mut(&mut old) as u64,
                SIGSET_SIZE,
                0,
                0,
            ],
        )
    };
    syscalls::Errno::from_ret(ret as usize)?;
    Ok(old)
}
