//! What the launcher promises: the program's exit status, refusal of what cannot be
//! traced, the program's signal handling left working, strace's text.

mod common;

use common::sud;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};

fn tracer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sigsys-trace"))
}

fn run(args: &[&str]) -> Output {
    tracer()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run sigsys-trace")
}

fn stderr(o: &Output) -> String {
    common::unaligned(&String::from_utf8_lossy(&o.stderr))
}

#[test]
fn exit_status_is_the_programs() {
    if !sud() {
        return;
    }
    let o = run(&["sh", "-c", "exit 7"]);
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    assert!(stderr(&o).contains("exit_group(7) = ?"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("+++ exited with 7 +++"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn killed_by_a_signal_like_the_program() {
    if !sud() {
        return;
    }
    let o = run(&["sh", "-c", "kill -TERM $$"]);
    assert_eq!(o.status.signal(), Some(libc::SIGTERM), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("+++ killed by SIGTERM +++"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn trace_to_a_file_and_program_output_untouched() {
    if !sud() {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sigsys-trace-beh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trace.txt");
    let o = run(&["-o", file.to_str().unwrap(), "cat", "/etc/hostname"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(o.stdout, std::fs::read("/etc/hostname").unwrap());
    assert!(
        stderr(&o).is_empty(),
        "nothing on stderr with -o: {}",
        stderr(&o)
    );
    let trace = common::unaligned(&std::fs::read_to_string(&file).unwrap());
    assert!(
        trace.contains(r#"openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3"#),
        "{trace}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_program_is_127() {
    let o = run(&["/nonexistent/program"]);
    assert_eq!(o.status.code(), Some(127), "{}", stderr(&o));
}

/// A statically linked program is traced from its first instruction (the loader maps it),
/// and prints what it prints untraced.
#[test]
fn static_program_is_traced() {
    let candidates = ["/sbin/ldconfig", "/usr/sbin/ldconfig", "/bin/busybox"];
    let Some(prog) = candidates.iter().find(|p| {
        Command::new("file")
            .arg("-L")
            .arg(p)
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout).contains("statically linked")
                    || String::from_utf8_lossy(&o.stdout).contains("static-pie linked")
            })
            .unwrap_or(false)
    }) else {
        eprintln!("SKIPPED: no statically linked program found");
        return;
    };
    let o = run(&[prog, "--version"]);
    let plain = Command::new(prog).arg("--version").output().unwrap();
    assert_eq!(o.status.code(), plain.status.code(), "{}", stderr(&o));
    assert_eq!(o.stdout, plain.stdout);
    let err = stderr(&o);
    assert!(err.starts_with(&format!("execve(\"{prog}\"")), "{err}");
    assert!(err.contains("write(1, "), "{err}");
}

/// The program blocks every signal, installs its own SIGSYS handler and reads it back,
/// uses, replaces and disables an alternate stack, runs handlers with a full mask, sends
/// itself SIGSYS with kill, and calls ppoll with a full mask: all as without the tracer
/// (the test program checks each step and exits 1 on the first difference), and traced.
#[test]
fn program_signal_handling_keeps_working() {
    if !sud() {
        return;
    }
    let plain = Command::new(env!("CARGO_BIN_EXE_sigsys-trace-testprog"))
        .arg("signals")
        .output()
        .unwrap();
    assert!(plain.status.success());
    let o = run(&[env!("CARGO_BIN_EXE_sigsys-trace-testprog"), "signals"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(o.stdout, plain.stdout);
    let err = stderr(&o);
    for needle in [
        "rt_sigprocmask(SIG_BLOCK, NULL, ~[KILL STOP",
        "kill(",
        "SIGSYS) = 0",
        "sigaltstack({ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}, NULL) = 0",
        "ppoll(",
        "write(1, \"signals ok\\n\", 11) = 11",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in\n{err}");
    }
}

/// With the decoded formatter (`sigsys::fmt`), the lines are strace's own text. Compared
/// for `cat` after the tracer is armed, against strace of the same program (see
/// compare.rs for the method). Tolerated: the bytes `getrandom` returns (random), the
/// tracer's own calls that strace sees (memory reads, `rt_sigreturn`), and strace's
/// column padding before ` = `.
#[test]
fn decoded_lines_are_strace_text() {
    if !sud() {
        return;
    }
    let have = |p: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {p}")])
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !have("strace") || !have("setarch") {
        assert!(
            std::env::var_os("SIGSYS_TRACE_REQUIRE").is_none(),
            "strace and setarch needed"
        );
        eprintln!("SKIPPED: strace or setarch missing");
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sigsys-trace-dec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let a = dir.join("A.txt");
    let st = Command::new("setarch")
        .args(["x86_64", "-R", env!("CARGO_BIN_EXE_sigsys-trace"), "-o"])
        .arg(&a)
        .args(["cat", "/etc/passwd"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    // Same environment size as A: `--bare` sets SIGSYS_TRACE_MODE=bare, A has =text.
    let st = Command::new("setarch")
        .args([
            "x86_64",
            "-R",
            "strace",
            "-ff",
            "-qq",
            "-e",
            "signal=none",
            "-o",
        ])
        .arg(dir.join("b").join("B"))
        .args([
            env!("CARGO_BIN_EXE_sigsys-trace"),
            "--bare",
            "cat",
            "/etc/passwd",
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let b_file = std::fs::read_dir(dir.join("b"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            std::fs::read_to_string(p)
                .map(|t| t.contains("[\"cat\", \"/etc/passwd\"]"))
                .unwrap_or(false)
        })
        .expect("strace output of cat");
    let b_text = std::fs::read_to_string(&b_file).unwrap();
    let norm = |l: &str| -> String {
        let l = l.trim_start();
        let l = match l.find(") ") {
            Some(i) if l[i + 1..].trim_start().starts_with("= ") => {
                format!("{}) {}", &l[..i], l[i + 1..].trim_start())
            }
            _ => l.to_string(),
        };
        if ["set_tid_address(", "getpid(", "gettid("]
            .iter()
            .any(|p| l.starts_with(p))
        {
            // Process and thread ids differ between the runs.
            return l
                .rsplit_once(" = ")
                .map_or(l.clone(), |(c, _)| format!("{c} = <id>"));
        }
        if l.starts_with("getrandom(") {
            // Random bytes.
            return l
                .split_once(", ")
                .map_or(l.clone(), |(_, r)| format!("getrandom(<bytes>, {r}"));
        }
        l
    };
    let b_lines: Vec<String> = b_text
        .lines()
        .skip_while(|l| !l.starts_with("prctl(PR_SET_SYSCALL_USER_DISPATCH"))
        .skip(1)
        .filter(|l| {
            !l.starts_with("rt_sigreturn(")
                && !l.starts_with("getpid()")
                && !l.starts_with("process_vm_")
        })
        .map(norm)
        // The tracer's message at exit: a socket made for it, the send, its close.
        .scan(None::<String>, |sock, l| {
            if l.starts_with("socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = ") {
                *sock = l.rsplit_once(" = ").map(|(_, fd)| fd.to_string());
                return Some(None);
            }
            if let Some(fd) = sock.clone() {
                if l.starts_with(&format!("sendto({fd}, "))
                    || l.starts_with(&format!("sendmsg({fd}, "))
                {
                    return Some(None);
                }
                if l == format!("close({fd}) = 0") {
                    *sock = None;
                    return Some(None);
                }
            }
            Some(Some(l))
        })
        .flatten()
        .collect();
    let a_text = std::fs::read_to_string(&a).unwrap();
    let a_lines: Vec<String> = a_text
        .lines()
        .filter(|l| !l.contains("+++ "))
        .map(|l| norm(l.split_once(' ').map_or(l, |(_, r)| r)))
        // The first image's execve, which strace shows before the loader arms.
        .skip_while(|l| l.starts_with("execve("))
        .collect();
    assert!(a_lines.len() > 20, "{a_text}");
    for (i, (x, y)) in a_lines.iter().zip(&b_lines).enumerate() {
        assert_eq!(x, y, "line {i} differs (sigsys-trace, then strace)");
    }
    assert_eq!(a_lines.len(), b_lines.len(), "A:\n{a_text}\nB:\n{b_text}");
    if std::env::var_os("SIGSYS_TRACE_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A program that executes another with an empty environment (`env -i`) does not lose
/// the tracer: the new image is traced (its `execve` line completes with `= 0`, which the
/// launcher prints when the new image reports in), and nothing is reported as untraced.
#[test]
fn exec_with_an_empty_environment_stays_traced() {
    if !sud() {
        return;
    }
    let o = run(&["sh", "-c", "env -i /bin/sh -c 'exit 0'"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(r#"execve("/bin/sh", ["/bin/sh", "-c", "exit 0"], "#)
            && err.contains("/* 0 vars */) = 0"),
        "{err}"
    );
    assert!(!err.contains("not traced"), "{err}");
}

/// Signals the launcher was started with ignored (`nohup`, a shell's background job) are
/// ignored in the program too, as they would be untraced.
#[test]
fn ignored_signals_stay_ignored() {
    use std::os::unix::process::CommandExt;
    if !sud() {
        return;
    }
    // The program reads its dispositions from /proc: `SigIgn` (a hex mask).
    let sig_ign = |traced: bool| {
        let mut cmd = if traced {
            let mut c = tracer();
            c.args(["-o", "/dev/null", "grep", "SigIgn", "/proc/self/status"]);
            c
        } else {
            let mut c = Command::new("grep");
            c.args(["SigIgn", "/proc/self/status"]);
            c
        };
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGHUP] {
                    libc::signal(sig, libc::SIG_IGN);
                }
                Ok(())
            });
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    let plain = sig_ign(false);
    // SIGHUP, SIGINT, SIGQUIT: bits 0-2.
    assert!(plain.trim_end().ends_with('7'), "{plain}");
    assert_eq!(sig_ign(true), plain);
}

/// A thread alive for more than a second is not ended early: the launcher recognises a
/// thread id whatever `pidfd_open` answers for it (EINVAL before 6.9, ENOENT after), so
/// its late line keeps its `[pid N]` prefix and its own `+++ exited with 0 +++` follows.
#[test]
fn a_long_lived_thread_ends_when_it_ends() {
    if !sud() {
        return;
    }
    let Some(bin) = common::build_c("slow_thread") else {
        return;
    };
    let o = run(&[bin.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let late = lines
        .iter()
        .position(|l| l.contains("write(1, \"late\\n\", 5)"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(lines[late].starts_with("[pid "), "{err}");
    let tid = lines[late].split(']').next().unwrap();
    let end = format!("{tid}] +++ exited with 0 +++");
    assert!(lines[late..].iter().any(|l| *l == end), "{err}");
    assert!(!err.contains("+++ exited +++"), "{err}");
}

/// A `#!` script run as the program: its `execve` line shows the arguments as they were
/// given (`["./s.sh", "a"]`), as strace does, not the interpreter's (`["/bin/sh",
/// "./s.sh", "a"]`), through an interpreter argument, two levels of scripts and a name
/// found in `PATH` (whose `argv[0]` is not the path).
#[test]
fn a_scripts_execve_line_is_straces() {
    if !sud() || Command::new("strace").arg("-V").output().is_err() {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("sigsys-scripts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, body: String| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p.display().to_string()
    };
    let plain = write("plain.sh", "#!/bin/sh\nexit 0\n".into());
    let with_arg = write("arg.sh", "#!/bin/sh -e\nexit 0\n".into());
    let nested = write("nested.sh", format!("#!{with_arg}\n"));
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let first_line = |tool: &str, args: &[&str]| {
        let out = dir.join(format!("{tool}.trace"));
        // strace -f, as sigsys-trace always follows children (and prefixes pids in a file).
        let o = Command::new(tool)
            .arg("-f")
            .arg("-o")
            .arg(&out)
            .args(args)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{tool} {args:?}: {o:?}");
        let text = std::fs::read_to_string(&out).unwrap();
        let line = text.lines().next().unwrap_or("");
        let line = line
            .split_once(' ')
            .map_or(line, |(_pid, l)| l)
            .trim_start()
            .to_string();
        // The environment's address differs from run to run.
        match line.split_once("], 0x") {
            Some((head, rest)) => format!("{head}], ADDR{}", &rest[rest.find(' ').unwrap_or(0)..]),
            None => line,
        }
    };
    for args in [
        vec![plain.as_str()],
        vec![with_arg.as_str(), "a", "b c"],
        vec![nested.as_str(), "x"],
        vec!["nested.sh", "y"],
    ] {
        let want = first_line("strace", &args);
        assert!(want.starts_with("execve("), "{want}");
        assert_eq!(first_line(env!("CARGO_BIN_EXE_sigsys-trace"), &args), want);
    }
}
