// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: fuzz_sync_message.cpp
// -----------------------------------------------------------------------------
//
// libFuzzer harness for sync::decode_message, and for server and client
// sessions taking what it decodes. The logic lives in fuzz_sync.hpp
// (one_sync_message). Run it through scripts/fuzz.

#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_sync.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return weft::fuzz::one_sync_message(data, size);
}
