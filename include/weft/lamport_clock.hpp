// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: lamport_clock.hpp
// -----------------------------------------------------------------------------
//
// A Lamport clock gives every event a timestamp that is larger than that of
// every event it could have observed. Together with the replica id as a tie
// breaker it totally orders concurrent writes (last-writer-wins registers and
// map keys order by `(lamport, replica)`).

#ifndef WEFT_LAMPORT_CLOCK_HPP_
#define WEFT_LAMPORT_CLOCK_HPP_

#include <cstdint>

#include "weft/result.hpp"

namespace weft {

class lamport_clock {
 public:
  lamport_clock() = default;
  explicit lamport_clock(std::uint64_t time) noexcept : time_(time) {}

  // now returns the timestamp of the latest event seen or made.
  std::uint64_t now() const noexcept { return time_; }

  // tick makes a local event and returns its timestamp, or
  // errc::seq_exhausted when the clock cannot advance any more.
  [[nodiscard]] result<std::uint64_t> tick() noexcept;

  // observe folds in a remote timestamp so later ticks are larger than it.
  void observe(std::uint64_t remote) noexcept {
    if (remote > time_) time_ = remote;
  }

 private:
  std::uint64_t time_ = 0;
};

}  // namespace weft

#endif  // WEFT_LAMPORT_CLOCK_HPP_
