//! One trace line: a fixed buffer on the handler's stack, and the formatter behind one
//! pair of functions. Where a line goes from here: `batch.rs` (the thread's ring, which
//! the launcher reads), `shm.rs` (the image's memfd the rings live in), `send.rs` (the
//! datagrams to the launcher, for what has no ring); raw mode's formatting is in `raw.rs`.
//!
//! Message format (one line each, parsed by the launcher): `PID TID KIND TEXT\n`, with KIND
//! `L` (a complete line), `E` (an `execve` whose result the next image or an `R` gives),
//! `R` (the result completing the thread's pending `E`), `A` (a new image armed),
//! `W` (a warning for the user), `C` (a piece of a long line: see [`Line::push_bytes`]).
//!
//! A line longer than [`LINE_MAX`] goes out in pieces: `PID TID C ID TEXT` for each full
//! buffer, then the line itself with `\x1dID ` in front of its last piece's text. `ID`
//! (hex) is the line buffer's stack address, which no other line of the thread being built
//! at the same time has (a program handler's lines, nested on top, are deeper), so the
//! launcher joins the pieces even when a nested line comes between them.

use core::fmt::{self, Write};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};

use sigsys::Syscall;

use crate::shm;
use crate::state;
use crate::sys;

/// Longest message sent; a longer `L` or `E` line goes out in pieces of this size.
pub const LINE_MAX: usize = 2048;

/// Room before a line's text for its header (`PID TID KIND `: at most 11 + 1 + 11 + 3
/// bytes, and a piece's id: 1 + 8 + 1), written when the line is sent.
const HEAD_ROOM: usize = 48;

/// Bytes of a piece's id (`\x1d`, 8 hex digits, a space) in the header.
const PIECE_ID: usize = 10;

/// The marker before a long line's id in its last piece.
pub const PIECE_MARK: u8 = 0x1d;

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
    /// The header's `PID TID ` (this thread's, taken when the line is made) and kind (0:
    /// no header).
    head: (state::Prefix, u8),
    /// Whether pieces of the line were sent already (its header then carries their id).
    spilled: bool,
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

impl Line {
    /// An empty line with the `PID TID KIND ` header (the ids now: after a fork or an exec
    /// they are another process's).
    #[inline(always)]
    pub fn new(kind: u8) -> Line {
        shm::prepare();
        let prefix = state::line_prefix();
        let head = prefix.len() + 2;
        Line::made((prefix, kind), head)
    }

    /// A line that is never sent (bare mode): no header, no system call.
    #[inline(always)]
    pub fn empty() -> Line {
        shm::prepare();
        Line::made((state::Prefix::EMPTY, 0), 0)
    }

    /// A line with its fields set and its buffer untouched.
    #[inline(always)]
    fn made(head: (state::Prefix, u8), head_len: usize) -> Line {
        let mut line = MaybeUninit::<Line>::uninit();
        let p = line.as_mut_ptr();
        // SAFETY: every field is written but `buf`, which needs no initialisation. (A
        // struct literal would make the compiler zero the buffer.)
        unsafe {
            core::ptr::addr_of_mut!((*p).start).write(HEAD_ROOM);
            core::ptr::addr_of_mut!((*p).len).write(HEAD_ROOM);
            core::ptr::addr_of_mut!((*p).end_max)
                .write(HEAD_ROOM + LINE_MAX - 1 - head_len - PIECE_ID);
            core::ptr::addr_of_mut!((*p).head).write(head);
            core::ptr::addr_of_mut!((*p).spilled).write(false);
            line.assume_init()
        }
    }

