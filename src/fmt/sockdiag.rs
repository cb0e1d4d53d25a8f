//! strace's `-yy` for sockets: what the kernel's `sock_diag` netlink says a socket is,
//! `TCP:[127.0.0.1:80->127.0.0.1:5000]`, `UNIX-STREAM:[1234->1235,"/run/x"]`,
//! `NETLINK:[ROUTE:42]`, or `TCP:[1234]` (its inode) when the kernel does not list it.
//!
//! As strace (`src/socketutils.c`): the protocol is the descriptor's
//! `system.sockprotoname` attribute; a TCP, UDP or other inet socket is looked for in a
//! dump of that protocol's sockets, a unix socket asked for by inode, a netlink socket
//! looked for in a dump of all. Details found are kept by inode ([`Cache`]), so a socket
//! the kernel stops listing (a reset connection) prints as it did. Every step is a call
//! from the gate with buffers on the stack; the query's netlink socket is a descriptor of
//! the process for as long as it takes (see the crate's limits).

use core::fmt::{self, Write};
use core::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};

use crate::arch::Native;
use crate::text::emit;

use super::fds::ProcName;
use super::Options;

/// How a protocol's sockets are asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    Unix,
    Inet,
    Netlink,
}

/// A protocol strace knows by its `system.sockprotoname`.
struct Proto {
    name: &'static str,
    family: u8,
    protocol: u8,
    how: How,
}

const fn proto(name: &'static str, family: i32, protocol: i32, how: How) -> Proto {
    Proto {
        name,
        family: family as u8,
        protocol: protocol as u8,
        how,
    }
}

const INET: i32 = libc::AF_INET;
const INET6: i32 = libc::AF_INET6;
const TCP: i32 = libc::IPPROTO_TCP;
const UDP: i32 = libc::IPPROTO_UDP;
const UDPLITE: i32 = libc::IPPROTO_UDPLITE;
const DCCP: i32 = libc::IPPROTO_DCCP;
const SCTP: i32 = libc::IPPROTO_SCTP;
const L2TP: i32 = 115;
const ICMP: i32 = libc::IPPROTO_ICMP;
const RAW: i32 = libc::IPPROTO_RAW;

/// strace's `protocols[]`, in its order. `PINGv6` asks with `IPPROTO_ICMP`, as strace
/// does (the kernel's v6 ping sockets are `IPPROTO_ICMPV6`, so they print by inode).
static PROTOCOLS: [Proto; 19] = [
    proto("UNIX", libc::AF_UNIX, 0, How::Unix),
    proto("UNIX-STREAM", libc::AF_UNIX, 0, How::Unix),
    proto("TCP", INET, TCP, How::Inet),
    proto("UDP", INET, UDP, How::Inet),
    proto("UDPLITE", INET, UDPLITE, How::Inet),
    proto("DCCP", INET, DCCP, How::Inet),
    proto("SCTP", INET, SCTP, How::Inet),
    proto("L2TP/IP", INET, L2TP, How::Inet),
    proto("PING", INET, ICMP, How::Inet),
    proto("RAW", INET, RAW, How::Inet),
    proto("TCPv6", INET6, TCP, How::Inet),
    proto("UDPv6", INET6, UDP, How::Inet),
    proto("UDPLITEv6", INET6, UDPLITE, How::Inet),
    proto("DCCPv6", INET6, DCCP, How::Inet),
    proto("SCTPv6", INET6, SCTP, How::Inet),
    proto("L2TP/IPv6", INET6, L2TP, How::Inet),
    proto("PINGv6", INET6, ICMP, How::Inet),
    proto("RAWv6", INET6, RAW, How::Inet),
    proto("NETLINK", libc::AF_NETLINK, 0, How::Netlink),
];

/// `UNIX_PATH_MAX`.
const PATH_MAX: usize = 108;

/// What the kernel said of a socket.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Details {
    /// Addresses (4 or 16 bytes used) and ports in host order; `dst` shown when connected.
    Inet {
        v6: bool,
        src: [u8; 16],
        sport: u16,
        dst: [u8; 16],
        dport: u16,
    },
    /// The peer's inode (0: none) and the bound name (`len` bytes; abstract if the first
    /// is NUL).
    Unix {
        peer: u32,
        path: [u8; PATH_MAX],
        len: u8,
    },
    /// The netlink protocol and port id.
    Netlink { protocol: u8, portid: u32 },
}

