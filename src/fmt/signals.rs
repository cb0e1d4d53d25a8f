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

/// strace's name of a `si_code`: the generic codes first, then the signal's own table
/// (strace's `siginfo_codes`, `sigchld_codes`, `sigsegv_codes`... in its x86 reading).
// Long (about 90 lines) on purpose: the si_code names per signal, strace's tables.
fn si_code_name(signo: i32, code: i32) -> Option<&'static str> {
    let generic = match code {
        0 => Some("SI_USER"),
        0x80 => Some("SI_KERNEL"),
        -1 => Some("SI_QUEUE"),
        -2 => Some("SI_TIMER"),
        -3 => Some("SI_MESGQ"),
        -4 => Some("SI_ASYNCIO"),
        -5 => Some("SI_SIGIO"),
        -6 => Some("SI_TKILL"),
        -7 => Some("SI_DETHREAD"),
        -60 => Some("SI_ASYNCNL"),
        _ => None,
    };
    if generic.is_some() {
        return generic;
    }
    let table: &[&'static str] = match signo {
        libc::SIGTRAP => &[
            "TRAP_BRKPT",
            "TRAP_TRACE",
            "TRAP_BRANCH",
            "TRAP_HWBKPT",
            "TRAP_UNK",
            "TRAP_PERF",
        ],
        libc::SIGCHLD => &[
            "CLD_EXITED",
            "CLD_KILLED",
            "CLD_DUMPED",
            "CLD_TRAPPED",
            "CLD_STOPPED",
            "CLD_CONTINUED",
        ],
        libc::SIGIO => &[
            "POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP",
        ],
        libc::SIGILL => &[
            "ILL_ILLOPC",
            "ILL_ILLOPN",
            "ILL_ILLADR",
            "ILL_ILLTRP",
            "ILL_PRVOPC",
            "ILL_PRVREG",
            "ILL_COPROC",
            "ILL_BADSTK",
            "ILL_BADIADDR",
        ],
        libc::SIGFPE => &[
            "FPE_INTDIV",
            "FPE_INTOVF",
            "FPE_FLTDIV",
            "FPE_FLTOVF",
            "FPE_FLTUND",
            "FPE_FLTRES",
            "FPE_FLTINV",
            "FPE_FLTSUB",
            "",
            "",
            "",
            "",
            "",
            "FPE_FLTUNK",
            "FPE_CONDTRAP",
        ],
        libc::SIGSEGV => &[
            "SEGV_MAPERR",
            "SEGV_ACCERR",
            "SEGV_BNDERR",
            "SEGV_PKUERR",
            "SEGV_ACCADI",
            "SEGV_ADIDERR",
            "SEGV_ADIPERR",
            "SEGV_MTEAERR",
            "SEGV_MTESERR",
        ],
        libc::SIGBUS => &[
            "BUS_ADRALN",
            "BUS_ADRERR",
            "BUS_OBJERR",
            "BUS_MCEERR_AR",
            "BUS_MCEERR_AO",
        ],
        libc::SIGSYS => &["SYS_SECCOMP", "SYS_USER_DISPATCH"],
        _ => &[],
    };
    let i = usize::try_from(code).ok()?.checked_sub(1)?;
    table.get(i).copied().filter(|s| !s.is_empty())
}

/// `si_utime`/`si_stime` as strace prints a `clock_t`: the ticks, and the seconds in a
/// comment when not zero (`5 /* 0.05 s */`, at the kernel's 100 ticks a second).
fn write_clock_t<W: Write + ?Sized>(out: &mut W, ticks: u64) -> fmt::Result {
    emit!(out, ticks)?;
    if ticks > 0 {
        let cs = ticks % 100;
        emit!(out, " /* ", ticks / 100, ".")?;
        if cs < 10 {
            out.write_char('0')?;
        }
        emit!(out, cs, " s */")?;
    }
    Ok(())
}

