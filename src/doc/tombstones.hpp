// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/tombstones.hpp
// -----------------------------------------------------------------------------
//
// Tombstone sets (doc_delta::tombstones, and a document's own) are vectors
// of id ranges ascending by (replica, begin), disjoint and never adjacent:
// flat, because a state-only snapshot brings thousands of them at once and
// a document only ever merges them whole and asks which ids of a new run
// they hold.

#ifndef WEFT_SRC_DOC_TOMBSTONES_HPP_
#define WEFT_SRC_DOC_TOMBSTONES_HPP_

#include <vector>

#include "weft/op_id.hpp"

namespace weft::internal {

// range_less orders ranges by (replica, begin).
inline bool range_less(const id_range& a, const id_range& b) {
  return a.replica < b.replica || (a.replica == b.replica && a.begin < b.begin);
}

// merge_tombstones adds the ranges of `more` (a tombstone set) to `set`
// and appends to `fresh` (when given) the ids that `set` lacked, as
// disjoint ranges (in order, but not merged with what `fresh` held).
void merge_tombstones(std::vector<id_range>& set, const std::vector<id_range>& more,
                      std::vector<id_range>* fresh);

// normalize_tombstones sorts `ranges` and merges those that overlap or
// touch, making a tombstone set of them.
void normalize_tombstones(std::vector<id_range>& ranges);

// overlap_tombstones appends to `out` the parts of `r` that `set` holds.
void overlap_tombstones(const std::vector<id_range>& set, const id_range& r,
                        std::vector<id_range>& out);

}  // namespace weft::internal

#endif  // WEFT_SRC_DOC_TOMBSTONES_HPP_
