//! The datagrams to the launcher, each one `sendmsg` on a socket made for it with the
//! run's token in front: an image's memfd (`M`, [`crate::shm`]), a full ring's request to
//! be read now (no line), and the lines of a thread without a ring. Lines otherwise go
//! through the rings ([`crate::batch`]), which need no descriptor.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use syscalls::x86_64::Sysno;

use crate::shm;

use crate::sys::{self, sys};

/// Bytes of the run's token that start every datagram (`protocol::Header::token`).
pub const TOKEN_LEN: usize = 8;

/// The run's token (see `protocol.rs`), set once before the program runs.
static TOKEN: AtomicU64 = AtomicU64::new(0);

/// Records the run's token.
pub fn set_token(token: u64) {
    TOKEN.store(token, Ordering::Relaxed);
}

pub fn token_ptr() -> *mut libc::c_void {
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

pub fn launcher() -> Option<(*const u8, u32)> {
    LAUNCHER.get()
}

/// The launcher's second socket, by path in the run directory (`protocol::SOCK_FILE`):
/// reachable from a network namespace of the program's own, where the abstract name is
/// not. Set once before the program runs, if the path fits a socket address.
static LAUNCHER_PATH: LauncherAddr =
    LauncherAddr(core::cell::UnsafeCell::new([0; 110]), AtomicU32::new(0));

impl LauncherAddr {
    fn get(&self) -> Option<(*const u8, u32)> {
        let len = self.1.load(Ordering::Acquire);
        (len != 0).then(|| (self.0.get().cast_const().cast::<u8>(), len))
    }
}

/// Records the run directory `dir` (absolute), for the launcher's socket by path.
///
/// # Safety
///
/// Only before the program runs (one thread, no handler).
pub unsafe fn set_launcher_dir(dir: &[u8]) {
    let file = crate::protocol::SOCK_FILE.as_bytes();
    // sun_path holds 108 bytes, a NUL included.
    let total = dir.len() + 1 + file.len();
    if !dir.starts_with(b"/") || total >= 108 {
        return;
    }
    // SAFETY: the caller's guarantee.
    let a = unsafe { &mut *LAUNCHER_PATH.0.get() };
    a.fill(0);
    a[0] = libc::AF_UNIX as u8;
    a[2..2 + dir.len()].copy_from_slice(dir);
    a[2 + dir.len()] = b'/';
    a[3 + dir.len()..2 + total].copy_from_slice(file);
    LAUNCHER_PATH.1.store((2 + total) as u32, Ordering::Release);
}

/// Runs `f` with a datagram socket made for it and closed afterwards: the program never
/// has a descriptor of the tracer's open (it cannot see one in `/proc/self/fd`, reach it
/// with `close_range` or a `poll` over its descriptors, or be given its number).
pub fn with_socket<R>(f: impl FnOnce(i32) -> R) -> Option<R> {
    // SAFETY: numbers only.
    let fd = unsafe {
        sys(
            Sysno::socket,
            [
                libc::AF_UNIX as u64,
                (libc::SOCK_DGRAM | libc::SOCK_CLOEXEC) as u64,
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
    let r = f(fd as i32);
    sys::close(fd);
    Some(r)
}

/// Sends `bytes` (whole lines, or none: a request to read the rings now) as one datagram;
/// returns whether it was sent. No SIGPIPE, ever: a launcher that went away costs the
/// lines, not the program.
pub fn try_send(bytes: &[u8]) -> bool {
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
    // SAFETY: `msg` points at the launcher's address and the two iovecs above, live for
    // the call.
    unsafe { send_msg(&msg, TOKEN_LEN + bytes.len(), 1000) }
}

/// Sends `bytes` (whole lines); lines that cannot be delivered are counted in the image's
/// memfd header ([`shm::count_lost`]), which the launcher reports at the end.
pub fn send_bytes(bytes: &[u8]) {
    if !bytes.is_empty() && !try_send(bytes) {
        shm::count_lost(lines_in(bytes));
    }
}

/// Lines in `bytes`, a cut last one included.
pub fn lines_in(bytes: &[u8]) -> u32 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count();
    let cut = u32::from(bytes.last().is_some_and(|&b| b != b'\n'));
    (n as u32).saturating_add(cut)
}

/// Sends `msg` on a socket made for it, retrying (at most `tries` times) while the kernel
/// answers `EINTR` or `EAGAIN`; whether all `want` bytes were sent.
///
/// # Safety
///
/// The address, iovecs and control data `msg` points at are live, of the lengths it
/// gives (the kernel only reads them).
pub unsafe fn send_msg(msg: &libc::msghdr, want: usize, tries: u32) -> bool {
    with_socket(|fd| {
        // SAFETY: the caller's contract.
        let r = unsafe { send_on(fd, msg, tries) };
        if r != -(libc::ECONNREFUSED as i64) {
            return r == want as i64;
        }
        // No such abstract name here: another network namespace. The same to the path.
        let Some((addr, len)) = LAUNCHER_PATH.get() else {
            return false;
        };
        let mut by_path = *msg;
        by_path.msg_name = addr.cast_mut().cast();
        by_path.msg_namelen = len;
        // SAFETY: as above, with the path's address, live in a static.
        unsafe { send_on(fd, &by_path, tries) == want as i64 }
    })
    .unwrap_or(false)
}

/// `sendmsg(fd, msg)`, retried (at most `tries` times) while the kernel answers `EINTR`
/// or `EAGAIN`; the last answer.
///
/// # Safety
///
/// As [`send_msg`].
unsafe fn send_on(fd: i32, msg: &libc::msghdr, tries: u32) -> i64 {
    let mut r = -(libc::EAGAIN as i64);
    for _ in 0..tries {
        // SAFETY: the caller's contract; `msg` itself is a live reference.
        r = unsafe {
            sys(
                Sysno::sendmsg,
                [
                    fd as u64,
                    core::ptr::from_ref(msg) as u64,
                    libc::MSG_NOSIGNAL as u64,
                    0,
                    0,
                    0,
                ],
            )
        };
        if r != -(libc::EINTR as i64) && r != -(libc::EAGAIN as i64) {
            break;
        }
    }
    r
}