/// `<...>` for socket `ino` (`link` is `socket:[ino]`, `name` its `/proc/self/fd/N`).
#[inline(never)]
pub(super) fn write_socket<W: Write + ?Sized>(
    out: &mut W,
    name: &ProcName,
    ino: u32,
    link: &[u8],
    opts: &Options,
) -> fmt::Result {
    let found = match CACHE.get(ino) {
        Some(hit) => Some(hit),
        None => protocol_of(name).map(|p| {
            let details = query(p, ino);
            if let Some(d) = details {
                CACHE.put(ino, p, &d);
            }
            (p, details)
        }),
    };
    out.write_char('<')?;
    match found {
        // A protocol strace does not know: the link as it is, `socket:[N]`.
        None => write_bytes(out, link)?,
        Some((p, None)) => emit!(out, PROTOCOLS.get(p).map_or("", |p| p.name), ":[", ino, "]")?,
        Some((p, Some(d))) => {
            write_details(out, PROTOCOLS.get(p).map_or("", |p| p.name), ino, &d, opts)?
        }
    }
    out.write_char('>')
}

/// Bytes known to be ASCII text (a `socket:[N]` link).
fn write_bytes<W: Write + ?Sized>(out: &mut W, b: &[u8]) -> fmt::Result {
    b.iter().try_for_each(|&c| out.write_char(char::from(c)))
}

/// The index in [`PROTOCOLS`] of the socket's `system.sockprotoname`.
fn protocol_of(name: &ProcName) -> Option<usize> {
    let mut buf = [0u8; 256];
    let attr = b"system.sockprotoname\0";
    // SAFETY: getxattr reads the two NUL-terminated names and writes at most 255 bytes
    // into `buf`.
    let r = unsafe {
        crate::gate::sys(
            Native::getxattr,
            [
                name.as_bytes().as_ptr() as u64,
                attr.as_ptr() as u64,
                buf.as_mut_ptr() as u64,
                255,
                0,
                0,
            ],
        )
    };
    let n = usize::try_from(r.ok()?).ok()?;
    let text = buf.get(..n)?;
    // The kernel's value may or may not end in a NUL.
    let text = text.split(|&c| c == 0).next()?;
    PROTOCOLS.iter().position(|p| p.name.as_bytes() == text)
}

/// strace's text of a socket found: `TCP:[a:1->b:2]`, `UNIX:[1->2,"/x"]`,
/// `NETLINK:[ROUTE:42]`.
fn write_details<W: Write + ?Sized>(
    out: &mut W,
    name: &str,
    ino: u32,
    d: &Details,
    opts: &Options,
) -> fmt::Result {
    emit!(out, name, ":[")?;
    match *d {
        Details::Inet {
            v6,
            src,
            sport,
            dst,
            dport,
        } => {
            write_inet(out, v6, src, sport)?;
            let width = if v6 { 16 } else { 4 };
            if dport != 0 || dst.iter().take(width).any(|&b| b != 0) {
                out.write_str("->")?;
                write_inet(out, v6, dst, dport)?;
            }
        }
        Details::Unix { peer, path, len } => {
            emit!(out, ino)?;
            if peer != 0 {
                emit!(out, "->", peer)?;
            }
            let path = path.get(..usize::from(len)).unwrap_or(&[]);
            if let Some((&first, rest)) = path.split_first() {
                out.write_char(',')?;
                if first == 0 {
                    out.write_char('@')?;
                    super::strings::write_quoted(out, rest, opts)?;
                } else {
                    super::strings::write_quoted(out, path, opts)?;
                }
            }
        }
        Details::Netlink { protocol, portid } => {
            match super::scalars::xlat_name(&super::xlat::NETLINK_PROTOCOLS, u32::from(protocol)) {
                Some(n) => emit!(out, n.strip_prefix("NETLINK_").unwrap_or(n), ":", portid)?,
                None => emit!(out, protocol)?,
            }
        }
    }
    out.write_char(']')
}

