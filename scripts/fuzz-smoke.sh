#!/usr/bin/env bash
# Fuzz smoke run: every cargo-fuzz target for a short time, failing on any
# crash, panic, leak, timeout or out-of-memory. Part of scripts/test.sh.
#
#   scripts/fuzz-smoke.sh                  every target, 30 s each
#   FUZZ_SECONDS=60 scripts/fuzz-smoke.sh  seconds per target
#   FUZZ_TARGETS="cbor processor" ...      a subset
#   FUZZ_JOBS=2 ...                        targets run at the same time (default: the
#                                          CPUs, at most 4; each target has one CPU)
#   SUIT_IETF_VECTORS=DIR ...              IETF vectors for the seeds
#
# scripts/fuzz-long.sh runs the same targets for hours.
#
# Steps: install cargo-fuzz (nightly) when missing; check that release
# builds do not carry the signature bypass; seed the corpora
# (scripts/fuzz-seed.sh); build the normal targets (fuzz/target) and the
# signature-bypass targets (RUSTFLAGS="--cfg suit_fuzzing_bypass",
# fuzz/target-bypass); run each; print executions/s and coverage
# (libFuzzer's "cov" = covered edges, "ft" = features) per target, and end
# with "N passed, N failed" (targets).
#
# A crash leaves its input in fuzz/artifacts/<target>/. Reproduce it with
#   cargo +nightly fuzz run -O -a <target> fuzz/artifacts/<target>/<file>
# (add RUSTFLAGS="--cfg suit_fuzzing_bypass" --target-dir fuzz/target-bypass
# for auth_bypass and processor), fix it, and add the input as a test beside
# the behaviour it broke (e.g. tests/processor_rules.rs).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TERM_COLOR=never
export SUIT_IETF_VECTORS="${SUIT_IETF_VECTORS:-$(cd .. && pwd)/shared/vectors/ietf}"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
# AddressSanitizer keeps the stack of every allocation in a depot it never
# frees; the recursive CBOR oracle of the `cbor` target makes the number of
# distinct 30-frame stacks grow without bound (2 GB after 7 minutes). Eight
# frames of allocation context keep reports useful and memory flat.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=8}"
cpus="$(nproc 2>/dev/null || echo 1)"
FUZZ_JOBS="${FUZZ_JOBS:-$((cpus < 4 ? cpus : 4))}"
FUZZ_NICE="${FUZZ_NICE:-}"
NORMAL="cbor envelope auth image structured"
BYPASS="auth_bypass processor"
if grep -q '^name = "ffi"' fuzz/Cargo.toml; then
  NORMAL="$NORMAL ffi"
fi
TARGETS="${FUZZ_TARGETS:-$NORMAL $BYPASS}"
logs="${FUZZ_LOGS:-fuzz/logs}"
mkdir -p "$logs"

