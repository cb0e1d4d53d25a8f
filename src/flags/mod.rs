//! Typed flag sets and enumerated constants of system call arguments, with strace's names.
//!
//! Every flag type is a [`bitflags`] type whose constants carry the kernel's names
//! (`OFlags::O_CLOEXEC`), declared in the order strace prints them. Each also exposes its
//! name table as a [`FlagSpec`] (through the [`StraceFlags`] trait), which prints a value
//! the way strace does (`O_RDONLY|O_CLOEXEC`, unknown bits in hex after the known ones:
//! `O_RDONLY|0x40000000`) and parses such text back ([`FlagSpec::parse`]).
//!
//! Enumerated arguments (fcntl commands, prctl options, madvise advice, ...) are newtypes
//! over the raw number with named associated constants and a [`EnumSpec`] for their names.
//!
//! Everything here is `no_std`, allocation-free and panic-free.
//!
//! # Examples
//!
//! ```
//! use sigsys::flags::{OFlags, StraceFlags};
//! let f = OFlags::from_bits_retain(0o2000000 | 0x4000_0000);
//! assert!(f.contains(OFlags::O_CLOEXEC));
//! let mut buf = [0u8; 64];
//! let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
//! core::fmt::Write::write_fmt(&mut out, format_args!("{f}")).unwrap();
//! assert_eq!(out.as_str(), "O_RDONLY|O_CLOEXEC|0x40000000");
//! assert_eq!(OFlags::SPEC.parse("O_RDONLY|O_CLOEXEC|0x40000000"), Some(f.bits().into()));
//! ```

use core::fmt::{self, Write};

use crate::text::{emit, Hex};

/// The names of one flag type, in strace's printing order.
///
/// A value is printed as: the name of its *field* (the bits under `field_mask`, an
/// enumerated sub-value such as the access mode of `open` or the type of `mmap`), then the
/// name of every flag whose bits are all set (in table order; each name's bits are taken
/// out once printed, so composite names like `O_SYNC` must precede their parts), then the
/// remaining unknown bits in hex; a value with nothing to print is `zero` or `0`.
///
/// # Examples
///
/// ```
/// use sigsys::flags::{ProtFlags, StraceFlags};
/// let mut buf = [0u8; 32];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// ProtFlags::SPEC.write(&mut out, 3).unwrap();
/// assert_eq!(out.as_str(), "PROT_READ|PROT_WRITE");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    /// Bits holding an enumerated sub-value (0 when there is none).
    pub field_mask: u64,
    /// Names of the sub-values under `field_mask`.
    pub field: &'static [(&'static str, u64)],
    /// Flag names and their bits, in printing order.
    pub flags: &'static [(&'static str, u64)],
    /// What to print for a value with no field name and no bits (strace: `0` unless named).
    pub zero: Option<&'static str>,
    /// strace's comment after a value none of whose bits has a name: `0x8 /* ?_OK */`
    /// (`None`: the hex alone).
    pub unknown: Option<&'static str>,
}

impl FlagSpec {
    /// Writes `value` strace-style.
    ///
    /// # Errors
    ///
    /// Those of `out`.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::flags::{MapFlags, StraceFlags};
    /// let mut buf = [0u8; 64];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
    /// MapFlags::SPEC.write(&mut out, 0x22).unwrap();
    /// assert_eq!(out.as_str(), "MAP_PRIVATE|MAP_ANONYMOUS");
    /// ```
    pub fn write<W: Write + ?Sized>(&self, out: &mut W, value: u64) -> fmt::Result {
        let mut rest = value;
        let mut first = true;
        if self.field_mask != 0 {
            let sub = value & self.field_mask;
            if let Some(name) = lookup(self.field, sub) {
                out.write_str(name)?;
                first = false;
                rest &= !self.field_mask;
            }
        }
        for &(name, bits) in self.flags {
            if bits != 0 && rest & bits == bits {
                if !first {
                    out.write_char('|')?;
                }
                out.write_str(name)?;
                first = false;
                rest &= !bits;
            }
        }
        if rest != 0 {
            if !first {
                out.write_char('|')?;
            }
            emit!(out, Hex(rest))?;
            if let (true, Some(unknown)) = (first, self.unknown) {
                emit!(out, " /* ", unknown, " */")?;
            }
            first = false;
        }
        if first {
            out.write_str(self.zero.unwrap_or("0"))?;
        }
        Ok(())
    }

