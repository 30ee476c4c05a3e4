// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_change.hpp
// -----------------------------------------------------------------------------
//
// A text_change is one positional edit that `text::apply` reports, so that an
// editor view can follow remote edits without re-reading the whole document.
// Changes are listed in the order they happened; each position is relative to
// the text after all earlier changes of the same list, which is how editors
// (CodeMirror, Monaco, ProseMirror, a plain std::string) apply a sequence.

#ifndef WEFT_TEXT_CHANGE_HPP_
#define WEFT_TEXT_CHANGE_HPP_

#include <cstddef>
#include <cstdint>
#include <string>

namespace weft {

struct text_change {
  enum class kind : std::uint8_t { insert, erase };

  kind type = kind::insert;
  std::size_t pos = 0;         // in code points
  std::size_t len = 0;         // in code points
  std::size_t pos_utf16 = 0;   // the same position in UTF-16 code units
  std::size_t len_utf16 = 0;   // the same length in UTF-16 code units
  std::string text;            // the inserted UTF-8; empty for erase

  friend bool operator==(const text_change&, const text_change&) = default;
};

}  // namespace weft

#endif  // WEFT_TEXT_CHANGE_HPP_
