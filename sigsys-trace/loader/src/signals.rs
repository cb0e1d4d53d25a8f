//! The program's signal actions (other than SIGSYS's), and the signal lines.
//!
//! strace prints a line for every signal delivered (`--- SIGCHLD {si_signo=SIGCHLD,
//! si_code=CLD_EXITED, ...} ---`). In-process, a delivery is seen only where the program
//! runs a handler: there the tracer's [`on_signal`] is installed in its place, with the
//! program's own flags, mask and restorer, so the kernel delivers exactly as it would to
//! the program's handler (same stack, same blocked signals, same restart rule, same
//! `rt_sigreturn` through the program's restorer, which is traced as strace shows it).
//! `on_signal` sends the line, then calls the program's handler with the kernel's
//! arguments. Signals ignored or at their default action are not intercepted (installing a
//! handler for them would change what the program sees: a blocking call interrupted by a
//! signal it ignores), so their deliveries are not shown (strace, through ptrace, shows
//! them; see the README), with one exception: SIGCHLD at its default action (ignore), whose
//! `--- SIGCHLD` line every program that runs children shows under strace. There the
//! wrapper is installed as a handler that only shows the line ([`chld_at_start`],
//! [`sigaction`]), `SA_RESTART` and on the alternate stack, and SIGCHLD is blocked while
//! the tracer's SIGSYS handler runs ([`set_handler_mask`]): every blocking call of the
//! program runs there, so none is interrupted by it, as none is untraced. `SIG_IGN` is
//! left alone (it makes the kernel reap children itself).
//!
//! `rt_sigaction` reads back the program's own action ([`ACTIONS`]), never the tracer's.
//! SIGSYS is taken out of every handler mask the kernel gets (a program handler running
//! with SIGSYS blocked would be killed at its first system call), and reads back as given.
//!
//! A task that shares the tracer's memory but not the signal actions (`clone(CLONE_VM)`
//! without `CLONE_SIGHAND`: `posix_spawn`'s child) must not change [`ACTIONS`], which stand
//! for the actions of the tasks that do: its own `rt_sigaction` calls go to the kernel
//! unchanged (unwrapped), and read back what the kernel says.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sigsys::install::KernelSigaction;
use syscalls::x86_64::Sysno;

use crate::line::Line;
use crate::state;
use crate::sys::sys;

const SIGSYS_BIT: u64 = 1 << (libc::SIGSYS - 1);

/// The `sa_flags` the kernel keeps (its `UAPI_SA_FLAGS` on x86: the rest is cleared by
/// `rt_sigaction`, which is how programs probe for flag support).
const UAPI_SA_FLAGS: u64 = (libc::SA_NOCLDSTOP
    | libc::SA_NOCLDWAIT
    | libc::SA_SIGINFO
    | libc::SA_ONSTACK
    | libc::SA_RESTART
    | libc::SA_NODEFER
    | libc::SA_RESETHAND) as u32 as u64 // c_ints: SA_RESETHAND is negative
    | sigsys::install::SA_RESTORER
    | 0x800; // SA_EXPOSE_TAGBITS

/// Show signal lines (the launcher's `FLAG_SIGNALS`): the program's handlers are wrapped.
pub static SHOW: AtomicBool = AtomicBool::new(false);

/// The actions the program set, by signal (`sig - 1`): handler, flags, restorer, mask;
/// valid where [`KNOWN`] has the signal's bit.
static ACTIONS: [[AtomicU64; 4]; 64] = [const { [const { AtomicU64::new(0) }; 4] }; 64];

/// Signals (bit `sig - 1`) whose [`ACTIONS`] entry holds the program's action.
static KNOWN: AtomicU64 = AtomicU64::new(0);

fn load(i: usize) -> Option<KernelSigaction> {
    let a = ACTIONS.get(i)?;
    Some(KernelSigaction {
        handler: a[0].load(Ordering::Relaxed),
        flags: a[1].load(Ordering::Relaxed),
        restorer: a[2].load(Ordering::Relaxed),
        mask: a[3].load(Ordering::Relaxed),
    })
}

fn store(i: usize, v: &KernelSigaction) {
    if let Some(a) = ACTIONS.get(i) {
        for (slot, x) in a.iter().zip([v.handler, v.flags, v.restorer, v.mask]) {
            slot.store(x, Ordering::Relaxed);
        }
    }
}

