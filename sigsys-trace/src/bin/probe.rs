//! Probe program for `tests/hardening.rs`. Each mode prints what the program observes
//! and exits with a status; traced and untraced runs must agree (except `stack-depth`,
//! which measures the tracer).
//!
//! Modes:
//! - `stack-depth`: a 512 KiB alternate stack painted with a pattern, a series of system
//!   calls, then how many bytes from its top were written (untraced: 0; traced: the
//!   tracer's handler at one level plus the kernel's frame).
//! - `altstack-check SIZE`: an alternate stack of SIZE bytes and `SA_ONSTACK` handlers that
//!   check, as Go's runtime does, that the address of a local lies inside the stack
//!   `sigaltstack` reports; signals raised by a system call, by an instruction, and by a
//!   1 ms interval timer during system calls and computation. Prints how many checks
//!   failed.
//! - `tsc`: `prctl(PR_SET_TSC, PR_TSC_SIGSEGV)`, then calls for a few milliseconds (the
//!   tracer must not read the TSC any more), then the mode read back.
//! - `clone3`: `clone3` with sizes and placements against a guard page (strace's test):
//!   prints each errno (the kernel's `copy_struct_from_user` rules).
//! - `madvise`: `madvise`/`munmap`/`mprotect`/`mremap` over huge ranges (which cover the
//!   tracer's stack) that the kernel's argument checks refuse: prints each errno.
//! - `sigsys-resethand`: a SIGSYS handler with `SA_RESETHAND` and SIGUSR1 in its mask,
//!   reached by `raise`: it sees SIGUSR1 blocked; the second `raise` kills the process.
//! - `hostile-fds`: for every descriptor in `/proc/self/fd` from 3 up: `fcntl(F_SETFL,
//!   O_NONBLOCK)`, `ioctl(FIONBIO)`, `setsockopt(SO_SNDBUF)`, `shutdown`, a 64-bit `close`
//!   with bit 32 set, an i386 `close` (`int $0x80`), then marker calls: they must be traced.
//! - `deny-sendto`: a seccomp filter failing `sendto` and `sendmsg` with EPERM (the
//!   tracer's sends too),
//!   then marker calls.
//! - `no-fds`: fills its descriptor table (`RLIMIT_NOFILE` 64), then marker calls: the
//!   tracer has no descriptor left to send lines with.
//! - `sigaction-wide`: `rt_sigaction((1 << 32) | SIGSYS, SIG_DFL)` (the kernel reads an
//!   int: SIGSYS), then more calls.
//! - `observe`: what a program can see of its own start: its arguments, environment,
//!   `/proc/self/{cmdline,environ,comm,exe}`, `getauxval(AT_EXECFN)`, the file behind
//!   `open("/proc/self/exe")`, its open descriptors, every signal's disposition, its
//!   signal mask and alternate stack. With `exec` as the next argument, it first executes
//!   itself (`/proc/self/exe`) with `observe` and the remaining arguments.
//! - `clone-ymm`: a raw `clone` of a thread with a pattern in all of YMM0 (AVX): the child
//!   prints the upper half it finds (the kernel gives a new thread every register of its
//!   creator, vector registers included).
//! - `try-exec PATH...`: for each PATH, a child execs it (no arguments); prints the errno
//!   its exec failed with, or the child's exit status.
//! - `execveat-null-env`: `execveat(AT_FDCWD, "/bin/sh", argv, NULL, 0)` of
//!   `sh -c 'echo $$'`-like commands: the new image must be traced too.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

const PAINT: u8 = 0xa5;

fn map(len: usize) -> *mut u8 {
    // SAFETY: a fresh private anonymous mapping.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED, "mmap");
    p.cast()
}

fn set_altstack(base: *mut u8, size: usize) {
    let ss = libc::stack_t {
        ss_sp: base.cast(),
        ss_flags: 0,
        ss_size: size,
    };
    // SAFETY: the stack stays mapped while it is in use.
    assert_eq!(unsafe { libc::sigaltstack(&ss, std::ptr::null_mut()) }, 0);
}

fn disable_altstack() {
    let off = libc::stack_t {
        ss_sp: std::ptr::null_mut(),
        ss_flags: libc::SS_DISABLE,
        ss_size: 0,
    };
    // SAFETY: disabling.
    unsafe { libc::sigaltstack(&off, std::ptr::null_mut()) };
}

