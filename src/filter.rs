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

use crate::arch::Native as Sysno;
use crate::consts::{
    SECCOMP_DATA_ARCH as ARCH_OFFSET, SECCOMP_DATA_ARGS as ARGS_OFFSET,
    SECCOMP_DATA_IP_HIGH as IP_HIGH_OFFSET, SECCOMP_DATA_IP_LOW as IP_LOW_OFFSET,
    SECCOMP_DATA_NR as NR_OFFSET,
};
use crate::gate;

/// Number of instructions in [`gate_prefix`]: 6 ([`allow_ip_range`] of the gate).
pub const GATE_PREFIX_LEN: usize = ALLOW_IP_RANGE_LEN;

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
/// The range is this image's: a filter survives `execve`, but the next image has no
/// handler and its own code at that address (with ASLR, whatever lands there), so after
/// exec this rule allows calls from a random page and the rest of the filter meets a
/// program that cannot answer a trap. For a policy that must hold across exec, see the
/// crate's recipes (`RET_ERRNO` rules with [`Program::check_arch`], no gate).
///
/// The handler's own return is one of those calls on every architecture: where the
/// kernel honours `SA_RESTORER` it returns into the gate's restorer, and on riscv64, which
/// has none, [`crate::install::install_handler`] installs the gate's entry, which issues
/// the handler's `rt_sigreturn` from the gate. A program's own handlers return through
/// libc's restorer or the vDSO, outside the gate: their `rt_sigreturn` traps, and
/// pass-through lets it happen from the gate's restorer.
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
    allow_ip_range(gate::range())
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

/// The action that fails a call with `errno` (`SECCOMP_RET_ERRNO | errno`).
///
/// # Examples
///
/// ```
/// use sigsys::{filter, Errno};
/// assert_eq!(filter::errno(Errno::EPERM), libc::SECCOMP_RET_ERRNO | libc::EPERM as u32);
/// ```
pub fn errno(errno: Errno) -> u32 {
    libc::SECCOMP_RET_ERRNO | (errno.into_raw() as u32 & crate::consts::SECCOMP_RET_DATA)
}

/// Numbers at or above this are no call of the native table on any supported architecture
/// (on x86_64, bit 30 selects the x32 table), so [`check_arch`] answers them with its
/// action: a deny list written for native numbers cannot be bypassed through them.
pub const FOREIGN_NR: u32 = 1 << 30;

/// Number of instructions in [`check_arch`].
pub const CHECK_ARCH_LEN: usize = 6;

/// Six instructions that return `action` for a call of another ABI than the native one
/// (`seccomp_data.arch` other than the audit architecture of `Abi::NATIVE`: an
/// `int $0x80` on x86_64) or with a number at or above [`FOREIGN_NR`] (an x32 call on
/// x86_64), and otherwise fall through **with the number loaded**, so that rules comparing
/// native numbers can follow. The jumps are computed here.
///
/// This is the check every filter that matches numbers needs first: a number means
/// another call in another ABI's table (i386 `socketcall` is 102, x86_64 102 is
/// `getuid`), and x32 numbers reach the same kernel code as the native ones.
///
/// # Examples
///
/// ```
/// use sigsys::{filter, Errno};
/// let mut prog = filter::check_arch(libc::SECCOMP_RET_KILL_PROCESS).to_vec();
/// // The number is loaded: compare it directly.
/// prog.push(filter::jump(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, libc::SYS_socket as u32, 0, 1));
/// prog.push(filter::ret(filter::errno(Errno::EACCES)));
/// prog.push(filter::ret(libc::SECCOMP_RET_ALLOW));
/// assert_eq!(prog.len(), filter::CHECK_ARCH_LEN + 3);
/// ```
pub fn check_arch(action: u32) -> [sock_filter; CHECK_ARCH_LEN] {
    let jeq = BPF_JMP | BPF_JEQ | BPF_K;
    let jge = BPF_JMP | BPF_JGE | BPF_K;
    [
        load_arch(),
        jump(jeq, crate::Abi::NATIVE.audit_arch(), 1, 0), // native: on (to 3)
        ret(action),
        load_nr(),
        jump(jge, FOREIGN_NR, 0, 1), // a native number: out (to 6)
        ret(action),
    ]
}

