//! The oracle's runner: see `tests/strace_oracle.rs`.

#[path = "prims.rs"]
mod prims;

#[cfg(target_arch = "x86_64")]
#[path = "calls.rs"]
mod calls;
#[cfg(not(target_arch = "x86_64"))]
#[path = "calls_generic.rs"]
mod calls;

use std::fs;
use std::os::fd::IntoRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicI64, Ordering};

use sigsys::fmt::{write_call, write_line_with, Before, FixedBuf, Options};
use sigsys::mem::SelfMemory;
use sigsys::{filter, install, Trap};

const MODE: &str = "SIGSYS_ORACLE_MODE";
const DIR: &str = "SIGSYS_ORACLE_DIR";
const OUT: &str = "SIGSYS_ORACLE_OUT";
/// The descriptor the handler writes its lines to (the same number in both runs, so that
/// the programs' descriptor numbers agree).
const OUT_FD: i32 = 100;
const STRACE: &str = "/usr/bin/strace";

/// Intentional differences: (the start of strace's line, the reason, the start of the
/// line sigsys prints instead). Each is made on purpose by the program, to keep the list
/// honest; a listed difference that no longer occurs fails the test.
#[cfg(target_arch = "x86_64")]
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[(
    "socket(AF_UNIX, SOCK_DGRAM, 0) = ",
    "socketcall (i386) is printed as itself with its two arguments; strace prints the \
         socket call it multiplexes, from the argument block",
    "socketcall(1, 0xADDR) = ",
)];

/// Intentional differences on the asm-generic architectures: on riscv64 only, whose
/// strace is Debian 13's 6.13 (aarch64's and x86_64's are 6.1, whose format sigsys
/// follows).
#[cfg(not(target_arch = "x86_64"))]
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    #[cfg(target_arch = "riscv64")]
    (
        "epoll_ctl(4, EPOLL_CTL_ADD, 5, {events=EPOLLIN, data=0x5}) = 0",
        "strace 6.13 prints epoll_data as one hex number; sigsys prints strace 6.1's \
             {u32=, u64=}",
        "epoll_ctl(4, EPOLL_CTL_ADD, 5, {events=EPOLLIN, data={u32=5, u64=5}}) = 0",
    ),
];

pub fn main() {
    match std::env::var(MODE).as_deref() {
        Ok("strace") => child(false),
        Ok("sigsys") => child(true),
        _ => std::process::exit(driver()),
    }
}

// ---------------------------------------------------------------------------------------
// The traced program.

/// The traced process's pid: a forked child passes its calls through but prints nothing
/// (strace, run without `-f`, does not follow it either).
static MAIN_PID: AtomicI64 = AtomicI64::new(0);

extern "C" fn on_sigsys(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes these pointers to an SA_SIGINFO handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return;
    };
    // SAFETY: getpid from the gate.
    let me = unsafe { sigsys::gate::syscall(libc::SYS_getpid as u64, [0; 6]) };
    if me != MAIN_PID.load(Ordering::Relaxed) {
        if trap.pass_through().is_err() {
            trap.set_errno(syscalls::Errno::ENOSYS);
        }
        return;
    }
    let call = trap.syscall();
    let mut storage = [0u8; 2048];
    let mut out = FixedBuf::new(&mut storage);
    let opts = Options::DEFAULT;
    if call.is(syscalls::x86_64::Sysno::exit_group) || call.is(syscalls::x86_64::Sysno::exit) {
        // Does not return: print the call first.
        let _ = write_call(&mut out, &call, &SelfMemory, &opts);
        let _ = core::fmt::Write::write_str(&mut out, " = ?\n");
        emit(&out);
        let _ = trap.pass_through();
        return;
    }
    let before = Before::capture(&call, &SelfMemory);
    // Exec included: the program's only exec fails (its path does not exist), as under
    // strace.
    let ret = match trap.pass_through_exec() {
        Ok(r) => r,
        Err(_) => {
            trap.set_errno(syscalls::Errno::ENOSYS);
            -(libc::ENOSYS as i64)
        }
    };
    // A fork-like clone returns twice, here too: only the parent prints.
    // SAFETY: getpid from the gate.
    if unsafe { sigsys::gate::syscall(libc::SYS_getpid as u64, [0; 6]) } != me {
        return;
    }
    let _ = write_line_with(&mut out, &call, ret, &before, &SelfMemory, &opts);
    emit(&out);
}

