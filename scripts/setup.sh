#!/usr/bin/env bash
# Installs what the test suite needs, only when missing: rustup targets and
# components, the oldest Rust the crates declare (rust-version), Debian packages (host and
# cross compilers, QEMU, CMake, clang), the pinned cbindgen and cargo-fuzz. Safe to run
# again: each step is a no-op when done.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
CBINDGEN_VERSION=0.29.4
CARGO_FUZZ_VERSION=0.13.2

need_apt=()
for p in gcc gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm cmake clang pkg-config python3-yaml openssl; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
if ((${#need_apt[@]})); then
  echo "setup: apt-get install ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

installed_targets=$(rustup target list --installed)
for t in thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabi thumbv7em-none-eabihf x86_64-unknown-none; do
  grep -qx "$t" <<<"$installed_targets" || rustup target add "$t"
done
installed_components=$(rustup component list --installed)
for c in clippy rustfmt llvm-tools; do
  grep -q "^$c" <<<"$installed_components" || rustup component add "$c"
done
# The oldest Rust the crates declare (Cargo.toml's rust-version), for the test suite's MSRV
# check: a minimal toolchain with the Cortex-M4F target.
msrv="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' "$(dirname "$0")/../Cargo.toml" | head -1)"
if [ -n "$msrv" ]; then
  rustup toolchain list | grep -q "^$msrv-" || rustup toolchain install "$msrv" --profile minimal
  rustup +"$msrv" target list --installed | grep -qx thumbv7em-none-eabihf ||
    rustup +"$msrv" target add thumbv7em-none-eabihf
fi
if rustup toolchain list | grep -q '^nightly'; then
  nightly_components=$(rustup +nightly component list --installed)
  for c in miri rust-src llvm-tools; do
    grep -q "^$c" <<<"$nightly_components" || rustup +nightly component add "$c"
  done
  nightly_targets=$(rustup +nightly target list --installed)
  for t in thumbv7m-none-eabi thumbv7em-none-eabihf; do
    grep -qx "$t" <<<"$nightly_targets" || rustup +nightly target add "$t"
  done
fi

if ! cbindgen --version 2>/dev/null | grep -q "$CBINDGEN_VERSION"; then
  echo "setup: cargo install cbindgen $CBINDGEN_VERSION (about 3 minutes)"
  cargo install -q --locked "cbindgen@$CBINDGEN_VERSION"
fi
if ! cargo +nightly fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "setup: cargo install cargo-fuzz $CARGO_FUZZ_VERSION (about 3 minutes)"
  cargo +nightly install -q --locked "cargo-fuzz@$CARGO_FUZZ_VERSION"
fi
echo "setup: ok"
