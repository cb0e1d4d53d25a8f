//! Memory: `mmap`/`mprotect`/`mremap`/`msync`/`mlockall`/`memfd_create` flags, `madvise` advice.

use core::fmt;

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

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
        PROT_READ, PROT_WRITE, PROT_EXEC, PROT_SEM = 8,
        PROT_GROWSDOWN, PROT_GROWSUP,
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
    // strace names a type of 0 `MAP_FILE` (`mmap(NULL, 0, PROT_NONE, MAP_FILE, 0, 0)`).
    field(0xf) { MAP_FILE = 0, MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE }
    flags {
        MAP_FIXED, MAP_ANONYMOUS, MAP_32BIT = 0x40, MAP_GROWSDOWN,
        MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED,
        MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK,
        MAP_STACK, MAP_HUGETLB, MAP_SYNC,
        MAP_FIXED_NOREPLACE, MAP_UNINITIALIZED = 0x400_0000,
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
    flags { MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP }
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
    flags { MS_ASYNC, MS_INVALIDATE, MS_SYNC }
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
    flags { MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT }
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
        MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB, MFD_NOEXEC_SEAL,
        MFD_EXEC,
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
        MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
        MADV_DONTNEED, MADV_FREE, MADV_REMOVE, MADV_DONTFORK,
        MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE,
        MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK,
        MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ,
        MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED, MADV_COLLAPSE,
        MADV_HWPOISON, MADV_SOFT_OFFLINE, MADV_GUARD_INSTALL = 102,
        MADV_GUARD_REMOVE = 103,
    }
}

strace_flags! {
    /// A memory policy mode (`MPOL_*`, the field under the mode mask) and its flags, as
    /// `set_mempolicy`/`mbind` take them.
    ///
    /// ```
    /// use sigsys::flags::MpolMode;
    /// assert_eq!(MpolMode::MPOL_BIND.bits(), 2);
    /// ```
    pub struct MpolMode: u32;
    zero = None;
    field(0x1fff) {
        MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL,
        MPOL_PREFERRED_MANY = 5,
    }
    flags { MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING }
}

strace_flags! {
    /// `mbind` flags (`MPOL_MF_*`).
    ///
    /// ```
    /// use sigsys::flags::MbindFlags;
    /// assert_eq!(MbindFlags::MPOL_MF_MOVE.bits(), 2);
    /// ```
    pub struct MbindFlags: u32;
    zero = None;
    field(0) {}
    flags { MPOL_MF_STRICT = 1, MPOL_MF_MOVE = 2, MPOL_MF_MOVE_ALL = 4 }
}

strace_flags! {
    /// `get_mempolicy` flags (`MPOL_F_*`).
    ///
    /// ```
    /// use sigsys::flags::GetMempolicyFlags;
    /// assert_eq!(GetMempolicyFlags::MPOL_F_ADDR.bits(), 2);
    /// ```
    pub struct GetMempolicyFlags: u32;
    zero = None;
    field(0) {}
    flags { MPOL_F_NODE = 1, MPOL_F_ADDR = 2, MPOL_F_MEMS_ALLOWED = 4 }
}

strace_flags! {
    /// `mlock2` flags.
    ///
    /// ```
    /// use sigsys::flags::MlockFlags;
    /// assert_eq!(MlockFlags::MLOCK_ONFAULT.bits(), 1);
    /// ```
    pub struct MlockFlags: u32;
    zero = None;
    unknown = "MLOCK_???";
    field(0) {}
    flags { MLOCK_ONFAULT = 1 }
}
