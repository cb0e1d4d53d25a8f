//! sigsys-cross-probe: runs on a real aarch64 or riscv64 kernel (tools/cross/runner.sh boots it
//! as PID 1's child) and checks the facts the sigsys port relies on. Each probe runs in its own
//! forked child (filters and handlers never stack); each fact is printed as
//! `FACT name = value` and each expectation as `CHECK name: ok|FAIL (...)`. Exits 1 if any
//! check failed. The same probes are `#[test]`s (`cargo test`), one child each.
//!
//! Arguments: probe names to run (default: all).

#![allow(clippy::missing_safety_doc)]

mod arch;

use arch::*;
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering::*};
use std::fmt::Display;

// asm-generic system call numbers (the same on aarch64 and riscv64).
const NR_READ: usize = 63;
const NR_EXIT: usize = 93;
const NR_EXIT_GROUP: usize = 94;
const NR_RESTART_SYSCALL: usize = 128;
const NR_RT_SIGRETURN: usize = 139;
const NR_GETPGID: usize = 155;
const NR_GETPPID: usize = 173;

const SA_SIGINFO: usize = 4;
const SA_ONSTACK: usize = 0x0800_0000;
const SA_RESTART: usize = 0x1000_0000;
const SA_RESTORER: usize = 0x0400_0000;

const SECCOMP_RET_TRAP: u32 = 0x0003_0000;
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
const PR_SET_SYSCALL_USER_DISPATCH: i32 = 59;

const MAGIC: usize = 0x5151;

// ---------------------------------------------------------------- output

static FAILED: AtomicBool = AtomicBool::new(false);

fn out(s: &str) {
    // Straight to fd 1: visible under libtest's capture, and from forked children.
    let b = s.as_bytes();
    let mut o = 0;
    while o < b.len() {
        let n = unsafe { libc::write(1, b[o..].as_ptr().cast(), b.len() - o) };
        if n <= 0 {
            return;
        }
        o += n as usize;
    }
}
fn fact(name: &str, v: impl Display) {
    out(&format!("FACT {name} = {v}\n"));
}
fn check(name: &str, ok: bool, detail: impl Display) {
    if ok {
        out(&format!("CHECK {name}: ok\n"));
    } else {
        FAILED.store(true, SeqCst);
        out(&format!("CHECK {name}: FAIL ({detail})\n"));
    }
}
fn hex(v: usize) -> String {
    format!("{v:#x}")
}

// ---------------------------------------------------------------- the handler

const M_EMULATE: usize = 1; // record; return 4242
const M_RESTART: usize = 2; // record; arg0 MAGIC: arg0 = 0, pc -= 4
const M_RECORD: usize = 3; // record only
const M_COLLIDE: usize = 4; // record; undo a rewind; return 777
const M_SUD: usize = 5; // record; 4343, or for MAGIC: selector ALLOW, arg0 = 0, pc -= 4
const M_MASK: usize = 6; // emulate, and add SIGURG to the frame's mask

static MODE: AtomicUsize = AtomicUsize::new(0);
static SELECTOR: AtomicU8 = AtomicU8::new(0);

// Recorded by the handler (its last entry) and what the probe expects to find in the frame.
#[derive(Clone, Copy)]
#[repr(usize)]
enum R {
    Count,
    Signo,
    Errno,
    Code,
    CallAddr,
    Syscall,
    Arch,
    Pc,
    Sp,
    Nr,
    A0,
    A1,
    A2,
    A3,
    A4,
    A5,
    Ra,
    EntrySp,
    Si,
    Uc,
    Insn,
    FoundPc,
    FoundPc1,
    FoundPc2,
    FoundPc3,
    FoundA1,
    FoundMask,
    FoundSsSp,
    FrameMask,
    SsSp,
    SsFlags,
    SsSize,
    End,
}
static REC: [AtomicUsize; R::End as usize] = [const { AtomicUsize::new(0) }; R::End as usize];
static EXPECT_PC: AtomicUsize = AtomicUsize::new(usize::MAX);
static EXPECT_A1: AtomicUsize = AtomicUsize::new(usize::MAX);
static EXPECT_MASK: AtomicUsize = AtomicUsize::new(usize::MAX);
static EXPECT_SS: AtomicUsize = AtomicUsize::new(usize::MAX);

fn rec(r: R) -> usize {
    REC[r as usize].load(SeqCst)
}
fn set(r: R, v: usize) {
    REC[r as usize].store(v, SeqCst)
}
fn reset() {
    for r in &REC {
        r.store(0, SeqCst);
    }
}

unsafe fn rd(p: *mut u8, off: usize) -> usize {
    p.add(off).cast::<usize>().read_volatile()
}
unsafe fn wr(p: *mut u8, off: usize, v: usize) {
    p.add(off).cast::<usize>().write_volatile(v)
}

