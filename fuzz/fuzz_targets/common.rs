//! Invariant checks shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`) and the
//! stable replay test (`tests/corpus_replay.rs`), so that the checks are written once.
//!
//! Every `check_*` function takes raw fuzzer bytes, turns them into a siginfo, a context
//! or plain arguments, calls the sigsys function under test and panics when an invariant
//! does not hold. Most checks compare the crate with an independent reference model
//! written here from the documentation and `shared/KERNEL-FACTS.md`, not from the code.
//!
//! Nothing here makes a call taken from the input: `pass_through` is only tried on traps
//! that are not live (built with `Trap::new`, which must refuse with `PassError::NotLive`),
//! and only for calls that are harmless even if that refusal broke (`getpid` and the like,
//! or an exec whose path is in the unmapped first page). The only system calls made are
//! reads of the own memory (`process_vm_readv`) and writes into a local scratch buffer or
//! into the unmapped first page.

#![allow(dead_code)]

use core::fmt::{self, Display, Write as _};
use core::mem::{offset_of, size_of};

use sigsys::consts::{
    AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, VSYSCALL_END, VSYSCALL_START, X32_SYSCALL_BIT,
};
use sigsys::error::PassError;
use sigsys::frame::{SigSet, Ucontext};
use sigsys::mem::{Memory, NoMemory, SelfMemory};
use sigsys::{Abi, AbiSysno, Cause, DecodeError, RestartError, SigsysInfo, Site, Syscall, Trap};
use syscalls::Errno;

/// The fuzz targets, by name; each has a corpus directory `fuzz/corpus/<name>/` and a
/// crash-regression directory `fuzz/regressions/<name>/`.
pub const TARGETS: &[&str] = &["decode", "emulate", "restart", "api", "format", "policy"];

/// Runs the check of `target` on one input.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "decode" => check_decode(data),
        "emulate" => check_emulate(data),
        "restart" => drop(check_restart(data)),
        "api" => check_api(data),
        "format" => check_format(data),
        "policy" => check_policy_bytes(data),
        _ => panic!("unknown fuzz target {target}"),
    }
}

// ---------------------------------------------------------------------------------------
// Input layout shared by decode, emulate and restart
// ---------------------------------------------------------------------------------------
//
//   0..4      ctl: fix-up bits (below) that make most inputs decode
//   4..68     extra: eight little-endian u64 (values, new arguments, moved RIP)
//   68..196   the 128 bytes of the siginfo_t
//   196..500  the 304 bytes of the kernel's ucontext (short inputs are zero-padded; bytes
//             past them are ignored: inputs written for glibc's 968-byte ucontext_t keep
//             their registers, which sit at the same offsets)

const SIGINFO_LEN: usize = 128;
/// The kernel's x86_64 `struct ucontext`: flags 8, link 8, stack 24, sigcontext 256,
/// sigmask 8 (KERNEL-FACTS.md, "The signal frame").
const CTX_LEN: usize = 304;
const _: () = assert!(size_of::<Ucontext>() == CTX_LEN);
const EXTRA_WORDS: usize = 8;
const HEADER_LEN: usize = 4 + 8 * EXTRA_WORDS;
/// Length of an input that fills every byte of siginfo and context.
pub const CASE_LEN: usize = HEADER_LEN + SIGINFO_LEN + CTX_LEN;

/// The registers start after flags, link and stack (8 + 8 + 24), in glibc's `REG_*` order,
/// which is the kernel's sigcontext order.
const GREGS_OFFSET: usize = 40;
const _: () = assert!(
    GREGS_OFFSET == offset_of!(libc::ucontext_t, uc_mcontext) + offset_of!(libc::mcontext_t, gregs)
);
/// `uc_stack` (ss_sp, ss_flags + pad, ss_size) and the kernel's 8-byte `uc_sigmask`.
const STACK_OFFSET: usize = 16;
const SIGMASK_OFFSET: usize = 296;

// ctl bits
const FIX_SIGNO: u32 = 1 << 0;
const FIX_CODE: u32 = 1 << 1;
const CODE_SUD: u32 = 1 << 2;
const FIX_ARCH: u32 = 1 << 3;
const ARCH_I386: u32 = 1 << 4;
const FIX_RAX: u32 = 1 << 5;
const RAX_SIGN_EXTEND: u32 = 1 << 6;
const FIX_RIP: u32 = 1 << 7;
// 3 bits: 1 anywhere in the vsyscall page, 2 INSNS, 3 first page, 4 one of the three
// vsyscall entries with its own si_syscall, else raw
const ADDR_SHIFT: u32 = 8;
const COLLIDE: u32 = 1 << 11;
const COLLIDE_SHIFT: u32 = 12; // 2 bits: which -ERESTART* code
const RIP_REWOUND: u32 = 1 << 14;
const RAX_EINTR: u32 = 1 << 15;
const MOVE_RIP: u32 = 1 << 16; // handler moves RIP to extra[7] before acting
const OP_SHIFT: u32 = 17; // 3 bits: which operation
const FORCE_X32: u32 = 1 << 20;
const RESTART_SAME_ABI: u32 = 1 << 21;
/// si_errno as the kernel leaves it: 0 for SUD, the low 16 bits for seccomp.
const FIX_ERRNO: u32 = 1 << 22;

const RESTART_CODES: [i32; 4] = [-512, -513, -514, -516];
const ERESTARTSYS: i32 = -512;
const ERESTARTNOINTR: i32 = -513;
const ERESTARTNOHAND: i32 = -514;
const ERESTART_RESTARTBLOCK: i32 = -516;

/// The vsyscall entries the kernel emulates (`vsyscall_64.c`): gettimeofday at +0, time at
/// +0x400, getcpu at +0x800, each reported with its own x86_64 number.
const VSYSCALL_ENTRIES: [(u64, i32); 3] = [
    (0xffff_ffff_ff60_0000, 96),
    (0xffff_ffff_ff60_0400, 201),
    (0xffff_ffff_ff60_0800, 309),
];

/// Real instruction bytes for the restart target: `call_addr` may point just past any pair
/// (`syscall` 0f 05, `int $0x80` cd 80, `sysenter` 0f 34, and pairs that are none of them).
/// Only `syscall` (x86_64, x32) and `int $0x80` (i386) may be restarted: the kernel never
/// reports a call at a `sysenter` (it lands 32-bit fast calls on the vDSO's `int $0x80`).
#[used]
pub static INSNS: [u8; 16] = [
    0x0f, 0x05, 0xcd, 0x80, 0x0f, 0x34, 0x90, 0x0f, 0x05, 0xcd, 0x80, 0x0f, 0x34, 0xc3, 0x0f, 0x05,
];

fn insns_addr() -> u64 {
    core::hint::black_box(INSNS.as_ptr()) as u64
}

#[repr(C, align(16))]
#[derive(Clone)]
struct CtxBytes([u8; CTX_LEN]);

#[repr(C, align(16))]
#[derive(Clone)]
struct InfoBytes([u8; SIGINFO_LEN]);

struct Case {
    ctl: u32,
    extra: [u64; EXTRA_WORDS],
    info: InfoBytes,
    ctx: CtxBytes,
}

fn byte(data: &[u8], i: usize) -> u8 {
    data.get(i).copied().unwrap_or(0)
}

fn le_u32(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(core::array::from_fn(|i| byte(data, at + i)))
}

fn le_u64(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(core::array::from_fn(|i| byte(data, at + i)))
}

impl InfoBytes {
    /// Makes signal number, code and arch plausible as the control bits ask, so that most
    /// inputs get past the header checks.
    fn fix_header(&mut self, ctl: u32) {
        if ctl & FIX_SIGNO != 0 {
            self.set_i32(0, libc::SIGSYS);
        }
        if ctl & FIX_CODE != 0 {
            self.set_i32(8, if ctl & CODE_SUD != 0 { 2 } else { 1 });
        }
        if ctl & FIX_ARCH != 0 {
            let arch = if ctl & ARCH_I386 != 0 {
                AUDIT_ARCH_I386
            } else {
                AUDIT_ARCH_X86_64
            };
            self.set_i32(28, arch as i32);
        }
        if ctl & FIX_ERRNO != 0 {
            let errno = match self.code() {
                2 => 0,
                _ => self.errno() & 0xffff,
            };
            self.set_i32(4, errno);
        }
    }

    fn get_i32(&self, off: usize) -> i32 {
        i32::from_ne_bytes(self.0[off..off + 4].try_into().unwrap())
    }
    fn set_i32(&mut self, off: usize, v: i32) {
        self.0[off..off + 4].copy_from_slice(&v.to_ne_bytes());
    }
    fn get_u64(&self, off: usize) -> u64 {
        u64::from_ne_bytes(self.0[off..off + 8].try_into().unwrap())
    }
    fn set_u64(&mut self, off: usize, v: u64) {
        self.0[off..off + 8].copy_from_slice(&v.to_ne_bytes());
    }
    fn signo(&self) -> i32 {
        self.get_i32(0)
    }
    fn errno(&self) -> i32 {
        self.get_i32(4)
    }
    fn code(&self) -> i32 {
        self.get_i32(8)
    }
    fn call_addr(&self) -> u64 {
        self.get_u64(16)
    }
    fn syscall(&self) -> i32 {
        self.get_i32(24)
    }
    fn arch(&self) -> u32 {
        self.get_i32(28) as u32
    }
    fn as_siginfo(&self) -> &libc::siginfo_t {
        // SAFETY: 128 initialised, 16-aligned bytes; siginfo_t is 128 bytes of integers, so
        // every bit pattern is a valid value.
        unsafe { &*self.0.as_ptr().cast::<libc::siginfo_t>() }
    }
}

impl CtxBytes {
    fn greg(&self, reg: libc::c_int) -> u64 {
        let off = GREGS_OFFSET + 8 * reg as usize;
        u64::from_ne_bytes(self.0[off..off + 8].try_into().unwrap())
    }
    fn set_greg(&mut self, reg: libc::c_int, v: u64) {
        let off = GREGS_OFFSET + 8 * reg as usize;
        self.0[off..off + 8].copy_from_slice(&v.to_ne_bytes());
    }
    fn get_u64(&self, off: usize) -> u64 {
        u64::from_ne_bytes(self.0[off..off + 8].try_into().unwrap())
    }
    fn as_ucontext_mut(&mut self) -> &mut Ucontext {
        // SAFETY: CTX_LEN (= size_of::<Ucontext>()) initialised, 16-aligned bytes; Ucontext
        // is repr(C) integers without padding, so every bit pattern is a valid value.
        unsafe { &mut *self.0.as_mut_ptr().cast::<Ucontext>() }
    }
    /// The bytes of a context.
    fn of(ctx: &Ucontext) -> CtxBytes {
        let mut c = CtxBytes([0; CTX_LEN]);
        // SAFETY: Ucontext is CTX_LEN bytes of integers without padding, all initialised.
        let src =
            unsafe { core::slice::from_raw_parts(core::ptr::from_ref(ctx).cast::<u8>(), CTX_LEN) };
        c.0.copy_from_slice(src);
        c
    }
}

