//! `clone`, `clone3`, `vfork` and `fork` from inside the handler, every child traced from
//! its first instruction.
//!
//! `Trap::pass_through` runs fork-like calls (own memory, no new stack) itself: the child
//! returns 0 inside the handler, on its copy of the alternate stack, and re-arms SUD for
//! itself there (SUD is cleared in every child).
//!
//! It refuses calls whose child starts on a new stack (threads, `posix_spawn`), since the
//! child would return into the handler's frame on a stack it does not own. For those the
//! handler issues the call from the gate itself, with the child's stack pointer moved
//! 128 + 1024 bytes down to a *child record* written just below the stack top the program
//! asked for: the record's first word is the address of [`child_entry`], so the gate's
//! `ret` after `syscall` takes the child there. The child arms SUD for itself, then
//! restores the FPU state and every register of the program's frame (RAX = 0, RSP = the
//! stack the program asked for, RCX = RIP, R11 = RFLAGS as after any `syscall`) and jumps
//! to the instruction after the program's `syscall`. The parent returns the child's id as
//! usual. Memory below a new stack's top is free by definition, so the record harms
//! nothing.
//!
//! `vfork` and `clone(CLONE_VM)` without a new stack (a child sharing the caller's stack)
//! are run without `CLONE_VM` (`vfork` as `clone(CLONE_VFORK | SIGCHLD)`): the child gets
//! its own copy of memory, so it cannot overwrite the handler's frame, and returns 0 inside
//! the handler as a fork child does, while `CLONE_VFORK` keeps the parent suspended until
//! the child execs or exits, as with a real vfork.
//!
//! A child that does not share the parent's memory inherits the parent's alternate stack
//! disarmed (`SS_AUTODISARM`: the clone is made from the handler running on it); a
//! record-started one never returns through the handler's `rt_sigreturn` that would arm it
//! again, so [`child_setup`] sets the frame's alternate stack (`uc_stack`) itself.

use core::sync::atomic::Ordering;

use sigsys::Trap;
use syscalls::x86_64::Sysno;

use crate::state;
use crate::sys::sys;

const CLONE_VM: u64 = libc::CLONE_VM as u64;
const CLONE_VFORK: u64 = libc::CLONE_VFORK as u64;
const CLONE_THREAD: u64 = libc::CLONE_THREAD as u64;
const CLONE_SIGHAND: u64 = libc::CLONE_SIGHAND as u64;

/// What the child finds at its stack pointer. Offsets are used by the assembly below.
#[repr(C, align(64))]
#[derive(Clone, Copy)]
struct ChildRecord {
    /// 0: popped by the gate's `ret` in the child.
    entry: u64,
    /// 8: the clone flags.
    flags: u64,
    /// 16: the parent thread's "program blocked SIGSYS" flag.
    sigsys_blocked: u64,
    /// 24: the frame's alternate stack (`uc_stack`): sp, flags, size.
    alt: [u64; 3],
    /// 48: the thread that made the clone.
    parent_tid: u64,
    _pad: u64,
    /// 64: the frame's general registers, glibc order (R8 .. RIP, EFL at 64 + 17 * 8).
    gregs: [u64; 23],
    /// 248: the XSAVE features of the image at 256 (`XRSTOR`'s mask), or 0: the image is
    /// the 512-byte FXSAVE one.
    xfeatures: u64,
    /// 256: FXSAVE image (x87, MXCSR, XMM); or, where the frame has an XSAVE image, the
    /// whole of it (YMM upper halves, AVX-512, PKRU...), written right after the record's
    /// first 256 bytes in its place.
    fx: [u8; 512],
}

const RECORD_SIZE: u64 = core::mem::size_of::<ChildRecord>() as u64;
const _: () = assert!(RECORD_SIZE == 768);

