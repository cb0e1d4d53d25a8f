//! `-o FILE` batching: every line written exactly once, whatever interrupts the tracer
//! (program signal handlers nested on it), however a task ends (killed, or quiet while its
//! process exits), and whatever signal the launcher itself receives.

mod common;

use common::sud;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn out_file(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sigsys-trace-batching-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const PROG: &str = env!("CARGO_BIN_EXE_sigsys-trace-batchprog");

/// Runs `sigsys-trace -o FILE PROG args`; returns (status, program stdout, trace).
fn trace(name: &str, args: &[&str]) -> (std::process::ExitStatus, String, String) {
    let file = out_file(name);
    let o = Command::new(env!("CARGO_BIN_EXE_sigsys-trace"))
        .arg("-o")
        .arg(&file)
        .arg(PROG)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run sigsys-trace");
    let trace = common::unaligned(&std::fs::read_to_string(&file).unwrap_or_default());
    (
        o.status,
        String::from_utf8_lossy(&o.stdout).into_owned(),
        trace,
    )
}

fn markers(trace: &str) -> Vec<u64> {
    trace
        .lines()
        .filter_map(|l| {
            let i = l.find("batchprog-marker-")? + "batchprog-marker-".len();
            let digits: String = l[i..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// A program handler (itimer, 50 us) making a call while the tracer is interrupted at any
/// point of its batch update: every call appears exactly once.
///
/// Release builds only (`cargo test --release`): in a debug build of the tracer a program
/// handler nested on the tracer's overflows the 56 KiB alternate stack (debug frames of the
/// decoder, e.g. `sigsys::args::i386_only_signature`, take several KiB each).
#[test]
fn nested_handler_lines_exactly_once() {
    if !sud() {
        return;
    }
    let (status, stdout, trace) = trace("race.txt", &["race", "3000"]);
    assert!(status.success(), "{stdout}");
    let nums = |key: &str| -> u64 {
        let i = stdout.find(key).unwrap() + key.len();
        stdout[i..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (hits, closes) = (nums("hits="), nums("closes="));
    assert!(hits >= 3000, "{stdout}");
    let getppid = trace
        .lines()
        .filter(|l| l.contains(" getppid() = "))
        .count() as u64;
    let close = trace
        .lines()
        .filter(|l| l.contains(" close(-") && l.ends_with("= -1 EBADF (Bad file descriptor)"))
        .count() as u64;
    assert_eq!(getppid, hits, "getppid lines (from the handler)");
    assert_eq!(close, closes, "close lines (from the main loop)");
    // No line twice in a row from the same thread (duplicated batch parts would).
    let mut dup = 0;
    let mut last_close = None;
    for l in trace.lines().filter(|l| l.contains(" close(-")) {
        if last_close == Some(l) {
            dup += 1;
        }
        last_close = Some(l);
    }
    assert_eq!(dup, 0, "duplicated close lines");
}

/// A process killed by SIGPIPE right after K calls (no system call flushes them): all K
/// lines are in the trace.
#[test]
fn lines_of_a_killed_process_are_kept() {
    if !sud() {
        return;
    }
    let (status, stdout, trace) = trace("pipe.txt", &["pipe", "20"]);
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{stdout}\n{trace}");
    assert_eq!(markers(&trace), (0..20).collect::<Vec<_>>(), "{trace}");
    assert!(trace.contains("+++ killed by SIGPIPE +++"), "{trace}");
}

/// The same through a shell pipeline, the reproducer's `yes | head -1` shape: the killed
/// image's lines are there.
#[test]
fn lines_of_a_killed_pipeline_member_are_kept() {
    if !sud() {
        return;
    }
    let file = out_file("sh-pipe.txt");
    let o = Command::new(env!("CARGO_BIN_EXE_sigsys-trace"))
        .arg("-o")
        .arg(&file)
        .args(["sh", "-c", &format!("{PROG} pipe 15 | head -1; echo done")])
        .stdin(Stdio::null())
        .output()
        .expect("run sigsys-trace");
    assert!(o.status.success());
    let trace = common::unaligned(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(markers(&trace), (0..15).collect::<Vec<_>>(), "{trace}");
}

/// A thread that makes K calls and then spins without system calls while main exits:
/// its K lines are in the trace.
#[test]
fn lines_of_a_quiet_thread_are_kept() {
    if !sud() {
        return;
    }
    let (status, stdout, trace) = trace("quiet.txt", &["quiet", "25"]);
    assert!(status.success(), "{stdout}");
    assert_eq!(markers(&trace), (0..25).collect::<Vec<_>>(), "{trace}");
}

/// SIGTERM to the launcher: passed on to the program, the trace written, the launcher
/// dies of the program's signal.
#[test]
fn sigterm_to_the_launcher_is_forwarded() {
    if !sud() {
        return;
    }
    let file = out_file("term.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigsys-trace"))
        .arg("-o")
        .arg(&file)
        .arg(PROG)
        .arg("term")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run sigsys-trace");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "ready\n");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    let trace = common::unaligned(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(markers(&trace), vec![0], "{trace}");
    assert!(trace.contains("+++ killed by SIGTERM +++"), "{trace}");
}
