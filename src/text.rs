//! Writer primitives of the formatting layer: [`FixedBuf`], the panic-free number and text
//! output ([`Part`], [`Hex`], [`Oct`], `emit!`) and the small C-style number forms strace
//! uses (`NULL`/`0x...`, `%#x`, `%#03o`).
//!
//! The leaf of the layer: `flags`, `args` and `fmt` build on it, it depends on none of
//! them (nor on anything else in the crate); `tests/layer_graph.rs` checks that.

use core::fmt::{self, Write};

// ---------------------------------------------------------------------------------------
// Panic-free number and text output.
//
// `core::fmt`'s `write!` machinery and integer formatting keep panic paths the optimiser
// cannot remove, so the formatter writes everything itself through `write_str` only; a
// link-time check (fat LTO) proves the whole path free of panics.

/// A piece of output: text, a character, a decimal integer, or a [`Hex`]/[`Oct`] number.
pub(crate) trait Part {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result;
}

/// `0x`-prefixed lowercase hex, C's `%#x`: zero is `0`.
pub(crate) struct Hex(pub u64);

/// Octal digits, zero-padded to a width (Rust's `{:0w$o}`).
pub(crate) struct Oct(pub u64, pub usize);

/// Writes `parts` one after the other; evaluates to `Ok(())`, returns early on an error.
macro_rules! emit {
    ($out:expr, $($part:expr),+ $(,)?) => {{
        $( $crate::text::Part::put($part, &mut *$out)?; )+
        ::core::result::Result::<(), ::core::fmt::Error>::Ok(())
    }};
}
pub(crate) use emit;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes `v` in base `1 << shift` (or 10 when `shift` is 0), at least `width` digits.
///
/// A single digit, the most common number in a line (descriptors, counts, results), is
/// written without the digit loop; the rest goes to [`put_digits_long`].
#[inline]
pub(crate) fn put_digits<W: Write + ?Sized>(
    out: &mut W,
    v: u64,
    shift: u32,
    width: usize,
) -> fmt::Result {
    const ONE: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    // (`v < 10` first: `v as usize` would drop the high half on a 32-bit target.)
    match ONE.get(if v < 10 { v as usize } else { usize::MAX }) {
        // A digit below 8 is the same in bases 8, 10 and 16.
        Some(d) if width <= 1 && (v < 8 || shift != 3) => out.write_str(d),
        _ => put_digits_long(out, v, shift, width),
    }
}

/// [`put_digits`] of any value.
///
/// Out of line: its 64-byte digit buffer is then in its own frame only, not in the frames
/// of the many callers (which hold it under their deeper calls; handler stack).
#[inline(never)]
fn put_digits_long<W: Write + ?Sized>(
    out: &mut W,
    v: u64,
    shift: u32,
    width: usize,
) -> fmt::Result {
    let mut buf = [b'0'; 64];
    let mut i = buf.len();
    let mut v = v;
    if shift == 0 {
        loop {
            i = i.saturating_sub(1);
            if let Some(slot) = buf.get_mut(i) {
                *slot = b'0'.wrapping_add((v % 10) as u8);
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
    } else {
        let shift = shift.min(4);
        let mask = (1u64 << shift).wrapping_sub(1);
        loop {
            i = i.saturating_sub(1);
            if let (Some(slot), Some(&c)) = (buf.get_mut(i), DIGITS.get((v & mask) as usize)) {
                *slot = c;
            }
            v >>= shift;
            if v == 0 || i == 0 {
                break;
            }
        }
    }
    let start = i.min(buf.len().saturating_sub(width));
    let digits = buf.get(start..).unwrap_or(&[]);
    // SAFETY: `buf` holds only ASCII digits (its initial b'0's, `b'0' + d` for d < 10 and
    // bytes of DIGITS). (`from_utf8` would do, but its validation loop keeps a panic path.)
    out.write_str(unsafe { core::str::from_utf8_unchecked(digits) })
}

impl Part for &str {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        out.write_str(self)
    }
}

impl Part for char {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        out.write_char(self)
    }
}

