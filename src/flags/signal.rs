//! Signals: numbers and names, `sigaction`/`sigaltstack` flags, `sigprocmask` how, `signalfd4`.

use core::fmt::{self, Write};

use crate::text::emit;

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

/// Signal numbers, printed as `SIGUSR1`; real-time signals as `SIGRTMIN`, `SIGRT_1`...
/// (strace's names, counted from the kernel's `SIGRTMIN` of 32, so glibc's `SIGRTMIN` 34 is
/// `SIGRT_2`); unknown numbers in decimal.
///
/// # Examples
///
/// ```
/// use sigsys::flags::Signal;
/// assert_eq!(Signal(10).name(), Some("SIGUSR1"));
/// assert_eq!(Signal(99).name(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signal(pub i32);

const SIGNAL_NAMES: [&str; 32] = [
    "0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

impl Signal {
    /// The name of a classic signal (1 to 31), `None` otherwise.
    ///
    /// ```
    /// assert_eq!(sigsys::flags::Signal(31).name(), Some("SIGSYS"));
    /// ```
    pub fn name(self) -> Option<&'static str> {
        match usize::try_from(self.0) {
            Ok(n @ 1..=31) => SIGNAL_NAMES.get(n).copied(),
            _ => None,
        }
    }

    /// Writes the signal as strace does; `bare` drops the `SIG` prefix (as in signal
    /// sets: `[USR1 CHLD]`).
    ///
    /// # Errors
    ///
    /// Those of `out`.
    ///
    /// ```
    /// let mut buf = [0u8; 16];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
    /// sigsys::flags::Signal(33).write(&mut out, false).unwrap();
    /// assert_eq!(out.as_str(), "SIGRT_1");
    /// ```
    pub fn write<W: Write + ?Sized>(self, out: &mut W, bare: bool) -> fmt::Result {
        let strip = |s: &'static str| if bare { s.get(3..).unwrap_or(s) } else { s };
        match (self.name(), self.0) {
            (Some(name), _) => out.write_str(strip(name)),
            (None, 32) => out.write_str(strip("SIGRTMIN")),
            (None, n @ 33..=64) => {
                out.write_str(strip("SIGRT_"))?;
                emit!(out, n.wrapping_sub(32))
            }
            (None, n) => emit!(out, n),
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

strace_flags! {
    /// `sigaction` flags (`SA_*`), as found in `struct sigaction`.
    ///
    /// ```
    /// use sigsys::flags::SaFlags;
    /// assert_eq!(SaFlags::SA_SIGINFO.bits(), 4);
    /// ```
    pub struct SaFlags: u64;
    zero = None;
    field(0) {}
    flags {
        // strace's print order (src/xlat/sigact_flags.in).
        SA_RESTORER = 0x0400_0000, SA_ONSTACK, SA_RESTART, SA_NODEFER, SA_RESETHAND,
        SA_SIGINFO, SA_NOCLDSTOP, SA_NOCLDWAIT, SA_UNSUPPORTED = 0x400,
        SA_EXPOSE_TAGBITS = 0x800,
    }
}

strace_flags! {
    /// `stack_t` flags of `sigaltstack`.
    ///
    /// ```
    /// use sigsys::flags::SsFlags;
    /// assert_eq!(SsFlags::SS_DISABLE.bits(), 2);
    /// ```
    pub struct SsFlags: u32;
    zero = None;
    field(0) {}
    flags { SS_ONSTACK, SS_DISABLE, SS_AUTODISARM = 0x8000_0000 }
}

strace_enum! {
    /// `sigprocmask` how (`SIG_*`).
    ///
    /// ```
    /// use sigsys::flags::SigHow;
    /// assert_eq!(SigHow::SIG_SETMASK.0, 2);
    /// ```
    pub struct SigHow(u32);
    prefix = "SIG_", decimal = false;
    { SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK }
}

strace_flags! {
    /// `signalfd4` flags.
    ///
    /// ```
    /// use sigsys::flags::SignalfdFlags;
    /// assert_eq!(SignalfdFlags::SFD_NONBLOCK.bits(), 0o4000);
    /// ```
    pub struct SignalfdFlags: u32;
    zero = None;
    field(0) {}
    flags { SFD_CLOEXEC, SFD_NONBLOCK }
}
