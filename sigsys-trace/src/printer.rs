//! Turns the images' messages into the trace, as strace prints it: the `[pid N]` prefix
//! while more than one task is alive (`PID ` on every line with `-o`), results aligned at
//! column 40, and a `+++ exited with N +++` / `+++ killed by SIG... +++` line for every
//! task when it ends.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

/// Where the handler separates a line's call from its result (` = ...`): never part of
/// the formatted text, whose control characters are escaped.
const RESULT_MARK: char = '\x1f';
/// strace's default `-a`: results start at this column.
const RESULT_COLUMN: usize = 40;

/// The trace being printed.
pub struct Printer {
    out: Box<dyn Write>,
    /// Lines go to stderr (`[pid N]` prefixes), not to a file (`PID` prefixes).
    pub to_stderr: bool,
    /// Live tasks: tid -> its process id (0 while unknown: a new task announced by its
    /// creator's clone).
    tasks: BTreeMap<i32, i32>,
    /// Processes that called `exit_group`, with the code.
    group_exit: HashMap<i32, i32>,
    /// pid -> (tid, text) of an execve waiting for its result.
    pending_exec: HashMap<i32, (i32, String)>,
    armed: u64,
    warnings: Vec<String>,
    /// pid -> lines its images counted as undeliverable (the memfd header).
    pub lost: HashMap<i32, u64>,
}

impl Printer {
    /// A printer writing to `out`.
    pub fn new(out: Box<dyn Write>, to_stderr: bool) -> Printer {
        Printer {
            out,
            to_stderr,
            tasks: BTreeMap::new(),
            group_exit: HashMap::new(),
            pending_exec: HashMap::new(),
            armed: 0,
            warnings: Vec::new(),
            lost: HashMap::new(),
        }
    }

    /// Flushes what was written (stderr is written as it comes).
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    fn prefix(&self, tid: i32) -> String {
        if !self.to_stderr {
            format!("{tid:<5} ")
        } else if self.tasks.len() > 1 {
            format!("[pid {tid:>5}] ")
        } else {
            String::new()
        }
    }

    /// Writes one line of task `tid`: the call, padded to the result column, the result.
    fn write_line(&mut self, tid: i32, text: &str) {
        let mut line = self.prefix(tid);
        match text.split_once(RESULT_MARK) {
            Some((call, result)) => {
                line.push_str(call);
                line.push(' ');
                while line.len() < RESULT_COLUMN {
                    line.push(' ');
                }
                line.push_str(result.strip_prefix(' ').unwrap_or(result));
            }
            None => line.push_str(text),
        }
        let _ = writeln!(self.out, "{line}");
    }

    fn seen(&mut self, pid: i32, tid: i32) {
        self.tasks.insert(tid, pid);
    }

    /// One message `PID TID KIND TEXT` of an image.
    pub fn message(&mut self, msg: &[u8]) {
        let text = String::from_utf8_lossy(msg);
        let mut parts = text.splitn(4, ' ');
        let (Some(pid), Some(tid), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
            return;
        };
        let rest = parts.next().unwrap_or("").to_string();
        let (Ok(pid), Ok(tid)) = (pid.parse::<i32>(), tid.parse::<i32>()) else {
            return;
        };
        match kind {
            "L" => {
                self.seen(pid, tid);
                self.write_line(tid, &rest);
            }
            "E" => {
                self.seen(pid, tid);
                if let Some((t, old)) = self.pending_exec.insert(pid, (tid, rest)) {
                    self.write_line(t, &format!("{old}{RESULT_MARK} = ?"));
                }
            }
            "R" => {
                if let Some((t, call)) = self.pending_exec.remove(&pid) {
                    self.write_line(t, &format!("{call}{rest}"));
                }
            }
            "A" => self.armed(pid, tid, &rest),
            "F" => {
                // A new task, announced by its creator: alive from now on.
                if let Ok(child) = rest.trim().parse::<i32>() {
                    self.tasks.entry(child).or_insert(0);
                }
            }
            "X" => self.exit(pid, tid, &rest),
            "W" => {
                let w = format!("sigsys-trace: process {pid}: {rest}");
                if self.to_stderr {
                    let _ = writeln!(self.out, "{w}");
                }
                self.warnings.push(w);
            }
            _ => {}
        }
    }

