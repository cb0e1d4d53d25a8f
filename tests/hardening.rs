//! Issue 16 (crate part), against the real kernel: the frame's layout measured in a live
//! handler, guards read at the kernel's width, every ABI's signal calls routed, SIGSYS kept
//! out of every mask a passed-through call gives the kernel, and guards that refuse only
//! what the kernel would do. Each test runs in a child of its own under a trap-all
//! supervisor (every call outside the gate is trapped and passed through).

mod common;

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering::SeqCst};

#[cfg(target_arch = "x86_64")]
use common::int80;
use common::{filter_trap_all, install, install_filter, run_in_child, syscall6, trap};

/// The index of `sa_mask` in the kernel's native `struct sigaction`, in words (riscv64 has
/// no `sa_restorer`).
const SA_MASK: usize = if cfg!(target_arch = "riscv64") { 2 } else { 3 };

/// `sa_mask` of a kernel `struct sigaction` read into four u64s: at word `SA_MASK`, or on
/// ARM (32-bit handler, flags and restorer, then the 8-byte mask at byte 12) across words 1
/// and 2.
fn sa_mask_of(old: &[u64; 4]) -> u64 {
    if cfg!(target_arch = "arm") {
        (old[1] >> 32) | (old[2] << 32)
    } else {
        old[SA_MASK]
    }
}
use sigsys::PassError;

static REFUSED: [AtomicI64; 4] = [const { AtomicI64::new(0) }; 4];
static REFUSALS: AtomicUsize = AtomicUsize::new(0);
static GAP: AtomicU64 = AtomicU64::new(0);

/// The supervisor: passes everything through; a refusal is recorded and answered EPERM.
extern "C" fn supervise(_: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    GAP.store((info as u64).wrapping_sub(ctx as u64), SeqCst);
    let Ok(mut t) = trap(info, ctx) else { return };
    if let Err(e) = t.pass_through() {
        let n = REFUSALS.fetch_add(1, SeqCst);
        if let Some(slot) = REFUSED.get(n) {
            slot.store(code(e), SeqCst);
        }
        t.set_errno(syscalls::Errno::EPERM);
    }
}

fn code(e: PassError) -> i64 {
    match e {
        PassError::SigsysHandler => 1,
        PassError::HandlerStack => 2,
        PassError::Exec => 3,
        PassError::NoScratch => 4,
        _ => 9,
    }
}

fn supervised() {
    install(supervise);
    install_filter(&filter_trap_all());
}

/// The handler's SIGSYS action is still ours (not SIG_DFL), read from the gate.
fn still_supervised() -> bool {
    let mut old = [0u64; 4];
    // SAFETY: reads the current action into a local.
    let r = unsafe {
        sigsys::gate::syscall(
            libc::SYS_rt_sigaction as u64,
            [libc::SIGSYS as u64, 0, old.as_mut_ptr() as u64, 8, 0, 0],
        )
    };
    r == 0 && old[0] > 1
}

/// Point 3: the kernel's ucontext is 304 bytes and the siginfo follows it (x86_64); on
/// aarch64 and riscv64 the siginfo comes first and the ucontext 128 bytes after it.
#[test]
fn frame_layout_is_the_kernels() {
    run_in_child("frame_layout_is_the_kernels", || {
        supervised();
        assert!(syscall6(libc::SYS_getppid as u64, [0; 6]) > 0);
        let gap = GAP.load(SeqCst);
        if cfg!(target_arch = "x86_64") {
            assert_eq!(gap, 304, "info - ctx in a live handler");
            assert_eq!(gap as usize, core::mem::size_of::<sigsys::Ucontext>());
        } else {
            assert_eq!(gap.wrapping_neg(), 128, "ctx - info in a live handler");
        }
    });
}

/// Point 4: `rt_sigaction((1 << 32) | SIGSYS, SIG_DFL)` is SIGSYS to the kernel (an int),
/// so it is refused; before, it passed the 64-bit compare and removed the handler.
#[test]
fn sigaction_guard_reads_an_int() {
    run_in_child("sigaction_guard_reads_an_int", || {
        supervised();
        let dfl = [0u64; 4];
        let sig = (1u64 << 32) | libc::SIGSYS as u64;
        let r = syscall6(
            libc::SYS_rt_sigaction as u64,
            [sig, dfl.as_ptr() as u64, 0, 8, 0, 0],
        );
        assert_eq!(r, -(libc::EPERM as i64));
        assert_eq!(REFUSED[0].load(SeqCst), 1, "refused as SigsysHandler");
        assert!(still_supervised());
        assert!(syscall6(libc::SYS_getppid as u64, [0; 6]) > 0);
    });
}

