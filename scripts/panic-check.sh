#!/usr/bin/env bash
# No-panic and no-recursion proof for the firmware build: no function of our
# crates (suit_verify, suit_verify_ffi) can reach a panic entry point on the
# thumbv7em-none-eabihf release build, except through a dependency function
# listed, with the reason it cannot fire on our inputs, in
# scripts/panic-allowlist.txt; and no function of ours is part of a call
# cycle (the stack depth cannot depend on input).
#
#   scripts/panic-check.sh              the check (part of scripts/test.sh)
#   scripts/panic-check.sh --self-test  first prove the check works: in a
#                                       scratch copy of the sources, add an
#                                       `.unwrap()` on input, an unchecked
#                                       index and a recursive function, and
#                                       expect the check to fail naming all
#                                       three; then the check
#   SUIT_PANIC_ROOT=DIR                 check another checkout (used by --self-test)
#
# Method
# ------
# 1. A probe crate is generated in target/panic-check/: a no_std staticlib
#    for thumbv7em-none-eabihf that depends on suit-verify (ed25519, p256,
#    sha512) and suit-verify-ffi, and instantiates every generic entry point
#    of the core (Envelope::parse, authenticate, reauthenticate, Processor
#    with 4 and 16 components running every procedure, image_verifier,
#    ImageVerifier) with RustCrypto and a Platform whose every answer comes
#    from opaque extern "C" hooks, so that the optimiser cannot prune any
#    path. The ffi crate brings its own instantiations with C callbacks.
# 2. It is built with the project's release settings (opt-level 3,
#    panic = "abort", no debug assertions, no overflow checks) but WITHOUT
#    LTO, so every function keeps its own symbol and our code is not folded
#    into a caller we cannot attribute. Inlining still happens as in the
#    release build. (opt-level "z", the release-size profile, turns on
#    LLVM's machine outliner, whose OUTLINED_FUNCTION_n fragments mix code
#    of several functions; it is not analysed.)
#    The probe is built with line-table debug info and linked (whole
#    archive, nothing garbage-collected) into one ELF so every function has
#    a unique address and every call site its chain of inlined frames.
# 3. llvm-objdump (rustup component llvm-tools) disassembles the ELF. The
#    call graph has an edge for every direct branch to another function
#    (bl, b.w / conditional tail calls). Indirect calls (vtables, C
#    function pointers) are not followed; the core has no trait objects on
#    its processing paths and the C callbacks are C code.
# 4. Panic entry points are core::panicking::*, core::*::*_fail (slice
#    index and length errors), core::option/result::{unwrap,expect}_failed,
#    *panic_bounds_check, core::cell::panic_*, rust_begin_unwind and the
#    ffi's panic hook. A reverse search marks every function that can reach
#    one.
# 5. Every call site towards a panic is symbolised (llvm-symbolizer
#    --inlining) into its chain of inlined frames, and attributed by the
#    innermost frame that is not the standard library: a frame from src/ or
#    ffi/src/ is our code (a core helper such as copy_from_slice or an
#    index, inlined into our code, counts as ours); a registry frame is a
#    dependency, and the outermost dependency frame is the function our
#    code called. The check FAILS when our code calls a panic entry point
#    (never allowed), or calls a dependency function that can reach one and
#    is not in the allow-list. Allow-list entries no longer needed are
#    reported (and fail with SUIT_PANIC_STRICT=1).
# 6. Recursion: the strongly connected components of the same call graph,
#    and the functions that call themselves (bl to their own start; a branch
#    to it is a loop). The check FAILS on any cycle through a function of
#    ours: the processor's try-each / run-sequence nesting and the CBOR
#    skip are loops over fixed-size stacks, so our stack depth is a constant.
#    Cycles inside a dependency that our code reaches are listed as notes
#    (crypto-bigint's Karatsuba multiplication recurses on the integer
#    width, a constant).
#
# It really fails on a new panic path or recursion: `--self-test` adds
# `.unwrap()` on the result of reading input in src/envelope.rs, an unchecked
# index in the generic processor (src/interp.rs) and a self-call in
# Processor::identity_checked of a scratch copy, and checks the result is a
# failure naming all three. scripts/test.sh runs it with --self-test, so an
# anchor that a refactoring removed fails CI instead of rotting.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
root="${SUIT_PANIC_ROOT:-$here}"
allow="${SUIT_PANIC_ALLOWLIST:-$here/scripts/panic-allowlist.txt}"
target=thumbv7em-none-eabihf
work="${SUIT_PANIC_WORK:-$here/target/panic-check}"
tools="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin"
objdump="$tools/llvm-objdump"

