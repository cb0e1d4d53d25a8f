//! sigsys-trace against `strace -f`, on real programs, call by call and thread by thread.
//!
//! Each program runs twice with ASLR off (`setarch -R`), so that addresses are comparable:
//!
//! - **A**: `sigsys-trace --raw -o A.txt PROGRAM` (in-process trace, raw hex arguments);
//! - **B**: `strace -ff -e raw=all -e signal=none -o B sigsys-trace --bare PROGRAM`: strace
//!   traces the same program, loaded the same way (through the same loader, same
//!   environment, hence the same memory layout), its calls passed through by the bare handler
//!   without printing. strace sees every system call the kernel executes, including the
//!   tracer's own (which A never shows) and the ld.so start-up (before A is armed).
//!
//! Tasks are matched by the clone results (root to root, then child to child in creation
//! order); thread and process ids (and the launcher's pid, the root's `getppid`) are
//! replaced by their match index before comparing.
//! For each task the sequences must be equal: same calls, same arguments (as many as strace
//! prints), same results (errno names; strace's and our errno descriptions may differ).
//!
//! Tolerances, each because it must differ:
//! 1. B lines before the task is armed (`prctl(PR_SET_SYSCALL_USER_DISPATCH)`), in every
//!    image of every task: ld.so start-up, the tracer's constructor, the tracer's set-up
//!    of a new thread or child (A starts there). A's first line, the first image's
//!    `execve` as the loader saw it, is what B shows before arming.
//! 2. The tracer's own calls that B shows after arming: mapping, setting and unmapping its
//!    64 KiB alternate stacks and their 64 KiB guard (`mmap(0, 0x20000, RW,
//!    MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK)`, `mprotect(addr, 0x10000, PROT_NONE)`,
//!    `sigaltstack`, `munmap` of those addresses), its fault-proof reads and writes of the
//!    program's memory (`process_vm_readv`/`process_vm_writev` on the program's own pid,
//!    with or without a `getpid()` before; at `execve` the tracer reads the environment),
//!    `tgkill(pid, tid, 0)` probes for reusable alternate stacks.
//! 3. Calls the tracer answers on the signal frame, which the kernel never runs (so B
//!    cannot show them): `rt_sigprocmask`, `sigaltstack`, `rt_sigaction(SIGSYS, ...)`;
//!    `rt_sigaction(SIGSEGV/SIGBUS, ...)`, answered from the record of the program's action
//!    (for a new action B shows the tracer's own `rt_sigaction`, installing its fault
//!    handler with the program's flags and mask).
//! 4. `rt_sigreturn` (B also shows the handler's own, one per trapped call).
//! 5. Pointer arguments the tracer replaces by a copy of what they point to: the `act` of
//!    `rt_sigaction`, the mask of `ppoll`/`pselect6`/`epoll_pwait`/`rt_sigsuspend`, the
//!    `clone_args` of `clone3` and the child stack of `clone` (the child starts on a record
//!    below the stack the program gave).
//! 6. `vfork` runs as `clone(SIGCHLD)` (fork), so B shows that.
//! 7. Timing: `futex` and `sched_yield` calls depend on scheduling (whether a lock was
//!    contended); `wait4(-1, ...)` may reap any of the children first (its result must be
//!    one of the program's tasks on both sides); B's `? ERESTART*` entries and `restart_syscall` are the kernel's restart
//!    of a call interrupted by a signal, which A sees as one call.
//! 9. The tracer's messages to the launcher that B shows (in `--bare` mode, the one a
//!    parent sends after a fork with its child's pid, so that the launcher waits for it):
//!    `socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0)`, a send on it, its `close`.
//! 8. The tracer's checks before it executes the loader in the program's place (the
//!    kernel's own checks of the file, `drop_exec_checks`), and that `execve`'s path: the
//!    loader's.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    name: String,
    args: Vec<String>,
    result: String,
}

