//! One trace line: a fixed buffer, the formatter behind one pair of functions, and the one
//! `sendmsg` that ships it to the launcher.
//!
//! Message format (one line each, parsed by the launcher): `PID TID KIND TEXT\n`, with KIND
//! `L` (a complete line), `E` (an `execve` whose result the next image or an `R` gives),
//! `R` (the result completing the thread's pending `E`), `A` (a new image armed),
//! `W` (a warning for the user).

use core::fmt::{self, Write};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use sigsys::Syscall;
use syscalls::x86_64::Sysno;

use crate::state;

/// Longest line sent; longer lines are cut (the launcher keeps the newline).
pub const LINE_MAX: usize = 2048;

/// Room before a line's text for its header (`PID TID KIND `: at most 11 + 1 + 11 + 3
/// bytes), written when the line is sent.
const HEAD_ROOM: usize = 32;

/// A line being built, on the handler's stack.
///
/// Made without touching its buffer (only the bytes written are initialised), its header
/// written in front of the text when it is sent, and never moved ([`Line::send`] and
/// [`Line::queue`] take it by reference): at 2 KiB, zeroing and copying it cost more than
/// formatting most lines.
pub struct Line {
    buf: MaybeUninit<[u8; HEAD_ROOM + LINE_MAX]>,
    /// Where the line starts in `buf` (`HEAD_ROOM` until the header is written).
    start: usize,
    /// Where it ends.
    len: usize,
    /// The end the text may reach: the header and the newline fit in `LINE_MAX`.
    end_max: usize,
    /// The header's process and thread ids (taken when the line is made) and kind (0: no
    /// header).
    head: (i32, i32, u8),
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.push_bytes(s.as_bytes()) {
            Ok(())
        } else {
            // Full: make the formatter stop early.
            Err(fmt::Error)
        }
    }
}

/// Writes `b` just before `at` in `room` (the header, backwards).
fn put_back(room: &mut [MaybeUninit<u8>], at: &mut usize, b: u8) {
    *at = at.saturating_sub(1);
    if let Some(slot) = room.get_mut(*at) {
        slot.write(b);
    }
}