if [ "${1:-}" = "--self-test" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  # A scratch copy of the core and the ffi (no target dirs, no git).
  mkdir -p "$scratch/repo"
  tar -C "$here" --exclude=./target --exclude=./fuzz --exclude=./.git -cf - . | tar -C "$scratch/repo" -xf -
  # The deliberate bug: unwrap the result of reading untrusted input.
  python3 - "$scratch/repo/src/envelope.rs" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
old = "let n = w.array()?;"
assert s.count(old) == 1, "self-test anchor not found in src/envelope.rs"
s = s.replace(old, "let n = w.array().unwrap();")
open(p, "w").write(s)
# ...and an unchecked index (an input-derived component index) in the
# generic processor, to show generic code is covered as well.
p = p.replace("envelope.rs", "interp.rs")
s = open(p).read()
old = """        self.params
            .get(c)
            .ok_or(Fail::Hard(ErrorKind::ComponentIndexOutOfRange.here()))"""
assert s.count(old) == 1, "self-test anchor not found in src/interp.rs"
s = s.replace(old, "        Ok(&self.params[c])")
old = """    fn identity_checked(&self, c: usize) -> bool {
"""
assert s.count(old) == 1, "self-test recursion anchor not found in src/interp.rs"
s = s.replace(old, old + """        if c > 64 && !self.identity_checked(c / 2) {
            return false;
        }
""")
open(p, "w").write(s)
EOF
  echo "self-test: added a deliberate .unwrap() in parse_wrapper, an unchecked index in Processor::params and a recursive Processor::identity_checked (scratch copy)"
  if SUIT_PANIC_ROOT="$scratch/repo" SUIT_PANIC_WORK="$scratch/work" \
    CARGO_TARGET_DIR="$work/target-selftest" "$0" >"$scratch/out.txt" 2>&1; then
    cat "$scratch/out.txt"
    echo "SELF-TEST FAILED: the check passed with a deliberate unwrap"
    exit 1
  fi
  if ! grep -q '^PANIC: .*parse_wrapper.*src/envelope.rs.*core::result::unwrap_failed' "$scratch/out.txt" ||
    ! grep -q '^PANIC: .*params.*src/interp.rs.*core::panicking::panic_bounds_check' "$scratch/out.txt" ||
    ! grep -q '^RECURSION: .*Processor.*::identity_checked' "$scratch/out.txt"; then
    cat "$scratch/out.txt"
    echo "SELF-TEST FAILED: the check failed, but did not name the two deliberate panics and the recursion"
    exit 1
  fi
  grep -E '^(NEW|PANIC|RECURSION)' "$scratch/out.txt" | head -6
  echo "self-test: the check fails on both deliberate panics and the recursion, as it should"
  # Then the real check.
  exec "$0"
fi

rustup target list --installed 2>/dev/null | grep -q "^$target\$" || rustup target add "$target"
[ -x "$objdump" ] || rustup component add llvm-tools

# ---- 1. the probe crate ---------------------------------------------------------
mkdir -p "$work/probe/src"
cat >"$work/probe/Cargo.toml" <<EOF
# Generated by scripts/panic-check.sh; do not edit.
[package]
name = "suit-panic-probe"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
crate-type = ["staticlib"]
path = "src/lib.rs"

[dependencies]
suit-verify = { path = "$root", default-features = false, features = ["ed25519", "p256", "sha512"] }
suit-verify-ffi = { path = "$root/ffi" }

[profile.release]
opt-level = 3
panic = "abort"
lto = false
codegen-units = 1
debug = "line-tables-only"
debug-assertions = false
overflow-checks = false

[workspace]
EOF
cat >"$work/probe/src/lib.rs" <<'EOF'
//! Generated by scripts/panic-check.sh: instantiates every generic entry
//! point of suit-verify with opaque inputs so the no-panic analysis sees
//! all of its code. Never linked into anything.
#![no_std]
#![allow(clippy::all, missing_docs, unsafe_code)]

use core::slice;
// Linked for its exported C ABI functions and its #[panic_handler].
use suit_verify_ffi as _;
use suit_verify::crypto::{DigestAlg, MAX_DIGEST};
use suit_verify::interp::IdentityPolicy;
use suit_verify::platform::{Component, CustomParameters, Directive, PlatformResult, Record, VendorId};
use suit_verify::{
    Envelope, KeyStore, Limits, Options, Outcome, Platform, PlatformError, Policy, Procedure,
    Processor, RustCrypto, TrustedKey, authenticate,
};

unsafe extern "C" {
    fn probe_hook(what: u32, component: usize, data: *const u8, len: usize) -> i32;
    fn probe_fill(what: u32, buf: *mut u8, len: usize) -> usize;
}

fn hook(what: u32, c: usize, data: &[u8]) -> PlatformResult<i32> {
    match unsafe { probe_hook(what, c, data.as_ptr(), data.len()) } {
        -1 => Err(PlatformError::Unsupported),
        -2 => Err(PlatformError::Failed),
        -3 => Err(PlatformError::Pending),
        r => Ok(r),
    }
}

struct P;

impl Platform for P {
    fn check_vendor(&mut self, c: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        let d = match id {
            VendorId::Uuid(u) => &u[..],
            VendorId::Pen(p) => p,
        };
        hook(1, c.index, d).map(|r| r != 0)
    }
    fn check_class(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        hook(2, c.index, id).map(|r| r != 0)
    }
    fn check_device(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        hook(3, c.index, id).map(|r| r != 0)
    }
    fn component_slot(&mut self, c: Component<'_>) -> PlatformResult<u64> {
        hook(4, c.index, c.id.encoded()).map(|r| r as u64)
    }
    fn component_size(&mut self, c: Component<'_>) -> PlatformResult<Option<u64>> {
        hook(5, c.index, &[]).map(|r| if r < 0 { None } else { Some(r as u64) })
    }
    fn component_digest(
        &mut self,
        c: Component<'_>,
        alg: DigestAlg,
        size: Option<u64>,
        out: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        let _ = (alg, size);
        let n = unsafe { probe_fill(6, out.as_mut_ptr(), out.len()) };
        hook(6, c.index, &[]).map(|r| if r == 0 { None } else { Some(n) })
    }
    fn read(&mut self, c: Component<'_>, offset: u64, buf: &mut [u8]) -> PlatformResult<usize> {
        let _ = (c, offset);
        // May claim more than the buffer holds: the processor must cope.
        Ok(unsafe { probe_fill(7, buf.as_mut_ptr(), buf.len()) })
    }
    fn fetch(&mut self, c: Component<'_>, uri: &str, args: Option<&[u8]>) -> PlatformResult<()> {
        hook(8, c.index, uri.as_bytes())?;
        hook(8, c.index, args.unwrap_or(&[])).map(|_| ())
    }
    fn write(&mut self, c: Component<'_>, data: &[u8]) -> PlatformResult<()> {
        hook(9, c.index, data).map(|_| ())
    }
    fn copy(&mut self, c: Component<'_>, s: Component<'_>) -> PlatformResult<()> {
        hook(10, c.index, s.id.encoded()).map(|_| ())
    }
    fn swap(&mut self, c: Component<'_>, s: Component<'_>) -> PlatformResult<()> {
        hook(11, c.index, s.id.encoded()).map(|_| ())
    }
    fn invoke(&mut self, c: Component<'_>, args: Option<&[u8]>) -> PlatformResult<()> {
        hook(12, c.index, args.unwrap_or(&[])).map(|_| ())
    }
    fn custom(&mut self, c: Component<'_>, command: i64, arg: &[u8]) -> PlatformResult<bool> {
        hook(13 + (command as u32 & 1), c.index, arg).map(|r| r != 0)
    }
    fn custom_with_parameters(
        &mut self,
        c: Component<'_>,
        command: i64,
        arg: &[u8],
        parameters: CustomParameters<'_>,
    ) -> PlatformResult<bool> {
        for (k, v) in parameters.iter() {
            hook(15, k as usize, v)?;
        }
        self.custom(c, command, arg)
    }
    fn supports(&mut self, d: Directive, c: Component<'_>) -> bool {
        hook(16 + d as u32, c.index, &[]).map_or(false, |r| r != 0)
    }
    fn report(&mut self, r: &Record) {
        let _ = hook(40, r.component, &r.offset.to_le_bytes());
    }
}

fn options(flags: u32) -> Options {
    Options {
        identity: match flags & 3 {
            0 => IdentityPolicy::AnyComponent,
            1 => IdentityPolicy::PerComponent,
            _ => IdentityPolicy::Relaxed,
        },
        dry_run: flags & 4 != 0,
        invoke_callback: flags & 8 != 0,
        limits: Limits {
            cbor_items: flags >> 8,
            auth_blocks: (flags >> 4 & 7) as usize,
            commands: flags >> 12,
            sequence_depth: (flags >> 16 & 7) as usize,
            alternatives: (flags >> 20 & 15) as usize,
        },
    }
}

fn procedure(p: i64) -> Procedure {
    match p {
        -1 => Procedure::Update,
        -2 => Procedure::Invoke,
        -3 => Procedure::Shared,
        k => Procedure::Section(k),
    }
}

fn run<const N: usize>(a: &suit_verify::Authenticated<'_>, flags: u32, proc_: i64) -> u32 {
    let mut p = P;
    let mut pr = match Processor::<_, _, N>::new(a, &mut p, &RustCrypto, options(flags)) {
        Ok(p) => p,
        Err(e) => return u32::from(e.kind().code()),
    };
    let r = match pr.run(procedure(proc_)) {
        Ok(Outcome { boot }) => boot.map_or(0, |b| b.component as u32 + 1),
        Err(e) => u32::from(e.kind().code()),
    };
    let d = pr.failure_detail();
    let _ = hook(41, d.component.unwrap_or(0), &d.command.to_le_bytes());
    if let Ok(mut v) = pr.image_verifier(flags as usize >> 24) {
        let mut buf = [0u8; 64];
        let n = unsafe { probe_fill(42, buf.as_mut_ptr(), buf.len()) };
        let _ = v.update(buf.get(..n).unwrap_or(&[]));
        let _ = v.finish();
    }
    r
}

/// Parse, authenticate (with the given trusted keys) and run one procedure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn probe_run(
    bytes: *const u8,
    len: usize,
    ed: *const u8,
    p256: *const u8,
    p256_len: usize,
    floor: u64,
    flags: u32,
    proc_: i64,
) -> u32 {
    let bytes = unsafe { slice::from_raw_parts(bytes, len) };
    let ed = unsafe { &*(ed as *const [u8; 32]) };
    let p256 = unsafe { slice::from_raw_parts(p256, p256_len) };
    let Ok(pk) = TrustedKey::p256(p256) else { return 1 };
    let keys = [TrustedKey::ed25519(ed), pk.with_kid(b"k")];
    let Ok(store) = KeyStore::new(&keys) else { return 1 };
    let policy = Policy { min_sequence: floor, required_signers: flags >> 28, limits: options(flags).limits };
    let env = match Envelope::parse_with(bytes, &policy.limits) {
        Ok(e) => e,
        Err(e) => return u32::from(e.kind().code()),
    };
    for (name, span) in env.payloads() {
        let _ = hook(43, span.start(), name.as_bytes());
    }
    let a = match authenticate(&env, &store, &policy, &RustCrypto) {
        Ok(a) => a,
        Err(e) => return u32::from(e.kind().code()),
    };
    let m = a.manifest();
    for i in 0..m.component_count() {
        if let Some(id) = m.component_id(i) {
            for s in id.segments() {
                let _ = hook(44, i, s);
            }
        }
    }
    let _ = hook(45, 0, m.reference_uri().unwrap_or("").as_bytes());
    if m.first_extension().is_some() {
        return 3;
    }
    // Re-open by receipt (what the C ABI does on every call).
    let receipt = a.receipt();
    if suit_verify::auth::reauthenticate(&env, &receipt, &RustCrypto).is_err() {
        return 4;
    }
    if flags & 0x10 != 0 { run::<16>(&a, flags, proc_) } else { run::<4>(&a, flags, proc_) }
}

