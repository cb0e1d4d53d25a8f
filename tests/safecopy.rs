//! Safecopy against the real kernel: faults during a read fail the read and leave the
//! program untouched (unmapped page, `PROT_NONE`, a page another thread unmaps and maps
//! again in a loop, a truncated file mapping: SIGBUS), nested faults, the program's own
//! SIGSEGV handlers see exactly what they see without the crate's handler, and the default
//! action still kills with SIGSEGV. Every test installs signal actions, so each runs in a
//! child of its own.

// The copy routine is x86_64's (other architectures fall back to process_vm_readv).
#![cfg(target_arch = "x86_64")]

mod common;

use std::arch::asm;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};

use common::{filter_trapping, install, install_filter, run_in_child, syscall6};
use sigsys::install::KernelSigaction;
use sigsys::mem::{FastMemory, Memory};
use sigsys::{safecopy, Trap};
use syscalls::Errno;

const PAGE: usize = 4096;

fn map(len: usize, prot: i32) -> *mut u8 {
    // SAFETY: a new anonymous mapping.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            prot,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED);
    p.cast()
}

fn fast() -> FastMemory {
    let m = FastMemory::current();
    assert!(
        m.is_fast(),
        "safecopy in force and SIGSEGV/SIGBUS unblocked"
    );
    m
}

/// Three pages: data, unmapped, `PROT_NONE`; reads stop exactly at the hole, each kind of
/// bad page fails with EFAULT, a write into a read-only page fails and changes nothing.
#[test]
fn unmapped_and_prot_none_fail_cleanly() {
    run_in_child("unmapped_and_prot_none_fail_cleanly", || {
        safecopy::install().unwrap();
        let m = fast();
        let base = map(4 * PAGE, libc::PROT_READ | libc::PROT_WRITE);
        // SAFETY: our mapping.
        unsafe {
            std::ptr::write_bytes(base, 0x5a, PAGE);
            libc::munmap(base.add(PAGE).cast(), PAGE);
            libc::mprotect(base.add(2 * PAGE).cast(), PAGE, libc::PROT_NONE);
            libc::mprotect(base.add(3 * PAGE).cast(), PAGE, libc::PROT_READ);
        }
        let a = base as u64;
        let mut buf = [0u8; 64];
        // The last 10 bytes before the hole: a short read of exactly those.
        assert_eq!(m.read(a + PAGE as u64 - 10, &mut buf), Ok(10));
        assert!(buf[..10].iter().all(|&b| b == 0x5a));
        assert_eq!(m.read(a + PAGE as u64, &mut buf), Err(Errno::EFAULT));
        assert_eq!(m.read(a + 2 * PAGE as u64, &mut buf), Err(Errno::EFAULT));
        assert_eq!(m.read(0, &mut buf), Err(Errno::EFAULT));
        assert_eq!(m.read(u64::MAX - 8, &mut buf), Err(Errno::EFAULT));
        // A kernel address and a non-canonical one (#GP, si_code SI_KERNEL).
        assert_eq!(m.read(0xffff_8000_0000_0000, &mut buf), Err(Errno::EFAULT));
        assert_eq!(m.read(0x8000_0000_0000_0000, &mut buf), Err(Errno::EFAULT));
        // Writes: into the read-only page nothing, into the data page all of it.
        // SAFETY: our own mappings, no references alive.
        unsafe {
            assert_eq!(m.write(a + 3 * PAGE as u64, b"xy"), Err(Errno::EFAULT));
            assert_eq!(*base.add(3 * PAGE), 0);
            assert_eq!(m.write(a + PAGE as u64 - 1, b"xy"), Ok(1));
            assert_eq!(*base.add(PAGE - 1), b'x');
        }
        // The slow reader agrees on every case.
        let slow = FastMemory::SLOW;
        assert_eq!(slow.read(a + PAGE as u64 - 10, &mut buf), Ok(10));
        assert_eq!(slow.read(a + 2 * PAGE as u64, &mut buf), Err(Errno::EFAULT));
        println!("reads and writes over holes: as process_vm_readv");
    });
}

