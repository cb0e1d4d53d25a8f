//! Shared pieces of the real-kernel tests: running a test body in a child process of its
//! own, issuing system calls from outside the gate, and building small filters.
//!
//! A seccomp filter or armed SUD cannot be undone, so every test that installs one re-execs
//! the test binary for that one test (`current_exe() <name> --exact`) with a marker in the
//! environment; the child runs the body and prints a sentinel line, and the parent asserts
//! on the exit status and the sentinel, so a child killed by SIGSYS fails loudly.

#![allow(dead_code)]

use std::arch::asm;
use std::process::Command;

use libc::sock_filter;
use sigsys::filter::{self, jump, load_arch, load_nr, ret};

const CHILD_MARKER: &str = "SIGSYS_TEST_CHILD";

/// Whether the kernel has Syscall User Dispatch; prints why a test is skipped when not (the
/// Debian arm64 kernels answer `EINVAL`: no `GENERIC_ENTRY`). Probed on a thread of its own,
/// which is left disarmed.
pub fn sud_or_skip(name: &str) -> bool {
    let ok = std::thread::spawn(sigsys::sud::is_supported)
        .join()
        .expect("SUD probe");
    if !ok {
        println!("{name}: skipped: this kernel has no Syscall User Dispatch (prctl EINVAL)");
    }
    ok
}

/// Runs `body` in a fresh child process (re-exec of this test binary) and asserts it passed.
/// Returns the child's stdout for further checks.
pub fn run_in_child(name: &str, body: fn()) -> String {
    if std::env::var(CHILD_MARKER).as_deref() == Ok(name) {
        body();
        println!("child {name}: ok");
        std::process::exit(0);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_MARKER, name)
        .output()
        .expect("spawn test child");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains(&format!("child {name}: ok")),
        "child for {name} failed: {:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    print!("{stdout}");
    stdout
}

/// A 64-bit `syscall` from this test's own code (outside the gate, so it is trapped).
#[cfg(target_arch = "x86_64")]
#[inline(never)]
pub fn syscall6(nr: u64, a: [u64; 6]) -> i64 {
    let ret: i64;
    // SAFETY: the tests only issue calls whose effects they control (or that a filter traps).
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as i64 => ret,
            in("rdi") a[0], in("rsi") a[1], in("rdx") a[2],
            in("r10") a[3], in("r8") a[4], in("r9") a[5],
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// An `svc #0` from this test's own code (outside the gate, so it is trapped).
#[cfg(target_arch = "aarch64")]
#[inline(never)]
pub fn syscall6(nr: u64, a: [u64; 6]) -> i64 {
    let ret: i64;
    // SAFETY: as for the x86_64 version.
    unsafe {
        asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a[0] as i64 => ret,
            in("x1") a[1], in("x2") a[2], in("x3") a[3], in("x4") a[4], in("x5") a[5],
            options(nostack),
        );
    }
    ret
}

/// An `ecall` from this test's own code (outside the gate, so it is trapped).
#[cfg(target_arch = "riscv64")]
#[inline(never)]
pub fn syscall6(nr: u64, a: [u64; 6]) -> i64 {
    let ret: i64;
    // SAFETY: as for the x86_64 version.
    unsafe {
        asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a[0] as i64 => ret,
            in("a1") a[1], in("a2") a[2], in("a3") a[3], in("a4") a[4], in("a5") a[5],
            options(nostack),
        );
    }
    ret
}

/// An ARM-state `svc #0` from this test's own code (outside the gate, so it is trapped):
/// 32-bit registers (each argument's low word), the result sign-extended. r7 is saved and
/// restored around the call by hand (it may be the frame pointer, which `asm!` does not
/// take as an operand).
#[cfg(target_arch = "arm")]
#[inline(never)]
pub fn syscall6(nr: u64, a: [u64; 6]) -> i64 {
    let ret: u32;
    // SAFETY: as for the x86_64 version; r7 is restored before the block ends.
    unsafe {
        asm!(
            "mov {save}, r7",
            "mov r7, {nr}",
            "svc #0",
            "mov r7, {save}",
            save = out(reg) _,
            nr = in(reg) nr as u32,
            inlateout("r0") a[0] as u32 => ret,
            in("r1") a[1] as u32, in("r2") a[2] as u32, in("r3") a[3] as u32,
            in("r4") a[4] as u32, in("r5") a[5] as u32,
            options(nostack),
        );
    }
    i64::from(ret as i32)
}

#[cfg(target_arch = "arm")]
std::arch::global_asm!(
    ".text",
    ".p2align 2",
    ".thumb",
    ".globl sigsys_test_thumb_svc",
    ".type sigsys_test_thumb_svc, %function",
    ".thumb_func",
    "sigsys_test_thumb_svc:",
    "push {{r4, r5, r7, lr}}",
    "mov r7, r0",
    "ldr r0, [r1]",
    "ldr r2, [r1, #8]",
    "ldr r3, [r1, #12]",
    "ldr r4, [r1, #16]",
    "ldr r5, [r1, #20]",
    "ldr r1, [r1, #4]",
    ".globl sigsys_test_thumb_svc_insn",
    "sigsys_test_thumb_svc_insn:",
    "svc #0",
    "pop {{r4, r5, r7, pc}}",
    ".size sigsys_test_thumb_svc, . - sigsys_test_thumb_svc",
    ".arm",
);

#[cfg(target_arch = "arm")]
extern "C" {
    fn sigsys_test_thumb_svc(nr: u32, args: *const [u32; 6]) -> i32;
    static sigsys_test_thumb_svc_insn: u8;
}

