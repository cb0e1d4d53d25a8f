//! Reading and writing the own process's memory at memory speed, without a fault ever
//! hurting the program: the technique gVisor calls *safecopy*.
//!
//! The copy is one routine of the crate's own machine code (`src/arch/<arch>/`), in a known
//! code range. When it touches a bad address (unmapped, `PROT_NONE`, a file mapping
//! truncated underneath: SIGSEGV or SIGBUS), a fault handler finds the fault's instruction
//! pointer at that routine and resumes it at its fix-up, which returns the number of bytes
//! it could not copy. The read then fails with `EFAULT` (or comes back short), exactly as
//! `process_vm_readv` would have, at a fraction of its cost (~1.3 µs on this project's
//! machines for a `getpid` and a `process_vm_readv`; a few ns for a short direct copy).
//!
//! Two ways to have that fault handler:
//!
//! - [`install()`]: installs the crate's SIGSEGV and SIGBUS handler, which claims the faults
//!   of the copy routine and hands every other one to the action that was installed
//!   before, with that action's exact semantics (see [`install()`]). A tracer that
//!   virtualises `rt_sigaction` for the program (as `sigsys-trace` does) records the
//!   program's own actions with [`set_previous`] and reports them with [`previous`].
//! - a handler of your own that calls [`fixup`] first ("was this fault mine? then the
//!   context is fixed up: return"), and [`declare_handled`] once it is installed.
//!
//! Readers ([`crate::mem::FastMemory`], what [`crate::Trap::memory`] returns) use the copy
//! only while one of the two is in force ([`is_active`]) **and** SIGSEGV and SIGBUS are not
//! blocked in the calling thread (a synchronous fault while they are blocked kills the
//! process whatever handler is installed); otherwise they fall back to `process_vm_readv`.
//!
//! Everything here that a handler can reach is async-signal-safe, allocation-free and
//! panic-free: atomics and raw system calls from the gate, no locks (the record of the
//! previous actions is a sequence-counted copy whose readers never wait on a writer).
//!
//! # Examples
//!
//! ```
//! use sigsys::mem::{FastMemory, Memory};
//! sigsys::safecopy::install().unwrap();
//! let mem = FastMemory::current();
//! assert!(mem.is_fast());
//! let word = *b"direct";
//! let mut buf = [0u8; 6];
//! assert_eq!(mem.read(word.as_ptr() as u64, &mut buf), Ok(6));
//! assert_eq!(&buf, b"direct");
//! // Page 0 is never mapped: the fault is claimed, the read fails, the process goes on.
//! assert_eq!(mem.read(8, &mut buf), Err(syscalls::Errno::EFAULT));
//! ```

use core::sync::atomic::{fence, AtomicU32, AtomicU64, AtomicU8, Ordering};

use syscalls::Errno;

use crate::arch::Native as Sysno;
use crate::arch::{self, safecopy as imp, SigSet, Ucontext};
use crate::gate;
use crate::install::SA_RESTORER;
use crate::install::{self, KernelSigaction};

/// Bit of [`STATE`]: the crate's handler is SIGSEGV's action.
const SEGV_OURS: u8 = 1;
/// Bit of [`STATE`]: the crate's handler is SIGBUS's action.
const BUS_OURS: u8 = 2;
/// Bit of [`STATE`]: the user declared handlers of their own that call [`fixup`].
const DECLARED: u8 = 4;

static STATE: AtomicU8 = AtomicU8::new(0);

/// The flags of a previous action the crate's handler takes over, so that the kernel
/// delivers the fault as it would to that action: which stack, what is blocked, whether an
/// interrupted call restarts.
const MIRRORED: u64 = libc::SA_ONSTACK as u64 | libc::SA_NODEFER as u64 | libc::SA_RESTART as u64;

/// One recorded action, copied under a sequence count: a writer makes the count odd,
/// writes, makes it even; a reader retries while it is odd or changed. Neither waits for
/// long: a reader that interrupted a writer on its own thread takes what it finds after a
/// bounded number of tries.
struct Slot {
    seq: AtomicU32,
    words: [AtomicU64; 4],
}

impl Slot {
    const fn new() -> Slot {
        Slot {
            seq: AtomicU32::new(0),
            words: [const { AtomicU64::new(0) }; 4],
        }
    }

