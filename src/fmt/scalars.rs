//! Numbers with a meaning: errno names and texts, file modes, device numbers, `ioctl`
//! requests, resource limits.

use core::fmt::{self, Write};

use syscalls::Errno;

use crate::args::Kind;
use crate::flags::{FileType, IpcFlags, ShmgetFlags, StraceEnum, StraceFlags};
use crate::text::{emit, write_hex, write_octal, Hex};

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

/// The kernel-internal codes above 511 that strace names (its `errnoent.h`); glibc has
/// no text for them, so the text is `strerror`'s "Unknown error N".
const INTERNAL_ERRNO: [(i32, &str); 13] = [
    (515, "ENOIOCTLCMD"),
    (517, "EPROBE_DEFER"),
    (518, "EOPENSTALE"),
    (521, "EBADHANDLE"),
    (522, "ENOTSYNC"),
    (523, "EBADCOOKIE"),
    (524, "ENOTSUPP"),
    (525, "ETOOSMALL"),
    (526, "ESERVERFAULT"),
    (527, "EBADTYPE"),
    (528, "EJUKEBOX"),
    (529, "EIOCBQUEUED"),
    (530, "ERECALLCONFLICT"),
];

pub(super) fn write_errno<W: Write + ?Sized>(out: &mut W, code: i32) -> fmt::Result {
    let restart = match code {
        512 => Some(("ERESTARTSYS", "To be restarted if SA_RESTART is set")),
        513 => Some(("ERESTARTNOINTR", "To be restarted")),
        514 => Some(("ERESTARTNOHAND", "To be restarted if no handler")),
        516 => Some(("ERESTART_RESTARTBLOCK", "Interrupted by signal")),
        _ => None,
    };
    if let Some((name, text)) = restart {
        return emit!(out, " = ? ", name, " (", text, ")");
    }
    if let Some(&(_, name)) = INTERNAL_ERRNO.iter().find(|&&(c, _)| c == code) {
        return emit!(out, " = -1 ", name, " (Unknown error ", code, ")");
    }
    // strace 6.1 names 1..=133 and the internal codes above; nothing else.
    let e = Errno::new(if code <= 133 { code } else { 0 });
    let text = usize::try_from(code)
        .ok()
        .and_then(|i| ERRNO_TEXT.get(i).copied())
        .or(e.description());
    match (e.name(), text) {
        (Some(name), Some(text)) => emit!(out, " = -1 ", name, " (", text, ")"),
        // strace's `print_err_ret` for a code it has no name for.
        _ => emit!(out, " = -1 (errno ", code, ")"),
    }
}

