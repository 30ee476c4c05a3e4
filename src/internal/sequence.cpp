// Copyright 2026 The weft Authors. MIT License.

#include "weft/internal/sequence.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <utility>

#include "absl/container/btree_map.h"
#include "fmt/format.h"
#include "weft/assert.hpp"

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
    assign_slow(begin, end, leaf, limit);
    auto last = std::prev(map_.end());
    tail_key_ = last->first;
    tail_ = last->second;
  }

  std::size_t size() const noexcept { return map_.size(); }
  void clear() {
    map_.clear();
    tail_ = nullptr;
    tail_key_ = 0;
  }

 private:
  void assign_slow(lv_t begin, lv_t end, leaf_node* leaf, lv_t limit) {
    auto next = map_.upper_bound(begin);
    if (next != map_.begin() && std::prev(next)->second == leaf &&
        (next == map_.end() || next->first >= end)) {
      return;  // already so
    }
    // What governs `end` must keep governing it. Nothing may, while a copy
    // is being built out of lv order.
    leaf_node* after = nullptr;
    if (end < limit) {
      auto gov = map_.upper_bound(end);
      if (gov != map_.begin()) after = std::prev(gov)->second;
    }
    map_.erase(map_.lower_bound(begin), map_.upper_bound(end));
    auto at = map_.lower_bound(begin);
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

namespace {

void add(seq_metrics& m, const seq_item& it) {
  m.vis += it.vis();
  m.width += it.deleted() ? 0 : it.width;
  m.raw += it.len();
}

void add(seq_metrics& a, const seq_metrics& b) {
  a.vis += b.vis;
  a.width += b.width;
  a.raw += b.raw;
}

seq_metrics sum_leaf(const leaf_node* leaf) {
  seq_metrics m;
  for (std::uint32_t i = 0; i < leaf->count; ++i) add(m, leaf->items[i]);
  return m;
}

seq_metrics sum_inner(const inner_node* node) {
  seq_metrics m;
  for (std::uint32_t i = 0; i < node->count; ++i) add(m, node->m[i]);
  return m;
}

bool same(const seq_metrics& a, const seq_metrics& b) {
  return a.vis == b.vis && a.width == b.width && a.raw == b.raw;
}

// mergeable reports whether b continues a as one run.
bool mergeable(const seq_item& a, const seq_item& b) {
  return a.deleted() == b.deleted() && a.end() == b.lv &&
         b.origin_left == a.end() - 1 && a.origin_right == b.origin_right &&
         std::uint64_t{a.len()} + b.len() <= seq_item::max_len;
}

}  // namespace

sequence::sequence(const sequence_hooks& hooks, const void* ctx)
    : hooks_(hooks), ctx_(ctx), index_(std::make_unique<lv_index>()) {
  auto* leaf = new leaf_node();
  root_ = leaf;
  first_leaf_ = last_leaf_ = leaf;
  leaves_ = 1;
}

sequence::~sequence() { clear(); }

void sequence::clear() {
  if (root_ == nullptr) return;
  // Leaves are chained; inner nodes are freed level by level from the root.
  std::vector<inner_node*> level;
  if (height_ > 0) level.push_back(static_cast<inner_node*>(root_));
  while (!level.empty()) {
    std::vector<inner_node*> below;
    for (inner_node* n : level) {
      if (!n->leaf_children) {
        for (std::uint32_t i = 0; i < n->count; ++i) {
          below.push_back(static_cast<inner_node*>(n->child[i]));
        }
      }
      delete n;
    }
    level.swap(below);
  }
  for (leaf_node* l = first_leaf_; l != nullptr;) {
    leaf_node* next = l->next;
    delete l;
    l = next;
  }
  root_ = nullptr;
  first_leaf_ = last_leaf_ = nullptr;
  height_ = 0;
  total_ = {};
  items_ = leaves_ = inners_ = 0;
  max_end_ = 0;
  index_->clear();
  hint_leaf_ = nullptr;
  ++epoch_;
}

void sequence::copy_from(const sequence& other) {
  clear();
  auto* leaf = new leaf_node();
  root_ = leaf;
  first_leaf_ = last_leaf_ = leaf;
  leaves_ = 1;
  other.for_each([&](const seq_item& it) {
    max_end_ = std::max(max_end_, it.end());
    insert_item(last_leaf_, last_leaf_->count, it);
    return true;
  });
}

// ---------------------------------------------------------------------------
// Lookup

sequence::cursor sequence::find_visible(std::uint32_t pos) const {
  WEFT_ASSERT(pos < total_.vis, "find_visible past the end");
  leaf_node* leaf = nullptr;
  std::uint32_t p = pos;
  if (hint_leaf_ != nullptr && pos >= hint_start_) {
    const std::uint32_t in_leaf = hint_leaf_->parent != nullptr
                                      ? hint_leaf_->parent->m[hint_leaf_->slot].vis
                                      : total_.vis;
    if (pos - hint_start_ < in_leaf) {
      leaf = hint_leaf_;
      p = pos - hint_start_;
    }
  }
  if (leaf == nullptr) {
    std::uint32_t start = 0;
    void* node = root_;
    for (std::uint32_t h = height_; h > 0; --h) {
      auto* in = static_cast<inner_node*>(node);
      std::uint32_t i = 0;
      while (p >= in->m[i].vis) {
        p -= in->m[i].vis;
        start += in->m[i].vis;
        ++i;
        WEFT_ASSERT(i < in->count, "visible counts disagree with the tree");
      }
      node = in->child[i];
    }
    leaf = static_cast<leaf_node*>(node);
    hint_leaf_ = leaf;
    hint_start_ = start;
  }
  for (std::uint32_t i = 0; i < leaf->count; ++i) {
    const std::uint32_t v = leaf->items[i].vis();
    if (p < v) return cursor{leaf, i, p};
    p -= v;
  }
  WEFT_ASSERT(false, "visible position not found in its leaf");
  return {};
}

sequence::cursor sequence::find_raw(std::uint32_t raw) const {
  if (raw >= total_.raw) return cursor{last_leaf_, last_leaf_->count, 0};
  void* node = root_;
  std::uint32_t p = raw;
  for (std::uint32_t h = height_; h > 0; --h) {
    auto* in = static_cast<inner_node*>(node);
    std::uint32_t i = 0;
    while (p >= in->m[i].raw) {
      p -= in->m[i].raw;
      ++i;
      WEFT_ASSERT(i < in->count, "raw counts disagree with the tree");
    }
    node = in->child[i];
  }
  auto* leaf = static_cast<leaf_node*>(node);
  for (std::uint32_t i = 0; i < leaf->count; ++i) {
    const std::uint32_t n = leaf->items[i].len();
    if (p < n) return cursor{leaf, i, p};
    p -= n;
  }
  WEFT_ASSERT(false, "raw position not found in its leaf");
  return {};
}

sequence::cursor sequence::find_lv(lv_t lv) const {
  leaf_node* leaf = index_->find(lv);
  for (std::uint32_t i = 0; i < leaf->count; ++i) {
    const seq_item& it = leaf->items[i];
    if (lv >= it.lv && lv < it.end()) return cursor{leaf, i, lv - it.lv};
  }
  WEFT_ASSERT(false, "lv index points at a leaf without the lv");
  return {};
}

std::uint32_t sequence::item_width(const seq_item& it, std::uint32_t off,
                                   std::uint32_t len) const {
  if (it.deleted() || len == 0) return 0;
  if (it.width == it.len()) return len;
  if (off == 0 && len == it.len()) return it.width;
  return hooks_.width(ctx_, it.lv + off, len);
}

seq_metrics sequence::rank_of(const cursor& c) const {
  seq_metrics m;
  const leaf_node* leaf = c.leaf;
  for (std::uint32_t i = 0; i < c.idx && i < leaf->count; ++i) add(m, leaf->items[i]);
  if (c.idx < leaf->count && c.off > 0) {
    const seq_item& it = leaf->items[c.idx];
    m.raw += c.off;
    if (!it.deleted()) {
      m.vis += c.off;
      m.width += item_width(it, 0, c.off);
    }
  }
  const inner_node* p = leaf->parent;
  std::uint32_t slot = leaf->slot;
  while (p != nullptr) {
    for (std::uint32_t i = 0; i < slot; ++i) add(m, p->m[i]);
    slot = p->slot;
    p = p->parent;
  }
  return m;
}

std::uint32_t sequence::raw_of(lv_t lv) const { return rank_of(find_lv(lv)).raw; }

seq_metrics sequence::rank(lv_t lv, bool* visible) const {
  const cursor c = find_lv(lv);
  if (visible != nullptr) *visible = !c.leaf->items[c.idx].deleted();
  return rank_of(c);
}

lv_t sequence::lv_at(std::uint32_t pos) const {
  const cursor c = find_visible(pos);
  return c.leaf->items[c.idx].lv + c.off;
}

std::uint32_t sequence::width_at(std::uint32_t pos) const {
  if (pos >= total_.vis) return total_.width;
  return rank_of(find_visible(pos)).width;
}

bool sequence::pos_at_width(std::uint32_t width, std::uint32_t* pos) const {
  if (width >= total_.width) {
    *pos = total_.vis;
    return width == total_.width;
  }
  void* node = root_;
  std::uint32_t w = width;
  std::uint32_t p = 0;
  for (std::uint32_t h = height_; h > 0; --h) {
    auto* in = static_cast<inner_node*>(node);
    std::uint32_t i = 0;
    while (w >= in->m[i].width) {
      w -= in->m[i].width;
      p += in->m[i].vis;
      ++i;
      WEFT_ASSERT(i < in->count, "widths disagree with the tree");
    }
    node = in->child[i];
  }
  auto* leaf = static_cast<leaf_node*>(node);
  for (std::uint32_t i = 0; i < leaf->count; ++i) {
    const seq_item& it = leaf->items[i];
    if (it.deleted()) continue;
    if (w < it.width) {
      if (it.width == it.len()) {
        *pos = p + w;
        return true;
      }
      const std::int64_t n = hooks_.prefix(ctx_, it.lv, it.len(), w);
      if (n < 0) return false;
      *pos = p + static_cast<std::uint32_t>(n);
      return true;
    }
    w -= it.width;
    p += it.len();
  }
  WEFT_ASSERT(false, "width not found in its leaf");
  return false;
}

void sequence::visible_spans(std::uint32_t pos, std::uint32_t len,
                             std::vector<lv_span>& out) const {
  if (len == 0 || pos >= total_.vis) return;
  cursor c = find_visible(pos);
  leaf_node* leaf = c.leaf;
  std::uint32_t idx = c.idx;
  std::uint32_t off = c.off;
  while (len > 0 && leaf != nullptr) {
    if (idx >= leaf->count) {
      leaf = leaf->next;
      idx = 0;
      continue;
    }
    const seq_item& it = leaf->items[idx];
    if (!it.deleted()) {
      const std::uint32_t take = std::min(len, it.len() - off);
      out.push_back(lv_span{it.lv + off, it.lv + off + take});
      len -= take;
    }
    off = 0;
    ++idx;
  }
}

// ---------------------------------------------------------------------------
// Structure

void sequence::bump(leaf_node* leaf, std::int64_t dvis, std::int64_t dwidth,
                    std::int64_t draw) {
  if (leaf != hint_leaf_) hint_leaf_ = nullptr;
  const auto v = static_cast<std::uint32_t>(dvis);
  const auto w = static_cast<std::uint32_t>(dwidth);
  const auto r = static_cast<std::uint32_t>(draw);
  std::uint32_t slot = leaf->slot;
  for (inner_node* p = leaf->parent; p != nullptr; p = p->parent) {
    p->m[slot].vis += v;
    p->m[slot].width += w;
    p->m[slot].raw += r;
    slot = p->slot;
  }
  total_.vis += v;
  total_.width += w;
  total_.raw += r;
}

void sequence::add_child(inner_node* parent, std::uint32_t slot, void* child,
                         const seq_metrics& m) {
  if (parent->count == inner_capacity) {
    split_inner(parent);
    const std::uint32_t half = inner_capacity / 2;
    if (slot > half) {
      parent = static_cast<inner_node*>(
          parent->parent->child[parent->slot + 1]);
      slot -= half;
    }
  }
  for (std::uint32_t i = parent->count; i > slot; --i) {
    parent->child[i] = parent->child[i - 1];
    parent->m[i] = parent->m[i - 1];
  }
  parent->child[slot] = child;
  parent->m[slot] = m;
  ++parent->count;
  for (std::uint32_t i = slot; i < parent->count; ++i) {
    if (parent->leaf_children) {
      auto* c = static_cast<leaf_node*>(parent->child[i]);
      c->parent = parent;
      c->slot = i;
    } else {
      auto* c = static_cast<inner_node*>(parent->child[i]);
      c->parent = parent;
      c->slot = i;
    }
  }
}

void sequence::split_inner(inner_node* node) {
  const std::uint32_t half = inner_capacity / 2;
  auto* right = new inner_node();
  ++inners_;
  right->leaf_children = node->leaf_children;
  right->count = node->count - half;
  for (std::uint32_t i = 0; i < right->count; ++i) {
    right->child[i] = node->child[half + i];
    right->m[i] = node->m[half + i];
    if (right->leaf_children) {
      auto* c = static_cast<leaf_node*>(right->child[i]);
      c->parent = right;
      c->slot = i;
    } else {
      auto* c = static_cast<inner_node*>(right->child[i]);
      c->parent = right;
      c->slot = i;
    }
  }
  node->count = half;
  const seq_metrics ml = sum_inner(node);
  const seq_metrics mr = sum_inner(right);
  if (node->parent == nullptr) {
    auto* root = new inner_node();
    ++inners_;
    root->leaf_children = false;
    root->count = 2;
    root->child[0] = node;
    root->child[1] = right;
    root->m[0] = ml;
    root->m[1] = mr;
    node->parent = right->parent = root;
    node->slot = 0;
    right->slot = 1;
    root_ = root;
    ++height_;
    return;
  }
  node->parent->m[node->slot] = ml;
  add_child(node->parent, node->slot + 1, right, mr);
}

void sequence::refresh_up(leaf_node* leaf) {
  seq_metrics m = sum_leaf(leaf);
  std::uint32_t slot = leaf->slot;
  for (inner_node* p = leaf->parent; p != nullptr; p = p->parent) {
    p->m[slot] = m;
    m = sum_inner(p);
    slot = p->slot;
  }
  WEFT_ASSERT(same(m, total_), "a split changed the totals");
}

leaf_node* sequence::split_leaf(leaf_node* leaf) {
  const std::uint32_t half = leaf_capacity / 2;
  auto* right = new leaf_node();
  ++leaves_;
  right->count = leaf->count - half;
  std::memcpy(right->items, leaf->items + half, right->count * sizeof(seq_item));
  leaf->count = half;
  right->prev = leaf;
  right->next = leaf->next;
  if (leaf->next != nullptr) leaf->next->prev = right;
  leaf->next = right;
  if (last_leaf_ == leaf) last_leaf_ = right;

  const seq_metrics ml = sum_leaf(leaf);
  const seq_metrics mr = sum_leaf(right);
  if (leaf->parent == nullptr) {
    auto* root = new inner_node();
    ++inners_;
    root->leaf_children = true;
    root->count = 2;
    root->child[0] = leaf;
    root->child[1] = right;
    root->m[0] = ml;
    root->m[1] = mr;
    leaf->parent = right->parent = root;
    leaf->slot = 0;
    right->slot = 1;
    root_ = root;
    height_ = 1;
  } else {
    leaf->parent->m[leaf->slot] = ml;
    add_child(leaf->parent, leaf->slot + 1, right, mr);
    // Inner splits above summed their children while the new leaf was not
    // yet in place; re-sum both paths to the root.
    refresh_up(leaf);
    refresh_up(right);
  }
  // Re-point the moved items' lvs, one assignment per stretch of
  // consecutive lvs (split pieces of one run usually sit side by side).
  lv_span moved[leaf_capacity];
  std::uint32_t n = 0;
  for (std::uint32_t i = 0; i < right->count; ++i) {
    moved[n++] = lv_span{right->items[i].lv, right->items[i].end()};
  }
  std::sort(moved, moved + n,
            [](const lv_span& a, const lv_span& b) { return a.begin < b.begin; });
  std::uint32_t i = 0;
  while (i < n) {
    lv_span span = moved[i++];
    while (i < n && moved[i].begin == span.end) span.end = moved[i++].end;
    index_->assign(span.begin, span.end, right, max_end_);
  }
  return right;
}

sequence::cursor sequence::insert_item(leaf_node* leaf, std::uint32_t idx,
                                       const seq_item& item) {
  if (leaf->count == leaf_capacity) {
    leaf_node* right = split_leaf(leaf);
    const std::uint32_t half = leaf_capacity / 2;
    if (idx > half) {
      leaf = right;
      idx -= half;
    }
  }
  std::memmove(leaf->items + idx + 1, leaf->items + idx,
               (leaf->count - idx) * sizeof(seq_item));
  leaf->items[idx] = item;
  ++leaf->count;
  ++items_;
  bump(leaf, item.vis(), item.deleted() ? 0 : item.width, item.len());
  index_->assign(item.lv, item.end(), leaf, max_end_);
  return cursor{leaf, idx, 0};
}

sequence::cursor sequence::split_at(const cursor& c) {
  seq_item& it = c.leaf->items[c.idx];
  WEFT_ASSERT(c.off > 0 && c.off < it.len(), "split outside an item");
  const std::uint32_t wl = item_width(it, 0, c.off);
  seq_item right = it;
  right.lv = it.lv + c.off;
  right.origin_left = right.lv - 1;
  right.len_flags = (it.len() - c.off) | (it.len_flags & seq_item::deleted_bit);
  right.width = it.deleted() ? 0 : it.width - wl;
  const bool vis = !it.deleted();
  it.len_flags = c.off | (it.len_flags & seq_item::deleted_bit);
  it.width = vis ? wl : 0;
  if (c.leaf->count < leaf_capacity) {
    // The leaf keeps every element and the index already maps the right
    // half here, so no metric or index changes.
    leaf_node* leaf = c.leaf;
    std::memmove(leaf->items + c.idx + 2, leaf->items + c.idx + 1,
                 (leaf->count - c.idx - 1) * sizeof(seq_item));
    leaf->items[c.idx + 1] = right;
    ++leaf->count;
    ++items_;
    return cursor{leaf, c.idx + 1, 0};
  }
  bump(c.leaf, vis ? -static_cast<std::int64_t>(right.len()) : 0,
       -static_cast<std::int64_t>(right.width), -static_cast<std::int64_t>(right.len()));
  return insert_item(c.leaf, c.idx + 1, right);
}

sequence::cursor sequence::place_at(cursor at, lv_t lv, std::uint32_t len,
                                    std::uint32_t width, lv_t origin_left,
                                    lv_t origin_right) {
  WEFT_ASSERT(len > 0 && len <= seq_item::max_len, "bad run length");
  if (at.off > 0) at = split_at(at);
  // Normalize an end-of-leaf cursor to the start of the next leaf so that
  // the previous item is found the same way everywhere.
  leaf_node* prev_leaf = at.leaf;
  std::uint32_t prev_idx = at.idx;
  if (prev_idx == 0) {
    prev_leaf = at.leaf->prev;
    prev_idx = prev_leaf != nullptr ? prev_leaf->count : 0;
  }
  max_end_ = std::max(max_end_, lv + len);
  if (prev_leaf != nullptr && prev_idx > 0) {
    seq_item& p = prev_leaf->items[prev_idx - 1];
    if (!p.deleted() && p.end() == lv && p.end() - 1 == origin_left &&
        p.origin_right == origin_right &&
        std::uint64_t{p.len()} + len <= seq_item::max_len) {
      const std::uint32_t off = p.len();
      p.len_flags += len;
      p.width += width;
      bump(prev_leaf, len, width, len);
      index_->assign(lv, lv + len, prev_leaf, max_end_);
      return cursor{prev_leaf, prev_idx - 1, off};
    }
  }
  seq_item item{lv, origin_left, origin_right, len, width};
  // Prefer the end of the previous leaf: it keeps the index entries of a
  // replica's run together.
  if (at.idx == 0 && prev_leaf != nullptr && prev_leaf != at.leaf &&
      prev_leaf->count < leaf_capacity) {
    return insert_item(prev_leaf, prev_leaf->count, item);
  }
  return insert_item(at.leaf, at.idx, item);
}

void sequence::try_merge(leaf_node* leaf, std::uint32_t idx) {
  if (idx + 1 < leaf->count && mergeable(leaf->items[idx], leaf->items[idx + 1])) {
    seq_item& a = leaf->items[idx];
    a.len_flags += leaf->items[idx + 1].len();
    a.width += leaf->items[idx + 1].width;
    std::memmove(leaf->items + idx + 1, leaf->items + idx + 2,
                 (leaf->count - idx - 2) * sizeof(seq_item));
    --leaf->count;
    --items_;
  }
  if (idx > 0 && mergeable(leaf->items[idx - 1], leaf->items[idx])) {
    seq_item& a = leaf->items[idx - 1];
    a.len_flags += leaf->items[idx].len();
    a.width += leaf->items[idx].width;
    std::memmove(leaf->items + idx, leaf->items + idx + 1,
                 (leaf->count - idx - 1) * sizeof(seq_item));
    --leaf->count;
    --items_;
  }
}

std::uint32_t sequence::delete_in_item(cursor c, std::uint32_t len) {
  {
    // Backspace and forward-delete at the edge of a run: the deleted
    // elements move straight into the neighbouring tombstone run they chain
    // with, with no split, no new item and no index change.
    seq_item& it = c.leaf->items[c.idx];
    const std::uint32_t k = std::min(len, it.len() - c.off);
    if (c.off > 0 && c.off + k == it.len() && c.idx + 1 < c.leaf->count) {
      seq_item& next = c.leaf->items[c.idx + 1];
      if (next.deleted() && next.lv == it.end() && next.origin_left == it.end() - 1 &&
          next.origin_right == it.origin_right) {
        const std::uint32_t w = item_width(it, c.off, k);
        it.len_flags -= k;
        it.width -= w;
        next.lv -= k;
        next.origin_left = next.lv - 1;
        next.len_flags += k;
        bump(c.leaf, -static_cast<std::int64_t>(k), -static_cast<std::int64_t>(w), 0);
        return k;
      }
    }
    if (c.off == 0 && k < it.len() && c.idx > 0) {
      seq_item& prev = c.leaf->items[c.idx - 1];
      if (prev.deleted() && prev.end() == it.lv && it.origin_left == prev.end() - 1 &&
          prev.origin_right == it.origin_right) {
        const std::uint32_t w = item_width(it, 0, k);
        prev.len_flags += k;
        it.lv += k;
        it.origin_left = it.lv - 1;
        it.len_flags -= k;
        it.width -= w;
        bump(c.leaf, -static_cast<std::int64_t>(k), -static_cast<std::int64_t>(w), 0);
        return k;
      }
    }
  }
  if (c.off > 0) c = split_at(c);
  seq_item* it = &c.leaf->items[c.idx];
  const std::uint32_t k = std::min(len, it->len());
  if (k < it->len()) {
    // Splitting off the tail may split the leaf and move this item.
    const lv_t lv = it->lv;
    split_at(cursor{c.leaf, c.idx, k});
    if (c.idx >= c.leaf->count || c.leaf->items[c.idx].lv != lv) c = find_lv(lv);
    it = &c.leaf->items[c.idx];
  }
  const std::uint32_t w = it->width;
  it->len_flags |= seq_item::deleted_bit;
  it->width = 0;
  bump(c.leaf, -static_cast<std::int64_t>(k), -static_cast<std::int64_t>(w), 0);
  try_merge(c.leaf, c.idx);
  return k;
}

// ---------------------------------------------------------------------------
// Edits

void sequence::insert_local(std::uint32_t pos, lv_t lv, std::uint32_t len,
                            std::uint32_t width, lv_t* origin_left,
                            lv_t* origin_right) {
  WEFT_ASSERT(pos <= total_.vis, "insert_local past the end");
  if (typing_.leaf != nullptr && pos == typing_.next_pos && epoch_ == typing_.epoch) {
    // Typing on where the last local insert ended: nothing has changed
    // since, so the new run extends that item (same origins chain).
    seq_item& it = typing_.leaf->items[typing_.idx];
    if (it.end() == lv && std::uint64_t{it.len()} + len <= seq_item::max_len) {
      *origin_left = lv - 1;
      *origin_right = it.origin_right;
      it.len_flags += len;
      it.width += width;
      max_end_ = std::max(max_end_, lv + len);
      bump(typing_.leaf, len, width, len);
      index_->assign(lv, lv + len, typing_.leaf, max_end_);
      typing_.next_pos += len;
      typing_.epoch = ++epoch_;
      return;
    }
  }
  ++epoch_;
  cursor at{};
  if (pos == total_.vis) {
    // After everything, trailing tombstones included.
    *origin_right = no_lv;
    at = cursor{last_leaf_, last_leaf_->count, 0};
    *origin_left = at.idx > 0 ? last_leaf_->items[at.idx - 1].end() - 1 : no_lv;
  } else {
    // Right before the visible element at pos, after any tombstones.
    at = find_visible(pos);
    const seq_item& it = at.leaf->items[at.idx];
    *origin_right = it.lv + at.off;
    if (at.off > 0) {
      *origin_left = it.lv + at.off - 1;
    } else if (at.idx > 0) {
      *origin_left = at.leaf->items[at.idx - 1].end() - 1;
    } else if (at.leaf->prev != nullptr) {
      const leaf_node* p = at.leaf->prev;
      *origin_left = p->items[p->count - 1].end() - 1;
    } else {
      *origin_left = no_lv;
    }
  }
  const cursor placed = place_at(at, lv, len, width, *origin_left, *origin_right);
  typing_ = typing_state{placed.leaf, placed.idx, pos + len, ++epoch_};
}

void sequence::erase_local(std::uint32_t pos, std::uint32_t len,
                           std::vector<lv_span>& out) {
  WEFT_ASSERT(std::uint64_t{pos} + len <= total_.vis, "erase_local past the end");
  ++epoch_;
  while (len > 0) {
    const cursor c = find_visible(pos);
    const lv_t lv = c.leaf->items[c.idx].lv + c.off;
    const std::uint32_t k = delete_in_item(c, len);
    out.push_back(lv_span{lv, lv + k});
    len -= k;
  }
}

void sequence::erase_lvs(lv_t begin, lv_t end, std::vector<seq_change>& out) {
  ++epoch_;
  lv_t lv = begin;
  while (lv < end) {
    const cursor c = find_lv(lv);
    const seq_item& it = c.leaf->items[c.idx];
    const std::uint32_t k = std::min<std::uint32_t>(end - lv, it.len() - c.off);
    if (!it.deleted()) {
      const seq_metrics before = rank_of(c);
      const std::uint32_t w = item_width(it, c.off, k);
      delete_in_item(c, k);
      out.push_back(seq_change{false, before.vis, before.width, k, w, lv});
    }
    lv += k;
  }
}

seq_change sequence::integrate(lv_t lv, std::uint32_t len, std::uint32_t width,
                               lv_t origin_left, lv_t origin_right) {
  ++epoch_;
  // The element right after the left origin. Without concurrency it is the
  // right origin and the run goes between them: no scan, no ranks.
  cursor next{};
  if (origin_left == no_lv) {
    next = cursor{first_leaf_, 0, 0};
  } else {
    next = find_lv(origin_left);
    next.off += 1;
    if (next.off == next.leaf->items[next.idx].len()) {
      next.off = 0;
      next.idx += 1;
    }
  }
  if (next.idx == next.leaf->count && next.leaf->next != nullptr) {
    next = cursor{next.leaf->next, 0, 0};
  }
  const bool at_end = next.idx == next.leaf->count;
  const lv_t next_lv = at_end ? no_lv : next.leaf->items[next.idx].lv + next.off;

  cursor at = next;
  if (next_lv != origin_right) {
    // FugueMax: scan the concurrent siblings between the origins. Ranks are
    // raw positions (tombstones count) so that deleted siblings still order.
    const std::int64_t raw_total = total_.raw;
    // Ranks are signed: the document start sits at -1.
    auto rank_or = [&](lv_t lv_or_none, std::int64_t none) -> std::int64_t {
      return lv_or_none == no_lv ? none : std::int64_t{raw_of(lv_or_none)};
    };
    const std::int64_t left = rank_or(origin_left, -1);
    const std::int64_t right = rank_or(origin_right, raw_total);
    std::int64_t i = left + 1;
    std::int64_t dest = i;
    bool scanning = false;
    cursor cur = next;
    while (true) {
      if (!scanning) dest = i;
      if (i >= raw_total || i == right) break;
      if (cur.idx == cur.leaf->count) cur = cursor{cur.leaf->next, 0, 0};
      const seq_item& other = cur.leaf->items[cur.idx];
      const std::int64_t oleft = cur.off > 0 ? i - 1 : rank_or(other.origin_left, -1);
      if (oleft < left) break;
      if (oleft == left) {
        const std::int64_t oright = rank_or(other.origin_right, raw_total);
        if (oright == right) {
          if (hooks_.before(ctx_, lv, other.lv + cur.off)) break;
          scanning = false;
        } else {
          scanning = oright < right;
        }
      }
      // The rest of the item chains off this element: skip it whole, but
      // stop at the right origin if it lies inside.
      const std::int64_t item_end = i + (other.len() - cur.off);
      if (right > i && right < item_end) {
        i = right;
        continue;
      }
      i = item_end;
      cur = cursor{cur.leaf, cur.idx + 1, 0};
    }
    at = find_raw(static_cast<std::uint32_t>(dest));
    if (at.idx == at.leaf->count && at.leaf->next != nullptr) {
      at = cursor{at.leaf->next, 0, 0};
    }
  }
  const cursor placed = place_at(at, lv, len, width, origin_left, origin_right);
  const seq_metrics before = rank_of(placed);
  return seq_change{true, before.vis, before.width, len, width, lv};
}

// ---------------------------------------------------------------------------
// Accounting and checks

std::size_t sequence::memory_usage() const noexcept {
  // An absl::btree_map node holds 256 bytes of entries of 16 bytes each,
  // about 3/4 full on average.
  const std::size_t index_bytes = index_->size() * 16 * 4 / 3;
  return sizeof(*this) + leaves_ * sizeof(leaf_node) +
         inners_ * sizeof(inner_node) + index_bytes + sizeof(lv_index);
}

std::string sequence::check(bool deep) const {
  if (root_ == nullptr || first_leaf_ == nullptr || last_leaf_ == nullptr) {
    return "sequence has no root";
  }
  const seq_metrics root_sum = height_ == 0
                                   ? sum_leaf(static_cast<leaf_node*>(root_))
                                   : sum_inner(static_cast<inner_node*>(root_));
  if (!same(root_sum, total_)) return "root metrics differ from the totals";
  if (first_leaf_->prev != nullptr || last_leaf_->next != nullptr) {
    return "leaf chain is not terminated";
  }
  if (!deep) return {};

  // Walk the tree level by level, checking parents, slots and metrics.
  std::vector<const leaf_node*> leaves;
  std::size_t inner_count = 0;
  std::vector<const void*> level{root_};
  for (std::uint32_t h = height_; h > 0; --h) {
    std::vector<const void*> below;
    for (const void* n : level) {
      const auto* in = static_cast<const inner_node*>(n);
      ++inner_count;
      if (in->count == 0 || in->count > inner_capacity) return "inner node size";
      if ((h == 1) != in->leaf_children) return "inner node at wrong height";
      if (in->parent == nullptr && in != root_) return "orphan inner node";
      for (std::uint32_t i = 0; i < in->count; ++i) {
        if (in->leaf_children) {
          const auto* c = static_cast<const leaf_node*>(in->child[i]);
          if (c->parent != in || c->slot != i) return "leaf parent/slot";
          if (!same(sum_leaf(c), in->m[i])) return "leaf metrics in parent";
        } else {
          const auto* c = static_cast<const inner_node*>(in->child[i]);
          if (c->parent != in || c->slot != i) return "inner parent/slot";
          if (!same(sum_inner(c), in->m[i])) return "inner metrics in parent";
        }
        below.push_back(in->child[i]);
      }
    }
    level.swap(below);
  }
  for (const void* n : level) leaves.push_back(static_cast<const leaf_node*>(n));
  if (inner_count != inners_ || leaves.size() != leaves_) return "node counts";

  const leaf_node* chain = first_leaf_;
  std::size_t item_count = 0;
  std::vector<lv_span> spans;
  for (std::size_t i = 0; i < leaves.size(); ++i, chain = chain->next) {
    const leaf_node* l = leaves[i];
    if (chain != l) return "leaf chain differs from tree order";
    if (l->count == 0 && leaves.size() > 1) return "empty leaf";
    if (l->count > leaf_capacity) return "leaf overfull";
    for (std::uint32_t j = 0; j < l->count; ++j) {
      const seq_item& it = l->items[j];
      if (it.len() == 0) return "empty item";
      if (it.deleted() && it.width != 0) return "deleted item with width";
      if (!it.deleted() && it.width != hooks_.width(ctx_, it.lv, it.len())) {
        return fmt::format("item at lv {} has width {} but content says {}", it.lv,
                           it.width, hooks_.width(ctx_, it.lv, it.len()));
      }
      if (it.end() > max_end_) return "item beyond max_end";
      if (!index_->governs_only(it.lv, it.end(), l)) {
        return fmt::format("lv index does not map lv {}..{} to its leaf", it.lv,
                           it.end());
      }
      spans.push_back(lv_span{it.lv, it.end()});
      ++item_count;
    }
  }
  if (chain != nullptr) return "leaf chain longer than the tree";
  if (item_count != items_) return "item count";
  std::sort(spans.begin(), spans.end(),
            [](const lv_span& a, const lv_span& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].begin < spans[i - 1].end) return "two items share an lv";
  }
  return {};
}

}  // namespace weft::internal
