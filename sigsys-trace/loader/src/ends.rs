//! Lines for how tasks end, written before the end they announce: a call the program's own
//! filter kills it for, a fatal signal it sends itself, a write that dies of SIGPIPE, and
//! the `Z` message for a child a `wait4`/`waitid` reaped.

use sigsys::Trap;
use syscalls::x86_64::Sysno;

use crate::line::{self, Line, Style};
use crate::masks::frame_mask;
use crate::state;
use crate::sys;

/// The line of a call the program's own filter kills it for, sent before the call (which
/// does not return): `getppid() = ?`, as strace shows it before `+++ killed by SIGSYS +++`.
#[inline(never)]
pub fn killed_line(call: &sigsys::Syscall, style: Style) {
    let mut l = Line::new(b'L');
    line::write_call(&mut l, call, style);
    l.push(line::RESULT_MARK);
    l.push(" = ?");
    l.send();
}

/// For `kill`, `tgkill` and `tkill` of the own process with a signal that will end it (the
/// default action terminates or dumps core, the program set no handler, the thread does
/// not block it; or SIGKILL): the call's line now, as strace shows it (`kill(P, SIGSEGV)
/// = 0` then `--- SIGSEGV {...} ---`; `kill(P, SIGKILL) = ?`), since the process dies as
/// the call returns, before its line would be written. Returns whether it was written.
#[inline(never)]
pub fn self_kill_lines(
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
        let uid = sys::getuid();
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
    }
    true
}

/// Whether a SIGPIPE the kernel just raised for the thread (a write to a broken pipe)
/// will end the process: the default action, not blocked by the program.
pub fn pipe_kills(trap: &Trap<'_>) -> bool {
    frame_mask(trap) & (1 << (libc::SIGPIPE - 1)) == 0
        && crate::signals::default_action(libc::SIGPIPE)
}

/// After a `wait4`/`waitid` that reaped a child: `Z CHILD STATUS` for the launcher, which
/// cannot wait for its grandchildren and learns their end (`+++ killed by SIGPIPE +++`)
/// this way.
#[inline(never)]
pub fn reaped(sysno: Option<Sysno>, call: &sigsys::Syscall, ret: i64) {
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
    reaped_status(child, status);
}

/// `Z CHILD STATUS`: a wait reaped `child`, which ended with wait status `status`.
pub fn reaped_status(child: i64, status: i32) {
    if child <= 0 {
        return;
    }
    let mut l = Line::new(b'Z');
    l.push_int(child);
    l.push(" ");
    l.push_int(i64::from(status));
    l.send();
}

/// strace's `--- SIGPIPE {...} ---` for the SIGPIPE a failed write just raised, sent now
/// (the process dies of it as the handler returns).
pub fn sigpipe_line() {
    let mut info = [0u8; 128];
    let uid = sys::getuid();
    let pid = state::pid() as u32;
    for (at, v) in [(0usize, libc::SIGPIPE as u32), (16, pid), (20, uid)] {
        if let Some(dst) = info.get_mut(at..at.saturating_add(4)) {
            dst.copy_from_slice(&v.to_ne_bytes());
        }
    }
    crate::signals::signal_line(libc::SIGPIPE, &info);
}
