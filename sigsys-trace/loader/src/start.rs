//! Arming the tracer in a new image, before the program's first instruction: connect to
//! the launcher, install the SIGSYS handler and an alternate stack, arm Syscall User
//! Dispatch for the thread.

use core::sync::atomic::Ordering;

use syscalls::x86_64::Sysno;

use crate::handler;
use crate::line::{self, Line};
use crate::protocol::{self, Header};
use crate::state::{self, sys, OUT_FD};

/// Arms the tracer as `header` says. `minsigstksz` is the kernel's `AT_MINSIGSTKSZ`.
///
/// `execve` is the program's exec as the kernel ran it (name, argv, envp), for the first
/// line of the image.
pub fn start(header: &Header, minsigstksz: u64, hwcap2: u64, execve: [u64; 3]) {
    state::init_thread_lookup(hwcap2);
    match header.mode {
        protocol::MODE_BARE => state::FULL.store(false, Ordering::Relaxed),
        protocol::MODE_HEXA => state::RAW.store(true, Ordering::Relaxed),
        _ => {}
    }
    if header.flags & protocol::FLAG_EAGER != 0 {
        state::EAGER.store(true, Ordering::Relaxed);
    }
    let n = (header.sock_len as usize).min(header.sock.len());
    connect(header.sock.get(..n).unwrap_or(&[]));
    state::refresh_pid();
    state::init_prog_stack_min(minsigstksz);
    line::tsc_mode_at_start();
    if state::new_altstack().is_none() {
        warn("cannot map an alternate signal stack; the handler uses the program's stack");
    }
    // SAFETY: the handler is async-signal-safe (no heap, no locks, gate calls only).
    match unsafe { sigsys::install::install_handler(handler::on_sigsys) } {
        Ok(old) => {
            let old = [old.handler, old.flags, old.restorer, old.mask];
            for (slot, v) in state::PROG_SIGSYS.iter().zip(old) {
                slot.store(v, Ordering::Relaxed);
            }
        }
        Err(e) => {
            let mut l = Line::new(b'W');
            let _ = core::fmt::Write::write_fmt(
                &mut l,
                format_args!("cannot install the SIGSYS handler ({e}); nothing traced"),
            );
            l.send();
            return;
        }
    }
    handler::unblock_sigsys_at_start();
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
    } else {
        hello.push("armed");
    }
    hello.send();
    match state::arm_thread() {
        Ok(()) => state::ACTIVE.store(true, Ordering::Relaxed),
        Err(e) => {
            let mut l = Line::new(b'W');
            let _ = core::fmt::Write::write_fmt(
                &mut l,
                format_args!("cannot arm Syscall User Dispatch ({e}); nothing traced"),
            );
            l.send();
        }
    }
}

fn warn(msg: &str) {
    let mut l = Line::new(b'W');
    l.push(msg);
    l.send();
}

/// Connects to the launcher's abstract unix socket (`\0` + name) and moves the socket to a
/// high, close-on-exec descriptor, so that the program's own descriptor numbers are those
/// it would get without the tracer.
fn connect(name: &[u8]) {
    let fd = sys(
        Sysno::socket,
        [
            libc::AF_UNIX as u64,
            (libc::SOCK_STREAM | libc::SOCK_CLOEXEC) as u64,
            0,
            0,
            0,
            0,
        ],
    );
    if fd < 0 {
        return;
    }
    // SAFETY: sockaddr_un is plain data; zero is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { core::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let n = name.len().min(addr.sun_path.len() - 1);
    for (dst, src) in addr.sun_path.iter_mut().skip(1).zip(&name[..n]) {
        *dst = *src as libc::c_char;
    }
    let len = core::mem::size_of::<libc::sa_family_t>() + 1 + n;
    let r = sys(
        Sysno::connect,
        [
            fd as u64,
            core::ptr::from_ref(&addr) as u64,
            len as u64,
            0,
            0,
            0,
        ],
    );
    if r < 0 {
        sys(Sysno::close, [fd as u64, 0, 0, 0, 0, 0]);
        return;
    }
    let moved = move_high(fd as u64);
    if moved >= 0 {
        sys(Sysno::close, [fd as u64, 0, 0, 0, 0, 0]);
        OUT_FD.store(moved as i32, Ordering::Relaxed);
    } else {
        OUT_FD.store(fd as i32, Ordering::Relaxed);
    }
}

/// Duplicates `fd` (close-on-exec) to a number the program does not use.
///
/// With a soft `RLIMIT_NOFILE` below the hard one: at the soft limit itself, the lowest
/// number the program cannot get (the soft limit is raised by one for the `F_DUPFD` and
/// put back; a descriptor above the limit stays valid). The program's descriptors and its
/// `EMFILE` are then exactly as without the tracer. Not at the hard limit: the kernel's
/// descriptor table grows to the highest open descriptor and every fork copies it (a hard
/// limit of 2^20 would cost megabytes per process).
///
/// With soft = hard (no room above the limit): three quarters of the limit, far above what
/// programs use; a program that fills its whole descriptor space gets `EMFILE` one early.
fn move_high(fd: u64) -> i64 {
    let dup = |floor: u64| {
        sys(
            Sysno::fcntl,
            [fd, libc::F_DUPFD_CLOEXEC as u64, floor, 0, 0, 0],
        )
    };
    let Some(lim) = nofile(None) else {
        return dup(3);
    };
    let (soft, hard) = (lim.rlim_cur, lim.rlim_max);
    if soft < hard && soft < 1 << 20 {
        let raised = libc::rlimit {
            rlim_cur: soft + 1,
            rlim_max: hard,
        };
        if nofile(Some(&raised)).is_some() {
            let moved = dup(soft);
            let _ = nofile(Some(&lim));
            if moved >= 0 {
                return moved;
            }
        }
    }
    if soft < 8 {
        return dup(3);
    }
    dup((soft.min(1 << 20) / 4 * 3).max(3))
}

/// `prlimit64(0, RLIMIT_NOFILE, new, &old)`: the limit before the call.
fn nofile(new: Option<&libc::rlimit>) -> Option<libc::rlimit> {
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    let r = sys(
        Sysno::prlimit64,
        [
            0,
            libc::RLIMIT_NOFILE as u64,
            new.map_or(0, |n| core::ptr::from_ref(n) as u64),
            core::ptr::from_mut(&mut old) as u64,
            0,
            0,
        ],
    );
    (r == 0).then_some(old)
}
