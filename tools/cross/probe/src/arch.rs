//! What differs between aarch64 and riscv64: the trapping instruction, the registers in the
//! kernel's ucontext, the handler entry trampoline and a private rt_sigreturn restorer.

use core::arch::{asm, global_asm};
use core::sync::atomic::AtomicUsize;

/// Written by the entry trampoline: [0] = return address of the handler (x30 / ra) at entry,
/// [1] = stack pointer at entry.
#[no_mangle]
pub static SIGSYS_PROBE_ENTRY: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

/// Offset of `uc_mcontext` in the kernel's `struct ucontext` (both: 40 + 128 bytes of
/// sigset and padding, aligned to 16).
pub const MCONTEXT: usize = 176;

#[cfg(target_arch = "aarch64")]
mod imp {
    use super::*;
    pub const NAME: &str = "aarch64";
    pub const AUDIT_ARCH: u32 = 0xC000_00B7;
    /// `svc #0`
    pub const SYSCALL_INSN: u32 = 0xd400_0001;
    pub const NR_REG: &str = "x8";
    pub const ARG0_REG: &str = "x0";

    // struct sigcontext { u64 fault_address; u64 regs[31]; u64 sp; u64 pc; u64 pstate; ... }
    pub const PC: usize = MCONTEXT + 8 + 31 * 8 + 8;
    pub const SP: usize = MCONTEXT + 8 + 31 * 8;
    pub fn arg(n: usize) -> usize {
        MCONTEXT + 8 + 8 * n
    }
    pub const NR: usize = MCONTEXT + 8 + 8 * 8;
    pub fn libc_offsets() -> (usize, usize, usize, usize) {
        use core::mem::offset_of;
        let mc = offset_of!(libc::ucontext_t, uc_mcontext);
        (
            offset_of!(libc::ucontext_t, uc_sigmask),
            mc,
            mc + offset_of!(libc::mcontext_t, regs),
            mc + offset_of!(libc::mcontext_t, pc),
        )
    }

    global_asm!(
        ".text",
        ".global sigsys_probe_entry",
        ".type sigsys_probe_entry, %function",
        "sigsys_probe_entry:",
        "adrp x9, {slot}",
        "add x9, x9, :lo12:{slot}",
        "str x30, [x9]",
        "mov x10, sp",
        "str x10, [x9, #8]",
        "b {handler}",
        ".global sigsys_probe_restorer",
        ".type sigsys_probe_restorer, %function",
        "sigsys_probe_restorer:",
        "mov x8, #139",
        "svc #0",
        "brk #0",
        slot = sym SIGSYS_PROBE_ENTRY,
        handler = sym crate::handler,
    );

    /// A system call from a known place: returns (x0 after, address after the `svc`). The
    /// address is taken after the call, so that no register holds it at trap time.
    #[inline(never)]
    pub unsafe fn syscall6(nr: usize, a: [usize; 6]) -> (isize, usize) {
        let ret: isize;
        let after: usize;
        asm!("svc #0", "2:", "adr {after}, 2b",
            after = out(reg) after,
            inlateout("x0") a[0] => ret, in("x1") a[1], in("x2") a[2], in("x3") a[3],
            in("x4") a[4], in("x5") a[5], in("x8") nr, options(nostack));
        (ret, after)
    }
}

#[cfg(target_arch = "riscv64")]
mod imp {
    use super::*;
    pub const NAME: &str = "riscv64";
    pub const AUDIT_ARCH: u32 = 0xC000_00F3;
    /// `ecall`
    pub const SYSCALL_INSN: u32 = 0x0000_0073;
    pub const NR_REG: &str = "a7";
    pub const ARG0_REG: &str = "a0";

    // struct sigcontext { struct user_regs_struct { pc, ra, sp, gp, tp, t0.. } ... }: x_n at n.
    pub const PC: usize = MCONTEXT;
    pub const SP: usize = MCONTEXT + 8 * 2;
    pub fn arg(n: usize) -> usize {
        MCONTEXT + 8 * (10 + n)
    }
    pub const NR: usize = MCONTEXT + 8 * 17;
    pub fn libc_offsets() -> (usize, usize, usize, usize) {
        use core::mem::offset_of;
        let mc = offset_of!(libc::ucontext_t, uc_mcontext);
        let gregs = mc + offset_of!(libc::mcontext_t, __gregs);
        (
            offset_of!(libc::ucontext_t, uc_sigmask),
            mc,
            gregs + 8 * 10,
            gregs,
        )
    }

    global_asm!(
        ".text",
        ".global sigsys_probe_entry",
        ".type sigsys_probe_entry, %function",
        "sigsys_probe_entry:",
        "lla t0, {slot}",
        "sd ra, 0(t0)",
        "sd sp, 8(t0)",
        "tail {handler}",
        ".global sigsys_probe_restorer",
        ".type sigsys_probe_restorer, %function",
        "sigsys_probe_restorer:",
        "li a7, 139",
        "ecall",
        "ebreak",
        slot = sym SIGSYS_PROBE_ENTRY,
        handler = sym crate::handler,
    );

    /// A system call from a known place: returns (a0 after, address after the `ecall`). The
    /// address is taken after the call, so that no register holds it at trap time.
    #[inline(never)]
    pub unsafe fn syscall6(nr: usize, a: [usize; 6]) -> (isize, usize) {
        let ret: isize;
        let after: usize;
        asm!("ecall", "2:", "lla {after}, 2b",
            after = out(reg) after,
            inlateout("a0") a[0] => ret, in("a1") a[1], in("a2") a[2], in("a3") a[3],
            in("a4") a[4], in("a5") a[5], in("a7") nr, options(nostack));
        (ret, after)
    }
}

pub use imp::*;

extern "C" {
    pub fn sigsys_probe_entry();
    pub fn sigsys_probe_restorer();
}

#[cfg(not(any(target_arch = "aarch64", target_arch = "riscv64")))]
compile_error!("sigsys-cross-probe is for aarch64 and riscv64: run it with tools/cross/test.sh");
