// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_events.cpp
// -----------------------------------------------------------------------------
//
// Turning a finished transaction into events and handing them to observers.

#include <algorithm>
#include <map>
#include <utility>

#include "doc/doc_impl.hpp"
#include "doc/event_builder.hpp"

namespace weft::internal {

void doc_impl::dispatch(txn_state& done) {
  if (observers_->empty()) return;
  std::sort(done.touches.begin(), done.touches.end(),
            [](const touch& a, const touch& b) { return a.container < b.container; });
  std::vector<event> events;
  for (touch& t : done.touches) {
    const std::uint32_t c = t.container;
    const container_state& st = *containers_[c];
    switch (st.type) {
      case container_type::text: {
        text_event e{text_ref(this, c), done.origin, {}};
        for (auto& s : std::move(*t.text).finish()) {
          e.delta.push_back(text_delta_op{s.kind, s.len, s.width, std::move(s.ins)});
        }
        if (!e.delta.empty()) events.push_back(event{std::move(e)});
        break;
      }
      case container_type::list: {
        list_event e{list_ref(this, c), done.origin, {}};
        for (auto& s : std::move(*t.list).finish()) {
          e.delta.push_back(list_delta_op{s.kind, s.len, std::move(s.ins)});
        }
        if (!e.delta.empty()) events.push_back(event{std::move(e)});
        break;
      }
      case container_type::map: {
        map_event e{map_ref(this, c), done.origin, {}};
        for (const auto& [key, old] : t.keys) {
          const map_record* w = st.map->winner(key);
          std::optional<value> before;
          if (old) before = to_value(*old);
          std::optional<value> after;
          if (w) after = to_value(w->value);
          if (before != after) {
            e.keys.push_back(map_key_change{st.map->key_names[key], std::move(before),
                                            std::move(after)});
          }
        }
        std::sort(e.keys.begin(), e.keys.end(),
                  [](const map_key_change& a, const map_key_change& b) { return a.key < b.key; });
        if (!e.keys.empty()) events.push_back(event{std::move(e)});
        break;
      }
      case container_type::reg: {
        register_event e{register_ref(this, c), done.origin, {}, {}};
        if (t.keys.empty()) break;
        if (t.keys.front().second) e.old_value = to_value(*t.keys.front().second);
        if (const map_record* w = st.map->winner(0)) e.new_value = to_value(w->value);
        if (e.old_value != e.new_value) events.push_back(event{std::move(e)});
        break;
      }
      case container_type::counter: {
        if (t.increment != 0) {
          events.push_back(event{counter_event{counter_ref(this, c), done.origin,
                                               static_cast<std::int64_t>(t.increment)}});
        }
        break;
      }
    }
  }

  // Keep the registry alive while callbacks run: one may destroy the doc's
  // last subscription, never the registry itself, but being safe is cheap.
  const std::shared_ptr<observer_registry> reg = observers_;
  for (const event& ev : events) {
    const std::uint32_t c = ev.target().index();
    std::visit(
        [&](const auto& e) {
          using E = std::decay_t<decltype(e)>;
          using F = std::function<void(const E&)>;
          reg->notify<F>(c, e);
        },
        ev.data);
  }
  if (reg->has_deep()) {
    // Each container with deep observers gets the events of itself and its
    // descendants, in the order above.
    std::map<std::uint32_t, std::vector<event>> deep;
    for (const event& ev : events) {
      // A detached container reports to nothing above it.
      for (std::uint32_t x = ev.target().index(); x != no_container;
           x = containers_[x]->parent) {
        if (reg->deep_watches(x)) deep[x].push_back(ev);
        if (containers_[x]->how != container_desc::kind::root && containers_[x]->refs == 0) {
          break;
        }
      }
    }
    for (const auto& [c, evs] : deep) {
      reg->notify<observer_registry::deep_fn>(c, evs);
    }
  }
  if (reg->has_updates() &&
      (log_.size() > done.log_begin ||
       (done.log_begin > 0 && log_[done.log_begin - 1].count > done.log_last_count))) {
    const doc_delta delta = delta_between(done.log_begin, done.log_last_count);
    reg->notify<observer_registry::update_fn>(observer_registry::no_target, delta, done.origin);
  }
}

}  // namespace weft::internal
