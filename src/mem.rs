//! Reading and writing the interrupted code's memory without ever faulting.
//!
//! A pointer argument of a trapped call is the caller's word, not a promise: dereferencing a
//! bad one inside the handler would crash the process. Two ways here turn a bad address
//! into `EFAULT` instead:
//!
//! - [`FastMemory`] (what [`crate::Trap::memory`] gives): a direct copy by the crate's
//!   safecopy routine ([`crate::safecopy`]), whose faults a SIGSEGV/SIGBUS handler turns
//!   into a failed read: a few ns. Used while the fault handler is in force and SIGSEGV and
//!   SIGBUS are not blocked in the thread; otherwise it falls back to the second way.
//! - [`SelfMemory`] and [`write()`]: `process_vm_readv`/`process_vm_writev` on the own
//!   process, issued from the gate (~1.2 µs on this project's machines), with the process
//!   id cached.
//!
//! **The cached pid** of the fallback reads: see `src/pid.rs`.

use syscalls::Errno;

use crate::arch::{Native as Sysno, SigSet, PAGE_SIZE};
use crate::gate;

/// Where the formatter and the pass-through path read caller memory from.
///
/// [`SelfMemory`] is the real, fault-proof reader; [`NoMemory`] reads nothing (every pointer
/// prints as an address). Tests and fuzzers can supply their own.
///
/// # Examples
///
/// ```
/// use sigsys::mem::Memory;
/// /// A memory made of one byte slice at address 0x1000.
/// struct Fake<'a>(&'a [u8]);
/// impl Memory for Fake<'_> {
///     fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, syscalls::Errno> {
///         let start = addr.checked_sub(0x1000).ok_or(syscalls::Errno::EFAULT)? as usize;
///         let src = self.0.get(start..).ok_or(syscalls::Errno::EFAULT)?;
///         let n = src.len().min(buf.len());
///         buf[..n].copy_from_slice(&src[..n]);
///         Ok(n)
///     }
/// }
/// assert_eq!(sigsys::mem::read_array::<2>(&Fake(b"hi"), 0x1000), Ok(*b"hi"));
/// ```
pub trait Memory {
    /// Copies up to `buf.len()` bytes from `addr` into `buf` and returns how many were copied
    /// (fewer when the range runs into unmapped memory), or the error when none could be.
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, Errno>;
}

/// The memory of the calling process, read with `process_vm_readv` through the gate.
///
/// # Examples
///
/// ```
/// use sigsys::mem::{Memory, SelfMemory};
/// let word = *b"sigsys";
/// let mut buf = [0u8; 6];
/// assert_eq!(SelfMemory.read(word.as_ptr() as u64, &mut buf), Ok(6));
/// assert_eq!(&buf, b"sigsys");
/// assert_eq!(SelfMemory.read(8, &mut buf), Err(syscalls::Errno::EFAULT));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SelfMemory;

/// A memory that holds nothing: every read fails with `EFAULT`.
///
/// # Examples
///
/// ```
/// use sigsys::mem::{Memory, NoMemory};
/// assert!(NoMemory.read(0x1000, &mut [0u8; 4]).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoMemory;

impl Memory for SelfMemory {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        vm_rw(
            Sysno::process_vm_readv,
            addr,
            buf.as_mut_ptr() as u64,
            buf.len(),
        )
    }
}

impl Memory for NoMemory {
    fn read(&self, _addr: u64, _buf: &mut [u8]) -> Result<usize, Errno> {
        Err(Errno::EFAULT)
    }
}

/// Copies `data` to `addr` in the own process; `EFAULT` if the target is not writable
/// (the copy never faults: `process_vm_writev` through the gate). Returns the bytes
/// written, which can be fewer than `data.len()` when the range runs into unmapped memory.
///
/// # Safety
///
/// The write bypasses Rust's view of memory: `addr..addr + data.len()` must not hold
/// anything Rust code relies on being unchanged (a value behind a live shared reference,
/// a vtable, the handler's own frame), exactly as for a raw-pointer write. Writing where the
/// interrupted code asked the kernel to write (a trapped call's output buffer) is sound in
/// a handler: the kernel would have written there too.
///
/// # Examples
///
/// ```
/// let mut target = [0u8; 3];
/// // SAFETY: `target` is ours and no reference to it is alive across the call.
/// assert_eq!(unsafe { sigsys::mem::write(target.as_mut_ptr() as u64, b"abc") }, Ok(3));
/// assert_eq!(&target, b"abc");
/// // SAFETY: page 0 is never mapped; nothing is written.
/// assert!(unsafe { sigsys::mem::write(8, b"x") }.is_err());
/// ```
pub unsafe fn write(addr: u64, data: &[u8]) -> Result<usize, Errno> {
    vm_rw(
        Sysno::process_vm_writev,
        addr,
        data.as_ptr() as u64,
        data.len(),
    )
}

