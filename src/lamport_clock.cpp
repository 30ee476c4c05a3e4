// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: lamport_clock.cpp
// -----------------------------------------------------------------------------

#include "weft/lamport_clock.hpp"

#include <cstdint>
#include <limits>

namespace weft {

result<std::uint64_t> lamport_clock::tick() noexcept {
  if (time_ == std::numeric_limits<std::uint64_t>::max()) {
    // The message stays within the small-string buffer of the common standard
    // libraries (15 chars), so this noexcept path does not allocate.
    return make_error(errc::seq_exhausted, "clock exhausted");
  }
  return ++time_;
}

}  // namespace weft
