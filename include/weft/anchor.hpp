// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: anchor.hpp
// -----------------------------------------------------------------------------
//
// An anchor is a stable cursor: it names a position by the op id of a
// character instead of by index, so it keeps pointing at the same place while
// concurrent edits shift indexes around it, and it still resolves after that
// character is deleted. Anchors are plain values that any replica which has
// seen the character can resolve (presence sends them to peers).

#ifndef WEFT_ANCHOR_HPP_
#define WEFT_ANCHOR_HPP_

#include <cstdint>
#include <optional>

#include "weft/op_id.hpp"

namespace weft {

// affinity says which neighbour a position sticks to.
enum class affinity : std::uint8_t {
  // left: the position just after the character before it; text inserted at
  // the position goes after the cursor (a caret after typing).
  left,
  // right: the position just before the character after it; text inserted
  // at the position pushes the cursor along.
  right,
};

struct anchor {
  // target is the character the anchor sticks to; nullopt means the start
  // of the document (left affinity) or its end (right affinity).
  std::optional<op_id> target;
  affinity side = affinity::right;

  friend bool operator==(const anchor&, const anchor&) = default;
};

}  // namespace weft

#endif  // WEFT_ANCHOR_HPP_
