//! One trace line: a fixed buffer, the formatter behind one pair of functions, and the one
//! `sendmsg` that ships it to the launcher.
//!
//! Message format (one line each, parsed by the launcher): `PID TID KIND TEXT\n`, with KIND
//! `L` (a complete line), `E` (an `execve` whose result the next image or an `R` gives),
//! `R` (the result completing the thread's pending `E`), `A` (a new image armed),
//! `W` (a warning for the user).

use core::fmt::{self, Write};
use core::sync::atomic::Ordering;

use sigsys::mem::SelfMemory;
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
        // Full: make the formatter stop early.
        if n < s.len() {
            Err(fmt::Error)
        } else {
            Ok(())
        }
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

    /// A line that is never sent (bare mode): no header, no system call.
    pub fn empty() -> Line {
        Line {
            buf: [0; LINE_MAX],
            len: 0,
        }
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

/// How calls are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// strace's default view, by `sigsys::fmt` (strings, flags, structs decoded).
    Decoded,
    /// `strace -e raw=all`: every argument and the result as raw hexadecimal.
    Raw,
}

const OPTS: sigsys::fmt::Options = sigsys::fmt::Options::DEFAULT;

/// Writes `name(args...)` as known before the call runs (for calls printed before they
/// finish: `execve`, `exit`).
pub fn write_call(line: &mut Line, call: &Syscall, style: Style) {
    match style {
        Style::Decoded => {
            let _ = sigsys::fmt::write_call(line, call, &SelfMemory, &OPTS);
        }
        Style::Raw => write_raw_call(line, call),
    }
}

/// Writes `name(args...) = result` once the call returned `ret`.
pub fn write_done(line: &mut Line, call: &Syscall, ret: i64, style: Style) {
    match style {
        Style::Decoded => {
            let _ = sigsys::fmt::write_call_done(line, call, ret, &SelfMemory, &OPTS);
            let _ = sigsys::fmt::write_result(line, call, ret, &SelfMemory, &OPTS);
        }
        Style::Raw => {
            write_raw_call(line, call);
            write_result(line, call, ret, style);
        }
    }
}

/// Writes ` = result` alone.
pub fn write_result(line: &mut Line, call: &Syscall, ret: i64, style: Style) {
    match style {
        Style::Decoded => {
            let _ = sigsys::fmt::write_result(line, call, ret, &SelfMemory, &OPTS);
        }
        Style::Raw => write_raw_result(line, call, ret),
    }
}

/// `strace -e raw=all`: the name and the call's own number of arguments in hex.
fn write_raw_call(line: &mut Line, call: &Syscall) {
    match call.name() {
        Some(name) => line.push(name),
        None => {
            let _ = write!(line, "syscall_{:#x}", call.nr);
        }
    }
    let nargs = sigsys::args::typed_args(call).map_or(6, |t| t.signature.args.len());
    line.push("(");
    for (i, arg) in call.args.iter().take(nargs).enumerate() {
        if i > 0 {
            line.push(", ");
        }
        write_hex(line, *arg);
    }
    line.push(")");
}

fn write_raw_result(line: &mut Line, call: &Syscall, ret: i64) {
    let no_return = sigsys::args::typed_args(call)
        .is_some_and(|t| t.signature.ret == sigsys::args::Ret::NoReturn);
    if no_return {
        line.push(" = ?");
        return;
    }
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
