//! Fuzz target `fuzz_policy`: the sample a user copies to fuzz their own handler policy.
//!
//! The body (take a frame, run the policy, check an invariant: three lines) is
//! `fuzz_one` in `examples/fuzz_policy.rs`, shared here so that the example, this target
//! and the stable replay test (`tests/corpus_replay.rs`) run the same code. In your own
//! `fuzz/` directory (`cargo fuzz init`, then `sigsys = { ..., features = ["arbitrary"] }`
//! in its Cargo.toml), this file is all you need, with your policy and invariant in place
//! of the sample's:
//!
//! ```ignore
//! #![no_main]
//! libfuzzer_sys::fuzz_target!(|frame: sigsys::testing::Frame| {
//!     let mut frame = frame;
//!     let Ok(mut trap) = frame.trap() else { return }; // a forged frame: nothing to do
//!     let call = trap.syscall();
//!     my_policy(&mut trap);                             // what the handler does
//!     my_invariant(&call, frame.outcome());             // what the caller must see
//! });
//! ```
#![no_main]

#[path = "../../examples/fuzz_policy.rs"]
#[allow(dead_code)] // its main()
mod sample;

libfuzzer_sys::fuzz_target!(|frame: sigsys::testing::Frame| sample::fuzz_one(frame));
