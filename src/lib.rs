//! Decode, answer, restart and pass through trapped system calls from inside a SIGSYS
//! handler.
//!
//! Linux can make a process's own system calls raise SIGSYS: a seccomp filter returning
//! `SECCOMP_RET_TRAP`, or Syscall User Dispatch (SUD). The handler then has to decide what
//! the call does. `sigsys` is the part of that handler every sandbox, tracer and emulator
//! needs, written once and tested against the real kernel:
//!
//! - [`Trap::from_raw`] checks that the signal is plausibly a trap (not `kill` or `tgkill`,
//!   not foreign, registers that agree with the siginfo, which catches a careless forgery
//!   with `rt_tgsigqueueinfo`; a forgery that matches RAX and RIP exactly cannot be told
//!   apart) and decodes it: cause and `SECCOMP_RET_DATA`
//!   ([`Cause`]), ABI ([`Abi`]: x86_64, `int $0x80`, x32), number ([`AbiSysno`], and the
//!   x86_64 call of the same meaning, [`Sysno`]) and arguments ([`Syscall`]);
//! - [`Trap::set_return`] / [`Trap::set_errno`] emulate a result;
//! - [`Trap::restart`] re-executes the call ("reload RAX and backtrack RIP by 2");
//! - [`Trap::pass_through`] runs it for real from the [`gate`], the crate's one block of
//!   trusted code that [`sud::arm`] and [`filter::gate_prefix`] let through.
//!
//! Everything reachable from a handler is `no_std`, allocation-free, panic-free and
//! async-signal-safe; the crate's own system calls leave from the gate and do not touch
//! `errno`.
//!
//! # Example
//!
//! ```
//! use sigsys::{install, Errno, Sysno, Trap};
//!
//! extern "C" fn on_sigsys(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
//!     // SAFETY: the kernel hands these pointers to the handler.
//!     let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
//!         return; // forged or foreign: leave the context alone
//!     };
//!     if trap.syscall().is(Sysno::getppid) {
//!         trap.set_return(1); // pretend to be a child of init
//!     } else if trap.pass_through().is_err() {
//!         trap.set_errno(Errno::ENOSYS);
//!     }
//! }
//!
//! // SAFETY: the handler above is async-signal-safe.
//! unsafe { install::install_handler(on_sigsys) }.unwrap();
//! // ... then install a filter or arm SUD: see `filter` and `sud`.
//! ```
//!
//! # Recipes
//!
//! - **Emulate**: [`Trap::set_return`], [`Trap::set_errno`].
//! - **Restart under SUD**: [`Trap::restart`] (optionally [`Trap::restart_with`] new
//!   arguments), then [`sud::Selector::allow`] before returning so the re-executed call
//!   goes through; block again at the next opportunity.
//! - **Pass through under seccomp**: put [`filter::gate_prefix`] in front of the filter,
//!   then [`Trap::pass_through`] in the handler.
//! - **Restart under seccomp**: the re-executed call has the same instruction pointer, so
//!   the filter must tell it apart by its arguments (for example a tag value that
//!   [`Trap::restart_with`] writes into an unused argument), or the call traps forever.
//!
//! # Stack budget
//!
//! Measured on a painted alternate stack (`tests/stack_budget.rs`, release build): decode,
//! emulate, restart and pass-through use at most 560 bytes; formatting the strace line into
//! a 512-byte buffer brings the handler to 1.5 KiB. The kernel's own frame (siginfo,
//! ucontext, XSAVE state) adds 2.9 KiB on an AVX-512 machine. A 16 KiB alternate stack
//! ([`install::set_altstack`]) leaves a wide margin in release builds; give debug builds
//! 64 KiB (the formatter's unoptimised frames reach 10.9 KiB). `BENCHMARKS.md` has the
//! figures per route and the costs of each path.
//!
//! # Targets
//!
//! Linux on x86_64 (with its i386 and x32 ABIs), aarch64 and riscv64. The architecture's
//! part of the crate is `src/arch/<arch>/`, behind the contract in `src/arch/mod.rs`; on
//! any other target the crate stops with one `compile_error!` naming the supported ones.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
// Nothing in the crate may panic: it runs inside signal handlers (unit tests are exempt).
// `checks/no_panic` proves the same at link time.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects
    )
)]

#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
)))]
compile_error!(
    "sigsys supports Linux on x86_64, aarch64 and riscv64 only (supported targets: \
     x86_64-unknown-linux-*, aarch64-unknown-linux-*, riscv64gc-unknown-linux-*); \
     a new architecture is a folder under src/arch/ (see src/arch/mod.rs)"
);

// Every item below carries the supported-target `cfg` (written out, not through a macro,
// so that rustfmt still reaches the modules): an unsupported target sees only the
// `compile_error!` above.

#[cfg(all(
    any(feature = "std", test),
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
extern crate std;

#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod abi;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
mod arch;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod args;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod consts;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod error;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod filter;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod flags;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod fmt;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod frame;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod gate;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod install;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod mem;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
mod pass;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod siginfo;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod sud;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod syscall;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod sysno;
#[cfg(all(
    feature = "testing",
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod testing;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
mod text;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub mod trap;

#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub use crate::{
    abi::Abi,
    error::{DecodeError, PassError, RestartError},
    frame::Ucontext,
    siginfo::{Cause, SigsysInfo},
    syscall::Syscall,
    sysno::AbiSysno,
    trap::{Site, Trap},
};

/// The x86_64 system call table (`syscalls::x86_64::Sysno`): the type [`Syscall::is`] and
/// [`Syscall::canonical`] take. A number of one ABI's own table (i386, x32) is an
/// [`AbiSysno`].
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub use arch::Sysno;

/// Error numbers (`syscalls::Errno`), as [`Trap::set_errno`] and every fallible call of the
/// crate use them.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
pub use syscalls::Errno;
