//! The decoded system call: a small `Copy` value, independent of any signal context.

use crate::abi::Abi;
use crate::arch::Sysno;
use crate::sysno::AbiSysno;

/// One system call: its ABI, its number in that ABI's table, its six arguments.
///
/// This is what [`crate::Trap::syscall`] decodes, what [`crate::Trap::restart_with`]
/// accepts rewritten, and what the formatter prints. Arguments of i386 calls are the low
/// 32 bits of their registers, zero-extended.
///
/// # Examples
///
/// ```
/// use sigsys::{Abi, Syscall};
/// let call = Syscall::new(Abi::X86_64, 39, [0; 6]);
/// assert_eq!(call.name(), Some("getpid"));
/// assert_eq!(call.canonical(), Some(syscalls::x86_64::Sysno::getpid));
/// let odd = Syscall::new(Abi::X86_64, 0x1f3, [0; 6]);
/// assert_eq!(odd.name(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Syscall {
    /// The ABI the call was made with.
    pub abi: Abi,
    /// The number in `abi`'s table (x32 bit cleared); unknown numbers are kept as they are.
    pub nr: u32,
    /// Arguments 1 to 6 as the kernel would read them for `abi`.
    pub args: [u64; 6],
}

impl Syscall {
    /// A call of `abi` with table number `nr` and `args`.
    pub const fn new(abi: Abi, nr: u32, args: [u64; 6]) -> Syscall {
        Syscall { abi, nr, args }
    }

    /// An x86_64 call of `sysno` with `args` (x86_64 builds: the ABI is that target's).
    #[cfg(target_arch = "x86_64")]
    pub const fn x86_64(sysno: Sysno, args: [u64; 6]) -> Syscall {
        Syscall::new(Abi::X86_64, sysno.id() as u32, args)
    }

    /// The number in its ABI's table, if the table knows it.
    pub fn sysno(&self) -> Option<AbiSysno> {
        AbiSysno::new(self.abi, self.nr)
    }

    /// The kernel's name of the call, if known.
    pub fn name(&self) -> Option<&'static str> {
        self.sysno().map(AbiSysno::name)
    }

    /// The x86_64 call of the same meaning (see [`AbiSysno::to_x86_64`]).
    pub fn canonical(&self) -> Option<Sysno> {
        self.sysno().and_then(AbiSysno::to_x86_64)
    }

    /// Whether this is the x86_64-meaning call `sysno`, whatever the ABI.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{Abi, Syscall, Sysno};
    /// // i386 open (5) means x86_64 open.
    /// assert!(Syscall::new(Abi::I386, 5, [0; 6]).is(Sysno::open));
    /// ```
    pub fn is(&self, sysno: Sysno) -> bool {
        self.canonical() == Some(sysno)
    }

    /// Argument `n` (0-based) read as the kernel reads an `int` parameter: the low 32 bits,
    /// as a signed value. A signal number, descriptor, `how` or command is an `int`: compare
    /// it through this, never as the full register, or `(1 << 32) | 31` passes for
    /// something other than SIGSYS. `n` past 5 reads 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{Abi, Syscall};
    /// let call = Syscall::new(Abi::X86_64, 13, [(1 << 32) | 31, 0, 0, 0, 0, 0]);
    /// assert_eq!(call.arg_int(0), libc::SIGSYS);
    /// assert_eq!(Syscall::new(Abi::X86_64, 3, [u64::MAX, 0, 0, 0, 0, 0]).arg_int(0), -1);
    /// ```
    pub fn arg_int(&self, n: usize) -> i32 {
        self.args.get(n).map_or(0, |&v| v as u32 as i32)
    }

    /// The value RAX must hold to issue this call.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::{Abi, Syscall};
    /// assert_eq!(Syscall::new(Abi::X32, 39, [0; 6]).rax(), 0x4000_0027);
    /// ```
    pub const fn rax(&self) -> u64 {
        self.abi.rax_for(self.nr)
    }
}
