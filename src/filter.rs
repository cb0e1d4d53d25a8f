//! Classic-BPF pieces for seccomp filters that work with the gate.
//!
//! [`gate_prefix`] goes in front of any filter: it lets every call made from the gate
//! through and falls through to the rest of the filter otherwise. A filter that traps
//! everything after it then makes the SIGSYS handler the only way out of the process: the
//! supervisor from the original thread.
//!
//! The gate is trusted by position, not by caller: any code in the process can jump into
//! it and make any system call. A gate-prefixed filter is therefore the supervision of
//! cooperative code (a tracer, an emulator, a compatibility layer), not a security boundary
//! against code that knows the gate's address.

use core::ops::Range;

use libc::{
    sock_filter, BPF_ABS, BPF_IMM, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_K, BPF_LD, BPF_LDX,
    BPF_RET, BPF_W,
};
use syscalls::Errno;

use crate::arch::{Native as Sysno, SIGRETURN_OUTSIDE_GATE};
use crate::consts::{
    SECCOMP_DATA_ARCH as ARCH_OFFSET, SECCOMP_DATA_ARGS as ARGS_OFFSET,
    SECCOMP_DATA_IP_HIGH as IP_HIGH_OFFSET, SECCOMP_DATA_IP_LOW as IP_LOW_OFFSET,
    SECCOMP_DATA_NR as NR_OFFSET,
};
use crate::gate;

/// Number of instructions in [`gate_prefix`]: 6, and 3 more where signal handlers return
/// through code outside the gate (riscv64: see [`gate_prefix`]).
pub const GATE_PREFIX_LEN: usize = ALLOW_IP_RANGE_LEN + if SIGRETURN_OUTSIDE_GATE { 3 } else { 0 };

/// Number of instructions in [`allow_ip_range`].
pub const ALLOW_IP_RANGE_LEN: usize = 6;

