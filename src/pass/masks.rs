//! SIGSYS out of every signal mask a passed-through call gives the kernel.
//!
//! A trap while SIGSYS is blocked kills the process. A program's handler installed with a
//! full `sa_mask`, or a `ppoll` with a full temporary mask, would block it for as long as
//! it runs, and the first trapped call there would be the last. The kernel keeps SIGKILL
//! and SIGSTOP out of every mask; this module does the same for SIGSYS: each mask the call
//! hands the kernel is read, and when it holds SIGSYS the call is issued with a pointer to
//! a copy without it. The caller's memory is never written, and nothing is copied when the
//! mask does not hold SIGSYS (the usual case).
//!
//! Layouts (x86_64 / compat, from the kernel's `struct sigaction`, `compat_sigaction`,
//! `compat_old_sigaction`, `__aio_sigset`, `io_uring_getevents_arg`): a sigset is 8 bytes
//! either way; pointers and sizes in structs are 8 or 4 bytes.

use crate::abi::Abi;
use crate::arch::{Native as S, MAP_32BIT, PAGE_SIZE, SIGACTION_HAS_RESTORER, SIGSET_SIZE};
use crate::consts::{IORING_ENTER_EXT_ARG, IORING_ENTER_EXT_ARG_REG};
use crate::error::PassError;
use crate::frame::SigSet;
use crate::gate;
use crate::mem::{self, SelfMemory};
use crate::syscall::Syscall;

const SIGSYS_BIT: u64 = SigSet::bit(libc::SIGSYS);

/// Where a call carries a mask.
#[derive(Clone, Copy)]
pub(super) enum MaskArg {
    /// `args[ptr]` points to a sigset of `args[size]` bytes.
    Ptr { ptr: u8, size: u8 },
    /// `args[arg]` points to `{ sigset pointer, size }` (pselect6, io_pgetevents).
    Indirect { arg: u8 },
    /// `io_uring_enter`: a sigset pointer in `args[4]`, or with `IORING_ENTER_EXT_ARG` an
    /// `io_uring_getevents_arg` whose first field is one.
    IoUring,
    /// `rt_sigaction`'s new action in `args[1]`.
    Sigaction,
    /// i386 `sigaction`'s old-style action in `args[1]`.
    OldSigaction,
    /// The mask is the value of `args[index]` (i386 `sigsuspend`).
    Value { index: u8 },
}

/// Room for the copies, where the call's ABI can address it: on the handler's stack, or
/// for a 32-bit ABI whose handler stack is above 4 GiB, a page mapped below 2 GiB for the
/// one call (`MAP_32BIT`) and unmapped when dropped.
pub(super) struct Scratch {
    local: [u64; 8],
    mapped: u64,
}

impl Scratch {
    pub(super) fn new() -> Scratch {
        Scratch {
            local: [0; 8],
            mapped: 0,
        }
    }

    /// Copies `words` into the scratch and returns their address, one the ABI can address.
    fn place(&mut self, abi: Abi, at: usize, words: &[u64]) -> Result<u64, PassError> {
        let base = self.base(abi)?;
        let local = self.local.as_ptr() as u64;
        let dst = self
            .local
            .get_mut(at..at.saturating_add(words.len()))
            .ok_or(PassError::NoScratch)?;
        dst.copy_from_slice(words);
        let offset = (at as u64).wrapping_mul(8);
        if base == local {
            return Ok(base.wrapping_add(offset));
        }
        // SAFETY: `mapped` is a private page of ours (`base`), and `offset + 8 * len` stays
        // within the 64 bytes of `local`'s size, far inside it.
        unsafe {
            core::ptr::copy_nonoverlapping(dst.as_ptr(), (base as *mut u64).add(at), words.len());
        }
        Ok(base.wrapping_add(offset))
    }

