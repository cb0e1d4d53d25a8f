//! The validated view of a SIGSYS `siginfo_t`.
//!
//! The kernel fills four fields for a trapped system call (`_sigsys` in
//! `include/uapi/asm-generic/siginfo.h`): the call address, the number, the audit
//! architecture, and (seccomp only) the filter's `SECCOMP_RET_DATA` in `si_errno`. Nothing
//! here trusts the registers yet: [`crate::Trap`] cross-checks them.

use crate::abi::Abi;
#[cfg(all(test, target_arch = "x86_64"))]
use crate::consts::{AUDIT_ARCH_I386, AUDIT_ARCH_X86_64};
use crate::consts::{SYS_SECCOMP, SYS_USER_DISPATCH};
use crate::error::DecodeError;

/// Why the kernel refused the system call and raised SIGSYS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    /// A seccomp filter returned `SECCOMP_RET_TRAP | data`; `ret_data` is the low 16 bits.
    Seccomp {
        /// The filter's `SECCOMP_RET_DATA`, delivered in `si_errno`.
        ret_data: u16,
    },
    /// Syscall User Dispatch was armed and the selector said BLOCK.
    UserDispatch,
}

/// The SIGSYS-specific fields of a `siginfo_t`, checked for plausibility.
///
/// # Examples
///
/// ```
/// use sigsys::{Cause, SigsysInfo, DecodeError};
/// // A zeroed siginfo is not a SIGSYS.
/// let info: libc::siginfo_t = unsafe { core::mem::zeroed() };
/// assert_eq!(SigsysInfo::from_siginfo(&info), Err(DecodeError::NotSigsys { signo: 0 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SigsysInfo {
    /// Seccomp (with its data) or Syscall User Dispatch.
    pub cause: Cause,
    /// `si_call_addr`: the address just *after* the 2-byte system call instruction.
    pub call_addr: u64,
    /// `si_syscall`: the low 32 bits of the number, x32 bit included.
    pub syscall: i32,
    /// The ABI derived from `si_arch` and the x32 bit of `si_syscall`.
    pub abi: Abi,
}

impl SigsysInfo {
    /// Validates the siginfo of a SIGSYS: signal number, `si_code`, architecture.
    ///
    /// `si_code <= 0` means the signal was sent by a process (`kill`, `tgkill`,
    /// `sigqueue`), never by the kernel's system call trap; positive unknown codes are
    /// refused too. A process can still forge a positive code for itself with
    /// `rt_tgsigqueueinfo`: [`crate::Trap::from_raw`] catches that by cross-checking the
    /// registers.
    pub fn from_siginfo(info: &libc::siginfo_t) -> Result<Self, DecodeError> {
        if info.si_signo != libc::SIGSYS {
            return Err(DecodeError::NotSigsys {
                signo: info.si_signo,
            });
        }
        let code = info.si_code;
        let errno = info.si_errno;
        let cause = match code {
            // SECCOMP_RET_DATA is 16 bits wide; si_errno carries exactly those.
            SYS_SECCOMP => match u16::try_from(errno) {
                Ok(ret_data) => Cause::Seccomp { ret_data },
                Err(_) => return Err(DecodeError::UnexpectedErrno { code, errno }),
            },
            SYS_USER_DISPATCH if errno == 0 => Cause::UserDispatch,
            SYS_USER_DISPATCH => return Err(DecodeError::UnexpectedErrno { code, errno }),
            c if c <= 0 => return Err(DecodeError::SentByProcess { code: c }),
            c => return Err(DecodeError::UnknownCode { code: c }),
        };
        let (call_addr, syscall, arch) = raw_fields(info);
        let abi = Abi::from_audit_arch(arch, syscall).ok_or(DecodeError::UnknownArch { arch })?;
        Ok(SigsysInfo {
            cause,
            call_addr,
            syscall,
            abi,
        })
    }

