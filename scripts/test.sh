#!/usr/bin/env bash
# The whole test suite: the README's second quick-start command and what CI
# runs (`.ci/run` calls this). It installs what it needs when missing
# (rustup targets and components, the MSRV toolchain, apt packages, cbindgen,
# cargo-fuzz), then runs every check and ends with one line "N passed, N failed"
# (steps).
#
#   scripts/test.sh            everything
#   SUIT_SKIP_FUZZ=1 ...       skip the fuzz smoke run (local iteration only)
#   FUZZ_SECONDS=60 ...        seconds per fuzz target (default 30)
#   FUZZ_JOBS=N, MIRI_JOBS=N   fuzz targets / Miri test processes at a time (default: the
#                              CPUs, at most 4)
#   SUIT_IETF_VECTORS=DIR      where the IETF vectors are (default ../shared/vectors/ietf)
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export SUIT_IETF_VECTORS="${SUIT_IETF_VECTORS:-$(cd .. && pwd)/shared/vectors/ietf}"
t0=$SECONDS
passed=0
failed=0
failures=()

step() {
  local name="$1"
  shift
  echo
  echo "=== [$((SECONDS - t0))s] $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "--- ok: $name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "--- FAILED: $name"
  fi
}

if [ ! -f "$SUIT_IETF_VECTORS/README.md" ]; then
  echo "IETF vectors not found at $SUIT_IETF_VECTORS (set SUIT_IETF_VECTORS)" >&2
  exit 1
fi

# ---- tools ---------------------------------------------------------------
scripts/setup.sh || { echo "setup failed" >&2; exit 1; }

# ---- Rust: format, lints, tests -------------------------------------------
step "cargo fmt --check" cargo fmt --all -- --check
step "clippy (host, all targets, all features)" cargo clippy --workspace --all-targets --all-features -- -D warnings
step "clippy (core, no default features)" cargo clippy -p suit-verify --no-default-features -- -D warnings
step "clippy (core, p256 only, with tests)" cargo clippy -p suit-verify --no-default-features --features p256 --all-targets -- -D warnings
step "clippy (core, ed25519 only, with tests)" cargo clippy -p suit-verify --no-default-features --features ed25519 --all-targets -- -D warnings
step "clippy (core, thumbv7em-none-eabihf)" cargo clippy -p suit-verify --target thumbv7em-none-eabihf -- -D warnings
# The oldest Rust the crates declare (Cargo.toml's rust-version; scripts/setup.sh installs
# it): every crate, and the C library for Cortex-M4F as firmware builds it (its default
# features, panic handler included, and opt-size). A check, not a build, and no -D warnings:
# an older compiler's lints differ from the current one's.
msrv="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
msrv_check() {
  CARGO_TARGET_DIR=target/msrv cargo +"$msrv" check -q --locked --workspace --all-features &&
    CARGO_TARGET_DIR=target/msrv cargo +"$msrv" check -q --locked -p suit-verify-ffi \
      --target thumbv7em-none-eabihf --features opt-size
}
step "MSRV: Rust $msrv (workspace, and the C library for thumbv7em-none-eabihf)" msrv_check
# The property tests sign and verify hundreds of envelopes, slowly with the crypto crates
# unoptimized (~100 s with all features). These two runs build those crates at opt-level 2;
# our crates keep opt-level 0 and every debug check. (Set in Cargo.toml's dev profile instead,
# it reached every debug build, thumb ones included, and cost more time than it saved.)
fast_crypto=()
for c in sha2 ed25519-compact p256 primeorder elliptic-curve crypto-bigint ecdsa; do
  fast_crypto+=(--config "profile.dev.package.$c.opt-level=2")
done
step "cargo test (workspace, default features)" cargo test --workspace "${fast_crypto[@]}"
step "cargo test (core, all features)" cargo test -p suit-verify --all-features "${fast_crypto[@]}"
step "cargo test (core, ed25519 only)" cargo test -p suit-verify --no-default-features --features ed25519,install --lib --test features --test processor_rules
step "cargo test (core, ed25519 only, boot-only: no install)" cargo test -p suit-verify --no-default-features --features ed25519 --lib --test features
step "cargo test (core, p256 only)" cargo test -p suit-verify --no-default-features --features p256 --lib --test features --test ietf_auth --test processor_ietf
step "cargo test (C ABI, ed25519 only, no error messages)" cargo test -p suit-verify-ffi --no-default-features --features ed25519,install --lib
step "example: update_flow" cargo run -q -p suit-verify --example update_flow
step "cargo doc (core, warnings denied)" env RUSTDOCFLAGS="-D warnings" cargo doc -p suit-verify --no-deps -q

# ---- no_std builds: nothing may pull in std ----------------------------------
for t in thumbv6m-none-eabi thumbv7em-none-eabihf x86_64-unknown-none; do
  step "no_std build: $t" cargo build -q -p suit-verify --target "$t"
done

# ---- the rest of the suite ------------------------------------------------------
# (scripts/demo.sh runs inside `cargo test` through cli/tests/demo.rs.)
for s in test-c.sh "panic-check.sh --self-test" perf-check.sh; do
  [ -x "scripts/${s%% *}" ] && step "scripts/$s" scripts/$s
done
if [ -z "${SUIT_SKIP_FUZZ:-}" ] && [ -x scripts/fuzz-smoke.sh ]; then
  step "scripts/fuzz-smoke.sh" scripts/fuzz-smoke.sh
fi

echo
echo "=== done in $((SECONDS - t0))s"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
