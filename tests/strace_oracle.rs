//! The formatter against strace itself.
//!
//! The same program ([`oracle/calls.rs`](oracle/calls.rs): about 120 raw system calls on
//! files, directories, memory, processes, signals, sockets, time and polling) runs twice,
//! each time as a re-executed copy of this test binary:
//!
//! 1. under `strace -qq -e signal=none -o FILE` (strace's default output style otherwise);
//! 2. with a SIGSYS handler (installed first) and a seccomp filter (installed after the
//!    program's setup) that traps every call not made from the gate; the handler passes
//!    each call through, formats it with `sigsys::fmt::write_line` into a stack buffer and
//!    writes the line to a file with a gate system call: no allocation, no libc.
//!
//! The lines between the two markers (`close(-1000)` and `close(-1001)`) are compared call
//! by call: name, every argument, result. Before comparing, both outputs are normalised by
//! these documented rules:
//!
//! - strace's padding before ` = ` is collapsed to one space;
//! - addresses differ from run to run: every hex number of 5 digits or more
//!   (`0x[0-9a-f]{5,}`, that is 0x10000 and up: user-space addresses, never the small hex
//!   values flags and results print) becomes `0xADDR`;
//! - the process id (the result of the first `getpid()`) becomes `PID`, the parent's (the
//!   result of `getppid()`) `PPID` and the forked children's (the results of `clone(`)
//!   `CHILD`, wherever they appear as whole numbers.
//!
//! The intentional differences are listed in [`KNOWN_DIFFERENCES`], each with its reason;
//! a line that differs and is not listed fails the test, and so does a listed difference
//! that no longer occurs. The test fails (it does not skip) when strace is missing: CI
//! installs it.
//!
//! Beyond the calls made here, these strace decodings are known not to be matched (the
//! program avoids them rather than list them one by one):
//!
//! - structs printed by address (`StructType::Opaque` in the signature table): `statfs`,
//!   `tms`, `timex`, `sigevent`, `sched_attr`, `statfs64`,
//!   `clone_args`, `open_how`, `io_uring_params`, `bpf_attr`, `perf_event_attr`, `flock`,
//!   `termios` and other `ioctl` arguments, `mmsghdr`, the control data of `msghdr`;
//! - 32-bit layouts of `stat`, `msghdr` (i386 and x32 callers) print by address;
//! - the input fd sets and timeouts of `select`/`pselect6`/`ppoll` and `[in => out]` of
//!   value-result lengths and offsets need a [`Before`] snapshot taken before the call
//!   (sigsys-trace takes one); without it the values after the call are shown;
//! - option values other than `int`, `SO_LINGER` and `SO_PEERCRED`; the arm64-only
//!   `prctl` options (SVE, SME, PAC, tagged addresses) print their arguments in hex;
//!   `FUTEX_WAKE_OP`'s operation word is shown in hex; `ioctl` arguments are decoded for a
//!   few requests only (names: strace's whole table);
//! - i386-only calls have a small table of their own (`mmap2`, `_llseek`, `stat64`,
//!   `truncate64`, `waitpid`, ...); `socketcall` and `ipc` print as themselves, not as
//!   the call they multiplex;
//! - the `execve` environment as strace prints it (`0x... /* 3 vars */`) is matched, but
//!   a successful `execve` never returns to the handler.

// On aarch64 and riscv64 the program is `oracle/calls_generic.rs` (the asm-generic table),
// compared with Debian's strace of that architecture, which tools/cross/setup.sh puts with
// its libc into the VM's root (`target/cross/rootfs-<arch>/`).
// On arm (armhf under the arm64 kernel) the oracle does not run yet: its program would be a
// third one in ARM's own table (`open`, `stat64`, `mmap2`...), compared with Debian's armhf
// strace, and the formatter's ARM layouts are not all done (see src/arch/arm/mod.rs).
#[cfg(not(target_arch = "arm"))]
#[path = "oracle/run.rs"]
mod run;

fn main() {
    #[cfg(not(target_arch = "arm"))]
    run::main();
    #[cfg(target_arch = "arm")]
    println!("strace_oracle: skipped on arm: no ARM-table program nor armhf strace yet");
}
