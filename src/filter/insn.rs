//! Single classic-BPF instructions for seccomp, and the `RET_ERRNO` action.

use libc::{sock_filter, BPF_ABS, BPF_K, BPF_LD, BPF_RET, BPF_W};
use syscalls::Errno;

use crate::consts::{SECCOMP_DATA_ARCH as ARCH_OFFSET, SECCOMP_DATA_NR as NR_OFFSET};

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
