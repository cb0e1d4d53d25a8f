//! Raw mode (`--raw`, strace's `-e raw=all`): the name, the call's own number of arguments
//! in hexadecimal, and the result in hexadecimal (an error as the crate writes it:
//! `-1 ENOENT (No such file or directory)`).
//!
//! On the handler path, and self-contained (the crate, `core::fmt::Write` and nothing of
//! the loader), so that the no-panic link proof (`checks/no_panic`) includes this file as
//! it is and proves it panic-free.

use core::fmt::{self, Write};

use sigsys::args::{typed_args, Ret};
use sigsys::Syscall;

/// Writes `name(0x..., ...)`: the call's own number of arguments (6 when unknown).
///
/// # Errors
///
/// Those of `out`.
pub fn write_call<W: Write + ?Sized>(out: &mut W, call: &Syscall) -> fmt::Result {
    match call.name() {
        Some(name) => out.write_str(name)?,
        None => {
            out.write_str("syscall_0x")?;
            write_digits(out, u64::from(call.nr), 16)?;
        }
    }
    let nargs = typed_args(call).map_or(6, |t| t.signature.args.len());
    out.write_str("(")?;
    for (i, arg) in call.args.iter().take(nargs).enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_hex(out, *arg)?;
    }
    out.write_str(")")
}

/// Writes ` = 0x...` for the call's result `ret` (` = ?` for a call that does not
/// return, ` = -1 ENAME (text)` for an error).
///
/// # Errors
///
/// Those of `out`.
pub fn write_result<W: Write + ?Sized>(out: &mut W, call: &Syscall, ret: i64) -> fmt::Result {
    let no_return = typed_args(call).is_some_and(|t| t.signature.ret == Ret::NoReturn);
    if no_return {
        return out.write_str(" = ?");
    }
    if (-4095..0).contains(&ret) {
        // The crate's errno names and texts (strace's), as in decoded lines. Nothing is
        // read for an error result.
        let opts = sigsys::fmt::Options::DEFAULT;
        return sigsys::fmt::write_result(out, call, ret, &sigsys::mem::NoMemory, &opts);
    }
    out.write_str(" = ")?;
    write_hex(out, ret as u64)
}

/// `0x...`, or `0` for zero (strace's raw form).
fn write_hex<W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    if v == 0 {
        return out.write_str("0");
    }
    out.write_str("0x")?;
    write_digits(out, v, 16)
}

/// `v` in base 10 or 16, no prefix.
///
/// # Errors
///
/// Those of `out`.
pub fn write_digits<W: Write + ?Sized>(out: &mut W, mut v: u64, base: u64) -> fmt::Result {
    let base = base.clamp(2, 16);
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    loop {
        let d = (v % base) as u8;
        i = i.saturating_sub(1);
        if let Some(slot) = digits.get_mut(i) {
            *slot = if d < 10 { b'0' + d } else { b'a' + (d - 10) };
        }
        v /= base;
        if v == 0 || i == 0 {
            break;
        }
    }
    let shown = digits.get(i..).unwrap_or(&[]);
    // SAFETY: ASCII digits only.
    out.write_str(unsafe { core::str::from_utf8_unchecked(shown) })
}
