#!/usr/bin/env python3
"""The performance figures of suit-verify, from the JSON files scripts/perf-lib.sh writes
(target/perf), and the budget check.

  figures.py show                  every derived figure, one per line (name value)
  figures.py check BUDGETS         compare with perf/budgets.toml; exit 1 naming what grew
  figures.py update BUDGETS [PCT]  rewrite the budgets as measured + PCT % (default 3)
  figures.py report                the Markdown tables of PERFORMANCE.md (host parts if run)

Figure names (all deterministic except host.*):
  flash.<variant>            .text+.rodata bytes of the C ABI library, every public function
  flash.<variant>.<crate>    the same by crate group (see perf/flash.py)
  flash.boot.<variant>       only the verifier functions a firmware calls (PERF_BOOT_ROOTS)
  flash.auth.<variant>       only authentication, no processor (PERF_AUTH_ROOTS)
  flash.floor.<variant>      the plain crates alone (sha2 + signature verification)
  flash.ours.<variant>       flash.<variant> - flash.floor.<variant>
  insns.<board>.<region>     instructions in a region (the empty region subtracted)
  insns.<board>.rest_<alg>   parse + authenticate - plain digest - plain signature + validate,
                             IETF example 4 (everything except the digest and signature primitives)
  insns.<board>.rest_<alg>_ppm  the same per million of one plain Ed25519 verify
  insns.<board>.image_per_byte_milli / sha_per_byte_milli   slope 4 KiB -> 64 KiB, x1000
  insns.<board>.image_ratio_ppm   C ABI image verifier per byte / plain sha2 per byte, x1e6
  stack.<board>.<name>       painted bytes minus the caller's baseline (library only)
  stack.<board>.over_crypto_<alg>   path peak - the plain signature check's peak
  stack.fw.<variant>.<call>  the same for the shipped library (examples/firmware linked with
                             libsuit_verify_ffi.a as a firmware links it; Cortex-M4)
  stack.fw.<variant>.path    its peak over authenticate, image verifier and invoke
  stack.fw.<variant>.over_crypto   that peak - the plain signature check's peak (harness)
  insns.shipped.<variant>.<region>  the C ABI regions of the measurement firmware linked with
                             the shipped library of an algorithm set instead of the harness
                             (same inputs; Cortex-M4); also ..._ppm of the stub-primitive
                             regions, image_per_byte_milli and image_ratio_ppm as above
  stack.shipped.<variant>.<name>   that firmware's stack figures (caller's frame subtracted)
  insns.shipped_m3.<variant>.<region>   the same regions on Cortex-M3 (thumbv7m library;
                             scripts/perf-report.sh measures the both-algorithms one)
  ram.<name>                 sizeof the C ABI objects (default capacities)
"""

import glob
import json
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get("PERF_OUT", os.path.join(ROOT, "target", "perf"))
BOARDS = ("an385", "an386")
VARIANT = "both"  # the harness variant the instruction and stack figures come from


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


# The C ABI path's calls (perf/firmware/main.c); their sum is the path. (Until the
# fourteenth revision an enclosing region measured it, which also counted the stack painting
# between the calls: ~260 k instructions that varied with the calls' stack depth.)
PATH_CALLS = ("c_auth_img", "c_validate_img", "c_image_init", "c_image_64k")


def with_path(i):
    """The region counts `i` plus c_path_<alg>, the sum of the path's calls."""
    for a in ("eddsa", "es256"):
        parts = [f"{c}_{a}" for c in PATH_CALLS]
        if all(p in i for p in parts):
            i[f"c_path_{a}"] = sum(i[p] for p in parts)
    return i


def c_abi(f, prefix, i, ed, sha_span):
    """The C ABI figures derived from the region counts `i`, as `prefix`.<name>: the
    stub-primitive authentication per million of an Ed25519 verify (`ed`), authenticate +
    validate with stub primitives (c_rest_<alg>, and per million; c_rest_known_<alg> with a
    platform that answers component_digest; c_one_known_<alg>_ppm, the same in one call,
    suit_authenticate_and_run), the image verifier per
    byte (slope 4 KiB -> 64 KiB) and its ratio to plain sha2's (`sha_span`: sha2's
    instructions from 4 to 64 KiB)."""
    for a in ("eddsa", "es256"):
        auth, val = i.get(f"c_auth_ex4_stub_{a}"), i.get(f"c_validate_ex4_stub_{a}")
        if ed and auth is not None and val is not None:
            f[f"{prefix}.c_auth_ex4_stub_{a}_ppm"] = round(auth * 1e6 / ed)
            f[f"{prefix}.c_rest_{a}"] = auth + val
            f[f"{prefix}.c_rest_{a}_ppm"] = round((auth + val) * 1e6 / ed)
        known = i.get(f"c_validate_ex4_known_{a}")
        if ed and auth is not None and known is not None:
            # The same on a device whose platform answers component_digest (as the core
            # API's validate_<alg> is measured).
            f[f"{prefix}.c_rest_known_{a}"] = auth + known
            f[f"{prefix}.c_rest_known_{a}_ppm"] = round((auth + known) * 1e6 / ed)
        zc, zc_known = i.get(f"c_auth_ex4_zc_stub_{a}"), i.get(f"c_validate_ex4_zc_known_{a}")
        if ed and zc is not None and zc_known is not None:
            # The same in zero-copy mode (no copy of the envelope into a buffer).
            f[f"{prefix}.c_rest_zc_known_{a}"] = zc + zc_known
            f[f"{prefix}.c_rest_zc_known_{a}_ppm"] = round((zc + zc_known) * 1e6 / ed)
        for mode in ("", "zc_"):
            # suit_authenticate_and_run: the same work in one call, no re-opening.
            one = i.get(f"c_one_ex4_{mode}known_{a}")
            if ed and one is not None:
                f[f"{prefix}.c_one_{mode}known_{a}_ppm"] = round(one * 1e6 / ed)
    if "c_image_4k" in i and "c_image_64k_eddsa" in i:
        image = i["c_image_64k_eddsa"] - i["c_image_4k"]
        f[f"{prefix}.image_per_byte_milli"] = round(image * 1000 / (65536 - 4096))
        if sha_span:
            # Our image hashing per byte relative to plain sha2's (ppm: 1,000,000 = equal).
            f[f"{prefix}.image_ratio_ppm"] = round(image * 1e6 / sha_span)