/// Reads exactly `N` bytes or fails (`EFAULT` for a short read).
///
/// # Examples
///
/// ```
/// let x = 0x1234_5678u32;
/// let bytes = sigsys::mem::read_array::<4>(&sigsys::mem::SelfMemory, (&raw const x) as u64).unwrap();
/// assert_eq!(u32::from_ne_bytes(bytes), 0x1234_5678);
/// ```
pub fn read_array<const N: usize>(mem: &impl Memory, addr: u64) -> Result<[u8; N], Errno> {
    let mut buf = [0u8; N];
    match mem.read(addr, &mut buf)? {
        n if n == N => Ok(buf),
        _ => Err(Errno::EFAULT),
    }
}

/// Reads the NUL-terminated string at `addr` into `buf` and returns its length (without
/// the NUL), reading no further than the string and `buf`: a string that ends just before
/// unmapped memory is read whole.
///
/// # Errors
///
/// `EFAULT` when the string runs into memory that cannot be read before its NUL;
/// `ENAMETOOLONG` when no NUL is found within `buf.len()` bytes (`buf` then holds them).
///
/// # Examples
///
/// ```
/// use sigsys::mem::{read_cstr, SelfMemory};
/// let path = c"/etc/passwd";
/// let mut buf = [0u8; 64];
/// assert_eq!(read_cstr(&SelfMemory, path.as_ptr() as u64, &mut buf), Ok(11));
/// assert_eq!(&buf[..11], b"/etc/passwd");
/// assert_eq!(read_cstr(&SelfMemory, path.as_ptr() as u64, &mut buf[..4]), Err(syscalls::Errno::ENAMETOOLONG));
/// assert_eq!(read_cstr(&SelfMemory, 8, &mut buf), Err(syscalls::Errno::EFAULT));
/// ```
pub fn read_cstr(mem: &impl Memory, addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
    const PAGE: u64 = PAGE_SIZE;
    let mut done = 0usize;
    while done < buf.len() {
        let at = addr.wrapping_add(done as u64);
        // Read up to the end of the page, so a string near unmapped memory is read whole.
        let to_page_end = PAGE.wrapping_sub(at & (PAGE - 1)) as usize;
        let rest = buf.get_mut(done..).unwrap_or_default();
        let want = rest.len().min(to_page_end);
        let chunk = rest.get_mut(..want).unwrap_or_default();
        let n = mem.read(at, chunk)?;
        if let Some(nul) = chunk.get(..n).and_then(|c| c.iter().position(|&b| b == 0)) {
            return Ok(done.wrapping_add(nul));
        }
        if n < want {
            return Err(Errno::EFAULT);
        }
        done = done.wrapping_add(n);
    }
    Err(Errno::ENAMETOOLONG)
}

/// Reads a `T` from `addr` (an exact read, or `EFAULT`).
///
/// # Safety
///
/// Every bit pattern must be a valid `T` (plain integers and `repr(C)` structs of them).
///
/// # Examples
///
/// ```
/// let x = 7u64;
/// let y: u64 = unsafe { sigsys::mem::read_pod(&sigsys::mem::SelfMemory, (&raw const x) as u64) }.unwrap();
/// assert_eq!(y, 7);
/// ```
pub unsafe fn read_pod<T: Copy>(mem: &impl Memory, addr: u64) -> Result<T, Errno> {
    let mut value = core::mem::MaybeUninit::<T>::zeroed();
    // SAFETY: the zeroed storage is size_of::<T>() initialised bytes, viewed as u8.
    let bytes = unsafe {
        core::slice::from_raw_parts_mut(value.as_mut_ptr().cast::<u8>(), core::mem::size_of::<T>())
    };
    if mem.read(addr, bytes)? != bytes.len() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: all bytes were written, and the caller promises any pattern is a valid T.
    Ok(unsafe { value.assume_init() })
}

