//! Signal frames for testing and fuzzing your own handler logic (feature `testing`).
//!
//! A [`Frame`] owns what the kernel hands a SIGSYS handler, in the kernel's layout: a
//! siginfo and a [`Ucontext`], for any ABI, with the bytes of the system call instruction
//! the trap points after (so [`Trap::restart`] can be tested). Build one from a
//! [`Syscall`], get a [`Trap`] over it with [`Frame::trap`], run your handler's logic on the
//! trap, then read what the interrupted caller would see with [`Frame::outcome`].
//!
//! Everything a handler does to a frame's trap is safe: inspection, emulation, restart.
//! Making the call for real ([`Trap::pass_through`]) needs [`Frame::trap_live`], which is
//! `unsafe` because the call then really happens, with its arguments as given.
//!
//! Forged and foreign frames are one `with_*` call away, so the error paths are tested
//! too: every [`DecodeError`] the decoder returns for a siginfo and context can be made
//! here ([`DecodeError::NullSiginfo`] and [`DecodeError::NullContext`] come from null
//! pointers given to [`Trap::from_raw`]).
//!
//! No allocation, `no_std`. With the `arbitrary` feature, [`Frame`] and [`Syscall`]
//! implement `arbitrary::Arbitrary`, for cargo-fuzz targets.
//!
//! # Examples
//!
//! A policy that answers `openat` of `/etc/shadow` with `EACCES`, tested without a kernel
//! trap:
//!
//! ```
//! use sigsys::testing::{Frame, Outcome};
//! use sigsys::{Syscall, Trap};
//! use syscalls::{x86_64::Sysno, Errno};
//!
//! fn policy(trap: &mut Trap<'_>) {
//!     let call = trap.syscall();
//!     if call.is(Sysno::openat) {
//!         let mut path = [0u8; 12];
//!         let n = sigsys::mem::read_cstr(&sigsys::mem::SelfMemory, call.args[1], &mut path);
//!         if n == Ok(b"/etc/shadow".len()) && path.starts_with(b"/etc/shadow") {
//!             return trap.set_errno(Errno::EACCES);
//!         }
//!     }
//!     trap.set_return(0);
//! }
//!
//! let path = c"/etc/shadow";
//! let mut frame = Frame::seccomp(Syscall::x86_64(
//!     Sysno::openat,
//!     [libc::AT_FDCWD as u64, path.as_ptr() as u64, 0, 0, 0, 0],
//! ));
//! policy(&mut frame.trap().unwrap());
//! assert_eq!(frame.outcome(), Outcome::Returned(-(libc::EACCES as i64)));
//! assert_eq!(frame.outcome().errno(), Some(Errno::EACCES));
//! ```

use crate::arch::{self, Regs, INSN_LEN};
use crate::consts::{SYS_SECCOMP, SYS_USER_DISPATCH};
use crate::error::DecodeError;
use crate::frame::Ucontext;
use crate::siginfo::{raw_siginfo, Cause};
use crate::{Abi, Syscall, Trap};
use syscalls::Errno;

/// Where RIP stands when the trap is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ip {
    /// At the call address, as the kernel leaves it.
    CallAddr,
    /// Two bytes before it: the kernel's rewind of a `-ERESTARTSYS`/`-ERESTARTNOINTR` number.
    Rewound,
    /// Anywhere.
    At(u64),
}

/// A SIGSYS signal frame owned by a test: siginfo fields, the kernel-layout context and the
/// instruction bytes of the call site.
///
/// The call address is, unless set with [`Frame::with_call_addr`], just past the frame's
/// own two instruction bytes, wherever the frame is when [`Frame::trap`] is called; so a
/// restart reads real bytes without faulting.
///
/// # Examples
///
/// ```
/// use sigsys::testing::{Frame, Outcome};
/// use sigsys::{Abi, Syscall};
/// // An i386 getpid (20) through int $0x80, under Syscall User Dispatch.
/// let mut frame = Frame::sud(Syscall::new(Abi::I386, 20, [0; 6]));
/// let mut trap = frame.trap().unwrap();
/// assert_eq!(trap.syscall().name(), Some("getpid"));
/// trap.restart().unwrap();
/// assert_eq!(frame.outcome(), Outcome::Restarted(Syscall::new(Abi::I386, 20, [0; 6])));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    ctx: Ucontext,
    before: Ucontext,
    abi: Abi,
    signo: i32,
    code: i32,
    errno: i32,
    si_syscall: i32,
    arch: u32,
    call_addr: Option<u64>,
    ip: Ip,
    insn: [u8; INSN_LEN],
    last_call_addr: u64,
}