/// The image verifier on its own, fed in chunks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn probe_image(digest: *const u8, dlen: usize, size: u64, flags: u32) -> u32 {
    let d = unsafe { slice::from_raw_parts(digest, dlen) };
    let mut budget = suit_verify::limits::Budget::new(64, suit_verify::ErrorKind::LimitCborItems);
    let Ok(sd) = suit_verify::digest::SuitDigest::decode(d, 0, &mut budget) else { return 1 };
    let size = if flags & 1 != 0 { Some(size) } else { None };
    let Ok(mut v) = suit_verify::ImageVerifier::new(&RustCrypto, &sd, size) else { return 2 };
    let mut buf = [0u8; 256];
    loop {
        let n = unsafe { probe_fill(46, buf.as_mut_ptr(), buf.len()) };
        if n == 0 {
            break;
        }
        if v.update(buf.get(..n).unwrap_or(&[])).is_err() {
            return 3;
        }
    }
    let _ = v.remaining();
    match v.finish() {
        Ok(ok) => ok.len() as u32,
        Err(e) => u32::from(e.kind().code()),
    }
}
EOF

# ---- 2. build ----------------------------------------------------------------------
echo "building the probe (thumbv7em-none-eabihf, release settings without LTO)"
# The project's dependency versions, not whatever is newest.
cp "$root/Cargo.lock" "$work/probe/Cargo.lock"
tdir="${CARGO_TARGET_DIR:-$work/target}"
CARGO_TARGET_DIR="$tdir" cargo build -q --release --target "$target" --manifest-path "$work/probe/Cargo.toml"
lib="$tdir/$target/release/libsuit_panic_probe.a"
# Link every object of the archive (nothing is garbage-collected) so each
# function has a unique address and the debug info gives its inline chains.
"$tools/rust-lld" -flavor gnu -o "$work/probe.elf" --whole-archive "$lib" --no-whole-archive \
  --unresolved-symbols=ignore-all --no-gc-sections --allow-multiple-definition -e probe_run