    fn base(&mut self, abi: Abi) -> Result<u64, PassError> {
        let local = self.local.as_ptr() as u64;
        let low_enough = local.saturating_add(64) <= u64::from(u32::MAX);
        if !abi.is_compat() || low_enough {
            return Ok(local);
        }
        if self.mapped == 0 {
            let prot = (libc::PROT_READ | libc::PROT_WRITE) as u64;
            let flags = (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | MAP_32BIT) as u64;
            // SAFETY: a fresh anonymous mapping at an address of the kernel's choice.
            let addr = unsafe {
                gate::sys(
                    crate::arch::SYS_MMAP,
                    [0, PAGE_SIZE, prot, flags, u64::MAX, 0],
                )
            };
            self.mapped = addr.map_err(|_| PassError::NoScratch)?;
        }
        Ok(self.mapped)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.mapped != 0 {
            // SAFETY: the page is ours and nothing refers to it once the call returned.
            let _ = unsafe { gate::sys(S::munmap, [self.mapped, PAGE_SIZE, 0, 0, 0, 0]) };
        }
    }
}

/// `call` with every mask it gives the kernel cleared of SIGSYS: the call itself when no
/// mask holds SIGSYS, or when a mask cannot be read (the kernel then answers as it would,
/// `EFAULT` or `EINVAL`).
pub(super) fn without_sigsys(
    call: &Syscall,
    arg: MaskArg,
    scratch: &mut Scratch,
) -> Result<Syscall, PassError> {
    let compat = call.abi.is_compat();
    let mut issued = *call;
    match arg {
        MaskArg::Value { index } => {
            if let Some(v) = issued.args.get_mut(usize::from(index)) {
                *v &= !SIGSYS_BIT;
            }
        }
        MaskArg::Ptr { ptr, size } => {
            let (p, n) = (arg_at(call, ptr), arg_at(call, size));
            if let Some(mask) = read_mask(p, n) {
                set_arg(&mut issued, ptr, scratch.place(call.abi, 0, &[mask])?);
            }
        }
        MaskArg::Indirect { arg: i } => {
            let outer = arg_at(call, i);
            if let Some(words) = indirect(outer, compat, scratch, call.abi)? {
                set_arg(&mut issued, i, words);
            }
        }
        MaskArg::IoUring => {
            // io_uring_enter(fd, to_submit, min_complete, flags, argp, argsz)
            let flags = call.arg_int(3) as u32;
            if flags & IORING_ENTER_EXT_ARG_REG != 0 {
            } else if flags & IORING_ENTER_EXT_ARG != 0 {
                if let Some(addr) = uring_ext_arg(call, scratch)? {
                    set_arg(&mut issued, 4, addr);
                }
            } else if let Some(mask) = read_mask(call.args[4], call.args[5]) {
                set_arg(&mut issued, 4, scratch.place(call.abi, 0, &[mask])?);
            }
        }
        MaskArg::Sigaction => {
            if call.args[3] == SIGSET_SIZE {
                if let Some(addr) = sigaction(call.args[1], compat, scratch, call.abi)? {
                    set_arg(&mut issued, 1, addr);
                }
            }
        }
        MaskArg::OldSigaction => {
            // { handler u32, mask u32, flags u32, restorer u32 }
            if let Some(mut words) = read_words::<2>(call.args[1]) {
                if words[0] & (SIGSYS_BIT << 32) != 0 {
                    words[0] &= !(SIGSYS_BIT << 32);
                    set_arg(&mut issued, 1, scratch.place(call.abi, 0, &words)?);
                }
            }
        }
    }
    Ok(issued)
}

fn arg_at(call: &Syscall, i: u8) -> u64 {
    call.args.get(usize::from(i)).copied().unwrap_or(0)
}

fn set_arg(call: &mut Syscall, i: u8, value: u64) {
    if let Some(a) = call.args.get_mut(usize::from(i)) {
        *a = value;
    }
}

/// The sigset at `addr` (of `size` bytes, which the kernel wants to be 8) without SIGSYS,
/// if it holds SIGSYS.
fn read_mask(addr: u64, size: u64) -> Option<u64> {
    if addr == 0 || size != SIGSET_SIZE {
        return None;
    }
    let [mask] = read_words::<1>(addr)?;
    (mask & SIGSYS_BIT != 0).then_some(mask & !SIGSYS_BIT)
}

fn read_words<const N: usize>(addr: u64) -> Option<[u64; N]> {
    // SAFETY: an array of u64 accepts every bit pattern.
    unsafe { mem::read_pod::<[u64; N]>(&SelfMemory, addr) }.ok()
}

