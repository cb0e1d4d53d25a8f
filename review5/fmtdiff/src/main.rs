//! Random calls (biased to string, buffer, xattr, sockaddr and execve arguments) and random
//! memory, formatted by one version of the crate (`new` is whichever the manifest names);
//! run.sh builds it against main and HEAD~2 and compares the outputs.
use std::fmt::Write as _;

const BASE: u64 = 0x7f00_0000_1000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One region at BASE; optionally a hole (unreadable) at `hole..hole+hlen` and reads
/// cut at `cut` bytes (a short read, as at a page end).
#[derive(Clone)]
struct Mem {
    bytes: Vec<u8>,
    hole: usize,
    hlen: usize,
}
impl Mem {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, ()> {
        let off = addr.checked_sub(BASE).ok_or(())? as usize;
        if off >= self.bytes.len() || (off >= self.hole && off < self.hole + self.hlen) {
            return Err(());
        }
        let mut end = (off + buf.len()).min(self.bytes.len());
        if off < self.hole && end > self.hole {
            end = self.hole;
        }
        let n = end - off;
        buf[..n].copy_from_slice(&self.bytes[off..end]);
        Ok(n)
    }
}
impl new::mem::Memory for Mem {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, syscalls::Errno> {
        Mem::read(self, addr, buf).map_err(|_| syscalls::Errno::EFAULT)
    }
}

fn mem(r: &mut Rng) -> Mem {
    let len = r.below(1400) as usize;
    let mut bytes = Vec::with_capacity(len);
    const SOME: &[u8] = b"\0\x01\x07\x08\n\t\r\x0b\x0c\"\\0179a \x7e\x7f\x80\xff";
    let textish = r.below(3);
    while bytes.len() < len {
        match r.below(10) {
            0 if textish != 0 => bytes.push(0),
            1 => bytes.extend_from_slice(&(BASE + r.below(1400)).to_ne_bytes()),
            2 => bytes.extend_from_slice(&(r.below(64) as u32).to_ne_bytes()),
            3 | 4 => bytes.push(SOME[r.below(SOME.len() as u64) as usize]),
            5..=8 => bytes.push(b' ' + r.below(95) as u8),
            _ => bytes.push(r.next() as u8),
        }
    }
    let (hole, hlen) = if r.below(3) == 0 {
        (r.below(len as u64 + 1) as usize, 1 + r.below(300) as usize)
    } else {
        (usize::MAX / 2, 0)
    };
    Mem { bytes, hole, hlen }
}

// x86_64 numbers of the calls with strings, buffers, xattrs, sockaddrs, argv.
const STRINGY: &[u32] = &[
    0, 1, 2, 4, 6, 17, 18, 19, 20, 21, 42, 43, 44, 45, 46, 47, 49, 59, 76, 82, 83, 84, 87,
    88, 89, 90, 92, 133, 161, 165, 166, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197,
    198, 199, 257, 258, 259, 260, 263, 265, 266, 267, 268, 269, 280, 288, 295, 296, 316,
    318, 322, 299, 307, 157, 63, 16, 54, 55, 72, 9, 10, 13, 14, 61, 231, 60, 318, 332, 334,
    435, 437, 439,
];

