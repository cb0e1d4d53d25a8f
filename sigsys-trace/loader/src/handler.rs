//! The SIGSYS handler: decode, format, pass through, format the result, send one line.
//!
//! No heap, no locks, no libc calls; every system call leaves from the sigsys gate, which
//! Syscall User Dispatch lets through, so nothing here is traced or re-trapped. The handler
//! returns through the gate's restorer (installed with `SA_RESTORER`), so its own
//! `rt_sigreturn` is let through as well and the selector never changes.

use core::sync::atomic::Ordering;

use sigsys::{Abi, Cause, PassError, Trap};
use syscalls::x86_64::Sysno;

use crate::altstack;
use crate::batch;
use crate::ends;
use crate::line::{self, Line, Style};
use crate::masks::{self, frame_mask, SIGSYS_BIT};
use crate::prog_sigsys;
use crate::state;
use crate::sys;

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
            let me = state::me();
            let outer = me.swap_trap_mask(frame_mask(&trap));
            dispatch(&mut trap, outer);
            me.swap_trap_mask(outer);
            crate::mem::restore(before);
        }
        // A seccomp trap of the program's own filter, or a SIGSYS sent by kill: the
        // program's.
        // SAFETY: forwarded handler arguments.
        _ => unsafe { prog_sigsys::forward(sig, info, ctx) },
    }
}

/// What the parts of one trap's handling share.
struct Ctx {
    call: sigsys::Syscall,
    /// The call's number, for the native ABI (the others are passed through as they are).
    sysno: Option<Sysno>,
    /// Lines are written (not `--bare`).
    full: bool,
    style: Style,
    /// When the call started, for `-t`/`-T` (0: not asked for).
    started: u64,
    /// The program's mask at the trap this one is nested in (`state::NO_TRAP`: none), see
    /// `state::Thread::trap_mask`.
    outer_mask: u64,
}

impl Ctx {
    /// Ends a call's line: its times, then into the thread's ring.
    fn queue(&self, line: &mut Line) {
        if self.started != 0 {
            line::write_times(line, self.started);
        }
        line.queue();
    }
}

// Long (about 80 lines) on purpose: one trap's steps in their order (header, altstack,
// injection, composition, the call, its line), each a call of its own.
fn dispatch(trap: &mut Trap<'_>, outer_mask: u64) {
    let call = trap.syscall();
    let full = state::FULL.load(Ordering::Relaxed);
    let style = if state::RAW.load(Ordering::Relaxed) {
        Style::Raw
    } else {
        Style::Decoded
    };
    // The header's ids now: after a fork or an exec they are another process's.
    let mut line = if full { Line::new(b'L') } else { Line::empty() };
    let sysno = if call.abi == Abi::X86_64 {
        call.canonical()
    } else {
        None
    };
    if state::alt_pending() {
        altstack::apply_altstack(trap, false);
    } else if altstack::disarmed_by_a_jump(trap) {
        altstack::apply_altstack(trap, true);
    }
    let started = if full && state::TIMES.load(Ordering::Relaxed) {
        line::now_ns()
    } else {
        0
    };
    let cx = Ctx {
        call,
        sysno,
        full,
        style,
        started,
        outer_mask,
    };
    if injected(trap, &cx, &mut line) {
        return;
    }
    if full && crate::compose::kills(&call) {
        ends::killed_line(&call, style);
    }
    if let Some(data) = crate::compose::traps(&call) {
        prog_sigsys::program_trap(trap, &call, data, full, style);
        return;
    }
    if full
        && matches!(sysno, Some(Sysno::kill | Sysno::tgkill | Sysno::tkill))
        && ends::self_kill_lines(trap, sysno, &call, style)
    {
        // The line is written; should the process live on (a race with the program
        // changing its action), the call's result is not shown again.
        let _ = answer(trap, sysno, &call);
        return;
    }
    // The value-result arguments (socket address lengths, offsets, select's sets) as
    // the call reads them: the kernel rewrites them, strace shows `[128 => 16]`.
    // By meaning, whatever the ABI (i386 and x32 calls have value-results too).
    let before = if full && style == Style::Decoded && has_value_results(call.canonical()) {
        sigsys::fmt::Before::capture(&call, &line::ProcMemory)
    } else {
        sigsys::fmt::Before::NONE
    };
    let early = full && text_before(sysno);
    if early {
        line::write_call(&mut line, &call, style);
    }
    // Recorded while it runs, for the line of a call a signal interrupts (`= ?
    // ERESTARTSYS`, see `interrupted_line`).
    let record = full.then(|| state::me().call.set(&call));
    let ret = by_call(trap, &cx, &mut line);
    let interrupted = record.is_some_and(|old| state::me().call.restore(old));
    let Some(ret) = ret else {
        return;
    };
    // A call that failed with EINTR after its `= ? ERESTART...` line: strace shows no
    // other (a restarted one has a line of its own, as the call it is).
    if full && !(interrupted && ret == -(libc::EINTR as i64)) {
        done_line(trap, &cx, &mut line, ret, &before, early);
    } else if early {
        line.cancel();
    }
    // Any ABI: an i386 program's `int $0x80` ptrace is the same request.
    if call.canonical() == Some(Sysno::ptrace)
        && call.arg_int(0) == libc::PTRACE_TRACEME as i32
        && ret == 0
    {
        untraced_from_here();
    }
    if matches!(sysno, Some(Sysno::wait4 | Sysno::waitid)) {
        ends::reaped(sysno, &call, ret);
    }
}

