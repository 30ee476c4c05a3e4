// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/text_ref.cpp
// -----------------------------------------------------------------------------

#include "weft/text_ref.hpp"

#include "doc/doc_impl.hpp"

namespace weft {

namespace {
const internal::text_impl& text_of(const internal::doc_impl& d, std::uint32_t c) {
  return *d.at(c).seq;
}
}  // namespace

std::size_t text_ref::size() const { return text_of(impl(), index_).size(); }
std::size_t text_ref::size_utf16() const { return text_of(impl(), index_).size_utf16(); }
std::string text_ref::to_string() const { return text_of(impl(), index_).to_string(); }
result<std::string> text_ref::slice(std::size_t pos, std::size_t len) const {
  return text_of(impl(), index_).slice(pos, len);
}
result<void> text_ref::insert(std::size_t pos, std::string_view utf8) {
  return impl().text_insert(index_, pos, utf8);
}
result<void> text_ref::erase(std::size_t pos, std::size_t len) {
  return impl().seq_erase(index_, pos, len);
}
result<std::size_t> text_ref::to_utf16(std::size_t pos) const {
  return text_of(impl(), index_).to_utf16(pos);
}
result<std::size_t> text_ref::from_utf16(std::size_t pos_utf16) const {
  return text_of(impl(), index_).from_utf16(pos_utf16);
}
result<anchor> text_ref::anchor_at(std::size_t pos, affinity side) const {
  return text_of(impl(), index_).anchor_at(pos, side);
}
result<std::size_t> text_ref::resolve(const anchor& a) const {
  return text_of(impl(), index_).resolve(a);
}
subscription text_ref::observe(std::function<void(const text_event&)> fn) const {
  auto& d = impl();
  const std::uint64_t id =
      d.observers().add(index_, internal::observer_registry::text_fn(std::move(fn)));
  return subscription(d.observers_ptr(), id);
}

}  // namespace weft
