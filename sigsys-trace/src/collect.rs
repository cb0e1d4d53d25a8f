//! Collecting the images' lines: the rings of the images' memfds, read from the
//! launcher's own mapping of each (`protocol::BATCH_SLOT_SIZE`), one datagram socket for
//! what is not in a ring (each image's memfd, `M`; the lines of threads without a ring; a
//! full ring's request to be read now), and a pidfd for every process, so that the run
//! ends when the last of them has.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use crate::protocol::{
    self, rec_size, BATCH_HEADER, BATCH_SLOTS, BATCH_SLOT_SIZE, REC_HEADER, REC_PAD, REC_RESERVED,
    RING_AT, RING_HEAD, RING_SIZE, RING_TAIL, RING_WAITING,
};

/// Bytes of an image's memfd (the loader's `shm::SIZE`).
const MEMFD_SIZE: usize = BATCH_HEADER + BATCH_SLOTS * BATCH_SLOT_SIZE;

/// An image's memfd, mapped shared (its descriptor closed: the mapping keeps it).
struct Image {
    base: *mut u8,
    /// The process that made it (fork children share it).
    pid: i32,
    /// When a round last found lines in it, and when one last looked.
    last_lines: std::time::Instant,
    last_look: std::time::Instant,
}

impl Image {
    /// Maps memfd `fd`; None if it is not an image's (too small) or cannot be mapped.
    fn map(fd: &OwnedFd, pid: i32) -> Option<Image> {
        // SAFETY: fstat fills the zeroed struct it is given.
        let size = unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            (libc::fstat(fd.as_raw_fd(), &mut st) == 0).then_some(st.st_size)?
        };
        if size < MEMFD_SIZE as i64 {
            return None;
        }
        // SAFETY: a new shared mapping of the memfd at an address the kernel picks.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                MEMFD_SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        let now = std::time::Instant::now();
        (base != libc::MAP_FAILED).then(|| Image {
            base: base.cast(),
            pid,
            last_lines: now,
            last_look: now,
        })
    }

    /// The `u32` at offset `at` (aligned, inside the mapping: the offsets are the
    /// protocol's, checked here all the same).
    fn u32_at(&self, at: usize) -> &AtomicU32 {
        assert!(at & 3 == 0 && at + 4 <= MEMFD_SIZE, "offset {at}");
        // SAFETY: `at` is an aligned offset inside the mapping, which lives as long as
        // `self`; the traced processes change it concurrently, hence atomics.
        unsafe { AtomicU32::from_ptr(self.base.add(at).cast()) }
    }

    /// The `u64` at offset `at` (as `u32_at`).
    fn u64_at(&self, at: usize) -> &AtomicU64 {
        assert!(at & 7 == 0 && at + 8 <= MEMFD_SIZE, "offset {at}");
        // SAFETY: as for `u32_at`.
        unsafe { AtomicU64::from_ptr(self.base.add(at).cast()) }
    }

    /// Wakes the image's threads waiting on the futex at offset `at`.
    fn wake(&self, at: usize) {
        let word = self.u32_at(at);
        // SAFETY: FUTEX_WAKE on an aligned u32 of the mapping; no memory is written.
        unsafe { libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, i32::MAX) };
    }

    /// The image's counts of undelivered lines, by process.
    fn lost(&self, lost: &mut impl FnMut(i32, u64)) {
        for e in 0..protocol::LOST_ENTRIES {
            let at = protocol::LOST_AT + 8 * e;
            let pid = self.u32_at(at).load(Ordering::Acquire) as i32;
            let n = self.u32_at(at + 4).load(Ordering::Acquire);
            if pid != 0 && n != 0 {
                lost(pid, u64::from(n));
            }
        }
    }

    /// Slot `i`'s owner thread (0: never claimed).
    fn owner(&self, i: usize) -> i32 {
        self.u32_at(4 * i).load(Ordering::Acquire) as i32
    }

    fn slot(i: usize) -> usize {
        BATCH_HEADER + i * BATCH_SLOT_SIZE
    }

    /// Copies `len` bytes at ring offset `at` of slot `i` into `out` (`at + len <=
    /// RING_SIZE`).
    fn copy(&self, i: usize, at: usize, len: usize, out: &mut Vec<u8>) {
        assert!(
            i < BATCH_SLOTS && at + len <= RING_SIZE,
            "slot {i}, {len} at {at}"
        );
        let from = Self::slot(i) + RING_AT + at;
        out.reserve(len);
        // SAFETY: `at + len <= RING_SIZE`, inside slot `i` of the mapping; `out` has room
        // for `len` more bytes. (The bytes are the program's memory: a program that wrote
        // over them gets its garbage printed, nothing worse.)
        unsafe {
            std::ptr::copy_nonoverlapping(
                self.base.add(from),
                out.as_mut_ptr().add(out.len()),
                len,
            );
            out.set_len(out.len() + len);
        }
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        // SAFETY: the mapping made by `map`, which nothing uses any more.
        unsafe { libc::munmap(self.base.cast(), MEMFD_SIZE) };
    }
}

