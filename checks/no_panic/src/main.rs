//! Link-time proof that the handler path cannot panic.
//!
//! `probe` runs decode, typed arguments, safecopy reads and writes, formatting into a
//! 512-byte buffer, emulate, restart, pass-through (also of a given call), reading a string
//! argument, sigsys-trace's raw-mode line (`sigsys-trace/loader/src/raw.rs`, included as
//! it is) and writing the line with `io::write_all` (and `fault_probe` the safecopy fault
//! check), holding a guard whose `Drop`
//! calls a function that exists nowhere. The guard is only dropped on unwinding (a panic),
//! so the optimiser keeps that call, and the link fails, exactly when something on the path
//! can panic. Build it in release (fat LTO, one codegen unit, so that no-unwind facts
//! cross crate boundaries):
//!
//! ```text
//! cargo build --release --manifest-path checks/no_panic/Cargo.toml
//! ```
//!
//! A successful build is the proof; running it prints one line.

use sigsys::fmt::{write_call, write_call_result_with, write_line_with, Before, FixedBuf, Options};

/// sigsys-trace's raw mode (`--raw`), as the loader's handler runs it: the file itself.
#[path = "../../../sigsys-trace/loader/src/raw.rs"]
mod raw;
use sigsys::mem::SelfMemory;
use sigsys::Trap;

struct PanicGuard;

impl Drop for PanicGuard {
    fn drop(&mut self) {
        extern "C" {
            /// Deliberately undefined: referenced only if the handler path can unwind.
            fn sigsys_handler_path_can_panic() -> !;
        }
        // SAFETY: never called at run time; its mere reference is the failure signal.
        unsafe { sigsys_handler_path_can_panic() }
    }
}

#[inline(never)]
extern "C" fn probe(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let guard = PanicGuard;
    // SAFETY: called by the kernel with its pointers (or by main below with valid ones).
    if let Ok(mut trap) = unsafe { Trap::from_raw(info, ctx) } {
        let call = trap.syscall();
        let _ = call.canonical();
        let typed = sigsys::args::typed_args(&call);
        let before = Before::capture(&call, &SelfMemory);
        let fast = trap.memory();
        let _ = sigsys::mem::read_cstr(&fast, call.args[2], &mut [0u8; 32]);
        // SAFETY: the probe's own (never run) handler; the call's own output pointer.
        let _ = unsafe { fast.write(call.args[3], &[0u8; 8]) };
        let ret = match call.args[5] % 3 {
            0 => {
                trap.set_return(call.args[0] as i64);
                call.args[0] as i64
            }
            1 => {
                let _ = trap.restart_with(call);
                0
            }
            _ if call.args[4] & 1 != 0 => trap.pass_through_exec().unwrap_or(-38),
            // SAFETY: the interrupted code's own call, unchanged.
            _ if call.args[4] & 2 != 0 => unsafe { trap.pass_through_with(call) }.unwrap_or(-38),
            _ => trap.pass_through().unwrap_or(-38),
        };
        let mut path = [0u8; 64];
        let _ = sigsys::mem::read_cstr(&SelfMemory, call.args[1], &mut path);
        core::hint::black_box(&path);
        let arg = sigsys::mem::read_cstr_arg(&SelfMemory, &call, 2, &mut path).map(<[u8]>::len);
        let _ = core::hint::black_box(arg);
        let mut storage = [0u8; 512];
        let mut out = FixedBuf::new(&mut storage);
        let opts = Options {
            verbose: call.args[2] & 1 != 0,
            fd_paths: call.args[2] & 2 != 0,
            fd_details: sigsys::fmt::FdDetails::from_bits_truncate((call.args[2] >> 2) as u8),
            ..Options::DEFAULT
        };
        // The seccomp interpreter on a program made of the call's own words.
        let prog: [libc::sock_filter; 4] = core::array::from_fn(|i| libc::sock_filter {
            code: call.args[i % 6] as u16,
            jt: (call.args[i % 6] >> 16) as u8,
            jf: (call.args[i % 6] >> 24) as u8,
            k: (call.args[i % 6] >> 32) as u32,
        });
        let data = sigsys::bpf::SeccompData::new(call.nr as i32, 0, 0, call.args);
        let verdict = sigsys::bpf::stacked(sigsys::bpf::evaluate(&prog, &data));
        core::hint::black_box(verdict);
        // SAFETY: the kernel's siginfo, 128 bytes.
        let _ = sigsys::fmt::write_siginfo(&mut FixedBuf::new(&mut [0u8; 256]), unsafe {
            &*info.cast::<[u8; 128]>()
        });
        let _ = write_line_with(&mut out, &call, ret, &before, &fast, &opts);
        // sigsys-trace's line: one decode for the call and its result.
        let _ = write_call_result_with(&mut out, &call, ret, &before, "\x1f", &fast, &opts);
        let _ = write_call(&mut out, &call, &SelfMemory, &opts);
        let _ = raw::write_call(&mut out, &call);
        let _ = raw::write_result(&mut out, &call, ret);
        let line = out.as_str();
        let _ = sigsys::io::write_all(2, line.as_bytes());
        core::hint::black_box(typed);
    }
    core::mem::forget(guard);
}

/// The crate's fault check, as a user's own SIGSEGV handler calls it.
#[inline(never)]
extern "C" fn fault_probe(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let guard = PanicGuard;
    // SAFETY: called by the kernel with its pointers.
    let mine = unsafe { sigsys::safecopy::fixup(sig, info, ctx) };
    core::hint::black_box((mine, sigsys::safecopy::previous(sig)));
    core::mem::forget(guard);
}

fn main() {
    let fault: sigsys::install::Handler = fault_probe;
    core::hint::black_box(fault);
    // The copy routine is x86_64's; elsewhere the installer says there is none (and the
    // reads fall back to `process_vm_readv`).
    let installed = sigsys::safecopy::install();
    if cfg!(target_arch = "x86_64") {
        installed.expect("safecopy");
    }
    // SAFETY: probe is async-signal-safe; it is installed but nothing traps here.
    let handler: sigsys::install::Handler = probe;
    unsafe { sigsys::install::install_handler(handler) }.expect("install");
    println!("no_panic: the handler path links without any panic path");
}
