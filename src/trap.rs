//! The decoded trap: a validated system call over the borrowed signal context, and the
//! three things a handler can do with it in place (emulate, restart, inspect).
//!
//! Pass-through through the gate is [`Trap::pass_through`], in the private `pass` module.

use crate::abi::{self, Abi, Gregs, Reg};
use crate::consts::{
    ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, ERESTART_RESTARTBLOCK, INSN_INT80, INSN_SYSCALL,
    INSN_SYSENTER, VSYSCALL_END, VSYSCALL_START,
};
use crate::error::{DecodeError, RestartError};
use crate::mem::{self, SelfMemory};
use crate::siginfo::{Cause, SigsysInfo};
use crate::syscall::Syscall;
use syscalls::Errno;

/// Where the interrupted code stands relative to the trapped instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// The usual case: RIP is `si_call_addr`, just after the 2-byte instruction.
    Instruction,
    /// The call came from the legacy vsyscall page (seccomp only): RIP is the caller's
    /// return address and the stack has been popped. Emulate only; never rewind.
    Vsyscall,
    /// The number collided with a kernel restart code (-512 or -513) and the kernel's
    /// signal-delivery fix-up already moved RIP back by 2. Emulating puts RIP forward again.
    Rewound,
}

/// A genuine trapped system call, decoded from a live SIGSYS.
///
/// Create one at the top of the handler with [`Trap::from_raw`]; then read it
/// ([`Trap::syscall`]), answer it ([`Trap::set_return`], [`Trap::set_errno`]), re-run it
/// ([`Trap::restart`]) or run it through the gate ([`Trap::pass_through`]). All of these
/// are allocation-free, panic-free and async-signal-safe.
///
/// # Examples
///
/// A complete handler that answers every trapped call with `ENOSYS`:
///
/// ```
/// use sigsys::Trap;
///
/// extern "C" fn on_sigsys(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
///     // SAFETY: the kernel passes these two pointers to a SIGSYS handler.
///     match unsafe { Trap::from_raw(info, ctx) } {
///         Ok(mut trap) => trap.set_errno(syscalls::Errno::ENOSYS),
///         Err(_forged_or_foreign) => {}
///     }
/// }
/// # let _ = on_sigsys;
/// ```
#[derive(Debug)]
pub struct Trap<'a> {
    info: SigsysInfo,
    ctx: &'a mut libc::ucontext_t,
    call: Syscall,
    site: Site,
}