/// A shared file mapping truncated underneath: the page past the new end raises SIGBUS,
/// which is claimed like SIGSEGV.
#[test]
fn truncated_file_mapping_sigbus() {
    run_in_child("truncated_file_mapping_sigbus", || {
        safecopy::install().unwrap();
        let m = fast();
        // SAFETY: plain calls on our own memfd and mapping.
        unsafe {
            let fd = libc::memfd_create(c"sc".as_ptr(), 0);
            assert!(fd >= 0);
            assert_eq!(libc::ftruncate(fd, 2 * PAGE as i64), 0);
            let p = libc::mmap(
                std::ptr::null_mut(),
                2 * PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            std::ptr::write_bytes(p.cast::<u8>(), 7, 2 * PAGE);
            assert_eq!(libc::ftruncate(fd, PAGE as i64), 0);
            let a = p as u64;
            let mut buf = [0u8; 32];
            assert_eq!(m.read(a + PAGE as u64 - 4, &mut buf), Ok(4));
            assert_eq!(m.read(a + PAGE as u64, &mut buf), Err(Errno::EFAULT));
            assert_eq!(m.write(a + PAGE as u64, b"z"), Err(Errno::EFAULT));
        }
        println!("SIGBUS claimed");
    });
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Another thread unmaps and maps the page again in a loop while this one reads it: every
/// read is whole (and right) or fails; nothing faults the process.
#[test]
fn page_unmapped_by_another_thread_while_reading() {
    run_in_child("page_unmapped_by_another_thread_while_reading", || {
        safecopy::install().unwrap();
        let m = fast();
        let page = map(PAGE, libc::PROT_READ | libc::PROT_WRITE) as u64;
        // SAFETY: our mapping.
        unsafe { std::ptr::write_bytes(page as *mut u8, 0x11, PAGE) };
        let flipper = std::thread::spawn(move || {
            let mut flips = 0u64;
            while !STOP.load(SeqCst) {
                // SAFETY: the page is this test's; MAP_FIXED puts it back where it was.
                unsafe {
                    libc::munmap(page as *mut _, PAGE);
                    let p = libc::mmap(
                        page as *mut _,
                        PAGE,
                        libc::PROT_READ | libc::PROT_WRITE,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                        -1,
                        0,
                    );
                    assert_eq!(p as u64, page);
                    std::ptr::write_bytes(p.cast::<u8>(), 0x11, 64);
                }
                flips += 1;
            }
            flips
        });
        let (mut ok, mut failed) = (0u64, 0u64);
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(700) {
            let mut buf = [0u8; 64];
            match m.read(page, &mut buf) {
                // A fresh page is zero until the flipper fills it.
                Ok(n) => {
                    assert!(n <= 64 && buf[..n].iter().all(|&b| b == 0x11 || b == 0));
                    ok += 1;
                }
                Err(e) => {
                    assert_eq!(e, Errno::EFAULT);
                    failed += 1;
                }
            }
        }
        STOP.store(true, SeqCst);
        let flips = flipper.join().unwrap();
        println!("reads: {ok} whole, {failed} failed; {flips} unmaps");
        assert!(ok > 0 && flips > 0);
    });
}

// ---------------------------------------------------------------------------------------
// The program's own SIGSEGV handler
// ---------------------------------------------------------------------------------------

/// Where [`null_load`] resumes when a handler recovers it (set by `null_load` itself).
static RECOVER: AtomicU64 = AtomicU64::new(0);

/// Loads from address 0 (a null dereference). A handler that recovers sets RIP to
/// [`RECOVER`] and RAX to the value to return.
#[inline(never)]
fn null_load() -> u64 {
    let v: u64;
    // SAFETY: the load faults; the test's handler moves RIP past it to label 3.
    unsafe {
        asm!(
            "lea rax, [rip + 3f]",
            "mov qword ptr [rip + {rec}], rax",
            "xor eax, eax",
            "mov rax, qword ptr [rax]",
            "3:",
            rec = sym RECOVER,
            out("rax") v,
            options(nostack),
        );
    }
    v
}

/// What the program's handler saw: signo, code, fault address, faulting RIP, the mask in
/// force inside the handler, the frame's mask, whether it ran on the alternate stack.
#[derive(Debug, PartialEq, Eq, Clone, Copy, Default)]
struct Seen {
    signo: i32,
    code: i32,
    addr: u64,
    rip_is_load: bool,
    blocked_inside: u64,
    frame_mask: u64,
    on_altstack: bool,
}

static SEEN_RAW: [AtomicU64; 7] = [const { AtomicU64::new(0) }; 7];

/// The program's handler: records what it sees, recovers (RIP to RECOVER, RAX = 42).
extern "C" fn program_segv(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel's pointers to a SIGSEGV handler.
    let (code, addr) = unsafe { ((*info).si_code, (*info).si_addr() as u64) };
    let uc = ctx.cast::<sigsys::Ucontext>();
    let mut blocked = 0u64;
    let mut ss: libc::stack_t = unsafe { std::mem::zeroed() };
    // SAFETY: queries only.
    unsafe {
        libc::syscall(
            libc::SYS_rt_sigprocmask,
            libc::SIG_BLOCK,
            0,
            &mut blocked as *mut u64,
            8,
        );
        libc::sigaltstack(std::ptr::null(), &mut ss);
    }
    // SAFETY: the kernel's ucontext.
    let uc = unsafe { &mut *uc };
    let rip = uc.mcontext.rip;
    let vals = [
        sig as u64,
        code as u64,
        addr,
        u64::from(rip == RECOVER.load(SeqCst) - 3),
        blocked,
        uc.sigmask.bits(),
        u64::from(ss.ss_flags & libc::SS_ONSTACK != 0),
    ];
    for (s, v) in SEEN_RAW.iter().zip(vals) {
        s.store(v, SeqCst);
    }
    uc.mcontext.rip = RECOVER.load(SeqCst);
    uc.mcontext.rax = 42;
}

fn take_seen() -> Seen {
    let v: Vec<u64> = SEEN_RAW.iter().map(|a| a.swap(0, SeqCst)).collect();
    Seen {
        signo: v[0] as i32,
        code: v[1] as i32,
        addr: v[2],
        rip_is_load: v[3] == 1,
        blocked_inside: v[4],
        frame_mask: v[5],
        on_altstack: v[6] == 1,
    }
}

type Handler = extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void);

/// A plain libc `sigaction` (libc's restorer, as a program installs it), with SIGUSR2 in
/// the mask.
fn set_handler(sig: i32, handler: Handler, flags: i32) {
    // SAFETY: every handler of this file is async-signal-safe.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | flags;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaddset(&mut sa.sa_mask, libc::SIGUSR2);
        assert_eq!(libc::sigaction(sig, &sa, std::ptr::null_mut()), 0);
    }
}

