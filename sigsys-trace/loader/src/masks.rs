//! Signal masks: SIGSYS is never blocked for real (a trap while it is blocked kills the
//! process), so the tracer keeps the program's wish to block it per thread and shows it
//! that; calls that take a temporary mask run with SIGSYS taken out of it.

use core::sync::atomic::Ordering;

use sigsys::Trap;

use crate::handler::pass;
use crate::state;
use crate::sys;

/// SIGSYS in a signal mask.
pub const SIGSYS_BIT: u64 = 1 << (libc::SIGSYS - 1);

/// `rt_sigprocmask`: run on the frame by `pass_through`, which never lets SIGSYS be blocked
/// (a trap while it is blocked kills the process). The tracer remembers whether the program
/// believes it blocked SIGSYS in this thread and shows it that in `oldset`.
#[inline(never)]
pub fn sigprocmask(trap: &mut Trap<'_>, args: [u64; 6]) -> i64 {
    let [how, set, oldset, size, ..] = args;
    let believed = state::me().sigsys_blocked.load(Ordering::Relaxed);
    let mem = crate::mem::ProgMemory;
    // SAFETY: a u64 accepts any bit pattern.
    let given = (set != 0 && size == 8)
        .then(|| unsafe { sigsys::mem::read_pod::<u64>(&mem, set) }.ok())
        .flatten();
    let r = pass(trap);
    if r != 0 {
        return r;
    }
    if believed && oldset != 0 {
        // SAFETY: the kernel (the frame emulation) just wrote the old set there.
        if let Ok(old) = unsafe { sigsys::mem::read_pod::<u64>(&mem, oldset) } {
            // SAFETY: the program's `oldset`, where the kernel writes.
            let _ = unsafe { crate::mem::write(oldset, &(old | SIGSYS_BIT).to_ne_bytes()) };
        }
    }
    if let Some(given) = given {
        let has = given & SIGSYS_BIT != 0;
        let now = match how as i32 {
            libc::SIG_BLOCK => believed || has,
            libc::SIG_UNBLOCK => believed && !has,
            libc::SIG_SETMASK => has,
            _ => believed,
        };
        state::me().sigsys_blocked.store(now, Ordering::Relaxed);
    }
    // Belt and braces: never leave SIGSYS blocked in the frame.
    let mask = frame_mask(trap);
    if mask & SIGSYS_BIT != 0 {
        set_frame_mask(trap, mask & !SIGSYS_BIT);
    }
    r
}

/// Runs a call that takes a temporary signal mask (argument `idx`; for `pselect6` a
/// pointer to `{mask pointer, size}`) with SIGSYS taken out of that mask: a program
/// handler run during the call gets that mask, and must not have SIGSYS blocked.
#[inline(never)]
pub fn pass_mask_arg(trap: &mut Trap<'_>, idx: usize, indirect: bool) -> i64 {
    let mut call = trap.syscall();
    let Some(&arg) = call.args.get(idx) else {
        return pass(trap);
    };
    let mem = crate::mem::ProgMemory;
    let (mask_ptr, mut pair) = if indirect {
        if arg == 0 {
            return pass(trap);
        }
        // SAFETY: two u64s.
        match unsafe { sigsys::mem::read_pod::<[u64; 2]>(&mem, arg) } {
            Ok(p) => (p[0], p),
            Err(_) => return pass(trap),
        }
    } else {
        (arg, [0; 2])
    };
    if mask_ptr == 0 {
        return pass(trap);
    }
    // SAFETY: a u64 accepts any bit pattern.
    let mask = match unsafe { sigsys::mem::read_pod::<u64>(&mem, mask_ptr) } {
        Ok(m) if m & SIGSYS_BIT != 0 => m & !SIGSYS_BIT,
        _ => return pass(trap),
    };
    let local_mask = mask;
    if indirect {
        pair[0] = core::ptr::from_ref(&local_mask) as u64;
        if let Some(a) = call.args.get_mut(idx) {
            *a = core::ptr::from_ref(&pair) as u64;
        }
    } else if let Some(a) = call.args.get_mut(idx) {
        *a = core::ptr::from_ref(&local_mask) as u64;
    }
    // SAFETY: the program's own call, with one pointer replaced by a live local copy of
    // what it pointed to.
    let r = unsafe { sigsys::gate::run(&call) };
    trap.set_return(r);
    r
}

/// Blocks every signal but faults and SIGSYS until the handler's `rt_sigreturn` puts the
/// frame's mask back: one the handler sends the own thread is delivered then, after the
/// call's line.
pub fn hold_signals() {
    let sync = [
        libc::SIGSEGV,
        libc::SIGBUS,
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGTRAP,
    ]
    .iter()
    .fold(SIGSYS_BIT, |m, &s| m | 1 << (s - 1));
    let block = !sync;
    sys::sigprocmask(libc::SIG_BLOCK, Some(&block), None);
}

/// At start-up: if the image inherited SIGSYS blocked (the program blocked it before an
/// exec), unblock it for real and remember that the program believes it blocked.
pub fn unblock_sigsys_at_start() {
    let mut old: u64 = 0;
    let set: u64 = SIGSYS_BIT;
    let r = sys::sigprocmask(libc::SIG_UNBLOCK, Some(&set), Some(&mut old));
    if r == 0 && old & SIGSYS_BIT != 0 {
        state::me().sigsys_blocked.store(true, Ordering::Relaxed);
    }
}

pub fn frame_mask(trap: &Trap<'_>) -> u64 {
    trap.sigmask().bits()
}

pub fn set_frame_mask(trap: &mut Trap<'_>, mask: u64) {
    trap.set_sigmask(sigsys::frame::SigSet(mask));
}

/// The RAX the program's `rt_sigreturn` will restore: its frame's `uc_mcontext.gregs[RAX]`,
/// read fault-free at the program's stack pointer (the restorer's `ret` left RSP at `uc`).
pub fn sigreturn_rax(trap: &Trap<'_>) -> Option<u64> {
    let off = core::mem::offset_of!(sigsys::Ucontext, mcontext)
        + core::mem::offset_of!(sigsys::frame::Sigcontext, rax);
    let addr = trap.sp().checked_add(off as u64)?;
    // SAFETY: a u64 accepts every bit pattern.
    unsafe { sigsys::mem::read_pod::<u64>(&crate::mem::ProgMemory, addr) }.ok()
}

/// The instruction pointer the program's `rt_sigreturn` will restore (its frame's
/// `uc_mcontext.gregs[RIP]`).
pub fn sigreturn_rip(trap: &Trap<'_>) -> Option<u64> {
    let off = core::mem::offset_of!(sigsys::Ucontext, mcontext)
        + core::mem::offset_of!(sigsys::frame::Sigcontext, rip);
    let addr = trap.sp().checked_add(off as u64)?;
    // SAFETY: a u64 accepts every bit pattern.
    unsafe { sigsys::mem::read_pod::<u64>(&crate::mem::ProgMemory, addr) }.ok()
}

/// The signal mask the frame at the program's stack pointer restores (its `uc_sigmask`;
/// unreadable: empty).
pub fn sigreturn_mask(trap: &Trap<'_>) -> u64 {
    let off = core::mem::offset_of!(sigsys::Ucontext, sigmask) as u64;
    let Some(addr) = trap.sp().checked_add(off) else {
        return 0;
    };
    // SAFETY: a u64 accepts every bit pattern.
    unsafe { sigsys::mem::read_pod::<u64>(&crate::mem::ProgMemory, addr) }.unwrap_or(0)
}
