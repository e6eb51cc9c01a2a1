#!/usr/bin/env python3
"""Flash by source function, inlined copies included (scripts/perf-inlined.sh).

Usage: inlined.py ELF [--top N] [--all]

perf/flash.py attributes flash to symbols. With LTO at opt-level "z" most of
our functions are inlined, so a symbol's bytes are a mix of many source
functions, and a function inlined into several symbols is paid for once per
copy. This reads the ELF's DWARF line tables (it must be built with debug
info; scripts/perf-inlined.sh does that) and attributes every instruction to
its chain of inlined frames (`arm-none-eabi-addr2line -i`):

- self: bytes where the function is the innermost frame;
- inclusive: bytes where it is anywhere in the chain (its callees' inlined
  code included);
- copies: how many symbols (outermost frames) hold some of it.

The first table lists our functions (suit_verify, suit_verify_ffi) by self
bytes; the second those with more than one copy, where sharing one
out-of-line copy could save flash (at the cost of a call per use, which the
instruction figures of PERFORMANCE.md then show). Generic parameters are
dropped from names, so the monomorphisations of a function count as copies.

Deterministic: the same ELF gives the same output.
"""

import collections
import re
import subprocess
import sys


def instructions(elf):
    """(address, size) of every instruction in the ELF's code."""
    out = subprocess.run(
        ["arm-none-eabi-objdump", "-d", "--no-show-raw-insn", elf],
        check=True, capture_output=True, text=True,
    ).stdout
    addrs = sorted({int(m.group(1), 16) for m in re.finditer(r"^\s+([0-9a-f]+):\s", out, re.M)})
    # Thumb-2 instructions are 2 or 4 bytes; literal pools between code
    # count towards the instruction before them, capped at 4 bytes.
    return [(a, min((addrs[i + 1] if i + 1 < len(addrs) else a + 2) - a, 4))
            for i, a in enumerate(addrs)]


def strip_generics(name):
    prev = None
    while prev != name:
        prev, name = name, re.sub(r"<[^<>]*>", "", name)
    return name


def chains(elf, addrs):
    """The inline chain (innermost first) of each address."""
    out = subprocess.run(
        ["arm-none-eabi-addr2line", "-e", elf, "-a", "-i", "-f", "-C"],
        input="\n".join(hex(a) for a in addrs), check=True, capture_output=True, text=True,
    ).stdout.split("\n")
    result, cur, i = [], None, 0
    while i < len(out):
        line = out[i]
        if line.startswith("0x"):
            if cur is not None:
                result.append(cur)
            cur, i = [], i + 1
        elif line == "":
            i += 1
        else:
            cur.append(strip_generics(line))  # function; the next line is file:line
            i += 2
    if cur is not None:
        result.append(cur)
    return result


def ours(name):
    return name.startswith(("suit_verify::", "suit_verify_ffi::")) or re.match(r"^suit_[a-z_0-9]+$", name)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    elf, top, show_all = args[0], 40, "--all" in args
    if "--top" in args:
        top = int(args[args.index("--top") + 1])
    ins = instructions(elf)
    ch = chains(elf, [a for a, _ in ins])
    if len(ch) != len(ins):
        sys.exit(f"inlined.py: addr2line answered {len(ch)} of {len(ins)} addresses")
    self_b, incl_b, tops = collections.Counter(), collections.Counter(), collections.defaultdict(set)
    unknown = 0
    for (_, size), chain in zip(ins, ch):
        if not chain or chain[0] == "??":
            unknown += size
            continue
        self_b[chain[0]] += size
        for f in set(chain):
            incl_b[f] += size
            tops[f].add(chain[-1])
    total = sum(s for _, s in ins)
    print(f"{elf}: {total} B of code (.text, literal pools included; no .rodata), "
          f"{unknown} B without line information")
    print(f"\nOur functions by self bytes (top {top}): self, inclusive, copies")
    rows = [(b, f) for f, b in self_b.items() if show_all or ours(f)]
    for b, f in sorted(rows, key=lambda r: (-r[0], r[1]))[:top]:
        print(f"  {b:6} {incl_b[f]:7} {len(tops[f]):3}  {f}")
    print("\nInlined into more than one symbol (self bytes over all copies): self, inclusive, copies")
    rows = [(self_b[f], f) for f in incl_b if len(tops[f]) > 1 and self_b[f] >= 64
            and (show_all or ours(f))]
    for b, f in sorted(rows, key=lambda r: (-r[0], r[1]))[:top]:
        print(f"  {b:6} {incl_b[f]:7} {len(tops[f]):3}  {f}")


if __name__ == "__main__":
    main()
