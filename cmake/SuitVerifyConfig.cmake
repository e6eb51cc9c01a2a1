# SuitVerifyConfig.cmake: find_package(SuitVerify) support.
#
# Provides the imported static library target SuitVerify::suit_verify with
# the include directory of suit_verify.h (and, on hosted targets, the system
# libraries the Rust standard library needs).
#
# Two layouts are supported:
#   * an installed prefix (release asset, or cmake/package.sh):
#       <prefix>/lib/libsuit_verify_ffi.a, <prefix>/include/suit_verify.h,
#       <prefix>/lib/cmake/SuitVerify/SuitVerifyConfig.cmake  (this file)
#   * the source tree (SuitVerify_DIR=<checkout>/cmake): the library is built
#     with cargo at build time into ${CMAKE_BINARY_DIR}/suit-verify.
#
# Cache variables (source-tree mode):
#   SUIT_VERIFY_RUST_TARGET  Rust target triple; default: the host for native
#                            builds, else mapped from the compiler flags:
#                            -mcpu/-mfloat-abi or
#                            -march/-mabi (SuitVerifyTargets.cmake).
#   SUIT_VERIFY_FEATURES     cargo features (default: ed25519,p256,install,error-messages
#                            plus panic-handler,opt-size on bare metal).
#   SUIT_VERIFY_PROFILE      cargo profile (default: release-size on bare
#                            metal, release on hosts). Size or speed:
#                            release-size = opt-level "z" and, on bare-metal
#                            Arm, the compact SHA-256 (.cargo/config.toml);
#                            release-speed = the crypto crates at opt-level 3
#                            and the unrolled SHA-256 (RUSTFLAGS set empty).
#   SUIT_VERIFY_MAX_COMPONENTS / SUIT_VERIFY_HASH_CTX_WORDS  capacities; other
#                            than the defaults (4 / 32) the header is
#                            regenerated with ffi/gen-header.sh (needs cbindgen 0.29.4).
#   SUIT_VERIFY_LIBRARY      use this prebuilt libsuit_verify_ffi.a instead of cargo.
#   SUIT_VERIFY_CARGO_TARGET_DIR  cargo's target directory (default
#                            ${CMAKE_BINARY_DIR}/suit-verify).
# Both modes: bare-metal targets link with --gc-sections (added to the target's link
# options) to drop unused Rust code. An installed prefix built for another float ABI than
# the C flags ask for is not found (SuitVerify_NOT_FOUND_MESSAGE says why).

cmake_minimum_required(VERSION 3.16)
include_guard(GLOBAL)

get_filename_component(_suit_dir "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
include("${_suit_dir}/SuitVerifyTargets.cmake")
set(SuitVerify_VERSION 0.1.0)

function(_suit_verify_map_target out)
  # Host builds: the Rust host triple.
  if(NOT CMAKE_CROSSCOMPILING)
    execute_process(COMMAND rustc -vV OUTPUT_VARIABLE _v RESULT_VARIABLE _rc)
    if(_rc EQUAL 0 AND _v MATCHES "host: ([^\n]+)")
      set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
      return()
    endif()
  endif()
  # Cortex-M from -mcpu / -mfloat-abi, RISC-V from -march / -mabi
  # (cmake/SuitVerifyTargets.cmake, the mapping the Zephyr module uses too).
  suit_verify_flags_target(_t _why "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_INIT}")
  if(_t STREQUAL "")
    message(FATAL_ERROR "SuitVerify: ${_why}; set SUIT_VERIFY_RUST_TARGET")
  endif()
  set(${out} "${_t}" PARENT_SCOPE)
endfunction()

# `cmake -P` (tests/c/cmake_target_map.cmake): the mapping only.
if(CMAKE_SCRIPT_MODE_FILE)
  return()
endif()

if(EXISTS "${_suit_dir}/../ffi/Cargo.toml")
  # ---- source tree -------------------------------------------------------------
  get_filename_component(_suit_root "${_suit_dir}/.." ABSOLUTE)
  if(NOT SUIT_VERIFY_RUST_TARGET)
    _suit_verify_map_target(_target)
    set(SUIT_VERIFY_RUST_TARGET "${_target}" CACHE STRING "Rust target triple of libsuit_verify_ffi.a")
  endif()
  if(SUIT_VERIFY_RUST_TARGET MATCHES "-none")
    set(_bare TRUE)
  else()
    set(_bare FALSE)
  endif()
  if(NOT SUIT_VERIFY_FEATURES)
    if(_bare)
      set(SUIT_VERIFY_FEATURES "ed25519,p256,install,opt-size,panic-handler,error-messages")
    else()
      set(SUIT_VERIFY_FEATURES "ed25519,p256,install,error-messages")
    endif()
  endif()
  # A no_std static library needs its panic handler; without the feature cargo stops
  # with "`#[panic_handler]` function required" after compiling everything.
  if(_bare AND NOT ",${SUIT_VERIFY_FEATURES}," MATCHES ",panic-handler,")
    message(FATAL_ERROR "SuitVerify: SUIT_VERIFY_FEATURES (${SUIT_VERIFY_FEATURES}) needs "
                        "panic-handler for the bare-metal target ${SUIT_VERIFY_RUST_TARGET}")
  endif()
  if(NOT SUIT_VERIFY_PROFILE)
    if(_bare)
      set(SUIT_VERIFY_PROFILE release-size)
    else()
      set(SUIT_VERIFY_PROFILE release)
    endif()
  endif()
  set(SUIT_VERIFY_MAX_COMPONENTS 4 CACHE STRING "suit-verify: components per procedure")
  set(SUIT_VERIFY_HASH_CTX_WORDS 32 CACHE STRING "suit-verify: words of C digest state")
  set(SUIT_VERIFY_CARGO_TARGET_DIR "${CMAKE_BINARY_DIR}/suit-verify" CACHE PATH
      "suit-verify: CARGO_TARGET_DIR of the cargo build")
  set(_out "${SUIT_VERIFY_CARGO_TARGET_DIR}")
  set(_include "${_suit_root}/include")
  if(NOT SUIT_VERIFY_MAX_COMPONENTS EQUAL 4 OR NOT SUIT_VERIFY_HASH_CTX_WORDS EQUAL 32)
    set(_include "${_out}/include")
    file(MAKE_DIRECTORY "${_include}")
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env SUIT_VERIFY_MAX_COMPONENTS=${SUIT_VERIFY_MAX_COMPONENTS}
              SUIT_VERIFY_HASH_CTX_WORDS=${SUIT_VERIFY_HASH_CTX_WORDS}
              "${_suit_root}/ffi/gen-header.sh" "${_include}/suit_verify.h"
      RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "SuitVerify: header generation failed (cbindgen 0.29.4 needed for non-default capacities)")
    endif()
  endif()
  if(SUIT_VERIFY_LIBRARY)
    set(_lib "${SUIT_VERIFY_LIBRARY}")
  else()
    set(_pdir "${SUIT_VERIFY_PROFILE}")
    if(_pdir STREQUAL "dev")
      set(_pdir debug)
    endif()
    set(_lib "${_out}/${SUIT_VERIFY_RUST_TARGET}/${_pdir}/libsuit_verify_ffi.a")
    # Size or speed (see SUIT_VERIFY_PROFILE above): the compact SHA-256 comes
    # from .cargo/config.toml, which cargo ignores whenever RUSTFLAGS is set.
    if(SUIT_VERIFY_PROFILE STREQUAL "release-speed")
      set(_rustflags --unset=CARGO_ENCODED_RUSTFLAGS RUSTFLAGS=)
    else()
      set(_rustflags --unset=CARGO_ENCODED_RUSTFLAGS --unset=RUSTFLAGS)
    endif()
    if(NOT TARGET suit_verify_cargo)
      add_custom_target(suit_verify_cargo
        COMMAND ${CMAKE_COMMAND} -E env ${_rustflags} CARGO_TARGET_DIR=${_out}
                SUIT_VERIFY_MAX_COMPONENTS=${SUIT_VERIFY_MAX_COMPONENTS}
                SUIT_VERIFY_HASH_CTX_WORDS=${SUIT_VERIFY_HASH_CTX_WORDS}
                cargo rustc --locked -p suit-verify-ffi --lib --crate-type staticlib
                --profile ${SUIT_VERIFY_PROFILE} --target ${SUIT_VERIFY_RUST_TARGET}
                --no-default-features --features ${SUIT_VERIFY_FEATURES}
        WORKING_DIRECTORY "${_suit_root}"
        BYPRODUCTS "${_lib}"
        COMMENT "cargo build suit-verify-ffi (${SUIT_VERIFY_RUST_TARGET}, ${SUIT_VERIFY_FEATURES})"
        USES_TERMINAL VERBATIM)
    endif()
  endif()