fn stack_depth() {
    let size = 512 * 1024;
    let base = map(size);
    // SAFETY: our mapping.
    unsafe { std::ptr::write_bytes(base, PAINT, size) };
    set_altstack(base, size);
    let mut buf = [0u8; 4096];
    // SAFETY: plain system calls on our own buffers.
    unsafe {
        let fd = libc::open(c"/etc/passwd".as_ptr(), libc::O_RDONLY);
        libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        let mut st: libc::stat = std::mem::zeroed();
        libc::fstat(fd, &mut st);
        libc::close(fd);
        libc::write(1, buf.as_ptr().cast(), 0);
        let mut sa: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGUSR2, std::ptr::null(), &mut sa);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut set);
        let mut pfd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        libc::poll(&mut pfd, 1, 0);
        let pid = libc::fork();
        if pid == 0 {
            libc::_exit(0);
        }
        libc::waitpid(pid, std::ptr::null_mut(), 0);
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 1000,
        };
        libc::nanosleep(&ts, &mut ts);
        libc::stat(c"/usr/bin/../lib/../bin/true".as_ptr(), &mut st);
    }
    black_box(&buf);
    disable_altstack();
    // SAFETY: our mapping.
    let bytes = unsafe { std::slice::from_raw_parts(base, size) };
    let low = bytes.iter().position(|&b| b != PAINT).unwrap_or(size);
    println!("used={}", size - low);
}

static CHECKS: AtomicU64 = AtomicU64::new(0);
static BAD: AtomicU64 = AtomicU64::new(0);

extern "C" fn check_handler(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let local = 0u8;
    let here = black_box(&local) as *const u8 as u64;
    // SAFETY: a stack_t is plain data; querying only.
    let mut ss: libc::stack_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let r = unsafe { libc::sigaltstack(std::ptr::null(), &mut ss) };
    let lo = ss.ss_sp as u64;
    let inside = r == 0
        && ss.ss_flags & libc::SS_DISABLE == 0
        && here >= lo
        && here < lo.wrapping_add(ss.ss_size as u64);
    CHECKS.fetch_add(1, Ordering::SeqCst);
    if !inside {
        BAD.fetch_add(1, Ordering::SeqCst);
    }
}

fn handle(sig: libc::c_int, handler: usize, flags: libc::c_int) {
    // SAFETY: sigaction is plain data.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = handler;
    sa.sa_flags = libc::SA_SIGINFO | flags;
    // SAFETY: the handlers only make async-signal-safe calls.
    assert_eq!(
        unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) },
        0
    );
}

fn altstack_check(size: usize) {
    let base = map(size);
    set_altstack(base, size);
    for sig in [libc::SIGUSR1, libc::SIGTRAP, libc::SIGALRM] {
        handle(
            sig,
            check_handler as *const () as usize,
            libc::SA_ONSTACK | libc::SA_RESTART,
        );
    }
    // SAFETY: handled above.
    unsafe { libc::raise(libc::SIGUSR1) };
    // SAFETY: SIGTRAP is handled; execution continues after the int3.
    unsafe { std::arch::asm!("int3") };
    let tick = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 1000,
        },
        it_value: libc::timeval {
            tv_sec: 0,
            tv_usec: 1000,
        },
    };
    // SAFETY: a live itimerval.
    unsafe { libc::setitimer(libc::ITIMER_REAL, &tick, std::ptr::null_mut()) };
    let start = std::time::Instant::now();
    let mut x = 1u64;
    while CHECKS.load(Ordering::SeqCst) < 40 && start.elapsed().as_secs() < 10 {
        for _ in 0..100_000 {
            x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        // SAFETY: plain system calls.
        unsafe {
            libc::getppid();
            libc::usleep(200);
        }
    }
    let off = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
    };
    // SAFETY: as above.
    unsafe { libc::setitimer(libc::ITIMER_REAL, &off, std::ptr::null_mut()) };
    black_box(x);
    let enough = CHECKS.load(Ordering::SeqCst) >= 40;
    println!("enough={enough} bad={}", BAD.load(Ordering::SeqCst));
}

