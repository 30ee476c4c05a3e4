// Copyright 2026 The weft Authors. MIT License.
//
// The B-tree side of the sequence engine: construction, node splits, item
// insertion and splitting, metric upkeep, accounting and the invariant check.

#include <algorithm>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "sequence_detail.hpp"
#include "weft/assert.hpp"
#include "weft/internal/sequence.hpp"

namespace weft::internal {

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
  deferred_ = deferred_growth{};
  ++epoch_;
}

void sequence::copy_from(const sequence& other) {
  other.flush();
  std::vector<seq_item> items;
  items.reserve(other.items_);
  other.for_each([&](const seq_item& it) {
    items.push_back(it);
    return true;
  });
  assign(items);
}

namespace {

// Bulk-built nodes are filled to three quarters: edits that follow a load
// then rarely split at once.
constexpr std::uint32_t leaf_fill = leaf_capacity * 3 / 4;
constexpr std::uint32_t inner_fill = inner_capacity * 3 / 4;

// adopt points child `i` of `parent` back at its parent and slot.
void adopt(inner_node* parent, std::uint32_t i) {
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

// sort_by_lv sorts index entries by lv: a radix sort, 11 bits a pass, as
// a document's items come in document order, far from lv order, and there
// are tens of thousands of them.
void sort_by_lv(std::vector<std::pair<lv_t, leaf_node*>>& v) {
  if (v.size() < 256) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return;
  }
  lv_t top = 0;
  for (const auto& e : v) top = std::max(top, e.first);
  std::vector<std::pair<lv_t, leaf_node*>> tmp(v.size());
  for (unsigned shift = 0; shift < 32 && (top >> shift) != 0; shift += 11) {
    std::size_t count[2049] = {};
    for (const auto& e : v) ++count[((e.first >> shift) & 2047) + 1];
    for (std::size_t d = 1; d < 2049; ++d) count[d] += count[d - 1];
    for (const auto& e : v) tmp[count[(e.first >> shift) & 2047]++] = e;
    v.swap(tmp);
  }
}

}  // namespace

void sequence::assign(std::span<const seq_item> items) {
  clear();
  // Leaves first, chained, with their metrics; then each level of inner
  // nodes over the one below until one node is left: the root.
  std::vector<void*> level;
  std::vector<seq_metrics> metrics;
  std::vector<std::pair<lv_t, leaf_node*>> index;
  index.reserve(items.size());
  leaf_node* prev = nullptr;
  std::size_t i = 0;
  do {
    auto* leaf = new leaf_node();
    ++leaves_;
    leaf->prev = prev;
    if (prev != nullptr) {
      prev->next = leaf;
    } else {
      first_leaf_ = leaf;
    }
    seq_metrics m;
    for (; leaf->count < leaf_fill && i < items.size(); ++i) {
      const seq_item& it = items[i];
      WEFT_ASSERT(it.len() > 0 && (!it.deleted() || it.width == 0), "bad item to assign");
      leaf->items[leaf->count++] = it;
      add(m, it);
      index.emplace_back(it.lv, leaf);
      max_end_ = std::max(max_end_, it.end());
    }
    items_ += leaf->count;
    add(total_, m);
    level.push_back(leaf);
    metrics.push_back(m);
    prev = leaf;
  } while (i < items.size());
  last_leaf_ = prev;
  for (bool leaf_children = true; level.size() > 1; leaf_children = false) {
    std::vector<void*> up;
    std::vector<seq_metrics> up_metrics;
    for (std::size_t k = 0; k < level.size();) {
      auto* node = new inner_node();
      ++inners_;
      node->leaf_children = leaf_children;
      seq_metrics m;
      for (; node->count < inner_fill && k < level.size(); ++k) {
        node->child[node->count] = level[k];
        node->m[node->count] = metrics[k];
        adopt(node, node->count);
        add(m, metrics[k]);
        ++node->count;
      }
      up.push_back(node);
      up_metrics.push_back(m);
    }
    level.swap(up);
    metrics.swap(up_metrics);
    ++height_;
  }
  root_ = level.front();
  // One index entry where the leaf changes, in lv order.
  sort_by_lv(index);
  std::size_t kept = 0;
  for (const auto& e : index) {
    if (kept > 0 && index[kept - 1].second == e.second) continue;
    index[kept++] = e;
  }
  index.resize(kept);
  index_->assign_sorted(index);
}

// ---------------------------------------------------------------------------
// Structure

void sequence::flush() const {
  if (deferred_.leaf == nullptr) return;
  std::uint32_t slot = deferred_.leaf->slot;
  for (inner_node* p = deferred_.leaf->parent; p != nullptr; p = p->parent) {
    p->m[slot].vis += deferred_.vis;
    p->m[slot].width += deferred_.width;
    p->m[slot].raw += deferred_.raw;
    slot = p->slot;
  }
  deferred_ = deferred_growth{};
}

void sequence::bump(leaf_node* leaf, std::int64_t dvis, std::int64_t dwidth,
                    std::int64_t draw) {
  flush();
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
  for (std::uint32_t i = slot; i < parent->count; ++i) adopt(parent, i);
}

template <class Node>
void sequence::grow_root(Node* left, Node* right, const seq_metrics& ml,
                         const seq_metrics& mr) {
  auto* root = new inner_node();
  ++inners_;
  root->leaf_children = std::is_same_v<Node, leaf_node>;
  root->count = 2;
  root->child[0] = left;
  root->child[1] = right;
  root->m[0] = ml;
  root->m[1] = mr;
  left->parent = right->parent = root;
  left->slot = 0;
  right->slot = 1;
  root_ = root;
  ++height_;
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
    adopt(right, i);
  }
  node->count = half;
  const seq_metrics ml = sum_inner(node);
  const seq_metrics mr = sum_inner(right);
  if (node->parent == nullptr) {
    grow_root(node, right, ml, mr);
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
    grow_root(leaf, right, ml, mr);
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
  flush();
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

std::uint32_t sequence::delete_in_item(cursor c, std::uint32_t len, cursor* left,
                                       cursor* right) {
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
        if (left != nullptr) *left = c;
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
        if (right != nullptr) *right = c;
        return k;
      }
    }
  }
  const bool from_middle = c.off > 0;
  if (from_middle) c = split_at(c);
  seq_item* it = &c.leaf->items[c.idx];
  const std::uint32_t k = std::min(len, it->len());
  // The visible head left of the hole sits right before the deleted piece,
  // unless a second split below may move things between leaves.
  if (left != nullptr && from_middle && c.idx > 0 && k == it->len()) {
    *left = cursor{c.leaf, c.idx - 1, 0};
  }
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
// Accounting and checks

std::size_t sequence::memory_usage() const noexcept {
  // An absl::btree_map node holds 256 bytes of entries of 16 bytes each,
  // about 3/4 full on average.
  const std::size_t index_bytes = index_->size() * 16 * 4 / 3;
  return sizeof(*this) + leaves_ * sizeof(leaf_node) +
         inners_ * sizeof(inner_node) + index_bytes + sizeof(lv_index);
}

std::string sequence::check(bool deep) const {
  flush();
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
