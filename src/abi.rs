//! The system call ABIs of the architecture and where each keeps its number.
//!
//! On x86_64: x86_64 (`syscall`), i386 (`int $0x80`) and x32 (`syscall` with bit 30 set in
//! the number). The type lives with the architecture (`src/arch/x86_64/abi.rs`); which
//! registers hold what is the architecture's too, and no other module names them.

pub use crate::arch::Abi;