    /// Builds the `siginfo_t` the kernel would deliver for this trap: for re-raising or
    /// forwarding a SIGSYS (to a handler the program installed, say), and for tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{Abi, Cause, SigsysInfo};
    /// let info = SigsysInfo { cause: Cause::Seccomp { ret_data: 9 }, call_addr: 0x1000, syscall: 39, abi: Abi::X86_64 };
    /// let raw = info.to_siginfo();
    /// assert_eq!(raw.si_signo, libc::SIGSYS);
    /// assert_eq!(SigsysInfo::from_siginfo(&raw), Ok(info));
    /// ```
    pub fn to_siginfo(&self) -> libc::siginfo_t {
        let (code, errno) = match self.cause {
            Cause::Seccomp { ret_data } => (SYS_SECCOMP, i32::from(ret_data)),
            Cause::UserDispatch => (SYS_USER_DISPATCH, 0),
        };
        raw_siginfo(
            libc::SIGSYS,
            errno,
            code,
            self.call_addr,
            self.syscall,
            self.audit_arch(),
        )
    }

    /// The audit architecture the kernel reported (`AUDIT_ARCH_X86_64` or `AUDIT_ARCH_I386`).
    pub const fn audit_arch(&self) -> u32 {
        self.abi.audit_arch()
    }
}

/// The kernel's layout of a SIGSYS siginfo: the common header, then `_sigsys` (aligned to
/// its pointer: at 16 on the 64-bit architectures, at 12 on ARM).
#[repr(C)]
struct RawSigsys {
    signo: i32,
    errno: i32,
    code: i32,
    #[cfg(target_pointer_width = "64")]
    pad: i32,
    call_addr: usize,
    syscall: i32,
    arch: u32,
    rest: [u8; REST],
}

/// What follows `_sigsys` in the 128 bytes.
const REST: usize = 128 - 16 - 2 * core::mem::size_of::<usize>();

const _: () = assert!(core::mem::size_of::<RawSigsys>() == core::mem::size_of::<libc::siginfo_t>());

/// A siginfo with the kernel's SIGSYS layout and any field values (forged ones included;
/// `call_addr` cut to the pointer's width).
pub(crate) fn raw_siginfo(
    signo: i32,
    errno: i32,
    code: i32,
    call_addr: u64,
    syscall: i32,
    arch: u32,
) -> libc::siginfo_t {
    let raw = RawSigsys {
        signo,
        errno,
        code,
        #[cfg(target_pointer_width = "64")]
        pad: 0,
        call_addr: call_addr as usize,
        syscall,
        arch,
        rest: [0; REST],
    };
    // SAFETY: both types are 128 bytes of plain data (checked above at compile time), and
    // RawSigsys has the kernel's `_sigsys` layout.
    unsafe { core::mem::transmute::<RawSigsys, libc::siginfo_t>(raw) }
}

/// Reads `si_call_addr` (offset 16), `si_syscall` (24) and `si_arch` (28); the unit tests
/// build siginfos byte by byte at those offsets, which checks libc's layout against
/// `RawSigsys`.
fn raw_fields(info: &libc::siginfo_t) -> (u64, i32, u32) {
    // SAFETY: libc's accessors read the `_sigsys` member of the `_sifields` union; every bit
    // pattern is a valid pointer/int/uint, and `siginfo_t` is 128 bytes, so the reads are in
    // bounds whatever the kernel (or a forger) put there.
    let (addr, nr, arch) = unsafe { (info.si_call_addr(), info.si_syscall(), info.si_arch()) };
    (addr as u64, nr, arch)
}

