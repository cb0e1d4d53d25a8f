//! Fuzz target `policy`: see `check_policy` in `common.rs` for what it checks. Its input is
//! built by `arbitrary` (`sigsys::testing::Frame` with the crate's `arbitrary` feature), the
//! way a user's own target takes its frames.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|input: common::PolicyInput| common::check_policy(input));
