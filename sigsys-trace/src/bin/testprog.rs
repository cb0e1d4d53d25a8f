//! A small multi-threaded, forking, spawning test program for the sigsys-trace tests.
//!
//! Its system call sequences per thread do not depend on scheduling (apart from `futex`):
//! threads are created with `pthread_create` directly (no Rust runtime work in them, no
//! allocation), wait on a barrier until all exist, make a few recognisable calls, and are
//! all joined before the program forks a child and spawns `/bin/true`.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

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

static SYS_SEEN: AtomicUsize = AtomicUsize::new(0);
static USR1_SEEN: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_sys(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    SYS_SEEN.fetch_add(1, Ordering::SeqCst);
}

extern "C" fn on_usr1(_: libc::c_int) {
    // A system call inside the program's handler, with every signal blocked.
    // SAFETY: getppid has no arguments.
    unsafe { libc::syscall(libc::SYS_getppid) };
    USR1_SEEN.fetch_add(1, Ordering::SeqCst);
}

const ALT_SIZE: usize = 64 * 1024;

fn check(ok: bool, what: &str) {
    if !ok {
        eprintln!("testprog signals: {what} FAILED");
        std::process::exit(1);
    }
}

/// What a program may do with signals, each checked: its own SIGSYS handler (read back,
/// and called for a SIGSYS sent by kill), all signals blocked (read back), handlers with
/// a full mask, its own alternate stack (set, read back, disabled, read back), ppoll with
/// a full mask. (Which stack an `SA_ONSTACK` handler runs on is not checked: under
/// sigsys-trace it is the tracer's alternate stack; see the README.)
// A test script (one check after another, each exiting on a difference): long on purpose.
fn signals() {
    // SAFETY: plain signal-handling calls on local, initialised structs.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sys as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO;
        libc::sigfillset(&mut sa.sa_mask);
        check(
            libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut()) == 0,
            "sigaction(SIGSYS)",
        );
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGSYS, std::ptr::null(), &mut old);
        check(
            old.sa_sigaction == on_sys as *const () as usize,
            "SIGSYS handler read back",
        );

        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        let mut prev: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, &all, &mut prev);
        let mut now: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut now);
        check(
            libc::sigismember(&now, libc::SIGSYS) == 1,
            "SIGSYS blocked read back",
        );
        check(
            libc::sigismember(&now, libc::SIGUSR1) == 1,
            "SIGUSR1 blocked read back",
        );
        libc::getppid(); // a call with everything blocked
        libc::sigprocmask(libc::SIG_SETMASK, &prev, std::ptr::null_mut());

        let mut su: libc::sigaction = std::mem::zeroed();
        su.sa_sigaction = on_usr1 as *const () as usize;
        su.sa_flags = libc::SA_ONSTACK;
        libc::sigfillset(&mut su.sa_mask);
        libc::sigaction(libc::SIGUSR1, &su, std::ptr::null_mut());
        let mut back: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGUSR1, std::ptr::null(), &mut back);
        check(
            libc::sigismember(&back.sa_mask, libc::SIGSYS) == 1,
            "handler mask read back",
        );

        let mem = libc::mmap(
            std::ptr::null_mut(),
            ALT_SIZE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        let ss = libc::stack_t {
            ss_sp: mem,
            ss_flags: 0,
            ss_size: ALT_SIZE,
        };
        check(
            libc::sigaltstack(&ss, std::ptr::null_mut()) == 0,
            "sigaltstack",
        );
        let mut cur: libc::stack_t = std::mem::zeroed();
        libc::sigaltstack(std::ptr::null(), &mut cur);
        check(
            cur.ss_sp == mem && cur.ss_size == ALT_SIZE,
            "sigaltstack read back",
        );
        libc::raise(libc::SIGUSR1);
        check(USR1_SEEN.load(Ordering::SeqCst) == 1, "SIGUSR1 handled");
        let off = libc::stack_t {
            ss_sp: std::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: 0,
        };
        check(
            libc::sigaltstack(&off, std::ptr::null_mut()) == 0,
            "sigaltstack off",
        );
        libc::sigaltstack(std::ptr::null(), &mut cur);
        check(
            cur.ss_flags & libc::SS_DISABLE != 0,
            "sigaltstack off read back",
        );
        libc::raise(libc::SIGUSR1);
        check(
            USR1_SEEN.load(Ordering::SeqCst) == 2,
            "SIGUSR1 handled again",
        );
        libc::munmap(mem, ALT_SIZE);

        libc::kill(libc::getpid(), libc::SIGSYS);
        check(
            SYS_SEEN.load(Ordering::SeqCst) == 1,
            "kill(SIGSYS) reached the program's handler",
        );

        let mut pfd: [libc::pollfd; 0] = [];
        let ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        check(
            libc::ppoll(pfd.as_mut_ptr(), 0, &ts, &all) == 0,
            "ppoll with a full mask",
        );
    }
    println!("signals ok");
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("signals") {
        signals();
        return;
    }
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
