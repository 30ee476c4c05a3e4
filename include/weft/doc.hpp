// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc.hpp
// -----------------------------------------------------------------------------
//
// weft::doc is what applications hold: one replica's copy of a shared,
// JSON-like document whose parts are CRDTs (text, map, list, counter,
// register), nested in maps and lists under named roots.
//
// Every edit is an operation with an op id from this replica's one sequence
// space for the document, so a single version vector says what a replica has
// seen. Replication is delta-state: `delta_since(v)` returns exactly what a
// replica at `v` lacks and `apply` integrates it, idempotently and in any
// order; operations whose dependencies (earlier ops of the same replica,
// origins, the container they edit) have not arrived wait in a pending
// buffer instead of being dropped. A delta that is malformed is refused
// whole: `apply` returns the error and the document is unchanged.
//
// Edits happen in transactions. `transact(fn, origin)` groups everything
// `fn` does into one transaction (nested calls join the outer one); an edit
// made outside any is a transaction of its own. When the outermost
// transaction ends, observers see its events, tagged with its origin.
//
// Root containers are named by (name, type): replicas asking for the root
// "title" as text get the same container without any coordination.
//
// Out of memory: an edit, an apply or a transaction that std::bad_alloc
// cuts short before its first write leaves the document as it was. One cut
// short after it (or while observers are told) damages the document: the
// exception reaches the caller, no transaction stays open, and every later
// edit and apply is refused with errc::corrupted rather than made on top of
// a half-made state; load the document again.
//
// A doc is not thread-safe; it may be moved between threads. Handles and
// subscriptions must not outlive it (subscriptions may: they then do nothing).

#ifndef WEFT_DOC_HPP_
#define WEFT_DOC_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weft/container.hpp"
#include "weft/counter_ref.hpp"
#include "weft/doc_delta.hpp"
#include "weft/list_ref.hpp"
#include "weft/map_ref.hpp"
#include "weft/op_id.hpp"
#include "weft/origin.hpp"
#include "weft/register_ref.hpp"
#include "weft/result.hpp"
#include "weft/subscription.hpp"
#include "weft/text_ref.hpp"
#include "weft/version_vector.hpp"

namespace weft {

struct doc_options {
  // id names the document (sync sessions route by it); empty: a random id.
  std::string id;
  // max_ops caps the operations (own and remote) the document holds; beyond
  // it, edits and deltas fail with errc::capacity_exceeded.
  std::uint64_t max_ops = std::uint64_t{1} << 40;
  // max_pending_ops caps operations waiting for their dependencies; a delta
  // that would exceed it is refused with errc::capacity_exceeded.
  std::uint64_t max_pending_ops = std::uint64_t{1} << 24;
};

class doc {
 public:
  // Creates an empty document owned by a random replica id.
  doc();
  explicit doc(replica_id replica, doc_options options = {});
  ~doc();

  doc(doc&&) noexcept;
  doc& operator=(doc&&) noexcept;
  doc(const doc&) = delete;
  doc& operator=(const doc&) = delete;

  // fork returns an independent deep copy that edits under `replica`
  // (observers and undo managers are not copied).
  doc fork(replica_id replica) const;

  replica_id replica() const noexcept;
  const std::string& id() const noexcept;

  // Roots, created on first use (no operation is recorded).
  text_ref get_text(std::string_view name);
  map_ref get_map(std::string_view name);
  list_ref get_list(std::string_view name);
  counter_ref get_counter(std::string_view name);
  register_ref get_register(std::string_view name);

  // to_json renders every root with content, keyed by name (name:type when
  // several types share a name), keys sorted: equal states give equal
  // strings, so tests compare replicas with it.
  std::string to_json() const;

  // transact runs `fn` as one transaction with `origin`. If `fn` throws,
  // the edits it made so far stay and are committed, then the exception
  // propagates.
  void transact(const std::function<void()>& fn, origin o = origin::local());
  bool in_transaction() const noexcept;

  // Replication.
  const version_vector& version() const;
  doc_delta delta_since(const version_vector& since) const;
  // apply integrates a remote delta as one transaction with origin `o`.
  result<void> apply(const doc_delta& delta, origin o = origin::remote());
  std::uint64_t pending_ops() const noexcept;
  // op_count returns the number of operations integrated.
  std::uint64_t op_count() const noexcept;

  // observe_updates calls `fn` after every transaction that integrated
  // operations (local or remote) with exactly those operations, ready to
  // send to peers.
  subscription observe_updates(std::function<void(const doc_delta&, const origin&)> fn);

  // memory_usage estimates the heap bytes this document holds.
  std::size_t memory_usage() const noexcept;

  internal::doc_impl& impl() noexcept { return *impl_; }
  const internal::doc_impl& impl() const noexcept { return *impl_; }

 private:
  explicit doc(std::unique_ptr<internal::doc_impl> impl) noexcept;
  std::unique_ptr<internal::doc_impl> impl_;
};

namespace internal {
// check verifies every invariant of `d` and of each of its containers (deep:
// O(n) cross-checks). Tests and fuzzers call it after every mutation.
result<void> check(const doc& d, bool deep);
}  // namespace internal

}  // namespace weft

#endif  // WEFT_DOC_HPP_
