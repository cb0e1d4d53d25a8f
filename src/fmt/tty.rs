//! Terminal structs of `ioctl`: the kernel's `struct termios` and `struct winsize`.

use core::fmt::{self, Write};

use crate::mem::Memory;
use crate::text::{emit, Hex};

use super::read::{ne_u32, read_bytes};
use super::scalars::{write_xlat_flags, xlat_name};
use super::Ctx;

/// An `int` socket option value: `[1]`.
/// The kernel's `struct termios` as strace's `decode_termios` abbreviates it: the four
/// flag words, then `...`.
pub(super) fn write_termios<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    use super::xlat as x;
    // c_iflag, c_oflag, c_cflag, c_lflag (u32 each), c_line, c_cc[19]: 36 bytes.
    let Some(b) = read_bytes::<36, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let field = |out: &mut W, table: &[(u64, &'static str)], v: u64, dflt: &str| -> fmt::Result {
        match xlat_name(table, v as u32) {
            Some(name) => out.write_str(name),
            None => emit!(out, Hex(v), " /* ", dflt, " */"),
        }
    };
    let (i, o, c, l) = (
        u64::from(ne_u32(&b, 0)),
        u64::from(ne_u32(&b, 4)),
        u64::from(ne_u32(&b, 8)),
        u64::from(ne_u32(&b, 12)),
    );
    out.write_str("{c_iflag=")?;
    write_xlat_flags(out, &x::TERM_IFLAGS, i, "")?;
    out.write_str(", c_oflag=")?;
    // NLDLY, CRDLY, TABDLY, BSDLY, VTDLY, FFDLY (asm-generic/termbits.h).
    let mut rest = o;
    for (table, mask, dflt) in [
        (&x::TERM_OFLAGS_NLDLY[..], 0o400u64, "NL?"),
        (&x::TERM_OFLAGS_CRDLY[..], 0o3000, "CR?"),
        (&x::TERM_OFLAGS_TABDLY[..], 0o14000, "TAB?"),
        (&x::TERM_OFLAGS_BSDLY[..], 0o20000, "BS?"),
        (&x::TERM_OFLAGS_VTDLY[..], 0o40000, "VT?"),
        (&x::TERM_OFLAGS_FFDLY[..], 0o100000, "FF?"),
    ] {
        field(out, table, o & mask, dflt)?;
        out.write_char('|')?;
        rest &= !mask;
    }
    write_xlat_flags(out, &x::TERM_OFLAGS, rest, "")?;
    out.write_str(", c_cflag=")?;
    // CBAUD, CIBAUD (IBSHIFT 16), CSIZE.
    const CBAUD: u64 = 0o10017;
    const CIBAUD: u64 = CBAUD << 16;
    field(out, &x::BAUD_OPTIONS, c & CBAUD, "B???")?;
    out.write_char('|')?;
    if c & CIBAUD != 0 {
        field(out, &x::BAUD_OPTIONS, (c & CIBAUD) >> 16, "B???")?;
        out.write_str("<<IBSHIFT|")?;
    }
    field(out, &x::TERM_CFLAGS_CSIZE, c & 0o60, "CS?")?;
    out.write_char('|')?;
    write_xlat_flags(out, &x::TERM_CFLAGS, c & !(CBAUD | CIBAUD | 0o60), "")?;
    out.write_str(", c_lflag=")?;
    write_xlat_flags(out, &x::TERM_LFLAGS, l, "")?;
    out.write_str(", ...}")?;
    Ok(true)
}

/// `struct winsize`: `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`.
pub(super) fn write_winsize<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let Some(b) = read_bytes::<8, M>(ctx.mem, addr) else {
        return Ok(false);
    };
    let u = |k: usize| {
        u16::from_ne_bytes([
            b.get(k).copied().unwrap_or(0),
            b.get(k.wrapping_add(1)).copied().unwrap_or(0),
        ])
    };
    emit!(
        out,
        "{ws_row=",
        u(0),
        ", ws_col=",
        u(2),
        ", ws_xpixel=",
        u(4),
        ", ws_ypixel=",
        u(6),
        "}"
    )?;
    Ok(true)
}
