//! strace-style formatting of system calls into a fixed buffer, without allocating.
//!
//! # Usage
//!
//! ```
//! use sigsys::fmt::{write_call_done, write_result, FixedBuf, Options};
//! use sigsys::mem::SelfMemory;
//! use sigsys::Syscall;
//! use syscalls::x86_64::Sysno;
//!
//! let path = b"/etc/passwd\0";
//! let call = Syscall::x86_64(
//!     Sysno::openat,
//!     [(-100i64) as u64, path.as_ptr() as u64, 0o2000000, 0, 0, 0],
//! );
//! let mut storage = [0u8; 512];
//! let mut out = FixedBuf::new(&mut storage);
//! // In a SIGSYS handler: `let ret = trap.pass_through()?;` then:
//! let ret = 3;
//! let _ = write_call_done(&mut out, &call, ret, &SelfMemory, &Options::DEFAULT);
//! let _ = write_result(&mut out, &call, ret, &SelfMemory, &Options::DEFAULT);
//! assert_eq!(out.as_str(), r#"openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3"#);
//! assert!(!out.is_truncated());
//! ```
//!
//! Three entry points, so that a tracer can print the call before it runs and the result
//! after:
//!
//! - [`write_call`]: `name(args...)` as known at the call; output buffers and structs are
//!   shown by address (strace's "entering" view);
//! - [`write_call_done`]: `name(args...)` once the result `ret` is known; output buffers
//!   are shown with their contents (length from the result, as strace does) when the call
//!   succeeded;
//! - [`write_result`]: ` = 3`, ` = -1 ENOENT (No such file or directory)`,
//!   ` = 0x7f...` for addresses, ` = 0 (Timeout)`, ` = ?` for calls that do not return.
//!
//! [`write_line`] is `write_call_done` + `write_result` + `\n`, strace's default line.
//! Value-result arguments (socket address lengths, file offsets) change during the call;
//! strace shows both values (`[110 => 16]`). To get that, take a [`Before`] snapshot
//! before the call runs and use [`write_call_done_with`] / [`write_line_with`].
//!
//! All of them take any [`core::fmt::Write`] (typically a [`FixedBuf`] over a stack
//! array), any [`Memory`] ([`crate::mem::SelfMemory`] in a handler,
//! [`crate::mem::NoMemory`] to print every pointer as an address) and [`Options`]. They
//! never allocate and never panic; a [`FixedBuf`] that runs out of room keeps what fits
//! (cut at a UTF-8 boundary), reports [`FixedBuf::is_truncated`] and makes the writer
//! stop early with [`core::fmt::Error`].
//!
//! Pointers print as strace prints them: `NULL`, or `0x7ffd...` in hex, which is also what a
//! string or struct that cannot be read prints as. Arguments are decoded from the
//! x86_64-meaning signature ([`crate::args`]); unknown calls print as `syscall_0x1f3(...)`
//! with six hex arguments. i386-only calls (`mmap2`, `_llseek`, `stat64`, ...) are
//! decoded from their own small table ([`crate::args::i386_only_signature`]); those it
//! does not list print under their names with six hex arguments.
//!
//! # ABIs
//!
//! i386 and x32 calls print under their own names with the x86_64 signature of the same
//! meaning. Widths follow the ABI: i386 integers are 32-bit, its split 64-bit offsets are
//! joined, its time structs are 32-bit except for the `*_time64` calls; pointer-holding
//! structs (`iovec`, `sigaction`, `stack_t`, `argv`) use the compat layouts for i386 and
//! x32. `stat` and `msghdr` of 32-bit layouts print by address.
//!
//! # Stack and panics
//!
//! The formatter does not use `core::fmt`'s formatting machinery (which keeps panic paths):
//! it writes through [`Write::write_str`] only, and a fat-LTO link probe of
//! [`write_call`]/[`write_line`] with [`crate::mem::SelfMemory`] finds no panic path. On
//! the deepest route `tests/stack_budget.rs` measures, a SIGSYS handler that decodes,
//! passes the call through and formats it into a 512-byte stack buffer uses about 1.5 KiB
//! of stack in release builds and 11 KiB unoptimised, plus the kernel's signal frame
//! (about 2.9 KiB with its xsave area): give a handler that formats an alternate stack of
//! at least 32 KiB (Rust's own is 8 KiB).
//!
//! Dates of file times (`utimensat`, `utimes`) are printed in UTC, as strace does with
//! `TZ=UTC`.

use core::fmt::{self, Write};

use syscalls::x86_64::Sysno;
use syscalls::Errno;

use crate::abi::Abi;
use crate::args::{describe, Described, Dir, Kind, Len, Ret, StructType};
use crate::flags::{
    AccessAtFlags, AccessMode, AddressFamily, ArchPrctlCode, AtFlags, ClockId, CloneFlags,
    EpollEvents, EpollFlags, EpollOp, EventfdFlags, Fadvice, FcntlCmd, FdCreateFlags, FdFlags,
    FileType, FlockOp, FutexCmd, FutexOp, GrndFlags, InotifyFlags, IpProto, ItimerWhich, Madvice,
    MapFlags, MfdFlags, MlockallFlags, MountFlags, MremapFlags, MsgFlags, MsyncFlags, OFlags,
    PollEvents, PrctlOption, PrioWhich, ProtFlags, RenameFlags, Rlimit, RusageWho, SaFlags,
    ShutdownHow, SigHow, Signal, SignalfdFlags, SockFlags, SockLevel, SockOpt, SockType, SsFlags,
    StraceEnum, StraceFlags, TimerFlags, TimerfdFlags, UmountFlags, UnshareFlags, WaitFlags,
    Whence,
};
use crate::flags::{InotifyMask, SyncFileRangeFlags};
use crate::mem::Memory;
use crate::syscall::Syscall;

// ---------------------------------------------------------------------------------------
// Panic-free number and text output.
//
// `core::fmt`'s `write!` machinery and integer formatting keep panic paths the optimiser
// cannot remove, so the formatter writes everything itself through `write_str` only; a
// link-time check (fat LTO) proves the whole path free of panics.

/// A piece of output: text, a character, a decimal integer, or a [`Hex`]/[`Oct`] number.
pub(crate) trait Part {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result;
}

/// `0x`-prefixed lowercase hex (Rust's `{:#x}`).
pub(crate) struct Hex(pub u64);

/// Octal digits, zero-padded to a width (Rust's `{:0w$o}`).
pub(crate) struct Oct(pub u64, pub usize);

/// Writes `parts` one after the other; evaluates to `Ok(())`, returns early on an error.
macro_rules! emit {
    ($out:expr, $($part:expr),+ $(,)?) => {{
        $( $crate::fmt::Part::put($part, &mut *$out)?; )+
        ::core::result::Result::<(), ::core::fmt::Error>::Ok(())
    }};
}
pub(crate) use emit;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes `v` in base `1 << shift` (or 10 when `shift` is 0), at least `width` digits.
///
/// Out of line: its 64-byte digit buffer is then in its own frame only, not in the frames
/// of the many callers (which hold it under their deeper calls; handler stack).
#[inline(never)]
fn put_digits<W: Write + ?Sized>(out: &mut W, v: u64, shift: u32, width: usize) -> fmt::Result {
    let mut buf = [b'0'; 64];
    let mut i = buf.len();
    let mut v = v;
    loop {
        let d = match shift {
            0 => v % 10,
            _ => v & ((1u64 << shift.min(4)).wrapping_sub(1)),
        };
        i = i.saturating_sub(1);
        if let (Some(slot), Some(&c)) = (buf.get_mut(i), DIGITS.get(d as usize)) {
            *slot = c;
        }
        v = match shift {
            0 => v / 10,
            _ => v.checked_shr(shift.min(4)).unwrap_or(0),
        };
        if v == 0 || i == 0 {
            break;
        }
    }
    let start = i.min(buf.len().saturating_sub(width));
    let digits = buf.get(start..).unwrap_or(&[]);
    // SAFETY: `buf` holds only ASCII digits (its initial b'0's and bytes of DIGITS).
    // (`from_utf8` would do, but its validation loop keeps a panic path.)
    out.write_str(unsafe { core::str::from_utf8_unchecked(digits) })
}

impl Part for &str {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        out.write_str(self)
    }
}

impl Part for char {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        out.write_char(self)
    }
}

impl Part for Hex {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        out.write_str("0x")?;
        put_digits(out, self.0, 4, 0)
    }
}

impl Part for Oct {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        put_digits(out, self.0, 3, self.1)
    }
}

macro_rules! unsigned_part {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
                put_digits(out, self as u64, 0, 0)
            }
        }
    )*};
}
unsigned_part!(u8, u16, u32, u64, usize);

macro_rules! signed_part {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
                if self < 0 {
                    out.write_char('-')?;
                }
                put_digits(out, self.unsigned_abs() as u64, 0, 0)
            }
        }
    )*};
}
signed_part!(i8, i16, i32, i64);

/// A `core::fmt::Write` sink over a caller-provided byte slice.
///
/// Never allocates, never panics. When a write does not fit, the longest prefix of it that
/// ends on a UTF-8 character boundary is kept, the buffer is marked truncated, and the
/// write returns `Err(fmt::Error)` so that formatting stops early; the content stays valid
/// UTF-8 and never exceeds the slice.
///
/// # Examples
///
/// ```
/// use core::fmt::Write;
/// use sigsys::fmt::FixedBuf;
/// let mut storage = [0u8; 4];
/// let mut out = FixedBuf::new(&mut storage);
/// assert!(write!(out, "a\u{e9}b\u{e9}").is_err()); // 1 + 2 + 1 + 2 bytes
/// assert_eq!(out.as_str(), "a\u{e9}b");
/// assert!(out.is_truncated());
/// ```
#[derive(Debug)]
pub struct FixedBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
    truncated: bool,
}

impl<'a> FixedBuf<'a> {
    /// An empty sink writing into `buf` (any length, including 0).
    ///
    /// ```
    /// let mut none: [u8; 0] = [];
    /// let out = sigsys::fmt::FixedBuf::new(&mut none);
    /// assert_eq!(out.capacity(), 0);
    /// ```
    pub fn new(buf: &'a mut [u8]) -> FixedBuf<'a> {
        FixedBuf {
            buf,
            len: 0,
            truncated: false,
        }
    }

    /// The text written so far.
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 8];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// out.write_str("ok").unwrap();
    /// assert_eq!(out.as_str(), "ok");
    /// ```
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The bytes written so far (valid UTF-8).
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 8];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// out.write_str("ok").unwrap();
    /// assert_eq!(out.as_bytes(), b"ok");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Number of bytes written.
    ///
    /// ```
    /// let mut s = [0u8; 8];
    /// assert_eq!(sigsys::fmt::FixedBuf::new(&mut s).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    ///
    /// ```
    /// let mut s = [0u8; 8];
    /// assert!(sigsys::fmt::FixedBuf::new(&mut s).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Size of the underlying slice.
    ///
    /// ```
    /// let mut s = [0u8; 8];
    /// assert_eq!(sigsys::fmt::FixedBuf::new(&mut s).capacity(), 8);
    /// ```
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Whether some write did not fit (the text is then a cut prefix).
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 2];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// let _ = out.write_str("abc");
    /// assert!(out.is_truncated());
    /// ```
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Empties the buffer (and forgets truncation) for the next line.
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 2];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// let _ = out.write_str("abc");
    /// out.clear();
    /// assert!(out.is_empty() && !out.is_truncated());
    /// ```
    pub fn clear(&mut self) {
        self.len = 0;
        self.truncated = false;
    }
}

