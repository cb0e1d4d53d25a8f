//! The program's own seccomp filters, composed with the tracer (issue 9).
//!
//! A filter the program installs is installed for real, behind `sigsys::filter::compose`'s
//! prefix: the tracer's own calls (from the gate's own exits: memory reads, sending lines,
//! the handler's `rt_sigreturn`) are let through, and everything else is the program's
//! filter's to decide, with the kernel's semantics, because the calls the handler passes
//! through leave from the gate's pass exits. The exemption is by instruction pointer: the
//! loader, and with it the gate, is at the same address in every image, so it still holds
//! after `execve`.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use sigsys::{filter, Syscall, Trap};
use syscalls::x86_64::Sysno;

use crate::line::ProcMemory;
use crate::sys::sys;

const SECCOMP_SET_MODE_STRICT: u32 = 0;
const SECCOMP_SET_MODE_FILTER: u32 = 1;
const PR_SET_SECCOMP: i32 = 22;
/// Instructions in the buffers: the program's at most, and the composed one.
const MAX: usize = filter::MAX_INSNS + filter::COMPOSE_PREFIX_LEN;
const INSN: usize = core::mem::size_of::<libc::sock_filter>();

/// `seccomp(2)`: filters composed, strict mode emulated; other operations pass.
pub fn seccomp(trap: &mut Trap<'_>, call: &Syscall, pass: fn(&mut Trap<'_>) -> i64) -> i64 {
    let (op, flags, uargs) = (call.arg_int(0) as u32, call.args[1], call.args[2]);
    match op {
        SECCOMP_SET_MODE_FILTER => install(trap, flags, uargs, pass),
        SECCOMP_SET_MODE_STRICT if flags == 0 && uargs == 0 => strict(trap),
        _ => pass(trap),
    }
}

/// `prctl(PR_SET_SECCOMP, mode, prog)`.
pub fn prctl(trap: &mut Trap<'_>, call: &Syscall, pass: fn(&mut Trap<'_>) -> i64) -> i64 {
    match call.args[1] {
        1 => strict(trap),
        2 => install(trap, 0, call.args[2], pass),
        _ => pass(trap),
    }
}

/// Whether `call` is `prctl(PR_SET_SECCOMP, ...)`.
pub fn is_prctl_seccomp(call: &Syscall) -> bool {
    call.arg_int(0) == PR_SET_SECCOMP
}

/// Two buffers of `MAX` instructions, mapped for one call (a filter is up to 32 KiB: too
/// much for the handler's stack).
struct Buffers {
    base: u64,
}

impl Buffers {
    const LEN: u64 = (2 * MAX * INSN) as u64;

    fn new() -> Option<Buffers> {
        // SAFETY: a new mapping at no fixed address: nothing in use is replaced.
        let r = unsafe {
            sys(
                Sysno::mmap,
                [
                    0,
                    Self::LEN,
                    (libc::PROT_READ | libc::PROT_WRITE) as u64,
                    (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64,
                    u64::MAX,
                    0,
                ],
            )
        };
        (!(-4095..0).contains(&r)).then_some(Buffers { base: r as u64 })
    }

    fn split(&mut self) -> (&mut [libc::sock_filter], &mut [libc::sock_filter]) {
        // SAFETY: a private mapping of 2 * MAX instructions, ours until dropped;
        // sock_filter is plain integers, and zeroed memory is a valid value.
        let all = unsafe {
            core::slice::from_raw_parts_mut(self.base as *mut libc::sock_filter, 2 * MAX)
        };
        all.split_at_mut(MAX)
    }
}

impl Drop for Buffers {
    fn drop(&mut self) {
        // SAFETY: the mapping made by this code, which nothing uses any more.
        unsafe { sys(Sysno::munmap, [self.base, Self::LEN, 0, 0, 0, 0]) };
    }
}

fn install(trap: &mut Trap<'_>, flags: u64, uprog: u64, pass: fn(&mut Trap<'_>) -> i64) -> i64 {
    let Some(mut bufs) = Buffers::new() else {
        let r = -(libc::ENOMEM as i64);
        trap.set_return(r);
        return r;
    };
    let (input, output) = bufs.split();
    let Ok(program) = filter::read_program(&ProcMemory, uprog, input) else {
        // The kernel finds the same fault or bad length in the program's own pointer.
        return pass(trap);
    };
    let r = match filter::compose(program, output) {
        Ok(composed) => run_filter(flags, composed),
        Err(e) => -(e.into_raw() as i64),
    };
    if r >= 0 {
        record(program);
    }
    trap.set_return(r);
    r
}

/// The program's filters as it gave them, oldest first, for [`kills`]: instructions in
/// `insns`, `(start, len)` of each in `spans`, `count` of them published (Release after
/// writing, Acquire before reading: a reader sees only complete ones). One installer at a
/// time (`busy`); a filter that does not fit, or meets another installer, makes the record
/// `incomplete`, which ends the predictions (a missing filter could be the one that
/// kills).
struct Record {
    insns: core::cell::UnsafeCell<[libc::sock_filter; RECORD_INSNS]>,
    spans: core::cell::UnsafeCell<[(u32, u32); RECORD_FILTERS]>,
    count: AtomicU32,
    used: AtomicU32,
    busy: AtomicBool,
    incomplete: AtomicBool,
}

const RECORD_INSNS: usize = 16384;
const RECORD_FILTERS: usize = 64;

// SAFETY: entries below `count` (and instructions below their span's end) are written once
// before `count` is published and never again; writers are serialised by `busy`.
unsafe impl Sync for Record {}

