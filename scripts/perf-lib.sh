# shellcheck shell=bash
# Shared by scripts/perf-check.sh and scripts/perf-report.sh (sourced, not run).
#
# Cortex-M figures, all deterministic:
#   flash   libsuit_verify_ffi.a (thumbv7em-none-eabihf, profile release-size = opt-level "z",
#           fat LTO) linked with perf/firmware/size_stub.c, every public C function kept
#           (-Wl,-u), .text + .rodata by crate (perf/flash.py);
#   insns   perf/firmware/main.c + perf/harness (the C ABI and core regions) on QEMU
#           mps2-an385 (Cortex-M3, thumbv7m) and mps2-an386 (Cortex-M4, thumbv7em-eabihf),
#           counted by the TCG plugin perf/qemu-insn/insnwin.c;
#   stack   painting in the same firmware; and, for the targets, in the example firmware
#           (examples/firmware, scripts/firmware.sh) linked with the library exactly as a
#           firmware links it (perf_fw_stack): the harness library also holds the plain
#           crates' baselines, which changes what LTO inlines, so its stack figures are not
#           the shipped library's (1.8 KB apart for Ed25519 before the thirteenth revision).
#
# Environment:
#   SUIT_IETF_VECTORS      IETF vectors folder (default ../shared/vectors/ietf)
#   SUIT_INSN_PLUGIN_SRC   plugin source (default perf/qemu-insn/insnwin.c)
#   PERF_OUT               output folder (default target/perf)

PERF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PERF_OUT="${PERF_OUT:-$PERF_ROOT/target/perf}"
export SUIT_IETF_VECTORS="${SUIT_IETF_VECTORS:-$(cd "$PERF_ROOT/.." && pwd)/shared/vectors/ietf}"
SUIT_INSN_PLUGIN_SRC="${SUIT_INSN_PLUGIN_SRC:-$PERF_ROOT/perf/qemu-insn/insnwin.c}"
export CARGO_TERM_COLOR=never
mkdir -p "$PERF_OUT"

perf_log() { echo "perf: $*" >&2; }

# The tools this needs; the cross toolchain and QEMU come from scripts/setup.sh.
perf_require() {
  local missing=()
  for t in arm-none-eabi-gcc arm-none-eabi-readelf qemu-system-arm gcc python3 cargo; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  if ((${#missing[@]})); then
    perf_log "missing tools: ${missing[*]} (run scripts/setup.sh)"
    return 1
  fi
  if [ ! -f "$SUIT_IETF_VECTORS/README.md" ]; then
    perf_log "IETF vectors not found at $SUIT_IETF_VECTORS (set SUIT_IETF_VECTORS)"
    return 1
  fi
  # The harness has its own lock file (its own workspace): every crate it shares with the
  # root workspace must be locked at the same version, or the figures would not be ours.
  python3 - "$PERF_ROOT/Cargo.lock" "$PERF_ROOT/perf/harness/Cargo.lock" <<'PY' || return 1
import sys, tomllib
def pkgs(p):
    with open(p, "rb") as f:
        return {(q["name"], q.get("source", "path")): q["version"] for q in tomllib.load(f)["package"]}
root, harness = pkgs(sys.argv[1]), pkgs(sys.argv[2])
bad = [f"{n} {root[(n, s)]} (root) vs {v} (harness)" for (n, s), v in harness.items()
       if (n, s) in root and root[(n, s)] != v]
if bad:
    print("perf: perf/harness/Cargo.lock differs from Cargo.lock: " + "; ".join(bad)
          + ". Copy the root versions: cp Cargo.lock perf/harness/Cargo.lock &&"
          " (cd perf/harness && cargo update --workspace), then commit.", file=sys.stderr)
    sys.exit(1)
PY
}

# Board -> rust target and C flags.
perf_board() { # board -> sets PB_TARGET PB_CFLAGS PB_MACHINE
  case "$1" in
    an385) PB_TARGET=thumbv7m-none-eabi; PB_MACHINE=mps2-an385
           PB_CFLAGS="-mcpu=cortex-m3 -mthumb" ;;
    an386) PB_TARGET=thumbv7em-none-eabihf; PB_MACHINE=mps2-an386
           PB_CFLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
    *) perf_log "unknown board $1"; return 1 ;;
  esac
}

