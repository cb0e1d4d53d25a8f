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
//!   trusted code that [`sud::arm`] and [`filter::gate_prefix`] let through;
//! - [`Trap::memory`] reads the caller's memory (for [`fmt`], [`mem::read_cstr`], ...) at
//!   memory speed by [`safecopy`], whose fault handler turns a bad pointer into `EFAULT`.
//!
//! Everything reachable from a handler is `no_std`, allocation-free, panic-free and
//! async-signal-safe; the crate's own system calls leave from the gate and do not touch
//! `errno`.
//!
//! # Example
//!
//! A policy is a plain `fn(&mut Trap)`; [`handler::install`] puts the crate's own entry in
//! front of it (the `extern "C"` signature, the decoding, refusing forged signals, keeping
//! `errno`):
//!
//! ```
//! use sigsys::{handler, install, Errno, Sysno, Trap};
//!
//! fn policy(trap: &mut Trap) {
//!     if trap.syscall().is(Sysno::getppid) {
//!         trap.set_return(1); // pretend to be a child of init
//!     } else if trap.pass_through().is_err() {
//!         trap.set_errno(Errno::ENOSYS);
//!     }
//! }
//!
//! // Every thread that may trap needs an alternate stack (see "Stack budget").
//! install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice())).unwrap();
//! // SAFETY: the policy only uses sigsys, which is async-signal-safe.
//! unsafe { handler::install(policy) }.unwrap();
//! // ... then install a filter (`filter::Program`) or arm SUD (`sud::Armed`).
//! ```
//!
//! A handler of your own (`extern "C" fn(i32, *mut siginfo_t, *mut c_void)`, installed with
//! [`install::install_handler`]) decodes with `unsafe { Trap::from_raw(info, ctx) }`.
//!
//! # Recipes: the ways to let a call through
//!
//! - **Answer it**: [`Trap::set_return`], [`Trap::set_errno`].
//! - **Run it for real**: [`Trap::pass_through`], from the gate, which the filter must allow
//!   ([`filter::Program::allow_gate`]) and SUD does ([`sud::Armed`]).
//! - **Run it rewritten**: [`Trap::pass_through_with`] runs another call (new arguments,
//!   another number) from the gate and gives its result to the caller; under SUD the
//!   selector stays at BLOCK, under seccomp no tag is needed, the caller's argument
//!   registers are untouched.
//! - **Restart it** (for what `pass_through` refuses: `clone` with a new stack, `vfork`):
//!   [`Trap::restart`] / [`Trap::restart_with`]. Under SUD set the selector to ALLOW before
//!   returning, and BLOCK again in the code that resumes (no later trap can do it). Under
//!   seccomp the re-executed call has the same instruction pointer: tag an argument the
//!   call ignores and let tagged calls through ([`filter::Program::allow_tagged`];
//!   `examples/redirect_openat.rs`), or it traps forever. After `restart_with` the caller
//!   sees the rewritten argument registers.
//! - **A policy that needs no handler**, or that must hold across `execve` (a handler does
//!   not survive exec, SUD ends at exec): let the kernel answer with a filter of
//!   `SECCOMP_RET_ERRNO` rules ([`filter::Program::check_arch`], [`filter::Program::on_any`];
//!   `examples/deny_socket.rs` sandboxes a shell pipeline); a policy that needs a decision
//!   per call across exec belongs to a supervisor process (`SECCOMP_RET_USER_NOTIF`,
//!   `examples/notify_connect.rs`) or to a loader that installs the handler in every new
//!   image before its first call (`sigsys-trace`).
//!
//! # Features
//!
//! - `std`: `std::error::Error` for the crate's errors and for [`Errno`] (it turns on
//!   `syscalls/std`), so `?` works in a `main` returning `Box<dyn Error>`. The handler path
//!   is the same with or without it.
//! - `testing`: `sigsys::testing`'s signal frames, to test a policy without a kernel trap.
//! - `arbitrary`: `arbitrary::Arbitrary` for test frames and [`Syscall`], for fuzzing.
//!
//! # Stack budget
//!
//! Measured on a painted alternate stack (`tests/stack_budget.rs`, BENCHMARKS.md): decode,
//! emulate, restart and pass-through use at most 560 bytes in release builds; formatting
//! the strace line into a 512-byte buffer brings the handler to 1.5 KiB (10.9 KiB
//! unoptimised); the kernel's own frame (siginfo, ucontext, XSAVE state) adds 2.9 KiB on an
//! AVX-512 machine. Give each thread an alternate stack ([`install::use_altstack`]) of
//! **16 KiB for release builds and 64 KiB for debug builds**. Without one, a Rust thread
//! runs the handler on the small stack Rust installs for its overflow reports, and a debug
//! build of a formatting handler overflows it: the process dies of a SIGSEGV with no
//! message.
//!
//! # Targets
//!
//! Linux on x86_64 (with its i386 and x32 ABIs), aarch64, riscv64 and 32-bit ARM (EABI,
//! `armv7-unknown-linux-gnueabihf`: also under an arm64 kernel's compat layer). The architecture's
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

#[cfg(not(sigsys_supported))]
compile_error!(
    "sigsys supports Linux on x86_64, aarch64, riscv64 and arm only (supported targets: \
     x86_64-unknown-linux-*, aarch64-unknown-linux-*, riscv64gc-unknown-linux-*, \
     armv7-unknown-linux-gnueabihf and other 32-bit ARM EABI targets); \
     a new architecture is a folder under src/arch/ (see src/arch/mod.rs)"
);

// Every item below carries `cfg(sigsys_supported)`, which `build.rs` sets for the
// supported targets (one attribute, not a macro, so that rustfmt still reaches the
// modules): an unsupported target sees only the `compile_error!` above.

#[cfg(all(any(feature = "std", test), sigsys_supported))]
extern crate std;

#[cfg(sigsys_supported)]
pub mod abi;
#[cfg(sigsys_supported)]
mod arch;
#[cfg(sigsys_supported)]
pub mod args;
#[cfg(sigsys_supported)]
pub mod bpf;
#[cfg(sigsys_supported)]
pub mod consts;
#[cfg(sigsys_supported)]
pub mod error;
#[cfg(sigsys_supported)]
pub mod filter;
#[cfg(sigsys_supported)]
pub mod flags;
#[cfg(sigsys_supported)]
pub mod fmt;
#[cfg(sigsys_supported)]
pub mod frame;
#[cfg(sigsys_supported)]
pub mod gate;
#[cfg(sigsys_supported)]
pub mod handler;
#[cfg(sigsys_supported)]
pub mod install;
#[cfg(sigsys_supported)]
pub mod io;
#[cfg(sigsys_supported)]
pub mod mem;
#[cfg(sigsys_supported)]
mod pass;
#[cfg(sigsys_supported)]
mod pid;
#[cfg(sigsys_supported)]
pub mod safecopy;
#[cfg(sigsys_supported)]
pub mod siginfo;
#[cfg(sigsys_supported)]
pub mod sud;
#[cfg(sigsys_supported)]
pub mod syscall;
#[cfg(sigsys_supported)]
pub mod sysno;
#[cfg(all(feature = "testing", sigsys_supported))]
pub mod testing;
#[cfg(sigsys_supported)]
mod text;
#[cfg(sigsys_supported)]
pub mod trap;

#[cfg(sigsys_supported)]
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
#[cfg(sigsys_supported)]
pub use arch::Sysno;

/// Error numbers (`syscalls::Errno`), as [`Trap::set_errno`] and every fallible call of the
/// crate use them.
#[cfg(sigsys_supported)]
pub use syscalls::Errno;