/// `{ const sigset_t *ss; size_t len }` at `outer` (`{ u32, u32 }` for compat): the address
/// of a copy pointing to a copy of the mask without SIGSYS, if the mask holds SIGSYS.
fn indirect(
    outer: u64,
    compat: bool,
    scratch: &mut Scratch,
    abi: Abi,
) -> Result<Option<u64>, PassError> {
    if outer == 0 {
        return Ok(None);
    }
    let (ss, len) = if compat {
        match read_words::<1>(outer) {
            Some([w]) => (w & 0xffff_ffff, w >> 32),
            None => return Ok(None),
        }
    } else {
        match read_words::<2>(outer) {
            Some([ss, len]) => (ss, len),
            None => return Ok(None),
        }
    };
    let Some(mask) = read_mask(ss, len) else {
        return Ok(None);
    };
    let mask_addr = scratch.place(abi, 2, &[mask])?;
    let copy = if compat {
        [mask_addr | (len << 32), 0]
    } else {
        [mask_addr, len]
    };
    scratch.place(abi, 0, &copy).map(Some)
}

/// `struct io_uring_getevents_arg { u64 sigmask; u32 sigmask_sz; u32 min_wait_usec; u64 ts }`
/// (24 bytes, the same for compat callers), given in `args[4]` with its size in `args[5]`.
fn uring_ext_arg(call: &Syscall, scratch: &mut Scratch) -> Result<Option<u64>, PassError> {
    if call.args[5] != 24 {
        return Ok(None);
    }
    let Some([sigmask, sz, ts]) = read_words::<3>(call.args[4]) else {
        return Ok(None);
    };
    let Some(mask) = read_mask(sigmask, sz & 0xffff_ffff) else {
        return Ok(None);
    };
    let mask_addr = scratch.place(call.abi, 3, &[mask])?;
    scratch.place(call.abi, 0, &[mask_addr, sz, ts]).map(Some)
}

/// The new action of `rt_sigaction` at `act`: native `{ handler, flags, restorer, mask }`
/// (32 bytes; riscv64 `{ handler, flags, mask }`, 24), compat `{ u32 handler, u32 flags, u32 restorer, u64 mask }` (20 bytes).
fn sigaction(
    act: u64,
    compat: bool,
    scratch: &mut Scratch,
    abi: Abi,
) -> Result<Option<u64>, PassError> {
    if act == 0 {
        return Ok(None);
    }
    if compat {
        // SAFETY: bytes accept every bit pattern.
        let Ok(mut raw) = (unsafe { mem::read_pod::<[u8; 20]>(&SelfMemory, act) }) else {
            return Ok(None);
        };
        let mut mask = [0u8; 8];
        if let Some(m) = raw.get(12..20) {
            mask.copy_from_slice(m);
        }
        let value = u64::from_ne_bytes(mask);
        if value & SIGSYS_BIT == 0 {
            return Ok(None);
        }
        if let Some(m) = raw.get_mut(12..20) {
            m.copy_from_slice(&(value & !SIGSYS_BIT).to_ne_bytes());
        }
        let mut words = [0u64; 3];
        for (w, chunk) in words.iter_mut().zip(raw.chunks(8)) {
            let mut b = [0u8; 8];
            if let Some(dst) = b.get_mut(..chunk.len()) {
                dst.copy_from_slice(chunk);
            }
            *w = u64::from_ne_bytes(b);
        }
        return scratch.place(abi, 0, &words).map(Some);
    }
    if !SIGACTION_HAS_RESTORER {
        // { handler, flags, mask } (riscv64).
        let Some(mut words) = read_words::<3>(act) else {
            return Ok(None);
        };
        if words[2] & SIGSYS_BIT == 0 {
            return Ok(None);
        }
        words[2] &= !SIGSYS_BIT;
        return scratch.place(abi, 0, &words).map(Some);
    }
    // { handler, flags, restorer, mask }
    let Some(mut words) = read_words::<4>(act) else {
        return Ok(None);
    };
    if words[3] & SIGSYS_BIT == 0 {
        return Ok(None);
    }
    words[3] &= !SIGSYS_BIT;
    scratch.place(abi, 0, &words).map(Some)
}
