//! `pthread_create` interposition: every new thread gets its own alternate signal stack
//! (mapped from the gate, unmapped at thread exit) before the program's start routine runs.
//!
//! Tracing itself does not depend on this: the new thread is armed by the clone handling
//! (`clone.rs`) from its first instruction. Threads made without `pthread_create` (raw
//! `clone`, glibc-internal helpers) are traced too, with the handler on their own stack.

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

/// Hand-over slots from `pthread_create` to the new thread: start routine, argument and
/// alternate stack. No heap: a `free` (or `malloc`) in the new thread would make glibc
/// create a malloc arena for it, a mapping the program would not have made, at a
/// scheduling-dependent moment.
static SLOTS: [[AtomicU64; 3]; 256] = [const { [const { AtomicU64::new(0) }; 3] }; 256];

/// Called by the handler when a thread makes its final `exit` (on the alternate stack, which
/// stays in use until the thread is gone): keep the stack for a later thread.
pub fn thread_exit() {
    let base = state::tracer_altstack();
    if base != 0 && retire(base) {
        state::forget_tracer_altstack();
    }
}

/// Alternate stacks of exiting threads, for reuse by new threads: `(base >> 12) << 22 | tid`
/// (pids fit in 22 bits). The exiting thread keeps its alternate stack until it is gone (its
/// last system calls, `madvise` and `exit`, still trap), so a stack is only reused once
/// `tgkill(tid, 0)` says the thread no longer exists.
static RETIRED: [AtomicU64; 256] = [const { AtomicU64::new(0) }; 256];

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

/// Gives a thread's alternate stack back when `pthread_create` failed.
fn give_back(base: u64) {
    if base != 0 && !retire(base) {
        state::unmap_altstack(base);
    }
}

/// The interposed `pthread_create`: the new thread starts in [`trampoline`], which sets
/// its alternate stack before the program's start routine runs.
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
    let start_word = start as usize as u64;
    let Some((index, slot)) = SLOTS.iter().enumerate().find(|(_, s)| {
        s[0].compare_exchange(0, start_word, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }) else {
        // No free slot: the thread is still traced (armed at its clone), on its own stack.
        // SAFETY: forwarded.
        return unsafe { real(thread, attr, start, arg) };
    };
    let altstack = altstack_for_new_thread().unwrap_or(0);
    slot[1].store(arg as u64, Ordering::Relaxed);
    slot[2].store(altstack, Ordering::Release);
    // SAFETY: forwarded, with our trampoline and the slot number (plus one) as argument.
    let r = unsafe { real(thread, attr, trampoline, (index + 1) as *mut libc::c_void) };
    if r != 0 {
        slot[0].store(0, Ordering::Release);
        give_back(altstack);
    }
    r
}

extern "C" fn trampoline(p: *mut libc::c_void) -> *mut libc::c_void {
    let Some(slot) = (p as usize).checked_sub(1).and_then(|i| SLOTS.get(i)) else {
        return core::ptr::null_mut();
    };
    let altstack = slot[2].load(Ordering::Acquire);
    let arg = slot[1].load(Ordering::Relaxed) as *mut libc::c_void;
    let start = slot[0].load(Ordering::Relaxed);
    slot[0].store(0, Ordering::Release);
    // SAFETY: the word was stored from a `StartFn` by `pthread_create` above.
    let start: StartFn = unsafe { core::mem::transmute::<usize, StartFn>(start as usize) };
    if altstack != 0 && !state::use_altstack(altstack) {
        give_back(altstack);
    }
    start(arg)
}
