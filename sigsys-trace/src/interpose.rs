//! `pthread_create` interposition: every new thread gets its own alternate signal stack
//! (mapped from the gate, unmapped at thread exit) before the program's start routine runs.
//!
//! Tracing itself does not depend on this: the new thread is armed by the clone handling
//! (`clone.rs`) from its first instruction. Threads made without `pthread_create` (raw
//! `clone`, glibc-internal helpers) are traced too, with the handler on their own stack.

use core::cell::Cell;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::state;

type StartFn = extern "C" fn(*mut libc::c_void) -> *mut libc::c_void;
type CreateFn = unsafe extern "C" fn(
    *mut libc::pthread_t,
    *const libc::pthread_attr_t,
    StartFn,
    *mut libc::c_void,
) -> libc::c_int;

static REAL_CREATE: AtomicUsize = AtomicUsize::new(0);

/// Looks the real `pthread_create` up (constructor, before arming).
pub fn resolve() {
    // SAFETY: dlsym with a valid pseudo-handle and a NUL-terminated name.
    let p = unsafe { libc::dlsym(libc::RTLD_NEXT, c"pthread_create".as_ptr()) };
    REAL_CREATE.store(p as usize, Ordering::Relaxed);
}

fn real() -> Option<CreateFn> {
    let mut p = REAL_CREATE.load(Ordering::Relaxed);
    if p == 0 {
        resolve();
        p = REAL_CREATE.load(Ordering::Relaxed);
    }
    // SAFETY: a non-null result of dlsym("pthread_create") is glibc's pthread_create.
    (p != 0).then(|| unsafe { core::mem::transmute::<usize, CreateFn>(p) })
}

struct Start {
    start: StartFn,
    arg: *mut libc::c_void,
    /// The new thread's alternate stack, mapped by the creating thread (so that all the
    /// tracer's mappings are made in program order, not in thread-scheduling order).
    altstack: u64,
}

/// The thread's tracer-owned alternate stack, unmapped when the thread exits.
struct AltStack(Cell<u64>);

impl Drop for AltStack {
    fn drop(&mut self) {
        let base = self.0.get();
        if base != 0 && !retire(base) {
            state::drop_altstack(base);
        }
    }
}

/// Alternate stacks of exiting threads, for reuse by new threads: `(base >> 12) << 22 | tid`
/// (pids fit in 22 bits). The exiting thread keeps its alternate stack until it is gone (its
/// last system calls, `madvise` and `exit`, still trap), so a stack is only reused once
/// `tgkill(tid, 0)` says the thread no longer exists.
static RETIRED: [AtomicU64; 64] = [const { AtomicU64::new(0) }; 64];

fn retire(base: u64) -> bool {
    let tid = state::tid() as u64;
    if tid >= 1 << 22 || base & 0xfff != 0 {
        return false;
    }
    let packed = (base >> 12) << 22 | tid;
    RETIRED.iter().any(|slot| {
        slot.compare_exchange(0, packed, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    })
}

/// An alternate stack whose thread has exited, or a new one.
fn altstack_for_new_thread() -> Option<u64> {
    let pid = state::pid() as u64;
    for slot in &RETIRED {
        let packed = slot.load(Ordering::Acquire);
        if packed == 0 {
            continue;
        }
        let tid = packed & ((1 << 22) - 1);
        let gone = state::sys(syscalls::x86_64::Sysno::tgkill, [pid, tid, 0, 0, 0, 0])
            == -(libc::ESRCH as i64);
        if gone
            && slot
                .compare_exchange(packed, 0, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            return Some((packed >> 22) << 12);
        }
    }
    state::map_altstack()
}

thread_local! {
    static ALTSTACK: AltStack = const { AltStack(Cell::new(0)) };
}

/// Runs `f` with the thread's selector at ALLOW, so that the tracer's own libc calls
/// (malloc, TLS destructor registration) are not traced.
fn untraced<T>(f: impl FnOnce() -> T) -> T {
    let was = state::is_blocking();
    if was {
        state::set_allow(true);
    }
    let r = f();
    if was {
        state::set_allow(false);
    }
    r
}

/// The interposed `pthread_create`.
///
/// # Safety
///
/// As glibc's `pthread_create`.
#[no_mangle]
pub unsafe extern "C" fn pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    start: StartFn,
    arg: *mut libc::c_void,
) -> libc::c_int {
    let Some(real) = real() else {
        return libc::EAGAIN;
    };
    if !state::ACTIVE.load(Ordering::Relaxed) {
        // SAFETY: forwarded.
        return unsafe { real(thread, attr, start, arg) };
    }
    let altstack = altstack_for_new_thread().unwrap_or(0);
    let boxed = untraced(|| {
        Box::into_raw(Box::new(Start {
            start,
            arg,
            altstack,
        }))
    });
    // SAFETY: forwarded, with our trampoline and its heap argument.
    let r = unsafe { real(thread, attr, trampoline, boxed.cast()) };
    if r != 0 {
        // SAFETY: the thread was not created; the box is still ours.
        untraced(|| drop(unsafe { Box::from_raw(boxed) }));
        if altstack != 0 {
            state::unmap_altstack(altstack);
        }
    }
    r
}

extern "C" fn trampoline(p: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: `p` is the box made by `pthread_create` above, handed over to this thread.
    let Start {
        start,
        arg,
        altstack,
    } = *untraced(|| unsafe { Box::from_raw(p.cast::<Start>()) });
    if altstack != 0 {
        if state::use_altstack(altstack) {
            untraced(|| {
                let _ = ALTSTACK.try_with(|a| a.0.set(altstack));
            });
        } else {
            state::unmap_altstack(altstack);
        }
    }
    start(arg)
}
