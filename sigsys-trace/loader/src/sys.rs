//! System calls, all from the sigsys gate (which Syscall User Dispatch lets through), so
//! that none of the loader's or the handler's own calls is traced. None touches errno.
//!
//! [`sys`] makes any call and is `unsafe`; the wrappers below are the calls that cannot
//! break memory safety whatever their arguments (ids, signals to send, masks, descriptors
//! to close), safe to call.

use syscalls::x86_64::Sysno;

/// A 64-bit system call `nr` with `args`, from the gate: the raw result (`-errno` on
/// failure).
///
/// # Safety
///
/// The arguments are valid for `nr` as the kernel reads them: every pointer points at
/// memory of the size and use the call expects (readable for what it reads, writable and
/// owned by the caller for what it writes), and the call's effects (mappings made or
/// removed, memory it writes, a new task, an exec) do not invalidate memory or state the
/// loader or the program still uses.
pub unsafe fn sys(nr: Sysno, args: [u64; 6]) -> i64 {
    // SAFETY: the caller's contract; the gate makes exactly that call.
    unsafe { sigsys::gate::syscall(nr.id() as u64, args) }
}

/// A call without arguments that only returns a value (`getpid`, `gettid`, `getuid`...).
fn query(nr: Sysno) -> i64 {
    // SAFETY: the callers pass calls that take no argument and only return a value.
    unsafe { sys(nr, [0; 6]) }
}

/// The process id, asked of the kernel.
pub fn getpid() -> i32 {
    query(Sysno::getpid) as i32
}

/// The thread id, asked of the kernel.
pub fn gettid() -> i32 {
    query(Sysno::gettid) as i32
}

/// The real user id.
pub fn getuid() -> u32 {
    query(Sysno::getuid) as u32
}

/// The effective user id.
pub fn geteuid() -> u32 {
    query(Sysno::geteuid) as u32
}

/// The effective group id.
pub fn getegid() -> u32 {
    query(Sysno::getegid) as u32
}

/// Closes `fd` (the callers close only descriptors the tracer opened); the raw result.
pub fn close(fd: impl Into<i64>) -> i64 {
    let fd: i64 = fd.into();
    // SAFETY: `close` takes a number and touches no memory.
    unsafe { sys(Sysno::close, [fd as u64, 0, 0, 0, 0, 0]) }
}

/// `tgkill(pid, tid, sig)`; with `sig` 0 only whether the thread exists (`-ESRCH`: no).
pub fn tgkill(pid: i64, tid: i64, sig: i32) -> i64 {
    // SAFETY: numbers only; a signal is delivered as the kernel would deliver it.
    unsafe { sys(Sysno::tgkill, [pid as u64, tid as u64, sig as u64, 0, 0, 0]) }
}

/// `tkill(tid, sig)`; with `sig` 0 only whether the thread exists (`-ESRCH`: no).
pub fn tkill(tid: i64, sig: i32) -> i64 {
    // SAFETY: numbers only.
    unsafe { sys(Sysno::tkill, [tid as u64, sig as u64, 0, 0, 0, 0]) }
}

/// `rt_sigprocmask(how, set, old)` on 64-bit masks; the raw result.
pub fn sigprocmask(how: i32, set: Option<&u64>, old: Option<&mut u64>) -> i64 {
    let set = set.map_or(0, |s| core::ptr::from_ref(s) as u64);
    let old = old.map_or(0, |o| core::ptr::from_mut(o) as u64);
    // SAFETY: `set` is a readable u64 and `old` a writable one (or null), the 8 bytes the
    // kernel reads and writes.
    unsafe { sys(Sysno::rt_sigprocmask, [how as u64, set, old, 8, 0, 0]) }
}

/// `FUTEX_WAIT` (shared: another process may wake it, from its own mapping) on `word`
/// while it holds `val`, for at most `ns` nanoseconds (below a second).
pub fn futex_wait_shared(word: &core::sync::atomic::AtomicU32, val: u32, ns: i64) {
    let timeout = libc::timespec {
        tv_sec: 0,
        tv_nsec: ns,
    };
    // SAFETY: the kernel only reads the word (a live reference) and the timeout (a local).
    unsafe {
        sys(
            Sysno::futex,
            [
                word.as_ptr() as u64,
                libc::FUTEX_WAIT as u64,
                u64::from(val),
                core::ptr::from_ref(&timeout) as u64,
                0,
                0,
            ],
        )
    };
}

/// `clock_gettime(clock)` as `[seconds, nanoseconds]`, or `None`.
pub fn clock_gettime(clock: i32) -> Option<[i64; 2]> {
    let mut ts = [0i64; 2];
    // SAFETY: `ts` has the kernel's `struct timespec` layout (two 64-bit integers).
    let r = unsafe {
        sys(
            Sysno::clock_gettime,
            [clock as u64, ts.as_mut_ptr() as u64, 0, 0, 0, 0],
        )
    };
    (r == 0).then_some(ts)
}

/// `mmap`; the error as a positive errno.
///
/// # Safety
///
/// As [`sys`]: with `MAP_FIXED`, nothing at `addr..addr + len` is still in use.
pub unsafe fn mmap(
    addr: u64,
    len: u64,
    prot: u64,
    flags: u64,
    fd: i32,
    off: u64,
) -> Result<u64, i32> {
    // SAFETY: the caller's contract.
    let r = unsafe { sys(Sysno::mmap, [addr, len, prot, flags, fd as i64 as u64, off]) };
    if (-4095..0).contains(&r) {
        Err((-r) as i32)
    } else {
        Ok(r as u64)
    }
}

/// Writes all of `bytes` to `fd` (best effort).
pub fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is readable for its length.
        let r = unsafe {
            sys(
                Sysno::write,
                [
                    fd as u64,
                    bytes.as_ptr() as u64,
                    bytes.len() as u64,
                    0,
                    0,
                    0,
                ],
            )
        };
        if r == -(libc::EINTR as i64) {
            continue;
        }
        if r <= 0 {
            return;
        }
        bytes = bytes.get(r as usize..).unwrap_or(&[]);
    }
}

/// Leaves the process.
pub fn exit(code: i32) -> ! {
    loop {
        // SAFETY: the process ends; nothing is used afterwards.
        unsafe { sys(Sysno::exit_group, [code as u64, 0, 0, 0, 0, 0]) };
    }
}
