//! The SIGSYS handler: decode, format, pass through, format the result, send one line.
//!
//! No heap, no locks, no libc calls; every system call leaves from the sigsys gate, which
//! Syscall User Dispatch lets through, so nothing here is traced or re-trapped. The handler
//! returns through the gate's restorer (installed with `SA_RESTORER`), so its own
//! `rt_sigreturn` is let through as well and the selector never changes.

use core::sync::atomic::Ordering;

use sigsys::install::KernelSigaction;
use sigsys::{Abi, Cause, Trap};
use syscalls::x86_64::Sysno;

use crate::line::{self, Line};
use crate::state::{self, sys, OUT_FD, PROG_SIGSYS, SIGSYS_BLOCKED};

const SIGSYS_BIT: u64 = 1 << (libc::SIGSYS - 1);

/// The SIGSYS handler installed by the constructor.
///
/// # Safety
///
/// Called by the kernel as an `SA_SIGINFO` handler.
pub unsafe extern "C" fn on_sigsys(
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) {
    // SAFETY: the kernel passes valid siginfo and ucontext pointers to the handler.
    match unsafe { Trap::from_raw(info, ctx) } {
        Ok(mut trap) if trap.cause() == Cause::UserDispatch => dispatch(&mut trap),
        // A seccomp trap of the program's own filter, or a SIGSYS sent by kill: the
        // program's.
        // SAFETY: forwarded handler arguments.
        _ => unsafe { forward(sig, info, ctx) },
    }
}

fn dispatch(trap: &mut Trap<'_>) {
    let call = trap.syscall();
    let full = state::FULL.load(Ordering::Relaxed);
    let mut line = Line::new(b'L');
    if full {
        line::write_call(&mut line, &call);
    }
    let sysno = if call.abi == Abi::X86_64 {
        call.canonical()
    } else {
        None
    };
    let ret = match sysno {
        Some(Sysno::exit | Sysno::exit_group) => {
            if full {
                line.push(" = ?");
                line.send();
            }
            let _ = trap.pass_through();
            return; // not reached unless the call failed
        }
        Some(Sysno::execve | Sysno::execveat) => {
            if full {
                let mut pending = Line::new(b'E');
                line::write_call(&mut pending, &call);
                pending.send();
            }
            let ret = pass(trap);
            if full {
                let mut done = Line::new(b'R');
                line::write_result(&mut done, ret);
                done.send();
            }
            return;
        }
        Some(Sysno::rt_sigreturn) => {
            if full {
                match sigreturn_rax(trap) {
                    Some(rax) => line::write_result(&mut line, rax as i64),
                    None => line.push(" = ?"),
                }
                line.send();
            }
            // Let the program's own rt_sigreturn run from the gate: return into the gate's
            // restorer (`mov $15, %rax; syscall`) with the program's stack pointer.
            let gregs = &mut trap.ucontext_mut().uc_mcontext.gregs;
            gregs[libc::REG_RIP as usize] = sigsys::gate::restorer() as i64;
            return;
        }
        Some(s @ (Sysno::clone | Sysno::clone3 | Sysno::fork | Sysno::vfork)) => {
            let ret = crate::clone::handle(trap, s);
            if ret == 0 {
                return; // the child of a fork: the parent prints the line
            }
            ret
        }
        Some(Sysno::rt_sigaction) if call.args[0] == libc::SIGSYS as u64 => {
            let r = virtual_sigaction(call.args);
            trap.set_return(r);
            r
        }
        Some(Sysno::rt_sigprocmask) => {
            let blocked = SIGSYS_BLOCKED.try_with(|c| c.get()).unwrap_or(false);
            if blocked {
                set_frame_mask(trap, frame_mask(trap) | SIGSYS_BIT);
            }
            let r = pass(trap);
            let mask = frame_mask(trap);
            let _ = SIGSYS_BLOCKED.try_with(|c| c.set(mask & SIGSYS_BIT != 0));
            set_frame_mask(trap, mask & !SIGSYS_BIT);
            r
        }
        Some(Sysno::prctl)
            if call.args[0] == sigsys::consts::PR_SET_SYSCALL_USER_DISPATCH as u64 =>
        {
            // Syscall User Dispatch is the tracer's: to the program the kernel lacks it.
            let r = -(libc::EINVAL as i64);
            trap.set_return(r);
            r
        }
        Some(Sysno::close) if call.args[0] as i64 == i64::from(OUT_FD.load(Ordering::Relaxed)) => {
            // The program does not know this descriptor: for it, it is not open.
            let r = -(libc::EBADF as i64);
            trap.set_return(r);
            r
        }
        Some(Sysno::close_range) => {
            let r = close_range(call.args);
            trap.set_return(r);
            r
        }
        Some(Sysno::dup2 | Sysno::dup3)
            if call.args[1] as i64 == i64::from(OUT_FD.load(Ordering::Relaxed)) =>
        {
            // The program wants this number: move the tracer's socket out of the way first.
            let old = OUT_FD.load(Ordering::Relaxed);
            let moved = sys(
                Sysno::fcntl,
                [
                    old as u64,
                    libc::F_DUPFD_CLOEXEC as u64,
                    old as u64 + 1,
                    0,
                    0,
                    0,
                ],
            );
            if moved >= 0 {
                OUT_FD.store(moved as i32, Ordering::Relaxed);
            }
            let r = pass(trap);
            if r < 0 && moved >= 0 {
                sys(Sysno::close, [old as u64, 0, 0, 0, 0, 0]);
            }
            r
        }
        _ => pass(trap),
    };
    if full {
        line::write_result(&mut line, ret);
        line.send();
    }
}

