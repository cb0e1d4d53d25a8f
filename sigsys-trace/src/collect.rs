//! Collecting the images' lines: one datagram socket the images send to (each send from a
//! socket made for it and closed at once, so the program never holds a descriptor of the
//! tracer's), the images' batch memfds (the lines of tasks that died before sending them),
//! and a pidfd for every process, so that the run ends when the last of them has.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::FileExt;

use crate::protocol;

/// Receives lines and knows which processes are still running.
pub struct Collector {
    sock: OwnedFd,
    /// Batch memfds, by the process that made them.
    batches: Vec<(i32, File)>,
    /// Every process seen: its pidfd while it runs (None once it has ended).
    procs: HashMap<i32, Option<OwnedFd>>,
    buf: Vec<u8>,
    /// Processes found already gone when first seen, not yet reported by `ended`.
    gone: Vec<i32>,
    /// The run's token, which starts every datagram of the traced processes.
    token: u64,
    /// Datagrams ignored: without the run's token (not from the traced program).
    pub foreign: u64,
    /// The process of the last line (`watch`ed already): a batch is one thread's lines.
    last_pid: i32,
}

/// What a received message is for the launcher.
pub enum Message<'a> {
    /// A line for the printer (`PID TID KIND TEXT`).
    Line(&'a [u8]),
}

