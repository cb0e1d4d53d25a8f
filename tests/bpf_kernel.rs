//! `sigsys::bpf` against the kernel: random seccomp programs are installed for real, one
//! on top of the other, and after each the kernel's decision for random calls (what the
//! call returns) must be what `bpf::evaluate` and `bpf::stacked` predict.

// The calls and the architecture the programs decide about are x86_64's.
#![cfg(target_arch = "x86_64")]

mod common;

use libc::sock_filter;
use sigsys::bpf::{evaluate, stacked, SeccompData};
use sigsys::filter::{jump, ret, stmt};

/// The calls the programs decide about: they ignore their arguments and cannot fail.
const CALLS: [u32; 4] = [39, 102, 104, 110]; // getpid, getuid, getgid, getppid
const VALUES: [u64; 8] = [
    0,
    1,
    2,
    7,
    0xffff_ffff,
    0x1_0000_0000,
    0x7fff_0000_1234_0000,
    0xdead_beef,
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn action(rng: &mut Rng) -> u32 {
    match rng.below(9) {
        0..=3 => libc::SECCOMP_RET_ALLOW,
        4 => libc::SECCOMP_RET_LOG,
        5 => libc::SECCOMP_RET_TRACE | rng.below(100) as u32,
        _ => libc::SECCOMP_RET_ERRNO | (1 + rng.below(300) as u32),
    }
}

/// A program: a guard (other calls are allowed, so the test harness keeps working), then
/// blocks of load, an optional ALU or memory step, and a conditional jump, each branch to
/// the next block or to one of the returns at the end.
fn program(rng: &mut Rng) -> Vec<sock_filter> {
    use libc::*;
    let blocks = 1 + rng.below(8) as usize;
    let rets: Vec<u32> = (0..1 + rng.below(4)).map(|_| action(rng)).collect();
    // Symbolic: (insn, jt target, jf target), targets Next (the next block) or Ret(i).
    #[derive(Clone, Copy)]
    enum T {
        Next,
        Ret(usize),
        Allow,
    }
    let mut body: Vec<(sock_filter, Option<(T, T)>)> = Vec::new();
    // Guard: nr in CALLS, else ALLOW (jump to the last instruction, an ALLOW).
    body.push((stmt(BPF_LD | BPF_W | BPF_ABS, 0), None));
    for (i, &nr) in CALLS.iter().enumerate() {
        let last = i == CALLS.len() - 1;
        let jf = if last { T::Allow } else { T::Next };
        body.push((
            jump(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 0),
            Some((T::Next, jf)),
        ));
        if !last {
            // The jt target is the block after the guard: fixed below.
        }
    }
    let guard_end = body.len();
    let mut block_starts = Vec::new();
    for _ in 0..blocks {
        block_starts.push(body.len());
        // nr, arch, args low/high (not the instruction pointer, which only the kernel
        // knows here).
        let k = rng.pick(&[0, 4, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60]);
        body.push((stmt(BPF_LD | BPF_W | BPF_ABS, k), None));
        match rng.below(7) {
            0 => body.push((stmt(BPF_ALU | BPF_AND | BPF_K, rng.next() as u32), None)),
            // The kernel refuses constant shifts of 32 or more.
            1 => body.push((stmt(BPF_ALU | BPF_RSH | BPF_K, rng.below(32) as u32), None)),
            2 => body.push((stmt(BPF_ALU | BPF_ADD | BPF_K, rng.below(3) as u32), None)),
            // A shift by X: the kernel takes X's low five bits.
            4 => {
                body.push((stmt(BPF_LDX | BPF_IMM, rng.below(64) as u32), None));
                body.push((stmt(BPF_ALU | BPF_LSH | BPF_X, 0), None));
            }
            3 => {
                // The kernel refuses a load from a slot not stored on every path to it.
                let slot = rng.below(16) as u32;
                body.push((stmt(BPF_ST, slot), None));
                body.push((stmt(BPF_LD | BPF_IMM, rng.below(4) as u32), None));
                body.push((stmt(BPF_MISC | BPF_TAX, 0), None));
                body.push((stmt(BPF_LD | BPF_MEM, slot), None));
                body.push((stmt(BPF_ALU | BPF_SUB | BPF_X, 0), None));
            }
            _ => {}
        }
        let v = rng.pick(&VALUES);
        let c = if rng.below(2) == 0 {
            v as u32
        } else {
            (v >> 32) as u32
        };
        let c = match rng.below(4) {
            0 => rng.pick(&CALLS),
            _ => c,
        };
        let op = rng.pick(&[BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET]);
        let target = |rng: &mut Rng| {
            if rng.below(3) == 0 {
                T::Next
            } else {
                T::Ret(rng.below(rets.len() as u64) as usize)
            }
        };
        let (jt, jf) = (target(rng), target(rng));
        body.push((jump(BPF_JMP | op | BPF_K, c, 0, 0), Some((jt, jf))));
    }
    let rets_at = body.len() + 1; // after the final fall-through return
    let fallthrough = action(rng);
    let allow_at = rets_at + rets.len();
    let mut prog: Vec<sock_filter> = Vec::new();
    for (pc, (insn, targets)) in body.iter().enumerate() {
        let mut insn = *insn;
        if let Some((jt, jf)) = targets {
            let resolve = |t: T, pc: usize| -> u8 {
                let to = match t {
                    T::Next if pc < guard_end => guard_end,
                    T::Next => block_starts
                        .iter()
                        .copied()
                        .find(|&s| s > pc)
                        .unwrap_or(body.len()),
                    T::Ret(i) => rets_at + i,
                    T::Allow => allow_at,
                };
                (to - pc - 1) as u8
            };
            // In the guard a match goes to the blocks and a miss to the next comparison.
            if pc < guard_end {
                insn.jt = resolve(T::Next, pc);
                insn.jf = match jf {
                    T::Allow => resolve(T::Allow, pc),
                    _ => 0,
                };
            } else {
                insn.jt = resolve(*jt, pc);
                insn.jf = resolve(*jf, pc);
            }
        }
        prog.push(insn);
    }
    prog.push(ret(fallthrough));
    prog.extend(rets.iter().map(|&r| ret(r)));
    prog.push(ret(libc::SECCOMP_RET_ALLOW));
    assert!(prog.len() < 250);
    prog
}

/// What a call returns under the predicted action.
fn expected(action: u32, allowed: i64) -> i64 {
    match action & libc::SECCOMP_RET_ACTION_FULL {
        libc::SECCOMP_RET_ALLOW | libc::SECCOMP_RET_LOG => allowed,
        libc::SECCOMP_RET_ERRNO => -i64::from((action & 0xffff).min(4095)),
        libc::SECCOMP_RET_TRACE => -i64::from(libc::ENOSYS), // no tracer
        a => panic!("unexpected action {a:#x}"),
    }
}

/// Programs the kernel refuses at install are refused by `bpf::check` too.
fn refused_as_the_kernel_refuses() {
    use libc::*;
    let programs: Vec<Vec<sock_filter>> = vec![
        vec![stmt(BPF_ALU | BPF_MOD | BPF_K, 3), ret(0)],
        vec![stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ret(0)],
        vec![stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ret(0)],
        vec![stmt(BPF_LD | BPF_W | BPF_ABS, 2), ret(0)],
        vec![stmt(BPF_LD | BPF_W | BPF_ABS, 64), ret(0)],
        vec![stmt(BPF_LD | BPF_B | BPF_ABS, 0), ret(0)],
        vec![jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0), ret(0)],
        vec![ret(0), stmt(BPF_LD | BPF_IMM, 0)],
        vec![stmt(BPF_ST, 16), ret(0)],
    ];
    for prog in &programs {
        let fprog = libc::sock_fprog {
            len: prog.len() as u16,
            filter: prog.as_ptr() as *mut sock_filter,
        };
        // SAFETY: a program of the length given, alive for the call.
        let r = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0,
                &fprog as *const libc::sock_fprog,
            )
        };
        assert_eq!(r, -1, "the kernel took {prog:?}");
        assert!(sigsys::bpf::check(prog).is_err(), "check took {prog:?}");
    }
}

