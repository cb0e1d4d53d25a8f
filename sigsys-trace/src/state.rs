//! Process-wide and per-thread state of the tracer. Everything here is touched from the
//! SIGSYS handler: atomics, and `thread_local!`s with `const` initialisers and no `Drop`
//! (no lazy initialisation, no destructor registration, so no allocation and no lock).

use core::cell::Cell;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};

use sigsys::sud::Selector;
use syscalls::x86_64::Sysno;

/// The socket to the launcher (close-on-exec, moved high), or -1 for no output.
pub static OUT_FD: AtomicI32 = AtomicI32::new(-1);
/// Whether lines are formatted and sent (`false`: the "bare" benchmark floor).
pub static FULL: AtomicBool = AtomicBool::new(true);
/// Send every line at once (trace on the launcher's stderr) instead of batching.
pub static EAGER: AtomicBool = AtomicBool::new(false);
/// Lines in raw hex (`strace -e raw=all`) instead of decoded.
pub static RAW: AtomicBool = AtomicBool::new(false);
/// The tracer is armed in this image.
pub static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Cached process id (updated in fork children).
static PID: AtomicI32 = AtomicI32::new(0);

/// The SIGSYS action the program believes it installed (kernel `struct sigaction`:
/// handler, flags, restorer, mask). Starts as what was installed before us.
pub static PROG_SIGSYS: [AtomicU64; 4] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];

