// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: op_id.cpp
// -----------------------------------------------------------------------------

#include "weft/op_id.hpp"

#include <cstdint>
#include <random>

namespace weft {

replica_id random_replica_id() {
  std::random_device device;
  // random_replica_id assembles 64 bits from 32-bit draws because
  // random_device::result_type is only guaranteed to be unsigned int.
  static_assert(sizeof(std::random_device::result_type) >= 4);
  for (;;) {
    const std::uint64_t hi = static_cast<std::uint32_t>(device());
    const std::uint64_t lo = static_cast<std::uint32_t>(device());
    const std::uint64_t bits = (hi << 32) | lo;
    // Zero is redrawn so that a value-initialised replica_id{} can never be
    // mistaken for a live replica.
    if (bits != 0) return static_cast<replica_id>(bits);
  }
}

}  // namespace weft
