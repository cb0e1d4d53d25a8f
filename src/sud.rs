//! Syscall User Dispatch with the gate as the allowed region.
//!
//! SUD is armed per thread, is cleared in every new thread and child process and on
//! `execve`, and raises SIGSYS for every system call made outside the allowed region while
//! the thread's selector byte says BLOCK. With the gate as the region, the crate's own calls
//! (pass-through, memory reads, the restorer's `rt_sigreturn`) are never dispatched.
//!
//! # The handler's return
//!
//! The kernel lets a call through when its pc lies in the region or the selector says
//! ALLOW, and on x86_64 also when it is the vDSO's `rt_sigreturn`
//! (`arch_syscall_is_vdso_sigreturn`). SUD has one region, so the handler's own
//! `rt_sigreturn` must leave from the gate too: with the gate's restorer where the kernel
//! honours `SA_RESTORER` (x86_64; aarch64 and arm, whose kernels have no SUD: arm64's
//! Debian kernels answer `EINVAL`, for compat tasks too, and a 32-bit ARM kernel has no
//! `GENERIC_ENTRY` either), and on
//! riscv64, which has no `SA_RESTORER` and whose kernel exempts no vDSO `rt_sigreturn`,
//! through the gate's handler entry that [`crate::install::install_handler`] installs
//! there: it calls the handler and issues `rt_sigreturn` itself, from the gate. The
//! selector stays at BLOCK throughout on every architecture; the program never runs with
//! it at ALLOW. A handler installed otherwise (libc's `sigaction`) returns through the
//! vDSO on riscv64: under SUD with the selector at BLOCK that return is dispatched again,
//! endlessly (observed: the process dies of SIGSEGV when the alternate stack runs out).
//! The other two ideas do not work there: one region cannot cover both the gate and the
//! vDSO (they are mapped apart, and a region spanning both would exempt whatever lies
//! between), and a handler that set ALLOW before returning would leave the program
//! unsupervised until something set BLOCK again.

use core::sync::atomic::{AtomicU8, Ordering};

use syscalls::Errno;

use crate::arch::Native as Sysno;
use crate::consts::{
    PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, PR_SYS_DISPATCH_ON,
    SYSCALL_DISPATCH_FILTER_ALLOW, SYSCALL_DISPATCH_FILTER_BLOCK,
};
use crate::gate;

/// The per-thread byte that switches SUD between BLOCK (trap) and ALLOW (let through).
///
/// The kernel reads it on every system call of the thread that armed SUD with it. Any value
/// other than ALLOW (0) and BLOCK (1) kills the process, so it is only ever set through
/// [`Selector::allow`] and [`Selector::block`]. Keep one per thread, for example in a
/// `thread_local!` with a `const` initialiser (no lazy initialisation, so it is safe to
/// touch from a signal handler).
///
/// # Examples
///
/// ```
/// use sigsys::sud::Selector;
/// thread_local! { static SELECTOR: Selector = const { Selector::new() }; }
/// SELECTOR.with(|s| {
///     assert!(!s.is_blocking());
///     s.block();
///     assert!(s.is_blocking());
///     s.allow();
/// });
/// ```
#[derive(Debug, Default)]
#[repr(transparent)]
pub struct Selector(AtomicU8);

impl Selector {
    /// A selector that lets calls through (ALLOW).
    pub const fn new() -> Selector {
        Selector(AtomicU8::new(SYSCALL_DISPATCH_FILTER_ALLOW))
    }

    /// Lets the thread's calls through. Do this first thing in a SUD handler that makes
    /// system calls outside the gate (libc calls, for example).
    pub fn allow(&self) {
        self.0
            .store(SYSCALL_DISPATCH_FILTER_ALLOW, Ordering::SeqCst);
    }

    /// Traps the thread's calls made outside the allowed region.
    pub fn block(&self) {
        self.0
            .store(SYSCALL_DISPATCH_FILTER_BLOCK, Ordering::SeqCst);
    }

    /// Whether the selector says BLOCK.
    pub fn is_blocking(&self) -> bool {
        self.0.load(Ordering::SeqCst) == SYSCALL_DISPATCH_FILTER_BLOCK
    }

    /// The address the kernel is told to read.
    pub fn as_ptr(&self) -> *const u8 {
        self.0.as_ptr()
    }

    /// Runs `f` with the selector at BLOCK, then puts back the value it had (also when `f`
    /// panics): the calls `f` makes outside the gate trap, those before and after do not.
    ///
    /// Not for use inside the SIGSYS handler (whose calls must not trap); with SUD armed on
    /// this selector ([`Armed`]) it scopes supervision to a piece of code.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::sud::Selector;
    /// static SELECTOR: Selector = Selector::new();
    /// let seen = SELECTOR.blocked(|| SELECTOR.is_blocking());
    /// assert!(seen && !SELECTOR.is_blocking());
    /// ```
    pub fn blocked<R>(&self, f: impl FnOnce() -> R) -> R {
        /// Puts the value back on every way out of `f`.
        struct Restore<'a>(&'a Selector, u8);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                (self.0).0.store(self.1, Ordering::SeqCst);
            }
        }
        let _restore = Restore(self, self.0.load(Ordering::SeqCst));
        self.block();
        f()
    }
}

