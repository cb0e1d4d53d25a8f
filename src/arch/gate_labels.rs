//! The gate's labels, which every architecture's block (`<arch>/gate.rs`) defines under
//! the same names, and the functions that name its parts: [`range`], [`own_range`],
//! [`pass_range`], [`restorer`]. Only the labels' addresses are taken; nothing is read.
//!
//! The block's order on every architecture: `sigsys_v0_1_gate_start`, the handler's own
//! exits and the restorer `sigsys_v0_1_gate_restorer`, then from
//! `sigsys_v0_1_gate_pass_start` the pass exits, then `sigsys_v0_1_gate_end`.

use core::ops::Range;

/// A global, hidden label of the gate's asm: `.globl NAME`, `.hidden NAME`, `NAME:`, as one
/// template string of `global_asm!`.
macro_rules! symbol {
    ($name:literal) => {
        concat!(".globl ", $name, "\n.hidden ", $name, "\n", $name, ":")
    };
}
pub(crate) use symbol;

extern "C" {
    #[link_name = "sigsys_v0_1_gate_start"]
    static GATE_START: u8;
    #[link_name = "sigsys_v0_1_gate_end"]
    static GATE_END: u8;
    #[link_name = "sigsys_v0_1_gate_restorer"]
    fn gate_restorer();
    #[link_name = "sigsys_v0_1_gate_pass_start"]
    static GATE_PASS_START: u8;
}

/// The address range of the gate's code, `start..end`.
///
/// # Examples
///
/// ```
/// let gate = sigsys::gate::range();
/// assert!(gate.start < gate.end && gate.end - gate.start < 4096);
/// assert!(gate.contains(&sigsys::gate::restorer()));
/// ```
pub fn range() -> Range<u64> {
    let start = core::ptr::addr_of!(GATE_START) as u64;
    let end = core::ptr::addr_of!(GATE_END) as u64;
    start..end
}

/// The part of the gate the handler's own calls leave from ([`crate::gate::syscall`], on
/// x86_64 also `int80`, the restorer): `start..` the pass exits.
///
/// # Examples
///
/// ```
/// let own = sigsys::gate::own_range();
/// assert!(own.contains(&sigsys::gate::restorer()));
/// assert_eq!(own.start, sigsys::gate::range().start);
/// assert_eq!(own.end, sigsys::gate::pass_range().start);
/// ```
pub fn own_range() -> Range<u64> {
    range().start..pass_range().start
}

/// The part of the gate the program's calls that a handler passes through leave from
/// ([`crate::gate::run`], `Trap::pass_through`): `..end`.
///
/// # Examples
///
/// ```
/// let pass = sigsys::gate::pass_range();
/// assert!(pass.start < pass.end && pass.end == sigsys::gate::range().end);
/// ```
pub fn pass_range() -> Range<u64> {
    let start = core::ptr::addr_of!(GATE_PASS_START) as u64;
    start..range().end
}

/// The address of the gate's `rt_sigreturn` restorer, for `SA_RESTORER`.
///
/// # Examples
///
/// ```
/// assert_ne!(sigsys::gate::restorer(), 0);
/// ```
pub fn restorer() -> u64 {
    gate_restorer as unsafe extern "C" fn() as usize as u64
}
