//! System call numbers of the three x86 ABIs, and what each means in x86_64 terms.
//!
//! x86_64 and i386 tables come from the `syscalls` crate; x32 is not there, so
//! [`x32`] ships it (generated from the kernel's `syscall_64.tbl`). [`AbiSysno::to_x86_64`]
//! maps any of them to the x86_64 call with the same name: the typed-argument table is
//! written once, in x86_64 terms, and serves all three ABIs through that map.

pub mod i386;
pub mod x32;

use super::abi::Abi;
use crate::arch::common::LegacyCall;

/// A known system call number of one ABI's own table: an x86_64, i386 or x32 number.
///
/// Not to be confused with [`crate::Sysno`], the x86_64 table (`syscalls::x86_64::Sysno`),
/// which is what [`crate::Syscall::is`] takes; [`AbiSysno::to_x86_64`] goes from this to
/// that.
///
/// # Examples
///
/// ```
/// use sigsys::{Abi, AbiSysno, Sysno};
/// let open32 = AbiSysno::new(Abi::I386, 5).unwrap();
/// assert_eq!(open32.name(), "open");
/// assert_eq!(open32.to_x86_64(), Some(Sysno::open));
/// assert_eq!(AbiSysno::new(Abi::X86_64, 0x1f3), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbiSysno {
    /// A number of the x86_64 table.
    X86_64(syscalls::x86_64::Sysno),
    /// A number of the i386 (`int $0x80`) table.
    I386(syscalls::x86::Sysno),
    /// A number of the x32 table (without the x32 bit).
    X32(x32::Sysno),
}

impl AbiSysno {
    /// Looks `nr` up in `abi`'s table; `None` when the table has no such number.
    pub fn new(abi: Abi, nr: u32) -> Option<AbiSysno> {
        match abi {
            Abi::X86_64 => syscalls::x86_64::Sysno::new(nr as usize).map(AbiSysno::X86_64),
            Abi::I386 => syscalls::x86::Sysno::new(nr as usize).map(AbiSysno::I386),
            Abi::X32 => x32::Sysno::new(nr).map(AbiSysno::X32),
        }
    }

    /// The kernel's name for the call, such as `"openat"`.
    pub fn name(self) -> &'static str {
        match self {
            AbiSysno::X86_64(s) => s.name(),
            AbiSysno::I386(s) => s.name(),
            AbiSysno::X32(s) => s.name(),
        }
    }

    /// The ABI whose table this number belongs to.
    pub const fn abi(self) -> Abi {
        match self {
            AbiSysno::X86_64(_) => Abi::X86_64,
            AbiSysno::I386(_) => Abi::I386,
            AbiSysno::X32(_) => Abi::X32,
        }
    }

    /// The number in its own table (x32 without the x32 bit).
    pub fn id(self) -> u32 {
        match self {
            AbiSysno::X86_64(s) => s.id() as u32,
            AbiSysno::I386(s) => s.id() as u32,
            AbiSysno::X32(s) => s.id(),
        }
    }

    /// The x86_64 call with the same name, whose arguments mean the same; `None` for calls
    /// that exist only in the 32-bit ABI (`socketcall`, `mmap2`, `_llseek`, ...).
    pub fn to_x86_64(self) -> Option<syscalls::x86_64::Sysno> {
        match self {
            AbiSysno::X86_64(s) => Some(s),
            AbiSysno::I386(s) => i386::to_x86_64(s),
            AbiSysno::X32(s) => s.to_x86_64(),
        }
    }
}

/// The legacy call `sysno` is, if it is one: the i386 calls pass-through treats specially.
pub(crate) fn legacy_call(sysno: AbiSysno) -> Option<LegacyCall> {
    use syscalls::x86::Sysno as I;
    let AbiSysno::I386(s) = sysno else {
        return None;
    };
    Some(match s {
        I::sigreturn => LegacyCall::Sigreturn,
        I::sigprocmask => LegacyCall::Sigprocmask,
        I::sgetmask => LegacyCall::Sgetmask,
        I::ssetmask => LegacyCall::Ssetmask,
        I::signal => LegacyCall::Signal,
        I::sigaction => LegacyCall::Sigaction,
        I::sigsuspend => LegacyCall::Sigsuspend,
        I::mmap2 => LegacyCall::Mmap2,
        _ => return None,
    })
}

