// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/log_format.hpp
// -----------------------------------------------------------------------------
//
// The bytes of one document's log, shared by file_storage (a file) and
// memory_storage (a vector), so that both check what they read the same way.
//
//   header, 32 bytes:
//     0  magic "WEFTLOG" 0x1A
//     8  u32 format version (1)
//     12 u32 flags (0)
//     16 u64 salt, random per log (and per replace)
//     24 u32 reserved (0)
//     28 u32 CRC-32C of bytes 0..27
//   then frames, each:
//     0  u32 payload length (at most max_record_bytes)
//     4  u8  kind (1 data record, 2 metadata entry), then 3 zero bytes
//     8  u32 header CRC: CRC-32C of the salt (8 bytes) and bytes 0..7
//     12 u32 payload CRC: CRC-32C of the payload, continuing the header CRC
//     16 payload
//   a metadata payload is u8 key length, key, value.
//
// Integers are little-endian. The salt is why a frame cannot be forged: a
// payload may hold bytes that look like a frame (a user's map value, say),
// but without the log's salt their header CRC fails, so resynchronising
// after damage never mistakes them for a record, and a record of an older
// log (before a replace) never passes for one of the new. The header CRC
// also keeps resynchronisation linear: a candidate's payload is only
// checksummed once its 16-byte header has checked out.
//
// Reading: frames are taken in order. At a frame that does not check out,
// the reader scans forward byte by byte for the next one that does; the
// stretch in between is damaged and skipped (counted). A damaged stretch
// that runs to the end is a torn tail (a crash mid-append, or blocks the
// file system zero-filled): the log ends where it starts, and appends go
// there.

#ifndef WEFT_SRC_SYNC_LOG_FORMAT_HPP_
#define WEFT_SRC_SYNC_LOG_FORMAT_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/result.hpp"
#include "weft/sync/storage.hpp"

namespace weft::sync::internal {

// crc32c extends `crc` (0 to start) over `bytes`: CRC-32C (Castagnoli),
// reflected, as iSCSI, ext4 and LevelDB use it. crc32c("123456789") is
// 0xE3069283.
std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0) noexcept;

inline constexpr std::size_t log_header_bytes = 32;
inline constexpr std::size_t frame_header_bytes = 16;
inline constexpr std::uint32_t log_format_version = 1;

enum class frame_kind : std::uint8_t { data = 1, meta = 2 };

using meta_map = std::map<std::string, std::vector<std::uint8_t>, std::less<>>;

// encode_log_header returns the 32 header bytes of a log salted `salt`.
std::vector<std::uint8_t> encode_log_header(std::uint64_t salt);

// append_frame appends one frame whose payload is `a` followed by `b`.
void append_frame(std::vector<std::uint8_t>& out, std::uint64_t salt, frame_kind kind,
                  std::span<const std::uint8_t> a, std::span<const std::uint8_t> b = {});

// append_meta_frame appends the frame of metadata entry key = value.
void append_meta_frame(std::vector<std::uint8_t>& out, std::uint64_t salt,
                       std::string_view key, std::span<const std::uint8_t> value);

// encode_log returns a whole log: header, `record` (if not null) and then
// every metadata entry. replace writes this.
std::vector<std::uint8_t> encode_log(std::uint64_t salt,
                                     const std::span<const std::uint8_t>* record,
                                     const meta_map& meta);

struct record_ref {
  std::size_t offset = 0;  // of the payload in the image
  std::size_t size = 0;
};

struct parsed_log {
  std::uint64_t salt = 0;
  std::vector<record_ref> records;  // data records, in order
  std::uint64_t record_bytes = 0;
  meta_map meta;                    // the last value of each key
  std::uint64_t damaged = 0;        // damaged stretches, tail included
  std::size_t end = 0;              // just past the last intact frame
};

// parse_log checks a whole log image. An error (errc::corrupted, or
// errc::unsupported for a newer format) only when the header is unusable:
// damaged frames are skipped and counted instead.
result<parsed_log> parse_log(std::span<const std::uint8_t> image);

// log_state is what a storage keeps in memory for one log.
struct log_state {
  std::uint64_t salt = 0;
  std::size_t end = 0;       // where the next frame goes
  std::uint64_t records = 0;
  std::uint64_t record_bytes = 0;
  std::uint64_t first_record_bytes = 0;
  meta_map meta;
  // unreadable holds why the header could not be used; such a log is only
  // listed, replaced or erased.
  std::optional<error> unreadable;
};

log_state state_of(const parsed_log& p);

// read_log parses the first `end` bytes of a log image (past them lies at
// most a failed append's remains) and copies out its records.
result<log_contents> read_log(std::span<const std::uint8_t> image, std::size_t end);

// info_of summarizes a log for storage::info.
log_info info_of(const log_state& st);

// meta_key_bytes is a metadata frame's key part: its length byte, then it.
std::vector<std::uint8_t> meta_key_bytes(std::string_view key);

// Checks shared by the storages. validate_doc_id is in storage.hpp.
result<void> validate_record(std::span<const std::uint8_t> record);
result<void> validate_meta(std::string_view key, std::span<const std::uint8_t> value);
error unreadable_error(std::string_view doc_id, const error& why);

// next_salt draws a salt from splitmix64 state `s` (seeded), never 0.
std::uint64_t next_salt(std::uint64_t& s) noexcept;

// compare_state reports how `st` differs from what `p` parsed, for the
// storages' invariant checkers; empty if they agree.
std::string compare_state(const log_state& st, const parsed_log& p);

}  // namespace weft::sync::internal

#endif  // WEFT_SRC_SYNC_LOG_FORMAT_HPP_
