// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_snapshot.cpp
// -----------------------------------------------------------------------------
//
// The canonical form of a document's ops that snapshots encode. Replicas
// that hold the same ops received them in different orders and different
// pieces, so their logs differ; sorting by (replica, seq) and merging runs
// as far as they go removes every trace of that history.

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "doc/doc_impl.hpp"
#include "wire/deleted_set.hpp"

namespace weft::internal {
namespace {

// continues reports whether op id `b` directly follows a run of `n` ops
// from `a`.
bool follows(op_id a, std::uint64_t n, op_id b) {
  return a.replica == b.replica && b.seq == a.seq + n;
}

// merge_into extends `a` (of `na` ops) with `b` when `b` continues it. A
// delete run can take over just the first op of `b` (when the two run in
// opposite directions), in which case `b` keeps the rest and false is
// returned. Returns true when `b` is used up.
bool merge_into(doc_op& a, std::uint64_t& na, doc_op& b, std::uint64_t& nb) {
  if (a.container != b.container || !follows(op_start(a), na, op_start(b))) return false;
  if (auto* x = std::get_if<text_insert_run>(&a.op)) {
    auto* y = std::get_if<text_insert_run>(&b.op);
    if (y == nullptr || y->origin_left != op_id{x->id.replica, x->id.seq + na - 1} ||
        y->origin_right != x->origin_right) {
      return false;
    }
    x->content += y->content;
    na += nb;
    return true;
  }
  if (auto* x = std::get_if<list_insert_run>(&a.op)) {
    auto* y = std::get_if<list_insert_run>(&b.op);
    if (y == nullptr || y->origin_left != op_id{x->id.replica, x->id.seq + na - 1} ||
        y->origin_right != x->origin_right) {
      return false;
    }
    for (delta_value& v : y->values) x->values.push_back(std::move(v));
    na += nb;
    return true;
  }
  auto* x = std::get_if<text_delete_run>(&a.op);
  auto* y = std::get_if<text_delete_run>(&b.op);
  if (x == nullptr || y == nullptr || x->target.replica != y->target.replica) return false;
  bool forward;
  if ((x->length == 1 || !x->backward) && y->target.seq == x->target.seq + x->length) {
    forward = true;
  } else if ((x->length == 1 || x->backward) && y->target.seq == x->target.seq - x->length) {
    forward = false;
  } else {
    return false;
  }
  x->backward = !forward;
  if (y->length == 1 || y->backward == !forward) {
    x->length += y->length;
    na = x->length;
    return true;
  }
  // y runs the other way: its first op joins x, the rest stays a run.
  x->length += 1;
  na = x->length;
  y->id.seq += 1;
  y->target.seq = forward ? y->target.seq - 1 : y->target.seq + 1;
  y->length -= 1;
  if (y->length == 1) y->backward = false;
  nb = y->length;
  return false;
}

// merge_runs merges neighbouring runs of `ops` (sorted by replica and seq)
// as far as they go, and writes single-op delete runs as forward.
void merge_runs(std::vector<doc_op>& ops) {
  std::size_t w = 0;  // ops[0, w) are done
  std::uint64_t last = 0;  // ops in ops[w - 1]
  for (std::size_t r = 0; r < ops.size(); ++r) {
    doc_op& op = ops[r];
    std::uint64_t n = op_size(op);
    if (auto* d = std::get_if<text_delete_run>(&op.op); d != nullptr && d->length == 1) {
      d->backward = false;
    }
    if (w > 0 && merge_into(ops[w - 1], last, op, n)) continue;
    if (w != r) ops[w] = std::move(op);
    ++w;
    last = n;
  }
  ops.resize(w);
}

}  // namespace

void doc_impl::snapshot_ops(bool state_only, doc_delta& ops, doc_delta& pending) const {
  ops = {};
  pending = {};

  // Integrated ops, replica by replica in id order, each in seq order.
  std::vector<std::pair<replica_id, const std::vector<std::uint32_t>*>> replicas;
  for (const auto& [r, list] : log_by_replica_) replicas.emplace_back(r, &list);
  std::sort(replicas.begin(), replicas.end());
  std::size_t runs = 0;  // an upper bound, so that ops never reallocate
  for (const auto& st : containers_) {
    if (st->seq) runs += st->seq->log().inserts().size() + st->seq->log().deletes().size();
    if (st->map) runs += st->map->records.size();
    runs += st->adds.size();
  }
  ops.ops.reserve(runs + log_.size());
  absl::flat_hash_map<std::uint32_t, std::uint32_t> table;
  for (const auto& [r, list] : replicas) {
    for (const std::uint32_t i : *list) append_entry(log_[i], log_[i].seq, ops, table);
  }
  merge_runs(ops.ops);

  if (state_only) {
    absl::flat_hash_set<op_id> live;
    for (const auto& st : containers_) {
      if (!st->map) continue;
      for (const auto& key_live : st->map->live) {
        for (const std::uint32_t rec : key_live) live.insert(st->map->records[rec].id);
      }
    }
    const deleted_set deleted = deleted_in(ops);
    for (doc_op& op : ops.ops) {
      if (auto* w = std::get_if<map_write>(&op.op)) {
        if (w->value && !std::holds_alternative<container_slot>(*w->value) && !live.contains(w->id)) {
          w->value = delta_value();
        }
      } else if (auto* l = std::get_if<list_insert_run>(&op.op)) {
        std::size_t k = 0;
        deleted.segments(l->id, l->values.size(), [&](std::uint64_t n, bool gone) {
          for (std::uint64_t j = 0; j < n; ++j, ++k) {
            if (gone && !std::holds_alternative<container_slot>(l->values[k])) {
              l->values[k] = delta_value();
            }
          }
        });
      }
    }
  }

  // Waiting ops, with their container tables folded into one.
  std::map<std::tuple<std::uint8_t, std::uint8_t, std::string, op_id, std::uint32_t>, std::uint32_t>
      seen;
  auto slot_of = [&](auto&& self, const std::vector<container_desc>& t,
                     std::uint32_t i) -> std::uint32_t {
    container_desc d = t[i];
    if (d.how == container_desc::kind::derived) d.parent = self(self, t, d.parent);
    if (d.how != container_desc::kind::derived) d.parent = 0;
    auto key = std::make_tuple(static_cast<std::uint8_t>(d.how), static_cast<std::uint8_t>(d.type),
                               d.name, d.creator, d.parent);
    auto [it, fresh] = seen.try_emplace(std::move(key), static_cast<std::uint32_t>(pending.containers.size()));
    if (fresh) pending.containers.push_back(std::move(d));
    return it->second;
  };
  for (const auto& [r, by_seq] : pending_) {
    for (const auto& entry : by_seq) {
      const pending_op& p = entry.second;  // lambdas cannot capture bindings
      doc_op op = p.op;
      op.container = slot_of(slot_of, *p.table, op.container);
      auto remap = [&](delta_value& v) {
        if (auto* cs = std::get_if<container_slot>(&v)) cs->index = slot_of(slot_of, *p.table, cs->index);
      };
      if (auto* l = std::get_if<list_insert_run>(&op.op)) {
        for (delta_value& v : l->values) remap(v);
      } else if (auto* w = std::get_if<map_write>(&op.op); w != nullptr && w->value) {
        remap(*w->value);
      }
      pending.ops.push_back(std::move(op));
    }
  }
  merge_runs(pending.ops);
}

}  // namespace weft::internal