/// The signal handler (entered through `sigsys_probe_entry`, which saved x30/ra and sp).
/// No system calls, no allocation.
pub unsafe extern "C" fn handler(sig: i32, si: *mut u8, uc: *mut u8) {
    set(R::Count, rec(R::Count) + 1);
    set(R::Signo, sig as usize);
    set(R::Errno, si.add(4).cast::<i32>().read() as usize);
    set(R::Code, si.add(8).cast::<i32>().read() as usize);
    let call = rd(si, 16);
    set(R::CallAddr, call);
    set(R::Syscall, si.add(24).cast::<i32>().read() as usize);
    set(R::Arch, si.add(28).cast::<u32>().read() as usize);
    let pc = rd(uc, PC);
    set(R::Pc, pc);
    set(R::Sp, rd(uc, SP));
    set(R::Nr, rd(uc, NR));
    for (i, r) in [R::A0, R::A1, R::A2, R::A3, R::A4, R::A5]
        .into_iter()
        .enumerate()
    {
        set(r, rd(uc, arg(i)));
    }
    set(R::Ra, SIGSYS_PROBE_ENTRY[0].load(SeqCst));
    set(R::EntrySp, SIGSYS_PROBE_ENTRY[1].load(SeqCst));
    set(R::Si, si as usize);
    set(R::Uc, uc as usize);
    set(R::FrameMask, rd(uc, 40));
    set(R::SsSp, rd(uc, 16));
    set(R::SsFlags, uc.add(24).cast::<i32>().read() as usize);
    set(R::SsSize, rd(uc, 32));
    if sig == libc::SIGSYS && call >= 4 && call == EXPECT_PC.load(SeqCst) {
        set(
            R::Insn,
            (call as *const u32).sub(1).read_volatile() as usize,
        );
    }
    // Where the frame holds what we know it must hold (first match, in 8-byte steps; for the
    // pc up to four matches: callee-saved registers may hold the same address).
    for (r, want) in [
        (R::FoundA1, &EXPECT_A1),
        (R::FoundMask, &EXPECT_MASK),
        (R::FoundSsSp, &EXPECT_SS),
    ] {
        let want = want.load(SeqCst);
        set(r, usize::MAX);
        for off in (0..1024).step_by(8) {
            if rd(uc, off) == want {
                set(r, off);
                break;
            }
        }
    }
    let pcs = [R::FoundPc, R::FoundPc1, R::FoundPc2, R::FoundPc3];
    for r in pcs {
        set(r, usize::MAX);
    }
    let (want, mut k) = (EXPECT_PC.load(SeqCst), 0);
    for off in (0..1024).step_by(8) {
        if k < pcs.len() && rd(uc, off) == want {
            set(pcs[k], off);
            k += 1;
        }
    }
    match MODE.load(SeqCst) {
        M_EMULATE => wr(uc, arg(0), 4242),
        M_MASK => {
            wr(uc, arg(0), 4242);
            wr(uc, 40, rd(uc, 40) | 1 << (libc::SIGURG - 1));
        }
        M_RESTART => {
            if rd(uc, arg(0)) == MAGIC {
                wr(uc, arg(0), 0);
                wr(uc, PC, call - 4);
            }
        }
        M_COLLIDE => {
            if pc != call {
                wr(uc, PC, call);
            }
            wr(uc, arg(0), 777);
        }
        M_SUD => {
            if rd(uc, arg(0)) == MAGIC {
                SELECTOR.store(0, SeqCst);
                wr(uc, arg(0), 0);
                wr(uc, PC, call - 4);
            } else {
                wr(uc, arg(0), 4343);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- set-up helpers

#[repr(C)]
struct KSigaction {
    handler: usize,
    flags: usize,
    #[cfg(target_arch = "aarch64")]
    restorer: usize,
    mask: u64,
}

/// rt_sigaction directly (glibc would set its own flags / restorer). Returns 0 or -errno.
fn sigaction(sig: i32, mode: usize, flags: usize, restorer: usize) -> isize {
    MODE.store(mode, SeqCst);
    #[cfg(not(target_arch = "aarch64"))]
    let _ = restorer;
    let act = KSigaction {
        handler: sigsys_probe_entry as *const () as usize,
        flags: flags | SA_SIGINFO,
        #[cfg(target_arch = "aarch64")]
        restorer,
        mask: 0,
    };
    let r = unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, &act, 0usize, 8usize) };
    if r < 0 {
        -(std::io::Error::last_os_error().raw_os_error().unwrap_or(0) as isize)
    } else {
        0
    }
}

#[derive(Clone, Copy)]
struct Ins(u16, u8, u8, u32);
const LD_ABS: u16 = 0x20;
const JEQ: u16 = 0x15;
const RET: u16 = 0x06;

fn install(prog: &[Ins]) {
    let filt: Vec<libc::sock_filter> = prog
        .iter()
        .map(|i| libc::sock_filter {
            code: i.0,
            jt: i.1,
            jf: i.2,
            k: i.3,
        })
        .collect();
    let fprog = libc::sock_fprog {
        len: filt.len() as u16,
        filter: filt.as_ptr() as *mut _,
    };
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        let r = libc::syscall(libc::SYS_seccomp, 1, 0, &fprog as *const _);
        assert_eq!(r, 0, "seccomp: {}", std::io::Error::last_os_error());
    }
}

/// Traps `nr` (only when the low 32 bits of arg0 == `arg0`, if given) with RET_DATA `data`.
fn trap_filter(nr: usize, arg0: Option<u32>, data: u16) {
    let mut p = vec![
        Ins(LD_ABS, 0, 0, 4),
        Ins(JEQ, 1, 0, AUDIT_ARCH),
        Ins(RET, 0, 0, SECCOMP_RET_ALLOW),
        Ins(LD_ABS, 0, 0, 0),
    ];
    match arg0 {
        None => p.push(Ins(JEQ, 0, 1, nr as u32)),
        Some(a) => {
            p.push(Ins(JEQ, 0, 3, nr as u32));
            p.push(Ins(LD_ABS, 0, 0, 16));
            p.push(Ins(JEQ, 0, 1, a));
        }
    }
    p.push(Ins(RET, 0, 0, SECCOMP_RET_TRAP | data as u32));
    p.push(Ins(RET, 0, 0, SECCOMP_RET_ALLOW));
    install(&p);
}

fn vdso_range() -> (usize, usize) {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    for l in maps.lines() {
        if l.ends_with("[vdso]") {
            let r = l.split_whitespace().next().unwrap();
            let (a, b) = r.split_once('-').unwrap();
            return (
                usize::from_str_radix(a, 16).unwrap(),
                usize::from_str_radix(b, 16).unwrap(),
            );
        }
    }
    (0, 0)
}

fn words(addr: usize, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!("{:08x}", unsafe {
                (addr as *const u32).add(i).read_volatile()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where the handler's return goes with these flags: the return address at entry.
fn return_address(flags: usize, restorer: usize) -> usize {
    reset();
    assert_eq!(sigaction(libc::SIGUSR1, M_RECORD, flags, restorer), 0);
    unsafe { libc::raise(libc::SIGUSR1) };
    rec(R::Ra)
}

fn describe_ra(prefix: &str, ra: usize) {
    let (v0, v1) = vdso_range();
    let restorer = sigsys_probe_restorer as *const () as usize;
    let place = if ra == restorer {
        "the given sa_restorer".to_string()
    } else if ra >= v0 && ra < v1 {
        format!("vdso+{:#x}", ra - v0)
    } else {
        hex(ra)
    };
    fact(&format!("{prefix}.return_address"), &place);
    if ra != 0 {
        fact(&format!("{prefix}.return_insns"), words(ra, 2));
    }
}

// ---------------------------------------------------------------- probes

fn probe_trap() {
    trap_filter(NR_GETPGID, Some(MAGIC as u32), 0x1234);
    // A known signal mask and an alternate stack, to find them in the frame.
    let ss_size = 256 * 1024;
    let ss = vec![0u8; ss_size];
    unsafe {
        let st = libc::stack_t {
            ss_sp: ss.as_ptr() as *mut _,
            ss_flags: 0,
            ss_size,
        };
        assert_eq!(libc::sigaltstack(&st, std::ptr::null_mut()), 0);
        let mut m: libc::sigset_t = core::mem::zeroed();
        libc::sigemptyset(&mut m);
        libc::sigaddset(&mut m, libc::SIGUSR2);
        libc::sigaddset(&mut m, libc::SIGWINCH);
        libc::sigprocmask(libc::SIG_SETMASK, &m, std::ptr::null_mut());
    }
    let mask = 1usize << (libc::SIGUSR2 - 1) | 1 << (libc::SIGWINCH - 1);
    assert_eq!(sigaction(libc::SIGSYS, M_MASK, SA_ONSTACK, 0), 0);
    let args = [
        MAGIC,
        0x1111_0000_0000_0001,
        0x2222_0000_0000_0002,
        0x3333_0000_0000_0003,
        0x4444_0000_0000_0004,
        0x5555_0000_0000_0005,
    ];
    // The call site: syscall6's `svc`/`ecall` is followed by the label it reports; learn it
    // with an untrapped call first.
    let (_, site) = unsafe { syscall6(NR_GETPGID, [0, 0, 0, 0, 0, 0]) };
    EXPECT_PC.store(site, SeqCst);
    EXPECT_A1.store(args[1], SeqCst);
    EXPECT_MASK.store(mask, SeqCst);
    EXPECT_SS.store(ss.as_ptr() as usize, SeqCst);
    reset();
    let (ret, after) = unsafe { syscall6(NR_GETPGID, args) };
    assert_eq!(after, site);
    let mut now: libc::sigset_t = unsafe { core::mem::zeroed() };
    unsafe { libc::sigprocmask(libc::SIG_SETMASK, std::ptr::null(), &mut now) };
    let urg = unsafe { libc::sigismember(&now, libc::SIGURG) } == 1;

    let call = rec(R::CallAddr);
    fact("trap.delivered", rec(R::Count));
    fact("trap.si_signo", rec(R::Signo));
    fact("trap.si_code", rec(R::Code));
    fact("trap.si_errno", hex(rec(R::Errno)));
    fact("trap.si_arch", hex(rec(R::Arch)));
    fact("trap.si_syscall", rec(R::Syscall));
    fact(
        "trap.si_call_addr - address_after_insn",
        call as isize - after as isize,
    );
    fact(
        "trap.pc - si_call_addr",
        rec(R::Pc) as isize - call as isize,
    );
    fact(&format!("trap.{NR_REG}"), rec(R::Nr));
    fact(
        &format!("trap.{ARG0_REG}_is_original_arg0"),
        rec(R::A0) == MAGIC,
    );
    let all = [R::A0, R::A1, R::A2, R::A3, R::A4, R::A5]
        .iter()
        .zip(args)
        .all(|(r, a)| rec(*r) == a);
    fact("trap.args_0_to_5_as_passed", all);
    fact(
        "trap.insn_before_si_call_addr",
        format!("{:#010x}", rec(R::Insn)),
    );
    fact("trap.caller_sees_emulated_return", ret);
    check("trap delivered once", rec(R::Count) == 1, rec(R::Count));
    check(
        "si_signo SIGSYS, si_code SYS_SECCOMP(1)",
        rec(R::Signo) == 31 && rec(R::Code) == 1,
        rec(R::Code),
    );
    check(
        "si_errno = SECCOMP_RET_DATA",
        rec(R::Errno) == 0x1234,
        rec(R::Errno),
    );
    check(
        "si_arch",
        rec(R::Arch) as u32 == AUDIT_ARCH,
        hex(rec(R::Arch)),
    );
    check(
        "si_syscall = number register",
        rec(R::Syscall) == NR_GETPGID && rec(R::Nr) == NR_GETPGID,
        rec(R::Nr),
    );
    check(
        "si_call_addr = pc = address after the instruction",
        call == after && rec(R::Pc) == call,
        hex(call),
    );
    check("arguments as passed", all, "");
    check(
        "instruction before si_call_addr",
        rec(R::Insn) as u32 == SYSCALL_INSN,
        hex(rec(R::Insn)),
    );
    check("emulated return value", ret == 4242, ret);

    // The frame.
    let (si, uc) = (rec(R::Si), rec(R::Uc));
    fact("frame.ucontext - siginfo", uc as isize - si as isize);
    fact(
        "frame.siginfo - sp_at_handler_entry",
        si as isize - rec(R::EntrySp) as isize,
    );
    let on_alt = (ss.as_ptr() as usize..ss.as_ptr() as usize + ss_size).contains(&rec(R::EntrySp));
    fact("frame.handler_on_alternate_stack", on_alt);
    let found_pc: Vec<usize> = [R::FoundPc, R::FoundPc1, R::FoundPc2, R::FoundPc3]
        .iter()
        .map(|r| rec(*r))
        .filter(|o| *o != usize::MAX)
        .collect();
    fact(
        "frame.ucontext offsets holding the pc value (pc, or a register that holds it too)",
        format!("{found_pc:?}"),
    );
    fact("frame.ucontext.pc offset (assumed)", PC);
    fact(
        &format!("frame.ucontext.{ARG0_REG} offset (found: arg1 - 8)"),
        rec(R::FoundA1) as isize - 8,
    );
    fact(
        &format!("frame.ucontext.{ARG0_REG} offset (assumed)"),
        arg(0),
    );
    fact(
        "frame.ucontext.uc_sigmask offset (found)",
        rec(R::FoundMask) as isize,
    );
    fact(
        "frame.ucontext.uc_stack.ss_sp offset (found)",
        rec(R::FoundSsSp) as isize,
    );
    fact(
        "frame.uc_stack",
        format!(
            "ss_sp={} ss_flags={} ss_size={}",
            if rec(R::SsSp) == ss.as_ptr() as usize {
                "altstack"
            } else {
                "other"
            },
            rec(R::SsFlags),
            rec(R::SsSize)
        ),
    );
    let (lm, lmc, la0, lpc) = libc_offsets();
    fact(
        "libc.ucontext_t",
        format!(
            "uc_sigmask={lm} uc_mcontext={lmc} {ARG0_REG}={la0} pc={lpc} size={}",
            core::mem::size_of::<libc::ucontext_t>()
        ),
    );
    fact(
        "frame.uc_sigmask_holds_interrupted_mask",
        rec(R::FrameMask) == mask,
    );
    fact("frame.mask_written_by_handler_restored", urg);
    check(
        "frame pc/args where assumed",
        found_pc.contains(&PC) && rec(R::FoundA1) == arg(1),
        format!("{found_pc:?}"),
    );
    check(
        "libc layout = kernel layout",
        lm == 40 && lmc == MCONTEXT && la0 == arg(0) && lpc == PC,
        "",
    );
    check(
        "uc_sigmask at 40 holds the interrupted mask",
        rec(R::FoundMask) == 40 && rec(R::FrameMask) == mask,
        hex(rec(R::FrameMask)),
    );
    check(
        "uc_stack at 16 is the alternate stack; handler ran on it",
        rec(R::FoundSsSp) == 16 && on_alt,
        "",
    );
    check(
        "mask written into the frame is restored by rt_sigreturn",
        urg,
        "",
    );
    describe_ra("trap", rec(R::Ra));
}

fn probe_restart() {
    trap_filter(NR_GETPGID, Some(MAGIC as u32), 0);
    assert_eq!(sigaction(libc::SIGSYS, M_RESTART, 0, 0), 0);
    reset();
    let (ret, _) = unsafe { syscall6(NR_GETPGID, [MAGIC, 0, 0, 0, 0, 0]) };
    let real = unsafe { libc::getpgid(0) } as isize;
    fact("restart.handler_entries", rec(R::Count));
    fact(
        "restart.result of getpgid after pc back 4 and arg0 set to 0",
        ret,
    );
    fact("restart.real getpgid(0)", real);
    check(
        "restart by pc -= 4 with a changed argument",
        ret == real && rec(R::Count) == 1,
        ret,
    );
}

fn probe_restorer() {
    let (v0, v1) = vdso_range();
    fact("vdso", format!("{:#x}-{:#x}", v0, v1));
    // With SA_RESTORER (arm64 defines it; riscv64 has no sa_restorer field).
    reset();
    let r = sigaction(
        libc::SIGUSR1,
        M_RECORD,
        SA_RESTORER,
        sigsys_probe_restorer as *const () as usize,
    );
    fact("restorer.rt_sigaction(SA_RESTORER)", r);
    if r == 0 {
        unsafe { libc::raise(libc::SIGUSR1) };
        describe_ra("restorer.with_SA_RESTORER", rec(R::Ra));
        let honoured = rec(R::Ra) == sigsys_probe_restorer as *const () as usize;
        fact("restorer.SA_RESTORER_honoured", honoured);
        #[cfg(target_arch = "aarch64")]
        check("arm64 honours SA_RESTORER", honoured, hex(rec(R::Ra)));
        #[cfg(target_arch = "riscv64")]
        check(
            "riscv64 returns through the vDSO even with SA_RESTORER",
            !honoured && (v0..v1).contains(&rec(R::Ra)),
            hex(rec(R::Ra)),
        );
    }
    let ra = return_address(0, 0);
    describe_ra("restorer.without_SA_RESTORER", ra);
    check(
        "without SA_RESTORER the handler returns into the vDSO",
        (v0..v1).contains(&ra),
        hex(ra),
    );
    // Its instructions: the number load, then the syscall instruction; a filter sees the
    // address after it as seccomp_data.instruction_pointer.
    let w1 = unsafe { (ra as *const u32).add(1).read_volatile() };
    check(
        "vDSO sigreturn is <load 139 into the number register>; <syscall insn>",
        w1 == SYSCALL_INSN,
        format!("{w1:#x}"),
    );
}

/// Trap-all filters in a grandchild: only exit, exit_group and (per `sigreturn`) rt_sigreturn
/// are allowed. Returns how the grandchild ended.
fn trap_all(sigreturn: &str, ip: usize, restorer: usize) -> String {
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let flags = if restorer != 0 { SA_RESTORER } else { 0 };
        assert_eq!(sigaction(libc::SIGSYS, M_EMULATE, flags, restorer), 0);
        // 0 ld nr; 1-2 exit_group/exit -> allow; 3-5 rt_sigreturn per mode; 6 trap; 7 allow.
        let mut p = vec![
            Ins(LD_ABS, 0, 0, 0),
            Ins(JEQ, 5, 0, NR_EXIT_GROUP as u32),
            Ins(JEQ, 4, 0, NR_EXIT as u32),
        ];
        match sigreturn {
            "any" => p.extend([
                Ins(JEQ, 3, 2, NR_RT_SIGRETURN as u32),
                Ins(RET, 0, 0, 0),
                Ins(RET, 0, 0, 0),
            ]),
            "at_ip" => p.extend([
                Ins(JEQ, 0, 2, NR_RT_SIGRETURN as u32),
                Ins(LD_ABS, 0, 0, 8), // seccomp_data.instruction_pointer, low 32 bits
                Ins(JEQ, 1, 0, ip as u32),
            ]),
            _ => p.extend([
                Ins(RET, 0, 0, SECCOMP_RET_TRAP),
                Ins(RET, 0, 0, 0),
                Ins(RET, 0, 0, 0),
            ]),
        }
        p.push(Ins(RET, 0, 0, SECCOMP_RET_TRAP));
        p.push(Ins(RET, 0, 0, SECCOMP_RET_ALLOW));
        install(&p);
        let (ret, _) = unsafe { syscall6(NR_GETPPID, [0; 6]) };
        unsafe {
            syscall6(
                NR_EXIT_GROUP,
                [if ret == 4242 { 42 } else { 43 }, 0, 0, 0, 0, 0],
            )
        };
        unreachable!();
    }
    let mut st = 0;
    unsafe { libc::waitpid(pid, &mut st, 0) };
    if libc::WIFEXITED(st) {
        match libc::WEXITSTATUS(st) {
            42 => "handler returned, emulated value seen".into(),
            c => format!("exit {c}"),
        }
    } else {
        format!("killed by signal {}", libc::WTERMSIG(st))
    }
}

fn probe_trap_all() {
    let ra = return_address(0, 0);
    let ip = ra + 8; // after `<load 139>; <svc|ecall>`
    let (v0, _) = vdso_range();
    fact(
        "trap_all.sigreturn seccomp_data.instruction_pointer",
        format!("vdso+{:#x}", ip - v0),
    );
    let any = trap_all("any", ip, 0);
    let at_ip = trap_all("at_ip", ip, 0);
    let none = trap_all("none", ip, 0);
    fact("trap_all.allow rt_sigreturn (any ip)", &any);
    fact("trap_all.allow rt_sigreturn only at the vDSO's ip", &at_ip);
    fact("trap_all.rt_sigreturn trapped too", &none);
    check(
        "trap-all filter works when it allows rt_sigreturn at the vDSO",
        at_ip.starts_with("handler returned"),
        &at_ip,
    );
    check(
        "trap-all filter that traps rt_sigreturn kills (SIGSYS)",
        none == "killed by signal 31",
        &none,
    );
    #[cfg(target_arch = "aarch64")]
    {
        let r = sigsys_probe_restorer as *const () as usize;
        let without = trap_all("at_ip", r + 8, 0);
        let with = trap_all("at_ip", r + 8, r);
        fact(
            "trap_all.allow rt_sigreturn only at our restorer's ip, handler without SA_RESTORER",
            &without,
        );
        fact(
            "trap_all.allow rt_sigreturn only at our restorer's ip, handler with SA_RESTORER",
            &with,
        );
        check(
            "arm64: a trap-all filter allowing rt_sigreturn only at the own SA_RESTORER works",
            with.starts_with("handler returned") && without == "killed by signal 31",
            format!("{with} / {without}"),
        );
    }
}

fn probe_sud() {
    let ra = return_address(0, 0);
    let ip = ra + 8;
    SELECTOR.store(0, SeqCst);
    let r = unsafe {
        libc::prctl(
            PR_SET_SYSCALL_USER_DISPATCH,
            1,
            ip,
            1usize,
            SELECTOR.as_ptr(),
        )
    };
    let err = std::io::Error::last_os_error();
    fact(
        "sud.prctl(PR_SET_SYSCALL_USER_DISPATCH, ON)",
        if r == 0 {
            "0".to_string()
        } else {
            format!("{} ({err})", err.raw_os_error().unwrap_or(0))
        },
    );
    if r != 0 {
        #[cfg(target_arch = "riscv64")]
        check("SUD available", false, err);
        #[cfg(target_arch = "aarch64")]
        check(
            "SUD answers EINVAL",
            err.raw_os_error() == Some(libc::EINVAL),
            err,
        );
        return;
    }
    assert_eq!(sigaction(libc::SIGSYS, M_SUD, 0, 0), 0);
    EXPECT_PC.store(usize::MAX, SeqCst);
    reset();
    SELECTOR.store(1, SeqCst); // BLOCK: from here no system call until it is ALLOW again
    let (ret, after) = unsafe { syscall6(NR_GETPPID, [7, 0, 0, 0, 0, 0]) };
    SELECTOR.store(0, SeqCst);
    let (code, errno, call, nr, arch, pc, a0) = (
        rec(R::Code),
        rec(R::Errno),
        rec(R::CallAddr),
        rec(R::Syscall),
        rec(R::Arch),
        rec(R::Pc),
        rec(R::A0),
    );
    fact("sud.si_code", code);
    fact("sud.si_errno", errno);
    fact("sud.si_arch", hex(arch));
    fact("sud.si_syscall", nr);
    fact(
        "sud.si_call_addr - address_after_insn",
        call as isize - after as isize,
    );
    fact("sud.pc - si_call_addr", pc as isize - call as isize);
    fact(&format!("sud.{ARG0_REG}_is_original_arg0"), a0 == 7);
    fact("sud.caller_sees_emulated_return", ret);
    fact(
        "sud.return through the vDSO exempt by the allowed region [vdso ip, +1)",
        rec(R::Count) == 1,
    );
    check(
        "SUD: si_code SYS_USER_DISPATCH(2), emulated",
        code == 2 && ret == 4343 && nr == NR_GETPPID && call == after,
        ret,
    );
    reset();
    SELECTOR.store(1, SeqCst);
    let (ret, _) = unsafe { syscall6(NR_GETPPID, [MAGIC, 0, 0, 0, 0, 0]) };
    SELECTOR.store(0, SeqCst);
    let real = unsafe { libc::getppid() } as isize;
    fact(
        "sud.restart (selector ALLOW, pc back 4, arg0 set to 0): result",
        format!("{ret}, real getppid {real}"),
    );
    check("SUD restart", ret == real && rec(R::Count) == 1, ret);
    unsafe { libc::prctl(PR_SET_SYSCALL_USER_DISPATCH, 0, 0, 0, 0) };
}

fn probe_kernel_restart() {
    for filtered in [false, true] {
        if filtered {
            trap_filter(NR_GETPGID, Some(MAGIC as u32), 0);
        }
        for restart in [true, false] {
            let mut fds = [0; 2];
            unsafe { libc::pipe(fds.as_mut_ptr()) };
            let (rfd, wfd) = (fds[0], fds[1]);
            assert_eq!(
                sigaction(
                    libc::SIGUSR1,
                    M_RECORD,
                    if restart { SA_RESTART } else { 0 },
                    0
                ),
                0
            );
            let pid = unsafe { libc::getpid() };
            let tid = unsafe { libc::syscall(libc::SYS_gettid) } as i32;
            let (_, site) = unsafe { syscall6(NR_GETPPID, [0; 6]) }; // learn the site
            EXPECT_PC.store(site, SeqCst);
            reset();
            let t = std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(150));
                unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, libc::SIGUSR1) };
                std::thread::sleep(std::time::Duration::from_millis(150));
                unsafe { libc::write(wfd, b"x".as_ptr().cast(), 1) };
            });
            let mut b = [0u8; 1];
            let (ret, after) =
                unsafe { syscall6(NR_READ, [rfd as usize, b.as_mut_ptr() as usize, 1, 0, 0, 0]) };
            t.join().unwrap();
            let name = format!(
                "kernel_restart.{}.{}",
                if filtered {
                    "with_trap_filter"
                } else {
                    "no_filter"
                },
                if restart {
                    "SA_RESTART"
                } else {
                    "no_SA_RESTART"
                }
            );
            let pc = rec(R::Pc);
            let pcs = if pc == after {
                "after insn".to_string()
            } else if pc + 4 == after {
                "on insn (after - 4)".into()
            } else {
                hex(pc)
            };
            let a0 = rec(R::A0) as isize;
            let a0s = if a0 == rfd as isize {
                "original arg0 (fd)".to_string()
            } else {
                a0.to_string()
            };
            fact(
                &name,
                format!(
                    "{ARG0_REG}={a0s} pc={pcs} {NR_REG}={} read returns {ret}",
                    rec(R::Nr)
                ),
            );
            if restart {
                check(
                    &format!("{name}: handler sees arg0 and pc on the insn; read restarted"),
                    a0 == rfd as isize && pc + 4 == after && ret == 1,
                    &name,
                );
            } else {
                check(
                    &format!("{name}: handler sees -EINTR and pc after; read -EINTR"),
                    a0 == -4 && pc == after && ret == -4,
                    &name,
                );
            }
            unsafe {
                libc::close(rfd);
                libc::close(wfd);
            }
        }
    }
}

