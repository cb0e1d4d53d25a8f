//! Decoding, emulation and restart on synthetic contexts: every typed error, every
//! register the crate may write, and nothing else. (Real traps are in `kernel.rs`.)

use sigsys::consts::{
    AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, SYS_SECCOMP, SYS_USER_DISPATCH, VSYSCALL_START,
};
use sigsys::{Abi, Cause, DecodeError, RestartError, SigsysInfo, Site, Syscall, Trap};

const RAX: usize = libc::REG_RAX as usize;
const RIP: usize = libc::REG_RIP as usize;
/// The x86_64 argument registers, in order.
const X86_64_ARG_REGS: [i32; 6] = [
    libc::REG_RDI,
    libc::REG_RSI,
    libc::REG_RDX,
    libc::REG_R10,
    libc::REG_R8,
    libc::REG_R9,
];

/// A `syscall` and an `int $0x80` instruction in readable memory, to restart onto.
static CODE: [u8; 6] = [0x0f, 0x05, 0xcd, 0x80, 0x90, 0x90];

fn siginfo(code: i32, nr: i32, call_addr: u64, arch: u32) -> libc::siginfo_t {
    let cause = match code {
        SYS_SECCOMP => Cause::Seccomp { ret_data: 7 },
        _ => Cause::UserDispatch,
    };
    let abi = Abi::from_audit_arch(arch, nr).unwrap();
    SigsysInfo {
        cause,
        call_addr,
        syscall: nr,
        abi,
    }
    .to_siginfo()
}

fn context(rax: u64, rip: u64) -> libc::ucontext_t {
    // SAFETY: ucontext_t is plain data; all-zero is valid.
    let mut ctx: libc::ucontext_t = unsafe { std::mem::zeroed() };
    for (i, g) in ctx.uc_mcontext.gregs.iter_mut().enumerate() {
        *g = 0x1000 + i as i64;
    }
    ctx.uc_mcontext.gregs[RAX] = rax as i64;
    ctx.uc_mcontext.gregs[RIP] = rip as i64;
    ctx
}

fn syscall_site() -> u64 {
    CODE.as_ptr() as u64 + 2
}

fn int80_site() -> u64 {
    CODE.as_ptr() as u64 + 4
}

#[test]
fn decodes_x86_64_arguments_from_their_registers() {
    let info = siginfo(SYS_SECCOMP, 257, syscall_site(), AUDIT_ARCH_X86_64);
    let mut ctx = context(257, syscall_site());
    let t = Trap::new(&info, &mut ctx).unwrap();
    let g = |r: i32| 0x1000 + r as u64;
    assert_eq!(t.syscall().abi, Abi::X86_64);
    assert_eq!(t.syscall().name(), Some("openat"));
    assert_eq!(t.syscall().args, X86_64_ARG_REGS.map(g));
    assert_eq!(t.cause(), Cause::Seccomp { ret_data: 7 });
    assert_eq!(t.site(), Site::Instruction);
}

#[test]
fn decodes_i386_arguments_as_low_halves() {
    let info = siginfo(SYS_USER_DISPATCH, 5, int80_site(), AUDIT_ARCH_I386);
    let mut ctx = context(5, int80_site());
    ctx.uc_mcontext.gregs[libc::REG_RBX as usize] = 0x7777_0000_0000_0001;
    let t = Trap::new(&info, &mut ctx).unwrap();
    let call = t.syscall();
    assert_eq!((call.abi, call.name()), (Abi::I386, Some("open")));
    assert_eq!(call.args[0], 1);
    assert_eq!(call.args[1], 0x1000 + libc::REG_RCX as u64);
    assert_eq!(call.args[5], 0x1000 + libc::REG_RBP as u64);
    assert_eq!(t.cause(), Cause::UserDispatch);
}

#[test]
fn each_disagreement_is_its_own_error() {
    let site = syscall_site();
    let info = siginfo(SYS_SECCOMP, 39, site, AUDIT_ARCH_X86_64);
    let err = Trap::new(&info, &mut context(40, site)).unwrap_err();
    assert_eq!(
        err,
        DecodeError::NumberMismatch {
            si_syscall: 39,
            rax: 40
        }
    );
    let err = Trap::new(&info, &mut context(39, site + 8)).unwrap_err();
    assert_eq!(
        err,
        DecodeError::IpMismatch {
            call_addr: site,
            rip: site + 8
        }
    );
    // High bits of RAX are ignored by the kernel, and so here.
    assert!(Trap::new(&info, &mut context(0xffff_0000_0000_0027, site)).is_ok());
    let null = unsafe { Trap::from_raw(&info, std::ptr::null_mut()) }.unwrap_err();
    assert_eq!(null, DecodeError::NullContext);
    let mut ctx = context(39, site);
    let null = unsafe { Trap::from_raw(std::ptr::null(), (&raw mut ctx).cast()) }.unwrap_err();
    assert_eq!(null, DecodeError::NullSiginfo);
}