/// `127.0.0.1:80` or `[::1]:80`.
fn write_inet<W: Write + ?Sized>(out: &mut W, v6: bool, a: [u8; 16], port: u16) -> fmt::Result {
    if v6 {
        out.write_char('[')?;
        super::sockaddr::write_ipv6(out, a)?;
        out.write_char(']')?;
    } else {
        let [w, x, y, z, ..] = a;
        emit!(out, w, ".", x, ".", y, ".", z)?;
    }
    emit!(out, ":", port)
}

/// `SOCK_DIAG_BY_FAMILY`.
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `NETLINK_SOCK_DIAG`.
const NETLINK_SOCK_DIAG: u64 = 4;
/// `NLM_F_REQUEST`, `NLM_F_DUMP`.
const NLM_F_REQUEST: u16 = 1;
const NLM_F_DUMP: u16 = 0x300;
/// `UDIAG_SHOW_NAME | UDIAG_SHOW_PEER`.
const UDIAG_SHOW: u32 = 1 | 4;
/// `NDIAG_PROTO_ALL`.
const NDIAG_PROTO_ALL: u8 = 255;
/// Room for one receive, on the handler's stack: a page. The kernel makes the first
/// message of a dump `NLMSG_GOODSIZE` (a page less its overhead) and later ones no larger
/// than the largest receive so far (`max_recvmsg_len`), so a page holds each whole.
const RECV_SIZE: usize = 4096;

/// Asks the kernel about socket `ino` of protocol `PROTOCOLS[p]`.
#[inline(never)]
fn query(p: usize, ino: u32) -> Option<Details> {
    let proto = PROTOCOLS.get(p)?;
    let kind = (libc::SOCK_RAW | libc::SOCK_CLOEXEC) as u64;
    // SAFETY: a new descriptor of this function's own, closed below; no memory passed.
    let fd = unsafe {
        crate::gate::sys(
            Native::socket,
            [libc::AF_NETLINK as u64, kind, NETLINK_SOCK_DIAG, 0, 0, 0],
        )
    }
    .ok()?;
    // Another thread of the program may `dup2` one of its own over this number while the
    // query runs (which closes ours): the descriptor is used and closed only while it is
    // still the socket made here, as its inode tells.
    let own = inode_of(fd);
    let mine = || own.is_some() && inode_of(fd) == own;
    let found = if mine() { ask(fd, proto, ino) } else { None };
    if mine() {
        // SAFETY: closes the descriptor opened above (still ours, checked just now).
        let _ = unsafe { crate::gate::sys(Native::close, [fd, 0, 0, 0, 0, 0]) };
    }
    found
}

/// The inode of descriptor `fd` (`statx` with `AT_EMPTY_PATH`).
fn inode_of(fd: u64) -> Option<u64> {
    // `struct statx`, 256 bytes on every architecture: stx_ino is the u64 at byte 32.
    let mut stx = [0u64; 32];
    const STATX_INO: u64 = 0x100;
    // SAFETY: statx reads the empty NUL-terminated path and writes one `struct statx`
    // into `stx`; nothing else.
    unsafe {
        crate::gate::sys(
            Native::statx,
            [
                fd,
                c"".as_ptr() as u64,
                libc::AT_EMPTY_PATH as u64,
                STATX_INO,
                stx.as_mut_ptr() as u64,
                0,
            ],
        )
    }
    .ok()?;
    stx.get(4).copied()
}

/// Sends the request on netlink socket `fd` and reads the answers until `ino`'s.
fn ask(fd: u64, proto: &Proto, ino: u32) -> Option<Details> {
    let (req, len) = request(proto, ino);
    send(fd, req.get(..len)?)?;
    let mut buf = [0u8; RECV_SIZE];
    let mut flags = 0u64;
    loop {
        // SAFETY: recvfrom writes at most `buf.len()` bytes into `buf`; no address asked.
        let r = unsafe {
            crate::gate::sys(
                Native::recvfrom,
                [fd, buf.as_mut_ptr() as u64, buf.len() as u64, flags, 0, 0],
            )
        };
        let n = match r {
            Ok(n) => usize::try_from(n).ok()?.min(buf.len()),
            Err(e) if e == syscalls::Errno::EINTR => continue,
            Err(_) => return None,
        };
        match parse(proto.how, ino, buf.get(..n)?) {
            Step::Found(d) => return Some(d),
            Step::Stop => return None,
            Step::More => flags = libc::MSG_DONTWAIT as u64,
        }
    }
}

