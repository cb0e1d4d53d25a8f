//! `sigsys-trace`: run a program with its system calls traced in-process (strace-style).
//!
//! ```text
//! sigsys-trace [-o FILE] [--] PROGRAM [ARGS...]
//! ```
//!
//! The launcher checks that tracing can work (a kernel with Syscall User Dispatch, a
//! program whose privileges do not depend on the kernel's own exec), makes the run
//! directory with the loader (`run_dir.rs`), binds its datagram socket (`collect.rs`),
//! starts the program through the loader, and prints the lines the program's images send
//! (`printer.rs`) to stderr or FILE. It exits with the program's status.
//!
//! Exit status 125: sigsys-trace itself could not run the program traced (usage error,
//! no SUD, set-id or file-capability program); nothing was run.
//! 127: the program could not be started. Otherwise the program's own status (a program
//! killed by a signal makes the launcher die of the same signal, as strace does).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::Duration;

#[allow(dead_code)] // generated: the whole table
mod classes;
mod collect;
mod options;
mod printer;
#[allow(dead_code)] // the loader uses all of it, the launcher a part
mod protocol;
mod run_dir;

/// Exit status when the tracer refuses or cannot start.
const EXIT_REFUSED: i32 = 125;
/// Exit status when the program cannot be executed.
const EXIT_NOEXEC: i32 = 127;

fn refuse(msg: impl std::fmt::Display) -> ! {
    eprintln!("sigsys-trace: {msg}");
    std::process::exit(EXIT_REFUSED);
}

/// The command line (`options.rs`); usage errors exit 125, `-h` exits 0.
fn parse_args() -> options::Options {
    match options::parse(std::env::args_os().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{}", options::HELP);
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!(
                "sigsys-trace: {e}\n{}",
                options::HELP.lines().next().unwrap_or("")
            );
            std::process::exit(EXIT_REFUSED);
        }
    }
}