/// Point 5: i386 `signal(SIGSYS, SIG_DFL)` and `sigaction(SIGSYS, ...)` are refused;
/// `ssetmask`/`sgetmask` act on the frame and never block SIGSYS.
#[cfg(target_arch = "x86_64")]
#[test]
fn i386_signal_calls_are_routed() {
    run_in_child("i386_signal_calls_are_routed", || {
        supervised();
        assert_eq!(
            int80(48, [libc::SIGSYS as u32, 0, 0, 0, 0, 0]),
            -(libc::EPERM as i64)
        );
        let low = low_page();
        assert_eq!(
            int80(67, [libc::SIGSYS as u32, low as u32, 0, 0, 0, 0]),
            -(libc::EPERM as i64)
        );
        assert_eq!(REFUSED[0].load(SeqCst), 1);
        assert_eq!(REFUSED[1].load(SeqCst), 1);
        assert!(still_supervised());
        // ssetmask(-1): all signals the kernel lets be blocked, SIGSYS not among them.
        let old = int80(69, [u32::MAX, 0, 0, 0, 0, 0]);
        assert_eq!(old, 0);
        let now = int80(68, [0; 6]);
        let sigsys_bit = 1i64 << (libc::SIGSYS - 1);
        assert_eq!(now & sigsys_bit, 0, "SIGSYS not blocked: {now:#x}");
        assert_ne!(now & (1 << (libc::SIGUSR1 - 1)), 0, "SIGUSR1 blocked");
        assert_eq!(blocked_in_proc_status() & sigsys_bit as u64, 0);
        assert!(syscall6(libc::SYS_getppid as u64, [0; 6]) > 0);
    });
}

/// A page below 2 GiB for i386 pointer arguments.
#[cfg(target_arch = "x86_64")]
fn low_page() -> u64 {
    // SAFETY: a fresh anonymous mapping.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_32BIT,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED);
    p as u64
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn blocked_in_proc_status() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with("SigBlk:")).unwrap();
    u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap()
}

static IN_HANDLER: AtomicI64 = AtomicI64::new(0);

/// The program's SIGUSR1 handler makes a trapped call: fatal if SIGSYS is blocked.
extern "C" fn usr1(_: i32) {
    IN_HANDLER.store(syscall6(libc::SYS_getppid as u64, [0; 6]), SeqCst);
}

/// Installs `usr1` for SIGUSR1 with a full `sa_mask`, through the supervisor.
fn install_usr1_full_mask() {
    // SAFETY: a plain handler that only makes a system call and stores an atomic.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = usr1 as extern "C" fn(i32) as usize;
        libc::sigfillset(&mut sa.sa_mask);
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
}

fn full_mask_but_usr1() -> u64 {
    !(1u64 << (libc::SIGUSR1 - 1))
}

/// SIGUSR1 blocked and pending, so that a call with a temporary mask that unblocks it runs
/// the handler under that mask.
fn pend_usr1() {
    // SAFETY: plain signal-mask calls on this thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        libc::raise(libc::SIGUSR1);
    }
}

fn handler_ran() -> bool {
    IN_HANDLER.swap(0, SeqCst) > 0
}

/// Point 6: `sa_mask` of a passed-through `rt_sigaction` never holds SIGSYS (the handler
/// would otherwise die at its first trapped call), and reads back without it.
#[test]
fn sa_mask_never_blocks_sigsys() {
    run_in_child("sa_mask_never_blocks_sigsys", || {
        supervised();
        install_usr1_full_mask();
        // SAFETY: raise from this thread; the handler is async-signal-safe.
        unsafe { libc::raise(libc::SIGUSR1) };
        assert!(handler_ran());
        let mut old = [0u64; 4];
        let r = syscall6(
            libc::SYS_rt_sigaction as u64,
            [libc::SIGUSR1 as u64, 0, old.as_mut_ptr() as u64, 8, 0, 0],
        );
        assert_eq!(r, 0);
        assert_eq!(sa_mask_of(&old) & (1 << (libc::SIGSYS - 1)), 0);
        assert_ne!(
            sa_mask_of(&old) & (1 << (libc::SIGTERM - 1)),
            0,
            "the rest of the mask kept"
        );
        #[cfg(target_arch = "x86_64")]
        sa_mask_i386(&mut old);
        assert_eq!(REFUSALS.load(SeqCst), 0);
    });
}

