//! Writing to a file descriptor from a signal handler: the other half of
//! [`crate::fmt::FixedBuf`].
//!
//! `std`'s `File`, `eprintln!` and `Stderr` lock, may allocate and set `errno`: none of
//! that may happen in a SIGSYS handler. [`write_all`] makes raw `write` calls from the
//! gate's own exit (so a gate-prefixed filter or SUD never traps them, and a filter
//! composed with [`crate::filter::compose`] never denies them), goes on after a short
//! write, retries on `EINTR`, and never touches `errno`. [`Fd`] is the same as a
//! [`core::fmt::Write`] sink.
//!
//! # Examples
//!
//! Format into a stack buffer, then write it whole:
//!
//! ```
//! use core::fmt::Write;
//! use sigsys::{fmt::FixedBuf, io};
//! let mut storage = [0u8; 128];
//! let mut line = FixedBuf::new(&mut storage);
//! let _ = write!(line, "trapped {} calls\n", 3);
//! io::write_all(2, line.as_bytes()).unwrap();
//! ```

use core::fmt;

use syscalls::Errno;

use crate::arch::Native as Sysno;
use crate::gate;

/// Writes all of `bytes` to `fd`: one `write` after another until every byte is written,
/// retrying on `EINTR`. Async-signal-safe, allocation-free, `errno` untouched.
///
/// # Errors
///
/// The first error other than `EINTR` (`EBADF`, `EPIPE`, `EAGAIN` on a non-blocking
/// descriptor, ...), or `EIO` when `write` returns 0 for a non-empty buffer. Bytes written
/// before the error stay written.
///
/// # Examples
///
/// ```
/// let mut fds = [0; 2];
/// assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
/// sigsys::io::write_all(fds[1], b"through the gate").unwrap();
/// let mut buf = [0u8; 32];
/// let n = unsafe { libc::read(fds[0], buf.as_mut_ptr().cast(), buf.len()) };
/// assert_eq!(&buf[..n as usize], b"through the gate");
/// assert_eq!(sigsys::io::write_all(-1, b"x"), Err(sigsys::Errno::EBADF));
/// ```
pub fn write_all(fd: i32, bytes: &[u8]) -> Result<(), Errno> {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: write reads `rest`, a live slice of that length; the kernel writes no
        // memory of ours.
        let ret = unsafe {
            gate::sys(
                Sysno::write,
                [fd as u64, rest.as_ptr() as u64, rest.len() as u64, 0, 0, 0],
            )
        };
        match ret {
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => rest = rest.get(n as usize..).unwrap_or_default(),
        }
    }
    Ok(())
}

/// A file descriptor as an unbuffered [`core::fmt::Write`] sink: each `write_str` is a
/// [`write_all`]. For one `write` per line, format into a [`crate::fmt::FixedBuf`] first
/// and [`write_all`] its bytes. A failed write is `fmt::Error`; [`write_all`] says which
/// errno.
///
/// # Examples
///
/// ```
/// use core::fmt::Write;
/// let mut err = sigsys::io::Fd(2);
/// writeln!(err, "from a handler: {}", "no locks, no allocation").unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fd(pub i32);

impl Fd {
    /// Standard error (descriptor 2).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sigsys::io::Fd::STDERR.0, 2);
    /// ```
    pub const STDERR: Fd = Fd(2);
}

impl fmt::Write for Fd {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_all(self.0, s.as_bytes()).map_err(|_| fmt::Error)
    }
}