/// Writes `value` to `addr` (an exact write, or `EFAULT`).
///
/// `T` should have no padding bytes (they would be copied uninitialised); the crate only
/// writes integers and `repr(C)` structs with explicit padding fields.
///
/// # Safety
///
/// As [`write()`].
pub(crate) unsafe fn write_pod<T: Copy>(addr: u64, value: &T) -> Result<(), Errno> {
    // SAFETY: `value` is a live T; its bytes are read only by the kernel's copy.
    let bytes = unsafe {
        core::slice::from_raw_parts(
            core::ptr::from_ref(value).cast::<u8>(),
            core::mem::size_of::<T>(),
        )
    };
    // SAFETY: the caller answers for the target, as `write` requires.
    match unsafe { write(addr, bytes) }? {
        n if n == bytes.len() => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// One `process_vm_{readv,writev}` on the own pid: the local side is `local..local+len`, the
/// remote side `remote..remote+len`.
fn vm_rw(nr: Sysno, remote: u64, local: u64, len: usize) -> Result<usize, Errno> {
    if len == 0 {
        return Ok(0);
    }
    // `struct iovec` (a pointer and a `size_t`: 8 bytes on ARM, 16 on the 64-bit ones).
    let iov = |addr: u64| libc::iovec {
        iov_base: addr as usize as *mut libc::c_void,
        iov_len: len,
    };
    let local_iov = [iov(local)];
    let remote_iov = [iov(remote)];
    let pid = crate::pid::own_pid();
    // SAFETY: both iovecs are live `struct iovec`s; the local buffer is the caller's slice
    // of `len` bytes. The kernel checks the remote side and returns EFAULT
    // instead of faulting.
    let n = unsafe {
        gate::sys(
            nr,
            [
                pid,
                local_iov.as_ptr() as u64,
                1,
                remote_iov.as_ptr() as u64,
                1,
                0,
            ],
        )
    }?;
    Ok(n as usize)
}

/// The memory of the calling process, read by the crate's safecopy routine where it may be
/// ([`FastMemory::is_fast`]: the fault handler of [`crate::safecopy`] is in force and the
/// thread does not block SIGSEGV or SIGBUS), else as [`SelfMemory`] reads it. Never faults
/// the process either way.
///
/// Get one from [`crate::Trap::memory`] in a SIGSYS handler (the frame tells which signals
/// the interrupted code blocks), or [`FastMemory::current`] elsewhere.
///
/// # Examples
///
/// ```
/// use sigsys::mem::{FastMemory, Memory};
/// sigsys::safecopy::install().unwrap();
/// let mem = FastMemory::current();
/// let x = 0x5eed_u64;
/// assert_eq!(sigsys::mem::read_array::<8>(&mem, (&raw const x) as u64), Ok(x.to_ne_bytes()));
/// // Blocked SIGSEGV: the same reads, through the kernel.
/// let mut blocked = sigsys::frame::SigSet::EMPTY;
/// blocked.insert(libc::SIGSEGV);
/// assert!(!FastMemory::for_blocked(blocked).is_fast());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastMemory {
    fast: bool,
}

impl FastMemory {
    /// The reader for a thread whose blocked signals are `blocked`: fast when the fault
    /// handler is in force ([`crate::safecopy::is_active`]) and `blocked` holds neither
    /// SIGSEGV nor SIGBUS.
    ///
    /// `blocked` must include every signal the calling thread blocks now (a superset is
    /// fine): a fault while SIGSEGV or SIGBUS is blocked kills the process, whatever the
    /// handler. In a SIGSYS handler installed with an `sa_mask` that leaves both unblocked
    /// (as [`crate::install::install_handler`]'s), the frame's mask is that set:
    /// [`crate::Trap::memory`] uses it.
    pub fn for_blocked(blocked: SigSet) -> FastMemory {
        FastMemory {
            fast: crate::safecopy::usable_with(blocked),
        }
    }

    /// The reader for the calling thread as it is now (one `rt_sigprocmask` to learn its
    /// mask).
    pub fn current() -> FastMemory {
        let mut old = SigSet::EMPTY;
        // SAFETY: SIG_BLOCK of nothing: only the current mask is written into `old`.
        let asked = unsafe {
            gate::sys(
                Sysno::rt_sigprocmask,
                [
                    libc::SIG_BLOCK as u64,
                    0,
                    core::ptr::from_mut(&mut old) as u64,
                    crate::arch::SIGSET_SIZE,
                    0,
                    0,
                ],
            )
        };
        match asked {
            Ok(_) => FastMemory::for_blocked(old),
            Err(_) => FastMemory { fast: false },
        }
    }

    /// A reader that always goes through the kernel (`process_vm_readv`), as [`SelfMemory`].
    pub const SLOW: FastMemory = FastMemory { fast: false };

    /// Whether reads use the safecopy routine.
    pub fn is_fast(&self) -> bool {
        self.fast
    }

    /// Copies `data` to `addr` in the own process, as [`write()`] does, with the safecopy
    /// routine when [`FastMemory::is_fast`].
    ///
    /// # Safety
    ///
    /// As [`write()`].
    ///
    /// # Errors
    ///
    /// `EFAULT` if not one byte could be written.
    ///
    /// # Examples
    ///
    /// ```
    /// sigsys::safecopy::install().unwrap();
    /// let mut target = [0u8; 2];
    /// let mem = sigsys::mem::FastMemory::current();
    /// // SAFETY: `target` is ours and no reference to it is alive across the call.
    /// assert_eq!(unsafe { mem.write(target.as_mut_ptr() as u64, b"ok") }, Ok(2));
    /// assert_eq!(&target, b"ok");
    /// // SAFETY: page 0 is never mapped; nothing is written.
    /// assert!(unsafe { mem.write(8, b"x") }.is_err());
    /// ```
    pub unsafe fn write(&self, addr: u64, data: &[u8]) -> Result<usize, Errno> {
        if self.fast {
            // SAFETY: `fast` was decided by `usable_with` for this thread's mask; the
            // caller answers for the target.
            unsafe { crate::safecopy::write(addr, data) }
        } else {
            // SAFETY: forwarded contract.
            unsafe { write(addr, data) }
        }
    }
}

impl Memory for FastMemory {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        if self.fast {
            // SAFETY: `fast` was decided by `usable_with` for this thread's mask.
            unsafe { crate::safecopy::read(addr, buf) }
        } else {
            SelfMemory.read(addr, buf)
        }
    }
}

