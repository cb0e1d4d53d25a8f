//! Time structs (`timespec`, `timeval`, their pairs and intervals) and UTC dates.

use core::fmt::{self, Write};

use crate::args::StructType;
use crate::mem::Memory;
use crate::text::{emit, put_padded_dec};

use super::read::{read_bytes, split16};
use super::structs::At;
use super::Ctx;

/// Two `long`s of a time struct (`tv_sec`, `tv_nsec`/`tv_usec`); 32-bit only for i386.
pub(super) fn read_time_pair<M: Memory + ?Sized>(
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Option<(i64, i64)> {
    if ctx.time32 {
        let b = read_bytes::<8, M>(ctx.mem, addr)?;
        let [a0, a1, a2, a3, b0, b1, b2, b3] = b;
        Some((
            i64::from(i32::from_ne_bytes([a0, a1, a2, a3])),
            i64::from(i32::from_ne_bytes([b0, b1, b2, b3])),
        ))
    } else {
        let b = read_bytes::<16, M>(ctx.mem, addr)?;
        let (s, ns) = split16(b);
        Some((s as i64, ns as i64))
    }
}

/// Two consecutive time pairs (`timespec[2]`, `itimerspec`, ...).
pub(super) fn read_two_time_pairs<M: Memory + ?Sized>(
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Option<((i64, i64), (i64, i64))> {
    let first = read_time_pair(ctx, addr)?;
    let second = read_time_pair(ctx, addr.wrapping_add(time_pair_size(ctx)))?;
    Some((first, second))
}

pub(super) fn time_pair_size<M: Memory + ?Sized>(ctx: &Ctx<'_, M>) -> u64 {
    if ctx.time32 {
        8
    } else {
        16
    }
}

pub(super) fn write_timespec<W: Write + ?Sized>(
    out: &mut W,
    (s, ns): (i64, i64),
    usec: bool,
) -> fmt::Result {
    let field = if usec { "tv_usec" } else { "tv_nsec" };
    emit!(out, "{tv_sec=", s, ", ", field, "=")?;
    match ns {
        0x3fff_ffff if !usec => out.write_str("UTIME_NOW")?,
        0x3fff_fffe if !usec => out.write_str("UTIME_OMIT")?,
        _ => emit!(out, ns)?,
    }
    out.write_char('}')
}

/// A file time of `utimensat`/`utimes`: `UTIME_NOW`, `UTIME_OMIT`, or the time with its
/// date in a comment (`{tv_sec=1, tv_nsec=0} /* 1970-01-01T00:00:01+0000 */`, in UTC).
/// As strace's `sprinttime_ex`, no comment for the epoch itself (`{tv_sec=0,
/// tv_nsec=0}`), for a fraction out of range (negative, or a second or more) and for a
/// year `struct tm` cannot hold.
pub(super) fn write_file_time<W: Write + ?Sized>(
    out: &mut W,
    (s, ns): (i64, i64),
    usec: bool,
) -> fmt::Result {
    match ns {
        0x3fff_ffff if !usec => return out.write_str("UTIME_NOW"),
        0x3fff_fffe if !usec => return out.write_str("UTIME_OMIT"),
        _ => {}
    }
    write_timespec(out, (s, ns), usec)?;
    write_time_comment(out, s, ns, usec)
}

/// ` /* 2026-12-01T03:54:38.142164487+0000 */`, the date strace's `sprinttime_nsec` (or
/// `_usec`) writes after a time: nothing for the epoch itself (`0, 0`), for a fraction out
/// of range (negative, or a second or more) and for a year `struct tm` cannot hold.
pub(super) fn write_time_comment<W: Write + ?Sized>(
    out: &mut W,
    s: i64,
    ns: i64,
    usec: bool,
) -> fmt::Result {
    let max = if usec { 999_999 } else { 999_999_999 };
    // A year beyond `int` (about 68 billion years either way): `localtime` fails.
    let year_fits = s.unsigned_abs() < 67_767_976_233_316_800;
    if (s, ns) == (0, 0) || !(0..=max).contains(&ns) || !year_fits {
        return Ok(());
    }
    out.write_str(" /* ")?;
    write_utc(out, s)?;
    if ns != 0 {
        out.write_char('.')?;
        put_padded_dec(out, ns.unsigned_abs(), if usec { 6 } else { 9 })?;
    }
    out.write_str("+0000 */")
}

/// `YYYY-MM-DDTHH:MM:SS` of a Unix time, in UTC (proleptic Gregorian calendar).
pub(super) fn write_utc<W: Write + ?Sized>(out: &mut W, t: i64) -> fmt::Result {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = doe
        .saturating_sub(doe / 1460)
        .saturating_add(doe / 36_524)
        .saturating_sub(doe / 146_096)
        / 365;
    let doy = doe.saturating_sub(
        yoe.saturating_mul(365)
            .saturating_add(yoe / 4)
            .saturating_sub(yoe / 100),
    );
    let mp = doy.saturating_mul(5).saturating_add(2) / 153;
    let day = doy
        .saturating_sub(mp.saturating_mul(153).saturating_add(2) / 5)
        .saturating_add(1);
    let month = if mp < 10 {
        mp.saturating_add(3)
    } else {
        mp.saturating_sub(9)
    };
    let year = yoe
        .saturating_add(era.saturating_mul(400))
        .saturating_add(i64::from(month <= 2));
    if year < 0 {
        out.write_char('-')?;
    }
    put_padded_dec(out, year.unsigned_abs(), 4)?;
    out.write_char('-')?;
    put_padded_dec(out, month.unsigned_abs(), 2)?;
    out.write_char('-')?;
    put_padded_dec(out, day.unsigned_abs(), 2)?;
    out.write_char('T')?;
    put_padded_dec(out, (secs / 3600).unsigned_abs(), 2)?;
    out.write_char(':')?;
    put_padded_dec(out, (secs % 3600 / 60).unsigned_abs(), 2)?;
    out.write_char(':')?;
    put_padded_dec(out, (secs % 60).unsigned_abs(), 2)
}

/// `struct timespec` or `struct timeval`: `{tv_sec=1, tv_nsec=0}`.
pub(super) fn write_time<W, M>(out: &mut W, ctx: &Ctx<'_, M>, at: &At) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { ty, addr, .. } = *at;
    let Some(tp) = read_time_pair(ctx, addr) else {
        return Ok(false);
    };
    write_timespec(out, tp, ty == StructType::Timeval)?;
    Ok(true)
}

/// The two file times of `utimensat` (`timespec[2]`) or `utimes` (`timeval[2]`).
pub(super) fn write_file_times<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { ty, addr, .. } = *at;
    let Some((a, b)) = read_two_time_pairs(ctx, addr) else {
        return Ok(false);
    };
    let usec = ty == StructType::TimevalPair;
    out.write_char('[')?;
    write_file_time(out, a, usec)?;
    out.write_str(", ")?;
    write_file_time(out, b, usec)?;
    out.write_char(']')?;
    Ok(true)
}

/// `struct itimerspec` or `struct itimerval`: `{it_interval=..., it_value=...}`.
pub(super) fn write_interval<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    at: &At,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    let At { ty, addr, .. } = *at;
    let Some((a, b)) = read_two_time_pairs(ctx, addr) else {
        return Ok(false);
    };
    let usec = ty == StructType::Itimerval;
    out.write_str("{it_interval=")?;
    write_timespec(out, a, usec)?;
    out.write_str(", it_value=")?;
    write_timespec(out, b, usec)?;
    out.write_char('}')?;
    Ok(true)
}

