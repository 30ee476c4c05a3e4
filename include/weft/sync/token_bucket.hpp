// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/token_bucket.hpp
// -----------------------------------------------------------------------------
//
// token_bucket limits a rate: it holds up to `burst` tokens, refills at
// `rate` tokens per second of the caller's clock, and `take(n)` succeeds
// only if n tokens are there. Sessions keep one for messages and one for
// bytes per peer.

#ifndef WEFT_SYNC_TOKEN_BUCKET_HPP_
#define WEFT_SYNC_TOKEN_BUCKET_HPP_

#include <chrono>
#include <cstdint>

namespace weft::sync {

struct token_bucket_options {
  double rate = 0;   // tokens per second; 0 disables the limit
  double burst = 0;  // capacity (starts full)
};

class token_bucket {
 public:
  explicit token_bucket(token_bucket_options options = {}) noexcept;

  // take removes n tokens as of `now` if it can, and says whether it did.
  bool take(double n, std::chrono::milliseconds now) noexcept;
  double available(std::chrono::milliseconds now) noexcept;

 private:
  void refill(std::chrono::milliseconds now) noexcept;
  token_bucket_options options_;
  double tokens_;
  std::chrono::milliseconds last_{0};
  bool started_ = false;
};

}  // namespace weft::sync

#endif  // WEFT_SYNC_TOKEN_BUCKET_HPP_
