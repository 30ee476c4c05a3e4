# exports.cmake: cmake -DOUT=<file> -DHEADERS=<h;...> -P exports.cmake
#
# Writes the wasm module's export list (one symbol a line, the form
# emcc's -sEXPORTED_FUNCTIONS=@<file> reads): every function the C ABI
# headers declare with WEFT_API, plus malloc and free. The list is derived
# at build time so that it cannot drift from the headers.

cmake_minimum_required(VERSION 3.25)

foreach(v IN ITEMS OUT HEADERS)
  if(NOT ${v})
    message(FATAL_ERROR "exports: ${v} is not set")
  endif()
endforeach()

set(declared "")
foreach(h IN LISTS HEADERS)
  file(READ ${h} text)
  string(REGEX MATCHALL "WEFT_API [^;(]*[ *](weft_[a-z0-9_]+)\\(" decls "${text}")
  foreach(d IN LISTS decls)
    string(REGEX MATCH "(weft_[a-z0-9_]+)\\($" _ "${d}")
    list(APPEND declared _${CMAKE_MATCH_1})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES declared)
list(SORT declared)
list(LENGTH declared n)
if(n LESS 100)
  message(FATAL_ERROR "exports: found only ${n} WEFT_API functions in ${HEADERS}")
endif()

list(APPEND declared _malloc _free)
list(JOIN declared "\n" body)
# Rewritten only when it changes, so that an unchanged list relinks nothing.
file(CONFIGURE OUTPUT ${OUT} CONTENT "${body}\n" @ONLY)