/// A Thumb-state `svc #0` (2 bytes, `0xdf00`) from this test's own code: the same call as
/// [`syscall6`] from a Thumb function (`blx` switches state there and back).
#[cfg(target_arch = "arm")]
pub fn thumb_syscall6(nr: u64, a: [u64; 6]) -> i64 {
    let args = a.map(|v| v as u32);
    // SAFETY: as for `syscall6`; the Thumb function saves r4, r5 and r7 and returns by
    // `pop {.., pc}`, which switches back to ARM state.
    i64::from(unsafe { sigsys_test_thumb_svc(nr as u32, &args) })
}

/// The address of the Thumb `svc #0` of [`thumb_syscall6`] (`si_call_addr` is 2 past it).
#[cfg(target_arch = "arm")]
pub fn thumb_svc_addr() -> u64 {
    core::ptr::addr_of!(sigsys_test_thumb_svc_insn) as usize as u64
}

/// An `int $0x80` from 64-bit code with all six i386 argument registers loaded
/// (EBX ECX EDX ESI EDI EBP); returns RAX as the kernel left it.
#[cfg(target_arch = "x86_64")]
pub fn int80(nr: u32, a: [u32; 6]) -> i64 {
    int80_wide(nr, a.map(u64::from)).0
}

/// `int $0x80` with the six argument registers loaded with full 64-bit values; returns RAX
/// and the six registers as they are afterwards (the kernel keeps them). RBX and RBP are
/// saved in scratch registers, not on the stack, so this function's red zone is left alone.
#[cfg(target_arch = "x86_64")]
#[inline(never)]
pub fn int80_wide(nr: u32, a: [u64; 6]) -> (i64, [u64; 6]) {
    let ret: i64;
    let [mut b, mut c, mut d, mut si, mut di, mut p] = a;
    // SAFETY: as for `syscall6`; RBX and RBP are restored before the block ends.
    unsafe {
        asm!(
            "mov {save_b}, rbx",
            "mov {save_p}, rbp",
            "mov rbx, {b}",
            "mov rbp, {p}",
            "int 0x80",
            "mov {b}, rbx",
            "mov {p}, rbp",
            "mov rbx, {save_b}",
            "mov rbp, {save_p}",
            save_b = out(reg) _,
            save_p = out(reg) _,
            b = inout(reg) b,
            p = inout(reg) p,
            inlateout("rax") u64::from(nr) => ret,
            inout("rcx") c, inout("rdx") d, inout("rsi") si, inout("rdi") di,
            out("r8") _, out("r9") _, out("r10") _, out("r11") _,
            options(nostack),
        );
    }
    (ret, [b, c, d, si, di, p])
}

/// A filter: calls from the gate are allowed; then `rules` (each: number, action); anything
/// else is allowed. Only 64-bit calls are matched by number unless `trap_i386`.
pub fn filter_trapping(rules: &[(u32, u32)], trap_i386: bool) -> Vec<sock_filter> {
    let mut prog = filter::gate_prefix().to_vec();
    // x86_64: i386 calls are matched apart (their numbers are another table's).
    #[cfg(target_arch = "x86_64")]
    {
        prog.push(load_arch());
        let i386_action = if trap_i386 {
            libc::SECCOMP_RET_TRAP
        } else {
            libc::SECCOMP_RET_ALLOW
        };
        prog.push(jump(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            sigsys::consts::AUDIT_ARCH_I386,
            0,
            1,
        ));
        prog.push(ret(i386_action));
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (trap_i386, load_arch);
    prog.push(load_nr());
    for &(nr, action) in rules {
        prog.push(jump(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, nr, 0, 1));
        prog.push(ret(action));
    }
    prog.push(ret(libc::SECCOMP_RET_ALLOW));
    prog
}

/// A filter that traps every call not made from the gate.
pub fn filter_trap_all() -> Vec<sock_filter> {
    let mut prog = filter::gate_prefix().to_vec();
    prog.push(ret(libc::SECCOMP_RET_TRAP));
    prog
}

/// Installs `prog` (no flags), panicking with the errno on failure.
pub fn install_filter(prog: &[sock_filter]) {
    // SAFETY: called in a test child that has installed its SIGSYS handler.
    unsafe { filter::install(prog, 0) }.expect("install seccomp filter");
}

/// Gives the calling thread a 256 KiB alternate signal stack. Rust's own per-thread
/// alternate stack (for stack-overflow reports) is a few KiB: a debug build of a handler
/// plus two nested signal frames with full XSAVE state would overflow it.
pub fn big_altstack() -> &'static mut [u8] {
    let stack: &'static mut [u8] = Box::leak(vec![0u8; 256 * 1024].into_boxed_slice());
    // SAFETY: leaked, so valid for the rest of the process.
    unsafe { sigsys::install::set_altstack(stack.as_mut_ptr(), stack.len()) }.expect("sigaltstack");
    stack
}

/// Installs `handler` for SIGSYS with the crate's installer, and a big alternate stack for
/// the calling thread.
pub fn install(handler: sigsys::install::Handler) {
    big_altstack();
    // SAFETY: every test handler only uses the crate and atomics.
    unsafe { sigsys::install::install_handler(handler) }.expect("install SIGSYS handler");
}

/// Decodes the raw handler arguments.
pub fn trap<'a>(
    info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) -> Result<sigsys::Trap<'a>, sigsys::DecodeError> {
    // SAFETY: only called from SIGSYS handlers with the kernel's pointers.
    unsafe { sigsys::Trap::from_raw(info, ctx) }
}
