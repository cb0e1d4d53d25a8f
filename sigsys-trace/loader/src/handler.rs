//! The SIGSYS handler: decode, format, pass through, format the result, send one line.
//!
//! No heap, no locks, no libc calls; every system call leaves from the sigsys gate, which
//! Syscall User Dispatch lets through, so nothing here is traced or re-trapped. The handler
//! returns through the gate's restorer (installed with `SA_RESTORER`), so its own
//! `rt_sigreturn` is let through as well and the selector never changes.

use core::sync::atomic::Ordering;

use sigsys::install::KernelSigaction;
use sigsys::{Abi, Cause, PassError, Trap};
use syscalls::x86_64::Sysno;

use crate::line::{self, Line, Style};
use crate::state::{self, sys, PROG_SIGSYS};

const SIGSYS_BIT: u64 = 1 << (libc::SIGSYS - 1);
const ARCH_SET_GS: i32 = 0x1001;
const ARCH_GET_GS: i32 = 0x1004;

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
        Ok(mut trap) if trap.cause() == Cause::UserDispatch => {
            let before = crate::mem::for_trap(&trap);
            dispatch(&mut trap);
            crate::mem::restore(before);
        }
        // A seccomp trap of the program's own filter, or a SIGSYS sent by kill: the
        // program's.
        // SAFETY: forwarded handler arguments.
        _ => unsafe { forward(sig, info, ctx) },
    }
}