/// Writes `v` in decimal just before `at` in `room`.
fn put_back_int(room: &mut [MaybeUninit<u8>], at: &mut usize, v: i32) {
    let mut u = v.unsigned_abs();
    loop {
        put_back(room, at, b'0' + (u % 10) as u8);
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if v < 0 {
        put_back(room, at, b'-');
    }
}

/// Characters of `v` in decimal.
fn dec_len(v: i32) -> usize {
    let mut n = usize::from(v < 0);
    let mut u = v.unsigned_abs();
    loop {
        n += 1;
        u /= 10;
        if u == 0 {
            return n;
        }
    }
}

impl Line {
    /// An empty line with the `PID TID KIND ` header (the ids now: after a fork or an exec
    /// they are another process's).
    #[inline(always)]
    pub fn new(kind: u8) -> Line {
        shm::prepare();
        let (pid, tid) = (state::pid(), state::tid());
        let head = dec_len(pid) + 1 + dec_len(tid) + 3;
        Line::made((pid, tid, kind), head)
    }

    /// A line that is never sent (bare mode): no header, no system call.
    #[inline(always)]
    pub fn empty() -> Line {
        shm::prepare();
        Line::made((0, 0, 0), 0)
    }

    /// A line with its fields set and its buffer untouched.
    #[inline(always)]
    fn made(head: (i32, i32, u8), head_len: usize) -> Line {
        let mut line = MaybeUninit::<Line>::uninit();
        let p = line.as_mut_ptr();
        // SAFETY: every field is written but `buf`, which needs no initialisation. (A
        // struct literal would make the compiler zero the buffer.)
        unsafe {
            core::ptr::addr_of_mut!((*p).start).write(HEAD_ROOM);
            core::ptr::addr_of_mut!((*p).len).write(HEAD_ROOM);
            core::ptr::addr_of_mut!((*p).end_max).write(HEAD_ROOM + LINE_MAX - 1 - head_len);
            core::ptr::addr_of_mut!((*p).head).write(head);
            line.assume_init()
        }
    }

    /// Writes the header in front of the text (once), from its end backwards.
    fn write_header(&mut self) {
        let (pid, tid, kind) = self.head;
        if kind == 0 || self.start != HEAD_ROOM {
            return;
        }
        let mut at = HEAD_ROOM;
        let room = self.room();
        put_back(room, &mut at, b' ');
        put_back(room, &mut at, kind);
        put_back(room, &mut at, b' ');
        put_back_int(room, &mut at, tid);
        put_back(room, &mut at, b' ');
        put_back_int(room, &mut at, pid);
        self.start = at;
    }

    /// The bytes written so far (the header once [`Line::send`] or [`Line::queue`] wrote
    /// it).
    pub fn bytes(&self) -> &[u8] {
        let (start, len) = (self.start.min(self.len), self.len.min(HEAD_ROOM + LINE_MAX));
        // SAFETY: `buf[start..len]` has been written (`push_bytes`, `write_header`,
        // `terminate`).
        unsafe {
            core::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>().add(start), len - start)
        }
    }

    /// The buffer, as bytes that may be uninitialised.
    fn room(&mut self) -> &mut [MaybeUninit<u8>; HEAD_ROOM + LINE_MAX] {
        // SAFETY: `[MaybeUninit<u8>; N]` has the layout of `MaybeUninit<[u8; N]>`, and
        // needs no initialisation.
        unsafe {
            &mut *self
                .buf
                .as_mut_ptr()
                .cast::<[MaybeUninit<u8>; HEAD_ROOM + LINE_MAX]>()
        }
    }

    /// Appends bytes, keeping one byte for the newline; a cut is silent. False if cut.
    pub fn push_bytes(&mut self, s: &[u8]) -> bool {
        let room = self.end_max.saturating_sub(self.len);
        let n = s.len().min(room);
        let at = self.len;
        if let Some(dst) = self.room().get_mut(at..at.saturating_add(n)) {
            // SAFETY: `dst` is `n` bytes of the buffer and `s` has at least `n`; a
            // `MaybeUninit<u8>` has the layout of a `u8`.
            unsafe { core::ptr::copy_nonoverlapping(s.as_ptr(), dst.as_mut_ptr().cast(), n) };
            self.len = self.len.saturating_add(n);
        }
        n == s.len()
    }

    /// Appends text.
    pub fn push(&mut self, s: &str) {
        self.push_bytes(s.as_bytes());
    }

    /// Appends `v` in decimal.
    pub fn push_int(&mut self, v: i64) {
        if v < 0 {
            self.push_bytes(b"-");
        }
        self.push_digits(v.unsigned_abs(), 10);
    }

    /// Appends `v` in decimal.
    pub fn push_u64(&mut self, v: u64) {
        self.push_digits(v, 10);
    }

    /// Appends `v` as `0x...` (`0` for zero, as strace's raw mode prints it).
    pub fn push_hex(&mut self, v: u64) {
        if v == 0 {
            self.push_bytes(b"0");
        } else {
            self.push_bytes(b"0x");
            self.push_digits(v, 16);
        }
    }

    /// Appends `v`'s digits in `base` (10 or 16), no prefix.
    pub fn push_digits(&mut self, mut v: u64, base: u64) {
        let base = base.clamp(2, 16);
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            let d = (v % base) as u8;
            i = i.saturating_sub(1);
            if let Some(slot) = digits.get_mut(i) {
                *slot = if d < 10 { b'0' + d } else { b'a' + (d - 10) };
            }
            v /= base;
            if v == 0 || i == 0 {
                break;
            }
        }
        self.push_bytes(digits.get(i..).unwrap_or(&[]));
    }

    /// Sends the line (with its newline) to the launcher. Never fails visibly: a lost
    /// connection only loses the line.
    pub fn send(&mut self) {
        flush();
        self.terminate();
        let bytes = self.bytes();
        if try_send(bytes) {
            return;
        }
        // Not delivered (no socket to be had, or the launcher does not take it): kept in
        // the batch, behind the lines a failed flush left there, for the launcher to print
        // at the end.
        if keep(bytes) {
            return;
        }
        shm::count_lost(lines_in(bytes));
    }

    /// Adds the line to the thread's batch (sent when full, older than about a
    /// millisecond, or before a call that may block, end or replace the process), or sends
    /// it at once if the thread has no batch.
    ///
    /// Reentrancy: a program signal handler may run nested on top of this handler at any
    /// instruction (an asynchronous signal), and its own calls queue lines too. While a
    /// line is being copied into the batch the thread is marked busy; a nested handler
    /// that finds it busy sends what the batch already holds, then its own line, and
    /// leaves the batch empty (so the program handler's lines come after the thread's
    /// earlier lines and before the interrupted call's, as they happened). The copy is
    /// published with a compare-and-swap of the length; if a nested handler emptied the
    /// batch meanwhile, the copy is redone at the new end. [`flush`] runs with signals
    /// blocked, so nothing nests inside it.
    pub fn queue(&mut self) {
        self.terminate();
        let bytes = self.bytes();
        let batch = if state::EAGER.load(Ordering::Relaxed) {
            None
        } else {
            shm::batch(true)
        };
        let Some(b) = batch else {
            send_bytes(bytes);
            return;
        };
        let busy = state::me().busy.swap(true, Ordering::SeqCst);
        if busy {
            // Nested inside another line's copy: see above.
            flush();
            send_bytes(bytes);
            return;
        }
        if !append(b, bytes) {
            send_bytes(bytes);
        }
        state::me().busy.store(false, Ordering::SeqCst);
    }

    fn terminate(&mut self) {
        self.write_header();
        let at = self.len;
        if let Some(b) = self.room().get_mut(at) {
            b.write(b'\n');
            self.len += 1;
        }
    }
}

