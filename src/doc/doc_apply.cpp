// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_apply.cpp
// -----------------------------------------------------------------------------
//
// Integrating a remote doc_delta. Three phases, so that a bad delta changes
// nothing:
//
//  1. check: everything the delta says about itself (table entries, ids,
//     lengths, UTF-8, which op kinds fit which container types);
//  2. plan: walk the delta's ops and the pending buffer per replica in seq
//     order (a replica's ops are integrated in the order it made them),
//     simulating which ones can land, which wait for dependencies, and
//     whether every reference is sound; nothing is touched;
//  3. integrate the plan, which cannot fail.
//
// doc_apply_plan.hpp has phases 1 and 2; this file runs them over the
// delta and the pending buffer, then does phase 3.

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "doc/doc_apply_plan.hpp"
#include "doc/doc_impl.hpp"
#include "fmt/format.h"

namespace weft::internal {

namespace {

// trim drops the first `k` ops of a run (ops the document already has).
doc_op trim(const doc_op& op, seq_t k) {
  if (k == 0) return op;
  doc_op out{op.container, {}};
  if (const auto* ins = std::get_if<text_insert_run>(&op.op)) {
    out.op = std::get<text_insert_run>(trim_front(*ins, k));
  } else if (const auto* del = std::get_if<text_delete_run>(&op.op)) {
    out.op = std::get<text_delete_run>(trim_front(*del, k));
  } else if (const auto* sh = std::get_if<shallow_delete_run>(&op.op)) {
    out.op = shallow_delete_run{op_id{sh->id.replica, sh->id.seq + k}, sh->length - k};
  } else {
    const auto& l = std::get<list_insert_run>(op.op);
    list_insert_run t;
    t.id = op_id{l.id.replica, l.id.seq + k};
    t.origin_left = op_id{l.id.replica, l.id.seq + k - 1};
    t.origin_right = l.origin_right;
    t.values.assign(l.values.begin() + static_cast<std::ptrdiff_t>(k), l.values.end());
    out.op = std::move(t);
  }
  return out;
}

// stored converts a planned value: a scalar as it is, a container slot to
// the container `resolved` names.
cell stored(const delta_value& v, std::uint32_t resolved) {
  if (resolved != no_container) return cref{resolved};
  return std::visit(
      [](const auto& x) -> cell {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, container_slot>) {
          WEFT_ASSERT(false, "container slot left unresolved");
          return cell();
        } else {
          return cell(x);
        }
      },
      v);
}

// queued is an op in the per-replica queues of apply(): from this delta
// (fresh) or from the pending buffer (`src`, which apply may empty).
struct queued {
  seq_t seq;
  std::uint64_t n;  // op_size(get()), which counts code points: kept
  const doc_op* op;
  const table_ptr* table;
  pending_op* src;                 // null for fresh ops
  std::unique_ptr<doc_op> trimmed;  // set once the op has been cut shorter

  bool duplicate = false;           // its ops all wait in an earlier item
  const doc_op& get() const { return trimmed ? *trimmed : *op; }
  bool fresh() const { return src == nullptr; }
};

// check_tombstones refuses tombstones that name an op this document will
// not have seen once the plan is integrated: an element some delete removed
// reaches a replica no later than the tombstone that says so, and a
// tombstone for an op still to come would delete what its author shows.
template <class Queues, class Heads>
result<void> check_tombstones(const std::vector<id_range>& tombstones,
                              const doc_planner& planner, const Queues& queues,
                              Heads& head) {
  for (const id_range& t : tombstones) {
    seq_t at = std::max(t.begin, planner.next_of(t.replica));
    if (at < t.end) {
      // The rest must wait in the pending buffer.
      if (auto it = queues.find(t.replica); it != queues.end()) {
        const auto& q = it->second;
        for (std::size_t i = head[t.replica]; i < q.size() && at < t.end; ++i) {
          if (q[i].duplicate) continue;
          if (q[i].seq > at) break;
          at = std::max(at, q[i].seq + q[i].n);
        }
      }
    }
    if (at < t.end) {
      return make_error(errc::malformed,
                        fmt::format("tombstone {} names an op this replica has not seen",
                                    describe(op_id{t.replica, at})));
    }
  }
  return {};
}

}  // namespace

