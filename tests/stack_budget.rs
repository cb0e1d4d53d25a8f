//! Peak stack of the handler path, measured on a painted alternate signal stack.
//!
//! A child process (re-exec of this test binary) paints a 64 KiB alternate stack, installs a
//! handler with `install::install_handler` + `install::set_altstack`, arms Syscall User
//! Dispatch (or, without SUD, a seccomp filter) and traps a set of calls. The handler does
//! what a tracer does: decode, format the strace line into a 512-byte stack buffer (reading
//! the caller's strings through `SelfMemory`), then emulate, pass through (plain, and the
//! calls that act on the frame: `rt_sigprocmask`, `sigaltstack`, `int $0x80`) or restart.
//! Afterwards the child counts the bytes still painted at the low end.
//!
//! Two figures are printed: the handler's own use (from its entry stack pointer, just below
//! the kernel's signal frame, down to the deepest byte touched) and the total (the kernel's
//! frame with its FPU/xsave area, plus the handler). Run with `--nocapture` to see them, in
//! debug (`cargo test --test stack_budget`) and release (`--release`). The assertion is a
//! generous bound, not a timing or a tight figure: see BENCHMARKS.md for the measurements.

// x86_64 only for now: written against the x86_64, i386 and x32 tables and frames
// (aarch64 and riscv64: the unit tests of src/arch/asm_generic and the real-kernel tests).
#![cfg(target_arch = "x86_64")]

use std::arch::asm;
use std::hint::black_box;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sigsys::fmt::{write_line, FixedBuf, Options};
use sigsys::mem::SelfMemory;
use sigsys::sud::{self, Selector};
use sigsys::{filter, install, Trap};
use syscalls::x86_64::Sysno;

const CHILD_ENV: &str = "SIGSYS_STACK_BUDGET_CHILD";
const ALT_LEN: usize = 64 * 1024;
const PAINT: u8 = 0xa5;
/// Generous bounds for the handler's own use (measured: about 10.9 KiB in debug, where the
/// formatter's unoptimised frames dominate, and 1.5 KiB in release; see BENCHMARKS.md).
const BOUND: usize = if cfg!(debug_assertions) {
    32 * 1024
} else {
    8 * 1024
};

static SELECTOR: Selector = Selector::new();
/// Lowest address of the kernel's frame seen by the handler (`ucontext` - 8: the return
/// address slot at the handler's entry stack pointer).
static FRAME_LOW: AtomicUsize = AtomicUsize::new(usize::MAX);
static TRAPS: AtomicUsize = AtomicUsize::new(0);
static RESTART_NEXT: AtomicUsize = AtomicUsize::new(0);
/// Whether the handler formats the strace line (the core path alone when not).
static FORMAT: AtomicBool = AtomicBool::new(true);

extern "C" fn handler(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    FRAME_LOW.fetch_min((ctx as usize).wrapping_sub(8), Ordering::Relaxed);
    TRAPS.fetch_add(1, Ordering::Relaxed);
    // SAFETY: the kernel passes these pointers to the handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return;
    };
    let call = trap.syscall();
    if RESTART_NEXT.swap(0, Ordering::Relaxed) == 1 && trap.restart().is_ok() {
        SELECTOR.allow();
        return;
    }
    let ret = if call.is(Sysno::getppid) {
        trap.set_return(1);
        1
    } else {
        match trap.pass_through() {
            Ok(r) => r,
            Err(_) => {
                trap.set_errno(syscalls::Errno::ENOSYS);
                -38
            }
        }
    };
    if FORMAT.load(Ordering::Relaxed) {
        format_line(&call, ret);
    }
}

/// The strace line into a 512-byte stack buffer, in a frame of its own (so that the core
/// path's figure without formatting is not inflated by this frame).
#[inline(never)]
fn format_line(call: &sigsys::Syscall, ret: i64) {
    let mut storage = [0u8; 512];
    let mut out = FixedBuf::new(&mut storage);
    let _ = write_line(&mut out, call, ret, &SelfMemory, &Options::DEFAULT);
    black_box(out.as_bytes());
}

