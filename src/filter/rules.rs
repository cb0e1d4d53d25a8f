//! Rules a filter needs after the gate's: a tagged restart, and the architecture check.

use libc::{sock_filter, BPF_ABS, BPF_JEQ, BPF_JGE, BPF_JMP, BPF_K, BPF_LD, BPF_W};

use super::insn::{jump, load_arch, load_nr, ret, stmt};
use crate::consts::SECCOMP_DATA_ARGS as ARGS_OFFSET;

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
