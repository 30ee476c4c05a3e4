// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire_sweep_test.cpp
// -----------------------------------------------------------------------------
//
// The decoders against damaged input, measured: for a few hundred distinct
// valid messages (deltas of random documents, version vectors, full and
// state-only snapshots, plain and zstd), every prefix and every single-bit
// flip must either decode (then a delta applies to a fresh document, a
// snapshot loads, and the result passes internal::check) or be refused, and
// each input must take at most 100 ms and 64 MiB. Time is steady_clock
// around the library's work (decode and apply, or load); memory is the peak
// of live heap bytes above what was live before, tracked by replacing the
// global operator new and delete in this executable (which is why this is
// a test executable of its own) and, natively with glibc and no sanitizer,
// malloc and free too (zstd allocates with malloc). The maxima are
// reported with WARN.
//
// An optimized build takes every prefix and every flip of every message
// (about 650,000 inputs, a few seconds). Under sanitizers or without
// NDEBUG (or with WEFT_ASAN_SWEEP=1) each message gets a stride over its
// inputs instead (a different phase per message, so that together they
// still reach every position class) and the time limit is 20 times as
// generous; memory is asserted everywhere.
//
// Two more tests build small hostile messages meant to make the decoder
// allocate (see each).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "support/random_doc.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/snapshot.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"
#include "flatbuffers/flatbuffers.h"
#include "weft_generated.h"

// ---------------------------------------------------------------------------
// Heap accounting: every C++ allocation of this executable (each block
// carries its size in a header as wide as its alignment) and, natively with
// glibc and no sanitizer, every malloc too: zstd allocates with malloc.
// Single-threaded, as Catch2 runs tests.
// ---------------------------------------------------------------------------

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_SWEEP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define WEFT_SWEEP_SANITIZED 1
#endif
#endif

#if defined(__GLIBC__) && !defined(__EMSCRIPTEN__) && !defined(WEFT_SWEEP_SANITIZED)
#define WEFT_SWEEP_COUNTS_MALLOC 1
#include <malloc.h>
#endif

namespace {

std::size_t g_live = 0;
std::size_t g_peak = 0;

void count_up(std::size_t n) noexcept {
  g_live += n;
  g_peak = std::max(g_peak, g_live);
}

}  // namespace

#ifdef WEFT_SWEEP_COUNTS_MALLOC
// glibc's own entry points, behind the replacements below.
extern "C" {
void* __libc_malloc(std::size_t n);
void* __libc_calloc(std::size_t n, std::size_t size);
void* __libc_realloc(void* p, std::size_t n);
void __libc_free(void* p);

void* malloc(std::size_t n) noexcept {
  void* p = __libc_malloc(n);
  if (p != nullptr) count_up(malloc_usable_size(p));
  return p;
}
void* calloc(std::size_t n, std::size_t size) noexcept {
  void* p = __libc_calloc(n, size);
  if (p != nullptr) count_up(malloc_usable_size(p));
  return p;
}
void* realloc(void* old, std::size_t n) noexcept {
  const std::size_t was = old == nullptr ? 0 : malloc_usable_size(old);
  void* p = __libc_realloc(old, n);
  if (p == nullptr) return p;  // the old block stays (or n was 0 and it went)
  g_live -= was;
  count_up(malloc_usable_size(p));
  return p;
}
void free(void* p) noexcept {
  if (p != nullptr) g_live -= malloc_usable_size(p);
  __libc_free(p);
}
}  // extern "C"
#endif