    /// Parses text printed by [`FlagSpec::write`] (names, `0x` hex and decimal numbers
    /// joined by `|`) back into the value; `None` for an unknown name.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::flags::{AccessMode, StraceFlags};
    /// assert_eq!(AccessMode::SPEC.parse("R_OK|W_OK"), Some(6));
    /// assert_eq!(AccessMode::SPEC.parse("F_OK"), Some(0));
    /// assert_eq!(AccessMode::SPEC.parse("Q_OK"), None);
    /// assert_eq!(AccessMode::SPEC.parse("0x8 /* ?_OK */"), Some(8));
    /// ```
    pub fn parse(&self, text: &str) -> Option<u64> {
        // `0x8 /* ?_OK */`: the comment after bits without a name.
        let text = text.split_once(" /* ").map_or(text, |(v, _)| v);
        let mut value = 0u64;
        for part in text.split('|') {
            let bits = if Some(part) == self.zero {
                0
            } else if let Some(&(_, v)) = self
                .field
                .iter()
                .chain(self.flags.iter())
                .find(|(n, _)| *n == part)
            {
                v
            } else if let Some(hex) = part.strip_prefix("0x") {
                u64::from_str_radix(hex, 16).ok()?
            } else {
                part.parse::<u64>().ok()?
            };
            value |= bits;
        }
        Some(value)
    }
}

fn lookup(table: &'static [(&'static str, u64)], value: u64) -> Option<&'static str> {
    table.iter().find(|(_, v)| *v == value).map(|(n, _)| *n)
}

/// A flag type with strace's names: the link between a [`bitflags`] type and its
/// [`FlagSpec`].
///
/// # Examples
///
/// ```
/// use sigsys::flags::{MsgFlags, StraceFlags};
/// let f = MsgFlags::from_raw(0x40);
/// assert_eq!(f, MsgFlags::MSG_DONTWAIT);
/// assert_eq!(f.raw(), 0x40);
/// ```
pub trait StraceFlags: Copy + fmt::Display {
    /// The type's names.
    const SPEC: FlagSpec;
    /// The value from a raw argument (truncated to the type's width; unknown bits kept).
    fn from_raw(raw: u64) -> Self;
    /// The raw bits, zero-extended.
    fn raw(self) -> u64;
}

/// The value of one name in a flag or enum table: `NAME` alone is `libc::NAME` (taken at
/// the 32 bits the kernel reads; `libc` types some of them as a signed `c_int`), `NAME = v`
/// a value written here because `libc` lacks it (each checked against the kernel header
/// that defines it by the `values_match_libc_and_kernel_headers` test).
macro_rules! value {
    ($N:ident) => {
        libc::$N as u32
    };
    ($N:ident = $v:expr) => {
        $v
    };
}

/// Where the value of one name comes from, for the values test: `Some(libc::NAME)` (in
/// full, so that the test sees a truncation) or `None` for a hand-written one.
#[cfg(test)]
macro_rules! libc_source {
    ($N:ident) => {
        Some(libc::$N as i128)
    };
    ($N:ident = $v:expr) => {
        None
    };
}

/// `Some(x)` for `x`, `None` for nothing: an optional clause of [`strace_flags!`].
macro_rules! some_or_none {
    () => {
        None
    };
    ($e:expr) => {
        Some($e)
    };
}

