//! How lines reach the launcher, as the program sees it: through rings in shared memory,
//! with no descriptor, system call or socket of the tracer's in the program's way.

mod common;

use common::sud;
use std::process::Command;

const TRACER: &str = env!("CARGO_BIN_EXE_sigsys-trace");

/// `tests/programs/transport.c`, built once for both tests (a binary being written
/// cannot be executed: `ETXTBSY`).
fn program() -> Option<std::path::PathBuf> {
    static BIN: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    BIN.get_or_init(|| common::build_c("transport")).clone()
}

/// Runs `transport MODE` under sigsys-trace (`-o FILE`); returns its stdout, the trace
/// and the launcher's stderr.
fn traced(bin: &std::path::Path, mode: &str) -> (String, String, String) {
    let file = bin.with_extension(format!("{mode}.trace"));
    let o = Command::new(TRACER)
        .arg("-o")
        .arg(&file)
        .arg(bin)
        .arg(mode)
        .output()
        .expect("run sigsys-trace");
    assert!(o.status.success(), "{o:?}");
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        common::unaligned(&std::fs::read_to_string(&file).unwrap_or_default()),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// One thread opens and closes `/dev/null` 20,000 times while 40 others make calls that
/// wait: every open gets descriptor 3, as untraced (40 threads: more than the 32 ring
/// slots an image had, beyond which each line went out on a socket of its own). (When each
/// batch went out on a socket made for the send, before every such call, 2,480 of the
/// opens got 4.)
#[test]
fn the_programs_descriptor_numbers_are_its_own() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let plain = Command::new(&bin).arg("fds").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&plain.stdout), "other numbers: 0\n");
    let (out, trace, err) = traced(&bin, "fds");
    assert_eq!(out, "other numbers: 0\n", "{err}");
    let opens = trace
        .lines()
        .filter(|l| l.contains("openat(AT_FDCWD, \"/dev/null\", O_RDONLY) = 3"))
        .count();
    assert_eq!(opens, 20_000, "{err}");
    assert!(!err.contains("could not be delivered"), "{err}");
}

/// A program that enters a network namespace of its own (where the launcher's abstract
/// socket name means nothing) is traced on: every line after the `unshare` arrives.
/// Root only (the program prints `skip` otherwise).
#[test]
fn lines_arrive_from_another_network_namespace() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace, err) = traced(&bin, "netns");
    if out == "skip\n" {
        eprintln!("SKIPPED: unshare(CLONE_NEWNET) needs root");
        return;
    }
    assert_eq!(out, "done\n");
    assert!(trace.contains("unshare(CLONE_NEWNET) = 0"), "{trace}");
    let calls = trace
        .lines()
        .filter(|l| l.contains("getpriority(PRIO_PROCESS, 10"))
        .count();
    assert_eq!(calls, 3000, "{err}");
    assert!(!err.contains("could not be delivered"), "{err}");
}

/// The launcher stops reading for a second (its output is a pipe nobody reads yet) while
/// the program makes 50,000 calls: the thread's ring fills and the program waits for
/// the launcher, as a tracee waits for strace; no line is lost.
#[test]
fn a_full_ring_waits_for_the_launcher() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    many_with_the_launcher_unread(&[bin.as_os_str()]);
}

/// Runs `sigsys-trace PREFIX... transport many`, its lines on stderr, a pipe read only
/// after a second (so the thread's ring fills and waits); checks that the program ran and
/// that all its 50,000 marked calls and no "could not be delivered" came out. Returns the
/// launcher's stderr, unaligned.
fn many_with_the_launcher_unread(prefix: &[&std::ffi::OsStr]) -> String {
    let child = Command::new(TRACER)
        .args(prefix)
        .arg("many")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(1));
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{o:?}");
    assert_eq!(String::from_utf8_lossy(&o.stdout), "done\n");
    let err = common::unaligned(&String::from_utf8_lossy(&o.stderr));
    let calls = err
        .lines()
        .filter(|l| l.starts_with("getpriority(PRIO_PROCESS, 1"))
        .count();
    assert_eq!(calls, 50_000, "{}", &err[err.len().saturating_sub(2000)..]);
    assert!(!err.contains("could not be delivered"), "{err}");
    err
}

/// An image started in a network namespace of its own (`unshare -n PROG`: the exec comes
/// after the `unshare`), where the launcher's abstract socket name means nothing, hands
/// its memfd to the launcher through the run directory's socket by path, and is traced:
/// its 50,000 calls all arrive, with the launcher's output a pipe nobody reads for a
/// second (the full ring's wake-up datagram goes the same way). Before, that image was
/// not traced at all. Root only (`unshare -n` needs CAP_SYS_ADMIN).
#[test]
fn an_image_started_in_another_network_namespace_is_traced() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let plain = Command::new("unshare").arg("-n").arg("true").output();
    if !plain.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: unshare -n needs unshare(1) and root");
        return;
    }
    let err = many_with_the_launcher_unread(&["unshare".as_ref(), "-n".as_ref(), bin.as_os_str()]);
    assert!(err.contains("unshare(CLONE_NEWNET) = 0"), "{err}");
    assert!(!err.contains("not traced"), "{err}");
}

