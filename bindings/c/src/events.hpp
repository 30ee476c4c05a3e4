// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/events.hpp
// -----------------------------------------------------------------------------
//
// Observer adapters: they turn a C callback and its user data into the
// std::function a C++ container's observe() takes. The adapters hold the
// document weakly (a strong reference would keep it alive through its own
// observer registry) and never let an exception out: by the time they run,
// the transaction has committed, so a failure can only be reported.

#ifndef WEFT_BINDINGS_C_SRC_EVENTS_HPP_
#define WEFT_BINDINGS_C_SRC_EVENTS_HPP_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "c_api.hpp"

namespace weft::c {

std::string json_string(std::string_view s);
// path_json renders container::path() as a JSON array, or null.
std::string path_json(const container& c);

void deliver_deep(const weak_box& weak, weft_deep_fn fn, void* user_data,
                  const std::vector<event>& events) noexcept;

template <class E>
std::function<void(const E&)> event_observer(weak_box weak, weft_event_fn fn, void* user_data) {
  return [weak = std::move(weak), fn, user_data](const E& e) noexcept {
    box_ptr b = weak.lock();
    if (!b) return;
    weft_event w{};
    w.ev = &e;
    w.box = weak;
    fn(user_data, &w);
  };
}

inline std::function<void(const std::vector<event>&)> deep_observer(weak_box weak, weft_deep_fn fn,
                                                                    void* user_data) {
  return [weak = std::move(weak), fn, user_data](const std::vector<event>& events) noexcept {
    deliver_deep(weak, fn, user_data, events);
  };
}

}  // namespace weft::c

#endif  // WEFT_BINDINGS_C_SRC_EVENTS_HPP_