symbolizer="$tools/llvm-symbolizer"
[ -x "$symbolizer" ] || symbolizer=$(command -v llvm-symbolizer || true)
if [ -z "$symbolizer" ]; then
  echo "installing llvm (for llvm-symbolizer)"
  apt-get install -y -q llvm >/dev/null
  symbolizer=$(command -v llvm-symbolizer)
fi

# ---- 3-5. disassemble and analyse -----------------------------------------------------
"$objdump" -d -C --no-show-raw-insn "$work/probe.elf" >"$work/disasm.txt"
python3 - "$work/disasm.txt" "$allow" "$work/probe.elf" "$symbolizer" "$root" "$work/probe/src" <<'PYEOF'
import collections, os, re, subprocess, sys

disasm, allow_path, elf, symbolizer, root, probe_src = sys.argv[1:7]
ours_dirs = [os.path.join(root, "src") + "/", os.path.join(root, "ffi", "src") + "/", probe_src + "/"]

# ---- names ------------------------------------------------------------------------
ESC = {"LT": "<", "GT": ">", "RF": "&", "BP": "*", "C": ",", "SP": "@"}


def unescape(name):
    if name.startswith("_$"):
        name = name[1:]

    def rep(m):
        code = m.group(1)
        if code in ESC:
            return ESC[code]
        if code.startswith("u"):
            try:
                return chr(int(code[1:], 16))
            except ValueError:
                pass
        return m.group(0)

    return re.sub(r"\$([A-Za-z0-9]+)\$", rep, name).replace("..", "::")


