//! Turns the images' messages into the trace, as strace prints it: the `[pid N]` prefix
//! while more than one task is alive (`PID ` on every line with `-o`), results aligned at
//! column 40, and a `+++ exited with N +++` / `+++ killed by SIG... +++` line for every
//! task when it ends.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use crate::options::{SortBy, Status, Summary, TraceSet};

/// Where the handler separates a line's call from its result (` = ...`): never part of
/// the formatted text, whose control characters are escaped.
const RESULT_MARK: char = '\x1f';
/// strace's default `-a`: results start at this column.
const RESULT_COLUMN: usize = 40;
/// Where the handler put a line's times (start and duration in ns), after its text.
const TIMES_MARK: char = '\x1e';
/// Spaces to pad results to their column with.
const SPACES: &str = "                                ";

/// How lines are shown: the options of `-e trace=`, `-e status=`, `-c`, `-t`, `-r`, `-T`,
/// `-a`, `-qq`, `-ff`.
pub struct View {
    /// `-e trace=SET`.
    pub trace: Option<TraceSet>,
    /// `-e status=SET`.
    pub status: Status,
    /// `-c`/`-C`.
    pub summary: Summary,
    /// `-S`.
    pub sort_by: SortBy,
    /// `-t` count.
    pub timestamps: u8,
    /// `-r`.
    pub relative: bool,
    /// `-T`.
    pub durations: bool,
    /// `-a N`.
    pub column: usize,
    /// `-q` count (2: no `+++ exited` lines; `+++ killed` lines stay, as in strace).
    pub quiet: u8,
    /// `-ff -o FILE`: FILE, to which `.TID` is added per task.
    pub per_task: Option<std::path::PathBuf>,
    /// `-e signal=SET` (bit `n - 1` for signal `n`).
    pub signals: u64,
}

impl View {
    /// Whether lines carry their times: `-t`, `-r`, `-T`, `-c` (as `Options::timed`, which
    /// tells the images).
    fn timed(&self) -> bool {
        self.timestamps > 0 || self.relative || self.durations || self.summary != Summary::Off
    }
}

impl Default for View {
    fn default() -> View {
        View {
            trace: None,
            status: Status {
                successful: true,
                failed: true,
                unfinished: true,
            },
            summary: Summary::Off,
            sort_by: SortBy::Time,
            timestamps: 0,
            relative: false,
            durations: false,
            column: RESULT_COLUMN,
            quiet: 0,
            per_task: None,
            signals: u64::MAX,
        }
    }
}

/// Calls, errors and time of one system call name, for `-c`.
#[derive(Default, Clone, Copy)]
struct Count {
    calls: u64,
    errors: u64,
    nanos: u64,
    first: usize,
}

/// The trace being printed.
pub struct Printer {
    out: Box<dyn Write>,
    view: View,
    /// `-ff`: each task's file.
    files: HashMap<i32, std::io::BufWriter<std::fs::File>>,
    /// `-c`: per name.
    counts: HashMap<String, Count>,
    /// `-r`: the start of the previous line (ns since the epoch).
    previous: u64,
    /// Lines go to stderr (`[pid N]` prefixes), not to a file (`PID` prefixes).
    pub to_stderr: bool,
    /// Live tasks: tid -> its process id (0 while unknown: a new task announced by its
    /// creator's clone).
    tasks: BTreeMap<i32, i32>,
    /// Processes that called `exit_group`, with the code.
    group_exit: HashMap<i32, i32>,
    /// Processes that ended while their status was unknown (reaped by their parent before
    /// the launcher looked): their end lines wait for the parent's `wait` to tell it (a
    /// `Z` message), or for a second to pass. Lines still arriving from their batches
    /// are printed before.
    pending_end: HashMap<i32, std::time::Instant>,
    /// Wait statuses the parents' `wait4`/`waitid` reported, by process id.
    reaped: HashMap<i32, i32>,
    /// Tasks whose end line is written: a late line of theirs does not make them alive.
    ended: std::collections::HashSet<i32>,
    /// pid -> (tid, text) of an execve waiting for its result.
    pending_exec: HashMap<i32, (i32, String)>,
    /// Pieces of long lines (`C` messages) by thread and piece id, until the line's last
    /// piece arrives (see [`Printer::joined`]).
    pieces: HashMap<(i32, String), String>,
    armed: u64,
    warnings: Vec<String>,
    /// pid -> lines its images counted as undeliverable (the memfd header).
    pub lost: HashMap<i32, u64>,
    /// The line being written, kept for the next (see `write_line`).
    line: String,
}