/// The i386 half of `sa_mask_never_blocks_sigsys`.
#[cfg(target_arch = "x86_64")]
fn sa_mask_i386(old: &mut [u64; 4]) {
    {
        // The i386 old-style sigaction (67), from a page below 2 GiB: same rule.
        let low = low_page();
        let act = [usr1 as extern "C" fn(i32) as usize as u32, u32::MAX, 0, 0];
        // SAFETY: `low` is our fresh page.
        unsafe { std::ptr::copy_nonoverlapping(act.as_ptr(), low as *mut u32, 4) };
        assert_eq!(int80(67, [libc::SIGUSR2 as u32, low as u32, 0, 0, 0, 0]), 0);
        // The caller's memory is untouched: the copy went to the kernel.
        // SAFETY: reads our own page.
        assert_eq!(unsafe { *(low as *const u32).add(1) }, u32::MAX);
        let r = syscall6(
            libc::SYS_rt_sigaction as u64,
            [libc::SIGUSR2 as u64, 0, old.as_mut_ptr() as u64, 8, 0, 0],
        );
        assert_eq!(r, 0);
        assert_eq!(old[3] & (1 << (libc::SIGSYS - 1)), 0);
        // The compat rt_sigaction (174) needs a copy below 4 GiB: made in a page of its own.
        let act = [
            usr1 as extern "C" fn(i32) as usize as u32,
            0,
            0,
            u32::MAX,
            u32::MAX,
        ];
        // SAFETY: as above.
        unsafe { std::ptr::copy_nonoverlapping(act.as_ptr(), low as *mut u32, 5) };
        assert_eq!(
            int80(174, [libc::SIGUSR2 as u32, low as u32, 0, 8, 0, 0]),
            0
        );
        let r = syscall6(
            libc::SYS_rt_sigaction as u64,
            [libc::SIGUSR2 as u64, 0, old.as_mut_ptr() as u64, 8, 0, 0],
        );
        assert_eq!(r, 0);
        // All but SIGSYS, and SIGKILL and SIGSTOP, which the kernel itself drops.
        let dropped = [libc::SIGSYS, libc::SIGKILL, libc::SIGSTOP].map(|s| 1u64 << (s - 1));
        assert_eq!(old[3], !(dropped[0] | dropped[1] | dropped[2]));
    }
}