impl Write for FixedBuf<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.truncated {
            return Err(fmt::Error);
        }
        let room = self.buf.len().saturating_sub(self.len);
        let mut take = s.len().min(room);
        while take > 0 && !s.is_char_boundary(take) {
            take = take.saturating_sub(1);
        }
        // Both sides are exactly `take` long (as the optimiser can see: no panic path).
        let dst = self.buf.get_mut(self.len..).and_then(|d| d.get_mut(..take));
        if let (Some(dst), Some(src)) = (dst, s.as_bytes().get(..take)) {
            dst.copy_from_slice(src);
            self.len = self.len.saturating_add(take);
        }
        if take < s.len() {
            self.truncated = true;
            return Err(fmt::Error);
        }
        Ok(())
    }
}

/// Formatting options (strace's `-s` and friends).
///
/// # Examples
///
/// ```
/// use sigsys::fmt::Options;
/// let opts = Options { string_limit: 64, ..Options::DEFAULT };
/// assert_eq!(opts.path_limit, 4096);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Bytes of a string or buffer shown before `...` (strace's `-s`, default 32); also
    /// the number of array elements shown.
    pub string_limit: usize,
    /// Bytes of a path name shown (default 4096, `PATH_MAX`: strace prints paths whole).
    pub path_limit: usize,
}

impl Options {
    /// strace's defaults: 32-byte strings, whole paths.
    ///
    /// ```
    /// assert_eq!(sigsys::fmt::Options::DEFAULT.string_limit, 32);
    /// ```
    pub const DEFAULT: Options = Options {
        string_limit: 32,
        path_limit: 4096,
    };
}

impl Default for Options {
    fn default() -> Options {
        Options::DEFAULT
    }
}

/// Writes `name(args...)` as known when the call is made: input data decoded, output
/// buffers and structs shown by address.
///
/// # Errors
///
/// Only those of `out` (for a [`FixedBuf`]: it is full).
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_call, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::read, [3, 0x7000, 4096, 0, 0, 0]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_call(&mut out, &call, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "read(3, 0x7000, 4096)");
/// ```
pub fn write_call<W, M>(out: &mut W, call: &Syscall, mem: &M, opts: &Options) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_at(out, call, None, &Before::NONE, mem, opts)
}

/// Writes `name(args...)` once the call returned `ret` (the raw result: a value, or
/// `-errno`): output buffers of a successful call are shown with their contents, `ret`
/// bytes long where the result is a length.
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_call_done, FixedBuf, Options};
/// use sigsys::mem::SelfMemory;
/// use syscalls::x86_64::Sysno;
/// let data = *b"root:x:0:0:root:/root:/bin/bash\nbin:x:1:1";
/// let call = sigsys::Syscall::x86_64(Sysno::read, [3, data.as_ptr() as u64, 4096, 0, 0, 0]);
/// let mut s = [0u8; 128];
/// let mut out = FixedBuf::new(&mut s);
/// write_call_done(&mut out, &call, data.len() as i64, &SelfMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), r#"read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096)"#);
/// ```
pub fn write_call_done<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_at(out, call, Some(ret), &Before::NONE, mem, opts)
}

/// [`write_call_done`] with the value-result arguments as they were before the call
/// (taken with [`Before::capture`]): a length or offset the kernel changed prints as
/// strace prints it, `[110 => 16]` for lengths and `[0] => [5]` for offsets.
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_call_done_with, Before, FixedBuf, Options};
/// use sigsys::mem::SelfMemory;
/// use syscalls::x86_64::Sysno;
/// let mut off: i64 = 0;
/// let call = sigsys::Syscall::x86_64(Sysno::sendfile, [4, 3, &mut off as *mut i64 as u64, 5, 0, 0]);
/// let before = Before::capture(&call, &SelfMemory);
/// off = 5; // what the kernel does
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_call_done_with(&mut out, &call, 5, &before, &SelfMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "sendfile(4, 3, [0] => [5], 5)");
/// # let _ = off;
/// ```
pub fn write_call_done_with<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    before: &Before,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_at(out, call, Some(ret), before, mem, opts)
}

/// The value-result arguments of a call (socket address lengths, file offsets) read before
/// it runs, so that [`write_call_done_with`] can show how the call changed them.
///
/// Small and `Copy`: take it in the handler before passing the call through.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::Before;
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::getpid, [0; 6]);
/// assert_eq!(Before::capture(&call, &NoMemory), Before::NONE);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Before {
    values: [Option<i64>; 6],
}

impl Before {
    /// Nothing known from before the call.
    pub const NONE: Before = Before { values: [None; 6] };

    /// Reads the call's value-result arguments (`int *` lengths and `loff_t *` offsets
    /// that the kernel reads and writes) from `mem`.
    ///
    /// ```
    /// use sigsys::fmt::Before;
    /// use sigsys::mem::SelfMemory;
    /// use syscalls::x86_64::Sysno;
    /// let len: u32 = 110;
    /// let call = sigsys::Syscall::x86_64(Sysno::accept, [3, 0x1000, &len as *const u32 as u64, 0, 0, 0]);
    /// assert_ne!(Before::capture(&call, &SelfMemory), Before::NONE);
    /// ```
    pub fn capture<M: Memory + ?Sized>(call: &Syscall, mem: &M) -> Before {
        let mut before = Before::NONE;
        let Some(t) = describe(call) else {
            return before;
        };
        for ((slot, kind), raw) in before.values.iter_mut().zip(t.signature.args).zip(t.raw) {
            *slot = match kind {
                Kind::Struct {
                    ty: StructType::IntRef,
                    dir: Dir::InOut,
                    ..
                } => read_u32(mem, raw).map(|v| i64::from(v as i32)),
                Kind::Struct {
                    ty: StructType::OffRef,
                    dir: Dir::InOut,
                    ..
                } => read_u64(mem, raw).map(|v| v as i64),
                _ => None,
            };
        }
        before
    }

    fn at(&self, i: u8) -> Option<i64> {
        self.values.get(usize::from(i)).copied().flatten()
    }
}

/// Writes ` = ...` for the result `ret` of `call`: ` = 3`, ` = 0x7f12a000` for calls that
/// return addresses, ` = -1 ENOENT (No such file or directory)` for errors, ` = ?` for
/// `exit`, and strace's decoded suffixes where it has them (`= 0 (Timeout)` for polls,
/// `= 0x1 (flags FD_CLOEXEC)` for `fcntl(F_GETFD)`, the `revents` of `poll`).
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_result, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::openat, [0; 6]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_result(&mut out, &call, -2, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), " = -1 ENOENT (No such file or directory)");
/// ```
// Out of line: `write_line`'s frame, which the arguments' deep paths pass under, then
// does not hold this function's locals.
#[inline(never)]
pub fn write_result<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let ret = match call.abi {
        Abi::I386 => i64::from(ret as i32),
        Abi::X86_64 | Abi::X32 => ret,
    };
    let typed = describe(call);
    let kind = typed.map_or(Ret::Int, |t| t.signature.ret);
    if kind == Ret::NoReturn {
        return out.write_str(" = ?");
    }
    if (-4095..=-1).contains(&ret) {
        return write_errno(out, ret.unsigned_abs() as i32);
    }
    let Some(t) = typed else {
        return emit!(out, " = ", ret);
    };
    if let Some(done) = special_result(out, &t, ret) {
        return done;
    }
    match kind {
        Ret::Hex if call.abi == Abi::I386 => {
            out.write_str(" = ")?;
            write_hex(out, u64::from(ret as u32))
        }
        Ret::Hex => {
            out.write_str(" = ")?;
            write_hex(out, ret as u64)
        }
        Ret::Octal => {
            out.write_str(" = ")?;
            write_octal(out, ret as u64)
        }
        Ret::Int | Ret::NoReturn => {
            emit!(out, " = ", ret)?;
            result_suffix(out, &t, ret, call.abi, mem, opts)
        }
    }
}

/// Writes a whole strace line: [`write_call_done`], [`write_result`] and a newline.
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_line, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::close, [u64::MAX, 0, 0, 0, 0, 0]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_line(&mut out, &call, -9, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "close(-1) = -1 EBADF (Bad file descriptor)\n");
/// ```
pub fn write_line<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_done(out, call, ret, mem, opts)?;
    write_result(out, call, ret, mem, opts)?;
    out.write_char('\n')
}

/// [`write_line`] with the value-result arguments from before the call (see
/// [`write_call_done_with`]).
///
/// # Errors
///
/// Only those of `out`.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{write_line_with, Before, FixedBuf, Options};
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::getppid, [0; 6]);
/// let mut s = [0u8; 64];
/// let mut out = FixedBuf::new(&mut s);
/// write_line_with(&mut out, &call, 1, &Before::NONE, &NoMemory, &Options::DEFAULT).unwrap();
/// assert_eq!(out.as_str(), "getppid() = 1\n");
/// ```
pub fn write_line_with<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: i64,
    before: &Before,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_call_done_with(out, call, ret, before, mem, opts)?;
    write_result(out, call, ret, mem, opts)?;
    out.write_char('\n')
}

/// glibc's `strerror` texts (what strace prints), indexed by errno; the `syscalls`
/// crate's kernel-comment texts are the fallback beyond.
#[rustfmt::skip]
const ERRNO_TEXT: [&str; 134] = [
    "Success",
    "Operation not permitted",
    "No such file or directory",
    "No such process",
    "Interrupted system call",
    "Input/output error",
    "No such device or address",
    "Argument list too long",
    "Exec format error",
    "Bad file descriptor",
    "No child processes",
    "Resource temporarily unavailable",
    "Cannot allocate memory",
    "Permission denied",
    "Bad address",
    "Block device required",
    "Device or resource busy",
    "File exists",
    "Invalid cross-device link",
    "No such device",
    "Not a directory",
    "Is a directory",
    "Invalid argument",
    "Too many open files in system",
    "Too many open files",
    "Inappropriate ioctl for device",
    "Text file busy",
    "File too large",
    "No space left on device",
    "Illegal seek",
    "Read-only file system",
    "Too many links",
    "Broken pipe",
    "Numerical argument out of domain",
    "Numerical result out of range",
    "Resource deadlock avoided",
    "File name too long",
    "No locks available",
    "Function not implemented",
    "Directory not empty",
    "Too many levels of symbolic links",
    "Unknown error 41",
    "No message of desired type",
    "Identifier removed",
    "Channel number out of range",
    "Level 2 not synchronized",
    "Level 3 halted",
    "Level 3 reset",
    "Link number out of range",
    "Protocol driver not attached",
    "No CSI structure available",
    "Level 2 halted",
    "Invalid exchange",
    "Invalid request descriptor",
    "Exchange full",
    "No anode",
    "Invalid request code",
    "Invalid slot",
    "Unknown error 58",
    "Bad font file format",
    "Device not a stream",
    "No data available",
    "Timer expired",
    "Out of streams resources",
    "Machine is not on the network",
    "Package not installed",
    "Object is remote",
    "Link has been severed",
    "Advertise error",
    "Srmount error",
    "Communication error on send",
    "Protocol error",
    "Multihop attempted",
    "RFS specific error",
    "Bad message",
    "Value too large for defined data type",
    "Name not unique on network",
    "File descriptor in bad state",
    "Remote address changed",
    "Can not access a needed shared library",
    "Accessing a corrupted shared library",
    ".lib section in a.out corrupted",
    "Attempting to link in too many shared libraries",
    "Cannot exec a shared library directly",
    "Invalid or incomplete multibyte or wide character",
    "Interrupted system call should be restarted",
    "Streams pipe error",
    "Too many users",
    "Socket operation on non-socket",
    "Destination address required",
    "Message too long",
    "Protocol wrong type for socket",
    "Protocol not available",
    "Protocol not supported",
    "Socket type not supported",
    "Operation not supported",
    "Protocol family not supported",
    "Address family not supported by protocol",
    "Address already in use",
    "Cannot assign requested address",
    "Network is down",
    "Network is unreachable",
    "Network dropped connection on reset",
    "Software caused connection abort",
    "Connection reset by peer",
    "No buffer space available",
    "Transport endpoint is already connected",
    "Transport endpoint is not connected",
    "Cannot send after transport endpoint shutdown",
    "Too many references: cannot splice",
    "Connection timed out",
    "Connection refused",
    "Host is down",
    "No route to host",
    "Operation already in progress",
    "Operation now in progress",
    "Stale file handle",
    "Structure needs cleaning",
    "Not a XENIX named type file",
    "No XENIX semaphores available",
    "Is a named type file",
    "Remote I/O error",
    "Disk quota exceeded",
    "No medium found",
    "Wrong medium type",
    "Operation canceled",
    "Required key not available",
    "Key has expired",
    "Key has been revoked",
    "Key was rejected by service",
    "Owner died",
    "State not recoverable",
    "Operation not possible due to RF-kill",
    "Memory page has hardware error",
];