fn parse(line: &str) -> Option<Entry> {
    let open = line.find('(')?;
    let name = line[..open].trim().to_string();
    if name.is_empty() || name.starts_with("---") || name.starts_with("+++") {
        return None;
    }
    let rest = &line[open + 1..];
    let close = rest.find(')')?;
    let args: Vec<String> = rest[..close]
        .split(", ")
        .filter(|a| !a.is_empty())
        .map(|a| a.trim().to_string())
        .collect();
    let after = rest[close + 1..].trim_start();
    let result = after.strip_prefix('=')?.trim();
    // Errors: `-1 ENAME (description)` -> `-1 ENAME`; `? ERESTARTSYS (...)` -> `? ERESTARTSYS`.
    let result = result.split(" (").next().unwrap_or(result).to_string();
    Some(Entry { name, args, result })
}

type Tasks = HashMap<i64, Vec<Entry>>;

fn hex(s: &str) -> Option<i64> {
    if s == "0" {
        Some(0)
    } else {
        s.strip_prefix("0x")
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .map(|v| v as i64)
    }
}

fn read_a(path: &Path) -> (Tasks, i64) {
    let text = std::fs::read_to_string(path).expect("A trace");
    let mut tasks: Tasks = HashMap::new();
    let mut root = None;
    for line in text.lines() {
        let Some((tid, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(tid) = tid.parse::<i64>() else {
            continue;
        };
        root.get_or_insert(tid);
        if let Some(e) = parse(rest.trim_start()) {
            tasks.entry(tid).or_default().push(e);
        }
    }
    (tasks, root.expect("A trace is empty"))
}

fn read_b(dir: &Path) -> (Tasks, i64) {
    let mut tasks: Tasks = HashMap::new();
    for f in std::fs::read_dir(dir).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let Some(tid) = name.strip_prefix("B.").and_then(|t| t.parse::<i64>().ok()) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).unwrap();
        tasks.insert(tid, text.lines().filter_map(parse).collect());
    }
    // The launcher is the task that binds its socket; the program is what it spawned.
    let launcher = tasks
        .iter()
        .find(|(_, es)| es.iter().any(|e| e.name == "bind"))
        .map(|(t, _)| *t)
        .expect("launcher not found in the strace output");
    let root = tasks[&launcher]
        .iter()
        .find(|e| matches!(e.name.as_str(), "clone" | "clone3" | "vfork" | "fork"))
        .and_then(|e| hex(&e.result))
        .expect("launcher spawn not found");
    tasks.remove(&launcher);
    (tasks, root)
}

fn is_arming(e: &Entry) -> bool {
    e.name == "prctl" && e.args.first().map(String::as_str) == Some("0x3b")
}

fn timing_dependent(e: &Entry) -> bool {
    matches!(e.name.as_str(), "futex" | "sched_yield" | "restart_syscall")
        || e.result.starts_with("? ERESTART")
}

/// Calls answered on the frame (never executed), or shown differently by design.
fn frame_answered(e: &Entry) -> bool {
    matches!(
        e.name.as_str(),
        "rt_sigprocmask" | "sigaltstack" | "rt_sigreturn"
    ) || (e.name == "rt_sigaction"
        && matches!(
            e.args.first().map(String::as_str),
            Some("0x1f" | "0x7" | "0xb")
        ))
}

fn filter_a(es: &[Entry], root: bool) -> Vec<Entry> {
    // The root's first line is its execve as the loader saw it, which B shows before
    // arming (tolerance 1).
    let skip = usize::from(root && es.first().is_some_and(|e| e.name == "execve"));
    es.iter()
        .skip(skip)
        .filter(|e| !frame_answered(e) && !timing_dependent(e))
        .cloned()
        .collect()
}

/// Takes the tracer's exec checks (`loader/src/exec.rs`: the run directory's reach, then
/// the kernel's checks of the program's file and interpreter) off the end of `out`, an
/// execve following (tolerance 8). They start with `geteuid`, `getegid`, `faccessat2`.
fn drop_exec_checks(out: &mut Vec<Entry>) {
    let n = out.len();
    let start = (0..n.saturating_sub(2)).rev().take(80).find(|&i| {
        out[i].name == "geteuid" && out[i + 1].name == "getegid" && out[i + 2].name == "faccessat2"
    });
    if let Some(i) = start {
        out.truncate(i);
    }
}

