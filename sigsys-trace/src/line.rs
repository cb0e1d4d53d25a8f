//! One trace line: a fixed buffer, the formatter behind one pair of functions, and the one
//! `sendmsg` that ships it to the launcher.
//!
//! Message format (one line each, parsed by the launcher): `PID TID KIND TEXT\n`, with KIND
//! `L` (a complete line), `E` (an `execve` whose result the next image or an `R` gives),
//! `R` (the result completing the thread's pending `E`), `A` (a new image armed),
//! `W` (a warning for the user).

use core::fmt::{self, Write};
use core::sync::atomic::Ordering;

use sigsys::Syscall;
use syscalls::x86_64::Sysno;

use crate::state::{self, OUT_FD};

/// Longest line sent; longer lines are cut (the launcher keeps the newline).
pub const LINE_MAX: usize = 2048;

/// A line being built, on the handler's stack.
pub struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Keep one byte for the newline; cut silently.
        let room = (LINE_MAX - 1).saturating_sub(self.len);
        let n = s.len().min(room);
        if let (Some(dst), Some(src)) = (
            self.buf.get_mut(self.len..self.len + n),
            s.as_bytes().get(..n),
        ) {
            dst.copy_from_slice(src);
            self.len += n;
        }
        Ok(())
    }
}

impl Line {
    /// An empty line with the `PID TID KIND ` header.
    pub fn new(kind: u8) -> Line {
        let mut line = Line {
            buf: [0; LINE_MAX],
            len: 0,
        };
        let _ = write!(line, "{} {} {} ", state::pid(), state::tid(), kind as char);
        line
    }

    /// Appends text.
    pub fn push(&mut self, s: &str) {
        let _ = self.write_str(s);
    }

    /// Sends the line (with its newline) to the launcher. Never fails visibly: a lost
    /// connection only loses the line.
    pub fn send(mut self) {
        if let Some(b) = self.buf.get_mut(self.len) {
            *b = b'\n';
            self.len += 1;
        }
        send_bytes(self.buf.get(..self.len).unwrap_or(&[]));
    }
}

/// One or more `sendto(MSG_NOSIGNAL)` from the gate until `bytes` are all sent (a short
/// send only happens when a signal interrupts a blocked send). No SIGPIPE, ever: a launcher
/// that went away costs the line, not the program.
pub fn send_bytes(mut bytes: &[u8]) {
    let fd = OUT_FD.load(Ordering::Relaxed);
    if fd < 0 {
        return;
    }
    let mut tries = 0;
    while !bytes.is_empty() && tries < 1000 {
        tries += 1;
        let r = state::sys(
            Sysno::sendto,
            [
                fd as u64,
                bytes.as_ptr() as u64,
                bytes.len() as u64,
                libc::MSG_NOSIGNAL as u64,
                0,
                0,
            ],
        );
        if r == -(libc::EINTR as i64) || r == -(libc::EAGAIN as i64) {
            continue;
        }
        if r <= 0 {
            return;
        }
        bytes = bytes.get(r as usize..).unwrap_or(&[]);
    }
}

/// Writes `name(arg, ...)` for `call`: the one place that decides how a call looks.
///
/// Minimal formatter until `sigsys::fmt` lands: the name (or `syscall_0x..`) and all six
/// arguments as raw hexadecimal, exactly as `strace -e raw=all` prints them (`0` for
/// zero, `0x..` otherwise), so the tests can compare with strace argument by argument.
pub fn write_call(line: &mut Line, call: &Syscall) {
    match call.name() {
        Some(name) => line.push(name),
        None => {
            let _ = write!(line, "syscall_{:#x}", call.nr);
        }
    }
    line.push("(");
    for (i, arg) in call.args.iter().enumerate() {
        if i > 0 {
            line.push(", ");
        }
        write_hex(line, *arg);
    }
    line.push(")");
}

/// Writes ` = RESULT` as `strace -e raw=all` does: `-1 ENAME (description)` for errors,
/// raw hex otherwise.
pub fn write_result(line: &mut Line, ret: i64) {
    line.push(" = ");
    if (-4095..0).contains(&ret) {
        let errno = syscalls::Errno::new(-ret as i32);
        match errno.name_and_description() {
            Some((name, desc)) => {
                let _ = write!(line, "-1 {name} ({desc})");
            }
            None => {
                let _ = write!(line, "-1 errno {}", -ret);
            }
        }
    } else {
        write_hex(line, ret as u64);
    }
}

fn write_hex(line: &mut Line, v: u64) {
    if v == 0 {
        line.push("0");
    } else {
        let _ = write!(line, "{v:#x}");
    }
}
