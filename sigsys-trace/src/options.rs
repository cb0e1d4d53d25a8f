//! The command line, with strace's syntax for the options strace users reach for.

use std::collections::HashSet;
use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::classes;

/// What `-h` prints.
pub const HELP: &str = "\
usage: sigsys-trace [OPTIONS] [--] PROGRAM [ARGS...]

Runs PROGRAM with every system call of every thread and child process traced in-process
(Syscall User Dispatch), printed as strace -f prints them.

  -o FILE        write the trace to FILE (lines start with the task id)
  -ff            with -o: one file FILE.TID per task, without the task id
  -e trace=SET   only these calls: names, !negation, /regex, %file %process %net
                 %signal %ipc %desc %memory %creds %clock %stat %lstat %fstat %%stat
                 %statfs %fstatfs %%statfs %pure, all, none (also -e SET)
  -e status=SET  only calls that: successful, failed, unfinished (-z, -Z)
  -e signal=SET  only these signals' deliveries (--- SIGCHLD {...} ---); shown for
                 signals the program handles (those it ignores or leaves at the
                 default action are not seen in-process)
  -s N           show N bytes of strings (default 32)
  -a N           align results at column N (default 40)
  -t, -tt, -ttt  prefix each line with the time, with microseconds, as seconds since 1970
  -r             prefix each line with the time since the previous one
  -T             show the time spent in each call
  -c             count calls, errors and time per call, print a summary instead of lines
  -C             like -c, and print the lines too
  -S SORTBY      sort the summary by time (default), calls, errors, name or nothing
  -w             summary of wall-clock time (the only kind measured here; accepted)
  -v             unabbreviated structs (all of struct rusage, ...)
  -y             descriptors with their paths: 3</etc/passwd>, 4<socket:[1234]>
  -yy            and sockets, devices and pidfds in detail: 4<TCP:[127.0.0.1:80->
                 127.0.0.1:5000]>, 5</dev/null<char 1:3>>, 6<pid:42>
                 (--decode-fds=path|socket|dev|pidfd|all, comma-separated)
  -x, -xx        strings with non-ASCII bytes in hex; all strings in hex
  -e inject=SET:error=ERRNO|retval=N[:signal=SIG][:when=F[..L][+[S]]]
                 tamper with calls: not run, returning the error or value (and/or a
                 signal after them), printed with (INJECTED); -e fault=SET[:error=E]
  -q, -qq        quieter: -qq also leaves out the +++ exited lines
  -f, -F         accepted: children and threads are always followed
  --raw          arguments and results in hex (strace -e raw=all)

Not possible in-process: -p PID (attaching to a running process needs ptrace).
Exit status: the program's; 125 when sigsys-trace could not run it traced, 127 when the
program could not be started.";

/// Which calls are printed.
#[derive(Default)]
pub struct TraceSet {
    negate: bool,
    all: bool,
    names: HashSet<String>,
    classes: u32,
    regexes: Vec<Regex>,
}

impl TraceSet {
    /// Whether call `name` is printed.
    pub fn matches(&self, name: &str) -> bool {
        let hit = self.all
            || self.names.contains(name)
            || classes::classes_of(name) & self.classes != 0
            || self.regexes.iter().any(|r| r.is_match(name));
        hit != self.negate
    }

    fn parse(spec: &str) -> Result<TraceSet, String> {
        let mut set = TraceSet::default();
        let spec = match spec.strip_prefix('!') {
            Some(rest) => {
                set.negate = true;
                rest
            }
            None => spec,
        };
        for item in spec.split(',').filter(|s| !s.is_empty()) {
            let (optional, item) = match item.strip_prefix('?') {
                Some(rest) => (true, rest),
                None => (false, item),
            };
            if item == "all" {
                set.all = true;
            } else if item == "none" {
            } else if let Some(re) = item.strip_prefix('/') {
                set.regexes.push(Regex::new(re)?);
            } else if let Some(bits) = classes::class_by_name(item) {
                set.classes |= bits;
            } else if classes::classes_of(item) != 0 || known_name(item) {
                set.names.insert(item.to_string());
            } else if !optional {
                return Err(format!("invalid system call '{item}'"));
            }
        }
        Ok(set)
    }
}

fn known_name(name: &str) -> bool {
    name.parse::<syscalls::x86_64::Sysno>().is_ok()
}

/// A POSIX extended regular expression (libc's `regcomp`), as strace's `/regex`.
pub struct Regex(Box<libc::regex_t>);