/// Passes the call through; the few it refuses that reach here get ENOSYS.
fn pass(trap: &mut Trap<'_>) -> i64 {
    match trap.pass_through() {
        Ok(r) => r,
        Err(_) => {
            let r = -(libc::ENOSYS as i64);
            trap.set_return(r);
            r
        }
    }
}

/// The RAX the program's `rt_sigreturn` will restore: its frame's `uc_mcontext.gregs[RAX]`,
/// read fault-free at the program's stack pointer (the restorer's `ret` left RSP at `uc`).
fn sigreturn_rax(trap: &Trap<'_>) -> Option<u64> {
    let off = core::mem::offset_of!(libc::ucontext_t, uc_mcontext)
        + libc::REG_RAX as usize * core::mem::size_of::<libc::greg_t>();
    let addr = trap.sp().checked_add(off as u64)?;
    // SAFETY: a u64 accepts every bit pattern.
    unsafe { sigsys::mem::read_pod::<u64>(&sigsys::mem::SelfMemory, addr) }.ok()
}

fn frame_mask(trap: &Trap<'_>) -> u64 {
    // SAFETY: the kernel sigset (8 bytes) starts `uc_sigmask`, which is larger and aligned.
    unsafe { core::ptr::from_ref(trap.sigmask()).cast::<u64>().read() }
}

fn set_frame_mask(trap: &mut Trap<'_>, mask: u64) {
    // SAFETY: as in `frame_mask`.
    unsafe {
        core::ptr::from_mut(trap.sigmask_mut())
            .cast::<u64>()
            .write(mask)
    }
}

