//! A test program for `tests/robustness.rs`: each mode prints what the program observes
//! (its memory, its signal stack, the order of events, its descriptors), which must be the
//! same traced and untraced.
//!
//! Modes:
//! - `altstack-big`: a 512 KiB alternate stack, `SA_ONSTACK` handlers using 100 KiB of it
//!   (for a signal raised by a system call and for one raised by an instruction), and a
//!   1 MiB zeroed mapping checked afterwards;
//! - `altstack-small`: a 16 KiB alternate stack, handlers that ask `sigaltstack` where
//!   they run and try to change it;
//! - `altstack-none`: no alternate stack (the runtime's disabled), `SA_ONSTACK` handlers
//!   that ask and change `sigaltstack` (traced, they run on the tracer's stack);
//!   `altstack-none-guard`: the same, then whether a `PROT_NONE` mapping lies right below
//!   the stack the handler ran on; `altstack-none-big`: with handlers using 100 KiB (more
//!   than the tracer's stack: traced, that must end in a crash, never in corruption);
//! - `clone SIZE EXEC`: a raw `clone(SIGCHLD)` child on a SIZE-byte stack (guard page
//!   below), which makes two calls and returns, or (`EXEC` = 1) execs `/bin/true`;
//! - `vfork`: 20 `vfork` children that write to a pipe before `_exit` (after a short
//!   sleep): the parent must never write first;
//! - `fdlimit`: opens `/dev/null` until `EMFILE` and prints how many and the limit.

use std::hint::black_box;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Where the last handler's stack buffer was.
static HANDLER_SP: AtomicU64 = AtomicU64::new(0);
static ALT_LO: AtomicU64 = AtomicU64::new(0);
static ALT_HI: AtomicU64 = AtomicU64::new(0);
/// Per signal (USR1, TRAP): whether the handler ran on the program's alternate stack.
static ON_ALT: [AtomicI64; 2] = [AtomicI64::new(-1), AtomicI64::new(-1)];
/// Per signal: `ss_flags` reported by `sigaltstack` inside the handler.
static FLAGS: [AtomicI64; 2] = [AtomicI64::new(-1), AtomicI64::new(-1)];
/// Per signal: errno of an attempt to change the alternate stack inside the handler.
static CHANGE: [AtomicI64; 2] = [AtomicI64::new(-1), AtomicI64::new(-1)];

fn slot(sig: libc::c_int) -> usize {
    usize::from(sig != libc::SIGUSR1)
}

fn where_am_i(sig: libc::c_int, here: u64) {
    let s = slot(sig);
    HANDLER_SP.store(here, Ordering::SeqCst);
    let lo = ALT_LO.load(Ordering::SeqCst);
    let hi = ALT_HI.load(Ordering::SeqCst);
    ON_ALT[s].store(i64::from(here > lo && here <= hi), Ordering::SeqCst);
    // SAFETY: a stack_t is plain data; sigaltstack writes the old one.
    let mut old: libc::stack_t = unsafe { std::mem::zeroed() };
    // SAFETY: querying only.
    unsafe { libc::sigaltstack(std::ptr::null(), &mut old) };
    FLAGS[s].store(i64::from(old.ss_flags), Ordering::SeqCst);
    let off = libc::stack_t {
        ss_sp: std::ptr::null_mut(),
        ss_flags: libc::SS_DISABLE,
        ss_size: 0,
    };
    // SAFETY: an attempt to disable the stack the handler runs on: refused with EPERM.
    let r = unsafe { libc::sigaltstack(&off, std::ptr::null_mut()) };
    let e = if r == 0 {
        0
    } else {
        i64::from(std::io::Error::last_os_error().raw_os_error().unwrap_or(-1))
    };
    CHANGE[s].store(e, Ordering::SeqCst);
    if r == 0 {
        // It was not refused: put the stack back as it was.
        // SAFETY: as the program set it before.
        unsafe { libc::sigaltstack(&old, std::ptr::null_mut()) };
    }
}

