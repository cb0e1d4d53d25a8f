//! The filter pieces (`sigsys::filter`) run by the crate's classic-BPF interpreter
//! (`sigsys::bpf::evaluate`, itself checked against the kernel in `tests/bpf_kernel.rs`):
//! the narrowed gate prefix and `Program`'s computed jumps, on every architecture.

use libc::{sock_filter, BPF_JEQ, BPF_JMP, BPF_K};
use sigsys::bpf::{evaluate, SeccompData};
use sigsys::filter::errno;
use sigsys::filter::{
    gate_prefix_allowing, jump, load_nr, ret, Program, FOREIGN_NR, GATE_PREFIX_LEN,
};
use syscalls::{Errno, Sysno as S};

/// What `prog` answers for a call of number `nr` of `arch` from `ip` with `args`.
fn run_with(prog: &[sock_filter], arch: u32, nr: u32, ip: u64, args: [u64; 6]) -> u32 {
    let data = SeccompData::new(nr as i32, arch, ip, args);
    evaluate(prog, &data).expect("a program the kernel runs")
}

/// [`run_with`] for a native call with no arguments.
fn run(prog: &[sock_filter], nr: u32, ip: u64) -> u32 {
    run_with(prog, sigsys::Abi::NATIVE.audit_arch(), nr, ip, [0; 6])
}

#[test]
fn gate_prefix_allowing_lets_through_only_the_listed_calls_from_the_gate() {
    let gate = sigsys::gate::range();
    let deny = libc::SECCOMP_RET_ERRNO | 1;
    for n in [0usize, 1, 3, 240] {
        let allowed: Vec<u32> = (0..n as u32).map(|i| 1000 + i).collect();
        let mut buf = vec![ret(0); n + 8];
        let mut prog = gate_prefix_allowing(&allowed, deny, &mut buf)
            .unwrap()
            .to_vec();
        prog.push(ret(libc::SECCOMP_RET_TRAP));
        for &nr in &allowed {
            assert_eq!(run(&prog, nr, gate.start + 1), libc::SECCOMP_RET_ALLOW);
            assert_eq!(run(&prog, nr, gate.end + 4096), libc::SECCOMP_RET_TRAP);
        }
        assert_eq!(run(&prog, 39, gate.start), deny);
        assert_eq!(run(&prog, 39, gate.start - 1), libc::SECCOMP_RET_TRAP);
        assert_eq!(
            run(&prog, 39, gate.start ^ (1 << 40)),
            libc::SECCOMP_RET_TRAP
        );
    }
    assert!(gate_prefix_allowing(&[0; 241], deny, &mut [ret(0); 300]).is_none());
    assert!(gate_prefix_allowing(&[1, 2], deny, &mut [ret(0); 9]).is_none());
}

#[test]
fn program_pieces_compute_their_jumps() {
    let native = sigsys::Abi::NATIVE.audit_arch();
    let eperm = errno(Errno::EPERM);
    let far = sigsys::gate::range().end + (1 << 20);
    // A deny list over more numbers than one jump can span.
    let many: Vec<S> = S::iter().take(300).collect();
    let mut prog = Program::<400>::new();
    prog.check_arch(libc::SECCOMP_RET_KILL_PROCESS)
        .on_any(&[S::socket, S::connect], eperm)
        .on(S::getppid, libc::SECCOMP_RET_TRAP | 7)
        .allow_tagged(S::write, 3, 0x5157)
        .on(S::write, libc::SECCOMP_RET_TRAP)
        .ret(libc::SECCOMP_RET_ALLOW);
    let p = prog.as_slice().unwrap();
    let nr = |s: S| s.id() as u32;
    assert_eq!(run(p, nr(S::socket), far), eperm);
    assert_eq!(run(p, nr(S::connect), far), eperm);
    assert_eq!(run(p, nr(S::getppid), far), libc::SECCOMP_RET_TRAP | 7);
    assert_eq!(run(p, nr(S::read), far), libc::SECCOMP_RET_ALLOW);
    assert_eq!(run(p, nr(S::write), far), libc::SECCOMP_RET_TRAP);
    let tagged = [1, 0, 0, 0x5157, 0, 0];
    assert_eq!(
        run_with(p, native, nr(S::write), far, tagged),
        libc::SECCOMP_RET_ALLOW
    );
    // x32 numbers and foreign ABIs get the arch check's action.
    let kill = libc::SECCOMP_RET_KILL_PROCESS;
    assert_eq!(run(p, FOREIGN_NR | nr(S::socket), far), kill);
    assert_eq!(run_with(p, native ^ 1, nr(S::read), far, [0; 6]), kill);

    let mut big = Program::<400>::new();
    big.check_arch(kill)
        .on_any(&many, eperm)
        .ret(libc::SECCOMP_RET_ALLOW);
    let p = big.as_slice().unwrap();
    for s in &many {
        assert_eq!(run(p, nr(*s), far), eperm, "{s}");
    }
    assert_eq!(run(p, 5000, far), libc::SECCOMP_RET_ALLOW);

    // Too small: refused whole, never cut.
    let mut small = Program::<4>::new();
    small.check_arch(kill).ret(libc::SECCOMP_RET_ALLOW);
    assert_eq!(small.as_slice().err(), Some(Errno::ENOMEM));
    assert_eq!(Program::<4>::new().as_slice().err(), Some(Errno::EINVAL));
}

#[test]
fn program_gate_then_a_foreign_program() {
    let gate = sigsys::gate::range();
    // Their program: trap getppid, allow the rest (it starts with its own load).
    let theirs = [
        load_nr(),
        jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_getppid as u32, 0, 1),
        ret(libc::SECCOMP_RET_TRAP),
        ret(libc::SECCOMP_RET_ALLOW),
    ];
    let mut prog = Program::<32>::new();
    prog.allow_gate().then(&theirs);
    let p = prog.as_slice().unwrap();
    // The gate's rule, A and X zeroed, theirs.
    assert_eq!(p.len(), GATE_PREFIX_LEN + 2 + theirs.len());
    let getppid = libc::SYS_getppid as u32;
    assert_eq!(run(p, getppid, gate.start), libc::SECCOMP_RET_ALLOW);
    assert_eq!(run(p, getppid, gate.end + 4096), libc::SECCOMP_RET_TRAP);
    assert_eq!(run(p, 0, gate.end + 4096), libc::SECCOMP_RET_ALLOW);
}