impl Case {
    fn parse(data: &[u8]) -> Case {
        let ctl = le_u32(data, 0);
        let extra = core::array::from_fn(|i| le_u64(data, 4 + 8 * i));
        let info = InfoBytes(core::array::from_fn(|i| byte(data, HEADER_LEN + i)));
        let ctx = CtxBytes(core::array::from_fn(|i| {
            byte(data, HEADER_LEN + SIGINFO_LEN + i)
        }));
        let mut case = Case {
            ctl,
            extra,
            info,
            ctx,
        };
        case.fix_up();
        case
    }

    fn fix_up(&mut self) {
        let ctl = self.ctl;
        let info = &mut self.info;
        info.fix_header(ctl);
        if ctl & FORCE_X32 != 0 {
            let nr = (info.syscall() as u32 | X32_SYSCALL_BIT) & !0x8000_0000;
            info.set_i32(24, nr as i32);
        }
        if ctl & COLLIDE != 0 {
            let code = RESTART_CODES[((ctl >> COLLIDE_SHIFT) & 3) as usize];
            info.set_i32(24, code);
        }
        let raw_addr = info.call_addr();
        let addr = match (ctl >> ADDR_SHIFT) & 7 {
            1 => VSYSCALL_START + (raw_addr & 0xfff),
            2 => insns_addr() + 2 + raw_addr % (INSNS.len() as u64 - 1),
            3 => raw_addr & 0xfff,
            4 => {
                let (entry, nr) = VSYSCALL_ENTRIES[(raw_addr % 3) as usize];
                info.set_i32(24, nr);
                entry
            }
            _ => raw_addr,
        };
        info.set_u64(16, addr);
        let nr = info.syscall();
        if ctl & FIX_RAX != 0 {
            let rax = if ctl & RAX_SIGN_EXTEND != 0 {
                nr as i64 as u64
            } else {
                (self.ctx.greg(libc::REG_RAX) & !0xffff_ffff) | u64::from(nr as u32)
            };
            self.ctx.set_greg(libc::REG_RAX, rax);
        }
        if ctl & RAX_EINTR != 0 {
            self.ctx
                .set_greg(libc::REG_RAX, (-libc::EINTR) as i64 as u64);
        }
        if ctl & FIX_RIP != 0 {
            self.ctx.set_greg(libc::REG_RIP, addr);
        }
        if ctl & RIP_REWOUND != 0 {
            self.ctx.set_greg(libc::REG_RIP, addr.wrapping_sub(2));
        }
    }

    /// The operation selector of emulate and restart.
    fn op(&self) -> u32 {
        (self.ctl >> OP_SHIFT) & 7
    }
}

// ---------------------------------------------------------------------------------------
// Reference model
// ---------------------------------------------------------------------------------------

/// What a correct decoder must report.
#[derive(Debug, PartialEq)]
struct Decoded {
    cause: Cause,
    abi: Abi,
    call_addr: u64,
    si_syscall: i32,
    nr: u32,
    args: [u64; 6],
    site: Site,
}

fn model_abi(arch: u32, nr: i32) -> Option<Abi> {
    match arch {
        AUDIT_ARCH_I386 => Some(Abi::I386),
        // Bit 30 set and bit 31 clear: x32. Negative numbers are invalid 64-bit numbers.
        AUDIT_ARCH_X86_64 if nr >= 0 && (nr as u32) & X32_SYSCALL_BIT != 0 => Some(Abi::X32),
        AUDIT_ARCH_X86_64 => Some(Abi::X86_64),
        _ => None,
    }
}

fn model_siginfo(info: &InfoBytes) -> Result<(Cause, Abi), DecodeError> {
    let signo = info.signo();
    if signo != libc::SIGSYS {
        return Err(DecodeError::NotSigsys { signo });
    }
    let code = info.code();
    let errno = info.errno();
    let cause = match code {
        // The filter's SECCOMP_RET_DATA: 16 bits, never truncated from a wider value.
        1 if (0..=0xffff).contains(&errno) => Cause::Seccomp {
            ret_data: errno as u16,
        },
        // SUD leaves si_errno 0.
        2 if errno == 0 => Cause::UserDispatch,
        1 | 2 => return Err(DecodeError::UnexpectedErrno { code, errno }),
        code if code <= 0 => return Err(DecodeError::SentByProcess { code }),
        code => return Err(DecodeError::UnknownCode { code }),
    };
    let arch = info.arch();
    let abi = model_abi(arch, info.syscall()).ok_or(DecodeError::UnknownArch { arch })?;
    Ok((cause, abi))
}

fn arg_regs(abi: Abi) -> [libc::c_int; 6] {
    match abi {
        Abi::I386 => [
            libc::REG_RBX,
            libc::REG_RCX,
            libc::REG_RDX,
            libc::REG_RSI,
            libc::REG_RDI,
            libc::REG_RBP,
        ],
        _ => [
            libc::REG_RDI,
            libc::REG_RSI,
            libc::REG_RDX,
            libc::REG_R10,
            libc::REG_R8,
            libc::REG_R9,
        ],
    }
}

fn model_arg(abi: Abi, raw: u64) -> u64 {
    match abi {
        Abi::I386 => raw & 0xffff_ffff,
        _ => raw,
    }
}

/// The states (RAX, RIP) in which the kernel can hand a trap with this siginfo to a
/// handler, and the site each means. `Some(..)` in `rax` is an exact 64-bit value; `None`
/// means "the number as the ABI's entry path compares it" (`low32_ok`).
struct KernelState {
    rax: RaxIs,
    rip: u64,
    site: Site,
}

#[derive(Clone, Copy)]
enum RaxIs {
    /// Exactly this 64-bit value.
    Exactly(u64),
    /// Low 32 bits equal to the number, the high half anything but `but_not` (the value the
    /// restart fix-up would have acted on, when there is one).
    Low32 { but_not: Option<u64> },
}

impl RaxIs {
    fn holds(self, nr: i32, rax: u64) -> bool {
        match self {
            RaxIs::Exactly(v) => rax == v,
            RaxIs::Low32 { but_not } => rax as u32 == nr as u32 && Some(rax) != but_not,
        }
    }
}

/// For a number equal to -ERESTART*: what the kernel does between the rollback (RAX =
/// orig_ax) and the handler
/// (`handle_signal` in arch/x86/kernel/signal.c, with SA_SIGINFO and with or without
/// SA_RESTART), written out state by state.
fn kernel_states(abi: Abi, si_syscall: i32, call_addr: u64) -> Vec<KernelState> {
    let eintr = (-(libc::EINTR as i64)) as u64;
    let at = |rax, site| KernelState {
        rax,
        rip: call_addr,
        site,
    };
    assert!(RESTART_CODES.contains(&si_syscall));
    // syscall_get_error: a 64-bit call's RAX as it is, an i386 call's low half
    // sign-extended. The fix-up acts only when that is exactly -ERESTART*.
    let fix_up_value = si_syscall as i64 as u64;
    let mut states = Vec::new();
    if abi != Abi::I386 {
        // A 64-bit RAX whose high half is not the sign extension: not an error value, the
        // fix-up leaves everything alone.
        states.push(at(
            RaxIs::Low32 {
                but_not: Some(fix_up_value),
            },
            Site::Instruction,
        ));
    }
    // The fix-up acted. RAX was the number (i386: any high half with the right low one).
    let number = match abi {
        Abi::I386 => RaxIs::Low32 { but_not: None },
        _ => RaxIs::Exactly(fix_up_value),
    };
    let rewound = KernelState {
        rax: number,
        rip: call_addr.wrapping_sub(2),
        site: Site::Rewound,
    };
    match si_syscall {
        // Without SA_RESTART: -EINTR; with it: back to the instruction, RAX = orig_ax.
        ERESTARTSYS => {
            states.push(at(RaxIs::Exactly(eintr), Site::Instruction));
            states.push(rewound);
        }
        ERESTARTNOINTR => states.push(rewound),
        // Always -EINTR once a handler runs.
        ERESTARTNOHAND | ERESTART_RESTARTBLOCK => {
            states.push(at(RaxIs::Exactly(eintr), Site::Instruction))
        }
        _ => unreachable!(),
    }
    states
}

fn model_decode(info: &InfoBytes, ctx: &CtxBytes) -> Result<Decoded, DecodeError> {
    let (cause, abi) = model_siginfo(info)?;
    let si_syscall = info.syscall();
    let call_addr = info.call_addr();
    let rax = ctx.greg(libc::REG_RAX);
    let rip = ctx.greg(libc::REG_RIP);
    let site = if (VSYSCALL_START..VSYSCALL_END).contains(&call_addr) {
        // emulate_vsyscall: seccomp only (SUD never sees the page), 64-bit code only, one
        // of three entry addresses with its own number; RAX is that number (all 64 bits),
        // RIP the caller's return address (anything).
        let entry = VSYSCALL_ENTRIES.contains(&(call_addr, si_syscall));
        let seccomp = matches!(cause, Cause::Seccomp { .. });
        if !(entry && seccomp && abi == Abi::X86_64) {
            return Err(DecodeError::BadVsyscall {
                call_addr,
                si_syscall,
            });
        }
        if rax != si_syscall as i64 as u64 {
            return Err(DecodeError::NumberMismatch { si_syscall, rax });
        }
        Site::Vsyscall
    } else if !RESTART_CODES.contains(&si_syscall) {
        // The usual case: RAX is the number (64-bit: as the caller left it, with a high
        // half the entry path ignores; i386: zero-extended, compared on the low half), RIP
        // the call address. The number is checked first.
        if rax as u32 != si_syscall as u32 {
            return Err(DecodeError::NumberMismatch { si_syscall, rax });
        }
        if rip != call_addr {
            return Err(DecodeError::IpMismatch { call_addr, rip });
        }
        Site::Instruction
    } else {
        let states = kernel_states(abi, si_syscall, call_addr);
        match states
            .iter()
            .find(|s| s.rip == rip && s.rax.holds(si_syscall, rax))
        {
            Some(s) => s.site,
            // RIP is the call address (never an IpMismatch, as documented, even for an
            // i386 -513 that the kernel always rewinds), or one the kernel can leave: the
            // number is what is wrong.
            None if rip == call_addr || states.iter().any(|s| s.rip == rip) => {
                return Err(DecodeError::NumberMismatch { si_syscall, rax })
            }
            None => return Err(DecodeError::IpMismatch { call_addr, rip }),
        }
    };
    let nr = match abi {
        Abi::X32 => si_syscall as u32 & !X32_SYSCALL_BIT,
        _ => si_syscall as u32,
    };
    let args = arg_regs(abi).map(|r| model_arg(abi, ctx.greg(r)));
    Ok(Decoded {
        cause,
        abi,
        call_addr,
        si_syscall,
        nr,
        args,
        site,
    })
}

