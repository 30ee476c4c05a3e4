// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/chunk.cpp
// -----------------------------------------------------------------------------

#include "sync/chunk.hpp"

#include <algorithm>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "doc/doc_impl.hpp"
#include "doc/tombstones.hpp"
#include "fmt/format.h"
#include "weft/internal/utf8.hpp"

namespace weft::sync::internal {
namespace {

// Estimates, in bytes of the encoded delta message. Every column value is a
// varint of at most 10 bytes plus its share of an rle group header, so
// these bound the real size from above with room to spare; kMessageBytes
// covers the envelope, the sync message and the delta table's vectors
// (lengths, offsets, padding, vtable).
constexpr std::size_t kMessageBytes = 640;
constexpr std::size_t kRunBytes = 64;
constexpr std::size_t kReplicaBytes = 8;
constexpr std::size_t kTombstoneBytes = 32;  // three varints, and rle headers

std::size_t value_bytes(const delta_value& v) {
  return 16 + std::visit(
                  [](const auto& x) -> std::size_t {
                    using T = std::decay_t<decltype(x)>;
                    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bytes>) {
                      return x.size();
                    } else {
                      return 0;
                    }
                  },
                  v);
}

std::size_t row_bytes(const container_desc& c) { return 32 + c.name.size(); }

std::size_t run_bytes(const doc_op& op) {
  return kRunBytes + std::visit(
                         [](const auto& o) -> std::size_t {
                           using T = std::decay_t<decltype(o)>;
                           if constexpr (std::is_same_v<T, text_insert_run>) {
                             return o.content.size();
                           } else if constexpr (std::is_same_v<T, list_insert_run>) {
                             std::size_t n = 0;
                             for (const auto& v : o.values) n += value_bytes(v);
                             return n;
                           } else if constexpr (std::is_same_v<T, map_write>) {
                             return 16 + o.key.size() + 24 * o.preds.size() +
                                    (o.value ? value_bytes(*o.value) : 0);
                           } else {
                             return 0;
                           }
                         },
                         op.op);
}

std::uint64_t run_items(const doc_op& op) {
  if (const auto* l = std::get_if<list_insert_run>(&op.op)) return 1 + l->values.size();
  if (const auto* m = std::get_if<map_write>(&op.op)) return 2 + m->preds.size();
  return 1;
}

bool shallow(const doc_op& op) { return std::holds_alternative<shallow_delete_run>(op.op); }

op_id run_start(const doc_op& op) {
  return std::visit([](const auto& o) { return o.id; }, op.op);
}

// builder collects one chunk: runs, and the rows of the input's container
// table they need, renumbered, and the input's tombstones that name the
// runs' ops (a chunk carries no tombstone of an op it does not hold, so
// that it applies alone, and a tombstone never reaches a replica before
// its op does).
class builder {
 public:
  explicit builder(const doc_delta& src) : src_(src) {}

  bool empty() const { return out_.empty(); }
  std::size_t bytes() const { return bytes_; }
  std::uint64_t ops() const { return ops_; }
  std::uint64_t items() const { return items_; }

  // cost returns what adding `op` would add to bytes(): its run, its new
  // rows and replicas.
  std::size_t cost(const doc_op& op) const {
    std::size_t n = run_bytes(op);
    if (!shallow(op)) n += rows_cost(op.container);
    n += named(op).size() * kTombstoneBytes;
    for_each_slot(op, [&](std::uint32_t c) { n += rows_cost(c); });
    n += replicas_cost(op);
    return n;
  }

  void add(doc_op op) {
    bytes_ += cost(op);
    ops_ += weft::internal::op_size(op);
    items_ += run_items(op);
    note_replicas(op);
    for (const id_range& t : named(op)) out_.tombstones.push_back(t);
    if (!shallow(op)) op.container = row(op.container);
    remap_slots(op);
    out_.ops.push_back(std::move(op));
  }