thread_local! {
    /// This thread's SUD selector.
    pub static SELECTOR: Selector = const { Selector::new() };
    /// Cached thread id (0: not known yet).
    static TID: Cell<i32> = const { Cell::new(0) };
    /// The program asked to block SIGSYS in this thread: the tracer keeps it unblocked
    /// (blocked, the next trap would kill the process) and shows the program its wish.
    pub static SIGSYS_BLOCKED: Cell<bool> = const { Cell::new(false) };
    /// The alternate stack the program believes this thread has: sp, size, flags.
    static PROG_ALT: Cell<(u64, u64, i32)> = const { Cell::new((0, 0, libc::SS_DISABLE)) };
    /// The tracer's own alternate stack of this thread (0: none).
    static TRACER_ALT: Cell<u64> = const { Cell::new(0) };
    /// The program changed its alternate stack while a handler ran on the real one: the
    /// real one is switched at a later trap (see `handler::apply_altstack`).
    static ALT_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a switch of the real alternate stack is waiting.
pub fn alt_pending() -> bool {
    ALT_PENDING.try_with(Cell::get).unwrap_or(false)
}

/// Records whether a switch of the real alternate stack is waiting.
pub fn set_alt_pending(p: bool) {
    let _ = ALT_PENDING.try_with(|c| c.set(p));
}

/// The program's view of this thread's alternate stack.
pub fn prog_altstack() -> (u64, u64, i32) {
    PROG_ALT
        .try_with(Cell::get)
        .unwrap_or((0, 0, libc::SS_DISABLE))
}

/// Records the program's alternate stack (size 0: disabled).
pub fn set_prog_altstack(sp: u64, size: u64, flags: i32) {
    let _ = PROG_ALT.try_with(|c| c.set((sp, size, flags)));
}

/// The tracer's alternate stack of this thread, or 0.
pub fn tracer_altstack() -> u64 {
    TRACER_ALT.try_with(Cell::get).unwrap_or(0)
}

/// Forgets this thread's tracer alternate stack (handed over for reuse).
pub fn forget_tracer_altstack() {
    let _ = TRACER_ALT.try_with(|c| c.set(0));
}

/// Makes `base` (mapped by [`map_altstack`]) this thread's alternate stack, with
/// `SS_AUTODISARM`, and remembers it as the tracer's.
pub fn use_altstack(base: u64) -> bool {
    // SAFETY: a private mapping of ALTSTACK_SIZE bytes, this thread's alone; its top
    // BATCH_SIZE bytes are the thread's line batch, not part of the signal stack.
    let ok = unsafe { sigsys::install::set_altstack(base as *mut u8, SIGNAL_STACK_SIZE) }.is_ok();
    if ok {
        let _ = TRACER_ALT.try_with(|c| c.set(base));
    }
    ok
}

/// A 64-bit system call from the gate (never traced, never touches errno).
pub fn sys(nr: Sysno, args: [u64; 6]) -> i64 {
    // SAFETY: callers pass arguments valid for `nr`; the gate issues exactly that call.
    unsafe { sigsys::gate::syscall(nr.id() as u64, args) }
}

/// The process id (cached).
pub fn pid() -> i32 {
    match PID.load(Ordering::Relaxed) {
        0 => refresh_pid(),
        p => p,
    }
}

/// Re-reads the process id (after fork).
pub fn refresh_pid() -> i32 {
    let p = sys(Sysno::getpid, [0; 6]) as i32;
    PID.store(p, Ordering::Relaxed);
    p
}

/// Sets the cached pid (vfork parent restoring its own after the child ran in its memory).
pub fn set_pid(p: i32) {
    PID.store(p, Ordering::Relaxed);
}

/// The thread id (cached per thread).
pub fn tid() -> i32 {
    match TID.try_with(Cell::get) {
        Ok(0) | Err(_) => refresh_tid(),
        Ok(t) => t,
    }
}

/// Re-reads the thread id (new thread, fork child).
pub fn refresh_tid() -> i32 {
    let t = sys(Sysno::gettid, [0; 6]) as i32;
    let _ = TID.try_with(|c| c.set(t));
    t
}

/// Sets the cached tid (see [`set_pid`]).
pub fn set_tid(t: i32) {
    let _ = TID.try_with(|c| c.set(t));
}

/// Arms SUD for the calling thread with its selector at BLOCK.
pub fn arm_thread() -> Result<(), syscalls::Errno> {
    SELECTOR
        .try_with(|s| {
            s.block();
            // SAFETY: the selector lives in this thread's TLS, valid until the thread exits.
            let r = unsafe { sigsys::sud::arm(s) };
            if r.is_err() {
                s.allow();
            }
            r
        })
        .unwrap_or(Err(syscalls::Errno::EINVAL))
}

/// Size of each alternate signal stack mapping the tracer allocates (the signal stack
/// proper, then the thread's line batch). Debug builds get 256 KiB: the unoptimised
/// decoder and formatter take ~11 KiB a level, and program handlers nest on top of the
/// tracer's.
pub const ALTSTACK_SIZE: usize = if cfg!(debug_assertions) {
    256 * 1024
} else {
    64 * 1024
};
/// The line batch at the top of a tracer alternate stack mapping.
pub const BATCH_SIZE: usize = 8 * 1024;
/// The signal stack proper of a tracer alternate stack mapping (below the batch).
pub const SIGNAL_STACK_SIZE: usize = ALTSTACK_SIZE - BATCH_SIZE;
/// `PROT_NONE` pages below every tracer alternate stack (outside `ALTSTACK_SIZE`; address
/// space only): a program handler that runs there and needs more stack crashes instead of
/// writing over whatever the program mapped below. 64 KiB rather than one page, so that a
/// large frame written without stack probes still meets it.
pub const GUARD_SIZE: usize = 64 * 1024;
/// Stack the tracer's handler needs at one level, the kernel's signal frame not included.
/// Measured (`tests/hardening.rs`, `handler_stack_need_is_measured`: a painted alternate
/// stack): 6.5 KiB in release builds, 18.6 KiB in debug builds, plus the frame.
pub const HANDLER_STACK: u64 = if cfg!(debug_assertions) {
    24 * 1024
} else {
    8 * 1024
};

/// Room left to the program's own handler frames on its alternate stack, on top of what
/// the tracer takes there, for it to count as big enough.
const PROG_ROOM: u64 = 4 * 1024;

/// The smallest program alternate stack that becomes the thread's real one (0: not
/// computed yet; see [`prog_stack_min`]).
static PROG_STACK_MIN: AtomicU64 = AtomicU64::new(0);

/// A program alternate stack at least this large becomes the thread's real one (with
/// `SS_AUTODISARM`), the tracer's handler included: the program's `SA_ONSTACK` handlers
/// then run where the program put them. Big enough means: two levels of the tracer (its
/// handler interrupted in a system call by a program signal, whose handler makes a call of
/// its own), each [`HANDLER_STACK`] plus the kernel's signal frame (`AT_MINSIGSTKSZ`, which
/// counts the XSAVE area of this CPU), and [`PROG_ROOM`] for the program's handler. In
/// release builds on this project's machines (frame 1776 bytes): 23.5 KiB, so Go's 32 KiB
/// signal stacks are used; in debug builds 55.5 KiB. Smaller ones are stood in for by the
/// tracer's signal stack, which `sigaltstack` then reports while a handler runs on it.
pub fn prog_stack_min() -> u64 {
    match PROG_STACK_MIN.load(Ordering::Relaxed) {
        0 => stack_min_for_frame(4096),
        m => m,
    }
}

fn stack_min_for_frame(frame: u64) -> u64 {
    2 * (HANDLER_STACK + frame) + PROG_ROOM
}

/// Computes [`prog_stack_min`] from this CPU's signal frame size (constructor: getauxval
/// is libc).
pub fn init_prog_stack_min() {
    // SAFETY: getauxval only reads the auxiliary vector.
    let frame = match unsafe { libc::getauxval(libc::AT_MINSIGSTKSZ) } {
        0 => 4096,
        f => f.min(64 * 1024),
    };
    PROG_STACK_MIN.store(stack_min_for_frame(frame), Ordering::Relaxed);
}

/// The kernel's `on_sig_stack` test: `base < sp <= base + size`.
pub fn on_stack(sp: u64, base: u64, size: u64) -> bool {
    sp > base && sp.wrapping_sub(base) <= size
}

/// Lines of one thread waiting to be sent together: at the top of the thread's tracer
/// alternate stack mapping (so not in TLS, whose size would count against every thread's
/// stack; and only for threads that have one).
#[repr(C)]
pub struct Batch {
    /// Bytes used in `data`.
    pub len: u32,
    _pad: u32,
    /// Time stamp counter when the first waiting line was added.
    pub first_tsc: u64,
    /// The lines.
    pub data: [u8; BATCH_SIZE - 16],
}

/// This thread's batch, if it has a tracer alternate stack.
pub fn batch() -> Option<&'static mut Batch> {
    let base = tracer_altstack();
    if base == 0 {
        return None;
    }
    let addr = base + (ALTSTACK_SIZE - BATCH_SIZE) as u64;
    // SAFETY: the top BATCH_SIZE bytes of this thread's own mapping, used only from this
    // thread's handler (never nested: the handler does not trap), zero-initialised by mmap
    // and always left consistent.
    Some(unsafe { &mut *(addr as *mut Batch) })
}