impl Part for Hex {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        // C's `%#x`, which strace's hex fields use: zero has no prefix.
        if self.0 == 0 {
            return out.write_char('0');
        }
        out.write_str("0x")?;
        put_digits(out, self.0, 4, 0)
    }
}

impl Part for Oct {
    fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        put_digits(out, self.0, 3, self.1)
    }
}

macro_rules! unsigned_part {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
                put_digits(out, self as u64, 0, 0)
            }
        }
    )*};
}
unsigned_part!(u8, u16, u32, u64, usize);

macro_rules! signed_part {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn put<W: Write + ?Sized>(self, out: &mut W) -> fmt::Result {
                if self < 0 {
                    out.write_char('-')?;
                }
                put_digits(out, self.unsigned_abs() as u64, 0, 0)
            }
        }
    )*};
}
signed_part!(i8, i16, i32, i64);

/// A `core::fmt::Write` sink over a caller-provided byte slice.
///
/// Never allocates, never panics. When a write does not fit, the longest prefix of it that
/// ends on a UTF-8 character boundary is kept, the buffer is marked truncated, and the
/// write returns `Err(fmt::Error)` so that formatting stops early; the content stays valid
/// UTF-8 and never exceeds the slice.
///
/// # Examples
///
/// ```
/// use core::fmt::Write;
/// use sigsys::fmt::FixedBuf;
/// let mut storage = [0u8; 4];
/// let mut out = FixedBuf::new(&mut storage);
/// assert!(write!(out, "a\u{e9}b\u{e9}").is_err()); // 1 + 2 + 1 + 2 bytes
/// assert_eq!(out.as_str(), "a\u{e9}b");
/// assert!(out.is_truncated());
/// ```
#[derive(Debug)]
pub struct FixedBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
    truncated: bool,
}

impl<'a> FixedBuf<'a> {
    /// An empty sink writing into `buf` (any length, including 0).
    ///
    /// ```
    /// let mut none: [u8; 0] = [];
    /// let out = sigsys::fmt::FixedBuf::new(&mut none);
    /// assert_eq!(out.capacity(), 0);
    /// ```
    pub fn new(buf: &'a mut [u8]) -> FixedBuf<'a> {
        FixedBuf {
            buf,
            len: 0,
            truncated: false,
        }
    }

    /// The text written so far.
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 8];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// out.write_str("ok").unwrap();
    /// assert_eq!(out.as_str(), "ok");
    /// ```
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The bytes written so far (valid UTF-8).
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 8];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// out.write_str("ok").unwrap();
    /// assert_eq!(out.as_bytes(), b"ok");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Number of bytes written.
    ///
    /// ```
    /// let mut s = [0u8; 8];
    /// assert_eq!(sigsys::fmt::FixedBuf::new(&mut s).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    ///
    /// ```
    /// let mut s = [0u8; 8];
    /// assert!(sigsys::fmt::FixedBuf::new(&mut s).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Size of the underlying slice.
    ///
    /// ```
    /// let mut s = [0u8; 8];
    /// assert_eq!(sigsys::fmt::FixedBuf::new(&mut s).capacity(), 8);
    /// ```
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Whether some write did not fit (the text is then a cut prefix).
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 2];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// let _ = out.write_str("abc");
    /// assert!(out.is_truncated());
    /// ```
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Empties the buffer (and forgets truncation) for the next line.
    ///
    /// ```
    /// use core::fmt::Write;
    /// let mut s = [0u8; 2];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut s);
    /// let _ = out.write_str("abc");
    /// out.clear();
    /// assert!(out.is_empty() && !out.is_truncated());
    /// ```
    pub fn clear(&mut self) {
        self.len = 0;
        self.truncated = false;
    }
}