is_bypass() { case " $BYPASS " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- 1. cargo-fuzz ---------------------------------------------------------
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (nightly, ~3 min)"
  cargo +nightly install --locked cargo-fuzz || exit 1
fi

# ---- 2. no release artifact carries the bypass ------------------------------
# The cfg may only appear in the one function that reads it (src/auth.rs),
# the lint table that declares it (Cargo.toml) and the fuzz crate. Nothing
# that configures a build (cargo config, build scripts, profiles) may set it.
# (Options before the pattern: after `--` grep takes every argument as a file.)
bad=$(grep -rIl --include='*.toml' --include='*.rs' --include='*.sh' \
  --include='*.cmake' --include='CMakeLists.txt' --include='Makefile' \
  -e 'suit_fuzzing_bypass' . 2>/dev/null |
  grep -v -e '^./fuzz/' -e '^./target' -e '^./src/auth.rs$' -e '^./Cargo.toml$' \
    -e '^./scripts/fuzz-' -e '^./tests/' -e '^./docs/' || true)
if [ -n "$bad" ]; then
  echo "FAILED: suit_fuzzing_bypass mentioned outside the fuzz setup: $bad"
  exit 1
fi
if grep -n 'suit_fuzzing_bypass' Cargo.toml | grep -v 'check-cfg' >/dev/null; then
  echo "FAILED: Cargo.toml sets suit_fuzzing_bypass"
  exit 1
fi
# And behaviourally: the release profile (what artifacts are built with),
# without any RUSTFLAGS from the environment, rejects a tampered signature.
# (--exact and "1 passed": a renamed test must not make this pass vacuously.)
if ! env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS cargo test -q --release --test budgets \
  release_build_rejects_tampered_signatures -- --exact >"$logs/release-guard.log" 2>&1 ||
  ! grep -q "test result: ok. 1 passed" "$logs/release-guard.log"; then
  cat "$logs/release-guard.log"
  echo "FAILED: the release build accepts a tampered signature"
  exit 1
fi
echo "release build: signature bypass absent (tampered signatures rejected)"

# ---- 3. seeds ----------------------------------------------------------------
scripts/fuzz-seed.sh fuzz/corpus || exit 1

# ---- 4. build ----------------------------------------------------------------
build() {
  local t="$1"
  if is_bypass "$t"; then
    RUSTFLAGS="--cfg suit_fuzzing_bypass" $FUZZ_NICE cargo +nightly fuzz build -O -a \
      --target-dir fuzz/target-bypass "$t"
  else
    $FUZZ_NICE cargo +nightly fuzz build -O -a "$t"
  fi
}
for t in $TARGETS; do
  build "$t" >"$logs/build-$t.log" 2>&1 || {
    tail -30 "$logs/build-$t.log"
    echo "FAILED: building $t"
    exit 1
  }
done

# ---- 5. run ------------------------------------------------------------------
run_target() {
  local t="$1" dir bin rc
  if is_bypass "$t"; then dir=fuzz/target-bypass; else dir=fuzz/target; fi
  bin="$dir/x86_64-unknown-linux-gnu/release/$t"
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  local before
  before=$(ls "fuzz/artifacts/$t" | wc -l)
  # -timeout: one input may take at most 10 s (hang); -rss_limit_mb: memory;
  # leaks are reported by LeakSanitizer (AddressSanitizer build).
  timeout --kill-after=30 $((FUZZ_SECONDS + 300)) $FUZZ_NICE "$bin" \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -error_exitcode=77 -timeout_exitcode=78 -print_final_stats=1 \
    -dict=fuzz/suit.dict -artifact_prefix="fuzz/artifacts/$t/" \
    "fuzz/corpus/$t" >"$logs/$t.log" 2>&1
  rc=$?
  local after
  after=$(ls "fuzz/artifacts/$t" | wc -l)
  if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
    echo "FAIL rc=$rc" >"$logs/$t.result"
  else
    echo "PASS" >"$logs/$t.result"
  fi
}

for t in $TARGETS; do
  rm -f "$logs/$t.result"
  echo "running $t for ${FUZZ_SECONDS}s"
  run_target "$t" &
  while [ "$(jobs -rp | wc -l)" -ge "$FUZZ_JOBS" ]; do wait -n; done
done
wait

# ---- 6. report ---------------------------------------------------------------
passed=0
failed=0
printf '\n%-12s %-6s %12s %10s %8s %8s %7s\n' target result executions "execs/s" cov ft corpus
for t in $TARGETS; do
  log="$logs/$t.log"
  res=$(cat "$logs/$t.result" 2>/dev/null || echo "FAIL no-result")
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
  corp=$(echo "$last" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*')
  printf '%-12s %-6s %12s %10s %8s %8s %7s\n' "$t" "${res%% *}" "${execs:-?}" "${eps:-?}" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}"
  if [ "${res%% *}" = PASS ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "---- $t: $res; last lines of $log:"
    grep -E 'panicked|ERROR|SUMMARY|leak|Test unit written|timeout' "$log" | head -20
    tail -5 "$log"
  fi
done
echo "logs: $root/$logs"
echo "fuzz targets: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
