//! The program's own SIGSYS action: recorded, never installed (the tracer's handler stays),
//! and run by the tracer for a SIGSYS that is not a trap of its own (`kill`, a `RET_TRAP`
//! of the program's own filter).

use core::sync::atomic::Ordering;

use sigsys::install::KernelSigaction;
use sigsys::Trap;
use syscalls::x86_64::Sysno;

use crate::line::{self, Line, Style};
use crate::masks::{frame_mask, SIGSYS_BIT};
use crate::state::{self, PROG_SIGSYS};
use crate::sys::{self, sys};

/// `rt_sigaction(SIGSYS, act, oldact, 8)`: recorded, never installed; ours stays.
#[inline(never)]
pub fn virtual_sigaction(args: [u64; 6]) -> i64 {
    let [_, act, oldact, size, ..] = args;
    if size != 8 {
        return -(libc::EINVAL as i64);
    }
    let mut new = None;
    if act != 0 {
        // SAFETY: KernelSigaction is four u64s; any bit pattern is valid.
        match unsafe { sigsys::mem::read_pod::<KernelSigaction>(&crate::mem::ProgMemory, act) } {
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
        // SAFETY: the program's `oldact`, where the kernel writes.
        if unsafe { crate::mem::write(oldact, bytes) } != Ok(32) {
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

/// A SIGSYS that is not our trap: do what the program's own action would do.
///
/// # Safety
///
/// Handler arguments from the kernel.
#[inline(never)]
pub unsafe fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let handler = PROG_SIGSYS[0].load(Ordering::Relaxed);
    let ignored = handler == libc::SIG_IGN as u64;
    if !ignored && !info.is_null() && crate::signals::SHOW.load(Ordering::Relaxed) {
        // SAFETY: the kernel passes the frame's siginfo, 128 bytes.
        crate::signals::signal_line(sig, unsafe { &*info.cast::<[u8; 128]>() });
    }
    let flags = PROG_SIGSYS[1].load(Ordering::Relaxed);
    match handler {
        h if h == libc::SIG_IGN as u64 => {}
        h if h == libc::SIG_DFL as u64 => {
            // Default action (core dump): put SIG_DFL back and re-raise; SIGSYS is not
            // blocked in this handler (SA_NODEFER), so it is delivered at once.
            let dfl = KernelSigaction::default();
            // SAFETY: SIG_DFL has no code to keep alive.
            let _ = unsafe { sigsys::install::set_action(libc::SIGSYS, &dfl) };
            // SAFETY: numbers only: a signal the kernel delivers as it would to the program.
            unsafe {
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
                )
            };
        }
        h => {
            // As the kernel delivers: SA_RESETHAND puts SIG_DFL back first, and the handler
            // runs with its sa_mask blocked (SIGSYS itself never: a trap while it is blocked
            // would kill the process; the tracer's handler has SA_NODEFER).
            if flags & libc::SA_RESETHAND as u64 != 0 {
                PROG_SIGSYS[0].store(libc::SIG_DFL as u64, Ordering::Relaxed);
            }
            let mask = PROG_SIGSYS[3].load(Ordering::Relaxed) & !SIGSYS_BIT;
            let mut old: u64 = 0;
            let blocked =
                mask != 0 && sys::sigprocmask(libc::SIG_BLOCK, Some(&mask), Some(&mut old)) == 0;
            if flags & libc::SA_SIGINFO as u64 != 0 {
                // SAFETY: the program installed this as an SA_SIGINFO handler.
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    unsafe { core::mem::transmute(h as usize) };
                f(sig, info, ctx);
            } else {
                // SAFETY: the program installed this as a plain handler.
                let f: extern "C" fn(libc::c_int) = unsafe { core::mem::transmute(h as usize) };
                f(sig);
            }
            if blocked {
                sys::sigprocmask(libc::SIG_SETMASK, Some(&old), None);
            }
        }
    }
}

/// A call the program's own filter answers with `RET_TRAP`: delivered to the program's
/// SIGSYS action as if its own instruction had trapped, which is what happened (the
/// handler runs on this frame, whose context is the program's: `si_call_addr` after its
/// instruction, the number in RAX as the kernel's rollback leaves it, and whatever the
/// program's handler writes there is what the call returns). The lines strace shows:
/// `getppid() = 110` (RAX at the trap), `--- SIGSYS {si_code=SYS_SECCOMP, si_errno=DATA,
/// ...} ---`, and the handler's `rt_sigreturn` with the value it left. The kernel forces
/// the signal: ignored or blocked, SIGSYS kills, as here.
#[inline(never)]
pub fn program_trap(
    trap: &mut Trap<'_>,
    call: &sigsys::Syscall,
    data: u32,
    full: bool,
    style: Style,
) {
    let nr = call.abi.rax_for(call.nr);
    if full {
        let mut l = Line::new(b'L');
        line::write_call(&mut l, call, style);
        l.push(line::RESULT_MARK);
        l.push(" = ");
        l.push_int(nr as i64);
        l.queue();
    }
    let mut info = [0u8; 128];
    let fields: [(usize, &[u8]); 6] = [
        (0, &(libc::SIGSYS as u32).to_ne_bytes()),
        (4, &data.to_ne_bytes()),
        (8, &1u32.to_ne_bytes()), // SYS_SECCOMP
        (16, &trap.ip().to_ne_bytes()),
        (24, &(nr as u32).to_ne_bytes()),
        (28, &call.abi.audit_arch().to_ne_bytes()),
    ];
    for (at, bytes) in fields {
        if let Some(dst) = info.get_mut(at..at.saturating_add(bytes.len())) {
            dst.copy_from_slice(bytes);
        }
    }
    let handler = PROG_SIGSYS[0].load(Ordering::Relaxed);
    let blocked = state::me().sigsys_blocked.load(Ordering::Relaxed);
    if handler == libc::SIG_IGN as u64 || blocked {
        // Forced: the default action.
        PROG_SIGSYS[0].store(libc::SIG_DFL as u64, Ordering::Relaxed);
    }
    // SAFETY: this frame's own context and a complete siginfo, as the kernel would pass
    // them to the program's handler.
    unsafe {
        let ctx = core::ptr::from_mut(trap.ucontext_mut()).cast::<libc::c_void>();
        forward(libc::SIGSYS, info.as_mut_ptr().cast(), ctx);
    }
    if full {
        let mut l = Line::new(b'L');
        l.push("rt_sigreturn({mask=");
        let _ = sigsys::fmt::write_sigset(&mut l, frame_mask(trap));
        l.push("})");
        l.push(line::RESULT_MARK);
        let rax = trap.regs().rax;
        l.push(" = ");
        l.push_int(rax as i64);
        l.queue();
    }
}
