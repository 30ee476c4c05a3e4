// Copyright 2026 The weft Authors. MIT License.
//
// The editing side of the sequence engine: lookups, local edits and FugueMax
// integration of remote runs. The tree mechanics are in sequence_tree.cpp.

#include "weft/internal/sequence.hpp"

#include <algorithm>
#include <vector>

#include "sequence_detail.hpp"
#include "weft/assert.hpp"

namespace weft::internal {

// ---------------------------------------------------------------------------
// Lookup

sequence::cursor sequence::find_visible(std::uint32_t pos) const {
  flush();
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
  flush();
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
    // One unsigned compare: below it.lv wraps past every length.
    if (lv - it.lv < it.len()) return cursor{leaf, i, lv - it.lv};
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
  flush();
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
  // Every element one unit wide (text without astral characters, the JS
  // binding's every keystroke): nothing to look up.
  if (total_.width == total_.vis) return pos;
  return rank_of(find_visible(pos)).width;
}

bool sequence::pos_at_width(std::uint32_t width, std::uint32_t* pos) const {
  if (width >= total_.width) {
    *pos = total_.vis;
    return width == total_.width;
  }
  if (total_.width == total_.vis) {
    *pos = width;
    return true;
  }
  flush();
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
// Edits

void sequence::insert_local(std::uint32_t pos, lv_t lv, std::uint32_t len,
                            std::uint32_t width, lv_t* origin_left,
                            lv_t* origin_right) {
  WEFT_ASSERT(pos <= total_.vis, "insert_local past the end");
  if (typing_.leaf != nullptr && pos == typing_.pos && epoch_ == typing_.epoch) {
    // Typing on where the last local insert ended: nothing has changed
    // since, so the new run extends that item (same origins chain).
    seq_item& it = typing_.leaf->items[typing_.idx];
    if (it.end() == lv && std::uint64_t{it.len()} + len <= seq_item::max_len) {
      *origin_left = lv - 1;
      *origin_right = it.origin_right;
      it.len_flags += len;
      it.width += width;
      max_end_ = std::max(max_end_, lv + len);
      if (deferred_.leaf != typing_.leaf) {
        flush();
        deferred_.leaf = typing_.leaf;
      }
      deferred_.vis += len;
      deferred_.width += width;
      deferred_.raw += len;
      total_.vis += len;
      total_.width += width;
      total_.raw += len;
      if (typing_.leaf != hint_leaf_) hint_leaf_ = nullptr;
      index_->assign(lv, lv + len, typing_.leaf, max_end_);
      typing_.pos += len;
      typing_.epoch = ++epoch_;
      recent_ = edit_mark{typing_.leaf, typing_.idx, typing_.pos - it.len(), epoch_};
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
    if (!recent_hit(pos, &at)) at = find_visible(pos);
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
  typing_ = edit_mark{placed.leaf, placed.idx, pos + len, ++epoch_};
  recent_ = edit_mark{placed.leaf, placed.idx, pos - placed.off, epoch_};
}

bool sequence::recent_hit(std::uint32_t pos, cursor* c) const {
  if (recent_.leaf == nullptr || recent_.epoch != epoch_) return false;
  const seq_item& it = recent_.leaf->items[recent_.idx];
  if (!it.deleted() && pos >= recent_.pos && pos - recent_.pos < it.len()) {
    *c = cursor{recent_.leaf, recent_.idx, pos - recent_.pos};
    return true;
  }
  if (pos + 1 == recent_.pos && recent_.idx > 0) {
    const seq_item& prev = recent_.leaf->items[recent_.idx - 1];
    if (!prev.deleted()) {
      *c = cursor{recent_.leaf, recent_.idx - 1, prev.len() - 1};
      return true;
    }
  }
  return false;
}

void sequence::erase_local(std::uint32_t pos, std::uint32_t len,
                           std::vector<lv_span>& out) {
  WEFT_ASSERT(std::uint64_t{pos} + len <= total_.vis, "erase_local past the end");
  cursor c{};
  bool have = recent_hit(pos, &c);
  ++epoch_;
  recent_.leaf = nullptr;
  while (len > 0) {
    if (!have) c = find_visible(pos);
    have = false;
    const lv_t lv = c.leaf->items[c.idx].lv + c.off;
    cursor left{};
    cursor right{};
    const std::uint32_t k = delete_in_item(c, len, &left, &right);
    out.push_back(lv_span{lv, lv + k});
    len -= k;
    if (len == 0 && left.leaf != nullptr) {
      // The caret now sits after `left`, which ends right before pos: the
      // next backspace lands there.
      const std::uint32_t n = left.leaf->items[left.idx].len();
      recent_ = edit_mark{left.leaf, left.idx, pos - n, epoch_};
    } else if (len == 0 && right.leaf != nullptr) {
      // Or before `right`, which starts at pos: the next forward delete.
      recent_ = edit_mark{right.leaf, right.idx, pos, epoch_};
    }
  }
}

void sequence::erase_lvs(lv_t begin, lv_t end, std::vector<seq_change>* out) {
  ++epoch_;
  lv_t lv = begin;
  while (lv < end) {
    const cursor c = find_lv(lv);
    const seq_item& it = c.leaf->items[c.idx];
    const std::uint32_t k = std::min<std::uint32_t>(end - lv, it.len() - c.off);
    if (!it.deleted()) {
      if (out == nullptr) {
        delete_in_item(c, k);
      } else {
        const seq_metrics before = rank_of(c);
        const std::uint32_t w = item_width(it, c.off, k);
        delete_in_item(c, k);
        out->push_back(seq_change{false, before.vis, before.width, k, w, lv});
      }
    }
    lv += k;
  }
}

seq_change sequence::integrate(lv_t lv, std::uint32_t len, std::uint32_t width,
                               lv_t origin_left, lv_t origin_right, bool report) {
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
  if (!report) return seq_change{true, 0, 0, len, width, lv};
  const seq_metrics before = rank_of(placed);
  return seq_change{true, before.vis, before.width, len, width, lv};
}

}  // namespace weft::internal
