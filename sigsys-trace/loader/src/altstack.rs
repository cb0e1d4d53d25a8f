//! The alternate signal stack, virtualised per thread: what the program sees
//! (`sigaltstack`) and the real one the tracer keeps armed under it.

use sigsys::Trap;
use syscalls::x86_64::Sysno;

use crate::state;
use crate::sys::sys;

/// `sigaltstack(ss, old_ss)`, virtualised per thread.
///
/// The program sees the alternate stack it set (initially none), with the kernel's checks
/// against its own stack pointer. The real one is always installed with `SS_AUTODISARM`
/// (the kernel does not apply a `uc_stack` change while the handler runs on an alternate
/// stack without it: observed; `pass_through` reports it as `AltStackInUse`):
///
/// - the program's own once it sets one of at least [`state::prog_stack_min`] bytes (or
///   any size in a thread without a tracer stack, made by a raw `clone`): the program's
///   `SA_ONSTACK` handlers run where it put them, with the room it gave them;
/// - otherwise the tracer's (56 KiB): the handler needs more than programs give small
///   alternate stacks (Rust's runtime sets 8 KiB, `MINSIGSTKSZ` is 2 KiB), and must keep a
///   stack when the program has none. A program handler with
///   `SA_ONSTACK` then runs on the tracer's stack, which stands in for the program's: on
///   it, `sigaltstack` reports that stack (its address and size: the stack pointer lies in
///   it, which Go checks) with `SS_ONSTACK`, and refuses a change with `EPERM`, as the
///   kernel would on the program's.
///
/// The change is made in the frame (`uc_stack`), which the handler's `rt_sigreturn`
/// applies.
#[inline(never)]
pub fn virtual_sigaltstack(trap: &mut Trap<'_>, args: [u64; 6]) -> i64 {
    const MINSIGSTKSZ: u64 = 2048;
    let auto = sigsys::install::SS_AUTODISARM;
    let [ss, old_ss, ..] = args;
    let mem = crate::mem::ProgMemory;
    let (sp, size, flags) = state::prog_altstack();
    let tracer = state::tracer_altstack();
    let rsp = trap.sp();
    let on_prog = state::on_stack(rsp, sp, size);
    let on_tracer = tracer != 0 && state::on_stack(rsp, tracer, state::SIGNAL_STACK_SIZE as u64);
    let on = flags & auto == 0 && size != 0 && (on_prog || on_tracer);
    // A handler running on the tracer's stack standing in for the program's is told where
    // it really runs: programs check that the stack pointer lies in the stack reported
    // (Go's `adjustSignalStack` dies otherwise).
    let (sp, size) = if on && !on_prog {
        (tracer, state::SIGNAL_STACK_SIZE as u64)
    } else {
        (sp, size)
    };
    let mode = match (size, on) {
        (0, _) => libc::SS_DISABLE,
        (_, true) => libc::SS_ONSTACK,
        _ => 0,
    };
    let mut new = None;
    if ss != 0 {
        // SAFETY: a stack_t is three integers and padding; any bit pattern is valid.
        let n = match unsafe { sigsys::mem::read_pod::<[u64; 3]>(&mem, ss) } {
            Ok(n) => n,
            Err(_) => return -(libc::EFAULT as i64),
        };
        if on {
            return -(libc::EPERM as i64);
        }
        let nflags = n[1] as u32 as i32;
        new = Some(match nflags & !auto {
            libc::SS_DISABLE => (0, 0, libc::SS_DISABLE),
            0 | libc::SS_ONSTACK if n[2] < MINSIGSTKSZ => return -(libc::ENOMEM as i64),
            0 | libc::SS_ONSTACK => (n[0], n[2], nflags & auto),
            _ => return -(libc::EINVAL as i64),
        });
    }
    if old_ss != 0 {
        let old = [sp, u64::from((mode | (flags & auto)) as u32), size];
        // SAFETY: three u64s, no padding.
        let bytes = unsafe { core::slice::from_raw_parts(old.as_ptr().cast::<u8>(), 24) };
        // SAFETY: the program's `old_ss`, where the kernel writes.
        if unsafe { crate::mem::write(old_ss, bytes) } != Ok(24) {
            return -(libc::EFAULT as i64);
        }
    }
    if let Some((nsp, nsize, nflags)) = new {
        state::set_prog_altstack(nsp, nsize, nflags);
        // In a thread without a tracer stack the real one is the program's: none so far?
        apply_altstack(trap, tracer == 0 && size == 0);
    }
    0
}