fn set_program_handler(flags: i32) {
    set_handler(libc::SIGSEGV, program_segv, flags);
}

/// One recovered null dereference; what the handler saw.
fn fault_once() -> Seen {
    assert_eq!(null_load(), 42, "the handler recovered the load");
    take_seen()
}

fn compare_with_and_without(flags: i32) {
    if flags & libc::SA_ONSTACK != 0 {
        let stack: &'static mut [u8] = Box::leak(vec![0u8; 256 * 1024].into_boxed_slice());
        let ss = libc::stack_t {
            ss_sp: stack.as_mut_ptr().cast(),
            ss_flags: 0,
            ss_size: stack.len(),
        };
        // SAFETY: a leaked buffer, this thread's alternate stack from now on.
        assert_eq!(unsafe { libc::sigaltstack(&ss, std::ptr::null_mut()) }, 0);
    }
    set_program_handler(flags);
    let untraced = fault_once();
    safecopy::install().unwrap();
    let with_crate = fault_once();
    // A crate read that faults in between changes nothing for the program.
    assert_eq!(fast().read(16, &mut [0u8; 8]), Err(Errno::EFAULT));
    let again = fault_once();
    println!("program handler saw: {untraced:?}");
    assert_eq!(untraced.signo, libc::SIGSEGV);
    assert_eq!(untraced.code, 1, "SEGV_MAPERR");
    assert!(untraced.rip_is_load);
    assert_eq!(untraced.on_altstack, flags & libc::SA_ONSTACK != 0);
    assert_eq!(
        with_crate, untraced,
        "the same view with the crate's handler chained"
    );
    assert_eq!(again, untraced);
}