/// Appends a line that could not be sent to the thread's batch, if it has one and the
/// line fits (see [`Line::queue`] for the `BUSY` protocol).
fn keep(bytes: &[u8]) -> bool {
    let Some(b) = shm::batch(true) else {
        return false;
    };
    if state::me().busy.swap(true, Ordering::SeqCst) {
        return false;
    }
    let kept = append(b, bytes);
    state::me().busy.store(false, Ordering::SeqCst);
    kept
}

/// Some thread of the program made `rdtsc` fault (`prctl(PR_SET_TSC, PR_TSC_SIGSEGV)`, or
/// the image started so): batch ages are then taken from `clock_gettime` (a system call
/// from the gate; the vDSO's clock reads the TSC too). Never cleared: the mode is per
/// thread and inherited, so once set anywhere it is assumed everywhere.
pub static TSC_FAULTS: AtomicBool = AtomicBool::new(false);

/// A time stamp for batch ages: the time stamp counter (no system call), or, once the
/// program made it fault ([`TSC_FAULTS`]), nanoseconds of `CLOCK_MONOTONIC` scaled to
/// about the same unit (x4: 4 ticks a nanosecond at 4 GHz).
fn tsc() -> u64 {
    if TSC_FAULTS.load(Ordering::Relaxed) {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        state::sys(
            Sysno::clock_gettime,
            [
                libc::CLOCK_MONOTONIC as u64,
                core::ptr::from_mut(&mut ts) as u64,
                0,
                0,
                0,
                0,
            ],
        );
        let ns = (ts.tv_sec as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(ts.tv_nsec as u64);
        return ns.wrapping_mul(4);
    }
    // SAFETY: RDTSC has no memory effects; x86_64 always has it, and the program has not
    // made it fault (checked above).
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// About a millisecond or more of TSC ticks (1 ms at 4 GHz, 4 ms at 1 GHz).
const BATCH_AGE: u64 = 4_000_000;

/// `prctl(PR_SET_TSC, mode)` succeeded: remember whether `rdtsc` now faults.
pub fn tsc_mode_set(mode: u64) {
    if mode as u32 as i32 == libc::PR_TSC_SIGSEGV {
        TSC_FAULTS.store(true, Ordering::Relaxed);
    }
}

/// At start-up: an image started with `rdtsc` faulting (the mode survives exec).
pub fn tsc_mode_at_start() {
    let mut mode: i32 = 0;
    let r = state::sys(
        Sysno::prctl,
        [
            libc::PR_GET_TSC as u64,
            core::ptr::from_mut(&mut mode) as u64,
            0,
            0,
            0,
            0,
        ],
    );
    if r == 0 && mode == libc::PR_TSC_SIGSEGV {
        TSC_FAULTS.store(true, Ordering::Relaxed);
    }
}

/// Copies `bytes` at the end of the batch and publishes them; false if they do not fit
/// even in an empty batch.
fn append(b: *mut state::Batch, bytes: &[u8]) -> bool {
    // SAFETY: the batch is this thread's; `len` is a u32 the handler only touches through
    // this atomic view.
    let len = unsafe { batch_len(b) };
    for _ in 0..64 {
        let mut used = len.load(Ordering::SeqCst) as usize;
        if used + bytes.len() > BATCH_DATA {
            flush();
            used = len.load(Ordering::SeqCst) as usize;
            if used + bytes.len() > BATCH_DATA {
                return false;
            }
        }
        // SAFETY: `data` is BATCH_DATA bytes inside the thread's batch and
        // `used + bytes.len() <= BATCH_DATA`. A nested handler never writes into the
        // batch while this copy is under way (it finds BUSY set), it may only empty it.
        unsafe {
            let data = core::ptr::addr_of_mut!((*b).data).cast::<u8>();
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), data.add(used), bytes.len());
            if used == 0 {
                core::ptr::addr_of_mut!((*b).first_tsc).write_volatile(tsc());
            }
        }
        let new = (used + bytes.len()) as u32;
        if len
            .compare_exchange(used as u32, new, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return true;
        }
    }
    false
}

