//! Links the loader as a static, position-dependent executable at a fixed address, with no
//! C runtime: the program it loads brings its own.
fn main() {
    for arg in [
        "-nostartfiles",
        "-nostdlib",
        "-static",
        "-no-pie",
        // High in the address space and the same in every image: far from where the
        // kernel puts non-PIE programs (0x400000), PIE ones (0x55..) and mappings (0x7f..).
        "-Wl,--image-base=0x6ffff0000000",
        "-Wl,--build-id=none",
        // Everything resolved inside: no C library, no dynamic section.
        "-Wl,--no-undefined",
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
