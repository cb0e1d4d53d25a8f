//! Replays every committed fuzz input on stable `cargo test`: the seed corpora under
//! `fuzz/corpus/<target>/` and the crash regressions under `fuzz/regressions/<target>/`, through
//! the same invariant checks the cargo-fuzz targets run (`fuzz/fuzz_targets/common.rs`).
//!
//! The sample target of `examples/fuzz_policy.rs` (`fuzz/fuzz_targets/fuzz_policy.rs`) is
//! replayed the same way: its body runs on the `sigsys::testing::Frame` that `arbitrary`
//! builds from each corpus file, as cargo-fuzz builds it.
//!
//! Regenerate the seed files with `SIGSYS_WRITE_SEEDS=1 cargo test --test corpus_replay`.

// x86_64 only for now: written against the x86_64, i386 and x32 tables and frames
// (aarch64 and riscv64: the unit tests of src/arch/asm_generic and the real-kernel tests).
#![cfg(target_arch = "x86_64")]

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

#[path = "../examples/fuzz_policy.rs"]
#[allow(dead_code)] // its main()
mod sample;

use std::fs;
use std::path::PathBuf;

fn dir(kind: &str, target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target)
}

fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir(kind, target)) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn replay(target: &str) {
    let mut n = 0;
    for kind in ["corpus", "regressions"] {
        for path in files(kind, target) {
            let data = fs::read(&path).expect("readable corpus file");
            println!("replaying {}", path.display());
            common::run(target, &data);
            n += 1;
        }
    }
    // The seeds themselves, even if the files were deleted.
    for seed in common::seeds(target) {
        common::run(target, &seed);
    }
    assert!(n > 0, "no committed corpus for {target}");
    println!("{target}: {n} files replayed");
}

#[test]
fn replay_decode() {
    replay("decode");
}

#[test]
fn replay_emulate() {
    replay("emulate");
}

#[test]
fn replay_restart() {
    replay("restart");
}

#[test]
fn replay_api() {
    replay("api");
}

#[test]
fn replay_format() {
    replay("format");
}

#[test]
fn replay_policy() {
    replay("policy");
}

/// The sample fuzz target's body over its corpus, on stable: each file becomes a `Frame`
/// exactly as libFuzzer's input becomes one (`arbitrary_take_rest`).
#[test]
fn replay_fuzz_policy_sample() {
    use arbitrary::{Arbitrary, Unstructured};
    use sigsys::testing::Frame;
    let mut n = 0;
    let mut decoded = 0;
    for kind in ["corpus", "regressions"] {
        for path in files(kind, "fuzz_policy") {
            let data = fs::read(&path).expect("readable corpus file");
            println!("replaying {}", path.display());
            if let Ok(mut frame) = Frame::arbitrary_take_rest(Unstructured::new(&data)) {
                decoded += usize::from(frame.trap().is_ok());
                sample::fuzz_one(frame);
            }
            n += 1;
        }
    }
    assert!(n > 0, "no committed corpus for fuzz_policy");
    assert!(
        decoded > 0,
        "no file of the fuzz_policy corpus decodes to a trap"
    );
    println!("fuzz_policy: {n} files replayed, {decoded} decoded");
}

/// The restart seeds reach acceptance for every instruction and each kind of refusal.
#[test]
fn restart_seeds_cover_acceptance_and_refusal() {
    use sigsys::RestartError as E;
    let outcomes: Vec<_> = common::seeds("restart")
        .iter()
        .filter_map(|s| common::check_restart(s))
        .collect();
    assert!(
        outcomes.iter().filter(|o| o.is_ok()).count() >= 3,
        "{outcomes:?}"
    );
    for want in [
        |o: &Result<(), E>| matches!(o, Err(E::Vsyscall)),
        |o: &Result<(), E>| matches!(o, Err(E::IpMoved { .. })),
        |o: &Result<(), E>| matches!(o, Err(E::NotASyscallInstruction { .. })),
        // i386 after `sysenter`: the kernel never reports that site.
        |o: &Result<(), E>| {
            matches!(
                o,
                Err(E::NotASyscallInstruction {
                    bytes: [0x0f, 0x34]
                })
            )
        },
        |o: &Result<(), E>| matches!(o, Err(E::Unreadable { .. })),
    ] {
        assert!(outcomes.iter().any(want), "{outcomes:?}");
    }
}

/// Regression test of the core bug the `api` target found (see
/// `common::ALLOW_IP_RANGE_BLOCK_END_FIXED`): a range ending on a 4 GiB boundary.
#[test]
fn allow_ip_range_up_to_a_4gib_boundary() {
    assert!(common::ip_range_allows(
        0xffff_f000..0x1_0000_0000,
        0xffff_f800
    ));
}

#[test]
fn every_target_is_replayed() {
    assert_eq!(
        common::TARGETS,
        ["decode", "emulate", "restart", "api", "format", "policy"]
    );
}

/// The committed seeds are the ones `common::seeds` generates (written with
/// `SIGSYS_WRITE_SEEDS=1`).
#[test]
fn seeds_are_committed() {
    let write = std::env::var_os("SIGSYS_WRITE_SEEDS").is_some();
    for target in common::TARGETS {
        let d = dir("corpus", target);
        for (i, seed) in common::seeds(target).into_iter().enumerate() {
            let path = d.join(format!("seed-{i:02}"));
            if write {
                fs::create_dir_all(&d).unwrap();
                fs::write(&path, &seed).unwrap();
            }
            let on_disk = fs::read(&path).unwrap_or_else(|e| {
                panic!("{}: {e} (run with SIGSYS_WRITE_SEEDS=1)", path.display())
            });
            assert!(on_disk == seed, "{} is stale", path.display());
        }
    }
}

/// The decode seeds reach each error of issue 16 point 7 and each site a number equal to
/// -ERESTART* can leave.
#[test]
fn decode_seeds_cover_the_kernel_states() {
    use sigsys::DecodeError as E;
    let outcomes: Vec<_> = common::seeds("decode")
        .iter()
        .map(|s| common::decode_outcome(s))
        .collect();
    for (what, want) in [
        (
            "vsyscall",
            &(|o: &Result<sigsys::Site, E>| o == &Ok(sigsys::Site::Vsyscall))
                as &dyn Fn(&_) -> bool,
        ),
        ("rewound", &|o| o == &Ok(sigsys::Site::Rewound)),
        ("bad vsyscall", &|o| matches!(o, Err(E::BadVsyscall { .. }))),
        ("errno", &|o| {
            matches!(o, Err(E::UnexpectedErrno { code: 1, .. }))
        }),
        ("sud errno", &|o| {
            matches!(o, Err(E::UnexpectedErrno { code: 2, .. }))
        }),
        ("number", &|o| matches!(o, Err(E::NumberMismatch { .. }))),
        ("ip", &|o| matches!(o, Err(E::IpMismatch { .. }))),
    ] {
        assert!(
            outcomes.iter().any(want),
            "no seed reaches {what}: {outcomes:?}"
        );
    }
}
