//! Signal sets, `struct sigaction` and wait statuses.

use super::read::{ne_u32, ne_u64, read_bytes};
use super::scalars::write_flags;
use super::Ctx;
use crate::abi::Abi;
use crate::flags::{SaFlags, Signal};
use crate::mem::Memory;
use crate::text::{emit, write_ptr, Hex};
use core::fmt::{self, Write};

/// strace's rendering of a `wait` status.
pub(super) fn write_wait_status<W: Write + ?Sized>(out: &mut W, st: u32) -> fmt::Result {
    let low = st & 0x7f;
    if low == 0 {
        emit!(
            out,
            "[{WIFEXITED(s) && WEXITSTATUS(s) == ",
            (st >> 8) & 0xff,
            "}]"
        )
    } else if st & 0xff == 0x7f {
        out.write_str("[{WIFSTOPPED(s) && WSTOPSIG(s) == ")?;
        Signal(((st >> 8) & 0xff) as i32).write(out, false)?;
        if st >> 16 != 0 {
            emit!(out, "} | ", Hex((st & 0xffff_0000) as u64), "]")
        } else {
            out.write_str("}]")
        }
    } else if st == 0xffff {
        out.write_str("[{WIFCONTINUED(s)}]")
    } else {
        out.write_str("[{WIFSIGNALED(s) && WTERMSIG(s) == ")?;
        Signal(low as i32).write(out, false)?;
        if st & 0x80 != 0 {
            out.write_str(" && WCOREDUMP(s)")?;
        }
        out.write_str("}]")
    }
}

/// `struct sigaction` (kernel layout; compat for i386 and x32).
#[inline(never)]
pub(super) fn write_sigaction<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let (handler, flags, restorer, mask) = if ctx.abi == Abi::X86_64 {
        let Some(b) = read_bytes::<32, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let w = |i: usize| ne_u64(&b, i);
        (w(0), w(8), w(16), w(24))
    } else {
        // compat: u32 handler, flags, restorer, then a 64-bit mask.
        let Some(b) = read_bytes::<20, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let w = |i: usize| u64::from(ne_u32(&b, i));
        (w(0), w(4), w(8), w(12) | (w(16) << 32))
    };
    out.write_str("{sa_handler=")?;
    match handler {
        0 => out.write_str("SIG_DFL")?,
        1 => out.write_str("SIG_IGN")?,
        h => emit!(out, Hex(h))?,
    }
    out.write_str(", sa_mask=")?;
    write_sigset(out, mask, 64)?;
    out.write_str(", sa_flags=")?;
    write_flags::<SaFlags, W>(out, flags)?;
    if flags & SaFlags::SA_RESTORER.bits() != 0 {
        out.write_str(", sa_restorer=")?;
        write_ptr(out, restorer)?;
    }
    out.write_char('}')?;
    Ok(true)
}

/// `[USR1 CHLD]`, or `~[...]` of the missing ones when more than half of `nsig` are set.
pub(super) fn write_sigset<W: Write + ?Sized>(out: &mut W, set: u64, nsig: u64) -> fmt::Result {
    let mask = if nsig >= 64 {
        u64::MAX
    } else {
        (1u64 << nsig).wrapping_sub(1)
    };
    let mut set = set & mask;
    if u64::from(set.count_ones()).saturating_mul(2) > nsig {
        out.write_char('~')?;
        set = !set & mask;
    }
    out.write_char('[')?;
    let mut first = true;
    for bit in 0..64u32 {
        if set & (1u64 << bit) != 0 {
            if !first {
                out.write_char(' ')?;
            }
            Signal(bit.saturating_add(1) as i32).write(out, true)?;
            first = false;
        }
    }
    out.write_char(']')
}