/// A `syscall` from this file's code (outside the gate, so SUD dispatches it).
#[inline(never)]
fn syscall6(nr: u64, a: [u64; 6]) -> i64 {
    let ret: i64;
    // SAFETY: only the harmless calls of `trap_calls` are issued.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as i64 => ret,
            inout("rdi") a[0] => _, inout("rsi") a[1] => _, inout("rdx") a[2] => _,
            inout("r10") a[3] => _, inout("r8") a[4] => _, inout("r9") a[5] => _,
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// An `int $0x80` from this file's code.
#[inline(never)]
fn int80(nr: u32, a: [u32; 3]) -> i32 {
    let ret: i32;
    // SAFETY: only harmless i386 calls are issued; RBX is saved around the call.
    unsafe {
        asm!(
            "xchg rbx, {b}",
            "int 0x80",
            "xchg rbx, {b}",
            b = inout(reg) u64::from(a[0]) => _,
            inlateout("eax") nr => ret,
            in("ecx") a[1], in("edx") a[2],
            // The int $0x80 entry zeroes r8-r15 in the saved registers.
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            lateout("r12") _, lateout("r13") _, lateout("r14") _, lateout("r15") _,
            options(nostack),
        );
    }
    ret
}

/// The alternate stack, painted.
struct AltStack {
    base: *mut u8,
}

impl AltStack {
    fn paint(&self) {
        // SAFETY: the mapping is ALT_LEN writable bytes, and no handler runs on it now.
        unsafe { std::ptr::write_bytes(self.base, PAINT, ALT_LEN) };
    }

    /// The lowest address written since the last paint.
    fn deepest(&self) -> usize {
        // SAFETY: the mapping is ALT_LEN readable bytes and no handler runs on it now (SUD
        // selector at ALLOW; under seccomp this loop makes no system call).
        let alt = unsafe { std::slice::from_raw_parts(self.base, ALT_LEN) };
        let untouched = alt.iter().take_while(|&&b| b == PAINT).count();
        assert!(untouched > 0, "the whole alternate stack was used");
        self.base as usize + untouched
    }
}

/// Runs `f` (which traps once) on a freshly painted stack; returns the handler's own use.
fn measure(alt: &AltStack, blocking: bool, name: &str, f: &mut dyn FnMut()) -> usize {
    let before = TRAPS.load(Ordering::Relaxed);
    alt.paint();
    if blocking {
        SELECTOR.block();
    }
    f();
    SELECTOR.allow();
    let deepest = alt.deepest();
    assert!(
        TRAPS.load(Ordering::Relaxed) > before,
        "{name} did not trap"
    );
    let frame_low = FRAME_LOW.load(Ordering::Relaxed);
    let top = alt.base as usize + ALT_LEN;
    assert!(
        (deepest..top).contains(&frame_low),
        "the handler did not run on the alternate stack"
    );
    let used = frame_low - deepest;
    let with = if FORMAT.load(Ordering::Relaxed) {
        "+ format"
    } else {
        "core"
    };
    println!("ROUTE {name} ({with}): handler {used} bytes");
    used
}

/// Traps one call of each route of the handler path; returns the largest handler use.
fn trap_calls(alt: &AltStack, blocking: bool) -> usize {
    let path = b"/definitely/not/here\0";
    let mut set: u64 = 0;
    let mut old: u64 = 0;
    let mut ss = [0u64; 3];
    let msg = b"stack budget: a write through the handler path\n";
    let ppid = std::os::unix::process::parent_id();
    let pid = std::process::id();
    let mut peak = 0;
    let mut run = |name: &str, f: &mut dyn FnMut()| {
        peak = peak.max(measure(alt, blocking, name, f));
    };
    run("emulate getppid", &mut || {
        assert_eq!(syscall6(Sysno::getppid as u64, [0; 6]), 1);
    });
    run("pass getpid", &mut || {
        assert_eq!(syscall6(Sysno::getpid as u64, [0; 6]), i64::from(pid));
    });
    run("pass openat (path formatted)", &mut || {
        let r = syscall6(
            Sysno::openat as u64,
            [(-100i64) as u64, path.as_ptr() as u64, 0, 0, 0, 0],
        );
        assert_eq!(r, -i64::from(libc::ENOENT));
    });
    run("pass write (buffer formatted)", &mut || {
        let r = syscall6(
            Sysno::write as u64,
            [2, msg.as_ptr() as u64, msg.len() as u64, 0, 0, 0],
        );
        assert_eq!(r, msg.len() as i64);
    });
    run("pass rt_sigprocmask (frame mask)", &mut || {
        let r = syscall6(
            Sysno::rt_sigprocmask as u64,
            [
                libc::SIG_BLOCK as u64,
                &mut set as *mut u64 as u64,
                &mut old as *mut u64 as u64,
                8,
                0,
                0,
            ],
        );
        assert_eq!(r, 0);
    });
    run("pass sigaltstack (frame stack)", &mut || {
        let r = syscall6(
            Sysno::sigaltstack as u64,
            [0, ss.as_mut_ptr() as u64, 0, 0, 0, 0],
        );
        assert_eq!(r, 0);
    });
    run("pass int 0x80 getpid", &mut || {
        assert_eq!(int80(20, [0; 3]), pid as i32);
    });
    if blocking {
        run("restart getppid", &mut || {
            RESTART_NEXT.store(1, Ordering::Relaxed);
            assert_eq!(syscall6(Sysno::getppid as u64, [0; 6]), i64::from(ppid));
        });
    }
    peak
}

fn child() {
    // SAFETY: a fresh anonymous private mapping, owned by this function until exit.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            ALT_LEN,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(base, libc::MAP_FAILED);
    let alt = AltStack {
        base: base.cast::<u8>(),
    };
    // SAFETY: the handler is async-signal-safe; the altstack stays mapped until exit.
    unsafe {
        install::install_handler(handler).expect("install handler");
        install::set_altstack(alt.base, ALT_LEN).expect("set altstack");
    }
    // SAFETY: SELECTOR is a static; the process exits with SUD armed on this thread only.
    let both = |blocking: bool| {
        FORMAT.store(false, Ordering::Relaxed);
        let core = trap_calls(&alt, blocking);
        FORMAT.store(true, Ordering::Relaxed);
        (core, trap_calls(&alt, blocking))
    };
    let (how, (core, peak)) = if unsafe { sud::arm(&SELECTOR) }.is_ok() {
        ("SUD", both(true))
    } else {
        // Without SUD: trap every call outside the gate (the handler passes them through;
        // the restart route is left out, as the re-executed call would trap again).
        let mut prog = filter::gate_prefix().to_vec();
        prog.push(filter::ret(libc::SECCOMP_RET_TRAP));
        // SAFETY: this is a child process; the handler passes everything through.
        unsafe { filter::install(&prog, 0) }.expect("install filter");
        ("seccomp", both(false))
    };
    let frame_low = FRAME_LOW.load(Ordering::Relaxed);
    let frame = alt.base as usize + ALT_LEN - frame_low;
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "\nSTACK {profile} via {how}: handler {peak} bytes, of which core path (decode, \
         emulate, pass-through, restart) {core} bytes and format the rest; kernel frame \
         {frame} bytes; total {} bytes of the alternate stack",
        peak + frame
    );
}

#[test]
fn handler_path_stack_budget() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([
            "handler_path_stack_budget",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .output()
        .expect("spawn the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "child failed: {:?}\n{stdout}\n{stderr}",
        out.status
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("STACK "))
        .unwrap_or_else(|| panic!("no figure from the child:\n{stdout}\n{stderr}"));
    for route in stdout.lines().filter(|l| l.contains("ROUTE ")) {
        println!("{}", &route[route.find("ROUTE ").unwrap_or(0)..]);
    }
    println!("{line}");
    let handler_use: usize = line
        .split("handler ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("handler figure");
    assert!(
        handler_use < BOUND,
        "the handler path used {handler_use} bytes of stack (bound {BOUND})"
    );
}