fn filter_b(es: &[Entry], tracer_stacks: &[String], pids: &[String]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut armed = false;
    // The tracer's socket for one message (tolerance 9): its number while it is open.
    let mut tracer_sock: Option<String> = None;
    for (i, e) in es.iter().enumerate() {
        if !armed {
            armed = is_arming(e);
            continue;
        }
        if e.name == "socket" && e.args == ["0x1", "0x80002", "0"] && tracer_sock.is_none() {
            tracer_sock = Some(e.result.clone());
            continue;
        }
        if let Some(fd) = &tracer_sock {
            if matches!(e.name.as_str(), "sendto" | "sendmsg" | "close")
                && e.args.first() == Some(fd)
            {
                if e.name == "close" {
                    tracer_sock = None;
                }
                continue;
            }
        }
        let own_vm = matches!(e.name.as_str(), "process_vm_readv" | "process_vm_writev")
            && e.args.first().is_some_and(|p| pids.contains(p));
        if tracer_memory_access(es, i) || own_vm {
            continue;
        }
        let probe = e.name == "tgkill" && e.args.get(2).map(String::as_str) == Some("0");
        let tracer_stack = probe
            || is_tracer_stack_map(e)
            || (e.name == "mprotect"
                && e.args.get(1).map(String::as_str) == Some(TRACER_GUARD)
                && e.args.get(2).map(String::as_str) == Some("0")
                && tracer_stacks.contains(&e.args[0]))
            || (e.name == "munmap"
                && e.args.get(1).map(String::as_str) == Some(TRACER_MAP)
                && tracer_stacks.contains(&e.args[0]));
        if tracer_stack || frame_answered(e) || timing_dependent(e) {
            continue;
        }
        let exec_ok = matches!(e.name.as_str(), "execve" | "execveat") && e.result == "0";
        if e.name == "execve" {
            drop_exec_checks(&mut out);
        }
        out.push(e.clone());
        if exec_ok {
            armed = false; // the new image arms again
        }
    }
    out
}

/// A tracer alternate stack mapping: 64 KiB guard + 64 KiB stack and batch, mapped
/// `RW, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK`; its guard is then `mprotect(addr, 64 KiB,
/// PROT_NONE)` and it is unmapped whole.
/// (The loader is always a release build.)
const TRACER_MAP: &str = "0x20000";
const TRACER_GUARD: &str = "0x10000";

fn is_tracer_stack_map(e: &Entry) -> bool {
    e.name == "mmap"
        && e.args.get(1).map(String::as_str) == Some(TRACER_MAP)
        && e.args.get(2).map(String::as_str) == Some("0x3")
        && e.args.get(3).map(String::as_str) == Some("0x20022")
}

/// The tracer's fault-proof accesses to the program's memory (`sigsys::mem`):
/// `getpid()` then `process_vm_readv`/`process_vm_writev` on that pid (tolerance 2).
fn tracer_memory_access(es: &[Entry], i: usize) -> bool {
    let vm = |e: &Entry, pid: &str| {
        matches!(e.name.as_str(), "process_vm_readv" | "process_vm_writev")
            && e.args.first().map(String::as_str) == Some(pid)
    };
    match es[i].name.as_str() {
        "getpid" => es.get(i + 1).is_some_and(|n| vm(n, &es[i].result)),
        "process_vm_readv" | "process_vm_writev" => {
            i > 0 && es[i - 1].name == "getpid" && vm(&es[i], &es[i - 1].result)
        }
        _ => false,
    }
}

/// Arguments that hold a pointer the tracer replaced by its own copy (tolerance 5).
fn replaced_arg(name: &str, idx: usize) -> bool {
    matches!(
        (name, idx),
        ("rt_sigaction", 1)
            | ("ppoll", 3)
            | ("pselect6", 5)
            | ("epoll_pwait", 4)
            | ("epoll_pwait2", 4)
            | ("rt_sigsuspend", 0)
            | ("clone3", 0)
            | ("clone", 1)
            | ("execve", 0)
    )
}

fn norm(v: &str, ids: &HashMap<i64, usize>) -> String {
    match hex(v).and_then(|n| ids.get(&n)) {
        Some(k) => format!("<task {k}>"),
        None => v.to_string(),
    }
}

fn same_name(a: &Entry, b: &Entry) -> bool {
    a.name == b.name
        || (a.name == "vfork"
            && b.name == "clone"
            && b.args.first().map(String::as_str) == Some("0x11"))
}

