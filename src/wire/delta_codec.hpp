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

// build_delta writes `d` as a delta table. With `omit_deleted`, text that a
// delete run of `d` targets is left out (state-only snapshots).
flatbuffers::Offset<wire::delta> build_delta(flatbuffers::FlatBufferBuilder& b,
                                             const doc_delta& d, bool omit_deleted = false);

// read_delta decodes a verified delta table, checking every column.
result<doc_delta> read_delta(const wire::delta& t, const decode_limits& limits);

flatbuffers::Offset<wire::version_vector> build_version(flatbuffers::FlatBufferBuilder& b,
                                                        const version_vector& v);
result<version_vector> read_version(const wire::version_vector& t);

}  // namespace weft::internal

#endif  // WEFT_SRC_WIRE_DELTA_CODEC_HPP_
