// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/sequence.hpp
// -----------------------------------------------------------------------------
//
// sequence is the replicated-sequence engine under weft::text (and lists):
// every element ever inserted, deleted ones included as tombstones, in
// document order, with FugueMax deciding where concurrent inserts go.
//
// Elements are named by lv (see id_map.hpp) and stored as runs: an item is a
// stretch of elements with consecutive lvs, each the left origin of the next,
// sharing one right origin and one deleted flag. Typing a paragraph is one
// item; items split only where an edit lands inside them.
//
// Items live in the leaves of a B-tree whose inner nodes keep, per child,
// the visible element count, its width (UTF-16 units for text) and the raw
// count including tombstones. So position -> item is a descent, item ->
// position a climb, both O(log n). A second index maps lv ranges to leaves,
// so op id -> item is O(log n) too. The engine knows nothing of content: it
// asks its owner for widths through a callback.

#ifndef WEFT_INTERNAL_SEQUENCE_HPP_
#define WEFT_INTERNAL_SEQUENCE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "weft/internal/id_map.hpp"
#include "weft/internal/op_log.hpp"

namespace weft::internal {

// seq_item is one run of elements. 20 bytes; the deleted flag lives in the
// top bit of the length.
struct seq_item {
  lv_t lv;
  lv_t origin_left;   // of the first element; no_lv: document start
  lv_t origin_right;  // of every element; no_lv: document end
  std::uint32_t len_flags;
  std::uint32_t width;  // width of the run while visible; 0 once deleted

  static constexpr std::uint32_t deleted_bit = 0x80000000u;
  static constexpr std::uint32_t max_len = 0x7FFFFFFFu;

  std::uint32_t len() const noexcept { return len_flags & max_len; }
  bool deleted() const noexcept { return (len_flags & deleted_bit) != 0; }
  std::uint32_t vis() const noexcept { return deleted() ? 0 : len(); }
  lv_t end() const noexcept { return lv + len(); }
};

// seq_metrics sums items: visible elements, their width, all elements.
struct seq_metrics {
  std::uint32_t vis = 0;
  std::uint32_t width = 0;
  std::uint32_t raw = 0;
};

// seq_change is a visible effect of a remote operation, positioned against
// the state after every earlier change of the same batch.
struct seq_change {
  bool insert;
  std::uint32_t pos;
  std::uint32_t width_pos;
  std::uint32_t len;
  std::uint32_t width;
  lv_t lv;  // first lv of the inserted elements (inserts only)
};

struct leaf_node;
struct inner_node;
class lv_index;

// sequence_hooks is how the engine asks its owner about content and ids.
struct sequence_hooks {
  // width returns the width of elements [lv, lv + len).
  std::uint32_t (*width)(const void* ctx, lv_t lv, std::uint32_t len);
  // prefix returns how many elements from `lv` (of at most `len`) span
  // exactly `width`, or -1 if `width` ends inside an element.
  std::int64_t (*prefix)(const void* ctx, lv_t lv, std::uint32_t len,
                         std::uint32_t width);
  // before reports whether a new run starting at `a` goes before the
  // concurrent run starting at `b` that has the same origins (FugueMax's
  // tie break: the smaller op id goes first).
  bool (*before)(const void* ctx, lv_t a, lv_t b);
};

class sequence {
 public:
  sequence(const sequence_hooks& hooks, const void* ctx);
  ~sequence();
  sequence(const sequence&) = delete;
  sequence& operator=(const sequence&) = delete;

  // copy_from replaces the contents with those of `other`.
  void copy_from(const sequence& other);
  // assign replaces the contents with `items`, in document order (each
  // element once, none empty, deleted ones without width).
  void assign(std::span<const seq_item> items);
  // rebuild places the elements `log` inserts into this empty sequence, by
  // FugueMax as integrating its runs one by one in lv order would (the log
  // of a plan that apply checked: every origin an earlier element), and
  // deleted where the log deletes them, in one pass over a linked list
  // instead of a descent per run; the elements of `dead` are deleted too
  // (tombstones). Returns false, changing nothing, when
  // the FugueMax scans would walk more than `scan_budget` elements in all
  // (by default 8 per element, plus 65536: integrate skips whole items, so
  // long scans are its job) or the log is not in that form; the caller
  // then integrates run by run.
  static constexpr std::uint64_t default_scan_budget = ~std::uint64_t{0};
  bool rebuild(const op_log& log, std::span<const lv_span> dead = {},
               std::uint64_t scan_budget = default_scan_budget);
  // rebind points the callbacks at a new owner (after a move or copy).
  void rebind(const void* ctx) noexcept { ctx_ = ctx; }