/// A BPF statement (`BPF_STMT`).
///
/// # Examples
///
/// ```
/// let ld = sigsys::filter::stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0);
/// assert_eq!(ld.code, 0x20);
/// ```
pub const fn stmt(code: u32, k: u32) -> sock_filter {
    sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

/// A BPF conditional jump (`BPF_JUMP`), offsets relative to the next instruction.
///
/// # Examples
///
/// ```
/// use libc::{BPF_JEQ, BPF_JMP, BPF_K};
/// // if nr == getpid: next instruction, else skip one
/// let j = sigsys::filter::jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_getpid as u32, 0, 1);
/// assert_eq!((j.jt, j.jf), (0, 1));
/// ```
pub const fn jump(code: u32, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

/// Loads the system call number into the accumulator.
///
/// # Examples
///
/// ```
/// assert_eq!(sigsys::filter::load_nr().k, 0);
/// ```
pub const fn load_nr() -> sock_filter {
    stmt(BPF_LD | BPF_W | BPF_ABS, NR_OFFSET)
}

/// Loads the audit architecture into the accumulator.
///
/// # Examples
///
/// ```
/// assert_eq!(sigsys::filter::load_arch().k, 4);
/// ```
pub const fn load_arch() -> sock_filter {
    stmt(BPF_LD | BPF_W | BPF_ABS, ARCH_OFFSET)
}

/// Returns `action` (`SECCOMP_RET_*`, with data in the low 16 bits).
///
/// # Examples
///
/// ```
/// let trap_with_data = sigsys::filter::ret(libc::SECCOMP_RET_TRAP | 0x42);
/// assert_eq!(trap_with_data.k & sigsys::consts::SECCOMP_RET_DATA, 0x42);
/// ```
pub const fn ret(action: u32) -> sock_filter {
    stmt(BPF_RET | BPF_K, action)
}

/// Six instructions that return `SECCOMP_RET_ALLOW` when the instruction pointer lies in
/// `range` (both 32-bit halves compared) and fall through to the next instruction otherwise.
///
/// `range` must not cross a 4 GiB boundary (it may end on one; the gate never crosses
/// one). An empty range lets nothing through. The accumulator is clobbered: the
/// instructions after it must load what they test.
///
/// # Examples
///
/// ```
/// let prefix = sigsys::filter::allow_ip_range(0x7f00_0000_1000..0x7f00_0000_2000);
/// assert_eq!(prefix[1].k, 0x7f00); // upper half
/// assert_eq!(prefix[3].k, 0x1000); // lower half of the start
/// ```
pub fn allow_ip_range(range: Range<u64>) -> [sock_filter; ALLOW_IP_RANGE_LEN] {
    let high = (range.start >> 32) as u32;
    // Compare with the last byte, not the end: a range may end exactly on a 4 GiB
    // boundary, where the end's low half is 0. An empty range gets bounds no low half meets.
    let (low_start, low_last) = if range.start < range.end {
        (range.start as u32, range.end.wrapping_sub(1) as u32)
    } else {
        (1, 0)
    };
    let ld = BPF_LD | BPF_W | BPF_ABS;
    let jeq = BPF_JMP | BPF_JEQ | BPF_K;
    let jge = BPF_JMP | BPF_JGE | BPF_K;
    let jgt = BPF_JMP | BPF_JGT | BPF_K;
    [
        stmt(ld, IP_HIGH_OFFSET),
        jump(jeq, high, 0, 4), // other 4 GiB: out (to 6)
        stmt(ld, IP_LOW_OFFSET),
        jump(jge, low_start, 0, 2), // below the start: out (to 6)
        jump(jgt, low_last, 1, 0),  // past the last byte: out (to 6)
        ret(libc::SECCOMP_RET_ALLOW),
    ]
}

/// Number of instructions in [`allow_tagged`].
pub const ALLOW_TAGGED_LEN: usize = 5;

/// Five instructions that return `SECCOMP_RET_ALLOW` for system call `nr` when the low 32
/// bits of argument `index` (0 to 5) equal `tag`, and fall through otherwise.
///
/// This is how a handler restarts a call under seccomp: the re-executed call has the same
/// instruction pointer as the trapped one, so the filter tells them apart by a tag the
/// handler wrote ([`crate::Trap::restart_with`]) into an argument the call ignores (for
/// example `clone`'s 6th on x86_64, `write`'s 4th). Code that knows the tag can use it too:
/// choose one per process, and only for calls whose unsupervised run is acceptable.
/// Only the number is compared, not the architecture: put an architecture check first if
/// the filter also sees i386 calls.
///
/// # Examples
///
/// ```
/// use sigsys::filter;
/// let mut prog = filter::gate_prefix().to_vec();
/// prog.extend(filter::allow_tagged(libc::SYS_clone as u32, 5, 0x5157_0001));
/// prog.push(filter::ret(libc::SECCOMP_RET_TRAP));
/// assert_eq!(prog.len(), filter::GATE_PREFIX_LEN + filter::ALLOW_TAGGED_LEN + 1);
/// ```
pub fn allow_tagged(nr: u32, index: u8, tag: u32) -> [sock_filter; ALLOW_TAGGED_LEN] {
    let jeq = BPF_JMP | BPF_JEQ | BPF_K;
    let arg_low = ARGS_OFFSET.wrapping_add(u32::from(index.min(5)).wrapping_mul(8));
    [
        load_nr(),
        jump(jeq, nr, 0, 3), // another call: out (to 5)
        stmt(BPF_LD | BPF_W | BPF_ABS, arg_low),
        jump(jeq, tag, 0, 1), // untagged: out (to 5)
        ret(libc::SECCOMP_RET_ALLOW),
    ]
}

/// [`allow_ip_range`] for the gate: put it first in a filter so that calls from the gate
/// (pass-through, the restorer, the crate's own calls) always go through.
///
/// On riscv64, which has no `SA_RESTORER`, every signal handler returns through the vDSO's
/// `rt_sigreturn`, outside the gate: the prefix there also allows `rt_sigreturn` by number,
/// from anywhere. That gives unsupervised code nothing it did not have: `rt_sigreturn`
/// makes no other call, and the code it returns to is trapped as before.
///
/// # Examples
///
/// A filter that traps every call not made from the gate:
///
/// ```
/// use sigsys::filter;
/// let mut prog = [filter::ret(libc::SECCOMP_RET_TRAP); filter::GATE_PREFIX_LEN + 1];
/// prog[..filter::GATE_PREFIX_LEN].copy_from_slice(&filter::gate_prefix());
/// // Installing it (filter::install) turns the process into a supervised one: do that in a
/// // process whose SIGSYS handler passes calls through.
/// assert_eq!(prog.len(), 7);
/// ```
pub fn gate_prefix() -> [sock_filter; GATE_PREFIX_LEN] {
    let sigreturn = [
        load_nr(),
        jump(
            BPF_JMP | BPF_JEQ | BPF_K,
            Sysno::rt_sigreturn.id() as u32,
            0,
            1,
        ),
        ret(libc::SECCOMP_RET_ALLOW),
    ];
    let extra = if SIGRETURN_OUTSIDE_GATE {
        &sigreturn[..]
    } else {
        &[]
    };
    let mut prog = [ret(libc::SECCOMP_RET_ALLOW); GATE_PREFIX_LEN];
    let parts = allow_ip_range(gate::range())
        .into_iter()
        .chain(extra.iter().copied());
    for (slot, insn) in prog.iter_mut().zip(parts) {
        *slot = insn;
    }
    prog
}

/// Writes into `out` a prefix that lets through, from the gate, only the calls numbered in
/// `allowed`, answers every other call from the gate with `deny` (a `SECCOMP_RET_*` action,
/// e.g. `SECCOMP_RET_ERRNO | EPERM` or `SECCOMP_RET_KILL_PROCESS`), and falls through to the
/// next instruction for calls from anywhere else; returns the part of `out` written
/// (`allowed.len() + 8` instructions), or `None` if `out` is too small or `allowed` has more
/// than 240 numbers (BPF jumps are 8 bits). Jumps are computed here, not by hand.
///
/// See the gate's docs ([`crate::gate`], "What the gate protects against") for when to
/// narrow it. Numbers are compared as `seccomp_data.nr`: an i386 call from the gate's
/// `int $0x80` gadget has its i386 number, so check the architecture after this prefix.
///
/// # Examples
///
/// ```
/// use sigsys::filter;
/// let own = [libc::SYS_rt_sigreturn, libc::SYS_getpid, libc::SYS_process_vm_readv, libc::SYS_write];
/// let mut buf = [filter::ret(0); 32];
/// let prefix = filter::gate_prefix_allowing(
///     &own.map(|n| n as u32),
///     libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
///     &mut buf,
/// )
/// .unwrap();
/// let mut prog = prefix.to_vec();
/// prog.push(filter::ret(libc::SECCOMP_RET_TRAP)); // every call from elsewhere traps
/// assert_eq!(prog.len(), own.len() + 8 + 1);
/// ```
pub fn gate_prefix_allowing<'a>(
    allowed: &[u32],
    deny: u32,
    out: &'a mut [sock_filter],
) -> Option<&'a [sock_filter]> {
    if allowed.len() > 240 {
        return None;
    }
    let n = allowed.len() as u8;
    let len = allowed.len().checked_add(8)?;
    let out = out.get_mut(..len)?;
    // The IP check (5 instructions), whose "out" jumps must land past everything here:
    // rebuilt from `allow_ip_range` with its targets moved from 6 to `len`.
    let [ld_high, jeq_high, ld_low, jge_low, jgt_low, _allow] = allow_ip_range(gate::range());
    let more = n.wrapping_add(2); // instructions inserted before the old target
    let prefix = [
        ld_high,
        jump(
            u32::from(jeq_high.code),
            jeq_high.k,
            0,
            jeq_high.jf.wrapping_add(more),
        ),
        ld_low,
        jump(
            u32::from(jge_low.code),
            jge_low.k,
            0,
            jge_low.jf.wrapping_add(more),
        ),
        jump(
            u32::from(jgt_low.code),
            jgt_low.k,
            jgt_low.jt.wrapping_add(more),
            0,
        ),
        load_nr(),
    ];
    let (head, rest) = out.split_at_mut(prefix.len());
    head.copy_from_slice(&prefix);
    let jeq = BPF_JMP | BPF_JEQ | BPF_K;
    for ((slot, &nr), i) in rest.iter_mut().zip(allowed).zip(0u8..) {
        // Past the remaining checks and the deny, to the allow.
        *slot = jump(jeq, nr, n.wrapping_sub(i), 0);
    }
    if let [.., deny_slot, allow_slot] = rest {
        *deny_slot = ret(deny);
        *allow_slot = ret(libc::SECCOMP_RET_ALLOW);
    }
    Some(out)
}

