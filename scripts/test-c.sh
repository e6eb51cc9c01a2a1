#!/usr/bin/env bash
# The C ABI's test command: everything about suit-verify-ffi that a C user
# relies on. Installs what it needs when missing (apt packages, rustup
# targets and components, cbindgen 0.29.4), then:
#
#   header      include/suit_verify.h is what cbindgen 0.29.4 generates now
#   ffi-tests   the ffi crate's Rust unit tests (native)
#   c-gcc / c-clang / c-gcc-asan / c-clang-asan
#               tests/c/test_api.c at -std=c99 -Wall -Wextra -Wpedantic -Werror
#               (ASan + UBSan builds: -fsanitize=address,undefined)
#   c++         tests/c/test_cpp.cpp includes the header (g++ and clang++)
#   header-hygiene  the header alone at C89..C17 with strict warnings, and a shim
#               that defines SUIT_VERIFY_H (nothing outside the include guard)
#   packaging   zephyr/module.yml (YAML), Kconfig/CMake names = cargo features
#   cmake-target-map  the Rust target the CMake package picks from -mcpu/-mfloat-abi/-march/-mabi
#   zephyr-module     the Zephyr module's cargo command line and prebuilt-prefix checks for
#               each Kconfig case, with stand-ins for Zephyr's functions and for cargo
#   cmake-installed / cmake-installed-capacities / cmake-source / pkg-config
#               a host project using find_package(SuitVerify) configures, builds, runs
#               (the capacities case: a package of 8 components and its generated header)
#   no-libc     the thumb static library needs no native library
#   miri        cargo +nightly miri test -p suit-verify-ffi (misuse cases included), the
#               tests shared between MIRI_JOBS processes (default: the CPUs, at most 4)
#   firmware    examples/firmware on qemu-system-arm mps2-an385 (M3) and
#               mps2-an386 (M4): accepting run exits 0, tampered run exits 2
#
# Prints "N passed, N failed" (steps) last; exit status 1 when any failed.
# Environment: SUIT_IETF_VECTORS (default ../shared/vectors/ietf beside the
# checkout), SKIP_MIRI=1, MIRI_JOBS=N, SKIP_FIRMWARE=1.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/target/c-tests"
mkdir -p "$out"
vectors="${SUIT_IETF_VECTORS:-$root/../shared/vectors/ietf}"
export DEBIAN_FRONTEND=noninteractive
# The committed header is the default configuration's.
unset SUIT_VERIFY_MAX_COMPONENTS SUIT_VERIFY_HASH_CTX_WORDS

t0=$SECONDS
passed=0
failed=0
failures=()
log() { echo "[$((SECONDS - t0))s] $*"; }

# step NAME COMMAND...: run, keep the output in target/c-tests/NAME.log,
# print PASS/FAIL with the last "N passed" line it printed, if any.
step() {
  local name="$1"; shift
  local s=$SECONDS
  if "$@" > "$out/$name.log" 2>&1; then
    passed=$((passed + 1))
    local detail
    detail="$(grep -E '[0-9]+ passed' "$out/$name.log" | tail -1)"
    echo "PASS $name ($((SECONDS - s))s)${detail:+: $detail}"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name ($((SECONDS - s))s), last lines of $out/$name.log:"
    tail -25 "$out/$name.log" | sed 's/^/  | /'
  fi
}

# ---- setup ------------------------------------------------------------------------------
log "setup"
need=()
for p in gcc g++ clang cmake pkg-config qemu-system-arm gcc-arm-none-eabi libnewlib-arm-none-eabi \
         binutils-arm-none-eabi python3-yaml; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ! python3 -c 'import yaml' 2>/dev/null; then need+=(python3-yaml); fi
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}") > "$out/apt.log" 2>&1 ||
    echo "warning: apt-get install failed (see $out/apt.log)"
fi
# clang's sanitizer runtime (optional: the clang ASan step is skipped without it)
clang_rt="$(clang -print-file-name=libclang_rt.asan-x86_64.a 2>/dev/null || true)"
if [ ! -f "$clang_rt" ]; then
  v="$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)"
  [ -n "$v" ] && apt-get install -y -qq --no-install-recommends "libclang-rt-$v-dev" >> "$out/apt.log" 2>&1
