//! x86_64 safecopy: one copy routine whose only memory access is one `rep movsb`, in a
//! code range of its own, and the fix-up that resumes it after a fault.
//!
//! `rep movsb` is restartable: when an iteration faults, the CPU reports the fault with
//! RSI, RDI and RCX at that iteration, so RCX is the count of bytes not copied (the
//! kernel's own `copy_user` routines rely on the same). The fix-up is the instruction just
//! after the `rep movsb`: a SIGSEGV/SIGBUS handler that finds the fault's RIP at the
//! `rep movsb` moves RIP there, and the routine returns RCX as if the copy had stopped
//! on its own. The direction flag is clear on entry (the ABI's invariant, which the kernel
//! also establishes at signal delivery).

// Symbols carry the crate's major version, as the gate's do.
core::arch::global_asm!(
    ".pushsection .text.sigsys_safecopy,\"ax\",@progbits",
    ".p2align 4",
    // usize sigsys_v0_1_safecopy_copy(u8 *dst /* rdi */, const u8 *src /* rsi */,
    //                                 usize len /* rdx */): the bytes NOT copied.
    ".globl sigsys_v0_1_safecopy_copy",
    ".hidden sigsys_v0_1_safecopy_copy",
    ".type sigsys_v0_1_safecopy_copy, @function",
    "sigsys_v0_1_safecopy_copy:",
    ".cfi_startproc",
    "mov rcx, rdx",
    ".globl sigsys_v0_1_safecopy_fault",
    ".hidden sigsys_v0_1_safecopy_fault",
    "sigsys_v0_1_safecopy_fault:",
    "rep movsb",
    ".globl sigsys_v0_1_safecopy_fixup",
    ".hidden sigsys_v0_1_safecopy_fixup",
    "sigsys_v0_1_safecopy_fixup:",
    "mov rax, rcx",
    "ret",
    ".cfi_endproc",
    ".size sigsys_v0_1_safecopy_copy, . - sigsys_v0_1_safecopy_copy",
    ".popsection",
);

extern "C" {
    #[link_name = "sigsys_v0_1_safecopy_copy"]
    fn safecopy_copy(dst: *mut u8, src: *const u8, len: usize) -> usize;
    #[link_name = "sigsys_v0_1_safecopy_fault"]
    static SAFECOPY_FAULT: u8;
    #[link_name = "sigsys_v0_1_safecopy_fixup"]
    static SAFECOPY_FIXUP: u8;
}

/// This architecture has safecopy routines.
pub(crate) const AVAILABLE: bool = true;

/// Copies `len` bytes from `src` to `dst` and returns how many were **not** copied: 0, or
/// the rest from the first byte whose access faulted (when the fault handler ran
/// [`fixup_pc`]).
///
/// # Safety
///
/// A SIGSEGV/SIGBUS handler that applies [`fixup_pc`] must be installed, and the two
/// signals unblocked in the calling thread; otherwise a fault is the process's. `dst` and
/// `src` may be anything else: the copy is machine code, outside Rust's memory model, but
/// whatever it overwrites at `dst` is the caller's responsibility (as for a raw write).
#[inline]
pub(crate) unsafe fn copy(dst: *mut u8, src: *const u8, len: usize) -> usize {
    // SAFETY: the routine reads `src..src+len` and writes `dst..dst+len` with one
    // `rep movsb`; the caller answers for the fault handler and for the destination.
    unsafe { safecopy_copy(dst, src, len) }
}

/// Where a fault at `pc` resumes, if `pc` is the copy routine's faulting instruction.
pub(crate) fn fixup_pc(pc: u64) -> Option<u64> {
    // Only the labels' addresses are taken; nothing is read.
    let fault = core::ptr::addr_of!(SAFECOPY_FAULT) as u64;
    let fixup = core::ptr::addr_of!(SAFECOPY_FIXUP) as u64;
    (pc == fault).then_some(fixup)
}
