//! What the launcher and the loader share, defined once (the loader includes this file).
//!
//! A traced run has a private run directory (mode 0700) holding two files:
//! - [`LOADER_FILE`]: the loader executable. Every image of the traced program starts
//!   through it: the launcher executes it for the first one, and the handler, for each
//!   `execve` the program makes. Its path as executed (`AT_EXECFN`) names the directory.
//! - [`SHM_FILE`]: a shared mapping ([`SHM_SIZE`] bytes, sparse) with a [`Header`] and one
//!   [`Slot`] per image being started: which file the loader must load (an open
//!   descriptor, closed by the loader) under which name (what the program passed to
//!   `execve`, for `AT_EXECFN`, `/proc/self/comm` and the trace).
//!
//! - [`SOCK_FILE`]: the launcher's datagram socket by path, beside its abstract one.
//!
//! A slot is claimed by the process that is about to execute the loader and found by the
//! loader through its process id (which `execve` keeps).

use core::sync::atomic::{AtomicI32, Ordering};

/// The loader's file name in the run directory.
pub const LOADER_FILE: &str = "loader";
/// The shared mapping's file name in the run directory.
pub const SHM_FILE: &str = "shm";
/// The launcher's second datagram socket, bound at this name in the run directory: an
/// image in a network namespace of its own (`unshare -n`), where the abstract name means
/// nothing, reaches the launcher through it (a path is found through the file system).
pub const SOCK_FILE: &str = "sock";
/// `Header::magic`.
pub const MAGIC: u64 = u64::from_le_bytes(*b"sigsys-t");
/// Slots for images being started at the same time.
pub const SLOTS: usize = 1024;
/// Bytes of a name in a slot (the kernel's `PATH_MAX`, NUL included).
pub const NAME_MAX: usize = 4096;
/// Bytes of the header (page aligned).
pub const HEADER_SIZE: usize = 8192;
/// Bytes of a slot (page aligned).
pub const SLOT_SIZE: usize = 12288;
/// Bytes of the shared mapping.
pub const SHM_SIZE: usize = HEADER_SIZE + SLOTS * SLOT_SIZE;

/// An image's line rings (a memfd it passes to the launcher once, `M` message): a header
/// page of [`BATCH_SLOTS`] owner thread ids (`i32`, 0: free), then the slots.
pub const BATCH_HEADER: usize = 4096;
/// Ring slots per image (threads beyond send each line at once): 256, for the JVM's and
/// Go's thread counts (the memfd is sparse: a ring's pages exist once written).
pub const BATCH_SLOTS: usize = 256;

// The owner tids end before the lost-lines table.
const _: () = assert!(4 * BATCH_SLOTS <= LOST_AT);
/// Bytes of a slot: its [`RING_AT`] bytes of counters, then a ring of [`RING_SIZE`] bytes.
///
/// One thread writes its lines into its slot's ring and the launcher reads them from its
/// own mapping of the memfd, every few milliseconds: no system call, socket or descriptor
/// of the tracer's is needed in the program to deliver a line (the program's numbers,
/// filters and namespaces cannot tell, nor stop it). The counters are byte positions that
/// only grow (`u64`): `head` ([`RING_HEAD`]), what the thread has reserved, written only by
/// the thread (and handlers nested in it, with a compare-and-swap); `tail`
/// ([`RING_TAIL`], in a cache line of its own), what the launcher has read, written only by
/// the launcher; `waiting` ([`RING_WAITING`], `u32`), set by a thread that found the ring
/// full and waits on `tail` (a futex: its low 32 bits) for the launcher to wake it.
///
/// A record (at `pos % RING_SIZE`, never split at the ring's end) is [`REC_HEADER`] bytes,
/// `pos: u64`, `tsc: u64` (when the line was queued: the launcher prints every ring's lines
/// of one round in this order), `len: u32` and 4 bytes of padding, then `len` bytes of one
/// line with its newline, padded to 8. The thread reserves the record by raising `head`,
/// writes its `len` and `pos | REC_RESERVED` ([`REC_RESERVED`]: being written), then the
/// line, and its `pos` (its own position) last: a record whose `pos` is not its position is
/// not written yet (a stale one from an earlier lap cannot be mistaken for it), and the
/// launcher stops there until it is. One that a program handler nested in the writing
/// left by `siglongjmp` is turned into padding by the thread at its next line; one whose
/// thread is gone is skipped by the launcher, and counted: the next record is the next
/// multiple of 8
/// that holds its own position (or with `REC_RESERVED`), which no line's text can be (a
/// position's top bytes are zero; a line has no NUL). Fewer than [`REC_HEADER`] bytes left
/// before the ring's end are skipped; more are skipped by a padding record (`len` | [`REC_PAD`]: the
/// bytes to skip, header included).
pub const BATCH_SLOT_SIZE: usize = RING_AT + RING_SIZE;
/// Where a slot's ring starts (after its counters).
pub const RING_AT: usize = 128;
/// Bytes of a slot's ring (a power of two).
pub const RING_SIZE: usize = 128 * 1024;
/// Offset of a slot's `head` (`u64`).
pub const RING_HEAD: usize = 0;
/// Offset of a slot's `waiting` flag (`u32`).
pub const RING_WAITING: usize = 8;
/// Offset of a slot's `tail` (`u64`).
pub const RING_TAIL: usize = 64;
/// Bytes of a record's header.
pub const REC_HEADER: usize = 24;
/// A record's `len` bit for padding.
pub const REC_PAD: u32 = 1 << 31;
/// A record's `pos` bit while it is being written.
pub const REC_RESERVED: u64 = 1 << 63;