# Variant -> ffi features and RUSTFLAGS. Names: <algs>[-<lever>...]
#   algs: ed25519 | p256 | both | none (no signature crate: the firmware's own verify through
#   suit_ctx_set_crypto)
#   levers: fast (ed25519-compact without opt_size), unrolled (sha2's default unrolled
#   SHA-256 instead of the compact one), nolto (cargo build of the staticlib+rlib crate:
#   cargo then skips LTO), nomsg (without the error-messages feature), noinstall (without the
#   install feature: the boot-only library), o3 (the crypto crates at opt-level 3 through profile package
#   overrides given to cargo with --config: the speed build)
perf_variant() { # variant -> sets PV_FEATURES PV_ENV PV_LTO PV_CONFIG (arrays)
  local algs="${1%%-*}" levers="-${1#*-}"
  [ "$algs" = "$1" ] && levers=""
  case "$algs" in
    ed25519) PV_FEATURES="ed25519" ;;
    p256) PV_FEATURES="p256" ;;
    both) PV_FEATURES="ed25519,p256" ;;
    none) PV_FEATURES="" ;;
    *) perf_log "unknown variant $1"; return 1 ;;
  esac
  [[ "$levers" == *-fast* ]] || PV_FEATURES="$PV_FEATURES,opt-size"
  [[ "$levers" == *-nomsg* ]] || PV_FEATURES="$PV_FEATURES,error-messages"
  [[ "$levers" == *-noinstall* ]] || PV_FEATURES="$PV_FEATURES,install"
  PV_FEATURES="${PV_FEATURES#,}"
  # The compact SHA-256 is the `--cfg` of .cargo/config.toml for bare-metal Arm, which cargo
  # ignores whenever RUSTFLAGS (or CARGO_ENCODED_RUSTFLAGS) is set: unset for compact, set
  # empty for unrolled. PV_ENV goes to `env` before cargo.
  if [[ "$levers" == *-unrolled* ]]; then
    PV_ENV=(-u CARGO_ENCODED_RUSTFLAGS RUSTFLAGS=)
  else
    PV_ENV=(-u CARGO_ENCODED_RUSTFLAGS -u RUSTFLAGS)
  fi
  if [[ "$levers" == *-nolto* ]]; then PV_LTO=0; else PV_LTO=1; fi
  PV_CONFIG=()
  if [[ "$levers" == *-o3* ]]; then
    # The packages of the release-speed profile (workspace Cargo.toml), given as overrides of
    # release-size: the harness is a workspace of its own, without that profile.
    local c
    for c in $(sed -n 's/^\[profile\.release-speed\.package\.\(.*\)\]$/\1/p' "$PERF_ROOT/Cargo.toml"); do
      PV_CONFIG+=(--config "profile.release-size.package.$c.opt-level=3")
    done
  fi
}

