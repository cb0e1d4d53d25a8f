//! Decoding, emulation and restart on test-kit frames (`sigsys::testing`): every typed
//! error, every register the crate may write, and nothing else; and each state the kernel
//! never produces, forged and refused. (Real traps are in `kernel.rs`.)

// x86_64 only for now: written against the x86_64, i386 and x32 tables and frames
// (aarch64 and riscv64: the unit tests of src/arch/asm_generic and the real-kernel tests).
#![cfg(target_arch = "x86_64")]

use sigsys::consts::{AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, VSYSCALL_START};
use sigsys::frame::Sigcontext;
use sigsys::testing::{Frame, Outcome};
use sigsys::{Abi, Cause, DecodeError, PassError, RestartError, Site, Syscall, Trap};
use syscalls::x86_64::Sysno;
use syscalls::Errno;

/// Every register with a distinct value, so a write to any of them shows.
fn painted(frame: Frame) -> Frame {
    let mut frame = frame;
    let r = &mut frame.ucontext_mut().mcontext;
    for (i, reg) in [
        &mut r.r11,
        &mut r.r12,
        &mut r.r13,
        &mut r.r14,
        &mut r.r15,
        &mut r.rcx,
        &mut r.rsp,
        &mut r.eflags,
    ]
    .into_iter()
    .enumerate()
    {
        *reg = 0x1000 + i as u64;
    }
    frame
}

const ARGS: [u64; 6] = [11, 22, 33, 44, 55, 66];

#[test]
fn decodes_x86_64_arguments_from_their_registers() {
    let mut frame = Frame::seccomp_data(Syscall::x86_64(Sysno::openat, ARGS), 7);
    let r = frame.ucontext().mcontext;
    assert_eq!([r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9], ARGS);
    let t = frame.trap().unwrap();
    assert_eq!(t.syscall().abi, Abi::X86_64);
    assert_eq!(t.syscall().name(), Some("openat"));
    assert_eq!(t.syscall().args, ARGS);
    assert_eq!(t.cause(), Cause::Seccomp { ret_data: 7 });
    assert_eq!(t.site(), Site::Instruction);
    assert!(!t.is_live());
}

#[test]
fn decodes_i386_arguments_as_low_halves() {
    let mut frame = Frame::sud(Syscall::new(Abi::I386, 5, ARGS));
    frame.ucontext_mut().mcontext.rbx = 0x7777_0000_0000_0001;
    let r = frame.ucontext().mcontext;
    assert_eq!([r.rcx, r.rdx, r.rsi, r.rdi, r.rbp], [22, 33, 44, 55, 66]);
    let t = frame.trap().unwrap();
    let call = t.syscall();
    assert_eq!((call.abi, call.name()), (Abi::I386, Some("open")));
    assert_eq!(call.args, [1, 22, 33, 44, 55, 66]);
    assert_eq!(t.cause(), Cause::UserDispatch);
}

fn getpid() -> Syscall {
    Syscall::x86_64(Sysno::getpid, [0; 6])
}

#[test]
fn each_forgery_is_its_own_error() {
    let e = |mut f: Frame| f.trap().unwrap_err();
    assert_eq!(
        e(Frame::sud(getpid()).with_signo(11)),
        DecodeError::NotSigsys { signo: 11 }
    );
    assert_eq!(
        e(Frame::sud(getpid()).with_code(-6)),
        DecodeError::SentByProcess { code: -6 }
    );
    assert_eq!(
        e(Frame::sud(getpid()).with_code(3)),
        DecodeError::UnknownCode { code: 3 }
    );
    assert_eq!(
        e(Frame::sud(getpid()).with_arch(0xC000_00B7)),
        DecodeError::UnknownArch { arch: 0xC000_00B7 }
    );
    assert_eq!(
        e(Frame::sud(getpid()).with_rax(40)),
        DecodeError::NumberMismatch {
            si_syscall: 39,
            rax: 40
        }
    );
    let f = Frame::sud(getpid()).with_ip(8);
    assert!(matches!(e(f), DecodeError::IpMismatch { rip: 8, .. }));
    // High bits of RAX are ignored by the kernel, and so here.
    assert!(Frame::sud(getpid())
        .with_rax(0xffff_0000_0000_0027)
        .trap()
        .is_ok());
    // Null pointers through the raw entry.
    let mut frame = Frame::sud(getpid());
    let (info, ctx) = frame.parts();
    // SAFETY: one pointer is null, the other valid; nothing acts on the result.
    let null = unsafe { Trap::from_raw(&info, std::ptr::null_mut()) }.unwrap_err();
    assert_eq!(null, DecodeError::NullContext);
    // SAFETY: as above.
    let null = unsafe { Trap::from_raw(std::ptr::null(), (ctx as *mut sigsys::Ucontext).cast()) }
        .unwrap_err();
    assert_eq!(null, DecodeError::NullSiginfo);
}

