//! Descriptors as strace's `-y` and `-yy` print them: `3</etc/passwd>`,
//! `4<TCP:[127.0.0.1:80->127.0.0.1:5000]>`, `5</dev/null<char 1:3>>`, `6<pid:42>`.
//!
//! Everything is read from `/proc/self` with calls from the gate, so it is right only in
//! the process that made the call (a SIGSYS handler's). The order is strace's
//! (`printfd_pid`): with details on, a socket, then a character or block device, then a
//! pidfd; anything else (and everything with paths only) is the link's text.

use core::fmt::{self, Write};

use crate::arch::Native;
use crate::text::{emit, Oct};

use super::{FdDetails, Options};

/// Room for what `/proc/self/fd/N` links to (longer links print the number alone).
const LINK_MAX: usize = 1024;

/// Whether descriptors print with anything after their number.
pub(super) fn decorated(opts: &Options) -> bool {
    opts.fd_paths || !opts.fd_details.is_empty()
}

/// `AT_FDCWD`, with the working directory when paths are on (`AT_FDCWD</home>`).
pub(super) fn write_at_fdcwd<W: Write + ?Sized>(out: &mut W, opts: &Options) -> fmt::Result {
    out.write_str("AT_FDCWD")?;
    if opts.fd_paths {
        let mut link = [0u8; LINK_MAX];
        if let Some(n) = read_link(b"/proc/self/cwd\0", &mut link) {
            write_path(out, link.get(..n).unwrap_or(&[]))?;
        }
    }
    Ok(())
}

/// A descriptor: the number, then (per `opts`) what it is. Only the number for negative
/// numbers and when `/proc/self/fd/N` cannot be read (or links to more than 1 KiB).
pub(super) fn write_fd<W: Write + ?Sized>(out: &mut W, fd: i64, opts: &Options) -> fmt::Result {
    emit!(out, fd)?;
    if !decorated(opts) {
        return Ok(());
    }
    match i32::try_from(fd) {
        Ok(fd) => write_what(out, fd, opts),
        Err(_) => Ok(()),
    }
}

/// What descriptor `fd` is, after its number. Out of line: its buffers (the link, and the
/// device's and the socket's) are on the stack only when descriptors are decorated.
#[inline(never)]
fn write_what<W: Write + ?Sized>(out: &mut W, fd: i32, opts: &Options) -> fmt::Result {
    let Some(name) = ProcName::new(b"/proc/self/fd/", fd) else {
        return Ok(());
    };
    let mut link = [0u8; LINK_MAX];
    let Some(n) = read_link(name.as_bytes(), &mut link) else {
        return Ok(());
    };
    let text = link.get(..n).unwrap_or(&[]);
    let details = opts.fd_details;
    if details.contains(FdDetails::SOCKET) {
        if let Some(ino) = socket_inode(text) {
            return super::sockdiag::write_socket(out, &name, ino, text, opts);
        }
    }
    if details.contains(FdDetails::DEV) && write_device(out, text)? {
        return Ok(());
    }
    if details.contains(FdDetails::PIDFD) && write_pidfd(out, fd, text)? {
        return Ok(());
    }
    if opts.fd_paths {
        write_path(out, text)?;
    }
    Ok(())
}

/// A NUL-terminated `/proc/self/...` name of a descriptor: a prefix and its number.
pub(super) struct ProcName {
    bytes: [u8; 32],
    len: usize,
}

impl ProcName {
    /// `prefix` then `fd`'s digits and a NUL; `None` if it does not fit or `fd` < 0.
    fn new(prefix: &[u8], fd: i32) -> Option<ProcName> {
        let mut digits = [0u8; 10];
        let mut n = u32::try_from(fd).ok()?;
        let mut count = 0usize;
        loop {
            *digits.get_mut(count)? = b'0'.wrapping_add((n % 10) as u8);
            count = count.wrapping_add(1);
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let mut name = ProcName {
            bytes: [0; 32],
            len: 0,
        };
        for &b in prefix.iter().chain(digits.iter().take(count).rev()) {
            *name.bytes.get_mut(name.len)? = b;
            name.len = name.len.wrapping_add(1);
        }
        // The NUL: the byte after the name, zero already, must exist.
        name.bytes.get(name.len)?;
        Some(name)
    }

    /// The name with its NUL.
    pub(super) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..=self.len).unwrap_or(&[])
    }
}