impl<'a> Trap<'a> {
    /// Decodes the raw arguments of an `SA_SIGINFO` SIGSYS handler.
    ///
    /// # Safety
    ///
    /// `info` and `ctx` must each be null or point to a valid `siginfo_t` and `ucontext_t`
    /// (as the kernel passes them to a handler), and nothing else may access the context
    /// while the returned `Trap` lives.
    ///
    /// # Errors
    ///
    /// A [`DecodeError`] for each way the signal can be untrustworthy; see
    /// [`Trap::new`].
    pub unsafe fn from_raw(
        info: *const libc::siginfo_t,
        ctx: *mut libc::c_void,
    ) -> Result<Trap<'a>, DecodeError> {
        // SAFETY: the caller promises `info` is null or valid for reads.
        let info = unsafe { info.as_ref() }.ok_or(DecodeError::NullSiginfo)?;
        // SAFETY: the caller promises `ctx` is null or a valid, exclusively ours ucontext_t.
        let ctx =
            unsafe { ctx.cast::<libc::ucontext_t>().as_mut() }.ok_or(DecodeError::NullContext)?;
        Trap::new(info, ctx)
    }

    /// Decodes a siginfo and a context given as references (tests, fuzzers, or a handler
    /// that already checked the pointers).
    ///
    /// # Errors
    ///
    /// - the siginfo errors of [`SigsysInfo::from_siginfo`];
    /// - [`DecodeError::NumberMismatch`] when the low 32 bits of RAX are not `si_syscall`
    ///   (the one exception: a number equal to `-ERESTART*` that the kernel replaced by
    ///   `-EINTR`);
    /// - [`DecodeError::IpMismatch`] when RIP is not `si_call_addr`, unless the call came
    ///   from the vsyscall page or the kernel already rewound a `-ERESTART*` number.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{DecodeError, Trap};
    /// let mut info: libc::siginfo_t = unsafe { core::mem::zeroed() };
    /// info.si_signo = libc::SIGSYS;
    /// info.si_code = -6; // SI_TKILL: somebody called tgkill
    /// let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// assert_eq!(Trap::new(&info, &mut ctx).unwrap_err(), DecodeError::SentByProcess { code: -6 });
    /// ```
    pub fn new(
        info: &libc::siginfo_t,
        ctx: &'a mut libc::ucontext_t,
    ) -> Result<Trap<'a>, DecodeError> {
        let info = SigsysInfo::from_siginfo(info)?;
        let gregs = &ctx.uc_mcontext.gregs;
        check_number(&info, abi::get(gregs, Reg::Rax))?;
        let site = classify_site(&info, abi::get(gregs, Reg::Rip))?;
        let nr = info.abi.table_number(info.syscall);
        let call = Syscall::new(info.abi, nr, abi::args(gregs, info.abi));
        Ok(Trap {
            info,
            ctx,
            call,
            site,
        })
    }

    /// The decoded call: ABI, number, arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// let call = trap.syscall();
    /// assert_eq!((call.abi, call.name(), call.args[0]), (sigsys::Abi::X86_64, Some("getpid"), 3));
    /// ```
    pub fn syscall(&self) -> Syscall {
        self.call
    }

    /// The ABI of the call.
    pub fn abi(&self) -> Abi {
        self.info.abi
    }

    /// Seccomp (with `SECCOMP_RET_DATA`) or Syscall User Dispatch.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// assert_eq!(trap.cause(), sigsys::Cause::UserDispatch);
    /// assert_eq!(trap.ret_data(), None);
    /// ```
    pub fn cause(&self) -> Cause {
        self.info.cause
    }

    /// The filter's `SECCOMP_RET_DATA`, or `None` for Syscall User Dispatch.
    pub fn ret_data(&self) -> Option<u16> {
        match self.info.cause {
            Cause::Seccomp { ret_data } => Some(ret_data),
            Cause::UserDispatch => None,
        }
    }

    /// The validated siginfo fields.
    pub fn info(&self) -> SigsysInfo {
        self.info
    }

    /// `si_call_addr`: the address just after the system call instruction.
    pub fn call_addr(&self) -> u64 {
        self.info.call_addr
    }

    /// The interrupted code's RIP as it stands now in the context.
    pub fn ip(&self) -> u64 {
        abi::get(self.gregs(), Reg::Rip)
    }

    /// The interrupted code's RSP.
    pub fn sp(&self) -> u64 {
        abi::get(self.gregs(), Reg::Rsp)
    }

    /// Where RIP stood at decode time relative to the instruction.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// assert_eq!(trap.site(), sigsys::Site::Instruction);
    /// assert!(!trap.is_vsyscall() && !trap.is_rewound());
    /// assert_eq!(trap.ip(), trap.call_addr());
    /// ```
    pub fn site(&self) -> Site {
        self.site
    }

    /// Whether the call came from the vsyscall page.
    pub fn is_vsyscall(&self) -> bool {
        self.site == Site::Vsyscall
    }

    /// Whether the kernel had already moved RIP back to the instruction (see [`Site::Rewound`]).
    pub fn is_rewound(&self) -> bool {
        self.site == Site::Rewound
    }

    /// The saved context, read-only.
    pub fn ucontext(&self) -> &libc::ucontext_t {
        self.ctx
    }

    /// The saved context, for what this type does not cover (FPU state, other registers).
    /// Changes take effect when the handler returns.
    pub fn ucontext_mut(&mut self) -> &mut libc::ucontext_t {
        self.ctx
    }

    /// The signal mask the interrupted code will get back when the handler returns.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// let blocked = unsafe { libc::sigismember(trap.sigmask(), libc::SIGUSR1) };
    /// assert_eq!(blocked, 0);
    /// ```
    pub fn sigmask(&self) -> &libc::sigset_t {
        &self.ctx.uc_sigmask
    }

    /// Mutable access to the mask restored at return; see [`Trap::sigmask`].
    pub fn sigmask_mut(&mut self) -> &mut libc::sigset_t {
        &mut self.ctx.uc_sigmask
    }

    /// Makes the call return `value` to its caller without running it (`-4095..=-1` are
    /// errors): RAX = `value`. An i386 caller reads EAX, the low 32 bits; give errors as
    /// `-errno` and 32-bit addresses as their positive value, which is what the kernel
    /// leaves in RAX for them too.
    ///
    /// RIP is put at the call address, so this also undoes a kernel rewind
    /// ([`Site::Rewound`]); for vsyscall calls only RAX changes.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// trap.set_return(4242);
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RAX as usize], 4242);
    /// ```
    pub fn set_return(&mut self, value: i64) {
        let rax = value as u64;
        let site = self.site;
        let call_addr = self.info.call_addr;
        let gregs = self.gregs_mut();
        abi::set(gregs, Reg::Rax, rax);
        if site != Site::Vsyscall {
            abi::set(gregs, Reg::Rip, call_addr);
        }
    }

    /// Makes the call fail with `errno` (RAX = `-errno`).
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// trap.set_errno(syscalls::Errno::EPERM);
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RAX as usize], -1);
    /// ```
    pub fn set_errno(&mut self, errno: Errno) {
        self.set_return(i64::from(errno.into_raw()).wrapping_neg());
    }

    /// [`Trap::set_return`] or [`Trap::set_errno`], from a `Result`.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// trap.set_result(Err(syscalls::Errno::ENOENT));
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RAX as usize], -2);
    /// ```
    pub fn set_result(&mut self, result: Result<u64, Errno>) {
        match result {
            Ok(v) => self.set_return(v as i64),
            Err(e) => self.set_errno(e),
        }
    }

    /// Re-executes the same call when the handler returns: RAX = the number, RIP = call
    /// address - 2 ("reload RAX and backtrack RIP by 2").
    ///
    /// The re-executed call meets the same filter again. Let it through with the SUD
    /// selector ([`crate::sud::Selector::allow`]), or under seccomp with a filter rule that
    /// tells it apart (by argument, or by returning `SECCOMP_RET_TRAP` only for the first
    /// attempt); otherwise it traps again, forever.
    ///
    /// # Errors
    ///
    /// See [`RestartError`]: vsyscall calls, RIP moved, and bytes before the call address
    /// that are not a system call instruction of the call's ABI.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// trap.restart().unwrap();
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RIP as usize] as u64, site - 2);
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RAX as usize], 39);
    /// ```
    pub fn restart(&mut self) -> Result<(), RestartError> {
        let call = self.call;
        self.restart_with(call)
    }

    /// Like [`Trap::restart`], with the number and arguments of `call` instead.
    ///
    /// `call.abi` may switch between x86_64 and x32 (both use `syscall`), but not between
    /// `int $0x80` and `syscall`: the instruction decides.
    ///
    /// # Errors
    ///
    /// As [`Trap::restart`], plus [`RestartError::NotASyscallInstruction`] when the
    /// instruction does not match `call.abi`.
    ///
    /// # Examples
    ///
    /// ```
    /// # let code = [0x0fu8, 0x05]; // a `syscall` instruction for the trap to point after
    /// # let site = code.as_ptr() as u64 + 2;
    /// # let info = sigsys::SigsysInfo { cause: sigsys::Cause::UserDispatch, call_addr: site, syscall: 39, abi: sigsys::Abi::X86_64 }.to_siginfo();
    /// # let mut ctx: libc::ucontext_t = unsafe { core::mem::zeroed() };
    /// # ctx.uc_mcontext.gregs[libc::REG_RAX as usize] = 39;
    /// # ctx.uc_mcontext.gregs[libc::REG_RIP as usize] = site as i64;
    /// # ctx.uc_mcontext.gregs[libc::REG_RDI as usize] = 3;
    /// let mut trap = sigsys::Trap::new(&info, &mut ctx).unwrap();
    /// // Run getppid (110) instead, with no arguments.
    /// let mut call = trap.syscall();
    /// call.nr = 110;
    /// call.args = [0; 6];
    /// trap.restart_with(call).unwrap();
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RAX as usize], 110);
    /// assert_eq!(ctx.uc_mcontext.gregs[libc::REG_RDI as usize], 0);
    /// ```
    pub fn restart_with(&mut self, call: Syscall) -> Result<(), RestartError> {
        let insn_addr = self.check_rewindable()?;
        let bytes =
            mem::read_array::<2>(&SelfMemory, insn_addr).map_err(|e| RestartError::Unreadable {
                errno: e.into_raw(),
            })?;
        if !instruction_serves(bytes, call.abi) {
            return Err(RestartError::NotASyscallInstruction { bytes });
        }
        let gregs = self.gregs_mut();
        abi::set_args(gregs, call.abi, call.args);
        abi::set(gregs, Reg::Rax, call.rax());
        abi::set(gregs, Reg::Rip, insn_addr);
        Ok(())
    }

    /// The instruction's address, if RIP still allows going back to it.
    fn check_rewindable(&self) -> Result<u64, RestartError> {
        let call_addr = self.info.call_addr;
        let rip = self.ip();
        let insn_addr = call_addr.wrapping_sub(2);
        match self.site {
            Site::Vsyscall => Err(RestartError::Vsyscall),
            _ if rip == call_addr || (self.site == Site::Rewound && rip == insn_addr) => {
                Ok(insn_addr)
            }
            _ => Err(RestartError::IpMoved { rip, call_addr }),
        }
    }

    pub(crate) fn gregs(&self) -> &Gregs {
        &self.ctx.uc_mcontext.gregs
    }

    pub(crate) fn gregs_mut(&mut self) -> &mut Gregs {
        &mut self.ctx.uc_mcontext.gregs
    }
}

