//! Quoted strings and byte buffers, escaped as strace escapes them, read in chunks.

use core::fmt::{self, Write};

use crate::arch::Sysno;
use crate::mem::Memory;
use crate::text::{emit, write_ptr, Hex, Oct};

use super::read::{read_word, word_size};
use super::{Ctx, HexStrings};

/// strace's escaping of one byte, which depends on the byte after it (an octal escape is
/// padded to three digits when a digit follows).
pub(super) fn write_escaped<W: Write + ?Sized>(
    out: &mut W,
    c: u8,
    next: Option<u8>,
) -> fmt::Result {
    match c {
        b'"' => out.write_str("\\\""),
        b'\\' => out.write_str("\\\\"),
        0x0c => out.write_str("\\f"),
        b'\n' => out.write_str("\\n"),
        b'\r' => out.write_str("\\r"),
        b'\t' => out.write_str("\\t"),
        0x0b => out.write_str("\\v"),
        b' '..=0x7e => out.write_char(char::from(c)),
        _ => {
            let digit_follows = matches!(next, Some(b'0'..=b'7'));
            if digit_follows || c >= 0o100 {
                emit!(out, "\\", Oct(c as u64, 3))
            } else if c >= 0o10 {
                emit!(out, "\\", Oct(c as u64, 2))
            } else {
                emit!(out, "\\", Oct(c as u64, 0))
            }
        }
    }
}

/// A streaming quoter: bytes go in one at a time, the escape of each is decided once the
/// next is known; in `hex` mode every byte is `\xNN` (strace's `-x` for a string that
/// needs it, `-xx` for all).
pub(super) struct Quoter {
    pub(super) pending: Option<u8>,
    pub(super) hex: bool,
}

/// Every byte as `\xNN`: strace's form for data that is random by nature (`getrandom`).
fn write_hex_bytes<W: Write + ?Sized>(out: &mut W, bytes: &[u8]) -> fmt::Result {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &c in bytes {
        out.write_str("\\x")?;
        for d in [c >> 4, c & 15] {
            let ch = DIGITS.get(usize::from(d)).copied().unwrap_or(b'0');
            out.write_char(char::from(ch))?;
        }
    }
    Ok(())
}

impl Quoter {
    /// A quoter for text escaped as strace escapes it.
    pub(super) const fn new() -> Quoter {
        Quoter {
            pending: None,
            hex: false,
        }
    }

    /// A quoter for `addr`'s string or buffer of at most `max` bytes (up to a NUL if
    /// `nul_ends`): in hex if the options say so for what it holds.
    pub(super) fn for_data<M: Memory + ?Sized>(
        ctx: &Ctx<'_, M>,
        addr: u64,
        max: u64,
        nul_ends: bool,
    ) -> Quoter {
        let hex = match ctx.opts.hex_strings {
            HexStrings::Never => false,
            HexStrings::All => true,
            HexStrings::NonAscii => has_non_text(ctx, addr, max, nul_ends),
        };
        Quoter { pending: None, hex }
    }

    /// One byte: the model [`Quoter::push_all`] is tested against.
    #[cfg(test)]
    pub(super) fn push<W: Write + ?Sized>(&mut self, out: &mut W, c: u8) -> fmt::Result {
        if self.hex {
            return write_hex_bytes(out, &[c]);
        }
        if let Some(p) = self.pending.replace(c) {
            write_escaped(out, p, Some(c))?;
        }
        Ok(())
    }

    /// [`Quoter::push`] of every byte of `bytes`, with each run of bytes that print as
    /// themselves written at once (a path is then one write, not one per byte).
    pub(super) fn push_all<W: Write + ?Sized>(&mut self, out: &mut W, bytes: &[u8]) -> fmt::Result {
        if self.hex {
            return write_hex_bytes(out, bytes);
        }
        let mut rest = bytes;
        while let Some(&first) = rest.first() {
            if let Some(p) = self.pending.take() {
                write_escaped(out, p, Some(first))?;
            }
            let run = rest.iter().position(|&c| !prints_as_itself(c));
            let run = run.unwrap_or(rest.len());
            if run == 0 {
                // Escaped once the byte after it is known.
                self.pending = Some(first);
                rest = rest.get(1..).unwrap_or(&[]);
                continue;
            }
            let (plain, tail) = (
                rest.get(..run).unwrap_or(&[]),
                rest.get(run..).unwrap_or(&[]),
            );
            // SAFETY: `plain` holds only bytes of `b' '..=0x7e` (`prints_as_itself`): ASCII.
            out.write_str(unsafe { core::str::from_utf8_unchecked(plain) })?;
            rest = tail;
        }
        Ok(())
    }

