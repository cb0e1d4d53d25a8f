//! Where the lines go: rings in shared memory that the launcher reads, while the process
//! runs and after it is gone.
//!
//! Each image creates one memfd of [`shm::SIZE`] bytes (at its first line, in every mode,
//! so that the program's memory map is the same with and without lines), maps it shared
//! and passes it to the launcher over its socket (`SCM_RIGHTS`, with a `PID TID M`
//! message): the only datagram of an image that has its memfd. The memfd has
//! [`shm::SLOTS`] slots after a header page of owner thread ids; a thread claims a free slot
//! (or one whose owner is gone and left it empty) at its first line and keeps it. Fork
//! children inherit the mapping, shared: each of their threads claims a slot of its own in
//! it. A slot is a ring of records (`protocol::BATCH_SLOT_SIZE`; [`crate::batch`] writes
//! them) that the launcher reads from its own mapping every few milliseconds, and once
//! more when the process has ended: a line in a ring is as good as delivered, whatever
//! happens to the task afterwards. Threads beyond [`shm::SLOTS`], and every thread of an
//! image whose memfd could not be made, send each line at once.

use core::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};

use syscalls::x86_64::Sysno;

use crate::protocol::{BATCH_SLOT_SIZE, RING_HEAD, RING_TAIL};
use crate::state;
use crate::sys::{self, sys};

/// Slots per image.
pub const SLOTS: usize = crate::protocol::BATCH_SLOTS;
/// Header page: `SLOTS` owner tids (i32).
pub const HEADER: usize = crate::protocol::BATCH_HEADER;
/// Size of the memfd.
pub const SIZE: usize = HEADER + SLOTS * BATCH_SLOT_SIZE;

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

/// Slot `i` of the mapping at `base` (`i < SLOTS`).
fn slot(base: u64, i: usize) -> Ring {
    Ring((base + (HEADER + i * BATCH_SLOT_SIZE) as u64) as *mut u8)
}

/// A slot of the image's memfd: its counters, then its ring (`protocol::BATCH_SLOT_SIZE`).
/// Made only here, from the image's mapping, which is never unmapped.
#[derive(Clone, Copy)]
pub struct Ring(*mut u8);

impl Ring {
    /// The slot's first byte.
    pub fn base(self) -> *mut u8 {
        self.0
    }

    /// The slot's `head` (see `protocol::BATCH_SLOT_SIZE`).
    pub fn head(self) -> &'static AtomicU64 {
        // SAFETY: an aligned u64 in a slot of the mapping, which is never unmapped.
        unsafe { AtomicU64::from_ptr(self.0.wrapping_add(RING_HEAD).cast()) }
    }

    /// The slot's `tail`, which the launcher raises.
    pub fn tail(self) -> &'static AtomicU64 {
        // SAFETY: as for `head`.
        unsafe { AtomicU64::from_ptr(self.0.wrapping_add(RING_TAIL).cast()) }
    }

    /// The low half of the slot's `tail` (little-endian), the futex a full ring waits on.
    pub fn tail_low(self) -> &'static AtomicU32 {
        // SAFETY: the first 4 bytes of the aligned `tail`, in the mapping.
        unsafe { AtomicU32::from_ptr(self.0.wrapping_add(RING_TAIL).cast()) }
    }

    /// The slot's `waiting` flag.
    pub fn waiting(self) -> &'static AtomicU32 {
        // SAFETY: an aligned u32 in the slot's counters.
        unsafe { AtomicU32::from_ptr(self.0.wrapping_add(crate::protocol::RING_WAITING).cast()) }
    }

    /// Whether everything reserved in the ring has been read.
    pub fn is_empty(self) -> bool {
        self.head().load(Ordering::Acquire) == self.tail().load(Ordering::Acquire)
    }
}

