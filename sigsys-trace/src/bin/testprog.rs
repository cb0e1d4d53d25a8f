//! A small multi-threaded, forking, spawning test program for the sigsys-trace tests.
//!
//! Its system call sequences per thread do not depend on scheduling (apart from `futex`):
//! threads are created with `pthread_create` directly (no Rust runtime work in them, no
//! allocation), wait on a barrier until all exist, make a few recognisable calls, and are
//! all joined before the program forks a child and spawns `/bin/true`.

use std::io::Write;

static mut BARRIER: std::mem::MaybeUninit<libc::pthread_barrier_t> =
    std::mem::MaybeUninit::uninit();

extern "C" fn work(tag: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: the barrier is initialised before any thread starts and destroyed after all
    // are joined.
    unsafe { libc::pthread_barrier_wait(std::ptr::addr_of_mut!(BARRIER).cast()) };
    calls(tag as u64);
    std::ptr::null_mut()
}

fn calls(tag: u64) {
    for _ in 0..3 {
        // SAFETY: system calls without memory arguments. getpriority of a pid that does
        // not exist fails with ESRCH the same way every time.
        unsafe {
            libc::syscall(libc::SYS_getppid);
            libc::syscall(libc::SYS_getpriority, libc::PRIO_PROCESS, 1_000_000 + tag);
        }
    }
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    // SAFETY: plain pthread calls on static storage and local handles.
    unsafe {
        libc::pthread_barrier_init(
            std::ptr::addr_of_mut!(BARRIER).cast(),
            std::ptr::null(),
            n + 1,
        );
        let mut threads = vec![0 as libc::pthread_t; n as usize];
        for (i, t) in threads.iter_mut().enumerate() {
            libc::pthread_create(t, std::ptr::null(), work, i as *mut libc::c_void);
        }
        libc::pthread_barrier_wait(std::ptr::addr_of_mut!(BARRIER).cast());
        for t in threads {
            libc::pthread_join(t, std::ptr::null_mut());
        }
        libc::pthread_barrier_destroy(std::ptr::addr_of_mut!(BARRIER).cast());
    }
    calls(50);
    // SAFETY: fork in a program whose other threads have all been joined.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        calls(100);
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
