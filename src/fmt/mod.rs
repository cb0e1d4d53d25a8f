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
//! # Layout
//!
//! One room per topic: `call.rs` (the entry points and the layout of one call, which
//! follows the call's rule from [`crate::args`] and prints each argument from its typed
//! [`crate::args::Arg`]), `before.rs` ([`Before`]), `result.rs` (decoded results),
//! `scalars.rs` (numbers with a meaning, errno texts), `strings.rs`, `structs.rs` (one
//! writer per struct kind, the larger families in `process.rs`, `sockopt.rs` and `tty.rs`),
//! `sockaddr.rs`, `signals.rs`, `time.rs`, `xlat.rs` (strace's value tables, generated),
//! and `read.rs` (reading the traced memory). The
//! writer primitives ([`FixedBuf`], the panic-free number output) are in `src/text.rs`, the
//! leaf every module of the layer builds on.
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
//! it writes through [`core::fmt::Write::write_str`] only, and a fat-LTO link probe of
//! [`write_call`]/[`write_line`] with [`crate::mem::SelfMemory`] finds no panic path. On
//! the deepest route `tests/stack_budget.rs` measures, a SIGSYS handler that decodes,
//! passes the call through and formats it into a 512-byte stack buffer uses about 1.5 KiB
//! of stack in release builds and 11 KiB unoptimised, plus the kernel's signal frame
//! (about 2.9 KiB with its xsave area). The sizes to give the alternate stack are in the
//! crate's "Stack budget" section (16 KiB release, 64 KiB debug,
//! [`crate::install::use_altstack`]); on Rust's own small signal stack a debug build of a
//! formatting handler dies of a silent SIGSEGV.
//!
//! Dates of file times (`utimensat`, `utimes`) are printed in UTC, as strace does with
//! `TZ=UTC`.

use syscalls::x86_64::Sysno;

use crate::abi::Abi;
use crate::args::{Dir, Len};
use crate::mem::Memory;
use crate::syscall::Syscall;

use self::read::read_u32;

mod before;
mod call;
mod fds;
mod ifreq;
mod process;
mod read;
mod result;
mod scalars;
mod signals;
mod sockaddr;
mod sockdiag;
mod sockopt;
mod stat;
mod strings;
mod structs;
mod time;
mod tty;
mod xlat;

pub use self::before::Before;
pub use self::call::{
    write_call, write_call_done, write_call_done_with, write_call_result_with, write_line,
    write_line_with, write_result,
};
pub use crate::text::FixedBuf;

/// Writes a 64-signal set as strace does: `[USR1 CHLD]`, or `~[...]` of the missing ones
/// when more than half are set (`~[KILL STOP]`).
///
/// # Errors
///
/// Those of `out`.
///
/// # Examples
///
/// ```
/// let mut buf = [0u8; 32];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// sigsys::fmt::write_sigset(&mut out, 1 << (libc::SIGCHLD - 1)).unwrap();
/// assert_eq!(out.as_str(), "[CHLD]");
/// ```
pub fn write_sigset<W: core::fmt::Write + ?Sized>(out: &mut W, set: u64) -> core::fmt::Result {
    signals::write_sigset(out, set, 64)
}

/// Writes a `siginfo_t` (the kernel's 128-byte 64-bit layout) as strace prints it in a
/// signal line or a `waitid` result: `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42,
/// si_uid=0, si_status=0, si_utime=0, si_stime=0}`.
///
/// Async-signal-safe; reads nothing but `info`.
///
/// # Errors
///
/// Those of `out`.
///
/// # Examples
///
/// ```
/// let mut info = [0u8; 128];
/// info[0..4].copy_from_slice(&libc::SIGUSR1.to_ne_bytes()); // si_signo
/// info[8..12].copy_from_slice(&(-6i32).to_ne_bytes()); // si_code = SI_TKILL
/// info[16..20].copy_from_slice(&42i32.to_ne_bytes()); // si_pid
/// let mut buf = [0u8; 128];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// sigsys::fmt::write_siginfo(&mut out, &info).unwrap();
/// assert_eq!(out.as_str(), "{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=42, si_uid=0}");
/// ```
pub fn write_siginfo<W: core::fmt::Write + ?Sized>(
    out: &mut W,
    info: &[u8; 128],
) -> core::fmt::Result {
    signals::write_siginfo_bytes(out, info)
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
    /// Bytes of a path name read with its NUL (default 4096, `PATH_MAX`: strace prints
    /// paths whole, up to 4095 bytes and then `...`).
    pub path_limit: usize,
    /// Every field of the structs strace abbreviates with `...` (strace's `-v`).
    pub verbose: bool,
    /// Descriptors with what they are (`3</etc/passwd>`, strace's `-y`): read from
    /// `/proc/self/fd` with one `readlinkat` from the gate per descriptor, so only right
    /// when formatting in the process that made the call.
    pub fd_paths: bool,
    /// Sockets, devices and pidfds in detail (strace's `-yy`, `--decode-fds=socket,dev,pidfd`;
    /// with [`fd_paths`](Options::fd_paths) for the others): `3<TCP:[127.0.0.1:80->127.0.0.1:5000]>`,
    /// `4<UNIX-STREAM:[1234->1235]>`, `5</dev/null<char 1:3>>`, `6<pid:42>`. A socket's
    /// addresses come from the kernel's `sock_diag` netlink: a netlink socket of the
    /// process's own for the time of the query, and a conversation from the gate per
    /// socket not yet seen (what is found is kept by inode, as strace keeps it); about
    /// 6 KiB more of the handler's stack while it asks.
    pub fd_details: FdDetails,
    /// Strings and buffers in `\x` hex: never (the default), when they hold a byte that
    /// is neither printable ASCII nor whitespace (strace's `-x`), or always (`-xx`).
    pub hex_strings: HexStrings,
}