/// Bytes of lines a batch holds.
const BATCH_DATA: usize = state::BATCH_SIZE - 16;

/// The batch's `len` as an atomic (program handlers nest on the tracer's: see
/// [`Line::queue`]).
///
/// # Safety
///
/// `b` is this thread's batch (see [`shm::batch`]).
unsafe fn batch_len<'a>(b: *mut state::Batch) -> &'a AtomicU32 {
    // SAFETY: `len` is an aligned u32 in a mapping that lives as long as the thread.
    unsafe { AtomicU32::from_ptr(core::ptr::addr_of_mut!((*b).len)) }
}

/// Sends the thread's batch if its oldest line waited long enough.
pub fn flush_if_old() {
    if let Some(b) = shm::batch(false) {
        // SAFETY: this thread's batch.
        let used = unsafe { batch_len(b) }.load(Ordering::Acquire);
        // SAFETY: as above; a torn read of the time only flushes early or late.
        let first = unsafe { core::ptr::addr_of!((*b).first_tsc).read_volatile() };
        if used != 0 && tsc().wrapping_sub(first) > BATCH_AGE {
            flush();
        }
    }
}

/// Sends the thread's batch now, with every signal blocked: a program handler must not
/// run (and queue into the batch) while it is being sent, nor between the send and the
/// reset of its length (the same lines would be sent twice).
pub fn flush() {
    let Some(b) = shm::batch(false) else {
        return;
    };
    // SAFETY: this thread's batch.
    let len = unsafe { batch_len(b) };
    if len.load(Ordering::Acquire) == 0 {
        return;
    }
    let all: u64 = !0;
    let mut old: u64 = 0;
    let blocked = state::sys(
        Sysno::rt_sigprocmask,
        [
            libc::SIG_BLOCK as u64,
            core::ptr::from_ref(&all) as u64,
            core::ptr::from_mut(&mut old) as u64,
            8,
            0,
            0,
        ],
    ) == 0;
    let used = len.load(Ordering::Acquire) as usize;
    // SAFETY: `used <= BATCH_DATA` bytes of the batch's data, written by this thread; no
    // handler can nest while signals are blocked.
    let data = unsafe {
        core::slice::from_raw_parts(
            core::ptr::addr_of!((*b).data).cast::<u8>(),
            used.min(BATCH_DATA),
        )
    };
    if try_send(data) {
        len.store(0, Ordering::Release);
    }
    // Else nothing was sent: the lines stay in the batch, which the launcher prints once
    // the thread is gone; later lines find it full and are counted as lost if they cannot
    // be sent either.
    if blocked {
        state::sys(
            Sysno::rt_sigprocmask,
            [
                libc::SIG_SETMASK as u64,
                core::ptr::from_ref(&old) as u64,
                0,
                8,
                0,
                0,
            ],
        );
    }
}

