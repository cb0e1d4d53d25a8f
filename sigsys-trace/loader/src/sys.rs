//! System calls, all from the sigsys gate (which Syscall User Dispatch lets through), so
//! that none of the loader's or the handler's own calls is traced.

use syscalls::x86_64::Sysno;

/// A 64-bit system call from the gate; never touches errno.
pub fn sys(nr: Sysno, args: [u64; 6]) -> i64 {
    // SAFETY: callers pass arguments valid for `nr`; the gate makes exactly that call.
    unsafe { sigsys::gate::syscall(nr.id() as u64, args) }
}

/// `mmap`; the error as a positive errno.
pub fn mmap(addr: u64, len: u64, prot: u64, flags: u64, fd: i32, off: u64) -> Result<u64, i32> {
    let r = sys(Sysno::mmap, [addr, len, prot, flags, fd as i64 as u64, off]);
    if (-4095..0).contains(&r) {
        Err((-r) as i32)
    } else {
        Ok(r as u64)
    }
}

/// Writes all of `bytes` to `fd` (best effort).
pub fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let r = sys(
            Sysno::write,
            [
                fd as u64,
                bytes.as_ptr() as u64,
                bytes.len() as u64,
                0,
                0,
                0,
            ],
        );
        if r == -(libc::EINTR as i64) {
            continue;
        }
        if r <= 0 {
            return;
        }
        bytes = bytes.get(r as usize..).unwrap_or(&[]);
    }
}

/// Leaves the process.
pub fn exit(code: i32) -> ! {
    loop {
        sys(Sysno::exit_group, [code as u64, 0, 0, 0, 0, 0]);
    }
}
