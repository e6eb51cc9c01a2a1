#!/usr/bin/env python3
"""The Zephyr module's CMake (zephyr/CMakeLists.txt) without a Zephyr tree.

Each case configures a small CMake project that sets the case's CONFIG_*
variables, defines stand-ins for the Zephyr functions the module calls
(zephyr_include_directories, zephyr_link_libraries, zephyr_library_named,
zephyr_library_sources) and includes the module. Cases that build run the
module's cargo target with a stand-in `cargo` first on PATH that records its
arguments and environment, so what is checked is the command line the module
really gives cargo: the Rust target for the CPU, the features, the profile and
the capacities. Cases with CONFIG_SUIT_VERIFY_PREBUILT_DIR use a prefix laid
out as cmake/package.sh lays it out. Refusals are checked by their message.

Usage: check_zephyr_module.py [WORK-DIR]   (default target/c-tests/zephyr-module)
Prints one line per case and "N passed, N failed"; needs cmake and make.
"""
import os
import shutil
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
work = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target/c-tests/zephyr-module"))
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

STUB_PROJECT = """cmake_minimum_required(VERSION 3.16)
project(zephyr_module_stub NONE)
function(zephyr_include_directories)
  set_property(GLOBAL APPEND PROPERTY STUB_INCLUDES ${ARGN})
endfunction()
function(zephyr_link_libraries)
  set_property(GLOBAL APPEND PROPERTY STUB_LINKED ${ARGN})
endfunction()
function(zephyr_library_named name)
  set_property(GLOBAL APPEND PROPERTY STUB_PORT ${name})
endfunction()
function(zephyr_library_sources)
  set_property(GLOBAL APPEND PROPERTY STUB_PORT ${ARGN})
endfunction()
include("%s/zephyr/CMakeLists.txt")
foreach(_p STUB_INCLUDES STUB_LINKED STUB_PORT)
  get_property(_v GLOBAL PROPERTY ${_p})
  file(APPEND "${CMAKE_BINARY_DIR}/stub.txt" "${_p}=${_v}\\n")
endforeach()
if(TARGET suit_verify)
  get_target_property(_lib suit_verify IMPORTED_LOCATION)
  file(APPEND "${CMAKE_BINARY_DIR}/stub.txt" "LIB=${_lib}\\n")
endif()
""" % root

FAKE_CARGO = """#!/bin/sh
{ for a in "$@"; do printf 'ARG %s\\n' "$a"; done
  if [ "${RUSTFLAGS+set}" = set ]; then printf 'RUSTFLAGS=[%s]\\n' "$RUSTFLAGS"; else echo 'RUSTFLAGS unset'; fi
  echo "MAX_COMPONENTS=$SUIT_VERIFY_MAX_COMPONENTS"
  echo "HASH_CTX_WORDS=$SUIT_VERIFY_HASH_CTX_WORDS"
} > "$STUB_CARGO_LOG"
"""

bindir = os.path.join(work, "bin")
os.makedirs(bindir)
with open(os.path.join(bindir, "cargo"), "w") as f:
    f.write(FAKE_CARGO)
os.chmod(os.path.join(bindir, "cargo"), 0o755)
src = os.path.join(work, "project")
os.makedirs(src)
with open(os.path.join(src, "CMakeLists.txt"), "w") as f:
    f.write(STUB_PROJECT)

DEFAULTS = {
    "CONFIG_SUIT_VERIFY": "y",
    "CONFIG_SUIT_VERIFY_ED25519": "y",
    "CONFIG_SUIT_VERIFY_P256": "y",
    "CONFIG_SUIT_VERIFY_OPT_SIZE": "y",
    "CONFIG_SUIT_VERIFY_ERROR_MESSAGES": "y",
    "CONFIG_SUIT_VERIFY_INSTALL": "y",
    "CONFIG_SUIT_VERIFY_MAX_COMPONENTS": "4",
    "CONFIG_SUIT_VERIFY_HASH_CTX_WORDS": "32",
    "CONFIG_SUIT_VERIFY_PROFILE": "release-size",
    "CONFIG_SUIT_VERIFY_RUST_TARGET": "",
    "CONFIG_SUIT_VERIFY_PREBUILT_DIR": "",
}
M4F = {"CONFIG_CPU_CORTEX_M": "y", "CONFIG_CPU_CORTEX_M4": "y", "CONFIG_FP_HARDABI": "y"}
DEFAULT_FEATURES = "ed25519,error-messages,install,opt-size,p256,panic-handler"


