#!/usr/bin/env bash
# Generate the fuzz seed corpora into fuzz/corpus/<target>/ (not committed):
# every .cbor file of the IETF vectors, envelopes built and signed by
# suit-encoder (hand-written ones per feature plus ones drawn from the
# structured generator), every bstr-wrapped item inside them for the `cbor`
# target, and the framings the `processor`, `auth_bypass` and `image`
# targets expect. The generator is fuzz/seedgen (a plain std binary).
#
#   scripts/fuzz-seed.sh               seeds into fuzz/corpus
#   SUIT_IETF_VECTORS=DIR ...          where the IETF vectors are
#                                      (default ../shared/vectors/ietf)
set -euo pipefail
cd "$(dirname "$0")/.."
export SUIT_IETF_VECTORS="${SUIT_IETF_VECTORS:-$(cd .. && pwd)/shared/vectors/ietf}"
out="${1:-fuzz/corpus}"
cargo build -q --release --manifest-path fuzz/seedgen/Cargo.toml --target-dir fuzz/target/seedgen
fuzz/target/seedgen/release/suit-fuzz-seedgen "$out"
