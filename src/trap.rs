//! The decoded trap: a validated system call over the borrowed signal context, and the
//! three things a handler can do with it in place (emulate, restart, inspect).
//!
//! Pass-through through the gate is [`Trap::pass_through`], in the private `pass` module.

use crate::abi::Abi;
use crate::arch::{self, Regs, RestartCode};
use crate::consts::{ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, ERESTART_RESTARTBLOCK};
#[allow(unused_imports)] // named by the docs
use crate::error::PassError;
use crate::error::{DecodeError, RestartError};
use crate::frame::{SigSet, SigStack, Sigcontext, Ucontext};
use crate::mem::{FastMemory, Memory};
use crate::siginfo::{Cause, SigsysInfo};
use crate::syscall::Syscall;
use syscalls::Errno;

pub use crate::arch::Site;

/// A genuine trapped system call, decoded from a live SIGSYS.
///
/// Create one at the top of the handler with [`Trap::from_raw`]; then read it
/// ([`Trap::syscall`]), answer it ([`Trap::set_return`], [`Trap::set_errno`]), re-run it
/// ([`Trap::restart`]) or run it through the gate ([`Trap::pass_through`]). All of these
/// are allocation-free, panic-free and async-signal-safe.
///
/// A `Trap` built from references ([`Trap::new`], as tests and fuzzers do) can be read,
/// emulated and restarted, which only writes the context it borrows; it cannot be passed
/// through (that makes the call for real) unless it was built with the `unsafe`
/// [`Trap::new_live`]. `sigsys::testing::Frame` (feature `testing`) builds such contexts for
/// tests.
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
    ctx: &'a mut Ucontext,
    call: Syscall,
    site: Site,
    /// Built from the kernel's own frame (or vouched for by the caller): may act for real.
    live: bool,
}

