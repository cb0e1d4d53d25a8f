//! The loader's lines as they arrive: cut where they were cut before the line buffer was
//! left uninitialised and its header written in front at send time, and raw mode's error
//! texts the crate's (strace's).

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

/// A line longer than the loader's 2048 bytes (`PID TID L ` header, text, newline) is cut
/// to exactly that, and the lines after it arrive whole: `write(1, "xxx...` of a 3000-byte
/// argument with `-s 5000` is printed as the pid and 2047 - len("PID PID L ") bytes of text.
#[test]
fn a_long_line_is_cut_at_the_line_size_and_the_next_ones_are_whole() {
    if !sud() {
        return;
    }
    let arg = "x".repeat(3000);
    let t = trace("cut", &["-s", "5000", "/bin/echo", &arg]);
    let line = t
        .lines()
        .find(|l| l.contains("write(1, \"xxx"))
        .unwrap_or_else(|| panic!("no write line in:\n{t}"));
    let pid = line.split(' ').next().unwrap();
    assert!(pid.parse::<u32>().is_ok(), "{line:.80}");
    // One thread: the header's TID is the PID.
    let header = pid.len() + 1 + pid.len() + 3;
    // The launcher prints the pid (padded) and then the loader's text.
    let text = &line[line.find("write(1").unwrap()..];
    assert_eq!(text.len(), 2047 - header, "{line:.80}");
    assert!(!line.ends_with(" = 3001"), "not cut: {line:.80}");
    assert!(t.trim_end().ends_with("+++ exited with 0 +++"), "{t}");
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
