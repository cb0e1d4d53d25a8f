//! A program's own filter, composed with the supervisor: the handler's own exits exempt.

use libc::{sock_filter, BPF_IMM, BPF_LD, BPF_LDX};
use syscalls::Errno;

use super::insn::stmt;
use super::install::MAX_INSNS;
use super::prefix::{allow_ip_range, ALLOW_IP_RANGE_LEN};
#[allow(unused_imports)] // named by the docs
use crate::gate;

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
