//! System V IPC: `*get` flags, `*ctl` commands, `shmat` and `msgsnd`/`msgrcv` flags, in
//! the order of strace's `resource_flags`, `shm_resource_flags`, `msgctl_flags`,
//! `semctl_flags`, `shmctl_flags`, `shm_flags` and `ipc_msg_flags` tables.

use core::fmt;

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

strace_flags! {
    /// The flag bits of `msgget`/`semget` (above the permission bits, which strace prints
    /// after them in octal).
    ///
    /// ```
    /// use sigsys::flags::IpcFlags;
    /// assert_eq!(IpcFlags::IPC_CREAT.bits(), 0o1000);
    /// ```
    pub struct IpcFlags: u32;
    zero = None;
    field(0) {}
    flags { IPC_CREAT, IPC_EXCL, IPC_NOWAIT }
}

strace_flags! {
    /// The flag bits of `shmget` (above the permission bits and below the huge page size).
    ///
    /// ```
    /// use sigsys::flags::ShmgetFlags;
    /// assert_eq!(ShmgetFlags::SHM_HUGETLB.bits(), 0o4000);
    /// ```
    pub struct ShmgetFlags: u32;
    zero = None;
    field(0) {}
    flags { IPC_CREAT, IPC_EXCL, SHM_HUGETLB, SHM_NORESERVE }
}

strace_flags! {
    /// `shmat` flags (`SHM_*`).
    ///
    /// ```
    /// use sigsys::flags::ShmatFlags;
    /// assert_eq!(ShmatFlags::SHM_RDONLY.bits(), 0o10000);
    /// ```
    pub struct ShmatFlags: u32;
    zero = None;
    field(0) {}
    flags { SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC }
}

strace_flags! {
    /// `msgsnd`/`msgrcv` flags.
    ///
    /// ```
    /// use sigsys::flags::IpcMsgFlags;
    /// assert_eq!(IpcMsgFlags::MSG_NOERROR.bits(), 0o10000);
    /// ```
    pub struct IpcMsgFlags: u32;
    zero = None;
    field(0) {}
    flags { MSG_NOERROR, MSG_EXCEPT, MSG_COPY, IPC_NOWAIT }
}

strace_enum! {
    /// `msgctl` commands.
    ///
    /// ```
    /// use sigsys::flags::MsgctlCmd;
    /// assert_eq!(MsgctlCmd::MSG_STAT.0, 11);
    /// ```
    pub struct MsgctlCmd(u32);
    prefix = "MSG_", decimal = false;
    {
        IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, MSG_STAT, MSG_INFO, MSG_STAT_ANY = 13,
    }
}

strace_enum! {
    /// `semctl` commands.
    ///
    /// ```
    /// use sigsys::flags::SemctlCmd;
    /// assert_eq!(SemctlCmd::SETVAL.0, 16);
    /// ```
    pub struct SemctlCmd(u32);
    prefix = "SEM_", decimal = false;
    {
        IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, GETPID, GETVAL, GETALL, GETNCNT, GETZCNT,
        SETVAL, SETALL, SEM_STAT, SEM_INFO, SEM_STAT_ANY = 20,
    }
}

strace_enum! {
    /// `shmctl` commands.
    ///
    /// ```
    /// use sigsys::flags::ShmctlCmd;
    /// assert_eq!(ShmctlCmd::SHM_STAT.0, 13);
    /// ```
    pub struct ShmctlCmd(u32);
    prefix = "SHM_", decimal = false;
    {
        IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, SHM_LOCK, SHM_UNLOCK, SHM_STAT = 13, SHM_INFO = 14,
        SHM_STAT_ANY = 15,
    }
}
