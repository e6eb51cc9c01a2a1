#!/usr/bin/env bash
# Build libsuit_verify_ffi.a for one Rust target and lay out an install
# prefix usable by find_package(SuitVerify) and pkg-config:
#
#   cmake/package.sh PREFIX [RUST_TARGET] [FEATURES] [PROFILE]
#
#   PREFIX/include/suit_verify.h
#   PREFIX/lib/libsuit_verify_ffi.a
#   PREFIX/lib/cmake/SuitVerify/SuitVerify{Config,ConfigVersion,Targets}.cmake,
#     rust-target.txt, features.txt (what the library was built for; the Zephyr
#     module's CONFIG_SUIT_VERIFY_PREBUILT_DIR compares them with the Kconfig)
#   PREFIX/lib/pkgconfig/suit-verify.pc
#   PREFIX/SHA256SUMS
#
# Defaults: host target, features "ed25519,p256,install,error-messages" (bare metal:
# plus opt-size,panic-handler), profile release (bare metal: release-size; release-speed for
# the speed build).
# CARGO_TARGET_DIR is honoured (default target/package). SUIT_VERIFY_MAX_COMPONENTS /
# SUIT_VERIFY_HASH_CTX_WORDS other than the defaults (4 / 32) build the library with those
# capacities and generate its header (ffi/gen-header.sh, needs cbindgen 0.29.4): the
# committed header describes the defaults only, and suit_ctx_init refuses a mismatch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
prefix="${1:?usage: cmake/package.sh PREFIX [RUST_TARGET] [FEATURES] [PROFILE]}"
host="$(rustc -vV | sed -n 's/^host: //p')"
target="${2:-$host}"
case "$target" in
  *-none*) def_features="ed25519,p256,install,opt-size,panic-handler,error-messages"; def_profile=release-size ;;
  *) def_features="ed25519,p256,install,error-messages"; def_profile=release ;;
esac
features="${3:-$def_features}"
profile="${4:-$def_profile}"
tdir="${CARGO_TARGET_DIR:-$root/target/package}"
case "$target,$features," in
  *-none*,*panic-handler,*) ;;
  *-none*) echo "package: the bare-metal target $target needs the feature panic-handler (features: $features)" >&2
           exit 2 ;;
esac
# The header first (it fails fast when cbindgen is missing), into a scratch
# file: PREFIX is written only once the library is built.
header="$(mktemp)"
trap 'rm -f "$header"' EXIT
if [ "${SUIT_VERIFY_MAX_COMPONENTS:-4}" = 4 ] && [ "${SUIT_VERIFY_HASH_CTX_WORDS:-32}" = 32 ]; then
  cp "$root/include/suit_verify.h" "$header"
else
  "$root/ffi/gen-header.sh" "$header"
fi
# Size or speed: release-size gets the compact SHA-256 from .cargo/config.toml (bare-metal
# Arm), which cargo ignores whenever RUSTFLAGS is set; release-speed wants the unrolled one.
unset CARGO_ENCODED_RUSTFLAGS
if [ "$profile" = release-speed ]; then export RUSTFLAGS=; else unset RUSTFLAGS; fi
(cd "$root" && CARGO_TARGET_DIR="$tdir" cargo rustc -q --locked -p suit-verify-ffi --lib --crate-type staticlib \
   --profile "$profile" --target "$target" --no-default-features --features "$features")
pdir="$profile"; [ "$pdir" = dev ] && pdir=debug
mkdir -p "$prefix/include" "$prefix/lib/cmake/SuitVerify" "$prefix/lib/pkgconfig"
prefix="$(cd "$prefix" && pwd)"
cp "$tdir/$target/$pdir/libsuit_verify_ffi.a" "$prefix/lib/"
cp "$header" "$prefix/include/suit_verify.h" && chmod 644 "$prefix/include/suit_verify.h"
cp "$here/SuitVerifyConfig.cmake" "$here/SuitVerifyConfigVersion.cmake" "$here/SuitVerifyTargets.cmake" \
   "$prefix/lib/cmake/SuitVerify/"
echo "$target" > "$prefix/lib/cmake/SuitVerify/rust-target.txt"
echo "$features" > "$prefix/lib/cmake/SuitVerify/features.txt"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
abi="$(sed -n 's/^#define SUIT_ABI_VERSION \([0-9]*\)u*$/\1/p' "$prefix/include/suit_verify.h")"
case "$target" in
  *linux*) private="-lpthread -ldl -lm" ;;
  *) private="" ;;
esac
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@ABI@|$abi|" \
    -e "s|@TARGET@|$target|" -e "s|@PRIVATE@|$private|" \
    "$here/suit-verify.pc.in" > "$prefix/lib/pkgconfig/suit-verify.pc"
(cd "$prefix" && sha256sum include/suit_verify.h lib/libsuit_verify_ffi.a > SHA256SUMS)
echo "package: $prefix ($target, $features, $profile)"