extern "C" fn big_handler(sig: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // 100 KiB of stack, every byte written.
    let mut buf = [1u8; 100 * 1024];
    black_box(&mut buf);
    where_am_i(sig, buf.as_ptr() as u64);
}

extern "C" fn small_handler(sig: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let x = 0u8;
    where_am_i(sig, black_box(&x) as *const u8 as u64);
}

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

/// `show_where`: print whether the handlers ran on the program's alternate stack (with a
/// small one, the tracer's own may stand in for it).
/// `show_guard`: print whether a `PROT_NONE` mapping lies right below the stack the last
/// handler ran on.
fn altstack(size: usize, handler: usize, show_where: bool, show_guard: bool) {
    let region_len = 1 << 20;
    let region = map(region_len);
    // SAFETY: the mapping is region_len bytes.
    unsafe { std::ptr::write_bytes(region, 0, region_len) };
    if size == 0 {
        // No alternate stack (not even the one Rust's runtime sets for the main thread).
        let off = libc::stack_t {
            ss_sp: std::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: 0,
        };
        // SAFETY: disabling; the runtime's stack stays mapped, unused.
        assert_eq!(unsafe { libc::sigaltstack(&off, std::ptr::null_mut()) }, 0);
    } else {
        let alt = map(size);
        ALT_LO.store(alt as u64, Ordering::SeqCst);
        ALT_HI.store(alt as u64 + size as u64, Ordering::SeqCst);
        let ss = libc::stack_t {
            ss_sp: alt.cast(),
            ss_flags: 0,
            ss_size: size,
        };
        // SAFETY: the stack is mapped for the life of the program.
        assert_eq!(unsafe { libc::sigaltstack(&ss, std::ptr::null_mut()) }, 0);
    }
    for sig in [libc::SIGUSR1, libc::SIGTRAP] {
        // SAFETY: sigaction is plain data.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = handler;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        // SAFETY: the handler only makes async-signal-safe calls.
        assert_eq!(
            unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) },
            0
        );
    }
    // A signal delivered on the return of a system call...
    // SAFETY: handled above.
    unsafe { libc::raise(libc::SIGUSR1) };
    // ... and one raised by an instruction in the program's own code.
    // SAFETY: SIGTRAP is handled; execution continues after the int3.
    unsafe { std::arch::asm!("int3") };
    // SAFETY: the region is still mapped, region_len bytes.
    let bytes = unsafe { std::slice::from_raw_parts(region, region_len) };
    let bad = bytes.iter().filter(|&&b| b != 0).count();
    for (s, name) in ["usr1", "trap"].iter().enumerate() {
        let on_alt = ON_ALT[s].load(Ordering::SeqCst);
        println!(
            "{name}: on_alt={} flags={} change_errno={}",
            if show_where {
                on_alt.to_string()
            } else {
                "?".into()
            },
            FLAGS[s].load(Ordering::SeqCst),
            CHANGE[s].load(Ordering::SeqCst)
        );
    }
    println!("bad={bad}");
    if show_guard {
        println!(
            "guard_below={}",
            guard_below(HANDLER_SP.load(Ordering::SeqCst))
        );
    }
}

/// Whether the mapping that holds `addr` has a `PROT_NONE` mapping right below it.
fn guard_below(addr: u64) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let ranges: Vec<(u64, u64, bool)> = maps
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (lo, hi) = f.next()?.split_once('-')?;
            let none = f.next()?.starts_with("---");
            Some((
                u64::from_str_radix(lo, 16).ok()?,
                u64::from_str_radix(hi, 16).ok()?,
                none,
            ))
        })
        .collect();
    let Some(&(lo, _, _)) = ranges.iter().find(|r| r.0 <= addr && addr < r.1) else {
        return false;
    };
    ranges.iter().any(|r| r.1 == lo && r.2)
}

struct CloneArg {
    exec: bool,
    path: *const libc::c_char,
    argv: [*const libc::c_char; 2],
    envp: [*const libc::c_char; 2],
}