fn write_errno<W: Write + ?Sized>(out: &mut W, code: i32) -> fmt::Result {
    let restart = match code {
        512 => Some(("ERESTARTSYS", "To be restarted if SA_RESTART is set")),
        513 => Some(("ERESTARTNOINTR", "To be restarted")),
        514 => Some(("ERESTARTNOHAND", "To be restarted if no handler")),
        515 => Some(("ENOIOCTLCMD", "No ioctl command")),
        516 => Some(("ERESTART_RESTARTBLOCK", "Interrupted by signal")),
        _ => None,
    };
    if let Some((name, text)) = restart {
        return emit!(out, " = ? ", name, " (", text, ")");
    }
    let e = Errno::new(code);
    let text = usize::try_from(code)
        .ok()
        .and_then(|i| ERRNO_TEXT.get(i).copied())
        .or(e.description());
    match (e.name(), text) {
        (Some(name), Some(text)) => emit!(out, " = -1 ", name, " (", text, ")"),
        _ => emit!(out, " = -1 ERRNO_", code, " (Unknown error ", code, ")"),
    }
}

/// What one shown argument is printed as: a table kind, or a few call-specific forms.
///
/// Kinds are held by `'static` reference (the signature tables, or promoted constants):
/// a [`Kind`] is 32 bytes, a `Show` 16 (less to copy and keep on the handler's stack).
#[derive(Clone, Copy, Debug)]
enum Show {
    Kind(&'static Kind),
    /// An `unsigned int` argument (futex values).
    U32,
    /// A 32-bit hex value (futex bitsets).
    Bitset,
    /// `SUID_DUMP_*`.
    Dumpable,
    /// `FD_CLOEXEC` or 0.
    FdFlags,
    /// A pointer to an `int` signal number written by the call (`[SIGKILL]`).
    SigRef,
    /// `name=` prefix then the kind (clone).
    Named(&'static (&'static str, Kind)),
}

/// Where [`layout`] sends the shown arguments: up to six (argument index, form) pairs,
/// each written as soon as it is known, so that no list of them is kept on the stack under
/// the argument printers. Writing stops at the first error, which is kept.
struct Layout<F> {
    write: F,
    len: u8,
    result: fmt::Result,
}

impl<F: FnMut(u8, u8, Show) -> fmt::Result> Layout<F> {
    /// `write(n, i, show)` writes the `n`th shown argument, argument `i` as `show`.
    fn new(write: F) -> Layout<F> {
        Layout {
            write,
            len: 0,
            result: Ok(()),
        }
    }

    fn push(&mut self, i: u8, show: Show) {
        if self.len < 6 && self.result.is_ok() {
            self.result = (self.write)(self.len, i, show);
            self.len = self.len.saturating_add(1);
        }
    }
}

/// The arguments strace shows for this call, in order, applying the call-specific rules
/// (optional mode of `open`, `fcntl` argument by command, `futex` by operation, ...).
fn layout<F>(t: &Described, l: &mut Layout<F>)
where
    F: FnMut(u8, u8, Show) -> fmt::Result,
{
    let raw = |i: usize| t.raw.get(i).copied().unwrap_or(0);
    let plain = |l: &mut Layout<F>, upto: usize| {
        for (i, k) in (0u8..).zip(t.signature.args.iter().take(upto)) {
            if *k != Kind::Skip {
                l.push(i, Show::Kind(k));
            }
        }
    };
    let Some(sysno) = t.sysno else {
        plain(l, 6);
        return;
    };
    match sysno {
        Sysno::open | Sysno::openat | Sysno::mq_open => {
            let flags_at = if sysno == Sysno::openat { 2 } else { 1 };
            let creat = raw(flags_at) & (0o100 | 0o20000000) != 0;
            plain(l, if creat { 6 } else { flags_at.saturating_add(1) });
        }
        Sysno::fcntl => {
            plain(l, 2);
            let cmd = FcntlCmd::from_raw(raw(1));
            let arg = match cmd {
                FcntlCmd::F_GETFD
                | FcntlCmd::F_GETFL
                | FcntlCmd::F_GETOWN
                | FcntlCmd::F_GETSIG
                | FcntlCmd::F_GETLEASE
                | FcntlCmd::F_GETPIPE_SZ
                | FcntlCmd::F_GET_SEALS => None,
                FcntlCmd::F_SETFD => Some(Show::FdFlags),
                FcntlCmd::F_SETFL => Some(Show::Kind(&Kind::OpenFlags)),
                FcntlCmd::F_DUPFD
                | FcntlCmd::F_DUPFD_CLOEXEC
                | FcntlCmd::F_SETOWN
                | FcntlCmd::F_SETPIPE_SZ
                | FcntlCmd::F_SETLEASE
                | FcntlCmd::F_NOTIFY => Some(Show::Kind(&Kind::Int)),
                FcntlCmd::F_SETSIG => Some(Show::Kind(&Kind::Signal)),
                FcntlCmd::F_GETLK
                | FcntlCmd::F_SETLK
                | FcntlCmd::F_SETLKW
                | FcntlCmd::F_OFD_GETLK
                | FcntlCmd::F_OFD_SETLK
                | FcntlCmd::F_OFD_SETLKW => Some(Show::Kind(&Kind::Ptr)),
                _ => Some(Show::Kind(&Kind::Hex)),
            };
            if let Some(s) = arg {
                l.push(2, s);
            }
        }
        Sysno::mknod | Sysno::mknodat => {
            let mode_at = if sysno == Sysno::mknodat { 2 } else { 1 };
            let device = matches!(raw(mode_at) & 0o170000, 0o20000 | 0o60000);
            plain(l, if device { 6 } else { mode_at.saturating_add(1) });
        }
        Sysno::mremap => {
            let fixed = raw(3) & 2 != 0;
            plain(l, if fixed { 5 } else { 4 });
        }
        Sysno::futex => {
            l.push(0, Show::Kind(&Kind::Ptr));
            l.push(1, Show::Kind(&Kind::FutexOp));
            let ts = Show::Kind(&Kind::Struct {
                ty: StructType::Timespec,
                dir: Dir::In,
                len: Len::Fixed,
            });
            let ptr = Show::Kind(&Kind::Ptr);
            match FutexOp(raw(1) as u32).cmd() {
                FutexCmd::FUTEX_WAIT => {
                    l.push(2, Show::U32);
                    l.push(3, ts);
                }
                FutexCmd::FUTEX_LOCK_PI | FutexCmd::FUTEX_LOCK_PI2 => l.push(3, ts),
                FutexCmd::FUTEX_WAIT_BITSET => {
                    l.push(2, Show::U32);
                    l.push(3, ts);
                    l.push(5, Show::Bitset);
                }
                FutexCmd::FUTEX_WAKE_BITSET => {
                    l.push(2, Show::U32);
                    l.push(5, Show::Bitset);
                }
                FutexCmd::FUTEX_REQUEUE => {
                    l.push(2, Show::U32);
                    l.push(3, Show::U32);
                    l.push(4, ptr);
                }
                FutexCmd::FUTEX_CMP_REQUEUE | FutexCmd::FUTEX_CMP_REQUEUE_PI => {
                    l.push(2, Show::U32);
                    l.push(3, Show::U32);
                    l.push(4, ptr);
                    l.push(5, Show::U32);
                }
                FutexCmd::FUTEX_WAIT_REQUEUE_PI => {
                    l.push(2, Show::U32);
                    l.push(3, ts);
                    l.push(4, ptr);
                }
                FutexCmd::FUTEX_WAKE | FutexCmd::FUTEX_FD => l.push(2, Show::U32),
                FutexCmd::FUTEX_UNLOCK_PI | FutexCmd::FUTEX_TRYLOCK_PI => {}
                _ => {
                    l.push(2, Show::U32);
                    l.push(3, Show::Kind(&Kind::Hex));
                    l.push(4, ptr);
                    l.push(5, Show::Bitset);
                }
            }
        }
        Sysno::prctl => {
            l.push(0, Show::Kind(&Kind::PrctlOption));
            let hex = Show::Kind(&Kind::Hex);
            match PrctlOption::from_raw(raw(0)) {
                PrctlOption::PR_GET_DUMPABLE
                | PrctlOption::PR_GET_KEEPCAPS
                | PrctlOption::PR_GET_SECCOMP
                | PrctlOption::PR_GET_TIMERSLACK
                | PrctlOption::PR_GET_TIMING
                | PrctlOption::PR_GET_SECUREBITS
                | PrctlOption::PR_TASK_PERF_EVENTS_DISABLE
                | PrctlOption::PR_TASK_PERF_EVENTS_ENABLE => {}
                PrctlOption::PR_SET_NAME => l.push(1, Show::Kind(&Kind::Str)),
                PrctlOption::PR_GET_NAME => l.push(1, Show::Kind(&Kind::OutStr)),
                PrctlOption::PR_SET_PDEATHSIG => l.push(1, Show::Kind(&Kind::Signal)),
                PrctlOption::PR_GET_PDEATHSIG => l.push(1, Show::SigRef),
                PrctlOption::PR_SET_DUMPABLE => l.push(1, Show::Dumpable),
                PrctlOption::PR_SET_KEEPCAPS | PrctlOption::PR_SET_TIMERSLACK => {
                    l.push(1, Show::Kind(&Kind::Uint))
                }
                PrctlOption::PR_GET_NO_NEW_PRIVS | PrctlOption::PR_GET_THP_DISABLE => {
                    for i in 1..5 {
                        l.push(i, hex);
                    }
                }
                PrctlOption::PR_SET_NO_NEW_PRIVS | PrctlOption::PR_SET_THP_DISABLE => {
                    l.push(1, Show::Kind(&Kind::Uint));
                    for i in 2..5 {
                        l.push(i, hex);
                    }
                }
                _ => {
                    for i in 1..5 {
                        l.push(i, hex);
                    }
                }
            }
        }
        Sysno::clone => {
            let flags = raw(0);
            l.push(1, Show::Named(&("child_stack=", Kind::Ptr)));
            l.push(0, Show::Named(&("flags=", Kind::CloneFlags)));
            let f = CloneFlags::from_raw(flags);
            if f.intersects(CloneFlags::CLONE_PARENT_SETTID | CloneFlags::CLONE_PIDFD) {
                l.push(2, Show::Named(&("parent_tid=", Kind::Ptr)));
            }
            if f.contains(CloneFlags::CLONE_SETTLS) {
                l.push(4, Show::Named(&("tls=", Kind::Ptr)));
            }
            if f.intersects(CloneFlags::CLONE_CHILD_SETTID | CloneFlags::CLONE_CHILD_CLEARTID) {
                l.push(3, Show::Named(&("child_tidptr=", Kind::Ptr)));
            }
        }
        Sysno::arch_prctl => {
            let get = matches!(
                ArchPrctlCode::from_raw(raw(0)),
                ArchPrctlCode::ARCH_GET_FS | ArchPrctlCode::ARCH_GET_GS
            );
            l.push(0, Show::Kind(&Kind::ArchPrctlCode));
            l.push(
                1,
                Show::Kind(if get {
                    &Kind::Struct {
                        ty: StructType::AddrRef,
                        dir: Dir::Out,
                        len: Len::Fixed,
                    }
                } else {
                    &Kind::Hex
                }),
            );
        }
        _ => plain(l, 6),
    }
}