/// A signal handler of the program is about to run on this thread: if it interrupted a
/// call the gate was passing through (`ctx` is the delivery's ucontext), that call's line
/// as strace shows it, `= ? ERESTARTSYS (To be restarted if SA_RESTART is set)` (or the
/// code the kernel uses for that call), before the signal's.
pub fn interrupted_line(ctx: &sigsys::frame::Ucontext) {
    let record = &state::me().call;
    let Some(call) = record.current() else {
        return;
    };
    let (rip, rax) = (ctx.mcontext.rip, ctx.mcontext.rax as i64);
    let restarted = rax == i64::from(call.nr) || rax == Sysno::restart_syscall.id() as i64;
    if !sigsys::gate::contains(rip) || !(restarted || rax == -(libc::EINTR as i64)) {
        return;
    }
    const ERESTARTSYS: i64 = 512;
    const ERESTARTNOHAND: i64 = 514;
    const ERESTART_RESTARTBLOCK: i64 = 516;
    let code = match call.canonical() {
        // Restarted with a handler: only `-ERESTARTSYS` under `SA_RESTART` (and the rare
        // `-ERESTARTNOINTR`).
        _ if restarted => ERESTARTSYS,
        Some(Sysno::nanosleep | Sysno::clock_nanosleep) => ERESTART_RESTARTBLOCK,
        // poll with a timeout restarts through a restart block; without one it is NOHAND.
        Some(Sysno::poll) if call.arg_int(2) >= 0 => ERESTART_RESTARTBLOCK,
        Some(
            Sysno::poll
            | Sysno::ppoll
            | Sysno::select
            | Sysno::pselect6
            | Sysno::pause
            | Sysno::rt_sigsuspend
            | Sysno::epoll_wait
            | Sysno::epoll_pwait
            | Sysno::epoll_pwait2,
        ) => ERESTARTNOHAND,
        _ => ERESTARTSYS,
    };
    let style = if state::RAW.load(Ordering::Relaxed) {
        Style::Raw
    } else {
        Style::Decoded
    };
    let mut line = Line::new(b'L');
    line::write_done(&mut line, &call, -code, style);
    line.queue();
    record.mark_interrupted();
}

/// The calls whose text is made before they run: with `-y`, those that change what their
/// descriptors are (`close(3</etc/passwd>)`, `dup2(3</a>, 4</b>)`); with `-yy` also those
/// that change a socket's addresses (`connect(3<TCP:[1234]>, ...)`, a UDP socket bound by
/// its first `sendto`), as strace shows them all from the call's entry.
fn text_before(sysno: Option<Sysno>) -> bool {
    let details = line::FD_DETAILS.load(Ordering::Relaxed);
    let sockets = details & sigsys::fmt::FdDetails::SOCKET.bits() != 0;
    match sysno {
        Some(Sysno::close | Sysno::dup2 | Sysno::dup3) => {
            details != 0 || line::FD_PATHS.load(Ordering::Relaxed)
        }
        Some(
            Sysno::bind
            | Sysno::connect
            | Sysno::listen
            | Sysno::shutdown
            | Sysno::sendto
            | Sysno::sendmsg,
        ) => sockets,
        _ => false,
    }
}

/// The calls with arguments the kernel reads and rewrites, which [`sigsys::fmt::Before`]
/// captures (strace shows `sendfile`'s offset change, and the offset `splice` and
/// `copy_file_range` read).
fn has_value_results(sysno: Option<Sysno>) -> bool {
    matches!(
        sysno,
        Some(
            Sysno::accept
                | Sysno::accept4
                | Sysno::recvfrom
                | Sysno::recvmsg
                | Sysno::getsockname
                | Sysno::getpeername
                | Sysno::getsockopt
                | Sysno::select
                | Sysno::pselect6
                | Sysno::ppoll
                | Sysno::sendfile
                | Sysno::splice
                | Sysno::copy_file_range
        )
    )
}