def figures():
    f = {}
    for path in sorted(glob.glob(os.path.join(OUT, "flash-*.json"))):
        v = os.path.basename(path)[len("flash-"):-len(".json")]
        d = load(path)
        if v.endswith(("-boot", "-auth")):
            f[f"flash.{v[-4:]}.{v[:-5]}"] = d["flash"]
            continue
        f["flash." + v] = d["flash"]
        for g in d["groups"]:
            key = g["crate"].split(" ")[0]
            f[f"flash.{v}.{key}"] = g["flash"]
    for path in sorted(glob.glob(os.path.join(OUT, "floor-*.json"))):
        v = os.path.basename(path)[len("floor-"):-len(".json")]
        f["flash.floor." + v] = load(path)["flash"]
        if "flash." + v in f:
            f["flash.ours." + v] = f["flash." + v] - f["flash.floor." + v]
    for b in BOARDS:
        r = load(os.path.join(OUT, f"run-{b}-{VARIANT}.json"))
        if not r:
            continue
        i = with_path(r["insns"])
        for k, v in i.items():
            f[f"insns.{b}.{k}"] = v
        ed = i["sig_plain_eddsa"]
        for a in ("eddsa", "es256"):
            rest = (i[f"parse_{a}"] + i[f"auth_{a}"] - i[f"digest_plain_{a}"]
                    - i[f"sig_plain_{a}"] + i[f"validate_{a}"])
            f[f"insns.{b}.rest_{a}"] = rest
            f[f"insns.{b}.rest_{a}_ppm"] = round(rest * 1e6 / ed)
            direct = i[f"parse_{a}"] + i[f"auth_rest_{a}"] + i[f"validate_{a}"]
            f[f"insns.{b}.rest_direct_{a}"] = direct
            f[f"insns.{b}.rest_direct_{a}_ppm"] = round(direct * 1e6 / ed)
        span = 65536 - 4096
        f[f"insns.{b}.sha_per_byte_milli"] = round(
            (i["sha_plain_64k"] - i["sha_plain_4k"]) * 1000 / span)
        f[f"insns.{b}.image_core_per_byte_milli"] = round(
            (i["image_core_64k"] - i["image_core_4k"]) * 1000 / span)
        c_abi(f, f"insns.{b}", i, ed, i["sha_plain_64k"] - i["sha_plain_4k"])
        s = r["stack"]
        base = s["baseline"]
        for k, v in s.items():
            if k != "baseline":
                f[f"stack.{b}.{k}"] = v - base
        f[f"stack.{b}.baseline"] = base
        for a in ("eddsa", "es256"):
            f[f"stack.{b}.over_crypto_{a}"] = s[f"path_{a}"] - s[f"sig_plain_{a}"]
        for k, v in r["size"].items():
            f[f"ram.{k}"] = v
    # The shipped library's stack (scripts/perf-lib.sh perf_fw_stack), Cortex-M4: the
    # figures the stack targets apply to.
    fw = load(os.path.join(OUT, "fw-stack.json"))
    plain = {"ed25519": ("eddsa",), "p256": ("es256",), "both": ("eddsa", "es256")}
    for v, calls in (fw or {}).items():
        for k, b in calls.items():
            f[f"stack.fw.{v}.{k}"] = b
        path = max(b for k, b in calls.items() if k != "keys")
        f[f"stack.fw.{v}.path"] = path
        sig = [f.get(f"stack.an386.sig_plain_{a}") for a in plain.get(v, ())]
        if sig and None not in sig:
            f[f"stack.fw.{v}.over_crypto"] = path - max(sig)
    # The C ABI regions on the shipped library (scripts/perf-lib.sh perf_shipped), Cortex-M4:
    # the figures of the harness's C ABI rows as a firmware's library gives them.
    ed = f.get("insns.an386.sig_plain_eddsa")
    sha_span = (f["insns.an386.sha_plain_64k"] - f["insns.an386.sha_plain_4k"]
                if "insns.an386.sha_plain_64k" in f else None)
    for path in sorted(glob.glob(os.path.join(OUT, "shipped-an386-*.json"))):
        v = os.path.basename(path)[len("shipped-an386-"):-len(".json")]
        r = load(path)
        i = with_path(r["insns"])
        for k, x in i.items():
            f[f"insns.shipped.{v}.{k}"] = x
        c_abi(f, f"insns.shipped.{v}", i, ed, sha_span)
        st = r["stack"]
        for k, x in st.items():
            if k != "baseline":
                f[f"stack.shipped.{v}.{k}"] = x - st["baseline"]
    # The same on Cortex-M3 (perf-report only; the both-algorithms library), against the
    # harness's an385 figures.
    ed3 = f.get("insns.an385.sig_plain_eddsa")
    sha3 = (f["insns.an385.sha_plain_64k"] - f["insns.an385.sha_plain_4k"]
            if "insns.an385.sha_plain_64k" in f else None)
    for path in sorted(glob.glob(os.path.join(OUT, "shipped-an385-*.json"))):
        v = os.path.basename(path)[len("shipped-an385-"):-len(".json")]
        i = with_path(load(path)["insns"])
        for k, x in i.items():
            f[f"insns.shipped_m3.{v}.{k}"] = x
        c_abi(f, f"insns.shipped_m3.{v}", i, ed3, sha3)
    # The same firmware built with other levers (scripts/perf-report.sh), Cortex-M4.
    for path in sorted(glob.glob(os.path.join(OUT, "run-an386-*.json"))):
        v = os.path.basename(path)[len("run-an386-"):-len(".json")]
        if v == VARIANT:
            continue
        i = with_path(load(path)["insns"])
        f[f"lever.{v}.sig_plain_eddsa"] = i["sig_plain_eddsa"]
        f[f"lever.{v}.sig_plain_es256"] = i["sig_plain_es256"]
        f[f"lever.{v}.sha_per_byte_milli"] = round(
            (i["sha_plain_64k"] - i["sha_plain_4k"]) * 1000 / (65536 - 4096))
        f[f"lever.{v}.rest_eddsa"] = (i["parse_eddsa"] + i["auth_eddsa"] - i["digest_plain_eddsa"]
                                      - i["sig_plain_eddsa"] + i["validate_eddsa"])
        f[f"lever.{v}.c_path_eddsa"] = i["c_path_eddsa"]
        f[f"lever.{v}.c_path_es256"] = i["c_path_es256"]
    return f