impl Regex {
    fn new(pattern: &str) -> Result<Regex, String> {
        let c = CString::new(pattern).map_err(|_| format!("invalid regex '{pattern}'"))?;
        // SAFETY: regex_t is plain data, filled by regcomp.
        let mut re: Box<libc::regex_t> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: a live regex_t and a NUL-terminated pattern.
        let r =
            unsafe { libc::regcomp(&mut *re, c.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) };
        if r != 0 {
            return Err(format!("invalid regex '{pattern}'"));
        }
        Ok(Regex(re))
    }

    fn is_match(&self, s: &str) -> bool {
        let Ok(c) = CString::new(s) else { return false };
        // SAFETY: a compiled regex and a NUL-terminated subject; no match array.
        unsafe { libc::regexec(&*self.0, c.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

impl Drop for Regex {
    fn drop(&mut self) {
        // SAFETY: compiled by regcomp, freed once.
        unsafe { libc::regfree(&mut *self.0) };
    }
}

/// Which results are printed (`-e status=`, `-z`, `-Z`).
#[derive(Clone, Copy)]
pub struct Status {
    /// Calls that returned without error.
    pub successful: bool,
    /// Calls that failed.
    pub failed: bool,
    /// Calls that did not return (`= ?`).
    pub unfinished: bool,
}

impl Status {
    const ALL: Status = Status {
        successful: true,
        failed: true,
        unfinished: true,
    };
    const NONE: Status = Status {
        successful: false,
        failed: false,
        unfinished: false,
    };

    fn parse(spec: &str) -> Result<Status, String> {
        let (negate, spec) = match spec.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, spec),
        };
        let mut s = Status::NONE;
        for item in spec.split(',') {
            match item {
                "all" => s = Status::ALL,
                "none" => {}
                "successful" => s.successful = true,
                "failed" => s.failed = true,
                "unfinished" => s.unfinished = true,
                // Nothing is unavailable or detached in-process.
                "unavailable" | "detached" => {}
                _ => return Err(format!("invalid status '{item}'")),
            }
        }
        if negate {
            s = Status {
                successful: !s.successful,
                failed: !s.failed,
                unfinished: !s.unfinished,
            };
        }
        Ok(s)
    }
}

/// The summary (`-c`, `-C`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// No summary.
    Off,
    /// The summary instead of the lines (`-c`).
    Only,
    /// The lines and the summary (`-C`).
    Also,
}

/// How the summary is sorted (`-S`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// Time spent, most first (strace's default).
    Time,
    /// Number of calls, most first.
    Calls,
    /// Number of errors, most first.
    Errors,
    /// By name.
    Name,
    /// In the order the calls were first seen.
    Nothing,
}

/// Everything the command line says.
pub struct Options {
    /// `-o FILE`.
    pub output: Option<PathBuf>,
    /// `-ff`: one file per task.
    pub per_task_files: bool,
    /// `--bare`: the benchmark floor (nothing formatted).
    pub bare: bool,
    /// `--raw`.
    pub raw: bool,
    /// `-s N`.
    pub string_limit: Option<usize>,
    /// `-e trace=SET` (None: all calls).
    pub trace: Option<TraceSet>,
    /// `-e status=SET`.
    pub status: Status,
    /// `-c`/`-C`.
    pub summary: Summary,
    /// `-S`.
    pub sort_by: SortBy,
    /// `-t` count: 1 time, 2 with microseconds, 3 seconds since the epoch.
    pub timestamps: u8,
    /// `-r`.
    pub relative: bool,
    /// `-T`.
    pub durations: bool,
    /// `-a N`.
    pub column: usize,
    /// `-q` count.
    pub quiet: u8,
    /// `-e signal=SET`: the signals whose deliveries are shown (bit `n - 1`).
    pub signals: u64,
    /// `-v`: structs unabbreviated.
    pub verbose: bool,
    /// `-y`: descriptors with their paths.
    pub fd_paths: bool,
    /// `-yy`: sockets, devices and pidfds in detail (`sigsys::fmt::FdDetails` bits).
    pub fd_details: u8,
    /// `-x` count: 1 strings with non-text bytes in hex, 2 all strings.
    pub hex: u8,
    /// `-e inject=`/`-e fault=` rules, in order.
    pub inject: Vec<crate::protocol::InjectRule>,
    /// The program and its arguments.
    pub program: Vec<OsString>,
}

impl Options {
    /// Whether the handler must time each call.
    pub fn timed(&self) -> bool {
        self.timestamps > 0 || self.relative || self.durations || self.summary != Summary::Off
    }
}

