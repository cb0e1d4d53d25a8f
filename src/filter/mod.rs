//! Classic-BPF pieces for seccomp filters that work with the gate.
//!
//! [`gate_prefix`] goes in front of any filter: it lets every call made from the gate
//! through and falls through to the rest of the filter otherwise. A filter that traps
//! everything after it then makes the SIGSYS handler the only way out of the process: the
//! supervisor from the original thread.
//!
//! The gate is trusted by position, not by caller: any code in the process can jump into
//! it and make any system call. A gate-prefixed filter is therefore the supervision of
//! cooperative code (a tracer, an emulator, a compatibility layer), not a security boundary
//! against code that knows the gate's address.

//! The pieces, each in a file of its own:
//!
//! - `insn.rs`: single instructions ([`stmt`], [`jump`], [`load_nr`], [`load_arch`],
//!   [`ret`], [`errno`]);
//! - `prefix.rs`: the gate's rule ([`allow_ip_range`], [`gate_prefix`],
//!   [`gate_prefix_allowing`]);
//! - `rules.rs`: rules filters need after it ([`allow_tagged`], [`check_arch`]);
//! - `install.rs`: installing a program and reading one back ([`install`],
//!   [`read_program`]);
//! - `compose.rs`: a program's own filter behind the handler's exemption ([`compose`]);
//! - `program.rs`: [`Program`], the builder that computes every jump.

mod compose;
mod insn;
mod install;
mod prefix;
mod program;
mod rules;

pub use compose::{compose, COMPOSE_PREFIX_LEN};
pub use insn::{errno, jump, load_arch, load_nr, ret, stmt};
pub use install::{install, read_program, MAX_INSNS};
pub use prefix::{
    allow_ip_range, gate_prefix, gate_prefix_allowing, ALLOW_IP_RANGE_LEN, GATE_PREFIX_LEN,
};
pub use program::Program;
pub use rules::{allow_tagged, check_arch, ALLOW_TAGGED_LEN, CHECK_ARCH_LEN, FOREIGN_NR};
