#!/usr/bin/env python3
"""Checks of the packaging files that can run without Zephyr or FreeRTOS:

- zephyr/module.yml parses as YAML and names the module's CMake and Kconfig;
- every cargo feature of suit-verify-ffi (but `default`, and `panic-handler`,
  which the module always turns on) is a Kconfig bool SUIT_VERIFY_<FEATURE>
  used by zephyr/CMakeLists.txt, and every such bool is a feature;
- every capacity environment variable of ffi/build.rs is a Kconfig int of
  the same name and is passed by the Zephyr CMake;
- the versions in cmake/ and the header match the crate version.
Prints one line per check and "N passed, N failed"."""
import os
import re
import sys

import yaml

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what)


def read(rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


module = yaml.safe_load(read("zephyr/module.yml"))
check(module.get("name") == "suit-verify", "module.yml: name")
build = module.get("build", {})
check(build.get("cmake") == "zephyr" and os.path.isfile(os.path.join(root, "zephyr/CMakeLists.txt")),
      "module.yml: build.cmake -> zephyr/CMakeLists.txt")
check(os.path.isfile(os.path.join(root, build.get("kconfig", ""))), "module.yml: build.kconfig exists")

cargo = read("ffi/Cargo.toml")
features_block = cargo.split("[features]", 1)[1].split("\n[", 1)[0]
features = [m.group(1) for m in re.finditer(r"^([a-z0-9-]+)\s*=", features_block, re.M) if m.group(1) != "default"]
kconfig = read("zephyr/Kconfig")
zcmake = read("zephyr/CMakeLists.txt")
bools = set(re.findall(r"^config (SUIT_VERIFY_\w+)\n\tbool", kconfig, re.M))
loop = re.search(r"foreach\(_opt ([A-Z0-9_ ]+)\)", zcmake)
mapped = set(loop.group(1).split()) if loop else set()
# The module builds a static library, which needs the panic handler: always on, no option.
check("set(_features panic-handler)" in zcmake, "feature panic-handler: always on in zephyr/CMakeLists.txt")
for f in features:
    if f == "panic-handler":
        continue
    opt = f.upper().replace("-", "_")
    check("SUIT_VERIFY_" + opt in bools, f"feature {f}: Kconfig SUIT_VERIFY_{opt}")
    check(opt in mapped, f"feature {f}: mapped in zephyr/CMakeLists.txt")
for b in sorted(bools):
    if b == "SUIT_VERIFY_CUSTOM_FATAL_HOOK":
        continue
    check(b[len("SUIT_VERIFY_"):].lower().replace("_", "-") in features, f"Kconfig {b}: a cargo feature")

build_rs = read("ffi/build.rs")
caps = re.findall(r'cap\("(SUIT_VERIFY_\w+)"', build_rs)
check(len(caps) == 2, "build.rs: two capacities")
ints = set(re.findall(r"^config (SUIT_VERIFY_\w+)\n\tint", kconfig, re.M))
for c in caps:
    check(c in ints, f"capacity {c}: Kconfig int")
    check(f"{c}=" in zcmake, f"capacity {c}: passed by zephyr/CMakeLists.txt")
    check(f"{c}=" in read("cmake/SuitVerifyConfig.cmake"), f"capacity {c}: passed by cmake/SuitVerifyConfig.cmake")

version = re.search(r'^version = "([^"]+)"', read("Cargo.toml"), re.M).group(1)
check(f"set(SuitVerify_VERSION {version})" in read("cmake/SuitVerifyConfig.cmake"), "SuitVerifyConfig.cmake version")
check(f"set(PACKAGE_VERSION {version})" in read("cmake/SuitVerifyConfigVersion.cmake"), "SuitVerifyConfigVersion.cmake version")
major, minor, patch = version.split(".")
header = read("include/suit_verify.h")
for name, v in (("MAJOR", major), ("MINOR", minor), ("PATCH", patch)):
    check(f"#define SUIT_VERSION_{name} {v}\n" in header, f"header SUIT_VERSION_{name}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