/// What the interrupted caller would see after the handler returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The handler left the context as it found it (the call "returns" its own number).
    Untouched,
    /// The call returns this value (`-4095..=-1` are errors). For an i386 caller, the
    /// value of EAX, sign-extended, since EAX is what it reads.
    Returned(i64),
    /// The call will run again, as this call: RIP is back on the instruction.
    Restarted(Syscall),
    /// RIP is somewhere else (the gate's restorer after a redirected `rt_sigreturn`, or a
    /// handler's own jump).
    Elsewhere {
        /// RIP in the context.
        ip: u64,
    },
}

impl Outcome {
    /// The value returned, if the call returns.
    pub fn returned(self) -> Option<i64> {
        match self {
            Outcome::Returned(v) => Some(v),
            _ => None,
        }
    }

    /// The error returned, if the call returns `-errno`.
    pub fn errno(self) -> Option<Errno> {
        match self {
            Outcome::Returned(v @ -4095..=-1) => Some(Errno::new(v.wrapping_neg() as i32)),
            _ => None,
        }
    }
}

impl Frame {
    /// A frame for `call` trapped by `cause`, as the kernel builds it: siginfo fields
    /// agreeing with the registers, the call's arguments in its ABI's registers, RAX the
    /// number, RIP the call address, the ABI's instruction (`syscall` or `int $0x80`)
    /// before it.
    pub fn new(call: Syscall, cause: Cause) -> Frame {
        let (code, errno) = match cause {
            Cause::Seccomp { ret_data } => (SYS_SECCOMP, i32::from(ret_data)),
            Cause::UserDispatch => (SYS_USER_DISPATCH, 0),
        };
        // The number as the kernel reports it (x32's with its bit).
        let si_syscall = call.abi.rax_for(call.nr) as u32 as i32;
        let mut regs = Regs::default();
        arch::set_args(&mut regs, call.abi, call.args);
        arch::set_number_reg(&mut regs, call.rax());
        let ctx = Ucontext {
            mcontext: regs,
            ..Ucontext::default()
        };
        Frame {
            ctx,
            before: ctx,
            abi: call.abi,
            signo: libc::SIGSYS,
            code,
            errno,
            si_syscall,
            arch: call.abi.audit_arch(),
            call_addr: None,
            ip: Ip::CallAddr,
            insn: arch::instruction(call.abi),
            last_call_addr: 0,
        }
    }

    /// `call` trapped by a seccomp filter's `SECCOMP_RET_TRAP` with data 0.
    pub fn seccomp(call: Syscall) -> Frame {
        Frame::new(call, Cause::Seccomp { ret_data: 0 })
    }

    /// `call` trapped by a seccomp filter's `SECCOMP_RET_TRAP | data`.
    pub fn seccomp_data(call: Syscall, data: u16) -> Frame {
        Frame::new(call, Cause::Seccomp { ret_data: data })
    }

    /// `call` trapped by Syscall User Dispatch.
    pub fn sud(call: Syscall) -> Frame {
        Frame::new(call, Cause::UserDispatch)
    }

    /// A legacy vsyscall-page call (seccomp only), as the kernel reports it: the entry
    /// address of `gettimeofday` (96), `time` (201) or `getcpu` (309) as the call address,
    /// RIP the caller's return address `return_to`. `None` for any other number.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{testing::Frame, RestartError, Site, Syscall};
    /// let call = Syscall::x86_64(syscalls::x86_64::Sysno::time, [0; 6]);
    /// let mut frame = Frame::vsyscall(call, 0x40_1000).unwrap();
    /// let mut trap = frame.trap().unwrap();
    /// assert_eq!(trap.site(), Site::Vsyscall);
    /// assert_eq!(trap.restart(), Err(RestartError::Vsyscall));
    /// ```
    pub fn vsyscall(call: Syscall, return_to: u64) -> Option<Frame> {
        let entry = arch::vsyscall_entry(call.nr)?;
        let call = Syscall {
            abi: Abi::NATIVE,
            ..call
        };
        Some(
            Frame::seccomp(call)
                .with_call_addr(entry)
                .with_ip(return_to),
        )
    }

    /// Sets `si_signo` (a SIGSYS that is not: [`DecodeError::NotSigsys`]).
    pub fn with_signo(mut self, signo: i32) -> Frame {
        self.signo = signo;
        self
    }

