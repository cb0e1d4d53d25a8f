//! The ARM (EABI) system call numbers (the old 32-bit table: `open`, `stat64`, `mmap2`,
//! `_llseek`...), what each means in the x86_64 terms the typed-argument layer is written
//! in, and the EABI's way with 64-bit arguments.
//!
//! EABI passes a 64-bit argument in an even/odd register pair (low word in the even
//! register), so some calls skip a register: `pread64(fd, buf, count, pad, lo, hi)`,
//! `truncate64(path, pad, lo, hi)`. ARM also reorders two calls so that their pairs fall on
//! even registers: `arm_fadvise64_64(fd, advice, off, len)` and
//! `arm_sync_file_range(fd, flags, off, nbytes)` (the kernel's `sync_file_range2`). `clone`
//! takes `tls` before `child_tid` (`CLONE_BACKWARDS`, as the asm-generic architectures).
//! [`canonical_args`] reads them as the kernel does (arm64's `compat_sys_aarch32_*`
//! wrappers) and puts them in the x86_64 call's order and width.

use super::abi::Abi;
use super::map;
use crate::arch::common::LegacyCall;
use syscalls::arm::Sysno as A;

/// A known system call number of the ARM (EABI) table.
///
/// # Examples
///
/// ```
/// use sigsys::{Abi, AbiSysno, Sysno};
/// let open = AbiSysno::new(Abi::Arm, 5).unwrap();
/// assert_eq!(open.name(), "open");
/// assert_eq!(open.to_x86_64(), Some(Sysno::open));
/// assert_eq!(AbiSysno::new(Abi::Arm, 195).unwrap().name(), "stat64");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbiSysno {
    /// A number of the ARM table.
    Arm(syscalls::arm::Sysno),
}

impl AbiSysno {
    /// Looks `nr` up in `abi`'s table; `None` when the table has no such number.
    pub fn new(_abi: Abi, nr: u32) -> Option<AbiSysno> {
        A::new(nr as usize).map(AbiSysno::Arm)
    }

    /// The `syscalls` crate's name for the call, such as `"openat"`.
    pub fn name(self) -> &'static str {
        let AbiSysno::Arm(s) = self;
        s.name()
    }

    /// The ABI whose table this number belongs to.
    pub const fn abi(self) -> Abi {
        Abi::Arm
    }

    /// The number in its table.
    pub fn id(self) -> u32 {
        let AbiSysno::Arm(s) = self;
        s.id() as u32
    }

    /// The x86_64 call of the same meaning (by name, as for i386; `arm_fadvise64_64` is
    /// `fadvise64`, `arm_sync_file_range` is `sync_file_range`), or `None` for calls
    /// x86_64 does not have. [`crate::args::canonical_args`] puts the arguments in its
    /// order.
    pub fn to_x86_64(self) -> Option<syscalls::x86_64::Sysno> {
        let AbiSysno::Arm(s) = self;
        map::to_x86_64(s)
    }
}

/// The legacy call `sysno` is, if it is one: the old-style signal calls ARM has, and
/// `mmap2`. (EABI has no `signal`, `sgetmask`, `ssetmask`.)
pub(crate) fn legacy_call(sysno: AbiSysno) -> Option<LegacyCall> {
    let AbiSysno::Arm(s) = sysno;
    Some(match s {
        A::sigreturn => LegacyCall::Sigreturn,
        A::sigprocmask => LegacyCall::Sigprocmask,
        A::sigaction => LegacyCall::Sigaction,
        A::sigsuspend => LegacyCall::Sigsuspend,
        A::mmap2 => LegacyCall::Mmap2,
        _ => return None,
    })
}