/// A file type and mode as strace's `print_symbolic_mode_t`: the type's name, the
/// set-id and sticky bits by name, then the permissions in octal
/// (`S_IFDIR|S_ISVTX|0777`); the whole mode in octal when the type has no name.
pub(super) fn write_file_mode<W: Write + ?Sized>(out: &mut W, mode: u32) -> fmt::Result {
    let ty = mode & 0o170000;
    if ty != 0 {
        if !FileType::SPEC
            .field
            .iter()
            .any(|(_, v)| *v == u64::from(ty))
        {
            return write_octal(out, u64::from(mode));
        }
        FileType::SPEC.write(out, u64::from(ty))?;
        out.write_char('|')?;
    }
    for (bit, name) in [
        (0o4000, "S_ISUID|"),
        (0o2000, "S_ISGID|"),
        (0o1000, "S_ISVTX|"),
    ] {
        if mode & bit != 0 {
            out.write_str(name)?;
        }
    }
    write_octal(out, u64::from(mode & !0o177000))
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

/// An `ioctl` request as strace prints it: its names (strace's table, several joined by
/// ` or `), or `_IOC(dir, type, nr, size)` for a code it does not know.
pub(super) fn write_ioctl<W: Write + ?Sized>(out: &mut W, req: u32) -> fmt::Result {
    let table = &super::xlat::IOCTLS;
    let first = table.partition_point(|&(code, _)| code < req);
    let mut names = table
        .iter()
        .skip(first)
        .take_while(|&&(code, _)| code == req);
    if let Some((_, name)) = names.next() {
        out.write_str(name)?;
        for (_, name) in names {
            emit!(out, " or ", *name)?;
        }
        return Ok(());
    }
    out.write_str("_IOC(")?;
    match req >> 30 {
        0 => out.write_str("_IOC_NONE")?,
        1 => out.write_str("_IOC_WRITE")?,
        2 => out.write_str("_IOC_READ")?,
        _ => out.write_str("_IOC_READ|_IOC_WRITE")?,
    }
    for part in [(req >> 8) & 0xff, req & 0xff, (req >> 16) & 0x3fff] {
        out.write_str(", ")?;
        write_hex(out, u64::from(part))?;
    }
    out.write_char(')')
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

/// The System V IPC kinds, as strace's `msgget`/`semget`/`shmget` print them: a key
/// (`IPC_PRIVATE` or hex), or flag names then the permission bits (`IPC_CREAT|0600`).
pub(super) fn write_ipc<W: Write + ?Sized>(out: &mut W, kind: Kind, v: u32) -> fmt::Result {
    /// `SHM_HUGE_MASK << SHM_HUGE_SHIFT`: `shmget`'s huge page size (log2).
    const HUGE_SHIFT: u32 = 26;
    const HUGE: u32 = 0x3f << HUGE_SHIFT;
    let flags = v & !0o777;
    match kind {
        Kind::IpcKey if v == 0 => return out.write_str("IPC_PRIVATE"),
        Kind::IpcKey => return write_hex(out, u64::from(v)),
        Kind::ShmPerm => {
            let (huge, rest) = (flags & HUGE, flags & !HUGE);
            if rest != 0 {
                ShmgetFlags::SPEC.write(out, u64::from(rest))?;
            }
            if huge != 0 {
                if rest != 0 {
                    out.write_char('|')?;
                }
                emit!(out, huge >> HUGE_SHIFT, "<<SHM_HUGE_SHIFT")?;
            }
            if flags != 0 {
                out.write_char('|')?;
            }
        }
        _ if flags != 0 => {
            IpcFlags::SPEC.write(out, u64::from(flags))?;
            out.write_char('|')?;
        }
        _ => {}
    }
    write_octal(out, u64::from(v & 0o777))
}

/// Flags named by a generated strace table, joined by `|`, the unknown rest in hex (with
/// strace's `/* PREFIX??? */` when no bit has a name), `0` for none (nothing when
/// `unknown` is empty: strace's `printflags` without a default text).
pub(super) fn write_xlat_flags<W: Write + ?Sized>(
    out: &mut W,
    table: &[(u64, &str)],
    v: u64,
    unknown: &str,
) -> fmt::Result {
    let mut rest = v;
    let mut first = true;
    for &(bits, name) in table {
        if bits != 0 && rest & bits == bits {
            if !first {
                out.write_char('|')?;
            }
            out.write_str(name)?;
            first = false;
            rest &= !bits;
        }
    }
    match (rest, first) {
        // strace's `printflags` with no default text prints nothing for none.
        (0, true) if unknown.is_empty() => Ok(()),
        (0, true) => out.write_char('0'),
        (0, false) => Ok(()),
        (r, true) if unknown.is_empty() => emit!(out, Hex(r)),
        (r, true) => emit!(out, Hex(r), " /* ", unknown, " */"),
        (r, false) => emit!(out, "|", Hex(r)),
    }
}

/// The name of a `u32` value in a generated strace table.
pub(super) fn xlat_name(table: &[(u64, &'static str)], v: u32) -> Option<&'static str> {
    table
        .iter()
        .find(|&&(value, _)| value == u64::from(v))
        .map(|&(_, name)| name)
}
