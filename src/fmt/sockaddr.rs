//! Socket addresses (`AF_UNIX`, `AF_INET`, `AF_INET6`, others as bytes) and `struct msghdr`.

use core::fmt::{self, Write};

use crate::args::Dir;
use crate::flags::{AddressFamily, MsgFlags};
use crate::mem::Memory;
use crate::text::{emit, put_digits, write_hex_padded, write_ptr, Hex};

use super::read::{ne_u32, ne_u64, read_bytes};
use super::scalars::{write_enum, write_flags};
use super::strings::Quoter;
use super::structs::write_iovec;
use super::Ctx;

/// A socket address of `len` bytes (at most `sizeof(struct sockaddr_un)`): its family,
/// then the fields of `AF_UNIX`, `AF_INET` and `AF_INET6` addresses, the bytes of others.
pub(super) fn write_sockaddr<W, M>(
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
    match i32::from(family) {
        libc::AF_UNIX if !body.is_empty() => write_sun(out, body)?,
        libc::AF_UNIX => {}
        libc::AF_INET6 if len >= 24 => write_sin6(out, body, len)?,
        libc::AF_INET if len >= 16 => write_sin(out, body)?,
        libc::AF_NETLINK if len >= 12 => write_snl(out, body)?,
        _ => {
            out.write_str(", sa_data=")?;
            write_quoted(out, body)?;
        }
    }
    out.write_char('}')?;
    Ok(true)
}

/// The fields of an `AF_NETLINK` address after its family (`body`: at least 10 bytes),
/// as strace: `nl_pad` only when set, `nl_groups` as `%#08x`.
fn write_snl<W: Write + ?Sized>(out: &mut W, body: &[u8]) -> fmt::Result {
    let u16_at = |i: usize| {
        u16::from_ne_bytes([
            body.get(i).copied().unwrap_or(0),
            body.get(i.wrapping_add(1)).copied().unwrap_or(0),
        ])
    };
    let u32_at = |i: usize| u32::from(u16_at(i)) | u32::from(u16_at(i.wrapping_add(2))) << 16;
    let (pad, pid, groups) = (u16_at(0), u32_at(2), u32_at(6));
    if pad != 0 {
        emit!(out, ", nl_pad=", Hex(u64::from(pad)))?;
    }
    emit!(out, ", nl_pid=", pid as i32, ", nl_groups=")?;
    write_hex_padded(out, u64::from(groups), 8)
}

/// `bytes` quoted and escaped: `"..."`.
fn write_quoted<W: Write + ?Sized>(out: &mut W, bytes: &[u8]) -> fmt::Result {
    out.write_char('"')?;
    let mut q = Quoter::new();
    q.push_all(out, bytes)?;
    q.finish(out)?;
    out.write_char('"')
}

/// The path of an `AF_UNIX` address after its family: `, sun_path="/run/x"`, or
/// `@"name"` for an abstract one (a leading NUL, the name all the bytes after it).
fn write_sun<W: Write + ?Sized>(out: &mut W, body: &[u8]) -> fmt::Result {
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
    write_quoted(out, path.get(..end).unwrap_or(path))
}

/// The fields of an `AF_INET6` address after its family (`len` bytes in all, at least 24;
/// the scope id from 28).
fn write_sin6<W: Write + ?Sized>(out: &mut W, body: &[u8], len: usize) -> fmt::Result {
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
    Ok(())
}

/// The fields of an `AF_INET` address after its family.
fn write_sin<W: Write + ?Sized>(out: &mut W, body: &[u8]) -> fmt::Result {
    let port = u16::from_be_bytes([
        body.first().copied().unwrap_or(0),
        body.get(1).copied().unwrap_or(0),
    ]);
    let ip = body.get(2..6).unwrap_or(&[0, 0, 0, 0]);
    let [a, b, c, d] = [
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
        b,
        ".",
        c,
        ".",
        d,
        "\")"
    )
}

/// An IPv6 address as `inet_ntop` writes it: the longest run of two or more zero groups
/// (the first of equal ones) as `::`, IPv4-mapped and -compatible addresses with a dotted
/// quad (`::ffff:a.b.c.d`, `::a.b.c.d`).
pub(super) fn write_ipv6<W: Write + ?Sized>(out: &mut W, a: [u8; 16]) -> fmt::Result {
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

/// The x86_64 `struct msghdr`.
#[inline(never)]
pub(super) fn write_msghdr<W, M>(
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
    // `recvmsg`: the kernel wrote at most the room it was given.
    let shown = match ctx.before.at(1) {
        Some(room) if ctx.ret.is_some() => namelen.min(room as u32),
        _ => namelen,
    };
    if name == 0 || shown == 0 || !write_sockaddr(out, ctx, name, u64::from(shown))? {
        write_ptr(out, name)?;
    }
    out.write_str(", msg_namelen=")?;
    match ctx.before.at(1) {
        // `recvmsg`: the room given, then what the kernel wrote.
        Some(old) if old != i64::from(namelen) && ctx.ret.is_some() => {
            emit!(out, old as u32, " => ", namelen)?
        }
        _ => emit!(out, namelen)?,
    }
    out.write_str(", msg_iov=")?;
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