/// `-e inject=`: a call whose result (or signal) a rule tampers with, answered and its
/// line written here. Every call but those that do not return (and `rt_sigreturn`, which
/// is the kernel's, not a call to fail). Whether it was one.
fn injected(trap: &mut Trap<'_>, cx: &Ctx, line: &mut Line) -> bool {
    let tamper = match cx.sysno {
        Some(Sysno::exit | Sysno::exit_group | Sysno::rt_sigreturn) | None => None,
        Some(s) => crate::inject::check(s.id() as u32),
    };
    let Some(t) = tamper else {
        return false;
    };
    let call = &cx.call;
    let ret = match t.ret {
        Some(r) => {
            trap.set_return(r);
            r
        }
        None => answer(trap, cx.sysno, call),
    };
    if cx.full {
        if t.retval && (-4095..=-1).contains(&ret) {
            // strace shows an injected value as it is, even one that reads as an errno.
            line::write_call(line, call, cx.style);
            line.push(line::RESULT_MARK);
            line.push(" = ");
            line.push_int(ret);
        } else {
            line::write_done(line, call, ret, cx.style);
        }
        if t.ret.is_some() {
            // strace marks a tampered result, not a signal alone.
            line.push(" (INJECTED)");
        }
        cx.queue(line);
    }
    if t.signal != 0 {
        crate::inject::raise_after(t.signal);
    }
    true
}

/// The calls handled apart from the others: their result, or `None` if their lines are
/// written already (or the task is gone).
fn by_call(trap: &mut Trap<'_>, cx: &Ctx, line: &mut Line) -> Option<i64> {
    let (call, sysno) = (&cx.call, cx.sysno);
    match sysno {
        Some(Sysno::exit | Sysno::exit_group) => {
            exit_lines(trap, cx, line);
            None
        }
        Some(Sysno::execve | Sysno::execveat) => {
            exec_lines(
                trap,
                call,
                sysno == Some(Sysno::execveat),
                cx.full,
                cx.style,
            );
            None
        }
        Some(Sysno::rt_sigreturn) => {
            sigreturn(trap, cx, line);
            None
        }
        Some(s @ (Sysno::clone | Sysno::clone3 | Sysno::fork | Sysno::vfork)) => {
            // In the child of a fork (0): the parent prints the line.
            Some(crate::clone::handle(trap, s)).filter(|&r| r != 0)
        }
        _ => Some(answer(trap, sysno, call)),
    }
}

/// `exit`/`exit_group`: the call's line, then the task's end for the launcher's `+++
/// exited with N +++` (the code as the kernel reads it: an int, of which the status keeps
/// the low 8 bits), then the call.
fn exit_lines(trap: &mut Trap<'_>, cx: &Ctx, line: &mut Line) {
    let thread = cx.sysno == Some(Sysno::exit);
    if cx.full {
        line::write_call(line, &cx.call, cx.style);
        line::write_result(line, &cx.call, 0, cx.style);
        line.send();
    }
    let mut end = Line::new(b'X');
    end.push(if thread { "t" } else { "g" });
    end.push(" ");
    end.push_int(i64::from(cx.call.arg_int(0) & 0xff));
    end.send();
    if thread {
        state::forget_me();
    }
    let _ = trap.pass_through(); // returns only if the call failed
}

/// The program's own `rt_sigreturn`: its line (strace's form shows the mask the frame
/// restores), then the call, from the gate: the handler returns into the gate's restorer
/// (`mov $15, %rax; syscall`) with the program's stack pointer.
fn sigreturn(trap: &mut Trap<'_>, cx: &Ctx, line: &mut Line) {
    if cx.full {
        let call = &cx.call;
        match masks::sigreturn_rax(trap) {
            Some(rax) if cx.style == Style::Decoded => {
                line.push("rt_sigreturn({mask=");
                // A handler that interrupted a call in the gate returns into the tracer's
                // handler, whose mask holds SIGPIPE too: the program's is the trap's.
                let mask = match masks::sigreturn_rip(trap) {
                    Some(rip) if sigsys::gate::contains(rip) && cx.outer_mask != state::NO_TRAP => {
                        cx.outer_mask
                    }
                    _ => masks::sigreturn_mask(trap),
                };
                let _ = sigsys::fmt::write_sigset(line, mask);
                line.push("})");
                line::write_result(line, call, rax as i64, cx.style);
            }
            Some(rax) => line::write_done(line, call, rax as i64, cx.style),
            None => {
                line::write_call(line, call, cx.style);
                line.push(line::RESULT_MARK);
                line.push(" = ?");
            }
        }
        line.send();
    }
    // SAFETY: the gate's restorer runs `rt_sigreturn` on the program's own frame at the
    // stack pointer left as it is.
    unsafe { trap.ucontext_mut() }.mcontext.rip = sigsys::gate::restorer();
}

