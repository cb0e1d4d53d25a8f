//! Numbers with a meaning: errno names and texts, file modes, device numbers, `ioctl`
//! requests, resource limits.

use core::fmt::{self, Write};

use syscalls::Errno;

use crate::flags::{FileType, StraceEnum, StraceFlags};
use crate::text::{emit, write_hex, write_octal};

/// glibc's `strerror` texts (what strace prints), indexed by errno; the `syscalls`
/// crate's kernel-comment texts are the fallback beyond.
#[rustfmt::skip]
pub(super) const ERRNO_TEXT: [&str; 134] = [
    "Success",
    "Operation not permitted",
    "No such file or directory",
    "No such process",
    "Interrupted system call",
    "Input/output error",
    "No such device or address",
    "Argument list too long",
    "Exec format error",
    "Bad file descriptor",
    "No child processes",
    "Resource temporarily unavailable",
    "Cannot allocate memory",
    "Permission denied",
    "Bad address",
    "Block device required",
    "Device or resource busy",
    "File exists",
    "Invalid cross-device link",
    "No such device",
    "Not a directory",
    "Is a directory",
    "Invalid argument",
    "Too many open files in system",
    "Too many open files",
    "Inappropriate ioctl for device",
    "Text file busy",
    "File too large",
    "No space left on device",
    "Illegal seek",
    "Read-only file system",
    "Too many links",
    "Broken pipe",
    "Numerical argument out of domain",
    "Numerical result out of range",
    "Resource deadlock avoided",
    "File name too long",
    "No locks available",
    "Function not implemented",
    "Directory not empty",
    "Too many levels of symbolic links",
    "Unknown error 41",
    "No message of desired type",
    "Identifier removed",
    "Channel number out of range",
    "Level 2 not synchronized",
    "Level 3 halted",
    "Level 3 reset",
    "Link number out of range",
    "Protocol driver not attached",
    "No CSI structure available",
    "Level 2 halted",
    "Invalid exchange",
    "Invalid request descriptor",
    "Exchange full",
    "No anode",
    "Invalid request code",
    "Invalid slot",
    "Unknown error 58",
    "Bad font file format",
    "Device not a stream",
    "No data available",
    "Timer expired",
    "Out of streams resources",
    "Machine is not on the network",
    "Package not installed",
    "Object is remote",
    "Link has been severed",
    "Advertise error",
    "Srmount error",
    "Communication error on send",
    "Protocol error",
    "Multihop attempted",
    "RFS specific error",
    "Bad message",
    "Value too large for defined data type",
    "Name not unique on network",
    "File descriptor in bad state",
    "Remote address changed",
    "Can not access a needed shared library",
    "Accessing a corrupted shared library",
    ".lib section in a.out corrupted",
    "Attempting to link in too many shared libraries",
    "Cannot exec a shared library directly",
    "Invalid or incomplete multibyte or wide character",
    "Interrupted system call should be restarted",
    "Streams pipe error",
    "Too many users",
    "Socket operation on non-socket",
    "Destination address required",
    "Message too long",
    "Protocol wrong type for socket",
    "Protocol not available",
    "Protocol not supported",
    "Socket type not supported",
    "Operation not supported",
    "Protocol family not supported",
    "Address family not supported by protocol",
    "Address already in use",
    "Cannot assign requested address",
    "Network is down",
    "Network is unreachable",
    "Network dropped connection on reset",
    "Software caused connection abort",
    "Connection reset by peer",
    "No buffer space available",
    "Transport endpoint is already connected",
    "Transport endpoint is not connected",
    "Cannot send after transport endpoint shutdown",
    "Too many references: cannot splice",
    "Connection timed out",
    "Connection refused",
    "Host is down",
    "No route to host",
    "Operation already in progress",
    "Operation now in progress",
    "Stale file handle",
    "Structure needs cleaning",
    "Not a XENIX named type file",
    "No XENIX semaphores available",
    "Is a named type file",
    "Remote I/O error",
    "Disk quota exceeded",
    "No medium found",
    "Wrong medium type",
    "Operation canceled",
    "Required key not available",
    "Key has expired",
    "Key has been revoked",
    "Key was rejected by service",
    "Owner died",
    "State not recoverable",
    "Operation not possible due to RF-kill",
    "Memory page has hardware error",
];