/// `rt_sigaction(SIGSYS, act, oldact, 8)`: recorded, never installed; ours stays.
fn virtual_sigaction(args: [u64; 6]) -> i64 {
    let [_, act, oldact, size, ..] = args;
    if size != 8 {
        return -(libc::EINVAL as i64);
    }
    let mut new = None;
    if act != 0 {
        // SAFETY: KernelSigaction is four u64s; any bit pattern is valid.
        match unsafe { sigsys::mem::read_pod::<KernelSigaction>(&sigsys::mem::SelfMemory, act) } {
            Ok(a) => new = Some(a),
            Err(_) => return -(libc::EFAULT as i64),
        }
    }
    if oldact != 0 {
        let cur = KernelSigaction {
            handler: PROG_SIGSYS[0].load(Ordering::Relaxed),
            flags: PROG_SIGSYS[1].load(Ordering::Relaxed),
            restorer: PROG_SIGSYS[2].load(Ordering::Relaxed),
            mask: PROG_SIGSYS[3].load(Ordering::Relaxed),
        };
        // SAFETY: KernelSigaction is four u64s without padding.
        let bytes =
            unsafe { core::slice::from_raw_parts(core::ptr::from_ref(&cur).cast::<u8>(), 32) };
        if sigsys::mem::write(oldact, bytes) != Ok(32) {
            return -(libc::EFAULT as i64);
        }
    }
    if let Some(a) = new {
        for (slot, v) in PROG_SIGSYS
            .iter()
            .zip([a.handler, a.flags, a.restorer, a.mask])
        {
            slot.store(v, Ordering::Relaxed);
        }
    }
    0
}

/// `close_range(first, last, flags)` around the tracer's socket.
fn close_range(args: [u64; 6]) -> i64 {
    let [first, last, flags, ..] = args;
    let out = OUT_FD.load(Ordering::Relaxed);
    let call = |a: u64, b: u64| sys(Sysno::close_range, [a, b, flags, 0, 0, 0]);
    if out < 0 || first > last || (out as u64) < first || (out as u64) > last {
        return call(first, last);
    }
    let out = out as u64;
    let mut r = 0;
    if first < out {
        r = call(first, out - 1);
    }
    if r == 0 && out < last {
        r = call(out + 1, last);
    }
    r
}

/// A SIGSYS that is not our trap: do what the program's own action would do.
///
/// # Safety
///
/// Handler arguments from the kernel.
unsafe fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let handler = PROG_SIGSYS[0].load(Ordering::Relaxed);
    let flags = PROG_SIGSYS[1].load(Ordering::Relaxed);
    match handler {
        h if h == libc::SIG_IGN as u64 => {}
        h if h == libc::SIG_DFL as u64 => {
            // Default action (core dump): put SIG_DFL back and re-raise; SIGSYS is not
            // blocked in this handler (SA_NODEFER), so it is delivered at once.
            let dfl = KernelSigaction::default();
            // SAFETY: SIG_DFL has no code to keep alive.
            let _ = unsafe { sigsys::install::set_action(libc::SIGSYS, &dfl) };
            sys(
                Sysno::tgkill,
                [
                    state::pid() as u64,
                    state::tid() as u64,
                    libc::SIGSYS as u64,
                    0,
                    0,
                    0,
                ],
            );
        }
        h if flags & libc::SA_SIGINFO as u64 != 0 => {
            // SAFETY: the program installed this as an SA_SIGINFO handler.
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                unsafe { core::mem::transmute(h as usize) };
            f(sig, info, ctx);
        }
        h => {
            // SAFETY: the program installed this as a plain handler.
            let f: extern "C" fn(libc::c_int) = unsafe { core::mem::transmute(h as usize) };
            f(sig);
        }
    }
}

/// At start-up: if the image inherited SIGSYS blocked (the program blocked it before an
/// exec), unblock it for real and remember that the program believes it blocked.
pub fn unblock_sigsys_at_start() {
    let mut old: u64 = 0;
    let set: u64 = SIGSYS_BIT;
    let r = sys(
        Sysno::rt_sigprocmask,
        [
            libc::SIG_UNBLOCK as u64,
            core::ptr::from_ref(&set) as u64,
            core::ptr::from_mut(&mut old) as u64,
            8,
            0,
            0,
        ],
    );
    if r == 0 && old & SIGSYS_BIT != 0 {
        let _ = SIGSYS_BLOCKED.try_with(|c| c.set(true));
    }
}