fi
rustup target add thumbv7m-none-eabi thumbv7em-none-eabihf > "$out/rustup.log" 2>&1 || true
if [ "${SKIP_MIRI:-0}" != 1 ]; then
  rustup +nightly component add miri rust-src >> "$out/rustup.log" 2>&1 || true
fi
if [ "$(cbindgen --version 2>/dev/null | awk '{print $2}')" != "0.29.4" ]; then
  log "cargo install --locked cbindgen@0.29.4 (about 3 minutes)"
  cargo install --locked cbindgen@0.29.4 > "$out/cbindgen-install.log" 2>&1 ||
    echo "warning: cbindgen install failed (see $out/cbindgen-install.log)"
fi
[ -d "$vectors" ] || echo "warning: IETF vectors not found at $vectors (set SUIT_IETF_VECTORS)"

# ---- the header, the Rust side ---------------------------------------------------------------
log "header and host library"
step header ffi/gen-header.sh --check
step ffi-tests cargo test -q -p suit-verify-ffi --lib
cargo build -q -p suit-verify-ffi > "$out/build.log" 2>&1 || { echo "host build failed"; cat "$out/build.log"; }
cargo run -q -p suit-verify-ffi --example gen-vectors -- "$out/vectors.h" >> "$out/build.log" 2>&1
lib="$root/target/debug/libsuit_verify_ffi.a"
libs="-lpthread -ldl -lm"

# ---- C tests ------------------------------------------------------------------------------------
log "C tests"
cflags="-std=c99 -Wall -Wextra -Wpedantic -Werror -g -I$root/include -I$out"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
c_test() { # NAME CC EXTRA-FLAGS
  local name="$1" cc="$2" extra="$3"
  # shellcheck disable=SC2086
  $cc $cflags $extra tests/c/test_api.c tests/c/sha256.c "$lib" $libs -o "$out/$name" &&
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/$name" "$vectors"
}
step c-gcc c_test test_api-gcc gcc "-O1"
step c-clang c_test test_api-clang clang "-O1"
step c-gcc-asan c_test test_api-gcc-asan gcc "$san"
if [ -f "$(clang -print-file-name=libclang_rt.asan-x86_64.a 2>/dev/null)" ]; then
  step c-clang-asan c_test test_api-clang-asan clang "$san"
else
  echo "SKIP c-clang-asan (no clang sanitizer runtime)"
fi
cxx_test() {
  g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$root/include" tests/c/test_cpp.cpp "$lib" $libs \
      -o "$out/test_cpp" && "$out/test_cpp" &&
    clang++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -I"$root/include" -c tests/c/test_cpp.cpp \
      -o "$out/test_cpp.o"
}
step c++ cxx_test
# The header alone, as strict as compilers go, from C89 to C17 (no `//`
# after #endif: C89), and nothing outside the include guard (a shim that
# defines SUIT_VERIFY_H to replace the header compiles). The `u` suffix of
# every unsigned constant is checked by the ffi unit test
# committed_header_matches_the_rust_side.
header_hygiene() {
  local std cc
  printf '#include "suit_verify.h"\nint main(void) {\n  suit_result r = SUIT_RESULT_PENDING;\n  unsigned int x = SUIT_RESULT_OK;\n  return (int)(r + x == 0u);\n}\n' \
    > "$out/hygiene.c"
  printf '#define SUIT_VERIFY_H\n#include "suit_verify.h"\nint main(void) { return 0; }\n' > "$out/shim.c"
  for cc in gcc clang; do
    command -v "$cc" > /dev/null || continue
    for std in c89 c99 c11 c17; do
      "$cc" -std="$std" -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wundef \
        -Wstrict-prototypes -Werror -Iinclude -fsyntax-only "$out/hygiene.c" || return 1
    done
    "$cc" -std=c11 -Wall -Werror -Iinclude -fsyntax-only "$out/shim.c" || return 1
  done
  echo "header: gcc and clang, C89 to C17, strict warnings: clean"
}
step header-hygiene header_hygiene