/// The arguments `a` of a call of `sysno` in the order and width of the x86_64 call of the
/// same meaning (or of the i386 call's typed signature): each 64-bit value joined from the
/// register pair EABI puts it in.
pub(crate) fn canonical_args(sysno: Option<AbiSysno>, a: [u64; 6]) -> [u64; 6] {
    let Some(AbiSysno::Arm(s)) = sysno else {
        return a;
    };
    let join = |lo: u64, hi: u64| (lo & 0xffff_ffff) | (hi << 32);
    let [a0, a1, a2, a3, a4, a5] = a;
    match s {
        // (fd, buf, count, pad, lo, hi)
        A::pread64 | A::pwrite64 => [a0, a1, a2, join(a4, a5), 0, 0],
        // (fd, iov, count, lo, hi[, flags]): no pair, as on i386
        A::preadv | A::pwritev => [a0, a1, a2, join(a3, a4), 0, 0],
        A::preadv2 | A::pwritev2 => [a0, a1, a2, join(a3, a4), 0, a5],
        // readahead(fd, pad, lo, hi, count)
        A::readahead => [a0, join(a2, a3), a4, 0, 0, 0],
        // fallocate(fd, mode, off lo, off hi, len lo, len hi)
        A::fallocate => [a0, a1, join(a2, a3), join(a4, a5), 0, 0],
        // arm_fadvise64_64(fd, advice, off, len) -> fadvise64(fd, off, len, advice)
        A::arm_fadvise64_64 => [a0, join(a2, a3), join(a4, a5), a1, 0, 0],
        // arm_sync_file_range(fd, flags, off, n) -> sync_file_range(fd, off, n, flags)
        A::arm_sync_file_range => [a0, join(a2, a3), join(a4, a5), a1, 0, 0],
        // truncate64(path, pad, lo, hi), ftruncate64(fd, pad, lo, hi)
        A::truncate64 | A::ftruncate64 => [a0, join(a2, a3), 0, 0, 0, 0],
        // _llseek(fd, hi, lo, result, whence)
        A::_llseek => [a0, join(a2, a1), 0, a3, a4, 0],
        // clone(flags, stack, parent_tid, tls, child_tid) (CLONE_BACKWARDS, as asm-generic)
        A::clone => [a0, a1, a2, a4, a3, a5],
        _ => a,
    }
}

/// Whether `sysno` has 64-bit values [`canonical_args`] joins from two registers (its
/// offsets are then 64 bits wide, the others' 32).
pub(crate) fn joins_offsets(sysno: Option<AbiSysno>) -> bool {
    matches!(
        sysno,
        Some(AbiSysno::Arm(
            A::pread64
                | A::pwrite64
                | A::preadv
                | A::pwritev
                | A::preadv2
                | A::pwritev2
                | A::readahead
                | A::fallocate
                | A::arm_fadvise64_64
                | A::arm_sync_file_range
                | A::truncate64
                | A::ftruncate64
                | A::_llseek
        ))
    )
}

/// The 32-bit-only call `sysno` is (no x86_64 counterpart, an i386 call of that name), for
/// the typed layer's i386 signatures: their arguments are the same in ARM's order once
/// [`canonical_args`] has joined the pairs.
pub(crate) fn compat_only(sysno: AbiSysno) -> Option<syscalls::x86::Sysno> {
    let AbiSysno::Arm(s) = sysno;
    map::to_i386(s)
}

impl core::fmt::Display for AbiSysno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syscalls::x86_64::Sysno as X;

    #[test]
    fn pairs_are_read_as_the_kernel_reads_them() {
        let hi = 1u64;
        let lo = 0x2000u64;
        let off = (hi << 32) | lo;
        let c = |s, a| canonical_args(Some(AbiSysno::Arm(s)), a);
        assert_eq!(
            c(A::pread64, [3, 0x10, 8, 0, lo, hi]),
            [3, 0x10, 8, off, 0, 0]
        );
        assert_eq!(
            c(A::ftruncate64, [3, 0, lo, hi, 0, 0]),
            [3, off, 0, 0, 0, 0]
        );
        assert_eq!(
            c(A::arm_fadvise64_64, [3, 4, lo, hi, 5, 0]),
            [3, off, 5, 4, 0, 0]
        );
        assert_eq!(
            c(A::_llseek, [3, hi, lo, 0x10, 1, 0]),
            [3, off, 0, 0x10, 1, 0]
        );
        assert_eq!(c(A::clone, [1, 2, 3, 4, 5, 0]), [1, 2, 3, 5, 4, 0]);
        assert!(joins_offsets(Some(AbiSysno::Arm(A::pread64))));
        assert!(!joins_offsets(Some(AbiSysno::Arm(A::read))));
        assert_eq!(
            AbiSysno::Arm(A::arm_fadvise64_64).to_x86_64(),
            Some(X::fadvise64)
        );
        assert_eq!(AbiSysno::Arm(A::stat64).to_x86_64(), None);
        assert_eq!(
            compat_only(AbiSysno::Arm(A::stat64)),
            Some(syscalls::x86::Sysno::stat64)
        );
        assert_eq!(
            legacy_call(AbiSysno::Arm(A::mmap2)),
            Some(LegacyCall::Mmap2)
        );
    }
}
