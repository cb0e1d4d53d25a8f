//! Keeping the tracer in the environment of `execve`.
//!
//! The new image is traced only if it loads the preload library, which it finds through
//! `LD_PRELOAD` and the `SIGSYS_TRACE_*` variables. A program that executes another with
//! an environment of its own making (`env -i`, a subprocess with `env={...}`) would drop
//! them. So at `execve` the handler checks the environment the call passes, and when one
//! of the tracer's variables is missing (or `LD_PRELOAD` lacks the library) it runs the
//! call with a copy of the array that has them: the tracer's `LD_PRELOAD` entry in front
//! of the program's own, the three `SIGSYS_TRACE_*` appended. The copy lives in a scratch
//! mapping (gone with the old image; unmapped if the call fails).

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicUsize, Ordering};

use sigsys::mem::Memory;
use syscalls::x86_64::Sysno;

use crate::line::ProcMemory;
use crate::state::sys;

const VAR_MAX: usize = 512;

/// One `NAME=value` string saved by the constructor (written once, before any thread).
struct Saved {
    bytes: UnsafeCell<[u8; VAR_MAX]>,
    len: AtomicUsize,
}

// SAFETY: written only by the constructor before the program runs; read-only afterwards.
unsafe impl Sync for Saved {}

impl Saved {
    const fn new() -> Saved {
        Saved {
            bytes: UnsafeCell::new([0; VAR_MAX]),
            len: AtomicUsize::new(0),
        }
    }

    fn get(&self) -> &[u8] {
        let len = self.len.load(Ordering::Acquire);
        // SAFETY: see the Sync impl; `len` bytes were written before `len` was published.
        unsafe { (*self.bytes.get()).get(..len).unwrap_or(&[]) }
    }

    /// # Safety
    ///
    /// Only from the constructor.
    unsafe fn set(&self, name: &[u8], value: &[u8]) {
        let total = name.len() + 1 + value.len();
        if total >= VAR_MAX {
            return;
        }
        // SAFETY: single-threaded constructor.
        let buf = unsafe { &mut *self.bytes.get() };
        buf[..name.len()].copy_from_slice(name);
        buf[name.len()] = b'=';
        buf[name.len() + 1..total].copy_from_slice(value);
        self.len.store(total, Ordering::Release);
    }
}

/// `LD_PRELOAD=<the library>`, then the three `SIGSYS_TRACE_*=...`.
static VARS: [Saved; 4] = [Saved::new(), Saved::new(), Saved::new(), Saved::new()];
const NAMES: [&[u8]; 4] = [
    b"LD_PRELOAD",
    b"SIGSYS_TRACE_SOCK",
    b"SIGSYS_TRACE_MODE",
    b"SIGSYS_TRACE_FLUSH",
];

/// Saves the tracer's variables (constructor). For `LD_PRELOAD`, only this library (the
/// first entry, as the launcher puts it).
pub fn save() {
    for (slot, name) in VARS.iter().zip(NAMES) {
        let mut cname = [0u8; 32];
        cname[..name.len()].copy_from_slice(name);
        // SAFETY: a NUL-terminated name; getenv in the constructor.
        let p = unsafe { libc::getenv(cname.as_ptr().cast()) };
        if p.is_null() {
            continue;
        }
        // SAFETY: getenv returned a NUL-terminated string.
        let mut value = unsafe { core::ffi::CStr::from_ptr(p) }.to_bytes();
        if name == b"LD_PRELOAD" {
            value = value.split(|&b| b == b':').next().unwrap_or(value);
            if !value.ends_with(b"libsigsys_trace.so") {
                continue;
            }
        }
        // SAFETY: constructor.
        unsafe { slot.set(name, value) };
    }
}

/// Reads up to `buf.len()` bytes at `addr`, page by page, stopping at the first unreadable
/// page; returns how many were read.
fn read_some(addr: u64, buf: &mut [u8]) -> usize {
    let mut done = 0;
    while done < buf.len() {
        let at = addr.wrapping_add(done as u64);
        let in_page = 4096 - (at % 4096) as usize;
        let n = in_page.min(buf.len() - done);
        match ProcMemory.read(at, &mut buf[done..done + n]) {
            Ok(k) if k > 0 => done += k,
            _ => break,
        }
    }
    done
}

/// Whether the NUL-terminated string at `addr` starts with `prefix`.
fn starts_with(addr: u64, prefix: &[u8]) -> bool {
    let mut buf = [0u8; 24];
    let want = prefix.len().min(buf.len());
    read_some(addr, &mut buf[..want]) == want && &buf[..want] == prefix
}