else()
  # ---- installed prefix ------------------------------------------------------------
  get_filename_component(_prefix "${_suit_dir}/../../.." ABSOLUTE)
  set(_include "${_prefix}/include")
  if(SUIT_VERIFY_LIBRARY)
    set(_lib "${SUIT_VERIFY_LIBRARY}")
  else()
    set(_lib "${_prefix}/lib/libsuit_verify_ffi.a")
  endif()
  if(NOT EXISTS "${_lib}" OR NOT EXISTS "${_include}/suit_verify.h")
    set(SuitVerify_FOUND FALSE)
    set(SuitVerify_NOT_FOUND_MESSAGE "libsuit_verify_ffi.a or suit_verify.h missing under ${_prefix}")
    return()
  endif()
  file(STRINGS "${_prefix}/lib/cmake/SuitVerify/rust-target.txt" SUIT_VERIFY_RUST_TARGET LIMIT_COUNT 1)
  if(CMAKE_CROSSCOMPILING)
    suit_verify_abi_compatible(_ok _why "${SUIT_VERIFY_RUST_TARGET}" "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_INIT}")
    if(NOT _ok)
      set(SuitVerify_FOUND FALSE)
      set(SuitVerify_NOT_FOUND_MESSAGE "${_why}")
      return()
    endif()
  endif()
endif()

if(NOT TARGET SuitVerify::suit_verify)
  add_library(SuitVerify::suit_verify STATIC IMPORTED GLOBAL)
  set_target_properties(SuitVerify::suit_verify PROPERTIES
    IMPORTED_LOCATION "${_lib}"
    INTERFACE_INCLUDE_DIRECTORIES "${_include}")
  if(TARGET suit_verify_cargo)
    add_dependencies(SuitVerify::suit_verify suit_verify_cargo)
  endif()
  if(SUIT_VERIFY_RUST_TARGET MATCHES "-none-")
    # Bare metal: drop the functions the firmware does not call (every function of the
    # library is in its own section; 4 KB and more without it).
    set_property(TARGET SuitVerify::suit_verify PROPERTY INTERFACE_LINK_OPTIONS "LINKER:--gc-sections")
  endif()
  if(SUIT_VERIFY_RUST_TARGET MATCHES "linux")
    # What `--print native-static-libs` lists for hosted Linux builds.
    set_property(TARGET SuitVerify::suit_verify PROPERTY INTERFACE_LINK_LIBRARIES pthread dl m)
  endif()
endif()
set(SuitVerify_INCLUDE_DIR "${_include}")
set(SuitVerify_LIBRARY "${_lib}")
set(SuitVerify_FOUND TRUE)