#[test]
fn emulation_writes_rax_and_rip_only() {
    let info = siginfo(SYS_SECCOMP, -512, syscall_site(), AUDIT_ARCH_X86_64);
    // Kernel-rewound -ERESTARTSYS: RIP two bytes back, RAX the number.
    let mut ctx = context(-512i64 as u64, syscall_site() - 2);
    let before = ctx.uc_mcontext.gregs;
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    assert!(t.is_rewound());
    t.set_errno(syscalls::Errno::EPERM);
    let after = ctx.uc_mcontext.gregs;
    for i in 0..after.len() {
        match i {
            RAX => assert_eq!(after[i], -1),
            RIP => assert_eq!(after[i] as u64, syscall_site(), "RIP forward again"),
            _ => assert_eq!(after[i], before[i], "register {i} untouched"),
        }
    }
}

/// An emulated i386 result is written as the kernel writes a compat call's result: errors
/// sign-extended, a 32-bit address above 2 GiB as its positive value; EAX is what an i386
/// caller reads either way.
#[test]
fn i386_results_are_written_as_the_kernel_writes_them() {
    let info = siginfo(SYS_SECCOMP, 20, int80_site(), AUDIT_ARCH_I386);
    let mut ctx = context(20, int80_site());
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    t.set_errno(syscalls::Errno::ENOENT);
    assert_eq!(ctx.uc_mcontext.gregs[RAX], -2);
    let mut ctx = context(20, int80_site());
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    t.set_return(0xf7f4_5000);
    assert_eq!(ctx.uc_mcontext.gregs[RAX], 0xf7f4_5000);
}

#[test]
fn restart_rewinds_and_reloads() {
    let info = siginfo(SYS_SECCOMP, 0x4000_0027, syscall_site(), AUDIT_ARCH_X86_64);
    let mut ctx = context(0x4000_0027, syscall_site());
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    assert_eq!(t.abi(), Abi::X32);
    let mut call = t.syscall();
    call.args = [1, 2, 3, 4, 5, 6];
    t.restart_with(call).unwrap();
    let g = ctx.uc_mcontext.gregs;
    assert_eq!(g[RIP] as u64, CODE.as_ptr() as u64);
    assert_eq!(g[RAX], 0x4000_0027, "x32 bit kept");
    assert_eq!(X86_64_ARG_REGS.map(|r| g[r as usize]), [1, 2, 3, 4, 5, 6]);
}

#[test]
fn restart_refusals() {
    // Not a system call instruction before the call address.
    let nop_site = CODE.as_ptr() as u64 + 6;
    let info = siginfo(SYS_SECCOMP, 39, nop_site, AUDIT_ARCH_X86_64);
    let mut ctx = context(39, nop_site);
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    assert_eq!(
        t.restart(),
        Err(RestartError::NotASyscallInstruction {
            bytes: [0x90, 0x90]
        })
    );
    // An i386 call cannot be restarted on a `syscall` instruction, nor x86_64 on int 0x80.
    let info = siginfo(SYS_SECCOMP, 20, syscall_site(), AUDIT_ARCH_I386);
    let mut ctx = context(20, syscall_site());
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    assert_eq!(
        t.restart(),
        Err(RestartError::NotASyscallInstruction {
            bytes: [0x0f, 0x05]
        })
    );
    let mut x64 = t.syscall();
    x64.abi = Abi::X86_64;
    let info = siginfo(SYS_SECCOMP, 20, int80_site(), AUDIT_ARCH_I386);
    let mut ctx = context(20, int80_site());
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    assert_eq!(
        t.restart_with(x64),
        Err(RestartError::NotASyscallInstruction {
            bytes: [0xcd, 0x80]
        })
    );
    assert_eq!(t.restart_with(Syscall::new(Abi::I386, 20, [0; 6])), Ok(()));
    // Unreadable: the page at 0 is never mapped.
    let info = siginfo(SYS_SECCOMP, 39, 2, AUDIT_ARCH_X86_64);
    let mut ctx = context(39, 2);
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    assert_eq!(
        t.restart(),
        Err(RestartError::Unreadable {
            errno: libc::EFAULT
        })
    );
    // vsyscall: RIP is a return address.
    let info = siginfo(SYS_SECCOMP, 96, VSYSCALL_START + 9, AUDIT_ARCH_X86_64);
    let mut ctx = context(96, 0x5555_0000);
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    assert_eq!(t.site(), Site::Vsyscall);
    assert_eq!(t.restart(), Err(RestartError::Vsyscall));
    t.set_return(0);
    assert_eq!(
        ctx.uc_mcontext.gregs[RIP], 0x5555_0000,
        "vsyscall: RIP untouched"
    );
    // RIP moved by the handler after decoding.
    let info = siginfo(SYS_SECCOMP, 39, syscall_site(), AUDIT_ARCH_X86_64);
    let mut ctx = context(39, syscall_site());
    let mut t = Trap::new(&info, &mut ctx).unwrap();
    t.ucontext_mut().uc_mcontext.gregs[RIP] += 4;
    assert!(matches!(t.restart(), Err(RestartError::IpMoved { .. })));
}
