//! Redirect an `openat`: the program opens `/sigsys-example/greeting`, which does not
//! exist, and reads the file the policy chose instead.
//!
//! ```text
//! cargo run --example redirect_openat -- sud              # SUD, pass_through_with
//! cargo run --example redirect_openat -- seccomp          # seccomp, pass_through_with
//! cargo run --example redirect_openat -- seccomp-restart  # seccomp, restart_with and a tag
//! ```
//!
//! The recommended way is [`Trap::pass_through_with`]: the handler runs the rewritten call
//! itself, from the gate, and writes its result. Under SUD and seccomp alike nothing has
//! to let a re-executed call through (the SUD selector stays at BLOCK), the new path may
//! live on the handler's stack, and the caller's argument registers are left alone.
//!
//! `seccomp-restart` shows the other way, a restart: [`Trap::restart_with`] writes the new
//! path pointer and a tag into the caller's registers and re-executes the call from its own
//! site; the filter lets calls carrying the tag through ([`Program::allow_tagged`]). The
//! pointer must outlive the handler (a `static`), the caller sees the rewritten registers
//! afterwards, and any code that knows the tag can skip the policy.

use std::ffi::CString;
use std::sync::OnceLock;

use sigsys::filter::Program;
use sigsys::sud::{Armed, Selector};
use sigsys::{handler, install, mem, Errno, Sysno, Trap};

const ASKED: &[u8] = b"/sigsys-example/greeting";
/// `openat` ignores its 5th argument: restarted calls carry this tag there.
const TAG: u32 = 0x5157_0a7e;

/// Where opens of `ASKED` go; set before the handler is installed, read in it (a
/// `OnceLock` read is one atomic load).
static TARGET: OnceLock<CString> = OnceLock::new();
static SELECTOR: Selector = Selector::new();

/// The `openat` to run instead, if `trap` opens `ASKED`.
fn redirected(trap: &Trap) -> Option<sigsys::Syscall> {
    let mut call = trap.syscall();
    let mut path = [0u8; 256];
    if !call.is(Sysno::openat)
        || mem::read_cstr_arg(&mem::SelfMemory, &call, 1, &mut path) != Ok(ASKED)
    {
        return None;
    }
    call.args[1] = TARGET.get()?.as_ptr() as u64;
    Some(call)
}

/// SUD and seccomp: run the rewritten call from the gate.
fn pass_with(trap: &mut Trap) {
    let done = match redirected(trap) {
        // SAFETY: the interrupted code's own openat with its path replaced by a pointer to
        // a NUL-terminated string that lives for the whole program.
        Some(call) => unsafe { trap.pass_through_with(call) }.is_ok(),
        None => trap.pass_through().is_ok(),
    };
    if !done {
        trap.set_errno(Errno::ENOSYS);
    }
}

/// seccomp only: re-execute the rewritten, tagged call from its own site.
fn restart(trap: &mut Trap) {
    if let Some(mut call) = redirected(trap) {
        call.args[4] = u64::from(TAG);
        if trap.restart_with(call).is_ok() {
            return;
        }
    }
    if trap.pass_through().is_err() {
        trap.set_errno(Errno::ENOSYS);
    }
}

fn read_asked() -> String {
    let path = std::str::from_utf8(ASKED).unwrap_or_default();
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("error: {e}"))
}

fn main() -> Result<(), Errno> {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "sud".into());
    let target = std::env::temp_dir().join(format!("sigsys-redirect-{}", std::process::id()));
    std::fs::write(&target, "redirected\n").expect("write the target file");
    let c_target = CString::new(target.to_string_lossy().into_owned()).expect("no NUL");
    TARGET.set(c_target).expect("set once");

    install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice()))?;
    let policy: handler::Policy = if mode == "seccomp-restart" {
        restart
    } else {
        pass_with
    };
    // SAFETY: both policies only use sigsys and a OnceLock read: async-signal-safe.
    unsafe { handler::install(policy) }?;
    let text = match mode.as_str() {
        "sud" => {
            let _sud = Armed::new(&SELECTOR)?;
            SELECTOR.blocked(read_asked)
        }
        "seccomp" | "seccomp-restart" => {
            let mut filter = Program::<32>::new();
            filter
                .allow_gate()
                .check_arch(libc::SECCOMP_RET_TRAP)
                .allow_tagged(Sysno::openat, 4, TAG)
                .on(Sysno::openat, libc::SECCOMP_RET_TRAP)
                .ret(libc::SECCOMP_RET_ALLOW);
            // SAFETY: the policy is installed and answers every trapped call.
            unsafe { filter.install(0) }?;
            read_asked()
        }
        other => {
            eprintln!("usage: redirect_openat [sud|seccomp|seccomp-restart] (not {other:?})");
            std::process::exit(2);
        }
    };
    let _ = std::fs::remove_file(&target);
    println!("{mode}: {} reads {text:?}", String::from_utf8_lossy(ASKED));
    Ok(())
}