/// Installs `prog` as a seccomp filter (after setting `no_new_privs`), from the gate.
///
/// `flags` are `SECCOMP_FILTER_FLAG_*`, for example `SECCOMP_FILTER_FLAG_TSYNC` to apply it
/// to every thread of the process.
///
/// # Safety
///
/// A filter is irreversible and applies to this thread (or process, with TSYNC) and every
/// child from now on: a wrong one kills the process or changes what its calls do. A filter
/// that traps needs a SIGSYS handler installed first.
///
/// # Errors
///
/// What `prctl` or `seccomp` returned. With `SECCOMP_FILTER_FLAG_TSYNC` (and without
/// `SECCOMP_FILTER_FLAG_NEW_LISTENER`), a thread that could not be synchronised makes the
/// kernel return its id: that is reported as `ESRCH`.
///
/// On success, the kernel's value: 0, or the notification fd with
/// `SECCOMP_FILTER_FLAG_NEW_LISTENER` (the caller owns it).
///
/// # Examples
///
/// ```
/// use sigsys::filter;
/// // A filter that lets everything through, installed in a child process.
/// let pid = unsafe { libc::fork() };
/// if pid == 0 {
///     let allow = [filter::ret(libc::SECCOMP_RET_ALLOW)];
///     let ok = unsafe { filter::install(&allow, 0) }.is_ok();
///     unsafe { libc::_exit(if ok { 0 } else { 1 }) };
/// }
/// let mut status = 0;
/// unsafe { libc::waitpid(pid, &mut status, 0) };
/// assert_eq!(status, 0);
/// ```
pub unsafe fn install(prog: &[sock_filter], flags: u64) -> Result<u64, Errno> {
    let fprog = libc::sock_fprog {
        len: u16::try_from(prog.len()).map_err(|_| Errno::EINVAL)?,
        filter: prog.as_ptr().cast_mut(),
    };
    // SAFETY: PR_SET_NO_NEW_PRIVS reads no memory.
    unsafe {
        gate::sys(
            Sysno::prctl,
            [libc::PR_SET_NO_NEW_PRIVS as u64, 1, 0, 0, 0, 0],
        )
    }?;
    // SAFETY: `fprog` points at `prog`, both alive for the call; the caller answers for the
    // filter's effect.
    let ret = unsafe {
        gate::sys(
            Sysno::seccomp,
            [
                u64::from(libc::SECCOMP_SET_MODE_FILTER),
                flags,
                core::ptr::from_ref(&fprog) as u64,
                0,
                0,
                0,
            ],
        )
    }?;
    let tsync = libc::SECCOMP_FILTER_FLAG_TSYNC;
    let listener = libc::SECCOMP_FILTER_FLAG_NEW_LISTENER;
    if flags & tsync != 0 && flags & listener == 0 && ret != 0 {
        return Err(Errno::ESRCH);
    }
    Ok(ret)
}

