// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: snapshot.hpp
// -----------------------------------------------------------------------------
//
// Snapshots save a whole document as one wire message (see wire.hpp) and
// load it into a new replica.
//
// A full snapshot keeps everything: every operation with its original ids
// and origins, deleted content included, and the operations still waiting
// for their dependencies. A state-only snapshot keeps the current state and
// what peers need to merge with it (the ids of every operation, deleted
// elements included, so concurrent edits still land where they belong) but
// drops history: which delete removed what (its deletes become shallow
// deletes, whose removals travel as one set of tombstones, see
// doc_delta.hpp), the text of deleted characters, the values of deleted
// list elements and of overwritten map writes. A document loaded from it
// converges with its peers exactly like the original; only history is gone
// (a peer that lacks those operations receives the inserts with placeholder
// content, and the tombstones that delete them).
//
// Saving is deterministic: two replicas with the same operations produce
// the same bytes, whatever order they received them in.

#ifndef WEFT_SNAPSHOT_HPP_
#define WEFT_SNAPSHOT_HPP_

#include <cstdint>
#include <span>
#include <vector>

#include "weft/doc.hpp"
#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/wire.hpp"

namespace weft {

// snapshot_kind values are only appended.
enum class snapshot_kind : std::uint8_t {
  full = 0,
  state_only = 1,
};

struct save_options {
  snapshot_kind kind = snapshot_kind::full;
  encode_options encoding;
};

// save returns the snapshot of `d`.
std::vector<std::uint8_t> save(const doc& d, const save_options& options = {});

// load builds a document from a snapshot, editing as `replica` (which may be
// the replica that saved it: its next edits continue its sequence). When
// `options.id` is empty the document takes the snapshot's id; otherwise the
// two must match.
result<doc> load(std::span<const std::uint8_t> bytes, replica_id replica,
                 doc_options options = {}, const decode_limits& limits = {});

}  // namespace weft

#endif  // WEFT_SNAPSHOT_HPP_
