//! [`Program`]: a seccomp program built piece by piece, every jump computed.

use libc::{sock_filter, BPF_IMM, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_LDX};
use syscalls::Errno;

use super::insn::{errno, jump, load_nr, ret, stmt};
use super::install::{install, MAX_INSNS};
use super::prefix::gate_prefix;
use super::rules::{allow_tagged, check_arch};
#[allow(unused_imports)] // named by the docs
use super::{compose, FOREIGN_NR, GATE_PREFIX_LEN};
use crate::arch::Native as Sysno;

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
