// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/persistence.hpp
// -----------------------------------------------------------------------------
//
// weft::sync::persistence keeps a document in a storage (storage.hpp), so
// that edits survive a process restart: the offline outbox. It writes every
// transaction's operations, as a wire delta (encode_delta), to the
// document's log before the transaction's caller gets control back; now
// and then it compacts the log into one snapshot (weft::save). restore()
// rebuilds the document: the snapshot, then every delta after it.
//
// Sessions need nothing more: after a restart the rebuilt document holds
// every op that was durable, and the version-vector exchange sends the peer
// whatever it has not acknowledged.
//
// A restarted process must edit under a NEW replica id. Ops made just before
// a crash may have reached a peer without reaching the disk; editing on
// under the old id would make different ops with their ids. So the store
// also keeps the list of replica ids this device has authored the document
// under (`authored_replicas`): a client announces them all in its hello, so
// that the server lets it upload old ops it has not acknowledged yet.
//
// The usual start of an editor:
//
//   auto d = weft::sync::restore(store, "notes", weft::random_replica_id());
//   if (!d && d.code() == weft::errc::unknown_id)  // never stored: new doc
//     d = weft::doc(weft::random_replica_id(), {.id = "notes"});
//   if (!d) return d.error();
//   auto p = weft::sync::persistence::attach(*d, store, d->version());
//   ...  // p->authored_replicas() go into session_options::replicas
//
// Writes that fail (a full disk) are not thrown: the persistence reports
// them (healthy(), last_error()) and writes what is missing with the next
// transaction, or at flush(). durable_version() says which ops are safe.
//
// Not thread-safe; the doc and the storage must outlive the persistence,
// and the doc must not be moved while attached.

#ifndef WEFT_SYNC_PERSISTENCE_HPP_
#define WEFT_SYNC_PERSISTENCE_HPP_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "weft/doc.hpp"
#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/snapshot.hpp"
#include "weft/sync/storage.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"

namespace weft::sync {

// replicas_meta_key is the metadata key of the authored replica list
// (little-endian u64s).
inline constexpr std::string_view replicas_meta_key = "weft.replicas";

struct persistence_options {
  // Compaction: when the deltas written since the last snapshot reach
  // `compact_records` records or `compact_bytes` bytes, and also at least
  // a quarter of the last snapshot's size (so that a big document is not
  // rewritten every few keystrokes), the log is replaced by a snapshot.
  // 0 turns a trigger off. After a snapshot could not be written, the ops
  // are appended instead and the next try waits until the deltas have grown
  // by half.
  std::uint64_t compact_records = 4096;
  std::uint64_t compact_bytes = std::uint64_t{1} << 20;
  save_options snapshot{snapshot_kind::full, {compression::zstd}};
  encode_options deltas{};  // per transaction: small, not worth compressing
};

struct persistence_stats {
  std::uint64_t appends = 0;      // delta records written
  std::uint64_t compactions = 0;  // snapshots written
  std::uint64_t failures = 0;     // writes that failed
  std::uint64_t log_records = 0;  // records in the log now
  std::uint64_t log_bytes = 0;    // their bytes
};

class persistence;
namespace internal {
// check verifies the persistence against its doc: the durable version is
// within the doc's, the authored list holds the doc's replica, no id twice.
result<void> check(const persistence& p);
}  // namespace internal

class persistence {
 public:
  // attach binds `d` to `s`, under d.id(). First, durably: d.replica()
  // joins the authored list, and every op of `d` not in `stored` is
  // written. Pass `stored = d.version()` right after restore() (before any
  // edit): the store already holds it. Otherwise leave it empty: writing
  // what the store already has is harmless (applying is idempotent), not
  // writing something is not.
  static result<persistence> attach(doc& d, storage& s, const version_vector& stored = {},
                                    persistence_options options = {});

  ~persistence();
  persistence(persistence&&) noexcept;
  persistence& operator=(persistence&&) noexcept;
  persistence(const persistence&) = delete;
  persistence& operator=(const persistence&) = delete;

  // durable_version names the ops of the doc that are durable.
  const version_vector& durable_version() const noexcept;
  // healthy is false while some integrated op could not be written;
  // last_error says why (it stays after recovery, for logs).
  bool healthy() const noexcept;
  const std::optional<error>& last_error() const noexcept;

  // flush writes whatever is not durable yet (after a failure).
  result<void> flush();
  // compact replaces the log by one snapshot of the doc. When the snapshot
  // cannot be written, the log stays as it was, ops not yet durable are
  // appended, and the snapshot's error is returned.
  result<void> compact();

  // on_durable is called after each write with the new durable version.
  void on_durable(std::function<void(const version_vector&)> fn);

  // authored_replicas lists every replica id the doc was edited under on
  // this device, the current one included, oldest first.
  const std::vector<replica_id>& authored_replicas() const noexcept;

  const persistence_stats& stats() const noexcept;

 private:
  struct impl;
  explicit persistence(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
  friend result<void> internal::check(const persistence& p);
};

struct restore_options {
  // limits for decoding the stored records. The store is checksummed and
  // written by us, so the defaults are generous (a big document's snapshot
  // must load); lower them for a store shared with less trusted writers.
  decode_limits limits{
      .max_message_bytes = max_record_bytes,
      .max_ops = std::uint64_t{1} << 40,
      .max_items = std::uint64_t{1} << 32,
      .max_string_bytes = max_record_bytes,
      .max_containers = std::size_t{1} << 26,
      .max_depth = 64,
      .max_tables = 1u << 30,
  };
};

struct restore_report {
  std::uint64_t records = 0;  // records applied
  // damaged: stretches the storage's checksums dropped; undecodable:
  // records that passed them but did not decode or apply (skipped).
  std::uint64_t damaged = 0;
  std::uint64_t undecodable = 0;
  // pending_ops: ops restored whose dependencies were lost to damage; they
  // apply once a peer supplies those.
  std::uint64_t pending_ops = 0;
};

// restore rebuilds the doc stored under `doc_id`, editing as `new_replica`,
// which must not be in the doc's authored list (errc::invalid_argument):
// see above. errc::unknown_id if nothing is stored under `doc_id`. Records
// that are damaged or do not decode are skipped and counted in `report`
// (may be null); a record from a newer format (errc::unsupported) fails
// the restore, rather than lose what it holds.
result<doc> restore(storage& s, std::string_view doc_id, replica_id new_replica,
                    doc_options options = {}, const restore_options& ro = {},
                    restore_report* report = nullptr);

// authored_replicas reads the authored list of `doc_id` (empty if none).
result<std::vector<replica_id>> authored_replicas(storage& s, std::string_view doc_id);

}  // namespace weft::sync

#endif  // WEFT_SYNC_PERSISTENCE_HPP_