def read_budgets(path, table="budgets"):
    import tomllib
    with open(path, "rb") as fh:
        return tomllib.load(fh).get(table, {})


def check(path):
    f = figures()
    budgets = read_budgets(path)
    base = load(os.path.join(ROOT, "perf", "baseline.json")) or {}
    failed = []
    for name, limit in budgets.items():
        if name not in f:
            failed.append(f"{name}: not measured (is the figure still produced?)")
            continue
        v = f[name]
        status = "ok" if v <= limit else "OVER"
        print(f"perf-check: {status:4} {name} = {v:,} (budget {limit:,}, "
              f"{(v - limit) / (abs(limit) or 1) * 100:+.1f}%)")
        if v > limit:
            msg = f"{name} grew: {v:,} > budget {limit:,}"
            if name in base:
                msg += f" (was {base[name]:,} when the budget was set, {v - base[name]:+,})"
            # Say what inside it grew: its parts (flash by crate), or else the other
            # figures of the same kind and board that grew by more than 0.5 %.
            grew = []
            parts = [k for k in base if k.startswith(name + ".")]
            if not parts:
                prefix = ".".join(name.split(".")[:2]) + "."
                parts = [k for k in base if k.startswith(prefix) and k != name
                         and k in f and f[k] > base[k] + abs(base[k]) * 0.005]
            for k in parts:
                bv = base[k]
                if k in f and f[k] > bv:
                    grew.append(f"{k} {bv:,} -> {f[k]:,} ({f[k] - bv:+,})")
            if grew:
                msg += "; grew inside it: " + "; ".join(grew)
            failed.append(msg)
    for name, target in read_budgets(path, "targets").items():
        if name in f:
            print(f"perf-check: target {'met   ' if f[name] <= target else 'MISSED'} "
                  f"{name} = {f[name]:,} (target {target:,})")
    for m in failed:
        print("perf-check: FAILED: " + m)
    return 1 if failed else 0


def update(path, pct):
    f = figures()
    budgets = read_budgets(path)
    targets = read_budgets(path, "targets")
    full = open(path).read()
    # Only the [budgets] table is rewritten.
    start = full.index("\n[budgets]") + 1
    end = full.find("\n[", start + 1)
    end = len(full) if end < 0 else end + 1
    head, text, tail = full[:start], full[start:end], full[end:]
    for name in budgets:
        if name not in f:
            continue
        # The margin is pct % of the value's size: a figure can be negative (a path whose
        # peak is below the plain crypto call's in the harness).
        new = int(math.ceil(f[name] + abs(f[name]) * pct / 100))
        # A target the figure meets caps its budget: the check then also fails when a
        # change makes a met target missed.
        if name in targets and f[name] <= targets[name]:
            new = min(new, targets[name])
        text = re.sub(rf'^("{re.escape(name)}"\s*=\s*)-?\d+(.*?)(#.*)?$',
                      lambda m: f'{m.group(1)}{new}  # measured {f[name]}', text, flags=re.M)
    open(path, "w").write(head + text + tail)
    with open(os.path.join(ROOT, "perf", "baseline.json"), "w") as fh:
        json.dump({k: v for k, v in sorted(f.items())}, fh, indent=1)
        fh.write("\n")
    print(f"updated {path} (+{pct}%) and perf/baseline.json")