/// A seccomp program built piece by piece into a fixed array of `N` instructions, with the
/// jumps of every piece computed here: no allocation, no `jt`/`jf` counted by hand.
///
/// Each piece falls through to the next when it does not decide, so pieces compose in the
/// order they are added; end with [`Program::ret`] (the action for everything else). The
/// pieces:
///
/// - [`Program::allow_gate`]: calls from the gate pass ([`gate_prefix`]), for a supervisor
///   whose handler passes calls through;
/// - [`Program::check_arch`]: foreign ABIs and out-of-table numbers get an action
///   ([`check_arch`]);
/// - [`Program::allow_tagged`]: a restarted call tagged in an unused argument passes
///   ([`allow_tagged`]);
/// - [`Program::on`], [`Program::on_any`]: these calls get an action;
/// - [`Program::then`]: a whole program built elsewhere (seccompiler, libseccomp) decides
///   the rest;
/// - [`Program::push`]: raw instructions.
///
/// A piece that does not fit marks the program full: [`Program::as_slice`] and
/// [`Program::install`] then fail with `ENOMEM` rather than install a cut program.
///
/// # Examples
///
/// A policy that survives `execve`, with no handler: `socket` and `connect` fail with
/// `EPERM` (also as i386 or x32 calls, which the arch check denies), everything else runs.
///
/// ```
/// use sigsys::{filter::{self, Program}, Errno, Sysno};
/// let deny = filter::errno(Errno::EPERM);
/// let mut prog = Program::<16>::new();
/// prog.check_arch(deny)
///     .on_any(&[Sysno::socket, Sysno::connect], deny)
///     .ret(libc::SECCOMP_RET_ALLOW);
/// assert_eq!(prog.as_slice().unwrap().len(), filter::CHECK_ARCH_LEN + 5);
/// // In a child before exec (`CommandExt::pre_exec`), or in the process itself:
/// // unsafe { prog.install(0) }
/// ```
///
/// A supervisor's filter: the gate passes, tagged `clone`s pass, everything else traps.
///
/// ```
/// use sigsys::{filter::Program, Sysno};
/// let mut prog = Program::<32>::new();
/// prog.allow_gate()
///     .allow_tagged(Sysno::clone, 5, 0x5157_0001)
///     .ret(libc::SECCOMP_RET_TRAP);
/// assert!(prog.as_slice().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct Program<const N: usize> {
    insns: [sock_filter; N],
    len: usize,
    full: bool,
}

impl<const N: usize> Default for Program<N> {
    fn default() -> Self {
        Program::new()
    }
}

impl<const N: usize> Program<N> {
    /// An empty program.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(sigsys::filter::Program::<8>::new().is_empty());
    /// ```
    pub const fn new() -> Program<N> {
        Program {
            insns: [ret(0); N],
            len: 0,
            full: false,
        }
    }

    /// The policy that needs no handler and holds across `execve`: each of `calls` fails
    /// with `errno`, and so does every call of a foreign ABI or with an out-of-table number
    /// (through which a deny list by native number could be bypassed); everything else
    /// runs. It is `check_arch(e).on_any(calls, e).ret(SECCOMP_RET_ALLOW)` with
    /// `e = errno(errno)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{filter::Program, Errno, Sysno};
    /// let prog = Program::<16>::denying(&[Sysno::socket, Sysno::connect], Errno::EPERM);
    /// assert_eq!(prog.as_slice().unwrap().len(), sigsys::filter::CHECK_ARCH_LEN + 5);
    /// ```
    pub fn denying(calls: &[Sysno], errno: Errno) -> Program<N> {
        let action = self::errno(errno);
        let mut prog = Program::new();
        prog.check_arch(action)
            .on_any(calls, action)
            .ret(libc::SECCOMP_RET_ALLOW);
        prog
    }

    /// Instructions so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends raw instructions (whose jumps must stay within themselves or land on what
    /// follows).
    pub fn push(&mut self, insns: &[sock_filter]) -> &mut Self {
        let end = self.len.checked_add(insns.len());
        match end.and_then(|end| self.insns.get_mut(self.len..end)) {
            Some(dst) if !self.full => {
                dst.copy_from_slice(insns);
                self.len = end.unwrap_or(self.len);
            }
            _ => self.full = true,
        }
        self
    }

    /// Calls made from the gate are allowed ([`gate_prefix`]): put it first in the filter
    /// of a supervisor whose handler passes calls through.
    pub fn allow_gate(&mut self) -> &mut Self {
        self.push(&gate_prefix())
    }

