// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/storage.hpp
// -----------------------------------------------------------------------------
//
// weft::sync::storage is where documents are kept across process restarts:
// per document id, an append-only log of opaque records plus a few small
// metadata values. `persistence` (persistence.hpp) writes a document's
// transactions to it and rebuilds the document from it; sessions need no
// storage of their own, because whatever the peer has not acknowledged is
// in the rebuilt document and the version-vector exchange resends it.
//
// The contract every implementation keeps:
//
//   - a write returns only once it is durable: after it returns success, no
//     crash (of the process or, for file_storage, of the machine) loses it;
//   - a write that fails changes nothing that reads can see;
//   - `replace` is atomic: after a crash, reads see either the old log or
//     the new one, never a mix;
//   - what is read back is checked: a record damaged at rest (a torn write
//     at the tail after a crash, a flipped bit) fails its checksum and is
//     dropped and counted, never returned, never a crash, and never takes an
//     intact record down with it.
//
// Document ids are untrusted strings (a server stores what clients name):
// any bytes, 1 to `max_doc_id_bytes` long. Implementations must not let an
// id reach the file system as a path.
//
// memory_storage keeps logs in memory, in the same checked format that
// file_storage writes, so that tests and the simulator (include/weft/
// testing/) can restart a "process" against it, tamper with its bytes and
// make its writes fail. Neither implementation is thread-safe.

#ifndef WEFT_SYNC_STORAGE_HPP_
#define WEFT_SYNC_STORAGE_HPP_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/result.hpp"

namespace weft::sync {

// Limits shared by every storage, so that what one accepts the others do.
inline constexpr std::size_t max_doc_id_bytes = 120;
inline constexpr std::size_t max_record_bytes = std::size_t{1} << 30;
inline constexpr std::size_t max_meta_key_bytes = 255;
inline constexpr std::size_t max_meta_value_bytes = std::size_t{1} << 20;

// log_contents is a document's log as read back.
struct log_contents {
  // records, in the order they were appended (after a replace: its record
  // first).
  std::vector<std::vector<std::uint8_t>> records;
  // damaged counts the damaged stretches that were skipped (a bad checksum
  // or framing). Each stretch held at least part of one record; none of
  // them is in `records`.
  std::uint64_t damaged = 0;
};

// log_info sizes a log without reading it.
struct log_info {
  std::uint64_t records = 0;  // intact records (metadata not counted)
  std::uint64_t bytes = 0;    // their payload bytes
  std::uint64_t first_bytes = 0;  // the first record's (a snapshot, after a replace)
};

class storage {
 public:
  virtual ~storage();

  // append adds `record` at the end of the log of `doc_id`, creating the
  // document if it has none, and returns once the record is durable.
  virtual result<void> append(std::string_view doc_id,
                              std::span<const std::uint8_t> record) = 0;
  // replace swaps the whole log of `doc_id` for the single `record`
  // (compaction), atomically; the metadata is kept.
  virtual result<void> replace(std::string_view doc_id,
                               std::span<const std::uint8_t> record) = 0;
  // read returns every intact record of `doc_id`; errc::unknown_id if the
  // document is not stored.
  virtual result<log_contents> read(std::string_view doc_id) = 0;
  // info sizes the log of `doc_id`; errc::unknown_id if it is not stored.
  virtual result<log_info> info(std::string_view doc_id) = 0;
  // list returns the ids of every stored document, sorted.
  virtual result<std::vector<std::string>> list() = 0;
  // set_meta durably stores `value` under `key` for `doc_id` (creating the
  // document if needed), replacing any earlier value.
  virtual result<void> set_meta(std::string_view doc_id, std::string_view key,
                                std::span<const std::uint8_t> value) = 0;
  // get_meta returns the value under `key`, or nullopt if there is none
  // (also when the document is not stored).
  virtual result<std::optional<std::vector<std::uint8_t>>> get_meta(
      std::string_view doc_id, std::string_view key) = 0;
  // erase removes `doc_id`, log and metadata, durably. Erasing a document
  // that is not stored succeeds.
  virtual result<void> erase(std::string_view doc_id) = 0;
};

// validate_doc_id refuses ids that no storage accepts (empty, too long).
result<void> validate_doc_id(std::string_view doc_id);

struct memory_storage_options {
  // seed makes the salts of the logs (see file_storage.hpp), and so their
  // bytes, reproducible; 0 draws it from std::random_device.
  std::uint64_t seed = 1;
};

struct memory_storage_stats {
  std::uint64_t appends = 0, replaces = 0, meta_writes = 0, erases = 0;
  std::uint64_t failed_writes = 0;  // refused by fail_writes_after
};

// restart_report is what reopening found: as file_storage::open reports it.
struct restart_report {
  std::uint64_t docs = 0;
  std::uint64_t records = 0;
  std::uint64_t damaged = 0;          // damaged stretches skipped or cut
  std::uint64_t truncated_bytes = 0;  // torn tails cut off
  // Documents whose log header is unreadable: they stay listed, but reads
  // and appends fail until `replace` or `erase` repairs them.
  std::vector<std::string> unreadable;
};

class memory_storage;
namespace internal {
// check verifies that every log's bytes parse to exactly the state the
// storage holds for it (records, sizes, metadata, where appends go).
result<void> check(const memory_storage& s);
}  // namespace internal

class memory_storage final : public storage {
 public:
  explicit memory_storage(memory_storage_options options = {});
  ~memory_storage() override;
  memory_storage(memory_storage&&) noexcept;
  memory_storage& operator=(memory_storage&&) noexcept;

  result<void> append(std::string_view doc_id, std::span<const std::uint8_t> record) override;
  result<void> replace(std::string_view doc_id, std::span<const std::uint8_t> record) override;
  result<log_contents> read(std::string_view doc_id) override;
  result<log_info> info(std::string_view doc_id) override;
  result<std::vector<std::string>> list() override;
  result<void> set_meta(std::string_view doc_id, std::string_view key,
                        std::span<const std::uint8_t> value) override;
  result<std::optional<std::vector<std::uint8_t>>> get_meta(std::string_view doc_id,
                                                            std::string_view key) override;
  result<void> erase(std::string_view doc_id) override;

  // Fault injection. After `n` more successful writes (append, replace,
  // set_meta, erase), every write fails with errc::io_error until called
  // again with nullopt. A failing append leaves half its record behind, as
  // a crash in the middle of a write would; the next append cuts it off, and
  // so does restart().
  void fail_writes_after(std::optional<std::uint64_t> n);

  // restart forgets everything but the bytes and checks them again, as
  // file_storage::open does after a process restart: torn tails are cut,
  // damaged stretches counted, unreadable logs listed.
  restart_report restart();

  // image gives the raw bytes of a log, for tests that damage them (call
  // restart() afterwards); nullptr if `doc_id` is not stored.
  std::vector<std::uint8_t>* image(std::string_view doc_id);

  const memory_storage_stats& stats() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  friend result<void> internal::check(const memory_storage& s);
};

}  // namespace weft::sync

#endif  // WEFT_SYNC_STORAGE_HPP_