impl<'a> Trap<'a> {
    /// Decodes the raw arguments of an `SA_SIGINFO` SIGSYS handler.
    ///
    /// The context pointer is read as the kernel's own [`Ucontext`] (304 bytes), never as
    /// glibc's larger `ucontext_t`, which would overlap the siginfo that follows it in the
    /// frame.
    ///
    /// # Safety
    ///
    /// `info` and `ctx` must each be null or be the pointers the kernel passed to the
    /// running SIGSYS handler (or point to a valid `siginfo_t` and [`Ucontext`] of a frame
    /// the caller answers for, with the same consequences: [`Trap::pass_through`] makes
    /// the decoded call for real); nothing else may access the context while the returned
    /// `Trap` lives.
    ///
    /// # Errors
    ///
    /// [`DecodeError::NullSiginfo`] and [`DecodeError::NullContext`] for null pointers, and
    /// each error of [`Trap::new`].
    pub unsafe fn from_raw(
        info: *const libc::siginfo_t,
        ctx: *mut libc::c_void,
    ) -> Result<Trap<'a>, DecodeError> {
        // SAFETY: the caller promises `info` is null or valid for reads.
        let info = unsafe { info.as_ref() }.ok_or(DecodeError::NullSiginfo)?;
        // SAFETY: the caller promises `ctx` is null or the kernel's ucontext, exclusively
        // ours; `Ucontext` is its exact layout, so the reference ends where the siginfo
        // begins.
        let ctx = unsafe { ctx.cast::<Ucontext>().as_mut() }.ok_or(DecodeError::NullContext)?;
        // SAFETY: the caller vouches for the frame, as `new_live` requires.
        unsafe { Trap::new_live(info, ctx) }
    }

    /// Decodes a siginfo and a context given as references, for inspection, emulation and
    /// restart (tests, fuzzers, a policy checked offline). [`Trap::pass_through`] on the
    /// result returns [`PassError::NotLive`]: see [`Trap::new_live`].
    ///
    /// # Errors
    ///
    /// - the siginfo errors of [`SigsysInfo::from_siginfo`];
    /// - [`DecodeError::NumberMismatch`] when RAX does not hold the number the way the
    ///   kernel leaves it (the low 32 bits equal to `si_syscall`, or `-EINTR` or the number
    ///   itself where the kernel's restart fix-up acted on a number equal to `-ERESTART*`);
    /// - [`DecodeError::IpMismatch`] when RIP is not `si_call_addr`, unless the kernel
    ///   rewound a `-ERESTARTSYS`/`-ERESTARTNOINTR` number;
    /// - [`DecodeError::BadVsyscall`] for a vsyscall-page trap the kernel cannot produce.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{testing::Frame, DecodeError, Syscall};
    /// // Somebody called tgkill(SIGSYS): si_code is SI_TKILL.
    /// let mut frame = Frame::sud(Syscall::x86_64(syscalls::x86_64::Sysno::getpid, [0; 6])).with_code(-6);
    /// assert_eq!(frame.trap().unwrap_err(), DecodeError::SentByProcess { code: -6 });
    /// ```
    pub fn new(info: &libc::siginfo_t, ctx: &'a mut Ucontext) -> Result<Trap<'a>, DecodeError> {
        let info = SigsysInfo::from_siginfo(info)?;
        let regs = &ctx.mcontext;
        let reported = arch::Reported {
            abi: info.abi,
            seccomp: matches!(info.cause, Cause::Seccomp { .. }),
            call_addr: info.call_addr,
            nr: info.syscall,
            restart: restart_code(info.syscall),
        };
        let site = arch::classify(reported, regs)?;
        let nr = info.abi.table_number(info.syscall);
        let call = Syscall::new(info.abi, nr, arch::args(regs, info.abi));
        Ok(Trap {
            info,
            ctx,
            call,
            site,
            live: false,
        })
    }

    /// [`Trap::new`] for a frame that may act for real: [`Trap::pass_through`] then makes
    /// the decoded call.
    ///
    /// # Safety
    ///
    /// `pass_through` will make the call the context describes, with its arguments as
    /// given (pointers included: the kernel writes where they point), from the calling
    /// thread. The caller must answer for that as if the code the context describes had
    /// made the call: in a SIGSYS handler with the kernel's frame this is so by
    /// construction; for a made-up context the caller must make sure the call is sound.
    /// Also, writes to the context ([`Trap::set_return`], a restart) take effect on the
    /// interrupted code when the handler returns, when the context is a live frame.
    ///
    /// # Errors
    ///
    /// As [`Trap::new`].
    pub unsafe fn new_live(
        info: &libc::siginfo_t,
        ctx: &'a mut Ucontext,
    ) -> Result<Trap<'a>, DecodeError> {
        let mut trap = Trap::new(info, ctx)?;
        trap.live = true;
        Ok(trap)
    }

    /// Whether [`Trap::pass_through`] may act (the trap was built with [`Trap::from_raw`] or
    /// [`Trap::new_live`]).
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// The decoded call: ABI, number, arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
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
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
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
        arch::pc(self.gregs())
    }

    /// The interrupted code's RSP.
    pub fn sp(&self) -> u64 {
        arch::sp(self.gregs())
    }

    /// Where RIP stood at decode time relative to the instruction.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
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

    /// The saved context (the kernel's layout), read-only.
    pub fn ucontext(&self) -> &Ucontext {
        self.ctx
    }

    /// The saved registers, read-only.
    pub fn regs(&self) -> &Sigcontext {
        &self.ctx.mcontext
    }

    /// The saved context, for what this type does not cover (other registers, the FPU
    /// state's pointer). Changes take effect when the handler returns.
    ///
    /// # Safety
    ///
    /// For a live trap, what is written here becomes the interrupted code's state at
    /// `rt_sigreturn`: the caller must leave it a state the code can go on from (an
    /// instruction pointer, a stack pointer and an `fpstate` pointer it may use).
    pub unsafe fn ucontext_mut(&mut self) -> &mut Ucontext {
        self.ctx
    }

    /// The signal mask the interrupted code will get back when the handler returns.
    ///
    /// # Examples
    ///
    /// ```
    /// # use sigsys::{testing::Frame, Syscall};
    /// # let mut frame = Frame::sud(Syscall::x86_64(syscalls::x86_64::Sysno::getpid, [0; 6]));
    /// let mut trap = frame.trap().unwrap();
    /// assert!(!trap.sigmask().contains(libc::SIGUSR1));
    /// ```
    pub fn sigmask(&self) -> SigSet {
        self.ctx.sigmask
    }

    /// Sets the mask restored at return; see [`Trap::sigmask`]. The kernel never blocks
    /// `SIGKILL` or `SIGSTOP`; blocking SIGSYS makes the next trap kill the process.
    pub fn set_sigmask(&mut self, mask: SigSet) {
        self.ctx.sigmask = mask;
    }

    /// The interrupted program's memory, as this handler may read it: with the crate's
    /// safecopy routine ([`crate::safecopy`]) when its fault handler is in force and the
    /// frame's mask blocks neither SIGSEGV nor SIGBUS, else through `process_vm_readv`.
    /// Pass it to the formatter ([`crate::fmt`]) and to [`crate::mem::read_cstr`] and
    /// friends.
    ///
    /// The frame's mask is what the interrupted code blocked; the handler runs with that
    /// and its own `sa_mask`, which must leave SIGSEGV and SIGBUS unblocked for the fast
    /// reads to be safe (it does with [`crate::install::install_handler`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::mem::Memory;
    /// # use sigsys::{testing::Frame, Syscall};
    /// # let mut frame = Frame::sud(Syscall::x86_64(syscalls::x86_64::Sysno::getpid, [0; 6]));
    /// sigsys::safecopy::install().unwrap();
    /// let trap = frame.trap().unwrap();
    /// let mem = trap.memory();
    /// assert!(mem.is_fast());
    /// assert_eq!(mem.read(8, &mut [0u8; 4]), Err(syscalls::Errno::EFAULT));
    /// ```
    pub fn memory(&self) -> FastMemory {
        FastMemory::for_blocked(self.ctx.sigmask)
    }

    /// The alternate stack `rt_sigreturn` restores (`uc_stack`), as it was when the signal
    /// arrived unless changed.
    pub fn altstack(&self) -> SigStack {
        arch::altstack(self.ctx)
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
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
    /// trap.set_return(4242);
    /// assert_eq!(frame.outcome(), Outcome::Returned(4242));
    /// ```
    pub fn set_return(&mut self, value: i64) {
        let rax = value as u64;
        let site = self.site;
        let call_addr = self.info.call_addr;
        let gregs = self.gregs_mut();
        arch::set_ret(gregs, rax);
        if site != Site::Vsyscall {
            arch::set_pc(gregs, call_addr);
        }
    }

    /// Makes the call fail with `errno` (RAX = `-errno`).
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
    /// trap.set_errno(syscalls::Errno::EPERM);
    /// assert_eq!(frame.outcome().errno(), Some(syscalls::Errno::EPERM));
    /// ```
    pub fn set_errno(&mut self, errno: Errno) {
        self.set_return(i64::from(errno.into_raw()).wrapping_neg());
    }

    /// [`Trap::set_return`] or [`Trap::set_errno`], from a `Result`.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
    /// trap.set_result(Err(syscalls::Errno::ENOENT));
    /// assert_eq!(frame.outcome(), Outcome::Returned(-2));
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
    /// attempt: [`crate::filter::allow_tagged`], [`crate::filter::Program::allow_tagged`]);
    /// otherwise it traps again, forever. To run a call unchanged or rewritten without
    /// re-executing it, see [`Trap::pass_through`] and [`Trap::pass_through_with`].
    ///
    /// # Errors
    ///
    /// See [`RestartError`]: vsyscall calls, RIP moved, and bytes before the call address
    /// that are not a system call instruction of the call's ABI.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
    /// trap.restart().unwrap();
    /// assert_eq!(frame.outcome(), Outcome::Restarted(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0])));
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
    /// The new arguments are written into the caller's argument registers, and that is
    /// where the re-executed call finds them: after it returns, **the caller sees the
    /// rewritten argument registers**, not the ones it loaded (a call the kernel runs
    /// leaves them as they were). Compiled code that keeps a value in an argument register
    /// across a call it made with inline assembly would see the change; libc's wrappers do
    /// not care. Pointers written here must stay valid until the re-executed call has run,
    /// after the handler returned: a `static`, never the handler's stack.
    ///
    /// [`Trap::pass_through_with`] runs a rewritten call from the gate instead, inside the
    /// handler, leaving the argument registers alone; prefer it for every call it accepts.
    /// Under SUD it also keeps the selector at BLOCK: after a restart with the selector at
    /// ALLOW (the only way a re-executed call is let through), nothing traps on that
    /// thread until code outside the handler sets BLOCK again, for there is no later trap
    /// at which the handler could do it. Restart only what `pass_through_with` refuses
    /// (`clone` with a new stack, `clone3`, `vfork`), and set BLOCK again in the code that
    /// resumes: the new thread or child starts with SUD disarmed anyway, and the parent
    /// resumes after its `clone` returns (call [`crate::sud::Selector::block`] there, for
    /// example right after `std::thread::spawn`).
    ///
    /// # Errors
    ///
    /// As [`Trap::restart`], plus [`RestartError::NotASyscallInstruction`] when the
    /// instruction does not match `call.abi`.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::testing::{Frame, Outcome};
    /// use sigsys::Syscall;
    /// use syscalls::x86_64::Sysno;
    /// // A trapped getpid(3), built by the test kit (`sigsys::testing`).
    /// let mut frame = Frame::sud(Syscall::x86_64(Sysno::getpid, [3, 0, 0, 0, 0, 0]));
    /// let mut trap = frame.trap().unwrap();
    /// // Run getppid (110) instead, with no arguments.
    /// let mut call = trap.syscall();
    /// call.nr = 110;
    /// call.args = [0; 6];
    /// trap.restart_with(call).unwrap();
    /// assert_eq!(frame.outcome(), Outcome::Restarted(Syscall::x86_64(Sysno::getppid, [0; 6])));
    /// ```
    pub fn restart_with(&mut self, call: Syscall) -> Result<(), RestartError> {
        let (insn_addr, len) = self.check_rewindable()?;
        // The instruction, at the length of the state that trapped (ARM's Thumb: 2 of 4).
        let mut bytes = [0u8; arch::INSN_LEN];
        let insn = bytes.get_mut(..len).unwrap_or_default();
        match self.memory().read(insn_addr, insn) {
            Ok(n) if n == insn.len() => {}
            Ok(_) => {
                return Err(RestartError::Unreadable {
                    errno: Errno::EFAULT.into_raw(),
                })
            }
            Err(e) => {
                return Err(RestartError::Unreadable {
                    errno: e.into_raw(),
                })
            }
        }
        if !arch::instruction_serves(insn, call.abi) {
            return Err(RestartError::NotASyscallInstruction { bytes });
        }
        let gregs = self.gregs_mut();
        arch::set_args(gregs, call.abi, call.args);
        arch::set_number_reg(gregs, call.rax());
        arch::set_pc(gregs, insn_addr);
        Ok(())
    }

    /// The instruction's address and length, if RIP still allows going back to it.
    fn check_rewindable(&self) -> Result<(u64, usize), RestartError> {
        let call_addr = self.info.call_addr;
        let rip = self.ip();
        let len = arch::insn_len(self.gregs());
        let insn_addr = call_addr.wrapping_sub(len as u64);
        match self.site {
            Site::Vsyscall => Err(RestartError::Vsyscall),
            _ if rip == call_addr || (self.site == Site::Rewound && rip == insn_addr) => {
                Ok((insn_addr, len))
            }
            _ => Err(RestartError::IpMoved { rip, call_addr }),
        }
    }

    pub(crate) fn gregs(&self) -> &Regs {
        &self.ctx.mcontext
    }

    pub(crate) fn gregs_mut(&mut self) -> &mut Regs {
        &mut self.ctx.mcontext
    }

    /// Replaces the alternate stack saved in the frame, for the pass-through routes that
    /// act on it.
    pub(crate) fn set_altstack(&mut self, stack: SigStack) {
        arch::set_altstack(self.ctx, stack);
    }
}

/// The kernel's restart code `-nr` is, if the number equals one (`-ERESTART*`): its
/// signal-delivery fix-up acts on such a number, left in the number register by the
/// rollback.
fn restart_code(si_syscall: i32) -> Option<RestartCode> {
    match si_syscall.checked_neg()? {
        ERESTARTSYS => Some(RestartCode::Sys),
        ERESTARTNOINTR => Some(RestartCode::NoIntr),
        ERESTARTNOHAND => Some(RestartCode::NoHand),
        ERESTART_RESTARTBLOCK => Some(RestartCode::RestartBlock),
        _ => None,
    }
}
