//! The program's `execve`/`execveat` through the loader, and `/proc/self/exe` as the
//! program would see it without the loader.
//!
//! An `execve` of the program becomes an `execve` of the loader with the program's own
//! `argv` and environment; the loader then maps the file the program named. So the
//! kernel's answers that depend on the file (`ENOENT`, `EACCES`, `ENOEXEC`, `ELOOP`, ...)
//! are found here first, with the same checks in the same order as the kernel's
//! `do_open_execat` and `search_binary_handler`, because once the loader runs, the old
//! image is gone and cannot be told.
//!
//! Files the loader cannot run as the kernel would are executed directly, untraced, with
//! a warning: set-user-ID, set-group-ID and file-capability programs (the kernel grants
//! their privileges only to its own exec), files the program may execute but not read, and
//! programs that are not x86_64 ELF files (i386, x32).

use core::sync::atomic::{AtomicU64, Ordering};

use crate::mem::ProgMemory;
use sigsys::mem::read_cstr;
use sigsys::Trap;
use syscalls::x86_64::Sysno;

use crate::line::Line;
use crate::protocol;
use crate::sys::{self, sys};

/// The run's shared mapping (0: none).
pub static SHM: AtomicU64 = AtomicU64::new(0);

/// A NUL-terminated path in a static buffer, written once before the program runs.
pub struct PathBuf {
    bytes: core::cell::UnsafeCell<[u8; protocol::NAME_MAX + 1]>,
    len: core::sync::atomic::AtomicUsize,
}

// SAFETY: written only by the loader before the program (and so any other thread) runs,
// read-only afterwards.
unsafe impl Sync for PathBuf {}

