//! Pass-through: running the trapped call for real, from the gate, inside the handler.
//!
//! Most calls behave the same whether issued by the interrupted code or by its handler.
//! Those that do not are handled here, each for a stated reason:
//!
//! - **Refused** ([`PassError::Unsafe`]): calls that switch stacks or return twice into
//!   shared memory. `clone` with a new stack, `CLONE_VM` or `CLONE_VFORK`, `clone3` and
//!   `vfork` would start the child inside the handler's frame; `rt_sigreturn` and i386
//!   `sigreturn` would unwind the handler's own frame. Restart or emulate those.
//! - **Acting on the frame**: `rt_sigprocmask` (and i386 `sigprocmask`) read and change the
//!   mask saved in the frame (`uc_sigmask`), because `rt_sigreturn` restores the mask from
//!   there: a change made to the thread's live mask would be undone on return.
//!   SIGSYS is never blocked this way, as the kernel never blocks SIGKILL and SIGSTOP: a
//!   trap while SIGSYS is blocked kills the process, so a program that blocks "all signals"
//!   (glibc does, around `clone`) must keep SIGSYS open to keep working.
//!   `sigaltstack` reads and changes `uc_stack` for the same reason (`rt_sigreturn`
//!   restores the alternate stack from the frame, silently). The kernel applies that only
//!   when the handler's alternate stack has `SS_AUTODISARM` (as
//!   [`crate::install::set_altstack`] sets it) or the handler does not run on it; otherwise
//!   [`PassError::AltStackInUse`].
//! - **Refused** ([`PassError::HandlerStack`]): `munmap`, `mremap`, `mprotect`, `madvise` and
//!   `mmap` with `MAP_FIXED` over the memory the handler runs on (its alternate stack, or
//!   64 KiB around its stack pointer). Rust's runtime unmaps a thread's alternate stack when
//!   the thread ends: run from that very stack, the call would pull it away under the
//!   handler. Emulating success (leaving the mapping) is usually the right answer.
//! - **Exec**: `execve` and `execveat` first set the thread's mask to the frame's, since a
//!   new image would otherwise start with the handler's mask.
//!
//! Everything else is issued as it is, with the caller's ABI.

use syscalls::x86_64::Sysno as S;
use syscalls::Errno;

use crate::abi::Reg;
use crate::error::PassError;
use crate::gate;
use crate::install::SS_AUTODISARM;
use crate::mem::{self, SelfMemory};
use crate::syscall::Syscall;
use crate::sysno::Sysno;
use crate::trap::Trap;

/// How a call is passed through.
enum Route {
    Refuse,
    Sigreturn,
    SigsysAction,
    FrameMask { old_style: bool },
    FrameAltStack,
    Exec,
    Remap,
    Direct,
}

fn route(call: &Syscall) -> Route {
    let sysno = call.sysno();
    let replaces_sigsys = call.args[0] == libc::SIGSYS as u64 && call.args[1] != 0;
    if let Some(Sysno::I386(s)) = sysno {
        match s {
            syscalls::x86::Sysno::sigreturn => return Route::Refuse,
            syscalls::x86::Sysno::sigprocmask => return Route::FrameMask { old_style: true },
            syscalls::x86::Sysno::sigaction if replaces_sigsys => return Route::SigsysAction,
            syscalls::x86::Sysno::mmap2 if maps_fixed(call.args) => return Route::Remap,
            _ => {}
        }
    }
    match sysno.and_then(Sysno::to_x86_64) {
        Some(S::rt_sigreturn) if call.abi == crate::Abi::X86_64 => Route::Sigreturn,
        Some(S::rt_sigreturn | S::vfork | S::clone3) => Route::Refuse,
        Some(S::rt_sigaction) if replaces_sigsys => Route::SigsysAction,
        Some(S::clone) if clone_shares_stack(call.args) => Route::Refuse,
        Some(S::rt_sigprocmask) => Route::FrameMask { old_style: false },
        Some(S::sigaltstack) => Route::FrameAltStack,
        Some(S::execve | S::execveat) => Route::Exec,
        Some(S::munmap | S::mremap | S::mprotect | S::madvise) => Route::Remap,
        Some(S::mmap) if maps_fixed(call.args) => Route::Remap,
        _ => Route::Direct,
    }
}

/// `mmap(addr, len, prot, flags, ...)` with `MAP_FIXED`: it replaces what is at `addr`.
fn maps_fixed(args: [u64; 6]) -> bool {
    args[3] & libc::MAP_FIXED as u64 != 0
}