def rv(xlen, exts, fpu=None):
    """Kconfig of a RISC-V CPU: extensions as letters; fpu None, "f" or "d" (hard-float ABI)."""
    c = {"CONFIG_RISCV": "y"}
    if xlen == 64:
        c["CONFIG_64BIT"] = "y"
    for x in exts:
        c["CONFIG_RISCV_ISA_EXT_" + x.upper()] = "y"
    if fpu:
        c.update({"CONFIG_FPU": "y", "CONFIG_FLOAT_HARD": "y"})
        if fpu == "d":
            c["CONFIG_CPU_HAS_FPU_DOUBLE_PRECISION"] = "y"
    return c


passed = failed = 0
n = 0


def configure(config):
    """Configure the stub project; returns (ok, build dir, output)."""
    global n
    n += 1
    b = os.path.join(work, f"b{n}")
    cfg = dict(DEFAULTS)
    cfg.update(config)
    args = ["cmake", "-S", src, "-B", b, "-G", "Unix Makefiles"]
    args += [f"-D{k}={v}" for k, v in cfg.items() if v is not None]
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode == 0, b, r.stdout + r.stderr


def stub(b):
    with open(os.path.join(b, "stub.txt")) as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


def cargo_run(b):
    """Build the module's cargo target with the recording cargo; returns its log lines."""
    log = os.path.join(b, "cargo.log")
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], STUB_CARGO_LOG=log)
    env.pop("RUSTFLAGS", None)
    r = subprocess.run(["cmake", "--build", b, "--target", "suit_verify_cargo"],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise AssertionError("cmake --build failed: " + (r.stdout + r.stderr)[-600:])
    with open(log) as f:
        return f.read().splitlines()


def arg_after(lines, flag):
    args = [l[4:] for l in lines if l.startswith("ARG ")]
    if flag not in args:
        raise AssertionError(f"no {flag} in cargo's arguments {args}")
    i = args.index(flag)
    if i + 1 >= len(args):
        raise AssertionError(f"{flag} is the last argument: {args}")
    return args[i + 1]


def case(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except AssertionError as e:
        failed += 1
        print(f"FAIL {name}: {e}")


def builds(config, target, features=DEFAULT_FEATURES, extra=None):
    def run():
        ok, b, out = configure(config)
        assert ok, "configure failed: " + out[-600:]
        log = cargo_run(b)
        got = arg_after(log, "--target")
        assert got == target, f"--target {got}, want {target}"
        got = arg_after(log, "--features")
        assert got == features, f"--features {got}, want {features}"
        if extra:
            extra(b, log)
    return run


def refuses(config, message):
    def run():
        ok, _, out = configure(config)
        assert not ok, "configure succeeded"
        flat = " ".join(out.split())
        assert message in flat, f"no '{message}' in: {flat[-700:]}"
    return run


# ---- the Rust target for the CPU ----------------------------------------------------------
for cpu, fp, target in [
        ("M0PLUS", False, "thumbv6m-none-eabi"), ("M3", False, "thumbv7m-none-eabi"),
        ("M4", True, "thumbv7em-none-eabihf"), ("M7", False, "thumbv7em-none-eabi"),
        ("M23", False, "thumbv8m.base-none-eabi"), ("M33", True, "thumbv8m.main-none-eabihf"),
        ("M33", False, "thumbv8m.main-none-eabi"), ("M55", True, "thumbv8m.main-none-eabihf"),
        ("M85", True, "thumbv8m.main-none-eabihf")]:
    config = {"CONFIG_CPU_CORTEX_M": "y", f"CONFIG_CPU_CORTEX_{cpu}": "y"}
    if fp:
        config["CONFIG_FP_HARDABI"] = "y"
    case(f"Cortex-{cpu}{' hard-float' if fp else ''} -> {target}", builds(config, target))
for label, config, target in [
        ("RV32IMAC", rv(32, "mac"), "riscv32imac-unknown-none-elf"),
        ("RV32IMC (no atomics, e.g. ESP32-C3)", rv(32, "mc"), "riscv32imc-unknown-none-elf"),
        ("RV32IM (no compressed)", rv(32, "m"), "riscv32im-unknown-none-elf"),
        ("RV32I", rv(32, ""), "riscv32i-unknown-none-elf"),
        ("RV32IMAFC hard-float", rv(32, "mafc", "f"), "riscv32imafc-unknown-none-elf"),
        ("RV64IMAC", rv(64, "mac"), "riscv64imac-unknown-none-elf"),
        ("RV64GC hard-float", rv(64, "mafdc", "d"), "riscv64gc-unknown-none-elf")]:
    case(f"{label} -> {target}", builds(config, target))
case("CONFIG_SUIT_VERIFY_RUST_TARGET is used as given",
     builds(dict(M4F, CONFIG_SUIT_VERIFY_RUST_TARGET="thumbv7em-none-eabi"), "thumbv7em-none-eabi"))
case("RV32 double-float ABI: refused, names the ABI",
     refuses(rv(32, "mafdc", "d"), "the ilp32d float ABI has no tier-2 Rust target; set CONFIG_SUIT_VERIFY_RUST_TARGET"))
case("RV32E: refused", refuses(dict(rv(32, "c"), CONFIG_RISCV_ISA_RV32E="y"), "the E base ISA (rv32e)"))
case("unknown CPU: refused", refuses({}, "no Rust target is known for this CPU; set CONFIG_SUIT_VERIFY_RUST_TARGET"))


# ---- features, profile, capacities, port --------------------------------------------------
case("every optional feature off: --features panic-handler (the static library needs it)",
     builds(dict(M4F, CONFIG_SUIT_VERIFY_ED25519=None, CONFIG_SUIT_VERIFY_P256=None,
                 CONFIG_SUIT_VERIFY_OPT_SIZE=None, CONFIG_SUIT_VERIFY_ERROR_MESSAGES=None,
                 CONFIG_SUIT_VERIFY_INSTALL=None),
            "thumbv7em-none-eabihf", "panic-handler"))
case("SHA512 on, P256 off", builds(dict(M4F, CONFIG_SUIT_VERIFY_SHA512="y", CONFIG_SUIT_VERIFY_P256=None),
                                   "thumbv7em-none-eabihf",
                                   "ed25519,error-messages,install,opt-size,panic-handler,sha512"))


def size_profile(b, log):
    assert arg_after(log, "--profile") == "release-size", log
    assert "RUSTFLAGS unset" in log, "release-size must leave RUSTFLAGS unset (compact SHA-256)"
    assert "MAX_COMPONENTS=4" in log and "HASH_CTX_WORDS=32" in log, log
    s = stub(b)
    assert s["STUB_INCLUDES"] == os.path.join(root, "include"), s
    assert s["STUB_PORT"] == "suit_verify_port;suit_port_zephyr.c", s
    assert s["STUB_LINKED"] == "suit_verify", s
    assert s["LIB"].endswith("/thumbv7em-none-eabihf/release-size/libsuit_verify_ffi.a"), s


case("defaults: release-size, RUSTFLAGS unset, committed header, port with k_panic()",
     builds(M4F, "thumbv7em-none-eabihf", extra=size_profile))


def speed_profile(b, log):
    assert arg_after(log, "--profile") == "release-speed", log
    assert "RUSTFLAGS=[]" in log, "release-speed must set RUSTFLAGS empty (unrolled SHA-256)"


case("release-speed: RUSTFLAGS set empty",
     builds(dict(M4F, CONFIG_SUIT_VERIFY_PROFILE="release-speed"), "thumbv7em-none-eabihf", extra=speed_profile))


def custom_hook(b, log):
    assert stub(b)["STUB_PORT"] == "", "the module defined suit_port_fatal despite CUSTOM_FATAL_HOOK"


case("CUSTOM_FATAL_HOOK: no port library",
     builds(dict(M4F, CONFIG_SUIT_VERIFY_CUSTOM_FATAL_HOOK="y"), "thumbv7em-none-eabihf", extra=custom_hook))

have_cbindgen = subprocess.run(["sh", "-c", "cbindgen --version 2>/dev/null | grep -q ' 0.29.4$'"]).returncode == 0


def capacities(b, log):
    assert "MAX_COMPONENTS=8" in log and "HASH_CTX_WORDS=16" in log, log
    inc = stub(b)["STUB_INCLUDES"]
    assert inc == os.path.join(b, "suit-verify/include"), inc
    with open(os.path.join(inc, "suit_verify.h")) as f:
        h = f.read()
    assert "#define SUIT_VERIFY_MAX_COMPONENTS 8\n" in h and "#define SUIT_VERIFY_HASH_CTX_WORDS 16\n" in h


if have_cbindgen:
    case("capacities 8 / 16: passed to cargo, header generated for them",
         builds(dict(M4F, CONFIG_SUIT_VERIFY_MAX_COMPONENTS="8", CONFIG_SUIT_VERIFY_HASH_CTX_WORDS="16"),
                "thumbv7em-none-eabihf", extra=capacities))
else:
    print("skip capacities case: cbindgen 0.29.4 not installed")


# ---- a prebuilt prefix ----------------------------------------------------------------------
def prefix(name, target="thumbv7em-none-eabihf", features="ed25519,p256,install,opt-size,panic-handler,error-messages",
           header_edit=None, drop=None):
    p = os.path.join(work, name)
    os.makedirs(os.path.join(p, "lib/cmake/SuitVerify"))
    os.makedirs(os.path.join(p, "include"))
    with open(os.path.join(root, "include/suit_verify.h")) as f:
        h = f.read()
    if header_edit:
        h = header_edit(h)
    files = {"include/suit_verify.h": h, "lib/libsuit_verify_ffi.a": "!<arch>\n",
             "lib/cmake/SuitVerify/rust-target.txt": target + "\n",
             "lib/cmake/SuitVerify/features.txt": features + "\n"}
    for rel, text in files.items():
        if rel != drop:
            with open(os.path.join(p, rel), "w") as f:
                f.write(text)
    return p


def prebuilt_ok(p, config=M4F):
    def run():
        ok, b, out = configure(dict(config, CONFIG_SUIT_VERIFY_PREBUILT_DIR=p))
        assert ok, "configure failed: " + out[-600:]
        s = stub(b)
        assert s["STUB_INCLUDES"] == os.path.join(p, "include"), s
        assert s["LIB"] == os.path.join(p, "lib/libsuit_verify_ffi.a"), s
        assert not os.path.exists(os.path.join(b, "suit-verify")), "cargo's output folder was made"
        r = subprocess.run(["cmake", "--build", b, "--target", "suit_verify_cargo"], capture_output=True, text=True)
        assert r.returncode != 0, "a cargo target exists with a prebuilt prefix"
    return run


good = prefix("prefix-good")
case("prebuilt prefix matching the Kconfig: its library and header, no cargo", prebuilt_ok(good))
case("prebuilt prefix, CPU without a known Rust target: target not compared", prebuilt_ok(good, {}))
case("prebuilt prefix with other features: refused, names both",
     refuses(dict(M4F, CONFIG_SUIT_VERIFY_P256=None, CONFIG_SUIT_VERIFY_PREBUILT_DIR=good),
             "features ed25519,error-messages,install,opt-size,p256,panic-handler, the Kconfig asks for "
             "ed25519,error-messages,install,opt-size,panic-handler"))
case("prebuilt prefix for another CPU: refused, names both",
     refuses({"CONFIG_CPU_CORTEX_M": "y", "CONFIG_CPU_CORTEX_M33": "y", "CONFIG_SUIT_VERIFY_PREBUILT_DIR": good},
             "Rust target thumbv7em-none-eabihf, this CPU needs thumbv8m.main-none-eabi"))
case("prebuilt prefix with the default header, Kconfig 8 components: refused",
     refuses(dict(M4F, CONFIG_SUIT_VERIFY_MAX_COMPONENTS="8", CONFIG_SUIT_VERIFY_PREBUILT_DIR=good),
             "SUIT_VERIFY_MAX_COMPONENTS 4 in its header, CONFIG_SUIT_VERIFY_MAX_COMPONENTS is 8"))
words = prefix("prefix-words", header_edit=lambda h: h.replace("#define SUIT_VERIFY_HASH_CTX_WORDS 32\n",
                                                                "#define SUIT_VERIFY_HASH_CTX_WORDS 64\n"))
case("prebuilt prefix whose header has 64 hash words, Kconfig 32: refused",
     refuses(dict(M4F, CONFIG_SUIT_VERIFY_PREBUILT_DIR=words),
             "SUIT_VERIFY_HASH_CTX_WORDS 64 in its header, CONFIG_SUIT_VERIFY_HASH_CTX_WORDS is 32"))
old = prefix("prefix-old", drop="lib/cmake/SuitVerify/features.txt")
case("prebuilt prefix without features.txt (an older package): refused",
     refuses(dict(M4F, CONFIG_SUIT_VERIFY_PREBUILT_DIR=old), "features.txt is missing"))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
