// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: origin.hpp
// -----------------------------------------------------------------------------
//
// An origin says where a transaction came from, so that observers and undo
// managers can tell their own edits from a peer's: local edits, deltas
// applied from a peer, undo and redo, or a tag the application chooses
// (a "format document" command, an import).

#ifndef WEFT_ORIGIN_HPP_
#define WEFT_ORIGIN_HPP_

#include <cstdint>
#include <string>
#include <utility>

namespace weft {

class origin {
 public:
  enum class kind : std::uint8_t { local, remote, undo, redo, user };

  origin() = default;  // local
  static origin local() { return origin(kind::local, {}); }
  static origin remote() { return origin(kind::remote, {}); }
  static origin undo() { return origin(kind::undo, {}); }
  static origin redo() { return origin(kind::redo, {}); }
  // user returns an application-defined origin named `tag`.
  static origin user(std::string tag) { return origin(kind::user, std::move(tag)); }

  kind type() const noexcept { return kind_; }
  const std::string& tag() const noexcept { return tag_; }

  friend bool operator==(const origin&, const origin&) = default;

 private:
  origin(kind k, std::string tag) : kind_(k), tag_(std::move(tag)) {}
  kind kind_ = kind::local;
  std::string tag_;
};

}  // namespace weft

#endif  // WEFT_ORIGIN_HPP_