impl Write for FixedBuf<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.truncated {
            return Err(fmt::Error);
        }
        let room = self.buf.len().saturating_sub(self.len);
        let mut take = s.len().min(room);
        while take > 0 && !s.is_char_boundary(take) {
            take = take.saturating_sub(1);
        }
        // Both sides are exactly `take` long (as the optimiser can see: no panic path).
        let dst = self.buf.get_mut(self.len..).and_then(|d| d.get_mut(..take));
        if let (Some(dst), Some(src)) = (dst, s.as_bytes().get(..take)) {
            dst.copy_from_slice(src);
            self.len = self.len.saturating_add(take);
        }
        if take < s.len() {
            self.truncated = true;
            return Err(fmt::Error);
        }
        Ok(())
    }
}

/// `NULL` or `0x...`.
pub(crate) fn write_ptr<W: Write + ?Sized>(out: &mut W, addr: u64) -> fmt::Result {
    if addr == 0 {
        out.write_str("NULL")
    } else {
        emit!(out, Hex(addr))
    }
}

/// C's `%#x`: `0` or `0x...`.
pub(crate) fn write_hex<W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    if v == 0 {
        out.write_char('0')
    } else {
        emit!(out, Hex(v))
    }
}

/// C's `%#0Nx` (`width` = N): zero is N zeros; otherwise `0x` and the digits, zero-padded
/// so that the whole is at least N wide (`nl_groups=00000000`, `0x000001`).
pub(crate) fn write_hex_padded<W: Write + ?Sized>(
    out: &mut W,
    v: u64,
    width: usize,
) -> fmt::Result {
    if v == 0 {
        return put_digits(out, 0, 4, width);
    }
    out.write_str("0x")?;
    put_digits(out, v, 4, width.saturating_sub(2))
}

/// C's `%#03o`: `000`, `022`, `0644`.
pub(crate) fn write_octal<W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    if v < 0o10 {
        emit!(out, "00", Oct(v, 0))
    } else {
        emit!(out, "0", Oct(v, 0))
    }
}

/// `v` in decimal, zero-padded to `width` digits.
pub(crate) fn put_padded_dec<W: Write + ?Sized>(out: &mut W, v: u64, width: usize) -> fmt::Result {
    put_digits(out, v, 0, width)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    /// A 64-bit value whose low half is one digit is not that digit (the one-digit path
    /// once looked at `v as usize`: the low half only, on a 32-bit target).
    #[test]
    fn one_digit_path_sees_all_64_bits() {
        let mut s = [0u8; 128];
        let mut out = FixedBuf::new(&mut s);
        let r: fmt::Result = (|| {
            emit!(
                &mut out,
                (1u64 << 32) | 5,
                " ",
                Hex((1 << 32) | 9),
                " ",
                Oct(8, 0),
                " "
            )?;
            emit!(
                &mut out,
                Oct((1 << 32) | 7, 0),
                " ",
                9u8,
                " ",
                -3i64,
                " ",
                Hex(0xa)
            )
        })();
        r.unwrap();
        assert_eq!(
            out.as_str(),
            "4294967301 0x100000009 10 40000000007 9 -3 0xa"
        );
    }

    #[test]
    fn numbers_without_core_fmt() {
        let mut s = [0u8; 128];
        let mut out = FixedBuf::new(&mut s);
        let r: fmt::Result = (|| {
            emit!(
                &mut out,
                0u64,
                " ",
                u64::MAX,
                " ",
                i64::MIN,
                " ",
                -7i32,
                " "
            )?;
            emit!(
                &mut out,
                Hex(0),
                " ",
                Hex(0xdead_beef),
                " ",
                Oct(0, 3),
                " ",
                Oct(7, 2),
                " "
            )?;
            emit!(&mut out, Oct(0o644, 0), " ", Oct(u64::MAX, 0))
        })();
        r.unwrap();
        assert_eq!(
            out.as_str(),
            "0 18446744073709551615 -9223372036854775808 -7 0 0xdeadbeef 000 07 644 \
             1777777777777777777777"
        );
    }
}
