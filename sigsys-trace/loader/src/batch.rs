//! The thread's ring of lines: a line is written into the thread's slot of the image's
//! memfd ([`crate::shm`], `protocol::BATCH_SLOT_SIZE`) and the launcher reads it from
//! there, so that a call's line costs no system call of the tracer's, and delivering lines
//! needs no descriptor in the program.

use core::sync::atomic::{compiler_fence, AtomicBool, AtomicU64, Ordering};

use syscalls::x86_64::Sysno;

use crate::line::Line;
use crate::protocol::{rec_size, REC_HEADER, REC_PAD, REC_RESERVED, RING_AT, RING_SIZE};
use crate::send::{send_bytes, try_send};
use crate::shm::{self, Ring};
use crate::state;
use crate::sys::{self, sys};

impl Line {
    /// Delivers the line (with its newline): [`Line::queue`]. The launcher reads the rings
    /// of a process after it has ended too, so a line in the ring needs nothing more
    /// before the process ends or replaces itself.
    pub fn send(&mut self) {
        self.queue();
    }

    /// Writes the line into the thread's ring, or sends it at once if the thread has none
    /// (or its ring is full and cannot be waited for).
    ///
    /// Reentrancy: a program signal handler may run nested on top of this handler at any
    /// instruction (an asynchronous signal), and its own calls queue lines too. A record
    /// is reserved with a compare-and-swap of the ring's head, so a nested handler's
    /// records come after the ones reserved before it and before the rest, and none is
    /// written twice. While a line is being written the thread is marked busy: a nested
    /// handler that finds the ring full does not wait for room (the launcher cannot read
    /// past the interrupted record, so no room would come) but sends its line at once.
    pub fn queue(&mut self) {
        self.queue_for(state::me());
    }

    /// [`Line::queue`] for `me`, this thread's entry ([`state::me`]).
    pub fn queue_for(&mut self, me: &state::Thread) {
        self.terminate();
        let bytes = self.bytes();
        let Some(r) = shm::batch_of(me, true).filter(|_| shm::still_read()) else {
            send_bytes(bytes);
            return;
        };
        // A local's address: where this frame is on its stack.
        let here = core::ptr::addr_of!(r) as u64;
        // `busy` is this thread's only (and its nested handlers', which finish before the
        // code they interrupt goes on): a load and a store, kept in program order by the
        // fences, not a locked exchange.
        let busy = me.busy.load(Ordering::Relaxed);
        me.busy.store(true, Ordering::Relaxed);
        compiler_fence(Ordering::SeqCst);
        let nested = busy && !left_by_a_jump(me, here);
        if busy && !nested {
            retire_left(r);
        }
        if !nested {
            me.busy_sp.store(here, Ordering::Relaxed);
        }
        if !append(r, bytes, !nested) {
            send_bytes(bytes);
        }
        if !nested {
            compiler_fence(Ordering::SeqCst);
            me.busy.store(false, Ordering::Relaxed);
        }
    }
}

/// Some thread of the program made `rdtsc` fault (`prctl(PR_SET_TSC, PR_TSC_SIGSEGV)`, or
/// the image started so): line time stamps are then taken from `clock_gettime` (a system call
/// from the gate; the vDSO's clock reads the TSC too). Never cleared: the mode is per
/// thread and inherited, so once set anywhere it is assumed everywhere.
pub static TSC_FAULTS: AtomicBool = AtomicBool::new(false);

