//! The program's memory as the handler reads and writes it, and the C memory functions
//! the compiler calls.
//!
//! **The program's memory** ([`ProgMemory`], [`write`]): read by the crate's safecopy
//! routine (`sigsys::safecopy`: a direct copy whose faults the crate's SIGSEGV/SIGBUS
//! handler turns into `EFAULT`) whenever the trap being handled allows it (the frame's
//! mask blocks neither SIGSEGV nor SIGBUS: a fault while they are blocked would kill the
//! program), else with `process_vm_readv` on the cached pid. Which one is decided once
//! per trap ([`for_trap`]) and kept in the thread's entry for the readers below the
//! handler (the formatter, exec, clone).
//!
//! **The C memory functions** (`memcpy` for struct copies, `strlen` for a recognised loop,
//! ...). The loader links no C library: the program brings its own, and the loader's code
//! must not depend on its state. Written with string instructions and volatile loops,
//! which the compiler cannot turn back into calls of these same functions.

use core::arch::asm;
use core::sync::atomic::Ordering;

use syscalls::x86_64::Sysno;

use crate::state;
use crate::sys::sys;

/// Decides how this thread reads the program's memory while `trap` is handled; returns
/// what it replaced, for [`restore`] when the handler returns (a nested trap decides for
/// itself).
pub fn for_trap(trap: &sigsys::Trap<'_>) -> bool {
    let me = state::me();
    // A task with signal actions of its own (`clone(CLONE_VM)` without `CLONE_SIGHAND`)
    // may have replaced the crate's fault handler in them: its reads go through the kernel.
    let fast = trap.memory().is_fast() && !me.private_sighand.load(Ordering::Relaxed);
    me.fast_mem.swap(fast, Ordering::Relaxed)
}

/// Puts back what [`for_trap`] replaced.
pub fn restore(prev: bool) {
    state::me().fast_mem.store(prev, Ordering::Relaxed);
}

fn fast() -> sigsys::mem::FastMemory {
    if state::me().fast_mem.load(Ordering::Relaxed) {
        // The trap's frame said so (`for_trap`).
        sigsys::mem::FastMemory::for_blocked(sigsys::frame::SigSet::EMPTY)
    } else {
        sigsys::mem::FastMemory::SLOW
    }
}

/// The program's memory (see the module docs): never faults the program.
#[derive(Clone, Copy)]
pub struct ProgMemory;

