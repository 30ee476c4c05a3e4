// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: counter_ref.hpp
// -----------------------------------------------------------------------------
//
// counter_ref is a handle to a replicated 64-bit counter (a PN-counter:
// every replica's increments and decrements are summed).
//
// Overflow rule: the value is the sum of all adds modulo 2^64, read as a
// two's-complement int64. Wrapping addition is commutative and associative,
// so replicas converge whatever order adds arrive in (saturation would not).
// A local add that would overflow the current value is refused with
// errc::out_of_range; concurrent adds from several replicas can still wrap.

#ifndef WEFT_COUNTER_REF_HPP_
#define WEFT_COUNTER_REF_HPP_

#include <cstdint>
#include <functional>

#include "weft/container.hpp"
#include "weft/result.hpp"

namespace weft {

struct counter_event;

class counter_ref : public container {
 public:
  counter_ref() = default;

  std::int64_t value() const;
  result<void> add(std::int64_t delta);

  subscription observe(std::function<void(const counter_event&)> fn) const;

 private:
  using container::container;
  friend class container;
  friend class internal::doc_impl;
};

}  // namespace weft

#endif  // WEFT_COUNTER_REF_HPP_