    /// Calls of a foreign ABI or with an out-of-table number get `action` ([`check_arch`]).
    pub fn check_arch(&mut self, action: u32) -> &mut Self {
        self.push(&check_arch(action))
    }

    /// `call` passes when the low 32 bits of argument `index` equal `tag`
    /// ([`allow_tagged`]): how a restarted call is told apart under seccomp. Put
    /// [`Program::check_arch`] first if the filter can see other ABIs' calls.
    pub fn allow_tagged(&mut self, call: Sysno, index: u8, tag: u32) -> &mut Self {
        self.push(&allow_tagged(call.id() as u32, index, tag))
    }

    /// `call` gets `action` (3 instructions: the number is loaded again).
    pub fn on(&mut self, call: Sysno, action: u32) -> &mut Self {
        self.on_any(&[call], action)
    }

    /// Each of `calls` gets `action` (the number loaded once, one comparison per call, one
    /// return).
    pub fn on_any(&mut self, calls: &[Sysno], action: u32) -> &mut Self {
        let jeq = BPF_JMP | BPF_JEQ | BPF_K;
        // A jump reaches at most 255 instructions ahead: at most 255 comparisons a group.
        for group in calls.chunks(255) {
            self.push(&[load_nr()]);
            let last = group.len().saturating_sub(1);
            for (i, call) in group.iter().enumerate() {
                // To the return after the last comparison; the last one skips it otherwise.
                let to_ret = u8::try_from(last.saturating_sub(i)).unwrap_or(u8::MAX);
                let skip = u8::from(i == last);
                self.push(&[jump(jeq, call.id() as u32, to_ret, skip)]);
            }
            self.push(&[ret(action)]);
        }
        self
    }

    /// Appends a whole program built elsewhere (seccompiler's `BpfProgram`, libseccomp's
    /// `seccomp_export_bpf`, converted to `libc::sock_filter`): it decides every call that
    /// reaches it. A and X are zeroed first, as the kernel starts a filter. After
    /// [`Program::allow_gate`] this puts the gate's rule in front of their program; a
    /// program's own filter installed from a supervised process goes through [`compose`]
    /// instead (which exempts only the handler's own exits).
    pub fn then(&mut self, program: &[sock_filter]) -> &mut Self {
        self.push(&[stmt(BPF_LD | BPF_IMM, 0), stmt(BPF_LDX | BPF_IMM, 0)])
            .push(program)
    }

    /// Returns `action`: the end of the program (for every call no piece decided).
    pub fn ret(&mut self, action: u32) -> &mut Self {
        self.push(&[ret(action)])
    }

    /// The program.
    ///
    /// # Errors
    ///
    /// `ENOMEM` when a piece did not fit in `N`; `EINVAL` when it is empty or longer than
    /// [`MAX_INSNS`].
    pub fn as_slice(&self) -> Result<&[sock_filter], Errno> {
        if self.full {
            return Err(Errno::ENOMEM);
        }
        match self.insns.get(..self.len) {
            Some(prog) if !prog.is_empty() && prog.len() <= MAX_INSNS => Ok(prog),
            _ => Err(Errno::EINVAL),
        }
    }

