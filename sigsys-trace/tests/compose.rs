//! Issue 9: programs that sandbox themselves with seccomp run traced as untraced, and stay
//! fully traced after their filter is installed (`tests/programs/sandbox.c`, built here).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::sud;

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

fn sandbox() -> Option<PathBuf> {
    static BUILT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| common::build_c("sandbox")).clone()
}

/// Runs `sandbox MODE` untraced and traced: the same stdout and exit status (or signal);
/// returns the stdout and the trace.
fn same(mode: &str) -> Option<(String, String)> {
    let bin = sandbox()?;
    Some(common::same_as_untraced(TRACER, &[], &bin, mode))
}

#[test]
fn errno_blacklist() {
    if !sud() {
        return;
    }
    let Some((out, trace)) = same("errno") else {
        return;
    };
    assert!(
        out.contains("install 0") && out.contains("getppid -1 errno 1"),
        "{out}"
    );
    assert!(trace.contains("getppid() = -1 EPERM"), "{trace}");
    assert!(
        trace.contains("getpid() = "),
        "calls after the filter are traced:\n{trace}"
    );
}

#[test]
fn whitelist_that_denies_what_the_tracer_uses() {
    if !sud() {
        return;
    }
    let Some((out, trace)) = same("whitelist") else {
        return;
    };
    assert!(
        out.contains("getppid -1") && out.contains("open ok"),
        "{out}"
    );
    assert!(
        trace.contains(r#"openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = "#),
        "{trace}"
    );
    assert!(trace.contains("exit_group(0) = ?"), "{trace}");
}

#[test]
fn kill_process_on_one_call() {
    if !sud() {
        return;
    }
    let Some((out, trace)) = same("kill") else {
        return;
    };
    assert!(
        out.contains("install 0") && !out.contains("not reached"),
        "{out}"
    );
    assert!(trace.contains("+++ killed by SIGSYS"), "{trace}");
    // The call the filter kills for is shown first, as strace shows a call that does not
    // return (its line comes from the tracer's prediction of the filter, `sigsys::bpf`).
    assert!(trace.contains("getppid() = ?"), "{trace}");
}

#[test]
fn trap_to_the_programs_own_handler() {
    if !sud() {
        return;
    }
    let Some((out, trace)) = same("trap") else {
        return;
    };
    assert!(out.contains("getppid 4249"), "{out}");
    // The program's handler gets the program's own context (call address = RIP, the
    // number in RAX), as untraced.
    assert!(out.contains("context matches 1"), "{out}");
    // strace's lines: the call with RAX at the trap, the signal, the handler's return.
    assert!(trace.contains("getppid() = 110"), "{trace}");
    assert!(
        trace.contains("--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_errno=E2BIG,"),
        "{trace}"
    );
    assert!(trace.contains("rt_sigreturn({mask=[]}) = 4249"), "{trace}");
}

#[test]
fn tsync_reaches_running_threads() {
    if !sud() {
        return;
    }
    let Some((out, _)) = same("tsync") else {
        return;
    };
    assert!(
        out.contains("install 0") && out.contains("thread: getppid EPERM"),
        "{out}"
    );
}

#[test]
fn stacked_filters_keep_the_kernels_precedence() {
    if !sud() {
        return;
    }
    let Some((out, _)) = same("stacked") else {
        return;
    };
    // The kernel's choice between equal actions (the first installed's data here).
    assert!(out.contains("getppid -1 errno 1"), "{out}");
}

/// `RET_USER_NOTIF` answered by the program's own supervisor thread: the call the handler
/// passes through waits for the listener, which the kernel has, and returns its answer.
#[test]
fn user_notification_answered_by_a_supervisor_thread() {
    if !sud() {
        return;
    }
    let Some((out, trace)) = same("notify") else {
        return;
    };
    assert!(
        out.contains("listener ok") && out.contains("getppid 4242"),
        "{out}"
    );
    assert!(trace.contains("getppid() = 4242"), "{trace}");
    assert!(
        trace.contains("SECCOMP_FILTER_FLAG_NEW_LISTENER"),
        "{trace}"
    );
}

/// A filter installed before an `execve` of a dynamically linked program: the new image
/// (started through the loader, whose gate is at the same address) is still filtered, and
/// traced from its first instruction.
#[test]
fn filter_survives_execve() {
    if !sud() {
        return;
    }
    let Some((out, trace)) = same("exec") else {
        return;
    };
    assert!(out.contains("after exec: getppid -1 errno 1"), "{out}");
    assert!(trace.contains("getppid() = -1 EPERM"), "{trace}");
    assert!(trace.matches("execve(").count() >= 2, "{trace}");
}

#[test]
fn strict_mode() {
    if !sud() {
        return;
    }
    let bin = match sandbox() {
        Some(b) => b,
        None => return,
    };
    // Strict mode kills with SIGKILL; its emulation as a filter kills with SIGSYS: the
    // output is compared, the killing signal is the documented difference.
    let traced = Command::new(TRACER)
        .arg("-o")
        .arg("/dev/null")
        .arg(&bin)
        .arg("strict")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&traced.stdout), "strict write\n");
    assert_eq!(traced.status.code(), Some(0), "{:?}", traced.status);
}
