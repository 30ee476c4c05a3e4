// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/saturating.hpp
// -----------------------------------------------------------------------------
//
// saturating_add is for counting what untrusted input claims (ops in a
// delta): the count stays bounded instead of wrapping to something small.
// elapsed and earlier_by are for the application's clock readings, which
// are its own and may sit anywhere in the 64-bit range.

#ifndef WEFT_INTERNAL_SATURATING_HPP_
#define WEFT_INTERNAL_SATURATING_HPP_

#include <chrono>
#include <cstdint>
#include <limits>

namespace weft::internal {

constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  const std::uint64_t sum = a + b;
  return sum < a ? std::numeric_limits<std::uint64_t>::max() : sum;
}

// elapsed returns how long after `since` the clock reads `now`: zero when
// it reads earlier (a clock that stepped back), the longest duration when
// the difference does not fit.
constexpr std::chrono::milliseconds elapsed(std::chrono::milliseconds now,
                                            std::chrono::milliseconds since) noexcept {
  if (now <= since) return std::chrono::milliseconds{0};
  // Exact in unsigned arithmetic: the true difference is below 2^64.
  const std::uint64_t diff =
      static_cast<std::uint64_t>(now.count()) - static_cast<std::uint64_t>(since.count());
  constexpr auto most = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return diff > most ? std::chrono::milliseconds::max()
                     : std::chrono::milliseconds{static_cast<std::int64_t>(diff)};
}

// earlier_by and later_by move `now` by `d` (>= 0), stopping at the
// earliest or the latest time point.
constexpr std::chrono::milliseconds earlier_by(std::chrono::milliseconds now,
                                               std::chrono::milliseconds d) noexcept {
  return now.count() < std::numeric_limits<std::int64_t>::min() + d.count()
             ? std::chrono::milliseconds::min()
             : now - d;
}
constexpr std::chrono::milliseconds later_by(std::chrono::milliseconds now,
                                             std::chrono::milliseconds d) noexcept {
  return now.count() > std::numeric_limits<std::int64_t>::max() - d.count()
             ? std::chrono::milliseconds::max()
             : now + d;
}

}  // namespace weft::internal

#endif  // WEFT_INTERNAL_SATURATING_HPP_