/// The address ranges a memory call changes: `[args[0], +args[1])`, and for `mremap` with
/// `MREMAP_FIXED` also its target `[args[4], +args[2])`.
fn changed_ranges(call: &Syscall) -> [(u64, u64); 2] {
    let [addr, len, new_len, flags, new_addr, _] = call.args;
    let target = if call.is(S::mremap) && flags & libc::MREMAP_FIXED as u64 != 0 {
        (new_addr, new_len)
    } else {
        (0, 0)
    };
    [(addr, len), target]
}

/// Whether `[addr, addr + len)` touches the memory the handler is running on: the saved
/// alternate stack when the handler is on it, otherwise 64 KiB either side of its stack
/// pointer.
fn touches_handler_stack(saved: &libc::stack_t, addr: u64, len: u64) -> bool {
    const WINDOW: u64 = 64 * 1024;
    let sp = handler_sp();
    let alt = AltStack::from_frame(saved);
    let (start, end) = if alt.contains(sp) {
        (alt.sp, alt.sp.saturating_add(alt.size))
    } else {
        (sp.saturating_sub(WINDOW), sp.saturating_add(WINDOW))
    };
    addr < end && addr.saturating_add(len) > start
}

/// `clone(flags, newsp, ...)`: a child on a new stack or in the same memory would run on
/// from inside the handler's frame. A fork-like clone (own memory, no stack) is fine.
fn clone_shares_stack(args: [u64; 6]) -> bool {
    let shared = (libc::CLONE_VM | libc::CLONE_VFORK) as u64;
    args[1] != 0 || args[0] & shared != 0
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
    /// interrupted code sees what it would have seen:
    ///
    /// - `rt_sigprocmask` (and i386 `sigprocmask`) change the mask saved in the frame,
    ///   which `rt_sigreturn` restores; SIGSYS is never blocked (a trap while it is blocked
    ///   kills the process), as the kernel never blocks SIGKILL and SIGSTOP;
    /// - `sigaltstack` changes the alternate stack saved in the frame, which
    ///   `rt_sigreturn` restores;
    /// - `execve` and `execveat` first install the frame's mask on the thread, so the new
    ///   image does not start with the handler's mask;
    /// - an x86_64 `rt_sigreturn` (libc's restorer returning from one of the program's own
    ///   signal handlers, which traps like any call outside the gate) is redirected to the
    ///   gate's restorer: the handler returns into it with the program's stack pointer, and
    ///   it performs the `rt_sigreturn` from the gate. Nothing is written to RAX and
    ///   `Ok(0)` is returned (the call does not return to its caller).
    ///
    /// # Errors
    ///
    /// The context is left untouched, and the caller decides (emulate, or restart):
    ///
    /// - [`PassError::Unsafe`]: `clone` with a new stack, `CLONE_VM` or `CLONE_VFORK`,
    ///   `clone3`, `vfork`, i386 and x32 `rt_sigreturn`, i386 `sigreturn`: they would start
    ///   a child in, or unwind, the handler's own frame;
    /// - [`PassError::HandlerStack`]: `munmap`, `mremap` (its source, and its target with
    ///   `MREMAP_FIXED`), `mprotect`, `madvise`, `mmap`/i386 `mmap2` with `MAP_FIXED` over
    ///   the stack the handler runs on;
    /// - [`PassError::SigsysHandler`]: `rt_sigaction` installing an action for SIGSYS,
    ///   which would replace the running handler;
    /// - [`PassError::AltStackInUse`]: `sigaltstack` while the handler runs on an
    ///   alternate stack without `SS_AUTODISARM` (the kernel would drop the change).
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05];
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// // A trapped getpid, run for real.
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// assert_eq!(trap.pass_through(), Ok(std::process::id() as i64));
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RAX as usize], std::process::id() as i64);
    /// ```
    pub fn pass_through(&mut self) -> Result<i64, PassError> {
        let call = self.syscall();
        let ret = match route(&call) {
            Route::Refuse => return Err(PassError::Unsafe),
            Route::SigsysAction => return Err(PassError::SigsysHandler),
            Route::Sigreturn => {
                self.redirect_to_gate_restorer();
                return Ok(0);
            }
            Route::FrameMask { old_style } => errno_ret(self.frame_sigprocmask(&call, old_style)),
            Route::FrameAltStack => errno_ret(self.frame_sigaltstack(&call)?),
            Route::Remap
                if changed_ranges(&call).iter().any(|&(addr, len)| {
                    touches_handler_stack(&self.ucontext().uc_stack, addr, len)
                }) =>
            {
                return Err(PassError::HandlerStack)
            }
            Route::Exec => {
                self.install_frame_mask();
                // SAFETY: the call is the interrupted code's own, issued as it would have
                // been; on success the image is replaced, on failure we return normally.
                unsafe { gate::run(&call) }
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
    /// restorer itself.
    fn redirect_to_gate_restorer(&mut self) {
        crate::abi::set(self.gregs_mut(), Reg::Rip, gate::restorer());
    }

    fn frame_mask(&self) -> u64 {
        // SAFETY: the kernel's sigset (8 bytes) sits at the start of `uc_sigmask`, which is
        // at least that large and suitably aligned.
        unsafe { core::ptr::from_ref(self.sigmask()).cast::<u64>().read() }
    }

    fn set_frame_mask(&mut self, mask: u64) {
        // SIGSYS joins SIGKILL and SIGSTOP: a trap while SIGSYS is blocked kills the
        // process, so a passed-through call never blocks it.
        let unblockable = sigbit(libc::SIGKILL) | sigbit(libc::SIGSTOP) | sigbit(libc::SIGSYS);
        // SAFETY: as in `frame_mask`.
        unsafe {
            core::ptr::from_mut(self.sigmask_mut())
                .cast::<u64>()
                .write(mask & !unblockable)
        }
    }

    /// Makes the thread's live mask the frame's one (before `execve`).
    fn install_frame_mask(&mut self) {
        let mask = self.frame_mask();
        // SAFETY: SIG_SETMASK from a live u64; no old set. Failure cannot happen with these
        // arguments, and would only leave the handler's mask, as without this step.
        let _ = unsafe {
            gate::sys(
                S::rt_sigprocmask,
                [
                    libc::SIG_SETMASK as u64,
                    core::ptr::from_ref(&mask) as u64,
                    0,
                    8,
                    0,
                    0,
                ],
            )
        };
    }

    /// `rt_sigprocmask(how, set, oldset, sigsetsize)` or i386
    /// `sigprocmask(how, set, oldset)` on `uc_sigmask`, in the kernel's order of checks.
    fn frame_sigprocmask(&mut self, call: &Syscall, old_style: bool) -> Result<u64, Errno> {
        let [how, set, oldset, sigsetsize, ..] = call.args;
        // The old i386 call works on the low 32 signals with a 4-byte set.
        if !old_style && sigsetsize != 8 {
            return Err(Errno::EINVAL);
        }
        let keep_high = if old_style { !0u64 << 32 } else { 0 };
        let old = self.frame_mask();
        if set != 0 {
            let given = if old_style {
                // SAFETY: a u32 accepts every bit pattern.
                u64::from(unsafe { mem::read_pod::<u32>(&SelfMemory, set) }?)
            } else {
                // SAFETY: a u64 accepts every bit pattern.
                unsafe { mem::read_pod::<u64>(&SelfMemory, set) }?
            };
            let new = match how as i32 {
                libc::SIG_BLOCK => old | given,
                libc::SIG_UNBLOCK => old & !given,
                libc::SIG_SETMASK => (old & keep_high) | given,
                _ => return Err(Errno::EINVAL),
            };
            self.set_frame_mask(new);
        }
        if oldset != 0 {
            if old_style {
                mem::write_pod(oldset, &(old as u32))?;
            } else {
                mem::write_pod(oldset, &old)?;
            }
        }
        Ok(0)
    }

    /// `sigaltstack(ss, old_ss)` on `uc_stack`, with the checks `do_sigaltstack` makes
    /// against the interrupted stack pointer.
    ///
    /// `rt_sigreturn` applies `uc_stack` only when the handler's own alternate stack was
    /// installed with `SS_AUTODISARM` or the handler does not run on it (a kernel check made
    /// on the handler's stack pointer, observed on 6.18); otherwise a change would be
    /// silently dropped, so the call is refused instead.
    fn frame_sigaltstack(&mut self, call: &Syscall) -> Result<Result<u64, Errno>, PassError> {
        let [ss, old_ss, ..] = call.args;
        let compat = call.abi != crate::Abi::X86_64;
        let saved = AltStack::from_frame(&self.ucontext().uc_stack);
        let autodisarm = saved.flags & SS_AUTODISARM != 0;
        if ss != 0 && !autodisarm && saved.contains(handler_sp()) {
            return Err(PassError::AltStackInUse);
        }
        let rsp = crate::abi::get(self.gregs(), Reg::Rsp);
        let on_stack = !autodisarm && saved.contains(rsp);
        // What the kernel reports as the old stack: mode from the stack pointer, plus the
        // flag bits (SS_AUTODISARM) as set.
        let mode = match (saved.size, on_stack) {
            (0, _) => libc::SS_DISABLE,
            (_, true) => libc::SS_ONSTACK,
            _ => 0,
        };
        let old = AltStack {
            flags: mode | (saved.flags & SS_AUTODISARM),
            ..saved
        };
        Ok(self.apply_sigaltstack(ss, old_ss, compat, old, on_stack))
    }

    fn apply_sigaltstack(
        &mut self,
        ss: u64,
        old_ss: u64,
        compat: bool,
        old: AltStack,
        on_stack: bool,
    ) -> Result<u64, Errno> {
        if ss != 0 {
            let new = AltStack::read(ss, compat)?;
            if on_stack {
                return Err(Errno::EPERM);
            }
            let stored = match new.flags & !SS_AUTODISARM {
                libc::SS_DISABLE => AltStack {
                    sp: 0,
                    size: 0,
                    flags: new.flags,
                },
                0 | libc::SS_ONSTACK if new.size < MINSIGSTKSZ => return Err(Errno::ENOMEM),
                0 | libc::SS_ONSTACK => new,
                _ => return Err(Errno::EINVAL),
            };
            // The kernel applies the new stack, then copies the old one out: a bad `old_ss`
            // is EFAULT with the change made.
            stored.to_frame(&mut self.ucontext_mut().uc_stack);
            if old_ss != 0 {
                old.write(old_ss, compat)?;
            }
        } else if old_ss != 0 {
            old.write(old_ss, compat)?;
        }
        Ok(0)
    }
}

const MINSIGSTKSZ: u64 = 2048;

/// The fields of a `stack_t`, whatever the caller's layout.
#[derive(Clone, Copy)]
struct AltStack {
    sp: u64,
    size: u64,
    flags: i32,
}

/// The 64-bit `stack_t` (24 bytes, padding spelled out).
#[derive(Clone, Copy)]
#[repr(C)]
struct Stack64 {
    sp: u64,
    flags: i32,
    pad: u32,
    size: u64,
}

/// The compat `stack_t` of i386 and x32 callers (12 bytes).
#[derive(Clone, Copy)]
#[repr(C)]
struct Stack32 {
    sp: u32,
    flags: i32,
    size: u32,
}

impl AltStack {
    /// The kernel's `__on_sig_stack`: `base < sp <= base + size` (the stack grows down, so
    /// a stack pointer at the very top is on it, one at the base is not).
    fn contains(&self, sp: u64) -> bool {
        sp > self.sp && sp.wrapping_sub(self.sp) <= self.size
    }

    fn from_frame(s: &libc::stack_t) -> AltStack {
        AltStack {
            sp: s.ss_sp as u64,
            size: s.ss_size as u64,
            flags: s.ss_flags,
        }
    }

    fn to_frame(self, s: &mut libc::stack_t) {
        s.ss_sp = self.sp as *mut libc::c_void;
        s.ss_size = self.size as usize;
        s.ss_flags = self.flags;
    }

    fn read(addr: u64, compat: bool) -> Result<AltStack, Errno> {
        if compat {
            // SAFETY: Stack32 is three integers; every bit pattern is valid.
            let s: Stack32 = unsafe { mem::read_pod(&SelfMemory, addr) }?;
            Ok(AltStack {
                sp: u64::from(s.sp),
                size: u64::from(s.size),
                flags: s.flags,
            })
        } else {
            // SAFETY: Stack64 is four integers; every bit pattern is valid.
            let s: Stack64 = unsafe { mem::read_pod(&SelfMemory, addr) }?;
            Ok(AltStack {
                sp: s.sp,
                size: s.size,
                flags: s.flags,
            })
        }
    }

    fn write(self, addr: u64, compat: bool) -> Result<(), Errno> {
        if compat {
            let s = Stack32 {
                sp: self.sp as u32,
                flags: self.flags,
                size: self.size as u32,
            };
            mem::write_pod(addr, &s)
        } else {
            let s = Stack64 {
                sp: self.sp,
                flags: self.flags,
                pad: 0,
                size: self.size,
            };
            mem::write_pod(addr, &s)
        }
    }
}

/// An address on the handler's own stack.
#[inline(always)]
fn handler_sp() -> u64 {
    let marker = 0u8;
    core::ptr::from_ref(&marker) as u64
}

fn sigbit(sig: i32) -> u64 {
    1u64 << (sig.wrapping_sub(1) as u32 & 63)
}

fn errno_ret(r: Result<u64, Errno>) -> i64 {
    match r {
        Ok(v) => v as i64,
        Err(e) => i64::from(e.into_raw()).wrapping_neg(),
    }
}