/// Parses the command line; `Err` is the message for a usage error.
// Long (about 85 lines) on purpose: one arm per strace option, read as one table.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Options, String> {
    let mut opts = Options {
        output: None,
        per_task_files: false,
        bare: false,
        raw: false,
        string_limit: None,
        trace: None,
        status: Status::ALL,
        summary: Summary::Off,
        sort_by: SortBy::Time,
        timestamps: 0,
        relative: false,
        durations: false,
        column: 40,
        quiet: 0,
        signals: u64::MAX,
        verbose: false,
        fd_paths: false,
        fd_details: 0,
        hex: 0,
        inject: Vec::new(),
        program: Vec::new(),
    };
    let mut args = args.into_iter();
    let mut follow = 0u8;
    while let Some(a) = args.next() {
        let bytes = a.as_bytes().to_vec();
        if !opts.program.is_empty() || !bytes.starts_with(b"-") || bytes == b"-" {
            opts.program.push(a);
            opts.program.extend(args.by_ref());
            break;
        }
        let s = String::from_utf8_lossy(&bytes).into_owned();
        match s.as_str() {
            "--" => {
                opts.program.extend(args.by_ref());
                break;
            }
            "-h" | "--help" => return Err(String::new()),
            "--bare" => {
                opts.bare = true;
                continue;
            }
            "--raw" => {
                opts.raw = true;
                continue;
            }
            _ => {}
        }
        if let Some(long) = s.strip_prefix("--") {
            long_option(&mut opts, long, &mut args)?;
            continue;
        }
        // Short options, several in one word (`-ff`, `-tt`, `-qq`, `-fo FILE`, `-s64`).
        let chars: Vec<char> = s[1..].chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            let rest: String = chars[i..].iter().collect();
            let mut take = |args: &mut dyn Iterator<Item = OsString>| -> Result<String, String> {
                i = chars.len();
                if !rest.is_empty() {
                    Ok(rest.clone())
                } else {
                    args.next()
                        .map(|v| v.to_string_lossy().into_owned())
                        .ok_or(format!("option -{c} needs an argument"))
                }
            };
            short_option(&mut opts, c, &mut || take(&mut args), &mut follow)?;
        }
    }
    if follow >= 2 {
        if opts.output.is_none() {
            return Err("-ff needs -o FILE".to_string());
        }
        opts.per_task_files = true;
    }
    if opts.program.is_empty() {
        return Err("must have PROGRAM [ARGS]".to_string());
    }
    Ok(opts)
}

/// One long option (`--name=value` or `--name value`).
fn long_option(
    opts: &mut Options,
    long: &str,
    args: &mut impl Iterator<Item = OsString>,
) -> Result<(), String> {
    let (name, value) = match long.split_once('=') {
        Some((n, v)) => (n.to_string(), Some(v.to_string())),
        None => (long.to_string(), None),
    };
    let mut value = || {
        value
            .clone()
            .or_else(|| args.next().map(|v| v.to_string_lossy().into_owned()))
    };
    match name.as_str() {
        "output" => opts.output = value().map(PathBuf::from),
        "trace" => opts.trace = Some(TraceSet::parse(&value().ok_or("--trace needs a set")?)?),
        "status" => opts.status = Status::parse(&value().ok_or("--status needs a set")?)?,
        "string-limit" => opts.string_limit = Some(number(value())?),
        "summary-only" => opts.summary = Summary::Only,
        "summary" => opts.summary = Summary::Also,
        "follow-forks" => {}
        "decode-fds" => decode_fds(opts, &value().unwrap_or_else(|| "all".to_string()))?,
        _ => return Err(format!("unknown option --{name}")),
    }
    Ok(())
}

