//! The calls that act on the signal frame instead of the thread: the mask and the alternate
//! stack that `rt_sigreturn` restores from the frame.

use syscalls::Errno;

use crate::arch::{Native as S, MINSIGSTKSZ, SIGSET_SIZE};
use crate::consts::SS_AUTODISARM;
use crate::error::PassError;
use crate::frame::{SigSet, SigStack};
use crate::gate;
use crate::mem::{self, SelfMemory};
use crate::syscall::Syscall;
use crate::trap::Trap;

/// Signals no passed-through call blocks: SIGKILL and SIGSTOP (the kernel's rule), and
/// SIGSYS, since a trap while SIGSYS is blocked kills the process.
pub(super) const UNBLOCKABLE: u64 =
    SigSet::bit(libc::SIGKILL) | SigSet::bit(libc::SIGSTOP) | SigSet::bit(libc::SIGSYS);

impl Trap<'_> {
    fn frame_mask(&self) -> u64 {
        self.sigmask().bits()
    }

    fn set_frame_mask(&mut self, mask: u64) {
        self.set_sigmask(SigSet(mask & !UNBLOCKABLE));
    }

    /// Makes the thread's live mask the frame's one (before `execve`).
    pub(super) fn install_frame_mask(&mut self) {
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
                    SIGSET_SIZE,
                    0,
                    0,
                ],
            )
        };
    }

    /// `rt_sigprocmask(how, set, oldset, sigsetsize)` or i386
    /// `sigprocmask(how, set, oldset)` on the frame's mask, in the kernel's order of checks.
    pub(super) fn frame_sigprocmask(
        &mut self,
        call: &Syscall,
        old_style: bool,
    ) -> Result<u64, Errno> {
        let [_, set, oldset, sigsetsize, ..] = call.args;
        // `how` is an int.
        let how = call.arg_int(0);
        // The old i386 call works on the low 32 signals with a 4-byte set.
        if !old_style && sigsetsize != SIGSET_SIZE {
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
            let new = match how {
                libc::SIG_BLOCK => old | given,
                libc::SIG_UNBLOCK => old & !given,
                libc::SIG_SETMASK => (old & keep_high) | given,
                _ => return Err(Errno::EINVAL),
            };
            self.set_frame_mask(new);
        }
        if oldset != 0 {
            if old_style {
                // SAFETY: `oldset` is where the interrupted code asked the kernel to write
                // the old mask (the trap is live: `pass_routed` checked).
                unsafe { mem::write_pod(oldset, &(old as u32)) }?;
            } else {
                // SAFETY: as above.
                unsafe { mem::write_pod(oldset, &old) }?;
            }
        }
        Ok(0)
    }

    /// i386 `sgetmask()` and `ssetmask(newmask)` on the frame's mask. `ssetmask` replaces
    /// the whole mask by its `int` argument widened as the kernel's `siginitset` does, and
    /// returns the old low word.
    pub(super) fn frame_old_mask(&mut self, call: &Syscall, set: bool) -> i64 {
        let old = self.frame_mask();
        if !set {
            return old as i64;
        }
        let new = i64::from(call.arg_int(0)) as u64;
        self.set_frame_mask(new);
        i64::from(old as u32 as i32)
    }

    /// `sigaltstack(ss, old_ss)` on the frame's alternate stack, with the checks
    /// `do_sigaltstack` makes against the interrupted stack pointer.
    ///
    /// `rt_sigreturn` applies the frame's stack only when the handler's own alternate stack
    /// was installed with `SS_AUTODISARM` or the handler does not run on it (a kernel check
    /// made on the handler's stack pointer, observed on 6.18); otherwise a change would be
    /// silently dropped, so the call is refused instead.
    pub(super) fn frame_sigaltstack(
        &mut self,
        call: &Syscall,
    ) -> Result<Result<u64, Errno>, PassError> {
        let [ss, old_ss, ..] = call.args;
        let compat = call.abi.is_compat();
        let saved = self.altstack();
        let autodisarm = saved.flags & SS_AUTODISARM != 0;
        if ss != 0 && !autodisarm && saved.contains(super::guard::handler_sp()) {
            return Err(PassError::AltStackInUse);
        }
        let on_stack = !autodisarm && saved.contains(self.sp());
        // What the kernel reports as the old stack: mode from the stack pointer, plus the
        // flag bits (SS_AUTODISARM) as set.
        let mode = match (saved.size, on_stack) {
            (0, _) => libc::SS_DISABLE,
            (_, true) => libc::SS_ONSTACK,
            _ => 0,
        };
        let old = SigStack {
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
        old: SigStack,
        on_stack: bool,
    ) -> Result<u64, Errno> {
        if ss != 0 {
            let new = read_stack(ss, compat)?;
            if on_stack {
                return Err(Errno::EPERM);
            }
            let stored = match new.flags & !SS_AUTODISARM {
                libc::SS_DISABLE => SigStack {
                    sp: 0,
                    size: 0,
                    flags: new.flags,
                    pad: 0,
                },
                0 | libc::SS_ONSTACK if new.size < MINSIGSTKSZ => return Err(Errno::ENOMEM),
                0 | libc::SS_ONSTACK => new,
                _ => return Err(Errno::EINVAL),
            };
            // The kernel applies the new stack, then copies the old one out: a bad `old_ss`
            // is EFAULT with the change made.
            self.set_altstack(stored);
        }
        if old_ss != 0 {
            write_stack(old, old_ss, compat)?;
        }
        Ok(0)
    }
}

/// The compat `stack_t` of i386 and x32 callers (12 bytes).
#[derive(Clone, Copy)]
#[repr(C)]
struct Stack32 {
    sp: u32,
    flags: i32,
    size: u32,
}

fn read_stack(addr: u64, compat: bool) -> Result<SigStack, Errno> {
    if compat {
        // SAFETY: Stack32 is three integers; every bit pattern is valid.
        let s: Stack32 = unsafe { mem::read_pod(&SelfMemory, addr) }?;
        Ok(SigStack {
            sp: u64::from(s.sp),
            size: u64::from(s.size),
            flags: s.flags,
            pad: 0,
        })
    } else {
        // SAFETY: SigStack is integers only; every bit pattern is valid.
        let s: SigStack = unsafe { mem::read_pod(&SelfMemory, addr) }?;
        Ok(SigStack { pad: 0, ..s })
    }
}

/// Writes `s` where the interrupted code asked for the old stack.
fn write_stack(s: SigStack, addr: u64, compat: bool) -> Result<(), Errno> {
    if compat {
        let s = Stack32 {
            sp: s.sp as u32,
            flags: s.flags,
            size: s.size as u32,
        };
        // SAFETY: `addr` is the interrupted code's `old_ss`, where the kernel would have
        // written (only live traps get here).
        unsafe { mem::write_pod(addr, &s) }
    } else {
        // SAFETY: as above.
        unsafe { mem::write_pod(addr, &SigStack { pad: 0, ..s }) }
    }
}

/// A result as the kernel leaves it in RAX.
pub(super) fn errno_ret(r: Result<u64, Errno>) -> i64 {
    match r {
        Ok(v) => v as i64,
        Err(e) => i64::from(e.into_raw()).wrapping_neg(),
    }
}