namespace {

constexpr std::size_t kDefaultAlign = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

// The blocks of operator new come from aligned_alloc, which the malloc
// replacements above do not see, and go back to the C library's own free,
// so that each is counted once, here.
void raw_free(void* p) noexcept {
#ifdef WEFT_SWEEP_COUNTS_MALLOC
  __libc_free(p);
#else
  std::free(p);
#endif
}

void* counted_alloc(std::size_t n, std::size_t align) noexcept {
  align = std::max(align, kDefaultAlign);
  const std::size_t head = std::max(align, sizeof(std::size_t));
  const std::size_t total = (n + head + align - 1) / align * align;
  if (total < n) return nullptr;  // overflow
  void* base = std::aligned_alloc(align, total);
  if (base == nullptr) return nullptr;
  *static_cast<std::size_t*>(base) = n;
  count_up(n);
  return static_cast<char*>(base) + head;
}

void counted_free(void* p, std::size_t align) noexcept {
  if (p == nullptr) return;
  align = std::max(align, kDefaultAlign);
  const std::size_t head = std::max(align, sizeof(std::size_t));
  char* base = static_cast<char*>(p) - head;
  g_live -= *reinterpret_cast<std::size_t*>(base);
  raw_free(base);
}

void* counted_or_throw(std::size_t n, std::size_t align) {
  void* p = counted_alloc(n, align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t n) { return counted_or_throw(n, kDefaultAlign); }
void* operator new[](std::size_t n) { return counted_or_throw(n, kDefaultAlign); }
void* operator new(std::size_t n, std::align_val_t a) {
  return counted_or_throw(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return counted_or_throw(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n, kDefaultAlign);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n, kDefaultAlign);
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { counted_free(p, kDefaultAlign); }
void operator delete[](void* p) noexcept { counted_free(p, kDefaultAlign); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p, kDefaultAlign); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p, kDefaultAlign); }
void operator delete(void* p, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete(void* p, std::size_t, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::size_t, std::align_val_t a) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p, kDefaultAlign); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p, kDefaultAlign); }
void operator delete(void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  counted_free(p, static_cast<std::size_t>(a));
}