impl sigsys::mem::Memory for ProgMemory {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, syscalls::Errno> {
        let f = fast();
        if f.is_fast() {
            return f.read(addr, buf);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        // `process_vm_readv` on the tracer's pid, which it keeps right across fork.
        let local = [buf.as_mut_ptr() as u64, buf.len() as u64];
        let remote = [addr, buf.len() as u64];
        // SAFETY: one local iovec for `buf`, its length, and one remote one, which the kernel
        // checks and reads through.
        let r = unsafe {
            sys(
                Sysno::process_vm_readv,
                [
                    state::pid() as u64,
                    local.as_ptr() as u64,
                    1,
                    remote.as_ptr() as u64,
                    1,
                    0,
                ],
            )
        };
        if (-4095..0).contains(&r) {
            Err(syscalls::Errno::new(-r as i32))
        } else {
            Ok(r as usize)
        }
    }
}

/// Writes `data` at `addr` in the program's memory: the bytes written, or `EFAULT`.
///
/// # Safety
///
/// As `sigsys::mem::write`: where the program asked the kernel to write (a call's output
/// buffer), or memory the tracer owns.
pub unsafe fn write(addr: u64, data: &[u8]) -> Result<usize, syscalls::Errno> {
    // SAFETY: forwarded contract.
    unsafe { fast().write(addr, data) }
}

/// Copies of at most this many bytes are made with plain loads and stores: `rep movsb`
/// costs tens of cycles to start, and the formatter makes many small copies per line
/// (measured: a quarter of the handler's own time went there on `find` with `rep movsb`
/// alone).
const SMALL_COPY: usize = 64;

/// Copies `n <= SMALL_COPY` bytes from `s` to `d` with unaligned loads and stores, every
/// load before the first store (so overlapping ranges are copied right in both
/// directions). Straight-line code, no loop: the compiler cannot turn it back into a call
/// of `memcpy`.
///
/// # Safety
///
/// `n <= SMALL_COPY`; `n` bytes readable at `s` and writable at `d`.
#[inline(always)]
unsafe fn copy_small(d: *mut u8, s: *const u8, n: usize) {
    // SAFETY: every access is inside `s[..n]` / `d[..n]` (the caller's contract): the
    // second access of each pair starts at `n - size`, which the branch guarantees is not
    // below 0, and each pair covers the whole range.
    unsafe {
        if n >= 32 {
            let a = s.cast::<[u64; 4]>().read_unaligned();
            let b = s.add(n - 32).cast::<[u64; 4]>().read_unaligned();
            d.cast::<[u64; 4]>().write_unaligned(a);
            d.add(n - 32).cast::<[u64; 4]>().write_unaligned(b);
        } else if n >= 16 {
            let a = s.cast::<[u64; 2]>().read_unaligned();
            let b = s.add(n - 16).cast::<[u64; 2]>().read_unaligned();
            d.cast::<[u64; 2]>().write_unaligned(a);
            d.add(n - 16).cast::<[u64; 2]>().write_unaligned(b);
        } else if n >= 8 {
            let a = s.cast::<u64>().read_unaligned();
            let b = s.add(n - 8).cast::<u64>().read_unaligned();
            d.cast::<u64>().write_unaligned(a);
            d.add(n - 8).cast::<u64>().write_unaligned(b);
        } else if n >= 4 {
            let a = s.cast::<u32>().read_unaligned();
            let b = s.add(n - 4).cast::<u32>().read_unaligned();
            d.cast::<u32>().write_unaligned(a);
            d.add(n - 4).cast::<u32>().write_unaligned(b);
        } else if n > 0 {
            let (a, b, c) = (*s, *s.add(n / 2), *s.add(n - 1));
            *d = a;
            *d.add(n / 2) = b;
            *d.add(n - 1) = c;
        }
    }
}

/// # Safety
///
/// The C contract: `n` bytes readable at `s`, writable at `d`, not overlapping.
#[no_mangle]
pub unsafe extern "C" fn memcpy(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
    if n <= SMALL_COPY {
        // SAFETY: the caller's contract, and `n <= SMALL_COPY`.
        unsafe { copy_small(d, s, n) };
        return d;
    }
    // SAFETY: the caller's contract; the direction flag is clear (the ABI's invariant).
    unsafe {
        asm!("rep movsb", inout("rcx") n => _, inout("rdi") d => _, inout("rsi") s => _,
            options(nostack, preserves_flags));
    }
    d
}

/// # Safety
///
/// The C contract: `n` bytes readable at `s`, writable at `d`; they may overlap.
#[no_mangle]
pub unsafe extern "C" fn memmove(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
    if n <= SMALL_COPY {
        // SAFETY: the caller's contract; `copy_small` loads everything before it stores.
        unsafe { copy_small(d, s, n) };
        return d;
    }
    if (d as usize) <= (s as usize) || (d as usize) >= (s as usize).wrapping_add(n) {
        // SAFETY: a forward copy is right when the destination starts below the source.
        return unsafe { memcpy(d, s, n) };
    }
    // SAFETY: the caller's contract; backwards from the last byte, direction flag restored.
    unsafe {
        asm!("std", "rep movsb", "cld",
            inout("rcx") n => _,
            inout("rdi") d.wrapping_add(n).wrapping_sub(1) => _,
            inout("rsi") s.wrapping_add(n).wrapping_sub(1) => _,
            options(nostack));
    }
    d
}

/// Sets `n <= SMALL_COPY` bytes at `d` to the byte repeated in `v`, as [`copy_small`]
/// copies: pairs of unaligned stores that cover the range, no loop.
///
/// # Safety
///
/// `n <= SMALL_COPY`; `n` bytes writable at `d`.
#[inline(always)]
unsafe fn set_small(d: *mut u8, v: u64, n: usize) {
    // SAFETY: as in `copy_small`: every store is inside `d[..n]`.
    unsafe {
        if n >= 32 {
            d.cast::<[u64; 4]>().write_unaligned([v; 4]);
            d.add(n - 32).cast::<[u64; 4]>().write_unaligned([v; 4]);
        } else if n >= 16 {
            d.cast::<[u64; 2]>().write_unaligned([v; 2]);
            d.add(n - 16).cast::<[u64; 2]>().write_unaligned([v; 2]);
        } else if n >= 8 {
            d.cast::<u64>().write_unaligned(v);
            d.add(n - 8).cast::<u64>().write_unaligned(v);
        } else if n >= 4 {
            d.cast::<u32>().write_unaligned(v as u32);
            d.add(n - 4).cast::<u32>().write_unaligned(v as u32);
        } else if n > 0 {
            *d = v as u8;
            *d.add(n / 2) = v as u8;
            *d.add(n - 1) = v as u8;
        }
    }
}

/// Small sets (the formatter's one-byte pushes of a constant compile to `memset`) are
/// straight-line stores; `rep stosb`, like `rep movsb`, costs tens of cycles to start.
///
/// # Safety
///
/// The C contract: `n` bytes writable at `d`.
#[no_mangle]
pub unsafe extern "C" fn memset(d: *mut u8, c: i32, n: usize) -> *mut u8 {
    if n <= SMALL_COPY {
        // SAFETY: the caller's contract, and `n <= SMALL_COPY`.
        unsafe { set_small(d, u64::from_ne_bytes([c as u8; 8]), n) };
        return d;
    }
    // SAFETY: the caller's contract.
    unsafe {
        asm!("rep stosb", inout("rcx") n => _, inout("rdi") d => _, in("al") c as u8,
            options(nostack, preserves_flags));
    }
    d
}

/// # Safety
///
/// The C contract: `n` bytes readable at `a` and `b`.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: i < n.
        let (x, y) = unsafe {
            (
                core::ptr::read_volatile(a.wrapping_add(i)),
                core::ptr::read_volatile(b.wrapping_add(i)),
            )
        };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// # Safety
///
/// As [`memcmp`].
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { memcmp(a, b, n) }
}

/// # Safety
///
/// The C contract: a NUL-terminated string at `s`.
#[no_mangle]
pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: the caller's contract: every byte up to the NUL is readable.
    while unsafe { core::ptr::read_volatile(s.wrapping_add(n)) } != 0 {
        n += 1;
    }
    n
}
