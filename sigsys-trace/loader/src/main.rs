//! The sigsys-trace loader: every image of a traced program starts here.
//!
//! The kernel executes this small static executable (linked at a fixed address, so that the
//! gate is at the same address in every image) with the program's own `argv` and
//! environment. It finds its instructions in the run directory it was executed from (see
//! `protocol.rs`), then maps the program and its `PT_INTERP` itself, as the kernel's
//! `binfmt_elf` would, fixes up the auxiliary vector (`AT_PHDR`, `AT_PHNUM`, `AT_ENTRY`,
//! `AT_BASE`, `AT_EXECFN`) on the stack the kernel made, and enters the program with
//! the stack exactly as the kernel left it.
//!
//! Nothing here may use thread-local storage: once the program runs, `%fs` is its own.

#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

#[path = "../../src/protocol.rs"]
#[allow(dead_code)]
mod protocol;

mod altstack;
mod batch;
mod clone;
mod compose;
mod elf;
mod ends;
mod exec;
mod handler;
mod inject;
mod line;
mod masks;
mod mem;
mod prog_sigsys;
mod raw;
mod send;
mod shm;
mod signals;
mod start;
mod state;
mod sys;

use core::arch::{asm, global_asm};
use syscalls::x86_64::Sysno;

use sys::sys;

const AT_MINSIGSTKSZ: u64 = 51;
const AT_HWCAP2: u64 = 26;

global_asm!(
    ".globl _start",
    "_start:",
    "xor ebp, ebp",
    "mov rdi, rsp",
    "and rsp, -16",
    "call {main}",
    "ud2",
    main = sym loader_main,
);

const AT_PHDR: u64 = 3;
const AT_PHENT: u64 = 4;
const AT_PHNUM: u64 = 5;
const AT_BASE: u64 = 7;
const AT_FLAGS: u64 = 8;
const AT_ENTRY: u64 = 9;
const AT_EXECFN: u64 = 31;

/// The file name the program executed (NUL-terminated), for `AT_EXECFN` and the handler.
static mut NAME: [u8; protocol::NAME_MAX + 1] = [0; protocol::NAME_MAX + 1];

/// The process's initial stack as the kernel made it.
struct Stack {
    sp: *mut u64,
    argc: usize,
    auxv: *mut u64,
}

impl Stack {
    /// # Safety
    ///
    /// `sp` is the stack pointer at `_start`.
    unsafe fn parse(sp: *mut u64) -> Stack {
        // SAFETY: the kernel's layout: argc, argv[argc], NULL, envp..., NULL, auxv pairs.
        unsafe {
            let argc = *sp as usize;
            let mut p = sp.add(argc + 2);
            while *p != 0 {
                p = p.add(1);
            }
            Stack {
                sp,
                argc,
                auxv: p.add(1),
            }
        }
    }

    fn aux(&self, key: u64) -> Option<u64> {
        let mut p = self.auxv;
        // SAFETY: the auxiliary vector ends with AT_NULL.
        unsafe {
            while *p != 0 {
                if *p == key {
                    return Some(*p.add(1));
                }
                p = p.add(2);
            }
        }
        None
    }

    fn set_aux(&self, key: u64, value: u64) {
        let mut p = self.auxv;
        // SAFETY: as in `aux`; the stack is writable.
        unsafe {
            while *p != 0 {
                if *p == key {
                    *p.add(1) = value;
                }
                p = p.add(2);
            }
        }
    }

    fn envp(&self) -> u64 {
        // SAFETY: argc, argv[argc], NULL, then envp.
        unsafe { self.sp.add(self.argc + 2) as u64 }
    }

    fn argv(&self, i: usize) -> u64 {
        if i >= self.argc {
            return 0;
        }
        // SAFETY: i < argc.
        unsafe { *self.sp.add(1 + i) }
    }
}

fn cstr_len(p: u64) -> usize {
    if p == 0 {
        return 0;
    }
    let mut n = 0usize;
    // SAFETY: a NUL-terminated string the kernel put on the stack.
    while unsafe { *((p as *const u8).add(n)) } != 0 {
        n += 1;
    }
    n
}

fn bytes<'a>(p: u64) -> &'a [u8] {
    // SAFETY: as in `cstr_len`.
    unsafe { core::slice::from_raw_parts(p as *const u8, cstr_len(p)) }
}

