#!/usr/bin/env bash
# Build the example C firmware (examples/firmware) against the suit-verify
# static library for Cortex-M3 (thumbv7m-none-eabi) and Cortex-M4
# (thumbv7em-none-eabihf), in three algorithm variants, and report flash
# (.text + .rodata, arm-none-eabi-size) and, with --run, the peak stack
# (stack painting) and the QEMU exit statuses.
#
#   scripts/firmware.sh [--variants "ed25519 p256 both"] [--cpus "m3 m4"] [--run] [--no-compact]
#
# Outputs go to target/firmware/: <variant>-<cpu>.elf (accepting run),
# <variant>-<cpu>-tamper.elf (one image byte corrupted in transit), .map
# files, and summary.txt. Exit status: 0 when every build (and with --run
# every QEMU run: accept -> 0, tamper -> 2) succeeded.
#
# Library build: cargo rustc -p suit-verify-ffi --lib --crate-type staticlib --profile release-size
# (cargo skips LTO for a crate that is both staticlib and rlib; asking for the staticlib alone
# gets it: 11-33 KB less flash, ~3.5 KB less stack; see PERFORMANCE.md) (opt-level z, fat LTO,
# panic abort, 1 CGU) --no-default-features --features <alg>,install,panic-handler[,opt-size]
# with RUSTFLAGS unset, so that the compact SHA-256 of .cargo/config.toml applies
# (--no-compact sets RUSTFLAGS empty: the unrolled one, to compare).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/firmware"
variants="ed25519 p256 both"
cpus="m3 m4"
run=0
compact=1
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --cpus) cpus="$2"; shift 2 ;;
    --run) run=1; shift ;;
    --no-compact) compact=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "firmware.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
fw="$root/examples/firmware"

echo "== vectors"
(cd "$root" && cargo run -q -p suit-verify-ffi --example gen-vectors -- "$out/vectors.h")

features_for() {
  case "$1" in
    ed25519) echo "ed25519,install,opt-size,panic-handler,error-messages" ;;
    p256) echo "p256,install,panic-handler,error-messages" ;;
    both) echo "ed25519,p256,install,opt-size,panic-handler,error-messages" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}
define_for() {
  case "$1" in
    ed25519) echo "-DFW_ALG_ED25519" ;;
    p256) echo "-DFW_ALG_P256" ;;
    both) echo "-DFW_ALG_BOTH" ;;
  esac
}
target_for() {
  case "$1" in
    m3) echo "thumbv7m-none-eabi" ;;
    m4) echo "thumbv7em-none-eabihf" ;;
    *) echo "unknown cpu $1" >&2; exit 2 ;;
  esac
}
cflags_for() {
  case "$1" in
    m3) echo "-mcpu=cortex-m3 -mthumb" ;;
    m4) echo "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
  esac
}
machine_for() {
  case "$1" in
    m3) echo "mps2-an385" ;;
    m4) echo "mps2-an386" ;;
  esac
}

# The compact SHA-256 is the `--cfg` of .cargo/config.toml, which cargo ignores whenever
# RUSTFLAGS (or CARGO_ENCODED_RUSTFLAGS) is set.
if [ "$compact" = 1 ]; then rustenv=(-u CARGO_ENCODED_RUSTFLAGS -u RUSTFLAGS); else rustenv=(-u CARGO_ENCODED_RUSTFLAGS RUSTFLAGS=); fi

# Sum of the sizes of .text*/.rodata* input sections that come from the Rust
# archive, from a GNU ld map file.
lib_bytes() {
  python3 - "$1" <<'PY'
import re, sys
total = 0
pending = None
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("Discarded input sections"):
        skip = True
    m = re.match(r"^ (\.(?:text|rodata)\S*)\s*$", line)
    if m:
        pending = m.group(1); continue
    m = re.match(r"^ (\.(?:text|rodata)\S*)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)", line)
    if m and (m.group(1) or pending) and "libsuit_verify_ffi.a" in m.group(4) and int(m.group(2), 16) != 0:
        total += int(m.group(3), 16)
    pending = None
print(total)
PY
}