/// The `nlmsghdr` and request of `proto`'s query, and its length.
fn request(proto: &Proto, ino: u32) -> ([u8; 72], usize) {
    let mut req = [0u8; 72];
    let (len, flags) = match proto.how {
        // nlmsghdr + inet_diag_req_v2 (family, protocol, ext, pad, states, sockid).
        How::Inet => (72, NLM_F_REQUEST | NLM_F_DUMP),
        // nlmsghdr + unix_diag_req (family, protocol, pad, states, ino, show, cookie).
        How::Unix => (40, NLM_F_REQUEST),
        // nlmsghdr + netlink_diag_req (family, protocol, pad, ino, show, cookie).
        How::Netlink => (36, NLM_F_REQUEST | NLM_F_DUMP),
    };
    put(&mut req, 0, &(len as u32).to_ne_bytes());
    put(&mut req, 4, &SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    put(&mut req, 6, &flags.to_ne_bytes());
    put(&mut req, 16, &[proto.family]);
    match proto.how {
        How::Inet => {
            put(&mut req, 17, &[proto.protocol]);
            put(&mut req, 20, &u32::MAX.to_ne_bytes()); // idiag_states: all
        }
        How::Unix => {
            put(&mut req, 20, &u32::MAX.to_ne_bytes()); // udiag_states: all
            put(&mut req, 24, &ino.to_ne_bytes());
            put(&mut req, 28, &UDIAG_SHOW.to_ne_bytes());
            put(&mut req, 32, &[0xff; 8]); // no cookie
        }
        How::Netlink => put(&mut req, 17, &[NDIAG_PROTO_ALL]),
    }
    (req, len)
}

/// `bytes` into `buf` at `at` (when they fit).
fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(slot) = buf.get_mut(at..at.saturating_add(bytes.len())) {
        slot.copy_from_slice(bytes);
    }
}

/// Sends one request to the kernel (netlink port 0).
fn send(fd: u64, req: &[u8]) -> Option<()> {
    // sockaddr_nl: family AF_NETLINK, pad, pid 0, groups 0.
    let mut nladdr = [0u8; 12];
    put(&mut nladdr, 0, &(libc::AF_NETLINK as u16).to_ne_bytes());
    loop {
        // SAFETY: sendto reads `req` and the 12-byte address; it writes nothing.
        let r = unsafe {
            crate::gate::sys(
                Native::sendto,
                [
                    fd,
                    req.as_ptr() as u64,
                    req.len() as u64,
                    0,
                    nladdr.as_ptr() as u64,
                    nladdr.len() as u64,
                ],
            )
        };
        match r {
            Ok(_) => return Some(()),
            Err(e) if e == syscalls::Errno::EINTR => continue,
            Err(_) => return None,
        }
    }
}

/// What one receive said.
enum Step {
    Found(Details),
    /// Other sockets only: read on.
    More,
    /// An end, an error or a message that does not parse.
    Stop,
}

/// The native `u32` at `at`, 0 if out of `b`.
fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at.saturating_add(4))
        .and_then(|s| s.first_chunk::<4>())
        .map_or(0, |s| u32::from_ne_bytes(*s))
}

/// The native `u16` at `at`, 0 if out of `b`.
fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at.saturating_add(2))
        .and_then(|s| s.first_chunk::<2>())
        .map_or(0, |s| u16::from_ne_bytes(*s))
}