core::arch::global_asm!(
    ".pushsection .text.sigsys_trace_child,\"ax\",@progbits",
    ".globl sigsys_trace_child_entry",
    ".hidden sigsys_trace_child_entry",
    ".p2align 4",
    "sigsys_trace_child_entry:",
    // The gate's `ret` popped `entry`: the record starts 8 bytes below.
    "lea rbx, [rsp - 8]",
    "mov rdi, rbx",
    "and rsp, -16",
    "call {setup}",
    "mov rax, [rbx + 248]",
    "test rax, rax",
    "jz 2f",
    "mov rdx, rax",
    "shr rdx, 32",
    "xrstor64 [rbx + 256]",
    "jmp 3f",
    "2:",
    "fxrstor64 [rbx + 256]",
    "3:",
    // RFLAGS first, while RSP still points into the record.
    "lea rsp, [rbx + 64 + 17 * 8]",
    "popfq",
    "mov r8,  [rbx + 64 + 0 * 8]",
    "mov r9,  [rbx + 64 + 1 * 8]",
    "mov r10, [rbx + 64 + 2 * 8]",
    "mov r12, [rbx + 64 + 4 * 8]",
    "mov r13, [rbx + 64 + 5 * 8]",
    "mov r14, [rbx + 64 + 6 * 8]",
    "mov r15, [rbx + 64 + 7 * 8]",
    "mov rdi, [rbx + 64 + 8 * 8]",
    "mov rsi, [rbx + 64 + 9 * 8]",
    "mov rbp, [rbx + 64 + 10 * 8]",
    "mov rdx, [rbx + 64 + 12 * 8]",
    "mov rax, [rbx + 64 + 13 * 8]",
    // As after `syscall`: RCX = RIP, R11 = RFLAGS.
    "mov r11, [rbx + 64 + 17 * 8]",
    "mov rcx, [rbx + 64 + 16 * 8]",
    "mov rsp, [rbx + 64 + 15 * 8]",
    "mov rbx, [rbx + 64 + 11 * 8]",
    "jmp rcx",
    ".popsection",
    setup = sym child_setup,
);

extern "C" {
    fn sigsys_trace_child_entry();
}

/// Runs first in a child started through a record: arms SUD for it.
extern "C" fn child_setup(rec: *const ChildRecord) {
    // SAFETY: the parent wrote a complete record there before the clone; the child owns
    // (or, for vfork, borrows while the parent waits) that memory.
    let rec = unsafe { &*rec };
    if rec.flags & CLONE_VM != 0 && rec.flags & CLONE_VFORK != 0 {
        // The kernel keeps the parent's alternate stack for a vfork child, and the parent's
        // handler frame is on it: the child's handler must run elsewhere (its own stack).
        let off = libc::stack_t {
            ss_sp: core::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: 0,
        };
        // SAFETY: a `stack_t` on this stack, which the kernel reads; the stack it names is mapped
        // for this thread alone.
        unsafe {
            sys(
                Sysno::sigaltstack,
                [core::ptr::from_ref(&off) as u64, 0, 0, 0, 0, 0],
            )
        };
    }
    if rec.flags & CLONE_VM == 0 && rec.alt[1] as i32 & libc::SS_DISABLE == 0 && rec.alt[2] != 0 {
        // Our own copy of the stack the handler ran on (disarmed while it ran): armed again,
        // as the handler's `rt_sigreturn` would have done.
        let alt = libc::stack_t {
            ss_sp: rec.alt[0] as *mut libc::c_void,
            ss_flags: rec.alt[1] as i32,
            ss_size: rec.alt[2] as usize,
        };
        // SAFETY: a `stack_t` on this stack, which the kernel reads; the stack it names is mapped
        // for this thread alone.
        unsafe {
            sys(
                Sysno::sigaltstack,
                [core::ptr::from_ref(&alt) as u64, 0, 0, 0, 0, 0],
            )
        };
    }
    // (The child's pid is asked anew in its own entry, claimed below: a vfork child runs
    // in its parent's memory, and writes nothing the parent's threads read.)
    if rec.flags & CLONE_VM == 0 {
        // A copy of the parent's memory: only this thread's entry is live in it.
        state::fork_child_threads(rec.parent_tid as i32);
    } else {
        state::new_thread();
        if rec.flags & CLONE_VFORK == 0 {
            // A thread: the kernel gave it no alternate stack.
            state::altstack_for_new_thread();
        }
    }
    state::me()
        .sigsys_blocked
        .store(rec.sigsys_blocked != 0, Ordering::Relaxed);
    state::reset_inject_counts();
    if rec.flags & CLONE_VM != 0 && rec.flags & CLONE_SIGHAND == 0 {
        // posix_spawn's child: its signal actions are a copy, the tracer's record is not.
        state::me().private_sighand.store(true, Ordering::Relaxed);
    }
    // Its process id, asked of the kernel before it runs the program's code.
    state::pid();
    if state::arm_thread() == Err(syscalls::Errno::EAGAIN) {
        // No entry left: the thread runs untraced. Said by datagram (the ring slots are
        // per entry).
        let mut l = crate::line::Line::new(b'W');
        l.push("a thread runs untraced (the tracer keeps state for ");
        l.push_u64(state::MAX_THREADS as u64);
        l.push(" threads at once)");
        l.terminate();
        crate::send::send_bytes(l.bytes());
    }
}