fn is_function(handler: u64) -> bool {
    handler != libc::SIG_DFL as u64 && handler != libc::SIG_IGN as u64
}

fn wrapper() -> u64 {
    on_signal as *const () as usize as u64
}

fn as_bytes(a: &KernelSigaction) -> &[u8] {
    // SAFETY: KernelSigaction is four u64s without padding.
    unsafe { core::slice::from_raw_parts(core::ptr::from_ref(a).cast::<u8>(), 32) }
}

/// The tracer's SIGSYS handler's mask: SIGPIPE (a write to a broken pipe gets its line
/// before the signal, delivered at the handler's `rt_sigreturn`, as strace shows `write(...)
/// = -1 EPIPE` before `--- SIGPIPE`), and SIGCHLD while only the line-showing wrapper
/// handles it (`chld`).
pub fn set_handler_mask(chld: bool) {
    let chld_bit = if chld { 1 << (libc::SIGCHLD - 1) } else { 0 };
    let action = KernelSigaction {
        handler: crate::handler::on_sigsys as *const () as usize as u64,
        flags: sigsys::install::HANDLER_FLAGS,
        restorer: sigsys::gate::restorer(),
        mask: 1 << (libc::SIGPIPE - 1) | chld_bit,
    };
    // SAFETY: the tracer's SIGSYS handler as installed, with a mask.
    let _ = unsafe { sigsys::install::set_action(libc::SIGSYS, &action) };
}

/// The wrapper as SIGCHLD's line-only handler for the program's default action `dfl`
/// (kept flags: `SA_NOCLDSTOP`, `SA_NOCLDWAIT`, which apply at the default action too).
fn chld_shown(dfl: &KernelSigaction) -> KernelSigaction {
    KernelSigaction {
        handler: wrapper(),
        flags: dfl.flags & (libc::SA_NOCLDSTOP | libc::SA_NOCLDWAIT) as u64
            | (libc::SA_SIGINFO | libc::SA_RESTART | libc::SA_ONSTACK) as u64
            | sigsys::install::SA_RESTORER,
        restorer: sigsys::gate::restorer(),
        mask: dfl.mask & !SIGSYS_BIT,
    }
}

/// Whether SIGCHLD deliveries at the default action are shown (signal lines on, lines
/// written).
fn chld_wanted() -> bool {
    SHOW.load(Ordering::Relaxed) && state::FULL.load(Ordering::Relaxed)
}

/// At the image's start: SIGCHLD at its default action (not ignored across the exec) gets
/// the line-only wrapper, the program's action recorded as it was.
pub fn chld_at_start() {
    if !chld_wanted() {
        return;
    }
    let mut cur = KernelSigaction::default();
    // SAFETY: reads the current action into a local.
    let r = unsafe {
        sys(
            Sysno::rt_sigaction,
            [
                libc::SIGCHLD as u64,
                0,
                core::ptr::from_mut(&mut cur) as u64,
                8,
                0,
                0,
            ],
        )
    };
    if r != 0 || cur.handler != libc::SIG_DFL as u64 {
        return;
    }
    let i = (libc::SIGCHLD - 1) as usize;
    store(i, &cur);
    KNOWN.fetch_or(1 << i, Ordering::Release);
    let shown = chld_shown(&cur);
    // SAFETY: the wrapper, which only shows the line for a default action, with the gate's
    // restorer.
    let r = unsafe {
        sys(
            Sysno::rt_sigaction,
            [
                libc::SIGCHLD as u64,
                core::ptr::from_ref(&shown) as u64,
                0,
                8,
                0,
                0,
            ],
        )
    };
    if r == 0 {
        set_handler_mask(true);
    }
}