/// Issue 16, point 7: states the kernel never produces are refused, each with its error.
#[test]
fn impossible_kernel_states_are_refused() {
    let e = |mut f: Frame| f.trap().unwrap_err();
    // si_errno: 16 bits of SECCOMP_RET_DATA, and 0 under SUD.
    assert_eq!(
        e(Frame::seccomp(getpid()).with_errno(0x1_0000)),
        DecodeError::UnexpectedErrno {
            code: 1,
            errno: 0x1_0000
        }
    );
    assert_eq!(
        e(Frame::sud(getpid()).with_errno(5)),
        DecodeError::UnexpectedErrno { code: 2, errno: 5 }
    );
    assert!(Frame::seccomp(getpid()).with_errno(0xffff).trap().is_ok());
    // vsyscall: seccomp only, the three entries with their own numbers.
    let time = Syscall::x86_64(Sysno::time, [0; 6]);
    assert!(Frame::vsyscall(time, 0x40_1000).unwrap().trap().is_ok());
    let sud_vsyscall = Frame::sud(time)
        .with_call_addr(VSYSCALL_START + 0x400)
        .with_ip(0x40_1000);
    assert_eq!(
        e(sud_vsyscall),
        DecodeError::BadVsyscall {
            call_addr: VSYSCALL_START + 0x400,
            si_syscall: 201
        }
    );
    let wrong_entry = Frame::seccomp(time).with_call_addr(VSYSCALL_START + 9);
    assert!(matches!(e(wrong_entry), DecodeError::BadVsyscall { .. }));
    let any_number = Frame::seccomp(Syscall::x86_64(Sysno::openat, [0; 6]))
        .with_call_addr(VSYSCALL_START)
        .with_ip(0x40_1000);
    assert!(matches!(e(any_number), DecodeError::BadVsyscall { .. }));
    let i386 = Frame::seccomp(Syscall::new(Abi::I386, 96, [0; 6])).with_call_addr(VSYSCALL_START);
    assert!(matches!(e(i386), DecodeError::BadVsyscall { .. }));
    // Restart codes, as `handle_signal` treats them with a handler installed.
    let nr = |n: i32| Syscall::new(Abi::X86_64, n as u32, [0; 6]);
    let eintr = (-(libc::EINTR as i64)) as u64;
    for n in [-512, -514, -516] {
        let t = Frame::seccomp(nr(n))
            .with_rax(eintr)
            .trap()
            .map(|t| t.site());
        assert_eq!(t, Ok(Site::Instruction), "-EINTR for {n}");
    }
    assert!(matches!(
        e(Frame::seccomp(nr(-513)).with_rax(eintr)),
        DecodeError::NumberMismatch { .. }
    ));
    for n in [-512, -513] {
        let t = Frame::seccomp(nr(n)).rewound().trap().map(|t| t.site());
        assert_eq!(t, Ok(Site::Rewound), "rewound {n}");
    }
    for n in [-514, -516] {
        assert!(matches!(
            e(Frame::seccomp(nr(n)).rewound()),
            DecodeError::IpMismatch { .. }
        ));
    }
    // A restart code the fix-up would have acted on cannot stand at the call address...
    assert!(matches!(
        e(Frame::seccomp(nr(-512))),
        DecodeError::NumberMismatch { .. }
    ));
    // ...unless RAX's high half hides it from the fix-up (64-bit calls only).
    let mut hidden = Frame::seccomp(nr(-512)).with_rax(0xffff_fe00);
    assert_eq!(hidden.trap().map(|t| t.site()), Ok(Site::Instruction));
    let i386 = Frame::seccomp(Syscall::new(Abi::I386, -512i32 as u32, [0; 6]));
    assert!(matches!(e(i386), DecodeError::NumberMismatch { .. }));
}

