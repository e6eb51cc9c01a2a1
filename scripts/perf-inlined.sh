#!/usr/bin/env bash
# Where the flash of our code goes, by source function with its inlined copies
# (perf/inlined.py), for the verifier functions a firmware links.
#
#   scripts/perf-inlined.sh                 Ed25519 only
#   scripts/perf-inlined.sh both --top 60   another variant (scripts/perf-lib.sh), more rows
#
# Builds the variant as scripts/perf-check.sh does, with debug info added
# (CARGO_PROFILE_RELEASE_SIZE_DEBUG=2), in target/perf-inlined/ so the guard's
# builds are not disturbed. Debug info does not change the code much: 52,430 B
# against 52,418 B without it (Ed25519 verifier functions, 2026-11-27).
set -euo pipefail
cd "$(dirname "$0")/.."
variant="${1:-ed25519}"
shift || true
export PERF_OUT="$PWD/target/perf-inlined" CARGO_PROFILE_RELEASE_SIZE_DEBUG=2
# shellcheck source=scripts/perf-lib.sh
source scripts/perf-lib.sh
perf_require
PERF_FLASH_ROOTS="$PERF_BOOT_ROOTS" PERF_FLASH_LABEL=boot perf_flash "$variant" | head -1
python3 perf/inlined.py "$PERF_OUT/size-$variant-boot.elf" "$@"