fn dispatch(trap: &mut Trap<'_>) {
    let call = trap.syscall();
    let full = state::FULL.load(Ordering::Relaxed);
    let style = if state::RAW.load(Ordering::Relaxed) {
        Style::Raw
    } else {
        Style::Decoded
    };
    // The header now: after a fork or an exec the ids are another process's.
    let mut line = if full { Line::new(b'L') } else { Line::empty() };
    let sysno = if call.abi == Abi::X86_64 {
        call.canonical()
    } else {
        None
    };
    if may_block_or_end(sysno, &call) {
        line::flush();
    }
    if state::alt_pending() {
        apply_altstack(trap, false);
    } else if disarmed_by_a_jump(trap) {
        apply_altstack(trap, true);
    }
    let started = if full && state::TIMES.load(Ordering::Relaxed) {
        line::now_ns()
    } else {
        0
    };
    // `-e inject=`: every call but those that do not return (and `rt_sigreturn`, which
    // is the kernel's, not a call to fail).
    let tamper = match sysno {
        Some(Sysno::exit | Sysno::exit_group | Sysno::rt_sigreturn) | None => None,
        Some(s) => crate::inject::check(s.id() as u32),
    };
    if let Some(t) = tamper {
        let ret = match t.ret {
            Some(r) => {
                trap.set_return(r);
                r
            }
            None => answer(trap, sysno, &call),
        };
        if full {
            if t.retval && (-4095..=-1).contains(&ret) {
                // strace shows an injected value as it is, even one that reads as an
                // errno.
                line::write_call(&mut line, &call, style);
                line.push(line::RESULT_MARK);
                line.push(" = ");
                line.push_int(ret);
            } else {
                line::write_done(&mut line, &call, ret, style);
            }
            if t.ret.is_some() {
                // strace marks a tampered result, not a signal alone.
                line.push(" (INJECTED)");
            }
            if started != 0 {
                line::write_times(&mut line, started);
            }
            line.queue();
            line::flush_if_old();
        }
        if t.signal != 0 {
            crate::inject::raise_after(t.signal);
        }
        return;
    }
    if full && crate::compose::kills(&call) {
        killed_line(&call, style);
    }
    if let Some(data) = crate::compose::traps(&call) {
        program_trap(trap, &call, data, full, style);
        return;
    }
    if full
        && matches!(sysno, Some(Sysno::kill | Sysno::tgkill | Sysno::tkill))
        && self_kill_lines(trap, sysno, &call, style)
    {
        // The line is written; should the process live on (a race with the program
        // changing its action), the call's result is not shown again.
        let _ = answer(trap, sysno, &call);
        return;
    }
    let ret = match sysno {
        Some(Sysno::exit | Sysno::exit_group) => {
            if full {
                line::write_call(&mut line, &call, style);
                line::write_result(&mut line, &call, 0, style);
                line.send();
            }
            // The task's end, for the launcher's `+++ exited with N +++` (the code as the
            // kernel reads it: an int, of which the status keeps the low 8 bits).
            let mut end = Line::new(b'X');
            let kind = if sysno == Some(Sysno::exit) { "t" } else { "g" };
            end.push(kind);
            end.push(" ");
            end.push_int(i64::from(call.arg_int(0) & 0xff));
            end.send();
            if sysno == Some(Sysno::exit) {
                state::forget_me();
            }
            let _ = trap.pass_through();
            return; // not reached unless the call failed
        }
        Some(Sysno::execve | Sysno::execveat) => {
            exec_lines(trap, &call, sysno == Some(Sysno::execveat), full, style);
            return;
        }
        Some(Sysno::rt_sigreturn) => {
            if full {
                match sigreturn_rax(trap) {
                    Some(rax) if style == Style::Decoded => {
                        // strace's form: the mask the frame restores.
                        line.push("rt_sigreturn({mask=");
                        let _ = sigsys::fmt::write_sigset(&mut line, sigreturn_mask(trap));
                        line.push("})");
                        line::write_result(&mut line, &call, rax as i64, style);
                    }
                    Some(rax) => line::write_done(&mut line, &call, rax as i64, style),
                    None => {
                        line::write_call(&mut line, &call, style);
                        line.push(line::RESULT_MARK);
                        line.push(" = ?");
                    }
                }
                line.send();
            }
            // Let the program's own rt_sigreturn run from the gate: return into the gate's
            // restorer (`mov $15, %rax; syscall`) with the program's stack pointer.
            // SAFETY: the gate's restorer runs `rt_sigreturn` on the program's own frame at
            // the stack pointer left as it is.
            unsafe { trap.ucontext_mut() }.mcontext.rip = sigsys::gate::restorer();
            return;
        }
        Some(s @ (Sysno::clone | Sysno::clone3 | Sysno::fork | Sysno::vfork)) => {
            let ret = crate::clone::handle(trap, s);
            if ret == 0 {
                return; // the child of a fork: the parent prints the line
            }
            ret
        }
        Some(Sysno::close | Sysno::dup2 | Sysno::dup3)
            if full && line::FD_PATHS.load(Ordering::Relaxed) =>
        {
            // `-y`: the call changes what its descriptors are; their paths before it, as
            // strace shows them (`close(3</etc/passwd>)`, `dup2(3</a>, 4</b>)`).
            line::write_call(&mut line, &call, style);
            let ret = answer(trap, sysno, &call);
            line::write_result(&mut line, &call, ret, style);
            if started != 0 {
                line::write_times(&mut line, started);
            }
            line.queue();
            line::flush_if_old();
            return;
        }
        _ => answer(trap, sysno, &call),
    };
    if full {
        line::write_done(&mut line, &call, ret, style);
        if started != 0 {
            line::write_times(&mut line, started);
        }
        let epipe = ret == -(libc::EPIPE as i64) && pipe_kills(trap);
        if epipe {
            // The process dies of SIGPIPE as the handler returns: the line and strace's
            // `--- SIGPIPE` now.
            line.send();
            let mut info = [0u8; 128];
            let uid = sys(Sysno::getuid, [0; 6]) as u32;
            let pid = state::pid() as u32;
            for (at, v) in [(0usize, libc::SIGPIPE as u32), (16, pid), (20, uid)] {
                if let Some(dst) = info.get_mut(at..at.saturating_add(4)) {
                    dst.copy_from_slice(&v.to_ne_bytes());
                }
            }
            crate::signals::signal_line(libc::SIGPIPE, &info);
            line::flush();
        } else {
            line.queue();
            line::flush_if_old();
        }
    }
    if matches!(sysno, Some(Sysno::wait4 | Sysno::waitid)) {
        reaped(sysno, &call, ret);
    }
}

/// Whether a SIGPIPE the kernel just raised for the thread (a write to a broken pipe)
/// will end the process: the default action, not blocked by the program.
fn pipe_kills(trap: &Trap<'_>) -> bool {
    frame_mask(trap) & (1 << (libc::SIGPIPE - 1)) == 0
        && crate::signals::default_action(libc::SIGPIPE)
}