extern "C" fn clone_child(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: the parent's CloneArg, copied into the child's memory (no CLONE_VM).
    let a = unsafe { &*(arg as *const CloneArg) };
    if a.exec {
        // SAFETY: NUL-terminated strings and NULL-terminated arrays.
        unsafe { libc::execve(a.path, a.argv.as_ptr(), a.envp.as_ptr()) };
        return 126;
    }
    // SAFETY: plain system calls.
    unsafe {
        libc::write(1, std::ptr::null(), 0);
        libc::getpid();
    }
    0
}

fn clone(size: usize, exec: bool) {
    let page = 4096;
    let base = map(size + page);
    // SAFETY: the lowest page of our own mapping becomes a guard page.
    unsafe { libc::mprotect(base.cast(), page, libc::PROT_NONE) };
    let arg = CloneArg {
        exec,
        path: c"/bin/true".as_ptr(),
        argv: [c"/bin/true".as_ptr(), std::ptr::null()],
        envp: [c"A=1".as_ptr(), std::ptr::null()],
    };
    // SAFETY: the child runs on its own copy of memory, on the stack just mapped.
    let pid = unsafe {
        libc::clone(
            clone_child,
            base.add(page + size).cast(),
            libc::SIGCHLD,
            std::ptr::from_ref(&arg) as *mut libc::c_void,
        )
    };
    assert!(pid > 0, "clone: {}", std::io::Error::last_os_error());
    let mut status = 0;
    // SAFETY: our child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    println!("status={status:#x}");
}

fn vfork() {
    let mut parent_first = 0;
    for _ in 0..20 {
        let mut p = [0; 2];
        // SAFETY: a two-int array.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        // SAFETY: the child only makes system calls and leaves with _exit; it changes no
        // memory of the parent's (libc's deprecation concerns code that does).
        #[allow(deprecated)]
        let pid = unsafe { libc::vfork() };
        if pid == 0 {
            // SAFETY: as above.
            unsafe {
                libc::usleep(1000);
                libc::write(p[1], b"c".as_ptr().cast(), 1);
                libc::_exit(0);
            }
        }
        let mut b = [0u8; 2];
        // SAFETY: plain system calls on our pipe and child.
        unsafe {
            libc::write(p[1], b"p".as_ptr().cast(), 1);
            let mut got = 0;
            while got < 2 {
                let n = libc::read(p[0], b.as_mut_ptr().add(got).cast(), 2 - got);
                if n <= 0 {
                    break;
                }
                got += n as usize;
            }
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            libc::close(p[0]);
            libc::close(p[1]);
        }
        if b[0] != b'c' {
            parent_first += 1;
        }
    }
    println!("parent-first={parent_first}");
}

fn fdlimit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: writes the limit.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    let mut n = 0;
    let mut last = -1;
    let err = loop {
        // SAFETY: a NUL-terminated path.
        let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        if fd < 0 {
            break std::io::Error::last_os_error().raw_os_error().unwrap_or(-1);
        }
        n += 1;
        last = fd;
    };
    println!(
        "soft={} hard={} opened={n} last={last} errno={err}",
        lim.rlim_cur, lim.rlim_max
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match arg(1) {
        "altstack-big" => altstack(512 * 1024, big_handler as *const () as usize, true, false),
        "altstack-none" => altstack(0, small_handler as *const () as usize, false, false),
        "altstack-none-guard" => altstack(0, small_handler as *const () as usize, false, true),
        "altstack-none-big" => altstack(0, big_handler as *const () as usize, false, false),
        "altstack-small" => altstack(16 * 1024, small_handler as *const () as usize, false, false),
        "clone" => clone(arg(2).parse().expect("stack size"), arg(3) == "1"),
        "vfork" => vfork(),
        "fdlimit" => fdlimit(),
        m => {
            eprintln!("robustprog: unknown mode {m:?}");
            std::process::exit(2);
        }
    }
}