# ---- report --------------------------------------------------------------------------------

def n(v):
    return f"{v:,}"


def cell(f, key):
    """A figure for a table cell, or '-' where the build has no such region."""
    return n(f[key]) if key in f else "-"


def shipped_table(w, f, board, prefix, variants, rows):
    """A table of instruction regions: the harness's figure on `board` beside the shipped
    library's (`prefix`.<variant>.<region>) for each variant."""
    w("| Region | harness (both) | " + " | ".join(f"shipped, {v}" for v in variants) + " |")
    w("|---|---|" + "---|" * len(variants))
    for k, label in rows:
        w(f"| {label} | {n(f.get(f'insns.{board}.{k}', 0))} | " + " | ".join(
            cell(f, f"{prefix}.{v}.{k}") for v in variants) + " |")


def criterion(group, bench):
    p = os.path.join(ROOT, "target", "criterion", group, bench, "new", "estimates.json")
    d = load(p)
    return d["median"]["point_estimate"] if d else None


def t(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def report():
    f = figures()
    out = []
    w = out.append

    # Host.
    paired = load(os.path.join(OUT, "paired.json"))
    if criterion("auth_eddsa", "authenticate") is not None:
        w("### Host (x86-64), criterion medians\n")
        w("| Operation | EdDSA | ES256 |")
        w("|---|---|---|")
        w(f"| `Envelope::parse` (IETF example 4) | {t(criterion('parse', 'eddsa'))} | {t(criterion('parse', 'es256'))} |")
        for b, label in [("digest_plain", "SHA-256 of the manifest bstr, plain sha2 (baseline)"),
                         ("digest_ours", "our digest step (decode, hash, compare)"),
                         ("sig_plain", "signature, plain crate (baseline)"),
                         ("sig_ours", "our signature step (`RustCrypto::verify`)"),
                         ("rest_direct", "authenticate with stub primitives (the rest, direct)"),
                         ("authenticate", "`authenticate` total")]:
            w(f"| {label} | {t(criterion('auth_eddsa', b))} | {t(criterion('auth_es256', b))} |")
        rest = {}
        for p in paired or []:
            if p["name"].startswith("authenticate_"):
                rest[p["name"][len("authenticate_"):]] = p["ours_ns"] - p["baseline_ns"]
        w(f"| the rest = total - digest - signature, from the paired run below "
          f"(a difference of two separate criterion medians is within their noise) | "
          f"{t(rest.get('eddsa'))} | {t(rest.get('es256'))} |")
        w("")
        w("| Processor (IETF example 4, mock platform) | median |")
        w("|---|---|")
        for b in ("validate", "invoke", "full_path_eddsa"):
            w(f"| `processor/{b}` | {t(criterion('processor', b))} |")
        w("")
        w("| Image hashing, 4 KiB chunks | 64 KiB | 1 MiB |")
        w("|---|---|---|")
        for b, label in [("plain_sha2", "plain sha2"), ("image_verifier", "`ImageVerifier`")]:
            a, c = criterion("image", f"{b}/65536"), criterion("image", f"{b}/1048576")
            w(f"| {label} | {t(a)} ({65536 / a * 1e3:.0f} MB/s) | {t(c)} ({1048576 / c * 1e3:.0f} MB/s) |"
              if a and c else f"| {label} | - | - |")
        w("")
    if paired:
        w("### Host (x86-64), paired ratios (interleaved, median of per-round ratios)\n")
        w("| Pair (ours vs baseline) | baseline | ours | ratio ours/baseline [p10-p90] |")
        w("|---|---|---|---|")
        for p in paired:
            w(f"| {p['name']} | {t(p['baseline_ns'])} | {t(p['ours_ns'])} | "
              f"{p['ratio']:.3f} [{p['p10']:.3f}-{p['p90']:.3f}] |")
        w("")

    # Cortex-M instructions.
    if "insns.an386.parse_eddsa" in f:
        w("### Cortex-M instructions (QEMU, exact)\n")
        w("| Region | M3 (an385) | M4 (an386) |")
        w("|---|---|---|")
        rows = [
            ("parse_eddsa", "`Envelope::parse`, example 4"),
            ("digest_plain_eddsa", "SHA-256 of the manifest bstr, plain sha2 (baseline)"),
            ("digest_ours_eddsa", "our digest step"),
            ("sig_plain_eddsa", "Ed25519 verify, plain ed25519-compact (baseline)"),
            ("sig_ours_eddsa", "our Ed25519 step"),
            ("auth_eddsa", "`authenticate`, EdDSA"),
            ("auth_rest_eddsa", "`authenticate` with stub primitives (direct rest)"),
            ("sig_plain_es256", "ES256 verify, plain p256 incl. SHA-256 (baseline)"),
            ("sig_ours_es256", "our ES256 step"),
            ("auth_es256", "`authenticate`, ES256"),
            ("validate_eddsa", "`Processor::new` + validate procedure (mock platform)"),
            ("rest_eddsa", "**everything but the primitives** (parse + auth - digest - signature + validate)"),
            ("rest_eddsa_ppm", "... per million of one Ed25519 verify (target <= 20,000)"),
            ("rest_direct_eddsa", "same, measured with stub primitives"),
            ("rest_direct_eddsa_ppm", "... per million of one Ed25519 verify"),
            ("c_auth_ex4_eddsa", "C ABI `suit_authenticate`, example 4, EdDSA"),
            ("c_auth_ex4_es256", "C ABI `suit_authenticate`, example 4, ES256"),
            ("c_auth_ex4_stub_eddsa", "C ABI `suit_authenticate`, example 4, stub primitives "
             "(`suit_ctx_set_crypto`; the C ABI's rest, direct)"),
            ("c_auth_ex4_stub_eddsa_ppm", "... per million of one Ed25519 verify"),
            ("c_reopen_ex4_eddsa", "C ABI: a later call on that context (re-opening: the manifest's "
             "SHA-256 against the receipt, then its decoding), EdDSA"),
            ("c_reopen_ex4_stub_eddsa", "... with stub primitives"),
            ("c_validate_ex4_stub_eddsa", "C ABI `suit_run_section(VALIDATE)`, example 4, stub "
             "primitives (re-opening, the checks, image-match reading 34,768 bytes through `read`)"),
            ("c_rest_eddsa", "**C ABI: everything but the primitives** (authenticate + validate, "
             "stub primitives)"),
            ("c_rest_eddsa_ppm", "... per million of one Ed25519 verify"),
            ("c_validate_ex4_known_eddsa", "C ABI `suit_run_section(VALIDATE)`, example 4, stub "
             "primitives, a platform that answers `component_digest` (reads nothing, as the core "
             "API's validate is measured)"),
            ("c_rest_known_eddsa", "**C ABI: everything but the primitives**, that platform"),
            ("c_rest_known_eddsa_ppm", "... per million of one Ed25519 verify"),
            ("c_auth_ex4_zc_stub_eddsa", "C ABI `suit_authenticate`, example 4, stub primitives, "
             "zero-copy mode (`suit_ctx_init_zero_copy`)"),
            ("c_validate_ex4_zc_known_eddsa", "... then `suit_run_section(VALIDATE)`, the "
             "platform that answers `component_digest`"),
            ("c_rest_zc_known_eddsa", "**C ABI: everything but the primitives**, zero-copy mode, "
             "that platform"),
            ("c_rest_zc_known_eddsa_ppm", "... per million of one Ed25519 verify"),
            ("c_one_ex4_known_eddsa", "**C ABI in one call**: `suit_authenticate_and_run` "
             "(authenticate + validate, no re-opening), stub primitives, that platform"),
            ("c_one_known_eddsa_ppm", "... per million of one Ed25519 verify (target <= 20,000)"),
            ("c_one_ex4_zc_known_eddsa", "**C ABI in one call**, zero-copy mode"),
            ("c_one_zc_known_eddsa_ppm", "... per million of one Ed25519 verify (target <= 20,000)"),
            ("c_auth_img_eddsa", "C ABI path: `suit_authenticate` (two-image manifest)"),
            ("c_validate_img_eddsa", "C ABI path: `suit_run_section(VALIDATE)`, hashes 4 + 64 KiB"),
            ("c_image_init_eddsa", "C ABI path: `suit_image_verifier_init`"),
            ("c_image_64k_eddsa", "C ABI path: 64 KiB through `suit_image_verifier_update` + finish"),
            ("c_path_eddsa", "C ABI path total, EdDSA (the sum of the four calls above)"),
            ("c_path_es256", "C ABI path total, ES256"),
            ("sha_per_byte_milli", "plain sha2, instructions per byte x1000 (baseline)"),
            ("image_core_per_byte_milli", "`ImageVerifier`, per byte x1000"),
            ("image_per_byte_milli", "C ABI image verifier, per byte x1000"),
            ("image_ratio_ppm", "C ABI image verifier / plain sha2 per byte, x10^6 (target <= 1,030,000)"),
        ]
        for k, label in rows:
            w(f"| {label} | {n(f.get(f'insns.an385.{k}', 0))} | {n(f.get(f'insns.an386.{k}', 0))} |")
        w("")
        w("### Stack in the measurement harness (painting, bytes used by the library: measured minus "
          "the caller's frame; per call and nesting, the targets are checked on the shipped library "
          "below)\n")
        w("| Call | M3 (an385) | M4 (an386) |")
        w("|---|---|---|")
        for k, label in [("sig_plain_eddsa", "plain Ed25519 verify alone (deepest crypto call)"),
                         ("sig_plain_es256", "plain ES256 verify alone (deepest crypto call)"),
                         ("auth_eddsa", "`suit_authenticate`, EdDSA"),
                         ("auth_es256", "`suit_authenticate`, ES256"),
                         ("validate_eddsa", "`suit_run_section(VALIDATE)`"),
                         ("validate_nested_eddsa", "`suit_run_section(VALIDATE)`, the same images "
                          "through 4 nested try-each levels (the deepest allowed)"),
                         ("image_init_eddsa", "`suit_image_verifier_init`"),
                         ("image_update_eddsa", "`suit_image_verifier_update` + finish"),
                         ("path_eddsa", "whole path, EdDSA"),
                         ("path_es256", "whole path, ES256"),
                         ("over_crypto_eddsa", "path above the plain crypto call, EdDSA"),
                         ("over_crypto_es256", "path above the plain crypto call, ES256"),
                         ("baseline", "(the caller's frame, subtracted above)")]:
            w(f"| {label} | {n(f.get(f'stack.an385.{k}', 0))} | {n(f.get(f'stack.an386.{k}', 0))} |")
        w("")
        if any(k.startswith("stack.fw.") for k in f):
            w("### Stack of the shipped library (example firmware, `libsuit_verify_ffi.a` as a "
              "firmware links it, Cortex-M4; each call painted alone, main's frame subtracted)\n")
            w("| Call | Ed25519 only | P-256 only | both (both signatures required) |")
            w("|---|---|---|---|")
            for k, label in [("keys", "`suit_keys_check`"),
                             ("auth", "`suit_authenticate` (zero-copy)"),
                             ("image_init", "`suit_image_verifier_init`"),
                             ("image_update", "`suit_image_verifier_update` (64-byte chunks) + finish"),
                             ("invoke", "`suit_run_invoke` (validate, invoke)"),
                             ("one_call", "`suit_authenticate_and_run` (next boot: authenticate, validate, invoke in one call)"),
                             ("path", "**whole path** (target <= 8,192)"),
                             ("over_crypto", "path above the plain crypto call (target <= 1,024)")]:
                w(f"| {label} | " + " | ".join(
                    n(f.get(f"stack.fw.{v}.{k}", 0)) for v in ("ed25519", "p256", "both")) + " |")
            w("")
        shipped = [v for v in ("ed25519", "p256", "both") if f"insns.shipped.{v}.c_path_{'es256' if v == 'p256' else 'eddsa'}" in f]
        if shipped:
            w("### C ABI on the shipped library (Cortex-M4, the measurement firmware's C ABI "
              "regions linked with `libsuit_verify_ffi.a` as a firmware links it, same inputs)\n")
            shipped_table(w, f, "an386", "insns.shipped", shipped, [
                    ("c_auth_ex4_eddsa", "instructions: `suit_authenticate`, example 4, EdDSA"),
                    ("c_auth_ex4_stub_eddsa", "... with stub primitives (the rest, direct)"),
                    ("c_auth_ex4_stub_eddsa_ppm", "... per million of one Ed25519 verify"),
                    ("c_reopen_ex4_stub_eddsa", "instructions: a later call's re-opening, stub primitives"),
                    ("c_validate_ex4_stub_eddsa", "instructions: `suit_run_section(VALIDATE)`, example 4, stub primitives"),
                    ("c_rest_eddsa", "instructions: **everything but the primitives**, authenticate + validate"),
                    ("c_rest_eddsa_ppm", "... per million of one Ed25519 verify"),
                    ("c_validate_ex4_known_eddsa", "instructions: the same validate, a platform that answers `component_digest`"),
                    ("c_rest_known_eddsa", "instructions: **everything but the primitives**, that platform"),
                    ("c_rest_known_eddsa_ppm", "... per million of one Ed25519 verify"),
                    ("c_rest_zc_known_eddsa", "instructions: the same in zero-copy mode"),
                    ("c_rest_zc_known_eddsa_ppm", "... per million of one Ed25519 verify"),
                    ("c_one_ex4_known_eddsa", "instructions: **in one call** (`suit_authenticate_and_run`), that platform"),
                    ("c_one_known_eddsa_ppm", "... per million of one Ed25519 verify"),
                    ("c_one_ex4_zc_known_eddsa", "instructions: **in one call**, zero-copy mode"),
                    ("c_one_zc_known_eddsa_ppm", "... per million of one Ed25519 verify"),
                    ("c_auth_ex4_es256", "instructions: `suit_authenticate`, example 4, ES256"),
                    ("c_auth_ex4_stub_es256", "... with stub primitives"),
                    ("c_auth_img_eddsa", "instructions: path, `suit_authenticate`, EdDSA"),
                    ("c_validate_img_eddsa", "instructions: path, `suit_run_section(VALIDATE)`, 4 + 64 KiB"),
                    ("c_image_init_eddsa", "instructions: path, `suit_image_verifier_init`"),
                    ("c_image_64k_eddsa", "instructions: path, 64 KiB streamed + finish"),
                    ("c_path_eddsa", "instructions: **path total, EdDSA**"),
                    ("c_path_es256", "instructions: **path total, ES256**"),
                    ("image_per_byte_milli", "instructions: image verifier per byte x1000"),
                    ("image_ratio_ppm", "... / plain sha2 per byte, x10^6 (target <= 1,030,000)")])
            for k, label in [("path_eddsa", "stack: path, EdDSA, the nested validate included"),
                             ("path_es256", "stack: path, ES256, the nested validate included"),
                             ("validate_nested_eddsa", "stack: `suit_run_section(VALIDATE)`, deepest nesting")]:
                w(f"| {label} | {n(f.get(f'stack.an386.{k}', 0))} | " + " | ".join(
                    cell(f, f"stack.shipped.{v}.{k}") for v in shipped) + " |")
            w("")
        m3 = [v for v in ("ed25519", "p256", "both") if f"insns.shipped_m3.{v}.c_path_eddsa" in f
              or f"insns.shipped_m3.{v}.c_path_es256" in f]
        if m3:
            w("### C ABI on the shipped library, Cortex-M3 (mps2-an385, the same firmware and "
              "inputs, `libsuit_verify_ffi.a` for thumbv7m-none-eabi)\n")
            shipped_table(w, f, "an385", "insns.shipped_m3", m3, [
                    ("c_auth_ex4_stub_eddsa", "`suit_authenticate`, example 4, stub primitives"),
                    ("c_reopen_ex4_stub_eddsa", "a later call's re-opening, stub primitives"),
                    ("c_validate_ex4_stub_eddsa", "`suit_run_section(VALIDATE)`, example 4, stub primitives"),
                    ("c_rest_eddsa", "**everything but the primitives**, authenticate + validate"),
                    ("c_rest_eddsa_ppm", "... per million of one Ed25519 verify (on Cortex-M3)"),
                    ("c_rest_known_eddsa", "the same, a platform that answers `component_digest`"),
                    ("c_rest_known_eddsa_ppm", "... per million of one Ed25519 verify (on Cortex-M3)"),
                    ("c_one_ex4_zc_known_eddsa", "in one call (`suit_authenticate_and_run`), zero-copy, that platform"),
                    ("c_one_zc_known_eddsa_ppm", "... per million of one Ed25519 verify (on Cortex-M3)"),
                    ("c_path_eddsa", "**path total, EdDSA**"),
                    ("c_path_es256", "**path total, ES256**"),
                    ("image_ratio_ppm", "image verifier / plain sha2 per byte, x10^6")])
            w("")
        w(f"C ABI objects (thumbv7em, default capacities: SUIT_VERIFY_MAX_COMPONENTS=4, "
          f"SUIT_VERIFY_HASH_CTX_WORDS=32): `suit_ctx` {n(f.get('ram.suit_ctx', 0))} B, "
          f"`suit_image_verifier` {n(f.get('ram.suit_image_verifier', 0))} B.\n")

    # Flash.
    variants = [v for v in ("ed25519", "p256", "both") if f"flash.{v}" in f]
    if variants:
        w("### Flash (.text + .rodata, thumbv7em-none-eabihf, opt-level \"z\")\n")
        w("| Build | total | of which the plain crypto floor | ours (total - floor) |")
        w("|---|---|---|---|")
        for v in variants:
            fl = f.get(f"flash.floor.{v}")
            w(f"| {v} | {n(f[f'flash.{v}'])} | {n(fl) if fl else '-'} | "
              f"{n(f[f'flash.{v}'] - fl) if fl else '-'} |")
        for kind, what in (("boot", "verifier functions only"), ("auth", "authentication only")):
            for v in ("ed25519", "p256", "both"):
                if f"flash.{kind}.{v}" in f:
                    w(f"| {v}, {what} | {n(f[f'flash.{kind}.{v}'])} | "
                      f"{n(f.get(f'flash.floor.{v}', 0))} | "
                      f"{n(f[f'flash.{kind}.{v}'] - f.get(f'flash.floor.{v}', 0))} |")
        w("")
        w("By crate (symbols; LTO inlines crypto into our functions, so the floor column above "
          "is the fair split):\n")
        groups = ["suit-verify", "suit-verify-ffi", "sha2", "ed25519-compact", "p256", "core",
                  "unnamed"]
        w("| Build | " + " | ".join(groups) + " |")
        w("|---|" + "---|" * len(groups))
        for v in ("ed25519", "p256", "both"):
            if f"flash.{v}" in f:
                w(f"| {v} | " + " | ".join(n(f.get(f"flash.{v}.{g}", 0)) for g in groups) + " |")
        w("")
    # Levers.
    lever_rows = [
        ("-fast-unrolled-nolto", "crate defaults: `cargo build` of the staticlib+rlib crate (cargo skips LTO), ed25519-compact without `opt_size`, sha2 unrolled"),
        ("-fast-unrolled", "+ fat LTO (`cargo rustc --crate-type staticlib`)"),
        ("-unrolled", "+ ed25519-compact `opt_size` (ffi feature `opt-size`)"),
        ("", "+ sha2 compact backend (`--cfg sha2_backend_soft=\"compact\"`): **chosen**"),
    ]
    if any(f"flash.ed25519{suf}" in f for suf, _ in lever_rows[:-1]):
        w("### Flash levers (bytes, .text + .rodata; each row adds one lever to the row above)\n")
        w("| Build | Ed25519 only | P-256 only | both |")
        w("|---|---|---|---|")
        for suf, label in lever_rows:
            w(f"| {label} | " + " | ".join(n(f[f'flash.{a}{suf}']) if f'flash.{a}{suf}' in f else "-"
                                          for a in ("ed25519", "p256", "both")) + " |")
        if "flash.ed25519-nolto" in f:
            w("| chosen levers but **without LTO** (`cargo build -p suit-verify-ffi`: cargo skips LTO for a staticlib+rlib crate; the repo's scripts, CMake and Zephyr use `cargo rustc --crate-type staticlib`) | "
              + " | ".join(n(f[f'flash.{a}-nolto']) if f'flash.{a}-nolto' in f else "-"
                           for a in ("ed25519", "p256", "both")) + " |")
        if "flash.ed25519-nomsg" in f:
            w("| chosen, without the ffi feature `error-messages` (`suit_result_message` gives the name) | "
              + " | ".join(n(f[f'flash.{a}-nomsg']) if f'flash.{a}-nomsg' in f else "-"
                           for a in ("ed25519", "p256", "both")) + " |")
        w("| chosen, verifier functions only (context, `suit_authenticate`, `suit_run_*`, image verifier, `suit_ctx_last_error`, `suit_result_name`) | "
          + " | ".join(n(f.get(f"flash.boot.{a}", 0)) for a in ("ed25519", "p256", "both")) + " |")
        if "flash.boot.ed25519-noinstall" in f:
            w("| chosen, verifier functions only, without the feature `install` (boot-only: fetch, write, copy and swap not built) | "
              + " | ".join(n(f[f'flash.boot.{a}-noinstall']) if f'flash.boot.{a}-noinstall' in f else "-"
                           for a in ("ed25519", "p256", "both")) + " |")
        if "flash.auth.ed25519" in f:
            w("| chosen, authentication only: no processor, no image verifier (context, `suit_authenticate`, `suit_ctx_last_error`, `suit_result_name`) | "
              + " | ".join(n(f.get(f"flash.auth.{a}", 0)) for a in ("ed25519", "p256", "both")) + " |")
        w("| the plain crypto floor of the chosen build (sha2 + verify, nothing else) | "
          + " | ".join(n(f.get(f"flash.floor.{a}", 0)) for a in ("ed25519", "p256", "both")) + " |")
        if "flash.boot.none" in f:
            w("| no signature crate (features `ed25519`, `p256` off): the firmware's verify through `suit_ctx_set_crypto`; verifier functions + `suit_ctx_set_crypto`, SHA-256 built in | "
              + " | ".join(f"{n(f['flash.boot.none'])} + yours" for _ in range(3)) + " |")
        for suf, label in (("-unrolled-o3", "**speed build**: chosen + crypto crates at opt-level 3 + sha2 unrolled"),
                           ("-fast-unrolled-o3", "speed build without `opt_size`")):
            if f"flash.ed25519{suf}" in f:
                w(f"| {label} | " + " | ".join(n(f[f'flash.{a}{suf}']) if f'flash.{a}{suf}' in f else "-"
                                              for a in ("ed25519", "p256", "both")) + " |")
        for suf, label in (("-unrolled", "floor with sha2 unrolled"), ("-fast", "floor without `opt_size`")):
            if f"flash.floor.ed25519{suf}" in f:
                w(f"| {label} | " + " | ".join(n(f[f'flash.floor.{a}{suf}']) if f'flash.floor.{a}{suf}' in f else "-"
                                              for a in ("ed25519", "p256", "both")) + " |")
        w("")
    levers = sorted({k.split(".")[1] for k in f if k.startswith("lever.")})
    if levers and "insns.an386.sig_plain_eddsa" in f:
        w("### Instruction levers (Cortex-M4, both algorithms)\n")
        w("| Build | Ed25519 verify | ES256 verify | SHA-256 per byte | rest (example 4) | C ABI path EdDSA | C ABI path ES256 |")
        w("|---|---|---|---|---|---|---|")
        w(f"| chosen (opt_size, compact SHA) | {n(f['insns.an386.sig_plain_eddsa'])} | {n(f['insns.an386.sig_plain_es256'])} | "
          f"{f['insns.an386.sha_per_byte_milli'] / 1000:.2f} | {n(f['insns.an386.rest_eddsa'])} | "
          f"{n(f['insns.an386.c_path_eddsa'])} | {n(f['insns.an386.c_path_es256'])} |")
        labels = {"both-unrolled": "sha2 unrolled",
                  "both-fast": "without `opt_size`",
                  "both-unrolled-o3": "**speed build**: crypto crates at opt-level 3, sha2 unrolled, `opt_size` kept",
                  "both-fast-unrolled-o3": "speed build without `opt_size`"}
        for v in levers:
            w(f"| {labels.get(v, v)} | {n(f[f'lever.{v}.sig_plain_eddsa'])} | {n(f[f'lever.{v}.sig_plain_es256'])} | "
              f"{f[f'lever.{v}.sha_per_byte_milli'] / 1000:.2f} | {n(f[f'lever.{v}.rest_eddsa'])} | "
              f"{n(f[f'lever.{v}.c_path_eddsa'])} | {n(f[f'lever.{v}.c_path_es256'])} |")
        w("")
    print("\n".join(out))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "show"
    if cmd == "show":
        for k, v in sorted(figures().items()):
            print(k, v)
    elif cmd == "check":
        sys.exit(check(sys.argv[2]))
    elif cmd == "update":
        update(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 3.0)
    elif cmd == "report":
        report()
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
