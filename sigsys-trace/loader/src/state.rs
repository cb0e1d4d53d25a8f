//! Process-wide and per-thread state of the tracer. Everything here is touched from the
//! SIGSYS handler: atomics, and `thread_local!`s with `const` initialisers and no `Drop`
//! (no lazy initialisation, no destructor registration, so no allocation and no lock).

use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};

use sigsys::sud::Selector;
use syscalls::x86_64::Sysno;

use crate::sys::{self, sys};

/// Whether lines are formatted and sent (`false`: the "bare" benchmark floor).
pub static FULL: AtomicBool = AtomicBool::new(true);
/// Each line carries its call's start and duration (`-t`, `-r`, `-T`, `-c`).
pub static TIMES: AtomicBool = AtomicBool::new(false);
/// Lines in raw hex (`strace -e raw=all`) instead of decoded.
pub static RAW: AtomicBool = AtomicBool::new(false);
/// The tracer is armed in this image.
pub static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The SIGSYS action the program believes it installed (kernel `struct sigaction`:
/// handler, flags, restorer, mask). Starts as what was installed before us.
pub static PROG_SIGSYS: [AtomicU64; 4] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];

/// Threads the tracer can keep state for at once (more are run untraced, with a warning).
pub const MAX_THREADS: usize = 16384;

/// `Thread::trap_mask` outside any trap: a mask no thread can have (SIGKILL and SIGSTOP
/// are never blocked).
pub const NO_TRAP: u64 = u64::MAX;

/// What the tracer keeps for one thread. Not in thread-local storage: the loader has
/// none of its own once the program runs (`%fs` is the program's), so threads are found
/// by their id in [`THREADS`].
pub struct Thread {
    /// Whose entry this is: [`GENERATION`] in the high half, the thread id in the low
    /// (see [`Owner`]).
    owner: AtomicU64,
    /// The process id of this thread, once asked (0: not yet). Per thread, not per
    /// image: a posix_spawn child runs in its parent's memory while the parent's other
    /// threads go on, and a process-wide cache was the child's pid for them meanwhile.
    pid: AtomicI32,
    /// This thread's line prefix `PID TID ` (see [`line_prefix`]), rendered once: its
    /// bytes, and its length (0: not yet).
    prefix: [AtomicU64; 3],
    prefix_len: AtomicU32,
    /// This thread's SUD selector.
    pub selector: Selector,
    /// The program asked to block SIGSYS in this thread: the tracer keeps it unblocked
    /// (blocked, the next trap would kill the process) and shows the program its wish.
    pub sigsys_blocked: AtomicBool,
    /// The program changed its alternate stack while a handler ran on the real one: the
    /// real one is switched at a later trap (see `altstack::apply_altstack`).
    alt_pending: AtomicBool,
    /// A line is being added to this thread's ring (see `line::Line::queue`).
    pub busy: AtomicBool,
    /// While `busy`: the stack address of the writing frame, so that a writing that a
    /// program handler left by `siglongjmp` is told from one it is nested in (see `batch`).
    pub busy_sp: AtomicU64,
    /// This task shares the memory but not the signal actions of the tasks the tracer's
    /// record of them stands for (see `signals`).
    pub private_sighand: AtomicBool,
    /// Calls counted per `-e inject=` rule (see `inject`).
    pub inject_counts: [core::sync::atomic::AtomicU32; crate::protocol::INJECT_RULES],
    /// The alternate stack the program believes this thread has: sp, size, and flags XOR
    /// `SS_DISABLE` (so that a
    /// new entry's 0 is a disabled stack).
    prog_alt: [AtomicU64; 3],
    /// The tracer's own alternate stack of this thread (0: none).
    tracer_alt: AtomicU64,
    /// The line memfd this thread's slot is in (0: none) and the slot's index + 1.
    pub mine: [AtomicU64; 2],
    /// The trap being handled lets the program's memory be read by safecopy
    /// (`mem::for_trap`).
    pub fast_mem: AtomicBool,
    /// The program's signal mask at the trap being handled ([`NO_TRAP`]: none), saved and restored
    /// around nested traps: what the program's mask is while its call runs in the gate
    /// (see `handler::sigreturn`). Kept inverted, so that a new entry's 0 is `NO_TRAP`
    /// (see [`Thread::new`]).
    trap_mask: AtomicU64,
    /// The native call being passed through (see [`CallRecord`]), for the line of a call a
    /// signal interrupts.
    pub call: CallRecord,
}

