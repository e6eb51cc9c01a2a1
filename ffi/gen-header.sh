#!/usr/bin/env bash
# Generate include/suit_verify.h (or $1) with the pinned cbindgen, for the
# capacities in SUIT_VERIFY_MAX_COMPONENTS / SUIT_VERIFY_HASH_CTX_WORDS
# (defaults 4 / 32: the committed header). `--check` compares instead of
# writing and fails when the committed header is stale.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
want_version="0.29.4"
check=0
out="$root/include/suit_verify.h"
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    *) out="$a" ;;
  esac
done
have="$(cbindgen --version 2>/dev/null | awk '{print $2}')" || true
if [ "$have" != "$want_version" ]; then
  echo "gen-header: need cbindgen $want_version (have '${have:-none}'): cargo install --locked cbindgen@$want_version" >&2
  exit 2
fi
mc="${SUIT_VERIFY_MAX_COMPONENTS:-4}"
hw="${SUIT_VERIFY_HASH_CTX_WORDS:-32}"
# Base words: keep in sync with CTX_BASE_WORDS / VERIFIER_BASE_WORDS in ffi/src/lib.rs
# (a unit test compares the committed header with the Rust values).
cb="$(sed -n 's/^const CTX_BASE_WORDS: usize = \([0-9]*\);/\1/p' "$here/src/lib.rs")"
vb="$(sed -n 's/^const VERIFIER_BASE_WORDS: usize = \([0-9]*\);/\1/p' "$here/src/lib.rs")"
rev="$(sed -n 's/^const ABI_REVISION: u32 = \([0-9]*\);/\1/p' "$here/src/lib.rs")"
abi=$(( rev | (mc << 8) )) # SUIT_ABI_VERSION in ffi/src/lib.rs
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed -e "s/@MAX_COMPONENTS@/$mc/" -e "s/@HASH_CTX_WORDS@/$hw/" \
    -e "s/@CTX_BASE_WORDS@/$cb/" -e "s/@VERIFIER_BASE_WORDS@/$vb/" -e "s/@ABI_VERSION@/$abi/" \
    "$here/cbindgen.toml" > "$tmp/cbindgen.toml"
cbindgen --quiet --config "$tmp/cbindgen.toml" --crate suit-verify-ffi --output "$tmp/suit_verify.h" "$here"
# cbindgen writes `#endif // __cplusplus`; C89 preprocessors refuse the
# `//` comment, so it becomes a block comment.
sed -i -e 's|^#endif  *// *\(.*\)$|#endif  /* \1 */|' "$tmp/suit_verify.h"
# A negative constant in parentheses, so that `x-SUIT_PROCEDURE_UPDATE` is
# not `x--1`.
sed -i -e 's|^\(#define SUIT_[A-Z0-9_]*\) \(-[0-9][0-9]*\)$|\1 (\2)|' "$tmp/suit_verify.h"
# Result codes in hex, as the README, the CLI and the bands (0x04xx policy, ...) write them;
# cbindgen writes decimal.
awk '/^#define SUIT_RESULT_[A-Z0-9_]+ [0-9]+u$/ { sub(/u$/, "", $3); printf "#define %s 0x%04xu\n", $2, $3; next } { print }' \
  "$tmp/suit_verify.h" > "$tmp/hex.h" && mv "$tmp/hex.h" "$tmp/suit_verify.h"
if [ "$check" = 1 ]; then
  if ! cmp -s "$tmp/suit_verify.h" "$out"; then
    echo "gen-header: $out is stale; run ffi/gen-header.sh and commit it" >&2
    diff -u "$out" "$tmp/suit_verify.h" | head -40 >&2 || true
    exit 1
  fi
  echo "gen-header: $out is current"
else
  mkdir -p "$(dirname "$out")"
  cp "$tmp/suit_verify.h" "$out"
  echo "gen-header: wrote $out"
fi