result<void> doc_impl::apply(const doc_delta& delta, const weft::origin& o) {
  if (damaged_) return damaged_error();
  WEFT_TRY(check_delta(delta));
  const auto table = std::make_shared<const std::vector<container_desc>>(delta.containers);

  // One queue per replica, in seq order: pending ops first (already
  // sorted), then this delta's. A replica's ops usually arrive in order, so
  // the sort is a check; of two ops starting at one seq the longer stays.
  std::map<replica_id, std::vector<queued>> queues;
  for (auto& [replica, ops] : pending_) {
    auto& q = queues[replica];
    q.reserve(ops.size());
    for (auto& [seq, p] : ops) q.push_back(queued{seq, op_size(p.op), &p.op, &p.table, &p, nullptr});
  }
  for (const doc_op& op : delta.ops) {
    const op_id id = op_start(op);
    queues[id.replica].push_back(queued{id.seq, op_size(op), &op, &table, nullptr, nullptr});
  }
  for (auto& [replica, q] : queues) {
    auto by_seq = [](const queued& a, const queued& b) { return a.seq < b.seq; };
    if (!std::is_sorted(q.begin(), q.end(), by_seq)) std::stable_sort(q.begin(), q.end(), by_seq);
    std::size_t out = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (out > 0 && q[out - 1].seq == q[i].seq) {
        if (q[i].n > q[out - 1].n) q[out - 1] = std::move(q[i]);
        continue;
      }
      if (out != i) q[out] = std::move(q[i]);
      ++out;
    }
    q.resize(out);
  }

  doc_planner planner(*this);
  planner.reserve(delta.ops.size());
  std::string why;
  std::map<replica_id, std::size_t> head;  // first op of each queue not yet consumed
  for (bool progress = true; progress;) {
    progress = false;
    for (auto& [replica, q] : queues) {
      std::size_t& i = head[replica];
      for (; i < q.size(); ++i) {
        queued& item = q[i];
        const op_id start = op_start(item.get());
        const seq_t next = planner.next_of(replica);
        if (start.seq + item.n <= next) continue;  // every op of it is known
        if (start.seq > next) break;               // an earlier op of this replica is missing
        if (start.seq < next) {
          item.trimmed = std::make_unique<doc_op>(trim(item.get(), next - start.seq));
          item.n -= next - start.seq;
          item.seq = next;
        }
        const std::uint64_t n = item.n;
        why.clear();
        const auto v = planner.offer(item.get(), n, *item.table, &why);
        if (v == doc_planner::verdict::waiting) break;
        if (v == doc_planner::verdict::invalid) {
          if (item.fresh()) return make_error(errc::malformed, why);
          continue;  // an unsound op kept from an earlier delta: dropped
        }
        if (item.trimmed) planner.keep(std::move(item.trimmed));
        progress = true;
      }
    }
  }

  // What still waits: a run may overlap one kept from an earlier delta (the
  // same delta applied twice, a run resent longer), so each keeps only the
  // ops no earlier one holds, and the count is of distinct ops.
  std::uint64_t waiting = 0;
  for (auto& [replica, q] : queues) {
    seq_t covered = planner.next_of(replica);
    for (std::size_t i = head[replica]; i < q.size(); ++i) {
      queued& item = q[i];
      const seq_t start = op_start(item.get()).seq;
      const seq_t end = start + item.n;
      if (end <= covered) {
        item.duplicate = true;
        continue;
      }
      if (start < covered) {
        item.trimmed = std::make_unique<doc_op>(trim(item.get(), covered - start));
        item.n -= covered - start;
        item.seq = covered;
      }
      waiting += end - item.seq;
      covered = end;
    }
  }
  WEFT_TRY(check_tombstones(delta.tombstones, planner, queues, head));
  if (waiting > options_.max_pending_ops) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("{} ops would wait for dependencies; the limit is {}", waiting,
                                  options_.max_pending_ops));
  }
  if (planner.planned_ops() > options_.max_ops - std::min(op_count_, options_.max_ops)) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("document holds {} ops; {} more exceed its limit of {}",
                                  op_count_, planner.planned_ops(), options_.max_ops));
  }
  WEFT_TRY(planner.fits());

  // Phase 3: nothing below can fail but out of memory, which damages the
  // document (the scope).
  // The ops still waiting become the pending buffer. Planned ops may point
  // into the old one, so it lives until the end of this call.
  change_scope scope(*this);
  std::map<replica_id, std::map<seq_t, pending_op>> still;
  for (auto& [replica, q] : queues) {
    for (std::size_t i = head[replica]; i < q.size(); ++i) {
      queued& item = q[i];
      if (item.duplicate) continue;
      doc_op op = item.trimmed  ? std::move(*item.trimmed)
                  : item.src    ? std::move(item.src->op)
                                : *item.op;
      still[replica].emplace(item.seq, pending_op{*item.table, std::move(op)});
    }
  }
  const auto old_pending = std::move(pending_);
  pending_ = std::move(still);
  pending_count_ = waiting;

  scope.begin(o);
  for (const auto& nc : planner.containers()) {
    new_container(nc.type, nc.how, nc.name, nc.creator, nc.parent);
  }
  // An empty text nobody observes that this plan fills (a snapshot, a
  // peer's whole history) gets its tree built once, after the plan.
  std::vector<std::uint32_t> deferred;
  std::uint32_t seen = no_container;  // a plan's ops come in runs per container
  for (const doc_planner::planned_op& p : planner.plan()) {
    if (p.container == seen || p.container == shallow_container) continue;
    seen = p.container;
    container_state& st = *containers_[p.container];
    if (st.type != container_type::text || st.seq->tree_deferred() ||
        st.seq->seq().raw_size() != 0 || observed(p.container)) {
      continue;
    }
    st.seq->defer_tree();
    deferred.push_back(p.container);
  }
  // Tombstones this document lacked, and those its new elements turn out
  // to be, are erased once every op has landed (and every tree is built).
  // (The two are disjoint: the new elements are checked against the
  // tombstones from before this delta, which merging then extends.)
  std::vector<id_range> due;
  std::vector<text_change> changes;
  for (const doc_planner::planned_op& p : planner.plan()) {
    const std::uint32_t c = p.container;
    const op_id start = op_start(*p.op);
    const auto n = static_cast<std::uint32_t>(p.n);
    if (c == shallow_container) {
      record(c, start.replica, start.seq, n, 0);
      continue;
    }
    container_state& st = *containers_[c];
    touch* t = touch_of(c);
    std::uint32_t local = 0;
    changes.clear();
    if (st.seq && !tombstones_.empty() &&
        (std::holds_alternative<text_insert_run>(p.op->op) ||
         std::holds_alternative<list_insert_run>(p.op->op))) {
      overlap_tombstones(tombstones_, id_range{start.replica, start.seq, start.seq + n}, due);
    }
    if (const auto* ins = std::get_if<text_insert_run>(&p.op->op)) {
      st.seq->integrate_insert(*ins, t != nullptr ? &changes : nullptr);
      for (const text_change& ch : changes) note_text_change(t, ch);
    } else if (const auto* del = std::get_if<text_delete_run>(&p.op->op)) {
      if (st.nested > 0) {
        const seq_t lo = del->backward ? del->target.seq - (del->length - 1) : del->target.seq;
        scratch_.clear();
        st.seq->ids().lv_spans(del->target.replica, lo, lo + del->length, scratch_);
        unref_erased(c, scratch_);
      }
      st.seq->integrate_delete(*del, t != nullptr ? &changes : nullptr);
      for (const text_change& ch : changes) {
        if (st.type == container_type::text) {
          note_text_change(t, ch);
        } else {
          note_list_erase(t, ch.pos, ch.len);
        }
      }
    } else if (const auto* l = std::get_if<list_insert_run>(&p.op->op)) {
      text_insert_run run{l->id, l->origin_left, l->origin_right,
                          std::string(l->values.size(), list_placeholder)};
      const std::size_t first_value = st.values.size();
      for (std::size_t k = 0; k < l->values.size(); ++k) {
        const std::uint32_t slot = planner.value_container(p, k);
        st.values.push_back(stored(l->values[k], slot));
        if (slot != no_container) {
          ++st.nested;
          ++containers_[slot]->refs;
        }
      }
      st.seq->integrate_insert(run, t != nullptr ? &changes : nullptr);
      for (const text_change& ch : changes) note_list_insert(t, c, ch.pos, ch.len, first_value);
    } else if (const auto* w = std::get_if<map_write>(&p.op->op)) {
      lamport_ = std::max(lamport_, w->lamport);
      map_record rec;
      rec.id = w->id;
      rec.lamport = w->lamport;
      rec.key = st.map->intern(w->key);
      rec.has_value = w->value.has_value();
      if (w->value) rec.value = stored(*w->value, planner.value_container(p, 0));
      local = static_cast<std::uint32_t>(st.map->records.size());
      integrate_write(c, std::move(rec), w->preds, t);
    } else if (const auto* a = std::get_if<counter_add>(&p.op->op)) {
      local = static_cast<std::uint32_t>(st.adds.size());
      integrate_add(c, a->id, a->amount, t);
    }
    record(c, start.replica, start.seq, n, local);
  }
  merge_tombstones(tombstones_, delta.tombstones, &due);
  // A deferred tree is built with its tombstones deleted; the rest are
  // erased from built trees, with events.
  hash_map<std::uint32_t, std::vector<lv_span>> tombstoned;
  for (const id_range& r : due) {
    for_each_element(r, [&](std::uint32_t c, const std::vector<lv_span>& spans) {
      auto& all = tombstoned[c];
      all.insert(all.end(), spans.begin(), spans.end());
    });
  }
  for (const std::uint32_t c : deferred) {
    auto it = tombstoned.find(c);
    if (it == tombstoned.end()) {
      containers_[c]->seq->build_tree();
      continue;
    }
    containers_[c]->seq->build_tree(it->second);
    tombstoned.erase(it);
  }
  for (const auto& [c, spans] : tombstoned) erase_tombstones(c, spans);
  scope.done();
  return {};
}

void doc_impl::erase_tombstones(std::uint32_t c, const std::vector<lv_span>& spans) {
  container_state& st = *containers_[c];
  touch* t = touch_of(c);
  if (st.nested > 0) unref_erased(c, spans);
  std::vector<text_change> changes;
  st.seq->erase_spans(spans, t != nullptr ? &changes : nullptr);
  for (const text_change& ch : changes) {
    if (st.type == container_type::text) {
      note_text_change(t, ch);
    } else {
      note_list_erase(t, ch.pos, ch.len);
    }
  }
}

}  // namespace weft::internal
