//! Benchmarks of the SIGSYS handler hot path, in one binary (`cargo bench --bench handler`).
//!
//! - `in_process/*`: the crate's functions on a synthetic but valid context (no signal).
//! - `round_trip/*`: a trapped `getppid` from user code back to user code, through the real
//!   kernel: native, seccomp and SUD, with a bare libc-only handler (the floor) and with
//!   sigsys handlers that emulate, pass through or restart.
//!
//! Kernel state only accumulates where it can be undone: SUD is armed and disarmed on the
//! main thread of this process; the seccomp groups run in a re-exec of this binary
//! (`SIGSYS_BENCH_CHILD=seccomp`), since a filter is irreversible. At the end the parent
//! prints a Markdown table of medians and ratios to the floor (see `BENCHMARKS.md`).

use std::arch::asm;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;
use sigsys::args::typed_args;
use sigsys::fmt::{write_line, FixedBuf, Options};
use sigsys::install::{self, KernelSigaction, HANDLER_FLAGS};
use sigsys::mem::{FastMemory, Memory, NoMemory, SelfMemory};
use sigsys::sud::{self, Selector};
use sigsys::testing::Frame;
use sigsys::{filter, gate, Syscall, Trap};
use syscalls::x86_64::Sysno;

const CHILD_ENV: &str = "SIGSYS_BENCH_CHILD";
const GETPPID: u64 = 110;
/// The argument tag that lets a restarted call through the seccomp filter (in R9).
const TAG: u64 = 0x5157_5359;

static SELECTOR: Selector = Selector::new();

fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(3))
        .without_plots()
        .configure_from_args()
}

fn main() {
    let mut c = criterion();
    // Memory reads by safecopy (issue 11): the crate's SIGSEGV/SIGBUS handler claims the
    // faults of its copy routine.
    sigsys::safecopy::install().expect("install safecopy");
    match std::env::var(CHILD_ENV).as_deref() {
        Ok("seccomp") => {
            round_trip_seccomp(&mut c);
            c.final_summary();
        }
        Ok(other) => panic!("unknown {CHILD_ENV}={other}"),
        Err(_) => {
            in_process(&mut c);
            round_trip_native_and_sud(&mut c);
            c.final_summary();
            let exe = std::env::current_exe().expect("bench binary path");
            let status = Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env(CHILD_ENV, "seccomp")
                .status()
                .expect("spawn the seccomp child");
            assert!(status.success(), "seccomp child failed: {status:?}");
            print_summary();
        }
    }
}

// ---------------------------------------------------------------------------------------
// In-process: the crate's functions on a synthetic context
// ---------------------------------------------------------------------------------------

/// A frame as the kernel delivers it for a seccomp-trapped x86_64 `getppid(1, 2)`, boxed
/// so that its call address (just past its own `syscall` bytes) stays put.
fn synthetic() -> Box<Frame> {
    Box::new(Frame::seccomp(Syscall::x86_64(
        Sysno::getppid,
        [1, 2, 0, 0, 0, 0],
    )))
}

/// One strace line into a 512-byte stack buffer; returns its length.
fn format_line(call: &Syscall, ret: i64, mem: &impl Memory) -> usize {
    let mut storage = [0u8; 512];
    let mut out = FixedBuf::new(&mut storage);
    let _ = write_line(&mut out, call, ret, mem, &Options::DEFAULT);
    black_box(out.as_bytes());
    out.len()
}

fn fold(call: &Syscall) -> u64 {
    call.args
        .iter()
        .fold(u64::from(call.nr) ^ call.abi as u64, |a, &x| a ^ x)
}

/// As [`synthetic`], for `openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC)`.
fn synthetic_openat() -> Box<Frame> {
    Box::new(Frame::seccomp(Syscall::x86_64(
        Sysno::openat,
        [
            -100i64 as u64,
            c"/etc/ld.so.cache".as_ptr() as u64,
            0o2000000,
            0,
            0,
            0,
        ],
    )))
}