/// A line's time stamp: the time stamp counter (no system call), or, once the
/// program made it fault ([`TSC_FAULTS`]), nanoseconds of `CLOCK_MONOTONIC` scaled to
/// about the same unit (x4: 4 ticks a nanosecond at 4 GHz).
fn tsc() -> u64 {
    if TSC_FAULTS.load(Ordering::Relaxed) {
        let [sec, nsec] = sys::clock_gettime(libc::CLOCK_MONOTONIC).unwrap_or([0; 2]);
        let ns = (sec as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(nsec as u64);
        return ns.wrapping_mul(4);
    }
    // SAFETY: RDTSC has no memory effects; x86_64 always has it, and the program has not
    // made it fault (checked above).
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// `prctl(PR_SET_TSC, mode)` succeeded: remember whether `rdtsc` now faults.
pub fn tsc_mode_set(mode: u64) {
    if mode as u32 as i32 == libc::PR_TSC_SIGSEGV {
        TSC_FAULTS.store(true, Ordering::Relaxed);
    }
}

/// At start-up: an image started with `rdtsc` faulting (the mode survives exec).
pub fn tsc_mode_at_start() {
    let mut mode: i32 = 0;
    // SAFETY: the option takes or fills only the local buffer it is given (or numbers).
    let r = unsafe {
        sys(
            Sysno::prctl,
            [
                libc::PR_GET_TSC as u64,
                core::ptr::from_mut(&mut mode) as u64,
                0,
                0,
                0,
                0,
            ],
        )
    };
    if r == 0 && mode == libc::PR_TSC_SIGSEGV {
        TSC_FAULTS.store(true, Ordering::Relaxed);
    }
}

/// Set when a thread gave up waiting for room (the launcher unreachable and not reading):
/// from then on a full ring is not waited for, until some line finds room again.
static GAVE_UP: AtomicBool = AtomicBool::new(false);

/// Whether the writing `me` is marked busy with is not one this frame (at stack address
/// `here`) is nested in, but one a program handler nested in it left by `siglongjmp`
/// (found by the thread's next line). A handler nested in a writing runs deeper on the
/// same stack (the kernel's frame alone is more than 1 KiB); after the jump the thread
/// writes its next line from the top of a handler again.
fn left_by_a_jump(me: &state::Thread, here: u64) -> bool {
    here.saturating_add(1024) >= me.busy_sp.load(Ordering::Relaxed)
}

/// Turns every record of ring `r` that is reserved and not written into padding the
/// launcher skips, counting its line as lost. Called only where no writing of this thread
/// is under way (a line's writing that is not nested in another, before it reserves): the
/// thread is its ring's only writer, so such a record was left by a program handler that
/// `siglongjmp`ed out of its writing, and the launcher would wait at it for good.
fn retire_left(r: Ring) {
    let head = r.head().load(Ordering::Acquire);
    let mut p = r.tail().load(Ordering::Acquire);
    if head.wrapping_sub(p) > RING_SIZE as u64 {
        return;
    }
    let word = |p: u64| {
        let at = (p % RING_SIZE as u64) as usize;
        // SAFETY: a record's aligned position word inside the ring.
        unsafe { AtomicU64::from_ptr(r.base().wrapping_add(RING_AT + at).cast::<u64>()) }
            .load(Ordering::Acquire)
    };
    let len_at = |p: u64| {
        let at = (p % RING_SIZE as u64) as usize;
        // SAFETY: a record's aligned length inside the ring.
        unsafe {
            r.base()
                .wrapping_add(RING_AT + at + 16)
                .cast::<u32>()
                .read_volatile()
        }
    };
    // At most one step per 8 bytes of the ring: a bound whatever the ring holds.
    for _ in 0..RING_SIZE / 8 {
        if p >= head {
            return;
        }
        let off = p % RING_SIZE as u64;
        let to_end = RING_SIZE as u64 - off;
        if to_end < REC_HEADER as u64 {
            p += to_end;
            continue;
        }
        let w = word(p);
        let len = len_at(p);
        let size = if len & REC_PAD != 0 {
            u64::from(len & !REC_PAD)
        } else {
            rec_size(len as usize) as u64
        };
        if w == p {
            if size < REC_HEADER as u64 || size > to_end {
                return; // not a record: written over
            }
            p += size;
            continue;
        }
        // Left: its size, or (not even marked) up to the next record that is.
        let size = if w == p | REC_RESERVED && len & REC_PAD == 0 {
            size
        } else {
            let mut q = p + 8;
            while q < head && q - p < to_end {
                let qoff = q % RING_SIZE as u64;
                if RING_SIZE as u64 - qoff >= REC_HEADER as u64
                    && (word(q) == q || word(q) == q | REC_RESERVED)
                {
                    break;
                }
                q += 8;
            }
            q - p
        };
        let size = size.min(to_end);
        if size < REC_HEADER as u64 {
            return;
        }
        // SAFETY: `size` bytes of the ring from `off` (`off + size <= RING_SIZE`), reserved
        // by the writing that was left, no one else's.
        unsafe { write_record(r, off as usize, p, REC_PAD | size as u32, 0, &[]) };
        if w == p | REC_RESERVED {
            shm::count_lost(1);
        }
        p += size;
    }
}

/// Writes `bytes` (one line) as a record into ring `r`; false if it does not fit (a line
/// longer than half the ring, or a full ring that `may_wait` does not allow waiting for,
/// or that the launcher does not empty).
fn append(r: Ring, bytes: &[u8], may_wait: bool) -> bool {
    let need = rec_size(bytes.len()) as u64;
    if need > (RING_SIZE / 2) as u64 {
        return false;
    }
    let (head, tail) = (r.head(), r.tail());
    let mut wait = Wait::default();
    // A compare-and-swap fails only when a nested handler reserved a record meanwhile.
    for _ in 0..1024 {
        let h = head.load(Ordering::Acquire);
        let t = tail.load(Ordering::Acquire);
        let off = h % RING_SIZE as u64;
        let to_end = RING_SIZE as u64 - off;
        let skip = if need > to_end { to_end } else { 0 };
        let total = skip + need;
        if h.wrapping_sub(t).saturating_add(total) > RING_SIZE as u64 {
            if !may_wait || !wait.for_room(r, t) {
                return false;
            }
            continue;
        }
        if head
            .compare_exchange(
                h,
                h.wrapping_add(total),
                Ordering::SeqCst,
                Ordering::Relaxed,
            )
            .is_err()
        {
            continue;
        }
        let at = (h.wrapping_add(skip) % RING_SIZE as u64) as usize;
        // SAFETY: `at + need <= RING_SIZE` (a record is never split at the ring's end), in
        // bytes this reservation owns.
        unsafe { mark_reserved(r, at, h.wrapping_add(skip), bytes.len() as u32) };
        // Room again: a later full ring is waited for again.
        if GAVE_UP.load(Ordering::Relaxed) {
            GAVE_UP.store(false, Ordering::Relaxed);
        }
        if skip >= REC_HEADER as u64 {
            // SAFETY: `off + skip == RING_SIZE`: the padding record's header lies in the
            // ring, in bytes this reservation owns.
            unsafe { write_record(r, off as usize, h, REC_PAD | skip as u32, 0, &[]) };
        }
        // SAFETY: as above; the launcher has read these bytes (`t` is past them).
        unsafe {
            write_record(
                r,
                at,
                h.wrapping_add(skip),
                bytes.len() as u32,
                tsc(),
                bytes,
            )
        };
        return true;
    }
    false
}

/// Marks the record at ring offset `at` as being written: its length, then its position
/// with `REC_RESERVED` (see `protocol::BATCH_SLOT_SIZE`), as soon as it is reserved.
///
/// # Safety
///
/// `at + REC_HEADER <= RING_SIZE`, in bytes reserved for this record.
unsafe fn mark_reserved(r: Ring, at: usize, pos: u64, len: u32) {
    let rec = r.base().wrapping_add(RING_AT + at);
    // SAFETY: the caller's guarantee; the fields are aligned (`at` is a multiple of 8).
    unsafe {
        rec.add(16).cast::<u32>().write_volatile(len);
        AtomicU64::from_ptr(rec.cast::<u64>()).store(pos | REC_RESERVED, Ordering::Release);
    }
}

/// Writes a record at ring offset `at`: its length, time stamp and line, then its
/// position, last (see `protocol::BATCH_SLOT_SIZE`).
///
/// # Safety
///
/// `at + rec_size(bytes.len()) <= RING_SIZE`, in bytes reserved for this record.
unsafe fn write_record(r: Ring, at: usize, pos: u64, len: u32, tsc: u64, bytes: &[u8]) {
    let rec = r.base().wrapping_add(RING_AT + at);
    // SAFETY: the caller's guarantee; the header's fields are aligned (`at` is a multiple
    // of 8, as every record's size is) and the line fits after it.
    unsafe {
        rec.add(8).cast::<u64>().write_volatile(tsc);
        rec.add(16).cast::<u32>().write_volatile(len);
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), rec.add(REC_HEADER), bytes.len());
        AtomicU64::from_ptr(rec.cast::<u64>()).store(pos, Ordering::Release);
    }
}

