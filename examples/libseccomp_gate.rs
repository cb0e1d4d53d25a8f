//! A filter built with libseccomp (the C library), exported with `seccomp_export_bpf`, with
//! the gate's rule put in front: the policy emulates what libseccomp's filter traps and
//! passes calls through from the gate.
//!
//! ```text
//! apt-get install libseccomp2   # the shared library (present on most distributions)
//! cargo run --example libseccomp_gate
//! ```
//!
//! The library is opened with `dlopen` so that building the crate's examples does not need
//! it; a program of your own would link it (or use the `libseccomp` crate) and export the
//! same way.

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};

use sigsys::filter::Program;
use sigsys::{handler, install, Errno, Sysno, Trap};

/// `SCMP_ACT_ALLOW` and `SCMP_ACT_TRAP` (seccomp.h).
const SCMP_ACT_ALLOW: u32 = 0x7fff_0000;
const SCMP_ACT_TRAP: u32 = 0x0003_0000;

type Init = unsafe extern "C" fn(u32) -> *mut c_void;
type RuleAdd = unsafe extern "C" fn(*mut c_void, u32, c_int, c_uint, ...) -> c_int;
type Resolve = unsafe extern "C" fn(*const c_char) -> c_int;
type Export = unsafe extern "C" fn(*mut c_void, c_int) -> c_int;
type Release = unsafe extern "C" fn(*mut c_void);

fn policy(trap: &mut Trap) {
    if trap.syscall().is(Sysno::getppid) {
        trap.set_return(1);
    } else if trap.pass_through().is_err() {
        trap.set_errno(Errno::ENOSYS);
    }
}

/// Looks `name` up in the library `lib`.
///
/// # Safety
///
/// `T` must be the C signature of `name`.
unsafe fn sym<T: Copy>(lib: *mut c_void, name: &CStr) -> T {
    // SAFETY: `lib` is a live handle from dlopen.
    let p = unsafe { libc::dlsym(lib, name.as_ptr()) };
    assert!(!p.is_null(), "libseccomp has no {name:?}");
    // SAFETY: a function pointer of the caller's type `T`.
    unsafe { std::mem::transmute_copy(&p) }
}

/// libseccomp's program: getppid traps, everything else is allowed (with libseccomp's own
/// architecture check in front).
fn libseccomp_program() -> Result<Vec<libc::sock_filter>, String> {
    // SAFETY: plain dlopen/dlsym of a C library with its documented signatures; the
    // exported program is read from a pipe.
    unsafe {
        let lib = libc::dlopen(c"libseccomp.so.2".as_ptr(), libc::RTLD_NOW);
        if lib.is_null() {
            return Err("libseccomp.so.2 not found (apt-get install libseccomp2)".into());
        }
        let init: Init = sym(lib, c"seccomp_init");
        let rule_add: RuleAdd = sym(lib, c"seccomp_rule_add");
        let resolve: Resolve = sym(lib, c"seccomp_syscall_resolve_name");
        let export: Export = sym(lib, c"seccomp_export_bpf");
        let release: Release = sym(lib, c"seccomp_release");
        let ctx = init(SCMP_ACT_ALLOW);
        let nr = resolve(c"getppid".as_ptr());
        if ctx.is_null() || rule_add(ctx, SCMP_ACT_TRAP, nr, 0) != 0 {
            return Err("seccomp_init/seccomp_rule_add failed".into());
        }
        let mut fds = [0; 2];
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        let rc = export(ctx, fds[1]);
        release(ctx);
        libc::close(fds[1]);
        let mut bytes = vec![0u8; 64 * 1024];
        let mut len = 0;
        loop {
            let n = libc::read(fds[0], bytes[len..].as_mut_ptr().cast(), bytes.len() - len);
            if n <= 0 {
                break;
            }
            len += n as usize;
        }
        libc::close(fds[0]);
        if rc != 0 || len % 8 != 0 {
            return Err(format!("seccomp_export_bpf: {rc}, {len} bytes"));
        }
        Ok(bytes[..len]
            .chunks_exact(8)
            .map(|c| libc::sock_filter {
                code: u16::from_ne_bytes([c[0], c[1]]),
                jt: c[2],
                jf: c[3],
                k: u32::from_ne_bytes([c[4], c[5], c[6], c[7]]),
            })
            .collect())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let theirs = libseccomp_program()?;
    install::use_altstack(Box::leak(vec![0u8; 64 * 1024].into_boxed_slice()))?;
    // SAFETY: the policy only uses sigsys.
    unsafe { handler::install(policy) }?;
    let mut filter = Program::<512>::new();
    filter.allow_gate().then(&theirs);
    // SAFETY: the policy answers every trapped call.
    unsafe { filter.install(0) }?;
    println!(
        "libseccomp_gate: {} instructions of theirs; parent pid as seen from here: {}",
        theirs.len(),
        std::os::unix::process::parent_id()
    );
    Ok(())
}