/// Compares A with B task by task; returns the number of calls compared.
fn compare(a: &Tasks, a_root: i64, b: &Tasks, b_root: i64) -> Result<usize, String> {
    let tracer_stacks: Vec<String> = b
        .values()
        .flatten()
        .filter(|e| is_tracer_stack_map(e))
        .map(|e| e.result.clone())
        .collect();
    // The program's process ids, as strace prints them (raw hex): the tracer reads the
    // program's memory with process_vm_readv on its own pid.
    let pids: Vec<String> = b.keys().map(|t| format!("{t:#x}")).collect();
    let mut ids_a = HashMap::from([(a_root, 0usize)]);
    let mut ids_b = HashMap::from([(b_root, 0usize)]);
    let mut queue = VecDeque::from([(a_root, b_root)]);
    let mut compared = 0;
    while let Some((ta, tb)) = queue.pop_front() {
        let ea = filter_a(a.get(&ta).map(Vec::as_slice).unwrap_or(&[]), ta == a_root);
        let eb = filter_b(
            b.get(&tb).map(Vec::as_slice).unwrap_or(&[]),
            &tracer_stacks,
            &pids,
        );
        let k = ids_a[&ta];
        for (i, (x, y)) in ea.iter().zip(&eb).enumerate() {
            let ctx = || {
                format!(
                    "task {k} (A tid {ta}, B tid {tb}), call {i}:\n  A: {x:?}\n  B: {y:?}\n  A before: {:?}\n  B before: {:?}",
                    &ea[i.saturating_sub(3)..i],
                    &eb[i.saturating_sub(3)..i]
                )
            };
            if !same_name(x, y) {
                return Err(format!("different calls in {}", ctx()));
            }
            if x.name == y.name {
                for (idx, yb) in y.args.iter().enumerate() {
                    if replaced_arg(&y.name, idx) {
                        continue;
                    }
                    let xa = x.args.get(idx).map(String::as_str).unwrap_or("<missing>");
                    // Equal as written, or equal once task ids are named (a plain value
                    // that happens to equal a tid in one run, such as a 0x3000 length,
                    // stays equal as written).
                    if xa != yb && norm(xa, &ids_a) != norm(yb, &ids_b) {
                        return Err(format!("argument {idx} differs in {}", ctx()));
                    }
                }
            }
            if matches!(x.name.as_str(), "clone" | "clone3" | "fork" | "vfork") {
                if let (Some(ra), Some(rb)) = (hex(&x.result), hex(&y.result)) {
                    if ra > 0 && rb > 0 {
                        let n = ids_a.len();
                        ids_a.insert(ra, n);
                        ids_b.insert(rb, n);
                        queue.push_back((ra, rb));
                    }
                }
            }
            if x.name == "getppid" {
                // The parent of the root task is the launcher, another process in each run.
                if let (Some(ra), Some(rb)) = (hex(&x.result), hex(&y.result)) {
                    if !ids_a.contains_key(&ra) && !ids_b.contains_key(&rb) {
                        let n = ids_a.len();
                        ids_a.insert(ra, n);
                        ids_b.insert(rb, n);
                    }
                }
            }
            let any_child = x.name == "wait4"
                && x.args.first().map(String::as_str) == Some("0xffffffff")
                && ids_a.contains_key(&hex(&x.result).unwrap_or(-1))
                && ids_b.contains_key(&hex(&y.result).unwrap_or(-1));
            if !any_child
                && x.result != y.result
                && norm(&x.result, &ids_a) != norm(&y.result, &ids_b)
            {
                return Err(format!("result differs in {}", ctx()));
            }
            compared += 1;
        }
        if ea.len() != eb.len() {
            let n = ea.len().min(eb.len());
            return Err(format!(
                "task {k} (A tid {ta}, B tid {tb}): {} calls in A, {} in B; first extra: A {:?} / B {:?}",
                ea.len(),
                eb.len(),
                ea.get(n),
                eb.get(n)
            ));
        }
    }
    for (t, es) in a {
        if !ids_a.contains_key(t) && !filter_a(es, false).is_empty() {
            return Err(format!(
                "A task {t} was never matched (no clone result names it)"
            ));
        }
    }
    for (t, es) in b {
        if !ids_b.contains_key(t) && !filter_b(es, &tracer_stacks, &pids).is_empty() {
            return Err(format!(
                "B task {t} was never matched: {:?}",
                &es[..es.len().min(5)]
            ));
        }
    }
    Ok(compared)
}

