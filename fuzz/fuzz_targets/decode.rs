//! Fuzz target `decode`: see `check_decode` in `common.rs` for what it checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| common::check_decode(data));
