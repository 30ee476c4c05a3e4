// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire.hpp
// -----------------------------------------------------------------------------
//
// The wire format: how deltas and version vectors become bytes and back.
// Every message is one FlatBuffers buffer (file identifier "WEFT") whose root
// envelope names the format version and carries one payload; the bulk of a
// delta travels as varint, delta and run-length coded columns inside it
// (docs/wire-format.md describes every byte). Snapshots use the same
// envelope (see snapshot.hpp).
//
// Decoders treat their input as hostile. Before anything is built they run
// the FlatBuffers verifier, bounded by `decode_limits`, then check every
// column: canonical varints, exact counts, UTF-8, ids that do not overflow,
// indices in range. A refusal is a `result` error with a specific `errc`;
// nothing is returned half-decoded. What a decoded delta means for a given
// document (unknown containers, missing dependencies) is `doc::apply`'s to
// check, and apply is atomic.
//
// Encoding is deterministic: equal inputs give equal bytes.

#ifndef WEFT_WIRE_HPP_
#define WEFT_WIRE_HPP_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "weft/doc_delta.hpp"
#include "weft/result.hpp"
#include "weft/version_vector.hpp"

namespace weft {

// wire_format_version is the version encoders write. Decoders accept every
// version from 1 up to it.
inline constexpr std::uint16_t wire_format_version = 2;

// compression names how an envelope's payload is packed. Values are only
// appended.
enum class compression : std::uint8_t {
  none = 0,
  zstd = 1,
};

struct encode_options {
  // compress packs the payload with the named codec when that makes it
  // smaller and it is at least `compress_min_bytes` long.
  compression compress = compression::none;
  std::size_t compress_min_bytes = 512;
  int level = 3;  // zstd level, 1 (fast) to 19 (small)
};

// decode_limits bound what a decoder accepts (and therefore what it may
// allocate). The defaults suit a server taking messages from the open
// internet; a document store reading its own snapshots may raise them.
struct decode_limits {
  std::size_t max_message_bytes = std::size_t{64} << 20;  // also after decompression
  std::uint64_t max_ops = std::uint64_t{1} << 26;         // per delta or snapshot
  // max_items bounds what decoding allocates for one by one: the runs,
  // list elements, map-write values and preds of a delta (up to ~100 bytes
  // each in memory, more once applied). Run-length coding lets a few bytes
  // declare many identical ones. A store loading its own large snapshots
  // raises it.
  std::uint64_t max_items = std::uint64_t{1} << 18;
  std::size_t max_string_bytes = std::size_t{16} << 20;   // one text run, key or value
  std::size_t max_containers = std::size_t{1} << 20;      // container table entries
  std::uint32_t max_depth = 64;        // FlatBuffers table nesting
  std::uint32_t max_tables = 1 << 20;  // FlatBuffers tables (the verifier's count)
};

// message_kind is what an envelope carries. Values are only appended.
enum class message_kind : std::uint8_t {
  delta = 1,
  snapshot = 2,
  version_vector = 3,
  sync = 4,  // a sync protocol message (weft/sync/message.hpp)
};

// encode_delta returns the bytes of `delta` as a delta message.
std::vector<std::uint8_t> encode_delta(const doc_delta& delta,
                                       const encode_options& options = {});

// decode_delta parses a delta message.
result<doc_delta> decode_delta(std::span<const std::uint8_t> bytes,
                               const decode_limits& limits = {});

// encode_version returns the bytes of `v` as a version-vector message.
std::vector<std::uint8_t> encode_version(const version_vector& v,
                                         const encode_options& options = {});

// decode_version parses a version-vector message.
result<version_vector> decode_version(std::span<const std::uint8_t> bytes,
                                      const decode_limits& limits = {});

// peek_message verifies the envelope of `bytes` (not its payload's columns)
// and reports what it carries.
result<message_kind> peek_message(std::span<const std::uint8_t> bytes,
                                  const decode_limits& limits = {});

}  // namespace weft

#endif  // WEFT_WIRE_HPP_
