//! Typed flag sets and enumerated constants of system call arguments, with strace's names.
//!
//! Every flag type is a [`bitflags`] type whose constants carry the kernel's names
//! (`OFlags::O_CLOEXEC`), declared in the order strace prints them. Each also exposes its
//! name table as a [`FlagSpec`] (through the [`StraceFlags`] trait), which prints a value
//! the way strace does (`O_RDONLY|O_CLOEXEC`, unknown bits in hex after the known ones:
//! `O_RDONLY|0x40000000`) and parses such text back ([`FlagSpec::parse`]).
//!
//! Enumerated arguments (fcntl commands, prctl options, madvise advice, ...) are newtypes
//! over the raw number with named associated constants and a [`EnumSpec`] for their names.
//!
//! Everything here is `no_std`, allocation-free and panic-free.
//!
//! # Examples
//!
//! ```
//! use sigsys::flags::{OFlags, StraceFlags};
//! let f = OFlags::from_bits_retain(0o2000000 | 0x4000_0000);
//! assert!(f.contains(OFlags::O_CLOEXEC));
//! let mut buf = [0u8; 64];
//! let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
//! core::fmt::Write::write_fmt(&mut out, format_args!("{f}")).unwrap();
//! assert_eq!(out.as_str(), "O_RDONLY|O_CLOEXEC|0x40000000");
//! assert_eq!(OFlags::SPEC.parse("O_RDONLY|O_CLOEXEC|0x40000000"), Some(f.bits().into()));
//! ```

use core::fmt::{self, Write};

use crate::text::{emit, Hex};

/// The names of one flag type, in strace's printing order.
///
/// A value is printed as: the name of its *field* (the bits under `field_mask`, an
/// enumerated sub-value such as the access mode of `open` or the type of `mmap`), then the
/// name of every flag whose bits are all set (in table order; each name's bits are taken
/// out once printed, so composite names like `O_SYNC` must precede their parts), then the
/// remaining unknown bits in hex; a value with nothing to print is `zero` or `0`.
///
/// # Examples
///
/// ```
/// use sigsys::flags::{ProtFlags, StraceFlags};
/// let mut buf = [0u8; 32];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// ProtFlags::SPEC.write(&mut out, 3).unwrap();
/// assert_eq!(out.as_str(), "PROT_READ|PROT_WRITE");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    /// Bits holding an enumerated sub-value (0 when there is none).
    pub field_mask: u64,
    /// Names of the sub-values under `field_mask`.
    pub field: &'static [(&'static str, u64)],
    /// Flag names and their bits, in printing order.
    pub flags: &'static [(&'static str, u64)],
    /// What to print for a value with no field name and no bits (strace: `0` unless named).
    pub zero: Option<&'static str>,
}

impl FlagSpec {
    /// Writes `value` strace-style.
    ///
    /// # Errors
    ///
    /// Those of `out`.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::flags::{MapFlags, StraceFlags};
    /// let mut buf = [0u8; 64];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
    /// MapFlags::SPEC.write(&mut out, 0x22).unwrap();
    /// assert_eq!(out.as_str(), "MAP_PRIVATE|MAP_ANONYMOUS");
    /// ```
    pub fn write<W: Write + ?Sized>(&self, out: &mut W, value: u64) -> fmt::Result {
        let mut rest = value;
        let mut first = true;
        if self.field_mask != 0 {
            let sub = value & self.field_mask;
            if let Some(name) = lookup(self.field, sub) {
                out.write_str(name)?;
                first = false;
                rest &= !self.field_mask;
            }
        }
        for &(name, bits) in self.flags {
            if bits != 0 && rest & bits == bits {
                if !first {
                    out.write_char('|')?;
                }
                out.write_str(name)?;
                first = false;
                rest &= !bits;
            }
        }
        if rest != 0 {
            if !first {
                out.write_char('|')?;
            }
            emit!(out, Hex(rest))?;
            first = false;
        }
        if first {
            out.write_str(self.zero.unwrap_or("0"))?;
        }
        Ok(())
    }

    /// Parses text printed by [`FlagSpec::write`] (names, `0x` hex and decimal numbers
    /// joined by `|`) back into the value; `None` for an unknown name.
    ///
    /// # Examples
    ///
    /// ```
    /// use sigsys::flags::{AccessMode, StraceFlags};
    /// assert_eq!(AccessMode::SPEC.parse("R_OK|W_OK"), Some(6));
    /// assert_eq!(AccessMode::SPEC.parse("F_OK"), Some(0));
    /// assert_eq!(AccessMode::SPEC.parse("Q_OK"), None);
    /// ```
    pub fn parse(&self, text: &str) -> Option<u64> {
        let mut value = 0u64;
        for part in text.split('|') {
            let bits = if Some(part) == self.zero {
                0
            } else if let Some(&(_, v)) = self
                .field
                .iter()
                .chain(self.flags.iter())
                .find(|(n, _)| *n == part)
            {
                v
            } else if let Some(hex) = part.strip_prefix("0x") {
                u64::from_str_radix(hex, 16).ok()?
            } else {
                part.parse::<u64>().ok()?
            };
            value |= bits;
        }
        Some(value)
    }
}

fn lookup(table: &'static [(&'static str, u64)], value: u64) -> Option<&'static str> {
    table.iter().find(|(_, v)| *v == value).map(|(n, _)| *n)
}

/// A flag type with strace's names: the link between a [`bitflags`] type and its
/// [`FlagSpec`].
///
/// # Examples
///
/// ```
/// use sigsys::flags::{MsgFlags, StraceFlags};
/// let f = MsgFlags::from_raw(0x40);
/// assert_eq!(f, MsgFlags::MSG_DONTWAIT);
/// assert_eq!(f.raw(), 0x40);
/// ```
pub trait StraceFlags: Copy + fmt::Display {
    /// The type's names.
    const SPEC: FlagSpec;
    /// The value from a raw argument (truncated to the type's width; unknown bits kept).
    fn from_raw(raw: u64) -> Self;
    /// The raw bits, zero-extended.
    fn raw(self) -> u64;
}