/// Declares a bitflags type with strace's names, its [`FlagSpec`] and `Display`.
///
/// Each name is written once: its row (`NAME` from `libc`, or `NAME = value`) gives the
/// bitflags constant, the printed name and, by its place in the list, strace's print order.
macro_rules! strace_flags {
    (
        $(#[$meta:meta])*
        pub struct $T:ident: $B:ty;
        zero = $zero:expr;
        $(unknown = $unknown:expr;)?
        field($mask:expr) { $($FN:ident $(= $fv:expr)?),* $(,)? }
        flags { $($N:ident $(= $v:expr)?),* $(,)? }
    ) => {
        bitflags::bitflags! {
            $(#[$meta])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub struct $T: $B {
                $(
                    #[doc = concat!("`", stringify!($FN), "` (a value of the field under the mask ", stringify!($mask), ").")]
                    const $FN = value!($FN $(= $fv)?) as $B;
                )*
                $(
                    #[doc = concat!("`", stringify!($N), "`.")]
                    const $N = value!($N $(= $v)?) as $B;
                )*
            }
        }

        impl StraceFlags for $T {
            const SPEC: FlagSpec = FlagSpec {
                field_mask: $mask as u64,
                field: &[$((stringify!($FN), $T::$FN.bits() as u64)),*],
                flags: &[$((stringify!($N), $T::$N.bits() as u64)),*],
                zero: $zero,
                unknown: some_or_none!($($unknown)?),
            };
            fn from_raw(raw: u64) -> Self {
                Self::from_bits_retain(raw as $B)
            }
            fn raw(self) -> u64 {
                self.bits() as u64
            }
        }

        #[cfg(test)]
        impl $crate::flags::tests::Sources for $T {
            const SOURCES: &'static [(&'static str, u64, Option<i128>)] = &[
                $((stringify!($FN), $T::$FN.bits() as u64, libc_source!($FN $(= $fv)?)),)*
                $((stringify!($N), $T::$N.bits() as u64, libc_source!($N $(= $v)?)),)*
            ];
            const BITS: u32 = <$B>::BITS;
        }

        impl fmt::Display for $T {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                <Self as StraceFlags>::SPEC.write(f, self.bits() as u64)
            }
        }
    };
}

/// The names of an enumerated argument, and how strace prints an unknown value.
///
/// # Examples
///
/// ```
/// use sigsys::flags::{FcntlCmd, StraceEnum};
/// let mut buf = [0u8; 32];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// FcntlCmd::SPEC.write(&mut out, 0x77).unwrap();
/// assert_eq!(out.as_str(), "0x77 /* F_??? */");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct EnumSpec {
    /// Names and values.
    pub names: &'static [(&'static str, u64)],
    /// The prefix strace puts in the comment after an unknown value (`F_`, `PR_`, ...).
    pub unknown_prefix: &'static str,
    /// Whether an unknown value prints in decimal (signals, clocks) rather than hex.
    pub decimal: bool,
}

impl EnumSpec {
    /// The name of `value`, if it has one.
    ///
    /// ```
    /// use sigsys::flags::{Madvice, StraceEnum};
    /// assert_eq!(Madvice::SPEC.name(4), Some("MADV_DONTNEED"));
    /// ```
    pub fn name(&self, value: u64) -> Option<&'static str> {
        lookup(self.names, value)
    }

    /// Writes the name of `value`, or the value and strace's `/* PREFIX??? */` comment.
    ///
    /// # Errors
    ///
    /// Those of `out`.
    ///
    /// ```
    /// use sigsys::flags::{Whence, StraceEnum};
    /// let mut buf = [0u8; 32];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
    /// Whence::SPEC.write(&mut out, 1).unwrap();
    /// assert_eq!(out.as_str(), "SEEK_CUR");
    /// ```
    pub fn write<W: Write + ?Sized>(&self, out: &mut W, value: u64) -> fmt::Result {
        match self.name(value) {
            Some(name) => out.write_str(name),
            None if self.decimal => emit!(out, value, " /* ", self.unknown_prefix, "??? */"),
            None => emit!(out, Hex(value), " /* ", self.unknown_prefix, "??? */"),
        }
    }

    /// Parses a name (or a number) back into the value.
    ///
    /// ```
    /// use sigsys::flags::{ClockId, StraceEnum};
    /// assert_eq!(ClockId::SPEC.parse("CLOCK_MONOTONIC"), Some(1));
    /// ```
    pub fn parse(&self, text: &str) -> Option<u64> {
        if let Some(&(_, v)) = self.names.iter().find(|(n, _)| *n == text) {
            return Some(v);
        }
        let num = text.split(' ').next()?;
        match num.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        }
    }
}