pub(super) fn write_errno<W: Write + ?Sized>(out: &mut W, code: i32) -> fmt::Result {
    let restart = match code {
        512 => Some(("ERESTARTSYS", "To be restarted if SA_RESTART is set")),
        513 => Some(("ERESTARTNOINTR", "To be restarted")),
        514 => Some(("ERESTARTNOHAND", "To be restarted if no handler")),
        515 => Some(("ENOIOCTLCMD", "No ioctl command")),
        516 => Some(("ERESTART_RESTARTBLOCK", "Interrupted by signal")),
        _ => None,
    };
    if let Some((name, text)) = restart {
        return emit!(out, " = ? ", name, " (", text, ")");
    }
    let e = Errno::new(code);
    let text = usize::try_from(code)
        .ok()
        .and_then(|i| ERRNO_TEXT.get(i).copied())
        .or(e.description());
    match (e.name(), text) {
        (Some(name), Some(text)) => emit!(out, " = -1 ", name, " (", text, ")"),
        _ => emit!(out, " = -1 ERRNO_", code, " (Unknown error ", code, ")"),
    }
}

pub(super) fn write_file_mode<W: Write + ?Sized>(out: &mut W, mode: u32) -> fmt::Result {
    let ty = mode & 0o170000;
    let perm = u64::from(mode & 0o7777);
    if FileType::SPEC
        .field
        .iter()
        .any(|(_, v)| *v == u64::from(ty))
    {
        FileType::SPEC.write(out, u64::from(ty))?;
        out.write_char('|')?;
        write_octal(out, perm)
    } else {
        write_octal(out, u64::from(mode))
    }
}

pub(super) fn write_dev<W: Write + ?Sized>(out: &mut W, dev: u64) -> fmt::Result {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    out.write_str("makedev(")?;
    write_hex(out, major)?;
    out.write_str(", ")?;
    write_hex(out, minor)?;
    out.write_char(')')
}

pub(super) const IOCTLS: &[(&str, u32)] = &[
    ("TCGETS", 0x5401),
    ("TCSETS", 0x5402),
    ("TCSETSW", 0x5403),
    ("TCSETSF", 0x5404),
    ("TIOCSCTTY", 0x540e),
    ("TIOCGPGRP", 0x540f),
    ("TIOCSPGRP", 0x5410),
    ("TIOCGWINSZ", 0x5413),
    ("TIOCSWINSZ", 0x5414),
    ("FIONREAD", 0x541b),
    ("TIOCNOTTY", 0x5422),
    ("FIONBIO", 0x5421),
    ("FIONCLEX", 0x5450),
    ("FIOCLEX", 0x5451),
    ("FIOASYNC", 0x5452),
];

pub(super) fn write_ioctl<W: Write + ?Sized>(out: &mut W, req: u32) -> fmt::Result {
    match IOCTLS.iter().find(|(_, v)| *v == req) {
        Some((name, _)) => out.write_str(name),
        None => write_hex(out, u64::from(req)),
    }
}

pub(super) fn write_rlim<W: Write + ?Sized>(out: &mut W, v: u64, infinity: &str) -> fmt::Result {
    if v == u64::MAX {
        out.write_str(infinity)
    } else if v > 1024 && v.is_multiple_of(1024) {
        emit!(out, v / 1024, "*1024")
    } else {
        emit!(out, v)
    }
}

/// A flag value of type `T`, strace-style.
pub(super) fn write_flags<T: StraceFlags, W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    T::SPEC.write(out, T::from_raw(v).raw())
}

/// An enumerated value of type `T`, strace-style.
pub(super) fn write_enum<T: StraceEnum, W: Write + ?Sized>(out: &mut W, v: u64) -> fmt::Result {
    T::SPEC.write(out, T::from_raw(v).raw())
}
