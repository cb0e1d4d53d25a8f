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

/// Expands to the asm-generic gate (see the module docs) and its functions: `range`,
/// `own_range`, `pass_range`, `restorer`, `syscall`, `issue` and the `public` re-exports.
/// `regs` names, for the docs, the number register, the result register and what the
/// gadget clobbers.
macro_rules! gate {
    (
        gadget: [$($gadget:literal),* $(,)?],
        before_restorer: [$($before:literal),* $(,)?],
        restorer: [$($restorer:literal),* $(,)?],
        after_restorer: [$($after:literal),* $(,)?],
        operands: [$($operands:tt)*],
        regs: ($nr_reg:literal, $ret_reg:literal, $clobbers:literal) $(,)?
    ) => {
        use core::ops::Range;

        use $crate::arch::Abi;

        core::arch::global_asm!(
            ".pushsection .text.sigsys_gate,\"ax\",%progbits",
            ".p2align 12",
            ".globl sigsys_v0_1_gate_start",
            ".hidden sigsys_v0_1_gate_start",
            "sigsys_v0_1_gate_start:",
            ".globl sigsys_v0_1_gate_syscall",
            ".hidden sigsys_v0_1_gate_syscall",
            ".type sigsys_v0_1_gate_syscall, %function",
            "sigsys_v0_1_gate_syscall:",
            ".cfi_startproc",
            $($gadget,)*
            ".cfi_endproc",
            ".size sigsys_v0_1_gate_syscall, . - sigsys_v0_1_gate_syscall",
            $($before,)*
            ".globl sigsys_v0_1_gate_restorer",
            ".hidden sigsys_v0_1_gate_restorer",
            "sigsys_v0_1_gate_restorer:",
            $($restorer,)*
            $($after,)*
            ".p2align 4",
            ".globl sigsys_v0_1_gate_pass_start",
            ".hidden sigsys_v0_1_gate_pass_start",
            "sigsys_v0_1_gate_pass_start:",
            ".globl sigsys_v0_1_gate_pass_syscall",
            ".hidden sigsys_v0_1_gate_pass_syscall",
            "sigsys_v0_1_gate_pass_syscall:",
            ".cfi_startproc",
            $($gadget,)*
            ".cfi_endproc",
            ".globl sigsys_v0_1_gate_end",
            ".hidden sigsys_v0_1_gate_end",
            "sigsys_v0_1_gate_end:",
            ".popsection",
            $($operands)*
        );

        extern "C" {
            #[link_name = "sigsys_v0_1_gate_start"]
            static GATE_START: u8;
            #[link_name = "sigsys_v0_1_gate_end"]
            static GATE_END: u8;
            #[link_name = "sigsys_v0_1_gate_syscall"]
            fn gate_syscall(nr: u64, args: *const [u64; 6]) -> i64;
            #[link_name = "sigsys_v0_1_gate_restorer"]
            fn gate_restorer();
            #[link_name = "sigsys_v0_1_gate_pass_start"]
            static GATE_PASS_START: u8;
            #[link_name = "sigsys_v0_1_gate_pass_syscall"]
            fn gate_pass_syscall(nr: u64, args: *const [u64; 6]) -> i64;
        }

        /// The address range of the gate's code, `start..end`.
        ///
        /// # Examples
        ///
        /// ```
        /// let gate = sigsys::gate::range();
        /// assert!(gate.start < gate.end && gate.end - gate.start < 4096);
        /// ```
        pub fn range() -> Range<u64> {
            // Only the addresses of the two labels are taken; nothing is read.
            let start = core::ptr::addr_of!(GATE_START) as u64;
            let end = core::ptr::addr_of!(GATE_END) as u64;
            start..end
        }

        /// The part of the gate the handler's own calls leave from ([`syscall`], the
        /// restorer).
        ///
        /// # Examples
        ///
        /// ```
        /// assert!(sigsys::gate::own_range().contains(&sigsys::gate::restorer()));
        /// ```
        pub fn own_range() -> Range<u64> {
            range().start..pass_range().start
        }

        /// The part of the gate the program's calls that a handler passes through leave
        /// from.
        ///
        /// # Examples
        ///
        /// ```
        /// assert_eq!(sigsys::gate::pass_range().end, sigsys::gate::range().end);
        /// ```
        pub fn pass_range() -> Range<u64> {
            // Only the label's address is taken.
            let start = core::ptr::addr_of!(GATE_PASS_START) as u64;
            start..range().end
        }

        /// The address of the gate's `rt_sigreturn` restorer, for `SA_RESTORER`.
        ///
        /// # Examples
        ///
        /// ```
        /// assert_ne!(sigsys::gate::restorer(), 0);
        /// ```
        pub fn restorer() -> u64 {
            gate_restorer as unsafe extern "C" fn() as usize as u64
        }

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