fn errno_of(r: i64) -> String {
    if r >= 0 {
        return format!("ok({r})");
    }
    let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    let name = match e {
        libc::EINVAL => "EINVAL",
        libc::EFAULT => "EFAULT",
        libc::E2BIG => "E2BIG",
        libc::ENOMEM => "ENOMEM",
        libc::ENOSYS => "ENOSYS",
        libc::EPERM => "EPERM",
        libc::EBADF => "EBADF",
        libc::ENOENT => "ENOENT",
        _ => return format!("errno {e}"),
    };
    name.to_string()
}

fn tsc() {
    // SAFETY: plain prctl calls.
    let r = unsafe { libc::prctl(libc::PR_SET_TSC, libc::PR_TSC_SIGSEGV, 0, 0, 0) };
    println!("set: {}", errno_of(r.into()));
    // No `Instant` from here on: the vDSO's clock reads the TSC too.
    let mut n = 0;
    for _ in 0..100 {
        // SAFETY: plain system calls.
        unsafe {
            libc::getppid();
            libc::usleep(200);
        }
        n += 1;
    }
    let mut mode = 0;
    // SAFETY: as above; writes an int.
    let r = unsafe { libc::prctl(libc::PR_GET_TSC, &mut mode, 0, 0, 0) };
    println!("get: {} mode={mode} calls>0={}", errno_of(r.into()), n > 0);
}

fn clone3() {
    let page = 4096;
    let base = map(2 * page);
    // SAFETY: the second page of our mapping becomes a guard page.
    assert_eq!(
        unsafe { libc::mprotect(base.add(page).cast(), page, libc::PROT_NONE) },
        0
    );
    // SAFETY: the first page is ours.
    let end = unsafe { base.add(page) };
    let call = |at: *mut u8, size: usize| {
        // SAFETY: clone3 reads at most `size` bytes at `at`; the flags below make it fail
        // before creating anything (CLONE_SIGHAND without CLONE_VM is EINVAL).
        errno_of(unsafe { libc::syscall(libc::SYS_clone3, at, size) })
    };
    let fill = |at: *mut u8, len: usize, byte: u8| {
        // SAFETY: callers keep [at, at + len) in the first page.
        unsafe { std::ptr::write_bytes(at, byte, len) }
    };
    let args = |at: *mut u8| {
        fill(at, 88, 0);
        // SAFETY: in the first page; flags = CLONE_SIGHAND, exit_signal = SIGCHLD.
        unsafe {
            at.cast::<u64>().write_unaligned(libc::CLONE_SIGHAND as u64);
            at.add(32)
                .cast::<u64>()
                .write_unaligned(libc::SIGCHLD as u64);
        }
    };
    // SAFETY (all `sub`s): inside the first page.
    let at96 = unsafe { end.sub(96) };
    let at88 = unsafe { end.sub(88) };
    let at40 = unsafe { end.sub(40) };
    args(at96);
    println!("size 4097: {}", call(at96, 4097));
    println!("size 63: {}", call(at96, 63));
    // Known part, then 8 non-zero bytes, then the guard page: E2BIG.
    fill(unsafe { at96.add(88) }, 8, 0xfa);
    println!("nonzero tail then guard: {}", call(at96, 104));
    // Known part, 8 zero bytes, then the guard page: EFAULT.
    fill(unsafe { at96.add(88) }, 8, 0);
    println!("zero tail then guard: {}", call(at96, 104));
    // Known part and a zero tail, all mapped: the flags' EINVAL.
    println!("zero tail: {}", call(at96, 96));
    args(at88);
    println!("exact, before the guard: {}", call(at88, 88));
    println!("one past, in the guard: {}", call(at88, 96));
    println!("partly in the guard: {}", call(at40, 88));
}

