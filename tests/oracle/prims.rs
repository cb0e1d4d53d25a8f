//! What both oracle programs (`calls.rs`, `calls_generic.rs`) are written with: the markers,
//! the raw call and the pointer helpers.

use std::ffi::CStr;

/// Start marker: `close(-1000)`.
pub const START: i64 = -1000;
/// End marker: `close(-1001)`.
pub const END: i64 = -1001;

pub fn sc(nr: libc::c_long, a: [u64; 6]) -> i64 {
    // SAFETY: the oracle's calls are made on its own, prepared buffers; each is harmless to
    // the process (files in the oracle's directory, its own memory, signals it ignores).
    unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) as i64 }
}

pub fn p(s: &CStr) -> u64 {
    s.as_ptr() as u64
}

pub fn a<T>(x: &T) -> u64 {
    x as *const T as u64
}

pub fn am<T>(x: &mut T) -> u64 {
    x as *mut T as u64
}

#[repr(C)]
pub struct Iovec {
    pub base: u64,
    pub len: u64,
}

/// An iovec of `len` bytes at `base`.
pub fn iovec(base: *const u8, len: u64) -> Iovec {
    Iovec {
        base: base as u64,
        len,
    }
}