// x86_64 numbers and ABIs.
#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    fn info(signo: i32, code: i32, errno: i32, addr: u64, nr: i32, arch: u32) -> libc::siginfo_t {
        let mut raw = [0u8; core::mem::size_of::<libc::siginfo_t>()];
        raw[0..4].copy_from_slice(&signo.to_ne_bytes());
        raw[4..8].copy_from_slice(&errno.to_ne_bytes());
        raw[8..12].copy_from_slice(&code.to_ne_bytes());
        raw[16..24].copy_from_slice(&addr.to_ne_bytes());
        raw[24..28].copy_from_slice(&nr.to_ne_bytes());
        raw[28..32].copy_from_slice(&arch.to_ne_bytes());
        // SAFETY: siginfo_t is plain old data; any 128 bytes are a valid value.
        unsafe { core::mem::transmute::<[u8; 128], libc::siginfo_t>(raw) }
    }

    #[test]
    fn to_siginfo_matches_the_kernel_layout() {
        let built = info(31, 1, 0x1234, 0x1000, 39, AUDIT_ARCH_X86_64);
        let s = SigsysInfo::from_siginfo(&built).unwrap();
        // SAFETY: both are plain 128-byte values.
        let (a, b): ([u8; 128], [u8; 128]) = unsafe {
            (
                core::mem::transmute::<libc::siginfo_t, [u8; 128]>(built),
                core::mem::transmute::<libc::siginfo_t, [u8; 128]>(s.to_siginfo()),
            )
        };
        assert_eq!(a, b);
    }

    #[test]
    fn decodes_seccomp_with_data() {
        let i = info(31, 1, 0x1234, 0x1000, 39, AUDIT_ARCH_X86_64);
        let s = SigsysInfo::from_siginfo(&i).unwrap();
        assert_eq!(s.cause, Cause::Seccomp { ret_data: 0x1234 });
        assert_eq!((s.call_addr, s.syscall, s.abi), (0x1000, 39, Abi::X86_64));
    }

    #[test]
    fn decodes_x32_and_i386() {
        let x32 = info(31, 2, 0, 8, 0x4000_0000 | 1, AUDIT_ARCH_X86_64);
        assert_eq!(SigsysInfo::from_siginfo(&x32).unwrap().abi, Abi::X32);
        let i386 = info(31, 2, 0, 8, 20, AUDIT_ARCH_I386);
        assert_eq!(SigsysInfo::from_siginfo(&i386).unwrap().abi, Abi::I386);
    }

    #[test]
    fn refuses_each_bad_field() {
        let e = |i| SigsysInfo::from_siginfo(&i).unwrap_err();
        assert_eq!(
            e(info(11, 1, 0, 0, 0, AUDIT_ARCH_X86_64)),
            DecodeError::NotSigsys { signo: 11 }
        );
        assert_eq!(
            e(info(31, -6, 0, 0, 0, AUDIT_ARCH_X86_64)),
            DecodeError::SentByProcess { code: -6 }
        );
        assert_eq!(
            e(info(31, 0, 0, 0, 0, AUDIT_ARCH_X86_64)),
            DecodeError::SentByProcess { code: 0 }
        );
        assert_eq!(
            e(info(31, 3, 0, 0, 0, AUDIT_ARCH_X86_64)),
            DecodeError::UnknownCode { code: 3 }
        );
        assert_eq!(
            e(info(31, 1, 0, 0, 0, 0xC00000B7)),
            DecodeError::UnknownArch { arch: 0xC00000B7 }
        );
        assert_eq!(
            e(info(31, 1, 0x1_0000, 0, 0, AUDIT_ARCH_X86_64)),
            DecodeError::UnexpectedErrno {
                code: 1,
                errno: 0x1_0000
            }
        );
        assert_eq!(
            e(info(31, 1, -1, 0, 0, AUDIT_ARCH_X86_64)),
            DecodeError::UnexpectedErrno { code: 1, errno: -1 }
        );
        assert_eq!(
            e(info(31, 2, 5, 0, 0, AUDIT_ARCH_X86_64)),
            DecodeError::UnexpectedErrno { code: 2, errno: 5 }
        );
        assert!(SigsysInfo::from_siginfo(&info(31, 1, 0xffff, 0, 0, AUDIT_ARCH_X86_64)).is_ok());
    }
}
