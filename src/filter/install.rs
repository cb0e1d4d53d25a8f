//! Installing a filter, and reading a program's filter as the kernel reads it.

use libc::sock_filter;
use syscalls::Errno;

use crate::arch::Native as Sysno;
use crate::gate;

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
    // `c_ulong` in libc, 32 bits on ARM: widened here.
    let tsync = u64::from(libc::SECCOMP_FILTER_FLAG_TSYNC as u32);
    let listener = u64::from(libc::SECCOMP_FILTER_FLAG_NEW_LISTENER as u32);
    if flags & tsync != 0 && flags & listener == 0 && ret != 0 {
        return Err(Errno::ESRCH);
    }
    Ok(ret)
}

/// The kernel's limit on the instructions of one filter (`BPF_MAXINSNS`).
pub const MAX_INSNS: usize = 4096;

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