/// Where the batches live: shared memory the launcher can read after the process is gone.
///
/// Each image creates one memfd of [`shm::SIZE`] bytes (at its first line, in every mode,
/// so that the program's memory map is the same with and without lines), maps it shared
/// and passes it to the launcher over its socket (`SCM_RIGHTS`, with a `PID TID M`
/// message). The memfd has [`shm::SLOTS`] slots of [`state::BATCH_SIZE`] bytes after a
/// header page of owner thread ids; a thread claims a free slot (or one whose owner is gone
/// and left it empty) at its first line and keeps it. Fork children inherit the mapping,
/// shared, and the same socket: each of their threads claims a slot of its own in it. A
/// slot is a [`state::Batch`]: `len` is only ever raised once a line is completely written
/// and reset to 0 after the batch was sent, so when the connection closes the launcher
/// prints what every slot still holds: the lines of a task killed by a signal, or quiet
/// when its process ended, are not lost. (A process killed between a batch's send and the
/// reset of its length would have that batch printed twice: a few instructions, signals
/// blocked.) Threads beyond [`shm::SLOTS`] send each line at once; if the memfd cannot be
/// made, the batch at the top of the thread's alternate stack is used (lost if the task
/// dies).
pub mod shm {
    use core::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};

    use syscalls::x86_64::Sysno;

    use crate::state::{self, sys, Batch, BATCH_SIZE};

    /// Slots per image.
    pub const SLOTS: usize = crate::protocol::BATCH_SLOTS;
    /// Header page: `SLOTS` owner tids (i32).
    pub const HEADER: usize = crate::protocol::BATCH_HEADER;
    /// Size of the memfd.
    pub const SIZE: usize = HEADER + SLOTS * BATCH_SIZE;

    /// Where the memfd is mapped if the address is free: far below the area the program's
    /// own mappings are taken from (top down), so that theirs do not move.
    const REGION_HINT: u64 = 0x5f00_0001_0000;

    /// The image's mapping: 0 none yet, 1 being made, 2 failed, else its address.
    static REGION: AtomicU64 = AtomicU64::new(0);

    /// Where the header page counts undelivered lines.
    pub const LOST_AT: usize = crate::protocol::LOST_AT;
    /// Pairs in the lost-lines table.
    pub const LOST_ENTRIES: usize = crate::protocol::LOST_ENTRIES;

    /// Lines lost while no memfd could hold the count (never reported).
    static LOST_UNCOUNTED: AtomicU32 = AtomicU32::new(0);

    /// Counts `n` lines of this process that could not be delivered, in the image's memfd
    /// (shared by its fork children), which the launcher reads at the end.
    pub fn count_lost(n: u32) {
        let base = REGION.load(Ordering::Acquire);
        if base <= 2 || n == 0 {
            LOST_UNCOUNTED.fetch_add(n, Ordering::Relaxed);
            return;
        }
        let pid = state::pid();
        for i in 0..LOST_ENTRIES {
            let at = base + (LOST_AT + 8 * i) as u64;
            // SAFETY: two aligned i32s in the header page, which is never unmapped.
            let (p, c) = unsafe {
                (
                    AtomicI32::from_ptr(at as *mut i32),
                    AtomicU32::from_ptr((at + 4) as *mut u32),
                )
            };
            let cur = p.load(Ordering::Acquire);
            if cur == pid
                || (cur == 0
                    && p.compare_exchange(0, pid, Ordering::AcqRel, Ordering::Acquire)
                        .map_or_else(|now| now == pid, |_| true))
            {
                c.fetch_add(n, Ordering::AcqRel);
                return;
            }
        }
        LOST_UNCOUNTED.fetch_add(n, Ordering::Relaxed);
    }

    /// Makes the image's memfd (and the thread's slot) if it does not exist yet. Called
    /// for every line, sent or not, in every mode (`--bare`, on stderr), so that the
    /// program's memory map (`/proc/self/maps`) is the same in all of them.
    pub fn prepare() {
        if REGION.load(Ordering::Relaxed) == 0 {
            let _ = batch(true);
        }
    }

    fn owner(base: u64, i: usize) -> &'static AtomicI32 {
        // SAFETY: the header page holds SLOTS aligned i32s; the mapping is never unmapped.
        unsafe { AtomicI32::from_ptr((base as *mut i32).wrapping_add(i)) }
    }

    fn slot(base: u64, i: usize) -> *mut Batch {
        (base + (HEADER + i * BATCH_SIZE) as u64) as *mut Batch
    }

    /// This thread's batch; with `make`, the image's memfd and the thread's slot are
    /// made if they do not exist yet.
    pub fn batch(make: bool) -> Option<*mut Batch> {
        let mut base = REGION.load(Ordering::Acquire);
        if base == 0
            && make
            && REGION
                .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            base = new_region().unwrap_or(2);
            REGION.store(base, Ordering::Release);
        }
        if base == 2 {
            return state::batch().map(core::ptr::from_mut);
        }
        if base < 2 {
            return None;
        }
        let m = &state::me().mine;
        let (mbase, idx) = (
            m[0].load(Ordering::Relaxed),
            m[1].load(Ordering::Relaxed) as usize,
        );
        let tid = state::tid();
        if mbase == base {
            match idx {
                0 => return None,
                i if owner(base, i - 1).load(Ordering::Relaxed) == tid => {
                    return Some(slot(base, i - 1));
                }
                // The slot of the thread this one is a fork (or vfork) child of.
                _ => {}
            }
        }
        if !make {
            return None;
        }
        let idx = claim(base, tid).map_or(0, |i| i + 1);
        m[0].store(base, Ordering::Relaxed);
        m[1].store(idx as u64, Ordering::Relaxed);
        idx.checked_sub(1).map(|i| slot(base, i))
    }

    /// Claims a slot of the mapping at `base` for thread `tid`.
    fn claim(base: u64, tid: i32) -> Option<usize> {
        for i in 0..SLOTS {
            let o = owner(base, i);
            if o.load(Ordering::Acquire) == tid
                || o.compare_exchange(0, tid, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                return Some(i);
            }
        }
        // Slots of threads that are gone (in any process sharing the mapping) and left
        // nothing unsent.
        for i in 0..SLOTS {
            let o = owner(base, i);
            let t = o.load(Ordering::Acquire);
            // SAFETY: the slot's `len`, an aligned u32 at its start.
            let len = unsafe { AtomicU32::from_ptr(core::ptr::addr_of_mut!((*slot(base, i)).len)) };
            let gone = sys(Sysno::tkill, [t as u64, 0, 0, 0, 0, 0]) == -(libc::ESRCH as i64);
            if gone
                && len.load(Ordering::Acquire) == 0
                && o.compare_exchange(t, tid, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                return Some(i);
            }
        }
        None
    }

    /// Makes the image's memfd, maps it and hands it to the launcher.
    fn new_region() -> Option<u64> {
        let fd = sys(
            Sysno::memfd_create,
            [
                c"sigsys-trace".as_ptr() as u64,
                libc::MFD_CLOEXEC as u64,
                0,
                0,
                0,
                0,
            ],
        );
        if fd < 0 {
            return None;
        }
        let close = || sys(Sysno::close, [fd as u64, 0, 0, 0, 0, 0]);
        if sys(Sysno::ftruncate, [fd as u64, SIZE as u64, 0, 0, 0, 0]) != 0 {
            close();
            return None;
        }
        let a = sys(
            Sysno::mmap,
            [
                REGION_HINT,
                SIZE as u64,
                (libc::PROT_READ | libc::PROT_WRITE) as u64,
                libc::MAP_SHARED as u64,
                fd as u64,
                0,
            ],
        );
        if (-4095..0).contains(&a) {
            close();
            return None;
        }
        let sent = send_fd(fd as i32);
        close();
        if !sent {
            sys(Sysno::munmap, [a as u64, SIZE as u64, 0, 0, 0, 0]);
            return None;
        }
        Some(a as u64)
    }

    /// Sends `PID TID M\n` with `fd` attached.
    fn send_fd(fd: i32) -> bool {
        let mut line = super::Line::new(b'M');
        line.terminate();
        let bytes = line.bytes();
        let mut iov = [
            libc::iovec {
                iov_base: super::token_ptr(),
                iov_len: super::TOKEN_LEN,
            },
            libc::iovec {
                iov_base: bytes.as_ptr() as *mut libc::c_void,
                iov_len: bytes.len(),
            },
        ];
        // cmsghdr (16 bytes) + one int, padded to 8: 24 bytes.
        let mut cbuf = [0u64; 3];
        let cmsg = cbuf.as_mut_ptr().cast::<libc::cmsghdr>();
        // SAFETY: `cbuf` is large and aligned enough for one cmsghdr and an int.
        unsafe {
            (*cmsg).cmsg_len = 20;
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            cmsg.cast::<u8>().add(16).cast::<i32>().write_unaligned(fd);
        }
        let Some((addr, addr_len)) = super::launcher() else {
            return false;
        };
        // SAFETY: msghdr is plain data; zero is valid.
        let mut msg: libc::msghdr = unsafe { core::mem::zeroed() };
        msg.msg_name = addr.cast_mut().cast();
        msg.msg_namelen = addr_len;
        msg.msg_iov = iov.as_mut_ptr();
        msg.msg_iovlen = 2;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        msg.msg_controllen = 24;
        super::with_socket(|out| {
            for _ in 0..100 {
                let r = sys(
                    Sysno::sendmsg,
                    [
                        out as u64,
                        core::ptr::from_ref(&msg) as u64,
                        libc::MSG_NOSIGNAL as u64,
                        0,
                        0,
                        0,
                    ],
                );
                if r == -(libc::EINTR as i64) || r == -(libc::EAGAIN as i64) {
                    continue;
                }
                return r == (super::TOKEN_LEN + bytes.len()) as i64;
            }
            false
        })
        .unwrap_or(false)
    }
}