/// Syscall User Dispatch armed on the calling thread with a `'static` selector; disarmed
/// (the selector first set to ALLOW) when dropped. Safe, unlike [`arm`]: a `'static`
/// selector outlives the arming by construction, which is all the kernel needs.
///
/// The guard belongs to the thread that armed (SUD is per thread), so it is neither `Send`
/// nor `Sync`. Give each thread its own selector (a `static` per thread, or
/// `Box::leak(Box::new(Selector::new()))`): a selector shared by two armed threads switches
/// both. Dropping the guard of a thread that has since called `execve` or had SUD disarmed
/// otherwise is harmless.
///
/// Selector at BLOCK with no SIGSYS handler installed kills the process at its next call
/// (the kernel's doing, not undefined behaviour): install the handler first
/// ([`crate::handler::install`]).
///
/// # Examples
///
/// ```
/// use sigsys::sud::{Armed, Selector};
/// static SELECTOR: Selector = Selector::new(); // ALLOW: nothing traps yet
/// # std::thread::spawn(|| {
/// let sud = Armed::new(&SELECTOR).expect("kernel without Syscall User Dispatch");
/// // ... SELECTOR.blocked(|| supervised_code()) ...
/// drop(sud); // disarmed
/// # }).join().unwrap();
/// ```
#[derive(Debug)]
pub struct Armed {
    selector: &'static Selector,
    /// Per thread: not `Send`, not `Sync`.
    _thread: core::marker::PhantomData<*const ()>,
}

impl Armed {
    /// Arms SUD for the calling thread with the gate as the allowed region and `selector`
    /// as the switch ([`arm`]); its current value takes effect at once.
    ///
    /// # Errors
    ///
    /// `EINVAL` when the kernel has no SUD (before 5.11, or built without it).
    pub fn new(selector: &'static Selector) -> Result<Armed, Errno> {
        // SAFETY: a `'static` selector stays valid until the thread exits or execs.
        unsafe { arm(selector) }?;
        Ok(Armed {
            selector,
            _thread: core::marker::PhantomData,
        })
    }

    /// The selector this thread is armed with.
    pub fn selector(&self) -> &'static Selector {
        self.selector
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        self.selector.allow();
        let _ = disarm();
    }
}

/// Arms SUD for the calling thread, with the gate as the allowed region and `selector` as
/// the switch. The selector's current value takes effect at once.
///
/// With a `'static` selector, [`Armed::new`] does the same safely and disarms on drop; this
/// `unsafe` form is for a selector that lives elsewhere (in a per-thread block of a
/// loader, say).
///
/// # Safety
///
/// `selector` must stay valid (not freed, not moved) until SUD is disarmed or the thread
/// exits or execs: the kernel reads it on every system call of this thread.
///
/// # Errors
///
/// `EINVAL` when the kernel has no SUD (before 5.11, or built without it).
///
/// # Examples
///
/// ```
/// use sigsys::sud::{self, Selector};
/// static SELECTOR: Selector = Selector::new(); // ALLOW: nothing traps yet
/// # std::thread::spawn(|| {
/// unsafe { sud::arm(&SELECTOR) }.expect("kernel without Syscall User Dispatch");
/// sud::disarm().unwrap();
/// # }).join().unwrap();
/// ```
pub unsafe fn arm(selector: &Selector) -> Result<(), Errno> {
    let gate = gate::range();
    // SAFETY: the region is our own code; the caller keeps the selector alive.
    unsafe {
        prctl_dispatch(
            PR_SYS_DISPATCH_ON,
            gate.start,
            gate.end.wrapping_sub(gate.start),
            selector.as_ptr() as u64,
        )
    }
}

/// Disarms SUD for the calling thread.
///
/// # Errors
///
/// `EINVAL` when the kernel has no SUD.
pub fn disarm() -> Result<(), Errno> {
    // SAFETY: turning dispatch off has no memory effects.
    unsafe { prctl_dispatch(PR_SYS_DISPATCH_OFF, 0, 0, 0) }
}

/// Whether this kernel offers SUD (arms and disarms it once on the calling thread, which
/// must not have it armed).
///
/// # Examples
///
/// ```
/// println!("SUD available: {}", sigsys::sud::is_supported());
/// ```
pub fn is_supported() -> bool {
    let probe = Selector::new();
    // SAFETY: disarmed again before `probe` goes out of scope.
    let armed = unsafe { arm(&probe) }.is_ok();
    armed && disarm().is_ok()
}

unsafe fn prctl_dispatch(mode: u64, start: u64, len: u64, selector: u64) -> Result<(), Errno> {
    let op = PR_SET_SYSCALL_USER_DISPATCH as u64;
    // SAFETY: forwarded contract; prctl reads no memory here.
    unsafe { gate::sys(Sysno::prctl, [op, mode, start, len, selector, 0]) }.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not armed, so BLOCK traps nothing: only the value is checked.
    #[test]
    fn blocked_puts_back_the_previous_value_also_when_f_panics() {
        let s = Selector::new();
        s.block();
        assert!(s.blocked(|| s.is_blocking()));
        assert!(s.is_blocking(), "BLOCK before the scope: BLOCK after it");
        s.allow();
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            s.blocked(|| panic!("inside the scope"))
        }));
        assert!(unwound.is_err());
        assert!(!s.is_blocking(), "ALLOW again after a panic inside");
    }
}