  // tombstone_cost is what adding tombstones `r` would add to bytes().
  std::size_t tombstone_cost(const id_range& r) const {
    return kTombstoneBytes +
           (replicas_.contains(static_cast<std::uint64_t>(r.replica)) ? 0 : kReplicaBytes * 4);
  }
  void add_tombstones(const id_range& r) {
    bytes_ += tombstone_cost(r);
    ++items_;
    replicas_.emplace(static_cast<std::uint64_t>(r.replica), true);
    out_.tombstones.push_back(r);
  }

  doc_delta take() {
    // The runs' tombstones came in run order: put them in set order.
    weft::internal::normalize_tombstones(out_.tombstones);
    doc_delta d = std::move(out_);
    out_ = doc_delta();
    map_.clear();
    replicas_.clear();
    bytes_ = kMessageBytes;
    ops_ = 0;
    items_ = 0;
    return d;
  }

 private:
  // named returns the input's tombstones among `op`'s ids.
  std::vector<id_range> named(const doc_op& op) const {
    std::vector<id_range> out;
    if (src_.tombstones.empty()) return out;
    const op_id id = run_start(op);
    weft::internal::overlap_tombstones(
        src_.tombstones, id_range{id.replica, id.seq, id.seq + weft::internal::op_size(op)}, out);
    return out;
  }

  template <class Fn>
  static void for_each_slot(const doc_op& op, Fn&& fn) {
    auto visit_value = [&](const delta_value& v) {
      if (const auto* s = std::get_if<container_slot>(&v)) fn(s->index);
    };
    if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
      for (const auto& v : l->values) visit_value(v);
    } else if (const auto* m = std::get_if<map_write>(&op.op)) {
      if (m->value) visit_value(*m->value);
    }
  }

  void remap_slots(doc_op& op) {
    auto fix = [&](delta_value& v) {
      if (auto* s = std::get_if<container_slot>(&v)) s->index = row(s->index);
    };
    if (auto* l = std::get_if<list_insert_run>(&op.op)) {
      for (auto& v : l->values) fix(v);
    } else if (auto* m = std::get_if<map_write>(&op.op)) {
      if (m->value) fix(*m->value);
    }
  }

  // rows_cost: bytes of the rows `c` needs that this chunk lacks. An index
  // outside the table is left for doc::apply to refuse (it costs a row).
  std::size_t rows_cost(std::uint32_t c) const {
    std::size_t n = 0;
    while (c < src_.containers.size() && !map_.contains(c)) {
      const container_desc& d = src_.containers[c];
      n += row_bytes(d);
      if (d.how != container_desc::kind::derived || d.parent >= c) break;
      c = d.parent;
    }
    return n + (c >= src_.containers.size() ? 32 : 0);
  }

  std::size_t replicas_cost(const doc_op& op) const {
    const auto r = run_start(op).replica;
    return replicas_.contains(static_cast<std::uint64_t>(r)) ? 0 : kReplicaBytes * 4;
  }

  void note_replicas(const doc_op& op) {
    replicas_.emplace(static_cast<std::uint64_t>(run_start(op).replica), true);
  }

  // row returns `c`'s index in the chunk's table, adding it (parent first).
  // A row the source table lacks, or a derived row whose parent does not
  // precede it, is copied as is: the delta was broken before chunking and
  // doc::apply refuses it the same way.
  std::uint32_t row(std::uint32_t c) {
    if (auto it = map_.find(c); it != map_.end()) return it->second;
    if (c >= src_.containers.size()) return c;
    container_desc d = src_.containers[c];
    if (d.how == container_desc::kind::derived && d.parent < c) d.parent = row(d.parent);
    const auto index = static_cast<std::uint32_t>(out_.containers.size());
    out_.containers.push_back(std::move(d));
    map_.emplace(c, index);
    return index;
  }

  const doc_delta& src_;
  doc_delta out_;
  std::unordered_map<std::uint32_t, std::uint32_t> map_;
  std::unordered_map<std::uint64_t, bool> replicas_;
  std::size_t bytes_ = kMessageBytes;
  std::uint64_t ops_ = 0;
  std::uint64_t items_ = 0;
};