fn madvise() {
    let huge: usize = 18446744073709550286;
    // SAFETY: every call below is refused by the kernel's argument checks.
    unsafe {
        let r = libc::madvise(std::ptr::null_mut(), huge, libc::MADV_SEQUENTIAL);
        println!("madvise(NULL, {huge}, SEQUENTIAL): {}", errno_of(r.into()));
        let r = libc::madvise(std::ptr::null_mut(), huge, 12345);
        println!("madvise(NULL, {huge}, 12345): {}", errno_of(r.into()));
        let r = libc::madvise(std::ptr::null_mut(), 1 << 47, 12345);
        println!("madvise(NULL, 1<<47, 12345): {}", errno_of(r.into()));
        let r = libc::munmap(std::ptr::null_mut(), usize::MAX - 100);
        println!("munmap(NULL, -101): {}", errno_of(r.into()));
        let r = libc::mprotect(std::ptr::null_mut(), usize::MAX - 100, libc::PROT_READ);
        println!("mprotect(NULL, -101, READ): {}", errno_of(r.into()));
        let r = libc::mprotect(std::ptr::null_mut(), 1 << 47, 0x1000_0000);
        println!("mprotect(NULL, 1<<47, 0x10000000): {}", errno_of(r.into()));
        let r = libc::syscall(
            libc::SYS_mremap,
            0usize,
            1usize << 47,
            0usize,
            0usize,
            0usize,
        );
        println!("mremap(NULL, 1<<47, 0, 0): {}", errno_of(r));
    }
}

static USR1_BLOCKED: AtomicU64 = AtomicU64::new(9);

extern "C" fn on_sigsys(_: libc::c_int) {
    // SAFETY: a sigset_t is plain data; querying the mask only.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut set) };
    // SAFETY: a valid set.
    let b = unsafe { libc::sigismember(&set, libc::SIGUSR1) };
    USR1_BLOCKED.store(b as u64, Ordering::SeqCst);
}

fn sigsys_resethand() {
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain calls with valid arguments.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigsys as *const () as usize;
        sa.sa_flags = libc::SA_RESETHAND;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaddset(&mut sa.sa_mask, libc::SIGUSR1);
        assert_eq!(libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut()), 0);
        libc::raise(libc::SIGSYS);
        let mut now: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGSYS, std::ptr::null(), &mut now);
        let line = format!(
            "usr1 blocked in handler: {}; handler now default: {}\n",
            USR1_BLOCKED.load(Ordering::SeqCst),
            now.sa_sigaction == libc::SIG_DFL
        );
        libc::write(1, line.as_ptr().cast(), line.len());
        libc::raise(libc::SIGSYS);
        libc::write(1, b"survived\n".as_ptr().cast(), 9);
    }
}

fn markers() {
    for i in 0..5 {
        // SAFETY: getpriority of a pid that does not exist: ESRCH.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, 1_000_000 + i) };
    }
    println!("done");
}

fn hostile_fds() {
    let fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|&fd| fd > 2)
        .collect();
    for fd in fds {
        let one: libc::c_int = 1;
        // SAFETY: calls on descriptors; whatever they do to one not the program's own is
        // the point of the test (the listing's own descriptor is closed at the end).
        unsafe {
            libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK);
            libc::ioctl(fd, libc::FIONBIO, &one);
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_SNDBUF,
                std::ptr::from_ref(&one).cast(),
                4,
            );
            libc::shutdown(fd, libc::SHUT_RDWR);
            libc::syscall(libc::SYS_close, (1u64 << 32) | fd as u64);
            let nr: u64 = 6; // i386 close
            std::arch::asm!(
                "xchg rbx, {fd}",
                "int 0x80",
                "xchg rbx, {fd}",
                fd = inout(reg) fd as u64 => _,
                inlateout("rax") nr => _,
                options(nostack)
            );
        }
    }
    markers();
}

fn deny_sendto() {
    // BPF: A = nr; if A == sendto or A == sendmsg: ERRNO(EPERM); ALLOW.
    let nr_off = 0u32;
    let f = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    let filter = [
        f(0x20, 0, 0, nr_off),
        f(0x15, 2, 0, libc::SYS_sendto as u32),
        f(0x15, 1, 0, libc::SYS_sendmsg as u32),
        f(0x06, 0, 0, 0x7fff_0000),
        f(0x06, 0, 0, 0x0005_0000 | libc::EPERM as u32),
    ];
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: a valid filter program; no_new_privs first.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(
            libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog),
            0
        );
    }
    markers();
}

fn no_fds() {
    // SAFETY: plain calls; the descriptors stay open until the process exits.
    unsafe {
        let lim = libc::rlimit {
            rlim_cur: 64,
            rlim_max: 64,
        };
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        while libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY) >= 0 {}
    }
    markers();
}