/// A native call in progress on a thread: its number + 1 (0: none; bit 63 once a signal
/// handler interrupted it and its line is written), then its arguments.
pub struct CallRecord([AtomicU64; 7]);

/// [`CallRecord`]'s flag: the call was interrupted and shown `= ? ERESTART...`.
const INTERRUPTED: u64 = 1 << 63;

impl CallRecord {
    const fn new() -> CallRecord {
        CallRecord([const { AtomicU64::new(0) }; 7])
    }

    /// Records `call` (a native one; others clear the record); returns what was there.
    pub fn set(&self, call: &sigsys::Syscall) -> [u64; 7] {
        let old = self.0.each_ref().map(|w| w.load(Ordering::Relaxed));
        let nr = if call.abi == sigsys::Abi::X86_64 {
            u64::from(call.nr).wrapping_add(1)
        } else {
            0
        };
        let words = [
            nr,
            call.args[0],
            call.args[1],
            call.args[2],
            call.args[3],
            call.args[4],
            call.args[5],
        ];
        for (w, v) in self.0.iter().zip(words) {
            w.store(v, Ordering::Relaxed);
        }
        old
    }

    /// Puts back what [`CallRecord::set`] returned (a nested trap's end); whether the call
    /// just recorded was marked interrupted.
    pub fn restore(&self, old: [u64; 7]) -> bool {
        let interrupted = self.0[0].load(Ordering::Relaxed) & INTERRUPTED != 0;
        for (w, v) in self.0.iter().zip(old) {
            w.store(v, Ordering::Relaxed);
        }
        interrupted
    }

    /// The call in progress, if any and not yet marked.
    pub fn current(&self) -> Option<sigsys::Syscall> {
        let nr = self.0[0].load(Ordering::Relaxed);
        if nr == 0 || nr & INTERRUPTED != 0 {
            return None;
        }
        let a = |i: usize| self.0[i].load(Ordering::Relaxed);
        Some(sigsys::Syscall::new(
            sigsys::Abi::X86_64,
            nr.wrapping_sub(1) as u32,
            [a(1), a(2), a(3), a(4), a(5), a(6)],
        ))
    }

    /// Marks the call in progress as interrupted: its line is written.
    pub fn mark_interrupted(&self) {
        self.0[0].fetch_or(INTERRUPTED, Ordering::Relaxed);
    }
}