/// Runs in a fork child that returned 0 inside the handler.
fn fork_child(parent_tid: i32) {
    state::fork_child_threads(parent_tid);
    state::pid(); // its own, asked before the program's code runs on
    state::reset_inject_counts();
    let _ = state::arm_thread();
}

fn errno(e: i64) -> i64 {
    -e
}

/// Handles `clone`, `clone3`, `fork` and `vfork` (x86_64 ABI); returns the result the
/// caller sees, already written into the frame.
#[inline(never)]
pub fn handle(trap: &mut Trap<'_>, sysno: Sysno) -> i64 {
    let args = trap.syscall().args;
    let tid = state::tid();
    // The program's clone flags (0 for fork and vfork, whose children have memory of
    // their own).
    let mut flags = 0;
    let ret = match sysno {
        Sysno::fork => match trap.pass_through() {
            Ok(r) => r,
            Err(_) => errno(libc::ENOSYS as i64),
        },
        Sysno::vfork => {
            // Own memory (returns 0 in the handler like fork), parent suspended as by vfork.
            let flags = (libc::CLONE_VFORK | libc::SIGCHLD) as u64;
            // SAFETY: the program's own clone with its own arguments (the changes made above keep
            // them valid); the child runs code that expects to start so, as without the tracer.
            unsafe { sys(Sysno::clone, [flags, 0, 0, 0, 0, 0]) }
        }
        Sysno::clone => {
            flags = args[0];
            clone(trap, args)
        }
        Sysno::clone3 => clone3(trap, args[0], args[1], &mut flags),
        _ => errno(libc::ENOSYS as i64),
    };
    if ret == 0 {
        // Only fork-like children return into the handler (record-started ones jump
        // straight back to the program).
        fork_child(tid);
    } else {
        if ret > 0 && flags & (CLONE_VM | CLONE_VFORK | CLONE_THREAD) == CLONE_VM | CLONE_VFORK {
            // A vfork child has exec'd or exited: its entry in our memory is free again
            // (posix_spawn would otherwise use up the table).
            state::forget(ret as i32);
        }
        if ret > 0 {
            // The launcher waits for every process it knows of: it knows of this one
            // before the parent can end.
            let mut l = crate::line::Line::new(b'F');
            l.push_int(ret);
            l.send();
        }
    }
    trap.set_return(ret);
    ret
}

fn clone(trap: &mut Trap<'_>, args: [u64; 6]) -> i64 {
    let [flags, newsp, ptid, ctid, tls, _] = args;
    if newsp == 0 {
        if flags & CLONE_VM != 0 {
            // vfork-like: in a copy of the memory (CLONE_VFORK kept).
            let f = flags & !CLONE_VM;
            // SAFETY: the program's own clone with its own arguments (the changes made above keep
            // them valid); the child runs code that expects to start so, as without the tracer.
            return unsafe { sys(Sysno::clone, [f, 0, ptid, ctid, tls, 0]) };
        }
        // SAFETY: the program's own clone with its own arguments (the changes made above keep them
        // valid); the child runs code that expects to start so, as without the tracer.
        return unsafe { sys(Sysno::clone, args) };
    }
    let Some(rec) = write_record(trap, flags, newsp) else {
        return errno(libc::EFAULT as i64);
    };
    // SAFETY: the program's own clone with its own arguments (the changes made above keep them
    // valid); the child runs code that expects to start so, as without the tracer.
    unsafe { sys(Sysno::clone, [flags, rec, ptid, ctid, tls, 0]) }
}

/// The kernel's `struct clone_args` as the tracer knows it (`CLONE_ARGS_SIZE_VER2`: up to
/// `cgroup`).
const CLONE3_KNOWN: usize = 88;