fn die(what: &[u8], errno: i32) -> ! {
    sys::write_all(2, b"sigsys-trace: ");
    sys::write_all(2, what);
    if errno != 0 {
        let mut num = [0u8; 12];
        let mut i = num.len();
        let mut e = errno.unsigned_abs();
        loop {
            i -= 1;
            num[i] = b'0' + (e % 10) as u8;
            e /= 10;
            if e == 0 || i == 0 {
                break;
            }
        }
        sys::write_all(2, b" (errno ");
        sys::write_all(2, &num[i..]);
        sys::write_all(2, b")");
    }
    sys::write_all(2, b"\n");
    sys::exit(127)
}

/// Opens `dir/file` (`dir` is the part of `execfn` before its last `/`).
fn open_beside(execfn: &[u8], file: &str, flags: i32) -> i64 {
    let dir = match execfn.iter().rposition(|&c| c == b'/') {
        Some(i) => &execfn[..i],
        None => b".",
    };
    let mut path = [0u8; protocol::NAME_MAX];
    let total = dir.len() + 1 + file.len();
    if total >= path.len() {
        return -(libc::ENAMETOOLONG as i64);
    }
    path[..dir.len()].copy_from_slice(dir);
    path[dir.len()] = b'/';
    path[dir.len() + 1..total].copy_from_slice(file.as_bytes());
    // SAFETY: a NUL-terminated path in a buffer that outlives the call.
    unsafe {
        sys(
            Sysno::open,
            [path.as_ptr() as u64, flags as u64, 0, 0, 0, 0],
        )
    }
}

/// Maps the run's shared file; its address.
fn map_shm(execfn: &[u8]) -> u64 {
    let fd = open_beside(execfn, protocol::SHM_FILE, libc::O_RDWR | libc::O_CLOEXEC);
    if fd < 0 {
        die(b"the loader cannot open its run directory", -fd as i32);
    }
    // SAFETY: a new mapping at no fixed address: nothing in use is replaced.
    let map = unsafe {
        sys::mmap(
            0,
            protocol::SHM_SIZE as u64,
            (libc::PROT_READ | libc::PROT_WRITE) as u64,
            libc::MAP_SHARED as u64,
            fd as i32,
            0,
        )
    };
    sys::close(fd);
    match map {
        Ok(m) => m,
        Err(e) => die(b"the loader cannot map its run directory", e),
    }
}

#[no_mangle]
unsafe extern "C" fn loader_main(sp: *mut u64) -> ! {
    // SAFETY: called from `_start` with the kernel's stack pointer.
    let stack = unsafe { Stack::parse(sp) };
    let execfn = bytes(stack.aux(AT_EXECFN).unwrap_or(0));
    let shm = map_shm(execfn);
    if let Some(i) = execfn.iter().rposition(|&c| c == b'/') {
        // SAFETY: before the program runs (one thread, no handler).
        unsafe { send::set_launcher_dir(execfn.get(..i).unwrap_or(&[])) };
    }
    // SAFETY: a live mapping of the whole shared file.
    let header = unsafe { protocol::header(shm) };
    if header.magic != protocol::MAGIC {
        die(b"the loader's run directory is not a sigsys-trace run", 0);
    }
    let pid = sys::getpid();
    // SAFETY: as above.
    let Some(i) = (unsafe { protocol::find(shm, pid) }) else {
        die(b"the loader was started without a program to load", 0)
    };
    // SAFETY: as above; i < SLOTS.
    let slot = unsafe { protocol::slot(shm, i) };
    let fd = slot.fd;
    let depth = slot.depth;
    let slot_flags = slot.flags;
    start::SLOT_FLAGS.store(slot_flags, core::sync::atomic::Ordering::Relaxed);
    let len = (slot.len as usize).min(protocol::NAME_MAX);
    let mut name = [0u8; protocol::NAME_MAX];
    name[..len].copy_from_slice(&slot.name[..len]);
    let name = &name[..len];
    let plen = (slot.path_len as usize).min(protocol::NAME_MAX);
    let mut path = [0u8; protocol::NAME_MAX];
    path[..plen].copy_from_slice(&slot.path[..plen]);
    let path = if plen == 0 { name } else { &path[..plen] };
    let prefix = slot.prefix;
    let alen = (slot.argv0_len as usize).min(protocol::ARGV0_MAX);
    let mut argv0 = [0u8; protocol::ARGV0_MAX];
    argv0[..alen].copy_from_slice(&slot.argv0[..alen]);
    let argv0 = &argv0[..alen];
    // SAFETY: as above.
    unsafe { protocol::free(shm, i) };
    let mut head = [0u8; 256];
    // SAFETY: reads into a local buffer, at most its length.
    let n = unsafe {
        sys(
            Sysno::pread64,
            [fd as u64, head.as_mut_ptr() as u64, 256, 0, 0, 0],
        )
    };
    if n >= 2 && head.starts_with(b"#!") {
        let this = Exec {
            name,
            path,
            depth,
            flags: slot_flags,
            prefix,
            argv0,
        };
        script(&stack, shm, execfn, fd, &this, &head[..n as usize]);
    }
    // SAFETY: only this thread exists and no handler is installed yet.
    unsafe {
        exec::LOADER.set(execfn);
        exec::EXE.set(fd_path(fd).as_slice());
        // SAFETY: as above.
        let nm = &mut *core::ptr::addr_of_mut!(NAME);
        nm[..len].copy_from_slice(name);
        nm[len] = 0;
    }
    exec::SHM.store(shm, core::sync::atomic::Ordering::Relaxed);
    set_comm(name);
    let name_ptr = core::ptr::addr_of!(NAME) as u64;
    let shown = shown_argv(&stack, prefix, argv0);
    enter(&stack, fd, name_ptr, header, shown)
}