namespace {

using weft::doc;
using weft::doc_delta;
using weft::errc;
using weft::replica_id;
using weft::version_vector;
using weft::testing::random_network;
using weft::testing::rng;

using byte_vec = std::vector<std::uint8_t>;
using clock_type = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Build flavour
// ---------------------------------------------------------------------------

#ifdef WEFT_SWEEP_SANITIZED
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

#ifdef WEFT_SWEEP_COUNTS_MALLOC
constexpr bool kCountsMalloc = true;
#else
constexpr bool kCountsMalloc = false;
#endif

#ifdef NDEBUG
constexpr bool kOptimized = true;
#else
constexpr bool kOptimized = false;
#endif

// slow_build: sanitizers, no NDEBUG, or WEFT_ASAN_SWEEP=1 in the
// environment. Fewer inputs per message and a generous time limit.
bool slow_build() {
  static const bool slow = [] {
    const char* env = std::getenv("WEFT_ASAN_SWEEP");
    return kSanitized || !kOptimized || (env != nullptr && std::string(env) == "1");
  }();
  return slow;
}

constexpr std::size_t kMemoryLimit = std::size_t{64} << 20;
constexpr double kTimeLimitMs = 100.0;
constexpr double kSlowBuildTimeFactor = 20.0;

// ---------------------------------------------------------------------------
// The messages
// ---------------------------------------------------------------------------

enum class kind { delta, version, snapshot };

struct message {
  kind k;
  std::string what;
  byte_vec bytes;
};

bool is_compressed(const byte_vec& bytes) {
  return weft::internal::wire::Getenvelope(bytes.data())->compression() ==
         weft::internal::wire::compression::zstd;
}

// make_messages builds at least `want` distinct valid messages from small
// random documents, so that each stays short and its sweep cheap.
std::vector<message> make_messages(std::size_t want) {
  std::vector<message> out;
  // Keyed by std::string: g++ 12 warns falsely (-Wstringop-overread) on
  // ordering std::vector<std::uint8_t>.
  std::set<std::string> seen;
  weft::encode_options zstd;
  zstd.compress = weft::compression::zstd;
  zstd.compress_min_bytes = 0;
  auto add = [&](kind k, std::string what, byte_vec bytes) {
    if (seen.insert(std::string(bytes.begin(), bytes.end())).second) {
      out.push_back({k, std::move(what), std::move(bytes)});
    }
  };
  for (std::uint64_t seed = 1; out.size() < want; ++seed) {
    random_network net(seed, 2 + seed % 3);
    rng r(seed);
    net.run(10 + seed % 25);
    const std::string tag = "seed " + std::to_string(seed) + ": ";
    for (std::size_t i = 0; i < net.size(); ++i) {
      const doc& d = net.at(i);
      const auto& opts = seed % 3 == 0 ? zstd : weft::encode_options{};
      add(kind::delta, tag + "delta_since({})", weft::encode_delta(d.delta_since({}), opts));
      add(kind::delta, tag + "delta_since(random)",
          weft::encode_delta(d.delta_since(weft::testing::random_version(d.version(), r)), opts));
      add(kind::version, tag + "version", weft::encode_version(d.version(), opts));
    }
    // Single transactions: short deltas with every kind of op over time.
    for (std::size_t k = 0; k < std::min<std::size_t>(net.log().size(), 3); ++k) {
      add(kind::delta, tag + "transaction", weft::encode_delta(net.log()[r.below(net.log().size())].delta));
    }
    for (const auto sk : {weft::snapshot_kind::full, weft::snapshot_kind::state_only}) {
      weft::save_options o;
      o.kind = sk;
      const std::string name = sk == weft::snapshot_kind::full ? "full" : "state_only";
      add(kind::snapshot, tag + name, weft::save(net.at(0), o));
      o.encoding = zstd;
      add(kind::snapshot, tag + name + " zstd", weft::save(net.at(0), o));
    }
    // A replica loaded from a state-only snapshot: shallow deletes and
    // tombstones, in a delta and a full snapshot.
    weft::save_options state;
    state.kind = weft::snapshot_kind::state_only;
    const weft::doc shallow =
        weft::testing::take(weft::load(weft::save(net.at(0), state), replica_id{0x5E}));
    add(kind::delta, tag + "shallow delta_since({})", weft::encode_delta(shallow.delta_since({})));
    add(kind::snapshot, tag + "shallow full", weft::save(shallow));
  }
  return out;
}

// ---------------------------------------------------------------------------
// One input
// ---------------------------------------------------------------------------

struct outcome {
  errc code = errc::ok;         // decode (or load); ok if it decoded
  errc apply_code = errc::ok;   // apply of a decoded delta
  double ms = 0;                // decode + apply, or load
  std::size_t peak = 0;         // heap bytes above the baseline
};

// run_one decodes `input` as the kind of message it came from and, when
// that succeeds, checks what came out; the checks run after the
// measurement.
outcome run_one(kind k, std::span<const std::uint8_t> input) {
  outcome o;
  const std::size_t base = g_live;
  g_peak = g_live;
  const auto t0 = clock_type::now();
  switch (k) {
    case kind::delta: {
      auto d = weft::decode_delta(input);
      o.code = d.code();
      if (d) {
        doc fresh(replica_id{0x5EE}, [] {
          weft::doc_options opts;
          opts.id = "sweep";
          return opts;
        }());
        const auto res = fresh.apply(*d);
        o.apply_code = res.code();
        o.ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
        o.peak = g_peak - base;
        const auto sound = weft::internal::check(fresh, true);
        INFO((sound ? std::string() : weft::testing::failure_message(sound.error())));
        REQUIRE(sound);
        REQUIRE(res.code() != errc::corrupted);
        if (!res) {
          REQUIRE(fresh.op_count() == 0);
          REQUIRE(fresh.pending_ops() == 0);
        }
        return o;
      }
      break;
    }
    case kind::version: {
      auto v = weft::decode_version(input);
      o.code = v.code();
      if (v) {
        o.ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
        o.peak = g_peak - base;
        REQUIRE(weft::internal::check(*v));
        return o;
      }
      break;
    }
    case kind::snapshot: {
      auto d = weft::load(input, replica_id{0x5EF});
      o.code = d.code();
      if (d) {
        o.ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
        o.peak = g_peak - base;
        const auto sound = weft::internal::check(*d, true);
        INFO((sound ? std::string() : weft::testing::failure_message(sound.error())));
        REQUIRE(sound);
        return o;
      }
      break;
    }
  }
  o.ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
  o.peak = g_peak - base;
  REQUIRE(o.code != errc::ok);
  REQUIRE(o.code != errc::corrupted);
  return o;
}

}  // namespace