# ---- packaging ---------------------------------------------------------------------------------
log "packaging"
step packaging python3 tests/c/check_packaging.py
step cmake-target-map cmake -P tests/c/cmake_target_map.cmake
step zephyr-module python3 tests/c/check_zephyr_module.py "$out/zephyr-module"
consumer() { # BUILD-DIR SuitVerify_DIR EXTRA-CMAKE-ARGS...
  local b="$1" dir="$2"; shift 2
  rm -rf "$b" && cmake -S tests/c/cmake-consumer -B "$b" -DSuitVerify_DIR="$dir" "$@" &&
    cmake --build "$b" &&
    "$b/verify_envelope" "$vectors/manifest/example2-signed-full.cbor" \
      "$vectors/keys/suit-example-p256-public.uncompressed.hex" &&
    { ! "$b/verify_envelope" "$vectors/derived-negative/example0-signed.signature-tampered.cbor" \
      "$vectors/keys/suit-example-p256-public.uncompressed.hex" > "$b/tampered.txt"; } &&
    grep -q ": AUTH_SIGNATURE_INVALID (" "$b/tampered.txt" # refused for the right reason
}
# The three host builds below (the package, the package of 8 components, CMake from source)
# share one cargo target directory: the dependencies are built once, and the switch of
# capacities in one directory must rebuild what depends on them (a stale header or library
# fails the consumer), as it would for a user who builds both.
installed() {
  rm -rf "$out/prefix" &&
    CARGO_TARGET_DIR="$out/host-cargo" cmake/package.sh "$out/prefix" "" "" dev &&
    grep -qx "ed25519,p256,install,error-messages" "$out/prefix/lib/cmake/SuitVerify/features.txt" &&
    consumer "$out/consumer-installed" "$out/prefix/lib/cmake/SuitVerify"
}
step cmake-installed installed
# A package of other capacities carries the header generated for them: the consumer's
# suit_ctx_init would refuse a header of the defaults.
installed_capacities() {
  rm -rf "$out/prefix-8" &&
    SUIT_VERIFY_MAX_COMPONENTS=8 CARGO_TARGET_DIR="$out/host-cargo" \
      cmake/package.sh "$out/prefix-8" "" "" dev &&
    grep -q "^#define SUIT_VERIFY_MAX_COMPONENTS 8$" "$out/prefix-8/include/suit_verify.h" &&
    grep -q "(C ABI 2051, " "$out/prefix-8/lib/pkgconfig/suit-verify.pc" &&
    consumer "$out/consumer-installed-8" "$out/prefix-8/lib/cmake/SuitVerify"
}
step cmake-installed-capacities installed_capacities
step cmake-source consumer "$out/consumer-source" "$root/cmake" -DSUIT_VERIFY_PROFILE=dev \
  -DSUIT_VERIFY_CARGO_TARGET_DIR="$out/host-cargo"
pc() {
  local flags
  flags="$(PKG_CONFIG_PATH="$out/prefix/lib/pkgconfig" pkg-config --cflags --libs --static suit-verify)" &&
    # shellcheck disable=SC2086
    gcc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/c/cmake-consumer/main.c $flags -o "$out/pc-consumer" &&
    "$out/pc-consumer" "$vectors/manifest/example0-signed.cbor" \
      "$vectors/keys/suit-example-p256-public.uncompressed.hex"
}
step pkg-config pc
no_libc() {
  local n
  n="$(CARGO_TARGET_DIR="$out/thumb-cargo" cargo rustc -q -p suit-verify-ffi --lib --target thumbv7m-none-eabi \
        -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: *//p')"
  echo "native-static-libs for thumbv7m-none-eabi: '${n}'"
  [ -z "${n// /}" ] || return 1
  # The panic handler's hook has a weak default, so a firmware links without
  # defining suit_port_fatal: a link of the library alone must succeed.
  local lib="$out/thumb-cargo/thumbv7m-none-eabi/debug/libsuit_verify_ffi.a"
  arm-none-eabi-nm "$lib" 2>/dev/null | grep ' W suit_port_fatal$' > /dev/null || {
    echo "no weak default suit_port_fatal in $lib"; return 1; }
  printf 'int main(void) { return 0; }\nvoid _start(void) { main(); for (;;) {} }\n' > "$out/nofatal.c"
  arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -nostdlib -nostartfiles -Wl,--no-warn-execstack \
    -Wl,-u,suit_authenticate "$out/nofatal.c" "$lib" -lgcc -o "$out/nofatal.elf" &&
    arm-none-eabi-nm "$out/nofatal.elf" | grep ' W suit_port_fatal$'
}
step no-libc no_libc

