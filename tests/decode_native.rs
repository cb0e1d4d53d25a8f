//! Decoding, emulation and restart of the architecture's native calls on test-kit frames
//! (`sigsys::testing`), written once for every architecture: on aarch64 and riscv64 these
//! are the decode tests (`tests/decode.rs` covers the x86 ABIs in detail).

use sigsys::error::INSN_BYTES;
use sigsys::testing::{Frame, Outcome};
use sigsys::{Abi, Cause, DecodeError, RestartError, Site, Syscall, Sysno};

fn call(nr: libc::c_long, args: [u64; 6]) -> Syscall {
    Syscall::new(Abi::NATIVE, nr as u32, args)
}

fn getpid() -> Syscall {
    call(libc::SYS_getpid, [3, 1, 4, 1, 5, 9])
}

/// A native seccomp trap decodes to its number, name, vocabulary entry, arguments and data.
#[test]
fn decodes_a_native_call() {
    let mut frame = Frame::seccomp_data(getpid(), 7);
    let t = frame.trap().unwrap();
    assert_eq!(t.syscall(), getpid());
    assert_eq!(t.syscall().name(), Some("getpid"));
    assert!(t.syscall().is(Sysno::getpid));
    assert_eq!(t.cause(), Cause::Seccomp { ret_data: 7 });
    assert_eq!(t.site(), Site::Instruction);
    let mut frame = Frame::sud(getpid());
    assert_eq!(frame.trap().unwrap().cause(), Cause::UserDispatch);
}

/// Emulation writes the result register and leaves the pc after the instruction.
#[test]
fn emulates() {
    let mut frame = Frame::seccomp(getpid());
    frame.trap().unwrap().set_return(4242);
    assert_eq!(frame.outcome(), Outcome::Returned(4242));
    let mut frame = Frame::seccomp(getpid());
    frame.trap().unwrap().set_errno(syscalls::Errno::EPERM);
    assert_eq!(frame.outcome().errno(), Some(syscalls::Errno::EPERM));
}

/// A restart re-runs the instruction with the new number and arguments; one over bytes
/// that are not the system call instruction is refused.
#[test]
fn restarts() {
    let getppid = call(libc::SYS_getppid, [0; 6]);
    let mut frame = Frame::sud(getpid());
    frame.trap().unwrap().restart_with(getppid).unwrap();
    assert_eq!(frame.outcome(), Outcome::Restarted(getppid));
    let mut frame = Frame::sud(getpid()).with_instruction([0; INSN_BYTES]);
    assert_eq!(
        frame.trap().unwrap().restart(),
        Err(RestartError::NotASyscallInstruction {
            bytes: [0; INSN_BYTES]
        })
    );
    assert_eq!(frame.outcome(), Outcome::Untouched);
}

/// Foreign architectures and registers that disagree with the siginfo are refused.
#[test]
fn forgeries_refused() {
    // AUDIT_ARCH_ARM, foreign to a 64-bit process; on ARM, AUDIT_ARCH_AARCH64.
    let foreign = if cfg!(target_arch = "arm") {
        0xc000_00b7
    } else {
        0x4000_0028
    };
    let mut frame = Frame::seccomp(getpid()).with_arch(foreign);
    assert_eq!(
        frame.trap().err(),
        Some(DecodeError::UnknownArch { arch: foreign })
    );
    let mut frame = Frame::seccomp(getpid()).with_si_syscall(libc::SYS_getpid as i32 + 1);
    assert!(matches!(
        frame.trap().err(),
        Some(DecodeError::NumberMismatch { .. })
    ));
    let mut frame = Frame::seccomp(getpid()).with_ip(0x10);
    assert!(matches!(
        frame.trap().err(),
        Some(DecodeError::IpMismatch { .. })
    ));
}

/// aarch64, riscv64 and arm: a first argument of -ERESTARTNOINTR arrives with the pc moved back
/// by the kernel (Site::Rewound); emulating puts the pc after the instruction again, and
/// a rewound pc without a restart code in the first argument is refused.
#[cfg(not(target_arch = "x86_64"))]
#[test]
fn first_argument_restart_code_rewound() {
    let collided = call(libc::SYS_getppid, [(-513i64) as u64, 0, 0, 0, 0, 0]);
    let mut frame = Frame::seccomp(collided).rewound();
    let mut t = frame.trap().unwrap();
    assert_eq!(t.site(), Site::Rewound);
    assert_eq!(t.syscall().arg_int(0), -513);
    t.set_return(1);
    assert_eq!(frame.outcome(), Outcome::Returned(1));
    let mut frame = Frame::seccomp(getpid()).rewound();
    assert!(matches!(
        frame.trap().err(),
        Some(DecodeError::IpMismatch { .. })
    ));
}

/// ARM: the formatter reads `struct stat64` at EABI's layout (`st_size` aligned to 8, at
/// 48, not i386's 44) and prints EABI's register pairs joined (`pread64`'s offset in
/// r4:r5, r3 unused), with ARM's own numbers.
#[cfg(target_arch = "arm")]
#[test]
fn arm_layouts_in_lines() {
    use sigsys::fmt::{write_call_done, FixedBuf, Options};
    use sigsys::mem::SelfMemory;
    // SAFETY: a zeroed stat64 is valid; fstat64 fills it.
    let mut st: libc::stat64 = unsafe { core::mem::zeroed() };
    let fd = unsafe { libc::open(c"/proc/self/exe".as_ptr(), libc::O_RDONLY) };
    assert!(fd >= 0);
    assert_eq!(unsafe { libc::fstat64(fd, &mut st) }, 0);
    assert_eq!(core::mem::offset_of!(libc::stat64, st_size), 48);
    let fstat64 = call(
        libc::SYS_fstat64,
        [fd as u64, (&raw const st) as u64, 0, 0, 0, 0],
    );
    let mut s = [0u8; 256];
    let mut out = FixedBuf::new(&mut s);
    write_call_done(&mut out, &fstat64, 0, &SelfMemory, &Options::DEFAULT).unwrap();
    let want = format!(
        "fstat64({fd}, {{st_mode=S_IFREG|0755, st_size={}, ...}})",
        st.st_size
    );
    assert_eq!(out.as_str(), want);
    let pread = call(libc::SYS_pread64, [3, 0, 0, 0, 0x2000, 1]);
    let mut s = [0u8; 256];
    let mut out = FixedBuf::new(&mut s);
    write_call_done(&mut out, &pread, -14, &SelfMemory, &Options::DEFAULT).unwrap();
    assert_eq!(out.as_str(), "pread64(3, NULL, 0, 4294975488)");
    unsafe { libc::close(fd) };
}
