#!/usr/bin/env bash
# Performance guard (issue 7): measures the deterministic figures and compares them with
# perf/budgets.toml; exits 1 with a message naming what grew. Called from scripts/test.sh.
#
#   scripts/perf-check.sh                    build, measure, check
#   scripts/perf-check.sh --update-budgets   measure, then set every budget to measured + 3 %
#                                            and record perf/baseline.json (commit both)
#
# Measures (see scripts/perf-lib.sh, PERFORMANCE.md): flash of the C ABI library for
# Ed25519-only, P-256-only and both (thumbv7em, opt-level "z"), every function kept, and of
# the verifier functions only (PERF_BOOT_ROOTS) for Ed25519-only and both; instructions and stack of the
# measurement firmware on QEMU mps2-an386 (Cortex-M4); the stack of the shipped library in the
# example firmware (scripts/firmware.sh); and the measurement firmware's C ABI regions linked
# with the shipped library of each algorithm set (perf_shipped). ~20 s warm, ~2 minutes on a fresh clone.
# Installs nothing: needs what scripts/setup.sh installs (cross gcc, newlib, QEMU, targets).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/perf-lib.sh
source scripts/perf-lib.sh
t0=$SECONDS
perf_require
for v in ed25519 p256 both ed25519-nomsg; do
  perf_flash "$v" >"$PERF_OUT/flash-$v.txt"
  head -1 "$PERF_OUT/flash-$v.txt"
done
for v in ed25519 both ed25519-noinstall; do
  PERF_FLASH_ROOTS="$PERF_BOOT_ROOTS" PERF_FLASH_LABEL=boot perf_flash "$v" >"$PERF_OUT/flash-$v-boot.txt"
  head -1 "$PERF_OUT/flash-$v-boot.txt"
done
# Authentication alone: guarded since a change linked the processor into it unseen (+13.7 KB).
for v in ed25519 both; do
  PERF_FLASH_ROOTS="$PERF_AUTH_ROOTS" PERF_FLASH_LABEL=auth perf_flash "$v" >"$PERF_OUT/flash-$v-auth.txt"
  head -1 "$PERF_OUT/flash-$v-auth.txt"
done
perf_run an386 both
perf_fw_stack
perf_shipped
perf_log "measured in $((SECONDS - t0))s"
if [ "${1:-}" = "--update-budgets" ]; then
  python3 perf/figures.py update perf/budgets.toml "${PERF_BUDGET_MARGIN:-3}"
  exit 0
fi
if python3 perf/figures.py check perf/budgets.toml; then
  echo "perf-check: all figures within budget"
else
  echo "perf-check: a figure grew past its budget (perf/budgets.toml). If the growth is" \
       "intended, re-measure and commit: scripts/perf-check.sh --update-budgets"
  exit 1
fi