/// What the NUL-terminated `/proc` name links to, into `link`: its length, `None` if it
/// cannot be read or fills `link` (it may be longer).
fn read_link(name: &[u8], link: &mut [u8]) -> Option<usize> {
    if name.last() != Some(&0) {
        return None;
    }
    // SAFETY: readlinkat reads the NUL-terminated name (its last byte is 0, checked
    // above) and writes at most `link.len()` bytes into `link`; nothing else.
    let r = unsafe {
        crate::gate::sys(
            Native::readlinkat,
            [
                libc::AT_FDCWD as i64 as u64,
                name.as_ptr() as u64,
                link.as_mut_ptr() as u64,
                link.len() as u64,
                0,
                0,
            ],
        )
    };
    let n = usize::try_from(r.ok()?).ok()?;
    (n < link.len()).then_some(n)
}

/// The inode of a `socket:[N]` link.
fn socket_inode(link: &[u8]) -> Option<u32> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    parse_dec(digits).filter(|&n| n != 0)
}

/// A decimal `u32` made of `digits` only (at least one).
pub(super) fn parse_dec(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u32, |n, &c| {
        let d = c.checked_sub(b'0').filter(|&d| d < 10)?;
        n.checked_mul(10)?.checked_add(u32::from(d))
    })
}

/// `<the link>` with strace's escaping (`<` and `>` in octal) and `(deleted)` after it for
/// a file that is gone.
pub(super) fn write_path<W: Write + ?Sized>(out: &mut W, link: &[u8]) -> fmt::Result {
    let (path, deleted) = split_deleted(link);
    out.write_char('<')?;
    write_escaped_path(out, path)?;
    out.write_char('>')?;
    if deleted {
        out.write_str("(deleted)")?;
    }
    Ok(())
}

/// The link without its ` (deleted)` suffix, and whether it had one.
fn split_deleted(link: &[u8]) -> (&[u8], bool) {
    match link.strip_suffix(b" (deleted)") {
        Some(path) => (path, true),
        None => (link, false),
    }
}

/// A path as strace prints it in angle brackets: escaped, with `<` and `>` in octal.
fn write_escaped_path<W: Write + ?Sized>(out: &mut W, path: &[u8]) -> fmt::Result {
    for (i, &c) in path.iter().enumerate() {
        let next = path.get(i.wrapping_add(1)).copied();
        match c {
            b'<' | b'>' => {
                let three = matches!(next, Some(b'0'..=b'7'));
                emit!(out, "\\", Oct(u64::from(c), if three { 3 } else { 0 }))?;
            }
            _ => super::strings::write_escaped(out, c, next)?,
        }
    }
    Ok(())
}

/// `-yy` for a character or block device: `</dev/null<char 1:3>>`, from a `stat` of the
/// path the descriptor links to, as strace does. Whether it was one (and written).
#[inline(never)]
fn write_device<W: Write + ?Sized>(out: &mut W, link: &[u8]) -> Result<bool, fmt::Error> {
    let (path, _) = split_deleted(link);
    if path.first() != Some(&b'/') {
        return Ok(false);
    }
    let mut name = [0u8; LINK_MAX];
    // Shorter than `name`, so the NUL after it is there.
    let Some(slot) = name.get_mut(..path.len()).filter(|_| path.len() < LINK_MAX) else {
        return Ok(false);
    };
    slot.copy_from_slice(path);
    // `struct statx`: 256 bytes, the same on every architecture.
    let mut stx = [0u64; 32];
    const STATX_TYPE: u64 = 1;
    // SAFETY: statx reads the NUL-terminated name (`name` is zeroed past `path`, and
    // `path` is shorter than it) and writes one 256-byte `struct statx` into `stx`.
    let r = unsafe {
        crate::gate::sys(
            Native::statx,
            [
                libc::AT_FDCWD as i64 as u64,
                name.as_ptr() as u64,
                0,
                STATX_TYPE,
                stx.as_mut_ptr() as u64,
                0,
            ],
        )
    };
    if r.is_err() {
        return Ok(false);
    }
    let word = |i: usize| stx.get(i).copied().unwrap_or(0).to_ne_bytes();
    // stx_mode: the u16 at byte 28; stx_rdev_major and _minor: the u32s at 128 and 132.
    let [.., m0, m1, _, _] = word(3);
    let mode = u32::from(u16::from_ne_bytes([m0, m1]));
    let [a0, a1, a2, a3, b0, b1, b2, b3] = word(16);
    let (major, minor) = (
        u32::from_ne_bytes([a0, a1, a2, a3]),
        u32::from_ne_bytes([b0, b1, b2, b3]),
    );
    let kind = match mode & libc::S_IFMT {
        libc::S_IFCHR => "char",
        libc::S_IFBLK => "block",
        _ => return Ok(false),
    };
    out.write_char('<')?;
    write_escaped_path(out, path)?;
    emit!(out, "<", kind, " ", major, ":", minor, ">>")?;
    Ok(true)
}

