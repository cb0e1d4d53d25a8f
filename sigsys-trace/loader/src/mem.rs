//! The C memory functions the compiler calls (`memcpy` for struct copies, `strlen` for a
//! recognised loop, ...). The loader links no C library: the program brings its own, and
//! the loader's code must not depend on its state. Written with string instructions and
//! volatile loops, which the compiler cannot turn back into calls of these same functions.

use core::arch::asm;

/// # Safety
///
/// The C contract: `n` bytes readable at `s`, writable at `d`, not overlapping.
#[no_mangle]
pub unsafe extern "C" fn memcpy(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
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

/// # Safety
///
/// The C contract: `n` bytes writable at `d`.
#[no_mangle]
pub unsafe extern "C" fn memset(d: *mut u8, c: i32, n: usize) -> *mut u8 {
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
