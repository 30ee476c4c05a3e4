// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/map_ref.cpp
// -----------------------------------------------------------------------------

#include "weft/map_ref.hpp"

#include <algorithm>

#include "doc/doc_impl.hpp"

namespace weft {

std::size_t map_ref::size() const { return impl().at(index_).map->size; }

bool map_ref::contains(std::string_view key) const {
  const auto& m = *impl().at(index_).map;
  const auto k = m.find(key);
  return k && !m.live[*k].empty();
}

std::optional<value> map_ref::get(std::string_view key) const {
  auto& d = impl();
  const auto& m = *d.at(index_).map;
  const auto k = m.find(key);
  if (!k) return std::nullopt;
  const internal::map_record* w = m.winner(*k);
  if (w == nullptr) return std::nullopt;
  return d.to_value(w->value);
}

std::vector<value> map_ref::get_all(std::string_view key) const {
  auto& d = impl();
  const auto& m = *d.at(index_).map;
  std::vector<value> out;
  if (const auto k = m.find(key)) {
    for (const std::uint32_t r : m.live[*k]) out.push_back(d.to_value(m.records[r].value));
  }
  return out;
}

std::vector<std::string> map_ref::keys() const {
  const auto& m = *impl().at(index_).map;
  std::vector<std::string> out;
  for (std::uint32_t k = 0; k < m.live.size(); ++k) {
    if (!m.live[k].empty()) out.push_back(m.key_names[k]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, value>> map_ref::entries() const {
  std::vector<std::pair<std::string, value>> out;
  for (std::string& k : keys()) {
    auto v = get(k);
    out.emplace_back(std::move(k), std::move(*v));
  }
  return out;
}

result<void> map_ref::set(std::string_view key, const value& v) {
  return impl().map_set(index_, key, v);
}
result<void> map_ref::erase(std::string_view key) { return impl().map_erase(index_, key); }

#define WEFT_MAP_MAKERS(suffix, type, as)                                        \
  result<suffix##_ref> map_ref::set_##suffix(std::string_view key) {            \
    auto r = impl().map_set_container(index_, key, container_type::type);       \
    if (!r) return r.error();                                                   \
    return impl().handle(*r).as();                                              \
  }                                                                             \
  result<suffix##_ref> map_ref::get_or_create_##suffix(std::string_view key) {  \
    auto r = impl().map_get_or_create(index_, key, container_type::type);       \
    if (!r) return r.error();                                                   \
    return impl().handle(*r).as();                                              \
  }

WEFT_MAP_MAKERS(text, text, as_text)
WEFT_MAP_MAKERS(map, map, as_map)
WEFT_MAP_MAKERS(list, list, as_list)
WEFT_MAP_MAKERS(counter, counter, as_counter)
WEFT_MAP_MAKERS(register, reg, as_register)
#undef WEFT_MAP_MAKERS

subscription map_ref::observe(std::function<void(const map_event&)> fn) const {
  auto& d = impl();
  const std::uint64_t id =
      d.observers().add(index_, internal::observer_registry::map_fn(std::move(fn)));
  return subscription(d.observers_ptr(), id);
}

}  // namespace weft
