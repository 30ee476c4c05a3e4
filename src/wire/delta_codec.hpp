// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/delta_codec.hpp
// -----------------------------------------------------------------------------
//
// The codec between weft::doc_delta and the `delta` table of weft.fbs: the
// column layout that docs/wire-format.md describes. Deltas, snapshots (and
// later sync messages) all carry their operations through it.

#ifndef WEFT_SRC_WIRE_DELTA_CODEC_HPP_
#define WEFT_SRC_WIRE_DELTA_CODEC_HPP_

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "weft/doc_delta.hpp"
#include "weft/result.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"
#include "weft_generated.h"

namespace weft::internal {

// omitted_placeholder is what a deleted character whose content a
// state-only snapshot left out holds once decoded. No replica shows it.
inline constexpr char omitted_placeholder = '\0';

// enc_value is a value as the encoder takes it: its wire value kind (0 erase
// .. 8 container, see docs/wire-format.md 4.14) and payload. `bits` holds an
// integer, a double's bits or a container slot; `data` a string or bytes
// value, pointing into storage that outlives the encoding.
struct enc_value {
  std::uint8_t kind = 1;
  std::uint64_t bits = 0;
  std::string_view data;
};

// enc_write is a map or register write's part of an enc_run.
struct enc_write {
  std::string_view key;
  std::uint64_t lamport = 0;
  std::span<const op_id> preds;
  enc_value value;  // kind 0: an erase
};

// enc_run is one run as the encoder takes it: a doc_op whose content,
// values and keys are views into storage that outlives the encoding (a
// doc_delta, or a document's own containers when saving a snapshot), so
// that encoding copies no string.
struct enc_run {
  enum kind_t : std::uint8_t {
    text_insert = 0,
    remove = 1,
    list_insert = 2,
    map_write = 3,
    counter_add = 4,
    shallow_remove = 5,
  };
  kind_t kind = text_insert;
  bool has_left = false;   // inserts: origin_left present
  bool has_right = false;  // inserts: origin_right present
  bool backward = false;   // deletes
  std::uint32_t container = 0;
  op_id id;
  std::uint64_t len = 1;  // ops (code points of a text insert)
  op_id left;             // inserts: origin_left; deletes: the target
  op_id right;            // inserts: origin_right
  // text inserts: pieces [first, first + count) of enc_delta::pieces, whose
  // concatenation is the run's UTF-8; list inserts: values [first, first +
  // count); map writes: writes[first].
  std::size_t first = 0;
  std::size_t count = 0;
  std::int64_t amount = 0;  // counter adds
};

// enc_delta is what build_delta encodes: the container table and the runs
// with the storage they index.
struct enc_delta {
  const std::vector<container_desc>* containers = nullptr;
  std::vector<enc_run> runs;
  std::vector<std::string_view> pieces;
  std::vector<enc_value> values;
  std::vector<enc_write> writes;
  // The delta's tombstones, ascending by (replica, begin), none adjacent.
  std::vector<id_range> tombstones;
};

// enc_scalar_of converts a scalar of any variant laid out like delta_value
// (null, bool, int64, double, string, bytes first); the caller handles its
// container alternative (index 6), whose slot only it knows.
template <class Variant>
enc_value enc_scalar_of(const Variant& v) {
  switch (v.index()) {
    case 1:
      return {static_cast<std::uint8_t>(std::get<1>(v) ? 3 : 2), 0, {}};
    case 2:
      return {4, static_cast<std::uint64_t>(std::get<2>(v)), {}};
    case 3: {
      std::uint64_t bits;
      const double x = std::get<3>(v);
      std::memcpy(&bits, &x, sizeof bits);
      return {5, bits, {}};
    }
    case 4:
      return {6, 0, std::get<4>(v)};
    case 5: {
      const auto& b = std::get<5>(v);
      return {7, 0, {reinterpret_cast<const char*>(b.data()), b.size()}};
    }
    default:
      return {1, 0, {}};
  }
}

// enc_value_of converts a doc_delta value.
enc_value enc_value_of(const delta_value& v);

// text_column says where a delta's characters travel: in its text column,
// or elsewhere (a state-only snapshot's live_text), the text runs then
// holding placeholders.
enum class text_column : std::uint8_t { included, elsewhere };

// build_delta writes `d` as a delta table.
flatbuffers::Offset<wire::delta> build_delta(flatbuffers::FlatBufferBuilder& b,
                                             const enc_delta& d,
                                             text_column text = text_column::included);
flatbuffers::Offset<wire::delta> build_delta(flatbuffers::FlatBufferBuilder& b,
                                             const doc_delta& d,
                                             text_column text = text_column::included);

// read_delta decodes a verified delta table, checking every column, and
// sets *op_count (when given) to the number of ops it holds.
result<doc_delta> read_delta(const wire::delta& t, const decode_limits& limits,
                             std::uint64_t* op_count = nullptr,
                             text_column text = text_column::included);

flatbuffers::Offset<wire::version_vector> build_version(flatbuffers::FlatBufferBuilder& b,
                                                        const version_vector& v);
result<version_vector> read_version(const wire::version_vector& t);

}  // namespace weft::internal

#endif  // WEFT_SRC_WIRE_DELTA_CODEC_HPP_
