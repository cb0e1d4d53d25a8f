//! Pass-through: running the trapped call for real, from the gate, inside the handler.
//!
//! Most calls behave the same whether issued by the interrupted code or by its handler.
//! Those that do not are routed here ([`route`]), each for a stated reason:
//!
//! - **Refused** ([`PassError::Unsafe`]): calls that switch stacks or return twice into
//!   shared memory. `clone` with a new stack, `CLONE_VM` or `CLONE_VFORK`, `clone3` and
//!   `vfork` would start the child inside the handler's frame; `rt_sigreturn` and i386
//!   `sigreturn` would unwind the handler's own frame. Restart or emulate those.
//! - **Acting on the frame** (`frame.rs`): `rt_sigprocmask`, and i386 `sigprocmask`,
//!   `sgetmask` and `ssetmask`, read and change the mask saved in the frame, because
//!   `rt_sigreturn` restores the mask from there: a change made to the thread's live mask
//!   would be undone on return. `sigaltstack` reads and changes the frame's alternate stack
//!   for the same reason. The kernel applies that only when the handler's alternate stack
//!   has `SS_AUTODISARM` (as [`crate::install::set_altstack`] sets it) or the handler does
//!   not run on it; otherwise [`PassError::AltStackInUse`].
//! - **SIGSYS never blocked** (`masks.rs`): a trap while SIGSYS is blocked kills the process,
//!   so, as the kernel treats SIGKILL and SIGSTOP, SIGSYS is taken out of every mask a
//!   passed-through call gives the kernel: the frame's mask (above), the `sa_mask` of
//!   `rt_sigaction` and i386 `sigaction`, and the temporary masks of `rt_sigsuspend`, i386
//!   `sigsuspend`, `ppoll`, `pselect6`, `epoll_pwait`, `epoll_pwait2`, `io_pgetevents` and
//!   `io_uring_enter`. A mask given by pointer is copied (the caller's memory is never
//!   written); the copy is made only when the mask holds SIGSYS.
//! - **Refused** ([`PassError::HandlerStack`], `guard.rs`): `munmap`, `mremap`, `mprotect`
//!   removing access, destructive `madvise` and `mmap` with `MAP_FIXED` over the memory the
//!   handler runs on, when the kernel would really act on that range (a call the kernel
//!   refuses for its arguments is passed on, so the caller gets the kernel's error).
//! - **Refused** ([`PassError::SigsysHandler`]): `rt_sigaction`, i386 `sigaction` and
//!   `signal` for SIGSYS, which would replace the running handler.
//! - **Exec** ([`PassError::Exec`]): see [`Trap::pass_through_exec`].
//!
//! Every argument a route decision reads is read at the width the kernel reads it
//! ([`Syscall::arg_int`] for an `int`). Everything else is issued as it is, with the
//! caller's ABI.

mod frame;
mod guard;
mod masks;

use crate::abi::Abi;
use crate::arch::{self, LegacyCall, Sysno as S};
use crate::error::PassError;
use crate::gate;
use crate::syscall::Syscall;
use crate::trap::Trap;

/// How a call is passed through.
enum Route {
    Refuse,
    /// Return through the gate's restorer at this address.
    Sigreturn(u64),
    SigsysAction,
    FrameMask {
        old_style: bool,
    },
    OldMask {
        set: bool,
    },
    FrameAltStack,
    Exec,
    Remap,
    Mask(masks::MaskArg),
    Direct,
}