/// The state the argument printers share.
struct Ctx<'a, M: Memory + ?Sized> {
    mem: &'a M,
    opts: &'a Options,
    abi: Abi,
    /// `None` at the call, `Some(ret)` after it.
    ret: Option<i64>,
    raw: &'a [u64; 6],
    /// Time structs are 32-bit (i386 calls other than the `*_time64` ones).
    time32: bool,
    /// Offsets are 64-bit although the ABI is i386 (joined from two registers).
    wide_offsets: bool,
    /// The x86_64 meaning of the call, if it has one.
    sysno: Option<Sysno>,
    /// Value-result arguments as they were before the call.
    before: &'a Before,
}

impl<M: Memory + ?Sized> Ctx<'_, M> {
    fn raw(&self, i: u8) -> u64 {
        self.raw.get(usize::from(i)).copied().unwrap_or(0)
    }

    fn signed(&self, i: u8) -> i64 {
        let v = self.raw(i);
        match self.abi {
            Abi::I386 => i64::from(v as u32 as i32),
            Abi::X86_64 | Abi::X32 => v as i64,
        }
    }

    /// Whether data the kernel writes can be shown now (after a successful call).
    fn output_ready(&self) -> bool {
        matches!(self.ret, Some(r) if !(-4095..=-1).contains(&r))
    }

    /// Whether data of direction `dir` is shown now.
    fn shows(&self, dir: Dir) -> bool {
        match dir {
            Dir::In | Dir::InOut => true,
            Dir::Out => self.output_ready(),
        }
    }

    /// 32-bit pointers and `long`s inside structs (i386 and x32 callers).
    fn compat(&self) -> bool {
        self.abi != Abi::X86_64
    }

    /// The i386 ABI (32-bit `long` everywhere, unlike x32's 64-bit kernel structs).
    fn compat32(&self) -> bool {
        self.abi == Abi::I386
    }

    fn ret_len(&self) -> u64 {
        match self.ret {
            Some(r) if r > 0 => r as u64,
            _ => 0,
        }
    }

    fn resolve(&self, len: Len) -> u64 {
        match len {
            Len::Fixed => 0,
            Len::Arg(n) => self.raw(n),
            Len::ArgPtr(n) => read_u32(self.mem, self.raw(n)).map_or(0, u64::from),
            Len::Ret => self.ret_len(),
        }
    }
}

/// Whether `call` passes 32-bit time structs: i386 calls, except the `*_time64` ones
/// (which the i386 map renames to their x86_64 names).
fn time32(call: &Syscall) -> bool {
    call.abi == Abi::I386
        && match (call.name(), call.canonical()) {
            (Some(name), Some(c)) => !(name.ends_with("64") && name != c.name()),
            _ => true,
        }
}

// Out of line: its locals (the described call, the layout, the context) then live only
// while the arguments are written, not under `write_result` too (handler stack).
#[inline(never)]
fn write_call_at<W, M>(
    out: &mut W,
    call: &Syscall,
    ret: Option<i64>,
    before: &Before,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    // Borrowed in place: moving it out of the `Option` would copy it into the frame.
    let described = describe(call);
    let Some(t) = described.as_ref() else {
        match call.name() {
            Some(name) => out.write_str(name)?,
            None => emit!(out, "syscall_", Hex(call.nr as u64))?,
        }
        out.write_char('(')?;
        for (i, a) in call.args.iter().enumerate() {
            if i > 0 {
                out.write_str(", ")?;
            }
            write_hex(out, *a)?;
        }
        return out.write_char(')');
    };
    out.write_str(call.name().or(t.sysno.map(|s| s.name())).unwrap_or("?"))?;
    out.write_char('(')?;
    let ctx = Ctx {
        mem,
        opts,
        abi: call.abi,
        ret,
        raw: &t.raw,
        time32: time32(call),
        wide_offsets: crate::args::joins_offsets(call),
        sysno: t.sysno,
        before,
    };
    let mut l = Layout::new(|n, i, show| {
        if n > 0 {
            out.write_str(", ")?;
        }
        write_shown(out, &ctx, i, show)
    });
    layout(t, &mut l);
    l.result?;
    out.write_char(')')
}

#[inline(never)]
fn write_shown<W, M>(out: &mut W, ctx: &Ctx<'_, M>, i: u8, show: Show) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let v = ctx.raw(i);
    match show {
        Show::Kind(k) => write_arg(out, ctx, i, k),
        Show::U32 => emit!(out, v as u32),
        Show::Bitset if v as u32 == u32::MAX => out.write_str("FUTEX_BITSET_MATCH_ANY"),
        Show::Bitset => write_hex(out, u64::from(v as u32)),
        Show::Dumpable => match v {
            0 => out.write_str("SUID_DUMP_DISABLE"),
            1 => out.write_str("SUID_DUMP_USER"),
            2 => out.write_str("SUID_DUMP_ROOT"),
            _ => emit!(out, Hex(v), " /* SUID_DUMP_??? */"),
        },
        Show::FdFlags => FdFlags::SPEC.write(out, v),
        Show::SigRef => match read_u32(ctx.mem, v) {
            Some(sig) if ctx.output_ready() => {
                out.write_char('[')?;
                Signal(sig as i32).write(out, false)?;
                out.write_char(']')
            }
            _ => write_ptr(out, v),
        },
        Show::Named((name, k)) => {
            out.write_str(name)?;
            write_arg(out, ctx, i, k)
        }
    }
}

/// `NULL` or `0x...`.
fn write_ptr<W: Write + ?Sized>(out: &mut W, addr: u64) -> fmt::Result {
    if addr == 0 {
        out.write_str("NULL")
    } else {
        emit!(out, Hex(addr))
    }
}

/// C's `%#x`: `0` or `0x...`.
fn write_hex<W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    if v == 0 {
        out.write_char('0')
    } else {
        emit!(out, Hex(v))
    }
}

/// C's `%#03o`: `000`, `022`, `0644`.
fn write_octal<W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    if v < 0o10 {
        emit!(out, "00", Oct(v, 0))
    } else {
        emit!(out, "0", Oct(v, 0))
    }
}

fn write_flags<T: StraceFlags, W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    T::SPEC.write(out, T::from_raw(v).raw())
}

fn write_enum<T: StraceEnum, W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    T::SPEC.write(out, T::from_raw(v).raw())
}

fn write_arg<W, M>(out: &mut W, ctx: &Ctx<'_, M>, i: u8, kind: &Kind) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let v = ctx.raw(i);
    let s = ctx.signed(i);
    let int = v as u32 as i32;
    match *kind {
        Kind::Int => emit!(out, s),
        Kind::Uint | Kind::Size => emit!(out, v),
        Kind::Hex | Kind::HexOffset => write_hex(out, v),
        Kind::Fd | Kind::Pid => emit!(out, int),
        Kind::DirFd if int == -100 => out.write_str("AT_FDCWD"),
        Kind::DirFd => emit!(out, int),
        Kind::Offset if ctx.wide_offsets => emit!(out, v as i64),
        Kind::Offset => emit!(out, s),
        Kind::Ptr => write_ptr(out, v),
        Kind::Path => write_cstr(out, ctx, v, ctx.opts.path_limit, true),
        Kind::Str => write_cstr(out, ctx, v, ctx.opts.string_limit, false),
        Kind::OutStr if ctx.output_ready() => write_cstr(out, ctx, v, ctx.opts.path_limit, true),
        Kind::OutStr => write_ptr(out, v),
        Kind::Buf { dir, len } => {
            if !ctx.shows(dir) {
                return write_ptr(out, v);
            }
            let n = match (dir, ctx.ret) {
                (Dir::Out, Some(_)) => ctx.ret_len().min(ctx.resolve(len).max(ctx.ret_len())),
                _ => ctx.resolve(len),
            };
            write_buf(out, ctx, v, n)
        }
        Kind::Mode | Kind::OpenMode => write_octal(out, v & 0o7777_7777),
        Kind::FileMode => write_file_mode(out, v as u32),
        Kind::Dev => write_dev(out, v),
        Kind::Uid | Kind::Gid if v as u32 == u32::MAX => out.write_str("-1"),
        Kind::Uid | Kind::Gid => emit!(out, v as u32),
        Kind::Signal => Signal(int).write(out, false),
        Kind::OpenFlags => write_flags::<OFlags, W>(out, v),
        Kind::AtFlags => write_flags::<AtFlags, W>(out, v),
        Kind::AccessAtFlags => write_flags::<AccessAtFlags, W>(out, v),
        Kind::AccessMode => write_flags::<AccessMode, W>(out, v),
        Kind::Prot => write_flags::<ProtFlags, W>(out, v),
        Kind::MapFlags => write_flags::<MapFlags, W>(out, v),
        Kind::MremapFlags => write_flags::<MremapFlags, W>(out, v),
        Kind::MsyncFlags => write_flags::<MsyncFlags, W>(out, v),
        Kind::MountFlags => write_flags::<MountFlags, W>(out, v),
        Kind::UmountFlags => write_flags::<UmountFlags, W>(out, v),
        Kind::CloneFlags => {
            let sig = v & 0xff;
            let rest = v & !0xff;
            if rest != 0 || sig == 0 {
                write_flags::<CloneFlags, W>(out, rest)?;
            }
            if sig != 0 {
                if rest != 0 {
                    out.write_char('|')?;
                }
                Signal(sig as i32).write(out, false)?;
            }
            Ok(())
        }
        Kind::UnshareFlags => write_flags::<UnshareFlags, W>(out, v),
        Kind::SockType => write_flags::<SockType, W>(out, v),
        Kind::SockFlags => write_flags::<SockFlags, W>(out, v),
        Kind::MsgFlags => write_flags::<MsgFlags, W>(out, v),
        Kind::WaitFlags => write_flags::<WaitFlags, W>(out, v),
        Kind::FdCreateFlags => write_flags::<FdCreateFlags, W>(out, v),
        Kind::EventfdFlags => write_flags::<EventfdFlags, W>(out, v),
        Kind::TimerfdFlags => write_flags::<TimerfdFlags, W>(out, v),
        Kind::SignalfdFlags => write_flags::<SignalfdFlags, W>(out, v),
        Kind::EpollFlags => write_flags::<EpollFlags, W>(out, v),
        Kind::InotifyFlags => write_flags::<InotifyFlags, W>(out, v),
        Kind::MlockallFlags => write_flags::<MlockallFlags, W>(out, v),
        Kind::RenameFlags => write_flags::<RenameFlags, W>(out, v),
        Kind::GrndFlags => write_flags::<GrndFlags, W>(out, v),
        Kind::MfdFlags => write_flags::<MfdFlags, W>(out, v),
        Kind::TimerFlags => write_flags::<TimerFlags, W>(out, v),
        Kind::FcntlCmd => write_enum::<FcntlCmd, W>(out, v),
        Kind::FcntlArg => write_hex(out, v),
        Kind::FutexOp => FutexOp(v as u32).write(out),
        Kind::PrctlOption => write_enum::<PrctlOption, W>(out, v),
        Kind::Madvice => write_enum::<Madvice, W>(out, v),
        Kind::Whence => write_enum::<Whence, W>(out, v),
        Kind::ClockId => write_enum::<ClockId, W>(out, v),
        Kind::SigHow => write_enum::<SigHow, W>(out, v),
        Kind::AddressFamily => write_enum::<AddressFamily, W>(out, v),
        Kind::ShutdownHow => write_enum::<ShutdownHow, W>(out, v),
        Kind::Protocol => match (ctx.raw(0), IpProto::SPEC.name(v)) {
            // AF_INET, AF_INET6
            (2 | 10, Some(name)) => out.write_str(name),
            _ => emit!(out, int),
        },
        Kind::EpollOp => write_enum::<EpollOp, W>(out, v),
        Kind::PrioWhich => write_enum::<PrioWhich, W>(out, v),
        Kind::Rlimit => write_enum::<Rlimit, W>(out, v),
        Kind::ArchPrctlCode => write_enum::<ArchPrctlCode, W>(out, v),
        Kind::ItimerWhich => write_enum::<ItimerWhich, W>(out, v),
        Kind::RusageWho => match int {
            -1 => out.write_str("RUSAGE_CHILDREN"),
            _ => write_enum::<RusageWho, W>(out, v),
        },
        Kind::FlockOp => write_flags::<FlockOp, W>(out, v),
        Kind::Fadvice => write_enum::<Fadvice, W>(out, v),
        Kind::SyncFileRangeFlags => write_flags::<SyncFileRangeFlags, W>(out, v),
        Kind::InotifyMask => write_flags::<InotifyMask, W>(out, v),
        Kind::SockLevel => write_enum::<SockLevel, W>(out, v),
        Kind::SockOptName => match ctx.raw(1) as u32 {
            1 => write_enum::<SockOpt, W>(out, v),
            _ => emit!(out, v as u32),
        },
        Kind::IoctlRequest => write_ioctl(out, v as u32),
        Kind::Struct { ty, dir, len } => {
            if v == 0 || !ctx.shows(dir) {
                return write_ptr(out, v);
            }
            if let (Some(old), Some(_)) = (ctx.before.at(i), ctx.ret) {
                let now = match ty {
                    StructType::OffRef => read_u64(ctx.mem, v).map(|x| x as i64),
                    _ => read_u32(ctx.mem, v).map(|x| i64::from(x as i32)),
                };
                match (ty, now) {
                    (_, Some(now)) if now == old => return emit!(out, "[", now, "]"),
                    (StructType::OffRef, Some(now)) => {
                        return emit!(out, "[", old, "] => [", now, "]")
                    }
                    (_, Some(now)) => return emit!(out, "[", old, " => ", now, "]"),
                    (_, None) => return write_ptr(out, v),
                }
            }
            let count = ctx.resolve(len);
            match write_struct(out, ctx, ty, v, count, len != Len::Fixed, dir)? {
                true => Ok(()),
                false => write_ptr(out, v),
            }
        }
        Kind::Skip => Ok(()),
    }
}