/// The arguments `a` of a call of `sysno` in the order and width of the x86_64 call of the
/// same meaning: the two halves of a 64-bit offset that i386 splits over two registers
/// joined into one, and `clone`'s `tls` and `child_tid` in x86_64's order.
pub(crate) fn canonical_args(sysno: Option<AbiSysno>, a: [u64; 6]) -> [u64; 6] {
    use syscalls::x86::Sysno as X;
    let Some(AbiSysno::I386(s)) = sysno else {
        return a;
    };
    let join = |lo: u64, hi: u64| (lo & 0xffff_ffff) | (hi << 32);
    let [a0, a1, a2, a3, a4, a5] = a;
    match s {
        // (fd, buf/iov, count, lo, hi[, flags])
        X::pread64 | X::pwrite64 | X::preadv | X::pwritev => [a0, a1, a2, join(a3, a4), 0, 0],
        X::preadv2 | X::pwritev2 => [a0, a1, a2, join(a3, a4), 0, a5],
        // readahead(fd, lo, hi, count)
        X::readahead => [a0, join(a1, a2), a3, 0, 0, 0],
        // fadvise64(fd, lo, hi, len, advice)
        X::fadvise64 => [a0, join(a1, a2), a3, a4, 0, 0],
        // fallocate(fd, mode, off lo, off hi, len lo, len hi)
        X::fallocate => [a0, a1, join(a2, a3), join(a4, a5), 0, 0],
        // sync_file_range(fd, off lo, off hi, n lo, n hi, flags)
        X::sync_file_range => [a0, join(a1, a2), join(a3, a4), a5, 0, 0],
        // i386-only: truncate64(path, lo, hi), ftruncate64(fd, lo, hi)
        X::truncate64 | X::ftruncate64 => [a0, join(a1, a2), 0, 0, 0, 0],
        // fadvise64_64(fd, off lo, off hi, len lo, len hi, advice)
        X::fadvise64_64 => [a0, join(a1, a2), 0, join(a3, a4), 0, a5],
        // _llseek(fd, hi, lo, result, whence)
        X::_llseek => [a0, join(a2, a1), 0, a3, a4, 0],
        // clone(flags, stack, parent_tid, tls, child_tid): i386 is CLONE_BACKWARDS
        // (`compat_sys_ia32_clone`), x86_64 has child_tid before tls.
        X::clone => [a0, a1, a2, a4, a3, a5],
        _ => a,
    }
}

/// Whether `sysno` is an i386 call whose 64-bit offsets [`canonical_args`] joins from two
/// registers (its offsets are then 64 bits wide, the others' 32).
pub(crate) fn joins_offsets(sysno: Option<AbiSysno>) -> bool {
    use syscalls::x86::Sysno as X;
    matches!(
        sysno,
        Some(AbiSysno::I386(
            X::pread64
                | X::pwrite64
                | X::preadv
                | X::pwritev
                | X::preadv2
                | X::pwritev2
                | X::readahead
                | X::fadvise64
                | X::fallocate
                | X::sync_file_range
                | X::truncate64
                | X::ftruncate64
                | X::fadvise64_64
                | X::_llseek
        ))
    )
}

/// The i386-only call `sysno` is (no x86_64 counterpart), for the typed layer's own
/// signatures of those.
pub(crate) fn compat_only(sysno: AbiSysno) -> Option<syscalls::x86::Sysno> {
    match sysno {
        AbiSysno::I386(s) => Some(s),
        AbiSysno::X86_64(_) | AbiSysno::X32(_) => None,
    }
}

impl core::fmt::Display for AbiSysno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i386_clone_is_backwards() {
        let clone = Some(AbiSysno::I386(syscalls::x86::Sysno::clone));
        assert_eq!(
            canonical_args(clone, [1, 2, 3, 4, 5, 0]),
            [1, 2, 3, 5, 4, 0]
        );
        let x64 = Some(AbiSysno::X86_64(syscalls::x86_64::Sysno::clone));
        assert_eq!(canonical_args(x64, [1, 2, 3, 4, 5, 0]), [1, 2, 3, 4, 5, 0]);
    }
}
