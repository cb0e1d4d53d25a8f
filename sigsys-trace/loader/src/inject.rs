//! `-e inject=` and `-e fault=`: calls tampered with instead of run, as strace does it.
//!
//! The rules come from the run directory's header at start-up (before the program runs)
//! and are read-only after. Each thread counts, per rule, the calls the rule is for; the
//! rule's `when=` says which of those are tampered with. A tampered call is not run: it
//! returns the rule's error or value (the crate's emulation, `Trap::set_return`); a
//! `signal=` is then raised for the thread, held back until the call's line is written.
//! Counts are per rule and thread (strace counts per call and task: the same for a rule
//! naming one call); a new thread or process starts from zero.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::protocol::{InjectRule, INJECT_RULES};
use crate::state;
use crate::sys::sys;
use syscalls::x86_64::Sysno;

struct Rules(UnsafeCell<[InjectRule; INJECT_RULES]>, AtomicU32);

// SAFETY: written once by `load`, before the program runs (one thread), read-only after.
unsafe impl Sync for Rules {}

const NONE: InjectRule = InjectRule {
    calls: [0; 8],
    ret: 0,
    set_ret: 0,
    signal: 0,
    when_first: 1,
    when_last: 0,
    when_step: 0,
    reserved: 0,
};

static RULES: Rules = Rules(UnsafeCell::new([NONE; INJECT_RULES]), AtomicU32::new(0));

/// Takes the launcher's rules. Called once, before the program runs.
pub fn load(rules: &[InjectRule], len: u32) {
    let n = (len as usize).min(INJECT_RULES).min(rules.len());
    // SAFETY: single-threaded start-up; nothing reads the rules yet.
    let dst = unsafe { &mut *RULES.0.get() };
    for (d, s) in dst.iter_mut().zip(rules.iter().take(n)) {
        *d = *s;
    }
    RULES.1.store(n as u32, Ordering::Release);
}

/// What to do with a call.
pub struct Tamper {
    /// The result instead of running the call, if any.
    pub ret: Option<i64>,
    /// `ret` is a `retval=` (printed as it is), not an `error=` (printed as an errno).
    pub retval: bool,
    /// The signal to raise after it (0: none).
    pub signal: u32,
}

/// Whether the thread's call `nr` (x86_64) is tampered with now; counts it. The last rule
/// for the call on the command line is its rule, as in strace (a later `-e inject=` for
/// the same call replaces an earlier one).
pub fn check(nr: u32) -> Option<Tamper> {
    let n = RULES.1.load(Ordering::Acquire) as usize;
    if n == 0 {
        return None;
    }
    // SAFETY: read-only once loaded (see `Rules`).
    let rules = unsafe { &*RULES.0.get() };
    let counts = &state::me().inject_counts;
    let (rule, count) = rules
        .iter()
        .take(n)
        .zip(counts.iter())
        .rev()
        .find(|(rule, _)| rule.covers(nr))?;
    let k = count.load(Ordering::Relaxed).saturating_add(1);
    count.store(k, Ordering::Relaxed);
    rule.applies_to(k).then_some(Tamper {
        ret: (rule.set_ret != 0).then_some(rule.ret),
        retval: rule.set_ret == crate::protocol::INJECT_RETVAL,
        signal: rule.signal,
    })
}

/// Raises `sig` for the calling thread as strace injects it (`si_code=SI_KERNEL`),
/// blocked (but for faults and SIGSYS) until the handler's `rt_sigreturn` puts the frame's
/// mask back, so that it arrives after the call's line. A delivery to a program handler
/// gets its line from the handler's wrapper (`signals`); otherwise (default action or
/// ignored, which the tracer does not see delivered) the line is written here, as strace,
/// which sees every delivery, shows it.
pub fn raise_after(sig: u32) {
    let mut info = [0u8; 128];
    let code: i32 = 0x80; // SI_KERNEL
    for (dst, src) in info.iter_mut().zip(
        (sig as i32)
            .to_ne_bytes()
            .iter()
            .chain(0i32.to_ne_bytes().iter())
            .chain(code.to_ne_bytes().iter()),
    ) {
        *dst = *src;
    }
    if !crate::signals::handled(sig as i32) && crate::signals::SHOW.load(Ordering::Relaxed) {
        crate::signals::signal_line(sig as i32, &info);
    }
    crate::masks::hold_signals();
    // SAFETY: a local 128-byte siginfo, read by the kernel.
    unsafe {
        sys(
            Sysno::rt_tgsigqueueinfo,
            [
                state::pid() as u64,
                state::tid() as u64,
                u64::from(sig),
                info.as_ptr() as u64,
                0,
                0,
            ],
        )
    };
}