fn emit(out: &FixedBuf<'_>) {
    let bytes = out.as_bytes();
    // SAFETY: writes our own stack buffer to our own descriptor, from the gate.
    unsafe {
        sigsys::gate::syscall(
            libc::SYS_write as u64,
            [
                OUT_FD as u64,
                bytes.as_ptr() as u64,
                bytes.len() as u64,
                0,
                0,
                0,
            ],
        );
    }
}

fn child(trapped: bool) {
    let dir = std::env::var(DIR).expect("oracle directory");
    std::env::set_current_dir(&dir).expect("chdir to the oracle directory");
    let out = std::env::var(OUT).unwrap_or_else(|_| "/dev/null".into());
    let file = fs::File::create(&out).expect("output file");
    let fd = file.into_raw_fd();
    // SAFETY: plain descriptor and umask calls on our own process.
    unsafe {
        assert_eq!(libc::dup2(fd, OUT_FD), OUT_FD);
        libc::close(fd);
        libc::umask(0o022);
    }
    if trapped {
        // The handler runs on the alternate stack (SA_ONSTACK); Rust's own is 8 KiB, too
        // small for an unoptimised formatter.
        let stack: &'static mut [u8] = Box::leak(vec![0u8; 1 << 20].into_boxed_slice());
        // SAFETY: the leaked memory is ours for the life of the process.
        unsafe { install::set_altstack(stack.as_mut_ptr(), stack.len()) }.expect("altstack");
        MAIN_PID.store(i64::from(std::process::id()), Ordering::Relaxed);
        // SAFETY: the handler only uses the gate, the stack and SelfMemory.
        unsafe { install::install_handler(on_sigsys) }.expect("install handler");
        let mut prog = [filter::ret(libc::SECCOMP_RET_TRAP); filter::GATE_PREFIX_LEN + 1];
        prog[..filter::GATE_PREFIX_LEN].copy_from_slice(&filter::gate_prefix());
        // SAFETY: the handler is installed; it passes every call through.
        unsafe { filter::install(&prog, 0) }.expect("install filter");
    }
    calls::run();
    // SAFETY: ends the process without running anything else.
    unsafe { libc::_exit(0) };
}

// ---------------------------------------------------------------------------------------
// The driver.

fn fresh_dir(path: &Path) {
    let _ = fs::remove_dir_all(path);
    fs::create_dir_all(path).expect("create the oracle directory");
}

fn driver() -> i32 {
    if !Path::new(STRACE).exists() {
        eprintln!(
            "strace_oracle: {STRACE} is missing; install strace (CI does: apt-get install strace)"
        );
        println!("strace_oracle: 0 passed, 1 failed");
        return 1;
    }
    let exe = std::env::current_exe().expect("current exe");
    // No digits in the name: the pid rule would rewrite them.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tag: String = format!("{:08}", nanos ^ std::process::id())
        .bytes()
        .map(|b| char::from(b'a' + (b - b'0')))
        .collect();
    let base: PathBuf = std::env::temp_dir().join(format!("sigsys-oracle-{tag}"));
    let work = base.join("work");
    let strace_txt = base.join("strace.txt");
    let sigsys_txt = base.join("sigsys.txt");

    fresh_dir(&work);
    let st = Command::new(STRACE)
        .args(["-qq", "-e", "signal=none", "-o"])
        .arg(&strace_txt)
        .arg(&exe)
        .env(MODE, "strace")
        .env(DIR, &work)
        // strace dates file times in local time; sigsys::fmt in UTC.
        .env("TZ", "UTC")
        .status()
        .expect("run strace");
    assert!(st.success(), "the program under strace failed: {st}");

    fresh_dir(&work);
    let st = Command::new(&exe)
        .env(MODE, "sigsys")
        .env(DIR, &work)
        .env(OUT, &sigsys_txt)
        .status()
        .expect("run the trapped program");
    assert!(st.success(), "the trapped program failed: {st}");

    let theirs = normalise(&between_markers(
        &fs::read_to_string(&strace_txt).expect("strace output"),
    ));
    let ours = normalise(&between_markers(
        &fs::read_to_string(&sigsys_txt).expect("sigsys output"),
    ));
    let code = compare(&theirs, &ours);
    if code == 0 {
        let _ = fs::remove_dir_all(&base);
    } else {
        eprintln!("outputs kept in {}", base.display());
    }
    code
}