/// The kernel's limit on the instructions of one filter (`BPF_MAXINSNS`).
pub const MAX_INSNS: usize = 4096;

/// Instructions [`compose`] puts in front of a program's own filter.
pub const COMPOSE_PREFIX_LEN: usize = ALLOW_IP_RANGE_LEN + 2;

/// Composes a filter the supervised program installs itself with the supervisor: writes
/// into `out` a prefix that lets the handler's own calls through (those that leave from
/// the gate's own exits, [`gate::own_range`]: memory reads, writing lines, the
/// `rt_sigreturn` restorer), then `program` unchanged, and returns the composed program.
///
/// Installed for real (`seccomp(SECCOMP_SET_MODE_FILTER, flags, ...)` with the program's
/// own flags, from the gate's pass exit, [`gate::run`]), it gives the program's calls
/// passed through by the handler ([`gate::pass_range`]) and its own instructions exactly
/// the kernel's semantics: action precedence across stacked filters, `RET_ERRNO`,
/// `RET_TRAP` with its data, `RET_KILL_*`, `RET_USER_NOTIF`, `TSYNC`, filters kept across
/// `fork` and `execve`. The prefix ends by zeroing A and X, so the program's filter starts
/// as the kernel starts one. BPF jumps are relative, so the program's own jumps are
/// unchanged.
///
/// The exemption is by instruction pointer: after an `execve` it holds only where the gate
/// is at the same address in the new image (sigsys-trace's loader is linked at a fixed
/// address for that reason).
///
/// # Errors
///
/// `EINVAL` for an empty program, or one that with the prefix would exceed
/// [`MAX_INSNS`] (the kernel would take a program of up to 4096 instructions alone: the
/// composed one is [`COMPOSE_PREFIX_LEN`] longer); `ENOMEM` if `out` is too small.
///
/// # Examples
///
/// ```
/// use sigsys::filter;
/// // The program's own filter: getppid fails with EPERM, the rest is allowed.
/// let own = [
///     filter::load_nr(),
///     filter::jump(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, libc::SYS_getppid as u32, 0, 1),
///     filter::ret(libc::SECCOMP_RET_ERRNO | libc::EPERM as u32),
///     filter::ret(libc::SECCOMP_RET_ALLOW),
/// ];
/// let mut buf = [filter::ret(0); 16];
/// let composed = filter::compose(&own, &mut buf).unwrap();
/// assert_eq!(composed.len(), own.len() + filter::COMPOSE_PREFIX_LEN);
/// ```
pub fn compose<'a>(
    program: &[sock_filter],
    out: &'a mut [sock_filter],
) -> Result<&'a [sock_filter], Errno> {
    let len = program
        .len()
        .checked_add(COMPOSE_PREFIX_LEN)
        .ok_or(Errno::EINVAL)?;
    if program.is_empty() || len > MAX_INSNS {
        return Err(Errno::EINVAL);
    }
    let out = out.get_mut(..len).ok_or(Errno::ENOMEM)?;
    let (prefix, rest) = out.split_at_mut(COMPOSE_PREFIX_LEN);
    let exempt = allow_ip_range(gate::own_range());
    let clear = [stmt(BPF_LD | BPF_IMM, 0), stmt(BPF_LDX | BPF_IMM, 0)];
    for (d, s) in prefix.iter_mut().zip(exempt.iter().chain(clear.iter())) {
        *d = *s;
    }
    rest.copy_from_slice(program);
    Ok(out)
}

