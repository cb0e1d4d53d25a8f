//! The aarch64 system call ABI: one, `svc #0` with the number in x8.

use super::consts::AUDIT_ARCH_AARCH64;

crate::arch::asm_generic::abi::native_abi!(
    Aarch64,
    "aarch64",
    AUDIT_ARCH_AARCH64,
    "svc #0",
    "x8",
    "x0..x5"
);
