//! Mapping an ELF executable and its interpreter the way the kernel's `binfmt_elf` does.

use crate::sys::{self, sys};
use syscalls::x86_64::Sysno;

const PAGE: u64 = 4096;
const PT_LOAD: u32 = 1;
const PT_INTERP: u32 = 3;
const PT_PHDR: u32 = 6;
const PT_GNU_STACK: u32 = 0x6474_e551;
const ET_EXEC: u16 = 2;
const ET_DYN: u16 = 3;
const EM_X86_64: u16 = 62;
/// Program headers read at most (the kernel's limit is 64 KiB of them).
const MAX_PHDRS: usize = 128;
const PHENT: usize = 56;

/// Why a file cannot be loaded: the errno the kernel's exec would have returned.
pub type Error = i32;

/// One loaded image.
#[derive(Clone, Copy, Default)]
pub struct Image {
    /// Load bias (0 for `ET_EXEC`).
    pub bias: u64,
    /// Entry point (biased).
    pub entry: u64,
    /// Address of the program headers in memory.
    pub phdr: u64,
    /// Number of program headers.
    pub phnum: u64,
    /// `PT_GNU_STACK` asks for an executable stack.
    pub exec_stack: bool,
}

#[derive(Clone, Copy)]
struct Phdr {
    kind: u32,
    flags: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
    memsz: u64,
}

fn u16at(b: &[u8], o: usize) -> u16 {
    match b.get(o..o.wrapping_add(2)) {
        Some(&[x, y]) => u16::from_le_bytes([x, y]),
        _ => 0,
    }
}

fn u32at(b: &[u8], o: usize) -> u32 {
    let mut v = [0u8; 4];
    if let Some(s) = b.get(o..o.wrapping_add(4)) {
        v.copy_from_slice(s);
    }
    u32::from_le_bytes(v)
}

fn u64at(b: &[u8], o: usize) -> u64 {
    let mut v = [0u8; 8];
    if let Some(s) = b.get(o..o.wrapping_add(8)) {
        v.copy_from_slice(s);
    }
    u64::from_le_bytes(v)
}

fn pread(fd: i32, buf: &mut [u8], off: u64) -> Result<usize, Error> {
    // SAFETY: reads into a local buffer, at most its length.
    let r = unsafe {
        sys(
            Sysno::pread64,
            [
                fd as u64,
                buf.as_mut_ptr() as u64,
                buf.len() as u64,
                off,
                0,
                0,
            ],
        )
    };
    if r < 0 {
        Err((-r) as i32)
    } else {
        Ok(r as usize)
    }
}

fn down(a: u64) -> u64 {
    a & !(PAGE - 1)
}

fn up(a: u64) -> u64 {
    a.wrapping_add(PAGE - 1) & !(PAGE - 1)
}

fn prot(flags: u32) -> u64 {
    let mut p = 0;
    if flags & 4 != 0 {
        p |= libc::PROT_READ as u64;
    }
    if flags & 2 != 0 {
        p |= libc::PROT_WRITE as u64;
    }
    if flags & 1 != 0 {
        p |= libc::PROT_EXEC as u64;
    }
    p
}

