//! Reading the traced program's memory: fixed-size reads and native-endian fields.

use crate::mem::Memory;

use super::Ctx;

pub(super) fn read_bytes<const N: usize, M: Memory + ?Sized>(
    mem: &M,
    addr: u64,
) -> Option<[u8; N]> {
    let mut b = [0u8; N];
    match mem.read(addr, &mut b) {
        Ok(n) if n == N => Some(b),
        _ => None,
    }
}

pub(super) fn read_u32<M: Memory + ?Sized>(mem: &M, addr: u64) -> Option<u32> {
    if addr == 0 {
        return None;
    }
    read_bytes::<4, M>(mem, addr).map(u32::from_ne_bytes)
}

pub(super) fn read_u64<M: Memory + ?Sized>(mem: &M, addr: u64) -> Option<u64> {
    if addr == 0 {
        return None;
    }
    read_bytes::<8, M>(mem, addr).map(u64::from_ne_bytes)
}

/// A pointer-sized word of the caller's ABI.
pub(super) fn read_word<M: Memory + ?Sized>(ctx: &Ctx<'_, M>, addr: u64) -> Option<u64> {
    if ctx.compat() {
        read_u32(ctx.mem, addr).map(u64::from)
    } else {
        read_u64(ctx.mem, addr)
    }
}

pub(super) fn word_size<M: Memory + ?Sized>(ctx: &Ctx<'_, M>) -> u64 {
    if ctx.compat() {
        4
    } else {
        8
    }
}

/// The native-endian `u64` at byte `at` of `b` (0 past the end).
pub(super) fn ne_u64(b: &[u8], at: usize) -> u64 {
    b.get(at..)
        .and_then(|s| s.first_chunk::<8>())
        .map_or(0, |c| u64::from_ne_bytes(*c))
}

/// The native-endian `u32` at byte `at` of `b` (0 past the end).
pub(super) fn ne_u32(b: &[u8], at: usize) -> u32 {
    b.get(at..)
        .and_then(|s| s.first_chunk::<4>())
        .map_or(0, |c| u32::from_ne_bytes(*c))
}

pub(super) fn split16(b: [u8; 16]) -> (u64, u64) {
    let [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7] = b;
    (
        u64::from_ne_bytes([a0, a1, a2, a3, a4, a5, a6, a7]),
        u64::from_ne_bytes([b0, b1, b2, b3, b4, b5, b6, b7]),
    )
}
