// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/hash_table.hpp
// -----------------------------------------------------------------------------
//
// The Abseil hash tables weft uses, with an allocator that turns running out
// of memory while a table grows into an abort with a message instead of
// undefined behavior.
//
// Why: Abseil's raw_hash_set sets its new capacity before it allocates the
// new arrays, and does not undo that when the allocation throws (abseil-cpp
// issue #1581, still so in Debian's 20220623). The table is then broken, and
// destroying it frees a static array: the process dies later, somewhere
// unrelated. Everywhere else weft survives std::bad_alloc (a change it cuts
// short damages the document, see doc_impl::damaged), so the tables are the
// one place where out of memory is fatal, and it is made fatal at once.

#ifndef WEFT_SRC_INTERNAL_HASH_TABLE_HPP_
#define WEFT_SRC_INTERNAL_HASH_TABLE_HPP_

#include <cstddef>
#include <functional>
#include <new>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "weft/assert.hpp"

namespace weft::internal {

// table_out_of_memory reports the failed allocation and aborts.
[[noreturn]] inline void table_out_of_memory() noexcept {
  assert_fail("table_allocator::allocate",
              "out of memory while a hash table grows (Abseil's tables cannot recover from it)",
              __FILE__, __LINE__);
}

// table_allocator allocates with the nothrow operator new (so that its
// failures are told apart from those of throwing allocations, which weft
// recovers from) and aborts when that fails.
template <class T>
struct table_allocator {
  using value_type = T;

  table_allocator() noexcept = default;
  template <class U>
  table_allocator(const table_allocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) table_out_of_memory();
    void* p = alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__
                  ? ::operator new(n * sizeof(T), std::align_val_t(alignof(T)), std::nothrow)
                  : ::operator new(n * sizeof(T), std::nothrow);
    if (p == nullptr) table_out_of_memory();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) noexcept {
    if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
      ::operator delete(p, std::align_val_t(alignof(T)));
    } else {
      ::operator delete(p);
    }
  }

  friend bool operator==(const table_allocator&, const table_allocator&) noexcept {
    return true;
  }
};

template <class K>
using table_hash = absl::container_internal::hash_default_hash<K>;
template <class K>
using table_eq = absl::container_internal::hash_default_eq<K>;

template <class K, class V>
using flat_map = absl::flat_hash_map<K, V, table_hash<K>, table_eq<K>,
                                     table_allocator<std::pair<const K, V>>>;
template <class K>
using flat_set = absl::flat_hash_set<K, table_hash<K>, table_eq<K>, table_allocator<K>>;
template <class K, class V>
using node_map = absl::node_hash_map<K, V, table_hash<K>, table_eq<K>,
                                     table_allocator<std::pair<const K, V>>>;

}  // namespace weft::internal

#endif  // WEFT_SRC_INTERNAL_HASH_TABLE_HPP_
