//! System call numbers and names per ABI, and what each means in x86_64 terms.
//!
//! Two kinds of number, with two names:
//!
//! - [`crate::Sysno`] (`syscalls::x86_64::Sysno`, re-exported): a call of the x86_64
//!   table, which is the vocabulary of [`crate::Syscall::is`], [`crate::Syscall::canonical`]
//!   and the typed-argument layer;
//! - [`AbiSysno`]: a number of one ABI's own table (x86_64, i386 or x32), which is what
//!   [`crate::Syscall::sysno`] returns; [`AbiSysno::to_x86_64`] maps it to the former.
//!
//! The x86_64 and i386 tables come from the `syscalls` crate; x32 is not there, so
//! [`x32`] ships it (generated from the kernel's `syscall_64.tbl`, as [`i386`]'s map is,
//! by `tools/gen_sysno_tables.py`). They live with the architecture
//! (`src/arch/x86_64/sysno/`).

pub use crate::arch::public_sysno::*;

/// The former name of [`AbiSysno`].
///
/// `sigsys::Sysno` is now `syscalls::x86_64::Sysno`, the type [`crate::Syscall::is`]
/// takes; this alias keeps `sigsys::sysno::Sysno` meaning the per-ABI number.
#[deprecated(note = "renamed `AbiSysno`; `sigsys::Sysno` is now `syscalls::x86_64::Sysno`")]
pub type Sysno = AbiSysno;