/// The route of `call`: one row per call that needs more than being issued as it is.
fn route(call: &Syscall) -> Route {
    use masks::MaskArg;
    use LegacyCall as L;
    let sigsys = call.arg_int(0) == libc::SIGSYS;
    let new_action = call.args[1] != 0;
    if let Some(legacy) = call.sysno().and_then(arch::legacy_call) {
        match legacy {
            L::Sigreturn => return arch::legacy_restorer().map_or(Route::Refuse, Route::Sigreturn),
            L::Sigprocmask => return Route::FrameMask { old_style: true },
            L::Sgetmask => return Route::OldMask { set: false },
            L::Ssetmask => return Route::OldMask { set: true },
            L::Signal if sigsys => return Route::SigsysAction,
            L::Signal => {}
            L::Sigaction if sigsys && new_action => return Route::SigsysAction,
            L::Sigaction => return Route::Mask(MaskArg::OldSigaction),
            L::Sigsuspend => return Route::Mask(MaskArg::Value { index: 2 }),
            L::Mmap2 => return Route::Remap,
        }
    }
    match call.canonical() {
        Some(S::rt_sigreturn) if call.abi == Abi::NATIVE => Route::Sigreturn(gate::restorer()),
        Some(S::rt_sigreturn | S::vfork | S::clone3) => Route::Refuse,
        Some(S::rt_sigaction) if sigsys && new_action => Route::SigsysAction,
        Some(S::rt_sigaction) => Route::Mask(MaskArg::Sigaction),
        Some(S::clone) if guard::clone_shares_stack(call.args) => Route::Refuse,
        Some(S::rt_sigprocmask) => Route::FrameMask { old_style: false },
        Some(S::sigaltstack) => Route::FrameAltStack,
        Some(S::execve | S::execveat) => Route::Exec,
        Some(S::munmap | S::mremap | S::mprotect | S::madvise | S::mmap) => Route::Remap,
        Some(S::rt_sigsuspend) => Route::Mask(MaskArg::Ptr { ptr: 0, size: 1 }),
        Some(S::ppoll) => Route::Mask(MaskArg::Ptr { ptr: 3, size: 4 }),
        Some(S::epoll_pwait | S::epoll_pwait2) => Route::Mask(MaskArg::Ptr { ptr: 4, size: 5 }),
        Some(S::pselect6 | S::io_pgetevents) => Route::Mask(MaskArg::Indirect { arg: 5 }),
        Some(S::io_uring_enter) => Route::Mask(MaskArg::IoUring),
        _ => Route::Direct,
    }
}