static RECORD: Record = Record {
    insns: core::cell::UnsafeCell::new(
        [libc::sock_filter {
            code: 0,
            jt: 0,
            jf: 0,
            k: 0,
        }; RECORD_INSNS],
    ),
    spans: core::cell::UnsafeCell::new([(0, 0); RECORD_FILTERS]),
    count: AtomicU32::new(0),
    used: AtomicU32::new(0),
    busy: AtomicBool::new(false),
    incomplete: AtomicBool::new(false),
};

fn record(program: &[libc::sock_filter]) {
    if RECORD.busy.swap(true, Ordering::Acquire) {
        RECORD.incomplete.store(true, Ordering::Relaxed);
        return;
    }
    let n = RECORD.count.load(Ordering::Relaxed) as usize;
    let at = RECORD.used.load(Ordering::Relaxed) as usize;
    let end = at.saturating_add(program.len());
    if n >= RECORD_FILTERS || end > RECORD_INSNS {
        RECORD.incomplete.store(true, Ordering::Relaxed);
    } else {
        // SAFETY: the only writer (`busy`); the range and the span are past what readers
        // may read (`count`, `used` not yet advanced).
        unsafe {
            if let Some(dst) = (*RECORD.insns.get()).get_mut(at..end) {
                dst.copy_from_slice(program);
            }
            if let Some(span) = (*RECORD.spans.get()).get_mut(n) {
                *span = (at as u32, program.len() as u32);
            }
        }
        RECORD.used.store(end as u32, Ordering::Relaxed);
        RECORD.count.store(n as u32 + 1, Ordering::Release);
    }
    RECORD.busy.store(false, Ordering::Release);
}

/// Whether the program's filters kill the process or the thread for `call` when the
/// handler passes it through (`sigsys::bpf`: the kernel's decision, predicted), so that
/// its line can be written first (`getppid() = ?`, as strace shows it). The instruction
/// pointer given to the filters is the gate's pass exits', where the kernel will see the
/// call. False when the program installed no filter, when the record is incomplete, and
/// for filters installed by an earlier image (an exec starts the record anew).
pub fn kills(call: &Syscall) -> bool {
    let action = predicted(call).unwrap_or(libc::SECCOMP_RET_ALLOW) & libc::SECCOMP_RET_ACTION_FULL;
    action == libc::SECCOMP_RET_KILL_PROCESS || action == libc::SECCOMP_RET_KILL_THREAD
}

/// The data of a `RET_TRAP` the program's filters return for `call` (its `si_errno`), if
/// that is their decision (see [`kills`] for what is known).
pub fn traps(call: &Syscall) -> Option<u32> {
    let action = predicted(call)?;
    (action & libc::SECCOMP_RET_ACTION_FULL == libc::SECCOMP_RET_TRAP)
        .then_some(action & libc::SECCOMP_RET_DATA)
}

/// The recorded filters' decision for `call`, as the kernel will take it when the handler
/// passes the call through; `None` without a complete record.
fn predicted(call: &Syscall) -> Option<u32> {
    let n = RECORD.count.load(Ordering::Acquire) as usize;
    if n == 0 || RECORD.incomplete.load(Ordering::Relaxed) {
        return None;
    }
    let data = sigsys::bpf::SeccompData::new(
        call.abi.rax_for(call.nr) as i32,
        call.abi.audit_arch(),
        sigsys::gate::pass_range().start,
        call.args,
    );
    // SAFETY: entries below the published count are complete and never change.
    let (insns, spans) = unsafe { (&*RECORD.insns.get(), &*RECORD.spans.get()) };
    let actions = spans.iter().take(n).rev().map(|&(at, len)| {
        let prog = insns
            .get(at as usize..(at as usize).saturating_add(len as usize))
            .unwrap_or(&[]);
        sigsys::bpf::evaluate(prog, &data).unwrap_or(libc::SECCOMP_RET_ALLOW)
    });
    Some(sigsys::bpf::stacked(actions))
}

/// Installs `prog` from the pass exit (the program's own filters apply to it, and its
/// errors are the kernel's: `EACCES` without `no_new_privs`, `EINVAL`, `ESRCH`...).
fn run_filter(flags: u64, prog: &[libc::sock_filter]) -> i64 {
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr().cast_mut(),
    };
    let call = Syscall::x86_64(
        Sysno::seccomp,
        [
            u64::from(SECCOMP_SET_MODE_FILTER),
            flags,
            core::ptr::from_ref(&fprog) as u64,
            0,
            0,
            0,
        ],
    );
    // SAFETY: the program's own seccomp call, with its filter replaced by the composed
    // copy, alive for the call.
    unsafe { sigsys::gate::run(&call) }
}

/// Strict mode as the filter that strict mode is: `read`, `write`, `exit` and
/// `rt_sigreturn` allowed, anything else kills (with SIGSYS, where strict mode kills with
/// SIGKILL).
fn strict(trap: &mut Trap<'_>) -> i64 {
    use filter::{jump, load_nr, ret};
    let jeq = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
    let allowed = [
        libc::SYS_read,
        libc::SYS_write,
        libc::SYS_exit,
        libc::SYS_rt_sigreturn,
    ];
    let mut prog = [ret(0); 7];
    prog[0] = load_nr();
    for (i, nr) in allowed.iter().enumerate() {
        // Jump to the allow at 6 from instruction i + 1.
        if let Some(slot) = prog.get_mut(i + 1) {
            *slot = jump(jeq, *nr as u32, (4 - i) as u8, 0);
        }
    }
    prog[5] = ret(libc::SECCOMP_RET_KILL_PROCESS);
    prog[6] = ret(libc::SECCOMP_RET_ALLOW);
    let mut out = [ret(0); 7 + filter::COMPOSE_PREFIX_LEN];
    let r = match filter::compose(&prog, &mut out) {
        Ok(composed) => run_filter(0, composed),
        Err(e) => -(e.into_raw() as i64),
    };
    trap.set_return(r);
    r
}