fn sigaction_wide() {
    let dfl = [0u64; 4];
    // SAFETY: a kernel sigaction of SIG_DFL; the signal number has bit 32 set, which the
    // kernel ignores (an int).
    let r = unsafe {
        libc::syscall(
            libc::SYS_rt_sigaction,
            (1u64 << 32) | libc::SIGSYS as u64,
            dfl.as_ptr(),
            std::ptr::null::<u64>(),
            8,
        )
    };
    println!("rt_sigaction: {}", errno_of(r));
    // SAFETY: plain calls.
    unsafe { libc::getppid() };
    println!("alive");
}

fn execveat_null_env() {
    let argv = [
        c"sh".as_ptr(),
        c"-c".as_ptr(),
        c"echo child; exit 3".as_ptr(),
        std::ptr::null(),
    ];
    // SAFETY: NUL-terminated strings, a NULL-terminated argv and a null envp (an empty
    // environment to the kernel).
    let r = unsafe {
        libc::syscall(
            libc::SYS_execveat,
            libc::AT_FDCWD,
            c"/bin/sh".as_ptr(),
            argv.as_ptr(),
            std::ptr::null::<*const libc::c_char>(),
            0,
        )
    };
    println!("execveat failed: {}", errno_of(r));
}

fn try_exec(paths: &[String]) {
    for p in paths {
        let c = std::ffi::CString::new(p.as_str()).expect("path");
        let mut pipe = [0i32; 2];
        // SAFETY: a pipe, a fork, and in the child only exec, write and _exit.
        unsafe {
            libc::pipe2(pipe.as_mut_ptr(), libc::O_CLOEXEC);
            let pid = libc::fork();
            if pid == 0 {
                let argv = [c.as_ptr(), std::ptr::null()];
                let envp = [std::ptr::null()];
                libc::execve(c.as_ptr(), argv.as_ptr(), envp.as_ptr());
                let e = *libc::__errno_location();
                libc::write(pipe[1], (&raw const e).cast(), 4);
                libc::_exit(127);
            }
            libc::close(pipe[1]);
            let mut e = 0i32;
            let n = libc::read(pipe[0], (&raw mut e).cast(), 4);
            libc::close(pipe[0]);
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
            if n == 4 {
                println!("{p}: errno {e}");
            } else {
                println!("{p}: status {status:#x}");
            }
        }
    }
}

