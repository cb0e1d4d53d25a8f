//! Guards for the memory the handler runs on, and for calls that would start a child on it.
//!
//! A guard may refuse only what the kernel would really do: a call the kernel rejects for
//! its arguments (an unaligned address, a zero or overflowing length, an address past the
//! user address space) changes nothing, so it is passed on and the caller gets the kernel's
//! own error.

use crate::arch::{self, Sysno as S, PAGE_SIZE as PAGE};
use crate::consts::{MADV_DONTNEED_LOCKED, MADV_GUARD_INSTALL};
use crate::frame::SigStack;
use crate::syscall::Syscall;

/// How much of the handler's stack is protected when the handler does not run on the
/// frame's alternate stack: this much either side of its stack pointer.
const WINDOW: u64 = 64 * 1024;

/// `clone(flags, newsp, ...)`: a child on a new stack or in the same memory would run on
/// from inside the handler's frame. A fork-like clone (own memory, no stack) is fine.
pub(super) fn clone_shares_stack(args: [u64; 6]) -> bool {
    let shared = (libc::CLONE_VM | libc::CLONE_VFORK) as u64;
    args[1] != 0 || args[0] & shared != 0
}

/// Whether a memory call would really change (unmap, remap, protect away, discard) the
/// memory the handler is running on.
pub(super) fn hits_handler_stack(call: &Syscall, saved: &SigStack) -> bool {
    let task_size = arch::task_size(call.abi);
    changed_ranges(call)
        .into_iter()
        .flatten()
        .filter_map(|(addr, len)| valid_range(addr, len, task_size))
        .any(|(start, end)| overlaps_handler_stack(saved, start, end))
}

/// The ranges a memory call acts on, as `(addr, len)` before the kernel's checks, or `None`
/// where the call leaves memory as it is whatever the range.
fn changed_ranges(call: &Syscall) -> [Option<(u64, u64)>; 2] {
    let [a0, a1, a2, a3, a4, _] = call.args;
    let fixed = |flags: u64| {
        // MAP_FIXED_NOREPLACE fails with EEXIST rather than replace anything.
        flags & libc::MAP_FIXED as u64 != 0 && flags & libc::MAP_FIXED_NOREPLACE as u64 == 0
    };
    if call.sysno().and_then(arch::legacy_call) == Some(arch::LegacyCall::Mmap2) {
        return [fixed(a3).then_some((a0, a1)), None];
    }
    match call.canonical() {
        Some(S::munmap) => [Some((a0, a1)), None],
        Some(S::mmap) => [fixed(a3).then_some((a0, a1)), None],
        // Taking away read or write access; `prot` is an int.
        Some(S::mprotect) => {
            let rw = (libc::PROT_READ | libc::PROT_WRITE) as u32;
            [
                (call.arg_int(2) as u32 & rw != rw).then_some((a0, a1)),
                None,
            ]
        }
        Some(S::madvise) => [
            destructive_advice(call.arg_int(2)).then_some((a0, a1)),
            None,
        ],
        // The source (shrunk, moved or both); with MREMAP_FIXED also the target.
        Some(S::mremap) => {
            let target = a3 & libc::MREMAP_FIXED as u64 != 0;
            [Some((a0, a1)), target.then_some((a4, a2))]
        }
        _ => [None, None],
    }
}

/// Advice that discards or replaces the contents of the range.
fn destructive_advice(advice: i32) -> bool {
    matches!(
        advice,
        libc::MADV_DONTNEED
            | libc::MADV_FREE
            | libc::MADV_REMOVE
            | MADV_DONTNEED_LOCKED
            | MADV_GUARD_INSTALL
    )
}

/// The page range `[start, end)` the kernel would act on, or `None` where it refuses the
/// arguments: an unaligned address, a zero length, a length that overflows when rounded up
/// to pages, or an end past the address space.
fn valid_range(addr: u64, len: u64, task_size: u64) -> Option<(u64, u64)> {
    if addr & (PAGE - 1) != 0 || len == 0 {
        return None;
    }
    let rounded = len.checked_add(PAGE - 1)? & !(PAGE - 1);
    let end = addr.checked_add(rounded)?;
    (end <= task_size).then_some((addr, end))
}

/// Whether `[start, end)` touches the memory the handler is running on: the saved
/// alternate stack when the handler is on it, otherwise [`WINDOW`] either side of its stack
/// pointer.
fn overlaps_handler_stack(saved: &SigStack, start: u64, end: u64) -> bool {
    let sp = handler_sp();
    let (low, high) = if saved.contains(sp) {
        (saved.sp, saved.sp.saturating_add(saved.size))
    } else {
        (sp.saturating_sub(WINDOW), sp.saturating_add(WINDOW))
    };
    start < high && end > low
}

/// An address on the handler's own stack.
#[inline(always)]
pub(super) fn handler_sp() -> u64 {
    let marker = 0u8;
    core::ptr::from_ref(&marker) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_ranges_are_the_kernels_to_refuse() {
        const TASK_SIZE_64: u64 = arch::task_size(crate::Abi::NATIVE);
        assert_eq!(valid_range(0, u64::MAX - 1329, TASK_SIZE_64), None);
        assert_eq!(valid_range(0x1001, 4096, TASK_SIZE_64), None);
        assert_eq!(valid_range(0x1000, 0, TASK_SIZE_64), None);
        assert_eq!(valid_range(TASK_SIZE_64, 1, TASK_SIZE_64), None);
        assert_eq!(valid_range(0x1000, 1, TASK_SIZE_64), Some((0x1000, 0x2000)));
    }
}
