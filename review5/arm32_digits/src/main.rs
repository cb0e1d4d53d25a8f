//! On a 32-bit target (the crate's arm port), a number above u32::MAX whose low 32 bits are
//! a single digit prints as that digit: `put_digits` indexes its one-digit table with
//! `v as usize` (src/text.rs:51). Run: ./run.sh (armv7 build under qemu-arm).
use sigsys::fmt::{write_call, FixedBuf, Options};
use sigsys::mem::NoMemory;
use sigsys::{Abi, Syscall};

fn show(call: &Syscall) -> String {
    let mut b = [0u8; 512];
    let mut out = FixedBuf::new(&mut b);
    let _ = write_call(&mut out, call, &NoMemory, &Options::DEFAULT);
    out.as_str().to_string()
}

fn main() {
    #[cfg(target_arch = "arm")]
    let (abi, nr, args) = (Abi::Arm, 180, [3, 0x10, 8, 0, 5, 1]); // pread64(fd, buf, count, pad, lo, hi)
    #[cfg(target_arch = "x86_64")]
    let (abi, nr, args) = (Abi::X86_64, 17, [3, 0x10, 8, 0x1_0000_0005, 0, 0]);
    let s = show(&Syscall::new(abi, nr, args));
    println!("{s}");
    let ok = s.contains("4294967301");
    println!("{}", if ok { "ok" } else { "WRONG: offset 4294967301 (1 << 32 | 5) printed as 5" });
    std::process::exit(i32::from(!ok));
}
