//! The decoded suffixes strace prints after some results (`= 0 (Timeout)`, `(flags ...)`).

use core::fmt::{self, Write};

use syscalls::x86_64::Sysno;

use crate::abi::Abi;
use crate::args::{Arg, Described, Dir, StructType};
use crate::flags::{
    FcntlCmd, FdFlags, OFlags, PollEvents, PrctlOption, Signal, StraceEnum, StraceFlags,
};
use crate::mem::Memory;
use crate::text::{emit, write_hex};

use super::before::Before;
use super::read::read_bytes;
use super::scalars::write_flags;
use super::{Ctx, Options};

/// `select`/`pselect6`'s ready descriptors and remaining time, as strace's
/// `decode_select` writes them: ` (in [3 4], out [5], left {tv_sec=0, tv_nsec=0})` (and
/// its `]` after each set read once any text is there).
fn select_suffix<W, M>(out: &mut W, ctx: &Ctx<'_, M>, ret: i64, pselect: bool) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let nfds = (ctx.raw(0) as u32 as i32).clamp(0, 1024) as u64;
    let words = nfds.div_ceil(64);
    let mut ready = ret;
    let mut any = false;
    let mut sep = "";
    out.write_str(" (")?;
    for (i, name) in [(1u8, "in"), (2, "out"), (3, "except")] {
        if ready <= 0 {
            break;
        }
        let addr = ctx.raw(i);
        if addr == 0 || (words > 0 && read_bytes::<8, M>(ctx.mem, addr).is_none()) {
            continue;
        }
        let mut first = true;
        'set: for w in 0..words {
            let Some(b) = read_bytes::<8, M>(ctx.mem, addr.wrapping_add(w.wrapping_mul(8))) else {
                break;
            };
            let bits = u64::from_ne_bytes(b);
            for bit in 0..64u64 {
                let fd = w.wrapping_mul(64).wrapping_add(bit);
                if fd >= nfds {
                    break 'set;
                }
                if bits & (1 << bit) == 0 {
                    continue;
                }
                if first {
                    emit!(out, sep, name, " [", fd)?;
                    first = false;
                    sep = ", ";
                    any = true;
                } else {
                    emit!(out, " ", fd)?;
                }
                ready = ready.saturating_sub(1);
                if ready == 0 {
                    break 'set;
                }
            }
        }
        if any {
            out.write_char(']')?;
        }
    }
    let timeout = ctx.raw(4);
    if timeout != 0 {
        emit!(out, sep, "left ")?;
        let at = super::structs::At {
            ty: if pselect {
                StructType::Timespec
            } else {
                StructType::Timeval
            },
            addr: timeout,
            count: 0,
            array: false,
            dir: Dir::Out,
        };
        if !super::structs::write_struct(out, ctx, &at)? {
            crate::text::write_ptr(out, timeout)?;
        }
    }
    out.write_char(')')
}

/// strace's decoded suffix after the result, for the calls that have one.
// Long (about 90 lines) on purpose: one arm per call with a decoded suffix.
pub(super) fn result_suffix<W, M>(
    out: &mut W,
    t: &Described,
    ret: i64,
    abi: Abi,
    mem: &M,
    opts: &Options,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let raw = |i: usize| t.raw.get(i).copied().unwrap_or(0);
    let Some(sysno) = t.sysno else {
        return Ok(());
    };
    match sysno {
        Sysno::poll | Sysno::ppoll | Sysno::select | Sysno::pselect6 if ret == 0 => {
            out.write_str(" (Timeout)")
        }
        Sysno::select | Sysno::pselect6 if ret > 0 => {
            let ctx = Ctx {
                mem,
                opts,
                abi,
                ret: Some(ret),
                raw: &t.raw,
                time32: abi.is_ilp32(),
                sysno: t.sysno,
                before: &Before::NONE,
            };
            select_suffix(out, &ctx, ret, sysno == Sysno::pselect6)
        }
        Sysno::poll | Sysno::ppoll => {
            let ctx = Ctx {
                mem,
                opts,
                abi,
                ret: Some(ret),
                raw: &t.raw,
                time32: abi.is_ilp32(),
                sysno: t.sysno,
                before: &Before::NONE,
            };
            let (addr, n) = (raw(0), raw(1));
            if read_bytes::<8, M>(ctx.mem, addr).is_none() {
                return Ok(());
            }
            out.write_str(" ([")?;
            let mut first = true;
            for k in 0..n.min(opts.string_limit as u64) {
                let Some(b) = read_bytes::<8, M>(mem, addr.wrapping_add(k.wrapping_mul(8))) else {
                    break;
                };
                let [f0, f1, f2, f3, _, _, r0, r1] = b;
                let revents = u16::from_ne_bytes([r0, r1]);
                if revents == 0 {
                    continue;
                }
                if !first {
                    out.write_str(", ")?;
                }
                emit!(
                    out,
                    "{fd=",
                    i32::from_ne_bytes([f0, f1, f2, f3]),
                    ", revents="
                )?;
                write_flags::<PollEvents, W>(out, u64::from(revents))?;
                out.write_char('}')?;
                first = false;
            }
            out.write_char(']')?;
            let timeout = raw(2);
            if sysno == Sysno::ppoll && timeout != 0 {
                // The time left, which the kernel wrote back.
                out.write_str(", left ")?;
                let at = super::structs::At {
                    ty: StructType::Timespec,
                    addr: timeout,
                    count: 0,
                    array: false,
                    dir: Dir::Out,
                };
                if !super::structs::write_struct(out, &ctx, &at)? {
                    crate::text::write_ptr(out, timeout)?;
                }
            }
            out.write_char(')')
        }
        _ => Ok(()),
    }
}

