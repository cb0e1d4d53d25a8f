//! The program behaves the same traced and untraced: `sigsys-trace-robustprog`'s modes
//! (see `src/bin/robustprog.rs`) print what the program observes (its memory, where its
//! signal handlers run, the order of a vfork, its descriptor space) and exit with a
//! status; both must be equal with and without the tracer.

mod common;

use common::sud;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Output, Stdio};

const PROG: &str = env!("CARGO_BIN_EXE_robustprog");

fn trace_file(tag: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sigsys-trace-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{tag}.txt"))
}

fn run(mut cmd: Command, nofile: Option<u64>) -> Output {
    if let Some(soft) = nofile {
        // SAFETY: only setrlimit between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let mut lim = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
                lim.rlim_cur = soft.min(lim.rlim_max);
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
                Ok(())
            });
        }
    }
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

/// Runs the mode untraced and traced (`-o FILE`), asserts equal exit status and stdout and
/// a clean launcher stderr; returns (untraced stdout, trace text).
fn same(args: &[&str], nofile: Option<u64>) -> (String, String) {
    let mut plain = Command::new(PROG);
    plain.args(args);
    let plain = run(plain, nofile);
    let file = trace_file(&args.join("-"));
    let mut traced = Command::new(env!("CARGO_BIN_EXE_sigsys-trace"));
    traced.arg("-o").arg(&file).arg(PROG).args(args);
    let traced = run(traced, nofile);
    let trace = common::unaligned(&std::fs::read_to_string(&file).unwrap_or_default());
    assert_eq!(
        (plain.status.code(), plain.status.signal()),
        (traced.status.code(), traced.status.signal()),
        "untraced: {}\ntraced: {}\ntrace:\n{trace}",
        describe(&plain),
        describe(&traced)
    );
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        String::from_utf8_lossy(&traced.stdout),
        "traced: {}\ntrace:\n{trace}",
        describe(&traced)
    );
    assert!(
        traced.stderr.is_empty(),
        "launcher stderr: {}",
        describe(&traced)
    );
    (String::from_utf8_lossy(&plain.stdout).into_owned(), trace)
}

/// A program handler with `SA_ONSTACK` that needs more stack than the tracer's own signal
/// stack runs on the program's (512 KiB) alternate stack, and nothing of the program's
/// memory is overwritten.
#[test]
fn big_alternate_stack_is_the_programs() {
    if !sud() {
        return;
    }
    let (out, _) = same(&["altstack-big"], None);
    assert!(
        out.contains("usr1: on_alt=1 flags=1 change_errno=1\n"),
        "{out}"
    );
    assert!(
        out.contains("trap: on_alt=1 flags=1 change_errno=1\n"),
        "{out}"
    );
    assert!(out.ends_with("bad=0\n"), "{out}");
}

/// A program handler that runs on the tracer's stack (`SA_ONSTACK` without an alternate
/// stack of the program's; untraced it runs on the main stack) finds a guard mapping below
/// that stack; one that needs more than the stack has meets it: a crash, never a write
/// into the program's memory.
#[test]
fn tracer_stack_has_a_guard_below() {
    if !sud() {
        return;
    }
    let traced = |mode: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigsys-trace"));
        cmd.arg("-o").arg(trace_file(mode)).arg(PROG).arg(mode);
        let o = run(cmd, None);
        (String::from_utf8_lossy(&o.stdout).into_owned(), o)
    };
    let (out, o) = traced("altstack-none-guard");
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        out.contains("bad=0\nguard_below=true\n"),
        "{}",
        describe(&o)
    );
    let (out, o) = traced("altstack-none-big");
    if o.status.signal() != Some(libc::SIGSEGV) {
        assert!(o.status.success(), "{}", describe(&o));
        assert!(out.contains("bad=0\n"), "{}", describe(&o));
    }
}

/// `SA_ONSTACK` handlers without a program alternate stack (so on the tracer's, the
/// one from a `raise` nested in the tracer's handler), changing the alternate stack from
/// inside: as untraced.
#[test]
fn no_alternate_stack_and_changes_inside_handlers() {
    if !sud() {
        return;
    }
    let (out, _) = same(&["altstack-none"], None);
    assert!(
        out.contains("usr1: on_alt=? flags=2 change_errno=0\n"),
        "{out}"
    );
    assert!(out.ends_with("bad=0\n"), "{out}");
}

/// Inside an `SA_ONSTACK` handler, `sigaltstack` says `SS_ONSTACK` (and refuses a change
/// with `EPERM`) as the kernel does, also when the tracer's stack stands in for a small
/// alternate stack of the program.
#[test]
fn sigaltstack_inside_the_handler_says_onstack() {
    if !sud() {
        return;
    }
    let (out, _) = same(&["altstack-small"], None);
    assert!(
        out.contains("usr1: on_alt=? flags=1 change_errno=1\n"),
        "{out}"
    );
    assert!(
        out.contains("trap: on_alt=? flags=1 change_errno=1\n"),
        "{out}"
    );
    assert!(out.ends_with("bad=0\n"), "{out}");
}

/// A raw `clone(SIGCHLD)` child on an 8 KiB stack: the child's handler runs on its copy of
/// the tracer's alternate stack, not on the 8 KiB.
#[test]
fn raw_clone_child_on_a_small_stack() {
    if !sud() {
        return;
    }
    let (out, trace) = same(&["clone", "8192", "0"], None);
    assert_eq!(out, "status=0x0\n");
    assert!(trace.contains("getpid()"), "{trace}");
}

/// The same child execs: the new image is traced (no "not traced" warning).
#[test]
fn raw_clone_child_on_a_small_stack_execs() {
    if !sud() {
        return;
    }
    let (out, trace) = same(&["clone", "12288", "1"], None);
    assert_eq!(out, "status=0x0\n");
    assert!(trace.contains("execve(\"/bin/true\""), "{trace}");
    assert!(!trace.contains("not traced"), "{trace}");
}

/// `vfork` suspends the parent until the child exits: the child always writes first.
#[test]
fn vfork_parent_waits_for_the_child() {
    if !sud() {
        return;
    }
    let (out, trace) = same(&["vfork"], None);
    assert_eq!(out, "parent-first=0\n");
    assert!(trace.contains("vfork() = "), "{trace}");
}

/// With a soft descriptor limit below the hard one, the program gets every descriptor up
/// to its limit, as without the tracer, and sees its own limit.
#[test]
fn descriptor_space_is_the_programs() {
    if !sud() {
        return;
    }
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: writes the limit.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    if lim.rlim_max <= 256 {
        eprintln!("SKIPPED: hard descriptor limit {} too low", lim.rlim_max);
        return;
    }
    let (out, _) = same(&["fdlimit"], Some(256));
    assert!(out.contains("soft=256 "), "{out}");
    assert!(out.contains("last=255 errno=24"), "{out}");
}