fn write_file_mode<W: Write + ?Sized>(out: &mut W, mode: u32) -> fmt::Result {
    let ty = mode & 0o170000;
    let perm = u64::from(mode & 0o7777);
    if FileType::SPEC
        .field
        .iter()
        .any(|(_, v)| *v == u64::from(ty))
    {
        FileType::SPEC.write(out, u64::from(ty))?;
        out.write_char('|')?;
        write_octal(out, perm)
    } else {
        write_octal(out, u64::from(mode))
    }
}

fn write_dev<W: Write + ?Sized>(out: &mut W, dev: u64) -> fmt::Result {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    out.write_str("makedev(")?;
    write_hex(out, major)?;
    out.write_str(", ")?;
    write_hex(out, minor)?;
    out.write_char(')')
}

const IOCTLS: &[(&str, u32)] = &[
    ("TCGETS", 0x5401),
    ("TCSETS", 0x5402),
    ("TCSETSW", 0x5403),
    ("TCSETSF", 0x5404),
    ("TIOCSCTTY", 0x540e),
    ("TIOCGPGRP", 0x540f),
    ("TIOCSPGRP", 0x5410),
    ("TIOCGWINSZ", 0x5413),
    ("TIOCSWINSZ", 0x5414),
    ("FIONREAD", 0x541b),
    ("TIOCNOTTY", 0x5422),
    ("FIONBIO", 0x5421),
    ("FIONCLEX", 0x5450),
    ("FIOCLEX", 0x5451),
    ("FIOASYNC", 0x5452),
];

fn write_ioctl<W: Write + ?Sized>(out: &mut W, req: u32) -> fmt::Result {
    match IOCTLS.iter().find(|(_, v)| *v == req) {
        Some((name, _)) => out.write_str(name),
        None => write_hex(out, u64::from(req)),
    }
}

/// strace's escaping of one byte, which depends on the byte after it (an octal escape is
/// padded to three digits when a digit follows).
fn write_escaped<W: Write + ?Sized>(out: &mut W, c: u8, next: Option<u8>) -> fmt::Result {
    match c {
        b'"' => out.write_str("\\\""),
        b'\\' => out.write_str("\\\\"),
        0x0c => out.write_str("\\f"),
        b'\n' => out.write_str("\\n"),
        b'\r' => out.write_str("\\r"),
        b'\t' => out.write_str("\\t"),
        0x0b => out.write_str("\\v"),
        b' '..=0x7e => out.write_char(char::from(c)),
        _ => {
            let digit_follows = matches!(next, Some(b'0'..=b'7'));
            if digit_follows || c >= 0o100 {
                emit!(out, "\\", Oct(c as u64, 3))
            } else if c >= 0o10 {
                emit!(out, "\\", Oct(c as u64, 2))
            } else {
                emit!(out, "\\", Oct(c as u64, 0))
            }
        }
    }
}

/// A streaming quoter: bytes go in one at a time, the escape of each is decided once the
/// next is known.
struct Quoter {
    pending: Option<u8>,
}

impl Quoter {
    fn push<W: Write + ?Sized>(&mut self, out: &mut W, c: u8) -> fmt::Result {
        if let Some(p) = self.pending.replace(c) {
            write_escaped(out, p, Some(c))?;
        }
        Ok(())
    }

    fn finish<W: Write + ?Sized>(&mut self, out: &mut W) -> fmt::Result {
        if let Some(p) = self.pending.take() {
            write_escaped(out, p, None)?;
        }
        Ok(())
    }
}

const CHUNK: usize = 128;

/// A NUL-terminated string at `addr`: quoted, up to `limit` bytes, then `...` if longer.
/// Paths print whole up to `limit`; an unreadable address prints as the address.
fn write_cstr<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    limit: usize,
    _path: bool,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if addr == 0 {
        return out.write_str("NULL");
    }
    let mut chunk = [0u8; CHUNK];
    let mut at = addr;
    let mut shown = 0usize;
    let mut q = Quoter { pending: None };
    let mut started = false;
    loop {
        let n = match ctx.mem.read(at, &mut chunk) {
            Ok(n) if n > 0 => n,
            _ if !started => return write_ptr(out, addr),
            _ => {
                // The string runs into unreadable memory: show what was read.
                q.finish(out)?;
                return out.write_str("\"...");
            }
        };
        if !started {
            out.write_char('"')?;
            started = true;
        }
        for &c in chunk.iter().take(n) {
            if c == 0 {
                q.finish(out)?;
                return out.write_char('"');
            }
            if shown >= limit {
                q.finish(out)?;
                return out.write_str("\"...");
            }
            q.push(out, c)?;
            shown = shown.saturating_add(1);
        }
        at = at.wrapping_add(n as u64);
    }
}

/// A buffer of `len` bytes at `addr`: quoted, up to the string limit, then `...`.
fn write_buf<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64, len: u64) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if addr == 0 {
        return out.write_str("NULL");
    }
    let limit = ctx.opts.string_limit as u64;
    let show = len.min(limit);
    let mut chunk = [0u8; CHUNK];
    let mut q = Quoter { pending: None };
    let mut done = 0u64;
    let mut started = false;
    while done < show || !started {
        let want = usize::try_from(show.saturating_sub(done))
            .unwrap_or(CHUNK)
            .min(CHUNK);
        let buf = chunk.get_mut(..want).unwrap_or(&mut []);
        let n = if want == 0 {
            0
        } else {
            match ctx.mem.read(addr.wrapping_add(done), buf) {
                Ok(n) if n == want => n,
                _ if !started => return write_ptr(out, addr),
                _ => {
                    q.finish(out)?;
                    return out.write_str("\"...");
                }
            }
        };
        if !started {
            out.write_char('"')?;
            started = true;
        }
        for &c in buf.iter().take(n) {
            q.push(out, c)?;
        }
        done = done.saturating_add(n as u64);
        if n == 0 {
            break;
        }
    }
    q.finish(out)?;
    out.write_char('"')?;
    if len > limit {
        out.write_str("...")?;
    }
    Ok(())
}

fn read_bytes<const N: usize, M: Memory + ?Sized>(mem: &M, addr: u64) -> Option<[u8; N]> {
    let mut b = [0u8; N];
    match mem.read(addr, &mut b) {
        Ok(n) if n == N => Some(b),
        _ => None,
    }
}

fn read_u32<M: Memory + ?Sized>(mem: &M, addr: u64) -> Option<u32> {
    if addr == 0 {
        return None;
    }
    read_bytes::<4, M>(mem, addr).map(u32::from_ne_bytes)
}

fn read_u64<M: Memory + ?Sized>(mem: &M, addr: u64) -> Option<u64> {
    if addr == 0 {
        return None;
    }
    read_bytes::<8, M>(mem, addr).map(u64::from_ne_bytes)
}

/// A pointer-sized word of the caller's ABI.
fn read_word<M: Memory + ?Sized>(ctx: &Ctx<'_, M>, addr: u64) -> Option<u64> {
    if ctx.compat() {
        read_u32(ctx.mem, addr).map(u64::from)
    } else {
        read_u64(ctx.mem, addr)
    }
}

fn word_size<M: Memory + ?Sized>(ctx: &Ctx<'_, M>) -> u64 {
    if ctx.compat() {
        4
    } else {
        8
    }
}

/// Two `long`s of a time struct (`tv_sec`, `tv_nsec`/`tv_usec`); 32-bit only for i386.
fn read_time_pair<M: Memory + ?Sized>(ctx: &Ctx<'_, M>, addr: u64) -> Option<(i64, i64)> {
    if ctx.time32 {
        let b = read_bytes::<8, M>(ctx.mem, addr)?;
        let [a0, a1, a2, a3, b0, b1, b2, b3] = b;
        Some((
            i64::from(i32::from_ne_bytes([a0, a1, a2, a3])),
            i64::from(i32::from_ne_bytes([b0, b1, b2, b3])),
        ))
    } else {
        let b = read_bytes::<16, M>(ctx.mem, addr)?;
        let (s, ns) = split16(b);
        Some((s as i64, ns as i64))
    }
}