    fn load(&self) -> KernelSigaction {
        let mut w = [0u64; 4];
        for _ in 0..64 {
            let s = self.seq.load(Ordering::Acquire);
            for (d, a) in w.iter_mut().zip(&self.words) {
                *d = a.load(Ordering::Relaxed);
            }
            fence(Ordering::Acquire);
            if s & 1 == 0 && self.seq.load(Ordering::Relaxed) == s {
                break;
            }
            core::hint::spin_loop();
        }
        let [handler, flags, restorer, mask] = w;
        KernelSigaction::new(handler, flags, restorer, mask)
    }

    fn store(&self, a: &KernelSigaction) {
        let mut s = self.seq.load(Ordering::Relaxed);
        for _ in 0..1024 {
            if s & 1 == 0 {
                match self.seq.compare_exchange_weak(
                    s,
                    s.wrapping_add(1),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => break,
                    Err(now) => s = now,
                }
            } else {
                core::hint::spin_loop();
                s = self.seq.load(Ordering::Relaxed);
            }
        }
        let s = s | 1;
        self.seq.store(s, Ordering::Relaxed);
        fence(Ordering::Release);
        for (slot, v) in self
            .words
            .iter()
            .zip([a.handler, a.flags, a.restorer(), a.mask])
        {
            slot.store(v, Ordering::Relaxed);
        }
        self.seq.store(s.wrapping_add(1), Ordering::Release);
    }
}

/// The actions the crate's handler chains to: SIGSEGV's, SIGBUS's.
static PREVIOUS: [Slot; 2] = [Slot::new(), Slot::new()];

fn index(signal: i32) -> Option<usize> {
    match signal {
        libc::SIGSEGV => Some(0),
        libc::SIGBUS => Some(1),
        _ => None,
    }
}

fn ours_bit(signal: i32) -> u8 {
    match signal {
        libc::SIGSEGV => SEGV_OURS,
        libc::SIGBUS => BUS_OURS,
        _ => 0,
    }
}

/// Whether faults of the copy routine are claimed in this process: the crate's handler is
/// installed for both SIGSEGV and SIGBUS ([`install()`]), or the user declared their own
/// ([`declare_handled`]), on an architecture that has the routine.
///
/// The state is the crate's record, not a question to the kernel: an action installed
/// behind the crate's back (a plain `sigaction(SIGSEGV, ...)` after [`install()`]) is not
/// seen. Route such changes through [`set_previous`] (a tracer that virtualises
/// `rt_sigaction` does), or call [`install()`] again after them.
///
/// # Examples
///
/// ```
/// sigsys::safecopy::install().unwrap();
/// assert!(sigsys::safecopy::is_active());
/// ```
pub fn is_active() -> bool {
    let s = STATE.load(Ordering::Acquire);
    imp::AVAILABLE && (s & DECLARED != 0 || s & (SEGV_OURS | BUS_OURS) == SEGV_OURS | BUS_OURS)
}

/// Whether the copy may be used by a thread whose blocked signals are `blocked` (a
/// superset of them will do): [`is_active`], and neither SIGSEGV nor SIGBUS blocked.
pub(crate) fn usable_with(blocked: SigSet) -> bool {
    is_active() && !blocked.contains(libc::SIGSEGV) && !blocked.contains(libc::SIGBUS)
}

/// Checks a SIGSEGV or SIGBUS: if it is a fault of the crate's copy routine, moves the
/// context to the routine's fix-up (the copy then returns short, and the read fails with
/// `EFAULT`) and returns `true`: the handler should return at once. Otherwise it returns
/// `false` and changes nothing: the fault is the program's.
///
/// A fault is claimed only when the kernel raised it (`si_code > 0`: not `kill`,
/// `tgkill` or `sigqueue`) and its instruction pointer is the copy routine's one memory
/// access. Async-signal-safe, nested-safe (a fault while the handler runs on the
/// alternate stack is one more frame below it), allocation-free.
///
/// # Safety
///
/// `info` and `ctx` must be null or the pointers the kernel passed to the running
/// SIGSEGV/SIGBUS handler (the kernel's `siginfo_t` and `struct ucontext`).
///
/// # Examples
///
/// A SIGSEGV handler of your own that lets the crate claim its faults first:
///
/// ```
/// extern "C" fn on_segv(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
///     // SAFETY: the kernel's pointers.
///     if unsafe { sigsys::safecopy::fixup(sig, info, ctx) } {
///         return; // a read of the crate's failed; the program goes on
///     }
///     // ... the program's own handling of the fault
/// #   unsafe { libc::_exit(3) };
/// }
/// # let _ = on_segv;
/// ```
pub unsafe fn fixup(signo: i32, info: *const libc::siginfo_t, ctx: *mut libc::c_void) -> bool {
    if index(signo).is_none() {
        return false;
    }
    // SAFETY: the caller promises `info` is null or the kernel's siginfo.
    let Some(info) = (unsafe { info.as_ref() }) else {
        return false;
    };
    if info.si_code <= 0 {
        return false;
    }
    // SAFETY: the caller promises `ctx` is null or the kernel's ucontext, ours alone while
    // the handler runs.
    let Some(uc) = (unsafe { ctx.cast::<Ucontext>().as_mut() }) else {
        return false;
    };
    match imp::fixup_pc(arch::pc(&uc.mcontext)) {
        Some(to) => {
            arch::set_pc(&mut uc.mcontext, to);
            true
        }
        None => false,
    }
}

