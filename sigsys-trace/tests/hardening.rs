//! Issue 16's points about the tracer (10-15): each probe (`src/bin/probe.rs`, a Go
//! program, system programs) behaves the same traced and untraced: same exit status, same
//! output, nothing on the launcher's stderr.

mod common;

use common::sud;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PROBE: &str = env!("CARGO_BIN_EXE_probe");
const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

fn tmp_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sigsys-trace-hardening-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn trace_file(tag: &str) -> PathBuf {
    let tag: String = tag
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    tmp_dir().join(format!("{tag}.txt"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run")
}

fn describe(o: &Output) -> String {
    format!(
        "status {:?} signal {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        o.status.signal(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs `prog args` untraced and traced (`-o FILE`): equal exit status and stdout, an
/// empty launcher stderr. Returns (stdout, trace).
fn same(prog: &str, args: &[&str]) -> (String, String) {
    let plain = run(Command::new(prog).args(args));
    let file = trace_file(&format!(
        "{}-{}",
        prog.rsplit('/').next().unwrap_or(""),
        args.first().copied().unwrap_or("")
    ));
    let traced = run(Command::new(TRACER)
        .arg("-o")
        .arg(&file)
        .arg(prog)
        .args(args));
    let trace = common::unaligned(&std::fs::read_to_string(&file).unwrap_or_default());
    assert_eq!(
        (plain.status.code(), plain.status.signal()),
        (traced.status.code(), traced.status.signal()),
        "untraced: {}\ntraced: {}\ntrace (tail):\n{}",
        describe(&plain),
        describe(&traced),
        tail(&trace)
    );
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        String::from_utf8_lossy(&traced.stdout),
        "traced: {}\ntrace (tail):\n{}",
        describe(&traced),
        tail(&trace)
    );
    assert!(
        traced.stderr.is_empty(),
        "launcher stderr: {}",
        describe(&traced)
    );
    (String::from_utf8_lossy(&plain.stdout).into_owned(), trace)
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// What the tracer's handler takes on an alternate stack at one level is within
/// `HANDLER_STACK` plus the kernel's frame (`state.rs`; the threshold from which a
/// program's alternate stack is used is computed from it).
#[test]
fn handler_stack_need_is_measured() {
    if !sud() {
        return;
    }
    let o = run(Command::new(PROBE).arg("stack-depth"));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "used=0\n");
    let o = run(Command::new(TRACER)
        .arg("-o")
        .arg(trace_file("depth"))
        .arg(PROBE)
        .arg("stack-depth"));
    let out = String::from_utf8_lossy(&o.stdout);
    let used: u64 = out
        .trim()
        .strip_prefix("used=")
        .and_then(|u| u.parse().ok())
        .unwrap_or_else(|| panic!("{}", describe(&o)));
    // SAFETY: reads the auxiliary vector.
    let frame = unsafe { libc::getauxval(libc::AT_MINSIGSTKSZ) }.max(1024);
    // state.rs's HANDLER_STACK.
    let need: u64 = if cfg!(debug_assertions) { 24 } else { 12 } * 1024;
    eprintln!("handler + frame: {used} bytes (kernel frame {frame})");
    assert!(
        used > 0 && used <= need + frame,
        "used {used}, frame {frame}"
    );
}

/// Go's check (point 10): inside an `SA_ONSTACK` handler the stack `sigaltstack` reports
/// contains the stack pointer, for stacks below, around and above the size from which the
/// program's own stack is used.
#[test]
fn sigaltstack_report_contains_the_handlers_sp() {
    if !sud() {
        return;
    }
    for size in ["8192", "16384", "32768", "131072"] {
        let (out, _) = same(PROBE, &["altstack-check", size]);
        assert_eq!(out, "enough=true bad=0\n", "size {size}");
    }
}

/// A real Go program (cgo, so dynamically linked) with busy goroutines, preempted by
/// SIGURG within milliseconds: runs to its end traced as untraced.
#[test]
fn go_program_with_preemption() {
    if !sud() {
        return;
    }
    if Command::new("go").arg("version").output().is_err() {
        assert!(
            std::env::var_os("SIGSYS_TRACE_REQUIRE").is_none(),
            "go is not installed (apt-get install golang-go)"
        );
        eprintln!("SKIPPED: go is not installed (apt-get install golang-go)");
        return;
    }
    let dir = tmp_dir().join("go");
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/preempt.go");
    let bin = dir.join("preempt");
    let o = run(Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .env("GOCACHE", dir.join("cache"))
        .env("GOPATH", dir.join("gopath"))
        .env("GO111MODULE", "off")
        .env("CGO_ENABLED", "1"));
    assert!(o.status.success(), "go build: {}", describe(&o));
    for _ in 0..3 {
        let (out, trace) = same(bin.to_str().unwrap(), &[]);
        assert!(out.starts_with("sum="), "{out}");
        assert!(trace.contains("sigaltstack("), "{}", tail(&trace));
    }
}

/// Runs `cmd` as `nobody` (the tests run as root).
fn as_nobody(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(65534) != 0
                || libc::setuid(65534) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

/// Point 13: a program with file capabilities runs with AT_SECURE for a user that is not
/// root, capabilities only the kernel's own exec grants: refused with 125 (directly and as a `#!`
/// interpreter), like set-ID programs; root is traced as usual.
#[test]
fn file_capabilities_are_refused() {
    if !sud() {
        return;
    }
    // SAFETY: a plain getter.
    if unsafe { libc::geteuid() } != 0 || Command::new("setcap").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("SIGSYS_TRACE_REQUIRE").is_none(),
            "needs root and setcap (apt-get install libcap2-bin)"
        );
        eprintln!("SKIPPED: needs root and setcap");
        return;
    }
    let dir = tmp_dir().join("caps");
    std::fs::create_dir_all(&dir).unwrap();
    let prog = dir.join("captrue");
    std::fs::copy("/bin/true", &prog).unwrap();
    let o = run(Command::new("setcap").arg("cap_net_raw+ep").arg(&prog));
    assert!(o.status.success(), "setcap: {}", describe(&o));
    let script = dir.join("script");
    std::fs::write(&script, format!("#!{} -x\n", prog.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    for p in [&prog, &script] {
        let plain = run(as_nobody(&mut Command::new(p)));
        assert!(plain.status.success(), "untraced: {}", describe(&plain));
        let traced = run(as_nobody(Command::new(TRACER).arg(p)));
        assert_eq!(traced.status.code(), Some(125), "{}", describe(&traced));
        let err = String::from_utf8_lossy(&traced.stderr);
        assert!(err.contains("has file capabilities"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        // Root has every capability anyway: traced.
        let root = run(Command::new(TRACER).arg(p));
        assert!(root.status.success(), "{}", describe(&root));
        let err = common::unaligned(&String::from_utf8_lossy(&root.stderr));
        assert!(err.contains("exit_group(0) = ?"), "{err}");
    }
}

/// Point 15, from strace's test programs: `prctl(PR_SET_TSC, PR_TSC_SIGSEGV)` (the tracer
/// read the TSC for batch ages: SIGSEGV), in both output modes.
#[test]
fn tsc_made_to_fault() {
    if !sud() {
        return;
    }
    let (out, trace) = same(PROBE, &["tsc"]);
    assert_eq!(out, "set: ok(0)\nget: ok(0) mode=2 calls>0=true\n");
    assert!(trace.contains("prctl("), "{}", tail(&trace));
    let o = run(Command::new(TRACER).arg(PROBE).arg("tsc"));
    assert!(o.status.success(), "{}", describe(&o));
}

/// Point 15: `clone3` sizes and placements against a guard page give the kernel's errors
/// (`E2BIG` for a non-zero byte past the known struct before the guard page).
#[test]
fn clone3_struct_checks_as_the_kernel() {
    if !sud() {
        return;
    }
    let (out, _) = same(PROBE, &["clone3"]);
    assert!(out.contains("nonzero tail then guard: E2BIG\n"), "{out}");
    assert!(out.contains("size 4097: E2BIG\n"), "{out}");
}

/// Point 15: calls over ranges that cover the tracer's stack get the kernel's argument
/// errors, not an emulated success.
#[test]
fn memory_calls_over_the_handler_stack_keep_kernel_errors() {
    if !sud() {
        return;
    }
    let (out, _) = same(PROBE, &["madvise"]);
    assert!(
        out.starts_with("madvise(NULL, 18446744073709550286, SEQUENTIAL): EINVAL\n"),
        "{out}"
    );
}

/// Point 15: `execveat` with a null `envp` (an empty environment): the new image is
/// traced, without a warning.
#[test]
fn execveat_with_null_envp_is_traced() {
    if !sud() {
        return;
    }
    let (out, trace) = same(PROBE, &["execveat-null-env"]);
    assert_eq!(out, "child\n");
    assert!(trace.contains("exit_group(3)"), "{}", tail(&trace));
    assert!(!trace.contains("not traced"), "{}", tail(&trace));
}

/// Point 14: a SIGSYS the tracer forwards to the program's handler honours `SA_RESETHAND`
/// (the next one kills) and the handler's `sa_mask`.
#[test]
fn forwarded_sigsys_resethand_and_mask() {
    if !sud() {
        return;
    }
    let (out, _) = same(PROBE, &["sigsys-resethand"]);
    assert_eq!(
        out,
        "usr1 blocked in handler: 1; handler now default: true\n"
    );
}

/// Point 12: nothing the program does to descriptors it does not know (the tracer's
/// socket) loses the trace: `fcntl(O_NONBLOCK)`, `ioctl(FIONBIO)`, `setsockopt`,
/// `shutdown`, a `close` with bit 32 set, an i386 `close`.
#[test]
fn tracer_socket_survives_the_program() {
    if !sud() {
        return;
    }
    let (out, trace) = same(PROBE, &["hostile-fds"]);
    assert_eq!(out, "done\n");
    for i in 0..5 {
        let marker = format!("getpriority(PRIO_PROCESS, {}) = -1 ESRCH", 1_000_000 + i);
        assert!(trace.contains(&marker), "{marker}\n{}", tail(&trace));
    }
    let o = run(Command::new(TRACER).arg(PROBE).arg("hostile-fds"));
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("getpriority(PRIO_PROCESS, 1000004)"),
        "{}",
        describe(&o)
    );
}

/// Point 12: lines that cannot be delivered are never lost in silence: with `-o` they stay
/// in the batch the launcher reads at the end; sent one by one (trace on stderr), they are
/// kept there too, or counted and reported. Here the program has used up its descriptors,
/// so the tracer has none to send with.
#[test]
fn undeliverable_lines_are_kept_or_reported() {
    if !sud() {
        return;
    }
    let (out, trace) = same(PROBE, &["no-fds"]);
    assert_eq!(out, "done\n");
    assert!(
        trace.contains("getpriority(PRIO_PROCESS, 1000004) = -1 ESRCH"),
        "{}",
        tail(&trace)
    );
    let o = run(Command::new(TRACER).arg(PROBE).arg("no-fds"));
    assert!(o.status.success(), "{}", describe(&o));
    let err = common::unaligned(&String::from_utf8_lossy(&o.stderr));
    assert!(
        err.contains("getpriority(PRIO_PROCESS, 1000004) = -1 ESRCH")
            || err
                .lines()
                .any(|l| l.starts_with("sigsys-trace: ") && l.ends_with("could not be delivered")),
        "{err}"
    );
}

/// Issue 9: a program's own filter that denies the sends (`sendto`, `sendmsg`) applies to
/// the program's calls, not to the tracer's: every line arrives.
#[test]
fn the_programs_filter_does_not_stop_the_trace() {
    if !sud() {
        return;
    }
    let (out, trace) = same(PROBE, &["deny-sendto"]);
    assert_eq!(out, "done\n");
    assert!(
        trace.contains("getpriority(PRIO_PROCESS, 1000004) = -1 ESRCH"),
        "{}",
        tail(&trace)
    );
    let o = run(Command::new(TRACER).arg(PROBE).arg("deny-sendto"));
    let err = common::unaligned(&String::from_utf8_lossy(&o.stderr));
    assert!(!err.contains("could not be delivered"), "{err}");
}

/// Issue 16 point 4 in the tracer: `rt_sigaction`'s signal number is read as the kernel
/// reads it (an int), so `(1 << 32) | SIGSYS` cannot remove the tracer's handler.
#[test]
fn sigsys_action_read_at_kernel_width() {
    if !sud() {
        return;
    }
    let (out, _) = same(PROBE, &["sigaction-wide"]);
    assert_eq!(out, "rt_sigaction: ok(0)\nalive\n");
}

/// Point 11: a local process that is not part of the traced program cannot put lines into
/// the trace, not even in the name of a traced process (every datagram of the traced
/// processes starts with the run's random token, which only they can read); what it sent
/// is counted as ignored.
#[test]
fn outsiders_cannot_inject_lines() {
    if !sud() {
        return;
    }
    let file = trace_file("inject");
    let child = Command::new(TRACER)
        .arg("-o")
        .arg(&file)
        .args(["sleep", "0.6"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let launcher = child.id();
    let name = format!("@sigsys-trace.{launcher:010}.");
    let mut found = None;
    for _ in 0..200 {
        let table = std::fs::read_to_string("/proc/net/unix").unwrap();
        found = table
            .lines()
            .filter_map(|l| l.split_whitespace().last())
            .find(|p| p.starts_with(&name))
            .map(|p| p[1..].to_string());
        if found.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let sock = found.expect("the launcher's socket");
    use std::os::linux::net::SocketAddrExt;
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(sock.as_bytes()).unwrap();
    let s = std::os::unix::net::UnixDatagram::unbound().unwrap();
    // In the launcher's own name and in the traced program's (its pid is the launcher's
    // child: guessed as the next pids).
    for pid in [launcher, launcher + 1, launcher + 2] {
        let msg = format!("{pid} {pid} L injected_call(1) = 0\n");
        let _ = s.send_to_addr(msg.as_bytes(), &addr);
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let trace = std::fs::read_to_string(&file).unwrap();
    assert!(!trace.contains("injected_call"), "{trace}");
    assert!(
        trace.contains("nanosleep") || trace.contains("clock_nanosleep"),
        "{trace}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("3 messages from outside the traced program were ignored"),
        "{err}"
    );
}

/// Point 14: a new thread gets every register of its creator, the whole XSAVE state
/// included (here YMM0's upper half), not only the FXSAVE part.
#[test]
fn new_threads_get_the_whole_vector_state() {
    if !sud() {
        return;
    }
    let (out, _) = same(PROBE, &["clone-ymm"]);
    assert!(
        out == "no avx2\n" || out.starts_with("done=1 upper=[17, 18, 19,"),
        "{out}"
    );
}

/// The kernel's exec errors that depend on the file are the program's to see, not the
/// death of the new image: each case run by a child, untraced and traced, same answers.
#[test]
fn exec_errors_are_the_kernels() {
    if !sud() {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp_dir().join("exec-errors");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, body: &[u8], mode: u32| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p.display().to_string()
    };
    let mut rel = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x01\0\x3e\0".to_vec();
    rel.resize(64, 0);
    let mut cases = vec![
        write("missing.sh", b"#!/nonexistent/interp\necho no\n", 0o755),
        write("crlf.sh", b"#!/bin/sh\r\necho no\n", 0o755),
        write("empty.sh", b"#!\n", 0o755),
        write("noexec-interp", b"#!/bin/sh\necho x\n", 0o644),
        write("rel.o", &rel, 0o755),
        write("garbage", b"\x7fELF garbage", 0o755),
    ];
    cases.push(write(
        "via-noexec.sh",
        format!("#!{}\n", cases[3]).as_bytes(),
        0o755,
    ));
    // Six nested interpreters: ELOOP; five run.
    let mut prev = "/bin/true".to_string();
    for i in 0..6 {
        prev = write(
            &format!("level{i}"),
            format!("#!{prev}\n").as_bytes(),
            0o755,
        );
        if i == 4 || i == 5 {
            cases.push(prev.clone());
        }
    }
    let args: Vec<&str> = std::iter::once("try-exec")
        .chain(cases.iter().map(String::as_str))
        .collect();
    let (out, _) = same(PROBE, &args);
    assert!(out.contains("missing.sh: errno 2"), "{out}");
    assert!(out.contains("empty.sh: errno 8"), "{out}");
    assert!(out.contains("level5: errno 40"), "{out}");
    assert!(out.contains("level4: status 0x0"), "{out}");
}

/// A program that gives up its privileges and then executes another (su, runuser, setpriv)
/// runs on as untraced: the new image cannot reach the run directory, so the exec goes
/// ahead without the loader, with a warning.
#[test]
fn exec_after_dropping_privileges_works() {
    if !sud() || unsafe { libc::geteuid() } != 0 {
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("SKIPPED: setpriv is missing");
        return;
    }
    let args = [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "/bin/echo",
        "hi",
    ];
    let o = run(Command::new(TRACER)
        .arg("-o")
        .arg("/dev/null")
        .arg("setpriv")
        .args(args));
    assert!(o.status.success(), "{}", describe(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "hi\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("executed without the tracer"));
}