def demangle(sym):
    """Finish llvm-objdump's demangling: legacy Rust names keep their $LT$
    escapes and hash; mangled leftovers (_ZN...E) are decoded here."""
    m = re.match(r"^_?_ZN(.*)E(\.\S*)?$", sym)
    if not m:
        return unescape(re.sub(r"::h[0-9a-f]{16}$", "", sym))
    s, parts, i = m.group(1), [], 0
    while i < len(s) and s[i].isdigit():
        j = i
        while j < len(s) and s[j].isdigit():
            j += 1
        n = int(s[i:j])
        parts.append(s[j:j + n])
        i = j + n
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    return "::".join(unescape(p) for p in parts)


# ---- functions and direct edges (bl, b.w tail calls, conditional tail calls) -----------
head_re = re.compile(r"^([0-9a-f]+) <(.+)>:$")
ins_re = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s+(.*)$")
tgt_re = re.compile(r"0x([0-9a-f]+) <([^>]+)>")
name_at = {}
calls = []  # (site address, caller start, target start)
self_calls = set()  # functions that call themselves
cur = None
with open(disasm, errors="replace") as f:
    for line in f:
        m = head_re.match(line)
        if m:
            cur = int(m.group(1), 16)
            name_at[cur] = demangle(m.group(2))
            continue
        m = ins_re.match(line)
        if not m or cur is None:
            continue
        t = tgt_re.search(m.group(3))
        if t and "+0x" not in t.group(2) and m.group(2).startswith("b"):
            addr = int(t.group(1), 16)
            if addr != cur:
                calls.append((int(m.group(1), 16), cur, addr))
            elif m.group(2).startswith("bl"):
                self_calls.add(cur)  # a branch to its own start is a loop; bl is recursion

