//! What every sigsys-trace test file needs.

/// Whether this kernel has Syscall User Dispatch. Without it the tests skip with a message,
/// unless `SIGSYS_TRACE_REQUIRE` is set (as CI sets it), when they fail instead.
pub fn sud() -> bool {
    let ok = sigsys::sud::is_supported();
    if !ok {
        if std::env::var_os("SIGSYS_TRACE_REQUIRE").is_some() {
            panic!("this kernel has no Syscall User Dispatch");
        }
        eprintln!("SKIPPED: no Syscall User Dispatch");
    }
    ok
}

/// A trace with strace's result alignment taken out (`call(...)      = 0` becomes
/// `call(...) = 0`), for tests that look for a call and its result together.
#[allow(dead_code)]
pub fn unaligned(text: &str) -> String {
    text.lines()
        .map(|l| match l.find(")  ") {
            Some(i) if l[i + 1..].trim_start().starts_with("= ") => {
                format!("{}) {}", &l[..i], l[i + 1..].trim_start())
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// Builds `tests/programs/NAME.c` once per test process (`cc -O1 -pthread`); `None` (a
/// skip) without a C compiler, a failure under `SIGSYS_TRACE_REQUIRE`.
#[allow(dead_code)]
pub fn build_c(name: &str) -> Option<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("sigsys-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join(name);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs")
        .join(format!("{name}.c"));
    let ok = std::process::Command::new("cc")
        .args(["-O1", "-pthread", "-o"])
        .arg(&bin)
        .arg(&src)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("SIGSYS_TRACE_REQUIRE").is_none(),
            "cc failed"
        );
        eprintln!("SKIPPED: no C compiler");
        return None;
    }
    Some(bin)
}

/// Runs `bin MODE` untraced and under sigsys-trace (`tracer_args`, then `-o FILE`): asserts
/// the same stdout and exit status (or signal); returns the stdout and the trace (unaligned).
#[allow(dead_code)]
pub fn same_as_untraced(
    tracer: &str,
    tracer_args: &[&str],
    bin: &std::path::Path,
    mode: &str,
) -> (String, String) {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let plain = Command::new(bin)
        .arg(mode)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let file = bin.with_extension(format!("{mode}.txt"));
    let traced = Command::new(tracer)
        .args(tracer_args)
        .arg("-o")
        .arg(&file)
        .arg(bin)
        .arg(mode)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&plain.stdout).into_owned();
    assert_eq!(
        (plain.status.code(), plain.status.signal()),
        (traced.status.code(), traced.status.signal()),
        "{mode}: exit status untraced, then traced; traced stderr:\n{}",
        String::from_utf8_lossy(&traced.stderr)
    );
    assert_eq!(
        out,
        String::from_utf8_lossy(&traced.stdout),
        "{mode}: stdout"
    );
    let trace = unaligned(&std::fs::read_to_string(&file).unwrap_or_default());
    (out, trace)
}