impl Collector {
    /// Binds the abstract datagram socket `\0name`.
    pub fn bind(name: &str) -> io::Result<Collector> {
        // SAFETY: plain socket calls on a zeroed sockaddr_un.
        let sock = unsafe {
            let fd = libc::socket(
                libc::AF_UNIX,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
                0,
            );
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            let owned = OwnedFd::from_raw_fd(fd);
            let mut addr: libc::sockaddr_un = std::mem::zeroed();
            addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (d, s) in addr.sun_path.iter_mut().skip(1).zip(name.bytes()) {
                *d = s as libc::c_char;
            }
            let len = std::mem::size_of::<libc::sa_family_t>() + 1 + name.len();
            if libc::bind(fd, (&raw const addr).cast(), len as libc::socklen_t) != 0 {
                return Err(io::Error::last_os_error());
            }
            // Room for bursts (root may exceed rmem_max).
            let size: libc::c_int = 8 << 20;
            for opt in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
                if libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    opt,
                    (&raw const size).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                ) == 0
                {
                    break;
                }
            }
            owned
        };
        Ok(Collector {
            sock,
            batches: Vec::new(),
            procs: HashMap::new(),
            buf: vec![0u8; 1 << 17],
            gone: Vec::new(),
            token: 0,
            foreign: 0,
            last_pid: 0,
        })
    }

    /// Datagrams without `token` at their start are ignored from now on.
    pub fn set_token(&mut self, token: u64) {
        self.token = token;
    }

    /// Waits up to `timeout_ms` for a datagram or a process to end.
    pub fn wait(&self, timeout_ms: i32) {
        let mut fds: Vec<libc::pollfd> = std::iter::once(self.sock.as_raw_fd())
            .chain(self.procs.values().flatten().map(AsRawFd::as_raw_fd))
            .map(|fd| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        // SAFETY: a live array of pollfd.
        unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    }

    /// Waits up to `timeout_ms` for a process to end (datagrams are left to accumulate).
    pub fn wait_for_ends(&self, timeout_ms: i32) {
        let mut fds: Vec<libc::pollfd> = self
            .procs
            .values()
            .flatten()
            .map(|fd| libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        // SAFETY: a live array of pollfd (empty: a plain sleep).
        unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    }

    /// Takes every datagram waiting and hands its lines to `f`; returns how many
    /// datagrams there were.
    pub fn drain(&mut self, mut f: impl FnMut(Message<'_>)) -> usize {
        let mut n = 0;
        loop {
            let mut fds = Vec::new();
            let len = match self.recv(&mut fds) {
                Ok(len) => len,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            n += 1;
            let data = std::mem::take(&mut self.buf);
            let token = self.token.to_ne_bytes();
            let Some(body) = data[..len].strip_prefix(&token[..]) else {
                self.foreign += 1;
                self.buf = data;
                continue;
            };
            for line in lines(body) {
                let (pid, kind, rest) = header(line);
                match pid {
                    // `watch` again would find it followed (or not ours) again.
                    Some(pid) if pid == self.last_pid => {}
                    Some(pid) => {
                        self.watch(pid);
                        self.last_pid = pid;
                    }
                    None => {}
                }
                match kind {
                    Some(b'M') => {
                        for fd in fds.drain(..) {
                            self.batches.push((pid.unwrap_or(0), File::from(fd)));
                        }
                    }
                    Some(b'F') => {
                        if let Some(child) = std::str::from_utf8(rest)
                            .ok()
                            .and_then(|r| r.trim().parse().ok())
                        {
                            self.watch(child);
                        }
                    }
                    _ => f(Message::Line(line)),
                }
            }
            self.buf = data;
        }
        n
    }

    fn recv(&mut self, fds: &mut Vec<OwnedFd>) -> io::Result<usize> {
        let mut iov = libc::iovec {
            iov_base: self.buf.as_mut_ptr().cast(),
            iov_len: self.buf.len(),
        };
        let mut cbuf = [0u64; 16];
        // SAFETY: msghdr is plain data; zero is valid.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&cbuf);
        // SAFETY: a live msghdr with live buffers.
        let r = unsafe {
            libc::recvmsg(
                self.sock.as_raw_fd(),
                &mut msg,
                libc::MSG_CMSG_CLOEXEC | libc::MSG_DONTWAIT,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: walking the control messages the kernel wrote, with libc's macros.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                    let data = libc::CMSG_DATA(c).cast::<i32>();
                    let n = ((*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / 4;
                    for i in 0..n {
                        fds.push(OwnedFd::from_raw_fd(data.add(i).read_unaligned()));
                    }
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        Ok(r as usize)
    }

    /// Follows process `pid` (a pidfd) from now on, if it is not followed yet.
    pub fn watch(&mut self, pid: i32) {
        if pid <= 0 || self.procs.contains_key(&pid) {
            return;
        }
        if started_before_us(pid) {
            // Not one of ours: a pid a process in a pid namespace of its own reported (its
            // namespace's 1 is this namespace's init, say). Lines still arrive; only the
            // run's end does not wait for it.
            return;
        }
        // SAFETY: pidfd_open has no memory arguments.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        let fd = if fd >= 0 {
            // SAFETY: a new descriptor, ours.
            Some(unsafe { OwnedFd::from_raw_fd(fd as i32) })
        } else if matches!(
            io::Error::last_os_error().raw_os_error(),
            Some(libc::EINVAL | libc::ENOENT)
        ) {
            // Not a process but a thread id: nothing to follow. (Kernels before 6.9 answer
            // EINVAL, later ones ENOENT; a pid that is gone is ESRCH.)
            return;
        } else {
            self.gone.push(pid);
            None // already gone
        };
        self.procs.insert(pid, fd);
    }

    /// Forgets the pidfds of processes that have ended: whether any is still running, and
    /// those that ended since the last call.
    pub fn ended(&mut self) -> (bool, Vec<i32>) {
        let mut running = false;
        let mut ended = std::mem::take(&mut self.gone);
        for (&pid, fd) in self.procs.iter_mut() {
            let Some(f) = fd else { continue };
            let mut p = libc::pollfd {
                fd: f.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one live pollfd.
            let n = unsafe { libc::poll(&mut p, 1, 0) };
            if n > 0 {
                *fd = None;
                ended.push(pid);
            } else {
                running = true;
            }
        }
        (running, ended)
    }

    /// The lines left in the batches (of tasks that died, or were quiet when their
    /// process ended) whose thread is gone, or all of them with `all`; and the counts of
    /// lines the images could not deliver (with `all`).
    pub fn sweep(
        &mut self,
        all: bool,
        mut line: impl FnMut(&[u8]),
        mut lost: impl FnMut(i32, u64),
    ) {
        for (_, f) in &self.batches {
            let mut header = vec![0u8; protocol::BATCH_HEADER];
            if f.read_exact_at(&mut header, 0).is_err() {
                continue;
            }
            for i in 0..protocol::BATCH_SLOTS {
                let owner =
                    i32::from_ne_bytes(header[4 * i..4 * i + 4].try_into().unwrap_or([0; 4]));
                if owner == 0 || (!all && thread_alive(owner)) {
                    continue;
                }
                let at = (protocol::BATCH_HEADER + i * protocol::BATCH_SLOT_SIZE) as u64;
                // The length first: the slots of every thread that ever ended are looked at
                // in every sweep, and nearly all of them are empty.
                let mut len = [0u8; 4];
                if f.read_exact_at(&mut len, at).is_err() || len == [0; 4] {
                    continue;
                }
                let mut slot = vec![0u8; protocol::BATCH_SLOT_SIZE];
                if f.read_exact_at(&mut slot, at).is_err() {
                    continue;
                }
                let len = u32::from_ne_bytes([slot[0], slot[1], slot[2], slot[3]]) as usize;
                if len == 0 {
                    continue;
                }
                let data = &slot[16..(16 + len).min(slot.len())];
                for l in lines(data) {
                    line(l);
                }
                let _ = f.write_all_at(&0u32.to_ne_bytes(), at);
            }
            if all {
                let table =
                    &header[protocol::LOST_AT..protocol::LOST_AT + 8 * protocol::LOST_ENTRIES];
                for e in table.chunks(8) {
                    let pid = i32::from_ne_bytes([e[0], e[1], e[2], e[3]]);
                    let n = u32::from_ne_bytes([e[4], e[5], e[6], e[7]]);
                    if pid != 0 && n != 0 {
                        lost(pid, u64::from(n));
                    }
                }
            }
        }
    }
}

/// The non-empty lines of `data` (split at `\n`), found with the C library's `memchr`
/// (vectorised: every traced line passes here, and a closure-based split looks at one
/// byte at a time).
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        // SAFETY: memchr reads at most `rest.len()` bytes of `rest`, a live slice.
        let p = unsafe { libc::memchr(rest.as_ptr().cast(), i32::from(b'\n'), rest.len()) };
        let end = if p.is_null() {
            rest.len()
        } else {
            p as usize - rest.as_ptr() as usize
        };
        let (line, after) = rest.split_at(end);
        rest = after.get(1..).unwrap_or(&[]);
        if !line.is_empty() {
            return Some(line);
        }
    })
}

/// Whether process `pid` started before the launcher did (`/proc/PID/stat` start times,
/// in clock ticks since boot): then it cannot be part of the traced program.
fn started_before_us(pid: i32) -> bool {
    let start = |p: &str| -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(19)?
            .parse()
            .ok()
    };
    match (start(&pid.to_string()), start("self")) {
        (Some(theirs), Some(ours)) => theirs < ours,
        _ => false,
    }
}

/// Whether thread `tid` still exists.
fn thread_alive(tid: i32) -> bool {
    // SAFETY: signal 0 only checks.
    unsafe { libc::kill(tid, 0) == 0 || *libc::__errno_location() != libc::ESRCH }
}

/// The pid and kind of a line `PID TID KIND TEXT`, and its text.
fn header(line: &[u8]) -> (Option<i32>, Option<u8>, &[u8]) {
    let mut parts = line.splitn(4, |&b| b == b' ');
    let pid = parts.next().and_then(crate::printer::parse_i32);
    let _tid = parts.next();
    let kind = parts.next().and_then(|k| k.first().copied());
    (pid, kind, parts.next().unwrap_or(&[]))
}

#[cfg(test)]
mod tests {
    /// `lines` gives what a split at every newline without the empty pieces gives.
    #[test]
    fn lines_are_the_non_empty_pieces() {
        for text in [
            &b""[..],
            b"\n",
            b"\n\n",
            b"a",
            b"a\n",
            b"\na",
            b"1 2 L read(0) = 1\n1 2 L write(1) = 1\n",
            b"x\n\ny\nz",
            "\u{e9}\n\u{1f600}\n".as_bytes(),
        ] {
            let want: Vec<&[u8]> = text
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .collect();
            assert_eq!(super::lines(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }
}
