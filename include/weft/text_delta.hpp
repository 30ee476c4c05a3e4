// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_delta.hpp
// -----------------------------------------------------------------------------
//
// A text_delta is a batch of text operations in run-length form: what
// `text::delta_since` produces and `text::apply` consumes. A run is a stretch
// of operations with consecutive sequence numbers by one replica: typing a
// word is one insert run, holding backspace is one delete run. Runs are listed
// in an order that respects causality (each op after everything it depends
// on), but `apply` does not rely on that: anything that arrives early waits.

#ifndef WEFT_TEXT_DELTA_HPP_
#define WEFT_TEXT_DELTA_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "weft/op_id.hpp"

namespace weft {

// text_insert_run inserts `content` (UTF-8; one op per code point) with ids
// `id`, id+1, ... Each character after the first has the previous one as its
// left origin; all of them share `origin_right`.
struct text_insert_run {
  op_id id;
  std::optional<op_id> origin_left;   // nullopt: the start of the document
  std::optional<op_id> origin_right;  // nullopt: the end of the document
  std::string content;

  friend bool operator==(const text_insert_run&, const text_insert_run&) = default;
};

// text_delete_run deletes `length` characters with ops `id`, id+1, ...
// Op i deletes the character `target + i` (forward) or `target - i`
// (backward, as holding backspace produces). All targets share a replica.
struct text_delete_run {
  op_id id;
  std::uint64_t length = 0;
  op_id target;
  bool backward = false;

  friend bool operator==(const text_delete_run&, const text_delete_run&) = default;
};

using text_op_run = std::variant<text_insert_run, text_delete_run>;

struct text_delta {
  std::vector<text_op_run> runs;

  bool empty() const noexcept { return runs.empty(); }
  // op_count returns the number of operations (not runs) in the delta.
  std::uint64_t op_count() const noexcept;

  friend bool operator==(const text_delta&, const text_delta&) = default;
};

}  // namespace weft

#endif  // WEFT_TEXT_DELTA_HPP_