/// Maps `fd` (an x86_64 `ET_EXEC` or `ET_DYN` file). Writes the `PT_INTERP` path, if any,
/// into `interp` and returns its length in the second value (0: none).
// Long (about 100 lines) on purpose: one pass in the order of the kernel's
// `load_elf_binary` (header, program headers, span, segments, `PT_PHDR`), which is easier
// to check against it read top to bottom than split.
pub fn load(fd: i32, interp: &mut [u8]) -> Result<(Image, usize), Error> {
    let mut eh = [0u8; 64];
    if pread(fd, &mut eh, 0)? < 64 || eh.get(..4) != Some(b"\x7fELF") {
        return Err(libc::ENOEXEC);
    }
    let (class, data) = (eh.get(4).copied(), eh.get(5).copied());
    let (kind, machine) = (u16at(&eh, 16), u16at(&eh, 18));
    if class != Some(2) || data != Some(1) || machine != EM_X86_64 {
        return Err(libc::ENOEXEC);
    }
    if kind != ET_EXEC && kind != ET_DYN {
        return Err(libc::ENOEXEC);
    }
    let (entry, phoff) = (u64at(&eh, 24), u64at(&eh, 32));
    let (phentsize, phnum) = (u16at(&eh, 54) as usize, u16at(&eh, 56) as usize);
    if phentsize != PHENT || phnum == 0 || phnum > MAX_PHDRS {
        return Err(libc::ENOEXEC);
    }
    let mut raw = [0u8; MAX_PHDRS * PHENT];
    let want = phnum.wrapping_mul(PHENT);
    let buf = raw.get_mut(..want).ok_or(libc::ENOEXEC)?;
    if pread(fd, buf, phoff)? < want {
        return Err(libc::ENOEXEC);
    }
    let ph = |i: usize| {
        let o = i.wrapping_mul(PHENT);
        Phdr {
            kind: u32at(buf, o),
            flags: u32at(buf, o.wrapping_add(4)),
            offset: u64at(buf, o.wrapping_add(8)),
            vaddr: u64at(buf, o.wrapping_add(16)),
            filesz: u64at(buf, o.wrapping_add(32)),
            memsz: u64at(buf, o.wrapping_add(40)),
        }
    };
    let (mut lo, mut hi, mut interp_len, mut phdr_vaddr) = (u64::MAX, 0u64, 0usize, None);
    let mut first_load = None;
    let mut exec_stack = false;
    for i in 0..phnum {
        let p = ph(i);
        match p.kind {
            PT_LOAD => {
                if p.filesz > p.memsz || (p.vaddr & (PAGE - 1)) != (p.offset & (PAGE - 1)) {
                    return Err(libc::EINVAL);
                }
                lo = lo.min(down(p.vaddr));
                hi = hi.max(up(p.vaddr.checked_add(p.memsz).ok_or(libc::EINVAL)?));
                if first_load.is_none() {
                    first_load = Some(p);
                }
            }
            PT_INTERP => {
                let n = p.filesz as usize;
                let dst = interp.get_mut(..n).ok_or(libc::ENAMETOOLONG)?;
                if n < 2 || pread(fd, dst, p.offset)? < n {
                    return Err(libc::ENOEXEC);
                }
                // Without its NUL.
                interp_len = dst.iter().position(|&c| c == 0).unwrap_or(n);
            }
            PT_PHDR => phdr_vaddr = Some(p.vaddr),
            PT_GNU_STACK => exec_stack = p.flags & 1 != 0,
            _ => {}
        }
    }
    let first = first_load.ok_or(libc::ENOEXEC)?;
    let span = hi.wrapping_sub(lo);
    // Reserve the whole span, then map each segment over it (as the kernel's
    // `total_mapping_size`); for ET_EXEC at its own addresses, refusing to replace anything.
    let (hint, fixed) = if kind == ET_EXEC {
        (lo, libc::MAP_FIXED_NOREPLACE as u64)
    } else {
        (0, 0)
    };
    // SAFETY: a new reservation, at no address or (`MAP_FIXED_NOREPLACE`) at one where
    // nothing is mapped: nothing in use is replaced.
    let at = unsafe {
        sys::mmap(
            hint,
            span,
            libc::PROT_NONE as u64,
            (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64 | fixed,
            -1,
            0,
        )
    }?;
    let bias = if kind == ET_EXEC {
        0
    } else {
        at.wrapping_sub(lo)
    };
    for i in 0..phnum {
        let p = ph(i);
        if p.kind == PT_LOAD {
            map_segment(fd, bias, &p)?;
        }
    }
    let phdr = match phdr_vaddr {
        Some(v) => bias.wrapping_add(v),
        None => bias
            .wrapping_add(first.vaddr)
            .wrapping_sub(first.offset)
            .wrapping_add(phoff),
    };
    let image = Image {
        bias,
        entry: bias.wrapping_add(entry),
        phdr,
        phnum: phnum as u64,
        exec_stack,
    };
    Ok((image, interp_len))
}

fn map_segment(fd: i32, bias: u64, p: &Phdr) -> Result<(), Error> {
    let start = bias.wrapping_add(p.vaddr);
    let page_off = start & (PAGE - 1);
    let map_start = start.wrapping_sub(page_off);
    let prot = prot(p.flags);
    let fixed = (libc::MAP_PRIVATE | libc::MAP_FIXED) as u64;
    let file_end = start.wrapping_add(p.filesz);
    if p.filesz > 0 {
        let len = up(p.filesz.wrapping_add(page_off));
        // Writable while the tail of its last page is cleared.
        let map_prot = prot | libc::PROT_WRITE as u64;
        // SAFETY: `MAP_FIXED` inside the span reserved above for this image: it replaces
        // only that reservation.
        unsafe {
            sys::mmap(
                map_start,
                len,
                map_prot,
                fixed,
                fd,
                p.offset.wrapping_sub(page_off),
            )
        }?;
        if p.memsz > p.filesz && file_end & (PAGE - 1) != 0 {
            let n = up(file_end).wrapping_sub(file_end);
            // SAFETY: the tail of the last page of a private, writable mapping just made.
            unsafe { core::ptr::write_bytes(file_end as *mut u8, 0, n as usize) };
        }
        if map_prot != prot {
            // SAFETY: pages this code mapped (or the stack, as the kernel would set it): no memory
            // in use loses access it needs.
            let r = unsafe { sys(Sysno::mprotect, [map_start, len, prot, 0, 0, 0]) };
            if r < 0 {
                return Err((-r) as i32);
            }
        }
    }
    let bss = if p.filesz > 0 {
        up(file_end)
    } else {
        map_start
    };
    let end = up(start.wrapping_add(p.memsz));
    if end > bss {
        // SAFETY: as above: the segment's zero pages, inside the reserved span.
        unsafe {
            sys::mmap(
                bss,
                end.wrapping_sub(bss),
                prot,
                fixed | libc::MAP_ANONYMOUS as u64,
                -1,
                0,
            )
        }?;
    }
    Ok(())
}