fn in_process(c: &mut Criterion) {
    let mut frame = synthetic();
    let (info, ctx) = frame.parts();
    let mut g = c.benchmark_group("in_process");
    // Validation alone: siginfo checks and the register cross-checks.
    g.bench_function("decode_validate", |b| {
        b.iter(|| black_box(Trap::new(black_box(&info), ctx).is_ok()))
    });
    // Decode and consume every field of the call (folded into one word, so that nothing is
    // optimised away and no large value goes through `black_box`).
    g.bench_function("decode", |b| {
        b.iter(|| {
            let trap = Trap::new(black_box(&info), ctx);
            black_box(trap.map_or(0, |t| fold(&t.syscall())))
        })
    });
    g.bench_function("decode_sysno", |b| {
        b.iter(|| {
            let trap = Trap::new(black_box(&info), ctx);
            black_box(trap.map_or((None, 0), |t| {
                let call = t.syscall();
                (call.canonical(), call.name().map_or(0, str::len))
            }))
        })
    });
    // Typed decode: the x86_64-meaning signature and typed values of the arguments.
    let mut oframe = synthetic_openat();
    let (oinfo, octx) = oframe.parts();
    g.bench_function("decode_typed_openat", |b| {
        b.iter(|| {
            let trap = Trap::new(black_box(&oinfo), octx);
            black_box(
                trap.ok()
                    .and_then(|t| typed_args(&t.syscall()))
                    .map(|t| t.args().len()),
            )
        })
    });
    g.bench_function("decode_emulate", |b| {
        b.iter(|| {
            // Emulating wrote RAX: put the number back (one store).
            ctx.mcontext.rax = GETPPID;
            if let Ok(mut trap) = Trap::new(black_box(&info), ctx) {
                if trap.syscall().is(Sysno::getppid) {
                    trap.set_return(1);
                }
            }
        })
    });
    {
        let mut frame = synthetic();
        // SAFETY: the frame's call is getppid, which has no effect.
        let mut trap = unsafe { frame.trap_live() }.expect("valid synthetic context");
        g.bench_function("set_result", |b| {
            b.iter(|| trap.set_result(black_box(Ok(1))))
        });
        let call_addr = trap.call_addr();
        g.bench_function("restart", |b| {
            b.iter(|| {
                // SAFETY: a test frame's RIP, put back where the kernel left it.
                unsafe { trap.ucontext_mut() }.mcontext.rip = call_addr;
                black_box(trap.restart())
            })
        });
        g.bench_function("pass_through_getppid", |b| {
            b.iter(|| black_box(trap.pass_through()))
        });
    }
    // Formatting a strace line into a 512-byte stack buffer: openat with its path read
    // through the kernel (SelfMemory: one process_vm_readv per string, on the cached pid),
    // read by safecopy (FastMemory), and the same with NoMemory (pointers printed as
    // addresses: the pure formatting cost).
    let path = b"/etc/ld.so.cache\0";
    let openat = Syscall::x86_64(
        Sysno::openat,
        [(-100i64) as u64, path.as_ptr() as u64, 0o2000000, 0, 0, 0],
    );
    g.bench_function("format_line_openat_selfmem", |b| {
        b.iter(|| format_line(black_box(&openat), 3, &SelfMemory))
    });
    // The same path read by safecopy (a direct copy whose faults the crate's SIGSEGV
    // handler claims).
    let fast = FastMemory::current();
    assert!(fast.is_fast(), "safecopy in force");
    g.bench_function("format_line_openat_safecopy", |b| {
        b.iter(|| format_line(black_box(&openat), 3, &fast))
    });
    g.bench_function("format_line_openat_nomem", |b| {
        b.iter(|| format_line(black_box(&openat), 3, &NoMemory))
    });
    let getppid = Syscall::x86_64(Sysno::getppid, [0; 6]);
    g.bench_function("format_line_getppid", |b| {
        b.iter(|| format_line(black_box(&getppid), 1, &NoMemory))
    });
    g.bench_function("gate_getppid", |b| {
        // SAFETY: getppid has no effects.
        b.iter(|| unsafe { gate::run(black_box(&Syscall::x86_64(Sysno::getppid, [0; 6]))) })
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Round trips through the kernel
// ---------------------------------------------------------------------------------------

/// `getppid` with a `syscall` instruction of this binary (outside the gate), every argument
/// register declared clobbered since a restart may rewrite them. R9 is 0: not the tag.
#[inline(never)]
fn getppid_raw() -> i64 {
    let ret: i64;
    // SAFETY: getppid has no effects; the handlers under test only emulate or re-run it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") GETPPID as i64 => ret,
            inout("rdi") 0u64 => _, inout("rsi") 0u64 => _, inout("rdx") 0u64 => _,
            inout("r10") 0u64 => _, inout("r8") 0u64 => _, inout("r9") 0u64 => _,
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// The floor: a minimal libc-only handler that answers by writing RAX in the context.
extern "C" fn bare_handler(_sig: libc::c_int, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: the kernel passes a valid context to an SA_SIGINFO handler.
    unsafe { (*uc).uc_mcontext.gregs[libc::REG_RAX as usize] = 1 };
}

/// The floor of a restart: a minimal libc-only handler that restarts the call by hand
/// (RIP back over the 2-byte `syscall`, RAX the number again) and, for SUD, lets it
/// through with the selector, checking nothing. What a restart costs beyond it is the
/// crate's (the call itself runs in both).
extern "C" fn bare_restart_sud(
    _sig: libc::c_int,
    _info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid context to an SA_SIGINFO handler.
    unsafe { rewind_by_hand(ctx, None) };
    SELECTOR.allow();
}

/// [`bare_restart_sud`] for seccomp: the tag in R9 instead of the selector.
extern "C" fn bare_restart_tag(
    _sig: libc::c_int,
    _info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) {
    // SAFETY: as above.
    unsafe { rewind_by_hand(ctx, Some(TAG)) };
}

/// RIP back 2, RAX the number again, and the tag in R9 if given, in the handler's `ctx`.
///
/// # Safety
///
/// `ctx` is the context the kernel passed to an `SA_SIGINFO` handler, not in use elsewhere.
unsafe fn rewind_by_hand(ctx: *mut libc::c_void, tag: Option<u64>) {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: the caller's contract.
    let g = unsafe { &mut (*uc).uc_mcontext.gregs };
    g[libc::REG_RIP as usize] -= 2;
    g[libc::REG_RAX as usize] = GETPPID as i64;
    if let Some(t) = tag {
        g[libc::REG_R9 as usize] = t as i64;
    }
}

/// sigsys: decode, and emulate getppid (anything else goes through the gate).
extern "C" fn emulate_handler(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes these pointers to the handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return;
    };
    if trap.syscall().is(Sysno::getppid) {
        trap.set_return(1);
    } else if trap.pass_through().is_err() {
        trap.set_errno(syscalls::Errno::ENOSYS);
    }
}

/// sigsys: decode, format the strace line into a 512-byte stack buffer, emulate.
extern "C" fn format_handler(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes these pointers to the handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return;
    };
    black_box(format_line(&trap.syscall(), 1, &trap.memory()));
    trap.set_return(1);
}

/// sigsys: decode and run the call for real from the gate.
extern "C" fn pass_handler(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes these pointers to the handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return;
    };
    if trap.pass_through().is_err() {
        trap.set_errno(syscalls::Errno::ENOSYS);
    }
}

/// sigsys under SUD: re-execute the call with the selector at ALLOW.
extern "C" fn restart_sud_handler(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes these pointers to the handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return;
    };
    if trap.restart().is_ok() {
        SELECTOR.allow();
    } else {
        trap.set_errno(syscalls::Errno::ENOSYS);
    }
}

