#!/usr/bin/env bash
# The README's main job: an end-to-end demo of the `suit` tool on files it
# makes in a temporary directory.
#
#   ./scripts/demo.sh            build the tool (release) and run the demo
#   SUIT_BIN=path ./scripts/demo.sh   use an already built `suit` binary
#   KEEP=1 ./scripts/demo.sh     keep the working directory afterwards
#
# It generates keys, creates and signs an envelope for a sample firmware
# image, inspects and verifies it, then shows the rejections a person should
# see: a tampered image, the wrong key, a rollback, the wrong device class.
# Exit status 0 only if every step had the expected outcome.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -n "${SUIT_BIN:-}" ]]; then
    suit_bin="$(cd "$(dirname "$SUIT_BIN")" && pwd)/$(basename "$SUIT_BIN")"
else
    echo "Building the suit tool (cargo build --release -p suit-cli) ..."
    (cd "$root" && cargo build --release -p suit-cli -q)
    suit_bin="${CARGO_TARGET_DIR:-$root/target}/release/suit"
fi
[[ -x "$suit_bin" ]] || { echo "demo: no suit binary at $suit_bin" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/suit-demo.XXXXXX")"
if [[ -n "${KEEP:-}" ]]; then
    trap 'echo; echo "Files kept in $work"' EXIT
else
    trap 'rm -rf "$work"' EXIT
fi
cd "$work"

passed=0
failed=0

step() {
    echo
    echo "== $* =="
}

# Show a command as a person would type it (ids by their variable names).
show() {
    local line="$*"
    [[ -n "${vendor:-}" ]] && line="${line//$vendor/\$VENDOR}"
    [[ -n "${class:-}" ]] && line="${line//$class/\$CLASS}"
    [[ -n "${other_class:-}" ]] && line="${line//$other_class/\$V1_CLASS}"
    echo "\$ suit $line"
}

# run ARGS...: the command must succeed.
run() {
    show "$@"
    local out rc=0
    out="$("$suit_bin" "$@" 2>&1)" || rc=$?
    [[ -n "$out" ]] && printf '%s\n' "$out" | sed 's/^/    /'
    if [[ $rc -eq 0 ]]; then
        passed=$((passed + 1))
    else
        echo "  !! expected success, got exit status $rc"
        failed=$((failed + 1))
    fi
}

# accept ARGS...: verify must accept (exit 0, "accepted: ..." on stdout).
accept() {
    show "$@"
    local out rc=0
    out="$("$suit_bin" "$@" 2>&1)" || rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    if [[ $rc -eq 0 && "$out" == accepted:* ]]; then
        echo "  -> accepted, as expected"
        passed=$((passed + 1))
    else
        echo "  !! expected acceptance, got exit status $rc"
        failed=$((failed + 1))
    fi
}

# reject ERROR_NAME ARGS...: verify must reject (exit 1) with that error.
reject() {
    local want="$1"
    shift
    show "$@"
    local out rc=0
    out="$("$suit_bin" "$@" 2>&1)" || rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    if [[ $rc -eq 1 && "$out" == "rejected: $want: "* ]]; then
        echo "  -> rejected with $want, as expected"
        passed=$((passed + 1))
    else
        echo "  !! expected 'rejected: $want', got exit status $rc"
        failed=$((failed + 1))
    fi
}

step "1. Keys: a release key (P-256) and a QA key (Ed25519)"
run keygen --alg es256 --out release
run keygen --alg ed25519 --out qa

step "2. A sample firmware image"
for i in $(seq 1 1500); do printf 'thermostat firmware 3.0, block %04d\n' "$i"; done > firmware.bin
echo "firmware.bin: $(wc -c < firmware.bin) bytes"

step "3. Describe the update"
cat > thermostat.json <<'EOF'
{
  "sequence-number": 3,
  "vendor-id": {"domain": "example.com"},
  "class-id": {"model": "thermostat-v2"},
  "components": [
    {
      "id": ["h'00'"],
      "image": "firmware.bin",
      "uri": "https://updates.example.com/thermostat/firmware-3.0.bin",
      "text": {"component-description": "thermostat application", "component-version": "3.0"}
    }
  ],
  "text": {"manifest-description": "Thermostat v2 firmware 3.0"},
  "sever": ["text"]
}
EOF
sed 's/^/    /' thermostat.json
vendor="$("$suit_bin" uuid --domain example.com || true)"
class="$("$suit_bin" uuid --domain example.com --model thermostat-v2 || true)"
other_class="$("$suit_bin" uuid --domain example.com --model thermostat-v1 || true)"
echo "The device's ids, UUID5 as the draft recommends (suit uuid --domain ... [--model ...]):"
echo "    VENDOR=$vendor  (example.com)"
echo "    CLASS=$class  (thermostat-v2)"

step "4. Create the envelope and sign it twice"
run create thermostat.json -o thermostat.suit
run sign --key release.pem thermostat.suit -o thermostat.suit
run sign --key qa.pem thermostat.suit -o thermostat.suit

step "5. Inspect it"
run inspect thermostat.suit

step "6. Verify it as the device would: accepted"
accept verify --key release.pub.pem --vendor-id "$vendor" --class-id "$class" \
    --min-sequence 2 --image 0=firmware.bin thermostat.suit

step "7. A tampered image is rejected"
cp firmware.bin tampered.bin
printf 'X' | dd of=tampered.bin bs=1 seek=1000 conv=notrunc status=none
echo "tampered.bin: one byte changed at offset 1000"
reject IMAGE_DIGEST_MISMATCH verify --key release.pub.pem --vendor-id "$vendor" --class-id "$class" \
    --image 0=tampered.bin thermostat.suit

step "8. A key the envelope was not signed with is rejected"
run keygen --alg es256 --out attacker
reject AUTH_SIGNATURE_INVALID verify --key attacker.pub.pem --vendor-id "$vendor" --class-id "$class" \
    --image 0=firmware.bin thermostat.suit

step "9. A rollback is rejected: the device already runs sequence 4"
reject SEQUENCE_ROLLBACK verify --key release.pub.pem --vendor-id "$vendor" --class-id "$class" \
    --min-sequence 4 --image 0=firmware.bin thermostat.suit

step "10. A device of another class (thermostat-v1) rejects it"
echo "    V1_CLASS=$other_class  (thermostat-v1)"
reject CLASS_MISMATCH verify --key release.pub.pem --vendor-id "$vendor" --class-id "$other_class" \
    --image 0=firmware.bin thermostat.suit

echo
if [[ $failed -eq 0 ]]; then
    echo "Demo complete: all $passed steps had the expected outcome."
else
    echo "Demo FAILED: $failed of $((passed + failed)) steps did not have the expected outcome."
    exit 1
fi