edges = collections.defaultdict(set)
for site, caller, callee in calls:
    edges[caller].add(callee)


def is_sink_name(n):
    return (n.startswith("core::panicking::")
            or n in ("rust_begin_unwind", "__rustc::rust_begin_unwind", "suit_port_fatal")
            or re.search(r"(unwrap_failed|expect_failed|panic_bounds_check|begin_panic|panic_fmt|panic_nounwind)$", n) is not None
            or (n.startswith("core::") and n.endswith("_fail"))
            or n.startswith("core::cell::panic_")
            or "len_mismatch_fail" in n)


def is_ours_name(n):
    return (re.match(r"^<?(suit_verify|suit_verify_ffi)::", n) is not None
            or (re.match(r"^(suit|probe)_\w+$", n) is not None and n != "suit_port_fatal"))


sinks = {a for a, n in name_at.items() if is_sink_name(n)}
# Reverse breadth-first search: which functions reach a panic entry point,
# and the next hop towards it (for the report).
rev = collections.defaultdict(set)
for a, ts in edges.items():
    for t in ts:
        rev[t].add(a)
nxt = {s: None for s in sinks}
queue = collections.deque(sinks)
while queue:
    t = queue.popleft()
    for a in rev[t]:
        if a not in nxt:
            nxt[a] = t
            queue.append(a)


def path(a):
    out = []
    while a is not None and len(out) < 8:
        out.append(name_at.get(a, hex(a)))
        a = nxt.get(a)
    return out


# ---- inline chains of the call sites that lead to a panic ----------------------------------
# (Calls made by a panic entry point itself, such as the panic handler
# calling the integrator's suit_port_fatal, are the panic, not a way to it.)
sites = [(s, c, t) for s, c, t in calls if t in nxt and c not in sinks]
proc = subprocess.run([symbolizer, "--obj=" + elf, "--inlining", "--demangle"],
                      input="".join(f"0x{s:x}\n" for s, _, _ in sites),
                      capture_output=True, text=True, check=True)
chains = []
for b in proc.stdout.split("\n\n"):
    lines = [l for l in b.split("\n") if l.strip()]
    if not lines:
        continue
    chains.append([(lines[i].strip(), lines[i + 1].strip() if i + 1 < len(lines) else "??")
                   for i in range(0, len(lines), 2)])
assert len(chains) == len(sites), f"{len(chains)} chains for {len(sites)} call sites"


def kind(frame):
    fn, loc = frame
    file = loc.rsplit(":", 2)[0]
    if any(file.startswith(d) for d in ours_dirs):
        return "ours"
    if file.startswith("/rustc/") or "/library/core/" in file or "/library/alloc/" in file:
        return "std"
    if file in ("??", "") or fn == "??":
        return "unknown"
    return "dep"


def strip_generics(fn):
    out, depth = [], 0
    for ch in fn:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def frame_key(frame):
    """crate/file::function of an inlined dependency frame (no version, no generics)."""
    fn, loc = frame
    file = loc.rsplit(":", 2)[0]
    m = re.search(r"/([A-Za-z0-9_\-]+?)-\d+\.\d+\.\d+[^/]*/(.*)$", file)
    where = f"{m.group(1)}/{m.group(2)}" if m else file
    return f"{where}::{strip_generics(fn)}"


def short_loc(loc):
    for d in ours_dirs:
        if loc.startswith(d):
            return os.path.relpath(loc, root)
    return loc


# ---- allow-list ---------------------------------------------------------------------------
allow = {}
with open(allow_path) as f:
    for raw in f:
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if " | " not in line:
            sys.exit(f"bad allow-list line (want 'function | reason'): {line}")
        name, reason = line.split(" | ", 1)
        if not reason.strip():
            sys.exit(f"allow-list entry without a reason: {name}")
        allow[name.strip()] = reason.strip()

