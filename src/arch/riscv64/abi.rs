//! The riscv64 system call ABI: one, `ecall` with the number in a7.

use super::consts::AUDIT_ARCH_RISCV64;

crate::arch::asm_generic::abi::native_abi!(
    Riscv64,
    "riscv64",
    AUDIT_ARCH_RISCV64,
    "ecall",
    "a7",
    "a0..a5"
);