/// Two consecutive time pairs (`timespec[2]`, `itimerspec`, ...).
fn read_two_time_pairs<M: Memory + ?Sized>(
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Option<((i64, i64), (i64, i64))> {
    let first = read_time_pair(ctx, addr)?;
    let second = read_time_pair(ctx, addr.wrapping_add(time_pair_size(ctx)))?;
    Some((first, second))
}

fn time_pair_size<M: Memory + ?Sized>(ctx: &Ctx<'_, M>) -> u64 {
    if ctx.time32 {
        8
    } else {
        16
    }
}

/// The native-endian `u64` at byte `at` of `b` (0 past the end).
fn ne_u64(b: &[u8], at: usize) -> u64 {
    b.get(at..)
        .and_then(|s| s.first_chunk::<8>())
        .map_or(0, |c| u64::from_ne_bytes(*c))
}

/// The native-endian `u32` at byte `at` of `b` (0 past the end).
fn ne_u32(b: &[u8], at: usize) -> u32 {
    b.get(at..)
        .and_then(|s| s.first_chunk::<4>())
        .map_or(0, |c| u32::from_ne_bytes(*c))
}

/// strace's rendering of a `wait` status.
fn write_wait_status<W: Write + ?Sized>(out: &mut W, st: u32) -> fmt::Result {
    let low = st & 0x7f;
    if low == 0 {
        emit!(
            out,
            "[{WIFEXITED(s) && WEXITSTATUS(s) == ",
            (st >> 8) & 0xff,
            "}]"
        )
    } else if st & 0xff == 0x7f {
        out.write_str("[{WIFSTOPPED(s) && WSTOPSIG(s) == ")?;
        Signal(((st >> 8) & 0xff) as i32).write(out, false)?;
        if st >> 16 != 0 {
            emit!(out, "} | ", Hex((st & 0xffff_0000) as u64), "]")
        } else {
            out.write_str("}]")
        }
    } else if st == 0xffff {
        out.write_str("[{WIFCONTINUED(s)}]")
    } else {
        out.write_str("[{WIFSIGNALED(s) && WTERMSIG(s) == ")?;
        Signal(low as i32).write(out, false)?;
        if st & 0x80 != 0 {
            out.write_str(" && WCOREDUMP(s)")?;
        }
        out.write_str("}]")
    }
}

fn split16(b: [u8; 16]) -> (u64, u64) {
    let [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7] = b;
    (
        u64::from_ne_bytes([a0, a1, a2, a3, a4, a5, a6, a7]),
        u64::from_ne_bytes([b0, b1, b2, b3, b4, b5, b6, b7]),
    )
}

fn write_timespec<W: Write + ?Sized>(out: &mut W, (s, ns): (i64, i64), usec: bool) -> fmt::Result {
    let field = if usec { "tv_usec" } else { "tv_nsec" };
    emit!(out, "{tv_sec=", s, ", ", field, "=")?;
    match ns {
        0x3fff_ffff if !usec => out.write_str("UTIME_NOW")?,
        0x3fff_fffe if !usec => out.write_str("UTIME_OMIT")?,
        _ => emit!(out, ns)?,
    }
    out.write_char('}')
}

/// A file time of `utimensat`/`utimes`: `UTIME_NOW`, `UTIME_OMIT`, or the time with its
/// date in a comment (`{tv_sec=0, tv_nsec=0} /* 1970-01-01T00:00:00+0000 */`, in UTC).
fn write_file_time<W: Write + ?Sized>(out: &mut W, (s, ns): (i64, i64), usec: bool) -> fmt::Result {
    match ns {
        0x3fff_ffff if !usec => return out.write_str("UTIME_NOW"),
        0x3fff_fffe if !usec => return out.write_str("UTIME_OMIT"),
        _ => {}
    }
    write_timespec(out, (s, ns), usec)?;
    out.write_str(" /* ")?;
    write_utc(out, s)?;
    if ns != 0 {
        out.write_char('.')?;
        put_padded_dec(out, ns.unsigned_abs(), if usec { 6 } else { 9 })?;
    }
    out.write_str("+0000 */")
}

/// `v` in decimal, zero-padded to `width` digits.
fn put_padded_dec<W: Write + ?Sized>(out: &mut W, v: u64, width: usize) -> fmt::Result {
    put_digits(out, v, 0, width)
}

/// `YYYY-MM-DDTHH:MM:SS` of a Unix time, in UTC (proleptic Gregorian calendar).
fn write_utc<W: Write + ?Sized>(out: &mut W, t: i64) -> fmt::Result {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = doe
        .saturating_sub(doe / 1460)
        .saturating_add(doe / 36_524)
        .saturating_sub(doe / 146_096)
        / 365;
    let doy = doe.saturating_sub(
        yoe.saturating_mul(365)
            .saturating_add(yoe / 4)
            .saturating_sub(yoe / 100),
    );
    let mp = doy.saturating_mul(5).saturating_add(2) / 153;
    let day = doy
        .saturating_sub(mp.saturating_mul(153).saturating_add(2) / 5)
        .saturating_add(1);
    let month = if mp < 10 {
        mp.saturating_add(3)
    } else {
        mp.saturating_sub(9)
    };
    let year = yoe
        .saturating_add(era.saturating_mul(400))
        .saturating_add(i64::from(month <= 2));
    if year < 0 {
        out.write_char('-')?;
    }
    put_padded_dec(out, year.unsigned_abs(), 4)?;
    out.write_char('-')?;
    put_padded_dec(out, month.unsigned_abs(), 2)?;
    out.write_char('-')?;
    put_padded_dec(out, day.unsigned_abs(), 2)?;
    out.write_char('T')?;
    put_padded_dec(out, (secs / 3600).unsigned_abs(), 2)?;
    out.write_char(':')?;
    put_padded_dec(out, (secs % 3600 / 60).unsigned_abs(), 2)?;
    out.write_char(':')?;
    put_padded_dec(out, (secs % 60).unsigned_abs(), 2)
}

/// Writes a struct; `Ok(false)` when it cannot be read or is not decoded for this ABI (the
/// caller then prints the address).
fn write_struct<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    ty: StructType,
    addr: u64,
    count: u64,
    array: bool,
    dir: Dir,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let x86_64 = ctx.abi == Abi::X86_64;
    match ty {
        StructType::Timespec | StructType::Timeval => {
            let Some(tp) = read_time_pair(ctx, addr) else {
                return Ok(false);
            };
            write_timespec(out, tp, ty == StructType::Timeval)?;
        }
        StructType::TimespecPair | StructType::TimevalPair => {
            let Some((a, b)) = read_two_time_pairs(ctx, addr) else {
                return Ok(false);
            };
            let usec = ty == StructType::TimevalPair;
            out.write_char('[')?;
            write_file_time(out, a, usec)?;
            out.write_str(", ")?;
            write_file_time(out, b, usec)?;
            out.write_char(']')?;
        }
        StructType::Itimerspec | StructType::Itimerval => {
            let Some((a, b)) = read_two_time_pairs(ctx, addr) else {
                return Ok(false);
            };
            let usec = ty == StructType::Itimerval;
            out.write_str("{it_interval=")?;
            write_timespec(out, a, usec)?;
            out.write_str(", it_value=")?;
            write_timespec(out, b, usec)?;
            out.write_char('}')?;
        }
        StructType::Stat | StructType::Stat64 if ty == StructType::Stat64 || !ctx.compat32() => {
            return write_stat(out, ctx, addr, ty == StructType::Stat64);
        }
        StructType::Sigset => {
            let bytes = count.min(8);
            if bytes == 0 || (count > 8 && count != 0) {
                return Ok(false);
            }
            let mut b = [0u8; 8];
            let want = b.get_mut(..bytes as usize).unwrap_or(&mut []);
            match ctx.mem.read(addr, want) {
                Ok(n) if n as u64 == bytes => {}
                _ => return Ok(false),
            }
            write_sigset(out, u64::from_ne_bytes(b), bytes.saturating_mul(8))?;
        }
        StructType::Sigaction => return write_sigaction(out, ctx, addr),
        StructType::Sockaddr => return write_sockaddr(out, ctx, addr, count),
        StructType::Utsname => return write_utsname(out, ctx, addr),
        StructType::Rlimit => {
            let compat = ctx.abi == Abi::I386 && ctx.sysno != Some(Sysno::prlimit64);
            let (cur, max) = if compat {
                let Some(b) = read_bytes::<8, M>(ctx.mem, addr) else {
                    return Ok(false);
                };
                let [a0, a1, a2, a3, b0, b1, b2, b3] = b;
                let widen = |v: u32| {
                    if v == u32::MAX {
                        u64::MAX
                    } else {
                        u64::from(v)
                    }
                };
                (
                    widen(u32::from_ne_bytes([a0, a1, a2, a3])),
                    widen(u32::from_ne_bytes([b0, b1, b2, b3])),
                )
            } else {
                let Some(b) = read_bytes::<16, M>(ctx.mem, addr) else {
                    return Ok(false);
                };
                split16(b)
            };
            let inf = if compat {
                "RLIM_INFINITY"
            } else {
                "RLIM64_INFINITY"
            };
            out.write_str("{rlim_cur=")?;
            write_rlim(out, cur, inf)?;
            out.write_str(", rlim_max=")?;
            write_rlim(out, max, inf)?;
            out.write_char('}')?;
        }
        StructType::Pollfd => {
            if count == 0 {
                out.write_str("[]")?;
                return Ok(true);
            }
            if read_bytes::<8, M>(ctx.mem, addr).is_none() {
                return Ok(false);
            }
            out.write_char('[')?;
            let max = count.min(ctx.opts.string_limit as u64);
            for k in 0..max {
                let Some(b) = read_bytes::<8, M>(ctx.mem, addr.wrapping_add(k.wrapping_mul(8)))
                else {
                    break;
                };
                let [f0, f1, f2, f3, e0, e1, _, _] = b;
                if k > 0 {
                    out.write_str(", ")?;
                }
                emit!(
                    out,
                    "{fd=",
                    i32::from_ne_bytes([f0, f1, f2, f3]),
                    ", events="
                )?;
                write_flags::<PollEvents, W>(out, u64::from(u16::from_ne_bytes([e0, e1])))?;
                out.write_char('}')?;
            }
            if count > max {
                out.write_str(", ...")?;
            }
            out.write_char(']')?;
        }
        StructType::FdPair => {
            let Some(b) = read_bytes::<8, M>(ctx.mem, addr) else {
                return Ok(false);
            };
            let [a0, a1, a2, a3, b0, b1, b2, b3] = b;
            emit!(
                out,
                "[",
                i32::from_ne_bytes([a0, a1, a2, a3]),
                ", ",
                i32::from_ne_bytes([b0, b1, b2, b3]),
                "]"
            )?;
        }
        StructType::IntRef => {
            let Some(v) = read_u32(ctx.mem, addr) else {
                return Ok(false);
            };
            emit!(out, "[", v as i32, "]")?;
        }
        StructType::AddrRef => {
            let Some(v) = read_word(ctx, addr) else {
                return Ok(false);
            };
            out.write_char('[')?;
            write_hex(out, v)?;
            out.write_char(']')?;
        }
        StructType::OffRef => {
            let Some(v) = read_u64(ctx.mem, addr) else {
                return Ok(false);
            };
            emit!(out, "[", v as i64, "]")?;
        }
        StructType::Iovec | StructType::RemoteIovec => {
            return write_iovec(out, ctx, addr, count, ty == StructType::Iovec, dir);
        }
        StructType::StrArray => return write_str_array(out, ctx, addr),
        StructType::EnvArray => {
            let ws = word_size(ctx);
            let mut k = 0u64;
            while let Some(p) = read_word(ctx, addr.wrapping_add(k.wrapping_mul(ws))) {
                if p == 0 {
                    break;
                }
                k = k.saturating_add(1);
            }
            emit!(
                out,
                Hex(addr),
                " /* ",
                k,
                " var",
                if k == 1 { "" } else { "s" },
                " */"
            )?;
        }
        StructType::EpollEvent if array => {
            out.write_char('[')?;
            for k in 0..count.min(ctx.opts.string_limit as u64) {
                let Some(b) = read_bytes::<12, M>(ctx.mem, addr.wrapping_add(k.wrapping_mul(12)))
                else {
                    break;
                };
                if k > 0 {
                    out.write_str(", ")?;
                }
                write_epoll_event(out, b)?;
            }
            if count > ctx.opts.string_limit as u64 {
                out.write_str(", ...")?;
            }
            out.write_char(']')?;
        }
        StructType::EpollEvent => {
            let Some(b) = read_bytes::<12, M>(ctx.mem, addr) else {
                return Ok(false);
            };
            write_epoll_event(out, b)?;
        }
        StructType::FdSet => {
            let nfds = count.min(1024);
            let bytes = nfds.div_ceil(64).saturating_mul(8);
            return write_bit_list(out, ctx, addr, bytes, nfds);
        }
        StructType::WaitStatus => {
            if ctx.ret_len() == 0 {
                return Ok(false);
            }
            let Some(st) = read_u32(ctx.mem, addr) else {
                return Ok(false);
            };
            write_wait_status(out, st)?;
        }
        StructType::Dirents | StructType::Dirents64 => {
            // Entries in the `count` bytes the call filled: `d_reclen` is at offset 16
            // (64-bit and dirent64 layouts, x32 included) or 8 (i386 linux_dirent).
            let reclen_at = if ty == StructType::Dirents && ctx.abi == Abi::I386 {
                8
            } else {
                16
            };
            let mut entries = 0u64;
            let mut off = 0u64;
            while off < count && entries < 65536 {
                let at = addr.wrapping_add(off).wrapping_add(reclen_at);
                let Some(b) = read_bytes::<2, M>(ctx.mem, at) else {
                    break;
                };
                let reclen = u64::from(u16::from_ne_bytes(b));
                if reclen == 0 {
                    break;
                }
                entries = entries.saturating_add(1);
                off = off.saturating_add(reclen);
            }
            emit!(out, Hex(addr), " /* ", entries, " entries */")?;
        }
        StructType::StackT => {
            let (sp, flags, size) = if ctx.compat() {
                let Some(b) = read_bytes::<12, M>(ctx.mem, addr) else {
                    return Ok(false);
                };
                let [a0, a1, a2, a3, f0, f1, f2, f3, s0, s1, s2, s3] = b;
                (
                    u64::from(u32::from_ne_bytes([a0, a1, a2, a3])),
                    u32::from_ne_bytes([f0, f1, f2, f3]),
                    u64::from(u32::from_ne_bytes([s0, s1, s2, s3])),
                )
            } else {
                let Some(b) = read_bytes::<24, M>(ctx.mem, addr) else {
                    return Ok(false);
                };
                (ne_u64(&b, 0), ne_u32(&b, 8), ne_u64(&b, 16))
            };
            out.write_str("{ss_sp=")?;
            write_ptr(out, sp)?;
            out.write_str(", ss_flags=")?;
            write_flags::<SsFlags, W>(out, u64::from(flags))?;
            emit!(out, ", ss_size=", size, "}")?;
        }
        StructType::CpuSet => {
            let bytes = count.min(1024);
            return write_bit_list(out, ctx, addr, bytes, bytes.saturating_mul(8));
        }
        StructType::Msghdr if x86_64 => return write_msghdr(out, ctx, addr, dir),
        StructType::SockOptVal if count == 4 => {
            let Some(v) = read_u32(ctx.mem, addr) else {
                return Ok(false);
            };
            emit!(out, "[", v as i32, "]")?;
        }
        StructType::SockOptVal => return write_struct_buf(out, ctx, addr, count),
        StructType::Stat | StructType::Stat64 | StructType::Msghdr | StructType::Opaque(_) => {
            return Ok(false)
        }
    }
    Ok(true)
}