// take_front cuts the first `n` ops off a splittable run (0 < n < its ops)
// and returns them; `op` keeps the rest.
doc_op take_front(doc_op& op, std::uint64_t n) {
  doc_op front{op.container, {}};
  std::visit(
      [&](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, text_insert_run>) {
          const std::size_t cut = weft::internal::utf8_advance(o.content, n);
          text_insert_run head{o.id, o.origin_left, o.origin_right, o.content.substr(0, cut)};
          o.content.erase(0, cut);
          o.origin_left = op_id{o.id.replica, o.id.seq + n - 1};
          o.id.seq += n;
          front.op = std::move(head);
        } else if constexpr (std::is_same_v<T, text_delete_run>) {
          text_delete_run head{o.id, n, o.target, o.backward};
          o.id.seq += n;
          o.length -= n;
          o.target.seq = o.backward ? o.target.seq - n : o.target.seq + n;
          front.op = head;
        } else if constexpr (std::is_same_v<T, shallow_delete_run>) {
          front.op = shallow_delete_run{o.id, n};
          o.id.seq += n;
          o.length -= n;
        } else if constexpr (std::is_same_v<T, list_insert_run>) {
          list_insert_run head{o.id, o.origin_left, o.origin_right, {}};
          head.values.assign(std::make_move_iterator(o.values.begin()),
                             std::make_move_iterator(o.values.begin() + static_cast<std::ptrdiff_t>(n)));
          o.values.erase(o.values.begin(), o.values.begin() + static_cast<std::ptrdiff_t>(n));
          o.origin_left = op_id{o.id.replica, o.id.seq + n - 1};
          o.id.seq += n;
          front.op = std::move(head);
        }
      },
      op.op);
  return front;
}

// unheld_tombstones returns the tombstones of `d` that name none of its
// ops, in set order.
std::vector<id_range> unheld_tombstones(const doc_delta& d) {
  std::vector<id_range> out;
  if (d.tombstones.empty()) return out;
  // What merging them into the ops' ids finds new.
  std::vector<id_range> held;
  held.reserve(d.ops.size());
  for (const doc_op& op : d.ops) {
    const op_id id = run_start(op);
    held.push_back(id_range{id.replica, id.seq, id.seq + weft::internal::op_size(op)});
  }
  weft::internal::normalize_tombstones(held);
  weft::internal::merge_tombstones(held, d.tombstones, &out);
  return out;
}

bool splittable(const doc_op& op) {
  return (std::holds_alternative<text_insert_run>(op.op) ||
          std::holds_alternative<text_delete_run>(op.op) || shallow(op) ||
          std::holds_alternative<list_insert_run>(op.op)) &&
         weft::internal::op_size(op) > 1;
}

// fitting returns how many of `op`'s first ops fit in `bytes` and `items`
// (at least 0, at most all but one).
std::uint64_t fitting(const doc_op& op, std::size_t bytes, std::uint64_t ops_left,
                      std::uint64_t items_left) {
  const std::uint64_t total = weft::internal::op_size(op);
  std::uint64_t n = std::min<std::uint64_t>(total - 1, ops_left);
  if (const auto* t = std::get_if<text_insert_run>(&op.op)) {
    if (bytes <= kRunBytes) return 0;
    std::size_t cut = std::min(bytes - kRunBytes, t->content.size());
    while (cut > 0 && cut < t->content.size() &&
           weft::internal::utf8_is_continuation(static_cast<unsigned char>(t->content[cut]))) {
      --cut;
    }
    const std::uint64_t cps =
        weft::internal::utf8_count_code_points(std::string_view(t->content).substr(0, cut));
    return std::min(n, cps);
  }
  if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
    if (bytes <= kRunBytes || items_left < 2) return 0;
    n = std::min<std::uint64_t>(n, items_left - 1);
    std::size_t used = kRunBytes;
    std::uint64_t k = 0;
    while (k < n && used + value_bytes(l->values[k]) <= bytes) used += value_bytes(l->values[k++]);
    return k;
  }
  return bytes > kRunBytes ? n : 0;  // a delete run costs the same at any length
}

}  // namespace