/// Bytes of a record holding a line of `len` bytes.
pub const fn rec_size(len: usize) -> usize {
    REC_HEADER + ((len + 7) & !7)
}

/// Where the batch header page counts undelivered lines: (pid, lines) pairs, `i32` and
/// `u32`, after the owner tids.
pub const LOST_AT: usize = 2048;
/// Pairs in the lost-lines table.
pub const LOST_ENTRIES: usize = 64;
/// Where the batch header page has the launcher's acknowledgement (`u32`, a futex): set to
/// 1 once the launcher has mapped the memfd, which the image waits for (a second at most)
/// before it writes into the rings: a memfd the launcher could not take (no descriptor or
/// mapping left to it) is not filled with lines nobody reads.
pub const ACK_AT: usize = 3072;

/// `Header::mode`: decoded lines.
pub const MODE_TEXT: u32 = 0;
/// `Header::mode`: raw hexadecimal lines (`strace -e raw=all`).
pub const MODE_HEXA: u32 = 1;
/// `Header::mode`: pass every call through, print nothing (the benchmark floor).
pub const MODE_BARE: u32 = 2;
// `Header::flags` bit 1 is free (it asked for each line to be sent at once).
/// `Header::flags`: each line carries its call's start and duration.
pub const FLAG_TIMES: u32 = 2;
/// `Header::flags`: show signal deliveries (the program's handlers run through the
/// tracer's).
pub const FLAG_SIGNALS: u32 = 4;
/// `Header::flags`: structs unabbreviated (`-v`).
pub const FLAG_VERBOSE: u32 = 8;
/// `Header::flags`: descriptors with their paths (`-y`).
pub const FLAG_FD_PATHS: u32 = 16;
/// `Header::flags`: strings in hex when they hold non-text bytes (`-x`).
pub const FLAG_HEX_NON_ASCII: u32 = 32;
/// `Header::flags`: every string in hex (`-xx`).
pub const FLAG_HEX_ALL: u32 = 64;
/// `Header::flags`: the descriptors shown in detail (`-yy`, `--decode-fds=`): these bits
/// shifted by [`FD_DETAILS_SHIFT`] are `sigsys::fmt::FdDetails` (socket, dev, pidfd).
pub const FLAG_FD_DETAILS: u32 = 7 << FD_DETAILS_SHIFT;
/// Where [`FLAG_FD_DETAILS`] starts.
pub const FD_DETAILS_SHIFT: u32 = 7;

/// The start of the shared mapping.
#[repr(C)]
pub struct Header {
    /// [`MAGIC`].
    pub magic: u64,
    /// `MODE_*`.
    pub mode: u32,
    /// `FLAG_*`.
    pub flags: u32,
    /// Bytes used in `sock`.
    pub sock_len: u32,
    /// The launcher's process id.
    pub launcher: i32,
    /// Bytes of strings shown (`-s`; 0: strace's default).
    pub string_limit: u32,
    /// Rules used in `inject` (`-e inject=`/`-e fault=`).
    pub inject_len: u32,
    /// A random number that starts every datagram an image sends (native byte order): the
    /// launcher ignores datagrams without it. Only the traced processes can read it (the
    /// shared file is the launcher user's, mode 0600, in a 0700 directory), so no other
    /// user can put lines into the trace through the abstract socket, whose name anyone
    /// can see in `/proc/net/unix`.
    pub token: u64,
    /// The name of the launcher's abstract unix socket (without the leading NUL).
    pub sock: [u8; 104],
    /// Owner of each slot: 0 free, -1 being written, else the process id it is for.
    pub owners: [AtomicI32; SLOTS],
    /// `-e inject=` and `-e fault=` rules, in command-line order (the first that applies
    /// to a call wins).
    pub inject: [InjectRule; INJECT_RULES],
}