    pub(super) fn finish<W: Write + ?Sized>(&mut self, out: &mut W) -> fmt::Result {
        if let Some(p) = self.pending.take() {
            write_escaped(out, p, None)?;
        }
        Ok(())
    }
}

/// Bytes in hand quoted as strace's `string_quote(..., QUOTE_0_TERMINATED)` quotes them:
/// up to the first NUL, in hex when the options say so for what they hold.
pub(super) fn write_quoted<W: Write + ?Sized>(
    out: &mut W,
    bytes: &[u8],
    opts: &super::Options,
) -> fmt::Result {
    let text = bytes.split(|&c| c == 0).next().unwrap_or(&[]);
    let hex = match opts.hex_strings {
        HexStrings::Never => false,
        HexStrings::All => true,
        HexStrings::NonAscii => text.iter().any(|&c| !is_text(c)),
    };
    let mut q = Quoter { pending: None, hex };
    out.write_char('"')?;
    q.push_all(out, text)?;
    q.finish(out)?;
    out.write_char('"')
}

/// A byte [`write_escaped`] writes as itself, whatever follows it: printable ASCII but
/// the quote and the backslash.
#[inline]
fn prints_as_itself(c: u8) -> bool {
    (b' '..=0x7e).contains(&c) && c != b'"' && c != b'\\'
}

/// Printable ASCII or whitespace: what `-x` leaves as text.
fn is_text(c: u8) -> bool {
    (b' '..=0x7e).contains(&c) || (9..=13).contains(&c)
}

pub(super) const CHUNK: usize = 128;

/// Whether the first `max` bytes at `addr` (up to a NUL if `nul_ends`) hold a byte that is
/// neither printable ASCII nor whitespace: strace's `-x` then shows the whole string in hex.
/// A second read of the bytes the string is printed from (memory reads are cheap with
/// safecopy, and `-x` is rare).
fn has_non_text<M: Memory + ?Sized>(ctx: &Ctx<'_, M>, addr: u64, max: u64, nul_ends: bool) -> bool {
    let mut chunk = [0u8; CHUNK];
    let mut done = 0u64;
    while done < max {
        let want = usize::try_from(max.saturating_sub(done))
            .unwrap_or(CHUNK)
            .min(CHUNK);
        let buf = chunk.get_mut(..want).unwrap_or(&mut []);
        let n = match ctx.mem.read(addr.wrapping_add(done), buf) {
            Ok(n) if n > 0 => n,
            _ => return false,
        };
        for &c in buf.get(..n).unwrap_or(&[]) {
            if nul_ends && c == 0 {
                return false;
            }
            if !is_text(c) {
                return true;
            }
        }
        done = done.saturating_add(n as u64);
    }
    false
}

/// A NUL-terminated string at `addr`: quoted, up to `limit` bytes, then `...` if longer.
/// A path (`path`) is a buffer of `limit` bytes with its NUL, as strace's `printpathn(addr,
/// PATH_MAX - 1)`: at most `limit - 1` bytes shown. An unreadable address prints as the
/// address.
pub(super) fn write_cstr<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    limit: usize,
    path: bool,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if addr == 0 {
        return out.write_str("NULL");
    }
    let limit = if path { limit.saturating_sub(1) } else { limit };
    let mut chunk = [0u8; CHUNK];
    let mut at = addr;
    let mut shown = 0usize;
    let mut q = Quoter::for_data(ctx, addr, limit as u64, true);
    let mut started = false;
    loop {
        let n = match ctx.mem.read(at, &mut chunk) {
            Ok(n) if n > 0 => n,
            _ if !started => return write_ptr(out, addr),
            _ => {
                // The string runs into unreadable memory: show what was read.
                q.finish(out)?;
                return out.write_str("\"...");
            }
        };
        if !started {
            // strace reads up to `limit + 1` bytes or the NUL, and prints the address of a
            // string that runs into unreadable memory before either.
            if !ends_readably(ctx, addr, chunk.get(..n).unwrap_or(&[]), limit) {
                return write_ptr(out, addr);
            }
            out.write_char('"')?;
            started = true;
        }
        let got = chunk.get(..n).unwrap_or(&[]);
        // Up to the NUL or the limit, whichever is first.
        let nul = got.iter().position(|&c| c == 0);
        let take = nul.unwrap_or(n).min(limit.saturating_sub(shown));
        q.push_all(out, got.get(..take).unwrap_or(&[]))?;
        shown = shown.saturating_add(take);
        if nul == Some(take) {
            q.finish(out)?;
            return out.write_char('"');
        }
        if take < n {
            // The limit is reached and a byte other than the NUL follows.
            q.finish(out)?;
            return out.write_str("\"...");
        }
        at = at.wrapping_add(n as u64);
    }
}

