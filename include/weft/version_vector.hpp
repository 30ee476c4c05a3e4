// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: version_vector.hpp
// -----------------------------------------------------------------------------
//
// A version vector records, per replica, how many of its operations have been
// seen. Because every operation consumes one sequence number and operations
// of a replica are integrated in sequence order, the count alone names the
// exact set {0 .. count-1} of that replica's operations.

#ifndef WEFT_VERSION_VECTOR_HPP_
#define WEFT_VERSION_VECTOR_HPP_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "weft/op_id.hpp"
#include "weft/result.hpp"

namespace weft {

class version_vector;

namespace internal {
// check verifies that entries are sorted by replica, unique and non-zero.
result<void> check(const version_vector& v);
}  // namespace internal

// causal_order relates two version vectors.
enum class causal_order : std::uint8_t {
  equal,       // the same operations
  before,      // strictly fewer: every op of *this is in the other
  after,       // strictly more: every op of the other is in *this
  concurrent,  // each has an op the other lacks
};

class version_vector {
 public:
  // entry is one replica's count. Entries with count 0 are never stored.
  struct entry {
    replica_id replica{};
    seq_t count = 0;
    friend bool operator==(const entry&, const entry&) = default;
  };

  version_vector() = default;

  // get returns how many ops of `r` have been seen (0 if none).
  seq_t get(replica_id r) const noexcept;

  // contains reports whether op `id` is in this version.
  bool contains(op_id id) const noexcept { return id.seq < get(id.replica); }

  // set_count sets the count of `r` (0 removes the entry). Callers that
  // integrate ops use advance(); this is for tests and decoders.
  void set_count(replica_id r, seq_t count);

  // advance raises the count of `r` to at least `count`.
  void advance(replica_id r, seq_t count);

  // merge raises every count to the maximum of both vectors.
  void merge(const version_vector& other);

  // compare reports how *this relates to `other`.
  causal_order compare(const version_vector& other) const noexcept;

  // includes reports whether every op in `other` is in *this.
  bool includes(const version_vector& other) const noexcept;

  // missing_from returns the ranges of ops that `other` has and *this lacks,
  // one per replica, ordered by replica id.
  std::vector<id_range> missing_from(const version_vector& other) const;

  // total returns the number of ops in this version, or an error if the sum
  // does not fit in 64 bits.
  result<std::uint64_t> total() const;

  // entries in ascending replica-id order.
  const std::vector<entry>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }

  // to_string renders `{replica:count, ...}` with replica ids in hex.
  std::string to_string() const;

  friend bool operator==(const version_vector&, const version_vector&) = default;
  friend result<void> internal::check(const version_vector& v);

 private:
  std::vector<entry> entries_;  // sorted by replica, counts > 0
};

}  // namespace weft

#endif  // WEFT_VERSION_VECTOR_HPP_
