// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text.hpp
// -----------------------------------------------------------------------------
//
// weft::text is a replicated plain-text sequence: one replica's copy of a
// text that many replicas edit concurrently and merge without coordination.
//
// Concurrent inserts are ordered with FugueMax (Weidner, Gentle and
// Kleppmann, "The Art of the Fugue", 2023), which never interleaves the
// characters of two runs typed concurrently at the same place. See
// docs/text-crdt.md for the algorithm, its invariants and data structures.
//
// Positions are in Unicode code points; `to_utf16` and `from_utf16` convert
// to and from the UTF-16 code units JavaScript editors use, in O(log n).
//
// Replication is delta-state: `delta_since(v)` returns exactly the operations
// a replica at version `v` lacks, and `apply(delta)` integrates them. Apply is
// idempotent, commutative and associative; operations whose causal
// dependencies have not arrived yet wait in a pending buffer.
//
// A text is not thread-safe; it may be moved between threads.

#ifndef WEFT_TEXT_HPP_
#define WEFT_TEXT_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weft/anchor.hpp"
#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/text_change.hpp"
#include "weft/text_delta.hpp"
#include "weft/version_vector.hpp"

namespace weft {

namespace internal {
class text_impl;
}  // namespace internal

// text_options tunes limits; the defaults suit interactive documents.
struct text_options {
  // max_ops caps how many operations (own and remote) a text holds; beyond
  // it, edits fail with errc::capacity_exceeded. The hard limit is 2^32 - 2.
  std::uint64_t max_ops = 0xFFFFFFFEull;
  // max_pending_ops caps operations waiting for their causal dependencies;
  // a delta that would exceed it is refused with errc::capacity_exceeded.
  std::uint64_t max_pending_ops = 1u << 24;
};

class text {
 public:
  // Creates an empty text owned by a random replica id.
  text();
  explicit text(replica_id replica, text_options options = {});
  ~text();

  text(text&&) noexcept;
  text& operator=(text&&) noexcept;
  text(const text&) = delete;
  text& operator=(const text&) = delete;

  // clone returns an independent deep copy under the same replica id.
  // Give the copy its own id with `fork` if both will edit.
  text clone() const;
  // fork returns a deep copy that edits under `replica`.
  text fork(replica_id replica) const;

  replica_id replica() const noexcept;

  // Reading.
  std::size_t size() const noexcept;        // code points
  std::size_t size_utf16() const noexcept;  // UTF-16 code units
  bool empty() const noexcept { return size() == 0; }
  std::string to_string() const;
  // slice returns `len` code points from `pos` (clamped to the end).
  result<std::string> slice(std::size_t pos, std::size_t len) const;

  // Local editing. Each inserted code point and each erased one consumes one
  // operation id of this replica. On error nothing changes.
  result<void> insert(std::size_t pos, std::string_view utf8);
  result<void> erase(std::size_t pos, std::size_t len);

  // UTF-16 conversion in O(log n). from_utf16 fails with
  // errc::not_char_boundary for an offset inside a surrogate pair.
  result<std::size_t> to_utf16(std::size_t pos) const;
  result<std::size_t> from_utf16(std::size_t pos_utf16) const;

  // Replication.
  const version_vector& version() const;
  text_delta delta_since(const version_vector& since) const;
  // apply integrates a remote delta and returns the positional changes it
  // made, in order. Invalid runs fail the whole call with nothing changed.
  result<std::vector<text_change>> apply(const text_delta& delta);
  // pending_ops returns how many received ops wait for dependencies.
  std::uint64_t pending_ops() const noexcept;

  // Stable cursors.
  result<anchor> anchor_at(std::size_t pos, affinity side) const;
  result<std::size_t> resolve(const anchor& a) const;

  // id_at returns the op id of the visible character at `pos`.
  result<op_id> id_at(std::size_t pos) const;

  // memory_usage estimates the heap bytes this text holds.
  std::size_t memory_usage() const noexcept;

  // impl is for weft's own internals (invariant checks, encoders).
  const internal::text_impl& impl() const noexcept { return *impl_; }

 private:
  explicit text(std::unique_ptr<internal::text_impl> impl) noexcept;
  std::unique_ptr<internal::text_impl> impl_;
};

namespace internal {
// check verifies every invariant of `t` (deep: also O(n) cross-checks of
// the tree, the id index, the op log and content). Tests and fuzzers call it
// after every mutation.
result<void> check(const text& t, bool deep);
}  // namespace internal

}  // namespace weft

#endif  // WEFT_TEXT_HPP_
