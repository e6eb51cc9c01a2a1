#!/usr/bin/env bash
# Long fuzzing run (hours): every target, niced, two at a time by default,
# on the same corpora as the smoke run (fuzz/corpus grows across runs).
#
#   scripts/fuzz-long.sh                     2 h per target, 2 targets at a time
#   FUZZ_HOURS=8 scripts/fuzz-long.sh        8 h per target
#   FUZZ_SECONDS=600 scripts/fuzz-long.sh    10 min per target
#   FUZZ_TARGETS="processor structured" FUZZ_JOBS=1 scripts/fuzz-long.sh
#
# Results: the same table and "N passed, N failed" line as
# scripts/fuzz-smoke.sh; logs in fuzz/logs/, crashing inputs in
# fuzz/artifacts/<target>/ (turn each into a regression test, see fuzz-smoke.sh).
# For coverage reports afterwards:
#   cargo +nightly fuzz coverage <target> fuzz/corpus/<target>
set -euo pipefail
cd "$(dirname "$0")/.."
hours="${FUZZ_HOURS:-2}"
export FUZZ_SECONDS="${FUZZ_SECONDS:-$((hours * 3600))}"
export FUZZ_JOBS="${FUZZ_JOBS:-2}"
export FUZZ_NICE="${FUZZ_NICE:-nice -n 10}"
exec scripts/fuzz-smoke.sh