/// Whether the string at `addr`, of which `first` is read already, has its NUL or `limit
/// + 1` bytes in readable memory. Reads on only for a string longer than its first chunk.
fn ends_readably<M: Memory + ?Sized>(
    ctx: &Ctx<'_, M>,
    addr: u64,
    first: &[u8],
    limit: usize,
) -> bool {
    let want = limit.saturating_add(1);
    if first.contains(&0) || first.len() >= want {
        return true;
    }
    let mut chunk = [0u8; CHUNK];
    let mut seen = first.len();
    while seen < want {
        let n = match ctx.mem.read(addr.wrapping_add(seen as u64), &mut chunk) {
            Ok(n) if n > 0 => n,
            _ => return false,
        };
        if chunk.get(..n).is_some_and(|c| c.contains(&0)) {
            return true;
        }
        seen = seen.saturating_add(n);
    }
    true
}

/// A NUL-terminated string in a buffer of `len` bytes (at most 16), as strace's
/// `printstr_ex(addr, len, QUOTE_0_TERMINATED)` prints it: up to the NUL, or all `len`
/// bytes then `...` when there is none among them; the address if it cannot be read.
/// `prctl` task names: 15 bytes for `PR_SET_NAME`, 16 for `PR_GET_NAME`.
pub(super) fn write_bounded_cstr<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    len: usize,
) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if addr == 0 {
        return out.write_str("NULL");
    }
    let mut b = [0u8; 16];
    let want = b.get_mut(..len.min(16)).unwrap_or(&mut []);
    let n = match ctx.mem.read(addr, want) {
        Ok(n) if n > 0 => n,
        _ => return write_ptr(out, addr),
    };
    let got = want.get(..n).unwrap_or(&[]);
    let (text, more) = match got.iter().position(|&c| c == 0) {
        Some(p) => (got.get(..p).unwrap_or(&[]), false),
        None => (got, true),
    };
    let mut q = Quoter::for_data(ctx, addr, text.len() as u64, false);
    out.write_char('"')?;
    q.push_all(out, text)?;
    q.finish(out)?;
    out.write_char('"')?;
    if more {
        out.write_str("...")?;
    }
    Ok(())
}

/// Whether the call's buffer is an extended attribute's value.
fn omits_trailing_nul<M: Memory + ?Sized>(ctx: &Ctx<'_, M>) -> bool {
    matches!(
        ctx.sysno,
        Some(
            Sysno::setxattr
                | Sysno::lsetxattr
                | Sysno::fsetxattr
                | Sysno::getxattr
                | Sysno::lgetxattr
                | Sysno::fgetxattr
        )
    )
}

/// A buffer of `len` bytes at `addr`: quoted, up to the string limit, then `...`.
pub(super) fn write_buf<W, M>(out: &mut W, ctx: &Ctx<'_, M>, addr: u64, len: u64) -> fmt::Result
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if addr == 0 {
        return out.write_str("NULL");
    }
    let limit = ctx.opts.string_limit as u64;
    let show = len.min(limit);
    let mut chunk = [0u8; CHUNK];
    let mut q = Quoter::for_data(ctx, addr, show, false);
    let mut done = 0u64;
    let mut started = false;
    while done < show || !started {
        let want = usize::try_from(show.saturating_sub(done))
            .unwrap_or(CHUNK)
            .min(CHUNK);
        let buf = chunk.get_mut(..want).unwrap_or(&mut []);
        let n = if want == 0 {
            0
        } else {
            match ctx.mem.read(addr.wrapping_add(done), buf) {
                Ok(n) if n == want => n,
                _ if !started => return write_ptr(out, addr),
                _ => {
                    q.finish(out)?;
                    return out.write_str("\"...");
                }
            }
        };
        if !started {
            out.write_char('"')?;
            started = true;
        }
        let got = buf.get(..n).unwrap_or(&[]);
        if ctx.sysno == Some(Sysno::getrandom) {
            write_hex_bytes(out, got)?;
        } else {
            // An extended attribute's value drops a NUL as its last shown byte (strace's
            // QUOTE_OMIT_TRAILING_0).
            let last = show.wrapping_sub(1).wrapping_sub(done);
            let last = usize::try_from(last).unwrap_or(usize::MAX);
            match got.get(last) {
                Some(0) if omits_trailing_nul(ctx) => {
                    q.push_all(out, got.get(..last).unwrap_or(&[]))?;
                    q.push_all(out, got.get(last.saturating_add(1)..).unwrap_or(&[]))?;
                }
                _ => q.push_all(out, got)?,
            }
        }
        done = done.saturating_add(n as u64);
        if n == 0 {
            break;
        }
    }
    q.finish(out)?;
    out.write_char('"')?;
    if len > limit {
        out.write_str("...")?;
    }
    Ok(())
}

