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
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "doc/doc_impl.hpp"
#include "fmt/format.h"
#include "internal/hash_table.hpp"
#include "weft/internal/utf8.hpp"
#include "wire/deleted_set.hpp"
#include "wire/delta_codec.hpp"

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
  if (auto* x = std::get_if<shallow_delete_run>(&a.op)) {
    auto* y = std::get_if<shallow_delete_run>(&b.op);
    if (y == nullptr) return false;
    x->length += y->length;
    na = x->length;
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

// merge_run is merge_into for enc_runs (the same rules, which fix the
// canonical form). A merged run's pieces or values directly follow its
// own, since both runs were appended in order.
bool merge_run(enc_run& x, enc_run& y) {
  if (x.container != y.container || x.id.replica != y.id.replica ||
      y.id.seq != x.id.seq + x.len) {
    return false;
  }
  if (x.kind == enc_run::text_insert || x.kind == enc_run::list_insert) {
    if (y.kind != x.kind || !y.has_left || y.left != op_id{x.id.replica, x.id.seq + x.len - 1} ||
        y.has_right != x.has_right || (x.has_right && y.right != x.right)) {
      return false;
    }
    WEFT_ASSERT(y.first == x.first + x.count, "merged runs do not share their storage");
    x.len += y.len;
    x.count += y.count;
    return true;
  }
  if (x.kind == enc_run::shallow_remove || y.kind == enc_run::shallow_remove) {
    if (x.kind != y.kind) return false;
    x.len += y.len;
    return true;
  }
  if (x.kind != enc_run::remove || y.kind != enc_run::remove || x.left.replica != y.left.replica) {
    return false;
  }
  bool forward;
  if ((x.len == 1 || !x.backward) && y.left.seq == x.left.seq + x.len) {
    forward = true;
  } else if ((x.len == 1 || x.backward) && y.left.seq == x.left.seq - x.len) {
    forward = false;
  } else {
    return false;
  }
  x.backward = !forward;
  if (y.len == 1 || y.backward == !forward) {
    x.len += y.len;
    return true;
  }
  // y runs the other way: its first op joins x, the rest stays a run.
  x.len += 1;
  y.id.seq += 1;
  y.left.seq = forward ? y.left.seq - 1 : y.left.seq + 1;
  y.len -= 1;
  if (y.len == 1) y.backward = false;
  return false;
}

}  // namespace

