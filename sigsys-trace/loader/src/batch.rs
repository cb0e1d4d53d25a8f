//! The thread's batch of lines: lines are queued there and sent together (when the batch is
//! full, older than a few milliseconds, or before a call that may block, end or replace
//! the process), so that most calls cost no system call of the tracer's.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use syscalls::x86_64::Sysno;

use crate::line::Line;
use crate::send::{lines_in, send_bytes, try_send};
use crate::shm;
use crate::state;
use crate::sys::{self, sys};

impl Line {
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

    /// Adds the line to the thread's batch (sent when full, older than a few milliseconds,
    /// or before a call that may block, end or replace the process), or sends it at once if
    /// the thread has no batch.
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
        self.queue_for(state::me());
    }

    /// [`Line::queue`], then the batch is sent if its oldest line waited long enough
    /// (`flush_if_old`): a call's line, with this thread's entry looked up once.
    pub fn queue_then_flush_if_old(&mut self) {
        let me = state::me();
        self.queue_for(me);
        flush_if_old(me);
    }

    /// [`Line::queue`] for `me`, this thread's entry ([`state::me`]).
    fn queue_for(&mut self, me: &state::Thread) {
        self.terminate();
        let bytes = self.bytes();
        let batch = if state::EAGER.load(Ordering::Relaxed) {
            None
        } else {
            shm::batch_of(me, true)
        };
        let Some(b) = batch else {
            send_bytes(bytes);
            return;
        };
        let busy = me.busy.swap(true, Ordering::SeqCst);
        if busy {
            // Nested inside another line's copy: see above.
            flush();
            send_bytes(bytes);
            return;
        }
        if !append(b, bytes) {
            send_bytes(bytes);
        }
        me.busy.store(false, Ordering::SeqCst);
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

/// A few milliseconds of TSC ticks (4 ms at 4 GHz, about 6 ms at 2.6 GHz): a batch
/// sent every millisecond cost a traced `dd bs=1` more in sends and launcher wake-ups
/// than its formatting.
const BATCH_AGE: u64 = 16_000_000;

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

/// Sends the thread's batch if its oldest line waited long enough (`me`: this thread's
/// entry, [`state::me`]).
fn flush_if_old(me: &state::Thread) {
    if let Some(b) = shm::batch_of(me, false) {
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
    let blocked = sys::sigprocmask(libc::SIG_BLOCK, Some(&all), Some(&mut old)) == 0;
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
        sys::sigprocmask(libc::SIG_SETMASK, Some(&old), None);
    }
}