  std::uint32_t size() const noexcept { return total_.vis; }
  std::uint32_t width() const noexcept { return total_.width; }
  std::uint32_t raw_size() const noexcept { return total_.raw; }

  // insert_local places new elements [lv, lv + len) so that the first one
  // is visible at `pos` (<= size()), writing the origins it chose.
  void insert_local(std::uint32_t pos, lv_t lv, std::uint32_t len,
                    std::uint32_t width, lv_t* origin_left, lv_t* origin_right);

  // erase_local deletes `len` visible elements from `pos`, appending the
  // deleted lv ranges in document order to `out`.
  void erase_local(std::uint32_t pos, std::uint32_t len, std::vector<lv_span>& out);

  // integrate places remote elements [lv, lv + len) by FugueMax and
  // returns the change it made visible (its position only when `report`:
  // finding it costs a climb to the root).
  seq_change integrate(lv_t lv, std::uint32_t len, std::uint32_t width,
                       lv_t origin_left, lv_t origin_right, bool report = true);

  // erase_lvs deletes elements [begin, end) (already integrated), appending
  // each stretch that was visible until now to `out` (unless null).
  void erase_lvs(lv_t begin, lv_t end, std::vector<seq_change>* out);

  // lv_at returns the lv of the visible element at `pos` (< size()).
  lv_t lv_at(std::uint32_t pos) const;

  // rank returns the metrics of everything before element `lv`, and
  // whether it is visible.
  seq_metrics rank(lv_t lv, bool* visible) const;

  // width_at converts a visible position to a width offset. Both
  // conversions rely on every visible element being at least one unit wide
  // (a code point is one or two UTF-16 units; a list element is one), so
  // that width() == size() means every element is exactly one.
  std::uint32_t width_at(std::uint32_t pos) const;
  // pos_at_width converts a width offset to a visible position; false if it
  // falls inside an element.
  bool pos_at_width(std::uint32_t width, std::uint32_t* pos) const;

  // for_each visits items in document order until `fn` returns false.
  template <class F>
  void for_each(F&& fn) const;

  // visible_spans appends the lv ranges of visible elements
  // [pos, pos + len) in document order.
  void visible_spans(std::uint32_t pos, std::uint32_t len,
                     std::vector<lv_span>& out) const;

  std::size_t item_count() const noexcept { return items_; }
  std::size_t memory_usage() const noexcept;

  // check verifies the tree; deep also walks every item and the lv index.
  // Returns an empty string when sound, else what is wrong.
  std::string check(bool deep) const;

 private:
  struct cursor {
    leaf_node* leaf;
    std::uint32_t idx;
    std::uint32_t off;
  };

  // Lookup.
  cursor find_visible(std::uint32_t pos) const;
  cursor find_raw(std::uint32_t raw) const;
  cursor find_lv(lv_t lv) const;
  seq_metrics rank_of(const cursor& c) const;
  std::uint32_t raw_of(lv_t lv) const;
  std::uint32_t item_width(const seq_item& it, std::uint32_t off,
                           std::uint32_t len) const;