# ---- Miri ----------------------------------------------------------------------------------------
# Miri interprets one test at a time on one CPU, and the ffi tests take about 12 minutes of
# it. The tests are dealt to MIRI_JOBS processes (default: the CPUs, at most 4) that share
# the one build, longest first, each to the process with the least work so far, by the
# seconds in scripts/miri-seconds.txt (dealt round-robin by name, two of the three tests of
# over a minute met in one process: 376 against 298 s). The step checks that every listed
# test ran in some shard.
miri_sharded() {
  local cpus jobs i pid rc=0 passed=0 ignored=0 failed=0 p f g
  cpus="$(nproc 2>/dev/null || echo 1)"
  jobs="${MIRI_JOBS:-$((cpus < 4 ? cpus : 4))}"
  cargo +nightly miri test -q -p suit-verify-ffi --lib --no-run || return 1
  local tests=()
  mapfile -t tests < <(cargo +nightly miri test -q -p suit-verify-ffi --lib -- --list \
    --format terse 2>/dev/null | sed -n 's/: test$//p')
  [ "${#tests[@]}" -gt 0 ] || { echo "miri: no tests listed"; return 1; }
  # Longest processing time first: each test with its seconds, longest first, then each to
  # the least loaded process ("shard test" lines).
  local dealt
  dealt="$(printf '%s\n' "${tests[@]}" |
    awk 'FNR == NR { if ($0 !~ /^#/ && NF == 2) secs[$2] = $1; next }
         { print (($0 in secs) ? secs[$0] : 15), $0 }' "$root/scripts/miri-seconds.txt" - |
    sort -k1,1nr |
    awk -v jobs="$jobs" '{
      best = 0
      for (s = 1; s < jobs; s++) if (load[s] < load[best]) best = s
      load[best] += $1; print best, $2
    }')" || return 1
  local pids=()
  for ((i = 0; i < jobs; i++)); do
    local mine=()
    mapfile -t mine < <(awk -v i="$i" '$1 == i { print $2 }' <<< "$dealt")
    [ "${#mine[@]}" -gt 0 ] || continue
    cargo +nightly miri test -q -p suit-verify-ffi --lib -- --exact "${mine[@]}" \
      > "$out/miri-$i.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  for ((i = 0; i < jobs; i++)); do
    [ -f "$out/miri-$i.log" ] || continue
    echo "---- shard $i"; cat "$out/miri-$i.log"
    read -r p f g < <(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) ignored.*/\1 \2 \3/p' \
      "$out/miri-$i.log" | tail -1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); ignored=$((ignored + ${g:-0}))
    rm -f "$out/miri-$i.log"
  done
  if [ $((passed + failed + ignored)) -ne "${#tests[@]}" ]; then
    echo "miri: ${#tests[@]} tests listed, $((passed + failed + ignored)) reported"; rc=1
  fi
  echo "miri: $passed passed; $failed failed; $ignored ignored ($jobs processes)"
  return "$rc"
}
if [ "${SKIP_MIRI:-0}" != 1 ]; then
  log "Miri (about 7 minutes on 2 CPUs)"
  step miri miri_sharded
else
  echo "SKIP miri"
fi

# ---- firmware on QEMU ----------------------------------------------------------------------------
if [ "${SKIP_FIRMWARE:-0}" != 1 ]; then
  log "firmware on QEMU"
  step firmware scripts/firmware.sh --variants both --cpus "m3 m4" --run
  [ -f "$root/target/firmware/summary.txt" ] && sed 's/^/  /' "$root/target/firmware/summary.txt"
else
  echo "SKIP firmware"
fi

log "done"
if ((failed)); then echo "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
