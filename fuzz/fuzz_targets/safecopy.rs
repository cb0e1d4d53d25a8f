//! Fuzzes the safecopy routine against a model: eight pages, each good or bad (unmapped or
//! `PROT_NONE`) as the input says, a read (and a write back) at an offset and length from
//! the input. The model: the bytes up to the first bad page, or `EFAULT` for none; the
//! contents are the pages' pattern; `process_vm_readv` (the slow reader) agrees.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sigsys::mem::{FastMemory, Memory};
use syscalls::Errno;

const PAGES: usize = 8;
const PAGE: usize = 4096;

fn pattern(at: usize) -> u8 {
    (at / PAGE * 31 + at % PAGE * 7) as u8
}

/// The region (mapped once; the crate's fault handler installed).
fn base() -> usize {
    static BASE: OnceLock<usize> = OnceLock::new();
    *BASE.get_or_init(|| {
        sigsys::safecopy::install().expect("safecopy");
        // SAFETY: a new anonymous mapping.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                PAGES * PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(p, libc::MAP_FAILED);
        p as usize
    })
}

/// Makes page `i` good (mapped again, filled) or bad.
fn set_page(base: usize, i: usize, bad: bool, unmapped: bool) {
    let at = (base + i * PAGE) as *mut libc::c_void;
    // SAFETY: pages of our own region, put back in place with MAP_FIXED.
    unsafe {
        let p = libc::mmap(
            at,
            PAGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
            -1,
            0,
        );
        assert_eq!(p, at);
        for k in 0..PAGE {
            *p.cast::<u8>().add(k) = pattern(i * PAGE + k);
        }
        if bad && unmapped {
            libc::munmap(at, PAGE);
        } else if bad {
            libc::mprotect(at, PAGE, libc::PROT_NONE);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [layout, kinds, o0, o1, l0, l1, flags, ..] = *data else {
        return;
    };
    let base = base();
    let bad = |i: usize| layout >> i & 1 != 0;
    for i in 0..PAGES {
        set_page(base, i, bad(i), kinds >> i & 1 != 0);
    }
    let off = usize::from(u16::from_le_bytes([o0, o1])) % (PAGES * PAGE);
    let len = (usize::from(u16::from_le_bytes([l0, l1])) % (2 * PAGE + 1)).min(PAGES * PAGE - off);
    let good = (0..len).take_while(|&k| !bad((off + k) / PAGE)).count();
    let want = if len > 0 && good == 0 {
        Err(Errno::EFAULT)
    } else {
        Ok(good)
    };
    let mem = FastMemory::current();
    assert!(mem.is_fast());
    let at = (base + off) as u64;
    let mut buf = vec![0u8; len];
    let got = mem.read(at, &mut buf);
    assert_eq!(
        got, want,
        "read at page offset {off} len {len} layout {layout:08b}"
    );
    for (k, &b) in buf.iter().take(got.unwrap_or(0)).enumerate() {
        assert_eq!(b, pattern(off + k), "byte {k}");
    }
    let mut slow = vec![0u8; len];
    assert_eq!(
        FastMemory::SLOW.read(at, &mut slow),
        want,
        "process_vm_readv agrees"
    );
    if flags & 1 != 0 {
        // Writing the same bytes back: the same count (or EFAULT), nothing else changes.
        let n = got.unwrap_or(0);
        let data = if n > 0 { &buf[..n] } else { &buf[..] };
        // SAFETY: our own region, written with its own pattern.
        let wrote = unsafe { mem.write(at, data) };
        assert_eq!(wrote, if n > 0 { Ok(n) } else { want });
    }
});