/// Whether the launcher still reads the image's memfd: it takes its acknowledgement back
/// (`protocol::ACK_AT`) when it lets go of the memfd of a process that has ended (a fork
/// child that had not written yet writes after that); the image then sends its lines as
/// datagrams.
pub fn still_read() -> bool {
    let base = REGION.load(Ordering::Acquire);
    if base <= 2 {
        return false;
    }
    // SAFETY: an aligned u32 in the header page, which is never unmapped.
    let ack = unsafe { AtomicU32::from_ptr((base + crate::protocol::ACK_AT as u64) as *mut u32) };
    if ack.load(Ordering::Acquire) != 0 {
        return true;
    }
    REGION.store(2, Ordering::Release);
    false
}

/// This thread's ring; with `make`, the image's memfd and the thread's slot are made if
/// they do not exist yet.
pub fn batch(make: bool) -> Option<Ring> {
    batch_of(state::me(), make)
}

/// [`batch`] for `me`, this thread's entry ([`state::me`]), found once by the caller.
pub fn batch_of(me: &state::Thread, make: bool) -> Option<Ring> {
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
    if base <= 2 {
        return None;
    }
    let m = &me.mine;
    let (mbase, idx) = (
        m[0].load(Ordering::Relaxed),
        m[1].load(Ordering::Relaxed) as usize,
    );
    let tid = state::tid_of(me);
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
        let gone = sys::tkill(i64::from(t), 0) == -(libc::ESRCH as i64);
        if gone
            && slot(base, i).is_empty()
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
    // SAFETY: a NUL-terminated name in a static string.
    let fd = unsafe {
        sys(
            Sysno::memfd_create,
            [
                c"sigsys-trace".as_ptr() as u64,
                libc::MFD_CLOEXEC as u64,
                0,
                0,
                0,
                0,
            ],
        )
    };
    if fd < 0 {
        return None;
    }
    let close = || sys::close(fd);
    // SAFETY: numbers only (the memfd is not mapped yet).
    if unsafe { sys(Sysno::ftruncate, [fd as u64, SIZE as u64, 0, 0, 0, 0]) } != 0 {
        close();
        return None;
    }
    // SAFETY: a new mapping at no fixed address: nothing in use is replaced.
    let a = unsafe {
        sys(
            Sysno::mmap,
            [
                REGION_HINT,
                SIZE as u64,
                (libc::PROT_READ | libc::PROT_WRITE) as u64,
                libc::MAP_SHARED as u64,
                fd as u64,
                0,
            ],
        )
    };
    if (-4095..0).contains(&a) {
        close();
        return None;
    }
    let sent = send_fd(fd as i32) && acknowledged(a as u64);
    close();
    if !sent {
        // SAFETY: the mapping made by this code, which nothing uses any more.
        unsafe { sys(Sysno::munmap, [a as u64, SIZE as u64, 0, 0, 0, 0]) };
        return None;
    }
    Some(a as u64)
}

/// Whether the launcher acknowledges the memfd mapped at `base` within a second
/// (`protocol::ACK_AT`): it reads the socket as soon as a datagram comes, so it takes
/// microseconds, unless it could not take the memfd.
fn acknowledged(base: u64) -> bool {
    // SAFETY: an aligned u32 in the header page, which is never unmapped.
    let ack = unsafe { AtomicU32::from_ptr((base + crate::protocol::ACK_AT as u64) as *mut u32) };
    for _ in 0..100 {
        if ack.load(Ordering::Acquire) != 0 {
            return true;
        }
        sys::futex_wait_shared(ack, 0, 10_000_000);
    }
    ack.load(Ordering::Acquire) != 0
}

/// Sends `PID TID M\n` with `fd` attached.
fn send_fd(fd: i32) -> bool {
    let mut line = crate::line::Line::new(b'M');
    line.terminate();
    let bytes = line.bytes();
    let mut iov = [
        libc::iovec {
            iov_base: crate::send::token_ptr(),
            iov_len: crate::send::TOKEN_LEN,
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
    let Some((addr, addr_len)) = crate::send::launcher() else {
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
    // SAFETY: `msg` points at the launcher's address, the two iovecs and `cbuf` above,
    // live for the call.
    unsafe { crate::send::send_msg(&msg, crate::send::TOKEN_LEN + bytes.len(), 100) }
}