fn model_rax_for(abi: Abi, nr: u32) -> u64 {
    match abi {
        Abi::X86_64 => nr as i32 as i64 as u64,
        Abi::X32 => u64::from(nr | X32_SYSCALL_BIT),
        Abi::I386 => u64::from(nr),
    }
}

/// RAX after an emulated result: the value itself, for every ABI (the kernel leaves a compat
/// call's `long` result in RAX too; an i386 caller reads EAX).
fn model_result_rax(_abi: Abi, ret: i64) -> u64 {
    ret as u64
}

/// Reads `N` bytes of the own memory with libc's `process_vm_readv` wrapper (a path
/// independent of the crate's gate): the bytes, or the errno (`EFAULT` for a short read).
fn libc_read<const N: usize>(addr: u64) -> Result<[u8; N], i32> {
    let mut buf = [0u8; N];
    let n = libc_read_into(addr, &mut buf)?;
    if n == N {
        Ok(buf)
    } else {
        Err(libc::EFAULT)
    }
}

fn libc_read_into(addr: u64, buf: &mut [u8]) -> Result<usize, i32> {
    if buf.is_empty() {
        return Ok(0);
    }
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: the local iovec is our live buffer; the kernel checks the remote side and
    // answers EFAULT instead of faulting.
    let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    if n < 0 {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        Ok(n as usize)
    }
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

/// A fixed buffer for `Display` output: proves formatting needs no allocation and stays
/// within bounds.
pub struct FixedWriter<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> FixedWriter<N> {
    pub fn new() -> Self {
        FixedWriter {
            buf: [0; N],
            len: 0,
        }
    }
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).expect("Display wrote invalid UTF-8")
    }
}