impl Trap<'_> {
    /// Runs the trapped call for real through the gate and writes its result into the
    /// context, as if the kernel had let it through; returns the result.
    ///
    /// Works for seccomp and SUD alike, and for all three ABIs: the call leaves from the
    /// gate, which the gate-prefixed filter ([`crate::filter::gate_prefix`]) and the
    /// gate-armed SUD ([`crate::sud::arm`]) both let through.
    ///
    /// Calls that would act differently from inside a handler are treated so that the
    /// interrupted code sees what it would have seen (the module `pass` has the list):
    ///
    /// - `rt_sigprocmask` (and i386 `sigprocmask`, `sgetmask`, `ssetmask`) act on the mask
    ///   saved in the frame, which `rt_sigreturn` restores;
    /// - SIGSYS is never blocked, as the kernel never blocks SIGKILL and SIGSTOP: it is
    ///   taken out of the frame's mask, of `sa_mask` in `rt_sigaction`/`sigaction`, and of
    ///   the temporary masks of `rt_sigsuspend`, `sigsuspend`, `ppoll`, `pselect6`,
    ///   `epoll_pwait`, `epoll_pwait2`, `io_pgetevents` and `io_uring_enter` (a copy is
    ///   passed; the caller's memory is not written);
    /// - `sigaltstack` changes the alternate stack saved in the frame;
    /// - an x86_64 `rt_sigreturn` (libc's restorer returning from one of the program's own
    ///   signal handlers, which traps like any call outside the gate) is redirected to the
    ///   gate's restorer: the handler returns into it with the program's stack pointer, and
    ///   it performs the `rt_sigreturn` from the gate. Nothing is written to RAX and
    ///   `Ok(0)` is returned (the call does not return to its caller). On ARM a native
    ///   `sigreturn` (glibc's restorer of a handler installed without `SA_SIGINFO`) goes the
    ///   same way, to the gate's `sigreturn` restorer.
    ///
    /// # Errors
    ///
    /// The context is left untouched, and the caller decides (emulate, or restart):
    ///
    /// - [`PassError::NotLive`]: the trap was built with [`Trap::new`];
    /// - [`PassError::Unsafe`]: `clone` with a new stack, `CLONE_VM` or `CLONE_VFORK`,
    ///   `clone3`, `vfork`, i386 and x32 `rt_sigreturn`, i386 `sigreturn`: they would start
    ///   a child in, or unwind, the handler's own frame;
    /// - [`PassError::HandlerStack`]: `munmap`, `mremap` (its source, and its target with
    ///   `MREMAP_FIXED`), `mprotect` taking away read or write access, a destructive
    ///   `madvise` (`MADV_DONTNEED`, `MADV_FREE`, `MADV_REMOVE`, ...), `mmap`/i386 `mmap2`
    ///   with `MAP_FIXED` over the stack the handler runs on;
    /// - [`PassError::SigsysHandler`]: `rt_sigaction`, i386 `sigaction` or `signal`
    ///   installing an action for SIGSYS, which would replace the running handler;
    /// - [`PassError::AltStackInUse`]: `sigaltstack` while the handler runs on an
    ///   alternate stack without `SS_AUTODISARM` (the kernel would drop the change);
    /// - [`PassError::Exec`]: `execve` and `execveat`, see [`Trap::pass_through_exec`];
    /// - [`PassError::NoScratch`]: an i386 or x32 call whose mask had to be copied, with no
    ///   memory below 4 GiB to copy it to.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{testing::Frame, PassError, Syscall};
    /// use syscalls::x86_64::Sysno;
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [0; 6]));
    /// // A frame built by a test is not the kernel's: its call is not made for real...
    /// assert_eq!(frame.trap().unwrap().pass_through(), Err(PassError::NotLive));
    /// // ...unless the test vouches for it (getpid has no effects).
    /// // SAFETY: getpid has no arguments and no effect.
    /// let mut trap = unsafe { frame.trap_live() }.unwrap();
    /// assert_eq!(trap.pass_through(), Ok(std::process::id() as i64));
    /// assert_eq!(frame.outcome().returned(), Some(std::process::id() as i64));
    /// ```
    pub fn pass_through(&mut self) -> Result<i64, PassError> {
        let call = self.syscall();
        match route(&call) {
            Route::Exec => Err(PassError::Exec),
            route => self.pass_routed(call, route),
        }
    }

    /// Runs `call` instead of the trapped call, for real, from the gate, and writes its
    /// result into the context: the interrupted code sees `call`'s result as the result of
    /// its own call. `call` goes through the same routes and refusals as
    /// [`Trap::pass_through`] (its mask arguments are kept free of SIGSYS, a `clone` with a
    /// new stack is refused, ...), with the interrupted code's frame.
    ///
    /// This is how to rewrite a call: unlike [`Trap::restart_with`], the caller's argument
    /// registers are left as they were (only the return register changes, as when the
    /// kernel runs a call), arguments may point into the handler's own stack (they are
    /// used before the handler returns), and nothing has to let a re-executed call
    /// through: under SUD the selector stays at BLOCK, under seccomp no tag is needed.
    ///
    /// # Safety
    ///
    /// `call` is made for real with its arguments as given: its pointers must be valid for
    /// what the call does with them (the kernel reads and writes there), as if the
    /// interrupted code had made it. Pointers taken from the trapped call itself are the
    /// interrupted code's own business; a pointer to the handler's own memory must stay
    /// valid until this returns, and memory the call writes must not be behind a live
    /// shared reference.
    ///
    /// # Errors
    ///
    /// As [`Trap::pass_through`] for `call` ([`PassError::Exec`] for `execve`/`execveat`).
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{testing::Frame, Syscall, Sysno};
    /// // A trapped getppid, answered by running getpid instead.
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getppid, [0; 6]));
    /// // SAFETY: getpid and getppid have no arguments and no effect.
    /// let mut trap = unsafe { frame.trap_live() }.unwrap();
    /// let getpid = Syscall::x86_64(Sysno::getpid, [0; 6]);
    /// // SAFETY: getpid has no arguments.
    /// assert_eq!(unsafe { trap.pass_through_with(getpid) }, Ok(std::process::id() as i64));
    /// assert_eq!(frame.outcome().returned(), Some(std::process::id() as i64));
    /// ```
    pub unsafe fn pass_through_with(&mut self, call: Syscall) -> Result<i64, PassError> {
        match route(&call) {
            Route::Exec => Err(PassError::Exec),
            route => self.pass_routed(call, route),
        }
    }

    /// Runs a trapped `execve` or `execveat` for real (as [`Trap::pass_through`] runs other
    /// calls), after installing the frame's signal mask on the thread, so that the new
    /// image starts with the mask the program had and not the handler's. On success it
    /// does not return: the image is replaced. On failure the error is written into the
    /// context and returned as for any call.
    ///
    /// What follows the exec is the caller's choice, which is why
    /// [`Trap::pass_through`] refuses exec ([`PassError::Exec`]):
    ///
    /// - a **seccomp** filter survives exec but the handler does not: the new image dies of
    ///   SIGSYS at its first trapped call, unless it installs a handler of its own before
    ///   that call (a preload library's constructor, or a loader, as `sigsys-trace` does),
    ///   or the filter lets the new image's calls through;
    /// - **Syscall User Dispatch** ends at exec: the new image runs unintercepted.
    ///
    /// Calls other than `execve`/`execveat` are passed through as by
    /// [`Trap::pass_through`].
    ///
    /// # Errors
    ///
    /// As [`Trap::pass_through`], without [`PassError::Exec`].
    pub fn pass_through_exec(&mut self) -> Result<i64, PassError> {
        let call = self.syscall();
        self.pass_routed(call, route(&call))
    }

    /// Issues `call` (the trapped call, or the one [`Trap::pass_through_with`] was given)
    /// along `route`, with this trap's frame.
    fn pass_routed(&mut self, call: Syscall, route: Route) -> Result<i64, PassError> {
        if !self.is_live() {
            return Err(PassError::NotLive);
        }
        let ret = match route {
            Route::Refuse => return Err(PassError::Unsafe),
            Route::SigsysAction => return Err(PassError::SigsysHandler),
            Route::Sigreturn(restorer) => {
                self.redirect_to_gate_restorer(restorer);
                return Ok(0);
            }
            Route::FrameMask { old_style } => {
                frame::errno_ret(self.frame_sigprocmask(&call, old_style))
            }
            Route::OldMask { set } => self.frame_old_mask(&call, set),
            Route::FrameAltStack => frame::errno_ret(self.frame_sigaltstack(&call)?),
            Route::Remap if guard::hits_handler_stack(&call, &self.altstack()) => {
                return Err(PassError::HandlerStack)
            }
            Route::Exec => {
                self.install_frame_mask();
                // SAFETY: the call is the interrupted code's own, issued as it would have
                // been (the trap is live; or one the caller of `pass_through_with` answers
                // for as if it were); on success the image is replaced, on failure we
                // return normally.
                unsafe { gate::run(&call) }
            }
            Route::Mask(arg) => {
                let mut scratch = masks::Scratch::new();
                let issued = masks::without_sigsys(&call, arg, &mut scratch)?;
                // SAFETY: the interrupted code's own call (the trap is live; or one vouched
                // for by the caller of `pass_through_with`), with a mask
                // pointer at most replaced by one to a copy in `scratch`, which lives
                // until after the call.
                unsafe { gate::run(&issued) }
            }
            // SAFETY: as above; `route` has kept out the calls that would return into the
            // handler's frame on another stack or twice, or pull its stack away.
            Route::Direct | Route::Remap => unsafe { gate::run(&call) },
        };
        self.set_return(ret);
        Ok(ret)
    }

    /// Lets an `rt_sigreturn` made outside the gate (by libc's restorer, returning from one
    /// of the program's own signal handlers) happen from the gate: the handler returns into
    /// the gate's restorer, which issues `rt_sigreturn` with the same stack pointer, so the
    /// kernel finds the program's signal frame where it left it. RAX is reloaded by the
    /// restorer itself. (On ARM also a `sigreturn`, to the gate's old-style restorer.)
    fn redirect_to_gate_restorer(&mut self, restorer: u64) {
        arch::set_pc(self.gregs_mut(), restorer);
    }
}