TEST_CASE("wire sweep: every prefix and bit flip of valid messages decodes or is refused, "
          "fast and small",
          "[wire][sweep]") {
  const std::vector<message> messages = make_messages(220);
  REQUIRE(messages.size() >= 200);
  std::size_t per_kind[3] = {}, compressed = 0;
  for (const message& m : messages) {
    ++per_kind[static_cast<int>(m.k)];
    compressed += is_compressed(m.bytes);
  }
  REQUIRE(per_kind[0] >= 50);
  REQUIRE(per_kind[1] >= 20);
  REQUIRE(per_kind[2] >= 40);
  REQUIRE(compressed >= 20);

  // Inputs per message: its prefixes, then its bit flips; in slow builds a
  // stride keeps each message to the budget.
  const std::size_t budget = slow_build() ? 300 : 100000;
  const double time_limit = kTimeLimitMs * (slow_build() ? kSlowBuildTimeFactor : 1.0);

  std::size_t inputs = 0, decoded = 0, applied = 0;
  std::size_t refusals[16] = {};
  double max_ms = 0;
  std::size_t max_peak = 0;
  std::string slowest, largest;
  const auto started = clock_type::now();
  for (std::size_t mi = 0; mi < messages.size(); ++mi) {
    const message& m = messages[mi];
    INFO(m.what << " (" << m.bytes.size() << " bytes)");
    // The undamaged message decodes: the sweep starts from valid input.
    {
      const outcome o = run_one(m.k, m.bytes);
      REQUIRE(o.code == errc::ok);
    }
    const std::size_t n = m.bytes.size();
    const std::size_t total = n + 8 * n;
    const std::size_t stride = std::max<std::size_t>(1, (total + budget - 1) / budget);
    byte_vec input;
    for (std::size_t j = mi % stride; j < total; j += stride) {
      if (j < n) {
        input.assign(m.bytes.begin(), m.bytes.begin() + static_cast<std::ptrdiff_t>(j));
      } else {
        input = m.bytes;
        input[(j - n) / 8] ^= static_cast<std::uint8_t>(1u << ((j - n) % 8));
      }
      INFO((j < n ? "prefix of " : "bit flip ") << (j < n ? j : j - n) << (j < n ? " bytes" : ""));
      outcome o = run_one(m.k, input);
      // A time over the limit is measured twice more and the best kept: a
      // descheduled test process is not a slow decoder.
      for (int again = 0; again < 2 && o.ms > time_limit; ++again) {
        o.ms = std::min(o.ms, run_one(m.k, input).ms);
      }
      ++inputs;
      decoded += o.code == errc::ok;
      applied += o.code == errc::ok && o.apply_code == errc::ok;
      ++refusals[static_cast<std::size_t>(o.code == errc::ok ? o.apply_code : o.code) % 16];
      const std::string where = m.what + ", " + (j < n ? "prefix " + std::to_string(j)
                                                       : "flip " + std::to_string(j - n));
      if (o.ms > max_ms) {
        max_ms = o.ms;
        slowest = where;
      }
      if (o.peak > max_peak) {
        max_peak = o.peak;
        largest = where;
      }
      REQUIRE(o.peak <= kMemoryLimit);
      REQUIRE(o.ms <= time_limit);
    }
  }
  const double total_s = std::chrono::duration<double>(clock_type::now() - started).count();

  std::string by_code;
  for (std::size_t c = 0; c < 16; ++c) {
    if (refusals[c] == 0) continue;
    by_code += " " + std::string(weft::errc_name(static_cast<errc>(c))) + "=" + std::to_string(refusals[c]);
  }
  WARN("wire sweep: " << messages.size() << " messages, " << inputs << " inputs in " << total_s
                      << " s (" << (slow_build() ? "slow build" : "optimized")
                      << (kCountsMalloc ? ", new and malloc counted" : ", new counted") << "); "
                      << decoded << " decoded, " << applied << " of those applied;" << by_code
                      << "\n  max time " << max_ms << " ms (" << slowest << ")"
                      << "\n  max peak " << max_peak << " bytes (" << largest << ")");
  CHECK(decoded > 0);
  CHECK(decoded < inputs);
}

