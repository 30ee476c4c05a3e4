// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/sequence_detail.hpp
// -----------------------------------------------------------------------------
//
// Private parts of the sequence engine shared by its source files: the lv
// index and the metric helpers.

#ifndef WEFT_SRC_INTERNAL_SEQUENCE_DETAIL_HPP_
#define WEFT_SRC_INTERNAL_SEQUENCE_DETAIL_HPP_

#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "weft/assert.hpp"
#include "weft/internal/sequence.hpp"

namespace weft::internal {

// lv_index maps lv ranges to the leaf holding them. An entry `k -> leaf`
// governs every lv from k up to the next key, so a leaf that receives a run
// of items with consecutive lvs (the common case) costs one entry.
class lv_index {
 public:
  leaf_node* find(lv_t lv) const {
    auto it = map_.upper_bound(lv);
    WEFT_ASSERT(it != map_.begin(), "lv below every index entry");
    return std::prev(it)->second;
  }

  // assign makes [begin, end) map to `leaf`. Lvs from `limit` on hold no
  // item yet, so what governs them need not be preserved.
  void assign(lv_t begin, lv_t end, leaf_node* leaf, lv_t limit) {
    // Fresh lvs beyond the last key already map to the last entry's leaf:
    // the common case of a replica typing into one place costs nothing.
    if (!map_.empty() && begin >= tail_key_ && tail_ == leaf) return;
    if (!map_.empty() && begin > tail_key_ && end >= limit) {
      // Fresh lvs past the last key, with nothing after them to keep: one
      // entry appended at the end (remote runs landing all over the
      // document, as when loading a snapshot).
      map_.emplace_hint(map_.end(), begin, leaf);
      tail_key_ = begin;
      tail_ = leaf;
      return;
    }
    assign_slow(begin, end, leaf, limit);
    auto last = std::prev(map_.end());
    tail_key_ = last->first;
    tail_ = last->second;
  }

  // assign_sorted replaces the index with `entries`, ascending by lv, each
  // leaf differing from the one before.
  void assign_sorted(const std::vector<std::pair<lv_t, leaf_node*>>& entries) {
    map_.clear();
    for (const auto& [lv, leaf] : entries) map_.emplace_hint(map_.end(), lv, leaf);
    tail_key_ = entries.empty() ? 0 : entries.back().first;
    tail_ = entries.empty() ? nullptr : entries.back().second;
  }

  std::size_t size() const noexcept { return map_.size(); }
  void clear() {
    map_.clear();
    tail_ = nullptr;
    tail_key_ = 0;
  }

 private:
  void assign_slow(lv_t begin, lv_t end, leaf_node* leaf, lv_t limit) {
    // One descent; the keys inside [begin, end] are few (the pieces of one
    // run), so the rest is stepping.
    auto next = map_.upper_bound(begin);
    if (next != map_.begin() && std::prev(next)->second == leaf &&
        (next == map_.end() || next->first >= end)) {
      return;  // already so
    }
    auto first = next;  // first key >= begin
    if (first != map_.begin() && std::prev(first)->first == begin) --first;
    auto past = next;  // first key > end
    while (past != map_.end() && past->first <= end) ++past;
    // What governs `end` must keep governing it. Nothing may, while a copy
    // is being built out of lv order.
    leaf_node* after = nullptr;
    if (end < limit && past != map_.begin()) after = std::prev(past)->second;
    auto at = map_.erase(first, past);
    if (at == map_.begin() || std::prev(at)->second != leaf) {
      at = map_.emplace_hint(at, begin, leaf);
      ++at;
    }
    if (after != nullptr && after != leaf) {
      at = map_.emplace_hint(at, end, after);
      ++at;
      if (at != map_.end() && at->second == after) map_.erase(at);
    }
  }


 public:
  // governs_only reports whether all of [begin, end) maps to `leaf`.
  bool governs_only(lv_t begin, lv_t end, const leaf_node* leaf) const {
    auto it = map_.upper_bound(begin);
    if (it == map_.begin() || std::prev(it)->second != leaf) return false;
    for (; it != map_.end() && it->first < end; ++it) {
      if (it->second != leaf) return false;
    }
    return true;
  }

 private:
  absl::btree_map<lv_t, leaf_node*> map_;
  lv_t tail_key_ = 0;            // the last key of map_
  leaf_node* tail_ = nullptr;    // and its leaf
};

inline void add(seq_metrics& m, const seq_item& it) {
  m.vis += it.vis();
  m.width += it.deleted() ? 0 : it.width;
  m.raw += it.len();
}

inline void add(seq_metrics& a, const seq_metrics& b) {
  a.vis += b.vis;
  a.width += b.width;
  a.raw += b.raw;
}

inline seq_metrics sum_leaf(const leaf_node* leaf) {
  seq_metrics m;
  for (std::uint32_t i = 0; i < leaf->count; ++i) add(m, leaf->items[i]);
  return m;
}

inline seq_metrics sum_inner(const inner_node* node) {
  seq_metrics m;
  for (std::uint32_t i = 0; i < node->count; ++i) add(m, node->m[i]);
  return m;
}

inline bool same(const seq_metrics& a, const seq_metrics& b) {
  return a.vis == b.vis && a.width == b.width && a.raw == b.raw;
}

// mergeable reports whether b continues a as one run.
inline bool mergeable(const seq_item& a, const seq_item& b) {
  return a.deleted() == b.deleted() && a.end() == b.lv &&
         b.origin_left == a.end() - 1 && a.origin_right == b.origin_right &&
         std::uint64_t{a.len()} + b.len() <= seq_item::max_len;
}

}  // namespace weft::internal

#endif  // WEFT_SRC_INTERNAL_SEQUENCE_DETAIL_HPP_