/// The messages of one receive, as strace's `receive_responses` walks them.
fn parse(how: How, ino: u32, buf: &[u8]) -> Step {
    let mut at = 0usize;
    let mut any = false;
    loop {
        let rest = buf.get(at..).unwrap_or(&[]);
        let len = u32_at(rest, 0) as usize;
        if rest.len() < 16 || len < 16 || len > rest.len() {
            // The first must be whole; after it, the end of this receive.
            return if any { Step::More } else { Step::Stop };
        }
        if u16_at(rest, 4) != SOCK_DIAG_BY_FAMILY {
            return Step::Stop;
        }
        any = true;
        let msg = rest.get(..len).unwrap_or(&[]);
        let step = match how {
            How::Inet => parse_inet(msg, ino),
            How::Unix => parse_unix(msg, ino),
            How::Netlink => parse_netlink(msg, ino),
        };
        if !matches!(step, Step::More) {
            return step;
        }
        at = at.saturating_add(len.saturating_add(3) & !3);
    }
}

/// An `inet_diag_msg` (after its 16-byte header in `msg`).
fn parse_inet(msg: &[u8], ino: u32) -> Step {
    // family, state, timer, retrans; sockid (48); expires, rqueue, wqueue, uid, inode.
    if msg.len() < 16 + 72 {
        return Step::Stop;
    }
    if u32_at(msg, 16 + 68) != ino {
        return Step::More;
    }
    let v6 = match i32::from(msg.get(16).copied().unwrap_or(0)) {
        libc::AF_INET => false,
        libc::AF_INET6 => true,
        _ => return Step::Stop,
    };
    let addr = |at: usize| {
        msg.get(at..at.saturating_add(16))
            .and_then(|s| s.first_chunk::<16>())
            .copied()
            .unwrap_or([0; 16])
    };
    let port = |at: usize| u16::from_be_bytes(u16_at(msg, at).to_ne_bytes());
    Step::Found(Details::Inet {
        v6,
        sport: port(20),
        dport: port(22),
        src: addr(24),
        dst: addr(40),
    })
}

/// A `unix_diag_msg` and its attributes (the name, the peer).
fn parse_unix(msg: &[u8], ino: u32) -> Step {
    // family, type, state, pad, ino, cookie[2]: 16 bytes.
    if msg.len() < 16 + 16 {
        return Step::Stop;
    }
    if u32_at(msg, 20) != ino {
        return Step::More;
    }
    if i32::from(msg.get(16).copied().unwrap_or(0)) != libc::AF_UNIX {
        return Step::Stop;
    }
    let (mut peer, mut path, mut len) = (0u32, [0u8; PATH_MAX], 0usize);
    let mut at = 32usize;
    loop {
        let rest = msg.get(at..).unwrap_or(&[]);
        let rta_len = usize::from(u16_at(rest, 0));
        if rest.len() < 4 || rta_len < 4 || rta_len > rest.len() {
            break;
        }
        let payload = rest.get(4..rta_len).unwrap_or(&[]);
        match u16_at(rest, 2) {
            // UNIX_DIAG_NAME: the first one.
            0 if len == 0 => {
                len = payload.len().min(PATH_MAX);
                put(&mut path, 0, payload.get(..len).unwrap_or(&[]));
            }
            // UNIX_DIAG_PEER.
            2 if payload.len() >= 4 => peer = u32_at(payload, 0),
            _ => {}
        }
        at = at.saturating_add(rta_len.saturating_add(3) & !3);
    }
    if peer == 0 && len == 0 {
        return Step::Stop;
    }
    Step::Found(Details::Unix {
        peer,
        path,
        len: len as u8,
    })
}

/// A `netlink_diag_msg`.
fn parse_netlink(msg: &[u8], ino: u32) -> Step {
    // family, type, protocol, state, portid, dst_portid, dst_group, ino, cookie[2].
    if msg.len() < 16 + 24 {
        return Step::Stop;
    }
    if u32_at(msg, 16 + 16) != ino {
        return Step::More;
    }
    if i32::from(msg.get(16).copied().unwrap_or(0)) != libc::AF_NETLINK {
        return Step::Stop;
    }
    Step::Found(Details::Netlink {
        protocol: msg.get(18).copied().unwrap_or(0),
        portid: u32_at(msg, 20),
    })
}

/// Slots of the details cache (direct-mapped by inode, as strace's).
const SLOTS: usize = 128;
/// Words of one slot's data: a tag, the protocol, and the largest details (a unix name).
const WORDS: usize = 16;