/// A trapped call whose first argument is one of the kernel's -ERESTART* codes: at signal
/// delivery the kernel sees it in x0/a0 (the rolled-back argument) as a return value.
fn probe_collide() {
    trap_filter(NR_GETPGID, None, 0x77);
    for v in [-512isize, -513, -514, -516, 5] {
        for restart in [true, false] {
            assert_eq!(
                sigaction(
                    libc::SIGSYS,
                    M_COLLIDE,
                    if restart { SA_RESTART } else { 0 },
                    0
                ),
                0
            );
            reset();
            let (ret, after) = unsafe { syscall6(NR_GETPGID, [v as usize, 0, 0, 0, 0, 0]) };
            let pc = rec(R::Pc);
            let pcs = if pc == after {
                "si_call_addr".to_string()
            } else if pc + 4 == after {
                "si_call_addr-4".into()
            } else {
                hex(pc)
            };
            let a0 = rec(R::A0) as isize;
            let nr = rec(R::Nr);
            let nrs = if nr == NR_RESTART_SYSCALL {
                "restart_syscall(128)".to_string()
            } else {
                nr.to_string()
            };
            fact(
                &format!(
                    "collide.arg0={v}.{}",
                    if restart {
                        "SA_RESTART"
                    } else {
                        "no_SA_RESTART"
                    }
                ),
                format!(
                    "{ARG0_REG}={a0} pc={pcs} {NR_REG}={nrs} si_syscall={} caller_gets={ret}",
                    rec(R::Syscall)
                ),
            );
            if v == 5 {
                check(
                    "collide control: arg0 5 untouched",
                    a0 == 5 && pc == after,
                    a0,
                );
            }
        }
    }
}

