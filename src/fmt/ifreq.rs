//! `struct ifreq` of the network device `ioctl`s (`SIOCGIFINDEX`, `SIOCGIFFLAGS`, ...), as
//! strace's `sock_ioctl` prints it: `{ifr_name="lo", ifr_ifindex=1}`. The name (or, for
//! `SIOCGIFNAME`, the index) is what the call reads; the field after it is the request's,
//! shown for a set request and, for a get request, once the call succeeded.

use core::fmt::{self, Write};

use crate::mem::Memory;
use crate::text::emit;

use super::read::read_bytes;
use super::Ctx;

/// `IFNAMSIZ`.
const NAME_SIZE: usize = 16;

/// What follows the name in an `ifreq` for a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Index,
    Name,
    Flags,
    Metric,
    Mtu,
    TxQueueLen,
    Addr(&'static str),
}

/// The field of request `code` (the low 16 bits: `0x89xx`) and whether the kernel writes
/// it (a get request); `None` for a request not decoded here.
fn field(code: u16) -> Option<(Field, bool)> {
    Some(match code {
        0x8933 => (Field::Index, true),
        0x8910 => (Field::Name, true),
        0x8913 => (Field::Flags, true),
        0x8914 => (Field::Flags, false),
        0x891d => (Field::Metric, true),
        0x891e => (Field::Metric, false),
        0x8921 => (Field::Mtu, true),
        0x8922 => (Field::Mtu, false),
        0x8942 => (Field::TxQueueLen, true),
        0x8943 => (Field::TxQueueLen, false),
        0x8915 => (Field::Addr("ifr_addr"), true),
        0x8916 => (Field::Addr("ifr_addr"), false),
        0x8917 => (Field::Addr("ifr_dstaddr"), true),
        0x8918 => (Field::Addr("ifr_dstaddr"), false),
        0x8919 => (Field::Addr("ifr_broadaddr"), true),
        0x891a => (Field::Addr("ifr_broadaddr"), false),
        0x891b => (Field::Addr("ifr_netmask"), true),
        0x891c => (Field::Addr("ifr_netmask"), false),
        _ => return None,
    })
}

/// The `ifreq` at `addr` for request `code`; `Ok(false)` if it cannot be read.
pub(super) fn write_ifreq<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    code: u16,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some((field, get)) = field(code) else {
        return Ok(false);
    };
    // ifr_name[16], then the union (24 bytes on 64-bit ABIs; what is read of it: 16).
    let Some(b) = read_bytes::<32, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let int = |at: usize| {
        b.get(at..at.saturating_add(4))
            .and_then(|s| s.first_chunk::<4>())
            .map_or(0, |s| i32::from_ne_bytes(*s))
    };
    let name = b.get(..NAME_SIZE).unwrap_or(&[]);
    let shown = !get || ctx.output_ready();
    out.write_char('{')?;
    if field == Field::Name {
        emit!(out, "ifr_ifindex=", int(NAME_SIZE))?;
        if shown {
            out.write_str(", ifr_name=")?;
            write_name(out, ctx, name)?;
        }
        return out.write_char('}').map(|()| true);
    }
    out.write_str("ifr_name=")?;
    write_name(out, ctx, name)?;
    if shown {
        out.write_str(", ")?;
        let v = int(NAME_SIZE);
        match field {
            Field::Index => emit!(out, "ifr_ifindex=", v)?,
            Field::Metric => emit!(out, "ifr_metric=", v)?,
            Field::Mtu => emit!(out, "ifr_mtu=", v)?,
            Field::TxQueueLen => emit!(out, "ifr_qlen=", v)?,
            Field::Flags => {
                out.write_str("ifr_flags=")?;
                let flags = u64::from(v as u32 as u16);
                super::scalars::write_xlat_flags(out, &super::xlat::IFF_FLAGS, flags, "IFF_???")?;
            }
            Field::Addr(label) => {
                emit!(out, label, "=")?;
                let at = addr.wrapping_add(NAME_SIZE as u64);
                if !super::sockaddr::write_sockaddr(out, ctx, at, 16)? {
                    crate::text::write_ptr(out, at)?;
                }
            }
            Field::Name => {}
        }
    }
    out.write_char('}').map(|()| true)
}

/// `ifr_name`: quoted up to its NUL, or all 16 bytes and `...` without one.
fn write_name<W, M>(out: &mut W, ctx: &Ctx<'_, M>, name: &[u8]) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    super::strings::write_quoted(out, name, ctx.opts)?;
    if !name.contains(&0) {
        out.write_str("...")?;
    }
    Ok(())
}