/// Rules of `-e inject=`/`-e fault=` the images apply.
pub const INJECT_RULES: usize = 16;

/// `InjectRule::set_ret`: `error=` (`ret` is `-errno`).
pub const INJECT_ERROR: u32 = 1;
/// `InjectRule::set_ret`: `retval=` (`ret` is the value, shown as it is).
pub const INJECT_RETVAL: u32 = 2;

/// `InjectRule::when_last` for no last call.
pub const INJECT_LAST_INF: u32 = u32::MAX;

/// One `-e inject=SET:error=E|retval=N[:signal=S][:when=F..L+S]` rule.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct InjectRule {
    /// The calls it is for: bit `nr % 64` of word `nr / 64`, x86_64 numbers.
    pub calls: [u64; 8],
    /// What the call returns instead of running (`-errno` or the value), if `set_ret`.
    pub ret: i64,
    /// [`INJECT_ERROR`] or [`INJECT_RETVAL`]: the call is not run and returns `ret`;
    /// 0: it runs (signal only).
    pub set_ret: u32,
    /// The signal delivered after the call (0: none).
    pub signal: u32,
    /// `when=`: the first call (1-based) of a thread that is tampered with,
    pub when_first: u32,
    /// the last ([`INJECT_LAST_INF`]: none),
    pub when_last: u32,
    /// and the step between them (0: only the first).
    pub when_step: u32,
    /// Reserved (0).
    pub reserved: u32,
}

impl InjectRule {
    /// Whether the `n`-th call (1-based) this rule counts is tampered with.
    pub fn applies_to(&self, n: u32) -> bool {
        if n < self.when_first || n > self.when_last {
            return false;
        }
        match n.wrapping_sub(self.when_first).checked_rem(self.when_step) {
            Some(r) => r == 0,
            None => n == self.when_first,
        }
    }

    /// Whether the rule is for x86_64 call `nr`.
    pub fn covers(&self, nr: u32) -> bool {
        let (word, bit) = ((nr / 64) as usize, nr % 64);
        self.calls.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }
}

// The header fits in its page.
const _: () = assert!(core::mem::size_of::<Header>() <= HEADER_SIZE);

/// One image being started.
#[repr(C)]
pub struct Slot {
    /// The open file to load (not close-on-exec; the loader closes it).
    pub fd: i32,
    /// Bytes used in `name`.
    pub len: u32,
    /// `#!` interpreters the loader went through for this exec so far.
    pub depth: u32,
    /// `SLOT_*` bits: what the program's SIGSYS state was before the exec.
    pub flags: u32,
    /// The file name as the program gave it to `execve` (not NUL-terminated): the new
    /// image's `AT_EXECFN` and `/proc/self/comm`.
    pub name: [u8; NAME_MAX],
    /// Bytes used in `path` (0: the same as `name`).
    pub path_len: u32,
    /// The path of the file `fd` is, as a `#!` line named it (the kernel's `bprm->interp`):
    /// what a script interpreter gets as its script argument.
    pub path: [u8; NAME_MAX],
    /// After `#!` interpreters: how many leading arguments of the image's `argv` stand for
    /// the exec's own `argv[0]` (interpreters, their arguments, script paths); 0 before any.
    pub prefix: u32,
    /// Bytes used in `argv0`.
    pub argv0_len: u32,
    /// The exec's own `argv[0]` (cut at [`ARGV0_MAX`]), which `binfmt_script` replaces with
    /// the script's path: the first image's `execve` line shows it, as strace does.
    pub argv0: [u8; ARGV0_MAX],
}

/// Bytes of `Slot::argv0`.
pub const ARGV0_MAX: usize = 3072;

// A slot fits in its pages.
const _: () = assert!(core::mem::size_of::<Slot>() <= SLOT_SIZE);

