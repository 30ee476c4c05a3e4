// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/envelope.hpp
// -----------------------------------------------------------------------------
//
// The envelope every message travels in: sealing a payload (with optional
// compression) and opening one from untrusted bytes (size limit, alignment,
// the FlatBuffers verifier, format version, decompression, the verifier
// again on what came out).

#ifndef WEFT_SRC_WIRE_ENVELOPE_HPP_
#define WEFT_SRC_WIRE_ENVELOPE_HPP_

#include <cstdint>
#include <span>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "weft/result.hpp"
#include "weft/wire.hpp"
#include "weft_generated.h"

namespace weft::internal {

// seal finishes `b` with an envelope around `payload` and returns the
// message, compressed as `options` ask when that pays.
std::vector<std::uint8_t> seal(flatbuffers::FlatBufferBuilder& b, wire::payload type,
                               flatbuffers::Offset<void> payload, const encode_options& options);

// opened_envelope is a verified, uncompressed envelope. It may own the
// bytes it points into (a decompressed or realigned copy), so it is not
// copyable.
class opened_envelope {
 public:
  opened_envelope() = default;
  opened_envelope(opened_envelope&&) noexcept = default;
  opened_envelope& operator=(opened_envelope&&) noexcept = default;

  const wire::envelope& get() const { return *env_; }
  const wire::envelope* operator->() const { return env_; }

 private:
  friend result<opened_envelope> open(std::span<const std::uint8_t>, const decode_limits&);
  std::vector<std::uint64_t> storage_;  // 8-byte aligned copy, when one is needed
  const wire::envelope* env_ = nullptr;
};

// open verifies `bytes` as an envelope and unpacks a compressed one.
result<opened_envelope> open(std::span<const std::uint8_t> bytes, const decode_limits& limits);

// kind_of names an envelope's payload type as a message_kind.
result<message_kind> kind_of(const wire::envelope& env);

}  // namespace weft::internal

#endif  // WEFT_SRC_WIRE_ENVELOPE_HPP_
