//! The handler entry: install a policy, a plain `fn(&mut Trap)`, instead of writing the
//! `extern "C"` signal handler yourself.
//!
//! [`install()`] stores the policy in a static and installs the crate's own `SA_SIGINFO`
//! entry for SIGSYS (through [`crate::install::install_handler`]: the gate's restorer,
//! `SA_NODEFER | SA_ONSTACK`). On every SIGSYS the entry
//!
//! 1. saves the thread's `errno`,
//! 2. decodes the signal ([`Trap::from_raw`]),
//! 3. calls the policy with the [`Trap`] if it decoded, or leaves the context alone and
//!    counts the signal ([`refused`]) if it did not,
//! 4. restores `errno`.
//!
//! What the policy leaves in the trap is what the interrupted code sees: a result
//! ([`Trap::set_return`], [`Trap::set_errno`]), a restart, or the call run for real
//! ([`Trap::pass_through`]). A policy that does none of these returns into the call site
//! with the number still in the return register: always answer.
//!
//! # Refused signals
//!
//! A SIGSYS that does not decode as a trap (sent with `kill`/`tgkill`/`sigqueue`, forged
//! with a siginfo that disagrees with the registers, a foreign architecture: every
//! [`DecodeError`]) is not handed to the policy. The entry returns at once without
//! touching the context, so the interrupted code goes on as if the signal had been
//! ignored; [`refused`] counts them. (SIGSYS's default action would dump core: a process
//! under this entry cannot be stopped with `kill -SYS`.) The few forgeries that match the
//! registers exactly cannot be told apart from a trap (see [`Trap::from_raw`]).
//!
//! # Why `install` is `unsafe`, and the policy is not
//!
//! The policy is ordinary safe Rust, with no `unsafe` of its own: a [`Trap`] can only act
//! on the context it borrows and on the call the interrupted code made. But it runs in a
//! signal handler, at any system call of any thread, possibly while that thread is inside
//! `malloc` or holds a lock; safe Rust can allocate, lock or print, and doing so there is
//! undefined behaviour or a deadlock. Nothing in the type system says "async-signal-safe",
//! so that promise is the one `unsafe` left ([`install()`]'s `# Safety`), as for
//! `signal_hook::low_level::register`. Everything in this crate that a policy calls is
//! async-signal-safe; of `std`, use nothing that allocates, locks or does I/O (write with
//! [`crate::io`] instead).
//!
//! # Stack
//!
//! The entry runs on the thread's alternate signal stack when it has one (`SA_ONSTACK`):
//! give every thread that may trap one with [`crate::install::use_altstack`] (16 KiB in
//! release builds; **64 KiB in debug builds** when the policy formats calls). Without one,
//! a Rust thread runs the handler on the small stack Rust's runtime installs for its
//! stack-overflow report, and a debug build of a formatting policy overflows it: the
//! process dies of a SIGSEGV with no message.
//!
//! # Examples
//!
//! ```
//! use sigsys::{handler, install, Errno, Sysno, Trap};
//!
//! fn policy(trap: &mut Trap) {
//!     if trap.syscall().is(Sysno::getppid) {
//!         trap.set_return(1); // emulate
//!     } else if trap.pass_through().is_err() {
//!         trap.set_errno(Errno::ENOSYS); // clone3, vfork... cannot run in a handler
//!     }
//! }
//!
//! install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice())).unwrap();
//! // SAFETY: `policy` only uses sigsys, which is async-signal-safe.
//! unsafe { handler::install(policy) }.unwrap();
//! // ... then install a filter (`sigsys::filter`) or arm SUD (`sigsys::sud`).
//! ```

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use syscalls::Errno;

#[allow(unused_imports)] // named by the docs
use crate::error::DecodeError;
use crate::install::{self, KernelSigaction};
use crate::trap::Trap;

/// A policy: what to do with one trapped call. A plain function pointer, so the entry
/// finds it without allocating or locking.
pub type Policy = fn(&mut Trap<'_>);

/// The installed policy, as a `fn` address (0: none).
static POLICY: AtomicUsize = AtomicUsize::new(0);

/// SIGSYS signals that did not decode as traps.
static REFUSED: AtomicU64 = AtomicU64::new(0);

/// Makes `policy` the process's SIGSYS handler: stores it, then installs the crate's entry
/// with [`install::install_handler`]; returns the action it replaced. Calling it again
/// replaces the policy (the entry stays).
///
/// # Safety
///
/// `policy` must be async-signal-safe: it runs inside a signal handler, at any trapped call
/// of any thread, which may be inside `malloc` or hold a lock. It must not allocate, lock,
/// or use `std`'s I/O (see the module docs); everything in this crate is fine.
///
/// # Errors
///
/// What `rt_sigaction` returned.
///
/// # Examples
///
/// ```
/// use sigsys::{handler, Errno, Trap};
/// fn deny_everything(trap: &mut Trap) {
///     trap.set_errno(Errno::EPERM);
/// }
/// // SAFETY: the policy only writes into the trap.
/// let old = unsafe { handler::install(deny_everything) }.unwrap();
/// assert_eq!(old.handler, 0); // SIG_DFL before
/// ```
pub unsafe fn install(policy: Policy) -> Result<KernelSigaction, Errno> {
    POLICY.store(policy as usize, Ordering::SeqCst);
    // The fallback memory reads' pid cache, filled in the process that installs (not by
    // `install_handler` itself, which `mem` builds on).
    crate::pid::init_pid_cache();
    // SAFETY: `entry` is async-signal-safe (decoding, atomics, errno) and the caller
    // promises the policy it calls is too.
    unsafe { install::install_handler(entry) }
}

/// How many SIGSYS signals the entry refused to hand to the policy since the process
/// started (sent by a process, forged, foreign: see the module docs).
///
/// # Examples
///
/// ```
/// assert_eq!(sigsys::handler::refused(), 0);
/// ```
pub fn refused() -> u64 {
    REFUSED.load(Ordering::Relaxed)
}

/// The entry the kernel calls.
extern "C" fn entry(_sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the thread's errno location is valid for the thread's whole life.
    let errno = unsafe { libc::__errno_location() };
    // SAFETY: as above; reading an int.
    let saved = unsafe { errno.read() };
    // SAFETY: the kernel passes this handler its siginfo and its own context, ours alone
    // until we return.
    match unsafe { Trap::from_raw(info, ctx) } {
        Ok(mut trap) => {
            let policy = POLICY.load(Ordering::SeqCst);
            if policy != 0 {
                // SAFETY: POLICY only ever holds 0 or a `Policy` stored by `install`.
                let policy: Policy = unsafe { core::mem::transmute::<usize, Policy>(policy) };
                policy(&mut trap);
            }
        }
        Err(_) => {
            REFUSED.fetch_add(1, Ordering::Relaxed);
        }
    }
    // SAFETY: as above; the interrupted code gets its errno back.
    unsafe { errno.write(saved) };
}
