//! The README's handler, runnable: every system call not made from the gate traps, and the
//! handler is the only way out (it emulates `getppid` and passes everything else through).
//!
//! ```text
//! cargo run --example supervisor
//! ```

use sigsys::{filter, install, Trap};
use syscalls::x86_64::Sysno;

extern "C" fn on_sigsys(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel hands these pointers to the handler.
    let Ok(mut trap) = (unsafe { Trap::from_raw(info, ctx) }) else {
        return; // kill(), a forged siginfo or a foreign arch: leave the context alone
    };
    let call = trap.syscall(); // Abi, number, six arguments
    if call.is(Sysno::getppid) {
        trap.set_return(1); // emulate
    } else if trap.pass_through().is_err() {
        trap.set_errno(syscalls::Errno::ENOSYS); // clone3, vfork... cannot run in a handler
    }
}

fn main() {
    // SAFETY: the handler only uses sigsys, which is async-signal-safe.
    unsafe { install::install_handler(on_sigsys) }.unwrap();
    // Trap every call that does not come from the gate: the handler is the only way out.
    let mut prog = filter::gate_prefix().to_vec();
    prog.push(filter::ret(libc::SECCOMP_RET_TRAP));
    // SAFETY: the handler above is installed and passes calls through.
    unsafe { filter::install(&prog, 0) }.unwrap();
    println!(
        "parent pid as seen from here: {}",
        std::os::unix::process::parent_id()
    );
}