/// sigsys under seccomp: re-execute the call with the tag the filter lets through.
extern "C" fn restart_tag_handler(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes these pointers to the handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return;
    };
    let mut call = trap.syscall();
    call.args[5] = TAG;
    if trap.restart_with(call).is_err() {
        trap.set_errno(syscalls::Errno::ENOSYS);
    }
}

/// Installs `handler` for SIGSYS exactly as `install::install_handler` does (same flags,
/// the gate's restorer), so that handlers differ only in their bodies.
fn use_handler(handler: install::Handler) {
    let action = KernelSigaction {
        handler: handler as usize as u64,
        flags: HANDLER_FLAGS,
        restorer: gate::restorer(),
        mask: 0,
    };
    // SAFETY: every handler of this file is async-signal-safe.
    unsafe { install::set_action(libc::SIGSYS, &action) }.expect("rt_sigaction");
}

fn check_answer(expected: i64) {
    let got = getppid_raw();
    assert_eq!(got, expected, "the trapped getppid returned {got}");
}

fn round_trip_native_and_sud(c: &mut Criterion) {
    let ppid = i64::from(std::os::unix::process::parent_id());
    let mut g = c.benchmark_group("round_trip");
    g.bench_function("native_getppid", |b| b.iter(getppid_raw));

    // SAFETY: SELECTOR is a static; SUD is disarmed below before anything else runs.
    if unsafe { sud::arm(&SELECTOR) }.is_err() {
        eprintln!("round_trip: no Syscall User Dispatch on this kernel; SUD rows skipped");
        g.finish();
        return;
    }
    g.bench_function("sud_allow_getppid", |b| b.iter(getppid_raw));
    let blocked = |b: &mut criterion::Bencher| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            SELECTOR.block();
            for _ in 0..iters {
                black_box(getppid_raw());
            }
            SELECTOR.allow();
            start.elapsed()
        })
    };
    use_handler(bare_handler);
    SELECTOR.block();
    check_answer(1);
    SELECTOR.allow();
    g.bench_function("sud_bare_handler", blocked);
    use_handler(emulate_handler);
    SELECTOR.block();
    check_answer(1);
    SELECTOR.allow();
    g.bench_function("sud_sigsys_emulate", blocked);
    use_handler(restart_sud_handler);
    SELECTOR.block();
    check_answer(ppid);
    SELECTOR.allow();
    g.bench_function("sud_sigsys_restart", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                SELECTOR.block();
                black_box(getppid_raw());
            }
            SELECTOR.allow();
            start.elapsed()
        })
    });
    g.finish();
    paired(
        "SUD",
        &[
            ("bare handler (floor)", bare_handler),
            ("sigsys decode + emulate", emulate_handler),
            ("sigsys decode + format + emulate", format_handler),
            ("sigsys restart + selector ALLOW", restart_sud_handler),
            (
                "bare restart + selector ALLOW (restart floor)",
                bare_restart_sud,
            ),
        ],
        true,
        &[(3, 4)],
    );
    sud::disarm().expect("disarm SUD");
}

