//! Value-result arguments as strace shows them (`[128 => 16]`, `msg_namelen=128 => 0`,
//! select's input sets and the ready ones after), and a task that calls `PTRACE_TRACEME`,
//! which runs untraced from there so that its tracer sees what it sees without
//! sigsys-trace (`tests/programs/values.c`, built here).

mod common;

use std::process::Command;

use common::{same_as_untraced, sud, unaligned};

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

/// The program, built once for both tests (in parallel they would race on one path).
fn program() -> Option<std::path::PathBuf> {
    static BIN: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    BIN.get_or_init(|| common::build_c("values")).clone()
}

#[test]
fn traceme_child_is_left_to_its_tracer() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace) = same_as_untraced(TRACER, &[], &bin, "traceme");
    // One stop (the child's own SIGSTOP), not one per SIGSYS of the tracer.
    assert_eq!(out, "stopped by 19\nexited 1 with 3\n", "{trace}");
    assert!(trace.contains("ptrace(PTRACE_TRACEME) = 0"), "{trace}");
    assert!(trace.contains("ptrace(PTRACE_CONT, "), "{trace}");
}

/// The lines of `name(` calls in a trace file, pids, ports and stack addresses masked.
fn calls(trace: &str, names: &[&str]) -> Vec<String> {
    unaligned(trace)
        .lines()
        .map(|l| match l.split_once(' ') {
            // `PID TEXT` in sigsys-trace's -o files; strace -o without -f has no pid.
            Some((pid, rest)) if pid.chars().all(|c| c.is_ascii_digit()) => rest.trim_start(),
            _ => l,
        })
        .filter(|l| names.iter().any(|n| l.starts_with(&format!("{n}("))))
        .map(|l| {
            let mut l = l.to_string();
            if let Some(i) = l.find("htons(") {
                let end = l[i..].find(')').map_or(l.len(), |e| i + e);
                l.replace_range(i..end, "htons(N");
            }
            // The time left differs between the two runs.
            if let Some(i) = l.find("left {") {
                l.truncate(i);
            }
            // Stack addresses differ between the two runs.
            l.split(", ")
                .map(|w| match w.find("=0x7") {
                    Some(i) => format!("{}=0xADDR", &w[..i]),
                    None if w.starts_with("0x7") => "0xADDR".to_string(),
                    None => w.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

#[test]
fn value_results_are_straces() {
    if !sud() || Command::new("strace").arg("-V").output().is_err() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let dir = bin.parent().unwrap();
    let (s, t) = (dir.join("values.strace"), dir.join("values.ours"));
    assert!(Command::new("strace")
        .arg("-o")
        .arg(&s)
        .arg(&bin)
        .arg("sockets")
        .status()
        .unwrap()
        .success());
    let _ = same_as_untraced(TRACER, &[], &bin, "sockets");
    let ours = std::fs::read_to_string(bin.with_extension("sockets.txt")).unwrap();
    std::fs::write(&t, &ours).unwrap();
    let names = ["getsockname", "accept", "recvmsg", "select", "pselect6"];
    let (a, b) = (
        calls(&std::fs::read_to_string(&s).unwrap(), &names),
        calls(&ours, &names),
    );
    assert_eq!(a.len(), 5, "{a:?}");
    assert_eq!(a, b);
}

/// A call a signal handler interrupts: strace's `= ? ERESTARTSYS` (`ERESTART_RESTARTBLOCK`
/// for nanosleep, `ERESTARTNOHAND` for pause) line, the signal, then `rt_sigreturn` with
/// EINTR; no second line of the call.
#[test]
fn interrupted_calls_are_straces() {
    if !sud() || Command::new("strace").arg("-V").output().is_err() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let s = bin.with_extension("interrupt.strace");
    assert!(Command::new("strace")
        .arg("-o")
        .arg(&s)
        .arg(&bin)
        .arg("interrupt")
        .status()
        .unwrap()
        .success());
    let (out, _) = same_as_untraced(TRACER, &[], &bin, "interrupt");
    assert_eq!(out, "-1\n");
    let ours = std::fs::read_to_string(bin.with_extension("interrupt.txt")).unwrap();
    let names = [
        "read",
        "clock_nanosleep",
        "nanosleep",
        "pause",
        "rt_sigreturn",
    ];
    // The dynamic loader's reads of libc are not the program's.
    let program_calls = |t: &str| -> Vec<String> {
        calls(t, &names)
            .into_iter()
            .filter(|l| !l.contains("ELF"))
            .collect()
    };
    let (a, b) = (
        program_calls(&std::fs::read_to_string(&s).unwrap()),
        program_calls(&ours),
    );
    let interrupted: Vec<_> = a.iter().filter(|l| l.contains("= ? ERESTART")).collect();
    assert_eq!(interrupted.len(), 3, "{a:?}");
    assert_eq!(a, b);
}

/// SIGCHLD at its default action: its deliveries are lines (`--- SIGCHLD {...} ---`, as
/// strace shows them) and still interrupt nothing: the sleep, the poll and the select
/// run their full time, and the program reads back `SIG_DFL`.
#[test]
fn default_sigchld_is_shown_and_interrupts_nothing() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace) = same_as_untraced(TRACER, &[], &bin, "chld");
    assert_eq!(
        out, "default 1\nnanosleep 0 0\npoll 0\nselect 0\n",
        "{trace}"
    );
    let lines = trace
        .lines()
        .filter(|l| l.contains("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED"))
        .count();
    assert_eq!(lines, 3, "{trace}");
}

/// `execve` of a path longer than `PATH_MAX` fails with `ENAMETOOLONG`, as untraced (the
/// tracer read it as `EFAULT`), and the lines say so.
#[test]
fn a_too_long_exec_path_is_enametoolong() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace) = same_as_untraced(TRACER, &[], &bin, "longexec");
    assert_eq!(out, "4999: errno 36\n4095: errno 36\n4094: errno 36\n");
    let long = trace
        .lines()
        .filter(|l| {
            l.contains("execve(\"/aaaa") && l.ends_with("ENAMETOOLONG (File name too long)")
        })
        .count();
    assert_eq!(long, 3, "{trace}");
}

/// Children reaped by `waitpid(pid, NULL, 0)` end as they did: `+++ killed by SIGTERM
/// +++` (the tracer runs the wait with a status word of its own, so the launcher learns
/// what it can no longer ask the kernel) and `+++ exited with 7 +++`.
#[test]
fn children_reaped_without_status_end_as_they_did() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace) = same_as_untraced(TRACER, &[], &bin, "nullwait");
    assert_eq!(out, "reaped\n");
    assert!(trace.contains("+++ killed by SIGTERM +++"), "{trace}");
    assert!(trace.contains("+++ exited with 7 +++"), "{trace}");
    assert!(trace.contains(", NULL, 0, NULL) = "), "{trace}");
}
