//! Clocks and timers: clock ids, interval timers, `TIMER_ABSTIME`, `timerfd_create` flags.

use core::fmt;

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

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
        CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
        CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
        CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM,
        CLOCK_BOOTTIME_ALARM, CLOCK_TAI,
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
    { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF }
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
    flags { TIMER_ABSTIME }
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
    flags { TFD_CLOEXEC, TFD_NONBLOCK }
}