/// After a `wait4`/`waitid` that reaped a child: `Z CHILD STATUS` for the launcher, which
/// cannot wait for its grandchildren and learns their end (`+++ killed by SIGPIPE +++`)
/// this way.
#[inline(never)]
fn reaped(sysno: Option<Sysno>, call: &sigsys::Syscall, ret: i64) {
    let mem = crate::mem::ProgMemory;
    let (child, status) = match sysno {
        Some(Sysno::wait4) if ret > 0 && call.args[1] != 0 => {
            // SAFETY: an int accepts any bit pattern.
            match unsafe { sigsys::mem::read_pod::<i32>(&mem, call.args[1]) } {
                Ok(st) => (ret, st),
                Err(_) => return,
            }
        }
        Some(Sysno::waitid) if ret == 0 && call.args[2] != 0 && call.args[3] & 0x0100_0000 == 0 => {
            // siginfo: si_code at 8, si_pid at 16, si_status at 24 (WNOWAIT left out).
            // SAFETY: plain bytes.
            let Ok(b) = (unsafe { sigsys::mem::read_pod::<[u8; 28]>(&mem, call.args[2]) }) else {
                return;
            };
            let word = |i: usize| i32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            let st = match word(8) {
                1 => (word(24) & 0xff) << 8,   // CLD_EXITED
                2 => word(24) & 0x7f,          // CLD_KILLED
                3 => (word(24) & 0x7f) | 0x80, // CLD_DUMPED
                _ => return,
            };
            (i64::from(word(16)), st)
        }
        _ => return,
    };
    if child <= 0 {
        return;
    }
    let mut l = Line::new(b'Z');
    l.push_int(child);
    l.push(" ");
    l.push_int(i64::from(status));
    l.send();
}

/// The calls the tracer answers or adjusts itself (signal state, the program's view of
/// `/proc/self/exe`, `%gs`, seccomp, masks); the others are passed through.
fn answer(trap: &mut Trap<'_>, sysno: Option<Sysno>, call: &sigsys::Syscall) -> i64 {
    let call = *call;
    match sysno {
        Some(Sysno::rt_sigaction) if call.arg_int(0) == libc::SIGSYS => {
            let r = virtual_sigaction(call.args);
            trap.set_return(r);
            r
        }
        Some(Sysno::rt_sigaction) => {
            let r = crate::signals::sigaction(call.args);
            trap.set_return(r);
            r
        }
        Some(s @ (Sysno::readlink | Sysno::readlinkat))
            if crate::exec::readlink(&call, s == Sysno::readlinkat).is_some() =>
        {
            let r = crate::exec::readlink(&call, s == Sysno::readlinkat).unwrap_or(0);
            trap.set_return(r);
            r
        }
        Some(s @ (Sysno::open | Sysno::openat)) if is_open_self_exe(&call, s) => {
            let r = crate::exec::open(&call, s == Sysno::openat).unwrap_or(0);
            trap.set_return(r);
            r
        }
        Some(Sysno::arch_prctl) if call.arg_int(0) == ARCH_SET_GS => {
            // `%gs` becomes the program's: the tracer finds threads by id from now on.
            state::gs_taken();
            pass(trap)
        }
        Some(Sysno::arch_prctl) if call.arg_int(0) == ARCH_GET_GS && state::gs_is_tracers() => {
            // The program never set `%gs`: for it, the base is 0.
            // SAFETY: the program's `unsigned long *` for the answer.
            let r = match unsafe { crate::mem::write(call.args[1], &0u64.to_ne_bytes()) } {
                Ok(8) => 0,
                _ => -(libc::EFAULT as i64),
            };
            trap.set_return(r);
            r
        }
        Some(Sysno::seccomp) => crate::compose::seccomp(trap, &call, pass),
        Some(Sysno::prctl) if crate::compose::is_prctl_seccomp(&call) => {
            crate::compose::prctl(trap, &call, pass)
        }
        Some(s @ (Sysno::tgkill | Sysno::tkill | Sysno::rt_tgsigqueueinfo))
            if to_this_thread(s, &call) =>
        {
            // A signal sent to the own thread arrives as the call returns: after its line,
            // as strace shows it. (Not for signals sent to the process: the kernel gives
            // those to the calling thread unless it blocks them, and holding them here
            // would send them to another thread.)
            hold_signals();
            pass(trap)
        }
        Some(Sysno::rt_sigsuspend) => pass_mask_arg(trap, 0, false),
        Some(Sysno::ppoll) => pass_mask_arg(trap, 3, false),
        Some(Sysno::epoll_pwait | Sysno::epoll_pwait2) => pass_mask_arg(trap, 4, false),
        Some(Sysno::pselect6) => pass_mask_arg(trap, 5, true),
        Some(Sysno::rt_sigprocmask) => sigprocmask(trap, call.args),
        Some(Sysno::sigaltstack) => {
            let r = virtual_sigaltstack(trap, call.args);
            trap.set_return(r);
            r
        }
        Some(Sysno::prctl) if call.arg_int(0) == libc::PR_SET_TSC => {
            // The tracer reads the TSC for batch ages: not once it faults.
            let r = pass(trap);
            if r == 0 {
                line::tsc_mode_set(call.args[1]);
            }
            r
        }
        Some(Sysno::prctl) if call.arg_int(0) == sigsys::consts::PR_SET_SYSCALL_USER_DISPATCH => {
            // Syscall User Dispatch is the tracer's: to the program the kernel lacks it.
            let r = -(libc::EINVAL as i64);
            trap.set_return(r);
            r
        }
        _ => pass(trap),
    }
}