/// A null-dereference handler that recovers (moves RIP past the load) sees the same
/// siginfo, RIP, masks and stack with the crate's handler in front of it.
#[test]
fn program_segv_handler_sees_the_same() {
    run_in_child("program_segv_handler_sees_the_same", || {
        compare_with_and_without(0)
    });
}

/// As above, with the program's handler on its alternate stack (SA_ONSTACK).
#[test]
fn program_segv_handler_on_altstack_sees_the_same() {
    run_in_child("program_segv_handler_on_altstack_sees_the_same", || {
        compare_with_and_without(libc::SA_ONSTACK)
    });
}

/// As above, SA_NODEFER (the handler runs with SIGSEGV unblocked).
#[test]
fn program_segv_handler_nodefer_sees_the_same() {
    run_in_child("program_segv_handler_nodefer_sees_the_same", || {
        compare_with_and_without(libc::SA_NODEFER)
    });
}

// ---------------------------------------------------------------------------------------
// Nested faults
// ---------------------------------------------------------------------------------------

static NESTED: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
/// The alternate stack of `nested_faults`: start, end.
static ALT: [AtomicU64; 2] = [const { AtomicU64::new(0) }; 2];

/// The program's SIGSEGV handler reads with the crate (a fault of the crate's inside the
/// program's fault), then recovers.
extern "C" fn segv_reading(_sig: i32, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let m = FastMemory::current();
    let x = 77u64;
    let good = sigsys::mem::read_array::<8>(&m, (&raw const x) as u64).is_ok();
    let bad = m.read(24, &mut [0u8; 8]) == Err(Errno::EFAULT);
    NESTED[0].store(u64::from(m.is_fast()), SeqCst);
    NESTED[1].store(u64::from(good && bad), SeqCst);
    // SAFETY: the kernel's ucontext.
    let uc = unsafe { &mut *ctx.cast::<sigsys::Ucontext>() };
    uc.mcontext.rip = RECOVER.load(SeqCst);
    uc.mcontext.rax = 42;
}

/// SIGUSR1 on the alternate stack: a faulting read there (the fault's frame goes below the
/// handler's, on the same alternate stack).
extern "C" fn usr1_reading(_sig: i32, _info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    let m = FastMemory::current();
    let bad = m.read(32, &mut [0u8; 8]) == Err(Errno::EFAULT);
    let here = (&raw const bad) as u64;
    let (lo, hi) = (ALT[0].load(SeqCst), ALT[1].load(SeqCst));
    NESTED[2].store(
        u64::from(m.is_fast() && bad && (lo..hi).contains(&here)),
        SeqCst,
    );
}

/// Faults inside faults: the crate's read inside the program's SIGSEGV handler (fast with
/// SA_NODEFER, through the kernel without it: SIGSEGV is blocked there), and a faulting
/// read inside a handler running on the alternate stack.
#[test]
fn nested_faults() {
    run_in_child("nested_faults", || {
        safecopy::install().unwrap();
        for (flags, fast_expected) in [(libc::SA_NODEFER, 1), (0, 0)] {
            // Through the crate (the action it chains to), as a tracer would.
            let act = KernelSigaction {
                handler: segv_reading as *const () as usize as u64,
                flags: (libc::SA_SIGINFO | flags) as u64,
                restorer: 0,
                mask: 0,
            };
            // SAFETY: an async-signal-safe handler of this test.
            unsafe { safecopy::set_previous(libc::SIGSEGV, &act) }.unwrap();
            assert_eq!(null_load(), 42);
            assert_eq!(NESTED[0].load(SeqCst), fast_expected, "flags {flags:#x}");
            assert_eq!(
                NESTED[1].load(SeqCst),
                1,
                "nested reads right, flags {flags:#x}"
            );
        }
        let stack = common::big_altstack();
        ALT[0].store(stack.as_ptr() as u64, SeqCst);
        ALT[1].store(stack.as_ptr() as u64 + stack.len() as u64, SeqCst);
        set_handler(libc::SIGUSR1, usr1_reading, libc::SA_ONSTACK);
        // SAFETY: a signal to ourselves, handled above.
        unsafe { libc::raise(libc::SIGUSR1) };
        assert_eq!(
            NESTED[2].load(SeqCst),
            1,
            "faulting read on the alternate stack"
        );
        println!("nested faults: claimed");
    });
}