/// A timer signal every 100 us whose handler leaves by `siglongjmp`, some of them while the
/// tracer is writing a line (the handler runs nested on the tracer's): the half-written
/// line is skipped once its thread has gone on without it, and every line after it
/// arrives.
#[test]
fn a_line_left_half_written_does_not_stop_the_ring() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace, err) = traced(&bin, "jump");
    assert_eq!(out, "done\n", "{err}");
    let marked = trace
        .lines()
        .filter(|l| l.contains("getpriority(PRIO_PROCESS, 20"))
        .count();
    assert_eq!(marked, 1000, "{err}");
}

/// A program that writes into its ring while the launcher reads it (the record's length
/// flipped between its true value and 2 GiB): the launcher reads each length once, and
/// survives (before, it copied 2 GiB out of a 4 MiB mapping and died of SIGSEGV).
#[test]
fn a_length_changed_while_read_does_not_crash_the_launcher() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, _, err) = traced(&bin, "lenrace");
    assert_eq!(out, "done\n", "{err}");
}

/// A shell running 100 short children: each child's `exit_group` line and its `+++
/// exited` come before its parent's `--- SIGCHLD` and `wait4` about it, as with strace
/// (before, an exec'd child's image was read after the rings it was merged with, and the
/// end of a child found gone before the round was printed after the round).
#[test]
fn a_childs_end_comes_before_its_parent_sees_it() {
    if !sud() {
        return;
    }
    let file = std::env::temp_dir().join(format!("sigsys-trace-order.{}", std::process::id()));
    let o = Command::new(TRACER)
        .arg("-o")
        .arg(&file)
        .args([
            "sh",
            "-c",
            "i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done",
        ])
        .output()
        .expect("run sigsys-trace");
    assert!(o.status.success(), "{o:?}");
    let trace = std::fs::read_to_string(&file).unwrap_or_default();
    let _ = std::fs::remove_file(&file);
    let lines: Vec<&str> = trace.lines().collect();
    let first = |pid: &str, what: &str| {
        lines.iter().position(|l| {
            l.split_once(' ')
                .is_some_and(|(p, r)| p == pid && r.trim_start().starts_with(what))
        })
    };
    let mut children = 0;
    for (i, l) in lines.iter().enumerate() {
        let child = if let Some(at) = l.find("si_pid=") {
            l[at + 7..].split(',').next()
        } else if l.contains(" wait4(") {
            l.rsplit(" = ").next().filter(|c| c.parse::<i32>().is_ok())
        } else {
            None
        };
        let Some(child) = child else { continue };
        children += 1;
        for what in ["exit_group(", "+++ exited"] {
            let at = first(child, what);
            assert!(
                at.is_some_and(|at| at < i),
                "{what} of {child} after line {i}: {l}\n{trace}"
            );
        }
    }
    assert!(children >= 200, "{children}\n{trace}");
}

/// A program that makes more children as posix_spawn does than the tracer has thread
/// entries (each such child runs in the program's memory until it execs or exits, and
/// takes an entry there) still
/// has its later threads traced: a vfork child's entry is freed when its parent runs on.
/// (Before, the 16,385th took none; and each took a look through all 16,384.)
#[test]
fn spawned_children_do_not_use_up_the_threads_table() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace, err) = traced(&bin, "spawns");
    assert_eq!(out, "children: 17000\n", "{err}");
    // The thread's own line, with its own id (it once had its creator's entry, and id).
    let first = |l: &str| l.split_whitespace().next().unwrap_or("").to_string();
    let main = trace.lines().next().map(first).unwrap_or_default();
    let close = trace.lines().find(|l| l.contains("close(-77) = -1 EBADF"));
    assert!(close.is_some_and(|l| first(l) != main), "{err}");
    assert!(!err.contains("thread"), "{err}");
}

/// posix_spawn while another thread of the program creates threads: every child starts
/// the program it was given, and the program's own exec afterwards works. (When the
/// tracer kept one process id for the image, the spawn child, running in the program's
/// memory, wrote its own there, which the other thread's clone then read and put back:
/// 92 to 99 of the 100 children died of "the loader was started without a program to
/// load", and the program's exec failed the same way.)
#[test]
fn posix_spawn_beside_a_thread_that_clones() {
    if !sud() {
        return;
    }
    let Some(bin) = program() else {
        return;
    };
    let (out, trace, err) = traced(&bin, "spawnrace");
    assert_eq!(out, "failed spawns: 0\nexec ok\n", "{err}");
    assert_eq!(trace.matches("execve(\"/bin/true\"").count(), 100, "{err}");
    assert!(!err.contains("not traced"), "{err}");
}
