//! Log every system call of the own process, strace-style, from inside the process: a
//! policy that passes each trapped call through, formats it into a stack buffer and writes
//! the line to stderr with the crate's signal-safe writer. Nothing allocates, locks or
//! touches `errno` in the handler.
//!
//! ```text
//! cargo run --example strace_self -- sud       # Syscall User Dispatch, a scoped piece of code
//! cargo run --example strace_self -- seccomp   # a trap-everything filter, to the end of the process
//! ```
//!
//! Under SUD only the calls made inside `SELECTOR.blocked(..)` are logged; under seccomp
//! everything after the filter is, down to `exit_group`. (For a whole program from its
//! first instruction, across `execve`, use `sigsys-trace`.)

use sigsys::filter::Program;
use sigsys::fmt::{write_call, write_line_with, Before, FixedBuf, Options};
use sigsys::mem::SelfMemory;
use sigsys::sud::{Armed, Selector};
use sigsys::{handler, install, io, Errno, Sysno, Trap};

/// The SUD switch of the main thread (the only one that traps here).
static SELECTOR: Selector = Selector::new();

fn log(trap: &mut Trap) {
    let call = trap.syscall();
    let mut storage = [0u8; 512];
    let mut line = FixedBuf::new(&mut storage);
    if call.is(Sysno::exit_group) || call.is(Sysno::exit) {
        // These do not return: print the line first, as strace does.
        let _ = write_call(&mut line, &call, &SelfMemory, &Options::DEFAULT);
        let _ = io::write_all(2, line.as_bytes());
        let _ = io::write_all(2, b" = ?\n");
        let _ = trap.pass_through();
        return;
    }
    // What value-result arguments held before the call (strace prints both).
    let before = Before::capture(&call, &SelfMemory);
    let ret = match trap.pass_through() {
        Ok(ret) => ret,
        Err(_) => {
            // clone3, vfork...: not here; a supervisor would restart or emulate.
            trap.set_errno(Errno::ENOSYS);
            -i64::from(Errno::ENOSYS.into_raw())
        }
    };
    let _ = write_line_with(
        &mut line,
        &call,
        ret,
        &before,
        &SelfMemory,
        &Options::DEFAULT,
    );
    let _ = io::write_all(2, line.as_bytes());
}

fn work() -> usize {
    let text = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    println!("read {} bytes", text.len());
    text.len()
}

fn main() -> Result<(), Errno> {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "sud".into());
    // A debug build's formatter needs more than Rust's own signal stack.
    install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice()))?;
    // SAFETY: `log` uses only sigsys (decode, pass-through, fmt, io): async-signal-safe.
    unsafe { handler::install(log) }?;
    match mode.as_str() {
        "sud" => {
            let _sud = Armed::new(&SELECTOR)?;
            SELECTOR.blocked(work);
            // Disarmed when `_sud` goes: from here on nothing is logged.
            println!("not logged");
        }
        "seccomp" => {
            let mut filter = Program::<8>::new();
            filter.allow_gate().ret(libc::SECCOMP_RET_TRAP);
            // SAFETY: the handler above passes every call through.
            unsafe { filter.install(0) }?;
            work();
        }
        other => {
            eprintln!("usage: strace_self [sud|seccomp] (not {other:?})");
            std::process::exit(2);
        }
    }
    Ok(())
}
