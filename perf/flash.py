#!/usr/bin/env python3
"""Flash attribution of a linked ELF by crate (scripts/perf-lib.sh).

Usage: flash.py ELF [--json OUT] [--label NAME] [--top N]

Reads the symbol table (`arm-none-eabi-readelf -sW -C`) and the section
table, and sums `.text` + `.rodata` (+ `.ARM.exidx` reported separately):

- the total of each section, minus the measurement stub's own symbols
  (perf/firmware/size_stub.c: `perf_stub_*`, `suit_port_fatal`);
- per crate, the sizes of the symbols in those sections, a crate being the
  first `name::` path segment of the demangled symbol (`<A as B>::f`
  counts for A's crate; `core::ptr::drop_in_place<suit_verify::X>` counts
  for core); `suit_*` C functions count for suit-verify-ffi; other
  unmangled names (memcpy, __aeabi_*) for compiler_builtins;
- what no symbol covers (LLVM's private constants: strings, tables,
  switch tables, alignment padding) as "unnamed".

Deterministic: the same ELF gives the same output.
"""

import json
import re
import subprocess
import sys

STUB = {"perf_stub_reset", "perf_stub_vectors", "suit_port_fatal"}
SECTIONS = (".text", ".rodata", ".ARM.exidx")

GROUPS = [
    ("suit-verify", {"suit_verify"}),
    ("suit-verify-ffi", {"suit_verify_ffi"}),
    ("sha2", {"sha2", "digest", "block_buffer", "crypto_common", "hybrid_array", "generic_array"}),
    ("ed25519-compact", {"ed25519_compact"}),
    (
        "p256",
        {
            "p256", "primeorder", "elliptic_curve", "ecdsa", "crypto_bigint", "ff", "group",
            "subtle", "rfc6979", "signature", "sec1", "der", "base16ct", "hmac", "ctutils",
            "cpubits", "zeroize",
        },
    ),
    ("minicbor", {"minicbor"}),
    ("heapless", {"heapless"}),
    ("core", {"core", "compiler_builtins", "memchr"}),
]


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def crate_of(name):
    if name in STUB:
        return None
    if re.fullmatch(r"suit_[a-z0-9_]+", name):
        return "suit_verify_ffi"
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        return m.group(1)
    return "compiler_builtins"


def group_of(crate):
    for g, crates in GROUPS:
        if crate in crates:
            return g
    return "other:" + crate


def main():
    args = sys.argv[1:]
    elf = args[0]
    out_json = args[args.index("--json") + 1] if "--json" in args else None
    label = args[args.index("--label") + 1] if "--label" in args else elf
    top = int(args[args.index("--top") + 1]) if "--top" in args else 0

    secs = {}
    for line in run("arm-none-eabi-readelf", "-SW", elf).splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m:
            secs[int(m.group(1))] = (m.group(2), int(m.group(3), 16), int(m.group(4), 16))

    totals = {s: 0 for s in SECTIONS}
    for _, (name, _, size) in secs.items():
        if name in totals:
            totals[name] += size

    seen = set()
    modules = {}
    per = {}  # (group, section) -> bytes
    syms = []
    stub = {s: 0 for s in SECTIONS}
    for line in run("arm-none-eabi-readelf", "-sW", "-C", elf).splitlines():
        parts = line.split(None, 7)
        if len(parts) < 8 or not parts[0].rstrip(":").isdigit():
            continue
        _, value, size, typ, _bind, _vis, ndx, name = parts
        if typ not in ("FUNC", "OBJECT") or not ndx.isdigit():
            continue
        size = int(size, 0) if not size.startswith("0x") else int(size, 16)
        if size == 0:
            continue
        sec = secs.get(int(ndx), ("?", 0, 0))[0]
        if sec not in totals:
            continue
        addr = int(value, 16) & ~1
        if (addr, sec) in seen:
            continue
        seen.add((addr, sec))
        crate = crate_of(name)
        if crate is None:
            stub[sec] += size
            continue
        g = group_of(crate)
        per[(g, sec)] = per.get((g, sec), 0) + size
        syms.append((size, sec, g, name))
        # Our crates by module (`suit_verify::interp::...` -> interp; C functions -> "C ABI").
        if crate in ("suit_verify", "suit_verify_ffi"):
            m = re.search(crate + r"::([a-z_0-9]+)::", name)
            mod = f"{crate}::{m.group(1)}" if m else (
                "suit_verify_ffi::<C ABI functions>" if crate == "suit_verify_ffi" else crate)
            modules[mod] = modules.get(mod, 0) + size

    ours = {s: totals[s] - stub[s] for s in SECTIONS}
    named = {s: sum(v for (g, sec), v in per.items() if sec == s) for s in SECTIONS}
    groups = []
    for g in [g for g, _ in GROUPS] + sorted({g for g, _ in per if g.startswith("other:")}):
        t = per.get((g, ".text"), 0)
        r = per.get((g, ".rodata"), 0)
        if t or r:
            groups.append({"crate": g, "text": t, "rodata": r, "flash": t + r})
    unnamed = {s: ours[s] - named[s] for s in (".text", ".rodata")}
    groups.append({
        "crate": "unnamed (private constants, padding)",
        "text": unnamed[".text"],
        "rodata": unnamed[".rodata"],
        "flash": unnamed[".text"] + unnamed[".rodata"],
    })
    result = {
        "label": label,
        "text": ours[".text"],
        "rodata": ours[".rodata"],
        "exidx": ours[".ARM.exidx"],
        "flash": ours[".text"] + ours[".rodata"],
        "groups": groups,
        "modules": dict(sorted(modules.items(), key=lambda kv: -kv[1])),
    }
    if out_json:
        with open(out_json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    print(f"{label}: .text {result['text']} + .rodata {result['rodata']} = {result['flash']} B"
          f" ({result['flash'] / 1024:.1f} KiB; .ARM.exidx {result['exidx']} B not counted)")
    for g in groups:
        print(f"  {g['crate']:<40} {g['text']:>7} {g['rodata']:>7} {g['flash']:>7}")
    if "--modules" in args:
        for mod, size in result["modules"].items():
            print(f"    {mod:<50} {size:>7}")
    if top:
        for size, sec, g, name in sorted(syms, reverse=True)[:top]:
            print(f"    {size:>7} {sec:<8} {g:<16} {name[:110]}")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # `| head -1` in the scripts
        sys.exit(0)
