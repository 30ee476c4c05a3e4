// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: container.hpp
// -----------------------------------------------------------------------------
//
// A container is one replicated part of a weft::doc: a text, map, list,
// counter or register. weft::container is the untyped handle to one; the
// typed handles (text_ref, map_ref, list_ref, counter_ref, register_ref)
// derive from it and add the operations of their type.
//
// Handles are small values (a document pointer and an index). They stay valid
// for as long as the document they came from, even if the container is
// overwritten or removed from the tree (edits to a detached container still
// replicate; they are just not reachable from `doc::to_json`). A handle is
// not thread-safe; neither is its document.

#ifndef WEFT_CONTAINER_HPP_
#define WEFT_CONTAINER_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "weft/subscription.hpp"

namespace weft {

namespace internal {
class doc_impl;
}  // namespace internal

// container_type lists the replicated types. Values are only appended (they
// appear on the wire).
enum class container_type : std::uint8_t {
  text = 1,
  map = 2,
  list = 3,
  counter = 4,
  reg = 5,  // register; `register` is a C++ keyword
};

// container_type_name returns "text", "map", "list", "counter" or "register".
const char* container_type_name(container_type t) noexcept;

// path_segment is one step from a root to a container: a root name or map
// key (string), or a list index.
using path_segment = std::variant<std::string, std::size_t>;

class text_ref;
class map_ref;
class list_ref;
class counter_ref;
class register_ref;
struct event;

class container {
 public:
  // A default-constructed handle refers to nothing; every operation on it
  // other than valid() is a precondition failure.
  container() = default;

  bool valid() const noexcept { return doc_ != nullptr; }
  container_type type() const;

  // as_* convert to the typed handle; the type must match.
  text_ref as_text() const;
  map_ref as_map() const;
  list_ref as_list() const;
  counter_ref as_counter() const;
  register_ref as_register() const;

  // path returns the steps from a root to this container, or nullopt if it
  // is no longer reachable (overwritten, erased, or never attached).
  std::optional<std::vector<path_segment>> path() const;

  // to_json renders this container's current state (see doc::to_json).
  std::string to_json() const;

  // observe_deep calls `fn` after every transaction that changed this
  // container or anything nested in it, with those containers' events in the
  // order the transaction raised them (a parent's before its children's).
  subscription observe_deep(std::function<void(const std::vector<event>&)> fn) const;

  friend bool operator==(const container& a, const container& b) noexcept {
    return a.doc_ == b.doc_ && a.index_ == b.index_;
  }

  // index is weft's internal name for the container within its document.
  std::uint32_t index() const noexcept { return index_; }

 protected:
  container(internal::doc_impl* doc, std::uint32_t index) noexcept
      : doc_(doc), index_(index) {}
  internal::doc_impl& impl() const;

  internal::doc_impl* doc_ = nullptr;
  std::uint32_t index_ = 0;

  friend class internal::doc_impl;
};

}  // namespace weft

template <>
struct std::hash<weft::container> {
  std::size_t operator()(const weft::container& c) const noexcept {
    return std::hash<std::uint64_t>{}(c.index()) ^ 0x9E3779B97F4A7C15ull;
  }
};

#endif  // WEFT_CONTAINER_HPP_