/// Whether `-nr` is one of the kernel's restart codes, which its signal-delivery fix-up acts
/// on when it finds them in RAX.
fn collides_with_restart(si_syscall: i32) -> bool {
    matches!(
        si_syscall.checked_neg(),
        Some(ERESTARTSYS | ERESTARTNOINTR | ERESTARTNOHAND | ERESTART_RESTARTBLOCK)
    )
}

fn check_number(info: &SigsysInfo, rax: u64) -> Result<(), DecodeError> {
    let eintr = (-libc::EINTR) as u32;
    let low = rax as u32;
    if low == info.syscall as u32 || (collides_with_restart(info.syscall) && low == eintr) {
        Ok(())
    } else {
        Err(DecodeError::NumberMismatch {
            si_syscall: info.syscall,
            rax,
        })
    }
}

fn classify_site(info: &SigsysInfo, rip: u64) -> Result<Site, DecodeError> {
    let call_addr = info.call_addr;
    if (VSYSCALL_START..VSYSCALL_END).contains(&call_addr) && info.abi == Abi::X86_64 {
        Ok(Site::Vsyscall)
    } else if rip == call_addr {
        Ok(Site::Instruction)
    } else if collides_with_restart(info.syscall) && rip == call_addr.wrapping_sub(2) {
        Ok(Site::Rewound)
    } else {
        Err(DecodeError::IpMismatch { call_addr, rip })
    }
}

/// Whether the two instruction bytes can issue a call of `abi`.
fn instruction_serves(bytes: [u8; 2], abi: Abi) -> bool {
    match abi {
        Abi::X86_64 | Abi::X32 => bytes == INSN_SYSCALL,
        Abi::I386 => bytes == INSN_INT80 || bytes == INSN_SYSENTER,
    }
}
