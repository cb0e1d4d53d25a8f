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
    let len = LAUNCHER.1.load(Ordering::Acquire);
    (len != 0).then(|| (LAUNCHER.0.get().cast_const().cast::<u8>(), len))
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
        for _ in 0..tries {
            // SAFETY: the caller's contract; `msg` itself is a live reference.
            let r = unsafe {
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
            if r == -(libc::EINTR as i64) || r == -(libc::EAGAIN as i64) {
                continue;
            }
            return r == want as i64;
        }
        false
    })
    .unwrap_or(false)
}