/// The real alternate stack the thread should have (see [`virtual_sigaltstack`]): the
/// program's if it is big enough (or the thread has no tracer stack), else the tracer's;
/// always with `SS_AUTODISARM`. `None`: neither exists.
fn real_altstack() -> Option<(u64, u64, i32)> {
    let auto = sigsys::install::SS_AUTODISARM;
    let (psp, psize, pflags) = state::prog_altstack();
    let tracer = state::tracer_altstack();
    if psize != 0 && (psize >= state::prog_stack_min() || tracer == 0) {
        Some((psp, psize, (pflags & !libc::SS_ONSTACK) | auto))
    } else if tracer != 0 {
        Some((tracer, state::SIGNAL_STACK_SIZE as u64, auto))
    } else {
        None
    }
}

/// Makes the real alternate stack the one the thread should have (see
/// [`virtual_sigaltstack`]), through the frame's `uc_stack`, which the handler's
/// `rt_sigreturn` applies.
///
/// Only when the frame's alternate stack is armed, or none was set (`none_set`): disarmed
/// there means a handler up the chain runs on the real one (`SS_AUTODISARM`), and arming
/// a stack now (it is applied while that handler still runs) would let the next signal
/// land on that handler's frames. Then the switch waits for a later trap whose frame has
/// it armed (the handlers up the chain have returned, re-arming the old one).
pub fn apply_altstack(trap: &mut Trap<'_>, none_set: bool) {
    let (sp, size, flags) = real_altstack().unwrap_or((0, 0, libc::SS_DISABLE));
    // SAFETY: the frame's alternate stack, which `rt_sigreturn` applies: a stack of the
    // program's or the tracer's own, both mapped for this thread.
    let st = &mut unsafe { trap.ucontext_mut() }.stack;
    if st.flags & libc::SS_DISABLE != 0 && !none_set {
        state::set_alt_pending(true);
        return;
    }
    st.sp = sp;
    st.size = size;
    st.flags = flags;
    state::set_alt_pending(false);
}

/// At the start of a program handler's delivery (the wrapper in `signals`): the kernel
/// disarmed the real alternate stack (`SS_AUTODISARM` is undone by every frame it
/// builds, on that stack or not), so the traps of the program's handler would run the
/// tracer's handler on the program's stack. Armed again now, with the stack the thread
/// should have, unless this delivery or the code it interrupted runs on that stack (a
/// handler there: the kernel re-arms it at its `rt_sigreturn`). One `sigaltstack` per
/// delivery.
pub fn rearm_altstack(interrupted_sp: u64) {
    let Some((sp, size, flags)) = real_altstack() else {
        return;
    };
    let here = core::ptr::from_ref(&sp) as u64;
    if state::on_stack(here, sp, size) || state::on_stack(interrupted_sp, sp, size) {
        return;
    }
    let st = libc::stack_t {
        ss_sp: sp as *mut libc::c_void,
        ss_flags: flags,
        ss_size: size as usize,
    };
    // SAFETY: a `stack_t` on this stack, which the kernel reads; the stack it names is mapped for
    // this thread alone.
    unsafe {
        sys(
            Sysno::sigaltstack,
            [core::ptr::from_ref(&st) as u64, 0, 0, 0, 0, 0],
        )
    };
}

/// Whether the real alternate stack is disarmed although no handler runs on it: a handler
/// that ran there left by `siglongjmp` (`SS_AUTODISARM` is undone only by `rt_sigreturn`).
/// The interrupted stack pointer is then outside both stacks; the kernel, for the
/// program's own stack without `SS_AUTODISARM`, would deliver the next signal there again,
/// so it is armed again (through the frame).
pub fn disarmed_by_a_jump(trap: &Trap<'_>) -> bool {
    if trap.altstack().flags & libc::SS_DISABLE == 0 {
        return false;
    }
    let (psp, psize, _) = state::prog_altstack();
    let tracer = state::tracer_altstack();
    let rsp = trap.sp();
    let on_tracer = tracer != 0 && state::on_stack(rsp, tracer, state::SIGNAL_STACK_SIZE as u64);
    (psize != 0 || tracer != 0) && !state::on_stack(rsp, psp, psize) && !on_tracer
}