    /// Sets `si_code` (`<= 0`: sent by a process, [`DecodeError::SentByProcess`]; other
    /// codes: [`DecodeError::UnknownCode`]).
    pub fn with_code(mut self, code: i32) -> Frame {
        self.code = code;
        self
    }

    /// Sets `si_errno` (the seccomp data, or an impossible value:
    /// [`DecodeError::UnexpectedErrno`]).
    pub fn with_errno(mut self, errno: i32) -> Frame {
        self.errno = errno;
        self
    }

    /// Sets `si_syscall` without changing RAX ([`DecodeError::NumberMismatch`]).
    pub fn with_si_syscall(mut self, nr: i32) -> Frame {
        self.si_syscall = nr;
        self
    }

    /// Sets `si_arch` ([`DecodeError::UnknownArch`] for a foreign one).
    pub fn with_arch(mut self, arch: u32) -> Frame {
        self.arch = arch;
        self
    }

    /// Sets `si_call_addr` to a fixed address instead of just past the frame's instruction
    /// bytes (RIP follows it unless set with [`Frame::with_ip`]).
    pub fn with_call_addr(mut self, addr: u64) -> Frame {
        self.call_addr = Some(addr);
        self
    }

    /// Sets RIP ([`DecodeError::IpMismatch`] when it is not the call address).
    pub fn with_ip(mut self, ip: u64) -> Frame {
        self.ip = Ip::At(ip);
        self
    }

    /// Sets RAX ([`DecodeError::NumberMismatch`], or `-EINTR` for the kernel's restart
    /// fix-up of a number equal to `-ERESTARTNOHAND`, say).
    pub fn with_rax(mut self, rax: u64) -> Frame {
        arch::set_number_reg(&mut self.ctx.mcontext, rax);
        arch::set_number_reg(&mut self.before.mcontext, rax);
        self
    }

    /// RIP two bytes before the call address, as the kernel leaves it after rewinding a
    /// call whose number equals `-ERESTARTSYS` (with `SA_RESTART`) or `-ERESTARTNOINTR`.
    pub fn rewound(mut self) -> Frame {
        self.ip = Ip::Rewound;
        self
    }

    /// Sets the two bytes before the call address (a restart checks them).
    pub fn with_instruction(mut self, bytes: [u8; INSN_LEN]) -> Frame {
        self.insn = bytes;
        self
    }

    /// The context, to read registers or the mask after a handler ran.
    pub fn ucontext(&self) -> &Ucontext {
        &self.ctx
    }

    /// The context, to set up what the builders do not (other registers, the frame's mask
    /// or alternate stack) before [`Frame::trap`].
    pub fn ucontext_mut(&mut self) -> &mut Ucontext {
        &mut self.ctx
    }

    /// The siginfo the kernel would deliver with this frame where it stands now.
    pub fn siginfo(&self) -> libc::siginfo_t {
        raw_siginfo(
            self.signo,
            self.errno,
            self.code,
            self.current_call_addr(),
            self.si_syscall,
            self.arch,
        )
    }

    fn current_call_addr(&self) -> u64 {
        self.call_addr
            .unwrap_or_else(|| (self.insn.as_ptr() as u64).wrapping_add(INSN_LEN as u64))
    }

    /// Prepares the context for a trap at the frame's current address: RIP as chosen.
    fn arm(&mut self) -> libc::siginfo_t {
        let call_addr = self.current_call_addr();
        let rip = match self.ip {
            Ip::CallAddr => call_addr,
            Ip::Rewound => call_addr.wrapping_sub(INSN_LEN as u64),
            Ip::At(ip) => ip,
        };
        arch::set_pc(&mut self.ctx.mcontext, rip);
        self.before = self.ctx;
        self.last_call_addr = call_addr;
        self.siginfo()
    }