/// Reads the `struct sock_fprog` at `addr` and its instructions into `out`, as the kernel
/// reads a program's filter (`seccomp_prepare_user_filter`).
///
/// # Errors
///
/// `EFAULT` if either cannot be read whole; `EINVAL` for no instructions or more than
/// [`MAX_INSNS`]; `ENOMEM` if `out` is too small.
///
/// # Examples
///
/// ```
/// use sigsys::{filter, mem::SelfMemory};
/// let own = [filter::ret(libc::SECCOMP_RET_ALLOW)];
/// let fprog = libc::sock_fprog { len: 1, filter: own.as_ptr().cast_mut() };
/// let mut buf = [filter::ret(0); 4];
/// let read = filter::read_program(&SelfMemory, &fprog as *const _ as u64, &mut buf).unwrap();
/// assert_eq!(read.len(), 1);
/// assert_eq!(filter::read_program(&SelfMemory, 8, &mut buf).err(), Some(syscalls::Errno::EFAULT));
/// ```
pub fn read_program<'a>(
    mem: &impl crate::mem::Memory,
    addr: u64,
    out: &'a mut [sock_filter],
) -> Result<&'a [sock_filter], Errno> {
    // struct sock_fprog: unsigned short len; (padding); struct sock_filter *filter.
    let mut head = [0u8; 16];
    if mem.read(addr, &mut head) != Ok(16) {
        return Err(Errno::EFAULT);
    }
    let len = usize::from(u16::from_ne_bytes([head[0], head[1]]));
    let mut ptr = [0u8; 8];
    ptr.copy_from_slice(head.get(8..16).ok_or(Errno::EFAULT)?);
    let filter = u64::from_ne_bytes(ptr);
    if len == 0 || len > MAX_INSNS {
        return Err(Errno::EINVAL);
    }
    let out = out.get_mut(..len).ok_or(Errno::ENOMEM)?;
    let bytes_len = len
        .checked_mul(core::mem::size_of::<sock_filter>())
        .ok_or(Errno::EINVAL)?;
    // SAFETY: sock_filter is plain integers with no padding (u16, u8, u8, u32): any bytes
    // are a valid value; the slice covers exactly `out`.
    let bytes =
        unsafe { core::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<u8>(), bytes_len) };
    if mem.read(filter, bytes) != Ok(bytes_len) {
        return Err(Errno::EFAULT);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic-BPF interpreter for the instructions the crate writes.
    fn run(prog: &[sock_filter], nr: u32, ip: u64) -> u32 {
        let mut pc = 0usize;
        let mut acc = 0u32;
        loop {
            let i = prog[pc];
            let code = u32::from(i.code);
            if code == BPF_RET | BPF_K {
                return i.k;
            }
            if code == BPF_LD | BPF_W | BPF_ABS {
                acc = match i.k {
                    NR_OFFSET => nr,
                    IP_LOW_OFFSET => ip as u32,
                    IP_HIGH_OFFSET => (ip >> 32) as u32,
                    _ => 0,
                };
                pc += 1;
                continue;
            }
            let taken = match code & 0xf0 {
                c if c == BPF_JEQ => acc == i.k,
                c if c == BPF_JGE => acc >= i.k,
                c if c == BPF_JGT => acc > i.k,
                _ => panic!("unexpected instruction {code:#x}"),
            };
            pc += 1 + usize::from(if taken { i.jt } else { i.jf });
        }
    }

    #[test]
    fn gate_prefix_allowing_lets_through_only_the_listed_calls_from_the_gate() {
        let gate = crate::gate::range();
        let deny = libc::SECCOMP_RET_ERRNO | 1;
        for n in [0usize, 1, 3, 240] {
            let allowed: std::vec::Vec<u32> = (0..n as u32).map(|i| 1000 + i).collect();
            let mut buf = std::vec![ret(0); n + 8];
            let mut prog = gate_prefix_allowing(&allowed, deny, &mut buf)
                .unwrap()
                .to_vec();
            prog.push(ret(libc::SECCOMP_RET_TRAP));
            for &nr in &allowed {
                assert_eq!(run(&prog, nr, gate.start + 1), libc::SECCOMP_RET_ALLOW);
                assert_eq!(run(&prog, nr, gate.end + 4096), libc::SECCOMP_RET_TRAP);
            }
            assert_eq!(run(&prog, 39, gate.start), deny);
            assert_eq!(run(&prog, 39, gate.start - 1), libc::SECCOMP_RET_TRAP);
            assert_eq!(
                run(&prog, 39, gate.start ^ (1 << 40)),
                libc::SECCOMP_RET_TRAP
            );
        }
        assert!(gate_prefix_allowing(&[0; 241], deny, &mut [ret(0); 300]).is_none());
        assert!(gate_prefix_allowing(&[1, 2], deny, &mut [ret(0); 9]).is_none());
    }
}