/// gate prefix; getppid traps unless R9 carries the tag; everything else is allowed.
fn seccomp_filter() -> Vec<libc::sock_filter> {
    use libc::{BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_W};
    let mut prog = filter::gate_prefix().to_vec();
    prog.extend([
        filter::load_nr(),
        filter::jump(BPF_JMP | BPF_JEQ | BPF_K, GETPPID as u32, 0, 3),
        filter::stmt(BPF_LD | BPF_W | BPF_ABS, 16 + 8 * 5), // low half of args[5]
        filter::jump(BPF_JMP | BPF_JEQ | BPF_K, TAG as u32, 1, 0),
        filter::ret(libc::SECCOMP_RET_TRAP),
        filter::ret(libc::SECCOMP_RET_ALLOW),
    ]);
    prog
}

fn round_trip_seccomp(c: &mut Criterion) {
    let ppid = i64::from(std::os::unix::process::parent_id());
    use_handler(bare_handler);
    // SAFETY: this process is the seccomp child: the filter traps only untagged getppid,
    // which every handler below answers.
    unsafe { filter::install(&seccomp_filter(), 0) }.expect("install the seccomp filter");
    let mut g = c.benchmark_group("round_trip");
    let run = |g: &mut criterion::BenchmarkGroup<'_, _>, name: &str, expect: i64| {
        check_answer(expect);
        g.bench_function(name, |b| b.iter(getppid_raw));
    };
    run(&mut g, "seccomp_bare_handler", 1);
    use_handler(emulate_handler);
    run(&mut g, "seccomp_sigsys_emulate", 1);
    use_handler(format_handler);
    run(&mut g, "seccomp_sigsys_format_emulate", 1);
    use_handler(pass_handler);
    run(&mut g, "seccomp_sigsys_pass_through", ppid);
    use_handler(restart_tag_handler);
    run(&mut g, "seccomp_sigsys_restart_tag", ppid);
    g.finish();
    paired(
        "seccomp",
        &[
            ("bare handler (floor)", bare_handler),
            ("sigsys decode + emulate", emulate_handler),
            ("sigsys decode + format + emulate", format_handler),
            ("sigsys pass-through", pass_handler),
            ("sigsys restart (tag)", restart_tag_handler),
            ("bare restart (tag) (restart floor)", bare_restart_tag),
        ],
        false,
        &[(4, 5)],
    );
}

// ---------------------------------------------------------------------------------------
// Paired A/B rounds: ratios that survive background load
// ---------------------------------------------------------------------------------------

const PAIRED_ROUNDS: usize = 101;
const PAIRED_CALLS: u32 = 2000;

