//! Installing the SIGSYS handler and its alternate stack with raw system calls.
//!
//! libc's `sigaction` puts its own restorer (`__restore_rt`) in the kernel's sigaction, and
//! that restorer is outside the gate: under SUD its `rt_sigreturn` is itself dispatched
//! while the selector says BLOCK, and under a gate-prefixed filter it is trapped. The
//! installer here uses raw `rt_sigaction` with the gate's restorer instead (on riscv64,
//! which has no `SA_RESTORER`, with the gate's handler entry: [`install_handler`]).

use syscalls::Errno;

use crate::arch::Native as Sysno;
use crate::gate;

pub use crate::arch::public_consts::SA_RESTORER;
pub use crate::arch::KernelSigaction;
pub use crate::consts::SS_AUTODISARM;

/// The signature of an `SA_SIGINFO` handler.
pub type Handler = unsafe extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);

/// The flags [`install_handler`] uses: `SA_SIGINFO | SA_NODEFER | SA_ONSTACK | SA_RESTORER`.
///
/// `SA_NODEFER`, so that a system call trapped inside the handler (a nested trap) is
/// delivered instead of killing the process (SIGSYS is forced: blocked means death).
/// `SA_ONSTACK`, so that the handler runs on the alternate stack when one is set, never on
/// the interrupted code's red zone.
pub const HANDLER_FLAGS: u64 =
    libc::SA_SIGINFO as u64 | libc::SA_NODEFER as u64 | libc::SA_ONSTACK as u64 | SA_RESTORER;

/// Installs `handler` for SIGSYS with [`HANDLER_FLAGS`], the gate's restorer and an empty
/// mask; returns the action it replaced.
///
/// The handler returns from the gate, so that neither Syscall User Dispatch nor a
/// gate-prefixed filter sees its `rt_sigreturn`: through the gate's restorer where the
/// kernel honours `SA_RESTORER` (x86_64, aarch64). riscv64 has no `SA_RESTORER` (the kernel
/// returns every handler through the vDSO's `rt_sigreturn`), so there the action names the
/// gate's entry, which calls `handler` and then issues `rt_sigreturn` from the gate; the
/// action returned names the handler the entry called, when it was the entry.
///
/// The action is process-wide, but alternate stacks are per thread: give every thread that
/// may trap its own with [`set_altstack`]. Without one, the handler runs on the thread's
/// stack (below the red zone); with Rust's runtime it runs on the small per-thread stack
/// Rust installs for overflow reports, which a debug build of a formatting handler can
/// overflow.
///
/// [`crate::handler::install`] installs the crate's own entry around a `fn(&mut Trap)`
/// instead, with no `extern "C"` signature or raw decoding to write. Either way, give each
/// thread an alternate stack ([`use_altstack`]) before it traps: without one a debug build
/// dies of a silent SIGSEGV.
///
/// # Safety
///
/// `handler` must be async-signal-safe; it will run on any thread at any trapped call.
///
/// # Errors
///
/// What `rt_sigaction` returned.
///
/// # Examples
///
/// ```
/// extern "C" fn on_sigsys(_: i32, _: *mut libc::siginfo_t, _: *mut libc::c_void) {}
/// let old = unsafe { sigsys::install::install_handler(on_sigsys) }.unwrap();
/// assert_eq!(old.handler, 0); // SIG_DFL before
/// ```
pub unsafe fn install_handler(handler: Handler) -> Result<KernelSigaction, Errno> {
    let handler = handler as usize as u64;
    // Where the kernel has no SA_RESTORER (riscv64), the gate's entry calls the handler and
    // returns from the gate; elsewhere `installed` is `handler`.
    let (installed, before) = crate::arch::gate::entry_for(libc::SIGSYS, handler);
    let action = KernelSigaction::new(installed, HANDLER_FLAGS, gate::restorer(), 0);
    // SAFETY: forwarded contract.
    match unsafe { set_action(libc::SIGSYS, &action) } {
        Ok(mut old) => {
            if installed != handler && old.handler == installed {
                old.handler = before; // the entry meant the handler it called
            }
            Ok(old)
        }
        Err(e) => {
            let _ = crate::arch::gate::entry_for(libc::SIGSYS, before);
            Err(e)
        }
    }
}

