//! The pieces a user writes a handler with (issue 15), against the real kernel, each test in
//! a child process of its own: the handler entry (`handler::install`), the SUD guard and
//! scope (`sud::Armed`, `Selector::blocked`), `Trap::pass_through_with`, the signal-safe
//! writer (`io::write_all`) and the typed filter pieces (`filter::Program`).

// x86_64 only for now: the tests issue their calls with x86_64 and i386 instructions
// (the deny list is checked across the x86 ABIs).
#![cfg(target_arch = "x86_64")]

mod common;

use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering::SeqCst};

use common::{int80, run_in_child, syscall6};
use sigsys::filter::{self, Program};
use sigsys::sud::{Armed, Selector};
use sigsys::{handler, install, io, Errno, Syscall, Sysno, Trap};

const GETPPID: u64 = libc::SYS_getppid as u64;

fn altstack() {
    install::use_altstack(Box::leak(vec![0u8; 256 * 1024].into_boxed_slice()))
        .expect("sigaltstack");
}

// ---------------------------------------------------------------------------------------
// The handler entry

static POLICY_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Emulates getppid, and clobbers errno on the way (as a policy calling libc would).
fn emulate_and_clobber(trap: &mut Trap) {
    POLICY_CALLS.fetch_add(1, SeqCst);
    // SAFETY: the thread's own errno location.
    unsafe { *libc::__errno_location() = libc::EBADF };
    if trap.syscall().is(Sysno::getppid) {
        trap.set_return(4242);
    } else if trap.pass_through().is_err() {
        trap.set_errno(Errno::ENOSYS);
    }
}

/// `handler::install` runs a plain `fn(&mut Trap)`: a trapped getppid returns what the
/// policy answered; the interrupted code's errno is what it was, though the policy changed
/// it; a SIGSYS sent with tgkill is not handed to the policy, only counted, and the
/// process goes on.
#[test]
fn handler_entry_runs_the_policy_keeps_errno_and_refuses_kills() {
    run_in_child(
        "handler_entry_runs_the_policy_keeps_errno_and_refuses_kills",
        || {
            altstack();
            unsafe { handler::install(emulate_and_clobber) }.unwrap();
            let mut prog = Program::<16>::new();
            prog.allow_gate()
                .on(Sysno::getppid, libc::SECCOMP_RET_TRAP)
                .ret(libc::SECCOMP_RET_ALLOW);
            unsafe { prog.install(0) }.unwrap();
            unsafe { *libc::__errno_location() = 4321 };
            assert_eq!(syscall6(GETPPID, [0; 6]), 4242);
            assert_eq!(unsafe { *libc::__errno_location() }, 4321);
            assert_eq!(POLICY_CALLS.load(SeqCst), 1);
            assert_eq!(handler::refused(), 0);
            let tid = unsafe { libc::gettid() };
            let sent = unsafe { libc::syscall(libc::SYS_tgkill, std::process::id(), tid, 31) };
            assert_eq!(sent, 0);
            assert_eq!(handler::refused(), 1);
            assert_eq!(
                POLICY_CALLS.load(SeqCst),
                1,
                "a kill never reaches the policy"
            );
        },
    );
}

// ---------------------------------------------------------------------------------------
// SUD: the guard and the scope

static SELECTOR: Selector = Selector::new();

/// Calls trap only inside `Selector::blocked` while the `Armed` guard lives; the scope
/// puts the selector back, the guard disarms: a BLOCK selector after the drop traps
/// nothing.
#[test]
fn sud_guard_and_blocked_scope() {
    run_in_child("sud_guard_and_blocked_scope", || {
        altstack();
        unsafe { handler::install(emulate_and_clobber) }.unwrap();
        let real = syscall6(GETPPID, [0; 6]);
        let sud = Armed::new(&SELECTOR).expect("SUD");
        assert_eq!(syscall6(GETPPID, [0; 6]), real, "ALLOW: not trapped");
        let inside = SELECTOR.blocked(|| syscall6(GETPPID, [0; 6]));
        assert_eq!(inside, 4242);
        assert!(!SELECTOR.is_blocking());
        assert_eq!(
            syscall6(GETPPID, [0; 6]),
            real,
            "after the scope: not trapped"
        );
        drop(sud);
        SELECTOR.block();
        let after = syscall6(GETPPID, [0; 6]);
        SELECTOR.allow();
        assert_eq!(after, real, "disarmed: a BLOCK selector traps nothing");
        assert_eq!(POLICY_CALLS.load(SeqCst), 1);
    });
}

// ---------------------------------------------------------------------------------------
// pass_through_with