/// Maps an alternate stack from the gate and makes it the thread's; returns its base.
pub fn new_altstack() -> Option<u64> {
    let base = map_altstack()?;
    if use_altstack(base) {
        Some(base)
    } else {
        unmap_altstack(base);
        None
    }
}

/// Unmaps an alternate stack made by [`map_altstack`] (its guard page included).
pub fn unmap_altstack(base: u64) {
    sys(
        Sysno::munmap,
        [
            base.wrapping_sub(GUARD_SIZE as u64),
            (GUARD_SIZE + ALTSTACK_SIZE) as u64,
            0,
            0,
            0,
            0,
        ],
    );
}

/// Maps (from the gate) memory for an alternate stack, with a guard page below it;
/// returns its base (above the guard page).
pub fn map_altstack() -> Option<u64> {
    let len = (GUARD_SIZE + ALTSTACK_SIZE) as u64;
    let map = sys(
        Sysno::mmap,
        [
            0,
            len,
            (libc::PROT_READ | libc::PROT_WRITE) as u64,
            (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK) as u64,
            u64::MAX,
            0,
        ],
    );
    if (-4095..0).contains(&map) {
        return None;
    }
    let map = map as u64;
    let r = sys(
        Sysno::mprotect,
        [map, GUARD_SIZE as u64, libc::PROT_NONE as u64, 0, 0, 0],
    );
    if r != 0 {
        sys(Sysno::munmap, [map, len, 0, 0, 0, 0]);
        return None;
    }
    Some(map.wrapping_add(GUARD_SIZE as u64))
}