/// One short option `c`; `take` gives its argument (the rest of the word or the next one).
fn short_option(
    opts: &mut Options,
    c: char,
    take: &mut dyn FnMut() -> Result<String, String>,
    follow: &mut u8,
) -> Result<(), String> {
    match c {
        'f' => *follow += 1,
        'F' => {}
        'c' => opts.summary = Summary::Only,
        'C' => opts.summary = Summary::Also,
        'w' => {}
        'T' => opts.durations = true,
        't' => opts.timestamps = (opts.timestamps + 1).min(3),
        'r' => opts.relative = true,
        'q' => opts.quiet += 1,
        'z' => {
            opts.status = Status {
                successful: true,
                failed: false,
                unfinished: false,
            }
        }
        'Z' => {
            opts.status = Status {
                successful: false,
                failed: true,
                unfinished: false,
            }
        }
        'o' => opts.output = Some(PathBuf::from(take()?)),
        's' => opts.string_limit = Some(number(Some(take()?))?),
        'a' => opts.column = number(Some(take()?))?,
        'S' => {
            opts.sort_by = match take()?.as_str() {
                "time" | "time_total" | "total_time" => SortBy::Time,
                "calls" | "count" => SortBy::Calls,
                "errors" | "error" => SortBy::Errors,
                "name" | "syscall" | "syscall_name" => SortBy::Name,
                "nothing" | "none" => SortBy::Nothing,
                other => return Err(format!("invalid sortby: '{other}'")),
            }
        }
        'e' => qualify(opts, &take()?)?,
        'p' => {
            return Err(
                "-p: attaching to a running process needs ptrace; sigsys-trace \
                        traces the programs it starts, from inside them"
                    .to_string(),
            )
        }
        'v' => opts.verbose = true,
        // strace: -y paths, -yy everything.
        'y' if opts.fd_paths => opts.fd_details = sigsys::fmt::FdDetails::all().bits(),
        'y' => opts.fd_paths = true,
        'x' => opts.hex = opts.hex.saturating_add(1).min(2),
        'k' | 'i' | 'n' | 'u' | 'D' | 'b' | 'I' | 'X' | 'P' | 'E' => {
            return Err(format!("option -{c} is not supported (yet)"))
        }
        _ => return Err(format!("unknown option -{c}")),
    }
    Ok(())
}

/// `--decode-fds=SET`: `path`, `socket`, `dev`, `pidfd` (comma-separated), `all` or `none`.
fn decode_fds(opts: &mut Options, set: &str) -> Result<(), String> {
    opts.fd_paths = false;
    opts.fd_details = 0;
    for item in set.split(',') {
        match item {
            "path" => opts.fd_paths = true,
            "socket" => opts.fd_details |= sigsys::fmt::FdDetails::SOCKET.bits(),
            "dev" => opts.fd_details |= sigsys::fmt::FdDetails::DEV.bits(),
            "pidfd" => opts.fd_details |= sigsys::fmt::FdDetails::PIDFD.bits(),
            "all" => {
                (opts.fd_paths, opts.fd_details) = (true, sigsys::fmt::FdDetails::all().bits())
            }
            "none" => {}
            other => return Err(format!("invalid decode-fds '{other}'")),
        }
    }
    Ok(())
}

fn number(v: Option<String>) -> Result<usize, String> {
    let v = v.ok_or("missing number")?;
    v.parse().map_err(|_| format!("invalid number '{v}'"))
}

/// `-e [QUALIFIER=]SET`.
fn qualify(opts: &mut Options, spec: &str) -> Result<(), String> {
    let (what, set) = match spec.split_once('=') {
        Some((w, s)) => (w, s),
        None => ("trace", spec),
    };
    match what {
        "trace" | "t" => opts.trace = Some(TraceSet::parse(set)?),
        "status" => opts.status = Status::parse(set)?,
        "signal" | "signals" | "s" => opts.signals = parse_signals(set)?,
        "raw" if set == "all" => opts.raw = true,
        "verbose" | "v" if set == "all" => opts.verbose = true,
        "inject" | "fault" => {
            if opts.inject.len() == crate::protocol::INJECT_RULES {
                return Err(format!(
                    "at most {} -e inject=/fault= rules",
                    crate::protocol::INJECT_RULES
                ));
            }
            opts.inject.push(parse_inject(set, what == "fault")?);
        }
        "decode-fds" => decode_fds(opts, set)?,
        "abbrev" | "a" | "verbose" | "v" | "raw" | "read" | "write" | "kvm" | "quiet" | "q"
        | "decode-pids" => return Err(format!("-e {what}= is not supported (yet)")),
        _ => return Err(format!("invalid -e qualifier '{what}'")),
    }
    Ok(())
}

