//! Files and descriptors: `open` flags, `*at` flags, access modes, file types, `fcntl`,
//! `lseek`, `flock`, `fadvise64`, `sync_file_range`, `renameat2`, `inotify`, `getrandom`.

use core::fmt;

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

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
    field(3) { O_RDONLY, O_WRONLY, O_RDWR }
    // strace's print order (src/xlat/open_mode_flags.in), not the values' order.
    flags {
        O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC,
        O_APPEND, O_NONBLOCK, O_SYNC, O_DSYNC,
        O_DIRECT, O_LARGEFILE = 0o100000, O_NOFOLLOW,
        O_NOATIME, O_CLOEXEC, O_PATH,
        O_TMPFILE, O_DIRECTORY, O_ASYNC,
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
        AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW,
        AT_NO_AUTOMOUNT, AT_EMPTY_PATH, AT_STATX_FORCE_SYNC,
        AT_STATX_DONT_SYNC, AT_RECURSIVE,
    }
}

strace_flags! {
    /// `statx`'s flags: the sync type (`AT_STATX_SYNC_AS_STAT` when none is set), then the
    /// `AT_*` flags, in strace's order.
    ///
    /// ```
    /// use sigsys::flags::StatxAtFlags;
    /// assert_eq!(StatxAtFlags::AT_STATX_DONT_SYNC.bits(), 0x4000);
    /// ```
    pub struct StatxAtFlags: u32;
    zero = None;
    field(0x6000) {
        AT_STATX_SYNC_AS_STAT, AT_STATX_FORCE_SYNC, AT_STATX_DONT_SYNC,
    }
    flags {
        AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW,
        AT_NO_AUTOMOUNT, AT_EMPTY_PATH, AT_RECURSIVE,
    }
}

strace_flags! {
    /// `STATX_*` masks of `statx` (what is asked for, and `stx_mask`: what was filled in),
    /// in strace's order (`STATX_ALL` and `STATX_BASIC_STATS` before the single bits).
    ///
    /// ```
    /// use sigsys::flags::StatxMask;
    /// assert_eq!(StatxMask::STATX_BASIC_STATS.bits(), 0x7ff);
    /// ```
    pub struct StatxMask: u32;
    zero = None;
    field(0) {}
    flags {
        STATX_ALL, STATX_BASIC_STATS, STATX_TYPE, STATX_MODE, STATX_NLINK, STATX_UID,
        STATX_GID, STATX_ATIME, STATX_MTIME, STATX_CTIME, STATX_INO, STATX_SIZE,
        STATX_BLOCKS, STATX_BTIME, STATX_MNT_ID, STATX_DIOALIGN,
    }
}

strace_flags! {
    /// `statfs`'s `f_flags` (`ST_*`), in strace's order (`ST_VALID` first).
    ///
    /// ```
    /// use sigsys::flags::StatfsFlags;
    /// assert_eq!(StatfsFlags::ST_VALID.bits(), 0x20);
    /// ```
    pub struct StatfsFlags: u64;
    zero = None;
    field(0) {}
    flags {
        ST_VALID = 0x20, ST_RDONLY, ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_SYNCHRONOUS,
        ST_MANDLOCK, ST_NOATIME, ST_NODIRATIME, ST_RELATIME, ST_NOSYMFOLLOW = 0x2000,
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
    unknown = "AT_???";
    field(0) {}
    flags { AT_SYMLINK_NOFOLLOW, AT_EACCESS, AT_EMPTY_PATH }
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
    unknown = "?_OK";
    field(0) {}
    flags { R_OK, W_OK, X_OK }
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
        S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK,
        S_IFDIR, S_IFCHR, S_IFIFO,
    }
    flags {}
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
    flags { FD_CLOEXEC }
}

strace_flags! {
    /// Flags of `pipe2` and `dup3`: the kernel takes `O_CLOEXEC`, `O_NONBLOCK` (and
    /// `O_DIRECT` for `pipe2`), strace names them with all of `open`'s mode flags.
    ///
    /// ```
    /// use sigsys::flags::FdCreateFlags;
    /// assert_eq!(FdCreateFlags::O_CLOEXEC.bits(), 0o2000000);
    /// ```
    pub struct FdCreateFlags: u32;
    zero = None;
    unknown = "O_???";
    field(0) {}
    // strace prints them with `open_mode_flags`, whatever the call accepts.
    flags {
        O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC,
        O_APPEND, O_NONBLOCK, O_SYNC, O_DSYNC,
        O_DIRECT, O_LARGEFILE = 0o100000, O_NOFOLLOW,
        O_NOATIME, O_CLOEXEC, O_PATH,
        O_TMPFILE, O_DIRECTORY, O_ASYNC,
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
    flags { RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT }
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
    flags { LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN, LOCK_MAND = 32 }
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
        SYNC_FILE_RANGE_WAIT_BEFORE, SYNC_FILE_RANGE_WRITE,
        SYNC_FILE_RANGE_WAIT_AFTER,
    }
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
    flags { IN_NONBLOCK, IN_CLOEXEC }
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
        IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE,
        IN_CLOSE_NOWRITE, IN_OPEN, IN_MOVED_FROM, IN_MOVED_TO,
        IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF,
        IN_UNMOUNT, IN_Q_OVERFLOW, IN_IGNORED,
        IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK,
        IN_MASK_CREATE, IN_MASK_ADD, IN_ISDIR,
        IN_ONESHOT,
    }
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
    flags { GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE }
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
        F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK,
        F_SETLK, F_SETLKW, F_SETOWN, F_GETOWN, F_SETSIG = 10,
        F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16, F_GETOWNER_UIDS = 17,
        F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_SETLEASE,
        F_GETLEASE, F_NOTIFY, F_DUPFD_QUERY = 1027, F_DUPFD_CLOEXEC,
        F_SETPIPE_SZ, F_GETPIPE_SZ, F_ADD_SEALS, F_GET_SEALS,
        F_GET_RW_HINT = 1035, F_SET_RW_HINT = 1036, F_GET_FILE_RW_HINT = 1037,
        F_SET_FILE_RW_HINT = 1038,
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
    { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE }
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
        POSIX_FADV_NORMAL, POSIX_FADV_RANDOM, POSIX_FADV_SEQUENTIAL,
        POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE,
    }
}

strace_flags! {
    /// `close_range` flags.
    ///
    /// ```
    /// use sigsys::flags::CloseRangeFlags;
    /// assert_eq!(CloseRangeFlags::CLOSE_RANGE_CLOEXEC.bits(), 4);
    /// ```
    pub struct CloseRangeFlags: u32;
    zero = None;
    unknown = "CLOSE_RANGE_???";
    field(0) {}
    flags { CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4 }
}

strace_flags! {
    /// `splice`, `tee` and `vmsplice` flags.
    ///
    /// ```
    /// use sigsys::flags::SpliceFlags;
    /// assert_eq!(SpliceFlags::SPLICE_F_MORE.bits(), 4);
    /// ```
    pub struct SpliceFlags: u32;
    zero = None;
    unknown = "SPLICE_F_???";
    field(0) {}
    flags { SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8 }
}

strace_flags! {
    /// `setxattr` flags.
    ///
    /// ```
    /// use sigsys::flags::XattrFlags;
    /// assert_eq!(XattrFlags::XATTR_REPLACE.bits(), 2);
    /// ```
    pub struct XattrFlags: u32;
    zero = None;
    unknown = "XATTR_???";
    field(0) {}
    flags { XATTR_CREATE = 1, XATTR_REPLACE = 2 }
}
