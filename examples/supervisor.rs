//! The README's handler, runnable: every system call not made from the gate traps, and the
//! policy is the only way out (it emulates `getppid` and passes everything else through).
//!
//! ```text
//! cargo run --example supervisor
//! ```

use sigsys::filter::Program;
use sigsys::{handler, install, Errno, Sysno, Trap};

/// The policy: plain safe Rust, called with every trapped call.
fn policy(trap: &mut Trap) {
    if trap.syscall().is(Sysno::getppid) {
        trap.set_return(1); // emulate
    } else if trap.pass_through().is_err() {
        trap.set_errno(Errno::ENOSYS); // clone3, vfork... cannot run in a handler
    }
}

fn main() -> Result<(), Errno> {
    // The handler runs here; 64 KiB is enough for a debug build that formats calls.
    install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice()))?;
    // SAFETY: the policy only uses sigsys, which is async-signal-safe.
    unsafe { handler::install(policy) }?;
    // Trap every call that does not come from the gate: the policy is the only way out.
    let mut filter = Program::<8>::new();
    filter.allow_gate().ret(libc::SECCOMP_RET_TRAP);
    // SAFETY: the policy above is installed and passes calls through.
    unsafe { filter.install(0) }?;
    println!(
        "parent pid as seen from here: {}",
        std::os::unix::process::parent_id()
    );
    Ok(())
}
