//! Readiness: `poll` and `epoll` events, `epoll_create1`/`epoll_ctl`, `eventfd2` flags.

use core::fmt;

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

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
        POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL,
        POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND,
        POLLMSG = 0x400, POLLREMOVE = 0x1000, POLLRDHUP,
    }
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
        EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP,
        EPOLLNVAL = 0x20, EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM,
        EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP,
        EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT,
        EPOLLET,
    }
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
    flags { EPOLL_CLOEXEC }
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
    { EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD }
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
    flags { EFD_SEMAPHORE, EFD_CLOEXEC, EFD_NONBLOCK }
}
