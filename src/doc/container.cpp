// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/container.cpp
// -----------------------------------------------------------------------------
//
// The untyped container handle, events and subscriptions.

#include "weft/container.hpp"

#include "doc/doc_impl.hpp"
#include "weft/event.hpp"
#include "weft/subscription.hpp"

namespace weft {

const char* container_type_name(container_type t) noexcept {
  switch (t) {
    case container_type::text: return "text";
    case container_type::map: return "map";
    case container_type::list: return "list";
    case container_type::counter: return "counter";
    case container_type::reg: return "register";
  }
  return "unknown";
}

internal::doc_impl& container::impl() const {
  WEFT_ASSERT(doc_ != nullptr, "operation on an empty container handle");
  return *doc_;
}

container_type container::type() const { return impl().at(index_).type; }

text_ref container::as_text() const {
  WEFT_ASSERT(type() == container_type::text, "container is not a text");
  return text_ref(doc_, index_);
}
map_ref container::as_map() const {
  WEFT_ASSERT(type() == container_type::map, "container is not a map");
  return map_ref(doc_, index_);
}
list_ref container::as_list() const {
  WEFT_ASSERT(type() == container_type::list, "container is not a list");
  return list_ref(doc_, index_);
}
counter_ref container::as_counter() const {
  WEFT_ASSERT(type() == container_type::counter, "container is not a counter");
  return counter_ref(doc_, index_);
}
register_ref container::as_register() const {
  WEFT_ASSERT(type() == container_type::reg, "container is not a register");
  return register_ref(doc_, index_);
}

std::optional<std::vector<path_segment>> container::path() const {
  return impl().path(index_);
}

std::string container::to_json() const { return impl().to_json(index_); }

subscription container::observe_deep(
    std::function<void(const std::vector<event>&)> fn) const {
  auto& d = impl();
  const std::uint64_t id =
      d.observers().add(index_, internal::observer_registry::deep_fn(std::move(fn)));
  return subscription(d.observers_ptr(), id);
}

void subscription::reset() noexcept {
  if (id_ == 0) return;
  if (auto r = registry_.lock()) r->remove(id_);
  id_ = 0;
  registry_.reset();
}

container event::target() const {
  return std::visit([](const auto& e) -> container { return e.target; }, data);
}

const weft::origin& event::origin() const {
  return std::visit([](const auto& e) -> const weft::origin& { return e.origin; }, data);
}

}  // namespace weft
