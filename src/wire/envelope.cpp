// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/envelope.cpp
// -----------------------------------------------------------------------------

#include "wire/envelope.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "fmt/format.h"
#include "zstd.h"

namespace weft::internal {
namespace {

std::vector<std::uint8_t> bytes_of(const flatbuffers::FlatBufferBuilder& b) {
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

struct dctx_free {
  void operator()(ZSTD_DCtx* c) const noexcept { ZSTD_freeDCtx(c); }
};
struct cctx_free {
  void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
};

// column_block_min_bytes is the smallest column that gets zstd blocks of
// its own: below it, a block's header and tables cost more than they save
// (automerge-paper's snapshots: 4 KiB and 256 B gave the same sizes, 16 KiB
// 1.5% more).
constexpr std::size_t column_block_min_bytes = 4096;

// inflate decompresses one zstd frame of exactly `raw_size` bytes. The
// output grows only as bytes come out of the decoder, so a frame that
// claims much and holds little costs little.
result<std::vector<std::uint8_t>> inflate(std::span<const std::uint8_t> in,
                                          std::uint64_t raw_size) {
  // zstd sizes its buffers from the frame header: a header that claims
  // more than raw_size is refused before the decoder allocates anything for
  // it, and the window may be no larger than raw_size rounded up to a power
  // of two.
  const unsigned long long claimed = ZSTD_getFrameContentSize(in.data(), in.size());
  if (claimed == ZSTD_CONTENTSIZE_ERROR) return make_error(errc::malformed, "zstd: no frame header");
  if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed != raw_size) {
    return make_error(errc::malformed, fmt::format("zstd frame holds {} bytes, {} declared",
                                                   claimed, raw_size));
  }
  int window_log = 10;  // ZSTD_WINDOWLOG_MIN
  while (window_log < 27 && (std::uint64_t{1} << window_log) < raw_size) ++window_log;
  std::unique_ptr<ZSTD_DCtx, dctx_free> ctx(ZSTD_createDCtx());
  if (!ctx) return make_error(errc::capacity_exceeded, "zstd: cannot allocate a decoder");
  ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, window_log);
  std::vector<std::uint8_t> out;
  std::size_t cap = static_cast<std::size_t>(std::min<std::uint64_t>(
      raw_size, std::max<std::uint64_t>(64 * 1024, std::uint64_t{in.size()} * 4)));
  out.resize(cap);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  std::size_t produced = 0;
  for (;;) {
    ZSTD_outBuffer dst{out.data(), out.size(), produced};
    const std::size_t rc = ZSTD_decompressStream(ctx.get(), &dst, &src);
    if (ZSTD_isError(rc)) {
      return make_error(errc::malformed,
                        fmt::format("zstd: {}", ZSTD_getErrorName(rc)));
    }
    produced = dst.pos;
    if (rc == 0) break;  // the frame is complete
    if (produced == out.size()) {
      if (out.size() == raw_size) {
        return make_error(errc::malformed,
                          fmt::format("packed payload holds more than its {} bytes", raw_size));
      }
      out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(raw_size, out.size() * 2)));
    } else if (src.pos == src.size) {
      return make_error(errc::malformed, "packed payload ends inside its zstd frame");
    }
  }
  if (src.pos != src.size) return make_error(errc::malformed, "bytes after the zstd frame");
  if (produced != raw_size) {
    return make_error(errc::malformed, fmt::format("packed payload holds {} bytes, {} declared",
                                                   produced, raw_size));
  }
  out.resize(produced);
  return out;
}

