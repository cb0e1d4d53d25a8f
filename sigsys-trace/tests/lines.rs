//! The loader's lines as they arrive: whole however long (a line longer than the line
//! buffer goes out in pieces), and raw mode's error texts the crate's (strace's).

mod common;

use common::sud;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

fn trace_file(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sigsys-trace-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{tag}.txt"))
}

fn trace(tag: &str, args: &[&str]) -> String {
    let file = trace_file(tag);
    let o = Command::new(TRACER)
        .arg("-o")
        .arg(&file)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()
        .expect("run the tracer");
    assert!(o.status.success(), "{o:?}");
    std::fs::read_to_string(&file).expect("the trace")
}

/// A line longer than the loader's 2048-byte line buffer goes out in pieces and arrives
/// whole, and the lines after it too: `write(1, "xxx...` of a 3000-byte argument with
/// `-s 5000` is printed with all of it and its result.
#[test]
fn a_long_line_arrives_whole_and_the_next_ones_too() {
    if !sud() {
        return;
    }
    let arg = "x".repeat(3000);
    let t = trace("long", &["-s", "5000", "/bin/echo", &arg]);
    let line = t
        .lines()
        .find(|l| l.contains("write(1, \"xxx"))
        .unwrap_or_else(|| panic!("no write line in:\n{t}"));
    let text = &line[line.find("write(1").unwrap()..];
    let want = format!("write(1, \"{arg}\\n\", 3001)");
    assert!(text.starts_with(&want), "{line:.80}");
    assert!(line.ends_with("= 3001"), "cut: {line:.80}");
    assert!(t.trim_end().ends_with("+++ exited with 0 +++"), "{t}");
    // Pieces of three buffers: echo writes its 7001 bytes in 4096-byte blocks.
    let arg = "y".repeat(7000);
    let t = trace("longer", &["-s", "8000", "/bin/echo", &arg]);
    let block = format!("write(1, \"{}\", 4096) = 4096", &arg[..4096]);
    assert!(t.lines().any(|l| l.ends_with(&block)), "{t:.300}");
}

/// `--raw` writes an error result with the crate's errno names and texts, which are
/// strace's: `ls` with its output not a terminal asks `TCGETS` and gets `ENOTTY`.
#[test]
fn raw_mode_errors_read_as_strace_writes_them() {
    if !sud() {
        return;
    }
    let t = trace("raw", &["--raw", "ls", "/"]);
    let line = t
        .lines()
        .find(|l| l.contains("ioctl(0x1, 0x5401"))
        .unwrap_or_else(|| panic!("no TCGETS on stdout in:\n{t}"));
    assert!(
        line.ends_with("= -1 ENOTTY (Inappropriate ioctl for device)"),
        "{line}"
    );
}

/// A long line whose text was made before its call (`-yy`'s `sendto`) and which a signal
/// interrupts is withdrawn: strace shows only `= ? ERESTARTSYS` for it, so do we (no
/// `<unfinished ...>` remnant). And a task killed while its long line is being written
/// shows what was written before its `+++ killed by SIGKILL +++`, not at the run's end.
#[test]
fn long_lines_of_interrupted_and_killed_calls() {
    if !sud() {
        return;
    }
    let Some(bin) = common::build_c("long_eintr") else {
        return;
    };
    let t = trace("eintr", &["-yy", "-s", "100000", bin.to_str().unwrap()]);
    assert!(!t.contains("<unfinished ...>"), "{t:.2000}");
    let sendto = t
        .lines()
        .find(|l| l.contains(", 5000, 0, NULL, 0)"))
        .unwrap_or_else(|| panic!("{t:.2000}"));
    assert!(
        sendto.ends_with("= ? ERESTARTSYS (To be restarted if SA_RESTART is set)"),
        "{sendto:.200}"
    );
    let Some(bin) = common::build_c("long_kill") else {
        return;
    };
    let t = trace("kill", &["-s", "300000", bin.to_str().unwrap()]);
    let lines: Vec<&str> = t.lines().collect();
    if let Some(cut) = lines.iter().position(|l| l.ends_with(" <unfinished ...>")) {
        let pid = lines[cut].split(' ').next().unwrap();
        // Its end line, though the parent reaps it with `waitpid(c, 0, 0)` (the tracer
        // runs that wait with a status word of its own).
        let killed = lines
            .iter()
            .position(|l| l.starts_with(pid) && l.ends_with("+++ killed by SIGKILL +++"))
            .unwrap_or_else(|| panic!("{t:.3000}"));
        assert!(cut < killed, "{t:.3000}");
    }
    // The parent's end, last.
    assert!(
        t.lines()
            .last()
            .is_some_and(|l| l.ends_with("+++ exited with 0 +++")),
        "{t:.3000}"
    );
}
