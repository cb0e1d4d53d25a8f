//! The process id the fallback memory reads (`process_vm_readv` on the own process)
//! name, cached so that a read costs no `getpid`.
//!
//! The pid lives in one page mapped with `MADV_WIPEONFORK`, filled when
//! [`crate::safecopy::install`] (or [`crate::safecopy::declare_handled`], or
//! [`crate::handler::install`]) runs: the kernel zeroes that page in the child of a
//! `fork`, so a child never uses its parent's pid, and a zero means "ask `getpid`". A
//! zeroed page is not filled again from a read (the reader could be a `vfork` child sharing
//! the page with its parent, whose pid it would then take); installing again fills it. A
//! `CLONE_VM` child shares the page and uses its parent's pid, which names the same
//! memory. Without the page (a kernel before 4.14) every fallback read asks `getpid`.
//!
//! A leaf: `mem` reads it, the installers fill it.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::arch::{Native as Sysno, PAGE_SIZE};
use crate::gate;

/// The page holding the cached pid (see the module docs): 0 before it is made, 1 when it
/// cannot be (no `MADV_WIPEONFORK`).
static PID_PAGE: AtomicU64 = AtomicU64::new(0);

/// The cached pid's word, if the page exists.
fn pid_word() -> Option<&'static AtomicU64> {
    match PID_PAGE.load(Ordering::Acquire) {
        0 | 1 => None,
        // SAFETY: a page of ours, mapped once and never unmapped; its first word is only
        // ever accessed as this atomic.
        p => Some(unsafe { &*(p as *const AtomicU64) }),
    }
}

/// The process id for `process_vm_readv`: the cached one, or `getpid`.
pub(crate) fn own_pid() -> u64 {
    match pid_word().map(|w| w.load(Ordering::Relaxed)) {
        Some(p) if p != 0 => p,
        // SAFETY: getpid has no preconditions.
        _ => unsafe { gate::sys(Sysno::getpid, [0; 6]) }.unwrap_or(0),
    }
}

/// Makes the pid page if needed and fills it with this process's pid.
pub(crate) fn init_pid_cache() {
    const MADV_WIPEONFORK: u64 = 18;
    if PID_PAGE.load(Ordering::Acquire) == 0 {
        // SAFETY: a new private anonymous page; nothing else is touched.
        let page = unsafe {
            gate::sys(
                crate::arch::SYS_MMAP,
                [
                    0,
                    PAGE_SIZE,
                    (libc::PROT_READ | libc::PROT_WRITE) as u64,
                    (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64,
                    u64::MAX,
                    0,
                ],
            )
        };
        let Ok(page) = page else {
            return;
        };
        // SAFETY: the page just mapped.
        let wiped =
            unsafe { gate::sys(Sysno::madvise, [page, PAGE_SIZE, MADV_WIPEONFORK, 0, 0, 0]) };
        let value = if wiped.is_ok() { page } else { 1 };
        if PID_PAGE
            .compare_exchange(0, value, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
            || value == 1
        {
            // Another thread made one first, or the page cannot serve.
            // SAFETY: our own page, not published.
            let _ = unsafe { gate::sys(Sysno::munmap, [page, PAGE_SIZE, 0, 0, 0, 0]) };
        }
    }
    if let Some(word) = pid_word() {
        // SAFETY: getpid has no preconditions.
        if let Ok(pid) = unsafe { gate::sys(Sysno::getpid, [0; 6]) } {
            word.store(pid, Ordering::Relaxed);
        }
    }
}