impl<const N: usize> Default for FixedWriter<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for FixedWriter<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        if end > N {
            return Err(fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn check_display(value: &impl Display) {
    let mut w = FixedWriter::<256>::new();
    write!(w, "{value}").expect("Display of an error needs more than 256 bytes");
    assert!(!w.as_str().is_empty(), "empty Display");
}

fn check_syscall_methods(call: &Syscall) {
    let sysno = AbiSysno::new(call.abi, call.nr);
    assert_eq!(call.sysno(), sysno);
    assert_eq!(call.name(), sysno.map(AbiSysno::name));
    let canonical = sysno.and_then(AbiSysno::to_x86_64);
    assert_eq!(call.canonical(), canonical);
    if let Some(c) = canonical {
        assert!(call.is(c));
    }
    assert!(!call.is(syscalls::x86_64::Sysno::getppid) || canonical.is_some());
    assert_eq!(call.rax(), model_rax_for(call.abi, call.nr));
}

// ---------------------------------------------------------------------------------------
// decode
// ---------------------------------------------------------------------------------------

/// Decodes arbitrary siginfo and context bytes; `Trap::new` must agree with the model on
/// every field or on the exact error, leave the context untouched, refuse to act for real
/// (`PassError::NotLive`), and agree with `Trap::new_live` and `Trap::from_raw` (including
/// its null-pointer errors), which are live.
pub fn check_decode(data: &[u8]) {
    let mut case = Case::parse(data);
    let expected = model_decode(&case.info, &case.ctx);
    let before = case.ctx.clone();
    {
        let info = case.info.as_siginfo();
        let ctx = case.ctx.as_ucontext_mut();
        let ctx_ptr: *const Ucontext = ctx;
        match (Trap::new(info, ctx), &expected) {
            (Ok(mut trap), Ok(exp)) => {
                check_trap_matches(&trap, exp, &case.info, &before);
                assert!(core::ptr::eq(trap.ucontext(), ctx_ptr));
                assert!(!trap.is_live(), "Trap::new made a live trap");
                check_not_live(&mut trap);
                assert!(
                    case.ctx.0 == before.0,
                    "a refused pass-through changed the context"
                );
            }
            (Err(e), Err(exp)) => {
                assert_eq!(e, *exp);
                check_display(&e);
            }
            (got, exp) => panic!("decode: got {got:?}, model says {exp:?}"),
        }
    }
    assert!(case.ctx.0 == before.0, "decoding changed the context");

    // The live entry points: same answer; nothing is acted on here.
    let want = expected
        .as_ref()
        .map(|d| (Syscall::new(d.abi, d.nr, d.args), d.site, true))
        .map_err(|e| *e);
    {
        let info = case.info.as_siginfo();
        // SAFETY: the trap is only inspected, never passed through.
        let live = unsafe { Trap::new_live(info, case.ctx.as_ucontext_mut()) };
        assert_eq!(live.map(|t| (t.syscall(), t.site(), t.is_live())), want);
    }
    let info_ptr: *const libc::siginfo_t = case.info.as_siginfo();
    let ctx_ptr: *mut libc::c_void = (case.ctx.as_ucontext_mut() as *mut Ucontext).cast();
    // SAFETY: both pointers are to live, exclusively borrowed buffers of the right types
    // (304 bytes for the context); the trap is only inspected.
    let raw =
        unsafe { Trap::from_raw(info_ptr, ctx_ptr) }.map(|t| (t.syscall(), t.site(), t.is_live()));
    assert_eq!(raw, want);
    // SAFETY: null pointers are documented as refused.
    let null_info = unsafe { Trap::from_raw(core::ptr::null(), ctx_ptr) }.map(|_| ());
    assert_eq!(null_info, Err(DecodeError::NullSiginfo));
    // SAFETY: as above.
    let null_ctx = unsafe { Trap::from_raw(info_ptr, core::ptr::null_mut()) }.map(|_| ());
    // Pointers are checked before contents: a null context is reported whatever the
    // siginfo says.
    assert_eq!(null_ctx, Err(DecodeError::NullContext));
    assert!(case.ctx.0 == before.0, "from_raw changed the context");
}

/// The model's verdict on a decode, site or error (for the seed coverage test).
pub fn decode_outcome(data: &[u8]) -> Result<Site, DecodeError> {
    let case = Case::parse(data);
    model_decode(&case.info, &case.ctx).map(|d| d.site)
}

fn check_trap_matches(trap: &Trap<'_>, exp: &Decoded, info: &InfoBytes, ctx: &CtxBytes) {
    let call = trap.syscall();
    assert_eq!(call, Syscall::new(exp.abi, exp.nr, exp.args));
    assert_eq!(trap.abi(), exp.abi);
    assert_eq!(trap.cause(), exp.cause);
    assert_eq!(
        trap.ret_data(),
        match exp.cause {
            Cause::Seccomp { ret_data } => Some(ret_data),
            Cause::UserDispatch => None,
        }
    );
    assert_eq!(trap.call_addr(), exp.call_addr);
    assert_eq!(trap.site(), exp.site);
    assert_eq!(trap.is_vsyscall(), exp.site == Site::Vsyscall);
    assert_eq!(trap.is_rewound(), exp.site == Site::Rewound);
    assert_eq!(trap.ip(), ctx.greg(libc::REG_RIP));
    assert_eq!(trap.sp(), ctx.greg(libc::REG_RSP));
    assert_eq!(trap.regs().rax, ctx.greg(libc::REG_RAX));
    assert_eq!(trap.regs().rbp, ctx.greg(libc::REG_RBP));
    assert_eq!(trap.regs().r11, ctx.greg(libc::REG_R11));
    assert!(core::ptr::eq(trap.regs(), &trap.ucontext().mcontext));
    assert!(
        CtxBytes::of(trap.ucontext()).0 == ctx.0,
        "ucontext() is not the context"
    );
    assert_eq!(trap.sigmask(), SigSet(ctx.get_u64(SIGMASK_OFFSET)));
    let stack = trap.altstack();
    assert_eq!(stack.sp, ctx.get_u64(STACK_OFFSET));
    assert_eq!(stack.flags, ctx.get_u64(STACK_OFFSET + 8) as u32 as i32);
    assert_eq!(stack.size, ctx.get_u64(STACK_OFFSET + 16));
    let si = trap.info();
    assert_eq!(
        si,
        SigsysInfo {
            cause: exp.cause,
            call_addr: exp.call_addr,
            syscall: exp.si_syscall,
            abi: exp.abi,
        }
    );
    assert_eq!(si.audit_arch(), info.arch());
    assert_eq!(SigsysInfo::from_siginfo(info.as_siginfo()), Ok(si));
    check_to_siginfo(&si);
    // The number RAX must hold to re-issue the call is the one the kernel reported.
    assert_eq!(call.rax() as u32, exp.si_syscall as u32);
    check_syscall_methods(&call);
}

/// `to_siginfo` builds what the kernel would deliver: the header fields at the kernel's
/// offsets, and a siginfo that decodes back to the same value.
fn check_to_siginfo(si: &SigsysInfo) {
    let raw = si.to_siginfo();
    // SAFETY: siginfo_t is 128 bytes of plain data.
    let bytes = InfoBytes(unsafe { core::mem::transmute::<libc::siginfo_t, [u8; 128]>(raw) });
    assert_eq!(bytes.signo(), libc::SIGSYS);
    let (code, errno) = match si.cause {
        Cause::Seccomp { ret_data } => (1, i32::from(ret_data)),
        Cause::UserDispatch => (2, 0),
    };
    assert_eq!((bytes.code(), bytes.errno()), (code, errno));
    assert_eq!(bytes.call_addr(), si.call_addr);
    assert_eq!(bytes.syscall(), si.syscall);
    assert_eq!(bytes.arch(), si.audit_arch());
    assert_eq!(SigsysInfo::from_siginfo(&raw), Ok(*si));
}

/// Numbers of calls that are harmless even if made for real (getpid, getppid, gettid,
/// getuid, sched_yield, getpgrp), per ABI table.
fn harmless(abi: Abi, nr: u32) -> bool {
    match abi {
        Abi::X86_64 | Abi::X32 => matches!(nr, 39 | 110 | 186 | 102 | 24 | 111),
        Abi::I386 => matches!(nr, 20 | 64 | 224 | 24 | 158 | 65),
    }
}

/// execve and execveat, per ABI table (x32 has its own entries, 520 and 545).
fn is_exec(abi: Abi, nr: u32) -> bool {
    match abi {
        Abi::X86_64 => matches!(nr, 59 | 322),
        Abi::X32 => matches!(nr, 520 | 545),
        Abi::I386 => matches!(nr, 11 | 358),
    }
}

/// A trap built from references never makes its call: `pass_through` refuses with
/// `NotLive` (`Exec` for an exec, which it refuses whatever the trap), and so does
/// `pass_through_exec`. Tried only where a broken refusal would do no harm: harmless calls,
/// and execs whose path (first argument; execveat's second) is in the unmapped first page.
fn check_not_live(trap: &mut Trap<'_>) {
    let call = trap.syscall();
    let exec_path = if matches!(call.nr, 322 | 545 | 358) {
        1
    } else {
        0
    };
    if is_exec(call.abi, call.nr) && call.args[exec_path] < 4096 {
        assert_eq!(trap.pass_through(), Err(PassError::Exec), "{call:?}");
        assert_eq!(
            trap.pass_through_exec(),
            Err(PassError::NotLive),
            "{call:?}"
        );
    } else if harmless(call.abi, call.nr) {
        assert_eq!(trap.pass_through(), Err(PassError::NotLive), "{call:?}");
        assert_eq!(
            trap.pass_through_exec(),
            Err(PassError::NotLive),
            "{call:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// emulate
// ---------------------------------------------------------------------------------------

/// Emulates a result on an arbitrary decodable context: only RAX and RIP may change; RAX is
/// the ABI's view of the value, RIP the call address (unchanged for vsyscall calls).
pub fn check_emulate(data: &[u8]) {
    let mut case = Case::parse(data);
    let Ok(exp) = model_decode(&case.info, &case.ctx) else {
        return check_decode(data);
    };
    let op = case.op();
    let value = case.extra[0] as i64;
    let errno = 1 + (case.extra[1] % 4095) as i32;
    let moved_rip = case.extra[7];
    let move_rip = case.ctl & MOVE_RIP != 0;
    let info = case.info.as_siginfo();
    let mut trap = Trap::new(info, case.ctx.as_ucontext_mut()).expect("model said decodable");
    if move_rip {
        // SAFETY: the trap is not live; its context is a local buffer.
        unsafe { trap.ucontext_mut() }.mcontext.rip = moved_rip;
    }
    // The context as the handler left it before emulating.
    let before = CtxBytes::of(trap.ucontext());
    let mut new_mask = None;
    let ret = match op {
        0 => {
            trap.set_return(value);
            value
        }
        1 => {
            // A handler emulating a mask change: the mask restored at return, then 0.
            let mask = SigSet(case.extra[2]);
            trap.set_sigmask(mask);
            assert_eq!(trap.sigmask(), mask);
            new_mask = Some(mask.bits());
            trap.set_return(value);
            value
        }
        2 => {
            trap.set_errno(Errno::new(errno));
            -i64::from(errno)
        }
        3 => {
            trap.set_result(Ok(value as u64));
            value
        }
        4 => {
            trap.set_result(Err(Errno::new(errno)));
            -i64::from(errno)
        }
        _ => {
            // An errno value given as a plain return value.
            let v = -(1 + (case.extra[1] % 4095) as i64);
            trap.set_return(v);
            v
        }
    };
    let rip_after = trap.ip();
    let want_rip = if exp.site == Site::Vsyscall {
        before.greg(libc::REG_RIP)
    } else {
        exp.call_addr
    };
    assert_eq!(rip_after, want_rip);
    let mut want = before.clone();
    want.set_greg(libc::REG_RAX, model_result_rax(exp.abi, ret));
    want.set_greg(libc::REG_RIP, want_rip);
    if let Some(bits) = new_mask {
        want.0[SIGMASK_OFFSET..].copy_from_slice(&bits.to_ne_bytes());
    }
    assert_ctx_eq(&case.ctx, &want, "emulate");
}

fn assert_ctx_eq(got: &CtxBytes, want: &CtxBytes, what: &str) {
    if got.0 != want.0 {
        let first = got.0.iter().zip(want.0.iter()).position(|(a, b)| a != b);
        panic!(
            "{what}: context differs from the expected one at byte {first:?} (gregs start at \
             {GREGS_OFFSET}, 8 bytes each)"
        );
    }
}

// ---------------------------------------------------------------------------------------
// restart
// ---------------------------------------------------------------------------------------

/// Restarts on an arbitrary decodable context, sometimes with new arguments or ABI and
/// sometimes after the handler moved RIP. Refusal must be exactly the model's (vsyscall,
/// RIP moved, unreadable or wrong instruction bytes, with the exact error); on refusal the
/// context is untouched; on success only RAX, RIP and the six argument registers of the
/// call's ABI change, to the documented values.
///
/// Returns the outcome, or `None` when the input does not decode.
pub fn check_restart(data: &[u8]) -> Option<Result<(), RestartError>> {
    let mut case = Case::parse(data);
    let Ok(exp) = model_decode(&case.info, &case.ctx) else {
        check_decode(data);
        return None;
    };
    let op = case.op();
    let extra = case.extra;
    let move_rip = case.ctl & MOVE_RIP != 0;
    let same_abi = case.ctl & RESTART_SAME_ABI != 0;
    let info = case.info.as_siginfo();
    let mut trap = Trap::new(info, case.ctx.as_ucontext_mut()).expect("model said decodable");
    if move_rip {
        // SAFETY: the trap is not live; its context is a local buffer.
        unsafe { trap.ucontext_mut() }.mcontext.rip = extra[7];
    }
    let call = if op & 1 == 0 {
        trap.syscall()
    } else {
        let abi = if same_abi {
            exp.abi
        } else {
            [Abi::X86_64, Abi::I386, Abi::X32][(extra[0] % 3) as usize]
        };
        let nr = extra[0] as u32 >> 2;
        Syscall::new(
            abi,
            nr,
            [extra[1], extra[2], extra[3], extra[4], extra[5], extra[6]],
        )
    };
    let before = CtxBytes::of(trap.ucontext());
    let got = if op & 1 == 0 {
        trap.restart()
    } else {
        trap.restart_with(call)
    };

    let want = model_restart(&exp, before.greg(libc::REG_RIP), call.abi);
    assert_eq!(got, want, "restart refused or accepted against the model");
    match got {
        Err(e) => {
            check_display(&e);
            assert_ctx_eq(&case.ctx, &before, "refused restart");
        }
        Ok(()) => assert_ctx_eq(&case.ctx, &model_restarted(&before, &exp, &call), "restart"),
    }
    Some(got)
}

/// Whether a restart of a call of `abi` is accepted, with RIP at `rip`.
fn model_restart(exp: &Decoded, rip: u64, abi: Abi) -> Result<(), RestartError> {
    let call_addr = exp.call_addr;
    let insn = call_addr.wrapping_sub(2);
    if exp.site == Site::Vsyscall {
        Err(RestartError::Vsyscall)
    } else if !(rip == call_addr || (exp.site == Site::Rewound && rip == insn)) {
        Err(RestartError::IpMoved { rip, call_addr })
    } else {
        match libc_read::<2>(insn) {
            Err(errno) => Err(RestartError::Unreadable { errno }),
            Ok(bytes) => {
                // `syscall` for x86_64 and x32, `int $0x80` for i386; never `sysenter`.
                let serves = match abi {
                    Abi::X86_64 | Abi::X32 => bytes == [0x0f, 0x05],
                    Abi::I386 => bytes == [0xcd, 0x80],
                };
                if serves {
                    Ok(())
                } else {
                    Err(RestartError::NotASyscallInstruction { bytes })
                }
            }
        }
    }
}

/// The context after an accepted restart as `call`: only RAX, RIP and the six argument
/// registers of the call's ABI change.
fn model_restarted(before: &CtxBytes, exp: &Decoded, call: &Syscall) -> CtxBytes {
    let mut want_ctx = before.clone();
    for (reg, arg) in arg_regs(call.abi).into_iter().zip(call.args) {
        // i386: only the low halves change; the kernel keeps the upper halves.
        let value = match call.abi {
            Abi::I386 => (before.greg(reg) & !0xffff_ffff) | (arg & 0xffff_ffff),
            _ => arg,
        };
        want_ctx.set_greg(reg, value);
    }
    want_ctx.set_greg(libc::REG_RAX, model_rax_for(call.abi, call.nr));
    want_ctx.set_greg(libc::REG_RIP, exp.call_addr.wrapping_sub(2));
    want_ctx
}

// ---------------------------------------------------------------------------------------
// policy: `sigsys::testing::Frame` (arbitrary) as a handler policy's test bench
// ---------------------------------------------------------------------------------------

/// The input of the `policy` target: a frame, an action, a value and a call for
/// `restart_with`.
pub type PolicyInput = (sigsys::testing::Frame, u8, i64, Syscall);

/// The `policy` target on raw bytes, as cargo-fuzz turns them into its input
/// (`arbitrary_take_rest`); inputs too short for a frame are skipped, as libFuzzer does.
pub fn check_policy_bytes(data: &[u8]) {
    use arbitrary::Arbitrary;
    if let Ok(input) = PolicyInput::arbitrary_take_rest(arbitrary::Unstructured::new(data)) {
        check_policy(input);
    }
}

/// A `testing::Frame` of any kind (genuine, forged, foreign) decodes exactly as the
/// reference model says its siginfo and context bytes must; then one handler action on its
/// trap (emulate, errno, restart, restart as another call, a refused pass-through, nothing)
/// changes the context exactly as the model says, and `Frame::outcome` reports what the
/// interrupted caller would see, judged here from the registers and the instruction bytes.
pub fn check_policy((mut frame, op, value, new_call): PolicyInput) {
    use sigsys::testing::Outcome;
    let (info, ctx) = frame.parts();
    // SAFETY: siginfo_t is 128 bytes of plain data.
    let info = InfoBytes(unsafe { core::mem::transmute::<libc::siginfo_t, [u8; 128]>(info) });
    let before = CtxBytes::of(ctx);
    let expected = model_decode(&info, &before);
    let exp = match (frame.trap(), expected) {
        (Err(e), Err(exp)) => {
            assert_eq!(e, exp);
            assert_eq!(frame.outcome(), Outcome::Untouched);
            return;
        }
        (Ok(mut trap), Ok(exp)) => {
            check_trap_matches(&trap, &exp, &info, &before);
            assert!(!trap.is_live());
            let errno = 1 + value.rem_euclid(4095) as i32;
            let want = match op % 6 {
                0 => {
                    trap.set_return(value);
                    Some(model_returned(&before, &exp, value))
                }
                1 => {
                    trap.set_errno(Errno::new(errno));
                    Some(model_returned(&before, &exp, -i64::from(errno)))
                }
                2 | 3 => {
                    let call = if op % 6 == 2 {
                        trap.syscall()
                    } else {
                        new_call
                    };
                    let got = if op % 6 == 2 {
                        trap.restart()
                    } else {
                        trap.restart_with(call)
                    };
                    let want = model_restart(&exp, before.greg(libc::REG_RIP), call.abi);
                    assert_eq!(got, want, "restart of {call:?}");
                    Some(match got {
                        Ok(()) => model_restarted(&before, &exp, &call),
                        Err(_) => before.clone(),
                    })
                }
                4 => {
                    check_not_live(&mut trap);
                    Some(before.clone())
                }
                _ => None,
            };
            if let Some(want) = want {
                assert_ctx_eq(&CtxBytes::of(trap.ucontext()), &want, "policy");
            }
            exp
        }
        (got, exp) => panic!("Frame decodes to {got:?}, model says {exp:?}"),
    };
    let after = CtxBytes::of(frame.ucontext());
    let got = frame.outcome();
    let want = model_outcome(&before, &after, &exp, None);
    if !OUTCOME_ABI_FIXED && got != want {
        // The known bug: the frame's ABI as built, not the one its siginfo reports.
        let built_as =
            [Abi::X86_64, Abi::I386].map(|a| model_outcome(&before, &after, &exp, Some(a)));
        assert!(
            built_as.contains(&got),
            "outcome {got:?}, model says {want:?}"
        );
        return;
    }
    assert_eq!(got, want);
}

/// A bug of `sigsys::testing` this target found (`fuzz/regressions/policy/`): `Frame::outcome`
/// judges by the ABI the frame was built with, not by the one its siginfo reports (and for a
/// restart, not by the instruction the call re-runs from). A frame built for x86_64 and
/// forged with `with_arch(AUDIT_ARCH_I386)` decodes as i386, its caller reads EAX, yet
/// `set_return(0x4747_4747_9838_9898)` gives `Returned(0x4747_4747_9838_9898)` instead of
/// `Returned(-1740597096)`. With this `false`, either reading is accepted.
pub const OUTCOME_ABI_FIXED: bool = true;

/// The context after `set_return(value)`: RAX = value, RIP = the call address (the
/// caller's return address, untouched, for vsyscall calls).
fn model_returned(before: &CtxBytes, exp: &Decoded, value: i64) -> CtxBytes {
    let mut want = before.clone();
    want.set_greg(libc::REG_RAX, model_result_rax(exp.abi, value));
    if exp.site != Site::Vsyscall {
        want.set_greg(libc::REG_RIP, exp.call_addr);
    }
    want
}

/// What the caller sees after the handler, from the registers: nothing changed; a result
/// (RIP where the call returns to; an i386 caller reads EAX); the call again (RIP back on
/// the instruction: `int $0x80` runs RAX's low half as an i386 call, `syscall` runs RAX as
/// an x86_64 call, or x32 with bit 30); or a jump elsewhere.
///
/// `built_as`: judge as `sigsys::testing` does today, by the ABI the frame was built with
/// (see `OUTCOME_ABI_FIXED`); `None`: by the siginfo's ABI and the instruction.
fn model_outcome(
    before: &CtxBytes,
    after: &CtxBytes,
    exp: &Decoded,
    built_as: Option<Abi>,
) -> sigsys::testing::Outcome {
    use sigsys::testing::Outcome;
    if after.0 == before.0 {
        return Outcome::Untouched;
    }
    let rip = after.greg(libc::REG_RIP);
    let rax = after.greg(libc::REG_RAX);
    let returns_to = if exp.site == Site::Vsyscall {
        before.greg(libc::REG_RIP)
    } else {
        exp.call_addr
    };
    if rip == returns_to {
        return Outcome::Returned(match built_as.unwrap_or(exp.abi) {
            Abi::I386 => i64::from(rax as u32 as i32),
            Abi::X86_64 | Abi::X32 => rax as i64,
        });
    }
    if exp.site != Site::Vsyscall && rip == exp.call_addr.wrapping_sub(2) {
        let insn = match built_as {
            Some(Abi::I386) => Ok([0xcd, 0x80]),
            Some(_) => Ok([0x0f, 0x05]),
            None => libc_read::<2>(rip),
        };
        let abi = match insn {
            Ok([0xcd, 0x80]) => Abi::I386,
            Ok([0x0f, 0x05]) if rax as u32 & X32_SYSCALL_BIT != 0 && (rax as u32 as i32) >= 0 => {
                Abi::X32
            }
            Ok([0x0f, 0x05]) => Abi::X86_64,
            other => panic!("RIP on {other:?}, which no restart accepts"),
        };
        let nr = match abi {
            Abi::X32 => rax as u32 & !X32_SYSCALL_BIT,
            _ => rax as u32,
        };
        let args = arg_regs(abi).map(|r| model_arg(abi, after.greg(r)));
        return Outcome::Restarted(Syscall::new(abi, nr, args));
    }
    Outcome::Elsewhere { ip: rip }
}

// ---------------------------------------------------------------------------------------
// api: the small functions that take caller-controlled values
// ---------------------------------------------------------------------------------------

/// First byte picks the function, the rest are its arguments.
pub fn check_api(data: &[u8]) {
    let rest = data.get(1..).unwrap_or(&[]);
    // % 7 keeps the committed regressions (first bytes 0xfe, 2) on check_ip_range.
    match byte(data, 0) % 7 {
        0 => check_abi(rest),
        1 => check_sysno(rest),
        2 => check_ip_range(rest),
        3 => check_siginfo(rest),
        4 => check_memory(rest),
        5 => check_error_display(rest),
        _ => check_read_cstr(rest),
    }
}

fn check_abi(d: &[u8]) {
    let arch = match byte(d, 12) % 4 {
        0 => AUDIT_ARCH_X86_64,
        1 => AUDIT_ARCH_I386,
        _ => le_u32(d, 0),
    };
    let nr = le_u32(d, 4) as i32;
    let abi = Abi::from_audit_arch(arch, nr);
    assert_eq!(abi, model_abi(arch, nr), "from_audit_arch({arch:#x}, {nr})");
    let Some(abi) = abi else { return };
    let name = abi.name();
    assert_eq!(
        name,
        match abi {
            Abi::X86_64 => "x86_64",
            Abi::I386 => "i386",
            Abi::X32 => "x32",
        }
    );
    let table = abi.table_number(nr);
    match abi {
        Abi::X32 => assert_eq!(table, nr as u32 & !X32_SYSCALL_BIT),
        _ => assert_eq!(table, nr as u32),
    }
    // Loading rax_for(table_number(n)) re-issues the same call: same low 32 bits.
    assert_eq!(abi.rax_for(table) as u32, nr as u32);
    assert_eq!(abi.rax_for(table), model_rax_for(abi, table));
    let arbitrary = le_u32(d, 8);
    assert_eq!(abi.rax_for(arbitrary), model_rax_for(abi, arbitrary));
}

fn check_sysno(d: &[u8]) {
    let abi = [Abi::X86_64, Abi::I386, Abi::X32][(byte(d, 0) % 3) as usize];
    let nr = if byte(d, 1) & 1 == 0 {
        u32::from(le_u32(d, 2) as u16 & 0x3ff)
    } else {
        le_u32(d, 2)
    };
    let s = AbiSysno::new(abi, nr);
    match abi {
        Abi::X86_64 => assert_eq!(
            s.map(AbiSysno::to_x86_64),
            syscalls::x86_64::Sysno::new(nr as usize).map(Some)
        ),
        Abi::I386 => assert_eq!(
            s.is_some(),
            syscalls::x86::Sysno::new(nr as usize).is_some()
        ),
        Abi::X32 => {}
    }
    if let Some(s) = s {
        assert_eq!(s.abi(), abi);
        assert_eq!(s.id(), nr);
        assert!(!s.name().is_empty());
        let mut w = FixedWriter::<64>::new();
        write!(w, "{s}").unwrap();
        assert_eq!(w.as_str(), s.name());
        if let Some(x) = s.to_x86_64() {
            // The documented mapping: the x86_64 call with the same name, or one of the
            // documented i386 renames.
            assert!(
                documented_mapping(abi, s.name(), x.name()),
                "{abi:?} {nr} ({}) maps to {}",
                s.name(),
                x.name()
            );
        }
        if abi == Abi::I386 && matches!(s.name(), "select" | "mmap" | "mmap2") {
            // Old calling conventions: one pointer to an argument block, or page offsets.
            assert_eq!(s.to_x86_64(), None, "i386 {} must not be mapped", s.name());
        }
        if abi == Abi::X86_64 {
            assert_eq!(s.to_x86_64().map(|x| x.id() as u32), Some(nr));
        }
    }
    let args = core::array::from_fn(|i| le_u64(d, 6 + 8 * i));
    let call = Syscall::new(abi, nr, args);
    check_syscall_methods(&call);
    assert_eq!(call.args, args);
}

/// Whether `from` (a call of `abi`) may map to the x86_64 call `to`, as
/// `sigsys::sysno::i386::to_x86_64` documents it.
fn documented_mapping(abi: Abi, from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    abi == Abi::I386
        && (matches!(
            (from, to),
            ("_newselect", "select") | ("ugetrlimit", "getrlimit") | ("fcntl64", "fcntl")
        ) || from.strip_suffix("_time64") == Some(to)
            || (from.ends_with("time64") && from.strip_suffix("64") == Some(to))
            || from.strip_suffix("32") == Some(to))
}

/// A classic-BPF interpreter for the instructions `allow_ip_range` may emit: returns
/// `Some(action)` for a `ret`, `None` when the program falls off its end (the rest of the
/// filter decides).
fn run_bpf(prog: &[libc::sock_filter], data: &[u32; 16]) -> Option<u32> {
    let mut acc = 0u32;
    let mut pc = 0usize;
    let mut steps = 0;
    while pc < prog.len() {
        steps += 1;
        assert!(steps <= prog.len(), "BPF program loops");
        let ins = prog[pc];
        let code = u32::from(ins.code);
        match code {
            c if c == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS => {
                assert!(
                    ins.k.is_multiple_of(4) && (ins.k as usize) < 64,
                    "load offset {}",
                    ins.k
                );
                acc = data[ins.k as usize / 4];
                pc += 1;
            }
            c if c == libc::BPF_RET | libc::BPF_K => return Some(ins.k),
            c if c & 0x07 == libc::BPF_JMP && c & libc::BPF_X == 0 => {
                let taken = match c & 0xf0 {
                    op if op == libc::BPF_JEQ => acc == ins.k,
                    op if op == libc::BPF_JGE => acc >= ins.k,
                    op if op == libc::BPF_JGT => acc > ins.k,
                    op if op == libc::BPF_JSET => acc & ins.k != 0,
                    op => panic!("unexpected jump op {op:#x}"),
                };
                let off = usize::from(if taken { ins.jt } else { ins.jf });
                pc += 1 + off;
                assert!(pc <= prog.len(), "jump past the end of the program");
            }
            c => panic!("unexpected BPF instruction {c:#x}"),
        }
    }
    None
}

fn seccomp_data(ip: u64) -> [u32; 16] {
    let mut d = [0u32; 16];
    d[1] = AUDIT_ARCH_X86_64;
    d[2] = ip as u32;
    d[3] = (ip >> 32) as u32;
    d
}

/// A core bug this target found, now fixed in `src/filter.rs`: `allow_ip_range(start..end)`
/// with `end` exactly on a 4 GiB boundary compared the low half with `end as u32 == 0` and
/// refused every address (fail-closed). The regression test
/// `allow_ip_range_up_to_a_4gib_boundary` in `tests/corpus_replay.rs` keeps it fixed; with
/// this `true` the fuzzer checks that case too.
pub const ALLOW_IP_RANGE_BLOCK_END_FIXED: bool = true;

/// Whether `allow_ip_range(range)` lets `ip` through, by the BPF interpreter.
pub fn ip_range_allows(range: core::ops::Range<u64>, ip: u64) -> bool {
    run_bpf(&sigsys::filter::allow_ip_range(range), &seccomp_data(ip)).is_some()
}

fn check_ip_range(d: &[u8]) {
    let mode = byte(d, 0);
    let mut start = le_u64(d, 1);
    let mut end = le_u64(d, 9);
    let mut ip = le_u64(d, 17);
    if mode & 1 != 0 {
        // A small range, like the gate.
        end = start.wrapping_add(end & 0x1fff);
    }
    if mode & 2 != 0 {
        // An instruction pointer near one of the edges.
        let base = if mode & 4 != 0 { end } else { start };
        ip = base.wrapping_add((ip & 0x3f).wrapping_sub(0x20));
    }
    if mode & 8 != 0 {
        // Edge of a 4 GiB block.
        start = (start & !0xffff_ffff) | (0xffff_ffff - (start & 0xfff));
        end = start.wrapping_add(end & 0xfff);
    }
    let prog = sigsys::filter::allow_ip_range(start..end);
    assert_eq!(prog.len(), sigsys::filter::GATE_PREFIX_LEN);
    let verdict = run_bpf(&prog, &seccomp_data(ip));
    assert!(
        verdict.is_none() || verdict == Some(libc::SECCOMP_RET_ALLOW),
        "unexpected action {verdict:?}"
    );
    let allowed = verdict.is_some();
    // An empty or reversed range lets nothing through.
    if start >= end {
        assert!(
            !allowed,
            "allow_ip_range({start:#x}..{end:#x}) (empty) lets {ip:#x} through"
        );
    }
    // Sound: never lets through an address outside a (non-reversed) range.
    if start <= end && allowed {
        assert!(
            (start..end).contains(&ip),
            "allow_ip_range({start:#x}..{end:#x}) lets {ip:#x} through"
        );
    }
    // Complete within the documented contract: a non-empty range that does not cross a
    // 4 GiB boundary (its last byte is in the same block as its first).
    let ends_on_block_edge = end & 0xffff_ffff == 0;
    let known_bug = ends_on_block_edge && !ALLOW_IP_RANGE_BLOCK_END_FIXED;
    if start < end && start >> 32 == (end - 1) >> 32 && (start..end).contains(&ip) && !known_bug {
        assert!(
            allowed,
            "allow_ip_range({start:#x}..{end:#x}) refuses {ip:#x}, inside the range"
        );
    }
    // The gate prefix is the same program for the gate's range.
    let gate = sigsys::gate::range();
    let gp = sigsys::filter::gate_prefix();
    let want = sigsys::filter::allow_ip_range(gate.clone());
    for (a, b) in gp.iter().zip(want.iter()) {
        assert_eq!((a.code, a.jt, a.jf, a.k), (b.code, b.jt, b.jf, b.k));
    }
    let gate_ip = gate.start.wrapping_add(ip & 0x1fff);
    assert_eq!(
        run_bpf(&gp, &seccomp_data(gate_ip)).is_some(),
        gate.contains(&gate_ip)
    );
    assert_eq!(sigsys::gate::contains(gate_ip), gate.contains(&gate_ip));
}

fn check_siginfo(d: &[u8]) {
    let ctl = le_u32(d, 0);
    let mut info = InfoBytes(core::array::from_fn(|i| byte(d, 4 + i)));
    info.fix_header(ctl);
    let got = SigsysInfo::from_siginfo(info.as_siginfo());
    let want = model_siginfo(&info).map(|(cause, abi)| SigsysInfo {
        cause,
        call_addr: info.call_addr(),
        syscall: info.syscall(),
        abi,
    });
    assert_eq!(got, want);
    match got {
        Ok(si) => {
            assert_eq!(si.audit_arch(), info.arch());
            check_to_siginfo(&si);
        }
        Err(e) => check_display(&e),
    }
}

/// A readable, known buffer for the memory checks.
static KNOWN: [u8; 64] = {
    let mut b = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        b[i] = (i as u8).wrapping_mul(37).wrapping_add(11);
        i += 1;
    }
    b
};

fn check_memory(d: &[u8]) {
    let mode = byte(d, 0);
    let len = usize::from(byte(d, 1) % 65);
    let raw = le_u64(d, 2);
    let addr = match mode % 4 {
        // Inside or across the end of a known buffer.
        0 | 1 => core::hint::black_box(KNOWN.as_ptr()) as u64 + raw % 80,
        // The unmapped first page.
        2 => raw & 0xfff,
        // Anywhere: reading the own memory through the kernel cannot fault.
        _ => raw,
    };
    let mut buf = [0xaau8; 64];
    let got = SelfMemory.read(addr, &mut buf[..len]);
    let mut reference = [0xaau8; 64];
    let want = libc_read_into(addr, &mut reference[..len]);
    assert_eq!(got.map_err(Errno::into_raw), want, "read({addr:#x}, {len})");
    if let Ok(n) = got {
        assert!(n <= len);
        assert_eq!(buf[..n], reference[..n]);
        let known = KNOWN.as_ptr() as u64;
        if (known..known + 64).contains(&addr) {
            let off = (addr - known) as usize;
            let k = n.min(64 - off);
            assert_eq!(buf[..k], KNOWN[off..off + k]);
        }
        // Bytes past what was read are untouched.
        assert!(buf[n..].iter().all(|&b| b == 0xaa));
    }
    assert!(NoMemory.read(addr, &mut buf[..len]).is_err());
    // Exact reads succeed exactly when a full read does.
    let arr = sigsys::mem::read_array::<8>(&SelfMemory, addr);
    match libc_read::<8>(addr) {
        Ok(b) => assert_eq!(arr, Ok(b)),
        Err(e) => assert_eq!(arr, Err(Errno::new(e))),
    }
    // SAFETY: u64 accepts every bit pattern.
    let pod = unsafe { sigsys::mem::read_pod::<u64>(&SelfMemory, addr) };
    assert_eq!(pod, arr.map(u64::from_ne_bytes));
    // Writes: only into a local scratch buffer or the unmapped first page.
    let mut scratch = [0u8; 32];
    let data = [byte(d, 10); 16];
    let wlen = len.min(16);
    let target = if mode & 4 != 0 {
        raw & 0xfff
    } else {
        scratch.as_mut_ptr() as u64 + (raw % 16)
    };
    // SAFETY: the target is the local scratch buffer, which no reference covers during the
    // call, or the unmapped first page (nothing is written).
    let w = unsafe { sigsys::mem::write(target, &data[..wlen]) };
    if mode & 4 != 0 {
        assert!(
            wlen == 0 || w == Err(Errno::EFAULT),
            "write to page 0: {w:?}"
        );
    } else {
        assert_eq!(w, Ok(wlen));
        let off = (raw % 16) as usize;
        let scratch = core::hint::black_box(scratch);
        assert_eq!(scratch[off..off + wlen], data[..wlen]);
        assert!(scratch[..off].iter().all(|&b| b == 0));
        assert!(scratch[off + wlen..].iter().all(|&b| b == 0));
    }
}

/// `mem::read_cstr` against a byte-by-byte reference: the string's length and bytes,
/// `EFAULT` when unreadable memory comes before the NUL, `ENAMETOOLONG` (with the buffer
/// full) when no NUL fits; every read stays inside `addr..addr + buf.len()`. Over the own
/// memory (a known buffer, page 0, anywhere) and over fuzzer bytes that end where unmapped
/// memory begins.
fn check_read_cstr(d: &[u8]) {
    let mode = byte(d, 0);
    let len = usize::from(byte(d, 1) % 80);
    let raw = le_u64(d, 2);
    let mem_bytes = d.get(10..).unwrap_or(&[]);
    // The fuzzer's bytes end on a page boundary, where the "unmapped" memory begins.
    let end = FUZZ_MEM_BASE + 0x2000;
    let base = end - mem_bytes.len() as u64;
    let (addr, own) = match mode % 5 {
        0 | 1 => (
            core::hint::black_box(KNOWN.as_ptr()) as u64 + raw % 80,
            true,
        ),
        2 => (raw & 0xfff, true),
        3 => (raw, true),
        _ => (base + raw % (mem_bytes.len() as u64 + 4), false),
    };
    // The reference: one byte at a time.
    let read_byte = |at: u64| -> Option<u8> {
        if own {
            libc_read::<1>(at).ok().map(|[b]| b)
        } else {
            let off = at.wrapping_sub(base);
            mem_bytes.get(usize::try_from(off).ok()?).copied()
        }
    };
    let mut want_buf = [0x5au8; 80];
    let mut want = Err(Errno::ENAMETOOLONG);
    for (i, slot) in want_buf.iter_mut().enumerate().take(len) {
        match read_byte(addr.wrapping_add(i as u64)) {
            None => {
                want = Err(Errno::EFAULT);
                break;
            }
            Some(0) => {
                want = Ok(i);
                break;
            }
            Some(b) => *slot = b,
        }
    }
    let mut buf = [0x5au8; 80];
    let bounds = BoundsMemory {
        bytes: if own { None } else { Some((mem_bytes, base)) },
        lo: u128::from(addr),
        hi: u128::from(addr) + len as u128,
    };
    let got = sigsys::mem::read_cstr(&bounds, addr, &mut buf[..len]);
    assert_eq!(got, want, "read_cstr({addr:#x}, {len})");
    let n = match got {
        Ok(n) => n,
        Err(Errno::ENAMETOOLONG) => len,
        Err(_) => 0,
    };
    assert_eq!(buf[..n], want_buf[..n], "read_cstr bytes");
    assert!(
        buf[len..].iter().all(|&b| b == 0x5a),
        "read_cstr wrote past its buffer"
    );
}

/// A memory that panics on a read outside `lo..hi`: the own one, or fuzzer bytes at a base
/// address (short reads at their end, as `process_vm_readv` does; `EFAULT` elsewhere).
struct BoundsMemory<'a> {
    bytes: Option<(&'a [u8], u64)>,
    lo: u128,
    hi: u128,
}

impl Memory for BoundsMemory<'_> {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let start = u128::from(addr);
        let end = start + buf.len() as u128;
        assert!(
            buf.is_empty() || (start >= self.lo && end <= self.hi),
            "read of {addr:#x}+{} outside {:#x}..{:#x}",
            buf.len(),
            self.lo,
            self.hi
        );
        let Some((bytes, base)) = self.bytes else {
            return SelfMemory.read(addr, buf);
        };
        let off = addr.wrapping_sub(base);
        if off >= bytes.len() as u64 {
            return Err(Errno::EFAULT);
        }
        let src = &bytes[off as usize..];
        let n = src.len().min(buf.len());
        buf[..n].copy_from_slice(&src[..n]);
        Ok(n)
    }
}

fn check_error_display(d: &[u8]) {
    let a = le_u32(d, 1) as i32;
    let b = le_u64(d, 5);
    let c = le_u64(d, 13);
    let bytes = [byte(d, 21), byte(d, 22)];
    match byte(d, 0) % 21 {
        0 => check_display(&DecodeError::NullSiginfo),
        1 => check_display(&DecodeError::NullContext),
        2 => check_display(&DecodeError::NotSigsys { signo: a }),
        3 => check_display(&DecodeError::SentByProcess { code: a }),
        4 => check_display(&DecodeError::UnknownCode { code: a }),
        5 => check_display(&DecodeError::UnknownArch { arch: a as u32 }),
        6 => check_display(&DecodeError::NumberMismatch {
            si_syscall: a,
            rax: b,
        }),
        7 => check_display(&DecodeError::IpMismatch {
            call_addr: b,
            rip: c,
        }),
        8 => check_display(&RestartError::Vsyscall),
        9 => check_display(&RestartError::IpMoved {
            rip: b,
            call_addr: c,
        }),
        10 => check_display(&RestartError::NotASyscallInstruction { bytes }),
        11 => check_display(&RestartError::Unreadable { errno: a }),
        12 => check_display(&DecodeError::UnexpectedErrno {
            code: a,
            errno: b as i32,
        }),
        13 => check_display(&DecodeError::BadVsyscall {
            call_addr: b,
            si_syscall: a,
        }),
        14 => check_display(&PassError::Unsafe),
        15 => check_display(&PassError::AltStackInUse),
        16 => check_display(&PassError::HandlerStack),
        17 => check_display(&PassError::SigsysHandler),
        18 => check_display(&PassError::Exec),
        19 => check_display(&PassError::NotLive),
        _ => check_display(&PassError::NoScratch),
    }
}

// ---------------------------------------------------------------------------------------
// format: the strace-style formatter on arbitrary calls, memory and buffer sizes
// ---------------------------------------------------------------------------------------

/// Where the fuzzer's memory appears in the formatter's address space.
const FUZZ_MEM_BASE: u64 = 0x7f00_0000_1000;
const FORMAT_HEADER: usize = 88;

/// A memory that serves the fuzzer's bytes at `FUZZ_MEM_BASE` (short reads at the end, as
/// `process_vm_readv` does) and `EFAULT` elsewhere; it records the largest read asked for.
struct FuzzMemory<'a> {
    bytes: &'a [u8],
    largest_read: core::cell::Cell<usize>,
}

impl Memory for FuzzMemory<'_> {
    fn read(&self, addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        self.largest_read
            .set(self.largest_read.get().max(buf.len()));
        let off = addr.wrapping_sub(FUZZ_MEM_BASE);
        if off >= self.bytes.len() as u64 {
            return Err(Errno::EFAULT);
        }
        let src = &self.bytes[off as usize..];
        let n = src.len().min(buf.len());
        buf[..n].copy_from_slice(&src[..n]);
        Ok(n)
    }
}

