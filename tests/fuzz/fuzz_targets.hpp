// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: fuzz_targets.hpp
// -----------------------------------------------------------------------------
//
// What each fuzz target does with one input, shared by the libFuzzer
// harnesses (tests/fuzz/fuzz_*.cpp) and by crashers_test, which replays
// every saved crasher in every normal build (native, sanitizers, wasm)
// without libFuzzer. Each one_* function decodes its input; a refusal ends
// the input quietly, and whatever decodes must then keep its properties:
//
//   one_columns   a column of the count and codec the first bytes choose
//                 decodes exactly that many values, appended; re-encoding
//                 them decodes back to the same values and re-encodes to the
//                 same bytes; every varint read is the canonical one.
//   one_delta     decode_delta; encode, decode again: an equal delta and the
//                 same bytes. Applied to an empty document and to base_doc:
//                 the document stays sound (internal::check, deep); a
//                 refusal leaves it unchanged; applying again changes
//                 nothing; a full snapshot of the result loads back equal.
//   one_version   decode_version: a sound vector; encode, decode: equal.
//   one_snapshot  load: a sound document; a full save loads back with the
//                 same state, version and bytes; a state-only save loads
//                 back with the same state.
//
// Whatever decodes, peek_message must name its kind.
//
// A broken property prints what broke and aborts: libFuzzer saves the input
// as a crash, and crashers_test dies, which ctest reports as a failure.
//
// Decoders get small limits (fuzz_limits) and documents small caps
// (small_doc_options), so that no single input is slow; re-encoded bytes are
// decoded with the default limits, since a re-encoding may legitimately be
// larger than a compressed input.

#ifndef WEFT_TESTS_FUZZ_FUZZ_TARGETS_HPP_
#define WEFT_TESTS_FUZZ_FUZZ_TARGETS_HPP_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fuzz/seed_docs.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/result.hpp"
#include "weft/snapshot.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"
#include "wire/column.hpp"

namespace weft::fuzz {

[[noreturn]] inline void property_failed(const char* expr, const char* what,
                                         const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n  check: %s\n", file, line, what,
               expr);
  std::fflush(stderr);
  std::abort();
}