/// Socket details by inode, shared by every thread and nested handler of the process
/// without a lock: each slot is a sequence lock over atomics. A writer that finds the
/// slot being written (another thread, or the handler it interrupted) leaves it; a reader
/// that sees it change while it reads misses. So it never blocks and never yields torn
/// data, and a miss only costs a query.
struct Cache {
    slots: [Slot; SLOTS],
}

struct Slot {
    /// Even: stable; odd: being written.
    seq: AtomicU32,
    ino: AtomicU32,
    data: [AtomicU64; WORDS],
}

static CACHE: Cache = Cache {
    slots: [const {
        Slot {
            seq: AtomicU32::new(0),
            ino: AtomicU32::new(0),
            data: [const { AtomicU64::new(0) }; WORDS],
        }
    }; SLOTS],
};

impl Cache {
    fn slot(&self, ino: u32) -> Option<&Slot> {
        self.slots.get(ino as usize % SLOTS)
    }

    /// The protocol and details kept for `ino`.
    fn get(&self, ino: u32) -> Option<(usize, Option<Details>)> {
        let slot = self.slot(ino)?;
        let s1 = slot.seq.load(Ordering::Acquire);
        if s1 & 1 != 0 || slot.ino.load(Ordering::Relaxed) != ino {
            return None;
        }
        let mut bytes = [0u8; WORDS * 8];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(slot.data.iter()) {
            chunk.copy_from_slice(&word.load(Ordering::Relaxed).to_ne_bytes());
        }
        fence(Ordering::Acquire);
        if slot.seq.load(Ordering::Relaxed) != s1 {
            return None;
        }
        let (p, d) = decode(&bytes)?;
        Some((p, Some(d)))
    }

