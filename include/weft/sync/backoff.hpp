// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/backoff.hpp
// -----------------------------------------------------------------------------
//
// backoff decides when to try a connection again: exponential backoff with
// full jitter (the delay before attempt n is uniform in [0, min(cap,
// base * 2^n)]), reset once a connection has stayed up for `stable`. The
// randomness comes from a seeded generator so simulations replay exactly.

#ifndef WEFT_SYNC_BACKOFF_HPP_
#define WEFT_SYNC_BACKOFF_HPP_

#include <chrono>
#include <cstdint>

namespace weft::sync {

struct backoff_options {
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{30'000};
  // stable: a connection that lasted this long resets the attempt count.
  std::chrono::milliseconds stable{10'000};
  std::uint64_t seed = 0;  // 0: seeded from a random device
};

class backoff {
 public:
  explicit backoff(backoff_options options = {});

  // next_delay returns the wait before the next attempt and counts it.
  std::chrono::milliseconds next_delay();
  // connected_for tells the policy a connection lasted `up`; a stable one
  // resets the attempt count.
  void connected_for(std::chrono::milliseconds up);
  void reset() noexcept { attempts_ = 0; }
  std::uint32_t attempts() const noexcept { return attempts_; }

 private:
  backoff_options options_;
  std::uint64_t state_;
  std::uint32_t attempts_ = 0;
};

}  // namespace weft::sync

#endif  // WEFT_SYNC_BACKOFF_HPP_