    /// Installs the program ([`install`]).
    ///
    /// # Safety
    ///
    /// As [`install`].
    ///
    /// # Errors
    ///
    /// As [`Program::as_slice`], then as [`install`].
    pub unsafe fn install(&self, flags: u64) -> Result<u64, Errno> {
        let prog = self.as_slice()?;
        // SAFETY: forwarded contract.
        unsafe { install(prog, flags) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic-BPF interpreter for the instructions the crate writes.
    fn run(prog: &[sock_filter], nr: u32, ip: u64) -> u32 {
        run_with(prog, crate::Abi::NATIVE.audit_arch(), nr, ip, [0; 6])
    }

    /// [`run`] with the architecture and the arguments.
    fn run_with(prog: &[sock_filter], arch: u32, nr: u32, ip: u64, args: [u64; 6]) -> u32 {
        let mut pc = 0usize;
        let mut acc = 0u32;
        loop {
            let i = prog[pc];
            let code = u32::from(i.code);
            if code == BPF_RET | BPF_K {
                return i.k;
            }
            if code == BPF_LD | BPF_IMM || code == BPF_LDX | BPF_IMM {
                acc = if code == BPF_LD | BPF_IMM { i.k } else { acc };
                pc += 1;
                continue;
            }
            if code == BPF_LD | BPF_W | BPF_ABS {
                acc = match i.k {
                    NR_OFFSET => nr,
                    ARCH_OFFSET => arch,
                    IP_LOW_OFFSET => ip as u32,
                    IP_HIGH_OFFSET => (ip >> 32) as u32,
                    k if k >= ARGS_OFFSET => {
                        let off = (k - ARGS_OFFSET) as usize;
                        let word = args[off / 8];
                        (if off.is_multiple_of(8) {
                            word
                        } else {
                            word >> 32
                        }) as u32
                    }
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

    #[test]
    fn program_pieces_compute_their_jumps() {
        use crate::arch::Native as S;
        let native = crate::Abi::NATIVE.audit_arch();
        let eperm = errno(Errno::EPERM);
        let far = crate::gate::range().end + (1 << 20);
        // A deny list over more numbers than one jump can span.
        let many: std::vec::Vec<S> = S::iter().take(300).collect();
        let mut prog = Program::<400>::new();
        prog.check_arch(libc::SECCOMP_RET_KILL_PROCESS)
            .on_any(&[S::socket, S::connect], eperm)
            .on(S::getppid, libc::SECCOMP_RET_TRAP | 7)
            .allow_tagged(S::write, 3, 0x5157)
            .on(S::write, libc::SECCOMP_RET_TRAP)
            .ret(libc::SECCOMP_RET_ALLOW);
        let p = prog.as_slice().unwrap();
        let nr = |s: S| s.id() as u32;
        assert_eq!(run(p, nr(S::socket), far), eperm);
        assert_eq!(run(p, nr(S::connect), far), eperm);
        assert_eq!(run(p, nr(S::getppid), far), libc::SECCOMP_RET_TRAP | 7);
        assert_eq!(run(p, nr(S::read), far), libc::SECCOMP_RET_ALLOW);
        assert_eq!(run(p, nr(S::write), far), libc::SECCOMP_RET_TRAP);
        let tagged = [1, 0, 0, 0x5157, 0, 0];
        assert_eq!(
            run_with(p, native, nr(S::write), far, tagged),
            libc::SECCOMP_RET_ALLOW
        );
        // x32 numbers and foreign ABIs get the arch check's action.
        let kill = libc::SECCOMP_RET_KILL_PROCESS;
        assert_eq!(run(p, FOREIGN_NR | nr(S::socket), far), kill);
        assert_eq!(run_with(p, native ^ 1, nr(S::read), far, [0; 6]), kill);

        let mut big = Program::<400>::new();
        big.check_arch(kill)
            .on_any(&many, eperm)
            .ret(libc::SECCOMP_RET_ALLOW);
        let p = big.as_slice().unwrap();
        for s in &many {
            assert_eq!(run(p, nr(*s), far), eperm, "{s}");
        }
        assert_eq!(run(p, 5000, far), libc::SECCOMP_RET_ALLOW);

        // Too small: refused whole, never cut.
        let mut small = Program::<4>::new();
        small.check_arch(kill).ret(libc::SECCOMP_RET_ALLOW);
        assert_eq!(small.as_slice().err(), Some(Errno::ENOMEM));
        assert_eq!(Program::<4>::new().as_slice().err(), Some(Errno::EINVAL));
    }

    #[test]
    fn program_gate_then_a_foreign_program() {
        let gate = crate::gate::range();
        // Their program: trap getppid, allow the rest (it starts with its own load).
        let theirs = [
            load_nr(),
            jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_getppid as u32, 0, 1),
            ret(libc::SECCOMP_RET_TRAP),
            ret(libc::SECCOMP_RET_ALLOW),
        ];
        let mut prog = Program::<32>::new();
        prog.allow_gate().then(&theirs);
        let p = prog.as_slice().unwrap();
        // The gate's rule, A and X zeroed, theirs.
        assert_eq!(p.len(), GATE_PREFIX_LEN + 2 + theirs.len());
        let getppid = libc::SYS_getppid as u32;
        assert_eq!(run(p, getppid, gate.start), libc::SECCOMP_RET_ALLOW);
        assert_eq!(run(p, getppid, gate.end + 4096), libc::SECCOMP_RET_TRAP);
        assert_eq!(run(p, 0, gate.end + 4096), libc::SECCOMP_RET_ALLOW);
    }
}
