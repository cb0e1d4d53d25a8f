//! A filter built with seccompiler (rust-vmm), with the gate's rule put in front: the
//! policy emulates what seccompiler's filter traps and passes calls through from the gate,
//! which the filter would otherwise trap again.
//!
//! ```text
//! cargo run --example seccompiler_gate
//! ```
//!
//! seccompiler's program starts with its own architecture check; `check_arch` in front of
//! it also answers x32 numbers (which a deny list by x86_64 number does not catch).

use std::collections::BTreeMap;

use seccompiler::{BpfProgram, SeccompAction, SeccompFilter};
use sigsys::filter::Program;
use sigsys::{handler, install, Errno, Sysno, Trap};

fn policy(trap: &mut Trap) {
    if trap.syscall().is(Sysno::getppid) {
        trap.set_return(1);
    } else if trap.pass_through().is_err() {
        trap.set_errno(Errno::ENOSYS);
    }
}

/// seccompiler's instructions as `libc::sock_filter` (same layout, another type).
fn to_libc(prog: &BpfProgram) -> Vec<libc::sock_filter> {
    prog.iter()
        .map(|i| libc::sock_filter {
            code: i.code,
            jt: i.jt,
            jf: i.jf,
            k: i.k,
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Their filter: getppid traps, everything else is allowed.
    let rules = BTreeMap::from([(libc::SYS_getppid, vec![])]);
    let theirs = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Trap,
        std::env::consts::ARCH.try_into()?,
    )?;
    let theirs = to_libc(&BpfProgram::try_from(theirs)?);

    install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice()))?;
    // SAFETY: the policy only uses sigsys.
    unsafe { handler::install(policy) }?;
    let mut filter = Program::<256>::new();
    filter
        .allow_gate() // the handler's pass-through leaves from the gate
        .check_arch(libc::SECCOMP_RET_TRAP) // i386 and x32 calls: to the policy
        .then(&theirs);
    // SAFETY: the policy answers every trapped call.
    unsafe { filter.install(0) }?;
    println!(
        "seccompiler_gate: {} instructions of theirs; parent pid as seen from here: {}",
        theirs.len(),
        std::os::unix::process::parent_id()
    );
    Ok(())
}