    /// Decodes the frame as a handler would ([`Trap::new`]): inspection, emulation and
    /// restart act on the frame's own context.
    ///
    /// # Errors
    ///
    /// The [`DecodeError`] of a forged or foreign frame.
    pub fn trap(&mut self) -> Result<Trap<'_>, DecodeError> {
        let info = self.arm();
        Trap::new(&info, &mut self.ctx)
    }

    /// The siginfo and the context of the frame where it stands now, for calling
    /// [`Trap::new`] (or a decoder of your own) directly, as a benchmark does in a loop.
    /// [`Frame::outcome`] judges against the context as it is returned here.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{testing::Frame, Syscall, Trap};
    /// let mut frame = Frame::seccomp(Syscall::x86_64(syscalls::x86_64::Sysno::getppid, [0; 6]));
    /// let (info, ctx) = frame.parts();
    /// assert!(Trap::new(&info, ctx).is_ok());
    /// ```
    pub fn parts(&mut self) -> (libc::siginfo_t, &mut Ucontext) {
        let info = self.arm();
        (info, &mut self.ctx)
    }

    /// Like [`Frame::trap`], but [`Trap::pass_through`] makes the call for real.
    ///
    /// # Safety
    ///
    /// As [`Trap::new_live`]: the call the frame describes, with its arguments as given
    /// (the kernel writes where its pointers point), may be made from the calling thread.
    ///
    /// # Errors
    ///
    /// As [`Frame::trap`].
    pub unsafe fn trap_live(&mut self) -> Result<Trap<'_>, DecodeError> {
        let info = self.arm();
        // SAFETY: the caller vouches for the call, as `new_live` requires.
        unsafe { Trap::new_live(&info, &mut self.ctx) }
    }

    /// What the caller would see now, judged against the context as it was when the last
    /// trap was made.
    pub fn outcome(&self) -> Outcome {
        if self.ctx == self.before {
            return Outcome::Untouched;
        }
        let regs = &self.ctx.mcontext;
        let number = arch::number_reg(regs);
        let pc = arch::pc(regs);
        let call_addr = self.last_call_addr;
        let vsyscall = self.ip != Ip::Rewound && arch::in_vsyscall_page(call_addr);
        let returned_to = if vsyscall {
            arch::pc(&self.before.mcontext)
        } else {
            call_addr
        };
        // The caller is what the siginfo says it is; a restart re-runs the instruction there.
        let caller = Abi::from_audit_arch(self.arch, self.si_syscall).unwrap_or(self.abi);
        if pc == returned_to {
            return Outcome::Returned(arch::returned(regs, caller));
        }
        if pc == call_addr.wrapping_sub(INSN_LEN as u64) && !vsyscall {
            let abi = arch::restarted_abi(self.insn, number);
            let nr = abi.table_number(number as i32);
            return Outcome::Restarted(Syscall::new(abi, nr, arch::args(regs, abi)));
        }
        Outcome::Elsewhere { ip: pc }
    }
}

#[cfg(feature = "arbitrary")]
mod fuzzing {
    use super::*;
    use arbitrary::{Arbitrary, Result, Unstructured};

    impl<'a> Arbitrary<'a> for Syscall {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            // On x86_64: 4 in 6 x86_64, 1 i386, 1 x32 (the corpora's encoding).
            let abi = match u.int_in_range(0u8..=5)? {
                0..=3 => Abi::ALL.first(),
                4 => Abi::ALL.get(1),
                _ => Abi::ALL.get(2),
            }
            .copied()
            .unwrap_or(Abi::NATIVE);
            let nr = if u.ratio(7u8, 8)? {
                u.int_in_range(0u32..=460)?
            } else {
                u.arbitrary()?
            };
            let args = <[u64; 6]>::arbitrary(u)?;
            let args = if abi.is_ilp32() {
                args.map(|a| a & 0xffff_ffff)
            } else {
                args
            };
            // The number as its table knows it (x32's without its bit).
            let nr = abi.table_number(abi.rax_for(nr) as u32 as i32);
            Ok(Syscall::new(abi, nr, args))
        }
    }

    /// A genuine frame most of the time, a forged or odd one otherwise.
    impl<'a> Arbitrary<'a> for Frame {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            let call = Syscall::arbitrary(u)?;
            let cause = if u.arbitrary()? {
                Cause::UserDispatch
            } else {
                Cause::Seccomp {
                    ret_data: u.arbitrary()?,
                }
            };
            let frame = Frame::new(call, cause);
            Ok(match u.int_in_range(0u8..=15)? {
                0 => frame.with_signo(u.arbitrary()?),
                1 => frame.with_code(u.arbitrary()?),
                2 => frame.with_errno(u.arbitrary()?),
                3 => frame.with_si_syscall(u.arbitrary()?),
                4 => frame.with_arch(u.arbitrary()?),
                5 => frame.with_ip(u.arbitrary()?),
                6 => frame.with_rax(u.arbitrary()?),
                7 => frame.rewound(),
                8 => frame.with_instruction(u.arbitrary()?),
                9 => frame.with_call_addr(u.arbitrary()?),
                _ => frame,
            })
        }
    }
}