/// `Slot::flags`: the program ignored SIGSYS (`SIG_IGN` survives exec).
pub const SLOT_SIGSYS_IGNORED: u32 = 1;
/// `Slot::flags`: the program had SIGSYS blocked (the mask survives exec).
pub const SLOT_SIGSYS_BLOCKED: u32 = 2;

/// The header of the mapping at `base`.
///
/// # Safety
///
/// `base` is a live mapping of [`SHM_SIZE`] bytes of the shared file.
pub unsafe fn header<'a>(base: u64) -> &'a mut Header {
    // SAFETY: the caller's guarantee; the header is at the start, aligned.
    unsafe { &mut *(base as *mut Header) }
}

/// Slot `i` of the mapping at `base`.
///
/// # Safety
///
/// As [`header`], and `i < SLOTS`.
pub unsafe fn slot<'a>(base: u64, i: usize) -> &'a mut Slot {
    let at = base
        .wrapping_add(HEADER_SIZE as u64)
        .wrapping_add((i as u64).wrapping_mul(SLOT_SIZE as u64));
    // SAFETY: the caller's guarantee; slots are page aligned.
    unsafe { &mut *(at as *mut Slot) }
}

/// Claims a slot for process `pid`, fills it and publishes it. `None`: all slots are in
/// use.
///
/// # Safety
///
/// As [`header`].
pub unsafe fn publish(base: u64, pid: i32, fd: i32, name: &[u8]) -> Option<usize> {
    let next = Next {
        name,
        path: name,
        depth: 0,
        flags: 0,
        prefix: 0,
        argv0: &[],
    };
    // SAFETY: the caller's guarantee.
    unsafe { publish_next(base, pid, fd, &next) }
}

/// What a slot says besides its descriptor.
pub struct Next<'a> {
    /// `Slot::name`.
    pub name: &'a [u8],
    /// `Slot::path`.
    pub path: &'a [u8],
    /// `Slot::depth`.
    pub depth: u32,
    /// `Slot::flags`.
    pub flags: u32,
    /// `Slot::prefix`.
    pub prefix: u32,
    /// `Slot::argv0`.
    pub argv0: &'a [u8],
}

/// [`publish`] with everything a slot says.
///
/// # Safety
///
/// As [`header`].
pub unsafe fn publish_next(base: u64, pid: i32, fd: i32, next: &Next<'_>) -> Option<usize> {
    let (name, depth) = (next.name, next.depth);
    // SAFETY: the caller's guarantee.
    let h = unsafe { header(base) };
    let start = (pid.unsigned_abs() as usize) % SLOTS;
    for k in 0..SLOTS {
        let i = (start.wrapping_add(k)) % SLOTS;
        let owner = h.owners.get(i)?;
        if owner
            .compare_exchange(0, -1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            // SAFETY: i < SLOTS; the slot is ours while its owner is -1.
            let s = unsafe { slot(base, i) };
            let n = name.len().min(NAME_MAX);
            s.fd = fd;
            s.len = n as u32;
            s.depth = depth;
            s.flags = next.flags;
            let p = next.path.len().min(NAME_MAX);
            s.path_len = p as u32;
            for (d, c) in s.path.iter_mut().zip(next.path.iter().take(p)) {
                *d = *c;
            }
            for (d, c) in s.name.iter_mut().zip(name.iter().take(n)) {
                *d = *c;
            }
            let a = next.argv0.len().min(ARGV0_MAX);
            s.prefix = next.prefix;
            s.argv0_len = a as u32;
            for (d, c) in s.argv0.iter_mut().zip(next.argv0.iter().take(a)) {
                *d = *c;
            }
            owner.store(pid, Ordering::Release);
            return Some(i);
        }
    }
    None
}

/// Finds the slot published for `pid`, without freeing it.
///
/// # Safety
///
/// As [`header`].
pub unsafe fn find(base: u64, pid: i32) -> Option<usize> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { header(base) };
    let start = (pid.unsigned_abs() as usize) % SLOTS;
    (0..SLOTS)
        .map(|k| (start.wrapping_add(k)) % SLOTS)
        .find(|&i| {
            h.owners
                .get(i)
                .is_some_and(|o| o.load(Ordering::Acquire) == pid)
        })
}

/// Frees slot `i`.
///
/// # Safety
///
/// As [`header`].
pub unsafe fn free(base: u64, i: usize) {
    // SAFETY: the caller's guarantee.
    let h = unsafe { header(base) };
    if let Some(o) = h.owners.get(i) {
        o.store(0, Ordering::Release);
    }
}