/// The path of the file open as `fd` (as `/proc/self/fd/N` names it).
fn fd_path(fd: i32) -> PathOut {
    let mut link = *b"/proc/self/fd/0000000000\0";
    let mut k = 14;
    let mut digits = [0u8; 10];
    let mut n = 0;
    let mut v = fd.unsigned_abs();
    loop {
        digits[n] = b'0' + (v % 10) as u8;
        n += 1;
        v /= 10;
        if v == 0 || n == digits.len() {
            break;
        }
    }
    while n > 0 {
        n -= 1;
        link[k] = digits[n];
        k += 1;
    }
    link[k] = 0;
    let mut out = PathOut {
        buf: [0; protocol::NAME_MAX],
        len: 0,
    };
    // SAFETY: a NUL-terminated path, and a local output buffer of the length passed.
    let r = unsafe {
        sys(
            Sysno::readlink,
            [
                link.as_ptr() as u64,
                out.buf.as_mut_ptr() as u64,
                out.buf.len() as u64,
                0,
                0,
                0,
            ],
        )
    };
    out.len = if r > 0 { r as usize } else { 0 };
    out
}

struct PathOut {
    buf: [u8; protocol::NAME_MAX],
    len: usize,
}

impl PathOut {
    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len.min(self.buf.len())]
    }
}

/// `/proc/self/comm` as the kernel sets it at exec: the last component of the name.
fn set_comm(name: &[u8]) {
    let base = match name.iter().rposition(|&c| c == b'/') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    let mut comm = [0u8; 16];
    let n = base.len().min(15);
    comm[..n].copy_from_slice(&base[..n]);
    // SAFETY: the option takes or fills only the local buffer it is given (or numbers).
    unsafe {
        sys(
            Sysno::prctl,
            [libc::PR_SET_NAME as u64, comm.as_ptr() as u64, 0, 0, 0, 0],
        )
    };
}

/// The exec being carried out: the slot's contents.
struct Exec<'a> {
    name: &'a [u8],
    path: &'a [u8],
    depth: u32,
    flags: u32,
    /// `Slot::prefix`.
    prefix: u32,
    /// `Slot::argv0`.
    argv0: &'a [u8],
}

