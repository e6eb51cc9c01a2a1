# cmake -P tests/c/cmake_target_map.cmake: the Rust target SuitVerifyConfig.cmake
# picks from a cross toolchain's -mcpu / -mfloat-abi (source mode).
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/SuitVerifyConfig.cmake")
set(CMAKE_CROSSCOMPILING TRUE)
set(_failed 0)
foreach(_case
    "-mcpu=cortex-m0plus -mthumb|thumbv6m-none-eabi"
    "-mcpu=cortex-m1 -mthumb|thumbv6m-none-eabi"
    "-mcpu=cortex-m3 -mthumb|thumbv7m-none-eabi"
    "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard|thumbv7em-none-eabihf"
    "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft|thumbv7em-none-eabi"
    "-mcpu=cortex-m7 -mfloat-abi=hard|thumbv7em-none-eabihf"
    "-mcpu=cortex-m23 -mthumb|thumbv8m.base-none-eabi"
    "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard|thumbv8m.main-none-eabihf"
    "-mcpu=cortex-m33 -mthumb|thumbv8m.main-none-eabi"
    "-mcpu=cortex-m35p -mfloat-abi=hard|thumbv8m.main-none-eabihf"
    "-mcpu=cortex-m55 -mfloat-abi=hard|thumbv8m.main-none-eabihf")
  string(REPLACE "|" ";" _pair "${_case}")
  list(GET _pair 0 CMAKE_C_FLAGS)
  list(GET _pair 1 _want)
  _suit_verify_map_target(_got)
  if(NOT _got STREQUAL _want)
    message(SEND_ERROR "${CMAKE_C_FLAGS}: ${_got}, want ${_want}")
    set(_failed 1)
  endif()
endforeach()
if(_failed)
  message(FATAL_ERROR "target mapping failed")
endif()
message(STATUS "target mapping: all cases ok")
