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

error wrong_kind(const internal::wire::envelope& env, std::string_view want) {
  return make_error(errc::malformed,
                    fmt::format("expected a {} message, got payload type {}", want,
                                static_cast<int>(env.payload_type())));
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
  const auto* t = (*env)->payload_as_delta();
  if (t == nullptr) return wrong_kind(env->get(), "delta");
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
  const auto* t = (*env)->payload_as_version_vector();
  if (t == nullptr) return wrong_kind(env->get(), "version vector");
  return internal::read_version(*t);
}

result<message_kind> peek_message(std::span<const std::uint8_t> bytes,
                                  const decode_limits& limits) {
  auto env = internal::open(bytes, limits);
  if (!env) return env.error();
  return internal::kind_of(env->get());
}

}  // namespace weft