/// `rt_sigaction(sig, act, oldact, size)` for every signal but SIGSYS (which
/// `prog_sigsys::virtual_sigaction` keeps for itself).
// Long (about 85 lines) on purpose: the call's steps in their order (the kernel's checks,
// the program's action read, recorded, wrapped and installed, the record rolled back if
// the kernel refused), which must not be reordered: a delivery right after the install
// must find the record.
#[inline(never)]
pub fn sigaction(args: [u64; 6]) -> i64 {
    let [sig, act, oldact, size, ..] = args;
    let bit = 1u64.checked_shl((sig as u32).wrapping_sub(1)).unwrap_or(0);
    let Some(i) = usize::try_from(sig).ok().and_then(|s| s.checked_sub(1)) else {
        // SAFETY: the action the program gave (or a local copy of it) and its `oldact`, read and
        // written by the kernel as for the program's own call; the tracer's own action stays for
        // SIGSYS.
        return unsafe { sys(Sysno::rt_sigaction, args) };
    };
    if size != 8 || bit == 0 || i >= 64 {
        // The kernel's error, as it gives it.
        // SAFETY: the action the program gave (or a local copy of it) and its `oldact`, read and
        // written by the kernel as for the program's own call; the tracer's own action stays for
        // SIGSYS.
        return unsafe { sys(Sysno::rt_sigaction, args) };
    }
    let mut given = None;
    if act != 0 {
        // SAFETY: KernelSigaction is four u64s; any bit pattern is valid.
        match unsafe { sigsys::mem::read_pod::<KernelSigaction>(&crate::mem::ProgMemory, act) } {
            // As the kernel stores it: the flags it knows (not SA_UNSUPPORTED, which
            // programs set to probe that), the mask without SIGKILL and SIGSTOP.
            Ok(mut a) => {
                a.flags &= UAPI_SA_FLAGS;
                a.mask &= !(1 << (libc::SIGKILL - 1) | 1 << (libc::SIGSTOP - 1));
                given = Some(a);
            }
            Err(_) => return -(libc::EFAULT as i64),
        }
    }
    let shared = !state::me().private_sighand.load(Ordering::Relaxed);
    let prev = if KNOWN.load(Ordering::Acquire) & bit != 0 {
        load(i)
    } else {
        None
    };
    let mut real = given;
    if let Some(a) = &mut real {
        a.mask &= !SIGSYS_BIT;
        let catchable = sig != libc::SIGKILL as u64 && sig != libc::SIGSTOP as u64;
        // Wrapped whether or not lines are shown: the wrapper also re-arms the alternate
        // stack the delivery disarmed (see `on_signal`).
        if shared && catchable && is_function(a.handler) {
            a.handler = wrapper();
            a.flags |= libc::SA_SIGINFO as u64;
        } else if shared
            && sig == libc::SIGCHLD as u64
            && a.handler == libc::SIG_DFL as u64
            && chld_wanted()
        {
            *a = chld_shown(a);
        }
    }
    // SIGCHLD blocked in the tracer's handler exactly while only the wrapper shows it.
    let chld_mask = match (&given, &real) {
        (Some(g), Some(r)) if shared && sig == libc::SIGCHLD as u64 => {
            Some(g.handler == libc::SIG_DFL as u64 && r.handler == wrapper())
        }
        _ => None,
    };
    // The program's action is recorded before the kernel gets the wrapper, so that a
    // delivery right after the install finds it.
    if let (Some(a), true) = (&given, shared) {
        store(i, a);
        KNOWN.fetch_or(bit, Ordering::Release);
    }
    let act_ptr = match &real {
        Some(a) => core::ptr::from_ref(a) as u64,
        None => 0,
    };
    let r = if shared && matches!(sig as i32, libc::SIGSEGV | libc::SIGBUS) {
        fault_action(sig as i32, real.as_ref(), oldact)
    } else {
        // SAFETY: the action the program gave (or a local copy of it) and its `oldact`, read and
        // written by the kernel as for the program's own call; the tracer's own action stays for
        // SIGSYS.
        unsafe { sys(Sysno::rt_sigaction, [sig, act_ptr, oldact, 8, 0, 0]) }
    };
    // EFAULT after the action was read (ours is a local copy) is the kernel failing to
    // write `oldact`, after it installed the new action: keep the record.
    if r != 0 && r != -(libc::EFAULT as i64) {
        if given.is_some() && shared {
            match &prev {
                Some(p) => store(i, p),
                None => {
                    KNOWN.fetch_and(!bit, Ordering::Release);
                }
            }
        }
        return r;
    }
    if r != 0 {
        return r;
    }
    if let Some(chld) = chld_mask {
        set_handler_mask(chld);
    }
    if oldact != 0 {
        report_old(oldact, prev.as_ref());
    }
    r
}