/// A ring being read in one round: where its next record is and where it ends.
struct Reading {
    image: usize,
    slot: usize,
    pos: u64,
    head: u64,
    /// The line length of the record at `pos`, as `next_record` checked it (the program
    /// can change the ring at any time: it is not read again).
    len: usize,
}

/// Receives lines and knows which processes are still running.
pub struct Collector {
    sock: OwnedFd,
    /// The same, bound at a path in the run directory (see `protocol::SOCK_FILE`).
    path_sock: Option<OwnedFd>,
    /// The images' memfds, in the order they were received.
    images: Vec<Image>,
    /// Every process seen: its pidfd while it runs (None once it has ended).
    procs: HashMap<i32, Option<OwnedFd>>,
    buf: Vec<u8>,
    /// One round's lines from the rings, in time order.
    ring_lines: Vec<u8>,
    /// One round's lines from datagrams (threads without a ring, a full ring's line),
    /// handed on after the rings' lines: a thread's line sent once its ring was full
    /// follows those in the ring.
    datagram_lines: Vec<u8>,
    /// Processes found already gone when first seen, not yet reported by `ended`.
    gone: Vec<i32>,
    /// The run's token, which starts every datagram of the traced processes.
    token: u64,
    /// Datagrams ignored: without the run's token (not from the traced program).
    pub foreign: u64,
    /// Rings found written over (not in the format of `protocol::BATCH_SLOT_SIZE`: the
    /// program wrote into the tracer's memory); what they held was skipped.
    pub corrupt: u64,
    /// The process of the last line (`watch`ed already): a batch is one thread's lines.
    last_pid: i32,
    /// Bytes read from the rings in the last round.
    pub ring_bytes: usize,
    /// Records found half-written, by ring (image, slot): where, and since when.
    half_written: HashMap<(usize, usize), (u64, std::time::Instant)>,
    /// Records skipped after staying half-written (see `protocol::REC_RESERVED`).
    pub abandoned: u64,
    /// Every process has ended: a record still half-written is skipped at once.
    pub finishing: bool,
    /// Undelivered lines counted by images already let go of.
    lost_released: HashMap<i32, u64>,
    /// Processes `ended` found gone in this round whose end has not been reported yet
    /// (by `Message::Ended` after their `exit_group` line, or by the caller after it).
    ended_now: HashSet<i32>,
}

/// What a received message is for the launcher.
pub enum Message<'a> {
    /// A line for the printer (`PID TID KIND TEXT`).
    Line(&'a [u8]),
    /// Process `pid` has ended: found right after its `exit_group` line, so that its end
    /// comes before the lines other processes queued after it (its parent's `SIGCHLD`).
    Ended(i32),
}

impl Collector {
    /// Binds the abstract datagram socket `\0name`.
    pub fn bind(name: &str) -> io::Result<Collector> {
        let mut abstract_name = vec![0u8];
        abstract_name.extend_from_slice(name.as_bytes());
        let sock = bound_socket(&abstract_name)?;
        Ok(Collector {
            sock,
            path_sock: None,
            images: Vec::new(),
            procs: HashMap::new(),
            buf: vec![0u8; 1 << 17],
            ring_lines: Vec::new(),
            datagram_lines: Vec::new(),
            gone: Vec::new(),
            token: 0,
            foreign: 0,
            corrupt: 0,
            last_pid: 0,
            ring_bytes: 0,
            half_written: HashMap::new(),
            abandoned: 0,
            finishing: false,
            lost_released: HashMap::new(),
            ended_now: HashSet::new(),
        })
    }