void doc_impl::snapshot_runs(bool state_only, std::vector<container_desc>& table,
                             enc_delta& out) const {
  out = {};
  doc_delta slots;  // table_slot fills its container table
  hash_map<std::uint32_t, std::uint32_t> slot_of;
  auto value_of = [&](const cell& v) -> enc_value {
    if (const auto* c = std::get_if<cref>(&v)) return {8, table_slot(c->index, slots, slot_of), {}};
    return enc_scalar_of(v);
  };
  // push appends a run, merging it into the one before where it continues
  // it (merge_runs' rules, applied as the runs come).
  auto push = [&](enc_run r) {
    if (r.kind == enc_run::remove && r.len == 1) r.backward = false;
    if (!out.runs.empty() && merge_run(out.runs.back(), r)) return;
    out.runs.push_back(r);
  };

  std::vector<std::pair<replica_id, const std::vector<std::uint32_t>*>> replicas;
  for (const auto& [r, list] : log_by_replica_) replicas.emplace_back(r, &list);
  std::sort(replicas.begin(), replicas.end());
  out.runs.reserve(log_.size());
  std::vector<lv_span> spans;
  // A state-only snapshot keeps no delete: the ids of delete ops are the
  // gaps its ops leave, and what they deleted is the tombstones.
  deleted_set deleted;
  for (const auto& [replica, list] : replicas) {
    for (const std::uint32_t li : *list) {
      const log_entry& e = log_[li];
      if (e.container == shallow_container) {
        if (state_only) continue;
        enc_run r;
        r.kind = enc_run::shallow_remove;
        r.id = op_id{e.replica, e.seq};
        r.len = e.count;
        push(r);
        continue;
      }
      const container_state& st = *containers_[e.container];
      const std::uint32_t slot = table_slot(e.container, slots, slot_of);
      switch (st.type) {
        case container_type::text:
        case container_type::list: {
          // text_impl::append_spans, without materializing the runs.
          const text_impl& t = *st.seq;
          const id_map& ids = t.ids();
          const auto& inserts = t.log().inserts();
          const auto& deletes = t.log().deletes();
          const std::string_view content = t.content();
          const bool text = st.type == container_type::text;
          spans.clear();
          ids.lv_spans(e.replica, e.seq, e.seq + e.count, spans);
          for (const lv_span& span : spans) {
            std::size_t i = t.log().lower_insert(span.begin);
            std::size_t d = t.log().lower_delete(span.begin);
            lv_t lv = span.begin;
            while (lv < span.end) {
              const lv_t run_end = std::min(span.end, ids.run_end(lv));
              if (i < inserts.size() && inserts[i].lv <= lv) {
                const insert_entry& ie = inserts[i];
                const lv_t end = std::min(run_end, ie.lv + ie.len);
                enc_run r;
                r.kind = text ? enc_run::text_insert : enc_run::list_insert;
                r.container = slot;
                r.id = ids.to_id(lv);
                r.len = end - lv;
                const lv_t left = lv == ie.lv ? ie.origin_left : lv - 1;
                r.has_left = left != no_lv;
                if (r.has_left) r.left = ids.to_id(left);
                r.has_right = ie.origin_right != no_lv;
                if (r.has_right) r.right = ids.to_id(ie.origin_right);
                const std::uint32_t k = lv - ie.lv;
                if (text && state_only) {
                  // The characters travel as live_text, in document order.
                } else if (text) {
                  std::string_view piece = content.substr(ie.content_off, ie.content_bytes);
                  if (ie.content_bytes == ie.len) {  // ASCII
                    piece = piece.substr(k, end - lv);
                  } else {
                    piece.remove_prefix(utf8_advance(piece, k));
                    piece = piece.substr(0, utf8_advance(piece, end - lv));
                  }
                  r.first = out.pieces.size();
                  r.count = 1;
                  out.pieces.push_back(piece);
                } else {
                  r.first = out.values.size();
                  r.count = end - lv;
                  for (std::size_t v = 0; v < r.count; ++v) {
                    out.values.push_back(value_of(st.values[ie.content_off + k + v]));
                  }
                }
                push(r);
                lv = end;
                if (lv == ie.lv + ie.len) ++i;
                continue;
              }
              WEFT_ASSERT(d < deletes.size() && deletes[d].lv <= lv, "op log has a gap");
              const delete_entry& de = deletes[d];
              const lv_t end = std::min(run_end, de.lv + de.len);
              // Split further where the targets leave one id run.
              for (lv_t op = lv; op < end;) {
                const lv_t k = op - de.lv;
                const lv_t target = de.backward ? de.target - k : de.target + k;
                lv_t n = end - op;
                if (de.backward) {
                  n = std::min(n, target - ids.run_begin(target) + 1);
                } else {
                  n = std::min(n, ids.run_end(target) - target);
                }
                enc_run r;
                r.kind = enc_run::remove;
                r.container = slot;
                r.id = ids.to_id(op);
                r.len = n;
                r.left = ids.to_id(target);
                r.backward = de.backward && n > 1;
                if (state_only) {
                  deleted.add(r.left, r.len, r.backward);
                } else {
                  push(r);
                }
                op += n;
              }
              lv = end;
              if (lv == de.lv + de.len) ++d;
            }
          }
          break;
        }
        case container_type::map:
        case container_type::reg: {
          const map_state& m = *st.map;
          for (std::uint32_t k = 0; k < e.count; ++k) {
            const map_record& rec = m.records[e.local + k];
            enc_run r;
            r.kind = enc_run::map_write;
            r.container = slot;
            r.id = rec.id;
            r.first = out.writes.size();
            enc_write w;
            w.key = m.key_names[rec.key];
            w.lamport = rec.lamport;
            w.preds = std::span<const op_id>(m.preds.data() + rec.preds_off, rec.preds_len);
            w.value = rec.has_value ? value_of(rec.value) : enc_value{0, 0, {}};
            out.writes.push_back(w);
            push(r);
          }
          break;
        }
        case container_type::counter:
          for (std::uint32_t k = 0; k < e.count; ++k) {
            const counter_record& rec = st.adds[e.local + k];
            enc_run r;
            r.kind = enc_run::counter_add;
            r.container = slot;
            r.id = rec.id;
            r.amount = rec.amount;
            push(r);
          }
          break;
      }
    }
  }

  if (!state_only) {
    split_tombstones(&out.tombstones, nullptr);
  } else {
    hash_set<op_id> live;
    for (const auto& st : containers_) {
      if (!st->map) continue;
      for (const auto& key_live : st->map->live) {
        for (const std::uint32_t rec : key_live) live.insert(st->map->records[rec].id);
      }
    }
    std::vector<id_range> own;
    split_tombstones(&own, nullptr);
    for (const id_range& r : own) deleted.add(r);
    deleted.finish();
    out.tombstones = deleted.ranges();
    for (const enc_run& r : out.runs) {
      if (r.kind == enc_run::map_write) {
        enc_value& v = out.writes[r.first].value;
        if (v.kind != 0 && v.kind != 8 && !live.contains(r.id)) v = enc_value{};
      } else if (r.kind == enc_run::list_insert) {
        std::size_t k = r.first;
        deleted.segments(r.id, r.len, [&](std::uint64_t n, bool gone) {
          for (std::uint64_t j = 0; j < n; ++j, ++k) {
            if (gone && out.values[k].kind != 8) out.values[k] = enc_value{};
          }
        });
      }
    }
  }
  table = std::move(slots.containers);
  out.containers = &table;
}

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
  hash_map<std::uint32_t, std::uint32_t> table;
  for (const auto& [r, list] : replicas) {
    for (const std::uint32_t i : *list) append_entry(log_[i], log_[i].seq, ops, table);
  }
  merge_runs(ops.ops);

  if (!state_only) {
    split_tombstones(&ops.tombstones, nullptr);
  } else {
    hash_set<op_id> live;
    for (const auto& st : containers_) {
      if (!st->map) continue;
      for (const auto& key_live : st->map->live) {
        for (const std::uint32_t rec : key_live) live.insert(st->map->records[rec].id);
      }
    }
    deleted_set deleted = deleted_in(ops);
    std::vector<id_range> own;
    split_tombstones(&own, nullptr);
    for (const id_range& r : own) deleted.add(r);
    deleted.finish();
    ops.tombstones = deleted.ranges();
    std::erase_if(ops.ops, [](const doc_op& op) {
      return std::holds_alternative<text_delete_run>(op.op) ||
             std::holds_alternative<shallow_delete_run>(op.op);
    });
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

  snapshot_pending(pending);
}