/// What the kernel wrote in the program's `oldact`, unless it is the program's recorded
/// action `prev` (the wrapper in its place, or the same handler with SIGSYS taken out of
/// its mask): then that record.
fn report_old(oldact: u64, prev: Option<&KernelSigaction>) {
    // SAFETY: the kernel just wrote a KernelSigaction there.
    let old = unsafe { sigsys::mem::read_pod::<KernelSigaction>(&crate::mem::ProgMemory, oldact) };
    if let (Ok(old), Some(p)) = (old, prev) {
        if old.handler == wrapper() || old.handler == p.handler {
            // SAFETY: the program's `oldact`, where the kernel writes.
            let _ = unsafe { crate::mem::write(oldact, as_bytes(p)) };
        }
    }
}

/// SIGSEGV and SIGBUS: the crate's fault handler (`sigsys::safecopy`) stays installed,
/// claiming the faults of the tracer's own reads of the program's memory, and chains every
/// other fault to `real` (the program's action, or the wrapper in its place), whose flags
/// and mask it takes over so the kernel delivers as it would to it. `oldact` gets the
/// action chained to before, as the kernel would report it.
fn fault_action(sig: i32, real: Option<&KernelSigaction>, oldact: u64) -> i64 {
    let old = match real {
        // SAFETY: the program's handler (or the wrapper), valid code of this process.
        Some(a) => match unsafe { sigsys::safecopy::set_previous(sig, a) } {
            Ok(old) => old,
            Err(e) => return -i64::from(e.into_raw()),
        },
        None => sigsys::safecopy::previous(sig).unwrap_or_default(),
    };
    // SAFETY: the program's `oldact`, where the kernel writes.
    if oldact != 0 && unsafe { crate::mem::write(oldact, as_bytes(&old)) } != Ok(32) {
        return -(libc::EFAULT as i64);
    }
    0
}

/// A task leaving the tracer (`PTRACE_TRACEME`): the program's own actions, as it set
/// them, go to the kernel in place of the wrappers (and of SIGCHLD's line-only handler),
/// so that what the kernel delivers and what `rt_sigaction` reads back are its own.
/// SIGSEGV and SIGBUS stay with the crate's fault handler, which chains to them.
pub fn unwrap_all() {
    let known = KNOWN.load(Ordering::Acquire);
    for i in 0..64usize {
        let sig = i.wrapping_add(1) as i32;
        if known & (1u64 << i) == 0 || matches!(sig, libc::SIGSEGV | libc::SIGBUS | libc::SIGSYS) {
            continue;
        }
        let Some(a) = load(i) else {
            continue;
        };
        let chld_default = sig == libc::SIGCHLD && a.handler == libc::SIG_DFL as u64;
        if !(is_function(a.handler) || chld_default) {
            continue;
        }
        // SAFETY: the program's own action for `sig`, as it gave it.
        unsafe {
            sys(
                Sysno::rt_sigaction,
                [sig as u64, core::ptr::from_ref(&a) as u64, 0, 8, 0, 0],
            )
        };
    }
}

/// The handler installed in place of each of the program's: shows the delivery, then runs
/// the program's handler as the kernel would have.
///
/// # Safety
///
/// Called by the kernel as an `SA_SIGINFO` handler.
unsafe extern "C" fn on_signal(
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) {
    let Some(i) = usize::try_from(sig).ok().and_then(|s| s.checked_sub(1)) else {
        return;
    };
    let Some(a) = load(i) else {
        return;
    };
    if !ctx.is_null() {
        // SAFETY: the kernel's ucontext of this delivery.
        let interrupted_sp = unsafe { (*ctx.cast::<sigsys::frame::Ucontext>()).mcontext.rsp };
        crate::altstack::rearm_altstack(interrupted_sp);
    }
    if !ctx.is_null() && state::FULL.load(Ordering::Relaxed) {
        // SAFETY: the kernel's ucontext of this delivery.
        crate::handler::interrupted_line(unsafe { &*ctx.cast::<sigsys::frame::Ucontext>() });
    }
    if !info.is_null() && state::FULL.load(Ordering::Relaxed) && SHOW.load(Ordering::Relaxed) {
        // SAFETY: the kernel passes the frame's siginfo, 128 bytes.
        let bytes = unsafe { &*info.cast::<[u8; 128]>() };
        signal_line(sig, bytes);
    }
    if a.flags & libc::SA_RESETHAND as u64 != 0 {
        // The kernel put SIG_DFL back as it delivered (the wrapper has the same flags).
        if let Some(e) = ACTIONS.get(i) {
            e[0].store(libc::SIG_DFL as u64, Ordering::Relaxed);
        }
    }
    match a.handler {
        h if is_function(h) => {
            // The kernel passes all three arguments to every handler (a plain one ignores
            // two); so does this call.
            // SAFETY: the program installed this address as its handler for `sig`.
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                unsafe { core::mem::transmute(h as usize) };
            f(sig, info, ctx);
        }
        // SIGCHLD's default is to ignore it: the line was all (see `chld_at_start`).
        h if h == libc::SIG_DFL as u64 && sig == libc::SIGCHLD => {}
        h if h == libc::SIG_DFL as u64 => redeliver(sig),
        _ => {} // SIG_IGN since the delivery began: nothing to do.
    }
}

