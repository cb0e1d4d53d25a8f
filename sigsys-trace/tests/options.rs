//! Issue 14's options, each against strace's own output for the same program (or, for
//! timing, its format and plausibility).

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};

use common::sud;

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

fn run(prog: &str, args: &[&str]) -> Output {
    Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn have_strace() -> bool {
    if Command::new("strace").arg("-V").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("SIGSYS_TRACE_REQUIRE").is_none(),
        "strace is missing"
    );
    eprintln!("SKIPPED: strace is missing");
    false
}

/// The workload: a shell that runs two programs, one failing.
const WORK: [&str; 3] = [
    "sh",
    "-c",
    "ls /nonexistent-dir 2>/dev/null; cat /etc/hostname >/dev/null; true",
];

/// `-c` rows: name -> (calls, errors).
fn summary(text: &str) -> BTreeMap<String, (u64, u64)> {
    text.lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|p| p.parse::<f64>().is_ok())
        })
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let name = w.last()?.to_string();
            let calls = w.get(3)?.parse().ok()?;
            let errors = if w.len() == 6 {
                w.get(4)?.parse().ok()?
            } else {
                0
            };
            Some((name, (calls, errors)))
        })
        .collect()
}

#[test]
fn summary_counts_are_straces() {
    if !sud() || !have_strace() {
        return;
    }
    let s = run("strace", &[&["-c", "-f"][..], &WORK[..]].concat());
    let t = run(TRACER, &[&["-c"][..], &WORK[..]].concat());
    let (s, t) = (
        summary(&String::from_utf8_lossy(&s.stderr)),
        summary(&String::from_utf8_lossy(&t.stderr)),
    );
    assert!(s.contains_key("total") && s.len() > 10, "{s:?}");
    assert_eq!(s, t, "strace -c -f, then sigsys-trace -c");
}

fn names(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.contains("+++") && !l.starts_with("---"))
        .filter_map(|l| {
            let l = l
                .split_once(' ')
                .map_or(l, |(p, r)| if p.parse::<u32>().is_ok() { r } else { l });
            l.split('(').next().map(|n| n.trim().to_string())
        })
        .collect()
}

fn traced_names(opts: &[&str], prog: &[&str]) -> (Vec<String>, Vec<String>) {
    let dir = std::env::temp_dir().join(format!("sigsys-options-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sf, tf) = (dir.join("s.txt"), dir.join("t.txt"));
    let s = Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&sf)
        .args(opts)
        .args(prog)
        .output()
        .unwrap();
    let t = Command::new(TRACER)
        .args(["-qq", "-o"])
        .arg(&tf)
        .args(opts)
        .args(prog)
        .output()
        .unwrap();
    assert_eq!(s.status.code(), t.status.code());
    let r = (
        names(&std::fs::read_to_string(&sf).unwrap()),
        names(&std::fs::read_to_string(&tf).unwrap()),
    );
    let _ = std::fs::remove_dir_all(&dir);
    r
}

#[test]
fn trace_sets_select_what_strace_selects() {
    if !sud() || !have_strace() {
        return;
    }
    let prog = ["cat", "/etc/hostname"];
    for set in [
        "trace=%file",
        "trace=openat,close",
        "trace=!mmap,mprotect",
        "trace=/^(open|read)",
        "trace=%memory",
        "trace=%desc",
    ] {
        let (s, t) = traced_names(&["-e", set], &prog);
        assert!(!s.is_empty(), "{set}");
        assert_eq!(s, t, "-e {set}: strace, then sigsys-trace");
    }
    for status in [&["-z"][..], &["-Z"][..], &["-e", "status=failed"][..]] {
        let (s, t) = traced_names(status, &prog);
        assert_eq!(s, t, "{status:?}: strace, then sigsys-trace");
    }
}

#[test]
fn times_and_string_limit_look_like_straces() {
    if !sud() {
        return;
    }
    let o = run(TRACER, &["-tt", "-T", "-s", "4", "sh", "-c", "echo hello"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let write = err
        .lines()
        .find(|l| l.contains("write(1, "))
        .expect("write line");
    // 12:34:56.123456 write(1, "hell"..., 6) = 6 <0.000012>
    let (stamp, rest) = write.split_once(' ').unwrap();
    assert!(
        stamp.len() == 15 && stamp.as_bytes()[2] == b':' && stamp.as_bytes()[8] == b'.',
        "{write}"
    );
    assert!(rest.starts_with(r#"write(1, "hell"..., 6)"#), "{write}");
    assert!(rest.ends_with('>') && rest.contains(" <0."), "{write}");
    let o = run(TRACER, &["-ttt", "-e", "trace=write", "sh", "-c", "echo x"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let secs: f64 = err
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - secs).abs() < 60.0, "{err}");
    let o = run(TRACER, &["-r", "-e", "trace=write", "sh", "-c", "echo x"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("     0.000000 write(1, "), "{err}");
}

#[test]
fn one_file_per_task_and_quiet() {
    if !sud() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("sigsys-options-ff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join("t");
    let o = Command::new(TRACER)
        .args(["-ff", "-o"])
        .arg(&base)
        .args(["sh", "-c", "/bin/true; /bin/true"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with("execve(")
                || first.starts_with("rt_sigprocmask(")
                || first.starts_with("vfork"),
            "{f:?}: {first}"
        );
        assert!(
            text.lines()
                .last()
                .unwrap()
                .starts_with("+++ exited with 0 +++"),
            "{text}"
        );
    }
    let o = run(TRACER, &["-qq", "/bin/true"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("+++"));
    let _ = std::fs::remove_dir_all(&dir);
    let o = run(TRACER, &["-p", "1"]);
    assert_eq!(o.status.code(), Some(125));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ptrace"));
}