bitflags::bitflags! {
    /// Which descriptors [`Options::fd_details`] shows in detail: strace's
    /// `--decode-fds=socket,dev,pidfd` (`-yy` is all of them, and paths).
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::fmt::{FdDetails, Options};
    /// let yy = Options { fd_paths: true, fd_details: FdDetails::all(), ..Options::DEFAULT };
    /// assert!(yy.fd_details.contains(FdDetails::SOCKET | FdDetails::DEV | FdDetails::PIDFD));
    /// ```
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct FdDetails: u8 {
        /// Sockets by what the kernel's `sock_diag` says of them (`TCP:[a:1->b:2]`).
        const SOCKET = 1;
        /// Character and block devices with their numbers (`</dev/null<char 1:3>>`).
        const DEV = 2;
        /// Pidfds with their process (`<pid:42>`).
        const PIDFD = 4;
    }
}

/// When strings are printed in hex ([`Options::hex_strings`]).
///
/// # Examples
///
/// ```
/// use sigsys::fmt::{HexStrings, Options};
/// let opts = Options { hex_strings: HexStrings::NonAscii, ..Options::DEFAULT };
/// assert_ne!(opts, Options::DEFAULT);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HexStrings {
    /// Escaped text (`"a\nb\377"`), as strace without `-x`.
    #[default]
    Never,
    /// The whole string in hex if any byte is not printable ASCII or whitespace (`-x`).
    NonAscii,
    /// Every string in hex (`-xx`).
    All,
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
        verbose: false,
        fd_paths: false,
        fd_details: FdDetails::empty(),
        hex_strings: HexStrings::Never,
    };
}

impl Default for Options {
    fn default() -> Options {
        Options::DEFAULT
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
    /// The x86_64 meaning of the call, if it has one.
    sysno: Option<Sysno>,
    /// Value-result arguments as they were before the call.
    before: &'a Before,
}

impl<M: Memory + ?Sized> Ctx<'_, M> {
    fn raw(&self, i: u8) -> u64 {
        self.raw.get(usize::from(i)).copied().unwrap_or(0)
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
            Dir::OutOnError => matches!(self.ret, Some(r) if (-4095..=-1).contains(&r)),
        }
    }

    /// 32-bit pointers and `long`s inside structs (i386 and x32 callers).
    fn compat(&self) -> bool {
        self.abi.is_compat()
    }

    /// The i386 ABI (32-bit `long` everywhere, unlike x32's 64-bit kernel structs).
    fn compat32(&self) -> bool {
        self.abi.is_ilp32()
    }

    fn ret_len(&self) -> u64 {
        match self.ret {
            Some(r) if r > 0 => r as u64,
            _ => 0,
        }
    }

    /// The length or count `len` says, given `from_arg`, the value of its argument as the
    /// typed view resolved it (`Len::Arg`); the others are known only now (behind a
    /// pointer, or the result).
    fn length(&self, len: Len, from_arg: u64) -> u64 {
        match len {
            Len::Fixed => 0,
            Len::Arg(_) => from_arg,
            Len::ArgPtr(n) => read_u32(self.mem, self.raw(n)).map_or(0, u64::from),
            Len::Ret => self.ret_len(),
        }
    }
}

/// Whether `call` passes 32-bit time structs: i386 calls, except the `*_time64` ones
/// (which the i386 map renames to their x86_64 names).
fn time32(call: &Syscall) -> bool {
    call.abi.is_ilp32()
        && match (call.name(), call.canonical()) {
            (Some(name), Some(c)) => !(name.ends_with("64") && name != c.name()),
            _ => true,
        }
}

// x86_64 numbers and ABIs.
#[cfg(all(test, target_arch = "x86_64"))]
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
    fn errno_texts_are_straces() {
        let call = Syscall::new(Abi::X86_64, 16, [1, 0x5401, 0, 0, 0, 0]);
        for (ret, want) in [
            (-515, " = -1 ENOIOCTLCMD (Unknown error 515)"),
            (-530, " = -1 ERECALLCONFLICT (Unknown error 530)"),
            (-600, " = -1 (errno 600)"),
            (-519, " = -1 (errno 519)"),
            (
                -512,
                " = ? ERESTARTSYS (To be restarted if SA_RESTART is set)",
            ),
            (-41, " = -1 (errno 41)"),
        ] {
            let mut s = [0u8; 128];
            let mut out = FixedBuf::new(&mut s);
            write_result(&mut out, &call, ret, &NoMemory, &Options::DEFAULT).unwrap();
            assert_eq!(out.as_str(), want, "{ret}");
        }
    }
}
