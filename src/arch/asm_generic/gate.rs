//! The gate of the asm-generic architectures (aarch64, riscv64), written once: [`gate!`]
//! expands, in the architecture's `gate.rs`, to the global asm of the block and the Rust
//! functions that name and enter it. The architecture gives only its instructions.
//!
//! The block, page-aligned and smaller than a page, in this order:
//!
//! - `sigsys_v0_1_gate_syscall`, the exit of the handler's own calls: `i64 (u64 nr, const
//!   u64 args[6])`, the number and six arguments loaded into their registers, the system
//!   call instruction, `ret` (the architecture's `gadget`);
//! - what comes before the restorer (`before_restorer`: aarch64's `nop`, as its vDSO has
//!   it), the restorer `sigsys_v0_1_gate_restorer` (`restorer`: the vDSO's
//!   `rt_sigreturn` bytes, which unwinders recognise), then `after_restorer` (riscv64's
//!   handler entry), with `operands` for its asm;
//! - the pass exit `sigsys_v0_1_gate_pass_syscall` (the same gadget again, 16-byte
//!   aligned, from `sigsys_v0_1_gate_pass_start`): the program's calls a handler passes
//!   through leave from here, so that a filter can tell them from the handler's own;
//! - `sigsys_v0_1_gate_end`.
//!
//! Symbols carry the crate's major version (`v0_1`), as on x86_64, so two versions of the
//! crate in one program each keep their own gate.

/// Expands to the asm-generic gate (see the module docs) and its functions: `syscall`,
/// `issue`, the labels' functions (`crate::arch::gate_labels`) and the `public`
/// re-exports.
/// `regs` names, for the docs, the number register, the result register and what the
/// gadget clobbers.
macro_rules! gate {
    (
        gadget: [$($gadget:literal),* $(,)?],
        before_restorer: [$($before:literal),* $(,)?],
        restorer: [$($restorer:literal),* $(,)?],
        after_restorer: [$($after:expr),* $(,)?],
        operands: [$($operands:tt)*],
        regs: ($nr_reg:literal, $ret_reg:literal, $clobbers:literal) $(,)?
    ) => {
        use $crate::arch::Abi;

        core::arch::global_asm!(
            ".pushsection .text.sigsys_gate,\"ax\",%progbits",
            ".p2align 12",
            $crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_start"),
            $crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_syscall"),
            ".type sigsys_v0_1_gate_syscall, %function",
            ".cfi_startproc",
            $($gadget,)*
            ".cfi_endproc",
            ".size sigsys_v0_1_gate_syscall, . - sigsys_v0_1_gate_syscall",
            $($before,)*
            $crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_restorer"),
            $($restorer,)*
            $($after,)*
            ".p2align 4",
            $crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_pass_start"),
            $crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_pass_syscall"),
            ".cfi_startproc",
            $($gadget,)*
            ".cfi_endproc",
            $crate::arch::gate_labels::symbol!("sigsys_v0_1_gate_end"),
            ".popsection",
            $($operands)*
        );

        extern "C" {
            #[link_name = "sigsys_v0_1_gate_syscall"]
            fn gate_syscall(nr: u64, args: *const [u64; 6]) -> i64;
            #[link_name = "sigsys_v0_1_gate_pass_syscall"]
            fn gate_pass_syscall(nr: u64, args: *const [u64; 6]) -> i64;
        }

        pub use $crate::arch::gate_labels::{own_range, pass_range, range, restorer};

        #[doc = concat!("Issues a system call (number in ", $nr_reg, " as given) from the gate and")]
        #[doc = concat!("returns ", $ret_reg, ".")]
        ///
        /// # Safety
        ///
        /// Whatever the system call does is the caller's responsibility, as with
        /// `libc::syscall`. `errno` is not touched.
        ///
        /// # Examples
        ///
        /// ```
        /// let pid = unsafe { sigsys::gate::syscall(libc::SYS_getpid as u64, [0; 6]) };
        /// assert_eq!(pid, std::process::id() as i64);
        /// ```
        #[inline]
        pub unsafe fn syscall(nr: u64, args: [u64; 6]) -> i64 {
            // SAFETY: the gadget reads six u64s from a valid array and issues the call (it
            // clobbers only the registers named in `regs`, all caller-saved); the caller
            // answers for the call itself.
            unsafe { gate_syscall(nr, &args) }
        }

        #[doc = concat!("Issues table number `nr` with `args` from the gate's pass exit and returns ", $ret_reg, ".")]
        #[doc = concat!("The gadget clobbers ", $clobbers, ".")]
        ///
        /// # Safety
        ///
        /// As for [`syscall`].
        #[inline]
        pub(crate) unsafe fn issue(abi: Abi, nr: u32, args: [u64; 6]) -> i64 {
            // SAFETY: as in `syscall`, from the pass exit.
            unsafe { gate_pass_syscall(abi.rax_for(nr), &args) }
        }

        /// What [`crate::gate`] re-exports.
        pub(crate) mod public {
            pub use super::{own_range, pass_range, range, restorer, syscall};
        }
    };
}

pub(crate) use gate;
