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

/// `+++ killed by` follows `-e signal=SET`, not `-q`: `-qq` keeps it, `signal=none` and
/// `signal=!SIGKILL` hide it; `+++ exited` follows `-qq`.
#[test]
fn end_lines_follow_straces_quiet_and_signal_sets() {
    if !sud() || !have_strace() {
        return;
    }
    for opts in [
        &["-qq"][..],
        &["-e", "signal=none"],
        &["-e", "signal=!SIGKILL"],
        &["-e", "signal=SIGKILL"],
        &[],
    ] {
        for prog in ["kill -9 $$", "exit 3"] {
            let ends = |tool: &str| -> Vec<String> {
                let mut args = opts.to_vec();
                args.extend(["-e", "trace=none", "sh", "-c", prog]);
                let o = run(tool, &args);
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .filter(|l| l.contains("+++"))
                    .map(|l| l.split_once("+++").unwrap().1.to_string())
                    .collect()
            };
            assert_eq!(ends(TRACER), ends("strace"), "{opts:?} {prog}");
        }
    }
}

/// The lines of a trace (stderr) that contain `needle`, alignment collapsed, digits after
/// `=` replaced by `N` where `numbers` (times and counters differ between two runs).
fn lines_with(text: &str, needle: &str, numbers: bool) -> Vec<String> {
    let digits = |l: &str| {
        let mut out = String::new();
        let mut prev = ' ';
        for c in l.chars() {
            if c.is_ascii_digit() && (prev == '=' || prev == 'N') {
                if prev != 'N' {
                    out.push('N');
                }
                prev = 'N';
                continue;
            }
            out.push(c);
            prev = c;
        }
        out
    };
    text.lines()
        .filter(|l| l.contains(needle))
        .map(|l| match l.strip_prefix("[pid ") {
            Some(rest) => rest.split_once("] ").map_or(l, |(_, r)| r),
            None => l,
        })
        .map(common::unaligned)
        .map(|l| if numbers { digits(&l) } else { l })
        .collect()
}

#[test]
fn fd_paths_and_verbose_structs_are_straces() {
    if !sud() || !have_strace() {
        return;
    }
    // -y: every descriptor of the file, from its open to its close, with its path.
    let prog = ["cat", "/etc/hostname"];
    let s = run("strace", &[&["-y"][..], &prog[..]].concat());
    let t = run(TRACER, &[&["-y"][..], &prog[..]].concat());
    let (s, t) = (
        String::from_utf8_lossy(&s.stderr),
        String::from_utf8_lossy(&t.stderr),
    );
    let want = lines_with(&s, "</etc/hostname>", false);
    assert!(want.len() >= 4, "{s}");
    assert!(want
        .iter()
        .any(|l| l.starts_with("close(3</etc/hostname>)")));
    assert_eq!(lines_with(&t, "</etc/hostname>", false), want, "in\n{t}");
    assert!(t.contains("openat(AT_FDCWD</"), "{t}");

    // -v: struct rusage whole (bash's `time` reads it); without, abbreviated as strace.
    let prog = ["bash", "-c", "time true"];
    for opts in [&["-v"][..], &[][..]] {
        let s = run("strace", &[opts, &prog[..]].concat());
        let t = run(TRACER, &[opts, &prog[..]].concat());
        let (s, t) = (
            String::from_utf8_lossy(&s.stderr),
            String::from_utf8_lossy(&t.stderr),
        );
        let want = lines_with(&s, "getrusage(", true);
        assert!(!want.is_empty(), "{s}");
        assert_eq!(lines_with(&t, "getrusage(", true), want, "{opts:?} in\n{t}");
    }
    // -v: struct stat and struct statx whole (devices, inodes, times with their dates), of
    // a file and a character device; abbreviated without it.
    let prog = ["stat", "-c", "%s", "/etc/hostname", "/dev/null"];
    for opts in [&["-v"][..], &[][..]] {
        let trace = ["-e", "trace=statx,newfstatat,fstat"];
        let s = run("strace", &[opts, &trace[..], &prog[..]].concat());
        let t = run(TRACER, &[opts, &trace[..], &prog[..]].concat());
        let (s, t) = (
            String::from_utf8_lossy(&s.stderr),
            String::from_utf8_lossy(&t.stderr),
        );
        // The two files' lines (not the library lookups of the test's environment).
        for file in ["\"/etc/hostname\"", "\"/dev/null\""] {
            let want = lines_with(&s, file, false);
            assert!(!want.is_empty(), "{s}");
            assert_eq!(lines_with(&t, file, false), want, "{opts:?} in\n{t}");
        }
    }
}