static SIGSYS_SAW: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];

/// A SIGSYS handler that reads with the trap's memory (a good and a bad pointer) and
/// emulates getppid.
extern "C" fn sigsys_reading(_: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let Ok(mut trap) = common::trap(info, ctx) else {
        return;
    };
    let m = trap.memory();
    let call = trap.syscall();
    let good = sigsys::mem::read_array::<8>(&m, call.args[0]).map_or(0, u64::from_ne_bytes);
    let bad = m.read(call.args[1], &mut [0u8; 8]);
    SIGSYS_SAW[0].store(u64::from(m.is_fast()), SeqCst);
    SIGSYS_SAW[1].store(good, SeqCst);
    SIGSYS_SAW[2].store(u64::from(bad == Err(Errno::EFAULT)), SeqCst);
    trap.set_return(1);
}

/// The SIGSEGV handler that makes a trapped call (a SIGSYS nested in a SIGSEGV handler).
extern "C" fn segv_calling(_sig: i32, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let x = 0xfeed_u64;
    let r = syscall6(
        libc::SYS_getppid as u64,
        [(&raw const x) as u64, 40, 0, 0, 0, 0],
    );
    NESTED[3].store(r as u64, SeqCst);
    // SAFETY: the kernel's ucontext.
    let uc = unsafe { &mut *ctx.cast::<sigsys::Ucontext>() };
    uc.mcontext.rip = RECOVER.load(SeqCst);
    uc.mcontext.rax = 42;
}

/// A SIGSYS inside a SIGSEGV handler: the SIGSYS handler's reads go through the kernel
/// (SIGSEGV is blocked in the frame) and fail cleanly; outside it they are fast.
#[test]
fn sigsys_nested_in_segv_handler() {
    run_in_child("sigsys_nested_in_segv_handler", || {
        install(sigsys_reading);
        safecopy::install().unwrap();
        set_handler(libc::SIGSEGV, segv_calling, 0);
        // The program replaced the crate's handler: route it through the crate again.
        safecopy::install().unwrap();
        install_filter(&filter_trapping(
            &[(libc::SYS_getppid as u32, libc::SECCOMP_RET_TRAP)],
            false,
        ));
        let x = 0xbeef_u64;
        assert_eq!(
            syscall6(
                libc::SYS_getppid as u64,
                [(&raw const x) as u64, 8, 0, 0, 0, 0]
            ),
            1
        );
        assert_eq!(
            SIGSYS_SAW.each_ref().map(|a| a.load(SeqCst)),
            [1, 0xbeef, 1]
        );
        assert_eq!(null_load(), 42);
        assert_eq!(NESTED[3].load(SeqCst), 1, "the nested trap was emulated");
        assert_eq!(
            SIGSYS_SAW.each_ref().map(|a| a.load(SeqCst)),
            [0, 0xfeed, 1]
        );
        println!("SIGSYS nested in SIGSEGV: reads through the kernel, right");
    });
}