/// Declares a bitflags type with strace's names, its [`FlagSpec`] and `Display`.
macro_rules! strace_flags {
    (
        $(#[$meta:meta])*
        pub struct $T:ident: $B:ty;
        zero = $zero:expr;
        field($mask:expr) { $($FN:ident = $fv:expr),* $(,)? }
        flags { $($N:ident = $v:expr),* $(,)? }
    ) => {
        bitflags::bitflags! {
            $(#[$meta])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub struct $T: $B {
                $(
                    #[doc = concat!("`", stringify!($FN), "` (a value of the field under the mask ", stringify!($mask), ").")]
                    const $FN = $fv;
                )*
                $(
                    #[doc = concat!("`", stringify!($N), "`.")]
                    const $N = $v;
                )*
            }
        }

        impl StraceFlags for $T {
            const SPEC: FlagSpec = FlagSpec {
                field_mask: $mask as u64,
                field: &[$((stringify!($FN), $fv as u64)),*],
                flags: &[$((stringify!($N), $v as u64)),*],
                zero: $zero,
            };
            fn from_raw(raw: u64) -> Self {
                Self::from_bits_retain(raw as $B)
            }
            fn raw(self) -> u64 {
                self.bits() as u64
            }
        }

        impl fmt::Display for $T {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                <Self as StraceFlags>::SPEC.write(f, self.bits() as u64)
            }
        }
    };
}

strace_flags! {
    /// `open`/`openat` flags (`O_*`); the access mode is the field under `O_ACCMODE`.
    ///
    /// ```
    /// use sigsys::flags::OFlags;
    /// let f = OFlags::O_WRONLY | OFlags::O_CREAT | OFlags::O_TRUNC;
    /// assert_eq!(f.bits(), 0o1101);
    /// ```
    pub struct OFlags: u32;
    zero = None;
    field(3) { O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2 }
    flags {
        O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000,
        O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_SYNC = 0o4010000, O_DSYNC = 0o10000,
        O_ASYNC = 0o20000, O_DIRECT = 0o40000, O_LARGEFILE = 0o100000,
        O_TMPFILE = 0o20200000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000,
        O_NOATIME = 0o1000000, O_CLOEXEC = 0o2000000, O_PATH = 0o10000000,
    }
}

strace_flags! {
    /// `AT_*` flags of the `*at` calls (`AT_REMOVEDIR` for `unlinkat`, the others for
    /// `fstatat`, `linkat`, `fchownat`, `utimensat`, `statx`, ...).
    ///
    /// ```
    /// use sigsys::flags::AtFlags;
    /// assert_eq!(AtFlags::AT_SYMLINK_NOFOLLOW.bits(), 0x100);
    /// ```
    pub struct AtFlags: u32;
    zero = None;
    field(0) {}
    flags {
        AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
        AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000, AT_STATX_FORCE_SYNC = 0x2000,
        AT_STATX_DONT_SYNC = 0x4000, AT_RECURSIVE = 0x8000,
    }
}

strace_flags! {
    /// Flags of `faccessat2` (`AT_EACCESS` shares its bit with `AT_REMOVEDIR`).
    ///
    /// ```
    /// use sigsys::flags::AccessAtFlags;
    /// assert_eq!(AccessAtFlags::AT_EACCESS.bits(), 0x200);
    /// ```
    pub struct AccessAtFlags: u32;
    zero = None;
    field(0) {}
    flags { AT_SYMLINK_NOFOLLOW = 0x100, AT_EACCESS = 0x200, AT_EMPTY_PATH = 0x1000 }
}

strace_flags! {
    /// `access` modes: `F_OK` (0) or `R_OK|W_OK|X_OK`.
    ///
    /// ```
    /// use sigsys::flags::AccessMode;
    /// assert_eq!((AccessMode::R_OK | AccessMode::X_OK).bits(), 5);
    /// ```
    pub struct AccessMode: u32;
    zero = Some("F_OK");
    field(0) {}
    flags { R_OK = 4, W_OK = 2, X_OK = 1 }
}

strace_flags! {
    /// Memory protection (`PROT_*`); nothing set is `PROT_NONE`.
    ///
    /// ```
    /// use sigsys::flags::ProtFlags;
    /// assert_eq!((ProtFlags::PROT_READ | ProtFlags::PROT_EXEC).bits(), 5);
    /// ```
    pub struct ProtFlags: u32;
    zero = Some("PROT_NONE");
    field(0) {}
    flags {
        PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, PROT_SEM = 8,
        PROT_GROWSDOWN = 0x0100_0000, PROT_GROWSUP = 0x0200_0000,
    }
}

strace_flags! {
    /// `mmap` flags (`MAP_*`); the mapping type is the field under `MAP_TYPE` (0xf).
    ///
    /// ```
    /// use sigsys::flags::MapFlags;
    /// assert_eq!((MapFlags::MAP_PRIVATE | MapFlags::MAP_ANONYMOUS).bits(), 0x22);
    /// ```
    pub struct MapFlags: u32;
    zero = None;
    field(0xf) { MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3 }
    flags {
        MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_32BIT = 0x40, MAP_GROWSDOWN = 0x100,
        MAP_DENYWRITE = 0x800, MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000,
        MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_NONBLOCK = 0x10000,
        MAP_STACK = 0x20000, MAP_HUGETLB = 0x40000, MAP_SYNC = 0x80000,
        MAP_FIXED_NOREPLACE = 0x100000, MAP_UNINITIALIZED = 0x400_0000,
    }
}

strace_flags! {
    /// `mremap` flags.
    ///
    /// ```
    /// use sigsys::flags::MremapFlags;
    /// assert_eq!(MremapFlags::MREMAP_MAYMOVE.bits(), 1);
    /// ```
    pub struct MremapFlags: u32;
    zero = None;
    field(0) {}
    flags { MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4 }
}

strace_flags! {
    /// `msync` flags.
    ///
    /// ```
    /// use sigsys::flags::MsyncFlags;
    /// assert_eq!(MsyncFlags::MS_SYNC.bits(), 4);
    /// ```
    pub struct MsyncFlags: u32;
    zero = None;
    field(0) {}
    flags { MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4 }
}

strace_flags! {
    /// `mount` flags (`MS_*`; the old magic `MS_MGC_VAL` in the high half is named too).
    ///
    /// ```
    /// use sigsys::flags::MountFlags;
    /// assert_eq!((MountFlags::MS_BIND | MountFlags::MS_REC).bits(), 0x5000);
    /// ```
    pub struct MountFlags: u64;
    zero = None;
    field(0xffff_0000) { MS_MGC_VAL = 0xc0ed_0000 }
    flags {
        MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
        MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256,
        MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192,
        MS_REC = 16384, MS_SILENT = 32768, MS_POSIXACL = 1 << 16, MS_UNBINDABLE = 1 << 17,
        MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21,
        MS_KERNMOUNT = 1 << 22, MS_I_VERSION = 1 << 23, MS_STRICTATIME = 1 << 24,
        MS_LAZYTIME = 1 << 25,
    }
}