fn between_markers(text: &str) -> Vec<String> {
    let start = format!("close({})", prims::START);
    let end = format!("close({})", prims::END);
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with(&start) {
            inside = true;
            continue;
        }
        if line.starts_with(&end) {
            break;
        }
        // strace's note when the personality changes (int $0x80 calls).
        if inside && !line.starts_with("[ Process PID=") {
            lines.push(line.to_string());
        }
    }
    lines
}

/// Collapses the padding before `= `.
fn collapse_padding(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut spaces = 0usize;
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        if spaces > 0 {
            let result_follows = c == '=' && chars.get(i + 1) == Some(&' ');
            let n = if result_follows { 1 } else { spaces };
            out.extend(std::iter::repeat_n(' ', n));
            spaces = 0;
        }
        out.push(c);
    }
    out.extend(std::iter::repeat_n(' ', spaces));
    out
}

/// `0x` followed by 5 or more hex digits becomes `0xADDR`.
fn mask_addresses(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'0'
            && b.get(i + 1) == Some(&b'x')
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        {
            let digits = b[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            if digits >= 5 {
                out.push_str("0xADDR");
                i += 2 + digits;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

fn replace_word(line: &str, word: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(pos) = rest.find(word) {
        let before_ok = rest[..pos]
            .chars()
            .last()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        let after = &rest[pos + word.len()..];
        let after_ok = after
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        out.push_str(&rest[..pos]);
        out.push_str(if before_ok && after_ok { with } else { word });
        rest = after;
    }
    out.push_str(rest);
    out
}

fn result_of(lines: &[String], call: &str) -> Option<String> {
    lines
        .iter()
        .find(|l| l.starts_with(call))
        .and_then(|l| l.rsplit(" = ").next())
        .map(str::to_string)
}

fn normalise(lines: &[String]) -> Vec<String> {
    let lines: Vec<String> = lines
        .iter()
        .map(|l| mask_addresses(&collapse_padding(l)))
        .collect();
    let pid = result_of(&lines, "getpid()");
    let ppid = result_of(&lines, "getppid()");
    let children: Vec<String> = lines
        .iter()
        .filter(|l| l.starts_with("clone("))
        .filter_map(|l| l.rsplit(" = ").next().map(str::to_string))
        .collect();
    lines
        .into_iter()
        .map(|mut l| {
            if let Some(p) = &pid {
                l = replace_word(&l, p, "PID");
            }
            if let Some(p) = &ppid {
                l = replace_word(&l, p, "PPID");
            }
            for p in &children {
                l = replace_word(&l, p, "CHILD");
            }
            l
        })
        .collect()
}

fn name_of(line: &str) -> &str {
    line.split('(').next().unwrap_or(line)
}

fn compare(theirs: &[String], ours: &[String]) -> i32 {
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut used = vec![false; KNOWN_DIFFERENCES.len()];
    let n = theirs.len().max(ours.len());
    for i in 0..n {
        let t = theirs.get(i).map(String::as_str).unwrap_or("<missing>");
        let o = ours.get(i).map(String::as_str).unwrap_or("<missing>");
        if t == o {
            passed += 1;
            println!("ok    {t}");
            continue;
        }
        let known = KNOWN_DIFFERENCES
            .iter()
            .enumerate()
            .find(|(_, (theirs, _, instead))| t.starts_with(theirs) && o.starts_with(instead));
        match known {
            Some((k, (_, reason, _))) => {
                used[k] = true;
                passed += 1;
                println!("known {t}\n      sigsys: {o}\n      because {reason}");
            }
            None => {
                failed += 1;
                println!("DIFF  strace: {t}\n      sigsys: {o}");
            }
        }
        let _ = name_of(t);
    }
    for (k, used) in used.iter().enumerate() {
        if !used {
            failed += 1;
            println!(
                "STALE known difference no longer seen: {:?}",
                KNOWN_DIFFERENCES[k].0
            );
        }
    }
    if passed < 40 {
        failed += 1;
        println!("too few calls compared: {passed}");
    }
    println!(
        "{} calls compared, {} of them known differences",
        n,
        used.iter().filter(|u| **u).count()
    );
    println!("strace_oracle: {passed} passed, {failed} failed");
    i32::from(failed > 0)
}