impl PathBuf {
    const fn new() -> PathBuf {
        PathBuf {
            bytes: core::cell::UnsafeCell::new([0; protocol::NAME_MAX + 1]),
            len: core::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Sets the path (truncated to `NAME_MAX` bytes).
    ///
    /// # Safety
    ///
    /// Only before the program runs (no other thread, no handler).
    pub unsafe fn set(&self, path: &[u8]) {
        // SAFETY: the caller's guarantee: nobody else looks at it now.
        let b = unsafe { &mut *self.bytes.get() };
        let n = path.len().min(protocol::NAME_MAX);
        if let (Some(d), Some(s)) = (b.get_mut(..n), path.get(..n)) {
            d.copy_from_slice(s);
        }
        if let Some(z) = b.get_mut(n) {
            *z = 0;
        }
        self.len.store(n, Ordering::Release);
    }

    /// The path, without its NUL.
    pub fn get(&self) -> &[u8] {
        let n = self.len.load(Ordering::Acquire);
        // SAFETY: no longer written once set (see `set`).
        let b = unsafe { &*self.bytes.get() };
        b.get(..n).unwrap_or(&[])
    }

    /// The address of the NUL-terminated path.
    pub fn as_ptr(&self) -> u64 {
        self.bytes.get() as u64
    }
}

/// The loader's own path as executed (in the run directory).
pub static LOADER: PathBuf = PathBuf::new();
/// The file this image runs (what `/proc/self/exe` names without the loader).
pub static EXE: PathBuf = PathBuf::new();

const AT_FDCWD: u64 = libc::AT_FDCWD as i64 as u64;

fn err(e: i32) -> i64 {
    -(e as i64)
}

/// Whether `path` is this process's `/proc/self/exe` (also `/proc/thread-self/exe` and
/// `/proc/PID/exe` with our pid).
pub fn is_self_exe(path: &[u8]) -> bool {
    let Some(rest) = path.strip_prefix(b"/proc/") else {
        return false;
    };
    let Some(who) = rest.strip_suffix(b"/exe") else {
        return false;
    };
    if who == b"self" || who == b"thread-self" {
        return true;
    }
    let mut pid = 0i64;
    for &c in who {
        if !c.is_ascii_digit() || pid > i32::MAX as i64 {
            return false;
        }
        pid = pid * 10 + (c - b'0') as i64;
    }
    !who.is_empty() && pid == crate::state::pid() as i64
}

/// Reads the path argument at `addr` into `buf`; its length.
fn read_path(addr: u64, buf: &mut [u8]) -> Result<usize, i64> {
    match read_cstr(&ProgMemory, addr, buf) {
        Ok(n) if n < buf.len() => Ok(n),
        Ok(_) | Err(syscalls::Errno::ENAMETOOLONG) => Err(err(libc::ENAMETOOLONG)),
        Err(_) => Err(err(libc::EFAULT)),
    }
}

/// `readlink`/`readlinkat` of `/proc/self/exe`: the program's file. `None`: another path.
pub fn readlink(call: &sigsys::Syscall, at: bool) -> Option<i64> {
    let (path, buf) = if at {
        (call.args[1], call.args[2])
    } else {
        (call.args[0], call.args[1])
    };
    let mut name = [0u8; 64];
    let n = read_cstr(&ProgMemory, path, &mut name).ok()?;
    if !is_self_exe(name.get(..n)?) {
        return None;
    }
    let exe = EXE.get();
    if exe.is_empty() {
        return None;
    }
    let size = call.arg_int(if at { 3 } else { 2 });
    if size <= 0 {
        return Some(err(libc::EINVAL));
    }
    let n = exe.len().min(size as usize);
    // SAFETY: the program's buffer for readlink's answer, at most the size it gave.
    match unsafe { crate::mem::write(buf, exe.get(..n).unwrap_or(&[])) } {
        Ok(w) => Some(w as i64),
        Err(_) => Some(err(libc::EFAULT)),
    }
}

/// `open`/`openat` of `/proc/self/exe`: opens the program's file instead. `None`: another
/// path.
pub fn open(call: &sigsys::Syscall, at: bool) -> Option<i64> {
    let (path, flags, mode) = if at {
        (call.args[1], call.args[2], call.args[3])
    } else {
        (call.args[0], call.args[1], call.args[2])
    };
    let mut name = [0u8; 64];
    let n = read_cstr(&ProgMemory, path, &mut name).ok()?;
    if !is_self_exe(name.get(..n)?) || EXE.get().is_empty() {
        return None;
    }
    // SAFETY: a NUL-terminated path in a buffer that outlives the call.
    Some(unsafe { sys(Sysno::openat, [AT_FDCWD, EXE.as_ptr(), flags, mode, 0, 0]) })
}

/// Whether the loader can be executed and the shared file read and written with the
/// process's present credentials and root (after `setuid`, `chroot`, `unshare -m`, the
/// new image could not find its instructions).
fn run_reachable() -> bool {
    let loader = LOADER.get();
    let Some(dir) = loader.iter().rposition(|&c| c == b'/') else {
        return false;
    };
    let mut shm = [0u8; protocol::NAME_MAX + 8];
    let file = protocol::SHM_FILE.as_bytes();
    let total = dir + 1 + file.len();
    if total >= shm.len() {
        return false;
    }
    shm[..=dir].copy_from_slice(&loader[..=dir]);
    shm[dir + 1..total].copy_from_slice(file);
    let euid = sys::geteuid();
    let egid = sys::getegid();
    // Root keeps its capabilities across exec: the kernel's own check is right. Any other
    // user loses them at exec (short of ambient ones), so the mode bits decide, as they
    // will for the new image.
    let access = |path: u64, mode: u32| {
        if euid == 0 {
            // SAFETY: a NUL-terminated path in a buffer that outlives the call; nothing is written.
            return unsafe {
                sys(
                    Sysno::faccessat2,
                    [
                        AT_FDCWD,
                        path,
                        u64::from(mode),
                        libc::AT_EACCESS as u64,
                        0,
                        0,
                    ],
                )
            } == 0;
        }
        // SAFETY: plain data; all-zero is valid.
        let mut st: libc::stat = unsafe { core::mem::zeroed() };
        // SAFETY: a NUL-terminated path and a local `struct stat` buffer of the kernel's size.
        if unsafe {
            sys(
                Sysno::stat,
                [path, core::ptr::from_mut(&mut st) as u64, 0, 0, 0, 0],
            )
        } != 0
        {
            return false;
        }
        let bits = if st.st_uid == euid {
            st.st_mode >> 6
        } else if st.st_gid == egid {
            st.st_mode >> 3
        } else {
            st.st_mode
        } & 7;
        bits & mode == mode
    };
    let mut dirpath = [0u8; protocol::NAME_MAX + 1];
    dirpath[..dir].copy_from_slice(&loader[..dir]);
    access(dirpath.as_ptr() as u64, libc::X_OK as u32)
        && access(LOADER.as_ptr(), libc::X_OK as u32)
        && access(shm.as_ptr() as u64, (libc::R_OK | libc::W_OK) as u32)
}

/// What an exec of the program's file will do.
enum Plan {
    /// Run it through the loader: the open file, not close-on-exec.
    Loader(i32),
    /// Run it directly (untraced), for this reason.
    Direct(&'static str),
}

/// The kernel's checks of the file to execute, in its order; the plan or the errno.
fn check(dirfd: u64, path: &[u8], flags: u64) -> Result<Plan, i64> {
    let empty = flags & libc::AT_EMPTY_PATH as u64 != 0 && path.len() <= 1;
    let nofollow = flags & libc::AT_SYMLINK_NOFOLLOW as u64 != 0;
    if flags & !((libc::AT_EMPTY_PATH | libc::AT_SYMLINK_NOFOLLOW) as u64) != 0 {
        return Err(err(libc::EINVAL));
    }
    if path.len() <= 1 && !empty {
        return Err(err(libc::ENOENT));
    }
    // Execute permission, as the kernel asks it (effective ids); also ENOENT, ENOTDIR,
    // ELOOP and a path through a directory without search permission.
    let access_flags = libc::AT_EACCESS as u64
        | if empty { libc::AT_EMPTY_PATH as u64 } else { 0 }
        | if nofollow {
            libc::AT_SYMLINK_NOFOLLOW as u64
        } else {
            0
        };
    // SAFETY: a NUL-terminated path in a buffer that outlives the call; nothing is written.
    let r = unsafe {
        sys(
            Sysno::faccessat2,
            [
                dirfd,
                path.as_ptr() as u64,
                libc::X_OK as u64,
                access_flags,
                0,
                0,
            ],
        )
    };
    if r < 0 {
        return Err(r);
    }
    let oflags = libc::O_RDONLY as u64 | if nofollow { libc::O_NOFOLLOW as u64 } else { 0 };
    let fd = if empty {
        let mut p = *b"/proc/self/fd/0000000000\0";
        let len = fmt_fd(&mut p[14..24], dirfd as i32);
        if let Some(z) = p.get_mut(14 + len) {
            *z = 0;
        }
        // SAFETY: a NUL-terminated path in a buffer that outlives the call.
        unsafe { sys(Sysno::open, [p.as_ptr() as u64, oflags, 0, 0, 0, 0]) }
    } else {
        // SAFETY: a NUL-terminated path in a buffer that outlives the call.
        unsafe {
            sys(
                Sysno::openat,
                [dirfd, path.as_ptr() as u64, oflags, 0, 0, 0],
            )
        }
    };
    if fd == err(libc::EACCES) {
        return Ok(Plan::Direct(
            "an executable the program may run but not read",
        ));
    }
    if fd == err(libc::EMFILE) || fd == err(libc::ENFILE) {
        return Ok(Plan::Direct("no descriptor free to load it with"));
    }
    if fd < 0 {
        return Err(fd);
    }
    let fd = fd as i32;
    match inspect(fd) {
        Ok(Plan::Loader(_)) => Ok(Plan::Loader(fd)),
        other => {
            sys::close(fd);
            other
        }
    }
}

/// What kind of file `fd` is, as `do_open_execat` and the binary handlers see it.
fn inspect(fd: i32) -> Result<Plan, i64> {
    inspect_at(fd, 0)
}

/// The `#!` interpreter or `PT_INTERP` of a file, checked as the kernel opens it
/// (`open_exec`): its errors are the exec's. `depth`: interpreters above this one.
fn check_interp(path: &[u8], depth: u32) -> Result<Plan, i64> {
    // The kernel's `exec_binprm` gives up past 5 levels of interpreters (ELOOP).
    if depth > 5 {
        return Err(err(libc::ELOOP));
    }
    let mut p = [0u8; 257];
    let n = path.len().min(256);
    p[..n].copy_from_slice(&path[..n]);
    // SAFETY: a NUL-terminated path in a buffer that outlives the call; nothing is written.
    let r = unsafe {
        sys(
            Sysno::faccessat2,
            [
                AT_FDCWD,
                p.as_ptr() as u64,
                libc::X_OK as u64,
                libc::AT_EACCESS as u64,
                0,
                0,
            ],
        )
    };
    if r < 0 {
        return Err(r);
    }
    // SAFETY: a NUL-terminated path in a buffer that outlives the call.
    let fd = unsafe {
        sys(
            Sysno::open,
            [p.as_ptr() as u64, libc::O_RDONLY as u64, 0, 0, 0, 0],
        )
    };
    if fd == err(libc::EACCES) {
        return Ok(Plan::Direct(
            "an interpreter the program may run but not read",
        ));
    }
    if fd < 0 {
        return Err(fd);
    }
    let r = inspect_at(fd as i32, depth);
    sys::close(fd);
    r
}

/// The interpreter named by a `#!` line (`head` starts with `#!`), as `binfmt_script`
/// reads it: the first word after `#!` within the first 256 bytes, up to a NUL or newline.
fn script_interp(head: &[u8]) -> Option<&[u8]> {
    let line = head.get(2..)?;
    let end = line
        .iter()
        .position(|&c| c == b'\n' || c == 0)
        .unwrap_or(line.len());
    let line = line.get(..end)?;
    let blank = |c: &u8| *c == b' ' || *c == b'\t';
    let start = line.iter().position(|c| !blank(c))?;
    let rest = line.get(start..)?;
    let len = rest.iter().position(blank).unwrap_or(rest.len());
    rest.get(..len).filter(|w| !w.is_empty())
}

/// The `PT_INTERP` of the ELF file `fd` (`ET_EXEC` or `ET_DYN` checked), into `buf`; its
/// length, 0 for none.
fn elf_interp(fd: i32, head: &[u8; 64], buf: &mut [u8; 256]) -> Result<usize, i64> {
    let kind = u16::from_le_bytes([head[16], head[17]]);
    if kind != 2 && kind != 3 {
        return Err(err(libc::ENOEXEC));
    }
    let phoff = u64::from_le_bytes(head[32..40].try_into().unwrap_or([0; 8]));
    let phnum = u16::from_le_bytes([head[56], head[57]]) as usize;
    let mut ph = [0u8; 56];
    for i in 0..phnum.min(128) {
        let at = phoff.wrapping_add((i as u64).wrapping_mul(56));
        // SAFETY: reads into a local buffer, at most its length.
        if unsafe {
            sys(
                Sysno::pread64,
                [fd as u64, ph.as_mut_ptr() as u64, 56, at, 0, 0],
            )
        } != 56
        {
            return Err(err(libc::ENOEXEC));
        }
        if u32::from_le_bytes([ph[0], ph[1], ph[2], ph[3]]) == 3 {
            let off = u64::from_le_bytes(ph[8..16].try_into().unwrap_or([0; 8]));
            let size = u64::from_le_bytes(ph[32..40].try_into().unwrap_or([0; 8]));
            if !(2..=256).contains(&size) {
                return Err(err(libc::ENOEXEC));
            }
            // SAFETY: reads into a local buffer, at most its length.
            let n = unsafe {
                sys(
                    Sysno::pread64,
                    [fd as u64, buf.as_mut_ptr() as u64, size, off, 0, 0],
                )
            };
            if n != size as i64 {
                return Err(err(libc::ENOEXEC));
            }
            return Ok(buf
                .iter()
                .take(size as usize)
                .position(|&c| c == 0)
                .unwrap_or(size as usize));
        }
    }
    Ok(0)
}

/// Whether the kernel has `binfmt_misc` handlers registered (it may run a file that is
/// neither ELF nor `#!`).
fn binfmt_misc_handlers() -> bool {
    // SAFETY: a NUL-terminated path in a buffer that outlives the call.
    let fd = unsafe {
        sys(
            Sysno::open,
            [
                c"/proc/sys/fs/binfmt_misc".as_ptr() as u64,
                (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as u64,
                0,
                0,
                0,
                0,
            ],
        )
    };
    if fd < 0 {
        return false;
    }
    let mut buf = [0u8; 2048];
    // SAFETY: reads into a local buffer, at most its length.
    let n = unsafe {
        sys(
            Sysno::getdents64,
            [
                fd as u64,
                buf.as_mut_ptr() as u64,
                buf.len() as u64,
                0,
                0,
                0,
            ],
        )
    };
    sys::close(fd);
    // Entries besides ".", "..", "register" and "status" are handlers.
    let mut at = 0usize;
    let mut others = 0;
    while n > 0 && at + 19 < n as usize {
        let reclen = u16::from_le_bytes([buf[at + 16], buf[at + 17]]) as usize;
        if reclen == 0 {
            break;
        }
        let name = buf.get(at + 19..at + reclen).unwrap_or(&[]);
        let name = &name[..name.iter().position(|&c| c == 0).unwrap_or(name.len())];
        if !matches!(name, b"." | b".." | b"register" | b"status") {
            others += 1;
        }
        at += reclen;
    }
    others > 0
}

// Long (about 90 lines) on purpose: the kernel's checks of an executable in its order
// (`do_open_execat`, the set-ID and capability rules, the binary handlers).
fn inspect_at(fd: i32, depth: u32) -> Result<Plan, i64> {
    // SAFETY: plain data; all-zero is valid.
    let mut st: libc::stat = unsafe { core::mem::zeroed() };
    // SAFETY: a local buffer of the kernel's `struct stat` size.
    let r = unsafe {
        sys(
            Sysno::fstat,
            [fd as u64, core::ptr::from_mut(&mut st) as u64, 0, 0, 0, 0],
        )
    };
    if r < 0 {
        return Err(r);
    }
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(err(libc::EACCES));
    }
    // The kernel's `struct statfs` on x86_64: eleven 64-bit fields (`f_flags` last), four
    // spare.
    let mut fs = [0u64; 15];
    // SAFETY: a local buffer of the kernel's `struct statfs` size.
    let mount_flags = if unsafe {
        sys(
            Sysno::fstatfs,
            [fd as u64, fs.as_mut_ptr() as u64, 0, 0, 0, 0],
        )
    } == 0
    {
        fs[10]
    } else {
        0
    };
    if mount_flags & libc::ST_NOEXEC != 0 {
        return Err(err(libc::EACCES));
    }
    let nosuid = mount_flags & libc::ST_NOSUID != 0;
    let euid = sys::geteuid();
    let egid = sys::getegid();
    if !nosuid
        && ((st.st_mode & libc::S_ISUID != 0 && st.st_uid != euid)
            || (st.st_mode & libc::S_ISGID != 0
                && st.st_mode & libc::S_IXGRP != 0
                && st.st_gid != egid))
    {
        return Ok(Plan::Direct("a set-user-ID or set-group-ID program"));
    }
    // SAFETY: a NUL-terminated name and a local buffer of the length passed.
    let r = unsafe {
        sys(
            Sysno::fgetxattr,
            [
                fd as u64,
                c"security.capability".as_ptr() as u64,
                0,
                0,
                0,
                0,
            ],
        )
    };
    if r > 0 && !nosuid {
        return Ok(Plan::Direct("a program with file capabilities"));
    }
    let mut head = [0u8; 256];
    // SAFETY: reads into a local buffer, at most its length.
    let n = unsafe {
        sys(
            Sysno::pread64,
            [fd as u64, head.as_mut_ptr() as u64, 256, 0, 0, 0],
        )
    };
    if n < 0 {
        return Err(n);
    }
    let head = head.get(..n as usize).unwrap_or(&[]);
    if head.starts_with(b"#!") {
        let Some(interp) = script_interp(head) else {
            return Err(err(libc::ENOEXEC));
        };
        return match check_interp(interp, depth.saturating_add(1))? {
            Plan::Loader(_) => Ok(Plan::Loader(fd)),
            direct => Ok(direct),
        };
    }
    let mut elf = [0u8; 64];
    if head.len() < 64 || !head.starts_with(b"\x7fELF") {
        if binfmt_misc_handlers() {
            return Ok(Plan::Direct("a format the kernel's binfmt_misc may run"));
        }
        return Err(err(libc::ENOEXEC));
    }
    elf.copy_from_slice(&head[..64]);
    let machine = u16::from_le_bytes([elf[18], elf[19]]);
    if elf[4] != 2 || machine != 62 {
        return Ok(Plan::Direct("not an x86_64 program"));
    }
    let mut interp = [0u8; 256];
    let len = elf_interp(fd, &elf, &mut interp)?;
    if len > 0 {
        // The kernel opens the interpreter as it opens the program (ENOENT, EACCES, ...).
        if let Plan::Direct(why) = check_interp(&interp[..len], 0)? {
            return Ok(Plan::Direct(why));
        }
    }
    Ok(Plan::Loader(fd))
}

fn fmt_fd(out: &mut [u8], fd: i32) -> usize {
    let mut digits = [0u8; 10];
    let mut n = 0;
    let mut v = fd.unsigned_abs();
    loop {
        if let Some(d) = digits.get_mut(n) {
            *d = b'0' + (v % 10) as u8;
        }
        n += 1;
        v /= 10;
        if v == 0 || n >= digits.len() {
            break;
        }
    }
    for i in 0..n {
        if let (Some(o), Some(d)) = (out.get_mut(i), digits.get(n - 1 - i)) {
            *o = *d;
        }
    }
    n
}

/// The program's `execve` (`at`: `execveat`), run through the loader. Returns what the
/// program sees (only on failure: on success, this image is gone).
// Long (about 110 lines) on purpose: the steps of the exec in the order they must run
// (path, reach, the kernel's checks, the new image's name, the slot, the exec, its
// failure), each short and commented.
pub fn exec(trap: &mut Trap<'_>, at: bool, set_mask: impl Fn()) -> i64 {
    let call = trap.syscall();
    let (dirfd, path, argv, envp, flags) = if at {
        (
            call.arg_int(0) as i64 as u64,
            call.args[1],
            call.args[2],
            call.args[3],
            call.arg_int(4) as u32 as u64,
        )
    } else {
        (AT_FDCWD, call.args[0], call.args[1], call.args[2], 0)
    };
    let mut name = [0u8; protocol::NAME_MAX];
    let n = match read_path(path, &mut name) {
        Ok(n) => n,
        Err(e) => return e,
    };
    // `/proc/self/exe` is the program's file, not the loader.
    let self_exe = is_self_exe(name.get(..n).unwrap_or(&[]));
    let shm = SHM.load(Ordering::Relaxed);
    let loader = LOADER.get();
    if shm == 0 || loader.is_empty() {
        return direct(trap, "the run directory is gone");
    }
    if !run_reachable() {
        return direct(
            trap,
            "the run directory is out of reach (another user, root or mount namespace)",
        );
    }
    let target: &[u8] = if self_exe {
        EXE.get()
    } else {
        name.get(..n).unwrap_or(&[])
    };
    let mut tbuf = [0u8; protocol::NAME_MAX + 1];
    let tn = target.len().min(protocol::NAME_MAX);
    tbuf[..tn].copy_from_slice(&target[..tn]);
    let plan = match check(if self_exe { AT_FDCWD } else { dirfd }, &tbuf[..=tn], flags) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let fd = match plan {
        Plan::Loader(fd) => fd,
        Plan::Direct(why) => return direct(trap, why),
    };
    // The name the kernel would give the new image (`bprm->filename`): the path, or
    // `/dev/fd/N` and `/dev/fd/N/path` for a descriptor-relative execveat.
    let mut shown = [0u8; protocol::NAME_MAX];
    let shown_len = if at && !self_exe && dirfd != AT_FDCWD && name.first() != Some(&b'/') {
        let mut k = 0;
        for &c in b"/dev/fd/" {
            shown[k] = c;
            k += 1;
        }
        k += fmt_fd(&mut shown[k..], dirfd as i32);
        if n > 0 {
            if let Some(s) = shown.get_mut(k) {
                *s = b'/';
            }
            k += 1;
            let room = shown.len().saturating_sub(k).min(n);
            shown[k..k + room].copy_from_slice(&name[..room]);
            k += room;
        }
        k
    } else {
        shown[..n].copy_from_slice(&name[..n]);
        n
    };
    let pid = crate::state::pid();
    // SAFETY: SHM is the live shared mapping of the run.
    // SIG_IGN survives exec (the kernel keeps ignored signals ignored): the new image's
    // loader must show it as the program's SIGSYS action.
    let ignored = crate::state::PROG_SIGSYS[0].load(Ordering::Relaxed) == libc::SIG_IGN as u64;
    let next = protocol::Next {
        name: &shown[..shown_len],
        path: &shown[..shown_len],
        depth: 0,
        flags: if ignored {
            protocol::SLOT_SIGSYS_IGNORED
        } else {
            0
        },
        prefix: 0,
        argv0: &[],
    };
    // SAFETY: SHM is the live shared mapping of the run.
    let Some(slot) = (unsafe { protocol::publish_next(shm, pid, fd, &next) }) else {
        sys::close(fd);
        return direct(trap, "too many images starting at once");
    };
    set_mask();
    // SAFETY: NUL-terminated path, argument and environment vectors the kernel reads; on success
    // this image is gone, on failure nothing changed.
    let r = unsafe { sys(Sysno::execve, [LOADER.as_ptr(), argv, envp, 0, 0, 0]) };
    // Still here. The program's file passed the kernel's checks above, so an error about
    // the loader's path (a chroot, another mount namespace, Landlock) means the loader
    // cannot run here: the program's exec runs without it. Others (E2BIG, EFAULT, ENOMEM)
    // the kernel would have returned for the program too.
    // SAFETY: as above.
    unsafe { protocol::free(shm, slot) };
    sys::close(fd);
    let about_the_loader = [
        libc::EACCES,
        libc::ENOENT,
        libc::EPERM,
        libc::ENOTDIR,
        libc::ELOOP,
    ];
    if about_the_loader.iter().any(|&e| r == err(e)) {
        return direct(trap, "the loader cannot be executed here");
    }
    r
}

/// Executes the program's call as it is, untraced from then on; says why.
fn direct(trap: &mut Trap<'_>, why: &str) -> i64 {
    let mut l = Line::new(b'W');
    l.push("executed without the tracer (");
    l.push(why);
    l.push(")");
    l.send();
    match trap.pass_through_exec() {
        Ok(r) => r,
        Err(_) => err(libc::ENOSYS),
    }
}