/// `SET:error=ERRNO|retval=N[:signal=SIG][:when=EXPR]` of `-e inject=` (`fault`: the
/// default error is `ENOSYS`, and only `error=` and `when=` are taken), as strace reads it.
pub fn parse_inject(spec: &str, fault: bool) -> Result<crate::protocol::InjectRule, String> {
    let mut parts = spec.split(':');
    let set = TraceSet::parse(parts.next().unwrap_or(""))?;
    let mut rule = crate::protocol::InjectRule {
        calls: [0; 8],
        ret: 0,
        set_ret: 0,
        signal: 0,
        when_first: 1,
        when_last: crate::protocol::INJECT_LAST_INF,
        when_step: 1,
        reserved: 0,
    };
    for s in syscalls::x86_64::Sysno::iter() {
        if set.matches(s.name()) {
            let nr = s.id() as usize;
            if let Some(w) = rule.calls.get_mut(nr / 64) {
                *w |= 1 << (nr % 64);
            }
        }
    }
    let bad = |t: &str| format!("invalid inject token '{t}'");
    for token in parts {
        if let Some(v) = token.strip_prefix("error=") {
            // One result per rule, as strace requires.
            if rule.set_ret != 0 {
                return Err(bad(token));
            }
            let e = errno_number(v).ok_or_else(|| bad(token))?;
            rule.ret = -i64::from(e);
            rule.set_ret = crate::protocol::INJECT_ERROR;
        } else if let Some(v) = token.strip_prefix("retval=").filter(|_| !fault) {
            if rule.set_ret != 0 {
                return Err(bad(token));
            }
            // strace takes any number a kernel_ulong_t holds, in decimal or hex.
            rule.ret = match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16).map(|u| u as i64),
                None => v
                    .parse::<i64>()
                    .or_else(|_| v.parse::<u64>().map(|u| u as i64)),
            }
            .map_err(|_| bad(token))?;
            rule.set_ret = crate::protocol::INJECT_RETVAL;
        } else if let Some(v) = token.strip_prefix("signal=").filter(|_| !fault) {
            if rule.signal != 0 {
                return Err(bad(token));
            }
            rule.signal = signal_number(v).ok_or_else(|| bad(token))?;
        } else if let Some(v) = token.strip_prefix("when=") {
            parse_when(v, &mut rule).ok_or_else(|| bad(token))?;
        } else if [
            "delay_enter=",
            "delay_exit=",
            "poke_enter=",
            "poke_exit=",
            "syscall=",
        ]
        .iter()
        .any(|p| token.starts_with(p))
        {
            return Err(format!("inject token '{token}' is not supported (yet)"));
        } else {
            return Err(bad(token));
        }
    }
    if fault && rule.set_ret == 0 {
        rule.ret = -i64::from(libc::ENOSYS);
        rule.set_ret = crate::protocol::INJECT_ERROR;
    }
    if rule.set_ret == 0 && rule.signal == 0 {
        return Err("inject: error=, retval= or signal= is required".to_string());
    }
    Ok(rule)
}

/// strace's `when=`: `F` (the F-th call only), `F+` (F and every one after), `F+S`, `F..L`,
/// `F..L+S`; numbers 1 to 65535.
fn parse_when(v: &str, rule: &mut crate::protocol::InjectRule) -> Option<()> {
    let num = |t: &str| t.parse::<u32>().ok().filter(|n| (1..=0xffff).contains(n));
    let (range, step) = match v.split_once('+') {
        Some((r, "")) => (r, Some(1)),
        Some((r, s)) => (r, Some(num(s)?)),
        None => (v, None),
    };
    let (first, last) = match range.split_once("..") {
        Some((f, l)) => (num(f)?, Some(num(l)?)),
        None => (num(range)?, None),
    };
    if last.is_some_and(|l| l < first) {
        return None;
    }
    rule.when_first = first;
    rule.when_last = last.unwrap_or(crate::protocol::INJECT_LAST_INF);
    rule.when_step = match (last, step) {
        (_, Some(s)) => s,
        (Some(_), None) => 1,
        (None, None) => 0,
    };
    Some(())
}

/// An errno by name (`ENOENT`) or number.
fn errno_number(v: &str) -> Option<i32> {
    if let Ok(n) = v.parse::<i32>() {
        return (1..4096).contains(&n).then_some(n);
    }
    (1..4096).find(|&n| syscalls::Errno::new(n).name() == Some(v))
}

/// `-e signal=SET`: names (with or without `SIG`, any case), numbers, `all`, `none`, a
/// leading `!` for all but these. Bit `n - 1` for signal `n`.
pub fn parse_signals(set: &str) -> Result<u64, String> {
    let (negate, list) = match set.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, set),
    };
    let mut bits = 0u64;
    for item in list.split(',').filter(|i| !i.is_empty()) {
        bits |= match item.to_ascii_lowercase().as_str() {
            "all" => u64::MAX,
            "none" => 0,
            _ => 1u64 << (signal_number(item).ok_or(format!("invalid signal '{item}'"))? - 1),
        };
    }
    Ok(if negate { !bits } else { bits })
}