    /// A new image is armed. After the program's own execve, that call (sent by the old
    /// image) succeeded; the first image sends its execve itself, as the loader saw it.
    fn armed(&mut self, pid: i32, tid: i32, rest: &str) {
        self.armed += 1;
        // The other threads of the process are gone with the old image.
        self.tasks.retain(|&t, p| *p != pid || t == tid);
        self.seen(pid, tid);
        if let Some((t, call)) = self.pending_exec.remove(&pid) {
            // The kernel gives the exec'ing thread the process id.
            self.tasks.remove(&t);
            self.seen(pid, pid);
            self.write_line(pid, &format!("{call}{RESULT_MARK} = 0"));
        } else if rest.starts_with("execve(") {
            self.write_line(tid, &format!("{rest}{RESULT_MARK} = 0"));
        }
    }

    /// `X t CODE` (the thread's `exit`) or `X g CODE` (the process's `exit_group`).
    fn exit(&mut self, pid: i32, tid: i32, rest: &str) {
        let mut w = rest.split(' ');
        let (kind, code) = (w.next(), w.next().and_then(|c| c.parse::<i32>().ok()));
        let Some(code) = code else { return };
        match kind {
            Some("t") => self.end_task(tid, &format!("+++ exited with {code} +++")),
            Some("g") => {
                self.group_exit.insert(pid, code);
            }
            _ => {}
        }
    }

    fn end_task(&mut self, tid: i32, end: &str) {
        if self.tasks.contains_key(&tid) {
            let _ = self.prefix(tid);
            let line = format!("{}{end}", self.prefix(tid));
            let _ = writeln!(self.out, "{line}");
            self.tasks.remove(&tid);
        }
    }

    /// Process `pid` has ended with wait status `status` (None: not known): an end line
    /// for each of its tasks still alive, the process's own last.
    pub fn process_ended(&mut self, pid: i32, status: Option<i32>) {
        let end = match (self.group_exit.remove(&pid), status) {
            (_, Some(st)) => end_text(ExitStatus::from_raw(st)),
            (Some(code), None) => format!("+++ exited with {code} +++"),
            (None, None) => "+++ exited +++".to_string(),
        };
        let mut tids: Vec<i32> = self
            .tasks
            .iter()
            .filter(|(&t, &p)| p == pid || t == pid)
            .map(|(&t, _)| t)
            .collect();
        tids.sort_by_key(|&t| t == pid);
        for t in tids {
            self.end_task(t, &end);
        }
    }

    /// The run is over: the root's end (its wait status), warnings, lost lines.
    pub fn finish(&mut self, root: i32, status: ExitStatus) {
        let pending: Vec<_> = self.pending_exec.drain().collect();
        for (pid, (tid, call)) in pending {
            self.write_line(
                tid,
                &format!("{call}{RESULT_MARK} = ? <the new image of process {pid} was not traced>"),
            );
            self.warnings.push(format!(
                "sigsys-trace: process {pid} executed a program that did not arm the tracer; \
                 its calls are not traced"
            ));
        }
        let mut lost: Vec<_> = self.lost.iter().map(|(&p, &n)| (p, n)).collect();
        lost.sort_unstable();
        for (pid, n) in lost {
            let w = format!("sigsys-trace: {n} lines of pid {pid} could not be delivered");
            if self.to_stderr {
                let _ = writeln!(self.out, "{w}");
            }
            self.warnings.push(w);
        }
        self.process_ended(root, Some(status.into_raw()));
        // Tasks of other processes whose end was not seen.
        let left: Vec<i32> = self.tasks.keys().copied().collect();
        for t in left {
            self.end_task(t, "+++ exited +++");
        }
        let _ = self.out.flush();
        if !self.to_stderr {
            for w in &self.warnings {
                eprintln!("{w}");
            }
        }
        if self.armed == 0 {
            eprintln!("sigsys-trace: the program's tracer never armed: nothing was traced");
        }
    }
}

/// strace's end line for a wait status.
pub fn end_text(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("+++ exited with {c} +++"),
        (None, Some(s)) if status.core_dumped() => {
            format!("+++ killed by {} (core dumped) +++", signal_name(s))
        }
        (None, Some(s)) => format!("+++ killed by {} +++", signal_name(s)),
        _ => "+++ exited +++".to_string(),
    }
}

/// The wait status of zombie process `pid` (`/proc/PID/stat`'s `exit_code`), if it is
/// still there to be read.
pub fn zombie_status(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Field 3 (state) is fields[0]; exit_code is field 52.
    if fields.first() != Some(&"Z") {
        return None;
    }
    fields.get(52 - 3)?.parse().ok()
}

/// strace's name of a signal.
pub fn signal_name(sig: i32) -> String {
    const NAMES: [&str; 32] = [
        "0",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    match sig {
        1..=31 => NAMES[sig as usize].to_string(),
        // The kernel's SIGRTMIN, as strace names them.
        32 => "SIGRTMIN".to_string(),
        33..=64 => format!("SIGRT_{}", sig - 32),
        _ => format!("{sig}"),
    }
}