/// `struct rusage`: the two times, then `...` (strace without `-v`) or every counter. The
/// i386 layout (`compat_rusage`: 32-bit `long`s) is read for i386 callers.
#[inline(never)]
pub(super) fn write_rusage<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    const FIELDS: [&str; 14] = [
        "ru_maxrss",
        "ru_ixrss",
        "ru_idrss",
        "ru_isrss",
        "ru_minflt",
        "ru_majflt",
        "ru_nswap",
        "ru_inblock",
        "ru_oublock",
        "ru_msgsnd",
        "ru_msgrcv",
        "ru_nsignals",
        "ru_nvcsw",
        "ru_nivcsw",
    ];
    // 18 longs: two timevals, then the 14 counters.
    let mut longs = [0u64; 18];
    if ctx.compat32() {
        let Some(b) = read_bytes::<72, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        for (i, v) in longs.iter_mut().enumerate() {
            *v = u64::from(super::read::ne_u32(&b, i.wrapping_mul(4))) as u32 as i32 as i64 as u64;
        }
    } else {
        let Some(b) = read_bytes::<144, M>(ctx.mem, addr) else {
            return Ok(false);
        };
        for (i, v) in longs.iter_mut().enumerate() {
            *v = super::read::ne_u64(&b, i.wrapping_mul(8));
        }
    }
    let [us, uu, ss, su, counters @ ..] = longs;
    out.write_str("{ru_utime=")?;
    write_timespec(out, (us as i64, uu as i64), true)?;
    out.write_str(", ru_stime=")?;
    write_timespec(out, (ss as i64, su as i64), true)?;
    if ctx.opts.verbose {
        for (name, v) in FIELDS.iter().zip(counters) {
            emit!(out, ", ", *name, "=", v)?;
        }
    } else {
        out.write_str(", ...")?;
    }
    out.write_char('}')?;
    Ok(true)
}
