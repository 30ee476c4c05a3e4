// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_ref.hpp
// -----------------------------------------------------------------------------
//
// text_ref is a handle to a text inside a weft::doc. It has the editing and
// reading operations of the standalone weft::text (same engine, same
// FugueMax ordering), but its operations take their ids from the document,
// join the document's current transaction and raise text events.
// Positions are in Unicode code points unless a name says utf16.

#ifndef WEFT_TEXT_REF_HPP_
#define WEFT_TEXT_REF_HPP_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "weft/anchor.hpp"
#include "weft/container.hpp"
#include "weft/result.hpp"

namespace weft {

struct text_event;

class text_ref : public container {
 public:
  text_ref() = default;

  std::size_t size() const;        // code points
  std::size_t size_utf16() const;  // UTF-16 code units
  bool empty() const { return size() == 0; }
  std::string to_string() const;
  // slice returns `len` code points from `pos` (clamped to the end).
  result<std::string> slice(std::size_t pos, std::size_t len) const;

  // insert and erase edit at code point positions; on error nothing changes.
  result<void> insert(std::size_t pos, std::string_view utf8);
  result<void> erase(std::size_t pos, std::size_t len);

  result<std::size_t> to_utf16(std::size_t pos) const;
  result<std::size_t> from_utf16(std::size_t pos_utf16) const;

  // Stable cursors: an anchor keeps its place through concurrent edits.
  result<anchor> anchor_at(std::size_t pos, affinity side) const;
  result<std::size_t> resolve(const anchor& a) const;

  // observe calls `fn` after each transaction that changed this text.
  subscription observe(std::function<void(const text_event&)> fn) const;

 private:
  using container::container;
  friend class container;
  friend class internal::doc_impl;
};

}  // namespace weft

#endif  // WEFT_TEXT_REF_HPP_
