# check_exports.cmake: cmake -DNM=<nm> -DLIB=<libweft_c.so>
#   -DINCLUDE=<bindings/c/include> -DTESTS=<tests/c_api> -P check_exports.cmake
#
# Fails unless
# - the umbrella weft.h includes every header under INCLUDE/weft,
# - every symbol the shared library defines for dynamic linking is weft_*,
# - every function those headers declare (WEFT_API) is exported, and
#   nothing else,
# - every such function appears in a test under TESTS (*.c, *.py).

cmake_minimum_required(VERSION 3.25)

foreach(v IN ITEMS NM LIB INCLUDE TESTS)
  if(NOT ${v})
    message(FATAL_ERROR "check_exports: ${v} is not set")
  endif()
endforeach()

execute_process(COMMAND ${NM} -D --defined-only ${LIB}
  OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc ERROR_VARIABLE nm_err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "check_exports: ${NM} failed: ${nm_err}")
endif()

string(REPLACE "\n" ";" lines "${nm_out}")
set(exported "")
set(foreign "")
foreach(line IN LISTS lines)
  # "<address> <type> <name>[@@version]"
  if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] ([^ @]+)")
    set(sym ${CMAKE_MATCH_1})
    if(sym MATCHES "^weft_")
      list(APPEND exported ${sym})
    else()
      list(APPEND foreign ${sym})
    endif()
  endif()
endforeach()
if(foreign)
  list(JOIN foreign "\n  " foreign)
  message(FATAL_ERROR "check_exports: ${LIB} exports symbols outside weft_*:\n  ${foreign}")
endif()

file(READ ${INCLUDE}/weft.h header)
file(GLOB parts RELATIVE ${INCLUDE} ${INCLUDE}/weft/*.h)
list(LENGTH parts n_parts)
if(n_parts EQUAL 0)
  message(FATAL_ERROR "check_exports: no headers under ${INCLUDE}/weft")
endif()
set(not_included "")
foreach(part IN LISTS parts)
  if(NOT header MATCHES "#include \"${part}\"")
    list(APPEND not_included ${part})
  endif()
  file(READ ${INCLUDE}/${part} text)
  string(APPEND header "${text}")
endforeach()
if(not_included)
  message(FATAL_ERROR "check_exports: weft.h does not include ${not_included}")
endif()

string(REGEX MATCHALL "WEFT_API [^;(]*[ *](weft_[a-z0-9_]+)\\(" decls "${header}")
set(declared "")
foreach(d IN LISTS decls)
  string(REGEX MATCH "(weft_[a-z0-9_]+)\\($" _ "${d}")
  list(APPEND declared ${CMAKE_MATCH_1})
endforeach()
list(LENGTH declared n_declared)
if(n_declared LESS 100)
  message(FATAL_ERROR "check_exports: found only ${n_declared} declarations under ${INCLUDE}")
endif()

set(missing "")
foreach(f IN LISTS declared)
  if(NOT f IN_LIST exported)
    list(APPEND missing ${f})
  endif()
endforeach()
set(undeclared "")
foreach(f IN LISTS exported)
  if(NOT f IN_LIST declared)
    list(APPEND undeclared ${f})
  endif()
endforeach()
if(missing OR undeclared)
  message(FATAL_ERROR "check_exports: declared but not exported: ${missing}; "
                      "exported but not declared: ${undeclared}")
endif()

file(GLOB test_files ${TESTS}/*.c ${TESTS}/*.py)
set(all_tests "")
foreach(f IN LISTS test_files)
  file(READ ${f} text)
  string(APPEND all_tests "${text}")
endforeach()
set(untested "")
foreach(f IN LISTS declared)
  string(REGEX MATCH "[^a-z0-9_]${f}[^a-z0-9_]" hit "${all_tests}")
  if(NOT hit)
    list(APPEND untested ${f})
  endif()
endforeach()
if(untested)
  list(JOIN untested "\n  " untested)
  message(FATAL_ERROR "check_exports: functions no test calls:\n  ${untested}")
endif()

list(LENGTH exported n)
message(STATUS "check_exports: ${n} weft_* functions in weft.h and ${n_parts} headers exported, "
               "declared and tested; nothing else")
