//! Issue 12: every image is traced from its first instruction, static and Go programs
//! included, and the program sees nothing of the tracer through ordinary means.
//!
//! Comparisons with strace run both with ASLR off (`setarch -R`) and compare, task by task
//! (tasks matched in order of first appearance), the sequence of call names. Tolerances,
//! each because it must differ:
//! - `futex`, `sched_yield`, `restart_syscall`, `nanosleep`/`clock_nanosleep` depend on
//!   scheduling, `rt_sigreturn` on where a signal lands among a task's calls (strace shows
//!   a call when it starts, sigsys-trace when it ends);
//! - calls after an `exit`/`exit_group` that strace shows as `?` are the same calls.
//! - For Go, threads are created on demand, so only the main thread's calls up to its
//!   first `clone` (the runtime's deterministic start) are compared; the thread count must
//!   be at least 2 on both sides.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::sud;

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");
const PROBE: &str = env!("CARGO_BIN_EXE_probe");

fn tmp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sigsys-first-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn required(what: &str) -> bool {
    assert!(
        std::env::var_os("SIGSYS_TRACE_REQUIRE").is_none(),
        "{what} is missing"
    );
    eprintln!("SKIPPED: {what} is missing");
    false
}

/// What the probe prints, without what differs between any two runs (the alternate
/// stack's address, the stdout file).
fn observed(out: &[u8]) -> String {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            if l.starts_with("fds: ") {
                // Pipes are new ones in each run.
                let mut out = String::new();
                let mut rest = l;
                while let Some(i) = rest.find("pipe:[") {
                    out.push_str(&rest[..i + 4]);
                    rest = rest[i..].split_once(']').map_or("", |(_, r)| r);
                }
                out.push_str(rest);
                out
            } else if let Some(rest) = l.strip_prefix("altstack: ") {
                format!(
                    "altstack: <addr>{}",
                    rest.split_once(' ').map_or("", |(_, r)| r)
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn probe(traced: bool, args: &[&str]) -> String {
    let mut cmd = if traced {
        let mut c = Command::new(TRACER);
        c.arg("-o").arg("/dev/null").arg(PROBE);
        c
    } else {
        Command::new(PROBE)
    };
    let o = cmd
        .args(args)
        .env("_", "x")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    observed(&o.stdout)
}

/// Arguments, environment, `/proc/self/{cmdline,environ,comm,exe}`, `AT_EXECFN`, the
/// descriptors, every signal's disposition, the mask and the alternate stack: as
/// untraced, in the first image and in one started by `execve("/proc/self/exe")`.
#[test]
fn the_program_sees_what_it_sees_untraced() {
    if !sud() {
        return;
    }
    for args in [&["observe"][..], &["observe", "exec", "again"][..]] {
        let plain = probe(false, args);
        let traced = probe(true, args);
        assert!(plain.contains("exe: Ok("), "{plain}");
        assert_eq!(plain, traced, "{args:?}: untraced, then traced");
    }
}

/// One task's calls: names only.
type Tasks = Vec<(i64, Vec<String>)>;

/// Parses an `-o` file (`PID name(...` per line, strace's or ours), tasks in order of
/// first appearance.
fn parse(text: &str) -> Tasks {
    let mut order: Vec<i64> = Vec::new();
    let mut calls: HashMap<i64, Vec<String>> = HashMap::new();
    for l in text.lines() {
        let Some((pid, rest)) = l.split_once(' ') else {
            continue;
        };
        let Ok(pid) = pid.trim().parse::<i64>() else {
            continue;
        };
        let rest = rest.trim_start();
        if rest.starts_with("<...") || rest.starts_with("---") || rest.starts_with("+++") {
            continue;
        }
        let Some(open) = rest.find('(') else {
            continue;
        };
        let name = rest[..open].to_string();
        if !calls.contains_key(&pid) {
            order.push(pid);
        }
        calls.entry(pid).or_default().push(name);
    }
    order
        .into_iter()
        .map(|p| (p, calls.remove(&p).unwrap_or_default()))
        .collect()
}

fn timing(name: &str) -> bool {
    matches!(
        name,
        "futex" | "sched_yield" | "restart_syscall" | "nanosleep" | "clock_nanosleep"
            // Where a signal is delivered among a task's calls (strace shows a call when
            // it starts, sigsys-trace when it ends).
            | "rt_sigreturn"
    )
}

/// Runs `argv` under strace -f and under sigsys-trace (ASLR off); returns both traces
/// and checks the outputs are the same.
fn both(name: &str, argv: &[&str]) -> (Tasks, Tasks) {
    let dir = tmp_dir(name);
    let s_file = dir.join("strace.txt");
    let t_file = dir.join("trace.txt");
    let s = Command::new("setarch")
        .args(["-R", "strace", "-f", "-qq", "-o"])
        .arg(&s_file)
        .args(argv)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let t = Command::new("setarch")
        .args(["-R", TRACER, "-o"])
        .arg(&t_file)
        .args(argv)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(s.status.code(), t.status.code(), "{name}: exit status");
    assert_eq!(
        String::from_utf8_lossy(&s.stdout),
        String::from_utf8_lossy(&t.stdout),
        "{name}: output under strace, then under sigsys-trace"
    );
    let st = parse(&std::fs::read_to_string(&s_file).unwrap());
    let tt = parse(&std::fs::read_to_string(&t_file).unwrap());
    if std::env::var_os("SIGSYS_TRACE_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    (st, tt)
}

/// Every task strace shows is there, and each shows the same calls from its image's
/// first instruction on.
fn same_tasks(name: &str, s: &Tasks, t: &Tasks) -> usize {
    assert_eq!(
        s.len(),
        t.len(),
        "{name}: tasks under strace {:?}, under sigsys-trace {:?}",
        s.iter().map(|(_, c)| c.len()).collect::<Vec<_>>(),
        t.iter().map(|(_, c)| c.len()).collect::<Vec<_>>()
    );
    let mut n = 0;
    for (k, ((_, a), (_, b))) in s.iter().zip(t).enumerate() {
        let a: Vec<&String> = a.iter().filter(|c| !timing(c)).collect();
        let b: Vec<&String> = b.iter().filter(|c| !timing(c)).collect();
        assert_eq!(a, b, "{name}: task {k}, strace then sigsys-trace");
        n += a.len();
    }
    n
}

fn cc_static(dir: &Path) -> Option<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/static_threads.c");
    let bin = dir.join("static_threads");
    let ok = Command::new("cc")
        .args(["-static", "-O1", "-pthread", "-o"])
        .arg(&bin)
        .arg(&src)
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(bin)
}

fn have_strace() -> bool {
    Command::new("strace").arg("-V").output().is_ok() || required("strace")
}

/// A static C program with two threads: traced from its first instruction (`brk`,
/// `arch_prctl`, `set_tid_address`, ...), with all three tasks.
#[test]
fn static_c_program_against_strace() {
    if !sud() || !have_strace() {
        return;
    }
    let dir = tmp_dir("static-c");
    let Some(bin) = cc_static(&dir) else {
        required("a C compiler with a static libc (cc -static)");
        return;
    };
    let (s, t) = both("static-c", &[bin.to_str().unwrap(), "x"]);
    let n = same_tasks("static-c", &s, &t);
    assert!(t[0].1.iter().any(|c| c == "arch_prctl"), "{t:?}");
    eprintln!(
        "static-c: {} tasks, {n} calls as strace shows them",
        t.len()
    );
}

/// A dynamically linked shell that runs the static program: both images traced, each
/// from its first instruction (the shell's dynamic loading included).
#[test]
fn dynamic_program_executes_a_static_one() {
    if !sud() || !have_strace() {
        return;
    }
    let dir = tmp_dir("dyn-static");
    let Some(bin) = cc_static(&dir) else {
        required("a C compiler with a static libc (cc -static)");
        return;
    };
    let script = format!("{} y; echo done", bin.display());
    let (s, t) = both("dyn-static", &["sh", "-c", &script]);
    let n = same_tasks("dyn-static", &s, &t);
    assert!(t[0].1.iter().any(|c| c == "openat"), "ld.so's opens: {t:?}");
    eprintln!(
        "dyn-static: {} tasks, {n} calls as strace shows them",
        t.len()
    );
}

/// A static Go program (no cgo): all its threads traced, its output as untraced, its
/// runtime's start (up to the first thread) call for call as strace shows it.
#[test]
fn static_go_program_against_strace() {
    if !sud() || !have_strace() {
        return;
    }
    if Command::new("go").arg("version").output().is_err() {
        required("go (apt-get install golang-go)");
        return;
    }
    let dir = tmp_dir("go-static");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/static.go");
    let bin = dir.join("static");
    let o = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .env("GOCACHE", dir.join("cache"))
        .env("GOPATH", dir.join("gopath"))
        .env("GO111MODULE", "off")
        .env("CGO_ENABLED", "0")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (s, t) = both("go-static", &[bin.to_str().unwrap()]);
    assert!(
        s.len() >= 2 && t.len() >= 2,
        "threads: strace {}, sigsys-trace {}",
        s.len(),
        t.len()
    );
    let start = |calls: &Vec<String>| -> Vec<String> {
        calls
            .iter()
            .take_while(|c| *c != "clone")
            .filter(|c| !timing(c))
            .cloned()
            .collect()
    };
    assert_eq!(
        start(&s[0].1),
        start(&t[0].1),
        "the Go runtime's start, strace then sigsys-trace"
    );
    assert!(
        t.iter().any(|(_, c)| c.iter().any(|n| n == "execve")),
        "the exec of /bin/true"
    );
    eprintln!(
        "go-static: strace {} tasks, sigsys-trace {} tasks; {} start calls equal",
        s.len(),
        t.len(),
        start(&t[0].1).len()
    );
}