    /// Writes the header in front of the text (once), from its end backwards.
    fn write_header(&mut self) {
        let (prefix, kind) = self.head;
        if kind == 0 || self.start != HEAD_ROOM {
            return;
        }
        let mut at = HEAD_ROOM;
        let (piece, id) = (kind == b'C', self.piece_id());
        let spilled = self.spilled;
        let room = self.room();
        if piece || spilled {
            put_back(room, &mut at, b' ');
            for shift in 0..8u32 {
                let d = (id >> (shift * 4)) & 0xf;
                put_back(room, &mut at, b"0123456789abcdef"[d as usize]);
            }
            if !piece {
                put_back(room, &mut at, PIECE_MARK);
            }
        }
        put_back(room, &mut at, b' ');
        put_back(room, &mut at, kind);
        for &b in prefix.bytes().iter().rev() {
            put_back(room, &mut at, b);
        }
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

    /// Appends bytes, keeping one byte for the newline. A full `L`, `E` or `A` line sends what
    /// it holds as a piece (`C`) and goes on; any other line is cut. False if cut.
    pub fn push_bytes(&mut self, mut s: &[u8]) -> bool {
        loop {
            let room = self.end_max.saturating_sub(self.len);
            let n = s.len().min(room);
            let at = self.len;
            if let Some(dst) = self.room().get_mut(at..at.saturating_add(n)) {
                // SAFETY: `dst` is `n` bytes of the buffer and `s` has at least `n`; a
                // `MaybeUninit<u8>` has the layout of a `u8`.
                unsafe { core::ptr::copy_nonoverlapping(s.as_ptr(), dst.as_mut_ptr().cast(), n) };
                self.len = self.len.saturating_add(n);
            }
            s = s.get(n..).unwrap_or(&[]);
            if s.is_empty() {
                return true;
            }
            if !matches!(self.head.1, b'L' | b'E' | b'A') || n == 0 && self.len == HEAD_ROOM {
                return false;
            }
            self.send_piece();
        }
    }

    /// Sends the text so far as a piece of the line (`C`, into the thread's ring, where
    /// the line's last piece follows it) and empties the buffer. Out of line and cold: its
    /// frame (the ring's) must not sit under every write of the formatter.
    #[cold]
    #[inline(never)]
    fn send_piece(&mut self) {
        let kind = self.head.1;
        self.head.1 = b'C';
        self.queue();
        self.head.1 = kind;
        self.spilled = true;
        self.start = HEAD_ROOM;
        self.len = HEAD_ROOM;
    }

    /// Drops a line that will not be completed (a call interrupted after its text was made,
    /// which strace shows by its `= ? ERESTART...` line only): pieces already sent are
    /// withdrawn with a `K` message, which the launcher takes as their end.
    pub fn cancel(&mut self) {
        if !self.spilled {
            return;
        }
        self.start = HEAD_ROOM;
        self.len = HEAD_ROOM;
        self.head.1 = b'K';
        self.queue();
        self.spilled = false;
    }

    /// The id of this line's pieces: the low 32 bits of its buffer's address.
    fn piece_id(&self) -> u32 {
        self.buf.as_ptr() as usize as u32
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

    /// Appends `v`'s digits in `base` (10 or 16), no prefix.
    fn push_digits(&mut self, v: u64, base: u64) {
        let _ = crate::raw::write_digits(self, v, base);
    }

    /// Writes the header in front and the newline at the end: the line as sent.
    pub fn terminate(&mut self) {
        self.write_header();
        let at = self.len;
        if let Some(b) = self.room().get_mut(at) {
            b.write(b'\n');
            self.len += 1;
        }
    }
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
    o.fd_details = sigsys::fmt::FdDetails::from_bits_truncate(FD_DETAILS.load(Ordering::Relaxed));
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
pub static FD_PATHS: AtomicBool = AtomicBool::new(false);

/// `-yy`: sockets, devices and pidfds in detail.
pub static FD_DETAILS: AtomicU8 = AtomicU8::new(0);

/// `-v`: structs unabbreviated.
pub static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Where the launcher finds a line's times (`-t`, `-r`, `-T`, `-c`): after its text.
pub const TIMES_MARK: &str = "\x1e";

/// The wall clock in nanoseconds since the epoch (`clock_gettime` from the gate; 0 if it
/// fails).
pub fn now_ns() -> u64 {
    let Some([sec, nsec]) = sys::clock_gettime(libc::CLOCK_REALTIME) else {
        return 0;
    };
    (sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(nsec as u64)
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
        Style::Raw => {
            let _ = crate::raw::write_call(line, call);
        }
    }
}

/// Writes `name(args...) = result` once the call returned `ret`.
pub fn write_done(line: &mut Line, call: &Syscall, ret: i64, style: Style) {
    write_done_with(line, call, ret, &sigsys::fmt::Before::NONE, style);
}

/// [`write_done`] with the value-result arguments as they were before the call.
pub fn write_done_with(
    line: &mut Line,
    call: &Syscall,
    ret: i64,
    before: &sigsys::fmt::Before,
    style: Style,
) {
    match style {
        Style::Decoded => {
            // Every read of the program's memory is fault-proof, buffers just copied by the
            // kernel included: another thread may unmap them meanwhile. The call is decoded
            // once for its arguments and its result.
            let _ = sigsys::fmt::write_call_result_with(
                line,
                call,
                ret,
                before,
                RESULT_MARK,
                &ProcMemory,
                &opts(),
            );
        }
        Style::Raw => {
            let _ = crate::raw::write_call(line, call);
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
        Style::Raw => {
            let _ = crate::raw::write_result(line, call, ret);
        }
    }
}