# Target dir per SHA-256 backend (changing the flags rebuilds everything).
perf_target_dir() {
  local d
  if [[ " ${PV_ENV[*]} " == *" RUSTFLAGS= "* ]]; then d="$PERF_OUT/cargo-unrolled"; else d="$PERF_OUT/cargo-compact"; fi
  if ((${#PV_CONFIG[@]})); then d="$d-o3"; fi
  echo "$d"
}

# Build the C ABI static library of a variant (for thumbv7em-none-eabihf unless a target is
# given); print its path.
perf_ffi_lib() { # variant [target]
  perf_variant "$1" || return 1
  local target="${2:-thumbv7em-none-eabihf}" tdir lib dst="$PERF_OUT/lib/$1/libsuit_verify_ffi.a"
  [ -n "${2:-}" ] && dst="$PERF_OUT/lib/$1-$2/libsuit_verify_ffi.a"
  tdir="$(perf_target_dir)"
  lib="$tdir/$target/release-size/libsuit_verify_ffi.a"
  mkdir -p "$(dirname "$dst")"
  local common=(-q -p suit-verify-ffi --profile release-size --target "$target"
                --no-default-features --features "$PV_FEATURES,panic-handler")
  if [ "$PV_LTO" = 1 ]; then
    # `cargo rustc --crate-type staticlib`: the crate declares staticlib + rlib, and for such a
    # crate cargo does not pass -C lto (measured: 12 KB more flash without it).
    (cd "$PERF_ROOT" && env "${PV_ENV[@]}" CARGO_TARGET_DIR="$tdir" \
      nice cargo "${PV_CONFIG[@]}" rustc "${common[@]}" --lib --crate-type staticlib) >&2 || return 1
  else
    (cd "$PERF_ROOT" && env "${PV_ENV[@]}" CARGO_TARGET_DIR="$tdir" \
      nice cargo "${PV_CONFIG[@]}" build "${common[@]}") >&2 || return 1
  fi
  cp "$lib" "$dst" && echo "$dst"
}

# Link a variant's library with the size stub and attribute its flash; writes
# $PERF_OUT/flash-<variant>.json and prints the summary. Every public function of
# include/suit_verify.h is kept, or only those in $PERF_FLASH_ROOTS (then the output is
# named <variant>-<PERF_FLASH_LABEL>).
perf_flash() { # variant [top]
  local name="$1${PERF_FLASH_LABEL:+-$PERF_FLASH_LABEL}"
  local lib elf="$PERF_OUT/size-$name.elf" roots
  lib="$(perf_ffi_lib "$1")" || return 1
  if [ -n "${PERF_FLASH_ROOTS:-}" ]; then
    roots=$(for r in $PERF_FLASH_ROOTS; do echo "-Wl,-u,$r"; done)
  else
    roots=$(grep -oE "^[a-z_0-9 *]+\b(suit_[a-z0-9_]+)\(" "$PERF_ROOT/include/suit_verify.h" |
            grep -oE "suit_[a-z0-9_]+" | grep -v '^suit_port_fatal$' | sort -u | sed 's/^/-Wl,-u,/')
  fi
  # shellcheck disable=SC2086
  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os \
    -nostdlib -nostartfiles -T "$PERF_ROOT/perf/firmware/size.ld" \
    -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-Map="$PERF_OUT/size-$name.map" $roots \
    "$PERF_ROOT/perf/firmware/size_stub.c" "$lib" -lgcc -o "$elf" || return 1
  python3 "$PERF_ROOT/perf/flash.py" "$elf" --label "$name" --json "$PERF_OUT/flash-$name.json" \
    ${2:+--top "$2"}
}

# The verifier as a firmware links it: the functions a bootloader or an updater calls
# (context, authentication, the procedures, the streamed image check, the last error and
# the result names), PERF_FLASH_ROOTS for the "boot" flash figures (flash.boot.<variant>).
# Left out: the manifest queries (suit_manifest_*), key checks, C crypto set-up, versions
# and sizes, suit_result_message.
PERF_BOOT_ROOTS="suit_ctx_init suit_ctx_deinit suit_authenticate suit_run_update suit_run_invoke suit_run_section suit_ctx_last_error suit_result_name suit_image_verifier_init suit_image_verifier_update suit_image_verifier_finish suit_image_verifier_deinit"

# Authentication alone (flash.auth.<variant>): what this library costs without the processor
# and the image verifier (envelope, COSE and manifest decoding, digest, signature, the C
# context and the result names remain).
PERF_AUTH_ROOTS="suit_ctx_init suit_ctx_deinit suit_authenticate suit_ctx_last_error suit_result_name"

# Build the QEMU plugin (self-contained C, no QEMU headers or glib needed).
perf_plugin() {
  local so="$PERF_OUT/libinsnwin.so"
  if [ ! -f "$so" ] || [ "$SUIT_INSN_PLUGIN_SRC" -nt "$so" ]; then
    gcc -shared -fPIC -O2 -Wall -Wextra -o "$so" "$SUIT_INSN_PLUGIN_SRC" || return 1
  fi
  echo "$so"
}

# Build the measurement firmware for a board and variant; print the ELF path.
perf_firmware() { # board variant
  perf_board "$1" || return 1
  perf_variant "$2" || return 1
  local tdir="$PERF_OUT/harness-$2" elf="$PERF_OUT/fw-$1-$2.elf" feats="${PV_FEATURES}"
  (cd "$PERF_ROOT/perf/harness" && env "${PV_ENV[@]}" CARGO_TARGET_DIR="$tdir" \
    nice cargo "${PV_CONFIG[@]}" build -q --locked --profile release-size --target "$PB_TARGET" \
    --no-default-features --features "$feats") >&2 || return 1
  perf_link "$elf" "$tdir/$PB_TARGET/release-size/libsuit_perf_harness.a" || return 1
  echo "$elf"
}

# Link perf/firmware/main.c for the board perf_board chose with a static library; more C
# flags and sources may follow (the shipped build's -D flags and vectors.c).
perf_link() { # elf lib [cflags and sources...]
  local elf="$1" lib="$2"
  shift 2
  # shellcheck disable=SC2086
  arm-none-eabi-gcc $PB_CFLAGS -std=c11 -Os -Wall -Wextra -Werror -fno-ipa-icf \
    -ffunction-sections -fdata-sections -I"$PERF_ROOT/include" \
    "$PERF_ROOT/perf/firmware/startup.c" "$PERF_ROOT/perf/firmware/main.c" "$@" "$lib" \
    -nostartfiles --specs=nano.specs --specs=rdimon.specs -T "$PERF_ROOT/perf/firmware/link.ld" \
    -Wl,--gc-sections -Wl,--no-warn-execstack -o "$elf" >&2
}

# Run a measurement firmware under QEMU with the plugin, output to a log; on failure say
# what failed and show its failed checks.
perf_qemu() { # elf log what
  local so
  so="$(perf_plugin)" || return 1
  if ! timeout 600 qemu-system-arm -M "$PB_MACHINE" -nographic \
      -semihosting-config enable=on,target=native -plugin "$so" -kernel "$1" \
      </dev/null >"$2" 2>&1; then
    perf_log "$3 failed on $PB_MACHINE, log: $2"
    grep -E "FAIL|fatal" "$2" >&2
    return 1
  fi
}

# Run the firmware under QEMU with the plugin; writes $PERF_OUT/run-<board>-<variant>.json
# ({"insns": {region: n - empty}, "stack": {...}, "size": {...}}) and the raw log.
perf_run() { # board variant
  local elf log="$PERF_OUT/run-$1-$2.log"
  elf="$(perf_firmware "$1" "$2")" || return 1
  perf_board "$1"
  perf_qemu "$elf" "$log" "firmware ($2)" || return 1
  perf_parse_log "$log" "$PERF_OUT/run-$1-$2.json"
}

# A measurement firmware's log -> JSON ({"insns": {region: n - empty}, "stack": {...},
# "size": {...}, "empty_region": n}).
perf_parse_log() { # log json
  python3 - "$1" "$2" <<'PY'
import json, sys
log, out = sys.argv[1], sys.argv[2]
insns, stack, size = {}, {}, {}
for line in open(log):
    p = line.split()
    if len(p) == 3 and p[0] == "insnwin:" and p[1] != "total":
        insns[p[1]] = int(p[2])
    elif len(p) == 3 and p[0] == "stack":
        stack[p[1]] = int(p[2])
    elif len(p) == 3 and p[0] == "size":
        size[p[1]] = int(p[2])
empty = insns.pop("empty")
insns = {k: v - empty for k, v in insns.items()}
json.dump({"empty_region": empty, "insns": insns, "stack": stack, "size": size},
          open(out, "w"), indent=1, sort_keys=True)
PY
}

# The C ABI regions of the measurement firmware on the shipped library: perf/firmware/main.c
# built with -DPERF_SHIPPED and linked with the libsuit_verify_ffi.a of each algorithm set
# (perf_ffi_lib: the library the flash figures measure, built as a firmware builds it)
# instead of the harness, with the harness's vectors as C arrays (perf/vectors_c.py). Same
# inputs, same calls: only what LTO made of the library differs. Writes
# $PERF_OUT/shipped-<board>-<variant>.json, by default Cortex-M4 (mps2-an386); board an385
# builds the libraries for thumbv7m-none-eabi and runs on Cortex-M3.
perf_shipped() { # [variants [board]]
  local v lib defs elf log outdir vdir board="${2:-an386}"
  perf_firmware an386 both >/dev/null || return 1 # its build script writes the vectors
  vdir="$(ls -td "$PERF_OUT"/harness-both/thumbv7em-none-eabihf/release-size/build/suit-perf-harness-*/out 2>/dev/null | head -1)"
  if [ ! -f "$vdir/ex4_eddsa.cbor" ]; then
    perf_log "no harness vectors under $PERF_OUT/harness-both"
    return 1
  fi
  outdir="$PERF_OUT/shipped"
  mkdir -p "$outdir"
  python3 "$PERF_ROOT/perf/vectors_c.py" "$PERF_ROOT/perf/harness/src/lib.rs" "$vdir" "$outdir/vectors.c" || return 1
  perf_board "$board" || return 1
  for v in ${1:-ed25519 p256 both}; do
    if [ "$board" = an386 ]; then
      lib="$(perf_ffi_lib "$v")" || return 1
    else
      lib="$(perf_ffi_lib "$v" "$PB_TARGET")" || return 1
    fi
    case "$v" in
      ed25519) defs="-DPERF_EDDSA" ;;
      p256) defs="-DPERF_ES256" ;;
      both) defs="-DPERF_EDDSA -DPERF_ES256" ;;
      *) perf_log "perf_shipped: unknown variant $v"; return 1 ;;
    esac
    elf="$outdir/fw-$board-$v.elf"
    log="$outdir/run-$board-$v.log"
    # shellcheck disable=SC2086
    perf_link "$elf" "$lib" -DPERF_SHIPPED $defs "$outdir/vectors.c" || return 1
    perf_qemu "$elf" "$log" "shipped firmware ($v)" || return 1
    perf_parse_log "$log" "$PERF_OUT/shipped-$board-$v.json" || return 1
  done
}