/// Declares that this process's SIGSEGV and SIGBUS handlers call [`fixup`] first and
/// return when it says `true`: the copy routine is used from now on ([`is_active`]).
///
/// # Safety
///
/// Both handlers must be installed and call [`fixup`] as described, for as long as the
/// process reads memory through the crate; otherwise a fault of the copy routine reaches
/// the program's own handling (or kills the process) instead of failing the read.
///
/// # Examples
///
/// ```no_run
/// // SAFETY: both handlers of this process call sigsys::safecopy::fixup first.
/// unsafe { sigsys::safecopy::declare_handled() };
/// ```
pub unsafe fn declare_handled() {
    crate::pid::init_pid_cache();
    STATE.fetch_or(DECLARED, Ordering::AcqRel);
}

/// The crate's SIGSEGV/SIGBUS handler: claims the copy routine's faults, chains the rest.
unsafe extern "C" fn on_fault(
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) {
    // SAFETY: the kernel's handler arguments.
    if unsafe { fixup(sig, info, ctx) } {
        return;
    }
    // SAFETY: as above.
    unsafe { chain(sig, info, ctx) }
}

/// What the previous action of `sig` would have done with this signal.
///
/// # Safety
///
/// The kernel's handler arguments.
unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let Some(slot) = index(sig).and_then(|i| PREVIOUS.get(i)) else {
        return;
    };
    let prev = slot.load();
    // SAFETY: the kernel's siginfo (or null).
    let code = unsafe { info.as_ref() }.map_or(0, |i| i.si_code);
    match prev.handler {
        h if h == libc::SIG_IGN as u64 && !forced(sig, code) => {}
        h if h == libc::SIG_DFL as u64 || h == libc::SIG_IGN as u64 => {
            // The default action (a core dump): the kernel kills with a synchronous fault
            // even when it is ignored. Put SIG_DFL back and raise the signal again with
            // its own siginfo; it is delivered as soon as this handler returns (at the
            // faulting instruction, with its registers), and kills as before.
            // SAFETY: the kernel's siginfo (or null), forwarded.
            unsafe { die_by_default(sig, info) };
        }
        h => {
            if prev.flags & libc::SA_RESETHAND as u64 != 0 {
                // Delivered once, then the default: as the kernel does for SA_RESETHAND.
                slot.store(&KernelSigaction::default());
            }
            // On x86_64 (and the other architectures the crate targets) the kernel calls
            // every handler with the same three arguments, SA_SIGINFO or not.
            // SAFETY: the program installed `h` as a handler of `sig`; the kernel would
            // have called it with these arguments, on this stack, with this mask (the
            // crate's action mirrors its flags and mask).
            let f: unsafe extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                unsafe { core::mem::transmute::<usize, _>(h as usize) };
            // SAFETY: as above.
            unsafe { f(sig, info, ctx) };
        }
    }
}

/// Whether the kernel forces `sig` with `si_code` `code` through an ignored action (a
/// synchronous fault, or a signal frame it could not write): everything it raises itself,
/// except the action-optional memory error.
fn forced(sig: i32, code: i32) -> bool {
    const BUS_MCEERR_AO: i32 = 5;
    code > 0 && !(sig == libc::SIGBUS && code == BUS_MCEERR_AO)
}

