//! Signal sets, `struct sigaction` and wait statuses.

use core::fmt::{self, Write};

use crate::arch::SIGACTION_HAS_RESTORER;
use crate::flags::{SaFlags, Signal, SsFlags};
use crate::mem::Memory;
use crate::text::{emit, write_ptr, Hex};

use super::read::{ne_u32, ne_u64, read_bytes, read_u32};
use super::scalars::write_flags;
use super::structs::At;
use super::Ctx;

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
    let (handler, flags, restorer, mask) = if !ctx.abi.is_compat() && !SIGACTION_HAS_RESTORER {
        // riscv64: no `sa_restorer` field.
        let Some(b) = read_bytes::<24, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let w = |i: usize| ne_u64(&b, i);
        (w(0), w(8), 0, w(16))
    } else if !ctx.abi.is_compat() {
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

/// A signal set of `count` bytes (at most 8: the kernel's `sigset_t`).
pub(super) fn write_sigset_at<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, count, .. } = *at;
    let bytes = count.min(8);
    if bytes == 0 || (count > 8 && count != 0) {
        return Ok(false);
    }
    let mut b = [0u8; 8];
    let want = b.get_mut(..bytes as usize).unwrap_or(&mut []);
    match ctx.mem.read(addr, want) {
        Ok(n) if n as u64 == bytes => {}
        _ => return Ok(false),
    }
    write_sigset(out, u64::from_ne_bytes(b), bytes.saturating_mul(8))?;
    Ok(true)
}

/// The wait status a successful `wait4` wrote.
pub(super) fn write_wait_status_at<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    if ctx.ret_len() == 0 {
        return Ok(false);
    }
    let Some(st) = read_u32(ctx.mem, addr) else {
        return Ok(false);
    };
    write_wait_status(out, st)?;
    Ok(true)
}

/// `stack_t` of `sigaltstack` (compat layout for i386 and x32).
pub(super) fn write_stack_t<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { addr, .. } = *at;
    let (sp, flags, size) = if ctx.compat() {
        let Some(b) = read_bytes::<12, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        let [a0, a1, a2, a3, f0, f1, f2, f3, s0, s1, s2, s3] = b;
        (
            u64::from(u32::from_ne_bytes([a0, a1, a2, a3])),
            u32::from_ne_bytes([f0, f1, f2, f3]),
            u64::from(u32::from_ne_bytes([s0, s1, s2, s3])),
        )
    } else {
        let Some(b) = read_bytes::<24, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        (ne_u64(&b, 0), ne_u32(&b, 8), ne_u64(&b, 16))
    };
    out.write_str("{ss_sp=")?;
    write_ptr(out, sp)?;
    out.write_str(", ss_flags=")?;
    write_flags::<SsFlags, W>(out, u64::from(flags))?;
    emit!(out, ", ss_size=", size, "}")?;
    Ok(true)
}