/// Cost of a trapped and emulated call vs a plain one (TCG: the VM's times, not hardware's).
fn probe_timing() {
    trap_filter(NR_GETPGID, Some(MAGIC as u32), 0);
    assert_eq!(sigaction(libc::SIGSYS, M_EMULATE, 0, 0), 0);
    let n = 2000;
    let t = std::time::Instant::now();
    for _ in 0..n {
        unsafe { syscall6(NR_GETPPID, [0; 6]) };
    }
    let plain = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = std::time::Instant::now();
    for _ in 0..n {
        unsafe { syscall6(NR_GETPGID, [MAGIC, 0, 0, 0, 0, 0]) };
    }
    let trapped = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    fact("timing.plain getppid (us)", format!("{plain:.2}"));
    fact(
        "timing.trapped+emulated getpgid round trip (us)",
        format!("{trapped:.2}"),
    );
}

// ---------------------------------------------------------------- driver

type Probe = (&'static str, fn());
const PROBES: &[Probe] = &[
    ("trap", probe_trap),
    ("restart", probe_restart),
    ("restorer", probe_restorer),
    ("trap_all", probe_trap_all),
    ("sud", probe_sud),
    ("kernel_restart", probe_kernel_restart),
    ("collide", probe_collide),
    ("timing", probe_timing),
];

/// Runs a probe in a forked child; true if it ran to the end with every check ok.
fn run(name: &str, f: fn()) -> bool {
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let ok = std::panic::catch_unwind(f).is_ok();
        unsafe { libc::_exit(if ok && !FAILED.load(SeqCst) { 0 } else { 1 }) };
    }
    let mut st = 0;
    unsafe { libc::waitpid(pid, &mut st, 0) };
    let ok = libc::WIFEXITED(st) && libc::WEXITSTATUS(st) == 0;
    let how = if libc::WIFSIGNALED(st) {
        format!(" (killed by signal {})", libc::WTERMSIG(st))
    } else {
        String::new()
    };
    out(&format!(
        "PROBE {name}: {}{how}\n",
        if ok { "ok" } else { "FAIL" }
    ));
    ok
}