/// Puts the default action of `sig` back and queues `sig` again to this thread, with the
/// siginfo it came with.
///
/// # Safety
///
/// `info` is null or the kernel's siginfo of the running handler.
unsafe fn die_by_default(sig: i32, info: *mut libc::siginfo_t) {
    STATE.fetch_and(!ours_bit(sig), Ordering::AcqRel);
    // SAFETY: SIG_DFL has no code to keep alive.
    let _ = unsafe { install::set_action(sig, &KernelSigaction::default()) };
    let pid = crate::pid::own_pid();
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { gate::syscall(Sysno::gettid.id() as u64, [0; 6]) } as u64;
    let sig = sig as u64;
    if info.is_null() {
        // SAFETY: a signal to this thread, whose action is the default now.
        unsafe { gate::syscall(Sysno::tgkill.id() as u64, [pid, tid, sig, 0, 0, 0]) };
    } else {
        // SAFETY: the kernel's siginfo, queued to this thread (allowed for the own
        // process whatever its si_code).
        unsafe {
            gate::syscall(
                Sysno::rt_tgsigqueueinfo.id() as u64,
                [pid, tid, sig, info as u64, 0, 0],
            )
        };
    }
}

/// The action the crate installs to take over `prev`.
fn taking_over(prev: &KernelSigaction) -> KernelSigaction {
    // SIGSYS is never blocked in a handler: a trap there would kill the process (the
    // crate's pass-through keeps it out of every `sa_mask` for the same reason).
    KernelSigaction::new(
        handler_addr(),
        (prev.flags & MIRRORED) | libc::SA_SIGINFO as u64 | SA_RESTORER,
        gate::restorer(),
        prev.mask & !SigSet::bit(libc::SIGSYS),
    )
}

fn handler_addr() -> u64 {
    let f: install::Handler = on_fault;
    f as usize as u64
}

fn is_ours(a: &KernelSigaction) -> bool {
    a.handler == handler_addr()
}

/// Installs the crate's SIGSEGV and SIGBUS handler, which claims the copy routine's
/// faults ([`fixup`]) and hands every other fault to the action installed before it, as
/// the kernel would have delivered it:
///
/// - the crate's action takes over that action's `SA_ONSTACK`, `SA_NODEFER`,
///   `SA_RESTART` and mask (without SIGSYS), so the kernel picks the same stack and blocks
///   the same signals while the program's handler runs; `SA_SIGINFO` or not, the handler
///   gets the kernel's three arguments;
/// - `SA_RESETHAND`: the handler runs once, then the default applies;
/// - `SIG_DFL`: the default action is put back and the signal raised again with its
///   siginfo: the process dies of it at the faulting instruction, as before;
/// - `SIG_IGN`: a signal sent by a process (`kill`, `sigqueue`) is ignored; a fault the
///   kernel raises kills as with `SIG_DFL` (the kernel forces synchronous faults through
///   an ignored action; `BUS_MCEERR_AO`, the one it does not force, is ignored).
///
/// The handler returns through the gate's restorer, so it works under Syscall User
/// Dispatch and a gate-prefixed filter. Installing again keeps the recorded previous
/// actions (it never chains to itself). Also fills the pid cache of the
/// `process_vm_readv` fallback ([`crate::mem`]).
///
/// Not atomic with respect to another thread changing SIGSEGV's action at the same time.
///
/// # Errors
///
/// What `rt_sigaction` returned; `ENOSYS` on an architecture without copy routines.
///
/// # Examples
///
/// ```
/// sigsys::safecopy::install().unwrap();
/// // The action before (here Rust's stack-overflow reporter) is what a program fault gets.
/// let before = sigsys::safecopy::previous(libc::SIGSEGV).unwrap();
/// assert_ne!(before.handler, libc::SIG_IGN as u64);
/// ```
pub fn install() -> Result<(), Errno> {
    if !imp::AVAILABLE {
        return Err(Errno::ENOSYS);
    }
    crate::pid::init_pid_cache();
    for sig in [libc::SIGSEGV, libc::SIGBUS] {
        let Some(slot) = index(sig).and_then(|i| PREVIOUS.get(i)) else {
            continue;
        };
        // SAFETY: a query only (no new action).
        let cur = unsafe { query(sig) }?;
        if !is_ours(&cur) {
            slot.store(&cur);
            // SAFETY: `on_fault` and the gate's restorer are code of this crate, valid for
            // the life of the process.
            let was = unsafe { install::set_action(sig, &taking_over(&cur)) }?;
            if !is_ours(&was) && was != cur {
                slot.store(&was); // changed in between by another thread
            }
        }
        STATE.fetch_or(ours_bit(sig), Ordering::AcqRel);
    }
    Ok(())
}

/// The kernel's current action for `sig`.
///
/// # Safety
///
/// None beyond `rt_sigaction`'s: nothing is installed.
unsafe fn query(sig: i32) -> Result<KernelSigaction, Errno> {
    let mut cur = KernelSigaction::default();
    // SAFETY: a null new action; the old one is written into `cur`.
    unsafe {
        gate::sys(
            Sysno::rt_sigaction,
            [
                sig as u64,
                0,
                core::ptr::from_mut(&mut cur) as u64,
                crate::arch::SIGSET_SIZE,
                0,
                0,
            ],
        )
    }?;
    Ok(cur)
}