/// Resolves PROGRAM as `execvp` would.
fn resolve(prog: &Path) -> Option<PathBuf> {
    if prog.as_os_str().as_bytes().contains(&b'/') {
        return Some(prog.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|d| d.join(prog))
        .find(|p| {
            p.metadata()
                .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// Why a program cannot be traced (the kernel grants its privileges only to its own exec).
fn untraceable(path: &Path, depth: u32) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let mode = meta.permissions().mode();
    // SAFETY: plain getters.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    use std::os::unix::fs::MetadataExt;
    if (mode & 0o4000 != 0 && meta.uid() != euid) || (mode & 0o2000 != 0 && meta.gid() != egid) {
        return Some(format!(
            "{} is set-user/group-ID: the kernel grants its privileges only when it executes \
             it itself, so it cannot be traced in-process",
            path.display()
        ));
    }
    if let Some(why) = file_capabilities(path) {
        return Some(why);
    }
    let mut head = vec![0u8; 4096];
    let n = File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    head.truncate(n);
    if head.starts_with(b"#!") && depth < 4 {
        let line = head[2..].split(|&b| b == b'\n').next()?;
        let interp = line
            .split(|&b| b == b' ' || b == b'\t')
            .find(|w| !w.is_empty())?;
        return untraceable(Path::new(std::ffi::OsStr::from_bytes(interp)), depth + 1);
    }
    None
}

/// A program with file capabilities (`setcap`, the `security.capability` extended
/// attribute) runs with `AT_SECURE` when it gives capabilities to a caller that is not
/// root (the kernel's `cap_bprm_creds_from_file`): capabilities the kernel grants only
/// when it executes the file itself, which the loader cannot. Root has them all anyway.
fn file_capabilities(path: &Path) -> Option<String> {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: a NUL-terminated path and name; a null buffer of size 0 asks for the size.
    let n = unsafe {
        libc::getxattr(
            c.as_ptr(),
            c"security.capability".as_ptr(),
            std::ptr::null_mut(),
            0,
        )
    };
    // SAFETY: a plain getter.
    if n <= 0 || unsafe { libc::getuid() } == 0 {
        return None;
    }
    Some(format!(
        "{} has file capabilities (setcap): it runs in secure-execution mode (AT_SECURE), \
         and gets its capabilities only when the kernel executes it itself, so it cannot be \
         traced in-process",
        path.display()
    ))
}

/// The program's pid while it runs (0 once reaped), for [`on_stop_signal`].
static CHILD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
/// A stop signal that arrived while the program was being started, forwarded once it runs.
static PENDING: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// SIGTERM, SIGHUP, SIGINT or SIGQUIT sent to the launcher: passed on to the program, as
/// strace does for the process it started; the launcher keeps collecting lines and exits
/// with the program's status. The same signal from the terminal (`^C`, `^\`, a hang-up:
/// `si_code` `SI_KERNEL`) already reached the program, which is in the launcher's process
/// group: not sent twice.
extern "C" fn on_stop_signal(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    let code = unsafe { (*info).si_code };
    let pid = CHILD.load(std::sync::atomic::Ordering::SeqCst);
    if code <= 0 && pid == 0 {
        PENDING.store(sig, std::sync::atomic::Ordering::SeqCst);
    } else if code <= 0 && pid > 0 {
        // SAFETY: kill is async-signal-safe; errno is saved and restored.
        unsafe {
            let errno = *libc::__errno_location();
            libc::kill(pid, sig);
            *libc::__errno_location() = errno;
        }
    }
}

/// Forwards the stop signals to `child` from now on, and the one that arrived while it was
/// being started, if any.
fn forward_signals(child: i32) {
    CHILD.store(child, std::sync::atomic::Ordering::SeqCst);
    let early = PENDING.swap(0, std::sync::atomic::Ordering::SeqCst);
    if early != 0 {
        // SAFETY: kill has no memory effects.
        unsafe { libc::kill(child, early) };
    }
}

/// Installs [`on_stop_signal`] for the signals that would end the launcher before the
/// program (leaving it running untraced-for and its trace unwritten), before the program is
/// started: a signal sent as soon as the program runs must not find the default action.
/// A signal the launcher was started with ignored stays ignored, so that the program
/// inherits it ignored, as it would untraced (`nohup`, a shell's background job).
fn install_forwarding() {
    for sig in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT, libc::SIGQUIT] {
        // SAFETY: a zeroed sigaction is valid; the handler is async-signal-safe.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, std::ptr::null(), &mut old) == 0
                && old.sa_sigaction == libc::SIG_IGN
            {
                continue;
            }
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_stop_signal
                as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void)
                as libc::sighandler_t;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// Prints the images' lines until the program has exited and every process it started has
/// ended (as `strace -f` follows descendants), then the lines left in batches; returns the
/// program's status.
fn collect_until_done(
    collector: &mut collect::Collector,
    printer: &mut printer::Printer,
    child: &mut std::process::Child,
) -> ExitStatus {
    let mut status: Option<ExitStatus> = None;
    let mut wait_ms = 1;
    let mut last_release = std::time::Instant::now();
    loop {
        collector.wait(wait_ms);
        if status.is_none() {
            if let Ok(Some(s)) = child.try_wait() {
                // Reaped: its pid may be reused, signals are no longer forwarded.
                CHILD.store(0, std::sync::atomic::Ordering::SeqCst);
                status = Some(s);
            }
        }
        // The ends before the lines: a process that has ended has every line of its in
        // the rings (or sent) already, so its end is printed after them.
        let (running, ended) = collector.ended();
        collector.finishing = status.is_some() && !running;
        let root = child.id() as i32;
        let got = collector.drain(|m| match m {
            collect::Message::Line(l) => printer.message(l),
            collect::Message::Ended(pid) if pid != root => {
                printer.process_ended(pid, printer::zombie_status(pid));
            }
            collect::Message::Ended(_) => {}
        });
        if printer.to_stderr {
            printer.flush();
        }
        for pid in ended {
            if pid != child.id() as i32 && collector.end_unreported(pid) {
                printer.process_ended(pid, printer::zombie_status(pid));
            }
        }
        printer.expire_pending_ends(Duration::from_secs(1));
        if last_release.elapsed() >= Duration::from_secs(1) {
            collector.release_quiet_images();
            last_release = std::time::Instant::now();
        }
        if let Some(s) = status {
            if !running && got == 0 {
                let lost = &mut printer.lost;
                collector.lost(|pid, n| {
                    *lost.entry(pid).or_insert(0) += n;
                });
                return s;
            }
        }
        // The rings are read every few milliseconds: sooner while lines come fast (a
        // ring holds 128 KiB; a thread that fills its ring asks for a round at once and
        // waits for it), later while few come. Each round is a wake-up the program's CPU
        // may pay for (the scheduler often runs the launcher there). A process that ends,
        // or a datagram, cuts the wait short.
        wait_ms = match collector.ring_bytes {
            // Everything has ended: only what is left in the rings and the socket is to
            // be read (waiting here cost every run 8 ms at its end).
            _ if status.is_some() && !running => 0,
            0 if status.is_some() => 5,
            0 => 10,
            1..=8191 => 8,
            8192..=32767 => 4,
            _ => 1,
        };
    }
}

fn main() {
    let mut opts = parse_args();
    if !sigsys::sud::is_supported() {
        refuse(
            "this kernel has no Syscall User Dispatch (Linux >= 5.11 with \
             CONFIG_GENERIC_ENTRY); in-process tracing is impossible, use strace",
        );
    }
    let prog = Path::new(&opts.program[0]);
    let Some(path) = resolve(prog) else {
        eprintln!("sigsys-trace: {}: command not found", prog.display());
        std::process::exit(EXIT_NOEXEC);
    };
    if let Some(why) = untraceable(&path, 0) {
        refuse(why);
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    // Fixed length: the program's environment (and so its stack layout) does not depend on
    // the launcher's pid, nor on the mode (`full`/`bare`), which the tests rely on.
    let name = format!("sigsys-trace.{:010}.{nanos:09}", std::process::id());
    let mut collector =
        collect::Collector::bind(&name).unwrap_or_else(|e| refuse(format!("socket: {e}")));
    let (out, to_stderr) = output(&opts);
    let run = run_dir(&opts, &name);
    // A second socket by path, for images in a network namespace of their own; without it
    // (a run directory path too long for a socket address) they are untraced, as before.
    let _ = collector.bind_path(&run.path().join(protocol::SOCK_FILE));
    let mut printer = printer::Printer::new(out, to_stderr, view(&mut opts));
    collector.set_token(run.token());
    let mut child = start(&run, &opts, &path);
    let child_pid = child.id() as i32;
    collector.watch(child_pid);
    let status = collect_until_done(&mut collector, &mut printer, &mut child);
    if collector.foreign > 0 {
        eprintln!(
            "sigsys-trace: {} messages from outside the traced program were ignored",
            collector.foreign
        );
    }
    if collector.abandoned > 0 || collector.corrupt > 0 {
        eprintln!(
            "sigsys-trace: {} lines were left half-written by tasks that died writing them, \
             and {} rings were written over by the program",
            collector.abandoned, collector.corrupt
        );
    }
    printer.finish(child_pid, status);
    drop(run);
    exit_like(status)
}

/// Where the trace goes: stderr, or `-o FILE` (with `-ff`, the tasks' files are made as
/// they appear and the summary goes to stderr); and whether that is stderr.
fn output(opts: &options::Options) -> (Box<dyn Write>, bool) {
    match &opts.output {
        Some(_) if opts.per_task_files => (
            Box::new(BufWriter::with_capacity(1 << 16, io::stderr())),
            false,
        ),
        Some(f) => (
            Box::new(BufWriter::with_capacity(
                1 << 16,
                File::create(f).unwrap_or_else(|e| refuse(format!("{}: {e}", f.display()))),
            )),
            false,
        ),
        None => (
            Box::new(BufWriter::with_capacity(1 << 16, io::stderr())),
            true,
        ),
    }
}

/// How the printer shows lines, from the options.
fn view(opts: &mut options::Options) -> printer::View {
    printer::View {
        trace: opts.trace.take(),
        status: opts.status,
        summary: opts.summary,
        sort_by: opts.sort_by,
        timestamps: opts.timestamps,
        relative: opts.relative,
        durations: opts.durations,
        column: opts.column,
        quiet: opts.quiet,
        signals: opts.signals,
        per_task: opts.per_task_files.then(|| opts.output.clone()).flatten(),
    }
}

/// The run directory, with the images' instructions from the options.
fn run_dir(opts: &options::Options, name: &str) -> run_dir::RunDir {
    let mode = match (opts.bare, opts.raw) {
        (true, _) => protocol::MODE_BARE,
        (false, true) => protocol::MODE_HEXA,
        (false, false) => protocol::MODE_TEXT,
    };
    let flags = if opts.timed() {
        protocol::FLAG_TIMES
    } else {
        0
    } | if opts.signals != 0 && opts.summary != options::Summary::Only {
        protocol::FLAG_SIGNALS
    } else {
        0
    } | if opts.verbose {
        protocol::FLAG_VERBOSE
    } else {
        0
    } | if opts.fd_paths {
        protocol::FLAG_FD_PATHS
    } else {
        0
    } | (u32::from(opts.fd_details) << protocol::FD_DETAILS_SHIFT)
        & protocol::FLAG_FD_DETAILS
        | match opts.hex {
            0 => 0,
            1 => protocol::FLAG_HEX_NON_ASCII,
            _ => protocol::FLAG_HEX_ALL,
        };
    let limit = opts.string_limit.unwrap_or(0).min(u32::MAX as usize) as u32;
    run_dir::RunDir::new(mode, flags, limit, &opts.inject, name)
        .unwrap_or_else(|e| refuse(format!("cannot make the run directory: {e}")))
}

/// Starts the program through the loader, with the stop signals forwarded to it.
fn start(run: &run_dir::RunDir, opts: &options::Options, path: &Path) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(run.loader());
    cmd.arg0(&opts.program[0]).args(&opts.program[1..]);
    run.prepare(&mut cmd, path).unwrap_or_else(|e| {
        eprintln!("sigsys-trace: {}: {e}", path.display());
        std::process::exit(EXIT_NOEXEC);
    });
    install_forwarding();
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sigsys-trace: {}: {e}", path.display());
            std::process::exit(EXIT_NOEXEC);
        }
    };
    forward_signals(child.id() as i32);
    run.started();
    child
}

/// Exits as the program did: its code, or death by its signal (without a core dump of
/// the launcher).
fn exit_like(status: ExitStatus) -> ! {
    if let Some(code) = status.code() {
        std::process::exit(code);
    }
    if let Some(sig) = status.signal() {
        // SAFETY: resetting our own dispositions and limits, then raising.
        unsafe {
            let lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &lim);
            libc::signal(sig, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, sig);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(sig);
        }
        std::process::exit(128 + sig);
    }
    std::process::exit(1);
}
