//! Arming the tracer in a new image, before the program's first instruction: connect to
//! the launcher, install the SIGSYS handler and an alternate stack, arm Syscall User
//! Dispatch for the thread.

use core::sync::atomic::Ordering;

use syscalls::x86_64::Sysno;

use crate::handler;
use crate::line::{self, Line};
use crate::protocol::{self, Header};
use crate::state;

use crate::{batch, masks, send};

/// The `protocol::Slot::flags` of this image's exec.
pub static SLOT_FLAGS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

/// The run's options, from the header, into the statics the handler reads.
fn options(header: &Header) {
    match header.mode {
        protocol::MODE_BARE => state::FULL.store(false, Ordering::Relaxed),
        protocol::MODE_HEXA => state::RAW.store(true, Ordering::Relaxed),
        _ => {}
    }
    if header.flags & protocol::FLAG_TIMES != 0 {
        state::TIMES.store(true, Ordering::Relaxed);
    }
    if header.flags & protocol::FLAG_HEX_ALL != 0 {
        line::HEX.store(2, Ordering::Relaxed);
    } else if header.flags & protocol::FLAG_HEX_NON_ASCII != 0 {
        line::HEX.store(1, Ordering::Relaxed);
    }
    if header.flags & protocol::FLAG_FD_PATHS != 0 {
        line::FD_PATHS.store(true, Ordering::Relaxed);
    }
    let details = (header.flags & protocol::FLAG_FD_DETAILS) >> protocol::FD_DETAILS_SHIFT;
    line::FD_DETAILS.store(details as u8, Ordering::Relaxed);
    if header.flags & protocol::FLAG_VERBOSE != 0 {
        line::VERBOSE.store(true, Ordering::Relaxed);
    }
    if header.flags & protocol::FLAG_SIGNALS != 0 && header.mode != protocol::MODE_BARE {
        crate::signals::SHOW.store(true, Ordering::Relaxed);
    }
    line::STRING_LIMIT.store(header.string_limit, Ordering::Relaxed);
}

/// Arms the tracer as `header` says. `minsigstksz` is the kernel's `AT_MINSIGSTKSZ`.
///
/// `execve` is the program's exec as the kernel ran it (name, argv, envp), for the first
/// line of the image.
pub fn start(header: &Header, minsigstksz: u64, hwcap2: u64, execve: [u64; 3]) {
    state::init_thread_lookup(hwcap2);
    options(header);
    crate::inject::load(&header.inject, header.inject_len);
    send::set_token(header.token);
    let n = (header.sock_len as usize).min(header.sock.len());
    // SAFETY: before the program runs.
    unsafe { send::set_launcher(header.sock.get(..n).unwrap_or(&[])) };
    state::pid(); // asked once before the program runs
    state::init_prog_stack_min(minsigstksz);
    batch::tsc_mode_at_start();
    if state::new_altstack().is_none() {
        warn("cannot map an alternate signal stack; the handler uses the program's stack");
    }
    if !install_handler() {
        return;
    }
    // The program's memory is read by safecopy: the crate's SIGSEGV/SIGBUS handler claims
    // the faults of its reads and chains every other fault to the program's own action
    // (the image's: the default, or ignored as before the exec), which the program's
    // `rt_sigaction` then sets (`handler::virtual_fault_sigaction`).
    if let Err(e) = sigsys::safecopy::install() {
        warn_err(
            "cannot install the fault handler",
            &e,
            "; memory read by the kernel",
        );
    }
    masks::unblock_sigsys_at_start();
    crate::signals::chld_at_start();
    let started = if state::TIMES.load(Ordering::Relaxed) {
        line::now_ns()
    } else {
        0
    };
    hello(execve, started);
    match state::arm_thread() {
        Ok(()) => state::ACTIVE.store(true, Ordering::Relaxed),
        Err(e) => {
            warn_err("cannot arm Syscall User Dispatch", &e, "; nothing traced");
        }
    }
}

/// Installs the SIGSYS handler and records the action it replaced as the program's;
/// whether it is installed (if not, a warning was sent and nothing is traced).
fn install_handler() -> bool {
    // SAFETY: the handler is async-signal-safe (no heap, no locks, gate calls only).
    match unsafe { sigsys::install::install_handler(handler::on_sigsys) } {
        Ok(old) => {
            let mut old = [old.handler, old.flags, old.restorer, old.mask];
            if SLOT_FLAGS.load(Ordering::Relaxed) & protocol::SLOT_SIGSYS_IGNORED != 0 {
                // Ignored before the exec: still ignored (the kernel reset only our handler).
                old = [libc::SIG_IGN as u64, 0, 0, 0];
            }
            for (slot, v) in state::PROG_SIGSYS.iter().zip(old) {
                slot.store(v, Ordering::Relaxed);
            }
            // SIGPIPE held while the handler runs: a write the handler passes through to a
            // broken pipe gets its line before the signal (delivered at the handler's
            // `rt_sigreturn`, when the program's mask is back), as strace shows
            // `write(...) = -1 EPIPE` before `--- SIGPIPE` and `+++ killed by SIGPIPE +++`.
            crate::signals::set_handler_mask(false);
            true
        }
        Err(e) => {
            warn_err("cannot install the SIGSYS handler", &e, "; nothing traced");
            false
        }
    }
}

/// The image's first line (`A`): its `execve` as the kernel ran it (`armed` in bare mode).
fn hello(execve: [u64; 3], started: u64) {
    let mut hello = Line::new(b'A');
    if state::FULL.load(Ordering::Relaxed) {
        let call =
            sigsys::Syscall::x86_64(Sysno::execve, [execve[0], execve[1], execve[2], 0, 0, 0]);
        let style = if state::RAW.load(Ordering::Relaxed) {
            line::Style::Raw
        } else {
            line::Style::Decoded
        };
        line::write_call(&mut hello, &call, style);
        if started != 0 {
            line::write_times(&mut hello, started);
        }
    } else {
        hello.push("armed");
    }
    hello.send();
}

/// A warning `BEFORE (ERROR) AFTER` (start-up only: `core::fmt` for the error's text).
fn warn_err(before: &str, e: &dyn core::fmt::Display, after: &str) {
    let mut l = Line::new(b'W');
    let _ = core::fmt::Write::write_fmt(&mut l, format_args!("{before} ({e}){after}"));
    l.send();
}

fn warn(msg: &str) {
    let mut l = Line::new(b'W');
    l.push(msg);
    l.send();
}