/// Reads the C string argument `index` of `call` (a path, a name: what
/// [`crate::args::Arg::Path`] gives the address of) into `buf`, fault-proof, and returns
/// its bytes without the NUL. The address is read at the call's ABI width (as the kernel
/// reads it), then [`read_cstr`] reads the string.
///
/// # Errors
///
/// `EFAULT` for an address that cannot be read up to the NUL (a null pointer included);
/// `ENAMETOOLONG` when no NUL is found within `buf.len()` bytes; `EINVAL` for an `index`
/// past 5.
///
/// # Examples
///
/// ```
/// use sigsys::{mem, Syscall, Sysno};
/// let path = c"/etc/hostname";
/// let call = Syscall::x86_64(Sysno::openat, [libc::AT_FDCWD as u64, path.as_ptr() as u64, 0, 0, 0, 0]);
/// let mut buf = [0u8; 256];
/// assert_eq!(mem::read_cstr_arg(&mem::SelfMemory, &call, 1, &mut buf), Ok(&b"/etc/hostname"[..]));
/// assert_eq!(mem::read_cstr_arg(&mem::SelfMemory, &call, 2, &mut buf), Err(sigsys::Errno::EFAULT));
/// ```
pub fn read_cstr_arg<'b>(
    mem: &impl Memory,
    call: &crate::syscall::Syscall,
    index: usize,
    buf: &'b mut [u8],
) -> Result<&'b [u8], Errno> {
    let addr = *call.args.get(index).ok_or(Errno::EINVAL)?;
    let addr = if call.abi.is_compat() {
        addr & u64::from(u32::MAX)
    } else {
        addr
    };
    let len = read_cstr(mem, addr, buf)?;
    buf.get(..len).ok_or(Errno::ENAMETOOLONG)
}
