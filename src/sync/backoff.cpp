// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/backoff.cpp
// -----------------------------------------------------------------------------

#include "weft/sync/backoff.hpp"

#include <algorithm>
#include <random>

#include "weft/internal/splitmix.hpp"

namespace weft::sync {

backoff::backoff(backoff_options options) : options_(options), state_(options.seed) {
  if (state_ == 0) {
    std::random_device rd;
    state_ = (std::uint64_t{rd()} << 32) ^ rd();
  }
  options_.base = std::max(options_.base, std::chrono::milliseconds{1});
  options_.cap = std::max(options_.cap, options_.base);
}

std::chrono::milliseconds backoff::next_delay() {
  // The ceiling doubles per attempt up to cap; the shift stops growing once
  // it has passed cap so it cannot overflow.
  const auto base = static_cast<std::uint64_t>(options_.base.count());
  const auto cap = static_cast<std::uint64_t>(options_.cap.count());
  std::uint64_t ceiling = base;
  for (std::uint32_t i = 0; i < attempts_ && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  if (attempts_ < UINT32_MAX) ++attempts_;
  return std::chrono::milliseconds{
      static_cast<std::int64_t>(internal::splitmix64(state_) % (ceiling + 1))};
}

void backoff::connected_for(std::chrono::milliseconds up) {
  if (up >= options_.stable) attempts_ = 0;
}

}  // namespace weft::sync