/// A `Write` that never fails, to get the full output.
struct Unbounded(String);

impl fmt::Write for Unbounded {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.push_str(s);
        Ok(())
    }
}

/// The longest prefix of `s` of at most `n` bytes that ends on a character boundary.
fn char_prefix(s: &str, n: usize) -> &str {
    let mut k = n.min(s.len());
    while !s.is_char_boundary(k) {
        k -= 1;
    }
    &s[..k]
}

/// Formats an arbitrary call (any ABI, number, arguments, result, options) over arbitrary
/// memory into a buffer of arbitrary size, with each entry point. Invariants: no panic;
/// the output never exceeds the buffer and is valid UTF-8; it is exactly the longest
/// character-boundary prefix of the unbounded output; the call fails exactly when the
/// buffer was too small (`is_truncated`); the output has the documented shape; formatting
/// is deterministic. Also checks `args::typed_args` and `args::canonical_args`.
pub fn check_format(data: &[u8]) {
    use sigsys::fmt::{write_call, write_call_done, write_line, write_result, FixedBuf, Options};
    let abi = [Abi::X86_64, Abi::I386, Abi::X32][(byte(data, 0) % 3) as usize];
    let flags = byte(data, 1);
    let raw_nr = le_u32(data, 2);
    let nr = if flags & 1 == 0 { raw_nr % 600 } else { raw_nr };
    let ptr_mask = byte(data, 6);
    let mem_bytes = data.get(FORMAT_HEADER..).unwrap_or(&[]);
    let args: [u64; 6] = core::array::from_fn(|i| {
        let v = le_u64(data, 8 + 8 * i);
        if ptr_mask & (1 << i) != 0 {
            // A pointer into (or just past) the fuzzer's memory.
            FUZZ_MEM_BASE + v % (mem_bytes.len() as u64 + 8)
        } else {
            v
        }
    });
    let ret = match flags >> 5 {
        0 => -((le_u64(data, 56) % 4096) as i64),
        1 => (le_u64(data, 56) % 4096) as i64,
        _ => le_u64(data, 56) as i64,
    };
    let cap = usize::from(le_u32(data, 64) as u16 % 1200);
    let limit = |v: u32| {
        if v & 0x8000_0000 != 0 {
            usize::MAX - (v & 0xff) as usize
        } else {
            (v % 5000) as usize
        }
    };
    let opts = Options {
        string_limit: limit(le_u32(data, 68)),
        path_limit: limit(le_u32(data, 72)),
        // The high bit of the entry byte (whose low two bits pick the entry).
        verbose: byte(data, 76) & 0x80 != 0,
        // Descriptor paths read the fuzzer's own /proc/self/fd: left out.
        fd_paths: false,
        fd_details: sigsys::fmt::FdDetails::empty(),
        hex_strings: match byte(data, 77) % 3 {
            0 => sigsys::fmt::HexStrings::Never,
            1 => sigsys::fmt::HexStrings::NonAscii,
            _ => sigsys::fmt::HexStrings::All,
        },
    };
    let entry = byte(data, 76) % 4;
    let fuzz_mem = FuzzMemory {
        bytes: mem_bytes,
        largest_read: core::cell::Cell::new(0),
    };
    let call = Syscall::new(abi, nr, args);
    check_typed_args(&call);

    let format = |out: &mut dyn fmt::Write| -> fmt::Result {
        if flags & 2 != 0 {
            let m = &NoMemory;
            match entry {
                0 => write_call(out, &call, m, &opts),
                1 => write_call_done(out, &call, ret, m, &opts),
                2 => write_result(out, &call, ret, m, &opts),
                _ => write_line(out, &call, ret, m, &opts),
            }
        } else {
            let m = &fuzz_mem;
            match entry {
                0 => write_call(out, &call, m, &opts),
                1 => write_call_done(out, &call, ret, m, &opts),
                2 => write_result(out, &call, ret, m, &opts),
                _ => write_line(out, &call, ret, m, &opts),
            }
        }
    };
    let mut full = Unbounded(String::new());
    format(&mut full).expect("the formatter fails only when its output does");
    let full = full.0;
    let mut again = Unbounded(String::new());
    format(&mut again).unwrap();
    assert_eq!(full, again.0, "formatting is not deterministic");

    // Shape.
    match entry {
        2 => assert!(full.starts_with(" = "), "{full:?}"),
        _ => {
            let name = call.name();
            assert!(
                name.is_some_and(|n| full.starts_with(n))
                    || full.starts_with("syscall_0x")
                    || full.starts_with(call.canonical().map_or("-", |c| c.name())),
                "{full:?} does not start with the call's name {name:?}"
            );
            assert!(full.contains('('), "{full:?}");
        }
    }
    if entry == 3 {
        assert!(full.ends_with('\n') && full.contains(" = "), "{full:?}");
    }

    // Bounded.
    let mut storage = vec![0xa5u8; cap + 16];
    let (buf, guard) = storage.split_at_mut(cap);
    let mut out = FixedBuf::new(buf);
    let r = format(&mut out);
    let want = char_prefix(&full, cap);
    assert!(out.len() <= cap && out.len() <= out.capacity());
    assert_eq!(out.capacity(), cap);
    assert!(core::str::from_utf8(out.as_bytes()).is_ok());
    assert_eq!(
        out.as_str(),
        want,
        "bounded output is not a prefix of the full one"
    );
    assert_eq!(out.is_truncated(), full.len() > cap, "truncation flag");
    assert_eq!(
        r.is_err(),
        out.is_truncated(),
        "error without truncation, or the reverse"
    );
    assert_eq!(out.is_empty(), want.is_empty());
    assert!(guard.iter().all(|&b| b == 0xa5), "wrote past the buffer");
}