fn random_filters_stack_as_predicted() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let real: Vec<i64> = CALLS
        .iter()
        .map(|&nr| common::syscall6(u64::from(nr), [0; 6]))
        .collect();
    // SAFETY: prctl with constant arguments.
    assert_eq!(
        unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) },
        0
    );
    refused_as_the_kernel_refuses();
    let mut installed: Vec<Vec<sock_filter>> = Vec::new();
    let mut checked = 0;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..60 {
        let prog = program(&mut rng);
        let fprog = libc::sock_fprog {
            len: prog.len() as u16,
            filter: prog.as_ptr() as *mut sock_filter,
        };
        // SAFETY: a valid program for the length given, alive for the call.
        let r = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0,
                &fprog as *const libc::sock_fprog,
            )
        };
        assert_eq!(r, 0, "install: {}", std::io::Error::last_os_error());
        installed.push(prog);
        for _ in 0..40 {
            let i = rng.below(CALLS.len() as u64) as usize;
            let nr = CALLS[i];
            let args = [0; 6].map(|_: u64| rng.pick(&VALUES));
            let got = common::syscall6(u64::from(nr), args);
            // The instruction pointer the kernel saw: after the `syscall` in syscall6, which
            // the programs here never compare.
            let data = SeccompData::new(nr as i32, sigsys::consts::AUDIT_ARCH_X86_64, 0, args);
            let action = stacked(
                installed
                    .iter()
                    .rev()
                    .map(|p| evaluate(p, &data).expect("a valid program")),
            );
            assert_eq!(
                got,
                expected(action, real[i]),
                "call {nr} {args:x?} under {} filters: predicted {action:#x}",
                installed.len()
            );
            checked += 1;
            seen.insert(action & libc::SECCOMP_RET_ACTION_FULL);
        }
    }
    // Several kinds of action won, not only one (ALLOW and LOG grow rare as filters
    // stack up: any ERRNO or TRACE beats them).
    assert!(seen.len() >= 2, "{seen:x?}");
    println!("{checked} calls decided as predicted");
}

#[test]
fn kernel_decides_as_evaluate_and_stacked_predict() {
    let out = common::run_in_child(
        "kernel_decides_as_evaluate_and_stacked_predict",
        random_filters_stack_as_predicted,
    );
    assert!(out.contains("2400 calls decided as predicted"), "{out}");
}
