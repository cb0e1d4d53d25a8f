//! Signal deliveries: the program's handlers run as untraced and read back as it set
//! them, and each delivery to a handler is a line in strace's text
//! (`tests/programs/signals.c`, built here).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::sud;

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

fn build() -> Option<PathBuf> {
    common::build_c("signals")
}

/// The `--- SIG... ---` lines of a trace file (`PID TEXT` per line), with the process ids
/// replaced by their order of first appearance.
fn signal_lines(trace: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in trace.lines() {
        // `PID TEXT`, the pid padded as strace pads it (`%-5d`).
        let Some((pid, text)) = line.split_once(' ') else {
            continue;
        };
        let text = text.trim_start();
        if !ids.iter().any(|p| p == pid) {
            ids.push(pid.to_string());
        }
        if text.starts_with("--- ") {
            out.push(text.to_string());
        }
    }
    out.into_iter()
        .map(|mut t| {
            for (k, pid) in ids.iter().enumerate() {
                t = t.replace(&format!("={pid},"), &format!("=<pid{k}>,"));
            }
            t
        })
        .collect()
}

/// `si_utime=N /* ... */` and `si_stime=...` as 0: a child's CPU ticks vary between runs.
fn no_times(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("time=") {
        let (head, tail) = rest.split_at(i + "time=".len());
        out.push_str(head);
        let end = tail.find([',', '}']).unwrap_or(tail.len());
        out.push('0');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn traced(bin: &Path, extra: &[&str], name: &str) -> (String, String) {
    let file = bin.with_extension(format!("{name}.txt"));
    let o = Command::new(TRACER)
        .args(extra)
        .arg("-o")
        .arg(&file)
        .arg(bin)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        std::fs::read_to_string(&file).unwrap(),
    )
}

#[test]
fn handlers_run_as_untraced_and_deliveries_are_strace_lines() {
    if !sud() {
        return;
    }
    let Some(bin) = build() else { return };
    let plain = Command::new(&bin).stdin(Stdio::null()).output().unwrap();
    assert!(plain.status.success());
    let plain = String::from_utf8_lossy(&plain.stdout).into_owned();
    assert!(
        plain.contains("usr1=2 chld=1 usr2=1 value=42 still ours: 1"),
        "{plain}"
    );
    let (out, trace) = traced(&bin, &[], "all");
    assert_eq!(out, plain, "the program saw something else traced");
    let ours = signal_lines(&trace);
    let expected = [
        "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=<pid0>, si_uid=UID} ---",
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=<pid1>, si_uid=UID, si_status=3, si_utime=0, si_stime=0} ---",
        "--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=<pid0>, si_uid=UID, si_int=42, si_ptr=0x2a} ---",
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=<pid2>, si_uid=UID, si_status=0, si_utime=0, si_stime=0} ---",
        "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=<pid0>, si_uid=UID} ---",
    ];
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    let expected: Vec<String> = expected
        .iter()
        .map(|l| l.replace("UID", &uid.to_string()))
        .collect();
    let ours: Vec<String> = ours.into_iter().map(|l| no_times(&l)).collect();
    assert_eq!(ours, expected, "in\n{trace}");

    // strace shows the same lines, and one more: the SIGUSR2 the program ignores (ptrace
    // sees deliveries of ignored signals; an in-process tracer does not).
    let file = bin.with_extension("strace.txt");
    let st = Command::new("strace")
        .args(["-f", "-o"])
        .arg(&file)
        .arg(&bin)
        .stdin(Stdio::null())
        .output();
    match st {
        Ok(o) if o.status.success() => {
            let theirs: Vec<String> = signal_lines(&std::fs::read_to_string(&file).unwrap())
                .into_iter()
                .filter(|l| !l.starts_with("--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_TKILL"))
                .map(|l| no_times(&l))
                .collect();
            assert_eq!(theirs, expected);
        }
        _ => assert!(
            std::env::var_os("SIGSYS_TRACE_REQUIRE").is_none(),
            "strace did not run"
        ),
    }

    // -e signal=SET picks the lines (the handlers run through the wrapper either way).
    let (_, only) = traced(&bin, &["-e", "signal=USR1"], "usr1");
    let only = signal_lines(&only);
    assert_eq!(only.len(), 2, "{only:?}");
    assert!(only.iter().all(|l| l.starts_with("--- SIGUSR1 ")));
    let (out, none) = traced(&bin, &["-e", "signal=none"], "none");
    assert_eq!(out, plain);
    assert!(signal_lines(&none).is_empty());
}
