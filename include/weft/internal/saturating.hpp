// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/saturating.hpp
// -----------------------------------------------------------------------------
//
// saturating_add is for counting what untrusted input claims (ops in a
// delta): the count stays bounded instead of wrapping to something small.

#ifndef WEFT_INTERNAL_SATURATING_HPP_
#define WEFT_INTERNAL_SATURATING_HPP_

#include <cstdint>
#include <limits>

namespace weft::internal {

constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  const std::uint64_t sum = a + b;
  return sum < a ? std::numeric_limits<std::uint64_t>::max() : sum;
}

}  // namespace weft::internal

#endif  // WEFT_INTERNAL_SATURATING_HPP_
