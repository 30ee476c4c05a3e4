// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: register_ref.hpp
// -----------------------------------------------------------------------------
//
// register_ref is a handle to a replicated register holding one scalar. It is
// both a last-writer-wins register (get: the value with the highest
// (Lamport time, replica id)) and a multi-value register (get_all: every
// value written concurrently that no later write has overwritten).

#ifndef WEFT_REGISTER_REF_HPP_
#define WEFT_REGISTER_REF_HPP_

#include <functional>
#include <optional>
#include <vector>

#include "weft/container.hpp"
#include "weft/result.hpp"
#include "weft/value.hpp"

namespace weft {

struct register_event;

class register_ref : public container {
 public:
  register_ref() = default;

  // get returns the winning value, or nullopt if never set (or cleared).
  std::optional<value> get() const;
  // get_all returns every concurrent value, the winner first.
  std::vector<value> get_all() const;

  // set writes a scalar; a container value is refused with
  // errc::invalid_argument.
  result<void> set(const value& v);
  // clear removes every value.
  result<void> clear();

  subscription observe(std::function<void(const register_event&)> fn) const;

 private:
  using container::container;
  friend class container;
  friend class internal::doc_impl;
};

}  // namespace weft

#endif  // WEFT_REGISTER_REF_HPP_