fn arg(r: &mut Rng) -> u64 {
    match r.below(8) {
        0 => 0,
        1 | 2 | 3 => BASE + r.below(1400),
        4 => r.below(64),
        5 => (r.next() as i64 % 5000) as u64,
        6 => [8, 9, 0o10, 0o11, 0o777, 0o1000, 15, 16, 10, 100, u32::MAX as u64, u64::MAX][r.below(12) as usize],
        _ => r.next(),
    }
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let seed: u64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0x9e3779b97f4a7c15);
    let mut r = Rng(seed | 1);
    for i in 0..n {
        let m = mem(&mut r);
        let abi_k = r.below(6);
        let nr = if r.below(4) == 0 { r.below(460) as u32 } else { STRINGY[r.below(STRINGY.len() as u64) as usize] };
        let mut args = [arg(&mut r), arg(&mut r), arg(&mut r), arg(&mut r), arg(&mut r), arg(&mut r)];
        let mut nr = nr;
        let p = |r: &mut Rng| BASE + r.below(1400);
        let len = |r: &mut Rng| r.below(400);
        // Targeted calls with every pointer into the memory and sensible lengths.
        match r.below(12) {
            0 => { nr = 0; args = [3, p(&mut r), len(&mut r), 0, 0, 0] }            // read
            1 => { nr = 1; args = [1, p(&mut r), len(&mut r), 0, 0, 0] }            // write
            2 => { nr = 257; args = [r.below(5).wrapping_sub(100), p(&mut r), r.below(0o2000000), r.below(0o10000), 0, 0] } // openat
            3 => { nr = [191, 192, 193, 188, 189, 190][r.below(6) as usize]; args = [p(&mut r), p(&mut r), p(&mut r), len(&mut r), r.below(3), 0] } // xattrs
            4 => { nr = 59; args = [p(&mut r), p(&mut r), p(&mut r), 0, 0, 0] }    // execve
            5 => { nr = [42, 49, 44][r.below(3) as usize]; args = [3, p(&mut r), r.below(130), 0, p(&mut r), r.below(130)] } // connect/bind/sendto
            6 => { nr = 89; args = [p(&mut r), p(&mut r), len(&mut r), 0, 0, 0] }  // readlink
            7 => { nr = [82, 83, 84, 87, 88, 90][r.below(6) as usize]; args = [p(&mut r), p(&mut r), r.below(0o10000), 0, 0, 0] }
            _ => {}
        }
        let ret = if r.below(2) == 0 { args[2].min(args[3].max(1)).min(500) as i64 - r.below(3) as i64 } else { 0 };
        let ret = match if ret != 0 { 9 } else { r.below(4) } {
            9 => ret,
            0 => -(r.below(140) as i64),
            1 => r.below(2000) as i64,
            2 => r.below(10) as i64,
            _ => r.next() as i64,
        };
        let limit = match r.below(4) { 0 => r.below(8) as usize, 1 => 32, 2 => r.below(300) as usize, _ => 4096 };
        let plimit = match r.below(3) { 0 => 4096, 1 => 1 + r.below(200) as usize, _ => r.below(1400) as usize };
        let verbose = r.below(2) == 0;
        let hex = r.below(3);
        let which = r.below(4);
        let a;
        {
            use new::fmt::*;
            let abi = [new::Abi::X86_64, new::Abi::X86_64, new::Abi::X86_64, new::Abi::X86_64, new::Abi::I386, new::Abi::X32][abi_k as usize];
            let nr = if abi_k == 5 { nr | 0x4000_0000 } else { nr };
            let call = new::Syscall::new(abi, nr, args);
            let opts = Options { string_limit: limit, path_limit: plimit, verbose, fd_paths: false, fd_details: FdDetails::empty(),
                hex_strings: [HexStrings::Never, HexStrings::NonAscii, HexStrings::All][hex as usize] };
            let mut st = vec![0u8; 1 << 17];
            let mut out = FixedBuf::new(&mut st);
            let _ = match which { 0 => write_call(&mut out, &call, &m, &opts), 1 => write_call_done(&mut out, &call, ret, &m, &opts), 2 => write_result(&mut out, &call, ret, &m, &opts), _ => write_line(&mut out, &call, ret, &m, &opts) };
            a = out.as_str().to_string();
        }
        let mut s = String::new();
        let _ = write!(s, "#{i} nr={nr} abi={abi_k} args={args:x?} ret={ret} limit={limit} plimit={plimit} hex={hex} which={which}\t{a}");
        println!("{s}");
        // Also the public signal-set and siginfo writers.
        let set = r.next();
        let mut x = [0u8; 1024];
        let mut ox = new::fmt::FixedBuf::new(&mut x);
        let _ = new::fmt::write_sigset(&mut ox, set);
        println!("sigset {set:x}: {}", ox.as_str());
    }
    eprintln!("{n} calls");
}