/// The program set the default action while this delivery was on its way: raise the
/// signal again, for the kernel to deliver with that action once the handler returns
/// (unless the wrapper is still installed, which only a task with private actions sees).
fn redeliver(sig: libc::c_int) {
    let mut cur = KernelSigaction::default();
    // SAFETY: the action the program gave (or a local copy of it) and its `oldact`, read and
    // written by the kernel as for the program's own call; the tracer's own action stays for
    // SIGSYS.
    let r = unsafe {
        sys(
            Sysno::rt_sigaction,
            [sig as u64, 0, core::ptr::from_mut(&mut cur) as u64, 8, 0, 0],
        )
    };
    if r == 0 && cur.handler != wrapper() {
        // SAFETY: numbers only: a signal the kernel delivers as it would to the program.
        unsafe {
            sys(
                Sysno::tgkill,
                [
                    state::pid() as u64,
                    state::tid() as u64,
                    sig as u64,
                    0,
                    0,
                    0,
                ],
            )
        };
    }
}

/// Whether `sig`'s action is the default one (the program set none, or `SIG_DFL`), as the
/// program sees it.
pub fn default_action(sig: libc::c_int) -> bool {
    let Some(i) = usize::try_from(sig).ok().and_then(|s| s.checked_sub(1)) else {
        return false;
    };
    let bit = 1u64.checked_shl(i as u32).unwrap_or(0);
    if KNOWN.load(Ordering::Acquire) & bit != 0 {
        return load(i).is_some_and(|a| a.handler == libc::SIG_DFL as u64);
    }
    if matches!(sig, libc::SIGSEGV | libc::SIGBUS) {
        // The real action is the crate's fault handler; the program's is what the image
        // started with (ignored survives an exec), which `sigsys::safecopy` chains to.
        return sigsys::safecopy::previous(sig).is_some_and(|a| a.handler == libc::SIG_DFL as u64);
    }
    let mut cur = KernelSigaction::default();
    // SAFETY: the action the program gave (or a local copy of it) and its `oldact`, read and
    // written by the kernel as for the program's own call; the tracer's own action stays for
    // SIGSYS.
    let r = unsafe {
        sys(
            Sysno::rt_sigaction,
            [sig as u64, 0, core::ptr::from_mut(&mut cur) as u64, 8, 0, 0],
        )
    };
    r == 0 && cur.handler == libc::SIG_DFL as u64
}

/// Whether the program runs a handler of its own for `sig` (so a delivery gets its line
/// from [`on_signal`]).
pub fn handled(sig: libc::c_int) -> bool {
    let Some(i) = usize::try_from(sig).ok().and_then(|s| s.checked_sub(1)) else {
        return false;
    };
    let bit = 1u64.checked_shl(i as u32).unwrap_or(0);
    KNOWN.load(Ordering::Acquire) & bit != 0 && load(i).is_some_and(|a| is_function(a.handler))
}

/// Sends `--- SIGCHLD {si_signo=SIGCHLD, ...} ---` in the thread's order of lines.
pub fn signal_line(sig: libc::c_int, info: &[u8; 128]) {
    let mut line = Line::new(b'S');
    line.push("--- ");
    let _ = sigsys::flags::Signal(sig).write(&mut line, false);
    line.push(" ");
    let _ = sigsys::fmt::write_siginfo(&mut line, info);
    line.push(" ---");
    if state::TIMES.load(Ordering::Relaxed) {
        crate::line::write_times(&mut line, crate::line::now_ns());
    }
    line.queue();
}
