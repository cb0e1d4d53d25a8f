//! Fuzz target `format`: see `check_format` in `common.rs` for what it checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| common::check_format(data));
