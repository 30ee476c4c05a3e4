// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/chunk.hpp
// -----------------------------------------------------------------------------
//
// Splitting a doc_delta into chunks for a catch-up: each chunk is a
// self-contained doc_delta (its own container table, holding exactly the
// rows its runs and values name, parents of derived rows included) of at
// most `max_bytes` once encoded and within the op and item counts a
// receiver's decode_limits allow. Runs too big for one chunk (a long paste,
// a long delete, a long list insert) are cut into consecutive pieces; map
// writes and counter adds are single ops and never cut.
//
// Chunks keep the order of the input's runs. A prefix of doc::delta_since's
// runs holds, for every replica, a prefix of that replica's ops, so the
// chunks of a catch-up can be counted as acknowledged one after another;
// applied in any order they give the same document (the receiver's pending
// buffer holds what arrives early).

#ifndef WEFT_SRC_SYNC_CHUNK_HPP_
#define WEFT_SRC_SYNC_CHUNK_HPP_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "weft/doc_delta.hpp"
#include "weft/result.hpp"
#include "weft/version_vector.hpp"

namespace weft::sync::internal {

struct chunk_limits {
  // max_bytes bounds a chunk's encoded delta message (uncompressed). Below
  // a few hundred bytes it is raised to what one op needs.
  std::size_t max_bytes = std::size_t{64} << 10;
  std::uint64_t max_ops = std::uint64_t{1} << 20;
  // max_items bounds runs + list values + map writes + preds, as
  // decode_limits::max_items counts them.
  std::uint64_t max_items = std::uint64_t{1} << 16;
};

// split_delta cuts `d` into chunks (none for an empty delta). An op whose
// encoding alone exceeds max_bytes (a huge string value) gets a chunk of its
// own.
std::vector<doc_delta> split_delta(const doc_delta& d, const chunk_limits& limits);

// estimated_bytes is split_delta's estimate of `d`'s encoded size: never
// below the size encode_delta gives (plus an envelope), for any delta.
std::size_t estimated_bytes(const doc_delta& d);

// tops returns, per replica that has ops in `d`, one past the highest seq
// among them: what a receiver that holds `d` (and its causal past) knows.
version_vector tops(const doc_delta& d);

// check verifies that `d`'s container table is self-contained: every run's
// container and every container slot index a row, derived rows' parents
// precede them. Tests call it on chunks.
result<void> check(const doc_delta& d);

}  // namespace weft::sync::internal

#endif  // WEFT_SRC_SYNC_CHUNK_HPP_