fn check_typed_args(call: &Syscall) {
    use sigsys::args::{canonical_args, typed_args};
    let canonical = canonical_args(call);
    if call.abi != Abi::I386 {
        assert_eq!(canonical, call.args);
    }
    match typed_args(call) {
        None => assert!(
            call.canonical().is_none()
                || sigsys::args::signature(call.canonical().unwrap()).is_none()
        ),
        Some(t) => {
            assert_eq!(Some(t.sysno), call.canonical());
            assert_eq!(t.raw, canonical);
            let sig = sigsys::args::signature(t.sysno).expect("typed calls have a signature");
            assert_eq!(t.signature, sig);
            assert_eq!(t.args().len(), sig.args.len());
            assert!(t.args().len() <= 6);
            for (i, a) in t.args().iter().enumerate() {
                assert_eq!(t.arg(i), Some(*a));
            }
            assert_eq!(t.arg(t.args().len()), None);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------

fn case_bytes(ctl: u32, extra: [u64; 8], info: &InfoBytes, regs: &[(libc::c_int, u64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(CASE_LEN);
    out.extend_from_slice(&ctl.to_le_bytes());
    for e in extra {
        out.extend_from_slice(&e.to_le_bytes());
    }
    out.extend_from_slice(&info.0);
    let mut ctx = CtxBytes([0; CTX_LEN]);
    for &(r, v) in regs {
        ctx.set_greg(r, v);
    }
    out.extend_from_slice(&ctx.0);
    out
}

fn seed_info(code: i32, errno: i32, addr: u64, nr: i32, arch: u32) -> InfoBytes {
    let mut i = InfoBytes([0; SIGINFO_LEN]);
    i.set_i32(0, libc::SIGSYS);
    i.set_i32(4, errno);
    i.set_i32(8, code);
    i.set_u64(16, addr);
    i.set_i32(24, nr);
    i.set_i32(28, arch as i32);
    i
}

/// The seed inputs of `target`, as committed under `fuzz/corpus/<target>/seed-<n>`.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let args = [
        (libc::REG_RDI, 1),
        (libc::REG_RSI, 2),
        (libc::REG_RDX, 3),
        (libc::REG_R10, 4),
        (libc::REG_R8, 5),
        (libc::REG_R9, 6),
        (libc::REG_RBX, 0xdead_beef_0000_0007),
        (libc::REG_RSP, 0x7fff_0000),
    ];
    let x64 = |nr: i32, addr: u64| {
        let mut regs = args.to_vec();
        regs.push((libc::REG_RAX, nr as i64 as u64));
        regs.push((libc::REG_RIP, addr));
        (seed_info(1, 7, addr, nr, AUDIT_ARCH_X86_64), regs)
    };
    let fixed = FIX_SIGNO | FIX_CODE | FIX_ARCH | FIX_ERRNO | FIX_RAX | FIX_RIP;
    let insns = 2 << ADDR_SHIFT;
    match target {
        "decode" | "emulate" | "restart" => {
            let mut v = Vec::new();
            // A plain seccomp getppid, fully consistent without fix-ups.
            let (i, r) = x64(110, 0x5555_0000_1002);
            v.push(case_bytes(0, [42, 1, 0, 0, 0, 0, 0, 0], &i, &r));
            // SUD, i386, x32 through fix-ups.
            let (i, r) = x64(20, 0x1000);
            v.push(case_bytes(
                fixed | CODE_SUD | ARCH_I386,
                [0, 2, 3, 4, 5, 6, 7, 8],
                &i,
                &r,
            ));
            v.push(case_bytes(
                fixed | FORCE_X32 | (3 << OP_SHIFT),
                [9; 8],
                &i,
                &r,
            ));
            // vsyscall: anywhere in the page (refused), and each of the three entries (its
            // own number, RAX exact), under seccomp (accepted) and SUD (refused).
            v.push(case_bytes(
                fixed | (1 << ADDR_SHIFT) | (2 << OP_SHIFT),
                [0; 8],
                &i,
                &r,
            ));
            for entry in 0..3u64 {
                let (mut i, r) = x64(0, 0);
                i.set_u64(16, entry);
                let ctl = fixed | RAX_SIGN_EXTEND | (4 << ADDR_SHIFT) | (1 << OP_SHIFT);
                v.push(case_bytes(ctl, [-14i64 as u64; 8], &i, &r));
                v.push(case_bytes(ctl | CODE_SUD, [0; 8], &i, &r));
            }
            // Numbers equal to -ERESTART*: each state handle_signal can leave, and some it
            // cannot (-EINTR in a rewound context, -EINTR for -513, -514 rewound).
            let collide = FIX_SIGNO | FIX_CODE | FIX_ARCH | FIX_ERRNO | COLLIDE;
            let code = |k: u32| k << COLLIDE_SHIFT;
            for ctl in [
                collide | RIP_REWOUND | RAX_EINTR,
                collide | FIX_RAX | RAX_SIGN_EXTEND | RIP_REWOUND,
                collide | FIX_RAX | RIP_REWOUND | ARCH_I386 | (1 << OP_SHIFT),
                collide | code(1) | FIX_RAX | RAX_SIGN_EXTEND | RIP_REWOUND,
                collide | code(1) | FIX_RIP | RAX_EINTR,
                collide | code(2) | FIX_RIP | RAX_EINTR | (2 << OP_SHIFT),
                collide | code(2) | FIX_RAX | RAX_SIGN_EXTEND | RIP_REWOUND,
                collide | code(3) | FIX_RIP | RAX_EINTR | ARCH_I386,
                collide | FIX_RIP | RAX_EINTR,
                collide | code(1) | FIX_RAX | FIX_RIP,
            ] {
                let (i, mut r) = x64(20, 0x1000);
                r.push((libc::REG_RAX, 0x7_0000_0000));
                v.push(case_bytes(ctl, [0; 8], &i, &r));
            }
            // si_errno: a seccomp value wider than 16 bits, SUD with a non-zero one.
            let (mut i, r) = x64(39, 0x5555_0000_1002);
            i.set_i32(4, 0x1_0007);
            v.push(case_bytes(0, [0; 8], &i, &r));
            v.push(case_bytes(FIX_CODE | CODE_SUD, [0; 8], &i, &r));
            // A not-live trap refuses to act: getppid (seed 0), and an exec of a path in
            // page 0.
            let (i, r) = x64(59, 0x5555_0000_1002);
            v.push(case_bytes(0, [0; 8], &i, &r));
            // Restart acceptance: call_addr just past `syscall` (offset 0), `int $0x80`
            // (offset 2); refusals: `sysenter` (offset 4), wrong bytes, page 0, moved RIP.
            for (k, arch) in [
                (0u64, 0),
                (2, ARCH_I386),
                (4, ARCH_I386),
                (5, 0),
                (1, ARCH_I386),
            ] {
                let (mut i, r) = x64(39, 0);
                i.set_u64(16, k);
                v.push(case_bytes(
                    fixed | insns | arch,
                    [0, 5, 6, 7, 8, 9, 10, 0],
                    &i,
                    &r,
                ));
                v.push(case_bytes(
                    fixed | insns | arch | (1 << OP_SHIFT) | RESTART_SAME_ABI,
                    [0x4000, 5, 6, 7, 8, 9, 10, 0],
                    &i,
                    &r,
                ));
            }
            v.push(case_bytes(fixed | (3 << ADDR_SHIFT), [0; 8], &i, &r));
            v.push(case_bytes(
                fixed | insns | MOVE_RIP,
                [0, 0, 0, 0, 0, 0, 0, 0x1234],
                &i,
                &r,
            ));
            // Refused decodes: kill(), unknown arch.
            let mut k = seed_info(0, 0, 0, 0, AUDIT_ARCH_X86_64);
            k.set_i32(8, -6);
            v.push(case_bytes(0, [0; 8], &k, &[]));
            v.push(case_bytes(
                0,
                [0; 8],
                &seed_info(1, 0, 0, 0, 0xC000_00B7),
                &[],
            ));
            v
        }
        "api" => {
            let mut v = Vec::new();
            for op in 0u8..6 {
                for variant in 0u8..3 {
                    let mut s = vec![op, variant, variant.wrapping_mul(3), 0x27, 0, 0, 0];
                    s.extend_from_slice(&[variant; 24]);
                    v.push(s);
                }
            }
            // allow_ip_range: a gate-like page and a range ending on a 4 GiB boundary.
            let mut s = vec![2, 1 | 2];
            s.extend_from_slice(&0x5555_5555_5000u64.to_le_bytes());
            s.extend_from_slice(&0xfffu64.to_le_bytes());
            s.extend_from_slice(&0x30u64.to_le_bytes());
            v.push(s);
            v
        }
        "format" => {
            let mut v = Vec::new();
            let path = b"/etc/passwd\0";
            // (abi, flags, nr, pointer mask, args, entry): openat with a path, read with a
            // buffer, write, an i386 and an unknown call, each at a few buffer sizes.
            let calls: [(u8, u8, u32, u8, [u64; 6], u8); 6] = [
                (
                    0,
                    0,
                    257,
                    0b10,
                    [(-100i64) as u64, 0, 0o2000000, 0, 0, 0],
                    3,
                ),
                (0, 1 << 5, 0, 0b10, [3, 0, 4096, 0, 0, 0], 1),
                (0, 1 << 5, 1, 0b10, [1, 0, 12, 0, 0, 0], 0),
                (1, 2 << 5, 5, 0b1, [0, 0, 0, 0, 0, 0], 3),
                (0, 1 | (2 << 5), 0x1f3, 0, [1, 2, 3, 4, 5, 6], 3),
                (2, 0, 2, 0b1, [0, 0o644, 0, 0, 0, 0], 2),
            ];
            for (i, (abi, flags, nr, mask, args, entry)) in calls.into_iter().enumerate() {
                let mut s = vec![0u8; FORMAT_HEADER];
                s[0] = abi;
                s[1] = flags;
                s[2..6].copy_from_slice(&nr.to_le_bytes());
                s[6] = mask;
                for (j, a) in args.iter().enumerate() {
                    s[8 + 8 * j..16 + 8 * j].copy_from_slice(&a.to_le_bytes());
                }
                s[56..64].copy_from_slice(&(i as u64 * 3).to_le_bytes());
                let cap: u32 = [512, 8, 40, 0, 1199, 100][i];
                s[64..68].copy_from_slice(&cap.to_le_bytes());
                s[68..72].copy_from_slice(&32u32.to_le_bytes());
                s[72..76].copy_from_slice(&4096u32.to_le_bytes());
                s[76] = entry;
                s.extend_from_slice(path);
                s.extend_from_slice("caf\u{e9} \u{1f980}\n".as_bytes());
                v.push(s);
            }
            v
        }
        _ => Vec::new(),
    }
}
