// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/token_bucket.cpp
// -----------------------------------------------------------------------------

#include "weft/sync/token_bucket.hpp"

#include <algorithm>

#include "weft/internal/saturating.hpp"

namespace weft::sync {

using ::weft::internal::elapsed;

token_bucket::token_bucket(token_bucket_options options) noexcept
    : options_(options), tokens_(options.burst) {}

void token_bucket::refill(std::chrono::milliseconds now) noexcept {
  if (!started_) {
    started_ = true;
    last_ = now;
    return;
  }
  // A clock that steps back refills nothing rather than draining.
  if (now <= last_) return;
  const double seconds = static_cast<double>(elapsed(now, last_).count()) / 1000.0;
  tokens_ = std::min(options_.burst, tokens_ + seconds * options_.rate);
  last_ = now;
}

bool token_bucket::take(double n, std::chrono::milliseconds now) noexcept {
  if (options_.rate <= 0) return true;
  refill(now);
  if (n > tokens_) return false;
  tokens_ -= n;
  return true;
}

double token_bucket::available(std::chrono::milliseconds now) noexcept {
  if (options_.rate <= 0) return options_.burst;
  refill(now);
  return tokens_;
}

}  // namespace weft::sync