std::vector<std::uint32_t> doc_impl::table_containers(
    const std::vector<container_desc>& table) const {
  std::vector<std::uint32_t> out(table.size(), no_container);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const container_desc& d = table[i];
    std::uint32_t c = no_container;
    switch (d.how) {
      case container_desc::kind::root:
        if (auto it = roots_.find(std::make_pair(d.name, d.type)); it != roots_.end()) c = it->second;
        break;
      case container_desc::kind::created:
        c = find_created(d.creator);
        break;
      case container_desc::kind::derived:
        if (d.parent < i && out[d.parent] != no_container) {
          c = find_derived(out[d.parent], d.name, d.type);
        }
        break;
    }
    if (c != no_container && containers_[c]->type == d.type) out[i] = c;
  }
  return out;
}

std::string doc_impl::live_text(const std::vector<container_desc>& table) const {
  std::string out;
  for (const std::uint32_t c : table_containers(table)) {
    if (c != no_container && containers_[c]->type == container_type::text) {
      out += containers_[c]->seq->to_string();
    }
  }
  return out;
}

result<void> doc_impl::fill_live_text(const std::vector<container_desc>& table,
                                      std::string_view live, std::uint64_t code_points) {
  std::vector<std::uint32_t> texts;
  std::vector<bool> listed(containers_.size(), false);
  std::uint64_t visible = 0;
  for (const std::uint32_t c : table_containers(table)) {
    if (c == no_container || containers_[c]->type != container_type::text) continue;
    if (listed[c]) return make_error(errc::malformed, "live_text: a text listed twice");
    listed[c] = true;
    texts.push_back(c);
    visible += containers_[c]->seq->size();
  }
  if (code_points != visible) {
    return make_error(errc::malformed, fmt::format("live_text: {} characters, the texts show {}",
                                                   code_points, visible));
  }
  for (const std::uint32_t c : texts) {
    text_impl& t = *containers_[c]->seq;
    const std::size_t n = utf8_advance(live, t.size());
    WEFT_TRY(t.fill_live(live.substr(0, n)));
    live.remove_prefix(n);
  }
  return {};
}

void doc_impl::snapshot_pending(doc_delta& pending) const {
  pending = {};
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
      if (std::holds_alternative<shallow_delete_run>(op.op)) {  // no container
        pending.ops.push_back(std::move(op));
        continue;
      }
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
  split_tombstones(nullptr, &pending.tombstones);
}

}  // namespace weft::internal
