// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/wire.cpp
// -----------------------------------------------------------------------------

#include "weft/wire.hpp"

#include "fmt/format.h"
#include "wire/delta_codec.hpp"
#include "wire/envelope.hpp"

namespace weft {
namespace {

// expect checks that `env` carries a `want` message: a payload type this
// decoder does not know is unsupported (a newer peer), a known other one
// malformed.
result<void> expect(const internal::wire::envelope& env, message_kind want) {
  const auto kind = internal::kind_of(env);
  if (!kind) return kind.error();
  if (*kind != want) {
    return make_error(errc::malformed,
                      fmt::format("expected a message of kind {}, got kind {}",
                                  static_cast<int>(want), static_cast<int>(*kind)));
  }
  return {};
}

}  // namespace

std::vector<std::uint8_t> encode_delta(const doc_delta& delta, const encode_options& options) {
  flatbuffers::FlatBufferBuilder b(1024);
  const auto t = internal::build_delta(b, delta);
  return internal::seal(b, internal::wire::payload::delta, t.Union(), options);
}

result<doc_delta> decode_delta(std::span<const std::uint8_t> bytes, const decode_limits& limits) {
  auto env = internal::open(bytes, limits);
  if (!env) return env.error();
  WEFT_TRY(expect(env->get(), message_kind::delta));
  const auto* t = (*env)->payload_as_delta();
  if (t == nullptr) return make_error(errc::malformed, "envelope names a delta but holds none");
  return internal::read_delta(*t, limits);
}

std::vector<std::uint8_t> encode_version(const version_vector& v, const encode_options& options) {
  flatbuffers::FlatBufferBuilder b(256);
  const auto t = internal::build_version(b, v);
  return internal::seal(b, internal::wire::payload::version_vector, t.Union(), options);
}

result<version_vector> decode_version(std::span<const std::uint8_t> bytes,
                                      const decode_limits& limits) {
  auto env = internal::open(bytes, limits);
  if (!env) return env.error();
  WEFT_TRY(expect(env->get(), message_kind::version_vector));
  const auto* t = (*env)->payload_as_version_vector();
  if (t == nullptr) {
    return make_error(errc::malformed, "envelope names a version vector but holds none");
  }
  return internal::read_version(*t);
}

result<message_kind> peek_message(std::span<const std::uint8_t> bytes,
                                  const decode_limits& limits) {
  auto env = internal::open(bytes, limits);
  if (!env) return env.error();
  return internal::kind_of(env->get());
}

}  // namespace weft
