// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc_delta.hpp
// -----------------------------------------------------------------------------
//
// A doc_delta is a batch of document operations: what `doc::delta_since`
// produces and `doc::apply` consumes. It is plain data, the in-memory form
// that the wire format encodes; everything in it is untrusted until
// `doc::apply` has checked it.
//
// Every operation of a document, on any container, takes the next sequence
// number of its replica, so one version vector covers the whole document.
// Operations name their container through the delta's container table: a
// root (name and type), a container made by an operation (the op id of the
// map write or list element that holds it), or a child named after its
// parent, key and type (what map_ref::get_or_create_* attaches).

#ifndef WEFT_DOC_DELTA_HPP_
#define WEFT_DOC_DELTA_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "weft/container.hpp"
#include "weft/op_id.hpp"
#include "weft/text_delta.hpp"
#include "weft/value.hpp"

namespace weft {

// container_desc names a container without reference to any replica's state.
struct container_desc {
  enum class kind : std::uint8_t { root = 0, created = 1, derived = 2 };

  kind how = kind::root;
  container_type type = container_type::map;
  std::string name;         // root: its name; derived: the key in the parent
  op_id creator;            // created: the op that made it
  std::uint32_t parent = 0; // derived: the parent's index in the same table,
                            // which must be lower than this entry's own

  friend bool operator==(const container_desc&, const container_desc&) = default;
};

// container_slot refers to the entry `index` of the delta's container table,
// as a map or list value.
struct container_slot {
  std::uint32_t index = 0;
  friend bool operator==(const container_slot&, const container_slot&) = default;
};

// delta_value is a value as it travels: a scalar or a container slot. A
// slot whose entry is `created` by the very op that holds it makes a new
// container; any other slot refers to an existing one.
using delta_value = std::variant<std::monostate, bool, std::int64_t, double,
                                 std::string, bytes, container_slot>;

// list_insert_run inserts `values` with ids `id`, id+1, ...; origins as in
// text_insert_run. (List deletes use text_delete_run.)
struct list_insert_run {
  op_id id;
  std::optional<op_id> origin_left;
  std::optional<op_id> origin_right;
  std::vector<delta_value> values;

  friend bool operator==(const list_insert_run&, const list_insert_run&) = default;
};

// map_write sets (value) or erases (nullopt) one key of a map, or a register
// (key empty). `preds` are the writes it overwrites: every value the key
// showed at its replica when it was made.
struct map_write {
  op_id id;
  std::uint64_t lamport = 0;
  std::string key;
  std::vector<op_id> preds;
  std::optional<delta_value> value;

  friend bool operator==(const map_write&, const map_write&) = default;
};

// counter_add adds `amount` to a counter.
struct counter_add {
  op_id id;
  std::int64_t amount = 0;

  friend bool operator==(const counter_add&, const counter_add&) = default;
};

// shallow_delete_run is a run of `length` deletes from `id` whose targets
// were dropped with history (a state-only snapshot keeps no delete's
// target): what such deletes removed, all of them together, is the
// delta's `tombstones`. It names no container (`doc_op::container` is 0
// and not looked at).
struct shallow_delete_run {
  op_id id;
  std::uint64_t length = 0;

  friend bool operator==(const shallow_delete_run&, const shallow_delete_run&) = default;
};

// doc_op is one run of operations on the container `container` (an index
// into the delta's table). text_delete_run deletes from texts and lists.
struct doc_op {
  std::uint32_t container = 0;
  std::variant<text_insert_run, text_delete_run, list_insert_run, map_write,
               counter_add, shallow_delete_run>
      op;

  friend bool operator==(const doc_op&, const doc_op&) = default;
};

struct doc_delta {
  std::vector<container_desc> containers;
  std::vector<doc_op> ops;
  // tombstones are elements (characters, list elements) that shallow
  // deletes removed, as id ranges ascending by (replica, begin), disjoint
  // and not adjacent. `doc::apply` refuses one that names an op the
  // replica has not seen (integrated, waiting, or in this delta), deletes
  // each it holds (one that waits, as it lands) and keeps them all;
  // `delta_since` passes them on with shallow deletes and with the
  // elements they name.
  std::vector<id_range> tombstones{};

  bool empty() const noexcept { return ops.empty() && tombstones.empty(); }
  // op_count returns the number of operations (not runs), saturating.
  std::uint64_t op_count() const noexcept;

  friend bool operator==(const doc_delta&, const doc_delta&) = default;
};

}  // namespace weft

#endif  // WEFT_DOC_DELTA_HPP_