/// The line of a call that returned `ret` (only its result if `early`: the call's text is
/// in `line` already). A write that failed with `EPIPE` in a process the SIGPIPE will end:
/// the line and strace's `--- SIGPIPE` now, as the handler returns into the death.
fn done_line(
    trap: &Trap<'_>,
    cx: &Ctx,
    line: &mut Line,
    ret: i64,
    before: &sigsys::fmt::Before,
    early: bool,
) {
    if early {
        line::write_result(line, &cx.call, ret, cx.style);
    } else {
        line::write_done_with(line, &cx.call, ret, before, cx.style);
    }
    if ret != -(libc::EPIPE as i64) || !ends::pipe_kills(trap) {
        cx.queue(line);
        return;
    }
    if cx.started != 0 {
        line::write_times(line, cx.started);
    }
    line.send();
    ends::sigpipe_line();
}

/// The calls the tracer answers or adjusts itself (signal state, the program's view of
/// `/proc/self/exe`, `%gs`, seccomp, masks); the others are passed through.
// Long (about 80 lines) on purpose: the table from call to action, one arm per call, read
// as one.
fn answer(trap: &mut Trap<'_>, sysno: Option<Sysno>, call: &sigsys::Syscall) -> i64 {
    let call = *call;
    match sysno {
        Some(Sysno::rt_sigaction) if call.arg_int(0) == libc::SIGSYS => {
            let r = prog_sigsys::virtual_sigaction(call.args);
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
        Some(Sysno::wait4) if call.args[1] == 0 => wait4_without_status(trap, call),
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
            masks::hold_signals();
            pass(trap)
        }
        Some(Sysno::rt_sigsuspend) => masks::pass_mask_arg(trap, 0, false),
        Some(Sysno::ppoll) => masks::pass_mask_arg(trap, 3, false),
        Some(Sysno::epoll_pwait | Sysno::epoll_pwait2) => masks::pass_mask_arg(trap, 4, false),
        Some(Sysno::pselect6) => masks::pass_mask_arg(trap, 5, true),
        Some(Sysno::rt_sigprocmask) => masks::sigprocmask(trap, call.args),
        Some(Sysno::sigaltstack) => {
            let r = altstack::virtual_sigaltstack(trap, call.args);
            trap.set_return(r);
            r
        }
        Some(Sysno::prctl) if call.arg_int(0) == libc::PR_SET_TSC => {
            // The tracer reads the TSC for its lines' time stamps: not once it faults.
            let r = pass(trap);
            if r == 0 {
                batch::tsc_mode_set(call.args[1]);
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

/// `wait4(pid, NULL, ...)`: run with a status word of the tracer's, so that the launcher
/// learns how the child it reaped ended (`+++ killed by SIGTERM +++`, which it cannot ask
/// the kernel once the child is reaped); the program's memory and registers are as after
/// its own call.
fn wait4_without_status(trap: &mut Trap<'_>, call: sigsys::Syscall) -> i64 {
    let mut status: i32 = 0;
    let mut args = call.args;
    args[1] = core::ptr::addr_of_mut!(status) as u64;
    let with = sigsys::Syscall { args, ..call };
    // SAFETY: the program's own wait4 with its own arguments, but for the status pointer,
    // which points at `status`, live until the call returns (the kernel writes an int).
    let r = match unsafe { trap.pass_through_with(with) } {
        Ok(r) => r,
        Err(_) => pass(trap),
    };
    if r > 0 {
        ends::reaped_status(r, status);
    }
    r
}

/// After a successful `PTRACE_TRACEME`: the task's tracer would see every SIGSYS of
/// Syscall User Dispatch as a signal stop, so the task runs untraced from here on (this
/// call's line is the last), as it would without sigsys-trace; its `execve` then runs the
/// program without the loader.
fn untraced_from_here() {
    let mut l = Line::new(b'W');
    l.push("untraced from PTRACE_TRACEME on (its tracer would see the tracer's SIGSYS)");
    l.send();
    // The program's own signal actions back in the kernel's hands, then SUD off for this
    // thread; the handler returns through the gate as before.
    crate::signals::unwrap_all();
    let _ = sigsys::sud::disarm();
}

/// Whether a thread-directed signal call targets the calling thread.
fn to_this_thread(s: Sysno, call: &sigsys::Syscall) -> bool {
    let tid = i64::from(state::tid());
    match s {
        Sysno::tkill => call.arg_int(0) as i64 == tid,
        _ => call.arg_int(0) == state::pid() && call.arg_int(1) as i64 == tid,
    }
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
        sys::sigprocmask(libc::SIG_SETMASK, Some(&mask), None);
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
pub fn pass(trap: &mut Trap<'_>) -> i64 {
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