/// `clone3`'s `copy_clone_args_from_user` and `copy_struct_from_user`, step by step: a
/// size above a page is `E2BIG` and below `CLONE_ARGS_SIZE_VER0` `EINVAL` (before any
/// read); bytes past the known struct must be zero (`check_zeroed_user`: read in order,
/// the first non-zero one is `E2BIG`, a fault before it `EFAULT`); then the known part is
/// copied (`EFAULT`). Fills `buf` (zero past `size`) and returns the size to pass on.
fn read_clone_args(uargs: u64, size: u64, buf: &mut [u64; CLONE3_KNOWN / 8]) -> Result<u64, i64> {
    if size > 4096 {
        return Err(errno(libc::E2BIG as i64));
    }
    if size < 64 {
        return Err(errno(libc::EINVAL as i64));
    }
    let mem = crate::mem::ProgMemory;
    let known = (size as usize).min(CLONE3_KNOWN);
    let mut at = CLONE3_KNOWN as u64;
    while at < size {
        let mut chunk = [0u8; 256];
        // Never across a page: a read stops at the first unmapped page.
        let page_left = 4096 - (uargs.wrapping_add(at) % 4096) as usize;
        let want = ((size - at) as usize).min(chunk.len()).min(page_left);
        let Some(dst) = chunk.get_mut(..want) else {
            return Err(errno(libc::EFAULT as i64));
        };
        let got = sigsys::mem::Memory::read(&mem, uargs.wrapping_add(at), dst).unwrap_or(0);
        if dst.iter().take(got).any(|&b| b != 0) {
            return Err(errno(libc::E2BIG as i64));
        }
        if got < want {
            return Err(errno(libc::EFAULT as i64));
        }
        at += want as u64;
    }
    // SAFETY: the buffer is plain u64s, CLONE3_KNOWN bytes.
    let bytes =
        unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), CLONE3_KNOWN) };
    let Some(dst) = bytes.get_mut(..known) else {
        return Err(errno(libc::EFAULT as i64));
    };
    match sigsys::mem::Memory::read(&mem, uargs, dst) {
        Ok(n) if n == known => Ok(known as u64),
        _ => Err(errno(libc::EFAULT as i64)),
    }
}

/// The kernel's `EINVAL` checks of `clone3`'s arguments (`copy_clone_args_from_user`,
/// `clone3_args_valid`, `clone3_stack_valid` in kernel/fork.c), in `buf` as read
/// (`size` bytes of it given).
fn clone3_args_valid(buf: &[u64; CLONE3_KNOWN / 8], size: u64) -> bool {
    const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
    const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
    const CLONE_DETACHED: u64 = 0x0040_0000;
    const CSIGNAL: u64 = 0xff;
    const CLONE_NEWTIME: u64 = 0x80;
    const CLONE_SIGHAND: u64 = 0x800;
    const CLONE_THREAD: u64 = 0x1_0000;
    const CLONE_PARENT: u64 = 0x8000;
    const MAX_PID_NS_LEVEL: u64 = 32;
    // x86_64's TASK_SIZE_MAX with 4-level page tables: what `access_ok` allows.
    const TASK_SIZE_MAX: u64 = (1 << 47) - 4096;
    let [flags, _, _, _, exit_signal, stack, stack_size, _, set_tid, set_tid_size, cgroup] = *buf;
    let copied = set_tid_size <= MAX_PID_NS_LEVEL
        && (set_tid != 0) == (set_tid_size != 0)
        && exit_signal & !CSIGNAL == 0
        && !(flags & CLONE_INTO_CGROUP != 0 && (cgroup > i32::MAX as u64 || size < 88));
    let flags_ok = flags & !(0xffff_ffff | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP) == 0
        && flags & (CLONE_DETACHED | (CSIGNAL & !CLONE_NEWTIME)) == 0
        && flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND) != CLONE_SIGHAND | CLONE_CLEAR_SIGHAND
        && !(flags & (CLONE_THREAD | CLONE_PARENT) != 0 && exit_signal != 0);
    let stack_ok = if stack == 0 {
        stack_size == 0
    } else {
        stack_size != 0
            && stack
                .checked_add(stack_size)
                .is_some_and(|end| end <= TASK_SIZE_MAX)
    };
    copied && flags_ok && stack_ok
}

/// `clone3`; `used` gets the program's flags once they are read.
fn clone3(trap: &mut Trap<'_>, uargs: u64, size: u64, used: &mut u64) -> i64 {
    let mut buf = [0u64; CLONE3_KNOWN / 8];
    let size = match read_clone_args(uargs, size, &mut buf) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if !clone3_args_valid(&buf, size) {
        // The kernel's answer before it forks: found here, before the child's record is
        // written below a stack the kernel would refuse.
        return errno(libc::EINVAL as i64);
    }
    let flags = buf[0];
    *used = flags;
    let (stack, stack_size) = (buf[5], buf[6]);
    if stack == 0 {
        if flags & CLONE_VM != 0 {
            buf[0] = flags & !CLONE_VM;
        }
    } else {
        let top = stack.wrapping_add(stack_size);
        let Some(rec) = write_record(trap, flags, top) else {
            return errno(libc::EFAULT as i64);
        };
        if rec <= stack {
            return errno(libc::ENOSYS as i64); // stack too small for the record: use clone
        }
        buf[6] = rec - stack;
    }
    // SAFETY: `buf` holds the program's `clone_args` (with the changes above), `size` bytes, read
    // by the kernel; the child starts as the program asked.
    unsafe { sys(Sysno::clone3, [buf.as_ptr() as u64, size, 0, 0, 0, 0]) }
}

