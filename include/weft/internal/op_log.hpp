// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/op_log.hpp
// -----------------------------------------------------------------------------
//
// op_log is the history of a sequence in lv order, run-length encoded: what
// `delta_since` reads to send a peer exactly the operations it lacks. The
// document tree says where things are now; the log says what was done, with
// the original origins, so that any replica can replay it.
//
// An insert entry is a run of inserts whose first element has `origin_left`
// and each later one the element before it; all share `origin_right`. A
// delete entry is a run of deletes whose i-th op deletes `target + i`, or
// `target - i` when `backward` (holding backspace). Entries never merge
// across a change of the other's kind, so the two vectors interleave by lv.

#ifndef WEFT_INTERNAL_OP_LOG_HPP_
#define WEFT_INTERNAL_OP_LOG_HPP_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "weft/internal/id_map.hpp"

namespace weft::internal {

struct insert_entry {
  lv_t lv;
  std::uint32_t len;
  lv_t origin_left;
  lv_t origin_right;
  std::uint32_t content_off;    // into the owner's content store
  std::uint32_t content_bytes;  // length there (bytes for text, values for lists)
};

struct delete_entry {
  lv_t lv;
  std::uint32_t len;
  lv_t target;  // target of the first op
  bool backward;
};

class op_log {
 public:
  // add_insert records inserts [lv, lv + len), extending the last entry
  // when the new ops continue it.
  void add_insert(lv_t lv, std::uint32_t len, lv_t origin_left,
                  lv_t origin_right, std::uint32_t content_off,
                  std::uint32_t content_bytes);

  // add_delete records deletes [lv, lv + len) of targets starting at
  // `target`, extending the last entry where the targets continue it.
  void add_delete(lv_t lv, std::uint32_t len, lv_t target, bool backward);

  // find_insert returns the insert entry holding `lv`, or nullptr if `lv`
  // is not an insert.
  const insert_entry* find_insert(lv_t lv) const noexcept;

  // find_delete returns the delete entry holding `lv`, or nullptr.
  const delete_entry* find_delete(lv_t lv) const noexcept;

  // is_insert_range reports whether every lv of [begin, end) is an insert.
  bool is_insert_range(lv_t begin, lv_t end) const noexcept;

  const std::vector<insert_entry>& inserts() const noexcept { return inserts_; }
  // set_content points insert entry `i` at `bytes` bytes from `off` of its
  // owner's content store, which the owner has rewritten.
  void set_content(std::size_t i, std::uint32_t off, std::uint32_t bytes) noexcept {
    inserts_[i].content_off = off;
    inserts_[i].content_bytes = bytes;
  }
  const std::vector<delete_entry>& deletes() const noexcept { return deletes_; }

  // lower_insert / lower_delete return the index of the first entry that
  // ends after `lv`.
  std::size_t lower_insert(lv_t lv) const noexcept;
  std::size_t lower_delete(lv_t lv) const noexcept;

  std::size_t memory_usage() const noexcept {
    return inserts_.capacity() * sizeof(insert_entry) +
           deletes_.capacity() * sizeof(delete_entry);
  }

 private:
  std::vector<insert_entry> inserts_;  // ascending, disjoint lv ranges
  std::vector<delete_entry> deletes_;  // ascending, disjoint lv ranges
};

}  // namespace weft::internal

#endif  // WEFT_INTERNAL_OP_LOG_HPP_