/// The user's own handlers call `fixup` and declare it: reads are fast, faults claimed.
#[test]
fn own_handler_with_fixup() {
    extern "C" fn own(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        // SAFETY: the kernel's pointers.
        if unsafe { safecopy::fixup(sig, info, ctx) } {
            return;
        }
        // SAFETY: not ours: die as the default would.
        unsafe { libc::_exit(9) };
    }
    run_in_child("own_handler_with_fixup", || {
        assert!(!safecopy::is_active());
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            set_handler(sig, own, 0);
        }
        // SAFETY: both handlers call fixup first.
        unsafe { safecopy::declare_handled() };
        let m = fast();
        assert_eq!(m.read(8, &mut [0u8; 4]), Err(Errno::EFAULT));
        let v = [1u8, 2, 3];
        let mut b = [0u8; 3];
        assert_eq!(m.read(v.as_ptr() as u64, &mut b), Ok(3));
        assert_eq!(b, v);
    });
}

// ---------------------------------------------------------------------------------------
// Default and ignored actions, SA_RESETHAND
// ---------------------------------------------------------------------------------------

/// Forks; the child runs `body`; returns its wait status.
fn in_fork(body: fn()) -> i32 {
    // SAFETY: the child only makes raw calls and faults, then exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        body();
        // SAFETY: leaving the forked child.
        unsafe { libc::_exit(0) };
    }
    let mut status = 0;
    // SAFETY: our child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    status
}

fn set_plain(sig: i32, handler: usize) {
    // SAFETY: SIG_DFL/SIG_IGN or a test handler.
    unsafe { libc::signal(sig, handler) };
}

fn killed_by(status: i32) -> Option<i32> {
    libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status))
}

/// Chained to SIG_DFL, a null dereference kills with SIGSEGV as it does without the crate;
/// SIG_IGN too (the kernel forces synchronous faults); a SIGSEGV sent by kill with SIG_IGN
/// is ignored; SIGBUS by default kills with SIGBUS; a SA_RESETHAND handler runs once, then
/// the default kills.
#[test]
fn default_and_ignored_actions_as_before() {
    run_in_child("default_and_ignored_actions_as_before", || {
        let dfl = in_fork(|| {
            set_plain(libc::SIGSEGV, libc::SIG_DFL);
            safecopy::install().unwrap();
            assert_eq!(fast().read(8, &mut [0u8; 4]), Err(Errno::EFAULT));
            null_load();
        });
        assert_eq!(killed_by(dfl), Some(libc::SIGSEGV), "status {dfl:#x}");
        let untraced = in_fork(|| {
            set_plain(libc::SIGSEGV, libc::SIG_DFL);
            null_load();
        });
        assert_eq!(killed_by(untraced), Some(libc::SIGSEGV));
        let ign = in_fork(|| {
            set_plain(libc::SIGSEGV, libc::SIG_IGN);
            safecopy::install().unwrap();
            null_load();
        });
        assert_eq!(killed_by(ign), Some(libc::SIGSEGV), "ignored fault kills");
        let sent = in_fork(|| {
            set_plain(libc::SIGSEGV, libc::SIG_IGN);
            safecopy::install().unwrap();
            // SAFETY: a signal to ourselves, ignored.
            unsafe { libc::kill(libc::getpid(), libc::SIGSEGV) };
            assert_eq!(fast().read(8, &mut [0u8; 4]), Err(Errno::EFAULT));
        });
        assert_eq!(sent, 0, "a sent SIGSEGV is ignored");
        let bus = in_fork(|| {
            set_plain(libc::SIGBUS, libc::SIG_DFL);
            safecopy::install().unwrap();
            // SAFETY: a synchronous SIGBUS through the default action.
            unsafe {
                let fd = libc::memfd_create(c"b".as_ptr(), 0);
                let p = libc::mmap(
                    std::ptr::null_mut(),
                    PAGE,
                    libc::PROT_READ,
                    libc::MAP_SHARED,
                    fd,
                    0,
                );
                std::ptr::read_volatile(p.cast::<u8>());
            }
        });
        assert_eq!(killed_by(bus), Some(libc::SIGBUS));
        let once = in_fork(|| {
            set_program_handler(libc::SA_RESETHAND);
            safecopy::install().unwrap();
            assert_eq!(null_load(), 42);
            assert_eq!(take_seen().signo, libc::SIGSEGV);
            assert_eq!(fast().read(8, &mut [0u8; 4]), Err(Errno::EFAULT));
            null_load();
        });
        assert_eq!(killed_by(once), Some(libc::SIGSEGV), "SA_RESETHAND: once");
        println!(
            "default {dfl:#x}, ignored {ign:#x}, sent {sent}, bus {bus:#x}, resethand {once:#x}"
        );
    });
}

