//! Issue 11: the tracer reads the program's memory by safecopy, and the program's own
//! SIGSEGV/SIGBUS handling runs exactly as untraced (`tests/programs/faults.c`, built
//! here): faults recovered with `siglongjmp` (also with another thread's system calls
//! given bad pointers meanwhile), a handler on an alternate stack, SIGBUS, SA_RESETHAND,
//! the default and ignored actions, the actions read back, bad pointers read with SIGSEGV
//! blocked; and `java -version` where a JDK is installed.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::sud;

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

fn program() -> Option<PathBuf> {
    static BUILT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| common::build_c("faults")).clone()
}

/// Runs `faults MODE` untraced and traced (`-f`): the same stdout and exit status (or
/// signal); returns the stdout and the trace.
fn same(mode: &str) -> Option<(String, String)> {
    if !sud() {
        return None;
    }
    let bin = program()?;
    Some(common::same_as_untraced(TRACER, &["-f"], &bin, mode))
}

/// 1000 null dereferences recovered with siglongjmp: the handler ran exactly 1000 times
/// (none of the tracer's own faults reached it), saw the same si_code and address, and
/// reads its action back as it installed it; the calls given bad pointers are traced with
/// the pointers as addresses.
#[test]
fn siglongjmp_recovery_as_untraced() {
    let Some((out, trace)) = same("longjmp") else {
        return;
    };
    assert!(out.contains("initial SIGSEGV action: SIG_DFL"), "{out}");
    assert!(out.contains("handled 1000, code 1,"), "{out}");
    assert!(out.contains("bad pointers 3"), "{out}");
    assert!(
        out.contains("read back: handler ours, siginfo 1, mask has SIGUSR1 1, resethand 0"),
        "{out}"
    );
    assert!(trace.contains("write(1, 0x10, 5) = -1 EFAULT"), "{trace}");
    assert!(trace.contains("access(0x18, F_OK) = -1 EFAULT"), "{trace}");
    // Every delivery to the program's handler is shown as strace shows it.
    let shown = trace
        .matches("--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x")
        .count();
    assert_eq!(shown, 1000, "{trace}");
}

#[test]
fn handler_on_the_alternate_stack_as_untraced() {
    let Some((out, _)) = same("onstack") else {
        return;
    };
    assert!(out.contains("handled 100 on the alternate stack"), "{out}");
}

#[test]
fn sigbus_handler_as_untraced() {
    let Some((out, _)) = same("bus") else {
        return;
    };
    assert!(out.contains("SIGBUS handled 1, code 2"), "{out}");
}

/// SA_RESETHAND: the handler once, then the default kills with SIGSEGV (compared by
/// `same`); SIG_DFL kills with SIGSEGV; SIG_IGN ignores a sent SIGSEGV but a fault kills.
#[test]
fn default_ignored_and_resethand_as_untraced() {
    for mode in ["resethand", "default", "ignored"] {
        let Some((out, _)) = same(mode) else {
            return;
        };
        assert!(!out.contains("not reached"), "{mode}: {out}");
    }
}

/// Bad pointers read by the tracer while the program blocks SIGSEGV and SIGBUS (the reads
/// go through the kernel then: a fault would kill).
#[test]
fn bad_pointers_with_sigsegv_blocked() {
    let Some((out, _)) = same("blocked") else {
        return;
    };
    assert!(out.contains("blocked: bad pointers 3"), "{out}");
}

/// Two threads give system calls bad pointers while the main thread recovers from faults.
#[test]
fn threads_with_faults_and_bad_pointers() {
    let Some((out, _)) = same("threads") else {
        return;
    };
    assert!(
        out.contains("threads: handled 300, bad pointers 1200"),
        "{out}"
    );
}

/// `java -version` (the JVM's SIGSEGV handlers: implicit null checks, safepoints) prints
/// the same and exits the same traced. Skipped without a JDK (none is installed for it).
#[test]
fn java_version_as_untraced() {
    if !sud() || Command::new("java").arg("-version").output().is_err() {
        eprintln!("SKIPPED: no java");
        return;
    }
    let plain = Command::new("java").arg("-version").output().unwrap();
    let traced = Command::new(TRACER)
        .args(["-f", "-o", "/dev/null", "java", "-version"])
        .output()
        .unwrap();
    assert_eq!(
        plain.status.code(),
        traced.status.code(),
        "{}",
        String::from_utf8_lossy(&traced.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&plain.stderr),
        String::from_utf8_lossy(&traced.stderr)
    );
}
