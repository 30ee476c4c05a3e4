// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: list_ref.hpp
// -----------------------------------------------------------------------------
//
// list_ref is a handle to a replicated list of values inside a weft::doc.
// Lists run on the same sequence engine as text: concurrent inserts at one
// place never interleave (FugueMax), and anchors give stable cursors.
// Elements may be scalars or new nested containers.

#ifndef WEFT_LIST_REF_HPP_
#define WEFT_LIST_REF_HPP_

#include <cstddef>
#include <functional>
#include <vector>

#include "weft/anchor.hpp"
#include "weft/container.hpp"
#include "weft/result.hpp"
#include "weft/value.hpp"

namespace weft {

struct list_event;

class list_ref : public container {
 public:
  list_ref() = default;

  std::size_t size() const;
  bool empty() const { return size() == 0; }
  result<value> get(std::size_t index) const;
  // values returns every element in order.
  std::vector<value> values() const;

  // insert puts `v` (a scalar: a container value is refused with
  // errc::invalid_argument; use insert_text and friends) at `index`.
  result<void> insert(std::size_t index, const value& v);
  result<void> insert(std::size_t index, const std::vector<value>& vs);
  result<void> push_back(const value& v) { return insert(size(), v); }
  result<void> erase(std::size_t index, std::size_t count = 1);

  // insert_* put a new, empty container at `index` and return it.
  result<text_ref> insert_text(std::size_t index);
  result<map_ref> insert_map(std::size_t index);
  result<list_ref> insert_list(std::size_t index);
  result<counter_ref> insert_counter(std::size_t index);
  result<register_ref> insert_register(std::size_t index);

  // Stable cursors between elements.
  result<anchor> anchor_at(std::size_t index, affinity side) const;
  result<std::size_t> resolve(const anchor& a) const;

  subscription observe(std::function<void(const list_event&)> fn) const;

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


#endif  // WEFT_LIST_REF_HPP_