/// The action the crate's handler chains to for `signal` (SIGSEGV or SIGBUS): the one
/// installed before [`install()`], or the last given to [`set_previous`]. `None` for other
/// signals. Async-signal-safe.
///
/// # Examples
///
/// ```
/// assert!(sigsys::safecopy::previous(libc::SIGUSR1).is_none());
/// ```
pub fn previous(signal: i32) -> Option<KernelSigaction> {
    index(signal).and_then(|i| PREVIOUS.get(i)).map(Slot::load)
}

/// Makes `action` the one the crate's handler chains to for `signal` (SIGSEGV or SIGBUS),
/// as if the program had installed it, and returns the one it replaces: what a tracer
/// answers to the program's `rt_sigaction(signal, act, oldact)`. The crate's action is
/// installed again with `action`'s flags and mask taken over (see [`install()`]), or
/// installed for the first time. Async-signal-safe (raw `rt_sigaction` from the gate).
///
/// # Safety
///
/// As for `rt_sigaction(2)`: `action`'s handler must be valid code for as long as it is
/// recorded (the crate's handler calls it).
///
/// # Errors
///
/// `EINVAL` for another signal; what `rt_sigaction` returned (the record is then
/// unchanged); `ENOSYS` on an architecture without copy routines.
///
/// # Examples
///
/// ```
/// use sigsys::install::KernelSigaction;
/// let ignore = KernelSigaction { handler: libc::SIG_IGN as u64, ..Default::default() };
/// // SAFETY: SIG_IGN has no code.
/// let old = unsafe { sigsys::safecopy::set_previous(libc::SIGBUS, &ignore) }.unwrap();
/// assert_eq!(sigsys::safecopy::previous(libc::SIGBUS), Some(ignore));
/// // SAFETY: as above.
/// unsafe { sigsys::safecopy::set_previous(libc::SIGBUS, &old) }.unwrap();
/// ```
pub unsafe fn set_previous(
    signal: i32,
    action: &KernelSigaction,
) -> Result<KernelSigaction, Errno> {
    if !imp::AVAILABLE {
        return Err(Errno::ENOSYS);
    }
    let slot = index(signal)
        .and_then(|i| PREVIOUS.get(i))
        .ok_or(Errno::EINVAL)?;
    let old = if STATE.load(Ordering::Acquire) & ours_bit(signal) != 0 {
        slot.load()
    } else {
        // SAFETY: a query only.
        unsafe { query(signal) }?
    };
    // SAFETY: `on_fault` and the gate's restorer are code of this crate.
    unsafe { install::set_action(signal, &taking_over(action)) }?;
    slot.store(action);
    STATE.fetch_or(ours_bit(signal), Ordering::AcqRel);
    Ok(old)
}

/// Reads `buf.len()` bytes at `addr` with the copy routine: the count read (short where
/// the range runs into memory that faults), or `EFAULT` when not one byte could be.
///
/// # Safety
///
/// [`usable_with`] the calling thread's blocked signals.
pub(crate) unsafe fn read(addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
    let len = buf.len();
    if len == 0 {
        return Ok(0);
    }
    if addr.checked_add(len as u64).is_none() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: the destination is our own buffer of `len` bytes; the caller answers for the
    // fault handler and the mask; the source is only read.
    let left = unsafe { imp::copy(buf.as_mut_ptr(), addr as *const u8, len) };
    match len.checked_sub(left) {
        Some(0) | None => Err(Errno::EFAULT),
        Some(n) => Ok(n),
    }
}

/// Writes `data` at `addr` with the copy routine: the count written (short where the range
/// runs into memory that faults), or `EFAULT` when not one byte could be.
///
/// # Safety
///
/// As [`read`], and the target as for [`crate::mem::write`].
pub(crate) unsafe fn write(addr: u64, data: &[u8]) -> Result<usize, Errno> {
    let len = data.len();
    if len == 0 {
        return Ok(0);
    }
    if addr.checked_add(len as u64).is_none() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: the source is our own slice; the caller answers for the target, the fault
    // handler and the mask.
    let left = unsafe { imp::copy(addr as *mut u8, data.as_ptr(), len) };
    match len.checked_sub(left) {
        Some(0) | None => Err(Errno::EFAULT),
        Some(n) => Ok(n),
    }
}