/// Point 6: the temporary masks of rt_sigsuspend, ppoll, pselect6, epoll_pwait,
/// epoll_pwait2 and io_pgetevents-like calls never block SIGSYS: a handler that runs under
/// them makes a trapped call and lives.
#[test]
fn temporary_masks_never_block_sigsys() {
    run_in_child("temporary_masks_never_block_sigsys", || {
        supervised();
        // SAFETY: sigaction is plain data; zeroes are a valid (empty) value.
        let mut plain: libc::sigaction = unsafe { std::mem::zeroed() };
        plain.sa_sigaction = usr1 as extern "C" fn(i32) as usize;
        // SAFETY: installs a plain handler with an empty mask.
        assert_eq!(
            unsafe { libc::sigaction(libc::SIGUSR1, &plain, std::ptr::null_mut()) },
            0
        );
        let mask = full_mask_but_usr1();
        let eintr = -(libc::EINTR as i64);
        // rt_sigsuspend(mask, 8)
        pend_usr1();
        let r = syscall6(
            libc::SYS_rt_sigsuspend as u64,
            [(&raw const mask) as u64, 8, 0, 0, 0, 0],
        );
        assert_eq!((r, handler_ran()), (eintr, true), "rt_sigsuspend");
        // ppoll(NULL, 0, &{0, 0} would return at once; use a long timeout, the signal is pending)
        pend_usr1();
        let ts = [5i64, 0];
        let r = syscall6(
            libc::SYS_ppoll as u64,
            [0, 0, ts.as_ptr() as u64, (&raw const mask) as u64, 8, 0],
        );
        assert_eq!((r, handler_ran()), (eintr, true), "ppoll");
        // pselect6(0, NULL, NULL, NULL, &ts, &{mask, 8})
        pend_usr1();
        // { const sigset_t *ss; size_t len }: pointer-sized words.
        let sig = [(&raw const mask) as usize, 8];
        let r = syscall6(
            libc::SYS_pselect6 as u64,
            [0, 0, 0, 0, ts.as_ptr() as u64, sig.as_ptr() as u64],
        );
        assert_eq!((r, handler_ran()), (eintr, true), "pselect6");
        // epoll_pwait(epfd, events, 1, 5000, mask, 8)
        // SAFETY: a new epoll descriptor.
        let ep = unsafe { libc::epoll_create1(0) };
        assert!(ep >= 0);
        let mut ev = [0u64; 2];
        pend_usr1();
        let r = syscall6(
            libc::SYS_epoll_pwait as u64,
            [
                ep as u64,
                ev.as_mut_ptr() as u64,
                1,
                5000,
                (&raw const mask) as u64,
                8,
            ],
        );
        assert_eq!((r, handler_ran()), (eintr, true), "epoll_pwait");
        pend_usr1();
        let r = syscall6(
            441, // epoll_pwait2(epfd, events, 1, &ts, mask, 8)
            [
                ep as u64,
                ev.as_mut_ptr() as u64,
                1,
                ts.as_ptr() as u64,
                (&raw const mask) as u64,
                8,
            ],
        );
        assert_eq!((r, handler_ran()), (eintr, true), "epoll_pwait2");
        // io_pgetevents(ctx, 1, 1, events, &ts, &{mask, 8}) on a new AIO context.
        let mut ctx = 0u64;
        assert_eq!(
            syscall6(
                libc::SYS_io_setup as u64,
                [8, (&raw mut ctx) as u64, 0, 0, 0, 0]
            ),
            0
        );
        let mut events = [0u64; 4];
        let aio_sig = [(&raw const mask) as usize, 8];
        pend_usr1();
        let r = syscall6(
            if cfg!(target_arch = "x86_64") {
                333
            } else if cfg!(target_arch = "arm") {
                399
            } else {
                292
            }, // io_pgetevents
            [
                ctx,
                1,
                1,
                events.as_mut_ptr() as u64,
                ts.as_ptr() as u64,
                aio_sig.as_ptr() as u64,
            ],
        );
        assert_eq!((r, handler_ran()), (eintr, true), "io_pgetevents");
        // io_uring_enter(fd, 0, 1, GETEVENTS | EXT_ARG, &{mask, 8, 0, &ts}, 24), where
        // io_uring is enabled.
        let mut params = [0u32; 30];
        let ring = syscall6(
            libc::SYS_io_uring_setup as u64,
            [4, params.as_mut_ptr() as u64, 0, 0, 0, 0],
        );
        if ring >= 0 {
            let ext = [(&raw const mask) as u64, 8, ts.as_ptr() as u64];
            pend_usr1();
            let r = syscall6(
                libc::SYS_io_uring_enter as u64,
                [ring as u64, 0, 1, 1 | 8, ext.as_ptr() as u64, 24],
            );
            assert_eq!((r, handler_ran()), (eintr, true), "io_uring_enter");
        } else {
            eprintln!("io_uring_setup: {ring}: io_uring_enter not checked");
        }
        // The caller's mask is untouched: the copy went to the kernel.
        assert_eq!(mask, full_mask_but_usr1());
        assert_eq!(REFUSALS.load(SeqCst), 0);
    });
}

/// Point 15 (crate part): a guard refuses only what the kernel would do. madvise with a
/// length that overflows is the kernel's EINVAL, not a refusal; an unaligned munmap of the
/// handler's stack is EINVAL too; a harmless madvise on it passes.
#[test]
fn guards_leave_argument_errors_to_the_kernel() {
    run_in_child("guards_leave_argument_errors_to_the_kernel", || {
        supervised();
        let r = syscall6(
            libc::SYS_madvise as u64,
            [
                0,
                18446744073709550286,
                libc::MADV_SEQUENTIAL as u64,
                0,
                0,
                0,
            ],
        );
        // ARM: the length is cut to 32 bits (0xffffface), which does not overflow in the
        // arm64 kernel's 64-bit arithmetic but ends past the compat task's size: ENOMEM.
        let kernels = if cfg!(target_arch = "arm") {
            libc::ENOMEM
        } else {
            libc::EINVAL
        };
        assert_eq!(r, -(kernels as i64));
        let stack = common::big_altstack();
        let base = stack.as_ptr() as u64;
        let r = syscall6(libc::SYS_munmap as u64, [base + 1, 4096, 0, 0, 0, 0]);
        assert_eq!(r, -(libc::EINVAL as i64));
        let r = syscall6(
            libc::SYS_madvise as u64,
            [base & !4095, 4096, libc::MADV_SEQUENTIAL as u64, 0, 0, 0],
        );
        assert_eq!(r, 0);
        assert_eq!(REFUSALS.load(SeqCst), 0);
        // What would pull the stack away is still refused.
        let r = syscall6(libc::SYS_munmap as u64, [base & !4095, 8192, 0, 0, 0, 0]);
        assert_eq!(r, -(libc::EPERM as i64));
        assert_eq!(REFUSED[0].load(SeqCst), 2, "HandlerStack");
    });
}