fail=0
summary="$out/summary.txt"
: > "$summary"
printf '%-8s %-3s %9s %9s %9s %9s %8s %s\n' variant cpu .text .rodata flash lib stack qemu | tee -a "$summary"
for v in $variants; do
  feats="$(features_for "$v")"
  for c in $cpus; do
    t="$(target_for "$c")"
    tdir="$out/cargo-$v"
    echo "== $v $c: cargo build --profile release-size --target $t --features $feats" >&2
    (cd "$root" && env "${rustenv[@]}" CARGO_TARGET_DIR="$tdir" cargo rustc -q -p suit-verify-ffi --lib --crate-type staticlib \
        --profile release-size --target "$t" --no-default-features --features "$feats")
    lib="$tdir/$t/release-size/libsuit_verify_ffi.a"
    for mode in accept tamper; do
      name="$v-$c"; extra=""
      if [ "$mode" = tamper ]; then name="$v-$c-tamper"; extra="-DFW_TAMPER"; fi
      # shellcheck disable=SC2046
      arm-none-eabi-gcc $(cflags_for "$c") -std=c99 -Os -g -Wall -Wextra -Wpedantic -Werror \
        -ffunction-sections -fdata-sections $(define_for "$v") $extra \
        -I "$root/include" -I "$out" "$fw/main.c" "$fw/startup.c" "$lib" \
        -nostartfiles --specs=nano.specs --specs=rdimon.specs -T "$fw/link.ld" \
        -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,-Map="$out/$name.map" -o "$out/$name.elf"
    done
    read -r text rodata < <(arm-none-eabi-size -A "$out/$v-$c.elf" | awk '$1==".text"{t=$2} $1==".rodata"{r=$2} END{print t, r}')
    libsz="$(lib_bytes "$out/$v-$c.map")"
    stack="-"; qemu="-"
    if [ "$run" = 1 ]; then
      m="$(machine_for "$c")"
      set +e
      timeout 120 qemu-system-arm -M "$m" -nographic -semihosting-config enable=on,target=native \
        -kernel "$out/$v-$c.elf" </dev/null > "$out/$v-$c.log" 2>&1
      ra=$?
      timeout 120 qemu-system-arm -M "$m" -nographic -semihosting-config enable=on,target=native \
        -kernel "$out/$v-$c-tamper.elf" </dev/null > "$out/$v-$c-tamper.log" 2>&1
      rt=$?
      set -e
      stack="$(sed -n 's/^stack library: keys [0-9]* B, authenticate \([0-9]*\) B, verifier init \([0-9]*\) B, stream \([0-9]*\) B, invoke \([0-9]*\) B, one call \([0-9]*\) B$/\1 \2 \3 \4 \5/p' "$out/$v-$c.log" | awk '{m=$1; for(i=2;i<=NF;i++) if($i>m)m=$i; print m}')"
      qemu="accept=$ra tamper=$rt"
      if [ "$ra" != 0 ] || [ "$rt" != 2 ]; then
        fail=1
        echo "firmware $v-$c: expected accept=0 tamper=2, got $qemu" >&2
        sed 's/^/  | /' "$out/$v-$c.log" "$out/$v-$c-tamper.log" >&2
      fi
    fi
    printf '%-8s %-3s %9s %9s %9s %9s %8s %s\n' "$v" "$c" "$text" "$rodata" "$((text + rodata))" "$libsz" "${stack:--}" "$qemu" | tee -a "$summary"
  done
done
echo "flash = .text + .rodata of the whole ELF (startup, newlib printf, and the vectors: a 4096-byte image and the envelope); lib = .text + .rodata from libsuit_verify_ffi.a (map file); stack = the library's peak stack over authenticate / verifier init / stream / invoke, each call painted alone, main's frame subtracted" | tee -a "$summary"
exit $fail
