// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/deleted_set.hpp
// -----------------------------------------------------------------------------
//
// deleted_set collects the ids a delta's delete runs target, so that a
// state-only snapshot can leave out what deleted characters held: encoder
// and decoder derive the same set from the same delete runs, and the bytes
// need not say which characters are gone.

#ifndef WEFT_SRC_WIRE_DELETED_SET_HPP_
#define WEFT_SRC_WIRE_DELETED_SET_HPP_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "doc/tombstones.hpp"
#include "internal/hash_table.hpp"
#include "weft/doc_delta.hpp"

namespace weft::internal {

class deleted_set {
 public:
  // add records the targets of one delete run.
  void add(const text_delete_run& d) { add(d.target, d.length, d.backward); }
  void add(op_id target, std::uint64_t length, bool backward) {
    const seq_t lo = backward ? target.seq - (length - 1) : target.seq;
    ranges_[target.replica].emplace_back(lo, lo + length);
  }

  void add(const id_range& r) { ranges_[r.replica].emplace_back(r.begin, r.end); }

  // finish sorts and merges; call once after the last add.
  void finish() {
    last_ = nullptr;
    for (auto& [r, v] : ranges_) {
      std::sort(v.begin(), v.end());
      std::size_t out = 0;
      for (const auto& x : v) {
        if (out > 0 && x.first <= v[out - 1].second) {
          v[out - 1].second = std::max(v[out - 1].second, x.second);
        } else {
          v[out++] = x;
        }
      }
      v.resize(out);
    }
  }

  bool empty() const noexcept { return ranges_.empty(); }

  // ranges returns the set (after finish) ascending by (replica, begin).
  std::vector<id_range> ranges() const {
    std::vector<id_range> out;
    for (const auto& [r, v] : ranges_) {
      for (const auto& x : v) out.push_back(id_range{r, x.first, x.second});
    }
    std::sort(out.begin(), out.end(), range_less);
    return out;
  }

  // segments calls fn(length, deleted) for alternating stretches of ops
  // [id, id + n), in seq order.
  // Calls in seq order (a delta's runs of one replica) walk the ranges
  // from where the last call stopped instead of searching them.
  template <class F>
  void segments(op_id id, std::uint64_t n, F&& fn) const {
    if (last_ == nullptr || last_replica_ != id.replica) {
      const auto it = ranges_.find(id.replica);
      if (it == ranges_.end()) {
        fn(n, false);
        return;
      }
      last_ = &it->second;
      last_replica_ = id.replica;
      last_at_ = 0;
    }
    const auto& v = *last_;
    seq_t at = id.seq;
    const seq_t end = id.seq + n;
    auto r = v.begin() + static_cast<std::ptrdiff_t>(std::min(last_at_, v.size()));
    if (r != v.begin() && std::prev(r)->second > at) r = v.begin();  // out of order
    // The first range that ends after `at`: a few steps, else a search.
    for (int steps = 0; r != v.end() && r->second <= at; ++r) {
      if (++steps > 8) {
        r = std::upper_bound(r, v.end(), std::make_pair(at, ~seq_t{0}));
        if (r != v.begin() && std::prev(r)->second > at) --r;
        break;
      }
    }
    last_at_ = static_cast<std::size_t>(r - v.begin());
    while (at < end) {
      if (r == v.end() || r->first >= end) {
        fn(end - at, false);
        return;
      }
      if (r->first > at) {
        fn(r->first - at, false);
        at = r->first;
      }
      const seq_t stop = std::min(end, r->second);
      fn(stop - at, true);
      at = stop;
      ++r;
    }
  }

 private:
  hash_map<replica_id, std::vector<std::pair<seq_t, seq_t>>> ranges_;
  // Where segments last stopped: ranges_ of last_replica_, from last_at_.
  mutable const std::vector<std::pair<seq_t, seq_t>>* last_ = nullptr;
  mutable replica_id last_replica_{};
  mutable std::size_t last_at_ = 0;
};

// deleted_in collects the delete runs of `d`.
inline deleted_set deleted_in(const doc_delta& d) {
  deleted_set s;
  for (const doc_op& op : d.ops) {
    if (const auto* del = std::get_if<text_delete_run>(&op.op)) s.add(*del);
  }
  s.finish();
  return s;
}

}  // namespace weft::internal

#endif  // WEFT_SRC_WIRE_DELETED_SET_HPP_
