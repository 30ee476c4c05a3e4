// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: fuzz_version.cpp
// -----------------------------------------------------------------------------
//
// libFuzzer harness for decode_version.
// The logic lives in fuzz_targets.hpp (one_version) so that crashers_test
// replays saved inputs through exactly the same checks. Run it through
// scripts/fuzz.

#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return weft::fuzz::one_version(data, size);
}