/// An enumerated argument type with strace's names.
///
/// # Examples
///
/// ```
/// use sigsys::flags::{PrctlOption, StraceEnum};
/// assert_eq!(PrctlOption::from_raw(15), PrctlOption::PR_SET_NAME);
/// assert_eq!(PrctlOption::PR_SET_NAME.name(), Some("PR_SET_NAME"));
/// ```
pub trait StraceEnum: Copy + fmt::Display {
    /// The type's names.
    const SPEC: EnumSpec;
    /// The value from a raw argument (truncated to the type's width).
    fn from_raw(raw: u64) -> Self;
    /// The raw value, zero-extended.
    fn raw(self) -> u64;
    /// The name of this value, if known.
    fn name(self) -> Option<&'static str> {
        Self::SPEC.name(self.raw())
    }
}

/// The names of one flag or enum type, to print a value with (what `args::Arg`
/// hands the formatter for its flag and enum values).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Names {
    /// A flag type's names.
    Flags(&'static FlagSpec),
    /// An enumerated type's names.
    Enum(&'static EnumSpec),
}

impl Names {
    /// Writes `value` strace-style.
    pub(crate) fn write<W: Write + ?Sized>(self, out: &mut W, value: u64) -> fmt::Result {
        match self {
            Names::Flags(spec) => spec.write(out, value),
            Names::Enum(spec) => spec.write(out, value),
        }
    }
}

/// Declares an enumerated-argument newtype with named constants, [`EnumSpec`] and
/// `Display`; one row per name, as [`strace_flags!`] (the list order is the lookup order).
macro_rules! strace_enum {
    (
        $(#[$meta:meta])*
        pub struct $T:ident($B:ty);
        prefix = $prefix:expr, decimal = $dec:expr;
        { $($N:ident $(= $v:expr)?),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $T(pub $B);

        #[allow(non_upper_case_globals)]
        impl $T {
            $(
                #[doc = concat!("`", stringify!($N), "`.")]
                pub const $N: $T = $T(value!($N $(= $v)?) as $B);
            )*
        }

        impl StraceEnum for $T {
            const SPEC: EnumSpec = EnumSpec {
                names: &[$((stringify!($N), $T::$N.0 as u64)),*],
                unknown_prefix: $prefix,
                decimal: $dec,
            };
            fn from_raw(raw: u64) -> Self {
                $T(raw as $B)
            }
            fn raw(self) -> u64 {
                self.0 as u64
            }
        }

        #[cfg(test)]
        impl $crate::flags::tests::Sources for $T {
            const SOURCES: &'static [(&'static str, u64, Option<i128>)] = &[
                $((stringify!($N), $T::$N.0 as u64, libc_source!($N $(= $v)?)),)*
            ];
            const BITS: u32 = <$B>::BITS;
        }

        impl fmt::Display for $T {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                <Self as StraceEnum>::SPEC.write(f, self.0 as u64)
            }
        }
    };
}

mod event;
mod file;
mod ipc;
mod mm;
mod mount;
mod net;
mod process;
mod signal;
mod time;

pub use self::event::*;
pub use self::file::*;
pub use self::ipc::*;
pub use self::mm::*;
pub use self::mount::*;
pub use self::net::*;
pub use self::process::*;
pub use self::signal::*;
pub use self::time::*;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]
mod tests;
