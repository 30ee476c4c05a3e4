// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/list_ref.cpp
// -----------------------------------------------------------------------------

#include "weft/list_ref.hpp"

#include "doc/doc_impl.hpp"
#include "fmt/format.h"

namespace weft {

std::size_t list_ref::size() const { return impl().at(index_).seq->size(); }

result<value> list_ref::get(std::size_t index) const {
  auto& d = impl();
  const auto& st = d.at(index_);
  if (index >= st.seq->size()) {
    return make_error(errc::out_of_range,
                      fmt::format("no element at {} (size {})", index, st.seq->size()));
  }
  const internal::lv_t lv = st.seq->seq().lv_at(static_cast<std::uint32_t>(index));
  return d.to_value(st.values[st.seq->content_offset(lv)]);
}

std::vector<value> list_ref::values() const {
  auto& d = impl();
  const auto& st = d.at(index_);
  std::vector<value> out;
  out.reserve(st.seq->size());
  st.seq->seq().for_each([&](const internal::seq_item& it) {
    if (it.deleted()) return true;
    const std::size_t off = st.seq->content_offset(it.lv);
    for (std::uint32_t k = 0; k < it.len(); ++k) out.push_back(d.to_value(st.values[off + k]));
    return true;
  });
  return out;
}

result<void> list_ref::insert(std::size_t index, const value& v) {
  return impl().list_insert(index_, index, std::vector<value>{v});
}
result<void> list_ref::insert(std::size_t index, const std::vector<value>& vs) {
  return impl().list_insert(index_, index, vs);
}
result<void> list_ref::erase(std::size_t index, std::size_t count) {
  return impl().seq_erase(index_, index, count);
}

result<text_ref> list_ref::insert_text(std::size_t index) {
  auto r = impl().list_insert_container(index_, index, container_type::text);
  if (!r) return r.error();
  return impl().handle(*r).as_text();
}
result<map_ref> list_ref::insert_map(std::size_t index) {
  auto r = impl().list_insert_container(index_, index, container_type::map);
  if (!r) return r.error();
  return impl().handle(*r).as_map();
}
result<list_ref> list_ref::insert_list(std::size_t index) {
  auto r = impl().list_insert_container(index_, index, container_type::list);
  if (!r) return r.error();
  return impl().handle(*r).as_list();
}
result<counter_ref> list_ref::insert_counter(std::size_t index) {
  auto r = impl().list_insert_container(index_, index, container_type::counter);
  if (!r) return r.error();
  return impl().handle(*r).as_counter();
}
result<register_ref> list_ref::insert_register(std::size_t index) {
  auto r = impl().list_insert_container(index_, index, container_type::reg);
  if (!r) return r.error();
  return impl().handle(*r).as_register();
}

result<anchor> list_ref::anchor_at(std::size_t index, affinity side) const {
  return impl().at(index_).seq->anchor_at(index, side);
}
result<std::size_t> list_ref::resolve(const anchor& a) const {
  return impl().at(index_).seq->resolve(a);
}
subscription list_ref::observe(std::function<void(const list_event&)> fn) const {
  auto& d = impl();
  const std::uint64_t id =
      d.observers().add(index_, internal::observer_registry::list_fn(std::move(fn)));
  return subscription(d.observers_ptr(), id);
}

}  // namespace weft