static REWRITES: AtomicUsize = AtomicUsize::new(0);
static WRITE_FD: AtomicU64 = AtomicU64::new(u64::MAX);
const NEW_TEXT: &[u8] = b"rewritten";

/// Rewrites writes to WRITE_FD: the new text lives on the handler's stack.
fn rewrite_writes(trap: &mut Trap) {
    let mut call = trap.syscall();
    if call.is(Sysno::write) && call.args[0] == WRITE_FD.load(SeqCst) {
        let text: [u8; 9] = NEW_TEXT.try_into().unwrap();
        call.args[1] = text.as_ptr() as u64;
        call.args[2] = text.len() as u64;
        // SAFETY: the caller's own write, with a buffer that lives until the call returns.
        if unsafe { trap.pass_through_with(call) }.is_ok() {
            REWRITES.fetch_add(1, SeqCst);
            return;
        }
    }
    if trap.pass_through().is_err() {
        trap.set_errno(Errno::ENOSYS);
    }
}

fn pipe() -> (i32, i32) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    (fds[0], fds[1])
}

fn read_some(fd: i32) -> Vec<u8> {
    let mut buf = [0u8; 64];
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    buf[..n.max(0) as usize].to_vec()
}

/// A write issued with a 64-bit `syscall`, returning RAX and RSI/RDX as the caller sees
/// them afterwards.
#[inline(never)]
fn write_keeping_regs(fd: i32, text: &[u8]) -> (i64, u64, u64) {
    let ret: i64;
    let (mut rsi, mut rdx) = (text.as_ptr() as u64, text.len() as u64);
    // SAFETY: a write of a live buffer; the registers are declared as clobbered.
    unsafe {
        std::arch::asm!(
            "syscall",
            inlateout("rax") libc::SYS_write => ret,
            in("rdi") fd as u64,
            inout("rsi") rsi,
            inout("rdx") rdx,
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    (ret, rsi, rdx)
}

/// Under SUD, `pass_through_with` runs the rewritten write from the gate: the caller gets
/// the rewritten call's result, its argument registers are as it loaded them, and the
/// selector stays at BLOCK: the next write traps (and is rewritten) too.
#[test]
fn pass_through_with_under_sud_keeps_blocking_and_the_registers() {
    run_in_child(
        "pass_through_with_under_sud_keeps_blocking_and_the_registers",
        || {
            altstack();
            unsafe { handler::install(rewrite_writes) }.unwrap();
            let (r, w) = pipe();
            WRITE_FD.store(w as u64, SeqCst);
            let _sud = Armed::new(&SELECTOR).expect("SUD");
            let text = b"AAAA";
            let (first, second) = SELECTOR.blocked(|| {
                let first = write_keeping_regs(w, text);
                let second = write_keeping_regs(w, text);
                (first, second)
            });
            let expected = (NEW_TEXT.len() as i64, text.as_ptr() as u64, 4);
            assert_eq!(first, expected);
            assert_eq!(second, expected);
            assert_eq!(REWRITES.load(SeqCst), 2);
            assert_eq!(read_some(r), [NEW_TEXT, NEW_TEXT].concat());
        },
    );
}

/// Under seccomp, the same policy: the rewritten call leaves from the gate, which the
/// filter allows; no tag is needed.
#[test]
fn pass_through_with_under_seccomp() {
    run_in_child("pass_through_with_under_seccomp", || {
        altstack();
        unsafe { handler::install(rewrite_writes) }.unwrap();
        let (r, w) = pipe();
        WRITE_FD.store(w as u64, SeqCst);
        let mut prog = Program::<16>::new();
        prog.allow_gate()
            .on(Sysno::write, libc::SECCOMP_RET_TRAP)
            .ret(libc::SECCOMP_RET_ALLOW);
        unsafe { prog.install(0) }.unwrap();
        assert_eq!(write_keeping_regs(w, b"AAAA").0, NEW_TEXT.len() as i64);
        assert_eq!(REWRITES.load(SeqCst), 1);
        assert_eq!(read_some(r), NEW_TEXT);
    });
}

/// `pass_through_with` of an `execve` is refused like `pass_through`'s, and a frame a test
/// built (not live) is refused as not live.
#[test]
fn pass_through_with_refusals() {
    use sigsys::testing::Frame;
    let mut frame = Frame::sud(Syscall::x86_64(Sysno::getppid, [0; 6]));
    let exec = Syscall::x86_64(Sysno::execve, [0; 6]);
    let getpid = Syscall::x86_64(Sysno::getpid, [0; 6]);
    let mut trap = frame.trap().unwrap();
    assert_eq!(
        unsafe { trap.pass_through_with(getpid) },
        Err(sigsys::PassError::NotLive)
    );
    let mut trap = unsafe { frame.trap_live() }.unwrap();
    assert_eq!(
        unsafe { trap.pass_through_with(exec) },
        Err(sigsys::PassError::Exec)
    );
}

// ---------------------------------------------------------------------------------------
// The writer

static INTERRUPTS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_interrupt(_: i32) {
    INTERRUPTS.fetch_add(1, SeqCst);
}

/// `io::write_all` of 1 MiB into a 4 KiB pipe read slowly by another thread, while
/// SIGUSR1 (installed without SA_RESTART) keeps interrupting the writer: every byte
/// arrives in order (short writes continued, EINTR retried) and errno is untouched.
#[test]
fn write_all_survives_short_writes_and_eintr() {
    run_in_child("write_all_survives_short_writes_and_eintr", || {
        let action = libc::sigaction {
            sa_sigaction: count_interrupt as *const () as usize,
            sa_mask: unsafe { std::mem::zeroed() },
            sa_flags: 0, // no SA_RESTART: an interrupted write returns EINTR or short
            sa_restorer: None,
        };
        assert_eq!(
            unsafe { libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()) },
            0
        );
        let (r, w) = pipe();
        assert!(unsafe { libc::fcntl(w, libc::F_SETPIPE_SZ, 4096) } >= 4096);
        let data: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
        let writer_tid = AtomicI32::new(0);
        let reader = {
            let len = data.len();
            std::thread::spawn(move || {
                let mut got = Vec::with_capacity(len);
                let mut buf = [0u8; 1000];
                while got.len() < len {
                    let n = unsafe { libc::read(r, buf.as_mut_ptr().cast(), buf.len()) };
                    assert!(n > 0, "read: {n}");
                    got.extend_from_slice(&buf[..n as usize]);
                    std::thread::sleep(std::time::Duration::from_micros(20));
                }
                got
            })
        };
        writer_tid.store(unsafe { libc::gettid() }, SeqCst);
        let pid = std::process::id() as i32;
        let tid = writer_tid.load(SeqCst);
        let kicker = std::thread::spawn(move || {
            for _ in 0..200 {
                unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, libc::SIGUSR1) };
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        });
        unsafe { *libc::__errno_location() = 4321 };
        let result = io::write_all(w, &data);
        let errno = unsafe { *libc::__errno_location() };
        kicker.join().unwrap();
        assert_eq!(result, Ok(()));
        assert_eq!(errno, 4321);
        assert!(
            reader.join().unwrap() == data,
            "bytes arrive whole and in order"
        );
        assert!(INTERRUPTS.load(SeqCst) > 0, "the writer was interrupted");
    });
}