fn header() {
    let mut u: libc::utsname = unsafe { core::mem::zeroed() };
    unsafe { libc::uname(&mut u) };
    let s = |f: &[libc::c_char]| {
        unsafe { std::ffi::CStr::from_ptr(f.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    };
    fact("arch", NAME);
    fact("kernel", format!("{} {}", s(&u.release), s(&u.version)));
    fact("machine", s(&u.machine));
}

fn main() {
    let want: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    header();
    let (mut pass, mut fail) = (0, 0);
    for (name, f) in PROBES {
        if !want.is_empty() && !want.iter().any(|w| w == name) {
            continue;
        }
        if run(name, *f) {
            pass += 1;
        } else {
            fail += 1;
        }
    }
    println!("{pass} passed, {fail} failed");
    std::process::exit(if fail == 0 { 0 } else { 1 });
}

#[cfg(test)]
mod tests {
    use super::*;
    macro_rules! t {
        ($($n:ident),*) => {$(
            #[test]
            fn $n() {
                header();
                assert!(run(stringify!($n), PROBES.iter().find(|p| p.0 == stringify!($n)).unwrap().1));
            }
        )*};
    }
    t!(
        trap,
        restart,
        restorer,
        trap_all,
        sud,
        kernel_restart,
        collide,
        timing
    );
}