    /// Keeps `ino`'s details, unless its slot is being written.
    fn put(&self, ino: u32, p: usize, d: &Details) {
        let Some(slot) = self.slot(ino) else {
            return;
        };
        let s = slot.seq.load(Ordering::Relaxed);
        if s & 1 != 0
            || slot
                .seq
                .compare_exchange(s, s.wrapping_add(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        fence(Ordering::Release);
        let bytes = encode(p, d);
        slot.ino.store(ino, Ordering::Relaxed);
        for (chunk, word) in bytes.chunks_exact(8).zip(slot.data.iter()) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            word.store(u64::from_ne_bytes(w), Ordering::Relaxed);
        }
        slot.seq.store(s.wrapping_add(2), Ordering::Release);
    }
}

/// A cache slot's bytes: tag (1 inet, 2 inet6, 3 unix, 4 netlink), protocol index, then
/// the details.
fn encode(p: usize, d: &Details) -> [u8; WORDS * 8] {
    let mut b = [0u8; WORDS * 8];
    put(&mut b, 1, &[p as u8]);
    match *d {
        Details::Inet {
            v6,
            src,
            sport,
            dst,
            dport,
        } => {
            put(&mut b, 0, &[if v6 { 2 } else { 1 }]);
            put(&mut b, 2, &sport.to_ne_bytes());
            put(&mut b, 4, &dport.to_ne_bytes());
            put(&mut b, 8, &src);
            put(&mut b, 24, &dst);
        }
        Details::Unix { peer, path, len } => {
            put(&mut b, 0, &[3, p as u8, len]);
            put(&mut b, 4, &peer.to_ne_bytes());
            put(&mut b, 8, &path);
        }
        Details::Netlink { protocol, portid } => {
            put(&mut b, 0, &[4, p as u8, protocol]);
            put(&mut b, 4, &portid.to_ne_bytes());
        }
    }
    b
}

/// The protocol index and details of a cache slot's bytes.
fn decode(b: &[u8; WORDS * 8]) -> Option<(usize, Details)> {
    let p = usize::from(b.get(1).copied()?);
    PROTOCOLS.get(p)?;
    let arr = |at: usize| {
        b.get(at..at.saturating_add(16))
            .and_then(|s| s.first_chunk::<16>())
            .copied()
            .unwrap_or([0; 16])
    };
    let d = match b.first().copied()? {
        t @ (1 | 2) => Details::Inet {
            v6: t == 2,
            sport: u16_at(b, 2),
            dport: u16_at(b, 4),
            src: arr(8),
            dst: arr(24),
        },
        3 => {
            let mut path = [0u8; PATH_MAX];
            put(&mut path, 0, b.get(8..8 + PATH_MAX)?);
            Details::Unix {
                peer: u32_at(b, 4),
                path,
                len: b.get(2).copied()?.min(PATH_MAX as u8),
            }
        }
        4 => Details::Netlink {
            protocol: b.get(2).copied()?,
            portid: u32_at(b, 4),
        },
        _ => return None,
    };
    Some((p, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, ino: u32, d: &Details) -> std::string::String {
        let mut s = std::string::String::new();
        write_details(&mut s, name, ino, d, &Options::DEFAULT).unwrap();
        s
    }

    #[test]
    fn inet_details_are_straces() {
        let mut src = [0u8; 16];
        src[..4].copy_from_slice(&[127, 0, 0, 1]);
        let listening = Details::Inet {
            v6: false,
            src,
            sport: 50469,
            dst: [0; 16],
            dport: 0,
        };
        assert_eq!(text("TCP", 1, &listening), "TCP:[127.0.0.1:50469]");
        let connected = Details::Inet {
            v6: false,
            src,
            sport: 50469,
            dst: src,
            dport: 55746,
        };
        assert_eq!(
            text("TCP", 1, &connected),
            "TCP:[127.0.0.1:50469->127.0.0.1:55746]"
        );
        let any6 = Details::Inet {
            v6: true,
            src: [0; 16],
            sport: 35443,
            dst: [0; 16],
            dport: 0,
        };
        assert_eq!(text("UDPv6", 1, &any6), "UDPv6:[[::]:35443]");
    }

    #[test]
    fn unix_and_netlink_details_are_straces() {
        let mut path = [0u8; PATH_MAX];
        path[..9].copy_from_slice(b"\0abstract");
        let d = Details::Unix {
            peer: 0,
            path,
            len: 9,
        };
        assert_eq!(text("UNIX", 7, &d), "UNIX:[7,@\"abstract\"]");
        let pair = Details::Unix {
            peer: 8,
            path: [0; PATH_MAX],
            len: 0,
        };
        assert_eq!(text("UNIX-STREAM", 7, &pair), "UNIX-STREAM:[7->8]");
        let nl = Details::Netlink {
            protocol: 0,
            portid: 5779,
        };
        assert_eq!(text("NETLINK", 7, &nl), "NETLINK:[ROUTE:5779]");
        let odd = Details::Netlink {
            protocol: 200,
            portid: 1,
        };
        assert_eq!(text("NETLINK", 7, &odd), "NETLINK:[200]");
    }

    #[test]
    fn the_cache_gives_back_what_it_kept() {
        let mut path = [0u8; PATH_MAX];
        path[..4].copy_from_slice(b"/a/b");
        let d = Details::Unix {
            peer: 3,
            path,
            len: 4,
        };
        CACHE.put(4_000_000_001, 1, &d);
        assert_eq!(CACHE.get(4_000_000_001), Some((1, Some(d))));
        assert_eq!(CACHE.get(4_000_000_001 + SLOTS as u32), None);
        let i = Details::Inet {
            v6: true,
            src: [1; 16],
            sport: 1,
            dst: [2; 16],
            dport: 2,
        };
        assert_eq!(decode(&encode(10, &i)), Some((10, i)));
    }

    #[test]
    fn garbage_answers_stop() {
        assert!(matches!(parse(How::Inet, 1, &[]), Step::Stop));
        assert!(matches!(parse(How::Unix, 1, &[0xff; 64]), Step::Stop));
        let mut msg = [0u8; 40];
        msg[..4].copy_from_slice(&40u32.to_ne_bytes());
        msg[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        msg[16] = libc::AF_NETLINK as u8;
        msg[32..36].copy_from_slice(&9u32.to_ne_bytes());
        assert!(matches!(parse(How::Netlink, 8, &msg), Step::More));
        assert!(matches!(parse(How::Netlink, 9, &msg), Step::Found(_)));
        assert!(matches!(parse(How::Inet, 9, &msg), Step::Stop));
    }
}