/// Results strace prints in a form of their own (a successful `ret` only).
pub(super) fn special_result<W: Write + ?Sized>(
    out: &mut W,
    t: &Described,
    ret: i64,
    opts: &Options,
) -> Option<fmt::Result> {
    let hex_flags = |out: &mut W, spec: &crate::flags::FlagSpec| -> fmt::Result {
        out.write_str(" = ")?;
        write_hex(out, ret as u64)?;
        out.write_str(" (flags ")?;
        spec.write(out, ret as u64)?;
        out.write_char(')')
    };
    let sysno = t.sysno?;
    match sysno {
        Sysno::fcntl => match t.value(1, t.kind(1)) {
            Arg::FcntlCmd(FcntlCmd::F_GETFD) if ret != 0 => Some(hex_flags(out, &FdFlags::SPEC)),
            Arg::FcntlCmd(FcntlCmd::F_GETFL) => Some(hex_flags(out, &OFlags::SPEC)),
            Arg::FcntlCmd(FcntlCmd::F_DUPFD | FcntlCmd::F_DUPFD_CLOEXEC)
                if super::fds::decorated(opts) =>
            {
                let r = (|| {
                    out.write_str(" = ")?;
                    super::fds::write_fd(out, ret, opts)
                })();
                Some(r)
            }
            _ => None,
        },
        Sysno::rt_sigtimedwait if ret > 0 => {
            let r = (|| {
                emit!(out, " = ", ret, " (")?;
                Signal(ret as i32).write(out, false)?;
                out.write_char(')')
            })();
            Some(r)
        }
        Sysno::prctl if t.value(0, t.kind(0)) == Arg::PrctlOption(PrctlOption::PR_GET_DUMPABLE) => {
            let name = match ret {
                0 => "SUID_DUMP_DISABLE",
                1 => "SUID_DUMP_USER",
                2 => "SUID_DUMP_ROOT",
                _ => return None,
            };
            Some((|| emit!(out, " = ", ret, " (", name, ")"))())
        }
        Sysno::prctl if ret > 0 => prctl_result(out, t, ret),
        _ => None,
    }
}

/// The results strace explains for `prctl`'s getters: `PR_GET_SECUREBITS` in hex with its
/// bits, `PR_MCE_KILL_GET` with the policy's name.
fn prctl_result<W: Write + ?Sized>(out: &mut W, t: &Described, ret: i64) -> Option<fmt::Result> {
    match t.value(0, t.kind(0)) {
        Arg::PrctlOption(PrctlOption::PR_GET_SECUREBITS) => Some((|| {
            out.write_str(" = ")?;
            write_hex(out, ret as u64)?;
            out.write_str(" (")?;
            let mut first = true;
            for &(bits, name) in super::xlat::SECBITS.iter() {
                if ret as u64 & bits != 0 {
                    if !first {
                        out.write_char('|')?;
                    }
                    out.write_str(name)?;
                    first = false;
                }
            }
            out.write_char(')')
        })()),
        Arg::PrctlOption(PrctlOption::PR_MCE_KILL_GET) => {
            let name = crate::flags::PrMceKillPolicy::SPEC.name(ret as u64)?;
            Some((|| emit!(out, " = ", ret, " (", name, ")"))())
        }
        _ => None,
    }
}