/// `struct stat` (x86_64 and x32), or the i386 `struct stat64`.
#[inline(never)]
fn write_stat<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    stat64: bool,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    // (mode, rdev, size) offsets: x86_64 (and x32) `struct stat`, i386 `stat64`.
    let (mode, rdev, size) = if stat64 {
        let Some(b) = read_bytes::<52, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        (ne_u32(&b, 16), ne_u64(&b, 32), ne_u64(&b, 44) as i64)
    } else {
        let Some(b) = read_bytes::<56, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        (ne_u64(&b, 24) as u32, ne_u64(&b, 40), ne_u64(&b, 48) as i64)
    };
    out.write_str("{st_mode=")?;
    write_file_mode(out, mode)?;
    let kind = mode & 0o170000;
    if kind == 0o20000 || kind == 0o60000 {
        out.write_str(", st_rdev=")?;
        write_dev(out, rdev)?;
    } else {
        emit!(out, ", st_size=", size)?;
    }
    out.write_str(", ...}")?;
    Ok(true)
}

/// `struct sigaction` (kernel layout; compat for i386 and x32).
#[inline(never)]
fn write_sigaction<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let (handler, flags, restorer, mask) = if ctx.abi == Abi::X86_64 {
        let Some(b) = read_bytes::<32, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let w = |i: usize| ne_u64(&b, i);
        (w(0), w(8), w(16), w(24))
    } else {
        // compat: u32 handler, flags, restorer, then a 64-bit mask.
        let Some(b) = read_bytes::<20, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let w = |i: usize| u64::from(ne_u32(&b, i));
        (w(0), w(4), w(8), w(12) | (w(16) << 32))
    };
    out.write_str("{sa_handler=")?;
    match handler {
        0 => out.write_str("SIG_DFL")?,
        1 => out.write_str("SIG_IGN")?,
        h => emit!(out, Hex(h))?,
    }
    out.write_str(", sa_mask=")?;
    write_sigset(out, mask, 64)?;
    out.write_str(", sa_flags=")?;
    write_flags::<SaFlags, W>(out, flags)?;
    if flags & SaFlags::SA_RESTORER.bits() != 0 {
        out.write_str(", sa_restorer=")?;
        write_ptr(out, restorer)?;
    }
    out.write_char('}')?;
    Ok(true)
}

// The structs below are written out of line, so that `write_struct`'s frame is not under
// their deep calls (it tail-calls them): strings, buffers and iovecs read in chunks.

/// `struct utsname` (`{sysname="Linux", nodename="box", ...}`).
#[inline(never)]
fn write_utsname<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    out.write_char('{')?;
    for (n, name) in ["sysname", "nodename"].iter().enumerate() {
        if n > 0 {
            out.write_str(", ")?;
        }
        let field = addr.wrapping_add(65u64.wrapping_mul(n as u64));
        let Some(_) = read_bytes::<1, M>(ctx.mem, field) else {
            return Ok(false);
        };
        emit!(out, *name, "=")?;
        write_cstr(out, ctx, field, 65, false)?;
    }
    out.write_str(", ...}")?;
    Ok(true)
}

/// A NULL-terminated array of string pointers (`argv`).
#[inline(never)]
fn write_str_array<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if read_word(ctx, addr).is_none() {
        return Ok(false);
    }
    out.write_char('[')?;
    let ws = word_size(ctx);
    let mut k = 0u64;
    while let Some(p) = read_word(ctx, addr.wrapping_add(k.wrapping_mul(ws))) {
        if p == 0 {
            break;
        }
        if k > 0 {
            out.write_str(", ")?;
        }
        if k >= ctx.opts.string_limit as u64 {
            out.write_str("...")?;
            break;
        }
        write_cstr(out, ctx, p, ctx.opts.string_limit, false)?;
        k = k.saturating_add(1);
    }
    out.write_char(']')?;
    Ok(true)
}

/// The x86_64 `struct msghdr`.
#[inline(never)]
fn write_msghdr<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    dir: Dir,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some(b) = read_bytes::<56, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let w = |i: usize| ne_u64(&b, i);
    let (name, namelen, iov, iovlen) = (w(0), w(8) as u32, w(16), w(24));
    let (control, controllen, flags) = (w(32), w(40), w(48) as u32);
    out.write_str("{msg_name=")?;
    if name == 0 || namelen == 0 || !write_sockaddr(out, ctx, name, u64::from(namelen))? {
        write_ptr(out, name)?;
    }
    emit!(out, ", msg_namelen=", namelen, ", msg_iov=")?;
    if iov == 0 || !write_iovec(out, ctx, iov, iovlen, true, dir)? {
        write_ptr(out, iov)?;
    }
    emit!(out, ", msg_iovlen=", iovlen)?;
    if control != 0 && controllen != 0 {
        out.write_str(", msg_control=")?;
        write_ptr(out, control)?;
    }
    emit!(out, ", msg_controllen=", controllen, ", msg_flags=")?;
    write_flags::<MsgFlags, W>(out, u64::from(flags))?;
    out.write_char('}')?;
    Ok(true)
}

/// A socket option value of `len` bytes other than an `int`, as a buffer.
#[inline(never)]
fn write_struct_buf<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    len: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_buf(out, ctx, addr, len)?;
    Ok(true)
}

/// The set bits of `bytes` bytes at `addr`, below `nbits`, as `[0 1 5]` (fd sets, CPU
/// masks); read in chunks, so a 128-byte mask costs one read. `Ok(false)` when unreadable.
fn write_bit_list<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    bytes: u64,
    nbits: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if bytes == 0 {
        return Ok(false);
    }
    let mut chunk = [0u8; CHUNK];
    let mut done = 0u64;
    let mut first = true;
    while done < bytes {
        let want = usize::try_from(bytes.saturating_sub(done))
            .unwrap_or(CHUNK)
            .min(CHUNK);
        let buf = chunk.get_mut(..want).unwrap_or(&mut []);
        let n = match ctx.mem.read(addr.wrapping_add(done), buf) {
            Ok(n) if n > 0 => n,
            _ if done == 0 => return Ok(false),
            _ => break,
        };
        if done == 0 {
            out.write_char('[')?;
        }
        for (k, &b) in buf.iter().take(n).enumerate() {
            for bit in 0..8u64 {
                let index = done
                    .saturating_add(k as u64)
                    .saturating_mul(8)
                    .saturating_add(bit);
                if index < nbits && b & (1u8 << bit) != 0 {
                    if !first {
                        out.write_char(' ')?;
                    }
                    emit!(out, index)?;
                    first = false;
                }
            }
        }
        done = done.saturating_add(n as u64);
    }
    out.write_char(']')?;
    Ok(true)
}

fn write_epoll_event<W: Write + ?Sized>(out: &mut W, b: [u8; 12]) -> fmt::Result {
    let [e0, e1, e2, e3, d0, d1, d2, d3, d4, d5, d6, d7] = b;
    let events = u32::from_ne_bytes([e0, e1, e2, e3]);
    let data = u64::from_ne_bytes([d0, d1, d2, d3, d4, d5, d6, d7]);
    out.write_str("{events=")?;
    write_flags::<EpollEvents, W>(out, u64::from(events))?;
    emit!(out, ", data={u32=", data as u32, ", u64=", data, "}}")
}

fn write_rlim<W: Write + ?Sized>(out: &mut W, v: u64, infinity: &str) -> fmt::Result {
    if v == u64::MAX {
        out.write_str(infinity)
    } else if v > 1024 && v.is_multiple_of(1024) {
        emit!(out, v / 1024, "*1024")
    } else {
        emit!(out, v)
    }
}

/// `[USR1 CHLD]`, or `~[...]` of the missing ones when more than half of `nsig` are set.
fn write_sigset<W: Write + ?Sized>(out: &mut W, set: u64, nsig: u64) -> fmt::Result {
    let mask = if nsig >= 64 {
        u64::MAX
    } else {
        (1u64 << nsig).wrapping_sub(1)
    };
    let mut set = set & mask;
    if u64::from(set.count_ones()).saturating_mul(2) > nsig {
        out.write_char('~')?;
        set = !set & mask;
    }
    out.write_char('[')?;
    let mut first = true;
    for bit in 0..64u32 {
        if set & (1u64 << bit) != 0 {
            if !first {
                out.write_char(' ')?;
            }
            Signal(bit.saturating_add(1) as i32).write(out, true)?;
            first = false;
        }
    }
    out.write_char(']')
}