/// The 64-bit `siginfo_t` (128 bytes, the kernel's layout) as strace prints it:
/// `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0, si_utime=0,
/// si_stime=0}`.
// Long (about 135 lines) on purpose: the siginfo layout of each signal kind, in strace's
// field order, read as one.
pub(super) fn write_siginfo_bytes<W: Write + ?Sized>(out: &mut W, b: &[u8; 128]) -> fmt::Result {
    let i32_at = |i: usize| ne_u32(b, i) as i32;
    let (signo, errno, code) = (i32_at(0), i32_at(4), i32_at(8));
    out.write_char('{')?;
    if signo == 0 {
        return out.write_char('}');
    }
    out.write_str("si_signo=")?;
    Signal(signo).write(out, false)?;
    out.write_str(", si_code=")?;
    match si_code_name(signo, code) {
        Some(name) => out.write_str(name)?,
        // strace prints an unknown code as the unsigned hex number.
        None => crate::text::write_hex(out, u64::from(code as u32))?,
    }
    if errno != 0 {
        out.write_str(", si_errno=")?;
        match syscalls::Errno::new(errno).name() {
            Some(name) => out.write_str(name)?,
            None => emit!(out, errno as u32)?,
        }
    }
    let source = |out: &mut W| emit!(out, ", si_pid=", i32_at(16), ", si_uid=", ne_u32(b, 20));
    let value = |out: &mut W| {
        emit!(out, ", si_int=", i32_at(24), ", si_ptr=")?;
        write_ptr(out, ne_u64(b, 24))
    };
    let addr = |out: &mut W| {
        out.write_str(", si_addr=")?;
        write_ptr(out, ne_u64(b, 16))
    };
    if code <= 0 {
        match code {
            -2 => {
                emit!(
                    out,
                    ", si_timerid=",
                    Hex(u64::from(ne_u32(b, 16))),
                    ", si_overrun=",
                    i32_at(20)
                )?;
                value(out)?;
            }
            -5 => emit!(
                out,
                ", si_band=",
                ne_u64(b, 16) as i64,
                ", si_fd=",
                i32_at(24)
            )?,
            0 | -6 => source(out)?,
            _ => {
                source(out)?;
                if ne_u64(b, 24) != 0 {
                    value(out)?;
                }
            }
        }
    } else {
        match signo {
            libc::SIGCHLD => {
                source(out)?;
                out.write_str(", si_status=")?;
                if code == libc::CLD_EXITED {
                    emit!(out, i32_at(24))?;
                } else {
                    Signal(i32_at(24)).write(out, false)?;
                }
                out.write_str(", si_utime=")?;
                write_clock_t(out, ne_u64(b, 32))?;
                out.write_str(", si_stime=")?;
                write_clock_t(out, ne_u64(b, 40))?;
            }
            libc::SIGILL | libc::SIGFPE | libc::SIGTRAP => addr(out)?,
            libc::SIGBUS => {
                addr(out)?;
                if code == 4 || code == 5 {
                    emit!(
                        out,
                        ", si_addr_lsb=",
                        Hex(u64::from(ne_u32(b, 24) & 0xffff))
                    )?;
                }
            }
            libc::SIGSEGV => {
                addr(out)?;
                match code {
                    3 => {
                        out.write_str(", si_lower=")?;
                        write_ptr(out, ne_u64(b, 32))?;
                        out.write_str(", si_upper=")?;
                        write_ptr(out, ne_u64(b, 40))?;
                    }
                    4 => emit!(out, ", si_pkey=", ne_u32(b, 32))?,
                    _ => {}
                }
            }
            libc::SIGIO if (1..=6).contains(&code) => {
                emit!(
                    out,
                    ", si_band=",
                    ne_u64(b, 16) as i64,
                    ", si_fd=",
                    i32_at(24)
                )?;
            }
            libc::SIGIO => {}
            libc::SIGSYS => {
                out.write_str(", si_call_addr=")?;
                write_ptr(out, ne_u64(b, 16))?;
                let (nr, arch) = (i32_at(24), ne_u32(b, 28));
                emit!(out, ", si_syscall=")?;
                match crate::abi::Abi::from_audit_arch(arch, nr)
                    .and_then(|abi| crate::sysno::AbiSysno::new(abi, abi.table_number(nr)))
                {
                    Some(s) => emit!(out, "__NR_", s.name())?,
                    None => emit!(out, nr as u32)?,
                }
                out.write_str(", si_arch=")?;
                match audit_arch_name(arch) {
                    Some(name) => out.write_str(name)?,
                    None => emit!(out, Hex(u64::from(arch)), " /* AUDIT_ARCH_??? */")?,
                }
            }
            _ => {
                if ne_u32(b, 16) != 0 || ne_u32(b, 20) != 0 {
                    source(out)?;
                }
                if ne_u64(b, 24) != 0 {
                    value(out)?;
                }
            }
        }
    }
    out.write_char('}')
}

/// A `siginfo_t` behind a pointer (the 64-bit layout; compat callers print the address).
pub(super) fn write_siginfo_at<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if ctx.compat() {
        return Ok(false);
    }
    let Some(b) = read_bytes::<128, M>(ctx.mem, at.addr) else {
        return Ok(false);
    };
    write_siginfo_bytes(out, &b)?;
    Ok(true)
}

/// The `AUDIT_ARCH_*` names of the architectures Linux runs on that a sandbox meets
/// (strace's `audit_arch` table, the values of `<linux/audit.h>`).
fn audit_arch_name(arch: u32) -> Option<&'static str> {
    Some(match arch {
        0xC000_003E => "AUDIT_ARCH_X86_64",
        0x4000_0003 => "AUDIT_ARCH_I386",
        0xC000_00B7 => "AUDIT_ARCH_AARCH64",
        0x4000_0028 => "AUDIT_ARCH_ARM",
        0xC000_00F3 => "AUDIT_ARCH_RISCV64",
        0x4000_00F3 => "AUDIT_ARCH_RISCV32",
        0x8000_0016 => "AUDIT_ARCH_S390X",
        0xC000_0015 => "AUDIT_ARCH_PPC64LE",
        0x8000_0015 => "AUDIT_ARCH_PPC64",
        0xC000_0102 => "AUDIT_ARCH_LOONGARCH64",
        _ => return None,
    })
}