# The crypto floor of a variant: the plain crates' SHA-256 (incremental) and signature
# verification, as a firmware calling sha2 / ed25519-compact / p256 directly would link them
# (perf/harness: perf_sha256, perf_plain_verify), same profile, features and flags.
# Writes $PERF_OUT/floor-<variant>.json.
perf_floor() { # variant
  perf_variant "$1" || return 1
  local tdir="$PERF_OUT/harness-floor" elf="$PERF_OUT/floor-$1.elf"
  (cd "$PERF_ROOT/perf/harness" && env "${PV_ENV[@]}" CARGO_TARGET_DIR="$tdir-$(basename "$(perf_target_dir)")" \
    nice cargo "${PV_CONFIG[@]}" build -q --locked --profile release-size --target thumbv7em-none-eabihf \
    --no-default-features --features "$PV_FEATURES") >&2 || return 1
  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os \
    -nostdlib -nostartfiles -T "$PERF_ROOT/perf/firmware/size.ld" \
    -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-u,perf_plain_verify -Wl,-u,perf_sha256 \
    "$PERF_ROOT/perf/firmware/size_stub.c" \
    "$tdir-$(basename "$(perf_target_dir)")/thumbv7em-none-eabihf/release-size/libsuit_perf_harness.a" \
    -lgcc -o "$elf" || return 1
  python3 "$PERF_ROOT/perf/flash.py" "$elf" --label "floor-$1" --json "$PERF_OUT/floor-$1.json"
}

