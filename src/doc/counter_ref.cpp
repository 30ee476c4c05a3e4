// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/counter_ref.cpp
// -----------------------------------------------------------------------------

#include "weft/counter_ref.hpp"

#include "doc/doc_impl.hpp"

namespace weft {

std::int64_t counter_ref::value() const { return impl().at(index_).counter; }

result<void> counter_ref::add(std::int64_t delta) {
  return impl().counter_increment(index_, delta, /*wrap=*/false);
}

subscription counter_ref::observe(std::function<void(const counter_event&)> fn) const {
  auto& d = impl();
  const std::uint64_t id =
      d.observers().add(index_, internal::observer_registry::counter_fn(std::move(fn)));
  return subscription(d.observers_ptr(), id);
}

}  // namespace weft
