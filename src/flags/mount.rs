//! Mounts: `mount` and `umount2` flags.

use core::fmt;

use super::{FlagSpec, StraceFlags};

strace_flags! {
    /// `mount` flags (`MS_*`; the old magic `MS_MGC_VAL` in the high half is named too).
    ///
    /// ```
    /// use sigsys::flags::MountFlags;
    /// assert_eq!((MountFlags::MS_BIND | MountFlags::MS_REC).bits(), 0x5000);
    /// ```
    pub struct MountFlags: u64;
    zero = None;
    field(0xffff_0000) { MS_MGC_VAL }
    flags {
        MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS,
        MS_REMOUNT, MS_MANDLOCK, MS_DIRSYNC, MS_NOSYMFOLLOW,
        MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE,
        MS_REC, MS_SILENT, MS_POSIXACL, MS_UNBINDABLE,
        MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_RELATIME,
        MS_KERNMOUNT, MS_I_VERSION, MS_STRICTATIME,
        MS_LAZYTIME,
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
    flags { MNT_FORCE, MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW }
}
