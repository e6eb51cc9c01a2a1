#!/usr/bin/env bash
# Every figure of PERFORMANCE.md (issue 7): host benchmarks and Cortex-M measurements, then
# the Markdown tables in target/perf/report.md (printed too).
#
#   scripts/perf-report.sh                 everything (about 5-10 minutes on 2 cores)
#   scripts/perf-report.sh --no-host       Cortex-M only (deterministic: the same numbers on
#                                          every run and machine with the same toolchain)
#   scripts/perf-report.sh --host-only     host benchmarks only (noisy: quote medians/ratios)
#
# Host benchmarks run under `nice`; never build them with -C target-cpu=native (it makes
# sha2's SHA-NI path ~150x slower on this toolchain, ../shared/PERF-FACTS.md section 2.2).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/perf-lib.sh
source scripts/perf-lib.sh
host=1
cortex=1
case "${1:-}" in
  --no-host) host=0 ;;
  --host-only) cortex=0 ;;
  "") ;;
  *) echo "usage: $0 [--no-host | --host-only]" >&2; exit 2 ;;
esac
case "${RUSTFLAGS:-}" in *target-cpu=native*) echo "refusing: RUSTFLAGS has target-cpu=native" >&2; exit 2 ;; esac
t0=$SECONDS
perf_require

if [ "$host" = 1 ]; then
  perf_log "host: criterion benches (auth, processor, image)"
  nice cargo bench -q --bench auth --bench processor --bench image 2>&1 |
    grep -E "^[a-z_]+/|time:|thrpt:" || true
  perf_log "host: paired ratios"
  nice cargo bench -q --bench paired 2>&1 | grep '^paired' || true
fi

if [ "$cortex" = 1 ]; then
  perf_log "Cortex-M: instructions and stack (chosen build, both boards)"
  perf_run an385 both
  perf_run an386 both
  perf_log "Cortex-M: stack of the shipped library (example firmware, M4)"
  perf_fw_stack
  perf_log "Cortex-M: the C ABI regions on the shipped library (M4; M3 for both algorithms)"
  perf_shipped
  perf_shipped both an385
  perf_log "Cortex-M: instruction levers (M4)"
  for v in both-unrolled both-fast both-unrolled-o3 both-fast-unrolled-o3; do perf_run an386 "$v"; done
  perf_log "flash: levers, floors, boot-only"
  for a in ed25519 p256 both; do
    for suf in "" -nomsg -unrolled -fast-unrolled -fast-unrolled-nolto -nolto -unrolled-o3 -fast-unrolled-o3; do
      perf_flash "$a$suf" >"$PERF_OUT/flash-$a$suf.txt"
      head -1 "$PERF_OUT/flash-$a$suf.txt"
    done
    for suf in "" -unrolled -fast; do perf_floor "$a$suf" | head -1 || true; done
    PERF_FLASH_ROOTS="$PERF_BOOT_ROOTS" PERF_FLASH_LABEL=boot perf_flash "$a" | head -1 || true
    PERF_FLASH_ROOTS="$PERF_BOOT_ROOTS" PERF_FLASH_LABEL=boot perf_flash "$a-noinstall" | head -1 || true
    PERF_FLASH_ROOTS="$PERF_AUTH_ROOTS" PERF_FLASH_LABEL=auth perf_flash "$a" | head -1 || true
  done
  # No signature crate: the firmware's own verify (and digest) through suit_ctx_set_crypto.
  PERF_FLASH_ROOTS="$PERF_BOOT_ROOTS suit_ctx_set_crypto" PERF_FLASH_LABEL=boot perf_flash none |
    head -1 || true
fi

python3 perf/figures.py report >"$PERF_OUT/report.md"
cat "$PERF_OUT/report.md"
perf_log "done in $((SECONDS - t0))s; tables in $PERF_OUT/report.md"
