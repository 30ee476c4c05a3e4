// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: event.hpp
// -----------------------------------------------------------------------------
//
// Events describe what one transaction changed in one container, in a form a
// view can apply without re-reading the document: applying a container's
// event to its state before the transaction gives its state after it. Local
// edits, remote deltas, undo and redo all raise them, once per transaction.
//
// Text and list events are deltas in the Quill form: a walk over the old
// content that retains, inserts or deletes. Text lengths are given both in
// code points and in UTF-16 code units (what JavaScript editors count).

#ifndef WEFT_EVENT_HPP_
#define WEFT_EVENT_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "weft/counter_ref.hpp"
#include "weft/list_ref.hpp"
#include "weft/map_ref.hpp"
#include "weft/origin.hpp"
#include "weft/register_ref.hpp"
#include "weft/text_ref.hpp"
#include "weft/value.hpp"

namespace weft {

// delta_kind is one step of a text or list delta.
enum class delta_kind : std::uint8_t { retain, insert, erase };

struct text_delta_op {
  delta_kind kind = delta_kind::retain;
  std::size_t len = 0;        // code points
  std::size_t len_utf16 = 0;  // UTF-16 code units
  std::string text;           // inserted UTF-8 (insert only)

  friend bool operator==(const text_delta_op&, const text_delta_op&) = default;
};

struct list_delta_op {
  delta_kind kind = delta_kind::retain;
  std::size_t len = 0;        // elements
  std::vector<value> values;  // inserted elements (insert only)

  friend bool operator==(const list_delta_op&, const list_delta_op&) = default;
};

struct text_event {
  text_ref target;
  weft::origin origin;
  std::vector<text_delta_op> delta;  // no trailing retain
};

struct list_event {
  list_ref target;
  weft::origin origin;
  std::vector<list_delta_op> delta;  // no trailing retain
};

// map_key_change is one key whose visible value changed; nullopt means the
// key was absent.
struct map_key_change {
  std::string key;
  std::optional<value> old_value;
  std::optional<value> new_value;
};

struct map_event {
  map_ref target;
  weft::origin origin;
  std::vector<map_key_change> keys;  // sorted by key
};

struct counter_event {
  counter_ref target;
  weft::origin origin;
  std::int64_t increment = 0;  // the sum of every add (wrapping, see counter_ref)
};

struct register_event {
  register_ref target;
  weft::origin origin;
  std::optional<value> old_value;  // the winning value before, if any
  std::optional<value> new_value;  // and after
};

// event is any of the above, as deep observers receive them.
struct event {
  std::variant<text_event, list_event, map_event, counter_event, register_event> data;

  container target() const;
  const weft::origin& origin() const;
};

}  // namespace weft

#endif  // WEFT_EVENT_HPP_