// verify checks `bytes` as an envelope buffer.
result<const wire::envelope*> verify(std::span<const std::uint8_t> bytes,
                                     const decode_limits& limits) {
  if (bytes.size() > limits.max_message_bytes) {
    return make_error(errc::too_large, fmt::format("message of {} bytes exceeds the limit of {}",
                                                   bytes.size(), limits.max_message_bytes));
  }
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(bytes.data(), wire::envelopeIdentifier())) {
    return make_error(errc::malformed, "not a weft message (no WEFT file identifier)");
  }
  flatbuffers::Verifier v(bytes.data(), bytes.size(), limits.max_depth, limits.max_tables);
  if (!wire::VerifyenvelopeBuffer(v)) {
    return make_error(errc::malformed, "message fails FlatBuffers verification");
  }
  const wire::envelope* env = wire::Getenvelope(bytes.data());
  if (env->format() == 0) return make_error(errc::malformed, "format version 0");
  if (env->format() > wire_format_version) {
    return make_error(errc::unsupported,
                      fmt::format("format version {} is newer than this decoder's {}",
                                  env->format(), wire_format_version));
  }
  return env;
}

// column_cut appends where column `c` starts and ends in the buffer at
// `base`, if it is big.
void column_cut(const flatbuffers::Vector<std::uint8_t>* c, const std::uint8_t* base,
                std::vector<std::size_t>& cuts) {
  if (c == nullptr || c->size() < column_block_min_bytes) return;
  cuts.push_back(static_cast<std::size_t>(c->data() - base));
  cuts.push_back(static_cast<std::size_t>(c->data() + c->size() - base));
}

// column_cuts appends where the big columns of `d` start and end.
void column_cuts(const wire::delta* d, const std::uint8_t* base, std::vector<std::size_t>& cuts) {
  if (d == nullptr) return;
  for (const flatbuffers::Vector<std::uint8_t>* c :
       {d->containers(), d->kinds(), d->targets(), d->replica_of(), d->seqs(), d->lengths(),
        d->origin_replicas(), d->origin_seqs(), d->delete_replicas(), d->delete_seqs(),
        d->delete_backward(), d->text(), d->value_kinds(), d->value_data(), d->keys(),
        d->key_of(), d->lamports(), d->pred_counts(), d->pred_replicas(), d->pred_seqs(),
        d->amounts()}) {
    column_cut(c, base, cuts);
  }
}

// deflate compresses the envelope `raw` into one zstd frame, ending a block
// at each big column's edges (column_cuts): a block has its own entropy
// tables, and UTF-8 text, run lengths and predicted seqs have little in
// common. The frame stays one frame, so any decoder reads it. False if
// zstd fails (it can only fail to allocate).
bool deflate(std::span<const std::uint8_t> raw, int level, std::vector<std::uint8_t>& out) {
  const wire::envelope* env = wire::Getenvelope(raw.data());
  std::vector<std::size_t> cuts;
  if (const auto* d = env->payload_as_delta()) column_cuts(d, raw.data(), cuts);
  if (const auto* s = env->payload_as_snapshot()) {
    column_cuts(s->ops(), raw.data(), cuts);
    column_cuts(s->pending(), raw.data(), cuts);
    column_cut(s->live_text(), raw.data(), cuts);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(raw.size());

  const std::unique_ptr<ZSTD_CCtx, cctx_free> ctx(ZSTD_createCCtx());
  if (!ctx) return false;
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel,
                         std::clamp(level, 1, ZSTD_maxCLevel()));
  ZSTD_CCtx_setPledgedSrcSize(ctx.get(), raw.size());
  // Each block ended early costs at most a block header beyond the bound.
  out.resize(ZSTD_compressBound(raw.size()) + 8 * cuts.size());
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  std::size_t from = 0;
  for (const std::size_t to : cuts) {
    if (to <= from) continue;
    ZSTD_inBuffer src{raw.data() + from, to - from, 0};
    const ZSTD_EndDirective mode = to == raw.size() ? ZSTD_e_end : ZSTD_e_flush;
    for (;;) {
      const std::size_t rc = ZSTD_compressStream2(ctx.get(), &dst, &src, mode);
      if (ZSTD_isError(rc)) return false;
      if (rc == 0) break;
      if (dst.pos == dst.size) return false;
    }
    from = to;
  }
  out.resize(dst.pos);
  return true;
}

}  // namespace