// ---------------------------------------------------------------------------------------
// Typed filters

fn x32_socket() -> i64 {
    let nr = u64::from(filter::FOREIGN_NR) | libc::SYS_socket as u64;
    syscall6(
        nr,
        [libc::AF_INET as u64, libc::SOCK_STREAM as u64, 0, 0, 0, 0],
    )
}

/// A deny list built with `Program` (no handler at all): `socket` fails with EPERM as a
/// 64-bit call, as an i386 `socketcall` and `socket` (`int $0x80`) and as an x32 call; other
/// calls run; and it survives `execve`: bash's `/dev/tcp` in a new image gets EPERM.
#[test]
fn deny_list_closes_the_abi_doors_and_survives_exec() {
    run_in_child("deny_list_closes_the_abi_doors_and_survives_exec", || {
        let deny = filter::errno(Errno::EPERM);
        let mut prog = Program::<16>::new();
        prog.check_arch(deny)
            .on_any(&[Sysno::socket, Sysno::connect], deny)
            .ret(libc::SECCOMP_RET_ALLOW);
        unsafe { prog.install(0) }.unwrap();
        let eperm = -(libc::EPERM as i64);
        let socket64 = syscall6(
            libc::SYS_socket as u64,
            [libc::AF_INET as u64, libc::SOCK_STREAM as u64, 0, 0, 0, 0],
        );
        assert_eq!(socket64, eperm);
        assert_eq!(int80(102, [1, 0, 0, 0, 0, 0]), eperm, "i386 socketcall");
        assert_eq!(int80(359, [2, 1, 0, 0, 0, 0]), eperm, "i386 socket");
        assert_eq!(x32_socket(), eperm, "x32 socket");
        assert_eq!(
            syscall6(libc::SYS_getpid as u64, [0; 6]),
            std::process::id() as i64
        );
        let out = std::process::Command::new("bash")
            .args(["-c", "exec 3<>/dev/tcp/127.0.0.1/9"])
            .output()
            .expect("bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("Operation not permitted"),
            "bash after exec: {stderr}"
        );
    });
}
