// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: id_set.hpp
// -----------------------------------------------------------------------------
//
// An id_set is an arbitrary set of operation ids, kept per replica as sorted,
// coalesced, half-open ranges. Unlike a version vector it can hold gaps, which
// is what acknowledgements, delete sets and "ops I still owe you" need.

#ifndef WEFT_ID_SET_HPP_
#define WEFT_ID_SET_HPP_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/version_vector.hpp"

namespace weft {

class id_set;

namespace internal {
// check verifies that every replica's ranges are non-empty, sorted,
// disjoint and not adjacent (adjacent ones must have been coalesced).
result<void> check(const id_set& s);
}  // namespace internal

class id_set {
 public:
  id_set() = default;

  // insert adds one id or a range; overlapping and adjacent ranges coalesce.
  void insert(op_id id) { insert(id_range{id.replica, id.seq, id.seq + 1}); }
  void insert(const id_range& range);

  // erase removes a range (splitting stored ranges as needed).
  void erase(const id_range& range);

  bool contains(op_id id) const noexcept;

  // contains_all reports whether every id of `range` is in the set.
  bool contains_all(const id_range& range) const noexcept;

  // merge adds every id of `other`.
  void merge(const id_set& other);

  // subtract removes every id of `other`.
  void subtract(const id_set& other);

  // covered_by reports whether every id of the set is in version `v`.
  bool covered_by(const version_vector& v) const noexcept;

  // ranges returns all ranges ordered by (replica, begin).
  std::vector<id_range> ranges() const;

  // ranges_of returns the ranges of one replica in ascending order.
  std::vector<id_range> ranges_of(replica_id r) const;

  // count returns the number of ids (saturating at UINT64_MAX).
  std::uint64_t count() const noexcept;

  bool empty() const noexcept { return by_replica_.empty(); }

  std::string to_string() const;

  friend bool operator==(const id_set&, const id_set&) = default;
  friend result<void> internal::check(const id_set& s);

 private:
  // by_replica_[r] maps range begin -> range end; ranges are disjoint and
  // non-adjacent, and no replica maps to an empty set.
  std::map<replica_id, std::map<seq_t, seq_t>> by_replica_;
};

}  // namespace weft

#endif  // WEFT_ID_SET_HPP_
