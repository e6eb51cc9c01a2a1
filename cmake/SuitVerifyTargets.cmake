# The Rust target triple for a CPU, shared by SuitVerifyConfig.cmake (which
# reads the C compiler's -mcpu / -march / -mabi flags) and the Zephyr module
# (which reads the Kconfig). Functions only; installed beside
# SuitVerifyConfig.cmake. Tested by tests/c/cmake_target_map.cmake and
# tests/c/check_zephyr_module.py.
#
# The rule: the Rust code may use no instruction the CPU lacks, and must use
# the float ABI of the rest of the image (a mismatch does not link on Arm or
# RISC-V). Where no tier-2 Rust target (one rustup ships a prebuilt `core`
# for) fits, the functions give "" and say why, and the build asks for the
# target to be named explicitly.

include_guard(GLOBAL)

# cpu: "cortex-m0", "cortex-m0plus", "cortex-m1", "cortex-m3", "cortex-m4",
# "cortex-m7", "cortex-m23", "cortex-m33", "cortex-m35p", "cortex-m52",
# "cortex-m55" or "cortex-m85"; hard: true for the hard-float ABI.
function(suit_verify_arm_target out why cpu hard)
  set(_t "")
  set(_why "")
  if(cpu MATCHES "^cortex-m(0|0plus|1)$")
    set(_t thumbv6m-none-eabi)
  elseif(cpu STREQUAL "cortex-m3")
    set(_t thumbv7m-none-eabi)
  elseif(cpu MATCHES "^cortex-m(4|7)$")
    set(_t thumbv7em-none-eabi)
  elseif(cpu STREQUAL "cortex-m23")
    set(_t thumbv8m.base-none-eabi)
  elseif(cpu MATCHES "^cortex-m(33|35p|52|55|85)$")
    # Armv8.1-M (M52, M55, M85) runs Armv8-M mainline code.
    set(_t thumbv8m.main-none-eabi)
  else()
    set(_why "no Rust target is known for the CPU '${cpu}'")
  endif()
  if(hard AND _t MATCHES "^thumbv7em|^thumbv8m\\.main")
    set(_t "${_t}hf")
  elseif(hard AND NOT _t STREQUAL "")
    set(_t "")
    set(_why "${cpu} has no hard-float Rust target")
  endif()
  set(${out} "${_t}" PARENT_SCOPE)
  set(${why} "${_why}" PARENT_SCOPE)
endfunction()

# xlen: 32 or 64; ext: the single-letter extensions of -march after "rv32" /
# "rv64" ("imac", "gc" = "imafdc", "ec"); fabi: the float ABI's letter, as
# -mabi ends ("" soft, "f" single, "d" double).
function(suit_verify_riscv_target out why xlen ext fabi)
  string(REPLACE "g" "imafd" ext "${ext}")
  foreach(_x e m a f d c)
    string(FIND "${ext}" "${_x}" _p)
    if(_p GREATER -1)
      set(_${_x} TRUE)
    else()
      set(_${_x} FALSE)
    endif()
  endforeach()
  set(_t "")
  set(_why "")
  if(_e)
    set(_why "the E base ISA (rv${xlen}e) has no tier-2 Rust target (the riscv32e* targets need -Z build-std)")
  elseif(xlen STREQUAL "64")
    if(fabi STREQUAL "" AND _m AND _a AND _c)
      set(_t riscv64imac-unknown-none-elf)
    elseif(fabi STREQUAL "d" AND _m AND _a AND _f AND _d AND _c)
      set(_t riscv64gc-unknown-none-elf)
    else()
      set(_why "rv64${ext} with the lp64${fabi} ABI has no tier-2 Rust target (riscv64imac is lp64, riscv64gc lp64d)")
    endif()
  elseif(fabi STREQUAL "d")
    set(_why "the ilp32d float ABI has no tier-2 Rust target")
  elseif(fabi STREQUAL "f")
    if(_m AND _a AND _f AND _c)
      set(_t riscv32imafc-unknown-none-elf)
    else()
      set(_why "rv32${ext} with the ilp32f ABI has no tier-2 Rust target (riscv32imafc needs M, A, F and C)")
    endif()
  elseif(_m AND _a AND _c)
    set(_t riscv32imac-unknown-none-elf)
  elseif(_m AND _c)
    set(_t riscv32imc-unknown-none-elf)
  elseif(_m)
    set(_t riscv32im-unknown-none-elf)
  else()
    set(_t riscv32i-unknown-none-elf)
  endif()
  set(${out} "${_t}" PARENT_SCOPE)
  set(${why} "${_why}" PARENT_SCOPE)
endfunction()

# From a C compiler's flags: -mcpu=cortex-m... with -mfloat-abi, or
# -march=rv32.../rv64... with -mabi (SuitVerifyConfig.cmake's source mode).
function(suit_verify_flags_target out why flags)
  set(_t "")
  set(_why "no -mcpu=cortex-m... or -march=rv... in the C flags")
  if(flags MATCHES "-mcpu=(cortex-m[0-9]+(plus|p)?)")
    set(_cpu "${CMAKE_MATCH_1}")
    set(_hard FALSE)
    if(flags MATCHES "float-abi=hard")
      set(_hard TRUE)
    endif()
    suit_verify_arm_target(_t _why "${_cpu}" ${_hard})
  elseif(flags MATCHES "-march=rv(32|64)([a-z]+)")
    set(_xlen "${CMAKE_MATCH_1}")
    set(_ext "${CMAKE_MATCH_2}")
    if(flags MATCHES "-mabi=(ilp32|lp64)e?([fd]?)")
      suit_verify_riscv_target(_t _why ${_xlen} "${_ext}" "${CMAKE_MATCH_2}")
    elseif(_ext MATCHES "[gfd]")
      # The toolchain's default ABI decides (hard-float for rv64gc in clang
      # and in most GCC builds): a guess would not link.
      set(_why "-march=rv${_xlen}${_ext} without -mabi: the float ABI is the toolchain's default")
    else()
      suit_verify_riscv_target(_t _why ${_xlen} "${_ext}" "")
    endif()
  endif()
  set(${out} "${_t}" PARENT_SCOPE)
  set(${why} "${_why}" PARENT_SCOPE)
endfunction()

# Can a library built for the Rust target `lib` link into code built with the C `flags`?
# The float ABI must match (hard-float vs soft on Arm, the -mabi letter on RISC-V); a
# mismatch does not link ("uses VFP register arguments"), so an installed prefix built for
# the other one is refused at configure time instead. Flags that name no CPU give TRUE (the
# linker decides). out: TRUE or FALSE; why: the reason when FALSE.
function(suit_verify_abi_compatible out why lib flags)
  set(${out} TRUE PARENT_SCOPE)
  set(${why} "" PARENT_SCOPE)
  suit_verify_flags_target(_t _w "${flags}")
  if(_t STREQUAL "" OR NOT lib MATCHES "-none-")
    return()
  endif()
  set(_lib_hf FALSE)
  set(_c_hf FALSE)
  if(lib MATCHES "eabihf$|riscv(32|64)[a-z]*[fgd][a-z]*-")
    set(_lib_hf TRUE)
  endif()
  if(_t MATCHES "eabihf$|riscv(32|64)[a-z]*[fgd][a-z]*-")
    set(_c_hf TRUE)
  endif()
  if(NOT _lib_hf STREQUAL _c_hf)
    set(${out} FALSE PARENT_SCOPE)
    set(${why} "the library was built for ${lib}, but the C flags ask for ${_t} (another float ABI: it would not link); build the prefix for ${_t}" PARENT_SCOPE)
  endif()
endfunction()
