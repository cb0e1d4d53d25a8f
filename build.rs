//! Sets `cfg(sigsys_supported)` for the targets the crate has a port for (Linux on x86_64,
//! aarch64, riscv64 and arm), so that `src/lib.rs` names them in one place: every item there
//! carries that one attribute, and any other target meets the `compile_error!`.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(sigsys_supported)");
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if os == "linux" && matches!(arch.as_str(), "x86_64" | "aarch64" | "riscv64" | "arm") {
        println!("cargo:rustc-cfg=sigsys_supported");
    }
}