/// Sets the kernel action of `signal` and returns the previous one, through the gate.
///
/// # Safety
///
/// As for `rt_sigaction(2)`: the handler and restorer must be valid code for the whole time
/// they are installed.
///
/// # Errors
///
/// What `rt_sigaction` returned (`EINVAL` for SIGKILL, SIGSTOP or a bad number).
///
/// # Examples
///
/// ```
/// use sigsys::install::{set_action, KernelSigaction};
/// // Ignore SIGUSR2, then put the old action back.
/// let ignore = KernelSigaction { handler: 1, ..Default::default() };
/// let old = unsafe { set_action(libc::SIGUSR2, &ignore) }.unwrap();
/// unsafe { set_action(libc::SIGUSR2, &old) }.unwrap();
/// ```
pub unsafe fn set_action(signal: i32, action: &KernelSigaction) -> Result<KernelSigaction, Errno> {
    // SAFETY: forwarded contract.
    unsafe { crate::arch::rt_sigaction(signal, action) }
}

/// Gives the calling thread `stack` as its alternate signal stack ([`set_altstack`], with
/// `SS_AUTODISARM`). Safe: the stack is borrowed mutably for the rest of the program, so
/// nothing but the kernel's signal delivery can ever use it, and it never goes away under
/// a running handler (a stack replaced later is simply no longer used).
///
/// Call it on every thread that may trap, before its first trap. Sizes: 16 KiB for a
/// release build; 64 KiB for a debug build whose handler formats calls (see the crate's
/// "Stack budget"). A thread without one runs the handler on Rust's own small
/// stack-overflow stack, and a debug build of a formatting handler overflows it: a silent
/// SIGSEGV.
///
/// # Errors
///
/// `ENOMEM` below `MINSIGSTKSZ`, `EPERM` when called on the alternate stack.
///
/// # Examples
///
/// ```
/// sigsys::install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice())).unwrap();
/// ```
pub fn use_altstack(stack: &'static mut [u8]) -> Result<(), Errno> {
    // SAFETY: `stack` is ours alone for the rest of the program (see above).
    unsafe { set_altstack(stack.as_mut_ptr(), stack.len()) }
}

/// Gives the calling thread the alternate signal stack `base..base + len`, with
/// `SS_AUTODISARM`. [`use_altstack`] is the safe form for a `&'static mut [u8]`.
///
/// A SIGSYS handler installed with [`install_handler`] then runs there, away from the
/// interrupted code's stack and its 128-byte red zone. See the crate docs for the stack
/// budget of the handler path.
///
/// `SS_AUTODISARM` makes the kernel disarm the stack while a handler runs on it and
/// restore it from the frame at `rt_sigreturn`. Without it, the kernel ignores a changed
/// `uc_stack` when the handler runs on the alternate stack, so a `sigaltstack` call of the
/// interrupted code could not be passed through. Nested signals inside the handler then
/// run on the handler's stack, below its frame.
///
/// # Safety
///
/// The memory must stay valid and unused by anything else while it is the alternate stack.
///
/// # Errors
///
/// `ENOMEM` below `MINSIGSTKSZ`, `EPERM` when called on the alternate stack.
///
/// # Examples
///
/// ```
/// let stack: &'static mut [u8] = Box::leak(vec![0u8; 64 * 1024].into_boxed_slice());
/// unsafe { sigsys::install::set_altstack(stack.as_mut_ptr(), stack.len()) }.unwrap();
/// ```
pub unsafe fn set_altstack(base: *mut u8, len: usize) -> Result<(), Errno> {
    let stack = libc::stack_t {
        ss_sp: base.cast(),
        ss_flags: SS_AUTODISARM,
        ss_size: len,
    };
    // SAFETY: `stack` is live for the call; the caller answers for the memory.
    unsafe {
        gate::sys(
            Sysno::sigaltstack,
            [core::ptr::from_ref(&stack) as u64, 0, 0, 0, 0, 0],
        )
    }
    .map(drop)
}