#[test]
fn emulation_writes_rax_and_rip_only() {
    let call = Syscall::new(Abi::X86_64, -512i32 as u32, [0; 6]);
    // Kernel-rewound -ERESTARTSYS: RIP two bytes back, RAX the number.
    let mut frame = painted(Frame::seccomp(call).rewound());
    let mut t = frame.trap().unwrap();
    assert!(t.is_rewound());
    let before: Sigcontext = *t.regs();
    let call_addr = t.call_addr();
    t.set_errno(Errno::EPERM);
    let after = frame.ucontext().mcontext;
    assert_eq!(frame.outcome(), Outcome::Returned(-1));
    assert_eq!(after.rip, call_addr, "RIP forward again");
    assert_eq!(
        Sigcontext {
            rax: before.rax,
            rip: before.rip,
            ..after
        },
        before,
        "no other register written"
    );
}

/// An emulated i386 result is written as the kernel writes a compat call's result: errors
/// sign-extended, a 32-bit address above 2 GiB as its positive value; EAX is what an i386
/// caller reads either way.
#[test]
fn i386_results_are_written_as_the_kernel_writes_them() {
    let call = Syscall::new(Abi::I386, 20, [0; 6]);
    let mut frame = Frame::seccomp(call);
    frame.trap().unwrap().set_errno(Errno::ENOENT);
    assert_eq!(frame.ucontext().mcontext.rax, -2i64 as u64);
    assert_eq!(frame.outcome().errno(), Some(Errno::ENOENT));
    let mut frame = Frame::seccomp(call);
    frame.trap().unwrap().set_return(0xf7f4_5000);
    assert_eq!(frame.ucontext().mcontext.rax, 0xf7f4_5000);
}

#[test]
fn restart_rewinds_and_reloads() {
    let x32 = Syscall::new(Abi::X32, 39, [0; 6]);
    let mut frame = painted(Frame::seccomp(x32));
    assert_eq!(frame.ucontext().mcontext.rax, 0x4000_0027);
    let mut t = frame.trap().unwrap();
    assert_eq!(t.abi(), Abi::X32);
    let insn = t.call_addr() - 2;
    let mut call = t.syscall();
    call.args = [1, 2, 3, 4, 5, 6];
    t.restart_with(call).unwrap();
    let r = frame.ucontext().mcontext;
    assert_eq!(r.rip, insn);
    assert_eq!(r.rax, 0x4000_0027, "x32 bit kept");
    assert_eq!(frame.outcome(), Outcome::Restarted(call));
}