  // Mutation.
  cursor insert_item(leaf_node* leaf, std::uint32_t idx, const seq_item& item);
  cursor split_at(const cursor& c);
  cursor place_at(cursor at, lv_t lv, std::uint32_t len, std::uint32_t width,
                  lv_t origin_left, lv_t origin_right);
  // delete_in_item deletes up to `len` elements from `c` within one item.
  // Where it knows them cheaply, it sets *left to the visible item that ends
  // right before the deleted elements and *right to the one that starts
  // right after them (leaf stays null otherwise).
  std::uint32_t delete_in_item(cursor c, std::uint32_t len, cursor* left = nullptr,
                               cursor* right = nullptr);
  bool recent_hit(std::uint32_t pos, cursor* c) const;
  void try_merge(leaf_node* leaf, std::uint32_t idx);
  leaf_node* split_leaf(leaf_node* leaf);
  template <class Node>
  void grow_root(Node* left, Node* right, const seq_metrics& ml,
                 const seq_metrics& mr);
  void refresh_up(leaf_node* leaf);
  void split_inner(inner_node* node);
  void add_child(inner_node* parent, std::uint32_t slot, void* child,
                 const seq_metrics& m);
  void bump(leaf_node* leaf, std::int64_t dvis, std::int64_t dwidth,
            std::int64_t draw);
  // flush adds the deferred typing growth to the inner nodes; everything
  // that reads or changes inner metrics calls it first.
  void flush() const;
  void clear();

  sequence_hooks hooks_;
  const void* ctx_;
  lv_t max_end_ = 0;  // one past the highest lv of any item

  void* root_ = nullptr;  // leaf_node* when height_ == 0
  std::uint32_t height_ = 0;
  leaf_node* first_leaf_ = nullptr;
  leaf_node* last_leaf_ = nullptr;
  seq_metrics total_;
  std::size_t items_ = 0;
  std::size_t leaves_ = 0;
  std::size_t inners_ = 0;
  std::unique_ptr<lv_index> index_;

  // hint_ remembers the last local edit: the leaf it touched and how many
  // visible elements precede that leaf. Local edits cluster, so the next one
  // usually lands in the same leaf and skips the descent. Any edit outside
  // that leaf drops it.
  mutable leaf_node* hint_leaf_ = nullptr;
  mutable std::uint32_t hint_start_ = 0;

  // edit_mark names an item a local edit left behind, valid while epoch_
  // (bumped by every other mutation) has not moved since.
  struct edit_mark {
    leaf_node* leaf = nullptr;
    std::uint32_t idx = 0;
    std::uint32_t pos = 0;  // see typing_ and recent_
    std::uint64_t epoch = 0;
  };
  std::uint64_t epoch_ = 1;
  // typing_ is the item the last local insert extended or created, `pos`
  // the visible position after it: the next keystroke there extends it
  // again without any lookup.
  edit_mark typing_;
  // recent_ is the item the caret of the last local edit sits in, `pos` the
  // visible position of its first element: a backspace or an edit inside it
  // needs no lookup.
  edit_mark recent_;

  // deferred_ is growth of one leaf from the typing fast path that the
  // inner nodes have not seen yet (total_ has). Consecutive keystrokes then
  // cost no climb to the root.
  struct deferred_growth {
    leaf_node* leaf = nullptr;
    std::uint32_t vis = 0;
    std::uint32_t width = 0;
    std::uint32_t raw = 0;
  };
  mutable deferred_growth deferred_;

  friend struct sequence_access;
};

// Leaves and inner nodes are defined here so that for_each can inline.
inline constexpr std::uint32_t leaf_capacity = 32;
inline constexpr std::uint32_t inner_capacity = 16;

struct leaf_node {
  inner_node* parent = nullptr;
  std::uint32_t slot = 0;  // index in parent
  std::uint32_t count = 0;
  leaf_node* prev = nullptr;
  leaf_node* next = nullptr;
  seq_item items[leaf_capacity];
};

struct inner_node {
  inner_node* parent = nullptr;
  std::uint32_t slot = 0;
  std::uint32_t count = 0;
  bool leaf_children = false;
  void* child[inner_capacity];
  seq_metrics m[inner_capacity];
};

template <class F>
void sequence::for_each(F&& fn) const {
  for (const leaf_node* l = first_leaf_; l != nullptr; l = l->next) {
    for (std::uint32_t i = 0; i < l->count; ++i) {
      if (!fn(l->items[i])) return;
    }
  }
}

}  // namespace weft::internal

#endif  // WEFT_INTERNAL_SEQUENCE_HPP_
