//! Socket option values of `getsockopt`/`setsockopt`.

use core::fmt::{self, Write};

use crate::mem::Memory;
use crate::text::emit;

use super::read::{ne_u32, read_bytes, read_u32};
use super::strings::write_struct_buf;
use super::structs::At;
use super::Ctx;

/// A socket option's value of `count` bytes, as strace's `print_getsockopt` and
/// `print_setsockopt`: the address for a length that is not positive, `SO_LINGER` and
/// `SO_PEERCRED` as structs, an `int` as `[N]`, other lengths as a string.
pub(super) fn write_sockopt_val<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, count, .. } = *at;
    let len = count as u32 as i32;
    if len <= 0 {
        return Ok(false);
    }
    let (level, name) = (ctx.raw(1) as u32, ctx.raw(2) as u32);
    // strace's `PRINT_FIELD_ID`: `(uid_t) -1` as `-1`.
    let id = |v: u32| if v == u32::MAX { -1 } else { i64::from(v) };
    let socket = level == libc::SOL_SOCKET as u32;
    // strace's SOL_SOCKET decoders want the whole value: shorter, the address.
    let need = match name as i32 {
        libc::SO_LINGER => 8,
        libc::SO_PEERCRED => 12,
        _ => 4,
    };
    if socket && len < need {
        return Ok(false);
    }
    if socket && name == libc::SO_LINGER as u32 && len >= 8 {
        if let Some(b) = read_bytes::<8, M>(ctx.mem, addr) {
            emit!(
                out,
                "{l_onoff=",
                ne_u32(&b, 0) as i32,
                ", l_linger=",
                ne_u32(&b, 4) as i32,
                "}"
            )?;
            return Ok(true);
        }
    }
    if socket && name == libc::SO_PEERCRED as u32 && len >= 12 {
        if let Some(b) = read_bytes::<12, M>(ctx.mem, addr) {
            emit!(
                out,
                "{pid=",
                ne_u32(&b, 0) as i32,
                ", uid=",
                id(ne_u32(&b, 4)),
                ", gid=",
                id(ne_u32(&b, 8)),
                "}"
            )?;
            return Ok(true);
        }
    }
    if len == 4 {
        return write_sockopt_int(out, ctx, at);
    }
    write_struct_buf(out, ctx, addr, count)
}

pub(super) fn write_sockopt_int<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let Some(v) = read_u32(ctx.mem, addr) else {
        return Ok(false);
    };
    emit!(out, "[", v as i32, "]")?;
    Ok(true)
}