/// A signal by name (`SIGCHLD`, `chld`, `RTMIN`, `RT_3`) or number (1 to 64).
fn signal_number(item: &str) -> Option<u32> {
    if let Ok(n) = item.parse::<u32>() {
        return (1..=64).contains(&n).then_some(n);
    }
    let up = item.to_ascii_uppercase();
    let bare = up.strip_prefix("SIG").unwrap_or(&up);
    (1..=64u32).find(|&n| {
        let name = sigsys::flags::Signal(n as i32).to_string();
        name.strip_prefix("SIG") == Some(bare)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Options, String> {
        parse(args.iter().map(OsString::from))
    }

    fn ok<T>(r: Result<T, String>) -> T {
        match r {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn short_options_combine_as_in_strace() {
        let o = p(&[
            "-ff",
            "-tt",
            "-qq",
            "-o",
            "t.txt",
            "-s64",
            "-e",
            "trace=open,close",
            "ls",
        ])
        .unwrap();
        assert!(o.per_task_files);
        assert_eq!(o.timestamps, 2);
        assert_eq!(o.quiet, 2);
        assert_eq!(o.string_limit, Some(64));
        let t = o.trace.unwrap();
        assert!(t.matches("open") && t.matches("close") && !t.matches("read"));
        assert_eq!(o.program, vec![OsString::from("ls")]);
    }

    #[test]
    fn trace_sets() {
        let t = ok(TraceSet::parse("!write"));
        assert!(!t.matches("write") && t.matches("read"));
        let t = ok(TraceSet::parse("/^open"));
        assert!(t.matches("openat") && t.matches("open") && !t.matches("close"));
        let t = ok(TraceSet::parse("%file"));
        assert!(t.matches("openat") && !t.matches("read"));
        assert!(TraceSet::parse("nosuchcall").is_err());
        assert!(TraceSet::parse("?nosuchcall").is_ok());
    }

    #[test]
    fn inject_rules() {
        let r = ok(parse_inject("openat:error=ENOENT:when=2+", false));
        assert!(r.covers(257) && !r.covers(0));
        assert_eq!((r.ret, r.set_ret), (-2, crate::protocol::INJECT_ERROR));
        assert!(!r.applies_to(1) && r.applies_to(2) && r.applies_to(9));
        let r = ok(parse_inject("read:retval=0:when=3", false));
        assert!(!r.applies_to(2) && r.applies_to(3) && !r.applies_to(4));
        let r = ok(parse_inject("write:signal=USR1:when=2..6+2", false));
        assert_eq!((r.set_ret, r.signal), (0, 10));
        assert!(r.applies_to(2) && !r.applies_to(3) && r.applies_to(4) && !r.applies_to(8));
        let r = ok(parse_inject("%file", true));
        assert_eq!(r.ret, -38);
        assert!(r.applies_to(1) && r.applies_to(100));
        assert!(parse_inject("openat", false).is_err());
        assert!(parse_inject("openat:error=ENOPE", false).is_err());
        assert!(parse_inject("openat:error=EIO:when=3..2", false).is_err());
        assert!(parse_inject("openat:retval=1:error=EIO", false).is_err());
        assert!(parse_inject("openat:signal=USR1:signal=USR2", false).is_err());
        assert_eq!(ok(parse_inject("read:retval=0x10", false)).ret, 16);
        assert_eq!(
            ok(parse_inject("read:retval=18446744073709551615", false)).ret,
            -1
        );
    }

    #[test]
    fn signal_sets() {
        let chld = 1u64 << (libc::SIGCHLD - 1);
        assert_eq!(ok(parse_signals("SIGCHLD")), chld);
        assert_eq!(ok(parse_signals("chld")), chld);
        assert_eq!(ok(parse_signals("17")), chld);
        assert_eq!(ok(parse_signals("!chld")), !chld);
        assert_eq!(ok(parse_signals("none")), 0);
        assert_eq!(ok(parse_signals("all")), u64::MAX);
        assert_eq!(ok(parse_signals("RT_1")), 1 << 32);
        assert!(parse_signals("SIGNOPE").is_err());
    }

    #[test]
    fn arguments_after_the_program_are_its_own() {
        let o = ok(p(&["-c", "ls", "-la"]));
        assert_eq!(o.program, vec![OsString::from("ls"), OsString::from("-la")]);
        assert!(p(&["-p", "1"]).err().unwrap_or_default().contains("ptrace"));
    }
}