/// The new `envp` for an `execve` whose environment `envp` lacks the tracer, built in a
/// fresh mapping; `None` when nothing is missing or it cannot be done (then the call runs
/// as it is). Returns (new envp, mapping base, mapping length).
pub fn with_tracer(envp: u64) -> Option<(u64, u64, u64)> {
    let lib = VARS[0].get();
    if lib.is_empty() {
        return None;
    }
    // Pass 1: count entries, find ours. A null `envp` is an empty environment to the
    // kernel (`execveat(..., NULL, ...)`): the copy then has only the tracer's variables.
    let mut n = 0u64;
    let mut found = [None::<u64>; 4];
    loop {
        if envp == 0 {
            break;
        }
        let mut p = [0u8; 8];
        if read_some(envp + 8 * n, &mut p) != 8 {
            return None;
        }
        let s = u64::from_ne_bytes(p);
        if s == 0 {
            break;
        }
        for (i, name) in NAMES.iter().enumerate() {
            if found[i].is_none()
                && starts_with(s, name)
                && starts_with(s + name.len() as u64, b"=")
            {
                found[i] = Some(n);
            }
        }
        n += 1;
        if n > 1 << 20 {
            return None;
        }
    }
    // The program's LD_PRELOAD value, if any, and whether it already has our library.
    let mut theirs = [0u8; 4096];
    let mut theirs_len = 0;
    let mut lib_missing = true;
    if let Some(i) = found[0] {
        let mut p = [0u8; 8];
        read_some(envp + 8 * i, &mut p);
        let s = u64::from_ne_bytes(p) + NAMES[0].len() as u64 + 1;
        let got = read_some(s, &mut theirs);
        theirs_len = theirs[..got].iter().position(|&b| b == 0)?;
        let ours = &lib[NAMES[0].len() + 1..];
        lib_missing = !theirs[..theirs_len]
            .split(|&b| b == b':' || b == b' ')
            .any(|e| e == ours);
    }
    let missing = found.iter().skip(1).filter(|f| f.is_none()).count() as u64;
    if !lib_missing && missing == 0 {
        return None;
    }
    // Pass 2: the new array and strings.
    let len = (8 * (n + 6) + 8192 + 4096 + 4095) & !4095;
    let base = sys(
        Sysno::mmap,
        [
            0,
            len,
            (libc::PROT_READ | libc::PROT_WRITE) as u64,
            (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64,
            u64::MAX,
            0,
        ],
    );
    if (-4095..0).contains(&base) {
        return None;
    }
    let base = base as u64;
    // SAFETY: a fresh private mapping of `len` bytes, ours until exec or munmap.
    let mem = unsafe { core::slice::from_raw_parts_mut(base as *mut u8, len as usize) };
    let (array, strings) = mem.split_at_mut(8 * (n as usize + 6));
    let mut spos = 0usize;
    let mut put = |bytes: &[&[u8]]| -> Option<u64> {
        let at = spos;
        for b in bytes {
            strings.get_mut(spos..spos + b.len())?.copy_from_slice(b);
            spos += b.len();
        }
        *strings.get_mut(spos)? = 0;
        spos += 1;
        Some(base + 8 * (n + 6) + at as u64)
    };
    let preload = if lib_missing {
        Some(if theirs_len > 0 {
            put(&[lib, b":", &theirs[..theirs_len]])?
        } else {
            put(&[lib])?
        })
    } else {
        None
    };
    let mut out = 0usize;
    let mut push = |v: u64, array: &mut [u8]| {
        if let Some(slot) = array.get_mut(8 * out..8 * out + 8) {
            slot.copy_from_slice(&v.to_ne_bytes());
            out += 1;
        }
    };
    for i in 0..n {
        let mut p = [0u8; 8];
        read_some(envp + 8 * i, &mut p);
        let v = if Some(i) == found[0] {
            match preload {
                Some(p) => p,
                None => u64::from_ne_bytes(p),
            }
        } else {
            u64::from_ne_bytes(p)
        };
        push(v, array);
    }
    if found[0].is_none() {
        if let Some(p) = preload {
            push(p, array);
        }
    }
    for i in 1..4 {
        if found[i].is_none() && !VARS[i].get().is_empty() {
            let p = put(&[VARS[i].get()])?;
            push(p, array);
        }
    }
    push(0, array);
    Some((base, base, len))
}
