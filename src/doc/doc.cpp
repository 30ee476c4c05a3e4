// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc.cpp
// -----------------------------------------------------------------------------
//
// weft::doc forwards to doc_impl; the invariant checker lives here too.

#include "weft/doc.hpp"

#include <set>
#include <utility>

#include "doc/doc_impl.hpp"
#include "fmt/format.h"

namespace weft {

doc::doc() : doc(random_replica_id()) {}
doc::doc(replica_id replica, doc_options options)
    : impl_(std::make_unique<internal::doc_impl>(replica, std::move(options))) {}
doc::doc(std::unique_ptr<internal::doc_impl> impl) noexcept : impl_(std::move(impl)) {}
doc::~doc() = default;
doc::doc(doc&&) noexcept = default;
doc& doc::operator=(doc&&) noexcept = default;

doc doc::fork(replica_id replica) const {
  return doc(std::make_unique<internal::doc_impl>(*impl_, replica));
}

replica_id doc::replica() const noexcept { return impl_->replica(); }
const std::string& doc::id() const noexcept { return impl_->id(); }

text_ref doc::get_text(std::string_view name) {
  return impl_->handle(impl_->root(name, container_type::text)).as_text();
}
map_ref doc::get_map(std::string_view name) {
  return impl_->handle(impl_->root(name, container_type::map)).as_map();
}
list_ref doc::get_list(std::string_view name) {
  return impl_->handle(impl_->root(name, container_type::list)).as_list();
}
counter_ref doc::get_counter(std::string_view name) {
  return impl_->handle(impl_->root(name, container_type::counter)).as_counter();
}
register_ref doc::get_register(std::string_view name) {
  return impl_->handle(impl_->root(name, container_type::reg)).as_register();
}

std::string doc::to_json() const { return impl_->to_json(); }

void doc::transact(const std::function<void()>& fn, origin o) {
  impl_->begin(o);
  try {
    fn();
  } catch (...) {
    impl_->commit();
    throw;
  }
  impl_->commit();
}

bool doc::in_transaction() const noexcept { return impl_->in_transaction(); }
const version_vector& doc::version() const { return impl_->version(); }
doc_delta doc::delta_since(const version_vector& since) const {
  return impl_->delta_since(since);
}
result<void> doc::apply(const doc_delta& delta, origin o) { return impl_->apply(delta, o); }
std::uint64_t doc::pending_ops() const noexcept { return impl_->pending_ops(); }
std::uint64_t doc::op_count() const noexcept { return impl_->op_count(); }

subscription doc::observe_updates(std::function<void(const doc_delta&, const origin&)> fn) {
  const std::uint64_t id = impl_->observers().add(
      internal::observer_registry::no_target,
      internal::observer_registry::update_fn(std::move(fn)));
  return subscription(impl_->observers_ptr(), id);
}

std::size_t doc::memory_usage() const noexcept { return sizeof(*this) + impl_->memory_usage(); }

result<void> internal::check(const doc& d, bool deep) { return d.impl().check(deep); }

namespace internal {

result<void> doc_impl::check(bool deep) const {
  auto fail = [](std::string what) {
    return make_error(errc::corrupted, "doc invariant: " + std::move(what));
  };
  if (txn_.depth < 0) return fail("negative transaction depth");
  // A damaged document keeps no invariant but refusing changes.
  if (damaged()) return fail("damaged: a change ran out of memory part way");
  WEFT_TRY(weft::internal::check(version()));

  // Containers: parents precede children; indexes agree; per-type state.
  std::uint64_t ops_in_containers = 0;
  for (std::uint32_t c = 0; c < containers_.size(); ++c) {
    const container_state& st = *containers_[c];
    if (st.how == container_desc::kind::root) {
      if (st.parent != no_container || st.depth != 0) return fail("root with a parent");
      auto it = roots_.find(std::make_pair(st.name, st.type));
      if (it == roots_.end() || it->second != c) return fail("root index");
    } else {
      if (st.parent >= c) return fail(fmt::format("container {} precedes its parent", c));
      if (st.depth != containers_[st.parent]->depth + 1) return fail("container depth");
      if (st.depth > max_depth) return fail("container nests too deep");
      if (st.how == container_desc::kind::created && find_created(st.creator) != c) {
        return fail("created index");
      }
      if (st.how == container_desc::kind::derived &&
          (find_derived(st.parent, st.name, st.type) != c ||
           containers_[st.parent]->type != container_type::map)) {
        return fail("derived index");
      }
    }
    switch (st.type) {
      case container_type::text:
      case container_type::list: {
        if (!st.seq) return fail("sequence container without a sequence");
        WEFT_TRY(st.seq->check(deep));
        if (st.seq->pending_ops() != 0) return fail("a doc text buffers ops itself");
        ops_in_containers += st.seq->ids().next_lv();
        if (st.type == container_type::list) {
          std::size_t inserted = 0;
          for (const insert_entry& e : st.seq->log().inserts()) inserted += e.len;
          if (st.values.size() != inserted) return fail("list values and elements differ");
          if (deep) {
            for (const cell& v : st.values) {
              const cref* r = std::get_if<cref>(&v);
              if (r && (r->index >= containers_.size() || containers_[r->index]->parent != c)) {
                return fail("list element names a container outside the list");
              }
            }
          }
        }
        break;
      }
      case container_type::map:
      case container_type::reg: {
        if (!st.map) return fail("map container without a map");
        const map_state& m = *st.map;
        if (m.key_names.size() != m.live.size() || m.key_index.size() != m.key_names.size()) {
          return fail("map key tables differ");
        }
        std::size_t with_value = 0;
        for (std::uint32_t k = 0; k < m.live.size(); ++k) {
          const auto& l = m.live[k];
          if (!l.empty()) ++with_value;
          for (std::size_t i = 0; i < l.size(); ++i) {
            if (l[i] >= m.records.size()) return fail("live record out of range");
            const map_record& r = m.records[l[i]];
            if (r.key != k || !r.has_value) return fail("live record of another key");
            if (i > 0 && !m.wins(l[i - 1], l[i])) return fail("live records out of order");
          }
        }
        if (with_value != m.size) return fail("map size");
        ops_in_containers += m.records.size();
        if (deep) {
          // A record is live iff no later record of its key overwrote it
          // (a pred naming a write of another key, or no write at all,
          // overwrites nothing).
          std::set<std::pair<std::uint32_t, op_id>> overwritten;
          for (const map_record& r : m.records) {
            for (std::uint32_t k = 0; k < r.preds_len; ++k) {
              overwritten.emplace(r.key, m.preds[r.preds_off + k]);
            }
          }
          for (std::uint32_t i = 0; i < m.records.size(); ++i) {
            const map_record& r = m.records[i];
            const auto& l = m.live[r.key];
            const bool live = std::find(l.begin(), l.end(), i) != l.end();
            if (live != (r.has_value && !overwritten.count({r.key, r.id}))) {
              return fail(fmt::format("record {} liveness", describe(r.id)));
            }
            if (const cref* cr = std::get_if<cref>(&r.value);
                cr && (cr->index >= containers_.size() || containers_[cr->index]->parent != c)) {
              return fail("map value names a container outside the map");
            }
          }
        }
        break;
      }
      case container_type::counter: {
        std::uint64_t sum = 0;
        for (const counter_record& a : st.adds) sum += static_cast<std::uint64_t>(a.amount);
        if (static_cast<std::int64_t>(sum) != st.counter) return fail("counter sum");
        ops_in_containers += st.adds.size();
        break;
      }
    }
  }
  if (deep) {
    // Recount what shows each container: map winners, visible list elements.
    std::vector<std::uint32_t> refs(containers_.size(), 0);
    for (const auto& st : containers_) {
      if (st->map) {
        for (std::uint32_t k = 0; k < st->map->live.size(); ++k) {
          const map_record* w = st->map->winner(k);
          if (const cref* r = w ? std::get_if<cref>(&w->value) : nullptr) ++refs[r->index];
        }
      } else if (st->type == container_type::list) {
        const text_impl& t = *st->seq;
        t.seq().for_each([&](const seq_item& it) {
          if (it.deleted()) return true;
          const std::size_t off = t.content_offset(it.lv);
          for (std::uint32_t k = 0; k < it.len(); ++k) {
            if (const cref* r = std::get_if<cref>(&st->values[off + k])) ++refs[r->index];
          }
          return true;
        });
      }
    }
    for (std::uint32_t c = 0; c < containers_.size(); ++c) {
      if (refs[c] != containers_[c]->refs) {
        return fail(fmt::format("container {} is shown {} times, counted {}", c, refs[c],
                                containers_[c]->refs));
      }
    }
  }
  // Shallow deletes belong to no container.
  for (const log_entry& e : log_) {
    if (e.container == shallow_container) ops_in_containers += e.count;
  }
  if (ops_in_containers != op_count_) {
    return fail(fmt::format("containers hold {} ops, the document counts {}", ops_in_containers,
                            op_count_));
  }

  // The op log covers exactly [0, version) of every replica, in order.
  std::uint64_t logged = 0;
  for (const log_entry& e : log_) logged += e.count;
  if (logged != op_count_) return fail("op log count");
  for (const auto& entry : version().entries()) {
    auto it = log_by_replica_.find(entry.replica);
    if (it == log_by_replica_.end()) return fail("replica without log entries");
    seq_t next = 0;
    for (const std::uint32_t i : it->second) {
      if (i >= log_.size() || log_[i].replica != entry.replica || log_[i].seq != next) {
        return fail(fmt::format("op log of {:016x} has a gap at {}",
                                static_cast<std::uint64_t>(entry.replica), next));
      }
      next += log_[i].count;
    }
    if (next != entry.count) return fail("op log and version differ");
  }
  if (log_by_replica_.size() != version().size()) return fail("log replicas and version differ");
  if (deep) {
    // Every tombstone that is here is deleted.
    bool shown = false;
    for (const id_range& r : tombstones_) {
      for_each_element(r, [&](std::uint32_t c, const std::vector<lv_span>& spans) {
        for (const lv_span& s : spans) {
          for (lv_t lv = s.begin; lv < s.end && !shown; ++lv) {
            (void)containers_[c]->seq->seq().rank(lv, &shown);
          }
        }
      });
      if (shown) return fail(fmt::format("tombstones from {} show an element",
                                         describe(op_id{r.replica, r.begin})));
    }
  }

  std::uint64_t waiting = 0;
  for (const auto& [replica, ops] : pending_) {
    for (const auto& [seq, p] : ops) {
      waiting += op_size(p.op);
      if (seq + op_size(p.op) <= next_seq(replica)) {
        return fail("pending buffer holds integrated ops");
      }
    }
  }
  if (waiting != pending_count_) return fail("pending op count");
  return {};
}

}  // namespace internal
}  // namespace weft