std::vector<doc_delta> split_delta(const doc_delta& d, const chunk_limits& limits) {
  const std::size_t max_bytes = std::max<std::size_t>(limits.max_bytes, kMessageBytes + 4 * kRunBytes);
  const std::uint64_t max_ops = std::max<std::uint64_t>(limits.max_ops, 1);
  const std::uint64_t max_items = std::max<std::uint64_t>(limits.max_items, 4);
  std::vector<doc_delta> chunks;
  builder b(d);
  // Tombstones of ops the input does not hold (the receiver has them)
  // lead; the rest go with their ops.
  for (const id_range& r : unheld_tombstones(d)) {
    if (!b.empty() && (b.bytes() + b.tombstone_cost(r) > max_bytes || b.items() + 1 > max_items)) {
      chunks.push_back(b.take());
    }
    b.add_tombstones(r);
  }
  for (const doc_op& original : d.ops) {
    doc_op op = original;
    for (;;) {
      const std::size_t cost = b.cost(op);
      if (b.bytes() + cost <= max_bytes && b.ops() + weft::internal::op_size(op) <= max_ops &&
          b.items() + run_items(op) <= max_items) {
        b.add(std::move(op));
        break;
      }
      if (splittable(op)) {
        const std::size_t room = max_bytes - std::min(max_bytes, b.bytes() + (cost - run_bytes(op)));
        const std::uint64_t n = fitting(op, room, max_ops - std::min(max_ops, b.ops()),
                                        max_items - std::min(max_items, b.items()));
        if (n > 0) {
          b.add(take_front(op, n));
          chunks.push_back(b.take());
          continue;
        }
      }
      if (b.empty()) {  // an op too big for any chunk: it goes alone
        b.add(std::move(op));
        chunks.push_back(b.take());
        break;
      }
      chunks.push_back(b.take());
    }
  }
  if (!b.empty()) chunks.push_back(b.take());
  return chunks;
}

std::size_t estimated_bytes(const doc_delta& d) {
  builder b(d);
  for (const id_range& r : unheld_tombstones(d)) b.add_tombstones(r);
  for (const doc_op& op : d.ops) b.add(op);
  return b.bytes();
}

version_vector tops(const doc_delta& d) {
  version_vector v;
  for (const doc_op& op : d.ops) {
    const op_id start = run_start(op);
    const std::uint64_t n = weft::internal::op_size(op);
    if (n == 0) continue;
    const seq_t end = start.seq > max_seq + 1 - n ? max_seq + 1 : start.seq + n;
    v.advance(start.replica, end);
  }
  return v;
}

result<void> check(const doc_delta& d) {
  const auto rows = d.containers.size();
  for (std::size_t i = 0; i < rows; ++i) {
    const auto& c = d.containers[i];
    if (c.how == container_desc::kind::derived && c.parent >= i) {
      return make_error(errc::corrupted, fmt::format("chunk row {} precedes its parent", i));
    }
  }
  std::vector<bool> used(rows, false);
  auto use = [&](std::uint32_t c) -> result<void> {
    if (c >= rows) return make_error(errc::corrupted, fmt::format("chunk names row {} of {}", c, rows));
    used[c] = true;
    return {};
  };
  for (const doc_op& op : d.ops) {
    if (shallow(op)) continue;
    WEFT_TRY(use(op.container));
    if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
      for (const auto& v : l->values) {
        if (const auto* s = std::get_if<container_slot>(&v)) WEFT_TRY(use(s->index));
      }
    } else if (const auto* m = std::get_if<map_write>(&op.op)) {
      if (m->value) {
        if (const auto* s = std::get_if<container_slot>(&*m->value)) WEFT_TRY(use(s->index));
      }
    }
  }
  // Derived rows are used through their children.
  for (std::size_t i = rows; i-- > 0;) {
    const auto& c = d.containers[i];
    if (used[i] && c.how == container_desc::kind::derived) used[c.parent] = true;
  }
  for (std::size_t i = 0; i < rows; ++i) {
    if (!used[i]) return make_error(errc::corrupted, fmt::format("chunk row {} is unused", i));
  }
  return {};
}

}  // namespace weft::sync::internal