std::vector<std::uint8_t> seal(flatbuffers::FlatBufferBuilder& b, wire::payload type,
                               flatbuffers::Offset<void> payload, const encode_options& options) {
  b.Finish(wire::Createenvelope(b, wire_format_version, wire::compression::none, 0, type, payload),
           wire::envelopeIdentifier());
  if (options.compress != compression::zstd || b.GetSize() < options.compress_min_bytes) {
    return bytes_of(b);
  }
  const std::size_t raw = b.GetSize();
  std::vector<std::uint8_t> packed;
  // Only a failure to allocate makes compression fail here; the message
  // then goes out uncompressed, which is always valid.
  if (!deflate({b.GetBufferPointer(), raw}, options.level, packed) || packed.size() + 32 >= raw) {
    return bytes_of(b);
  }
  const std::size_t n = packed.size();
  flatbuffers::FlatBufferBuilder outer(n + 64);
  const auto vec = outer.CreateVector(packed);
  outer.Finish(wire::Createenvelope(outer, wire_format_version, wire::compression::zstd, raw,
                                    wire::payload::NONE, 0, vec),
               wire::envelopeIdentifier());
  return bytes_of(outer);
}

result<opened_envelope> open(std::span<const std::uint8_t> bytes, const decode_limits& limits) {
  opened_envelope out;
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % 8 != 0) {
    // FlatBuffers reads scalars in place: give it an aligned copy.
    if (bytes.size() > limits.max_message_bytes) {
      return make_error(errc::too_large, fmt::format("message of {} bytes exceeds the limit of {}",
                                                     bytes.size(), limits.max_message_bytes));
    }
    out.storage_.resize((bytes.size() + 7) / 8);
    std::memcpy(out.storage_.data(), bytes.data(), bytes.size());
    bytes = {reinterpret_cast<const std::uint8_t*>(out.storage_.data()), bytes.size()};
  }
  auto env = verify(bytes, limits);
  if (!env) return env.error();
  const auto c = (*env)->compression();
  if (c == wire::compression::none) {
    if ((*env)->packed() != nullptr) return make_error(errc::malformed, "uncompressed envelope with packed bytes");
    out.env_ = *env;
    return out;
  }
  if (c != wire::compression::zstd) {
    return make_error(errc::unsupported,
                      fmt::format("compression {} is unknown", static_cast<int>(c)));
  }
  if ((*env)->payload_type() != wire::payload::NONE || (*env)->packed() == nullptr) {
    return make_error(errc::malformed, "compressed envelope without exactly a packed payload");
  }
  const std::uint64_t raw = (*env)->raw_size();
  if (raw > limits.max_message_bytes) {
    return make_error(errc::too_large, fmt::format("unpacked message of {} bytes exceeds the limit of {}",
                                                   raw, limits.max_message_bytes));
  }
  auto inflated = inflate({(*env)->packed()->data(), (*env)->packed()->size()}, raw);
  if (!inflated) return inflated.error();
  std::vector<std::uint64_t> storage((inflated->size() + 7) / 8);
  std::memcpy(storage.data(), inflated->data(), inflated->size());
  const std::span<const std::uint8_t> inner(reinterpret_cast<const std::uint8_t*>(storage.data()),
                                            inflated->size());
  auto inner_env = verify(inner, limits);
  if (!inner_env) return inner_env.error();
  if ((*inner_env)->compression() != wire::compression::none || (*inner_env)->packed() != nullptr) {
    return make_error(errc::malformed, "a compressed envelope inside a compressed envelope");
  }
  out.storage_ = std::move(storage);  // the heap buffer, and env_ into it, stay put
  out.env_ = *inner_env;
  return out;
}

result<message_kind> kind_of(const wire::envelope& env) {
  switch (env.payload_type()) {
    case wire::payload::delta:
      return message_kind::delta;
    case wire::payload::snapshot:
      return message_kind::snapshot;
    case wire::payload::version_vector:
      return message_kind::version_vector;
    case wire::payload::sync_message:
      return message_kind::sync;
    case wire::payload::NONE:
      return make_error(errc::malformed, "envelope without a payload");
  }
  return make_error(errc::unsupported, fmt::format("payload type {} is unknown",
                                                   static_cast<int>(env.payload_type())));
}

}  // namespace weft::internal
