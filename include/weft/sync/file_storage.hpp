// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/file_storage.hpp
// -----------------------------------------------------------------------------
//
// weft::sync::file_storage is the embedded default storage: one directory,
// one append-only log file per document, no dependency beyond POSIX.
//
// A document's file is named after the hex of its id ("<hex>.wlog"), so an
// id never reaches the file system as a path: no separators, no "..", no
// case clash on case-insensitive file systems. Every record is framed with
// its length and CRC-32C checksums salted per file (src/sync/log_format.hpp
// has the layout and why).
//
// Durability: append writes the frame at the end of the file and fdatasyncs
// it (F_FULLFSYNC on Apple systems) before returning; a new file, and every
// replace, is written whole to "<hex>.wlog.tmp", synced, renamed into place
// and the directory synced, so a crash leaves the old file or the new one.
// A failed append is cut off the file again before the next.
//
// open checks everything: stale temporary files (a crash before a rename)
// are removed, every log is read and checked, torn tails (a crash in the
// middle of an append) are cut off, damaged stretches in the middle are
// counted and skipped on every read until a replace rewrites the log. A
// directory is used by one file_storage at a time: open takes an advisory
// lock (flock on "LOCK") and fails with errc::io_error while another holds
// it.

#ifndef WEFT_SYNC_FILE_STORAGE_HPP_
#define WEFT_SYNC_FILE_STORAGE_HPP_

#include <memory>
#include <string>

#include "weft/result.hpp"
#include "weft/sync/storage.hpp"

namespace weft::sync {

struct file_storage_options {
  // create makes the directory (not its parents) if it does not exist.
  bool create = true;
  // sync: fsync as described above. Turning it off makes writes fast and
  // NOT durable; it is for benchmarks and tests that do not test crashes.
  bool sync = true;
};

class file_storage;
namespace internal {
// check re-reads every log from disk and verifies that it parses to exactly
// the state the storage holds for it.
result<void> check(const file_storage& s);
}  // namespace internal

class file_storage final : public storage {
 public:
  // open opens (or creates) the storage in `directory`. `report` (may be
  // null) receives what the checks found.
  static result<file_storage> open(std::string directory, file_storage_options options = {},
                                   restart_report* report = nullptr);

  ~file_storage() override;
  file_storage(file_storage&&) noexcept;
  file_storage& operator=(file_storage&&) noexcept;

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

  const std::string& directory() const noexcept;
  // file_name returns the name (in directory()) of the log of `doc_id`.
  static std::string file_name(std::string_view doc_id);

 private:
  struct impl;
  explicit file_storage(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
  friend result<void> internal::check(const file_storage& s);
};

}  // namespace weft::sync

#endif  // WEFT_SYNC_FILE_STORAGE_HPP_
