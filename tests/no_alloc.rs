//! Allocation-freedom of the handler path, measured: a counting global allocator, and a
//! handler that records how many allocations happened while it ran decode, emulate,
//! restart and pass-through on real traps.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

use common::{filter_trap_all, install, install_filter, run_in_child, syscall6, trap};
use sigsys::sud::Selector;
use syscalls::x86_64::Sysno as S;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's allocations: what the handler counts, so that another thread's (the
    /// test harness's, which runs the test on a thread of its own) never does. Const
    /// initialised and without `Drop`: its access allocates nothing.
    static MINE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn mine() -> usize {
    MINE.with(std::cell::Cell::get)
}

fn count_one() {
    ALLOCATIONS.fetch_add(1, SeqCst);
    MINE.with(|m| m.set(m.get().wrapping_add(1)));
}

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: forwarded contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

static IN_HANDLER_ALLOCS: AtomicUsize = AtomicUsize::new(0);
static HANDLED: [AtomicUsize; 4] = [const { AtomicUsize::new(0) }; 4];
static SELECTOR: Selector = Selector::new();
/// getpriority is restarted once; re-trapped under seccomp, it is passed through.
static RESTARTED: AtomicBool = AtomicBool::new(false);

const EMULATE: usize = 0;
const RESTART: usize = 1;
const PASS: usize = 2;
const REJECTED: usize = 3;

extern "C" fn counting_handler(_: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let before = mine();
    let kind = match trap(info, ctx) {
        Err(_) => REJECTED,
        Ok(mut t) => {
            let call = t.syscall();
            let _ = (call.name(), call.canonical(), t.site(), t.cause());
            // Memory reads by safecopy: one that faults (claimed by the crate's SIGSEGV
            // handler) and one that does not.
            let mem = t.memory();
            let word = 7u64;
            let _ = sigsys::mem::read_array::<8>(&mem, (&raw const word) as u64);
            let _ = sigsys::mem::Memory::read(&mem, 8, &mut [0u8; 8]);
            if call.is(S::getppid) {
                t.set_return(31337);
                EMULATE
            } else if call.is(S::getpriority)
                && !RESTARTED.swap(true, SeqCst)
                && t.restart().is_ok()
            {
                SELECTOR.allow(); // the re-executed call goes through
                RESTART
            } else {
                let _ = t.pass_through();
                PASS
            }
        }
    };
    IN_HANDLER_ALLOCS.fetch_add(mine().wrapping_sub(before), SeqCst);
    HANDLED[kind].fetch_add(1, SeqCst);
}

fn count(kind: usize) -> usize {
    HANDLED[kind].load(SeqCst)
}

/// Zero allocations inside the handler across decode, safecopy reads (one of them faulting:
/// the crate's SIGSEGV handler runs inside the SIGSYS handler), emulate (seccomp), restart
/// (SUD; its instruction bytes read by safecopy), pass-through (seccomp, file I/O through
/// the supervisor filter) and a rejected forged signal; each path ran at least once.
#[test]
fn handler_path_allocates_nothing() {
    run_in_child("handler_path_allocates_nothing", || {
        install(counting_handler);
        #[cfg(target_arch = "x86_64")]
        sigsys::safecopy::install().unwrap();
        let getpriority = || {
            syscall6(
                libc::SYS_getpriority as u64,
                [libc::PRIO_PROCESS as u64, 0, 0, 0, 0, 0],
            )
        };
        // Restart under SUD first (SUD is per thread and can be disarmed); without SUD
        // (arm64), under the filter below: restarted once, then passed through.
        // SAFETY: SELECTOR is static.
        let sud = unsafe { sigsys::sud::arm(&SELECTOR) }.is_ok();
        if sud {
            SELECTOR.block();
            let prio = getpriority();
            SELECTOR.allow();
            sigsys::sud::disarm().unwrap();
            assert!(prio >= 0, "restarted getpriority ran: {prio}");
        } else {
            println!("no SUD on this kernel: restart under seccomp");
        }
        // A forged signal, rejected.
        let tid = unsafe { libc::gettid() };
        unsafe { libc::syscall(libc::SYS_tgkill, std::process::id(), tid, libc::SIGSYS) };
        // Then everything under the supervisor filter.
        install_filter(&filter_trap_all());
        assert_eq!(syscall6(libc::SYS_getppid as u64, [0; 6]), 31337);
        if !sud {
            let prio = getpriority();
            assert!(
                prio >= 0,
                "restarted, then passed-through getpriority ran: {prio}"
            );
        }
        let text = std::fs::read_to_string("/proc/self/comm").unwrap();
        assert!(!text.is_empty());
        let counts = [EMULATE, RESTART, PASS, REJECTED].map(count);
        let allocs = IN_HANDLER_ALLOCS.load(SeqCst);
        println!("handler runs (emulate, restart, pass, rejected): {counts:?}; allocations inside the handler: {allocs}");
        assert!(counts.iter().all(|&c| c > 0), "every path ran: {counts:?}");
        assert!(ALLOCATIONS.load(SeqCst) > 0, "the counter counts");
        assert_eq!(allocs, 0, "allocations inside the handler");
    });
}

static NULL_FD: AtomicUsize = AtomicUsize::new(usize::MAX);

/// A policy of the kind the README recommends: decode, run a rewritten call
/// (`pass_through_with`), read a string argument, format the line, write it.
fn formatting_policy(trap: &mut sigsys::Trap) {
    let mut call = trap.syscall();
    let mut path = [0u8; 64];
    let _ = sigsys::mem::read_cstr_arg(&sigsys::mem::SelfMemory, &call, 1, &mut path);
    let ret = if call.is(S::getppid) {
        call.nr = libc::SYS_getpid as u32;
        // SAFETY: getpid has no arguments.
        unsafe { trap.pass_through_with(call) }.unwrap_or(-1)
    } else {
        trap.pass_through().unwrap_or(-1)
    };
    let mut storage = [0u8; 512];
    let mut out = sigsys::fmt::FixedBuf::new(&mut storage);
    // `-yy`: descriptors in detail, a socket's from the kernel's sock_diag netlink.
    let opts = sigsys::fmt::Options {
        fd_paths: true,
        fd_details: sigsys::fmt::FdDetails::all(),
        ..sigsys::fmt::Options::DEFAULT
    };
    let mem = sigsys::mem::SelfMemory;
    let _ = sigsys::fmt::write_line(&mut out, &trap.syscall(), ret, &mem, &opts);
    let _ = sigsys::io::write_all(NULL_FD.load(SeqCst) as i32, out.as_bytes());
}

/// Zero allocations from the trapping call to its return through `handler::install`'s
/// entry (errno saving, decoding) and a policy that rewrites, reads a string, formats and
/// writes with `io::write_all` (descriptors in detail: a unix socket pair and a TCP socket,
/// asked of the kernel's sock_diag): counted around the trapped calls themselves, so the
/// entry is included.
#[test]
fn handler_entry_and_writer_allocate_nothing() {
    run_in_child("handler_entry_and_writer_allocate_nothing", || {
        common::big_altstack();
        let null = std::fs::File::options()
            .write(true)
            .open("/dev/null")
            .unwrap();
        NULL_FD.store(std::os::fd::IntoRawFd::into_raw_fd(null) as usize, SeqCst);
        // SAFETY: the policy uses only sigsys.
        unsafe { sigsys::handler::install(formatting_policy) }.unwrap();
        install_filter(&common::filter_trapping(
            &[
                (libc::SYS_getppid as u32, libc::SECCOMP_RET_TRAP),
                (libc::SYS_openat as u32, libc::SECCOMP_RET_TRAP),
                (libc::SYS_fcntl as u32, libc::SECCOMP_RET_TRAP),
            ],
            false,
        ));
        let path = c"/proc/self/comm";
        let mut pair = [0i32; 2];
        // SAFETY: socketpair writes two ints into `pair`.
        let r = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, pair.as_mut_ptr()) };
        assert_eq!(r, 0);
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let tcp = std::os::fd::AsRawFd::as_raw_fd(&tcp);
        let before = ALLOCATIONS.load(SeqCst);
        for fd in [pair[0], tcp] {
            let flags = syscall6(
                libc::SYS_fcntl as u64,
                [fd as u64, libc::F_GETFD as u64, 0, 0, 0, 0],
            );
            assert!((0..=1).contains(&flags), "fcntl passed through: {flags}");
        }
        let pid = syscall6(libc::SYS_getppid as u64, [0; 6]);
        let fd = syscall6(
            libc::SYS_openat as u64,
            [libc::AT_FDCWD as u64, path.as_ptr() as u64, 0, 0, 0, 0],
        );
        let allocs = ALLOCATIONS.load(SeqCst) - before;
        assert_eq!(pid, std::process::id() as i64, "getppid ran as getpid");
        assert!(fd >= 0, "openat passed through: {fd}");
        assert_eq!(
            allocs, 0,
            "allocations from the trapping calls to their return"
        );
    });
}
