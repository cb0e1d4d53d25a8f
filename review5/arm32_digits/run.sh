#!/bin/sh
# The x86_64 build (right) and the armv7 build under qemu-arm-static (wrong).
# Needs: rustup target add --toolchain 1.95.0 armv7-unknown-linux-gnueabihf; apt-get install qemu-user-static
set -e
cd "$(dirname "$0")"
export CARGO_TARGET_DIR=$(cd ../.. && pwd)/target/arm32
cargo +1.95.0 run -q || true
CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc \
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo +1.95.0 build -q --target armv7-unknown-linux-gnueabihf
qemu-arm-static $CARGO_TARGET_DIR/armv7-unknown-linux-gnueabihf/debug/arm32-digits