/// The exec's own argument vector after `#!` interpreters changed it (`prefix` leading
/// arguments stand for `argv0`): `argv0` then the rest, in a new mapping, for the image's
/// `execve` line (and the mapping's address and length, unmapped once the line is made);
/// the stack's `argv` without interpreters.
fn shown_argv(stack: &Stack, prefix: u32, argv0: &[u8]) -> (u64, u64, u64) {
    let skip = prefix as usize;
    let own = (stack.sp as u64 + 8, 0, 0);
    if skip <= 1 || skip > stack.argc {
        return own;
    }
    // argv0 and its NUL, then the pointers: argv0, argv[skip..], NULL.
    let count = stack.argc - skip + 2;
    let at = (argv0.len() + 8) & !7;
    let len = (at + count * 8) as u64;
    // SAFETY: a new mapping at no fixed address: nothing in use is replaced.
    let Ok(a) = (unsafe {
        sys::mmap(
            0,
            len,
            (libc::PROT_READ | libc::PROT_WRITE) as u64,
            (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64,
            -1,
            0,
        )
    }) else {
        return own;
    };
    let base = a as *mut u8;
    // SAFETY: a fresh mapping of `at + count * 8` bytes: argv0 and its NUL fit in `at`,
    // then `count` words.
    unsafe {
        core::ptr::copy_nonoverlapping(argv0.as_ptr(), base, argv0.len());
        *base.add(argv0.len()) = 0;
        let v = base.add(at).cast::<u64>();
        *v = base as u64;
        for (k, i) in (skip..stack.argc).enumerate() {
            *v.add(k + 1) = stack.argv(i);
        }
        *v.add(count - 1) = 0;
        (v as u64, base as u64, len)
    }
}

/// A `#!` script: the loader runs again for its interpreter, with the arguments the
/// kernel's `binfmt_script` gives it (`interp [arg] name argv[1..]`), so that the process
/// is exactly as if the kernel had started the interpreter.
// Long (about 100 lines) on purpose: `binfmt_script`'s steps in its order (the line, the
// interpreter and its argument, the new argv, the next slot, the exec).
fn script(stack: &Stack, shm: u64, execfn: &[u8], fd: i32, this: &Exec<'_>, head: &[u8]) -> ! {
    let (name, path, depth) = (this.name, this.path, this.depth);
    if depth >= 5 {
        die(b"too many levels of #! interpreters", libc::ELOOP);
    }
    // The line ends at a newline or a NUL, as binfmt_script reads it.
    let line = match head.iter().position(|&c| c == b'\n' || c == 0) {
        Some(e) => &head[2..e],
        None => &head[2..],
    };
    let is_blank = |c: &u8| *c == b' ' || *c == b'\t';
    let line = {
        let s = line.iter().position(|c| !is_blank(c)).unwrap_or(line.len());
        let e = line.iter().rposition(|c| !is_blank(c)).map_or(s, |e| e + 1);
        &line[s..e.max(s)]
    };
    let split = line.iter().position(is_blank).unwrap_or(line.len());
    let interp = &line[..split];
    let arg = {
        let rest = &line[split..];
        let s = rest.iter().position(|c| !is_blank(c)).unwrap_or(rest.len());
        &rest[s..]
    };
    if interp.is_empty() {
        die(b"empty #! line", libc::ENOEXEC);
    }
    let mut ibuf = [0u8; 257];
    ibuf[..interp.len()].copy_from_slice(interp);
    let mut abuf = [0u8; 257];
    abuf[..arg.len()].copy_from_slice(arg);
    // The script argument is the file this level runs (the original name at the first
    // level, the previous interpreter's path below it).
    let mut nbuf = [0u8; protocol::NAME_MAX + 1];
    nbuf[..path.len()].copy_from_slice(path);
    // SAFETY: a NUL-terminated path in a buffer that outlives the call.
    let ifd = unsafe {
        sys(
            Sysno::open,
            [ibuf.as_ptr() as u64, libc::O_RDONLY as u64, 0, 0, 0, 0],
        )
    };
    if ifd < 0 {
        die(b"cannot open the script's interpreter", -ifd as i32);
    }
    sys::close(fd);
    // The new argument vector: interp, [arg], name, argv[1..], NULL.
    let extra = if arg.is_empty() { 2 } else { 3 };
    let count = stack.argc.saturating_sub(1) + extra + 1;
    let bytes = (count * 8) as u64;
    // SAFETY: a new mapping at no fixed address: nothing in use is replaced.
    let argv = match unsafe {
        sys::mmap(
            0,
            bytes,
            (libc::PROT_READ | libc::PROT_WRITE) as u64,
            (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64,
            -1,
            0,
        )
    } {
        Ok(a) => a as *mut u64,
        Err(e) => die(b"cannot run the script", e),
    };
    // SAFETY: a fresh mapping of `count` words.
    unsafe {
        let mut k = 0;
        *argv.add(k) = ibuf.as_ptr() as u64;
        k += 1;
        if !arg.is_empty() {
            *argv.add(k) = abuf.as_ptr() as u64;
            k += 1;
        }
        *argv.add(k) = nbuf.as_ptr() as u64;
        k += 1;
        for i in 1..stack.argc {
            *argv.add(k) = stack.argv(i);
            k += 1;
        }
        *argv.add(k) = 0;
    }
    // The exec's own argv[0], which the new argv no longer has (the first level's).
    let first = this.prefix == 0;
    let argv0 = if first {
        let p = stack.argv(0) as *const u8;
        let n = if p.is_null() {
            0
        } else {
            // SAFETY: argv[0] is a NUL-terminated string of the kernel's stack.
            unsafe { mem::strlen(p) }.min(protocol::ARGV0_MAX)
        };
        // SAFETY: `n` bytes of that string.
        (!p.is_null()).then(|| unsafe { core::slice::from_raw_parts(p, n) })
    } else {
        None
    };
    // SAFETY: the shared mapping is live.
    if unsafe {
        protocol::publish_next(
            shm,
            sys::getpid(),
            ifd as i32,
            &protocol::Next {
                name,
                path: interp,
                depth: depth + 1,
                flags: this.flags,
                prefix: (extra as u32) + this.prefix.max(1) - 1,
                argv0: argv0.unwrap_or(this.argv0),
            },
        )
    }
    .is_none()
    {
        die(b"too many images starting at once", 0);
    }
    let mut lbuf = [0u8; protocol::NAME_MAX + 1];
    lbuf[..execfn.len().min(protocol::NAME_MAX)]
        .copy_from_slice(&execfn[..execfn.len().min(protocol::NAME_MAX)]);
    let envp = stack.envp();
    // SAFETY: NUL-terminated path, argument and environment vectors the kernel reads; on success
    // this image is gone, on failure nothing changed.
    let r = unsafe {
        sys(
            Sysno::execve,
            [lbuf.as_ptr() as u64, argv as u64, envp, 0, 0, 0],
        )
    };
    die(b"cannot run the script's interpreter", -r as i32)
}

/// Maps the program in `fd` and its interpreter, arms the tracer and jumps to the entry
/// point.
fn enter(stack: &Stack, fd: i32, name: u64, header: &protocol::Header, argv: (u64, u64, u64)) -> ! {
    let mut interp = [0u8; protocol::NAME_MAX];
    let (prog, ilen) = match elf::load(fd, &mut interp) {
        Ok(x) => x,
        Err(e) => die(b"cannot load the program", e),
    };
    sys::close(fd);
    let mut entry = prog.entry;
    let mut base = 0;
    if ilen > 0 {
        interp[ilen] = 0;
        // SAFETY: a NUL-terminated path in a buffer that outlives the call.
        let ifd = unsafe {
            sys(
                Sysno::open,
                [
                    interp.as_ptr() as u64,
                    (libc::O_RDONLY | libc::O_CLOEXEC) as u64,
                    0,
                    0,
                    0,
                    0,
                ],
            )
        };
        if ifd < 0 {
            die(b"cannot open the program's interpreter", -ifd as i32);
        }
        let mut none = [0u8; 0];
        let (ld, _) = match elf::load(ifd as i32, &mut none) {
            Ok(x) => x,
            Err(e) => die(b"cannot load the program's interpreter", e),
        };
        sys::close(ifd);
        entry = ld.entry;
        base = ld.bias;
    }
    if prog.exec_stack {
        // As the kernel's `setup_arg_pages` for `PT_GNU_STACK` with `PF_X`: the whole stack
        // mapping executable (GCC's nested-function trampolines live there).
        let page = stack.sp as u64 & !4095;
        let prot = libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC | libc::PROT_GROWSDOWN;
        // SAFETY: pages this code mapped (or the stack, as the kernel would set it): no memory in
        // use loses access it needs.
        unsafe { sys(Sysno::mprotect, [page, 4096, prot as u64, 0, 0, 0]) };
    }
    stack.set_aux(AT_PHDR, prog.phdr);
    stack.set_aux(AT_PHENT, 56);
    stack.set_aux(AT_PHNUM, prog.phnum);
    stack.set_aux(AT_BASE, base);
    stack.set_aux(AT_FLAGS, 0);
    stack.set_aux(AT_ENTRY, prog.entry);
    stack.set_aux(AT_EXECFN, name);
    start::start(
        header,
        stack.aux(AT_MINSIGSTKSZ).unwrap_or(0),
        stack.aux(AT_HWCAP2).unwrap_or(0),
        [name, argv.0, stack.envp()],
    );
    if argv.2 != 0 {
        // SAFETY: the mapping `shown_argv` made, which nothing uses any more.
        unsafe { sys(Sysno::munmap, [argv.1, argv.2, 0, 0, 0, 0]) };
    }
    // SAFETY: the program's entry with the stack as the kernel made it and the registers
    // as the kernel leaves them (zero; %rdx = 0: no rtld_fini).
    unsafe {
        asm!(
            "mov rsp, {sp}",
            "xor eax, eax", "xor ebx, ebx", "xor ecx, ecx", "xor edx, edx",
            "xor esi, esi", "xor edi, edi", "xor ebp, ebp",
            "xor r8d, r8d", "xor r9d, r9d", "xor r10d, r10d", "xor r11d, r11d",
            "xor r12d, r12d", "xor r13d, r13d", "xor r14d, r14d",
            "jmp r15",
            sp = in(reg) stack.sp,
            in("r15") entry,
            options(noreturn),
        )
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    die(b"the loader panicked", 0)
}

/// The precompiled `core` refers to it; nothing unwinds here (`panic = "abort"`).
#[no_mangle]
extern "C" fn rust_eh_personality() {}
