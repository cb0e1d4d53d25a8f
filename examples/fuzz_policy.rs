//! Testing and fuzzing a handler policy without a kernel trap (`sigsys::testing`).
//!
//! A SIGSYS handler is two parts: the boilerplate (the `extern "C"` entry and
//! `Trap::from_raw`, which `sigsys::handler::install` provides), and the *policy*: which
//! call gets which answer. The policy is a plain function of a [`Trap`] (the very
//! `fn(&mut Trap)` that `handler::install` takes), so it can be run on frames built by [`sigsys::testing::Frame`] (by hand here,
//! by a fuzzer in `fuzz/fuzz_targets/fuzz_policy.rs`) and checked against an invariant.
//!
//! `cargo run --example fuzz_policy` runs the fuzz body, [`fuzz_one`], over a few frames;
//! `cargo +nightly fuzz run fuzz_policy` (from the crate's directory) runs it on frames
//! the fuzzer makes (the crate's `arbitrary` feature implements `Arbitrary` for `Frame`);
//! `cargo test --test corpus_replay` replays the target's corpus through it on stable.

use sigsys::mem::{read_cstr, SelfMemory};
use sigsys::testing::{Frame, Outcome};
use sigsys::{Abi, Errno, Syscall, Sysno, Trap};

/// The policy under test, what the handler does with each trapped call: pretend the parent
/// is pid 1, refuse to send signals, hide one file, and refuse the rest. (A real handler
/// would pass the rest through with `trap.pass_through()`; a test must not.)
pub fn policy(trap: &mut Trap<'_>) {
    let call = trap.syscall();
    if call.is(Sysno::getppid) {
        trap.set_return(1);
    } else if call.is(Sysno::kill) || call.is(Sysno::tkill) || call.is(Sysno::tgkill) {
        trap.set_errno(Errno::EPERM);
    } else if call.is(Sysno::openat) && is_secret(call.args[1]) {
        trap.set_errno(Errno::EACCES);
    } else {
        trap.set_errno(Errno::ENOSYS);
    }
}

/// Whether the path at `addr` is `/etc/shadow` (read without faulting, whatever `addr` is).
fn is_secret(addr: u64) -> bool {
    let mut path = [0u8; 16];
    read_cstr(&SelfMemory, addr, &mut path) == Ok(11) && path.starts_with(b"/etc/shadow")
}

/// The invariant: every call the policy sees is answered (never run again, never sent
/// elsewhere), and signals are never sent.
pub fn invariant(call: &Syscall, outcome: Outcome) {
    assert!(
        !matches!(outcome, Outcome::Restarted(_) | Outcome::Elsewhere { .. }),
        "{call:?} was not answered: {outcome:?}"
    );
    if call.is(Sysno::kill) || call.is(Sysno::tkill) || call.is(Sysno::tgkill) {
        assert_eq!(outcome.errno(), Some(Errno::EPERM), "{call:?}");
    }
}

/// The fuzz target's body: take a frame, run the policy, check the invariant.
pub fn fuzz_one(mut frame: Frame) {
    let Ok(mut trap) = frame.trap() else { return }; // a forged frame: nothing to do
    let call = trap.syscall();
    policy(&mut trap);
    invariant(&call, frame.outcome());
}

fn main() {
    let shadow = c"/etc/shadow";
    let frames = [
        Frame::seccomp(Syscall::x86_64(Sysno::getppid, [0; 6])),
        Frame::sud(Syscall::new(Abi::I386, 37, [1, 9, 0, 0, 0, 0])), // i386 kill(1, SIGKILL)
        Frame::seccomp_data(
            Syscall::x86_64(
                Sysno::openat,
                [libc::AT_FDCWD as u64, shadow.as_ptr() as u64, 0, 0, 0, 0],
            ),
            7,
        ),
        Frame::vsyscall(Syscall::x86_64(Sysno::time, [0; 6]), 0x40_1000).unwrap(),
        Frame::sud(Syscall::x86_64(Sysno::getpid, [0; 6])).with_code(-6), // tgkill(SIGSYS)
    ];
    for frame in frames {
        fuzz_one(frame);
    }
    // What the caller of each sees, spelled out.
    let outcome = |mut frame: Frame| {
        policy(&mut frame.trap().unwrap());
        frame.outcome()
    };
    assert_eq!(
        outcome(Frame::seccomp(Syscall::x86_64(Sysno::getppid, [0; 6]))),
        Outcome::Returned(1)
    );
    let open = Syscall::x86_64(
        Sysno::openat,
        [libc::AT_FDCWD as u64, shadow.as_ptr() as u64, 0, 0, 0, 0],
    );
    assert_eq!(outcome(Frame::seccomp(open)).errno(), Some(Errno::EACCES));
    assert_eq!(
        outcome(Frame::sud(Syscall::new(Abi::I386, 37, [1, 9, 0, 0, 0, 0]))).errno(),
        Some(Errno::EPERM)
    );
    println!("fuzz_policy: the policy holds on {} frames", frames.len());
}