/// Whether a thread-directed signal call targets the calling thread.
fn to_this_thread(s: Sysno, call: &sigsys::Syscall) -> bool {
    let tid = i64::from(state::tid());
    match s {
        Sysno::tkill => call.arg_int(0) as i64 == tid,
        _ => call.arg_int(0) == state::pid() && call.arg_int(1) as i64 == tid,
    }
}

/// For `kill`, `tgkill` and `tkill` of the own process with a signal that will end it (the
/// default action terminates or dumps core, the program set no handler, the thread does
/// not block it; or SIGKILL): the call's line now, as strace shows it (`kill(P, SIGSEGV)
/// = 0` then `--- SIGSEGV {...} ---`; `kill(P, SIGKILL) = ?`), since the process dies as
/// the call returns, before its line would be written. Returns whether it was written.
#[inline(never)]
fn self_kill_lines(
    trap: &Trap<'_>,
    sysno: Option<Sysno>,
    call: &sigsys::Syscall,
    style: Style,
) -> bool {
    let (pid, tid) = (state::pid(), state::tid());
    let (sig, code) = match sysno {
        Some(Sysno::kill) if matches!(call.arg_int(0), 0) || call.arg_int(0) == pid => {
            (call.arg_int(1), 0) // SI_USER
        }
        Some(Sysno::tgkill) if call.arg_int(0) == pid => (call.arg_int(2), -6), // SI_TKILL
        Some(Sysno::tkill) if call.arg_int(0) == tid => (call.arg_int(1), -6),
        _ => return false,
    };
    let Some(bit) = u32::try_from(sig)
        .ok()
        .and_then(|s| s.checked_sub(1))
        .filter(|b| *b < 64)
    else {
        return false;
    };
    let not_fatal = [
        libc::SIGCHLD,
        libc::SIGCONT,
        libc::SIGURG,
        libc::SIGWINCH,
        libc::SIGSTOP,
        libc::SIGTSTP,
        libc::SIGTTIN,
        libc::SIGTTOU,
        libc::SIGSYS, // the tracer's: forwarded to the program's action
    ];
    let kill = sig == libc::SIGKILL;
    if !kill
        && (not_fatal.contains(&sig)
            || frame_mask(trap) & (1 << bit) != 0
            || !crate::signals::default_action(sig))
    {
        return false;
    }
    let mut l = Line::new(b'L');
    line::write_call(&mut l, call, style);
    l.push(line::RESULT_MARK);
    l.push(if kill { " = ?" } else { " = 0" });
    l.send();
    if !kill {
        let mut info = [0u8; 128];
        let uid = sys(Sysno::getuid, [0; 6]) as u32;
        for (at, v) in [
            (0usize, sig as u32),
            (8, code as u32),
            (16, pid as u32),
            (20, uid),
        ] {
            if let Some(dst) = info.get_mut(at..at.saturating_add(4)) {
                dst.copy_from_slice(&v.to_ne_bytes());
            }
        }
        crate::signals::signal_line(sig, &info);
        line::flush();
    }
    true
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
fn program_trap(trap: &mut Trap<'_>, call: &sigsys::Syscall, data: u32, full: bool, style: Style) {
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

/// The line of a call the program's own filter kills it for, sent before the call (which
/// does not return): `getppid() = ?`, as strace shows it before `+++ killed by SIGSYS +++`.
#[inline(never)]
fn killed_line(call: &sigsys::Syscall, style: Style) {
    let mut l = Line::new(b'L');
    line::write_call(&mut l, call, style);
    l.push(line::RESULT_MARK);
    l.push(" = ?");
    l.send();
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
    sys(
        Sysno::rt_sigprocmask,
        [
            libc::SIG_BLOCK as u64,
            core::ptr::from_ref(&block) as u64,
            0,
            8,
            0,
            0,
        ],
    );
}

/// `execve`/`execveat` with its two messages (the call now, the result from the new image
/// or below). Out of line: its two lines would otherwise sit in every call's frame.
#[inline(never)]
fn exec_lines(trap: &mut Trap<'_>, call: &sigsys::Syscall, at: bool, full: bool, style: Style) {
    if full {
        let mut pending = Line::new(b'E');
        line::write_call(&mut pending, call, style);
        pending.send();
    }
    let ret = exec(trap, at);
    if full {
        let mut done = Line::new(b'R');
        line::write_result(&mut done, call, ret, style);
        done.send();
    }
}

/// Calls before which the thread's batch is sent: those that end or replace the process or
/// make a new one (a child must not inherit waiting lines), and those that commonly wait
/// for long (so that what led up to the wait is visible during it).
fn may_block_or_end(sysno: Option<Sysno>, call: &sigsys::Syscall) -> bool {
    use Sysno::*;
    match sysno {
        Some(
            exit | exit_group | execve | execveat | fork | vfork | clone | clone3 | kill | tgkill
            | tkill | rt_sigqueueinfo | rt_tgsigqueueinfo | wait4 | waitid | poll | ppoll | select
            | pselect6 | epoll_wait | epoll_pwait | epoll_pwait2 | nanosleep | clock_nanosleep
            | pause | rt_sigsuspend | rt_sigtimedwait | accept | accept4 | msgrcv | semop
            | semtimedop | io_getevents | io_pgetevents | io_uring_enter | flock | sched_yield,
        ) => true,
        // FUTEX_WAIT (0), FUTEX_LOCK_PI (6), FUTEX_WAIT_BITSET (9), FUTEX_WAIT_REQUEUE_PI
        // (11), FUTEX_LOCK_PI2 (13), ...: not the wakes, requeues and the try-lock.
        Some(futex) => !matches!(call.args[1] & 0x7f, 1 | 3 | 4 | 5 | 7 | 8 | 10 | 12),
        None => true,
        Some(_) => false,
    }
}

/// Whether `call` opens `/proc/self/exe`.
fn is_open_self_exe(call: &sigsys::Syscall, s: Sysno) -> bool {
    let path = if s == Sysno::openat {
        call.args[1]
    } else {
        call.args[0]
    };
    let mut name = [0u8; 64];
    match sigsys::mem::read_cstr(&crate::mem::ProgMemory, path, &mut name) {
        Ok(n) => crate::exec::is_self_exe(name.get(..n).unwrap_or(&[])),
        Err(_) => false,
    }
}

/// `execve`/`execveat` through the loader (see `exec.rs`).
#[inline(never)]
fn exec(trap: &mut Trap<'_>, at: bool) -> i64 {
    // As `pass_through` does for exec: the new image gets the program's mask, not the
    // handler's; with SIGSYS in it if the program believes it blocked (the new image's
    // loader unblocks it again and remembers, as the kernel keeps the mask across exec).
    let believed = state::me().sigsys_blocked.load(Ordering::Relaxed);
    let mask = frame_mask(trap) | if believed { SIGSYS_BIT } else { 0 };
    let set_mask = || {
        sys(
            Sysno::rt_sigprocmask,
            [
                libc::SIG_SETMASK as u64,
                core::ptr::from_ref(&mask) as u64,
                0,
                8,
                0,
                0,
            ],
        );
    };
    let ret = crate::exec::exec(trap, at, set_mask);
    trap.set_return(ret);
    ret
}

/// Passes the call through. What `pass_through` refuses and reaches here:
/// - `HandlerStack` (`munmap`/`mprotect`/`madvise`/`mremap` of the stack the handler runs
///   on, e.g. a thread unmapping its alternate stack at exit while SIGSYS runs there):
///   success is emulated and the mapping stays (the crate refuses only calls whose
///   arguments the kernel accepts: the others get the kernel's own error);
/// - `AltStackInUse` (`sigaltstack` while the handler runs on an alternate stack the kernel
///   would not let it change): `EPERM`, what the kernel says to a change made on the
///   alternate stack;
/// - anything else: `ENOSYS`.
fn pass(trap: &mut Trap<'_>) -> i64 {
    // Exec included: every image the program starts loads the preload, which handles its
    // traps from the constructor on.
    match trap.pass_through_exec() {
        Ok(r) => r,
        Err(e) => {
            let r = match e {
                PassError::HandlerStack => 0,
                PassError::AltStackInUse => -(libc::EPERM as i64),
                _ => -(libc::ENOSYS as i64),
            };
            trap.set_return(r);
            r
        }
    }
}

/// `rt_sigprocmask`: run on the frame by `pass_through`, which never lets SIGSYS be blocked
/// (a trap while it is blocked kills the process). The tracer remembers whether the program
/// believes it blocked SIGSYS in this thread and shows it that in `oldset`.
#[inline(never)]
fn sigprocmask(trap: &mut Trap<'_>, args: [u64; 6]) -> i64 {
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

/// The RAX the program's `rt_sigreturn` will restore: its frame's `uc_mcontext.gregs[RAX]`,
/// read fault-free at the program's stack pointer (the restorer's `ret` left RSP at `uc`).
fn sigreturn_rax(trap: &Trap<'_>) -> Option<u64> {
    let off = core::mem::offset_of!(sigsys::Ucontext, mcontext)
        + core::mem::offset_of!(sigsys::frame::Sigcontext, rax);
    let addr = trap.sp().checked_add(off as u64)?;
    // SAFETY: a u64 accepts every bit pattern.
    unsafe { sigsys::mem::read_pod::<u64>(&crate::mem::ProgMemory, addr) }.ok()
}

/// The signal mask the frame at the program's stack pointer restores (its `uc_sigmask`;
/// unreadable: empty).
fn sigreturn_mask(trap: &Trap<'_>) -> u64 {
    let off = core::mem::offset_of!(sigsys::Ucontext, sigmask) as u64;
    let Some(addr) = trap.sp().checked_add(off) else {
        return 0;
    };
    // SAFETY: a u64 accepts every bit pattern.
    unsafe { sigsys::mem::read_pod::<u64>(&crate::mem::ProgMemory, addr) }.unwrap_or(0)
}

fn frame_mask(trap: &Trap<'_>) -> u64 {
    trap.sigmask().bits()
}

fn set_frame_mask(trap: &mut Trap<'_>, mask: u64) {
    trap.set_sigmask(sigsys::frame::SigSet(mask));
}

/// `rt_sigaction(SIGSYS, act, oldact, 8)`: recorded, never installed; ours stays.
#[inline(never)]
fn virtual_sigaction(args: [u64; 6]) -> i64 {
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

/// `sigaltstack(ss, old_ss)`, virtualised per thread.
///
/// The program sees the alternate stack it set (initially none), with the kernel's checks
/// against its own stack pointer. The real one is always installed with `SS_AUTODISARM`
/// (the kernel does not apply a `uc_stack` change while the handler runs on an alternate
/// stack without it: observed; `pass_through` reports it as `AltStackInUse`):
///
/// - the program's own once it sets one of at least [`state::prog_stack_min`] bytes (or
///   any size in a thread without a tracer stack, made by a raw `clone`): the program's
///   `SA_ONSTACK` handlers run where it put them, with the room it gave them;
/// - otherwise the tracer's (56 KiB): the handler needs more than programs give small
///   alternate stacks (Rust's runtime sets 8 KiB, `MINSIGSTKSZ` is 2 KiB), and must keep a
///   stack when the program has none. A program handler with
///   `SA_ONSTACK` then runs on the tracer's stack, which stands in for the program's: on
///   it, `sigaltstack` reports that stack (its address and size: the stack pointer lies in
///   it, which Go checks) with `SS_ONSTACK`, and refuses a change with `EPERM`, as the
///   kernel would on the program's.
///
/// The change is made in the frame (`uc_stack`), which the handler's `rt_sigreturn`
/// applies.
#[inline(never)]
fn virtual_sigaltstack(trap: &mut Trap<'_>, args: [u64; 6]) -> i64 {
    const MINSIGSTKSZ: u64 = 2048;
    let auto = sigsys::install::SS_AUTODISARM;
    let [ss, old_ss, ..] = args;
    let mem = crate::mem::ProgMemory;
    let (sp, size, flags) = state::prog_altstack();
    let tracer = state::tracer_altstack();
    let rsp = trap.sp();
    let on_prog = state::on_stack(rsp, sp, size);
    let on_tracer = tracer != 0 && state::on_stack(rsp, tracer, state::SIGNAL_STACK_SIZE as u64);
    let on = flags & auto == 0 && size != 0 && (on_prog || on_tracer);
    // A handler running on the tracer's stack standing in for the program's is told where
    // it really runs: programs check that the stack pointer lies in the stack reported
    // (Go's `adjustSignalStack` dies otherwise).
    let (sp, size) = if on && !on_prog {
        (tracer, state::SIGNAL_STACK_SIZE as u64)
    } else {
        (sp, size)
    };
    let mode = match (size, on) {
        (0, _) => libc::SS_DISABLE,
        (_, true) => libc::SS_ONSTACK,
        _ => 0,
    };
    let mut new = None;
    if ss != 0 {
        // SAFETY: a stack_t is three integers and padding; any bit pattern is valid.
        let n = match unsafe { sigsys::mem::read_pod::<[u64; 3]>(&mem, ss) } {
            Ok(n) => n,
            Err(_) => return -(libc::EFAULT as i64),
        };
        if on {
            return -(libc::EPERM as i64);
        }
        let nflags = n[1] as u32 as i32;
        new = Some(match nflags & !auto {
            libc::SS_DISABLE => (0, 0, libc::SS_DISABLE),
            0 | libc::SS_ONSTACK if n[2] < MINSIGSTKSZ => return -(libc::ENOMEM as i64),
            0 | libc::SS_ONSTACK => (n[0], n[2], nflags & auto),
            _ => return -(libc::EINVAL as i64),
        });
    }
    if old_ss != 0 {
        let old = [sp, u64::from((mode | (flags & auto)) as u32), size];
        // SAFETY: three u64s, no padding.
        let bytes = unsafe { core::slice::from_raw_parts(old.as_ptr().cast::<u8>(), 24) };
        // SAFETY: the program's `old_ss`, where the kernel writes.
        if unsafe { crate::mem::write(old_ss, bytes) } != Ok(24) {
            return -(libc::EFAULT as i64);
        }
    }
    if let Some((nsp, nsize, nflags)) = new {
        state::set_prog_altstack(nsp, nsize, nflags);
        // In a thread without a tracer stack the real one is the program's: none so far?
        apply_altstack(trap, tracer == 0 && size == 0);
    }
    0
}

/// Makes the real alternate stack the one the thread should have (see
/// [`virtual_sigaltstack`]), through the frame's `uc_stack`, which the handler's
/// `rt_sigreturn` applies.
///
/// Only when the frame's alternate stack is armed, or none was set (`none_set`): disarmed
/// there means a handler up the chain runs on the real one (`SS_AUTODISARM`), and arming
/// a stack now (it is applied while that handler still runs) would let the next signal
/// land on that handler's frames. Then the switch waits for a later trap whose frame has
/// it armed (the handlers up the chain have returned, re-arming the old one).
fn apply_altstack(trap: &mut Trap<'_>, none_set: bool) {
    let auto = sigsys::install::SS_AUTODISARM;
    let (psp, psize, pflags) = state::prog_altstack();
    let tracer = state::tracer_altstack();
    let (sp, size, flags) = if psize != 0 && (psize >= state::prog_stack_min() || tracer == 0) {
        (psp, psize, (pflags & !libc::SS_ONSTACK) | auto)
    } else if tracer != 0 {
        (tracer, state::SIGNAL_STACK_SIZE as u64, auto)
    } else {
        (0, 0, libc::SS_DISABLE)
    };
    // SAFETY: the frame's alternate stack, which `rt_sigreturn` applies: a stack of the
    // program's or the tracer's own, both mapped for this thread.
    let st = &mut unsafe { trap.ucontext_mut() }.stack;
    if st.flags & libc::SS_DISABLE != 0 && !none_set {
        state::set_alt_pending(true);
        return;
    }
    st.sp = sp;
    st.size = size;
    st.flags = flags;
    state::set_alt_pending(false);
}

/// At the start of a program handler's delivery (the wrapper in `signals`): the kernel
/// disarmed the real alternate stack (`SS_AUTODISARM` is undone by every frame it
/// builds, on that stack or not), so the traps of the program's handler would run the
/// tracer's handler on the program's stack. Armed again now, with the stack the thread
/// should have, unless this delivery or the code it interrupted runs on that stack (a
/// handler there: the kernel re-arms it at its `rt_sigreturn`). One `sigaltstack` per
/// delivery.
pub fn rearm_altstack(interrupted_sp: u64) {
    let auto = sigsys::install::SS_AUTODISARM;
    let (psp, psize, pflags) = state::prog_altstack();
    let tracer = state::tracer_altstack();
    let (sp, size, flags) = if psize != 0 && (psize >= state::prog_stack_min() || tracer == 0) {
        (psp, psize, (pflags & !libc::SS_ONSTACK) | auto)
    } else if tracer != 0 {
        (tracer, state::SIGNAL_STACK_SIZE as u64, auto)
    } else {
        return;
    };
    let here = core::ptr::from_ref(&sp) as u64;
    if state::on_stack(here, sp, size) || state::on_stack(interrupted_sp, sp, size) {
        return;
    }
    let st = libc::stack_t {
        ss_sp: sp as *mut libc::c_void,
        ss_flags: flags,
        ss_size: size as usize,
    };
    sys(
        Sysno::sigaltstack,
        [core::ptr::from_ref(&st) as u64, 0, 0, 0, 0, 0],
    );
}

/// Whether the real alternate stack is disarmed although no handler runs on it: a handler
/// that ran there left by `siglongjmp` (`SS_AUTODISARM` is undone only by `rt_sigreturn`).
/// The interrupted stack pointer is then outside both stacks; the kernel, for the
/// program's own stack without `SS_AUTODISARM`, would deliver the next signal there again,
/// so it is armed again (through the frame).
fn disarmed_by_a_jump(trap: &Trap<'_>) -> bool {
    if trap.altstack().flags & libc::SS_DISABLE == 0 {
        return false;
    }
    let (psp, psize, _) = state::prog_altstack();
    let tracer = state::tracer_altstack();
    let rsp = trap.sp();
    let on_tracer = tracer != 0 && state::on_stack(rsp, tracer, state::SIGNAL_STACK_SIZE as u64);
    (psize != 0 || tracer != 0) && !state::on_stack(rsp, psp, psize) && !on_tracer
}

/// Runs a call that takes a temporary signal mask (argument `idx`; for `pselect6` a
/// pointer to `{mask pointer, size}`) with SIGSYS taken out of that mask: a program
/// handler run during the call gets that mask, and must not have SIGSYS blocked.
#[inline(never)]
fn pass_mask_arg(trap: &mut Trap<'_>, idx: usize, indirect: bool) -> i64 {
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

/// A SIGSYS that is not our trap: do what the program's own action would do.
///
/// # Safety
///
/// Handler arguments from the kernel.
#[inline(never)]
unsafe fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
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
        h => {
            // As the kernel delivers: SA_RESETHAND puts SIG_DFL back first, and the handler
            // runs with its sa_mask blocked (SIGSYS itself never: a trap while it is blocked
            // would kill the process; the tracer's handler has SA_NODEFER).
            if flags & libc::SA_RESETHAND as u64 != 0 {
                PROG_SIGSYS[0].store(libc::SIG_DFL as u64, Ordering::Relaxed);
            }
            let mask = PROG_SIGSYS[3].load(Ordering::Relaxed) & !SIGSYS_BIT;
            let mut old: u64 = 0;
            let blocked = mask != 0
                && sys(
                    Sysno::rt_sigprocmask,
                    [
                        libc::SIG_BLOCK as u64,
                        core::ptr::from_ref(&mask) as u64,
                        core::ptr::from_mut(&mut old) as u64,
                        8,
                        0,
                        0,
                    ],
                ) == 0;
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
                sys(
                    Sysno::rt_sigprocmask,
                    [
                        libc::SIG_SETMASK as u64,
                        core::ptr::from_ref(&old) as u64,
                        0,
                        8,
                        0,
                        0,
                    ],
                );
            }
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
        state::me().sigsys_blocked.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn futex(op: u64) -> bool {
        let nr = Sysno::futex.id() as u32;
        let call = sigsys::Syscall::new(Abi::X86_64, nr, [0, op, 0, 0, 0, 0]);
        may_block_or_end(Some(Sysno::futex), &call)
    }

    /// The batch is sent before a futex wait, not before a wake.
    #[test]
    fn futex_waits_flush_wakes_do_not() {
        let private = 128;
        for op in [0, 6, 9, 11, 13] {
            assert!(futex(op) && futex(op | private), "op {op} waits");
        }
        for op in [1, 3, 4, 5, 7, 8, 10, 12] {
            assert!(!futex(op) && !futex(op | private), "op {op} does not wait");
        }
    }
}