strace_flags! {
    /// `umount2` flags.
    ///
    /// ```
    /// use sigsys::flags::UmountFlags;
    /// assert_eq!(UmountFlags::MNT_DETACH.bits(), 2);
    /// ```
    pub struct UmountFlags: u32;
    zero = None;
    field(0) {}
    flags { MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8 }
}

strace_flags! {
    /// `clone` flags; the low byte (`CSIGNAL`) is the exit signal, printed by the
    /// formatter as a signal name.
    ///
    /// ```
    /// use sigsys::flags::CloneFlags;
    /// assert_eq!(CloneFlags::CLONE_VM.bits(), 0x100);
    /// ```
    pub struct CloneFlags: u64;
    zero = None;
    field(0) {}
    flags {
        CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
        CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000,
        CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000,
        CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
        CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
        CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000,
        CLONE_NEWCGROUP = 0x2000000, CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000,
        CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000,
        CLONE_IO = 0x80000000, CLONE_CLEAR_SIGHAND = 0x1_0000_0000,
        CLONE_INTO_CGROUP = 0x2_0000_0000,
    }
}

strace_flags! {
    /// `unshare` flags (the namespace and sharing subset of `CLONE_*`, with
    /// `CLONE_NEWTIME`).
    ///
    /// ```
    /// use sigsys::flags::UnshareFlags;
    /// assert_eq!(UnshareFlags::CLONE_NEWUSER.bits(), 0x10000000);
    /// ```
    pub struct UnshareFlags: u32;
    zero = None;
    field(0) {}
    flags {
        CLONE_NEWTIME = 0x80, CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400,
        CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000,
        CLONE_SYSVSEM = 0x40000, CLONE_NEWCGROUP = 0x2000000, CLONE_NEWUTS = 0x4000000,
        CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
        CLONE_NEWNET = 0x40000000,
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
        SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_UNSUPPORTED = 0x400,
        SA_EXPOSE_TAGBITS = 0x800, SA_RESTORER = 0x0400_0000, SA_ONSTACK = 0x0800_0000,
        SA_RESTART = 0x1000_0000, SA_NODEFER = 0x4000_0000, SA_RESETHAND = 0x8000_0000,
    }
}

strace_flags! {
    /// Socket type and flags of `socket`/`socketpair`: the type is the field under 0xf.
    ///
    /// ```
    /// use sigsys::flags::SockType;
    /// assert_eq!((SockType::SOCK_STREAM | SockType::SOCK_CLOEXEC).bits(), 0o2000001);
    /// ```
    pub struct SockType: u32;
    zero = None;
    field(0xf) {
        SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5,
        SOCK_DCCP = 6, SOCK_PACKET = 10,
    }
    flags { SOCK_CLOEXEC = 0o2000000, SOCK_NONBLOCK = 0o4000 }
}

strace_flags! {
    /// Flags of `accept4` (`SOCK_NONBLOCK`, `SOCK_CLOEXEC`).
    ///
    /// ```
    /// use sigsys::flags::SockFlags;
    /// assert_eq!(SockFlags::SOCK_CLOEXEC.bits(), 0o2000000);
    /// ```
    pub struct SockFlags: u32;
    zero = None;
    field(0) {}
    flags { SOCK_CLOEXEC = 0o2000000, SOCK_NONBLOCK = 0o4000 }
}

strace_flags! {
    /// `send`/`recv` flags (`MSG_*`).
    ///
    /// ```
    /// use sigsys::flags::MsgFlags;
    /// assert_eq!(MsgFlags::MSG_NOSIGNAL.bits(), 0x4000);
    /// ```
    pub struct MsgFlags: u32;
    zero = None;
    field(0) {}
    flags {
        MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTROUTE = 4, MSG_CTRUNC = 8, MSG_PROXY = 0x10,
        MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100,
        MSG_FIN = 0x200, MSG_SYN = 0x400, MSG_CONFIRM = 0x800, MSG_RST = 0x1000,
        MSG_ERRQUEUE = 0x2000, MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000,
        MSG_WAITFORONE = 0x10000, MSG_BATCH = 0x40000, MSG_SOCK_DEVMEM = 0x2000000,
        MSG_ZEROCOPY = 0x4000000, MSG_FASTOPEN = 0x20000000, MSG_CMSG_CLOEXEC = 0x40000000,
    }
}

strace_flags! {
    /// Descriptor flags of `F_GETFD`/`F_SETFD`.
    ///
    /// ```
    /// use sigsys::flags::FdFlags;
    /// assert_eq!(FdFlags::FD_CLOEXEC.bits(), 1);
    /// ```
    pub struct FdFlags: u32;
    zero = None;
    field(0) {}
    flags { FD_CLOEXEC = 1 }
}

strace_flags! {
    /// `wait4`/`waitid` options.
    ///
    /// ```
    /// use sigsys::flags::WaitFlags;
    /// assert_eq!(WaitFlags::WNOHANG.bits(), 1);
    /// ```
    pub struct WaitFlags: u32;
    zero = None;
    field(0) {}
    flags {
        WNOHANG = 1, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x0100_0000,
        __WNOTHREAD = 0x2000_0000, __WALL = 0x4000_0000, __WCLONE = 0x8000_0000,
    }
}

strace_flags! {
    /// Flags of `pipe2`, `dup3`, `epoll_create1`, `eventfd2`, `signalfd4`, `inotify_init1`,
    /// `timerfd_create` (each its own subset: `O_CLOEXEC` and `O_NONBLOCK` bits).
    ///
    /// ```
    /// use sigsys::flags::FdCreateFlags;
    /// assert_eq!(FdCreateFlags::O_CLOEXEC.bits(), 0o2000000);
    /// ```
    pub struct FdCreateFlags: u32;
    zero = None;
    field(0) {}
    flags { O_NONBLOCK = 0o4000, O_DIRECT = 0o40000, O_CLOEXEC = 0o2000000 }
}

strace_flags! {
    /// `poll` events (`POLL*`).
    ///
    /// ```
    /// use sigsys::flags::PollEvents;
    /// assert_eq!(PollEvents::POLLIN.bits(), 1);
    /// ```
    pub struct PollEvents: u16;
    zero = None;
    field(0) {}
    flags {
        POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20,
        POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200,
        POLLMSG = 0x400, POLLREMOVE = 0x1000, POLLRDHUP = 0x2000,
    }
}

strace_flags! {
    /// `mlockall` flags.
    ///
    /// ```
    /// use sigsys::flags::MlockallFlags;
    /// assert_eq!(MlockallFlags::MCL_CURRENT.bits(), 1);
    /// ```
    pub struct MlockallFlags: u32;
    zero = None;
    field(0) {}
    flags { MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4 }
}