# ---- verdict ------------------------------------------------------------------------------
# Every call site towards a panic whose inline chain contains our code is
# judged by the innermost frame that is not the standard library:
#   ours -> our code panics (a std helper inlined into ours counts as ours):
#           a direct call to a panic entry point is always a failure;
#           a call to a dependency function that can panic needs an entry;
#   dep  -> dependency code inlined into ours: the outermost dependency
#           frame (the function our code called) needs an entry.
panics, new, used = set(), {}, set()
ours_functions = sum(1 for n in name_at.values() if is_ours_name(n))
for (site, caller, callee), frames in zip(sites, chains):
    kinds = [kind(fr) for fr in frames]
    if all(k == "unknown" for k in kinds):
        frames = [(name_at[caller], "??")]
        kinds = ["ours" if is_ours_name(name_at[caller]) else "dep"]
    if "ours" not in kinds:
        continue  # inside a dependency: judged at the frontier
    io = kinds.index("ours")  # innermost frame of our code
    inner = [i for i in range(io) if kinds[i] == "dep"]
    callee_name = name_at.get(callee, hex(callee))
    where = f"{demangle(frames[io][0])} ({short_loc(frames[io][1])})"
    if inner:
        key = frame_key(frames[max(inner)])
        via = " -> ".join([strip_generics(frames[i][0]) for i in range(max(inner), -1, -1)]
                          + path(callee)[:3])
    elif callee in sinks:
        panics.add(f"PANIC: {where} -> {callee_name}")
        continue
    elif is_ours_name(callee_name):
        continue  # our own function: judged at its own call sites
    else:
        key = callee_name
        via = " -> ".join(path(callee)[:4])
    if key in allow:
        used.add(key)
    else:
        new.setdefault(key, (where, via))

# No recursion in our code: every cycle of the call graph (strongly connected components,
# and functions that call themselves) that contains a function of ours fails the check.
# Cycles only inside a dependency are listed when our code reaches them (crypto-bigint's
# Karatsuba multiplication recurses on the integer width, a constant, not on input).
index, low, stack, on_stack, cycles = {}, {}, [], set(), []
for root_fn in list(name_at):
    if root_fn in index:
        continue
    work = [(root_fn, iter(sorted(edges.get(root_fn, ()))))]
    index[root_fn] = low[root_fn] = len(index)
    stack.append(root_fn)
    on_stack.add(root_fn)
    while work:
        v, it = work[-1]
        w = next(it, None)
        if w is not None:
            if w not in name_at:
                continue
            if w not in index:
                index[w] = low[w] = len(index)
                stack.append(w)
                on_stack.add(w)
                work.append((w, iter(sorted(edges.get(w, ())))))
            elif w in on_stack:
                low[v] = min(low[v], index[w])
            continue
        work.pop()
        if work:
            low[work[-1][0]] = min(low[work[-1][0]], low[v])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in self_calls:
                cycles.append(sorted(name_at[a] for a in comp))
reach = set()
todo = [a for a, n in name_at.items() if is_ours_name(n)]
while todo:
    a = todo.pop()
    if a not in reach and a in name_at:
        reach.add(a)
        todo.extend(edges.get(a, ()))
reach_names = {name_at[a] for a in reach}
recursion = [c for c in cycles if any(is_ours_name(n) for n in c)]
for line in sorted({"RECURSION: " + " -> ".join(c) for c in recursion}):
    print(line)  # (one line for all instantiations of a generic function)
for c in cycles:
    if c not in recursion and any(n in reach_names for n in c) and not any(is_sink_name(n) for n in c):
        print("note: recursion inside a dependency, reached from our code: " + " -> ".join(c[:4]))

print(f"functions: {len(name_at)}, ours: {ours_functions}, call sites towards a panic: {len(sites)}, "
      f"allow-listed dependency functions used: {len(used)}")
for p in sorted(panics):
    print(p)
for key, (where, via) in sorted(new.items()):
    print(f"NEW: {key}\n     called from {where}\n     reaches a panic via {via}")
stale = sorted(set(allow) - used)
for s in stale:
    print(f"stale allow-list entry (no longer reached): {s}")
if panics or new or recursion or (stale and os.environ.get("SUIT_PANIC_STRICT")):
    print(f"panic check: FAILED ({len(panics)} panic calls in our code, "
          f"{len(new)} dependency functions not in {os.path.basename(allow_path)}, "
          f"{len(recursion)} call cycles through our code)")
    sys.exit(1)
print("panic check: ok (no panic path from our code except through the reviewed allow-list; "
      "no recursion in our code)")
PYEOF