#[test]
fn restart_refusals() {
    let e = |mut f: Frame| f.trap().unwrap().restart().unwrap_err();
    let nops = Frame::seccomp(getpid()).with_instruction([0x90, 0x90]);
    assert_eq!(
        e(nops),
        RestartError::NotASyscallInstruction {
            bytes: [0x90, 0x90]
        }
    );
    // An i386 call cannot be restarted on a `syscall` instruction, nor x86_64 on int 0x80.
    let i386 = Syscall::new(Abi::I386, 20, [0; 6]);
    let on_syscall = Frame::seccomp(i386).with_instruction([0x0f, 0x05]);
    assert_eq!(
        e(on_syscall),
        RestartError::NotASyscallInstruction {
            bytes: [0x0f, 0x05]
        }
    );
    // Nor on sysenter: the kernel never reports that site (issue 16, point 7).
    let on_sysenter = Frame::seccomp(i386).with_instruction([0x0f, 0x34]);
    assert_eq!(
        e(on_sysenter),
        RestartError::NotASyscallInstruction {
            bytes: [0x0f, 0x34]
        }
    );
    let mut frame = Frame::seccomp(i386);
    let mut t = frame.trap().unwrap();
    let x64 = Syscall {
        abi: Abi::X86_64,
        ..t.syscall()
    };
    assert_eq!(
        t.restart_with(x64),
        Err(RestartError::NotASyscallInstruction {
            bytes: [0xcd, 0x80]
        })
    );
    assert_eq!(t.restart_with(i386), Ok(()));
    // Unreadable: the page at 0 is never mapped.
    let unreadable = Frame::seccomp(getpid()).with_call_addr(2);
    assert_eq!(
        e(unreadable),
        RestartError::Unreadable {
            errno: libc::EFAULT
        }
    );
    // vsyscall: RIP is a return address.
    let time = Syscall::x86_64(Sysno::time, [0; 6]);
    let mut frame = Frame::vsyscall(time, 0x5555_0000).unwrap();
    let mut t = frame.trap().unwrap();
    assert_eq!(t.site(), Site::Vsyscall);
    assert_eq!(t.restart(), Err(RestartError::Vsyscall));
    t.set_return(0);
    assert_eq!(frame.ucontext().mcontext.rip, 0x5555_0000, "RIP untouched");
    assert_eq!(frame.outcome(), Outcome::Returned(0));
    // RIP moved by the handler after decoding.
    let mut frame = Frame::seccomp(getpid());
    let mut t = frame.trap().unwrap();
    // SAFETY: a test frame; nothing runs on it.
    unsafe { t.ucontext_mut() }.mcontext.rip += 4;
    assert!(matches!(t.restart(), Err(RestartError::IpMoved { .. })));
}

/// Issue 16, point 2: a trap built from references cannot make its call.
#[test]
fn made_up_frames_cannot_pass_through() {
    // mprotect of a live heap page to PROT_NONE: it must not happen from safe code.
    let page = vec![7u8; 8192];
    let addr = (page.as_ptr() as u64 + 4095) & !4095;
    let call = Syscall::x86_64(Sysno::mprotect, [addr, 4096, 0, 0, 0, 0]);
    let mut frame = Frame::seccomp(call);
    let (info, ctx) = frame.parts();
    let mut t = Trap::new(&info, ctx).unwrap();
    assert_eq!(t.pass_through(), Err(PassError::NotLive));
    assert_eq!(t.pass_through_exec(), Err(PassError::NotLive));
    assert_eq!(frame.outcome(), Outcome::Untouched);
    assert_eq!(page.iter().map(|&b| b as usize).sum::<usize>(), 7 * 8192);
}

/// Issue 16, point 8: exec is refused by `pass_through` and named in the error.
#[test]
fn exec_needs_its_own_call() {
    let call = Syscall::x86_64(Sysno::execve, [0, 0, 0, 0, 0, 0]);
    let mut frame = Frame::seccomp(call);
    // SAFETY: execve(NULL, ...) fails with EFAULT and changes nothing.
    let mut t = unsafe { frame.trap_live() }.unwrap();
    assert_eq!(t.pass_through(), Err(PassError::Exec));
    assert_eq!(t.pass_through_exec(), Ok(-(libc::EFAULT as i64)));
    assert_eq!(frame.outcome().errno(), Some(Errno::EFAULT));
}

#[test]
fn siginfo_round_trips_and_arch() {
    let mut frame = Frame::seccomp(Syscall::new(Abi::I386, 20, [0; 6]));
    let info = frame.siginfo();
    let s = sigsys::SigsysInfo::from_siginfo(&info).unwrap();
    assert_eq!((s.abi, s.audit_arch()), (Abi::I386, AUDIT_ARCH_I386));
    assert_eq!(frame.trap().unwrap().info().audit_arch(), AUDIT_ARCH_I386);
    let s = sigsys::SigsysInfo::from_siginfo(&Frame::sud(getpid()).siginfo()).unwrap();
    assert_eq!(s.audit_arch(), AUDIT_ARCH_X86_64);
}