strace_flags! {
    /// File type bits of a mode (`S_IF*`), the field under `S_IFMT`, as `mknod` and
    /// `stat` print them (the permission bits are printed in octal after them).
    ///
    /// ```
    /// use sigsys::flags::FileType;
    /// assert_eq!(FileType::S_IFREG.bits(), 0o100000);
    /// ```
    pub struct FileType: u32;
    zero = None;
    field(0o170000) {
        S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000, S_IFBLK = 0o60000,
        S_IFDIR = 0o40000, S_IFCHR = 0o20000, S_IFIFO = 0o10000,
    }
    flags {}
}

strace_flags! {
    /// `eventfd2` flags.
    ///
    /// ```
    /// use sigsys::flags::EventfdFlags;
    /// assert_eq!(EventfdFlags::EFD_SEMAPHORE.bits(), 1);
    /// ```
    pub struct EventfdFlags: u32;
    zero = None;
    field(0) {}
    flags { EFD_SEMAPHORE = 1, EFD_CLOEXEC = 0o2000000, EFD_NONBLOCK = 0o4000 }
}

strace_flags! {
    /// `timerfd_create` flags.
    ///
    /// ```
    /// use sigsys::flags::TimerfdFlags;
    /// assert_eq!(TimerfdFlags::TFD_CLOEXEC.bits(), 0o2000000);
    /// ```
    pub struct TimerfdFlags: u32;
    zero = None;
    field(0) {}
    flags { TFD_CLOEXEC = 0o2000000, TFD_NONBLOCK = 0o4000 }
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
    flags { SFD_CLOEXEC = 0o2000000, SFD_NONBLOCK = 0o4000 }
}

strace_flags! {
    /// `epoll_create1` flags.
    ///
    /// ```
    /// use sigsys::flags::EpollFlags;
    /// assert_eq!(EpollFlags::EPOLL_CLOEXEC.bits(), 0o2000000);
    /// ```
    pub struct EpollFlags: u32;
    zero = None;
    field(0) {}
    flags { EPOLL_CLOEXEC = 0o2000000 }
}

strace_flags! {
    /// `inotify_init1` flags.
    ///
    /// ```
    /// use sigsys::flags::InotifyFlags;
    /// assert_eq!(InotifyFlags::IN_NONBLOCK.bits(), 0o4000);
    /// ```
    pub struct InotifyFlags: u32;
    zero = None;
    field(0) {}
    flags { IN_NONBLOCK = 0o4000, IN_CLOEXEC = 0o2000000 }
}

strace_flags! {
    /// `epoll` event bits (`EPOLL*`).
    ///
    /// ```
    /// use sigsys::flags::EpollEvents;
    /// assert_eq!(EpollEvents::EPOLLIN.bits(), 1);
    /// ```
    pub struct EpollEvents: u32;
    zero = None;
    field(0) {}
    flags {
        EPOLLIN = 1, EPOLLPRI = 2, EPOLLOUT = 4, EPOLLERR = 8, EPOLLHUP = 0x10,
        EPOLLNVAL = 0x20, EPOLLRDNORM = 0x40, EPOLLRDBAND = 0x80, EPOLLWRNORM = 0x100,
        EPOLLWRBAND = 0x200, EPOLLMSG = 0x400, EPOLLRDHUP = 0x2000,
        EPOLLEXCLUSIVE = 0x1000_0000, EPOLLWAKEUP = 0x2000_0000, EPOLLONESHOT = 0x4000_0000,
        EPOLLET = 0x8000_0000,
    }
}

strace_flags! {
    /// `renameat2` flags.
    ///
    /// ```
    /// use sigsys::flags::RenameFlags;
    /// assert_eq!(RenameFlags::RENAME_NOREPLACE.bits(), 1);
    /// ```
    pub struct RenameFlags: u32;
    zero = None;
    field(0) {}
    flags { RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4 }
}

strace_flags! {
    /// `getrandom` flags.
    ///
    /// ```
    /// use sigsys::flags::GrndFlags;
    /// assert_eq!(GrndFlags::GRND_NONBLOCK.bits(), 1);
    /// ```
    pub struct GrndFlags: u32;
    zero = None;
    field(0) {}
    flags { GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4 }
}

strace_flags! {
    /// `memfd_create` flags.
    ///
    /// ```
    /// use sigsys::flags::MfdFlags;
    /// assert_eq!(MfdFlags::MFD_CLOEXEC.bits(), 1);
    /// ```
    pub struct MfdFlags: u32;
    zero = None;
    field(0) {}
    flags {
        MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, MFD_NOEXEC_SEAL = 8,
        MFD_EXEC = 0x10,
    }
}

strace_flags! {
    /// `timer_settime`, `timerfd_settime` and `clock_nanosleep` flags.
    ///
    /// ```
    /// use sigsys::flags::TimerFlags;
    /// assert_eq!(TimerFlags::TIMER_ABSTIME.bits(), 1);
    /// ```
    pub struct TimerFlags: u32;
    zero = None;
    field(0) {}
    flags { TIMER_ABSTIME = 1 }
}

strace_flags! {
    /// `flock` operations.
    ///
    /// ```
    /// use sigsys::flags::FlockOp;
    /// assert_eq!((FlockOp::LOCK_EX | FlockOp::LOCK_NB).bits(), 6);
    /// ```
    pub struct FlockOp: u32;
    zero = None;
    field(0) {}
    flags { LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32 }
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
    flags { SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x8000_0000 }
}

strace_flags! {
    /// `sync_file_range` flags.
    ///
    /// ```
    /// use sigsys::flags::SyncFileRangeFlags;
    /// assert_eq!(SyncFileRangeFlags::SYNC_FILE_RANGE_WRITE.bits(), 2);
    /// ```
    pub struct SyncFileRangeFlags: u32;
    zero = None;
    field(0) {}
    flags {
        SYNC_FILE_RANGE_WAIT_BEFORE = 1, SYNC_FILE_RANGE_WRITE = 2,
        SYNC_FILE_RANGE_WAIT_AFTER = 4,
    }
}

