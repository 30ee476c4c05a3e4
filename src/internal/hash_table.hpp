// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/hash_table.hpp
// -----------------------------------------------------------------------------
//
// The hash tables weft's documents and codecs use: the standard library's,
// hashed with absl::Hash.
//
// Why not Abseil's tables: a raw_hash_set sets its new capacity before it
// allocates the new arrays and does not undo that when the allocation
// throws (abseil-cpp issue #1581, still so in Debian's 20220623). The table
// is then broken, and destroying it frees a static array, so running out of
// memory while one grew would end the process later, somewhere unrelated.
// The standard tables keep their contents when growing throws, which lets
// weft survive std::bad_alloc everywhere (a change it cuts short damages the
// document instead, see doc_impl::damaged). The lookups here are not hot
// enough for the difference in speed to show in the benchmarks.

#ifndef WEFT_SRC_INTERNAL_HASH_TABLE_HPP_
#define WEFT_SRC_INTERNAL_HASH_TABLE_HPP_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "absl/hash/hash.h"

namespace weft::internal {

// table_hash is absl::Hash; for std::string keys it takes any string view,
// so that a lookup by std::string_view makes no copy.
template <class K>
struct table_hash : absl::Hash<K> {};
template <>
struct table_hash<std::string> {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return absl::Hash<std::string_view>{}(s);
  }
};
template <class K>
using table_eq = std::conditional_t<std::is_same_v<K, std::string>, std::equal_to<>,
                                    std::equal_to<K>>;

template <class K, class V>
using hash_map = std::unordered_map<K, V, table_hash<K>, table_eq<K>>;
template <class K>
using hash_set = std::unordered_set<K, table_hash<K>, table_eq<K>>;

}  // namespace weft::internal

#endif  // WEFT_SRC_INTERNAL_HASH_TABLE_HPP_
