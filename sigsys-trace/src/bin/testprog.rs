//! A small multi-threaded, forking test program for the sigsys-trace tests: each thread and
//! the child do a few recognisable system calls (`getppid`, `uname`-free, deterministic).

use std::io::Write;

fn work(tag: u64) {
    // Recognisable, deterministic calls: getpriority with the tag as "who" fails with ESRCH
    // or succeeds the same way under both tracers.
    for _ in 0..3 {
        // SAFETY: plain system calls without memory arguments.
        unsafe {
            libc::syscall(libc::SYS_getppid);
            libc::syscall(libc::SYS_getpriority, libc::PRIO_PROCESS, 1_000_000 + tag);
        }
    }
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let handles: Vec<_> = (0..n)
        .map(|i| std::thread::spawn(move || work(i)))
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // SAFETY: fork in a program whose other threads have all been joined.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        work(100);
        // SAFETY: leaving the child without running the parent's atexit handlers.
        unsafe { libc::_exit(3) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    let spawned = std::process::Command::new("/bin/true").status().unwrap();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "threads {n} child {} spawn {}",
        libc::WEXITSTATUS(status),
        spawned.code().unwrap_or(-1)
    )
    .unwrap();
}