strace_flags! {
    /// `inotify` event mask (`IN_*`).
    ///
    /// ```
    /// use sigsys::flags::InotifyMask;
    /// assert_eq!(InotifyMask::IN_CREATE.bits(), 0x100);
    /// ```
    pub struct InotifyMask: u32;
    zero = None;
    field(0) {}
    flags {
        IN_ACCESS = 1, IN_MODIFY = 2, IN_ATTRIB = 4, IN_CLOSE_WRITE = 8,
        IN_CLOSE_NOWRITE = 0x10, IN_OPEN = 0x20, IN_MOVED_FROM = 0x40, IN_MOVED_TO = 0x80,
        IN_CREATE = 0x100, IN_DELETE = 0x200, IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800,
        IN_UNMOUNT = 0x2000, IN_Q_OVERFLOW = 0x4000, IN_IGNORED = 0x8000,
        IN_ONLYDIR = 0x0100_0000, IN_DONT_FOLLOW = 0x0200_0000, IN_EXCL_UNLINK = 0x0400_0000,
        IN_MASK_CREATE = 0x1000_0000, IN_MASK_ADD = 0x2000_0000, IN_ISDIR = 0x4000_0000,
        IN_ONESHOT = 0x8000_0000,
    }
}

/// The names of an enumerated argument, and how strace prints an unknown value.
///
/// # Examples
///
/// ```
/// use sigsys::flags::{FcntlCmd, StraceEnum};
/// let mut buf = [0u8; 32];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// FcntlCmd::SPEC.write(&mut out, 0x77).unwrap();
/// assert_eq!(out.as_str(), "0x77 /* F_??? */");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct EnumSpec {
    /// Names and values.
    pub names: &'static [(&'static str, u64)],
    /// The prefix strace puts in the comment after an unknown value (`F_`, `PR_`, ...).
    pub unknown_prefix: &'static str,
    /// Whether an unknown value prints in decimal (signals, clocks) rather than hex.
    pub decimal: bool,
}

impl EnumSpec {
    /// The name of `value`, if it has one.
    ///
    /// ```
    /// use sigsys::flags::{Madvice, StraceEnum};
    /// assert_eq!(Madvice::SPEC.name(4), Some("MADV_DONTNEED"));
    /// ```
    pub fn name(&self, value: u64) -> Option<&'static str> {
        lookup(self.names, value)
    }

    /// Writes the name of `value`, or the value and strace's `/* PREFIX??? */` comment.
    ///
    /// # Errors
    ///
    /// Those of `out`.
    ///
    /// ```
    /// use sigsys::flags::{Whence, StraceEnum};
    /// let mut buf = [0u8; 32];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
    /// Whence::SPEC.write(&mut out, 1).unwrap();
    /// assert_eq!(out.as_str(), "SEEK_CUR");
    /// ```
    pub fn write<W: Write + ?Sized>(&self, out: &mut W, value: u64) -> fmt::Result {
        match self.name(value) {
            Some(name) => out.write_str(name),
            None if self.decimal => emit!(out, value, " /* ", self.unknown_prefix, "??? */"),
            None => emit!(out, Hex(value), " /* ", self.unknown_prefix, "??? */"),
        }
    }

    /// Parses a name (or a number) back into the value.
    ///
    /// ```
    /// use sigsys::flags::{ClockId, StraceEnum};
    /// assert_eq!(ClockId::SPEC.parse("CLOCK_MONOTONIC"), Some(1));
    /// ```
    pub fn parse(&self, text: &str) -> Option<u64> {
        if let Some(&(_, v)) = self.names.iter().find(|(n, _)| *n == text) {
            return Some(v);
        }
        let num = text.split(' ').next()?;
        match num.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        }
    }
}

/// An enumerated argument type with strace's names.
///
/// # Examples
///
/// ```
/// use sigsys::flags::{PrctlOption, StraceEnum};
/// assert_eq!(PrctlOption::from_raw(15), PrctlOption::PR_SET_NAME);
/// assert_eq!(PrctlOption::PR_SET_NAME.name(), Some("PR_SET_NAME"));
/// ```
pub trait StraceEnum: Copy + fmt::Display {
    /// The type's names.
    const SPEC: EnumSpec;
    /// The value from a raw argument (truncated to the type's width).
    fn from_raw(raw: u64) -> Self;
    /// The raw value, zero-extended.
    fn raw(self) -> u64;
    /// The name of this value, if known.
    fn name(self) -> Option<&'static str> {
        Self::SPEC.name(self.raw())
    }
}

