//! The kernel's own layout of the signal frame's context, which is not glibc's.
//!
//! On x86_64 the kernel's `struct ucontext` (`include/uapi/asm-generic/ucontext.h` with
//! `arch/x86/include/uapi/asm/sigcontext.h`) is 304 bytes: flags, link, the alternate stack,
//! the 256-byte `sigcontext` and an 8-byte signal mask; the frame's `siginfo` follows it
//! directly, then the XSAVE area that `sigcontext.fpstate` points to. glibc's `ucontext_t`
//! is 968 bytes (a 128-byte `sigset_t`, a copy of the FP registers and more), so a
//! `&mut libc::ucontext_t` made from a handler's context pointer overlaps the siginfo and
//! the XSAVE area. [`Ucontext`] is exactly what the kernel writes, and the only context type
//! the crate uses; `tests/kernel.rs` measures `info - ctx` in a live handler against its size.
//!
//! [`Ucontext`] and [`Sigcontext`] are the architecture's (`src/arch/x86_64/frame.rs`);
//! [`SigStack`] and [`SigSet`] are the layouts the 64-bit architectures share
//! (`src/arch/generic.rs`).

/// ARM's 12-byte `stack_t`, the frame's `uc_stack` there.
#[cfg(target_arch = "arm")]
pub use crate::arch::SigStack32;
pub use crate::arch::{SigSet, SigStack, Sigcontext, Ucontext, UCONTEXT_SIZE};
