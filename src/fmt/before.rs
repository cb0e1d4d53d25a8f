//! [`Before`]: the value-result arguments of a call, read before it runs.

use crate::args::{Dir, Kind, StructType};
use crate::mem::Memory;
use crate::syscall::Syscall;

use super::read::{read_u32, read_u64};
use crate::args::describe;

/// The value-result arguments of a call (socket address lengths, file offsets) read before
/// it runs, so that [`write_call_done_with`](super::write_call_done_with) can show how the
/// call changed them.
///
/// Small and `Copy`: take it in the handler before passing the call through.
///
/// # Examples
///
/// ```
/// use sigsys::fmt::Before;
/// use sigsys::mem::NoMemory;
/// use syscalls::x86_64::Sysno;
/// let call = sigsys::Syscall::x86_64(Sysno::getpid, [0; 6]);
/// assert_eq!(Before::capture(&call, &NoMemory), Before::NONE);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Before {
    values: [Option<i64>; 6],
    /// `select`'s input sets (arguments 1-3), for descriptors below 128.
    sets: [Option<u128>; 3],
    /// The timeout the kernel rewrites with the time left (`select`, `pselect6`, `ppoll`):
    /// its argument index and value.
    timeout: Option<(u8, [u64; 2])>,
}

impl Before {
    /// Nothing known from before the call.
    pub const NONE: Before = Before {
        values: [None; 6],
        sets: [None; 3],
        timeout: None,
    };

    /// Reads the call's value-result arguments (`int *` lengths and `loff_t *` offsets
    /// that the kernel reads and writes) from `mem`.
    ///
    /// ```
    /// use sigsys::fmt::Before;
    /// use sigsys::mem::SelfMemory;
    /// use syscalls::x86_64::Sysno;
    /// let len: u32 = 110;
    /// let call = sigsys::Syscall::x86_64(Sysno::accept, [3, 0x1000, &len as *const u32 as u64, 0, 0, 0]);
    /// assert_ne!(Before::capture(&call, &SelfMemory), Before::NONE);
    /// ```
    pub fn capture<M: Memory + ?Sized>(call: &Syscall, mem: &M) -> Before {
        let mut before = Before::NONE;
        let Some(t) = describe(call) else {
            return before;
        };
        for ((slot, kind), raw) in before.values.iter_mut().zip(t.signature.args).zip(t.raw) {
            *slot = match kind {
                Kind::Struct {
                    ty: StructType::IntRef,
                    dir: Dir::InOut,
                    ..
                } => read_u32(mem, raw).map(|v| i64::from(v as i32)),
                Kind::Struct {
                    ty: StructType::OffRef,
                    dir: Dir::InOut,
                    ..
                } => read_u64(mem, raw).map(|v| v as i64),
                // `recvmsg`'s `msg_namelen`, which the kernel rewrites.
                Kind::Struct {
                    ty: StructType::Msghdr,
                    dir: Dir::Out,
                    ..
                } if raw != 0 && !call.abi.is_compat() => {
                    read_u32(mem, raw.wrapping_add(8)).map(i64::from)
                }
                _ => None,
            };
        }
        // The timeouts these calls rewrite with the time left (native 64-bit layouts only).
        let timeout_arg = match t.sysno {
            Some(syscalls::x86_64::Sysno::select | syscalls::x86_64::Sysno::pselect6) => Some(4),
            Some(syscalls::x86_64::Sysno::ppoll) => Some(2),
            _ => None,
        };
        if let Some(i) = timeout_arg {
            let addr = t.raw.get(usize::from(i)).copied().unwrap_or(0);
            // i386's 32-bit time structs (two `long`s of 4 bytes), or the native ones.
            let pair = if super::time32(call) {
                read_u64(mem, addr).map(|w| {
                    [
                        i64::from(w as u32 as i32) as u64,
                        i64::from((w >> 32) as u32 as i32) as u64,
                    ]
                })
            } else {
                read_u64(mem, addr)
                    .zip(read_u64(mem, addr.wrapping_add(8)))
                    .map(|(a, b)| [a, b])
            };
            if let (true, Some(pair)) = (addr != 0, pair) {
                before.timeout = Some((i, pair));
            }
        }
        // `select`/`pselect6` rewrite their sets with the ready descriptors.
        if matches!(
            t.sysno,
            Some(syscalls::x86_64::Sysno::select | syscalls::x86_64::Sysno::pselect6)
        ) {
            // Descriptors below 128 only: a larger set is shown as the kernel left it.
            let nfds = t.raw.first().copied().unwrap_or(0) as u32 as i32;
            let nfds = if (0..=128).contains(&nfds) {
                nfds as u64
            } else {
                0
            };
            for (k, slot) in before.sets.iter_mut().enumerate() {
                let addr = t.raw.get(k.wrapping_add(1)).copied().unwrap_or(0);
                if addr == 0 || nfds == 0 {
                    continue;
                }
                let lo = read_u64(mem, addr);
                let hi = if nfds > 64 {
                    read_u64(mem, addr.wrapping_add(8))
                } else {
                    Some(0)
                };
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    *slot = Some(u128::from(lo) | u128::from(hi) << 64);
                }
            }
        }
        before
    }

    /// The timeout argument `i` as it was before the call.
    pub(super) fn timeout(&self, i: u8) -> Option<(i64, i64)> {
        match self.timeout {
            Some((at, [s, ns])) if at == i => Some((s as i64, ns as i64)),
            _ => None,
        }
    }

    /// `select`'s input set `i` (argument 1-3) as it was before the call.
    pub(super) fn set(&self, i: u8) -> Option<u128> {
        self.sets
            .get(usize::from(i).wrapping_sub(1))
            .copied()
            .flatten()
    }

    pub(super) fn at(&self, i: u8) -> Option<i64> {
        self.values.get(usize::from(i)).copied().flatten()
    }
}
