//! The run directory (see `protocol.rs`): the embedded loader and the shared file through
//! which each image learns what to load.

use std::ffi::CString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::protocol;

/// The loader executable, built by build.rs.
static LOADER: &[u8] = include_bytes!(env!("SIGSYS_TRACE_LOADER"));

/// 8 random bytes (`getrandom`).
fn token() -> io::Result<u64> {
    let mut t = 0u64;
    // SAFETY: 8 writable bytes.
    let n = unsafe { libc::getrandom((&raw mut t).cast(), 8, 0) };
    if n != 8 {
        return Err(io::Error::last_os_error());
    }
    Ok(t)
}

/// A run directory, removed when dropped.
pub struct RunDir {
    dir: PathBuf,
    shm: u64,
    program: std::cell::Cell<Option<File>>,
}

impl RunDir {
    /// The directory's path.
    pub fn path(&self) -> &std::path::Path {
        &self.dir
    }

    /// Makes the directory (mode 0700) under `$TMPDIR` (or `/tmp`) with the loader and
    /// the shared file, and fills in the header.
    pub fn new(
        mode: u32,
        flags: u32,
        string_limit: u32,
        inject: &[protocol::InjectRule],
        sock: &str,
    ) -> io::Result<RunDir> {
        let base = std::env::var_os("TMPDIR")
            .filter(|t| !t.is_empty())
            .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
        let dir = base.join(sock);
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .or_else(|_| {
                // TMPDIR unusable: /tmp.
                fs::DirBuilder::new()
                    .mode(0o700)
                    .create(Path::new("/tmp").join(sock))
            })?;
        let dir = if dir.is_dir() {
            dir
        } else {
            Path::new("/tmp").join(sock)
        };
        let mut run = RunDir {
            dir,
            shm: 0,
            program: std::cell::Cell::new(None),
        };
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o700)
            .open(run.loader())?;
        f.write_all(LOADER)?;
        drop(f);
        fs::set_permissions(run.loader(), fs::Permissions::from_mode(0o500))?;
        let shm = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(run.dir.join(protocol::SHM_FILE))?;
        shm.set_len(protocol::SHM_SIZE as u64)?;
        // SAFETY: a shared mapping of the file just sized; unmapped in Drop.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                protocol::SHM_SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                shm.as_raw_fd(),
                0,
            )
        };
        if map == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        run.shm = map as u64;
        // SAFETY: the mapping just made, SHM_SIZE bytes.
        let h = unsafe { protocol::header(run.shm) };
        h.mode = mode;
        h.flags = flags;
        h.string_limit = string_limit;
        let n = inject.len().min(h.inject.len());
        h.inject[..n].copy_from_slice(&inject[..n]);
        h.inject_len = n as u32;
        let n = sock.len().min(h.sock.len());
        h.sock[..n].copy_from_slice(&sock.as_bytes()[..n]);
        h.sock_len = n as u32;
        h.launcher = std::process::id() as i32;
        h.token = token()?;
        h.magic = protocol::MAGIC;
        Ok(run)
    }

    /// Closes the launcher's copy of the program's descriptor (once it is started).
    pub fn started(&self) {
        self.program.set(None);
    }

    /// The run's token (see `protocol::Header::token`).
    pub fn token(&self) -> u64 {
        // SAFETY: the mapping made in `new`.
        unsafe { protocol::header(self.shm) }.token
    }

    /// The loader's path.
    pub fn loader(&self) -> PathBuf {
        self.dir.join(protocol::LOADER_FILE)
    }

    /// Arranges for `cmd` (which executes the loader) to load `program`: the child opens
    /// it and publishes its slot just before its exec.
    pub fn prepare(&self, cmd: &mut Command, program: &Path) -> io::Result<()> {
        // Opened here, so that "cannot open" is reported before anything runs; not
        // close-on-exec (the loader closes it), and closed in the launcher after spawn.
        let c = CString::new(program.as_os_str().as_bytes())?;
        // SAFETY: a NUL-terminated path.
        let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a descriptor just opened, ours alone.
        let file = unsafe { File::from_raw_fd(fd) };
        let shm = self.shm;
        let name = program.as_os_str().as_bytes().to_vec();
        let raw = file.as_raw_fd();
        // SAFETY: only async-signal-safe calls between fork and exec (fcntl, getpid, plain
        // stores into the shared mapping).
        unsafe {
            cmd.pre_exec(move || {
                if libc::fcntl(raw, libc::F_SETFD, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
                let pid = libc::getpid();
                // SAFETY: the run's mapping, inherited by the child.
                match protocol::publish(shm, pid, raw, &name) {
                    Some(_) => Ok(()),
                    None => Err(io::Error::from_raw_os_error(libc::EAGAIN)),
                }
            });
        }
        // Open in the launcher until the program has been started.
        self.program.set(Some(file));
        Ok(())
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if self.shm != 0 {
            // SAFETY: the mapping made in `new`.
            unsafe { libc::munmap(self.shm as *mut libc::c_void, protocol::SHM_SIZE) };
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}
