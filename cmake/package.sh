#!/usr/bin/env bash
# Build libsuit_verify_ffi.a for one Rust target and lay out an install
# prefix usable by find_package(SuitVerify) and pkg-config:
#
#   cmake/package.sh PREFIX [RUST_TARGET] [FEATURES] [PROFILE]
#
#   PREFIX/include/suit_verify.h
#   PREFIX/lib/libsuit_verify_ffi.a
#   PREFIX/lib/cmake/SuitVerify/{SuitVerifyConfig,SuitVerifyConfigVersion}.cmake, rust-target.txt
#   PREFIX/lib/pkgconfig/suit-verify.pc
#   PREFIX/SHA256SUMS
#
# Defaults: host target, features "ed25519,p256,error-messages" (bare metal:
# plus opt-size,panic-handler), profile release (bare metal: release-size; release-speed for
# the speed build).
# CARGO_TARGET_DIR is honoured (default target/package).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
prefix="${1:?usage: cmake/package.sh PREFIX [RUST_TARGET] [FEATURES] [PROFILE]}"
host="$(rustc -vV | sed -n 's/^host: //p')"
target="${2:-$host}"
case "$target" in
  *-none*) def_features="ed25519,p256,opt-size,panic-handler,error-messages"; def_profile=release-size ;;
  *) def_features="ed25519,p256,error-messages"; def_profile=release ;;
esac
features="${3:-$def_features}"
profile="${4:-$def_profile}"
tdir="${CARGO_TARGET_DIR:-$root/target/package}"
# Size or speed: release-size gets the compact SHA-256 from .cargo/config.toml (bare-metal
# Arm), which cargo ignores whenever RUSTFLAGS is set; release-speed wants the unrolled one.
unset CARGO_ENCODED_RUSTFLAGS
if [ "$profile" = release-speed ]; then export RUSTFLAGS=; else unset RUSTFLAGS; fi
(cd "$root" && CARGO_TARGET_DIR="$tdir" cargo rustc -q --locked -p suit-verify-ffi --lib --crate-type staticlib \
   --profile "$profile" --target "$target" --no-default-features --features "$features")
mkdir -p "$prefix/include" "$prefix/lib/cmake/SuitVerify" "$prefix/lib/pkgconfig"
prefix="$(cd "$prefix" && pwd)"
pdir="$profile"; [ "$pdir" = dev ] && pdir=debug
cp "$tdir/$target/$pdir/libsuit_verify_ffi.a" "$prefix/lib/"
cp "$root/include/suit_verify.h" "$prefix/include/"
cp "$here/SuitVerifyConfig.cmake" "$here/SuitVerifyConfigVersion.cmake" "$prefix/lib/cmake/SuitVerify/"
echo "$target" > "$prefix/lib/cmake/SuitVerify/rust-target.txt"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
abi="$(sed -n 's/^#define SUIT_ABI_VERSION \([0-9]*\)u*$/\1/p' "$root/include/suit_verify.h")"
case "$target" in
  *linux*) private="-lpthread -ldl -lm" ;;
  *) private="" ;;
esac
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@ABI@|$abi|" \
    -e "s|@TARGET@|$target|" -e "s|@PRIVATE@|$private|" \
    "$here/suit-verify.pc.in" > "$prefix/lib/pkgconfig/suit-verify.pc"
(cd "$prefix" && sha256sum include/suit_verify.h lib/libsuit_verify_ffi.a > SHA256SUMS)
echo "package: $prefix ($target, $features, $profile)"