/// `struct _fpx_sw_bytes` in the last 48 bytes of the frame's FXSAVE area: the kernel's
/// description of the XSAVE image that follows.
const FP_XSTATE_MAGIC1: u32 = 0x4650_5853;
/// The largest XSAVE image copied into a child record (AVX-512 with PKRU is 2.7 KiB;
/// larger ones, such as AMX's, fall back to the FXSAVE part).
const XSAVE_MAX: u64 = 3840;

/// The frame's XSAVE image, if it has one of at most [`XSAVE_MAX`] bytes: its address,
/// size and features.
fn frame_xsave(fp: u64) -> Option<(u64, u64, u64)> {
    if fp == 0 || !fp.is_multiple_of(64) {
        return None;
    }
    // SAFETY: the frame's FP area is at least the 512-byte FXSAVE image, whose bytes
    // 464..512 are the kernel's software-reserved description.
    let (magic, features, size) = unsafe {
        let sw = (fp + 464) as *const u8;
        (
            sw.cast::<u32>().read_unaligned(),
            sw.add(8).cast::<u64>().read_unaligned(),
            sw.add(16).cast::<u32>().read_unaligned() as u64,
        )
    };
    (magic == FP_XSTATE_MAGIC1 && (576..=XSAVE_MAX).contains(&size)).then_some((fp, size, features))
}

/// Writes the child record below `top` (red zone skipped) and returns its address.
/// Writes the child record below `top` (red zone skipped) and returns its address.
fn write_record(trap: &Trap<'_>, flags: u64, top: u64) -> Option<u64> {
    let uc = trap.ucontext();
    let xsave = frame_xsave(uc.mcontext.fpstate);
    let size = xsave.map_or(RECORD_SIZE, |(_, n, _)| 256 + n);
    let addr = top.checked_sub(128 + size)? & !63;
    let mut rec = ChildRecord {
        entry: sigsys_trace_child_entry as unsafe extern "C" fn() as usize as u64,
        flags,
        sigsys_blocked: u64::from(state::me().sigsys_blocked.load(Ordering::Relaxed)),
        alt: [uc.stack.sp, uc.stack.flags as u32 as u64, uc.stack.size],
        parent_tid: state::tid() as u32 as u64,
        _pad: 0,
        // SAFETY: the kernel's sigcontext starts with the 23 u64 words of glibc's `gregs`
        // (r8 .. cr2, the selectors packed into one word), and is larger and aligned.
        gregs: unsafe { core::ptr::from_ref(&uc.mcontext).cast::<[u64; 23]>().read() },
        xfeatures: 0,
        fx: [0; 512],
    };
    rec.gregs[libc::REG_RAX as usize] = 0;
    rec.gregs[libc::REG_RSP as usize] = top;
    rec.gregs[libc::REG_RIP as usize] = trap.call_addr();
    // SAFETY: FXSAVE stores 512 bytes into the 16-byte aligned array (the record is
    // 64-aligned and `fx` is at offset 256); it reads no memory.
    unsafe {
        core::arch::asm!("fxsave64 [{}]", in(reg) rec.fx.as_mut_ptr(), options(nostack));
    }
    let fp = uc.mcontext.fpstate as *const u8;
    if !fp.is_null() {
        // SAFETY: the kernel's frame holds the interrupted code's FXSAVE-format state (at
        // least 512 bytes) where `fpregs` points.
        let src = unsafe { core::slice::from_raw_parts(fp.cast::<u8>(), 512) };
        rec.fx.copy_from_slice(src);
    }
    let head = if let Some((_, _, features)) = xsave {
        rec.xfeatures = features;
        256
    } else {
        RECORD_SIZE as usize
    };
    // SAFETY: ChildRecord is plain integers and bytes with explicit padding.
    let bytes =
        unsafe { core::slice::from_raw_parts(core::ptr::from_ref(&rec).cast::<u8>(), head) };
    // SAFETY: `addr` is below the red zone of the new thread's stack, which the program
    // handed to clone for the child: nothing of ours lives there.
    if !matches!(unsafe { crate::mem::write(addr, bytes) }, Ok(n) if n == bytes.len()) {
        return None;
    }
    if let Some((fp, n, _)) = xsave {
        // SAFETY: the frame's XSAVE image, `n` bytes the kernel wrote at `fpstate`.
        let image = unsafe { core::slice::from_raw_parts(fp as *const u8, n as usize) };
        // SAFETY: as above, the 64-byte aligned rest of the record's room.
        if !matches!(unsafe { crate::mem::write(addr + 256, image) }, Ok(w) if w == image.len()) {
            return None;
        }
    }
    Some(addr)
}