/// A NULL-terminated array of string pointers (`argv`).
#[inline(never)]
pub(super) fn write_str_array<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    if read_word(ctx, addr).is_none() {
        return Ok(false);
    }
    out.write_char('[')?;
    let ws = word_size(ctx);
    let mut k = 0u64;
    loop {
        let at = addr.wrapping_add(k.wrapping_mul(ws));
        let Some(p) = read_word(ctx, at) else {
            // strace's printargv: the array runs into unreadable memory.
            emit!(out, ", ... /* ", Hex(at), " */")?;
            break;
        };
        if p == 0 {
            break;
        }
        if k > 0 {
            out.write_str(", ")?;
        }
        // `-v` shows every element.
        if k >= ctx.opts.string_limit as u64 && !ctx.opts.verbose {
            out.write_str("...")?;
            break;
        }
        write_cstr(out, ctx, p, ctx.opts.string_limit, false)?;
        k = k.saturating_add(1);
    }
    out.write_char(']')?;
    Ok(true)
}

/// A socket option value of `len` bytes other than an `int`, as a buffer.
#[inline(never)]
pub(super) fn write_struct_buf<W, M>(
    out: &mut W,
    ctx: &Ctx<'_, M>,
    addr: u64,
    len: u64,
) -> Result<bool, fmt::Error>
where
    W: Write + ?Sized,
    M: Memory + ?Sized,
{
    write_buf(out, ctx, addr, len)?;
    Ok(true)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::text::FixedBuf;

    #[test]
    fn escapes_like_strace() {
        let mut s = [0u8; 64];
        let mut out = FixedBuf::new(&mut s);
        let mut q = Quoter::new();
        for c in b"a\0b\x001\n\xff" {
            q.push(&mut out, *c).unwrap();
        }
        q.finish(&mut out).unwrap();
        assert_eq!(out.as_str(), "a\\0b\\0001\\n\\377");
    }

    /// `push_all` over any split of any bytes writes what one `push` per byte writes.
    #[test]
    fn push_all_is_push_per_byte() {
        use std::vec::Vec;
        fn check(bytes: Vec<u8>, cut: usize, hex: bool) -> bool {
            let mut a = [0u8; 1024];
            let mut b = [0u8; 1024];
            let (mut one, mut all) = (FixedBuf::new(&mut a), FixedBuf::new(&mut b));
            let mut q = Quoter { pending: None, hex };
            for &c in &bytes {
                q.push(&mut one, c).unwrap();
            }
            q.finish(&mut one).unwrap();
            let cut = cut % (bytes.len() + 1);
            let mut q = Quoter { pending: None, hex };
            q.push_all(&mut all, &bytes[..cut]).unwrap();
            q.push_all(&mut all, &bytes[cut..]).unwrap();
            q.finish(&mut all).unwrap();
            one.as_str() == all.as_str()
        }
        // Bytes drawn mostly from the interesting ones (digits after escapes, quotes).
        fn pick(v: Vec<u8>) -> Vec<u8> {
            const SOME: &[u8] = b"\0\x01\x07\x08\n\t\"\\07a9 \x7e\x7f\x80\xff";
            v.into_iter()
                .take(100)
                .map(|c| {
                    if c & 1 == 0 {
                        SOME[usize::from(c >> 1) % SOME.len()]
                    } else {
                        c
                    }
                })
                .collect()
        }
        quickcheck::QuickCheck::new().tests(2000).quickcheck(
            (|v: Vec<u8>, cut: usize, hex: bool| check(pick(v), cut, hex))
                as fn(Vec<u8>, usize, bool) -> bool,
        );
    }
}