/// Waiting for room in a full ring.
#[derive(Default)]
struct Wait {
    /// Rounds waited.
    rounds: u32,
    /// Rounds since the launcher last made room, or since it was last reached.
    idle: u32,
    /// Whether the launcher answered the last request to come.
    reached: bool,
    /// Whether any round was waited.
    waited: bool,
    /// The tail at the last round.
    last_tail: u64,
}

impl Wait {
    /// One round of waiting for the launcher to read ring `r` (whose tail was `t`): the
    /// launcher reads the rings every few milliseconds, so a ring fills only when lines
    /// come faster (or the launcher is busy writing its output). It is asked to come now
    /// (a datagram, every 64 rounds), and the thread waits for it on the ring's tail (a
    /// futex, 1 ms a round): the program goes at the launcher's pace, as a tracee goes at
    /// strace's. False when it is no use: the launcher cannot be reached and has not read
    /// the ring for 5 s (gone, or in another network namespace and stopped), or a thread gave up on it already.
    fn for_room(&mut self, r: Ring, t: u64) -> bool {
        if self.rounds == 0 {
            // A record left half-written would keep the launcher from ever making room
            // (this writing is not nested: see `retire_left`).
            retire_left(r);
            if GAVE_UP.load(Ordering::Relaxed) {
                return false;
            }
        }
        if !self.waited || t != self.last_tail {
            self.idle = 0;
        }
        self.waited = true;
        self.last_tail = t;
        if self.rounds & 63 == 0 {
            self.reached = try_send(&[]);
        }
        if self.reached {
            self.idle = 0;
        }
        if self.idle >= 5000 {
            GAVE_UP.store(true, Ordering::Relaxed);
            return false;
        }
        self.rounds = self.rounds.wrapping_add(1);
        self.idle = self.idle.saturating_add(1);
        r.waiting().store(1, Ordering::SeqCst);
        if r.tail().load(Ordering::SeqCst) != t {
            return true;
        }
        // The launcher wakes it from its own mapping.
        sys::futex_wait_shared(r.tail_low(), t as u32, 1_000_000);
        true
    }
}