/// Declares an enumerated-argument newtype with named constants, [`EnumSpec`] and
/// `Display`.
macro_rules! strace_enum {
    (
        $(#[$meta:meta])*
        pub struct $T:ident($B:ty);
        prefix = $prefix:expr, decimal = $dec:expr;
        { $($N:ident = $v:expr),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $T(pub $B);

        #[allow(non_upper_case_globals)]
        impl $T {
            $(
                #[doc = concat!("`", stringify!($N), "`.")]
                pub const $N: $T = $T($v);
            )*
        }

        impl StraceEnum for $T {
            const SPEC: EnumSpec = EnumSpec {
                names: &[$((stringify!($N), $v as u64)),*],
                unknown_prefix: $prefix,
                decimal: $dec,
            };
            fn from_raw(raw: u64) -> Self {
                $T(raw as $B)
            }
            fn raw(self) -> u64 {
                self.0 as u64
            }
        }

        impl fmt::Display for $T {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                <Self as StraceEnum>::SPEC.write(f, self.0 as u64)
            }
        }
    };
}

strace_enum! {
    /// `fcntl` commands (`F_*`).
    ///
    /// ```
    /// use sigsys::flags::FcntlCmd;
    /// assert_eq!(FcntlCmd::F_DUPFD_CLOEXEC.0, 1030);
    /// ```
    pub struct FcntlCmd(u32);
    prefix = "F_", decimal = false;
    {
        F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5,
        F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10,
        F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16, F_GETOWNER_UIDS = 17,
        F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_SETLEASE = 1024,
        F_GETLEASE = 1025, F_NOTIFY = 1026, F_DUPFD_QUERY = 1027, F_DUPFD_CLOEXEC = 1030,
        F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_ADD_SEALS = 1033, F_GET_SEALS = 1034,
        F_GET_RW_HINT = 1035, F_SET_RW_HINT = 1036, F_GET_FILE_RW_HINT = 1037,
        F_SET_FILE_RW_HINT = 1038,
    }
}

strace_enum! {
    /// `futex` commands (the operation without `FUTEX_PRIVATE_FLAG` and
    /// `FUTEX_CLOCK_REALTIME`); see [`FutexOp`] for the whole operation word.
    ///
    /// ```
    /// use sigsys::flags::FutexCmd;
    /// assert_eq!(FutexCmd::FUTEX_WAKE.0, 1);
    /// ```
    pub struct FutexCmd(u32);
    prefix = "FUTEX_", decimal = false;
    {
        FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3,
        FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7,
        FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
        FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13,
    }
}

/// A whole `futex` operation word: command, `FUTEX_PRIVATE_FLAG` (128) and
/// `FUTEX_CLOCK_REALTIME` (256), printed as strace does (`FUTEX_WAKE_PRIVATE`,
/// `FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME`).
///
/// # Examples
///
/// ```
/// use sigsys::flags::{FutexCmd, FutexOp};
/// let op = FutexOp(129);
/// assert_eq!(op.cmd(), FutexCmd::FUTEX_WAKE);
/// assert!(op.is_private());
/// let mut buf = [0u8; 64];
/// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
/// core::fmt::Write::write_fmt(&mut out, format_args!("{op}")).unwrap();
/// assert_eq!(out.as_str(), "FUTEX_WAKE_PRIVATE");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FutexOp(pub u32);

impl FutexOp {
    /// `FUTEX_PRIVATE_FLAG`.
    pub const PRIVATE_FLAG: u32 = 128;
    /// `FUTEX_CLOCK_REALTIME`.
    pub const CLOCK_REALTIME: u32 = 256;

    /// The command.
    ///
    /// ```
    /// assert_eq!(sigsys::flags::FutexOp(9 | 256).cmd().0, 9);
    /// ```
    pub const fn cmd(self) -> FutexCmd {
        FutexCmd(self.0 & !(Self::PRIVATE_FLAG | Self::CLOCK_REALTIME))
    }

    /// Whether `FUTEX_PRIVATE_FLAG` is set.
    ///
    /// ```
    /// assert!(!sigsys::flags::FutexOp(0).is_private());
    /// ```
    pub const fn is_private(self) -> bool {
        self.0 & Self::PRIVATE_FLAG != 0
    }
}

impl FutexOp {
    /// Writes the operation as strace does (what `Display` prints).
    ///
    /// # Errors
    ///
    /// Those of `out`.
    ///
    /// ```
    /// let mut buf = [0u8; 64];
    /// let mut out = sigsys::fmt::FixedBuf::new(&mut buf);
    /// sigsys::flags::FutexOp(0x7f).write(&mut out).unwrap();
    /// assert_eq!(out.as_str(), "0x7f /* FUTEX_??? */");
    /// ```
    pub fn write<W: Write + ?Sized>(self, f: &mut W) -> fmt::Result {
        let cmd = self.cmd();
        match cmd.name() {
            Some(name) => {
                f.write_str(name)?;
                if self.is_private() {
                    f.write_str("_PRIVATE")?;
                }
                if self.0 & Self::CLOCK_REALTIME != 0 {
                    f.write_str("|FUTEX_CLOCK_REALTIME")?;
                }
                Ok(())
            }
            None => emit!(f, Hex(u64::from(self.0)), " /* FUTEX_??? */"),
        }
    }
}

impl fmt::Display for FutexOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

strace_enum! {
    /// `prctl` options (`PR_*`).
    ///
    /// ```
    /// use sigsys::flags::PrctlOption;
    /// assert_eq!(PrctlOption::PR_SET_NO_NEW_PRIVS.0, 38);
    /// ```
    pub struct PrctlOption(u32);
    prefix = "PR_", decimal = false;
    {
        PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3,
        PR_SET_DUMPABLE = 4, PR_GET_UNALIGN = 5, PR_SET_UNALIGN = 6, PR_GET_KEEPCAPS = 7,
        PR_SET_KEEPCAPS = 8, PR_GET_FPEMU = 9, PR_SET_FPEMU = 10, PR_GET_FPEXC = 11,
        PR_SET_FPEXC = 12, PR_GET_TIMING = 13, PR_SET_TIMING = 14, PR_SET_NAME = 15,
        PR_GET_NAME = 16, PR_GET_ENDIAN = 19, PR_SET_ENDIAN = 20, PR_GET_SECCOMP = 21,
        PR_SET_SECCOMP = 22, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24, PR_GET_TSC = 25,
        PR_SET_TSC = 26, PR_GET_SECUREBITS = 27, PR_SET_SECUREBITS = 28,
        PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30, PR_TASK_PERF_EVENTS_DISABLE = 31,
        PR_TASK_PERF_EVENTS_ENABLE = 32, PR_MCE_KILL = 33, PR_MCE_KILL_GET = 34,
        PR_SET_MM = 35, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37,
        PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39, PR_GET_TID_ADDRESS = 40,
        PR_SET_THP_DISABLE = 41, PR_GET_THP_DISABLE = 42, PR_MPX_ENABLE_MANAGEMENT = 43,
        PR_MPX_DISABLE_MANAGEMENT = 44, PR_SET_FP_MODE = 45, PR_GET_FP_MODE = 46,
        PR_CAP_AMBIENT = 47, PR_SVE_SET_VL = 50, PR_SVE_GET_VL = 51,
        PR_GET_SPECULATION_CTRL = 52, PR_SET_SPECULATION_CTRL = 53, PR_PAC_RESET_KEYS = 54,
        PR_SET_TAGGED_ADDR_CTRL = 55, PR_GET_TAGGED_ADDR_CTRL = 56, PR_SET_IO_FLUSHER = 57,
        PR_GET_IO_FLUSHER = 58, PR_SET_SYSCALL_USER_DISPATCH = 59,
        PR_PAC_SET_ENABLED_KEYS = 60, PR_PAC_GET_ENABLED_KEYS = 61, PR_SCHED_CORE = 62,
        PR_SME_SET_VL = 63, PR_SME_GET_VL = 64, PR_SET_MDWE = 65, PR_GET_MDWE = 66,
        PR_SET_MEMORY_MERGE = 67, PR_GET_MEMORY_MERGE = 68, PR_RISCV_V_SET_CONTROL = 69,
        PR_RISCV_V_GET_CONTROL = 70, PR_RISCV_SET_ICACHE_FLUSH_CTX = 71,
        PR_PPC_GET_DEXCR = 72, PR_PPC_SET_DEXCR = 73, PR_GET_SHADOW_STACK_STATUS = 74,
        PR_SET_SHADOW_STACK_STATUS = 75, PR_LOCK_SHADOW_STACK_STATUS = 76,
        PR_GET_AUXV = 0x4155_5856, PR_SET_VMA = 0x5356_4d41,
    }
}

strace_enum! {
    /// `madvise` advice (`MADV_*`).
    ///
    /// ```
    /// use sigsys::flags::Madvice;
    /// assert_eq!(Madvice::MADV_DONTNEED.0, 4);
    /// ```
    pub struct Madvice(u32);
    prefix = "MADV_", decimal = false;
    {
        MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3,
        MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9, MADV_DONTFORK = 10,
        MADV_DOFORK = 11, MADV_MERGEABLE = 12, MADV_UNMERGEABLE = 13, MADV_HUGEPAGE = 14,
        MADV_NOHUGEPAGE = 15, MADV_DONTDUMP = 16, MADV_DODUMP = 17, MADV_WIPEONFORK = 18,
        MADV_KEEPONFORK = 19, MADV_COLD = 20, MADV_PAGEOUT = 21, MADV_POPULATE_READ = 22,
        MADV_POPULATE_WRITE = 23, MADV_DONTNEED_LOCKED = 24, MADV_COLLAPSE = 25,
        MADV_HWPOISON = 100, MADV_SOFT_OFFLINE = 101, MADV_GUARD_INSTALL = 102,
        MADV_GUARD_REMOVE = 103,
    }
}

strace_enum! {
    /// `lseek` whence (`SEEK_*`).
    ///
    /// ```
    /// use sigsys::flags::Whence;
    /// assert_eq!(Whence::SEEK_END.0, 2);
    /// ```
    pub struct Whence(u32);
    prefix = "SEEK_", decimal = false;
    { SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4 }
}

strace_enum! {
    /// Clock ids (`CLOCK_*`).
    ///
    /// ```
    /// use sigsys::flags::ClockId;
    /// assert_eq!(ClockId::CLOCK_BOOTTIME.0, 7);
    /// ```
    pub struct ClockId(u32);
    prefix = "CLOCK_", decimal = false;
    {
        CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
        CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
        CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8,
        CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11,
    }
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
    { SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2 }
}

strace_enum! {
    /// Address families (`AF_*`) of `socket` and socket addresses.
    ///
    /// ```
    /// use sigsys::flags::AddressFamily;
    /// assert_eq!(AddressFamily::AF_INET6.0, 10);
    /// ```
    pub struct AddressFamily(u32);
    prefix = "AF_", decimal = false;
    {
        AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_AX25 = 3, AF_IPX = 4,
        AF_APPLETALK = 5, AF_NETROM = 6, AF_BRIDGE = 7, AF_ATMPVC = 8, AF_X25 = 9,
        AF_INET6 = 10, AF_ROSE = 11, AF_DECnet = 12, AF_NETBEUI = 13, AF_SECURITY = 14,
        AF_KEY = 15, AF_NETLINK = 16, AF_PACKET = 17, AF_ASH = 18, AF_ECONET = 19,
        AF_ATMSVC = 20, AF_RDS = 21, AF_SNA = 22, AF_IRDA = 23, AF_PPPOX = 24,
        AF_WANPIPE = 25, AF_LLC = 26, AF_IB = 27, AF_MPLS = 28, AF_CAN = 29, AF_TIPC = 30,
        AF_BLUETOOTH = 31, AF_IUCV = 32, AF_RXRPC = 33, AF_ISDN = 34, AF_PHONET = 35,
        AF_IEEE802154 = 36, AF_CAIF = 37, AF_ALG = 38, AF_NFC = 39, AF_VSOCK = 40,
        AF_KCM = 41, AF_QIPCRTR = 42, AF_SMC = 43, AF_XDP = 44, AF_MCTP = 45,
    }
}

strace_enum! {
    /// `shutdown` how (`SHUT_*`).
    ///
    /// ```
    /// use sigsys::flags::ShutdownHow;
    /// assert_eq!(ShutdownHow::SHUT_WR.0, 1);
    /// ```
    pub struct ShutdownHow(u32);
    prefix = "SHUT_", decimal = false;
    { SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2 }
}

strace_enum! {
    /// Internet protocols (`IPPROTO_*`) of `socket`.
    ///
    /// ```
    /// use sigsys::flags::IpProto;
    /// assert_eq!(IpProto::IPPROTO_TCP.0, 6);
    /// ```
    pub struct IpProto(u32);
    prefix = "IPPROTO_", decimal = false;
    {
        IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_IGMP = 2, IPPROTO_IPIP = 4,
        IPPROTO_TCP = 6, IPPROTO_EGP = 8, IPPROTO_PUP = 12, IPPROTO_UDP = 17,
        IPPROTO_IDP = 22, IPPROTO_TP = 29, IPPROTO_DCCP = 33, IPPROTO_IPV6 = 41,
        IPPROTO_RSVP = 46, IPPROTO_GRE = 47, IPPROTO_ESP = 50, IPPROTO_AH = 51,
        IPPROTO_ICMPV6 = 58, IPPROTO_MTP = 92, IPPROTO_BEETPH = 94, IPPROTO_ENCAP = 98,
        IPPROTO_PIM = 103, IPPROTO_COMP = 108, IPPROTO_L2TP = 115, IPPROTO_SCTP = 132,
        IPPROTO_UDPLITE = 136, IPPROTO_MPLS = 137, IPPROTO_ETHERNET = 143,
        IPPROTO_RAW = 255, IPPROTO_MPTCP = 262,
    }
}

strace_enum! {
    /// Interval timers (`ITIMER_*`).
    ///
    /// ```
    /// use sigsys::flags::ItimerWhich;
    /// assert_eq!(ItimerWhich::ITIMER_PROF.0, 2);
    /// ```
    pub struct ItimerWhich(u32);
    prefix = "ITIMER_", decimal = false;
    { ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2 }
}

strace_enum! {
    /// `getrusage` who (`RUSAGE_*`; `RUSAGE_CHILDREN` is -1).
    ///
    /// ```
    /// use sigsys::flags::RusageWho;
    /// assert_eq!(RusageWho::RUSAGE_CHILDREN.0, u32::MAX);
    /// ```
    pub struct RusageWho(u32);
    prefix = "RUSAGE_", decimal = false;
    { RUSAGE_SELF = 0, RUSAGE_CHILDREN = u32::MAX, RUSAGE_THREAD = 1 }
}

strace_enum! {
    /// `fadvise64` advice (`POSIX_FADV_*`).
    ///
    /// ```
    /// use sigsys::flags::Fadvice;
    /// assert_eq!(Fadvice::POSIX_FADV_DONTNEED.0, 4);
    /// ```
    pub struct Fadvice(u32);
    prefix = "POSIX_FADV_", decimal = false;
    {
        POSIX_FADV_NORMAL = 0, POSIX_FADV_RANDOM = 1, POSIX_FADV_SEQUENTIAL = 2,
        POSIX_FADV_WILLNEED = 3, POSIX_FADV_DONTNEED = 4, POSIX_FADV_NOREUSE = 5,
    }
}

strace_enum! {
    /// Socket option levels (`SOL_*`).
    ///
    /// ```
    /// use sigsys::flags::SockLevel;
    /// assert_eq!(SockLevel::SOL_SOCKET.0, 1);
    /// ```
    pub struct SockLevel(u32);
    prefix = "SOL_", decimal = false;
    {
        SOL_IP = 0, SOL_SOCKET = 1, SOL_TCP = 6, SOL_UDP = 17, SOL_IPV6 = 41,
        SOL_ICMPV6 = 58, SOL_SCTP = 132, SOL_RAW = 255, SOL_NETLINK = 270,
        SOL_PACKET = 263, SOL_TLS = 282, SOL_XDP = 283, SOL_MPTCP = 284,
    }
}

strace_enum! {
    /// `SOL_SOCKET` option names (`SO_*`).
    ///
    /// ```
    /// use sigsys::flags::SockOpt;
    /// assert_eq!(SockOpt::SO_REUSEADDR.0, 2);
    /// ```
    pub struct SockOpt(u32);
    prefix = "SO_", decimal = false;
    {
        SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5,
        SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9,
        SO_OOBINLINE = 10, SO_NO_CHECK = 11, SO_PRIORITY = 12, SO_LINGER = 13,
        SO_BSDCOMPAT = 14, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_PEERCRED = 17,
        SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21,
        SO_SECURITY_AUTHENTICATION = 22, SO_SECURITY_ENCRYPTION_TRANSPORT = 23,
        SO_SECURITY_ENCRYPTION_NETWORK = 24, SO_BINDTODEVICE = 25, SO_ATTACH_FILTER = 26,
        SO_DETACH_FILTER = 27, SO_PEERNAME = 28, SO_TIMESTAMP_OLD = 29, SO_ACCEPTCONN = 30,
        SO_PEERSEC = 31, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PASSSEC = 34,
        SO_TIMESTAMPNS_OLD = 35, SO_MARK = 36, SO_TIMESTAMPING_OLD = 37, SO_PROTOCOL = 38,
        SO_DOMAIN = 39, SO_RXQ_OVFL = 40, SO_WIFI_STATUS = 41, SO_PEEK_OFF = 42,
        SO_NOFCS = 43, SO_LOCK_FILTER = 44, SO_SELECT_ERR_QUEUE = 45, SO_BUSY_POLL = 46,
        SO_MAX_PACING_RATE = 47, SO_BPF_EXTENSIONS = 48, SO_INCOMING_CPU = 49,
        SO_ATTACH_BPF = 50, SO_ATTACH_REUSEPORT_CBPF = 51, SO_ATTACH_REUSEPORT_EBPF = 52,
        SO_CNX_ADVICE = 53, SO_MEMINFO = 55, SO_INCOMING_NAPI_ID = 56, SO_COOKIE = 57,
        SO_PEERGROUPS = 59, SO_ZEROCOPY = 60, SO_TXTIME = 61, SO_BINDTOIFINDEX = 62,
        SO_TIMESTAMP_NEW = 63, SO_TIMESTAMPNS_NEW = 64, SO_TIMESTAMPING_NEW = 65,
        SO_RCVTIMEO_NEW = 66, SO_SNDTIMEO_NEW = 67, SO_DETACH_REUSEPORT_BPF = 68,
    }
}

strace_enum! {
    /// `epoll_ctl` operations.
    ///
    /// ```
    /// use sigsys::flags::EpollOp;
    /// assert_eq!(EpollOp::EPOLL_CTL_ADD.0, 1);
    /// ```
    pub struct EpollOp(u32);
    prefix = "EPOLL_CTL_", decimal = false;
    { EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3 }
}

strace_enum! {
    /// `getpriority`/`setpriority` which (`PRIO_*`).
    ///
    /// ```
    /// use sigsys::flags::PrioWhich;
    /// assert_eq!(PrioWhich::PRIO_PROCESS.0, 0);
    /// ```
    pub struct PrioWhich(u32);
    prefix = "PRIO_", decimal = false;
    { PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2 }
}

strace_enum! {
    /// Resource limits (`RLIMIT_*`).
    ///
    /// ```
    /// use sigsys::flags::Rlimit;
    /// assert_eq!(Rlimit::RLIMIT_NOFILE.0, 7);
    /// ```
    pub struct Rlimit(u32);
    prefix = "RLIMIT_", decimal = false;
    {
        RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3,
        RLIMIT_CORE = 4, RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7,
        RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11,
        RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15,
    }
}

strace_enum! {
    /// `arch_prctl` codes (`ARCH_*`).
    ///
    /// ```
    /// use sigsys::flags::ArchPrctlCode;
    /// assert_eq!(ArchPrctlCode::ARCH_SET_FS.0, 0x1002);
    /// ```
    pub struct ArchPrctlCode(u32);
    prefix = "ARCH_", decimal = false;
    {
        ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003,
        ARCH_GET_GS = 0x1004, ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012,
        ARCH_GET_XCOMP_SUPP = 0x1021, ARCH_GET_XCOMP_PERM = 0x1022,
        ARCH_REQ_XCOMP_PERM = 0x1023, ARCH_GET_XCOMP_GUEST_PERM = 0x1024,
        ARCH_REQ_XCOMP_GUEST_PERM = 0x1025, ARCH_MAP_VDSO_X32 = 0x2001,
        ARCH_MAP_VDSO_32 = 0x2002, ARCH_MAP_VDSO_64 = 0x2003,
        ARCH_SHSTK_ENABLE = 0x5001, ARCH_SHSTK_DISABLE = 0x5002, ARCH_SHSTK_LOCK = 0x5003,
        ARCH_SHSTK_UNLOCK = 0x5004, ARCH_SHSTK_STATUS = 0x5005,
    }
}

/// Signal numbers, printed as `SIGUSR1`; real-time signals as `SIGRTMIN`, `SIGRT_1`...
/// (strace's names, with the C library's `SIGRTMIN` of 34); unknown numbers in decimal.
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
    /// sigsys::flags::Signal(35).write(&mut out, false).unwrap();
    /// assert_eq!(out.as_str(), "SIGRT_1");
    /// ```
    pub fn write<W: Write + ?Sized>(self, out: &mut W, bare: bool) -> fmt::Result {
        let strip = |s: &'static str| if bare { s.get(3..).unwrap_or(s) } else { s };
        match (self.name(), self.0) {
            (Some(name), _) => out.write_str(strip(name)),
            (None, 34) => out.write_str(strip("SIGRTMIN")),
            (None, n @ 35..=64) => {
                out.write_str(strip("SIGRT_"))?;
                emit!(out, n.wrapping_sub(34))
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
