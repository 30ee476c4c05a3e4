# The compiled parts of the weft library, relative to the source root.
# Kept in one list so that the native, sanitizer and wasm builds agree.
set(WEFT_SOURCES
  src/assert.cpp
  src/result.cpp
  src/op_id.cpp
  src/lamport_clock.cpp
  src/version_vector.cpp
  src/id_set.cpp
  src/text_delta.cpp
  src/text.cpp
  src/text_apply.cpp
  src/internal/id_map.cpp
  src/internal/op_log.cpp
  src/internal/sequence.cpp
  src/internal/sequence_tree.cpp
  src/internal/utf8.cpp
)