impl Thread {
    /// A free entry: every field 0, so that the table is in `.bss`, not 3 MiB of the
    /// loader's file (written out by the launcher at every start).
    const fn new() -> Thread {
        Thread {
            owner: AtomicU64::new(0),
            pid: AtomicI32::new(0),
            prefix: [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)],
            prefix_len: AtomicU32::new(0),
            selector: Selector::new(),
            sigsys_blocked: AtomicBool::new(false),
            alt_pending: AtomicBool::new(false),
            busy: AtomicBool::new(false),
            busy_sp: AtomicU64::new(0),
            private_sighand: AtomicBool::new(false),
            inject_counts: [const { core::sync::atomic::AtomicU32::new(0) };
                crate::protocol::INJECT_RULES],
            prog_alt: [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)],
            tracer_alt: AtomicU64::new(0),
            mine: [AtomicU64::new(0), AtomicU64::new(0)],
            fast_mem: AtomicBool::new(false),
            trap_mask: AtomicU64::new(0),
            call: CallRecord::new(),
        }
    }

    /// Makes a newly claimed entry a new thread's: every field as [`Thread::new`] has it
    /// (the entry may have been another thread's, of this image or of a parent whose
    /// memory a fork copied), but the owner and the selector (armed by the thread).
    fn reset(&self) {
        self.pid.store(0, Ordering::Relaxed);
        self.prefix_len.store(0, Ordering::Relaxed);
        self.private_sighand.store(false, Ordering::Relaxed);
        self.busy_sp.store(0, Ordering::Relaxed);
        self.trap_mask.store(0, Ordering::Relaxed);
        for w in &self.call.0 {
            w.store(0, Ordering::Relaxed);
        }
        for c in &self.inject_counts {
            c.store(0, Ordering::Relaxed);
        }
        self.sigsys_blocked.store(false, Ordering::Relaxed);
        self.alt_pending.store(false, Ordering::Relaxed);
        self.busy.store(false, Ordering::Relaxed);
        self.prog_alt[0].store(0, Ordering::Relaxed);
        self.prog_alt[1].store(0, Ordering::Relaxed);
        self.prog_alt[2].store(0, Ordering::Relaxed);
        self.tracer_alt.store(0, Ordering::Relaxed);
        self.mine[0].store(0, Ordering::Relaxed);
        self.mine[1].store(0, Ordering::Relaxed);
        self.fast_mem.store(false, Ordering::Relaxed);
    }

    /// Makes `mask` the program's mask at the trap being handled; returns the one before.
    pub fn swap_trap_mask(&self, mask: u64) -> u64 {
        !self.trap_mask.swap(!mask, Ordering::Relaxed)
    }

    /// Copies what a fork child inherits from the thread that forked.
    fn inherit(&self, from: &Thread) {
        for (d, s) in [
            (&self.sigsys_blocked, &from.sigsys_blocked),
            (&self.alt_pending, &from.alt_pending),
        ] {
            d.store(s.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        for (d, s) in self.prog_alt.iter().zip(&from.prog_alt) {
            d.store(s.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        self.tracer_alt
            .store(from.tracer_alt.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

const SS_DISABLE: u64 = libc::SS_DISABLE as u64;

/// Every thread's entry, found by thread id: open addressing from `tid % MAX_THREADS`,
/// a look-up ending at the first free entry (so that it touches a few entries, not the
/// table's 3 MiB: a fork child's copy-on-write faults and a new image's page faults were
/// most of the cost of an exec).
static THREADS: [Thread; MAX_THREADS] = [const { Thread::new() }; MAX_THREADS];

/// Used when the table is full: never armed, so its fields are only a sink.
static NOBODY: Thread = Thread::new();

/// The table's generation: an entry owned in another generation is free. A fork child
/// frees every entry at once by starting a new one (instead of writing every entry).
static GENERATION: AtomicU32 = AtomicU32::new(1);

/// Low half of the owner word of an entry whose thread has gone: not free (a look-up
/// goes on past it), but reusable.
const GONE: u32 = u32::MAX;

/// What an entry's owner word says in the current generation.
#[derive(Clone, Copy)]
enum Owner {
    /// Never owned in this generation: a look-up ends here.
    Free,
    /// Its thread has gone: reusable, a look-up goes on.
    Gone,
    /// Owned by this thread id.
    Thread(i32),
}

fn owner_of(word: u64) -> Owner {
    let generation = GENERATION.load(Ordering::Relaxed);
    if word >> 32 != u64::from(generation) {
        return Owner::Free;
    }
    match word as u32 {
        GONE => Owner::Gone,
        tid => Owner::Thread(tid as i32),
    }
}

/// The owner word for `low` (a thread id, or [`GONE`]) in the current generation.
fn owner_word(low: u32) -> u64 {
    u64::from(GENERATION.load(Ordering::Relaxed)) << 32 | u64::from(low)
}

/// The entries a look-up for `tid` visits, in order.
fn probe(tid: i32) -> impl Iterator<Item = &'static Thread> {
    let start = tid.unsigned_abs() as usize % MAX_THREADS;
    (0..MAX_THREADS).filter_map(move |k| THREADS.get(start.wrapping_add(k) % MAX_THREADS))
}

fn slot_of(tid: i32) -> Option<&'static Thread> {
    for t in probe(tid) {
        match owner_of(t.owner.load(Ordering::Acquire)) {
            Owner::Free => return None,
            Owner::Thread(o) if o == tid => return Some(t),
            _ => {}
        }
    }
    None
}

/// The CPU and kernel let user code read and write the `%gs` base (`HWCAP2_FSGSBASE`).
static FSGSBASE: AtomicBool = AtomicBool::new(false);
/// The program set a `%gs` base of its own (`arch_prctl(ARCH_SET_GS)`): threads are found
/// by thread id from then on.
static GS_TAKEN: AtomicBool = AtomicBool::new(false);

/// Notes what the CPU offers (`AT_HWCAP2`), before the program runs.
pub fn init_thread_lookup(hwcap2: u64) {
    FSGSBASE.store(hwcap2 & 2 != 0, Ordering::Relaxed);
}

/// Whether the tracer keeps each thread's entry in `%gs` (its base register, which no
/// x86_64 Linux runtime uses: glibc, musl and Go use `%fs`).
fn gs_usable() -> bool {
    FSGSBASE.load(Ordering::Relaxed) && !GS_TAKEN.load(Ordering::Relaxed)
}

/// The program's `arch_prctl(ARCH_SET_GS)`: `%gs` is the program's from now on.
pub fn gs_taken() {
    GS_TAKEN.store(true, Ordering::Relaxed);
}

/// Whether `%gs` is still the tracer's.
pub fn gs_is_tracers() -> bool {
    !GS_TAKEN.load(Ordering::Relaxed)
}

fn read_gs() -> u64 {
    let v: u64;
    // SAFETY: FSGSBASE is enabled (checked by the caller); reading a register.
    unsafe {
        core::arch::asm!("rdgsbase {}", out(reg) v, options(nomem, nostack, preserves_flags))
    };
    v
}

fn write_gs(v: u64) {
    // SAFETY: FSGSBASE is enabled (checked by the caller); `%gs` is not used by the
    // program (GS_TAKEN is false).
    unsafe { core::arch::asm!("wrgsbase {}", in(reg) v, options(nomem, nostack, preserves_flags)) };
}

/// The entry `%gs` points at, if it points at one.
fn from_gs() -> Option<&'static Thread> {
    let g = read_gs();
    let first = THREADS.as_ptr() as u64;
    let size = core::mem::size_of::<Thread>() as u64;
    let off = g.checked_sub(first)?;
    if off % size != 0 {
        return None;
    }
    THREADS.get((off / size) as usize)
}

/// This thread's entry, made if it has none.
pub fn me() -> &'static Thread {
    if gs_usable() {
        if let Some(t) = from_gs() {
            return t;
        }
    }
    claim(raw_tid())
}

/// The entry for thread `tid` (found or made); remembered in `%gs` where it can be.
fn claim(tid: i32) -> &'static Thread {
    let t = slot_of(tid).or_else(|| {
        // The first free or reusable entry on the way (only this thread claims its id).
        probe(tid)
            .find(|t| {
                let word = t.owner.load(Ordering::Acquire);
                matches!(owner_of(word), Owner::Free | Owner::Gone)
                    && t.owner
                        .compare_exchange(
                            word,
                            owner_word(tid as u32),
                            Ordering::AcqRel,
                            Ordering::Acquire,
                        )
                        .is_ok()
            })
            .inspect(|t| t.reset())
    });
    let Some(t) = t else {
        // Not the entry `%gs` points at (a new thread's `%gs` is its creator's): that
        // entry is another thread's.
        if gs_usable() && from_gs().is_some() {
            write_gs(0);
        }
        return &NOBODY;
    };
    if gs_usable() {
        let g = read_gs();
        if g == 0 || from_gs().is_some() {
            write_gs(core::ptr::from_ref(t) as u64);
        }
    }
    t
}

/// `-e inject=` counts start anew in every new task, as strace's do.
pub fn reset_inject_counts() {
    for c in &me().inject_counts {
        c.store(0, Ordering::Relaxed);
    }
}

/// A new thread (its `%gs` is its creator's): its own entry.
pub fn new_thread() {
    let _ = claim(raw_tid());
}

/// Frees this thread's entry (its last system call, `exit`, is under way) and keeps its
/// alternate stack for a later thread.
pub fn forget_me() {
    let t = me();
    if core::ptr::eq(t, &NOBODY) {
        return;
    }
    let base = t.tracer_alt.load(Ordering::Relaxed);
    if base != 0 {
        retire(base, tid_of(t));
    }
    t.owner.store(owner_word(GONE), Ordering::Release);
}

/// Frees the entry of thread `tid` of another process that ran in this memory (a vfork
/// child, which has exec'd or exited by the time its parent runs again).
pub fn forget(tid: i32) {
    if let Some(t) = slot_of(tid) {
        t.owner.store(owner_word(GONE), Ordering::Release);
    }
}

/// Alternate stacks of exiting threads, for reuse by new threads: `(base >> 12) << 22 | tid`
/// (pids fit in 22 bits). The exiting thread keeps its alternate stack until it is gone (its
/// last system calls, `madvise` and `exit`, still trap), so a stack is only reused once
/// `tgkill(tid, 0)` says the thread no longer exists.
static RETIRED: [AtomicU64; 256] = [const { AtomicU64::new(0) }; 256];

fn retire(base: u64, tid: i32) -> bool {
    let tid = tid as u64;
    if tid >= 1 << 22 || base & 0xfff != 0 {
        return false;
    }
    let packed = (base >> 12) << 22 | tid;
    RETIRED.iter().any(|slot| {
        slot.compare_exchange(0, packed, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    })
}

/// Gives a new thread (running its first instructions, in `clone::child_setup`) an
/// alternate stack of the tracer's: one whose thread has exited, or a new one.
pub fn altstack_for_new_thread() {
    let pid = pid() as u64;
    let reused = RETIRED.iter().find_map(|slot| {
        let packed = slot.load(Ordering::Acquire);
        if packed == 0 {
            return None;
        }
        let tid = packed & ((1 << 22) - 1);
        let gone = sys::tgkill(pid as i64, tid as i64, 0) == -(libc::ESRCH as i64);
        (gone
            && slot
                .compare_exchange(packed, 0, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok())
        .then_some((packed >> 22) << 12)
    });
    let Some(base) = reused.or_else(map_altstack) else {
        return;
    };
    if !use_altstack(base) && !retire(base, 0) {
        unmap_altstack(base);
    }
}

/// In a fork child (one thread, a copy of the parent's memory): what the thread that
/// forked (`parent_tid`) had becomes this thread's, every other entry is freed.
pub fn fork_child_threads(parent_tid: i32) {
    let from = slot_of(parent_tid).unwrap_or(&NOBODY);
    let kept = Thread::new();
    kept.inherit(from);
    // Every entry free at once. (After 2^32 forks in a line a stale entry could seem
    // owned again; 0 is skipped, the generation of entries never owned.)
    let next = GENERATION.load(Ordering::Relaxed).wrapping_add(1).max(1);
    GENERATION.store(next, Ordering::Relaxed);
    claim(raw_tid()).inherit(&kept);
}

/// Whether a switch of the real alternate stack is waiting.
pub fn alt_pending() -> bool {
    me().alt_pending.load(Ordering::Relaxed)
}

/// Records whether a switch of the real alternate stack is waiting.
pub fn set_alt_pending(p: bool) {
    me().alt_pending.store(p, Ordering::Relaxed);
}

/// The program's view of this thread's alternate stack.
pub fn prog_altstack() -> (u64, u64, i32) {
    let a = &me().prog_alt;
    (
        a[0].load(Ordering::Relaxed),
        a[1].load(Ordering::Relaxed),
        (a[2].load(Ordering::Relaxed) ^ SS_DISABLE) as i32,
    )
}

/// Records the program's alternate stack (size 0: disabled).
pub fn set_prog_altstack(sp: u64, size: u64, flags: i32) {
    let a = &me().prog_alt;
    a[0].store(sp, Ordering::Relaxed);
    a[1].store(size, Ordering::Relaxed);
    a[2].store(u64::from(flags as u32) ^ SS_DISABLE, Ordering::Relaxed);
}

/// The tracer's alternate stack of this thread, or 0.
pub fn tracer_altstack() -> u64 {
    me().tracer_alt.load(Ordering::Relaxed)
}

/// Makes `base` (mapped by [`map_altstack`]) this thread's alternate stack, with
/// `SS_AUTODISARM`, and remembers it as the tracer's.
pub fn use_altstack(base: u64) -> bool {
    // SAFETY: a private mapping of ALTSTACK_SIZE bytes, this thread's alone.
    let ok = unsafe { sigsys::install::set_altstack(base as *mut u8, SIGNAL_STACK_SIZE) }.is_ok();
    if ok {
        me().tracer_alt.store(base, Ordering::Relaxed);
    }
    ok
}

/// The process id, asked of the kernel once per thread (kept in its entry; a new entry's
/// is asked anew, so a fork child, a thread and a vfork child each get their own).
pub fn pid() -> i32 {
    let t = me();
    match t.pid.load(Ordering::Relaxed) {
        0 => {
            let p = sys::getpid();
            if !core::ptr::eq(t, &NOBODY) {
                t.pid.store(p, Ordering::Relaxed);
            }
            p
        }
        p => p,
    }
}

/// A line's `PID TID ` (decimal, a space after each): at most 24 bytes.
#[derive(Clone, Copy)]
pub struct Prefix {
    bytes: [u8; 24],
    len: u8,
}

impl Prefix {
    /// No prefix.
    pub const EMPTY: Prefix = Prefix {
        bytes: [0; 24],
        len: 0,
    };

    /// Its bytes.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Its length.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    fn of(pid: i32, tid: i32) -> Prefix {
        let mut p = Prefix::EMPTY;
        for v in [pid, tid] {
            p.push_int(v);
            p.push(b' ');
        }
        p
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(usize::from(self.len)) {
            *slot = b;
            self.len = self.len.saturating_add(1);
        }
    }

    fn push_int(&mut self, v: i32) {
        if v < 0 {
            self.push(b'-');
        }
        let mut digits = [0u8; 10];
        let mut n = 0;
        let mut u = v.unsigned_abs();
        for d in &mut digits {
            *d = b'0'.wrapping_add((u % 10) as u8);
            n += 1;
            u /= 10;
            if u == 0 {
                break;
            }
        }
        for &d in digits.get(..n).unwrap_or(&[]).iter().rev() {
            self.push(d);
        }
    }
}

/// This thread's line prefix, `PID TID `: rendered once per thread and kept in its entry
/// (the digits of two ids for every line were a tenth of a short line's cost).
pub fn line_prefix() -> Prefix {
    let t = me();
    let len = t.prefix_len.load(Ordering::Relaxed);
    if len != 0 {
        let mut p = Prefix::EMPTY;
        for (chunk, word) in p.bytes.chunks_exact_mut(8).zip(&t.prefix) {
            for (d, b) in chunk
                .iter_mut()
                .zip(word.load(Ordering::Relaxed).to_le_bytes())
            {
                *d = b;
            }
        }
        p.len = len as u8;
        return p;
    }
    let p = Prefix::of(pid(), tid_of(t));
    if !core::ptr::eq(t, &NOBODY) {
        for (chunk, word) in p.bytes.chunks_exact(8).zip(&t.prefix) {
            let w = <[u8; 8]>::try_from(chunk).unwrap_or([0; 8]);
            word.store(u64::from_le_bytes(w), Ordering::Relaxed);
        }
        // After the bytes: a handler nested here sees the length 0 and renders its own.
        core::sync::atomic::compiler_fence(Ordering::SeqCst);
        t.prefix_len.store(u32::from(p.len), Ordering::Relaxed);
    }
    p
}

/// The thread id (from the thread's entry).
pub fn tid() -> i32 {
    tid_of(me())
}

/// The thread id of `t`, this thread's entry ([`me`]), found once by the caller.
pub fn tid_of(t: &Thread) -> i32 {
    match owner_of(t.owner.load(Ordering::Relaxed)) {
        Owner::Thread(tid) => tid,
        _ => raw_tid(),
    }
}

/// The thread id, asked of the kernel.
fn raw_tid() -> i32 {
    sys::gettid()
}

/// Arms SUD for the calling thread with its selector at BLOCK.
pub fn arm_thread() -> Result<(), syscalls::Errno> {
    let t = me();
    if core::ptr::eq(t, &NOBODY) {
        return Err(syscalls::Errno::EAGAIN);
    }
    t.selector.block();
    // SAFETY: the selector is in a static, valid for the life of the image.
    let r = unsafe { sigsys::sud::arm(&t.selector) };
    if r.is_err() {
        t.selector.allow();
    }
    r
}

/// Size of each alternate signal stack the tracer allocates: 56 KiB in release builds.
/// Debug builds get 224 KiB: the unoptimised decoder and formatter take ~11 KiB a level,
/// and program handlers nest on top of the tracer's.
pub const ALTSTACK_SIZE: usize = if cfg!(debug_assertions) {
    224 * 1024
} else {
    56 * 1024
};
/// The signal stack of a tracer alternate stack mapping (all of it).
pub const SIGNAL_STACK_SIZE: usize = ALTSTACK_SIZE;
/// `PROT_NONE` pages below every tracer alternate stack (outside `ALTSTACK_SIZE`; address
/// space only): a program handler that runs there and needs more stack crashes instead of
/// writing over whatever the program mapped below. 64 KiB rather than one page, so that a
/// large frame written without stack probes still meets it.
pub const GUARD_SIZE: usize = 64 * 1024;
/// Stack the tracer's handler needs at one level, the kernel's signal frame not included.
/// Measured (`tests/hardening.rs`, `handler_stack_need_is_measured`: a painted alternate
/// stack): 9.4 KiB in release builds (6.5 KiB before the call and its result were written
/// in one pass, whose frames are live together), 18.6 KiB in debug builds, plus the frame.
pub const HANDLER_STACK: u64 = if cfg!(debug_assertions) {
    24 * 1024
} else {
    12 * 1024
};

/// What `-yy`'s socket queries add to [`HANDLER_STACK`] while they run (their receive
/// buffer and frames on top of the line: measured 14.2 KiB with them against 9.4 KiB
/// without), counted only when socket details are on.
pub const SOCKET_QUERY_STACK: u64 = 6 * 1024;

/// The handler's need at one level with this run's options.
fn handler_stack() -> u64 {
    let sockets = crate::line::FD_DETAILS.load(Ordering::Relaxed)
        & sigsys::fmt::FdDetails::SOCKET.bits()
        != 0;
    HANDLER_STACK + if sockets { SOCKET_QUERY_STACK } else { 0 }
}

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
/// release builds on this project's machines (frame 1776 bytes): 31.5 KiB, so Go's 32 KiB
/// signal stacks are used; in debug builds 55.5 KiB; 12 KiB more with `-yy`'s socket
/// queries ([`SOCKET_QUERY_STACK`]), when the tracer's stack stands in for Go's. Smaller ones are stood in for by the
/// tracer's signal stack, which `sigaltstack` then reports while a handler runs on it.
pub fn prog_stack_min() -> u64 {
    match PROG_STACK_MIN.load(Ordering::Relaxed) {
        0 => stack_min_for_frame(4096),
        m => m,
    }
}

fn stack_min_for_frame(frame: u64) -> u64 {
    2 * (handler_stack() + frame) + PROG_ROOM
}

/// Computes [`prog_stack_min`] from this CPU's signal frame size (`AT_MINSIGSTKSZ`).
pub fn init_prog_stack_min(minsigstksz: u64) {
    let frame = match minsigstksz {
        0 => 4096,
        f => f.min(64 * 1024),
    };
    PROG_STACK_MIN.store(stack_min_for_frame(frame), Ordering::Relaxed);
}

/// The kernel's `on_sig_stack` test: `base < sp <= base + size`.
pub fn on_stack(sp: u64, base: u64, size: u64) -> bool {
    sp > base && sp.wrapping_sub(base) <= size
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
    // SAFETY: the mapping made by this code, which nothing uses any more.
    unsafe {
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
        )
    };
}

/// Maps (from the gate) memory for an alternate stack, with a guard page below it;
/// returns its base (above the guard page).
pub fn map_altstack() -> Option<u64> {
    let len = (GUARD_SIZE + ALTSTACK_SIZE) as u64;
    // SAFETY: a new mapping at no fixed address: nothing in use is replaced.
    let map = unsafe {
        sys(
            Sysno::mmap,
            [
                0,
                len,
                (libc::PROT_READ | libc::PROT_WRITE) as u64,
                (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK) as u64,
                u64::MAX,
                0,
            ],
        )
    };
    if (-4095..0).contains(&map) {
        return None;
    }
    let map = map as u64;
    // SAFETY: pages this code mapped (or the stack, as the kernel would set it): no memory in use
    // loses access it needs.
    let r = unsafe {
        sys(
            Sysno::mprotect,
            [map, GUARD_SIZE as u64, libc::PROT_NONE as u64, 0, 0, 0],
        )
    };
    if r != 0 {
        // SAFETY: the mapping made by this code, which nothing uses any more.
        unsafe { sys(Sysno::munmap, [map, len, 0, 0, 0, 0]) };
        return None;
    }
    Some(map.wrapping_add(GUARD_SIZE as u64))
}
