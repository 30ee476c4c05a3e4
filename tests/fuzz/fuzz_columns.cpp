// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: fuzz_columns.cpp
// -----------------------------------------------------------------------------
//
// libFuzzer harness for the wire format's column codecs and varints (src/wire/column.hpp).
// The logic lives in fuzz_targets.hpp (one_columns) so that crashers_test
// replays saved inputs through exactly the same checks. Run it through
// scripts/fuzz.

#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return weft::fuzz::one_columns(data, size);
}