fn write_sockaddr<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    len: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let mut b = [0u8; 110];
    let len = len.min(b.len() as u64) as usize;
    if len < 2 {
        return Ok(false);
    }
    let want = b.get_mut(..len).unwrap_or(&mut []);
    match ctx.mem.read(addr, want) {
        Ok(n) if n == len => {}
        _ => return Ok(false),
    }
    let family = u16::from_ne_bytes([
        b.first().copied().unwrap_or(0),
        b.get(1).copied().unwrap_or(0),
    ]);
    out.write_str("{sa_family=")?;
    write_enum::<AddressFamily, W>(out, u64::from(family))?;
    let body = b.get(2..len).unwrap_or(&[]);
    match family {
        1 if !body.is_empty() => {
            out.write_str(", sun_path=")?;
            let (abstract_, path) = match body.split_first() {
                Some((0, rest)) => (true, rest),
                _ => (false, body),
            };
            if abstract_ {
                out.write_char('@')?;
            }
            let end = if abstract_ {
                path.len()
            } else {
                path.iter().position(|&c| c == 0).unwrap_or(path.len())
            };
            out.write_char('"')?;
            let mut q = Quoter { pending: None };
            for &c in path.iter().take(end) {
                q.push(out, c)?;
            }
            q.finish(out)?;
            out.write_char('"')?;
        }
        1 => {}
        10 if len >= 24 => {
            let port = u16::from_be_bytes([
                body.first().copied().unwrap_or(0),
                body.get(1).copied().unwrap_or(0),
            ]);
            let flow = u32::from_be_bytes(
                body.get(2..6)
                    .and_then(|b| b.first_chunk::<4>())
                    .copied()
                    .unwrap_or([0; 4]),
            );
            let addr6 = body
                .get(6..22)
                .and_then(|b| b.first_chunk::<16>())
                .copied()
                .unwrap_or([0; 16]);
            emit!(
                out,
                ", sin6_port=htons(",
                port,
                "), sin6_flowinfo=htonl(",
                flow,
                "), inet_pton(AF_INET6, \""
            )?;
            write_ipv6(out, addr6)?;
            out.write_str("\", &sin6_addr)")?;
            if len >= 28 {
                emit!(out, ", sin6_scope_id=", ne_u32(body, 22))?;
            }
        }
        2 if len >= 8 => {
            let port = u16::from_be_bytes([
                body.first().copied().unwrap_or(0),
                body.get(1).copied().unwrap_or(0),
            ]);
            let ip = body.get(2..6).unwrap_or(&[0, 0, 0, 0]);
            let [a, b2, c, d] = [
                ip.first().copied().unwrap_or(0),
                ip.get(1).copied().unwrap_or(0),
                ip.get(2).copied().unwrap_or(0),
                ip.get(3).copied().unwrap_or(0),
            ];
            emit!(
                out,
                ", sin_port=htons(",
                port,
                "), sin_addr=inet_addr(\"",
                a,
                ".",
                b2,
                ".",
                c,
                ".",
                d,
                "\")"
            )?;
        }
        _ => {
            out.write_str(", sa_data=\"")?;
            let mut q = Quoter { pending: None };
            for &c in body {
                q.push(out, c)?;
            }
            q.finish(out)?;
            out.write_char('"')?;
        }
    }
    out.write_char('}')?;
    Ok(true)
}

/// An IPv6 address as `inet_ntop` writes it: the longest run of two or more zero groups
/// (the first of equal ones) as `::`, IPv4-mapped and -compatible addresses with a dotted
/// quad (`::ffff:a.b.c.d`, `::a.b.c.d`).
fn write_ipv6<W: Write + ?Sized>(out: &mut W, a: [u8; 16]) -> fmt::Result {
    let mut g = [0u16; 8];
    for (i, slot) in g.iter_mut().enumerate() {
        let hi = a.get(i.saturating_mul(2)).copied().unwrap_or(0);
        let lo = a
            .get(i.saturating_mul(2).saturating_add(1))
            .copied()
            .unwrap_or(0);
        *slot = u16::from_be_bytes([hi, lo]);
    }
    let [g0, g1, g2, g3, g4, g5, ..] = g;
    let [.., g6, _] = g;
    let [.., w, x, y, z] = a;
    if [g0, g1, g2, g3, g4] == [0; 5] && g5 == 0xffff {
        return emit!(out, "::ffff:", w, ".", x, ".", y, ".", z);
    }
    // glibc also writes IPv4-compatible addresses (::a.b.c.d) with the dotted quad.
    if [g0, g1, g2, g3, g4, g5] == [0; 6] && g6 != 0 {
        return emit!(out, "::", w, ".", x, ".", y, ".", z);
    }
    // Longest run of zero groups (length >= 2).
    let (mut best_at, mut best_len) = (8usize, 0usize);
    let mut i = 0usize;
    while i < 8 {
        if g.get(i) == Some(&0) {
            let run = g.iter().skip(i).take_while(|&&x| x == 0).count();
            if run > best_len {
                (best_at, best_len) = (i, run);
            }
            i = i.saturating_add(run);
        } else {
            i = i.saturating_add(1);
        }
    }
    if best_len < 2 {
        best_at = 8;
    }
    let best_end = best_at.saturating_add(best_len);
    let mut i = 0usize;
    while i < 8 {
        if i == best_at {
            out.write_str("::")?;
            i = best_end;
            continue;
        }
        if i > 0 && i != best_end {
            out.write_char(':')?;
        }
        let v = g.get(i).copied().unwrap_or(0);
        put_digits(out, u64::from(v), 4, 0)?;
        i = i.saturating_add(1);
    }
    Ok(())
}

/// `[{iov_base="abc", iov_len=3}, ...]`; data shown for local iovecs (for output iovecs
/// after the call, `ret` bytes in all), addresses for remote ones.
fn write_iovec<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    count: u64,
    data: bool,
    dir: Dir,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let ws = word_size(ctx);
    let entry = ws.saturating_mul(2);
    if count > 0 && read_word(ctx, addr).is_none() {
        return Ok(false);
    }
    // Bytes of data left to show: the result for output iovecs after the call.
    let mut left = match dir {
        Dir::Out if ctx.output_ready() => ctx.ret_len(),
        _ => u64::MAX,
    };
    out.write_char('[')?;
    let max = count.min(ctx.opts.string_limit as u64);
    for k in 0..max {
        let at = addr.wrapping_add(k.wrapping_mul(entry));
        let (Some(base), Some(len)) = (read_word(ctx, at), read_word(ctx, at.wrapping_add(ws)))
        else {
            break;
        };
        if k > 0 {
            out.write_str(", ")?;
        }
        out.write_str("{iov_base=")?;
        if data {
            let n = len.min(left);
            left = left.saturating_sub(n);
            write_buf(out, ctx, base, n)?;
        } else {
            write_ptr(out, base)?;
        }
        emit!(out, ", iov_len=", len, "}")?;
    }
    if count > max {
        out.write_str(", ...")?;
    }
    out.write_char(']')?;
    Ok(true)
}

/// strace's decoded suffix after the result, for the calls that have one.
fn result_suffix<W, M>(
    out: &mut W,
    t: &Described,
    ret: i64,
    abi: Abi,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let raw = |i: usize| t.raw.get(i).copied().unwrap_or(0);
    let Some(sysno) = t.sysno else {
        return Ok(());
    };
    match sysno {
        Sysno::poll | Sysno::ppoll | Sysno::select | Sysno::pselect6 if ret == 0 => {
            out.write_str(" (Timeout)")
        }
        Sysno::poll | Sysno::ppoll => {
            let ctx = Ctx {
                mem,
                opts,
                abi,
                ret: Some(ret),
                raw: &t.raw,
                time32: abi == Abi::I386,
                wide_offsets: false,
                sysno: t.sysno,
                before: &Before::NONE,
            };
            let (addr, n) = (raw(0), raw(1));
            if read_bytes::<8, M>(ctx.mem, addr).is_none() {
                return Ok(());
            }
            out.write_str(" ([")?;
            let mut first = true;
            for k in 0..n.min(opts.string_limit as u64) {
                let Some(b) = read_bytes::<8, M>(mem, addr.wrapping_add(k.wrapping_mul(8))) else {
                    break;
                };
                let [f0, f1, f2, f3, _, _, r0, r1] = b;
                let revents = u16::from_ne_bytes([r0, r1]);
                if revents == 0 {
                    continue;
                }
                if !first {
                    out.write_str(", ")?;
                }
                emit!(
                    out,
                    "{fd=",
                    i32::from_ne_bytes([f0, f1, f2, f3]),
                    ", revents="
                )?;
                write_flags::<PollEvents, W>(out, u64::from(revents))?;
                out.write_char('}')?;
                first = false;
            }
            out.write_str("])")
        }
        _ => Ok(()),
    }
}

/// Results strace prints in a form of their own (a successful `ret` only).
fn special_result<W: Write + ?Sized>(out: &mut W, t: &Described, ret: i64) -> Option<fmt::Result> {
    let raw = |i: usize| t.raw.get(i).copied().unwrap_or(0);
    let hex_flags = |out: &mut W, spec: &crate::flags::FlagSpec| -> fmt::Result {
        out.write_str(" = ")?;
        write_hex(out, ret as u64)?;
        out.write_str(" (flags ")?;
        spec.write(out, ret as u64)?;
        out.write_char(')')
    };
    let sysno = t.sysno?;
    match sysno {
        Sysno::fcntl => match FcntlCmd::from_raw(raw(1)) {
            FcntlCmd::F_GETFD if ret != 0 => Some(hex_flags(out, &FdFlags::SPEC)),
            FcntlCmd::F_GETFL => Some(hex_flags(out, &OFlags::SPEC)),
            _ => None,
        },
        Sysno::rt_sigtimedwait if ret > 0 => {
            let r = (|| {
                emit!(out, " = ", ret, " (")?;
                Signal(ret as i32).write(out, false)?;
                out.write_char(')')
            })();
            Some(r)
        }
        Sysno::prctl if PrctlOption::from_raw(raw(0)) == PrctlOption::PR_GET_DUMPABLE => {
            let name = match ret {
                0 => "SUID_DUMP_DISABLE",
                1 => "SUID_DUMP_USER",
                2 => "SUID_DUMP_ROOT",
                _ => return None,
            };
            Some((|| emit!(out, " = ", ret, " (", name, ")"))())
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::mem::NoMemory;

    fn line(call: Syscall, ret: i64) -> ([u8; 512], usize) {
        let mut s = [0u8; 512];
        let mut out = FixedBuf::new(&mut s);
        let _ = write_call_done(&mut out, &call, ret, &NoMemory, &Options::DEFAULT);
        let _ = write_result(&mut out, &call, ret, &NoMemory, &Options::DEFAULT);
        let n = out.len();
        (s, n)
    }

    #[test]
    fn unknown_syscall_is_hex_numbered() {
        let (s, n) = line(Syscall::new(Abi::X86_64, 0x1f3, [1, 2, 3, 4, 5, 6]), 0);
        assert_eq!(
            core::str::from_utf8(&s[..n]).unwrap(),
            "syscall_0x1f3(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = 0"
        );
    }

    #[test]
    fn numbers_without_core_fmt() {
        let mut s = [0u8; 128];
        let mut out = FixedBuf::new(&mut s);
        let r: fmt::Result = (|| {
            emit!(
                &mut out,
                0u64,
                " ",
                u64::MAX,
                " ",
                i64::MIN,
                " ",
                -7i32,
                " "
            )?;
            emit!(
                &mut out,
                Hex(0),
                " ",
                Hex(0xdead_beef),
                " ",
                Oct(0, 3),
                " ",
                Oct(7, 2),
                " "
            )?;
            emit!(&mut out, Oct(0o644, 0), " ", Oct(u64::MAX, 0))
        })();
        r.unwrap();
        assert_eq!(
            out.as_str(),
            "0 18446744073709551615 -9223372036854775808 -7 0x0 0xdeadbeef 000 07 644 \
             1777777777777777777777"
        );
    }

    #[test]
    fn escapes_like_strace() {
        let mut s = [0u8; 64];
        let mut out = FixedBuf::new(&mut s);
        let mut q = Quoter { pending: None };
        for c in b"a\0b\x001\n\xff" {
            q.push(&mut out, *c).unwrap();
        }
        q.finish(&mut out).unwrap();
        assert_eq!(out.as_str(), "a\\0b\\0001\\n\\377");
    }
}
