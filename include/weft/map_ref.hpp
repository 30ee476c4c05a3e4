// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: map_ref.hpp
// -----------------------------------------------------------------------------
//
// map_ref is a handle to a replicated map from UTF-8 string keys to values
// inside a weft::doc.
//
// Concurrent writes to one key resolve last-writer-wins by (Lamport time,
// replica id): every replica shows the same winner. The losing values are
// kept and readable through get_all until a later write (one that has seen
// them) overwrites the key. See docs/document-model.md.
//
// Nested containers come two ways. set_text(key) and friends make a new
// container: like any set, concurrent calls conflict and one wins.
// get_or_create_text(key) and friends name the child after (this map, key,
// type), so replicas that call it concurrently get the same container and
// all their edits to it survive.

#ifndef WEFT_MAP_REF_HPP_
#define WEFT_MAP_REF_HPP_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/container.hpp"
#include "weft/result.hpp"
#include "weft/value.hpp"

namespace weft {

struct map_event;

class map_ref : public container {
 public:
  map_ref() = default;

  std::size_t size() const;  // keys with a value
  bool contains(std::string_view key) const;
  // get returns the winning value of `key`, or nullopt if it has none.
  std::optional<value> get(std::string_view key) const;
  // get_all returns every concurrent value of `key`, the winner first.
  std::vector<value> get_all(std::string_view key) const;
  // keys returns the keys with a value, in byte order.
  std::vector<std::string> keys() const;
  std::vector<std::pair<std::string, value>> entries() const;

  // set writes a scalar (a container value is refused with
  // errc::invalid_argument); keys must be valid UTF-8.
  result<void> set(std::string_view key, const value& v);
  // erase removes every value `key` has here (no-op if it has none).
  result<void> erase(std::string_view key);

  // set_* write a new, empty container under `key` (last writer wins).
  result<text_ref> set_text(std::string_view key);
  result<map_ref> set_map(std::string_view key);
  result<list_ref> set_list(std::string_view key);
  result<counter_ref> set_counter(std::string_view key);
  result<register_ref> set_register(std::string_view key);

  // get_or_create_* return the container of that type under `key`, or
  // attach the one named (this map, key, type) there if `key` holds
  // anything else or nothing.
  result<text_ref> get_or_create_text(std::string_view key);
  result<map_ref> get_or_create_map(std::string_view key);
  result<list_ref> get_or_create_list(std::string_view key);
  result<counter_ref> get_or_create_counter(std::string_view key);
  result<register_ref> get_or_create_register(std::string_view key);

  subscription observe(std::function<void(const map_event&)> fn) const;

 private:
  using container::container;
  friend class container;
  friend class internal::doc_impl;
};

}  // namespace weft

// The typed handles returned above, so that one include is enough to use
// them. Placed after the class so that the headers can include each other.
#include "weft/counter_ref.hpp"   // IWYU pragma: export
#include "weft/list_ref.hpp"      // IWYU pragma: export
#include "weft/map_ref.hpp"       // IWYU pragma: export
#include "weft/register_ref.hpp"  // IWYU pragma: export
#include "weft/text_ref.hpp"      // IWYU pragma: export


#endif  // WEFT_MAP_REF_HPP_