// ---------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------

/// The copy routine against a naive model: eight pages, some unmapped or PROT_NONE, random
/// offsets and lengths; the read returns exactly the bytes up to the first bad page (EFAULT
/// for none), with the right contents, and a write likewise.
#[test]
fn copy_matches_the_model() {
    run_in_child("copy_matches_the_model", || {
        safecopy::install().unwrap();
        let m = fast();
        const N: usize = 8;
        let base = map(N * PAGE, libc::PROT_READ | libc::PROT_WRITE);
        let mut good = [true; N];
        for (i, g) in good.iter_mut().enumerate() {
            // SAFETY: our mapping.
            unsafe {
                for k in 0..PAGE {
                    *base.add(i * PAGE + k) = (i * 31 + k * 7) as u8;
                }
                match i {
                    2 | 5 => {
                        libc::munmap(base.add(i * PAGE).cast(), PAGE);
                        *g = false;
                    }
                    6 => {
                        libc::mprotect(base.add(i * PAGE).cast(), PAGE, libc::PROT_NONE);
                        *g = false;
                    }
                    _ => {}
                }
            }
        }
        let model = |off: usize, len: usize| -> Result<usize, Errno> {
            let mut n = 0;
            while n < len && good[(off + n) / PAGE] {
                n += 1;
            }
            if n == 0 && len > 0 {
                Err(Errno::EFAULT)
            } else {
                Ok(n)
            }
        };
        let prop = |off: usize, len: usize| -> bool {
            let off = off % (N * PAGE);
            let len = (len % (3 * PAGE)).min(N * PAGE - off);
            let at = base as u64 + off as u64;
            let mut buf = vec![0u8; len];
            let got = m.read(at, &mut buf);
            let want = model(off, len);
            let byte = |k: usize| ((off + k) / PAGE * 31 + (off + k) % PAGE * 7) as u8;
            let right = got == want && got.map_or(true, |n| (0..n).all(|k| buf[k] == byte(k)));
            // Writing the bytes back: the same count, nothing else changes.
            let wrote = match got {
                // SAFETY: our own mapping, written with its own bytes.
                Ok(n) => (unsafe { m.write(at, &buf[..n]) }) == Ok(n),
                // SAFETY: as above; the target is a bad page: nothing is written.
                Err(_) => (unsafe { m.write(at, &buf) }) == want,
            };
            let mut again = vec![0u8; len];
            right && wrote && FastMemory::SLOW.read(at, &mut again) == want
        };
        // xorshift: reproducible random offsets and lengths.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..4000 {
            let (off, len) = (next() as usize, next() as usize);
            assert!(prop(off, len), "case {i}: off {off} len {len}");
        }
        for (off, len) in [
            (PAGE * 2 - 1, 2),
            (PAGE * 7 - 3, 3 + PAGE),
            (0, 2 * PAGE),
            (PAGE * 3, 0),
        ] {
            assert!(prop(off, len), "{off} {len}");
        }
        println!("copy routine = model");
    });
}

/// A trap's memory is fast unless the frame blocks SIGSEGV or SIGBUS.
#[test]
fn trap_memory_follows_the_frame_mask() {
    run_in_child("trap_memory_follows_the_frame_mask", || {
        safecopy::install().unwrap();
        let call = sigsys::Syscall::x86_64(syscalls::x86_64::Sysno::getpid, [0; 6]);
        let mut frame = sigsys::testing::Frame::sud(call);
        let mut trap: Trap<'_> = frame.trap().unwrap();
        assert!(trap.memory().is_fast());
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            let mut mask = sigsys::frame::SigSet::EMPTY;
            mask.insert(sig);
            trap.set_sigmask(mask);
            assert!(!trap.memory().is_fast());
        }
    });
}