TEST_CASE("wire sweep: the largest list and preds the default limits accept stay small",
          "[wire][sweep]") {
  // Run-length columns let a ~200-byte message declare as many list
  // elements or preds as decode_limits::max_items allows (2^18 by default;
  // before c5a62ed max_ops, 2^26, allowed ~3 GB). Such a message is crafted,
  // not damaged: it is legitimately that large once decoded, so it is held
  // to the memory limit only, and to a time limit ten times the sweep's
  // (decoding and applying 2^18 elements takes ~0.3 s in an optimized
  // build).
  const weft::decode_limits limits;
  std::vector<std::pair<const char*, byte_vec>> bombs;
  {
    // 1 run and max_items - 1 elements: the most the limit lets through.
    doc_delta d;
    d.containers.push_back({weft::container_desc::kind::root, weft::container_type::list, "l", {}, 0});
    weft::list_insert_run run{{replica_id{1}, 0}, std::nullopt, std::nullopt, {}};
    run.values.assign(static_cast<std::size_t>(limits.max_items - 1), weft::delta_value());
    d.ops.push_back({0, std::move(run)});
    bombs.emplace_back("list elements", weft::encode_delta(d));
  }
  {
    // 1 run, its value and max_items - 2 preds.
    doc_delta d;
    d.containers.push_back({weft::container_desc::kind::root, weft::container_type::map, "m", {}, 0});
    weft::map_write w{{replica_id{1}, 0}, 1, "k", {}, weft::delta_value(true)};
    w.preds.assign(static_cast<std::size_t>(limits.max_items - 2), weft::op_id{replica_id{2}, 0});
    d.ops.push_back({0, std::move(w)});
    bombs.emplace_back("preds", weft::encode_delta(d));
  }
  const double time_limit = 10 * kTimeLimitMs * (slow_build() ? kSlowBuildTimeFactor : 1.0);
  for (const auto& [what, b] : bombs) {
    REQUIRE(b.size() < 1024);
    const outcome o = run_one(kind::delta, b);
    INFO(b.size() << "-byte message of " << what << ": " << o.ms << " ms, peak " << o.peak
                  << " bytes, " << (o.code == errc::ok ? "decoded" : "refused"));
    REQUIRE(o.code == errc::ok);
    CHECK(o.peak <= kMemoryLimit);
    CHECK(o.ms <= time_limit);
  }
}

#ifdef WEFT_SWEEP_COUNTS_MALLOC
TEST_CASE("wire sweep: a zstd frame header cannot make the decoder allocate much",
          "[wire][sweep]") {
  // Found here (fixed in 54307d2): zstd sizes its buffers from the frame
  // header, so the decoder must hold the frame's content size to raw_size
  // and cap the window by it before decompressing. Before, a 72-byte
  // message that declared raw_size 100 and a frame of 128 MiB made zstd
  // malloc 128 MiB before the decoder found the frame cut short. Only
  // visible where this executable counts malloc (glibc, no sanitizer).
  for (const std::uint64_t declared : {std::uint64_t{1} << 26, std::uint64_t{1} << 27}) {
    // A frame header (single segment, 8-byte content size) and one raw
    // block of 4 bytes that is not the last.
    byte_vec frame{0x28, 0xB5, 0x2F, 0xFD, 0xE0};
    for (int i = 0; i < 8; ++i) frame.push_back(static_cast<std::uint8_t>(declared >> (8 * i)));
    frame.insert(frame.end(), {4 << 3, 0, 0, 'A', 'A', 'A', 'A'});
    flatbuffers::FlatBufferBuilder b;
    const auto packed = b.CreateVector(frame);
    b.Finish(weft::internal::wire::Createenvelope(b, weft::wire_format_version,
                                                  weft::internal::wire::compression::zstd, 100,
                                                  weft::internal::wire::payload::NONE, 0, packed),
             weft::internal::wire::envelopeIdentifier());
    const byte_vec msg(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
    REQUIRE(msg.size() < 128);
    const std::size_t base = g_live;
    g_peak = g_live;
    const auto decoded = weft::decode_delta(msg);
    const std::size_t peak = g_peak - base;
    INFO(msg.size() << "-byte message declaring a frame of " << declared
                    << " bytes: decoding peaked at " << peak << " bytes");
    CHECK(decoded.code() == errc::malformed);
    CHECK(peak <= kMemoryLimit / 4);
  }
}
#endif