/// `-yy` for a pidfd: `<pid:42>`, the `Pid:` line of `/proc/self/fdinfo/N`; the link
/// (`<anon_inode:[pidfd]>`) if the process is gone. Whether it was one (and written).
#[inline(never)]
fn write_pidfd<W: Write + ?Sized>(out: &mut W, fd: i32, link: &[u8]) -> Result<bool, fmt::Error> {
    if link != b"anon_inode:[pidfd]" {
        return Ok(false);
    }
    match ProcName::new(b"/proc/self/fdinfo/", fd).and_then(|n| fdinfo_pid(&n)) {
        Some(pid) => emit!(out, "<pid:", pid, ">")?,
        None => write_path(out, link)?,
    }
    Ok(true)
}

/// The positive `Pid:` of a pidfd's fdinfo file.
fn fdinfo_pid(name: &ProcName) -> Option<u32> {
    let mut text = [0u8; 512];
    let n = read_small_file(name.as_bytes(), &mut text)?;
    let text = text.get(..n)?;
    let mut lines = text.split(|&c| c == b'\n');
    let digits = lines.find_map(|l| l.strip_prefix(b"Pid:\t"))?;
    parse_dec(digits).filter(|&p| p > 0 && p <= i32::MAX as u32)
}

/// Up to `buf.len()` bytes of a small NUL-named file, read from the gate with one `read`
/// (a `/proc` file's text is made at once); the count.
fn read_small_file(name: &[u8], buf: &mut [u8]) -> Option<usize> {
    if name.last() != Some(&0) {
        return None;
    }
    let flags = (libc::O_RDONLY | libc::O_CLOEXEC) as u64;
    // SAFETY: openat reads the NUL-terminated name (checked above); a new descriptor of
    // this function's own, closed below.
    let fd = unsafe {
        crate::gate::sys(
            Native::openat,
            [
                libc::AT_FDCWD as i64 as u64,
                name.as_ptr() as u64,
                flags,
                0,
                0,
                0,
            ],
        )
    }
    .ok()?;
    // SAFETY: read writes at most `buf.len()` bytes into `buf`, from the descriptor this
    // function opened.
    let r = unsafe {
        crate::gate::sys(
            Native::read,
            [fd, buf.as_mut_ptr() as u64, buf.len() as u64, 0, 0, 0],
        )
    };
    // SAFETY: closes the descriptor this function opened, nothing else.
    let _ = unsafe { crate::gate::sys(Native::close, [fd, 0, 0, 0, 0, 0]) };
    usize::try_from(r.ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links_give_their_inode() {
        assert_eq!(socket_inode(b"socket:[4416690]"), Some(4416690));
        assert_eq!(socket_inode(b"socket:[]"), None);
        assert_eq!(socket_inode(b"socket:[0]"), None);
        assert_eq!(socket_inode(b"socket:[12a]"), None);
        assert_eq!(socket_inode(b"socket:[99999999999]"), None);
        assert_eq!(socket_inode(b"/tmp/socket:[1]"), None);
    }

    #[test]
    fn proc_names_end_in_nul() {
        let n = ProcName::new(b"/proc/self/fd/", 2147483647).unwrap();
        assert_eq!(n.as_bytes(), b"/proc/self/fd/2147483647\0");
        assert!(ProcName::new(b"/proc/self/fd/", -1).is_none());
        assert!(ProcName::new(b"/proc/self/fdinfo/0123456789", 1).is_some());
        assert!(ProcName::new(b"/proc/self/fdinfo/01234567890123", 1).is_none());
    }
}
