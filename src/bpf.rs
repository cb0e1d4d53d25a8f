//! What a seccomp filter decides, without the kernel: a classic-BPF interpreter of the
//! instructions seccomp accepts, and the kernel's rule for stacked filters.
//!
//! A supervisor that hosts programs with filters of their own needs to know what those
//! filters will do to a call before it passes the call through: a tracer shows the call
//! that a filter kills the process for (strace's `getppid() = ?` before `+++ killed by
//! SIGSYS +++`), a sandbox tests its policy against the calls it expects. [`evaluate`]
//! runs one program on a [`SeccompData`] as the kernel's `seccomp_run_filters` would,
//! after [`check`]ing it as the kernel does at install (a program it would refuse is a
//! [`BpfError`]); [`stacked`] combines the actions of several
//! filters by the kernel's precedence.
//!
//! Async-signal-safe: no allocation, no system call, no panic; the program is bounded (no
//! backward jumps in classic BPF), so an evaluation ends after at most `prog.len()`
//! instructions.

use libc::sock_filter;

/// The kernel's `struct seccomp_data`: what a filter reads.
///
/// # Examples
///
/// ```
/// use sigsys::bpf::SeccompData;
/// let d = SeccompData::new(39, sigsys::consts::AUDIT_ARCH_X86_64, 0x401000, [0; 6]);
/// assert_eq!(d.word(0), Some(39));
/// assert_eq!(d.word(8), Some(0x401000));
/// assert_eq!(d.word(2), None); // not aligned
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeccompData {
    /// The call's number (`seccomp_data.nr`, with the x32 bit for x32 calls).
    pub nr: i32,
    /// `AUDIT_ARCH_*` of the call's ABI.
    pub arch: u32,
    /// The instruction pointer after the system call instruction.
    pub instruction_pointer: u64,
    /// The six arguments as the kernel saved them.
    pub args: [u64; 6],
}

impl SeccompData {
    /// The data for a call of number `nr` (as the filter sees it), `arch`, at `ip`.
    pub const fn new(nr: i32, arch: u32, ip: u64, args: [u64; 6]) -> SeccompData {
        SeccompData {
            nr,
            arch,
            instruction_pointer: ip,
            args,
        }
    }

    /// The 32-bit word at byte offset `k`, as `BPF_LD|BPF_W|BPF_ABS` loads it; `None`
    /// where the kernel refuses the load (unaligned, or past the 64 bytes).
    pub fn word(&self, k: u32) -> Option<u32> {
        if !k.is_multiple_of(4) {
            return None;
        }
        let half = |v: u64, high: bool| if high { (v >> 32) as u32 } else { v as u32 };
        match k {
            0 => Some(self.nr as u32),
            4 => Some(self.arch),
            8 | 12 => Some(half(self.instruction_pointer, k == 12)),
            16..=63 => {
                let off = k.wrapping_sub(16);
                self.args
                    .get((off / 8) as usize)
                    .map(|&a| half(a, off % 8 == 4))
            }
            _ => None,
        }
    }
}

/// A program the kernel would have refused (`EINVAL` at install), found while running it.
///
/// # Examples
///
/// ```
/// use sigsys::bpf::{evaluate, BpfError, SeccompData};
/// let d = SeccompData::new(0, 0, 0, [0; 6]);
/// assert_eq!(evaluate(&[], &d), Err(BpfError::Empty));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BpfError {
    /// No instructions.
    Empty,
    /// More than [`crate::filter::MAX_INSNS`] instructions.
    TooLong,
    /// An instruction seccomp does not allow, at this index.
    BadInstruction(usize),
    /// A load outside `struct seccomp_data` or not 4-byte aligned, at this index.
    BadLoad(usize),
    /// A jump past the end, or running off the end without a return, at this index.
    OutOfRange(usize),
}