/// A trace's lines from the first `socket(` on, `[pid N] ` prefixes dropped, alignment
/// collapsed, and numbers of four digits or more (inodes, ports, pids) masked, and netlink
/// port ids (pids, of fewer digits once pids wrap): they differ between two runs.
fn from_first_socket(text: &str) -> Vec<String> {
    let mask = |l: &str| {
        let mut out = String::new();
        let mut run = String::new();
        for c in l.chars().chain(std::iter::once('\0')) {
            if c.is_ascii_digit() {
                run.push(c);
                continue;
            }
            let port = out.ends_with("ROUTE:");
            out.push_str(if run.len() >= 4 || (port && !run.is_empty()) {
                "N"
            } else {
                &run
            });
            run.clear();
            if c != '\0' {
                out.push(c);
            }
        }
        out
    };
    text.lines()
        .skip_while(|l| !l.starts_with("socket("))
        .filter(|l| !l.starts_with("+++"))
        .map(common::unaligned)
        .map(|l| mask(&l))
        .collect()
}

#[test]
fn decode_fds_are_straces() {
    if !sud() || !have_strace() {
        return;
    }
    let Some(bin) = common::build_c("fds") else {
        return;
    };
    let dir = bin.parent().unwrap().to_str().unwrap().to_string();
    let bin = bin.to_str().unwrap();
    // -yy: sockets by what the kernel says of them (TCP listening and connected, UDPv6,
    // unix pairs, paths and abstract names, netlink), /dev/null's device, a pidfd; and
    // the descriptors of connect, bind and sendto as they were before the call.
    for opts in [&["-yy"][..], &["--decode-fds=all"][..], &["-y"][..]] {
        let s = run("strace", &[opts, &[bin, &dir][..]].concat());
        let t = run(TRACER, &[opts, &[bin, &dir][..]].concat());
        assert!(t.status.success(), "{t:?}");
        let (s, t) = (
            String::from_utf8_lossy(&s.stderr),
            String::from_utf8_lossy(&t.stderr),
        );
        let want = from_first_socket(&s);
        assert!(want.len() >= 40, "{s}");
        if opts == ["-yy"] {
            for needle in [
                "accept(3<TCP:[127.0.0.1:N]>, NULL, NULL) = 5<TCP:[127.0.0.1:N->127.0.0.1:N]>",
                "connect(4<TCP:[N]>, ",
                "fcntl(3<UDPv6:[[::]:N]>, F_GETFL)",
                "<UNIX-STREAM:[N->N]>",
                "/sock\"]>, 1) = 0",
                "<UNIX:[N,@\"sigsys-fds\"]>",
                "fcntl(3<NETLINK:[ROUTE:N]>",
                "</dev/null<char 1:3>>",
                "<pid:N>",
            ] {
                assert!(want.iter().any(|l| l.contains(needle)), "{needle} in\n{s}");
            }
        }
        assert_eq!(from_first_socket(&t), want, "{opts:?} in\n{t}");
    }
}