    /// Binds the second socket, at `path` (the run directory's `protocol::SOCK_FILE`). A
    /// path too long for a socket address gives an error: images in a network namespace
    /// of their own then cannot reach the launcher.
    pub fn bind_path(&mut self, path: &std::path::Path) -> io::Result<()> {
        use std::os::unix::ffi::OsStrExt;
        self.path_sock = Some(bound_socket(path.as_os_str().as_bytes())?);
        Ok(())
    }

    /// The sockets datagrams come in on.
    fn sockets(&self) -> impl Iterator<Item = &OwnedFd> {
        std::iter::once(&self.sock).chain(self.path_sock.as_ref())
    }
}

/// A non-blocking datagram socket bound at `name` (a path, or `\0` and an abstract name),
/// with a receive buffer large enough for bursts.
fn bound_socket(name: &[u8]) -> io::Result<OwnedFd> {
    // SAFETY: plain socket calls on a zeroed sockaddr_un.
    unsafe {
        // SAFETY: sockaddr_un is plain data; zero is valid.
        let mut addr: libc::sockaddr_un = std::mem::zeroed();
        if name.len() >= addr.sun_path.len() {
            return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
        }
        let fd = libc::socket(
            libc::AF_UNIX,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            0,
        );
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let owned = OwnedFd::from_raw_fd(fd);
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (d, s) in addr.sun_path.iter_mut().zip(name) {
            *d = *s as libc::c_char;
        }
        let len = std::mem::size_of::<libc::sa_family_t>() + name.len();
        if libc::bind(fd, (&raw const addr).cast(), len as libc::socklen_t) != 0 {
            return Err(io::Error::last_os_error());
        }
        // Room for bursts of the lines of threads without a ring (root may exceed
        // rmem_max).
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
        Ok(owned)
    }
}

impl Collector {
    /// Datagrams without `token` at their start are ignored from now on.
    pub fn set_token(&mut self, token: u64) {
        self.token = token;
    }

    /// Waits up to `timeout_ms` for a datagram or a process to end.
    pub fn wait(&self, timeout_ms: i32) {
        let mut fds: Vec<libc::pollfd> = self
            .sockets()
            .map(AsRawFd::as_raw_fd)
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

    /// Takes every line waiting, in the rings and in datagrams, and hands them to `f`;
    /// returns how many lines and datagrams there were.
    pub fn drain(&mut self, mut f: impl FnMut(Message<'_>)) -> usize {
        self.ring_bytes = 0;
        // The datagrams first: a new image's memfd (`M`) is mapped before the round reads
        // the rings, so that its lines are merged with the others by time stamp. (Read
        // after them, an exec'd child's whole image came after its parent's `wait4`.)
        let n = self.receive();
        let n = n + self.drain_rings(&mut f);
        let lines_in = std::mem::take(&mut self.datagram_lines);
        for line in lines(&lines_in) {
            self.note(line, &mut f);
        }
        self.datagram_lines = lines_in;
        self.datagram_lines.clear();
        n
    }

    /// Takes every datagram waiting (each image's memfd, mapped; the other lines, kept in
    /// `datagram_lines`); returns how many there were.
    fn receive(&mut self) -> usize {
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
                let (pid, kind, _) = header(line);
                if kind != Some(b'M') {
                    self.datagram_lines.extend_from_slice(line);
                    self.datagram_lines.push(b'\n');
                    continue;
                }
                self.note(line, &mut |_| {});
                for fd in fds.drain(..) {
                    if let Some(image) = Image::map(&fd, pid.unwrap_or(0)) {
                        image.u32_at(protocol::ACK_AT).store(1, Ordering::Release);
                        image.wake(protocol::ACK_AT);
                        self.images.push(image);
                    }
                }
            }
            self.buf = data;
        }
        n
    }

