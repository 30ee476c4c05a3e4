// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/observer_registry.hpp
// -----------------------------------------------------------------------------
//
// observer_registry holds a document's observers. It is shared with the
// subscriptions (through weak pointers) so that a subscription can outlive
// its document. It keeps counts per container so that a transaction can ask
// cheaply whether anyone watches a container before building its events.

#ifndef WEFT_SRC_DOC_OBSERVER_REGISTRY_HPP_
#define WEFT_SRC_DOC_OBSERVER_REGISTRY_HPP_

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <variant>
#include <vector>

#include "internal/hash_table.hpp"
#include "weft/doc_delta.hpp"
#include "weft/event.hpp"
#include "weft/origin.hpp"

namespace weft {
struct presence_event;
}  // namespace weft

namespace weft::internal {

class observer_registry {
 public:
  using text_fn = std::function<void(const text_event&)>;
  using list_fn = std::function<void(const list_event&)>;
  using map_fn = std::function<void(const map_event&)>;
  using counter_fn = std::function<void(const counter_event&)>;
  using register_fn = std::function<void(const register_event&)>;
  using deep_fn = std::function<void(const std::vector<event>&)>;
  using update_fn = std::function<void(const doc_delta&, const weft::origin&)>;
  // presence_fn observes a weft::presence, which keeps a registry of its own
  // (under no_target) so that its subscriptions work like a document's.
  using presence_fn = std::function<void(const presence_event&)>;
  using any_fn = std::variant<text_fn, list_fn, map_fn, counter_fn, register_fn, deep_fn,
                              update_fn, presence_fn>;

  // no_target is the container of update observers.
  static constexpr std::uint32_t no_target = 0xFFFFFFFFu;

  // mirror_count makes the registry keep *count equal to its number of
  // observers, so that the document can tell "nobody listens" from its own
  // memory on every edit. The document resets it before it goes away.
  void mirror_count(std::size_t* count) noexcept {
    mirror_ = count;
    if (mirror_) *mirror_ = entries_.size();
  }

  std::uint64_t add(std::uint32_t container, any_fn fn) {
    const std::uint64_t id = next_id_++;
    if (std::holds_alternative<deep_fn>(fn)) {
      ++deep_[container];
    } else if (std::holds_alternative<update_fn>(fn)) {
      ++updates_;
    } else {
      ++direct_[container];
    }
    entries_.emplace(id, entry{container, std::move(fn)});
    if (mirror_) *mirror_ = entries_.size();
    return id;
  }

  void remove(std::uint64_t id) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    const entry& e = it->second;
    if (std::holds_alternative<deep_fn>(e.fn)) {
      if (--deep_[e.container] == 0) deep_.erase(e.container);
    } else if (std::holds_alternative<update_fn>(e.fn)) {
      --updates_;
    } else if (--direct_[e.container] == 0) {
      direct_.erase(e.container);
    }
    entries_.erase(it);
    if (mirror_) *mirror_ = entries_.size();
  }

  bool empty() const noexcept { return entries_.empty(); }
  bool watches(std::uint32_t c) const { return direct_.contains(c); }
  bool deep_watches(std::uint32_t c) const { return deep_.contains(c); }
  bool has_deep() const noexcept { return !deep_.empty(); }
  bool has_updates() const noexcept { return updates_ > 0; }

  // notify calls the observers of kind F on `container` with `args`, in
  // registration order. It calls copies, so that callbacks may subscribe or
  // unsubscribe while they run; one that an earlier callback of the same
  // round unsubscribed is skipped, as its owner may have freed what it uses.
  template <class F, class... Args>
  void notify(std::uint32_t container, const Args&... args) const {
    std::vector<std::pair<std::uint64_t, F>> fns;
    for (const auto& [id, e] : entries_) {
      if (e.container != container) continue;
      if (const F* f = std::get_if<F>(&e.fn)) fns.emplace_back(id, *f);
    }
    for (const auto& [id, f] : fns) {
      if (entries_.contains(id)) f(args...);
    }
  }

 private:
  struct entry {
    std::uint32_t container;
    any_fn fn;
  };
  std::size_t* mirror_ = nullptr;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, entry> entries_;
  hash_map<std::uint32_t, int> direct_;
  hash_map<std::uint32_t, int> deep_;
  int updates_ = 0;
};

}  // namespace weft::internal

#endif  // WEFT_SRC_DOC_OBSERVER_REGISTRY_HPP_