impl core::fmt::Display for BpfError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            BpfError::Empty => f.write_str("empty filter"),
            BpfError::TooLong => f.write_str("filter longer than 4096 instructions"),
            BpfError::BadInstruction(i) => write!(f, "instruction {i} is not allowed in seccomp"),
            BpfError::BadLoad(i) => write!(f, "instruction {i} loads outside seccomp_data"),
            BpfError::OutOfRange(i) => write!(f, "instruction {i} leaves the program"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BpfError {}

/// Checks `prog` as the kernel does when it is installed (`seccomp_check_filter` and
/// `bpf_check_classic`): every instruction one seccomp accepts, with its constraints
/// (aligned loads inside `seccomp_data`, constant shifts below 32, no constant division by
/// zero, memory slots below 16, jumps inside the program), and a return at the end. Not
/// checked: a load from a memory slot that no path has stored to (the kernel refuses
/// those too).
///
/// # Errors
///
/// The first instruction the kernel would refuse, as a [`BpfError`].
///
/// # Examples
///
/// ```
/// use sigsys::bpf::{check, BpfError};
/// use sigsys::filter::{ret, stmt};
/// assert_eq!(check(&[ret(libc::SECCOMP_RET_ALLOW)]), Ok(()));
/// let modulo = stmt(libc::BPF_ALU | libc::BPF_MOD | libc::BPF_K, 3);
/// assert_eq!(check(&[modulo, ret(0)]), Err(BpfError::BadInstruction(0)));
/// ```
pub fn check(prog: &[sock_filter]) -> Result<(), BpfError> {
    use libc::{
        BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE,
        BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC,
        BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA,
        BPF_W, BPF_X, BPF_XOR,
    };
    if prog.is_empty() {
        return Err(BpfError::Empty);
    }
    if prog.len() > crate::filter::MAX_INSNS {
        return Err(BpfError::TooLong);
    }
    for (pc, insn) in prog.iter().enumerate() {
        let code = u32::from(insn.code);
        let k = insn.k;
        let bad = Err(BpfError::BadInstruction(pc));
        let alu = |op: u32| [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X].contains(&code);
        let ok = match code {
            c if c == BPF_LD | BPF_W | BPF_ABS => {
                if k >= 64 || !k.is_multiple_of(4) {
                    return Err(BpfError::BadLoad(pc));
                }
                true
            }
            c if c == BPF_LD | BPF_W | BPF_LEN || c == BPF_LDX | BPF_W | BPF_LEN => true,
            c if c == BPF_LD | BPF_IMM || c == BPF_LDX | BPF_IMM => true,
            c if c == BPF_LD | BPF_MEM || c == BPF_LDX | BPF_MEM => k < 16,
            c if c == BPF_ST || c == BPF_STX => k < 16,
            c if c == BPF_MISC | BPF_TAX || c == BPF_MISC | BPF_TXA => true,
            c if c == BPF_RET | BPF_K || c == BPF_RET | BPF_A => true,
            c if c == BPF_ALU | BPF_NEG => true,
            _ if alu(BPF_DIV) => code & 0x08 == BPF_X || k != 0,
            _ if alu(BPF_LSH) || alu(BPF_RSH) => code & 0x08 == BPF_X || k < 32,
            _ if [BPF_ADD, BPF_SUB, BPF_MUL, BPF_AND, BPF_OR, BPF_XOR]
                .iter()
                .any(|&op| alu(op)) =>
            {
                true
            }
            c if c == BPF_JMP | BPF_JA => {
                let to = pc.saturating_add(1).saturating_add(k as usize);
                if to >= prog.len() {
                    return Err(BpfError::OutOfRange(pc));
                }
                true
            }
            c if [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET]
                .iter()
                .any(|&op| c == BPF_JMP | op | BPF_K || c == BPF_JMP | op | BPF_X) =>
            {
                let next = pc.saturating_add(1);
                let far = next.saturating_add(usize::from(insn.jt.max(insn.jf)));
                if far >= prog.len() {
                    return Err(BpfError::OutOfRange(pc));
                }
                true
            }
            _ => false,
        };
        if !ok {
            return bad;
        }
    }
    match prog.last().map(|i| u32::from(i.code)) {
        Some(c) if c == BPF_RET | BPF_K || c == BPF_RET | BPF_A => Ok(()),
        _ => Err(BpfError::OutOfRange(prog.len().saturating_sub(1))),
    }
}

/// Runs one seccomp program on `data` and returns its action (`SECCOMP_RET_*` with data),
/// as the kernel would.
///
/// The program is first [`check`]ed as the kernel checks it at install. Division by a zero
/// `X` ends the program with 0 (`SECCOMP_RET_KILL_THREAD`), and shifts by `X` take its low
/// five bits, as the kernel's translation of classic BPF does.
///
/// # Errors
///
/// [`BpfError`] for a program the kernel's `seccomp_check_filter` refuses at install.
///
/// # Examples
///
/// ```
/// use sigsys::bpf::{evaluate, SeccompData};
/// use sigsys::filter::{jump, load_nr, ret};
/// let jeq = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
/// let prog = [
///     load_nr(),
///     jump(jeq, 39, 0, 1),
///     ret(libc::SECCOMP_RET_ERRNO | 1),
///     ret(libc::SECCOMP_RET_ALLOW),
/// ];
/// let call = |nr| SeccompData::new(nr, sigsys::consts::AUDIT_ARCH_X86_64, 0, [0; 6]);
/// assert_eq!(evaluate(&prog, &call(39)), Ok(libc::SECCOMP_RET_ERRNO | 1));
/// assert_eq!(evaluate(&prog, &call(1)), Ok(libc::SECCOMP_RET_ALLOW));
/// ```
// Long (about 105 lines) on purpose: one arm per classic-BPF instruction class, the
// kernel's interpreter as a table.
pub fn evaluate(prog: &[sock_filter], data: &SeccompData) -> Result<u32, BpfError> {
    check(prog)?;
    use libc::{
        BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE,
        BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC,
        BPF_MOD, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX,
        BPF_TXA, BPF_W, BPF_X, BPF_XOR,
    };
    if prog.is_empty() {
        return Err(BpfError::Empty);
    }
    if prog.len() > crate::filter::MAX_INSNS {
        return Err(BpfError::TooLong);
    }
    const LEN: u32 = 64; // sizeof(struct seccomp_data)
    let (mut a, mut x) = (0u32, 0u32);
    let mut mem = [0u32; 16];
    let mut pc = 0usize;
    loop {
        let Some(insn) = prog.get(pc) else {
            return Err(BpfError::OutOfRange(pc.saturating_sub(1)));
        };
        let code = u32::from(insn.code);
        let k = insn.k;
        let bad = BpfError::BadInstruction(pc);
        let mut next = pc.wrapping_add(1);
        match code & 0x07 {
            c if c == BPF_LD || c == BPF_LDX => {
                let v = match (code & 0xe0, code & 0x18) {
                    (m, s) if m == BPF_ABS && s == BPF_W && c == BPF_LD => {
                        data.word(k).ok_or(BpfError::BadLoad(pc))?
                    }
                    (m, s) if m == BPF_LEN && s == BPF_W => LEN,
                    (m, _) if m == BPF_IMM => k,
                    (m, _) if m == BPF_MEM => *mem.get(k as usize).ok_or(bad)?,
                    _ => return Err(bad),
                };
                if c == BPF_LD {
                    a = v;
                } else {
                    x = v;
                }
            }
            c if c == BPF_ST || c == BPF_STX => {
                let slot = mem.get_mut(k as usize).ok_or(bad)?;
                *slot = if c == BPF_ST { a } else { x };
            }
            c if c == BPF_ALU => {
                let src = if code & 0x08 == BPF_X { x } else { k };
                a = match code & 0xf0 {
                    op if op == BPF_ADD => a.wrapping_add(src),
                    op if op == BPF_SUB => a.wrapping_sub(src),
                    op if op == BPF_MUL => a.wrapping_mul(src),
                    op if op == BPF_DIV => match a.checked_div(src) {
                        Some(v) => v,
                        None => return Ok(0),
                    },
                    op if op == BPF_MOD => match a.checked_rem(src) {
                        Some(v) => v,
                        None => return Ok(0),
                    },
                    op if op == BPF_OR => a | src,
                    op if op == BPF_AND => a & src,
                    op if op == BPF_XOR => a ^ src,
                    // The kernel's translation masks a shift count to 5 bits.
                    op if op == BPF_LSH => a.wrapping_shl(src),
                    op if op == BPF_RSH => a.wrapping_shr(src),
                    op if op == BPF_NEG => a.wrapping_neg(),
                    _ => return Err(bad),
                };
            }
            c if c == BPF_JMP => {
                let off = if code & 0xf0 == BPF_JA {
                    k as usize
                } else {
                    let src = if code & 0x08 == BPF_X { x } else { k };
                    let taken = match code & 0xf0 {
                        op if op == BPF_JEQ => a == src,
                        op if op == BPF_JGT => a > src,
                        op if op == BPF_JGE => a >= src,
                        op if op == BPF_JSET => a & src != 0,
                        _ => return Err(bad),
                    };
                    usize::from(if taken { insn.jt } else { insn.jf })
                };
                next = next
                    .checked_add(off)
                    .filter(|&n| n < prog.len())
                    .ok_or(BpfError::OutOfRange(pc))?;
            }
            c if c == BPF_RET => {
                return match code & 0x18 {
                    s if s == BPF_K => Ok(k),
                    s if s == BPF_A => Ok(a),
                    _ => Err(bad),
                };
            }
            c if c == BPF_MISC => match code & 0xf8 {
                op if op == BPF_TAX => x = a,
                op if op == BPF_TXA => a = x,
                _ => return Err(bad),
            },
            _ => return Err(bad),
        }
        pc = next;
    }
}

/// The action the kernel takes when several filters are installed: every filter runs,
/// and the one whose action comes first in the kernel's precedence wins (`KILL_PROCESS`,
/// `KILL_THREAD`, `TRAP`, `ERRNO`, `USER_NOTIF`, `TRACE`, `LOG`, `ALLOW`), with its data;
/// among equal actions, the most recently installed filter's. `actions` are the filters'
/// results, newest first; `ALLOW` for none.
///
/// # Examples
///
/// ```
/// use sigsys::bpf::stacked;
/// let errno = libc::SECCOMP_RET_ERRNO;
/// assert_eq!(stacked([libc::SECCOMP_RET_ALLOW, errno | 1, errno | 2]), errno | 1);
/// assert_eq!(stacked([errno | 1, libc::SECCOMP_RET_KILL_PROCESS]), libc::SECCOMP_RET_KILL_PROCESS);
/// assert_eq!(stacked([]), libc::SECCOMP_RET_ALLOW);
/// ```
pub fn stacked(actions: impl IntoIterator<Item = u32>) -> u32 {
    // The kernel's ACTION_ONLY: the action bits, compared as a signed number
    // (KILL_PROCESS is 0x80000000, the most negative).
    let rank = |r: u32| (r & libc::SECCOMP_RET_ACTION_FULL) as i32;
    let mut out = libc::SECCOMP_RET_ALLOW;
    for r in actions {
        if rank(r) < rank(out) {
            out = r;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{jump, ret, stmt};

    fn data(nr: i32) -> SeccompData {
        SeccompData::new(
            nr,
            0xC000_003E,
            0x1234_5678_9abc,
            [1, 2, 3, 0xffff_0000_0000_0004, 5, 6],
        )
    }

    #[test]
    fn loads_alu_memory_and_jumps() {
        use libc::*;
        let prog = [
            stmt(BPF_LD | BPF_W | BPF_ABS, 40), // args[3] low
            stmt(BPF_ST, 2),
            stmt(BPF_LD | BPF_W | BPF_ABS, 44), // args[3] high
            stmt(BPF_ALU | BPF_RSH | BPF_K, 16),
            stmt(BPF_MISC | BPF_TAX, 0),
            stmt(BPF_LDX | BPF_MEM, 2),
            stmt(BPF_MISC | BPF_TXA, 0),
            stmt(BPF_ALU | BPF_ADD | BPF_K, 1),
            jump(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1),
            ret(SECCOMP_RET_ERRNO | 5),
            ret(SECCOMP_RET_ALLOW),
        ];
        assert_eq!(evaluate(&prog, &data(1)), Ok(SECCOMP_RET_ERRNO | 5));
        let div0 = [
            stmt(BPF_LD | BPF_IMM, 7),
            stmt(BPF_ALU | BPF_DIV | BPF_X, 0),
            ret(9),
        ];
        assert_eq!(evaluate(&div0, &data(1)), Ok(0));
        let ja = [stmt(BPF_JMP | BPF_JA, 1), ret(1), ret(2)];
        assert_eq!(evaluate(&ja, &data(1)), Ok(2));
        let ret_a = [stmt(BPF_LD | BPF_W | BPF_LEN, 0), ret_a_insn()];
        assert_eq!(evaluate(&ret_a, &data(1)), Ok(64));
    }

    fn ret_a_insn() -> sock_filter {
        stmt(libc::BPF_RET | libc::BPF_A, 0)
    }

    #[test]
    fn what_the_kernel_refuses_is_an_error() {
        use libc::*;
        assert_eq!(
            evaluate(&[stmt(BPF_LD | BPF_W | BPF_ABS, 2), ret(0)], &data(0)),
            Err(BpfError::BadLoad(0))
        );
        assert_eq!(
            evaluate(&[stmt(BPF_LD | BPF_W | BPF_ABS, 64), ret(0)], &data(0)),
            Err(BpfError::BadLoad(0))
        );
        assert_eq!(
            evaluate(&[jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 5)], &data(0)),
            Err(BpfError::OutOfRange(0))
        );
        assert_eq!(
            evaluate(&[stmt(BPF_LD | BPF_W | BPF_IMM, 1)], &data(0)),
            Err(BpfError::OutOfRange(0))
        );
        assert_eq!(
            evaluate(&[stmt(BPF_LD | BPF_B | BPF_ABS, 0), ret(0)], &data(0)),
            Err(BpfError::BadInstruction(0))
        );
        // What the kernel's checker refuses although it could run.
        for bad in [
            stmt(BPF_ALU | BPF_MOD | BPF_K, 3),
            stmt(BPF_ALU | BPF_LSH | BPF_K, 32),
            stmt(BPF_ALU | BPF_DIV | BPF_K, 0),
            stmt(BPF_LD | BPF_H | BPF_IMM, 0),
            stmt(BPF_JMP | BPF_JA | BPF_X, 0),
            stmt(BPF_ALU | BPF_NEG | BPF_X, 0),
            stmt(BPF_ST | 0x08, 0),
        ] {
            assert_eq!(
                check(&[bad, ret(0)]),
                Err(BpfError::BadInstruction(0)),
                "{bad:?}"
            );
        }
        assert_eq!(
            check(&[ret(0), stmt(BPF_LD | BPF_IMM, 0)]),
            Err(BpfError::OutOfRange(1))
        );
        // A shift by X takes X's low five bits.
        let shift = [
            stmt(BPF_LD | BPF_IMM, 1),
            stmt(BPF_LDX | BPF_IMM, 33),
            stmt(BPF_ALU | BPF_LSH | BPF_X, 0),
            ret_a_insn(),
        ];
        assert_eq!(evaluate(&shift, &data(0)), Ok(2));
    }
}