/// Whether this run measures (not `--test`, not `--list`).
fn measuring() -> bool {
    !std::env::args().any(|a| a == "--test" || a == "--list")
}

/// Alternates the handlers in short rounds (the first is the reference) and prints, for
/// each, the median ns/call and the median of its per-round ratio to the reference: drift
/// from other load on the machine hits both sides of each ratio alike. Each `(a, b)` of
/// `also` prints the median per-round ratio of handler `a` to handler `b` as well.
fn paired(
    config: &str,
    handlers: &[(&str, install::Handler)],
    block_each: bool,
    also: &[(usize, usize)],
) {
    if !measuring() {
        return;
    }
    let mut ns: Vec<Vec<f64>> = vec![Vec::new(); handlers.len()];
    for _ in 0..PAIRED_ROUNDS {
        for (i, (_, h)) in handlers.iter().enumerate() {
            use_handler(*h);
            for _ in 0..50 {
                if block_each {
                    SELECTOR.block();
                }
                black_box(getppid_raw());
            }
            let start = Instant::now();
            for _ in 0..PAIRED_CALLS {
                if block_each {
                    SELECTOR.block();
                }
                black_box(getppid_raw());
            }
            SELECTOR.allow();
            ns[i].push(start.elapsed().as_nanos() as f64 / f64::from(PAIRED_CALLS));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let reference = ns[0].clone();
    let rounds = ns.clone(); // in round order (the medians below sort `ns`)
    for (i, (name, _)) in handlers.iter().enumerate() {
        let mut ratios: Vec<f64> = ns[i].iter().zip(&reference).map(|(a, b)| a / b).collect();
        let r = median(&mut ratios);
        let m = median(&mut ns[i]);
        println!(
            "PAIRED | {config} | {name} | {m:.0} | {r:.3} | (median of {PAIRED_ROUNDS} rounds \
             of {PAIRED_CALLS} calls; ratio to {})",
            handlers[0].0
        );
    }
    for &(a, b) in also {
        let mut ratios: Vec<f64> = rounds[a]
            .iter()
            .zip(&rounds[b])
            .map(|(x, y)| x / y)
            .collect();
        let r = median(&mut ratios);
        println!(
            "PAIRED | {config} | {} / {} | | {r:.3} | (median of the per-round ratios)",
            handlers[a].0, handlers[b].0
        );
    }
}

// ---------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------

fn criterion_dir() -> std::path::PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => std::path::PathBuf::from(t).join("criterion"),
        None => "target/criterion".into(),
    }
}

/// The median point estimate (ns) of `group/name` from criterion's `estimates.json`.
fn median_ns(group: &str, name: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(name)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let median = &text[text.find("\"median\"")?..];
    let pe = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = pe.find([',', '}'])?;
    pe[..end].trim().parse().ok()
}

fn print_summary() {
    let floor = median_ns("round_trip", "seccomp_bare_handler");
    println!("\n| path | ns/call (median) | ratio to floor |\n|---|---:|---:|");
    let rows = [
        ("in_process", "decode_validate"),
        ("in_process", "decode"),
        ("in_process", "decode_sysno"),
        ("in_process", "decode_typed_openat"),
        ("in_process", "decode_emulate"),
        ("in_process", "set_result"),
        ("in_process", "restart"),
        ("in_process", "pass_through_getppid"),
        ("in_process", "format_line_getppid"),
        ("in_process", "format_line_openat_nomem"),
        ("in_process", "format_line_openat_selfmem"),
        ("in_process", "format_line_openat_safecopy"),
        ("in_process", "gate_getppid"),
        ("round_trip", "native_getppid"),
        ("round_trip", "sud_allow_getppid"),
        ("round_trip", "seccomp_bare_handler"),
        ("round_trip", "seccomp_sigsys_emulate"),
        ("round_trip", "seccomp_sigsys_format_emulate"),
        ("round_trip", "seccomp_sigsys_pass_through"),
        ("round_trip", "seccomp_sigsys_restart_tag"),
        ("round_trip", "sud_bare_handler"),
        ("round_trip", "sud_sigsys_emulate"),
        ("round_trip", "sud_sigsys_restart"),
    ];
    for (group, name) in rows {
        let Some(ns) = median_ns(group, name) else {
            continue;
        };
        let ratio = floor.map_or(String::from("-"), |f| format!("{:.3}", ns / f));
        println!("| {group}/{name} | {ns:.1} | {ratio} |");
    }
}