/// Bytes of the run's token that start every datagram (`protocol::Header::token`).
pub const TOKEN_LEN: usize = 8;

/// The run's token (see `protocol.rs`), set once before the program runs.
static TOKEN: AtomicU64 = AtomicU64::new(0);

/// Records the run's token.
pub fn set_token(token: u64) {
    TOKEN.store(token, Ordering::Relaxed);
}

fn token_ptr() -> *mut libc::c_void {
    TOKEN.as_ptr().cast()
}

/// The launcher's datagram socket address (abstract: `\0` + name) and its length; set once
/// before the program runs.
static LAUNCHER: LauncherAddr =
    LauncherAddr(core::cell::UnsafeCell::new([0; 110]), AtomicU32::new(0));

struct LauncherAddr(core::cell::UnsafeCell<[u8; 110]>, AtomicU32);

// SAFETY: written once by `set_launcher` before the program (and any other thread) runs,
// read-only afterwards.
unsafe impl Sync for LauncherAddr {}

/// Records the launcher's socket name.
///
/// # Safety
///
/// Only before the program runs (one thread, no handler).
pub unsafe fn set_launcher(name: &[u8]) {
    // SAFETY: the caller's guarantee.
    let a = unsafe { &mut *LAUNCHER.0.get() };
    a.fill(0);
    a[0] = libc::AF_UNIX as u8;
    let n = name.len().min(a.len() - 3);
    // sun_path[0] = 0 (abstract), then the name.
    a[3..3 + n].copy_from_slice(&name[..n]);
    LAUNCHER.1.store((2 + 1 + n) as u32, Ordering::Release);
}