# The stack of the shipped library: scripts/firmware.sh builds libsuit_verify_ffi.a as a
# firmware links it (one per algorithm set) into the example firmware, which paints before
# each library call and prints "stack library: ..." (main's frame subtracted). Writes
# $PERF_OUT/fw-stack.json ({variant: {call: bytes}}), Cortex-M4 (mps2-an386).
perf_fw_stack() {
  "$PERF_ROOT/scripts/firmware.sh" --variants "ed25519 p256 both" --cpus m4 --run >&2 || return 1
  python3 - "$PERF_ROOT/target/firmware" "$PERF_OUT/fw-stack.json" <<'PY'
import json, re, sys
out = {}
for v in ("ed25519", "p256", "both"):
    log = open(f"{sys.argv[1]}/{v}-m4.log").read()
    m = re.search(r"^stack library: keys (\d+) B, authenticate (\d+) B, verifier init (\d+) B, "
                  r"stream (\d+) B, invoke (\d+) B, one call (\d+) B$", log, re.M)
    if not m:
        sys.exit(f"perf: no 'stack library' line in {v}-m4.log")
    out[v] = dict(zip(("keys", "auth", "image_init", "image_update", "invoke", "one_call"),
                      map(int, m.groups())))
json.dump(out, open(sys.argv[2], "w"), indent=1, sort_keys=True)
PY
}
