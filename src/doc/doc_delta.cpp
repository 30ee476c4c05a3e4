// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_delta.cpp
// -----------------------------------------------------------------------------
//
// Building deltas from the document's op log, and counting their ops.

#include "weft/doc_delta.hpp"

#include <algorithm>
#include <utility>

#include "doc/doc_impl.hpp"
#include "internal/hash_table.hpp"
#include "weft/internal/saturating.hpp"
#include "weft/internal/utf8.hpp"

namespace weft {


std::uint64_t doc_delta::op_count() const noexcept {
  std::uint64_t total = 0;
  for (const doc_op& op : ops) total = internal::saturating_add(total, internal::op_size(op));
  return total;
}

namespace internal {

std::uint64_t op_size(const doc_op& op) noexcept {
  return std::visit(
      [](const auto& o) -> std::uint64_t {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, text_insert_run>) {
          return utf8_count_code_points(o.content);
        } else if constexpr (std::is_same_v<T, text_delete_run> ||
                             std::is_same_v<T, shallow_delete_run>) {
          return o.length;
        } else if constexpr (std::is_same_v<T, list_insert_run>) {
          return o.values.size();
        } else {
          return 1;
        }
      },
      op.op);
}

std::uint32_t doc_impl::table_slot(
    std::uint32_t c, doc_delta& out,
    hash_map<std::uint32_t, std::uint32_t>& table) const {
  if (auto it = table.find(c); it != table.end()) return it->second;
  const container_state& st = *containers_[c];
  container_desc d;
  d.how = st.how;
  d.type = st.type;
  if (st.how == container_desc::kind::derived) {
    d.parent = table_slot(st.parent, out, table);
    d.name = st.name;
  } else if (st.how == container_desc::kind::root) {
    d.name = st.name;
  } else {
    d.creator = st.creator;
  }
  const auto slot = static_cast<std::uint32_t>(out.containers.size());
  out.containers.push_back(std::move(d));
  table.emplace(c, slot);
  return slot;
}

delta_value doc_impl::to_delta_value(
    const cell& v, doc_delta& out,
    hash_map<std::uint32_t, std::uint32_t>& table) const {
  return std::visit(
      [&](const auto& x) -> delta_value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, cref>) {
          return container_slot{table_slot(x.index, out, table)};
        } else {
          return delta_value(x);
        }
      },
      v);
}

void doc_impl::append_entry(const log_entry& e, seq_t from, doc_delta& out,
                            hash_map<std::uint32_t, std::uint32_t>& table) const {
  const std::uint32_t c = e.container;
  const seq_t end = e.seq + e.count;
  if (c == shallow_container) {
    out.ops.push_back(doc_op{0, shallow_delete_run{op_id{e.replica, from}, end - from}});
    return;
  }
  const container_state& st = *containers_[c];
  const std::uint32_t slot = table_slot(c, out, table);
  const auto skip = static_cast<std::uint32_t>(from - e.seq);
  switch (st.type) {
    case container_type::text:
    case container_type::list: {
      std::vector<text_op_run> runs;
      st.seq->append_runs(e.replica, from, end, runs);
      for (text_op_run& run : runs) {
        auto* ins = std::get_if<text_insert_run>(&run);
        if (ins == nullptr || st.type == container_type::text) {
          std::visit([&](auto& r) { out.ops.push_back(doc_op{slot, std::move(r)}); }, run);
          continue;
        }
        list_insert_run l;
        l.id = ins->id;
        l.origin_left = ins->origin_left;
        l.origin_right = ins->origin_right;
        const std::size_t off = st.seq->content_offset(st.seq->ids().to_lv(ins->id));
        for (std::size_t k = 0; k < ins->content.size(); ++k) {
          l.values.push_back(to_delta_value(st.values[off + k], out, table));
        }
        out.ops.push_back(doc_op{slot, std::move(l)});
      }
      break;
    }
    case container_type::map:
    case container_type::reg: {
      const map_state& m = *st.map;
      for (std::uint32_t k = skip; k < e.count; ++k) {
        const map_record& r = m.records[e.local + k];
        map_write w;
        w.id = r.id;
        w.lamport = r.lamport;
        w.key = m.key_names[r.key];
        w.preds.assign(m.preds.begin() + r.preds_off,
                       m.preds.begin() + r.preds_off + r.preds_len);
        if (r.has_value) w.value = to_delta_value(r.value, out, table);
        out.ops.push_back(doc_op{slot, std::move(w)});
      }
      break;
    }
    case container_type::counter: {
      for (std::uint32_t k = skip; k < e.count; ++k) {
        const counter_record& r = st.adds[e.local + k];
        out.ops.push_back(doc_op{slot, counter_add{r.id, r.amount}});
      }
      break;
    }
  }
}

doc_delta doc_impl::delta_since(const version_vector& since) const {
  std::vector<std::uint32_t> entries;
  for (const auto& [replica, list] : log_by_replica_) {
    const seq_t from = since.get(replica);
    if (from >= next_seq(replica)) continue;
    auto it = std::partition_point(list.begin(), list.end(), [&](std::uint32_t i) {
      return log_[i].seq + log_[i].count <= from;
    });
    entries.insert(entries.end(), it, list.end());
  }
  std::sort(entries.begin(), entries.end());
  doc_delta out;
  hash_map<std::uint32_t, std::uint32_t> table;
  for (const std::uint32_t i : entries) {
    const log_entry& e = log_[i];
    append_entry(e, std::max(e.seq, since.get(e.replica)), out, table);
  }
  with_tombstones(out);
  return out;
}

void doc_impl::with_tombstones(doc_delta& out) const {
  if (tombstones_.empty()) return;
  std::vector<id_range> named;
  const bool needed = std::any_of(out.ops.begin(), out.ops.end(), [&](const doc_op& op) {
    if (std::holds_alternative<shallow_delete_run>(op.op)) return true;
    if (!std::holds_alternative<text_insert_run>(op.op) &&
        !std::holds_alternative<list_insert_run>(op.op)) {
      return false;
    }
    const op_id id = op_start(op);
    overlap_tombstones(tombstones_, id_range{id.replica, id.seq, id.seq + op_size(op)}, named);
    return !named.empty();
  });
  // Only those of integrated ops: the peer sees each of them before or
  // with this delta. (The others name ops still pending here.)
  if (needed) split_tombstones(&out.tombstones, nullptr);
}

void doc_impl::split_tombstones(std::vector<id_range>* integrated,
                                std::vector<id_range>* waiting) const {
  for (const id_range& t : tombstones_) {
    const seq_t cut = std::clamp(next_seq(t.replica), t.begin, t.end);
    if (integrated != nullptr && t.begin < cut) integrated->push_back({t.replica, t.begin, cut});
    if (waiting != nullptr && cut < t.end) waiting->push_back({t.replica, cut, t.end});
  }
}

doc_delta doc_impl::delta_between(std::size_t begin, std::uint32_t last_count) const {
  doc_delta out;
  hash_map<std::uint32_t, std::uint32_t> table;
  if (begin > 0 && log_[begin - 1].count > last_count) {
    const log_entry& e = log_[begin - 1];
    append_entry(e, e.seq + last_count, out, table);
  }
  for (std::size_t i = begin; i < log_.size(); ++i) append_entry(log_[i], log_[i].seq, out, table);
  return out;
}

}  // namespace internal
}  // namespace weft
