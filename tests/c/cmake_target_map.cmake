# cmake -P tests/c/cmake_target_map.cmake: the Rust target SuitVerifyConfig.cmake
# picks from a cross toolchain's -mcpu / -mfloat-abi / -march / -mabi (source
# mode), and the refusals of cmake/SuitVerifyTargets.cmake where no tier-2
# Rust target fits (the Zephyr module's cases: tests/c/check_zephyr_module.py).
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/SuitVerifyConfig.cmake")
set(CMAKE_CROSSCOMPILING TRUE)
set(_failed 0)
set(_n 0)
foreach(_case
    "-mcpu=cortex-m0plus -mthumb|thumbv6m-none-eabi"
    "-mcpu=cortex-m1 -mthumb|thumbv6m-none-eabi"
    "-mcpu=cortex-m3 -mthumb|thumbv7m-none-eabi"
    "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard|thumbv7em-none-eabihf"
    "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft|thumbv7em-none-eabi"
    "-mcpu=cortex-m7 -mfloat-abi=hard|thumbv7em-none-eabihf"
    "-mcpu=cortex-m23 -mthumb|thumbv8m.base-none-eabi"
    "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard|thumbv8m.main-none-eabihf"
    "-mcpu=cortex-m33+nodsp -mthumb|thumbv8m.main-none-eabi"
    "-mcpu=cortex-m35p -mfloat-abi=hard|thumbv8m.main-none-eabihf"
    "-mcpu=cortex-m52 -mfloat-abi=hard|thumbv8m.main-none-eabihf"
    "-mcpu=cortex-m55 -mfloat-abi=hard|thumbv8m.main-none-eabihf"
    "-mcpu=cortex-m85 -mfloat-abi=softfp|thumbv8m.main-none-eabi"
    "-march=rv32imac_zicsr_zifencei -mabi=ilp32|riscv32imac-unknown-none-elf"
    "-march=rv32imc -mabi=ilp32|riscv32imc-unknown-none-elf"
    "-march=rv32im -mabi=ilp32|riscv32im-unknown-none-elf"
    "-march=rv32i -mabi=ilp32|riscv32i-unknown-none-elf"
    "-march=rv32imafc -mabi=ilp32|riscv32imac-unknown-none-elf"
    "-march=rv32imafc -mabi=ilp32f|riscv32imafc-unknown-none-elf"
    "-march=rv64imac -mabi=lp64|riscv64imac-unknown-none-elf"
    "-march=rv64gc -mabi=lp64d|riscv64gc-unknown-none-elf"
    "-march=rv64gc -mabi=lp64|riscv64imac-unknown-none-elf")
  string(REPLACE "|" ";" _pair "${_case}")
  list(GET _pair 0 CMAKE_C_FLAGS)
  list(GET _pair 1 _want)
  _suit_verify_map_target(_got)
  math(EXPR _n "${_n} + 1")
  if(NOT _got STREQUAL _want)
    message(SEND_ERROR "${CMAKE_C_FLAGS}: ${_got}, want ${_want}")
    set(_failed 1)
  endif()
endforeach()

# No tier-2 Rust target: "" and the reason (the build then asks for the target).
foreach(_case
    "arm|cortex-m3||TRUE|cortex-m3 has no hard-float Rust target"
    "arm|cortex-a53||FALSE|no Rust target is known for the CPU 'cortex-a53'"
    "riscv|32|ec||the E base ISA (rv32e) has no tier-2 Rust target (the riscv32e* targets need -Z build-std)"
    "riscv|32|imafdc|d|the ilp32d float ABI has no tier-2 Rust target"
    "riscv|32|imfc|f|rv32imfc with the ilp32f ABI has no tier-2 Rust target (riscv32imafc needs M, A, F and C)"
    "riscv|64|imc||rv64imc with the lp64 ABI has no tier-2 Rust target (riscv64imac is lp64, riscv64gc lp64d)"
    "riscv|64|imafc|f|rv64imafc with the lp64f ABI has no tier-2 Rust target (riscv64imac is lp64, riscv64gc lp64d)")
  string(REPLACE "|" ";" _c "${_case}")
  list(GET _c 0 _kind)
  list(GET _c 4 _want)
  list(GET _c 1 _x)
  list(GET _c 2 _y)
  list(GET _c 3 _z)
  if(_kind STREQUAL "arm")
    suit_verify_arm_target(_got _why "${_x}" ${_z})
  else()
    suit_verify_riscv_target(_got _why ${_x} "${_y}" "${_z}")
  endif()
  math(EXPR _n "${_n} + 1")
  if(NOT _got STREQUAL "" OR NOT _why STREQUAL _want)
    message(SEND_ERROR "${_case}: '${_got}', '${_why}'")
    set(_failed 1)
  endif()
endforeach()
# No target from these flags: "" and the reason.
foreach(_case
    "-march=rv64gc|-march=rv64gc without -mabi: the float ABI is the toolchain's default"
    "-march=rv32imafc -O2|-march=rv32imafc without -mabi: the float ABI is the toolchain's default"
    "-O2 -g|no -mcpu=cortex-m... or -march=rv... in the C flags")
  string(REPLACE "|" ";" _c "${_case}")
  list(GET _c 0 _flags)
  list(GET _c 1 _want)
  suit_verify_flags_target(_got _why "${_flags}")
  math(EXPR _n "${_n} + 1")
  if(NOT _got STREQUAL "" OR NOT _why STREQUAL _want)
    message(SEND_ERROR "${_flags}: '${_got}', '${_why}'")
    set(_failed 1)
  endif()
endforeach()
# An installed prefix's float ABI against the consumer's C flags.
foreach(_case
    "thumbv7em-none-eabihf|-mcpu=cortex-m4 -mfloat-abi=hard|TRUE"
    "thumbv7em-none-eabihf|-mcpu=cortex-m4 -mfloat-abi=soft|FALSE"
    "thumbv7em-none-eabi|-mcpu=cortex-m4 -mfloat-abi=hard|FALSE"
    "thumbv7m-none-eabi|-mcpu=cortex-m4 -mthumb|TRUE"
    "thumbv7em-none-eabi|-mcpu=cortex-m3 -mthumb|TRUE"
    "riscv32imafc-unknown-none-elf|-march=rv32imafc -mabi=ilp32|FALSE"
    "riscv32imac-unknown-none-elf|-march=rv32imafc -mabi=ilp32|TRUE"
    "thumbv7em-none-eabihf|-O2|TRUE"
    "x86_64-unknown-linux-gnu|-mcpu=cortex-m4 -mfloat-abi=soft|TRUE")
  string(REPLACE "|" ";" _c "${_case}")
  list(GET _c 0 _lib)
  list(GET _c 1 _flags)
  list(GET _c 2 _want)
  suit_verify_abi_compatible(_got _why "${_lib}" "${_flags}")
  math(EXPR _n "${_n} + 1")
  if(NOT _got STREQUAL _want OR (_got AND NOT _why STREQUAL "") OR (NOT _got AND _why STREQUAL ""))
    message(SEND_ERROR "abi ${_lib} / ${_flags}: ${_got} '${_why}', want ${_want}")
    set(_failed 1)
  endif()
endforeach()
if(_failed)
  message(FATAL_ERROR "target mapping failed")
endif()
message(STATUS "target mapping: ${_n} passed")
