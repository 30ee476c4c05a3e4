// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/register_ref.cpp
// -----------------------------------------------------------------------------
//
// A register is a map with the single key "" (see doc_impl.hpp).

#include "weft/register_ref.hpp"

#include "doc/doc_impl.hpp"

namespace weft {

std::optional<value> register_ref::get() const {
  auto& d = impl();
  const internal::map_record* w = d.at(index_).map->winner(0);
  if (w == nullptr) return std::nullopt;
  return d.to_value(w->value);
}

std::vector<value> register_ref::get_all() const {
  auto& d = impl();
  const auto& m = *d.at(index_).map;
  std::vector<value> out;
  for (const std::uint32_t r : m.live[0]) out.push_back(d.to_value(m.records[r].value));
  return out;
}

result<void> register_ref::set(const value& v) { return impl().map_set(index_, "", v); }
result<void> register_ref::clear() { return impl().map_erase(index_, ""); }

subscription register_ref::observe(std::function<void(const register_event&)> fn) const {
  auto& d = impl();
  const std::uint64_t id =
      d.observers().add(index_, internal::observer_registry::register_fn(std::move(fn)));
  return subscription(d.observers_ptr(), id);
}

}  // namespace weft