#[test]
fn long_lines_are_whole_as_straces() {
    if !sud() || !have_strace() {
        return;
    }
    // Lines of 3 to 30 KiB (the loader's line buffer is 2 KiB; longer lines go out in
    // pieces): a large `-s` on a read of binary and of text, a path of 4000 bytes (a
    // directory chain, so that it exists), and `-v` with a long environment.
    let dir = std::env::temp_dir().join(format!("sigsys-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data");
    let bytes: Vec<u8> = (0..12000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&data, &bytes).unwrap();
    let mut deep = dir.clone();
    while deep.as_os_str().len() < 4000 {
        deep.push("a".repeat(200));
    }
    std::fs::create_dir_all(&deep).unwrap();
    let data = data.to_str().unwrap();
    let deep = deep.to_str().unwrap();
    let big_env = "x".repeat(3000);
    for (opts, prog) in [
        (&["-s", "6000", "-e", "trace=read"][..], &["cat", data][..]),
        (
            &["-e", "trace=stat,newfstatat,statx"][..],
            &["stat", "-c", "%i", deep][..],
        ),
        (
            &["-v", "-s", "4000", "-e", "trace=execve"][..],
            &["env", "-i", &format!("BIG={big_env}"), "true"][..],
        ),
    ] {
        let s = run("strace", &[opts, prog].concat());
        let t = run(TRACER, &[opts, prog].concat());
        let (s, t) = (
            String::from_utf8_lossy(&s.stderr),
            String::from_utf8_lossy(&t.stderr),
        );
        // Only the long lines (the others hold the environment's library path lookups),
        // stack addresses masked.
        let keep = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.len() > 3000 && !l.starts_with("+++") && !l.starts_with("[pid"))
                .map(common::unaligned)
                .map(|l| {
                    l.split(", ")
                        .map(|w| if w.starts_with("0x7") { "0xADDR" } else { w })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect()
        };
        let want = keep(&s);
        assert!(want.iter().any(|l| l.len() > 3000), "{opts:?}: {s}");
        assert_eq!(keep(&t), want, "{opts:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn inject_and_fault_are_straces() {
    if !sud() || !have_strace() {
        return;
    }
    let opts = [
        "-e",
        "trace=openat,read,getpid,write",
        "-e",
        "inject=openat:error=ENOENT:when=3",
        "-e",
        "inject=read:retval=0:when=2",
        "-e",
        "fault=getpid:when=1..2",
        "-e",
        "inject=write:signal=SIGURG:when=1",
    ];
    let prog = ["sh", "-c", "cat /etc/hostname; echo $$"];
    let s = run("strace", &[&["-f"][..], &opts[..], &prog[..]].concat());
    let t = run(TRACER, &[&opts[..], &prog[..]].concat());
    assert_eq!(t.status.code(), s.status.code());
    let (so, to) = (
        String::from_utf8_lossy(&s.stdout),
        String::from_utf8_lossy(&t.stdout),
    );
    // The shell's pid differs; its line count and cat's output do not.
    assert_eq!(to.lines().count(), so.lines().count(), "{so} / {to}");
    let (s, t) = (
        String::from_utf8_lossy(&s.stderr),
        String::from_utf8_lossy(&t.stderr),
    );
    let want = lines_with(&s, "(INJECTED)", false);
    assert!(want.len() >= 3, "{s}");
    assert_eq!(lines_with(&t, "(INJECTED)", false), want, "in\n{t}");
    let urg = "--- SIGURG {si_signo=SIGURG, si_code=SI_KERNEL} ---";
    assert_eq!(
        lines_with(&t, urg, false),
        lines_with(&s, urg, false),
        "in\n{t}"
    );
    // Bad rules are refused as strace refuses them.
    for bad in [
        "inject=openat",
        "inject=openat:error=ENOPE",
        "inject=read:when=0",
    ] {
        let o = run(TRACER, &["-e", bad, "true"]);
        assert!(!o.status.success(), "{bad}");
    }
}

#[test]
fn hex_strings_are_straces() {
    if !sud() || !have_strace() {
        return;
    }
    // `cat` reads an ELF header (non-text bytes: hex with -x) and opens paths (text: hex
    // only with -xx).
    for opts in [&["-x"][..], &["-xx"][..]] {
        let prog = ["cat", "/etc/hostname"];
        let s = run("strace", &[opts, &prog[..]].concat());
        let t = run(TRACER, &[opts, &prog[..]].concat());
        let (s, t) = (
            String::from_utf8_lossy(&s.stderr),
            String::from_utf8_lossy(&t.stderr),
        );
        for needle in ["openat(AT_FDCWD, \"", "read(3, \""] {
            let want = lines_with(&s, needle, false);
            assert!(!want.is_empty(), "{s}");
            assert_eq!(lines_with(&t, needle, false), want, "{opts:?} in\n{t}");
        }
    }
}
