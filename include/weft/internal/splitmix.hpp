// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/splitmix.hpp
// -----------------------------------------------------------------------------
//
// splitmix64 is the seedable generator weft uses where it needs cheap,
// reproducible randomness (backoff jitter, storage salts, the simulator's
// seeding): simulations must replay exactly from a seed, and none of these
// uses needs unpredictability.

#ifndef WEFT_INTERNAL_SPLITMIX_HPP_
#define WEFT_INTERNAL_SPLITMIX_HPP_

#include <cstdint>

namespace weft::internal {

// splitmix64 advances `state` and returns the next value.
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace weft::internal

#endif  // WEFT_INTERNAL_SPLITMIX_HPP_
