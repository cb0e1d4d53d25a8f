//! Where the interrupted code stands at an x86_64 trap, and which instructions can be
//! re-run: the kernel's case analysis of `arch/x86/kernel/signal.c` (`handle_signal`) and
//! `arch/x86/entry/vsyscall/vsyscall_64.c`, checked against the registers.

use super::abi::Abi;
use super::consts::{
    INSN_INT80, INSN_LEN, INSN_SYSCALL, VSYSCALL_END, VSYSCALL_ENTRIES, VSYSCALL_START,
    X32_SYSCALL_BIT,
};
use super::regs::{self, Regs};
use crate::arch::common::{RestartCode, Site};
use crate::error::DecodeError;

/// The siginfo facts [`classify`] checks the registers against.
pub(crate) type Reported = crate::arch::common::Reported<Abi>;

/// Decides where the interrupted code stands, checking RAX and RIP against what the kernel
/// leaves for this siginfo, case by case.
pub(crate) fn classify(info: Reported, g: &Regs) -> Result<Site, DecodeError> {
    let rax = regs::number_reg(g);
    let rip = regs::pc(g);
    let call_addr = info.call_addr;
    let nr = info.nr;
    let mismatch = Err(DecodeError::NumberMismatch {
        si_syscall: nr,
        rax,
    });
    if (VSYSCALL_START..VSYSCALL_END).contains(&call_addr) {
        // Only seccomp sees vsyscall calls, only from 64-bit code, only at the three entries
        // with their own numbers; RAX is the number, RIP the caller's return address.
        let known = VSYSCALL_ENTRIES.contains(&(call_addr, nr));
        if !(known && info.seccomp && info.abi == Abi::X86_64) {
            return Err(DecodeError::BadVsyscall {
                call_addr,
                si_syscall: nr,
            });
        }
        return if rax == nr as u64 {
            Ok(Site::Vsyscall)
        } else {
            mismatch
        };
    }
    // Whether RAX holds the number as the kernel's fix-up compares it: all 64 bits for a
    // 64-bit call, the low 32 sign-extended for an i386 one (`syscall_get_error`).
    let is_number = rax as u32 == nr as u32;
    let fix_up_saw_it = match info.abi {
        Abi::I386 => is_number,
        Abi::X86_64 | Abi::X32 => rax == nr as i64 as u64,
    };
    let eintr = i64::from(libc::EINTR).wrapping_neg() as u64;
    let rewound = call_addr.wrapping_sub(INSN_LEN as u64);
    use RestartCode::{NoHand, NoIntr, RestartBlock, Sys};
    match info.restart {
        None if !is_number => mismatch,
        None if rip == call_addr => Ok(Site::Instruction),
        None => Err(DecodeError::IpMismatch { call_addr, rip }),
        // The fix-up did not see a restart code (a 64-bit RAX whose high half is not the
        // sign extension): the call stands as trapped.
        Some(_) if rip == call_addr && is_number && !fix_up_saw_it => Ok(Site::Instruction),
        // -ERESTARTSYS without SA_RESTART, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK: -EINTR.
        Some(Sys | NoHand | RestartBlock) if rip == call_addr && rax == eintr => {
            Ok(Site::Instruction)
        }
        // -ERESTARTSYS with SA_RESTART, -ERESTARTNOINTR: RAX = the number, RIP back by 2.
        Some(Sys | NoIntr) if rip == rewound => {
            if fix_up_saw_it {
                Ok(Site::Rewound)
            } else {
                mismatch
            }
        }
        Some(_) if rip == call_addr => mismatch,
        Some(_) => Err(DecodeError::IpMismatch { call_addr, rip }),
    }
}

/// Whether the instruction bytes can issue a call of `abi`.
///
/// `sysenter` never qualifies: the kernel reports a `sysenter` call at the `int $0x80` of the
/// vDSO's landing pad, and a call re-run from the `sysenter` itself would lose RIP and RSP.
pub(crate) fn instruction_serves(bytes: &[u8], abi: Abi) -> bool {
    bytes == instruction(abi)
}

/// The instruction that issues calls of `abi`.
pub(crate) const fn instruction(abi: Abi) -> [u8; INSN_LEN] {
    match abi {
        Abi::X86_64 | Abi::X32 => INSN_SYSCALL,
        Abi::I386 => INSN_INT80,
    }
}

/// The ABI a re-run of instruction `bytes` has, with `number` in the number register: what
/// the kernel will take it for.
// Used by the test kit (feature `testing`); older compilers do not count the contract check.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn restarted_abi(bytes: [u8; INSN_LEN], number: u64) -> Abi {
    match bytes {
        INSN_INT80 => Abi::I386,
        _ if number as u32 & X32_SYSCALL_BIT != 0 && (number as u32 as i32) >= 0 => Abi::X32,
        _ => Abi::X86_64,
    }
}

/// Whether `addr` is in (or above) the vsyscall page.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn in_vsyscall_page(addr: u64) -> bool {
    addr >= VSYSCALL_START
}

/// The vsyscall entry the kernel reports number `nr` at, if it emulates one for it.
// Used by the test kit (feature `testing`); older compilers do not count the contract check.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn vsyscall_entry(nr: u32) -> Option<u64> {
    VSYSCALL_ENTRIES
        .iter()
        .find(|&&(_, n)| n as u32 == nr)
        .map(|&(addr, _)| addr)
}