fn launcher() -> Option<(*const u8, u32)> {
    let len = LAUNCHER.1.load(Ordering::Acquire);
    (len != 0).then(|| (LAUNCHER.0.get().cast_const().cast::<u8>(), len))
}

/// Runs `f` with a datagram socket made for it and closed afterwards: the program never
/// has a descriptor of the tracer's open (it cannot see one in `/proc/self/fd`, reach it
/// with `close_range` or a `poll` over its descriptors, or be given its number).
fn with_socket<R>(f: impl FnOnce(i32) -> R) -> Option<R> {
    let fd = state::sys(
        Sysno::socket,
        [
            libc::AF_UNIX as u64,
            (libc::SOCK_DGRAM | libc::SOCK_CLOEXEC) as u64,
            0,
            0,
            0,
            0,
        ],
    );
    if fd < 0 {
        return None;
    }
    let r = f(fd as i32);
    state::sys(Sysno::close, [fd as u64, 0, 0, 0, 0, 0]);
    Some(r)
}

/// Sends `bytes` (whole lines) as one datagram (lines are at most a batch long); returns
/// whether it was sent. No SIGPIPE, ever: a launcher that went away costs the lines, not
/// the program.
fn try_send(bytes: &[u8]) -> bool {
    let Some((addr, addr_len)) = launcher() else {
        return false;
    };
    let mut iov = [
        libc::iovec {
            iov_base: token_ptr(),
            iov_len: TOKEN_LEN,
        },
        libc::iovec {
            iov_base: bytes.as_ptr() as *mut libc::c_void,
            iov_len: bytes.len(),
        },
    ];
    // SAFETY: msghdr is plain data; zero is valid.
    let mut msg: libc::msghdr = unsafe { core::mem::zeroed() };
    msg.msg_name = addr.cast_mut().cast();
    msg.msg_namelen = addr_len;
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = 2;
    with_socket(|fd| {
        for _ in 0..1000 {
            let r = state::sys(
                Sysno::sendmsg,
                [
                    fd as u64,
                    core::ptr::from_ref(&msg) as u64,
                    libc::MSG_NOSIGNAL as u64,
                    0,
                    0,
                    0,
                ],
            );
            if r == -(libc::EINTR as i64) || r == -(libc::EAGAIN as i64) {
                continue;
            }
            return r == (TOKEN_LEN + bytes.len()) as i64;
        }
        false
    })
    .unwrap_or(false)
}

/// Sends `bytes` (whole lines); lines that cannot be delivered are counted in the image's
/// memfd header ([`shm::count_lost`]), which the launcher reports at the end.
pub fn send_bytes(bytes: &[u8]) {
    if !bytes.is_empty() && !try_send(bytes) {
        shm::count_lost(lines_in(bytes));
    }
}

/// Lines in `bytes`, a cut last one included.
fn lines_in(bytes: &[u8]) -> u32 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count();
    let cut = u32::from(bytes.last().is_some_and(|&b| b != b'\n'));
    (n as u32).saturating_add(cut)
}

/// The program's memory, read fault-free (`mem::ProgMemory`: safecopy, or
/// `process_vm_readv` on the cached pid).
pub use crate::mem::ProgMemory as ProcMemory;

/// How calls are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// strace's default view, by `sigsys::fmt` (strings, flags, structs decoded).
    Decoded,
    /// `strace -e raw=all`: every argument and the result as raw hexadecimal.
    Raw,
}

/// Bytes of strings shown (`-s`; 0: strace's default).
pub static STRING_LIMIT: AtomicU32 = AtomicU32::new(0);

fn opts() -> sigsys::fmt::Options {
    let mut o = sigsys::fmt::Options::DEFAULT;
    match STRING_LIMIT.load(Ordering::Relaxed) {
        0 => {}
        n => o.string_limit = n as usize,
    }
    o.verbose = VERBOSE.load(Ordering::Relaxed);
    o.fd_paths = FD_PATHS.load(Ordering::Relaxed);
    o.hex_strings = match HEX.load(Ordering::Relaxed) {
        0 => sigsys::fmt::HexStrings::Never,
        1 => sigsys::fmt::HexStrings::NonAscii,
        _ => sigsys::fmt::HexStrings::All,
    };
    o
}

