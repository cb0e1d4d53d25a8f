//! Builds the loader (`loader/`, a separate `no_std` package with its own profile and link
//! arguments) and hands its path to the launcher, which embeds it.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = out.join("loader-target");
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--release")
        .arg("--manifest-path")
        .arg(manifest.join("loader/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    // The outer build's flags are for the host programs, not for the loader (its link
    // arguments are in loader/build.rs).
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PROFILE_RELEASE_DEBUG",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status().expect("cannot run cargo to build the loader");
    assert!(
        status.success(),
        "building the loader (sigsys-trace/loader) failed"
    );
    let bin = target_dir.join("release/sigsys-trace-loader");
    println!("cargo:rustc-env=SIGSYS_TRACE_LOADER={}", bin.display());
    for p in [
        "loader/src",
        "loader/Cargo.toml",
        "loader/build.rs",
        "src/protocol.rs",
        "../src",
        "../Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", manifest.join(p).display());
    }
}