    /// Whether a datagram is waiting.
    fn datagram_waiting(&self) -> bool {
        self.sockets().any(|sock| {
            let mut p = libc::pollfd {
                fd: sock.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one live pollfd.
            unsafe { libc::poll(&mut p, 1, 0) > 0 }
        })
    }

    /// What a line means to the collector (a process to follow), then the printer's.
    fn note(&mut self, line: &[u8], f: &mut impl FnMut(Message<'_>)) {
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
            Some(b'M') => {}
            Some(b'F') => {
                if let Some(child) = std::str::from_utf8(rest)
                    .ok()
                    .and_then(|r| r.trim().parse().ok())
                {
                    self.watch(child);
                }
            }
            Some(b'X') => {
                f(Message::Line(line));
                if let (Some(pid), Some(b'g')) = (pid, rest.first()) {
                    if self.has_ended(pid, 10) {
                        f(Message::Ended(pid));
                    }
                }
            }
            _ => f(Message::Line(line)),
        }
    }

    /// Whether followed process `pid` has ended, waiting up to `ms` for it (then it is
    /// forgotten, as by `ended`). After its `exit_group` line a process has not quite
    /// ended: the kernel signals its parent before it marks it exited (`exit_notify`).
    fn has_ended(&mut self, pid: i32, ms: i32) -> bool {
        let Some(fd) = self.procs.get_mut(&pid) else {
            return false;
        };
        let Some(f) = fd else {
            // Found gone by `ended` before this round's lines were read, or by `watch` (it
            // lived less than a round): its end comes here, after its `exit_group` line,
            // not after the whole round (after its parent's `wait4`).
            if let Some(i) = self.gone.iter().position(|&p| p == pid) {
                self.gone.swap_remove(i);
                return true;
            }
            return self.ended_now.remove(&pid);
        };
        let mut p = libc::pollfd {
            fd: f.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        if unsafe { libc::poll(&mut p, 1, ms) } > 0 {
            *fd = None;
            return true;
        }
        false
    }

    /// Reads every ring's records, hands their lines to `f` in the order of their time
    /// stamps (each ring's in its own order), and tells the images they are read; returns
    /// how many lines there were.
    fn drain_rings(&mut self, f: &mut impl FnMut(Message<'_>)) -> usize {
        let mut reading = Vec::new();
        let mut received = 0;
        // An image that made its memfd while the heads were read can have a line in
        // another ring that follows its own: its `M` is waiting then (sent before any of
        // its lines), and the heads are read again with it mapped.
        for round in 0..8 {
            if round > 0 {
                if !self.datagram_waiting() {
                    break;
                }
                received += self.receive();
                reading.clear();
            }
            self.ring_heads(&mut reading);
        }
        if reading.is_empty() {
            return received;
        }
        received + self.read_rings(reading, f)
    }

    /// The rings with records to read, where they start and end.
    fn ring_heads(&mut self, reading: &mut Vec<Reading>) {
        let now = std::time::Instant::now();
        for i in 0..self.images.len() {
            // An image whose process has ended and which has been quiet for 2 s (its fork
            // children, if any, quiet too) is looked at twice a second: a long run makes
            // thousands of images, and every round would look at each.
            let ended = matches!(self.procs.get(&self.images[i].pid), Some(None));
            let finishing = self.finishing;
            let image = &mut self.images[i];
            if ended
                && now.duration_since(image.last_lines) >= std::time::Duration::from_secs(2)
                && now.duration_since(image.last_look) < std::time::Duration::from_millis(500)
                && !finishing
            {
                continue;
            }
            image.last_look = now;
            for s in 0..BATCH_SLOTS {
                if image.owner(s) == 0 {
                    continue;
                }
                let at = Image::slot(s);
                let head = image.u64_at(at + RING_HEAD).load(Ordering::Acquire);
                let pos = image.u64_at(at + RING_TAIL).load(Ordering::Relaxed);
                if head != pos {
                    image.last_lines = now;
                    reading.push(Reading {
                        image: i,
                        slot: s,
                        pos,
                        head,
                        len: 0,
                    });
                }
            }
        }
    }

    /// Reads the records of `reading` (see `drain_rings`); how many lines there were.
    fn read_rings(&mut self, mut reading: Vec<Reading>, f: &mut impl FnMut(Message<'_>)) -> usize {
        let mut lines_out = std::mem::take(&mut self.ring_lines);
        lines_out.clear();
        let mut heap = BinaryHeap::new();
        for (r, rd) in reading.iter_mut().enumerate() {
            if let Some(tsc) = self.next_record(rd) {
                heap.push(Reverse((tsc, r)));
            }
        }
        let mut n = 0;
        while let Some(Reverse((_, r))) = heap.pop() {
            let rd = &mut reading[r];
            let image = &self.images[rd.image];
            let at = (rd.pos % RING_SIZE as u64) as usize;
            let len = rd.len;
            image.copy(rd.slot, at + REC_HEADER, len, &mut lines_out);
            if lines_out.last() != Some(&b'\n') {
                lines_out.push(b'\n');
            }
            n += 1;
            rd.pos += rec_size(len) as u64;
            if let Some(tsc) = self.next_record(&mut reading[r]) {
                heap.push(Reverse((tsc, r)));
            }
        }
        for rd in &reading {
            let image = &self.images[rd.image];
            let at = Image::slot(rd.slot);
            image
                .u64_at(at + RING_TAIL)
                .store(rd.pos, Ordering::Release);
            if image.u32_at(at + RING_WAITING).swap(0, Ordering::AcqRel) != 0 {
                image.wake(at + RING_TAIL);
            }
        }
        self.ring_bytes += lines_out.len();
        for line in lines(&lines_out) {
            self.note(line, f);
        }
        self.ring_lines = lines_out;
        n
    }

    /// Moves `rd` to its next record with a line (past padding), and returns that
    /// record's time stamp; None at the ring's end for now (its head, or a record not
    /// written yet). A ring not in the protocol's format is skipped to its head.
    fn next_record(&mut self, rd: &mut Reading) -> Option<u64> {
        let base = Image::slot(rd.slot) + RING_AT;
        if rd.head.wrapping_sub(rd.pos) > RING_SIZE as u64 {
            self.corrupt += 1;
            rd.pos = rd.head;
            return None;
        }
        while rd.pos < rd.head {
            let at = (rd.pos % RING_SIZE as u64) as usize;
            let to_end = RING_SIZE - at;
            if to_end < REC_HEADER {
                rd.pos += to_end as u64;
                continue;
            }
            let image = &self.images[rd.image];
            let word = image.u64_at(base + at).load(Ordering::Acquire);
            let len = image.u32_at(base + at + 16).load(Ordering::Relaxed);
            if word != rd.pos {
                // Reserved, not written yet; or left so.
                if !self.left_half_written(rd) {
                    return None;
                }
                // The next record found (none yet: another round will look again, unless
                // every process has ended).
                match self.next_header(rd) {
                    Some(next) => rd.pos = next,
                    None if self.finishing => rd.pos = rd.head,
                    None => return None,
                }
                self.abandoned += 1;
                continue;
            }
            let size = if len & REC_PAD != 0 {
                (len & !REC_PAD) as usize
            } else {
                rec_size(len as usize)
            };
            if size < REC_HEADER || size > to_end || rd.pos + size as u64 > rd.head {
                self.corrupt += 1;
                rd.pos = rd.head;
                return None;
            }
            if len & REC_PAD != 0 {
                rd.pos += size as u64;
                continue;
            }
            rd.len = len as usize;
            let image = &self.images[rd.image];
            return Some(image.u64_at(base + at + 8).load(Ordering::Relaxed));
        }
        None
    }

    /// Receives one datagram from either socket (the abstract one first).
    fn recv(&mut self, fds: &mut Vec<OwnedFd>) -> io::Result<usize> {
        let path = self.path_sock.as_ref().map(AsRawFd::as_raw_fd);
        let mut last = io::Error::from_raw_os_error(libc::EAGAIN);
        for sock in std::iter::once(self.sock.as_raw_fd()).chain(path) {
            match self.recv_on(sock, fds) {
                Err(e) if e.kind() != io::ErrorKind::Interrupted => last = e,
                got => return got,
            }
        }
        Err(last)
    }

    /// Receives one datagram from `sock`.
    fn recv_on(&mut self, sock: i32, fds: &mut Vec<OwnedFd>) -> io::Result<usize> {
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
        let r =
            unsafe { libc::recvmsg(sock, &mut msg, libc::MSG_CMSG_CLOEXEC | libc::MSG_DONTWAIT) };
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
    /// those that ended since the last call (each to be reported after the round's lines
    /// unless its `exit_group` line reported it: [`Collector::end_unreported`]).
    pub fn ended(&mut self) -> (bool, Vec<i32>) {
        let mut running = false;
        let mut ended = std::mem::take(&mut self.gone);
        self.ended_now.clear();
        self.ended_now.extend(ended.iter().copied());
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
                self.ended_now.insert(pid);
            } else {
                running = true;
            }
        }
        (running, ended)
    }

    /// Whether process `pid`, found ended by the last [`Collector::ended`], still needs its
    /// end reported (no `exit_group` line of its came in the round since).
    pub fn end_unreported(&mut self, pid: i32) -> bool {
        self.ended_now.remove(&pid)
    }

    /// The position of the first record after `rd.pos` (below `rd.head`) that is written
    /// or being written: the next multiple of 8 holding its own position.
    fn next_header(&self, rd: &Reading) -> Option<u64> {
        let image = &self.images[rd.image];
        let base = Image::slot(rd.slot) + RING_AT;
        let mut q = rd.pos + 8;
        while q < rd.head {
            let at = (q % RING_SIZE as u64) as usize;
            if RING_SIZE - at >= REC_HEADER {
                let word = image.u64_at(base + at).load(Ordering::Acquire);
                if word == q || word == q | REC_RESERVED {
                    return Some(q);
                }
            }
            q += 8;
        }
        None
    }

    /// Whether the record at `rd.pos`, being written, is left so for good: its thread is
    /// gone (or every process has ended).
    fn left_half_written(&mut self, rd: &Reading) -> bool {
        if self.finishing {
            return true;
        }
        let key = (rd.image, rd.slot);
        let now = std::time::Instant::now();
        let Some(&(_, since)) = self.half_written.get(&key).filter(|(p, _)| *p == rd.pos) else {
            self.half_written.insert(key, (rd.pos, now));
            return false;
        };
        // Only a writer that is gone cannot finish (one seen twice, 50 ms apart, with its
        // thread gone). A live one may be stopped, or interrupted by a program handler that
        // takes its time (a prompt); one that a handler left by `siglongjmp` retires the
        // record itself at its next line (the loader's `batch::left_by_a_jump`): skipped
        // here, its bytes would be written over when it resumes.
        let waited = now.duration_since(since);
        let owner = self.images[rd.image].owner(rd.slot);
        let done = !task_alive(owner) && waited >= std::time::Duration::from_millis(50);
        if done {
            self.half_written.remove(&key);
        }
        done
    }

    /// The counts of lines the images could not deliver, by process.
    pub fn lost(&self, mut lost: impl FnMut(i32, u64)) {
        for image in &self.images {
            image.lost(&mut lost);
        }
        for (&pid, &n) in &self.lost_released {
            lost(pid, n);
        }
    }

    /// Lets go of the images nothing can write to any more, so that a long run (a build,
    /// a shell loop: thousands of images) keeps neither their memory nor their mappings:
    /// the process that made the image has ended, every thread that claimed one of its
    /// rings is gone, every ring is read, and no line came for 10 s (a fork child that
    /// has not written yet, and so has no ring, would write then). Such a child finds the
    /// acknowledgement taken back (`protocol::ACK_AT`) at its next line and sends its lines
    /// as datagrams.
    pub fn release_quiet_images(&mut self) {
        let now = std::time::Instant::now();
        let quiet = std::time::Duration::from_secs(10);
        let mut keep = Vec::with_capacity(self.images.len());
        let mut released = false;
        for image in std::mem::take(&mut self.images) {
            let done = matches!(self.procs.get(&image.pid), Some(None))
                && now.duration_since(image.last_lines) >= quiet
                && (0..BATCH_SLOTS).all(|s| {
                    let owner = image.owner(s);
                    let at = Image::slot(s);
                    owner == 0
                        || (!task_alive(owner)
                            && image.u64_at(at + RING_HEAD).load(Ordering::Acquire)
                                == image.u64_at(at + RING_TAIL).load(Ordering::Acquire))
                });
            if !done {
                keep.push(image);
                continue;
            }
            image.u32_at(protocol::ACK_AT).store(0, Ordering::Release);
            image.lost(&mut |pid, n| *self.lost_released.entry(pid).or_insert(0) += n);
            released = true;
        }
        self.images = keep;
        if released {
            // Kept by image index: none of a released image's is half-written, and the
            // others are found again.
            self.half_written.clear();
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

/// Whether task `tid` exists.
fn task_alive(tid: i32) -> bool {
    // SAFETY: signal 0 only checks.
    tid > 0 && unsafe { libc::kill(tid, 0) == 0 || *libc::__errno_location() != libc::ESRCH }
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
