//! Test program for the `-o` batching tests of sigsys-trace (`tests/batching.rs`).
//!
//! ```text
//! sigsys-trace-batchprog race N   # 50 us itimer; handler: getppid; main: close(-k) until N hits
//! sigsys-trace-batchprog pipe K   # K marker calls, then a write to a pipe without reader
//! sigsys-trace-batchprog quiet K  # a thread makes K marker calls and spins; main exits
//! sigsys-trace-batchprog term     # one marker call, prints "ready", sleeps (killed by the test)
//! ```
//!
//! Marker calls are `openat(AT_FDCWD, "/nonexistent/batchprog-marker-I", O_RDONLY)`, which
//! fail with ENOENT and appear nowhere else. Every loop is bounded.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static HITS: AtomicU64 = AtomicU64::new(0);
static READY: AtomicBool = AtomicBool::new(false);

extern "C" fn on_alarm(_: libc::c_int) {
    HITS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: a system call without arguments.
    unsafe { libc::syscall(libc::SYS_getppid) };
}

fn marker(i: u64) {
    let path = format!("/nonexistent/batchprog-marker-{i}\0");
    // SAFETY: a NUL-terminated path; the call fails with ENOENT.
    unsafe {
        libc::syscall(
            libc::SYS_openat,
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::O_RDONLY,
        )
    };
}

/// Empties the thread's batch (sched_yield is one of the calls before which it is sent):
/// what follows is all in the batch when the task dies.
fn flush_point() {
    // SAFETY: no arguments.
    unsafe { libc::syscall(libc::SYS_sched_yield) };
}

fn set_timer(usec: i64) {
    let it = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: usec,
        },
        it_value: libc::timeval {
            tv_sec: 0,
            tv_usec: usec,
        },
    };
    // SAFETY: a valid itimerval.
    unsafe { libc::setitimer(libc::ITIMER_REAL, &it, std::ptr::null_mut()) };
}

fn race(n: u64) {
    // SAFETY: a plain handler that only touches an atomic and makes a system call.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_alarm as extern "C" fn(libc::c_int) as libc::sighandler_t;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGALRM, &sa, std::ptr::null_mut());
    }
    set_timer(50);
    let mut closes: u64 = 0;
    while HITS.load(Ordering::SeqCst) < n && closes < 50_000_000 {
        // SAFETY: closing a negative descriptor fails with EBADF.
        unsafe { libc::syscall(libc::SYS_close, -((closes % 1000) as i64) - 2) };
        closes += 1;
    }
    set_timer(0);
    let hits = HITS.load(Ordering::SeqCst);
    println!("hits={hits} closes={closes}");
}

fn pipe(k: u64) {
    let mut fds = [0i32; 2];
    // SAFETY: default action for SIGPIPE (Rust ignores it), a pipe whose read end is
    // closed at once.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::pipe(fds.as_mut_ptr());
        libc::close(fds[0]);
    }
    flush_point();
    for i in 0..k {
        marker(i);
    }
    // SAFETY: a write to a pipe without reader: the process dies of SIGPIPE.
    unsafe { libc::write(fds[1], b"y\n".as_ptr().cast(), 2) };
    std::process::exit(3); // not reached
}

fn quiet(k: u64) {
    std::thread::spawn(move || {
        flush_point();
        for i in 0..k {
            marker(i);
        }
        READY.store(true, Ordering::SeqCst);
        // Spin without system calls until the process exits.
        let mut x: u64 = 0;
        loop {
            x = std::hint::black_box(x.wrapping_add(1));
        }
    });
    let mut spins: u64 = 0;
    while !READY.load(Ordering::SeqCst) && spins < 100_000_000_000 {
        std::hint::spin_loop();
        spins += 1;
    }
    std::process::exit(0);
}

fn term() {
    marker(0);
    flush_point();
    println!("ready");
    let _ = std::io::stdout().flush();
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_secs(20));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |i: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(10);
    match args.get(1).map(String::as_str) {
        Some("race") => race(num(2)),
        Some("pipe") => pipe(num(2)),
        Some("quiet") => quiet(num(2)),
        Some("term") => term(),
        _ => {
            eprintln!("usage: sigsys-trace-batchprog race N | pipe K | quiet K | term");
            std::process::exit(2);
        }
    }
}