// WEFT_FUZZ_CHECK aborts with `what` when `cond` does not hold.
#define WEFT_FUZZ_CHECK(cond, what)                                            \
  do {                                                                         \
    if (!(cond)) ::weft::fuzz::property_failed(#cond, (what), __FILE__, __LINE__); \
  } while (false)

// check_sound aborts unless every invariant of `d` holds, printing the
// checker's complaint first.
inline void check_sound(const doc& d, const char* what) {
  const auto r = internal::check(d, true);
  if (!r) {
    std::fprintf(stderr, "internal::check: %s: %s\n", std::string(errc_name(r.code())).c_str(),
                 r.error().message.c_str());
  }
  WEFT_FUZZ_CHECK(r, what);
}

// fuzz_limits: well below the defaults, so that one input stays cheap. A
// decoder that allocates beyond its limits still trips libFuzzer's
// -malloc_limit_mb.
inline decode_limits fuzz_limits() {
  decode_limits l;
  l.max_message_bytes = std::size_t{1} << 20;
  l.max_ops = std::uint64_t{1} << 14;
  l.max_string_bytes = std::size_t{1} << 16;
  l.max_containers = std::size_t{1} << 12;
  l.max_tables = std::uint32_t{1} << 16;
  return l;
}

// ---------------------------------------------------------------------------
// Equality that sees doubles by value: operator== would call a delta with a
// NaN unequal to itself and -0.0 equal to 0.0. Here every NaN equals every
// other NaN (a codec may canonicalize payloads) and anything else must keep
// its bits.

inline bool same_double(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  // memcpy, not std::bit_cast: Emscripten 3.1.6's libc++ lacks it.
  std::uint64_t x = 0;
  std::uint64_t y = 0;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

inline bool same_value(const delta_value& a, const delta_value& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<double>(&a)) return same_double(*x, std::get<double>(b));
  return a == b;
}

inline bool same_op(const doc_op& a, const doc_op& b) {
  if (a.container != b.container || a.op.index() != b.op.index()) return false;
  if (const auto* x = std::get_if<list_insert_run>(&a.op)) {
    const auto& y = std::get<list_insert_run>(b.op);
    if (x->id != y.id || x->origin_left != y.origin_left || x->origin_right != y.origin_right ||
        x->values.size() != y.values.size()) {
      return false;
    }
    for (std::size_t i = 0; i < x->values.size(); ++i) {
      if (!same_value(x->values[i], y.values[i])) return false;
    }
    return true;
  }
  if (const auto* x = std::get_if<map_write>(&a.op)) {
    const auto& y = std::get<map_write>(b.op);
    if (x->id != y.id || x->lamport != y.lamport || x->key != y.key || x->preds != y.preds ||
        x->value.has_value() != y.value.has_value()) {
      return false;
    }
    return !x->value || same_value(*x->value, *y.value);
  }
  return a == b;  // no doubles in the other kinds
}

inline bool same_delta(const doc_delta& a, const doc_delta& b) {
  if (a.containers != b.containers || a.ops.size() != b.ops.size()) return false;
  for (std::size_t i = 0; i < a.ops.size(); ++i) {
    if (!same_op(a.ops[i], b.ops[i])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// one_columns

// Byte 0 picks the codec, bytes 1-2 the count (at most 4096: callers check
// counts against their limits before decoding); the rest is the column.
inline int one_columns(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const unsigned codec = data[0] % 4;
  const std::uint64_t count = (std::uint64_t{data[1]} | std::uint64_t{data[2]} << 8) % 4097;
  const std::span<const std::uint8_t> column(data + 3, size - 3);
  if (codec == 3) {
    // Varints back to back, alternately unsigned and signed: each one read
    // must re-encode to exactly the bytes it came from (one encoding per
    // value), and a failed read must be errc::malformed.
    internal::byte_reader r(column);
    for (bool is_signed = false; !r.done(); is_signed = !is_signed) {
      const std::size_t at = r.offset();
      internal::byte_writer w;
      if (is_signed) {
        const auto v = r.svarint();
        if (!v) {
          WEFT_FUZZ_CHECK(v.code() == errc::malformed, "a bad svarint is malformed");
          return 0;
        }
        w.put_svarint(*v);
      } else {
        const auto v = r.uvarint();
        if (!v) {
          WEFT_FUZZ_CHECK(v.code() == errc::malformed, "a bad uvarint is malformed");
          return 0;
        }
        w.put_uvarint(*v);
      }
      WEFT_FUZZ_CHECK(r.offset() > at && r.offset() - at <= 10, "a varint is 1 to 10 bytes");
      WEFT_FUZZ_CHECK(std::equal(w.bytes().begin(), w.bytes().end(), column.begin() + at,
                                 column.begin() + static_cast<std::ptrdiff_t>(r.offset())) &&
                          w.size() == r.offset() - at,
                      "a decoded varint re-encodes to its own bytes");
    }
    return 0;
  }

  // A sentinel already in `out`: decoders append, and decode_delta must
  // not fold it into its running sum.
  constexpr std::uint64_t kSentinel = 0xDEADBEEFull;
  auto decode = [&](std::span<const std::uint8_t> bytes, std::vector<std::uint64_t>& ints,
                    std::vector<bool>& bools, std::size_t& consumed) -> result<void> {
    internal::byte_reader r(bytes);
    result<void> res;
    if (codec == 0) {
      res = internal::decode_rle(r, count, ints);
    } else if (codec == 1) {
      res = internal::decode_delta(r, count, ints);
    } else {
      res = internal::decode_bools(r, count, bools);
    }
    consumed = r.offset();
    return res;
  };
  std::vector<std::uint64_t> ints{kSentinel};
  std::vector<bool> bools{true};
  std::size_t consumed = 0;
  const auto res = decode(column, ints, bools, consumed);
  if (!res) {
    WEFT_FUZZ_CHECK(res.code() == errc::malformed, "a bad column is malformed");
    return 0;
  }
  WEFT_FUZZ_CHECK(consumed <= column.size(), "a decoder reads inside its input");
  WEFT_FUZZ_CHECK(ints[0] == kSentinel && bools[0], "decoders append");
  const std::size_t decoded = codec == 2 ? bools.size() - 1 : ints.size() - 1;
  WEFT_FUZZ_CHECK(decoded == count, "a column decodes exactly its count");

  // Every value the column holds comes from its bytes: one byte fewer
  // cannot give the same count.
  if (consumed > 0) {
    std::vector<std::uint64_t> ints2;
    std::vector<bool> bools2;
    std::size_t c2 = 0;
    WEFT_FUZZ_CHECK(!decode(column.first(consumed - 1), ints2, bools2, c2),
                    "a truncated column is refused");
  }

  internal::byte_writer w;
  if (codec == 0) {
    internal::encode_rle(w, std::span<const std::uint64_t>(ints).subspan(1));
  } else if (codec == 1) {
    internal::encode_delta(w, std::span<const std::uint64_t>(ints).subspan(1));
  } else {
    internal::encode_bools(w, std::vector<bool>(bools.begin() + 1, bools.end()));
  }
  std::vector<std::uint64_t> ints2{kSentinel};
  std::vector<bool> bools2{true};
  std::size_t c2 = 0;
  WEFT_FUZZ_CHECK(decode(w.bytes(), ints2, bools2, c2), "a re-encoded column decodes");
  WEFT_FUZZ_CHECK(c2 == w.size(), "a re-encoded column is read to its end");
  WEFT_FUZZ_CHECK(ints2 == ints && bools2 == bools, "a re-encoded column gives the same values");
  // The encoder is canonical: an encoding of the decoded values re-encodes
  // to itself.
  internal::byte_writer w2;
  if (codec == 0) {
    internal::encode_rle(w2, std::span<const std::uint64_t>(ints2).subspan(1));
  } else if (codec == 1) {
    internal::encode_delta(w2, std::span<const std::uint64_t>(ints2).subspan(1));
  } else {
    internal::encode_bools(w2, std::vector<bool>(bools2.begin() + 1, bools2.end()));
  }
  WEFT_FUZZ_CHECK(w2.bytes() == w.bytes(), "column encoding is deterministic");
  return 0;
}

// ---------------------------------------------------------------------------
// one_delta

// base_doc is make_base_doc, built once per process; inputs apply to forks.
inline const doc& base_doc() {
  static const doc base = make_base_doc();
  return base;
}

// check_snapshot_round_trip: a full snapshot of `d` loads back with the same
// state, version, pending operations and id.
inline void check_snapshot_round_trip(const doc& d) {
  const auto bytes = save(d);
  auto back = load(bytes, d.replica(), small_doc_options(""));
  if (!back) {
    std::fprintf(stderr, "load: %s: %s\n", std::string(errc_name(back.code())).c_str(),
                 back.error().message.c_str());
  }
  WEFT_FUZZ_CHECK(back, "a full snapshot of a document loads");
  check_sound(*back, "a loaded snapshot is sound");
  WEFT_FUZZ_CHECK(back->to_json() == d.to_json(), "a full snapshot keeps the state");
  WEFT_FUZZ_CHECK(back->version() == d.version(), "a full snapshot keeps the version");
  WEFT_FUZZ_CHECK(back->pending_ops() == d.pending_ops(), "a full snapshot keeps pending ops");
  WEFT_FUZZ_CHECK(back->id() == d.id(), "a full snapshot keeps the document id");
}

// apply_and_check applies `delta` to `d` and checks what apply promises.
inline void apply_and_check(doc& d, const doc_delta& delta) {
  const std::string json = d.to_json();
  const version_vector version = d.version();
  const std::uint64_t ops = d.op_count();
  const std::uint64_t pending = d.pending_ops();

  const auto applied = d.apply(delta);
  check_sound(d, "a document is sound after apply");
  if (!applied) {
    WEFT_FUZZ_CHECK(applied.code() != errc::corrupted, "apply never finds corruption");
    WEFT_FUZZ_CHECK(d.to_json() == json, "a refused delta leaves the state unchanged");
    WEFT_FUZZ_CHECK(d.version() == version, "a refused delta leaves the version unchanged");
    WEFT_FUZZ_CHECK(d.op_count() == ops && d.pending_ops() == pending,
                    "a refused delta leaves the operations unchanged");
    return;
  }

  // Idempotent: everything in it is now integrated or pending.
  const std::string json2 = d.to_json();
  const version_vector version2 = d.version();
  const std::uint64_t pending2 = d.pending_ops();
  const auto again = d.apply(delta);
  if (!again) {
    std::fprintf(stderr, "apply again: %s: %s\n", std::string(errc_name(again.code())).c_str(),
                 again.error().message.c_str());
  }
  WEFT_FUZZ_CHECK(again, "an applied delta applies again");
  check_sound(d, "a document is sound after applying a delta twice");
  WEFT_FUZZ_CHECK(d.to_json() == json2 && d.version() == version2 && d.pending_ops() == pending2,
                  "applying a delta twice changes nothing");

  check_snapshot_round_trip(d);
}

inline int one_delta(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  const auto decoded = decode_delta(input, fuzz_limits());
  if (!decoded) return 0;
  const doc_delta& delta = *decoded;

  const auto kind = peek_message(input, fuzz_limits());
  WEFT_FUZZ_CHECK(kind && *kind == message_kind::delta,
                  "peek_message calls a decodable delta a delta");

  const auto bytes = encode_delta(delta);
  const auto again = decode_delta(bytes);
  if (!again) {
    std::fprintf(stderr, "decode_delta(encode_delta(d)): %s: %s\n",
                 std::string(errc_name(again.code())).c_str(), again.error().message.c_str());
  }
  WEFT_FUZZ_CHECK(again, "a re-encoded delta decodes");
  WEFT_FUZZ_CHECK(same_delta(*again, delta), "a delta survives encode and decode");
  WEFT_FUZZ_CHECK(encode_delta(*again) == bytes, "delta encoding is deterministic");

  doc fresh(kFuzzReplica, small_doc_options());
  apply_and_check(fresh, delta);
  doc based = base_doc().fork(kFuzzReplica);
  apply_and_check(based, delta);
  return 0;
}

// ---------------------------------------------------------------------------
// one_version

inline int one_version(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  const auto decoded = decode_version(input, fuzz_limits());
  if (!decoded) return 0;
  const version_vector& v = *decoded;

  WEFT_FUZZ_CHECK(internal::check(v), "a decoded version vector is sound");
  const auto kind = peek_message(input, fuzz_limits());
  WEFT_FUZZ_CHECK(kind && *kind == message_kind::version_vector,
                  "peek_message calls a decodable version vector one");

  const auto bytes = encode_version(v);
  const auto again = decode_version(bytes);
  WEFT_FUZZ_CHECK(again, "a re-encoded version vector decodes");
  WEFT_FUZZ_CHECK(*again == v, "a version vector survives encode and decode");
  WEFT_FUZZ_CHECK(encode_version(*again) == bytes, "version encoding is deterministic");

  // The vector is usable: it relates to itself and merges idempotently.
  WEFT_FUZZ_CHECK(v.compare(v) == causal_order::equal && v.includes(v), "v equals itself");
  version_vector merged = v;
  merged.merge(v);
  WEFT_FUZZ_CHECK(merged == v, "merging a vector into itself changes nothing");
  return 0;
}

// ---------------------------------------------------------------------------
// one_snapshot

inline int one_snapshot(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  // An empty id: the document takes the snapshot's.
  auto loaded = load(input, kFuzzReplica, small_doc_options(""), fuzz_limits());
  if (!loaded) return 0;
  doc& d = *loaded;
  check_sound(d, "a loaded snapshot is sound");

  const auto kind = peek_message(input, fuzz_limits());
  WEFT_FUZZ_CHECK(kind && *kind == message_kind::snapshot,
                  "peek_message calls a loadable snapshot a snapshot");

  const std::string json = d.to_json();
  const auto full = save(d);
  auto back = load(full, kFuzzReplica, small_doc_options(""));
  WEFT_FUZZ_CHECK(back, "a full save of a loaded snapshot loads");
  check_sound(*back, "a reloaded full snapshot is sound");
  WEFT_FUZZ_CHECK(back->to_json() == json, "a full snapshot keeps the state");
  WEFT_FUZZ_CHECK(back->version() == d.version(), "a full snapshot keeps the version");
  WEFT_FUZZ_CHECK(back->pending_ops() == d.pending_ops(), "a full snapshot keeps pending ops");
  WEFT_FUZZ_CHECK(back->id() == d.id(), "a full snapshot keeps the document id");
  WEFT_FUZZ_CHECK(save(*back) == full, "saving is deterministic");

  save_options state_only;
  state_only.kind = snapshot_kind::state_only;
  const auto state = save(d, state_only);
  auto from_state = load(state, kFuzzReplica, small_doc_options(""));
  WEFT_FUZZ_CHECK(from_state, "a state-only save of a loaded snapshot loads");
  check_sound(*from_state, "a reloaded state-only snapshot is sound");
  WEFT_FUZZ_CHECK(from_state->to_json() == json, "a state-only snapshot keeps the state");

  // The loaded replica edits on: its sequence continues without colliding
  // (the edit may be refused, e.g. at capacity, but never breaks the doc).
  const auto edited = d.get_text("fuzz").insert(0, "x");
  (void)edited;
  check_sound(d, "a loaded document is sound after a local edit");
  return 0;
}

}  // namespace weft::fuzz

#endif  // WEFT_TESTS_FUZZ_FUZZ_TARGETS_HPP_