impl Printer {
    /// A printer writing to `out`.
    pub fn new(out: Box<dyn Write>, to_stderr: bool, view: View) -> Printer {
        Printer {
            out,
            view,
            files: HashMap::new(),
            counts: HashMap::new(),
            previous: 0,
            to_stderr,
            tasks: BTreeMap::new(),
            group_exit: HashMap::new(),
            pending_end: HashMap::new(),
            reaped: HashMap::new(),
            ended: std::collections::HashSet::new(),
            pending_exec: HashMap::new(),
            pieces: HashMap::new(),
            armed: 0,
            warnings: Vec::new(),
            lost: HashMap::new(),
            line: String::new(),
        }
    }

    /// Flushes what was written (stderr is written as it comes).
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// Writes `line` to the trace (the task's own file with `-ff`).
    fn emit(&mut self, tid: i32, line: &str) {
        if let Some(base) = &self.view.per_task {
            let f = match self.files.entry(tid) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let mut name = base.as_os_str().to_owned();
                    name.push(format!(".{tid}"));
                    match std::fs::File::create(&name) {
                        Ok(f) => v.insert(std::io::BufWriter::new(f)),
                        Err(_) => return,
                    }
                }
            };
            let _ = writeln!(f, "{line}");
        } else {
            let _ = self.out.write_all(line.as_bytes());
            let _ = self.out.write_all(b"\n");
        }
    }

    fn prefix(&self, tid: i32) -> String {
        let mut s = String::new();
        self.push_prefix(&mut s, tid);
        s
    }

    /// Appends the task's prefix: `TID ` padded to 5 with `-o`, `[pid   TID] ` on stderr
    /// while more than one task is alive, nothing with `-ff`.
    fn push_prefix(&self, s: &mut String, tid: i32) {
        if self.view.per_task.is_some() {
            return;
        }
        if !self.to_stderr {
            let at = s.len();
            push_i32(s, tid);
            while s.len() - at < 5 {
                s.push(' ');
            }
            s.push(' ');
        } else if self.tasks.len() > 1 {
            s.push_str("[pid ");
            for _ in decimal_len(tid)..5 {
                s.push(' ');
            }
            push_i32(s, tid);
            s.push_str("] ");
        }
    }

    /// Writes one line of task `tid`: the call, padded to the result column, the result;
    /// with the times the handler measured where asked for. Lines outside `-e trace=` and
    /// `-e status=` are left out; `-c` counts them instead of printing them.
    ///
    /// Every line of the trace passes here: it allocates nothing (the line is built in a
    /// buffer kept for the next one) and finds both marks in one pass over the text.
    fn write_line(&mut self, tid: i32, text: &str) {
        // The marks are control characters, which never appear raw in the formatted text:
        // the first times mark ends the body, the first result mark before it splits it.
        // Lines carry times only when the options ask for them (`Options::timed`): else
        // the result mark alone is looked for (`find`, a word at a time).
        let (mut result_at, mut times_at) = (None, None);
        if !self.view.timed() {
            result_at = text.find(RESULT_MARK);
        } else {
            for (i, &b) in text.as_bytes().iter().enumerate() {
                if b == TIMES_MARK as u8 {
                    times_at = Some(i);
                    break;
                }
                if b == RESULT_MARK as u8 && result_at.is_none() {
                    result_at = Some(i);
                }
            }
        }
        let (body, times) = match times_at {
            Some(at) => {
                let mut w = text[at + 1..]
                    .split(' ')
                    .map(|v| v.parse::<u64>().unwrap_or(0));
                let t = (w.next().unwrap_or(0), w.next().unwrap_or(0));
                (&text[..at], Some(t))
            }
            None => (text, None),
        };
        let name = || body.split('(').next().unwrap_or("");
        if let Some(set) = &self.view.trace {
            if !set.matches(name()) {
                return;
            }
        }
        let (call, result) = match result_at {
            Some(at) => {
                let r = &body[at + 1..];
                (&body[..at], Some(r.strip_prefix(' ').unwrap_or(r)))
            }
            None => (body, None),
        };
        let unfinished = result.is_none_or(|r| r.starts_with("= ?"));
        let failed = result.is_some_and(|r| r.starts_with("= -1 "));
        let shown = if unfinished {
            self.view.status.unfinished
        } else if failed {
            self.view.status.failed
        } else {
            self.view.status.successful
        };
        if self.view.summary != Summary::Off && !unfinished {
            let n = self.counts.len();
            let c = self.counts.entry(name().to_string()).or_insert(Count {
                first: n,
                ..Count::default()
            });
            c.calls += 1;
            c.errors += u64::from(failed);
            c.nanos += times.map_or(0, |t| t.1);
        }
        if !shown || self.view.summary == Summary::Only {
            return;
        }
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        self.push_prefix(&mut line, tid);
        if let Some((start, _)) = times {
            let stamp = self.stamp(start);
            line.push_str(&stamp);
        }
        line.push_str(call);
        if let Some(r) = result {
            line.push(' ');
            let mut pad = self.view.column.saturating_sub(line.len());
            while pad > 0 {
                let n = pad.min(SPACES.len());
                line.push_str(&SPACES[..n]);
                pad -= n;
            }
            line.push_str(r);
        }
        if self.view.durations {
            match times {
                Some((_, d)) if !unfinished => line.push_str(&format!(
                    " <{}.{:06}>",
                    d / 1_000_000_000,
                    d % 1_000_000_000 / 1000
                )),
                _ => {}
            }
        }
        self.emit(tid, &line);
        self.line = line;
    }

    /// The time prefix of a line that started at `start` (ns since the epoch).
    fn stamp(&mut self, start: u64) -> String {
        let (secs, micros) = (start / 1_000_000_000, start % 1_000_000_000 / 1000);
        if self.view.relative {
            let d = if self.previous == 0 {
                0
            } else {
                start.saturating_sub(self.previous)
            };
            self.previous = start;
            return format!("{:>6}.{:06} ", d / 1_000_000_000, d % 1_000_000_000 / 1000);
        }
        match self.view.timestamps {
            0 => String::new(),
            3 => format!("{secs}.{micros:06} "),
            n => {
                let t = secs as libc::time_t;
                // SAFETY: localtime_r fills the struct it is given.
                let tm = unsafe {
                    let mut tm: libc::tm = std::mem::zeroed();
                    libc::localtime_r(&t, &mut tm);
                    tm
                };
                let hms = format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
                if n == 1 {
                    format!("{hms} ")
                } else {
                    format!("{hms}.{micros:06} ")
                }
            }
        }
    }

    /// strace's `-c` table.
    fn summary(&mut self) {
        let mut rows: Vec<(String, Count)> = self.counts.drain().collect();
        match self.view.sort_by {
            SortBy::Time => {
                rows.sort_by(|a, b| b.1.nanos.cmp(&a.1.nanos).then(a.1.first.cmp(&b.1.first)))
            }
            SortBy::Calls => {
                rows.sort_by(|a, b| b.1.calls.cmp(&a.1.calls).then(a.1.first.cmp(&b.1.first)))
            }
            SortBy::Errors => {
                rows.sort_by(|a, b| b.1.errors.cmp(&a.1.errors).then(a.1.first.cmp(&b.1.first)))
            }
            SortBy::Name => rows.sort_by(|a, b| a.0.cmp(&b.0)),
            SortBy::Nothing => rows.sort_by_key(|r| r.1.first),
        }
        let total_ns: u64 = rows.iter().map(|r| r.1.nanos).sum();
        let calls: u64 = rows.iter().map(|r| r.1.calls).sum();
        let errors: u64 = rows.iter().map(|r| r.1.errors).sum();
        let sep = "------ ----------- ----------- --------- --------- ----------------";
        let mut out = String::new();
        out.push_str("% time     seconds  usecs/call     calls    errors syscall\n");
        out.push_str(sep);
        out.push('\n');
        let row = |name: &str, c: &Count, pct: f64| {
            let errs = if c.errors == 0 {
                String::new()
            } else {
                c.errors.to_string()
            };
            format!(
                "{:>6.2} {:>4}.{:06} {:>11} {:>9} {:>9} {}\n",
                pct,
                c.nanos / 1_000_000_000,
                c.nanos % 1_000_000_000 / 1000,
                (c.nanos / 1000).checked_div(c.calls).unwrap_or(0),
                c.calls,
                errs,
                name
            )
        };
        for (name, c) in &rows {
            let pct = if total_ns == 0 {
                0.0
            } else {
                c.nanos as f64 * 100.0 / total_ns as f64
            };
            out.push_str(&row(name, c, pct));
        }
        out.push_str(sep);
        out.push('\n');
        let total = Count {
            calls,
            errors,
            nanos: total_ns,
            first: 0,
        };
        out.push_str(&row("total", &total, 100.0));
        let _ = write!(self.out, "{out}");
    }

    /// `--- SIGCHLD {...} ---`: shown unless `-c` or `-e signal=` leaves it out; with
    /// `-t`/`-r` it gets its time stamp (never a `-T` duration).
    fn signal_line(&mut self, tid: i32, text: &str) {
        if self.view.summary == Summary::Only {
            return;
        }
        let (body, start) = match text.split_once(TIMES_MARK) {
            Some((b, t)) => (b, t.split(' ').next().and_then(|v| v.parse::<u64>().ok())),
            None => (text, None),
        };
        let name = body
            .strip_prefix("--- ")
            .and_then(|r| r.split(' ').next())
            .unwrap_or("");
        let shown = crate::options::parse_signals(name)
            .map(|bits| bits & self.view.signals != 0)
            .unwrap_or(true);
        if !shown {
            return;
        }
        let mut line = self.prefix(tid);
        if let Some(start) = start {
            line.push_str(&self.stamp(start));
        }
        line.push_str(body);
        self.emit(tid, &line);
    }

    fn seen(&mut self, pid: i32, tid: i32) {
        if self.ended.contains(&tid) {
            return;
        }
        self.tasks.insert(tid, pid);
    }

    /// One message `PID TID KIND TEXT` of an image.
    pub fn message(&mut self, msg: &[u8]) {
        // Split as bytes: the separators are ASCII spaces, which a lossy conversion keeps;
        // the text is borrowed, not copied, when it is valid UTF-8 (every line the handler
        // formats is).
        let mut parts = msg.splitn(4, |&b| b == b' ');
        let (Some(pid), Some(tid), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
            return;
        };
        let rest = parts.next().unwrap_or(&[]);
        // `from_utf8` first: it checks ASCII a word at a time, the lossy conversion a
        // byte at a time.
        let rest = match std::str::from_utf8(rest) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(rest),
        };
        let rest = rest.as_ref();
        let (Some(pid), Some(tid)) = (parse_i32(pid), parse_i32(tid)) else {
            return;
        };
        let kind = std::str::from_utf8(kind).unwrap_or("");
        // A long line's pieces: kept, or joined in front of its last one.
        let joined;
        let rest = if kind == "C" || rest.starts_with('\u{1d}') {
            let Some(line) = self.joined(tid, kind, rest) else {
                return;
            };
            joined = line;
            joined.as_str()
        } else {
            rest
        };
        match kind {
            "L" => {
                self.seen(pid, tid);
                self.write_line(tid, rest);
            }
            "E" => {
                self.seen(pid, tid);
                if let Some((t, old)) = self.pending_exec.insert(pid, (tid, rest.to_string())) {
                    self.write_line(t, &format!("{old}{RESULT_MARK} = ?"));
                }
            }
            "R" => {
                if let Some((t, call)) = self.pending_exec.remove(&pid) {
                    self.write_line(t, &format!("{call}{rest}"));
                }
            }
            "A" => self.armed(pid, tid, rest),
            "F" => {
                // A new task, announced by its creator: alive from now on (a reused id
                // is a new task).
                if let Ok(child) = rest.trim().parse::<i32>() {
                    self.ended.remove(&child);
                    self.tasks.entry(child).or_insert(0);
                }
            }
            "Z" => {
                // A parent reaped a child: `CHILD STATUS` (the raw wait status).
                let mut w = rest.split_whitespace().map(|v| v.parse::<i32>());
                if let (Some(Ok(child)), Some(Ok(st))) = (w.next(), w.next()) {
                    if self.pending_end.remove(&child).is_some() {
                        self.end_process(child, end_text(ExitStatus::from_raw(st)));
                    } else {
                        self.reaped.insert(child, st);
                    }
                }
            }
            "X" => self.exit(pid, tid, rest),
            "S" => {
                self.seen(pid, tid);
                self.signal_line(tid, rest);
            }
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
            let (call, times) = match rest.split_once(TIMES_MARK) {
                Some((c, t)) => (c, format!("{TIMES_MARK}{t}")),
                None => (rest, String::new()),
            };
            self.write_line(tid, &format!("{call}{RESULT_MARK} = 0{times}"));
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
        self.unfinished_pieces(tid);
        if self.tasks.contains_key(&tid) {
            if self.end_shown(end) && self.view.summary != Summary::Only {
                let line = format!("{}{end}", self.prefix(tid));
                self.emit(tid, &line);
            }
            self.tasks.remove(&tid);
            self.ended.insert(tid);
        }
    }

    /// As strace: `+++ killed by SIG +++` follows `-e signal=SET` (and `-qq` keeps it);
    /// `+++ exited +++` follows `-qq`.
    fn end_shown(&self, end: &str) -> bool {
        let Some(rest) = end.strip_prefix("+++ killed by ") else {
            return self.view.quiet < 2;
        };
        let name = rest.split(' ').next().unwrap_or("");
        (1..=64)
            .find(|&s| signal_name(s) == name)
            .is_none_or(|s| (1u64 << (s - 1)) & self.view.signals != 0)
    }

    /// The pieces of long lines task `tid` never finished (it was killed writing them):
    /// what arrived, before its end line, as strace shows a call cut short.
    fn unfinished_pieces(&mut self, tid: i32) {
        let mut ids: Vec<String> = self
            .pieces
            .keys()
            .filter(|(t, _)| *t == tid)
            .map(|(_, id)| id.clone())
            .collect();
        ids.sort();
        for id in ids {
            if let Some(text) = self.pieces.remove(&(tid, id)) {
                self.write_line(tid, &format!("{text} <unfinished ...>"));
            }
        }
    }

    /// A long line's pieces (see the loader's `line.rs`): a `C` message (`ID TEXT`) is kept
    /// and `None` returned; a message whose text starts with `\x1dID ` gets the pieces of
    /// that id in front. Any other text is returned as it is.
    fn joined(&mut self, tid: i32, kind: &str, rest: &str) -> Option<String> {
        if kind == "C" && self.ended.contains(&tid) {
            // More of a killed task's long line, swept from its batch after its end line:
            // the line is shown already, cut short (`<unfinished ...>`).
            return None;
        }
        if kind == "C" {
            let (id, text) = rest.split_once(' ').unwrap_or((rest, ""));
            self.pieces
                .entry((tid, id.to_string()))
                .or_default()
                .push_str(text);
            return None;
        }
        let Some(marked) = rest.strip_prefix('\u{1d}') else {
            return Some(rest.to_string());
        };
        let (id, text) = marked.split_once(' ').unwrap_or((marked, ""));
        let mut line = self
            .pieces
            .remove(&(tid, id.to_string()))
            .unwrap_or_default();
        line.push_str(text);
        Some(line)
    }

    /// Process `pid` has ended with wait status `status` (None: not known): an end line
    /// for each of its tasks still alive, the process's own last.
    pub fn process_ended(&mut self, pid: i32, status: Option<i32>) {
        let status = status.or_else(|| self.reaped.remove(&pid));
        let end = match (self.group_exit.remove(&pid), status) {
            (_, Some(st)) => end_text(ExitStatus::from_raw(st)),
            (Some(code), None) => format!("+++ exited with {code} +++"),
            (None, None) => {
                // Not known yet: its parent's wait may still tell.
                self.pending_end
                    .entry(pid)
                    .or_insert_with(std::time::Instant::now);
                return;
            }
        };
        self.end_process(pid, end);
    }

    /// Ends, as `+++ exited +++`, the processes whose status has not come within `after`
    /// (all of them with `Duration::ZERO`).
    pub fn expire_pending_ends(&mut self, after: std::time::Duration) {
        let due: Vec<i32> = self
            .pending_end
            .iter()
            .filter(|(_, t)| t.elapsed() >= after)
            .map(|(&p, _)| p)
            .collect();
        for pid in due {
            self.pending_end.remove(&pid);
            let end = match self.reaped.remove(&pid) {
                Some(st) => end_text(ExitStatus::from_raw(st)),
                None => "+++ exited +++".to_string(),
            };
            self.end_process(pid, end);
        }
    }

    fn end_process(&mut self, pid: i32, end: String) {
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
        // Long lines whose last piece never came (the task was killed while writing it):
        // what arrived, as strace shows a line cut short.
        let mut pieces: Vec<_> = self.pieces.drain().collect();
        pieces.sort();
        for ((tid, _), text) in pieces {
            self.write_line(tid, &format!("{text} <unfinished ...>"));
        }
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
        self.expire_pending_ends(std::time::Duration::ZERO);
        // Tasks of other processes whose end was not seen.
        let left: Vec<i32> = self.tasks.keys().copied().collect();
        for t in left {
            self.end_task(t, "+++ exited +++");
        }
        if self.view.summary != Summary::Off {
            self.summary();
        }
        for f in self.files.values_mut() {
            let _ = f.flush();
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

/// strace's name of a signal (the crate's table: `SIGRTMIN` is 32, `SIGRT_2` is 34).
pub fn signal_name(sig: i32) -> String {
    sigsys::flags::Signal(sig).to_string()
}

/// Appends `v` in decimal.
fn push_i32(s: &mut String, v: i32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut u = v.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if v < 0 {
        s.push('-');
    }
    s.push_str(std::str::from_utf8(&digits[at..]).unwrap_or(""));
}

/// Characters of `v` in decimal.
fn decimal_len(v: i32) -> usize {
    let mut n = usize::from(v < 0) + 1;
    let mut u = v.unsigned_abs();
    while u >= 10 {
        u /= 10;
        n += 1;
    }
    n
}

/// `bytes` as an `i32` in decimal, as `str::parse` reads it (an optional sign, then digits).
pub fn parse_i32(bytes: &[u8]) -> Option<i32> {
    let (neg, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i32 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let d = i32::from(d - b'0');
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse_i32` reads what `str::parse::<i32>` reads, and refuses what it refuses.
    #[test]
    fn parse_i32_is_str_parse() {
        let cases = [
            "0",
            "7",
            "-7",
            "+7",
            "12345",
            "2147483647",
            "2147483648",
            "-2147483648",
            "-2147483649",
            "",
            "-",
            "+",
            "1a",
            " 1",
            "1 ",
            "--1",
            "99999999999",
            "007",
        ];
        for c in cases {
            assert_eq!(parse_i32(c.as_bytes()), c.parse::<i32>().ok(), "{c:?}");
        }
    }

    /// The prefixes as `format!` pads them: `{tid:<5} ` and `[pid {tid:>5}] `.
    #[test]
    fn prefixes_pad_as_format_does() {
        for tid in [0, 1, 42, 12345, 123456, -1, -1234, i32::MAX, i32::MIN] {
            let mut s = String::new();
            push_i32(&mut s, tid);
            assert_eq!(s, tid.to_string());
            assert_eq!(decimal_len(tid), s.len());
            let mut p = Printer::new(Box::new(std::io::sink()), false, View::default());
            assert_eq!(p.prefix(tid), format!("{tid:<5} "));
            p.to_stderr = true;
            p.tasks.insert(1, 1);
            p.tasks.insert(2, 1);
            assert_eq!(p.prefix(tid), format!("[pid {tid:>5}] "));
        }
    }
}