/// `-x` (1) and `-xx` (2).
pub static HEX: AtomicU32 = AtomicU32::new(0);

/// `-y`: descriptors with their paths.
pub static FD_PATHS: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// `-v`: structs unabbreviated.
pub static VERBOSE: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// Where the launcher finds a line's times (`-t`, `-r`, `-T`, `-c`): after its text.
pub const TIMES_MARK: &str = "\x1e";

/// The wall clock in nanoseconds since the epoch (`clock_gettime` from the gate; 0 if it
/// fails).
pub fn now_ns() -> u64 {
    let mut ts = [0i64; 2];
    let r = state::sys(
        Sysno::clock_gettime,
        [
            libc::CLOCK_REALTIME as u64,
            ts.as_mut_ptr() as u64,
            0,
            0,
            0,
            0,
        ],
    );
    if r != 0 {
        return 0;
    }
    (ts[0] as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts[1] as u64)
}

/// Appends the call's start and duration (nanoseconds) for the launcher.
pub fn write_times(line: &mut Line, started: u64) {
    let dur = now_ns().saturating_sub(started);
    line.push(TIMES_MARK);
    line.push_u64(started);
    line.push(" ");
    line.push_u64(dur);
}

/// Writes `name(args...)` as known before the call runs (for calls printed before they
/// finish: `execve`, `exit`).
pub fn write_call(line: &mut Line, call: &Syscall, style: Style) {
    match style {
        Style::Decoded => {
            let _ = sigsys::fmt::write_call(line, call, &ProcMemory, &opts());
        }
        Style::Raw => write_raw_call(line, call),
    }
}

/// Writes `name(args...) = result` once the call returned `ret`.
pub fn write_done(line: &mut Line, call: &Syscall, ret: i64, style: Style) {
    match style {
        Style::Decoded => {
            // Every read of the program's memory is fault-proof, buffers just copied by the
            // kernel included: another thread may unmap them meanwhile.
            let _ = sigsys::fmt::write_call_done(line, call, ret, &ProcMemory, &opts());
            line.push(RESULT_MARK);
            let _ = sigsys::fmt::write_result(line, call, ret, &ProcMemory, &opts());
        }
        Style::Raw => {
            write_raw_call(line, call);
            write_result(line, call, ret, style);
        }
    }
}

/// Where the launcher aligns the result (strace's column 40): between a line's call and
/// its ` = result`. A control character never appears raw in formatted text.
pub const RESULT_MARK: &str = "\x1f";

/// Writes ` = result` alone, after the result mark.
pub fn write_result(line: &mut Line, call: &Syscall, ret: i64, style: Style) {
    line.push(RESULT_MARK);
    match style {
        Style::Decoded => {
            let _ = sigsys::fmt::write_result(line, call, ret, &ProcMemory, &opts());
        }
        Style::Raw => write_raw_result(line, call, ret),
    }
}

/// `strace -e raw=all`: the name and the call's own number of arguments in hex.
fn write_raw_call(line: &mut Line, call: &Syscall) {
    match call.name() {
        Some(name) => line.push(name),
        None => {
            line.push("syscall_0x");
            line.push_digits(u64::from(call.nr), 16);
        }
    }
    let nargs = sigsys::args::typed_args(call).map_or(6, |t| t.signature.args.len());
    line.push("(");
    for (i, arg) in call.args.iter().take(nargs).enumerate() {
        if i > 0 {
            line.push(", ");
        }
        write_hex(line, *arg);
    }
    line.push(")");
}

fn write_raw_result(line: &mut Line, call: &Syscall, ret: i64) {
    let no_return = sigsys::args::typed_args(call)
        .is_some_and(|t| t.signature.ret == sigsys::args::Ret::NoReturn);
    if no_return {
        line.push(" = ?");
        return;
    }
    line.push(" = ");
    if (-4095..0).contains(&ret) {
        let errno = syscalls::Errno::new(-ret as i32);
        match errno.name_and_description() {
            Some((name, desc)) => {
                line.push("-1 ");
                line.push(name);
                line.push(" (");
                line.push(desc);
                line.push(")");
            }
            None => {
                line.push("-1 errno ");
                line.push_int(ret.saturating_neg());
            }
        }
    } else {
        write_hex(line, ret as u64);
    }
}

fn write_hex(line: &mut Line, v: u64) {
    line.push_hex(v);
}
