//! The gate's rule: calls from the gate's address range go through.

use core::ops::Range;

use libc::{sock_filter, BPF_ABS, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_K, BPF_LD, BPF_W};

use super::insn::{jump, load_nr, ret, stmt};
use crate::consts::{SECCOMP_DATA_IP_HIGH as IP_HIGH_OFFSET, SECCOMP_DATA_IP_LOW as IP_LOW_OFFSET};
use crate::gate;

/// Number of instructions in [`gate_prefix`]: 6 ([`allow_ip_range`] of the gate).
pub const GATE_PREFIX_LEN: usize = ALLOW_IP_RANGE_LEN;

/// Number of instructions in [`allow_ip_range`].
pub const ALLOW_IP_RANGE_LEN: usize = 6;

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

/// [`allow_ip_range`] for the gate: put it first in a filter so that calls from the gate
/// (pass-through, the restorer, the crate's own calls) always go through.
///
/// The range is this image's: a filter survives `execve`, but the next image has no
/// handler and its own code at that address (with ASLR, whatever lands there), so after
/// exec this rule allows calls from a random page and the rest of the filter meets a
/// program that cannot answer a trap. For a policy that must hold across exec, see the
/// crate's recipes (`RET_ERRNO` rules with [`Program::check_arch`](super::Program::check_arch), no gate).
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