fn clone_ymm() {
    if !std::arch::is_x86_feature_detected!("avx2") {
        println!("no avx2");
        return;
    }
    let pattern: [u8; 32] = std::array::from_fn(|i| i as u8 + 1);
    let mut upper = [0u8; 16];
    let done = AtomicU64::new(0);
    let stack = map(64 * 1024);
    let top = stack as u64 + 64 * 1024;
    let flags = (libc::CLONE_VM
        | libc::CLONE_FS
        | libc::CLONE_FILES
        | libc::CLONE_SIGHAND
        | libc::CLONE_THREAD
        | libc::CLONE_SYSVSEM) as u64;
    // SAFETY: a raw thread on its own stack that touches only `upper` and `done`, which
    // outlive it (the parent waits for `done`), and exits with a raw `exit`.
    unsafe {
        std::arch::asm!(
            "vmovdqu ymm0, [{pat}]",
            "syscall",
            "test rax, rax",
            "jnz 2f",
            "vextracti128 xmm1, ymm0, 1",
            "vmovdqu [r12], xmm1",
            "mov qword ptr [r13], 1",
            "mov eax, 60",
            "xor edi, edi",
            "syscall",
            "ud2",
            "2:",
            pat = in(reg) pattern.as_ptr(),
            in("r12") upper.as_mut_ptr(),
            in("r13") done.as_ptr(),
            inlateout("rax") 56u64 => _,
            in("rdi") flags,
            in("rsi") top,
            in("rdx") 0u64,
            in("r10") 0u64,
            in("r8") 0u64,
            lateout("rcx") _,
            lateout("r11") _,
            out("ymm0") _,
            out("ymm1") _,
        );
    }
    for _ in 0..5000 {
        if done.load(Ordering::SeqCst) == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    println!("done={} upper={:?}", done.load(Ordering::SeqCst), upper);
}

fn observe_exec(rest: &[String]) -> ! {
    use std::os::unix::process::CommandExt;
    let err = std::process::Command::new("/proc/self/exe")
        .arg0("probe-again")
        .arg("observe")
        .args(rest)
        .exec();
    eprintln!("probe: exec /proc/self/exe: {err}");
    std::process::exit(1);
}

// A probe that prints one line per thing observed: long on purpose.
fn observe() {
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{k}: {v}\n"));
    line(
        "argv",
        format!("{:?}", std::env::args().collect::<Vec<_>>()),
    );
    let mut env: Vec<String> = std::env::vars_os()
        .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
        .collect();
    env.sort();
    line("env", format!("{env:?}"));
    for f in ["cmdline", "environ", "comm"] {
        let v = std::fs::read(format!("/proc/self/{f}")).unwrap_or_default();
        line(f, format!("{:?}", String::from_utf8_lossy(&v)));
    }
    let exe = std::fs::read_link("/proc/self/exe").map(|p| p.display().to_string());
    line("exe", format!("{exe:?}"));
    line(
        "current_exe",
        format!(
            "{:?}",
            std::env::current_exe().map(|p| p.display().to_string())
        ),
    );
    // SAFETY: getauxval reads the auxiliary vector; AT_EXECFN is a string the kernel put.
    let execfn = unsafe {
        let p = libc::getauxval(libc::AT_EXECFN) as *const libc::c_char;
        if p.is_null() {
            String::new()
        } else {
            std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    };
    line("AT_EXECFN", execfn);
    use std::os::unix::fs::MetadataExt;
    let opened = std::fs::File::open("/proc/self/exe").and_then(|f| f.metadata());
    let named = exe.as_ref().ok().and_then(|p| std::fs::metadata(p).ok());
    line(
        "open(/proc/self/exe) is exe",
        format!(
            "{}",
            matches!((&opened, &named), (Ok(a), Some(b)) if a.ino() == b.ino() && a.dev() == b.dev())
        ),
    );
    let mut fds: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| {
                    let t = std::fs::read_link(e.path()).map(|p| p.display().to_string());
                    format!("{}", e.file_name().to_string_lossy())
                        + &match t {
                            // The directory being listed is a new descriptor each run.
                            Ok(t) if t.starts_with("/proc/") => String::new(),
                            Ok(t) => format!(" -> {t}"),
                            Err(_) => String::new(),
                        }
                })
                .collect()
        })
        .unwrap_or_default();
    fds.sort();
    line("fds", format!("{fds:?}"));
    let mut dispositions = Vec::new();
    for sig in 1..=64 {
        // SAFETY: reading the action only.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: a valid out pointer.
        if unsafe { libc::sigaction(sig, std::ptr::null(), &mut sa) } == 0 {
            let h = match sa.sa_sigaction {
                libc::SIG_DFL => "DFL".to_string(),
                libc::SIG_IGN => "IGN".to_string(),
                _ => "handler".to_string(),
            };
            dispositions.push(format!("{sig}:{h}"));
        }
    }
    line("dispositions", dispositions.join(" "));
    // SAFETY: reading the mask and the alternate stack only.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut set);
        let blocked: Vec<i32> = (1..=64)
            .filter(|&s| libc::sigismember(&set, s) == 1)
            .collect();
        line("blocked", format!("{blocked:?}"));
        let mut ss: libc::stack_t = std::mem::zeroed();
        libc::sigaltstack(std::ptr::null(), &mut ss);
        line(
            "altstack",
            format!("{:?} {} {}", ss.ss_sp, ss.ss_flags, ss.ss_size),
        );
    }
    print!("{out}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match arg(1) {
        "stack-depth" => stack_depth(),
        "tsc" => tsc(),
        "clone3" => clone3(),
        "madvise" => madvise(),
        "sigsys-resethand" => sigsys_resethand(),
        "hostile-fds" => hostile_fds(),
        "deny-sendto" => deny_sendto(),
        "no-fds" => no_fds(),
        "sigaction-wide" => sigaction_wide(),
        "execveat-null-env" => execveat_null_env(),
        "clone-ymm" => clone_ymm(),
        "try-exec" => try_exec(&args[2..]),
        "observe" if arg(2) == "exec" => observe_exec(&args[3..]),
        "observe" => observe(),
        "altstack-check" => altstack_check(arg(2).parse().expect("size")),
        m => {
            eprintln!("probe: unknown mode {m:?}");
            std::process::exit(2);
        }
    }
}