fn tracer() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sigsys-trace"))
}

fn have(prog: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {prog}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Whether the environment can run these tests at all (strace, setarch, SUD). In CI
/// (`SIGSYS_TRACE_REQUIRE=1`) a missing piece fails the test instead of skipping it.
fn usable() -> bool {
    let missing: Vec<&str> = ["strace", "setarch"]
        .into_iter()
        .filter(|p| !have(p))
        .collect();
    let sud = sigsys::sud::is_supported();
    if missing.is_empty() && sud {
        return true;
    }
    let why = format!("missing {missing:?}, SUD supported: {sud}");
    if std::env::var_os("SIGSYS_TRACE_REQUIRE").is_some() {
        panic!("cannot run the strace comparison: {why}");
    }
    eprintln!("SKIPPED: {why}");
    false
}

/// One comparison at a time: the two runs of a program must see the same system (a test
/// creating its directory meanwhile would change, say, the column widths of `ls -la /`).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run_both(name: &str, argv: &[&str], env: &[(&str, &str)]) -> (Tasks, i64, Tasks, i64) {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sigsys-trace-cmp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let a_out = dir.join("A.txt");
    let run = |args: Vec<String>| {
        let mut c = Command::new("setarch");
        c.args(["x86_64", "-R"])
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .current_dir(&dir);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        (
            out.status,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let mut a_args = vec![
        tracer().display().to_string(),
        "--raw".into(),
        "-o".into(),
        a_out.display().to_string(),
    ];
    a_args.extend(argv.iter().map(|s| s.to_string()));
    let (sa, ea) = run(a_args);
    let mut b_args: Vec<String> = [
        "strace",
        "-ff",
        "-qq",
        "-e",
        "raw=all",
        "-e",
        "signal=none",
        "-o",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    b_args.push(dir.join("b").join("B").display().to_string());
    b_args.push(tracer().display().to_string());
    b_args.push("--bare".into());
    b_args.extend(argv.iter().map(|s| s.to_string()));
    let (sb, eb) = run(b_args);
    assert_eq!(
        sa.code(),
        sb.code(),
        "{name}: exit status under sigsys-trace ({sa}) and under strace ({sb}) differ\nA stderr: {ea}\nB stderr: {eb}"
    );
    let (a, ar) = read_a(&a_out);
    let (b, br) = read_b(&dir.join("b"));
    if std::env::var_os("SIGSYS_TRACE_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("{name}: traces kept in {}", dir.display());
    }
    (a, ar, b, br)
}

fn check(name: &str, argv: &[&str], env: &[(&str, &str)]) {
    if !usable() {
        return;
    }
    let (a, ar, b, br) = run_both(name, argv, env);
    match compare(&a, ar, &b, br) {
        Ok(n) => {
            let tasks: BTreeMap<_, _> = a.iter().map(|(t, es)| (*t, es.len())).collect();
            eprintln!("{name}: {n} calls in {} tasks match strace", tasks.len());
            assert!(n > 0, "{name}: nothing compared");
        }
        Err(e) => panic!("{name}: sigsys-trace and strace disagree: {e}"),
    }
}

#[test]
fn ls_la_root() {
    // /usr, not /: the link count of /proc follows the number of processes, so the two
    // runs of `ls -la /` can differ in column width.
    check("ls", &["ls", "-la", "/usr"], &[]);
}

#[test]
fn cat_file() {
    check("cat", &["cat", "/etc/passwd"], &[]);
}

#[test]
fn sh_pipeline() {
    check(
        "sh",
        &[
            "sh",
            "-c",
            "ls -la / | wc -l; cat /etc/passwd | grep -c root; echo done",
        ],
        &[],
    );
}

#[test]
fn python_work() {
    let py = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    check(
        "python",
        &[
            py,
            "-c",
            "import json, os\n\
             d = {str(i): i * i for i in range(2000)}\n\
             with open(os.devnull, 'w') as f: f.write(json.dumps(d))\n\
             print(len(os.listdir('/')), sum(d.values()))",
        ],
        &[("PYTHONHASHSEED", "0")],
    );
}

#[test]
fn threads_fork_spawn() {
    check(
        "threads",
        &[env!("CARGO_BIN_EXE_sigsys-trace-testprog"), "4"],
        &[],
    );
}
