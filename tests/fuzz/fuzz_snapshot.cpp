// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: fuzz_snapshot.cpp
// -----------------------------------------------------------------------------
//
// libFuzzer harness for load (snapshots), and saving what it loads.
// The logic lives in fuzz_targets.hpp (one_snapshot) so that crashers_test
// replays saved inputs through exactly the same checks. Run it through
// scripts/fuzz.

#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return weft::fuzz::one_snapshot(data, size);
}
