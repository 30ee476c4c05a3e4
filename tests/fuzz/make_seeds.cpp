// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: make_seeds.cpp
// -----------------------------------------------------------------------------
//
// Writes the fuzzers' seed corpora: `make_seeds <dir>` fills <dir>/fuzz_delta,
// <dir>/fuzz_version, <dir>/fuzz_snapshot, <dir>/fuzz_sync_message and
// <dir>/fuzz_columns with valid messages made from the documents of
// seed_docs.hpp (full deltas, deltas since a past version, version vectors,
// full and state-only snapshots, each also zstd-compressed; sync messages of
// every kind) and with hand-made columns. Valid inputs let
// libFuzzer start deep inside the decoders instead of rediscovering the
// envelope byte by byte. Deterministic: the same files on every run.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "fuzz/seed_docs.hpp"
#include "weft/presence.hpp"
#include "weft/snapshot.hpp"
#include "weft/sync/message.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"
#include "wire/column.hpp"

namespace {

namespace fs = std::filesystem;
using weft::fuzz::seed_rng;

// The largest input scripts/fuzz lets libFuzzer make (-max_len).
constexpr std::size_t kMaxLen = 65536;

std::map<std::string, std::size_t> g_written;  // per target
std::size_t g_too_long = 0;

void write(const fs::path& dir, const std::string& target, const std::string& name,
           const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() > kMaxLen) {
    std::fprintf(stderr, "make_seeds: %s/%s is %zu bytes, over -max_len %zu\n", target.c_str(),
                 name.c_str(), bytes.size(), kMaxLen);
    ++g_too_long;
  }
  const fs::path file = dir / target / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "make_seeds: cannot write %s\n", file.string().c_str());
    std::exit(1);
  }
  ++g_written[target];
}

// A column seed: codec byte, 16-bit count, then the column (see
// weft::fuzz::one_columns).
std::vector<std::uint8_t> column_seed(std::uint8_t codec, std::size_t count,
                                      const std::vector<std::uint8_t>& column) {
  // Sized up front: g++ 12 warns falsely (-Warray-bounds) about inserting
  // into a vector built from an initializer list.
  std::vector<std::uint8_t> out(3 + column.size());
  out[0] = codec;
  out[1] = static_cast<std::uint8_t>(count & 0xFF);
  out[2] = static_cast<std::uint8_t>(count >> 8);
  std::copy(column.begin(), column.end(), out.begin() + 3);
  return out;
}

void write_column_seeds(const fs::path& dir) {
  using weft::internal::byte_writer;
  seed_rng r(7);
  for (int k = 0; k < 12; ++k) {
    const std::size_t n = k == 0 ? 0 : 1 + r.below(k < 6 ? 16 : 600);
    std::vector<std::uint64_t> values;
    std::vector<bool> bools;
    std::uint64_t base = r.chance(30) ? r.next() : r.below(100);
    for (std::size_t i = 0; i < n; ++i) {
      switch (r.below(3)) {
        case 0: break;                       // repeats
        case 1: ++base; break;               // ascending ids
        default: base = r.chance(20) ? r.next() : r.below(5);
      }
      values.push_back(base);
      bools.push_back(r.chance(k % 2 == 0 ? 90 : 40));
    }
    byte_writer rle, delta, bits;
    weft::internal::encode_rle(rle, values);
    weft::internal::encode_delta(delta, values);
    weft::internal::encode_bools(bits, bools);
    const std::string id = std::to_string(k);
    write(dir, "fuzz_columns", "rle-" + id, column_seed(0, n, rle.bytes()));
    write(dir, "fuzz_columns", "delta-" + id, column_seed(1, n, delta.bytes()));
    write(dir, "fuzz_columns", "bools-" + id, column_seed(2, n, bits.bytes()));
  }
  // Varints of every length and the edges of both mappings.
  byte_writer varints;
  for (int shift = 0; shift < 64; shift += 7) {
    varints.put_uvarint((std::uint64_t{1} << shift) - 1);
    if (shift < 63) varints.put_svarint(-(std::int64_t{1} << shift));  // 2^63: INT64_MIN below
  }
  varints.put_uvarint(std::numeric_limits<std::uint64_t>::max());
  varints.put_svarint(std::numeric_limits<std::int64_t>::min());
  write(dir, "fuzz_columns", "varints", column_seed(3, 0, varints.bytes()));
}

void write_version_seeds(const fs::path& dir) {
  // Hand-made vectors beside those of the seed documents: empty, one
  // replica at the extremes, many replicas.
  weft::version_vector empty;
  write(dir, "fuzz_version", "vv-empty", weft::encode_version(empty));
  weft::version_vector edges;
  edges.set_count(weft::replica_id{0}, 1);
  edges.set_count(weft::replica_id{std::numeric_limits<std::uint64_t>::max()},
                  weft::max_seq + 1);
  edges.set_count(weft::replica_id{1}, std::uint64_t{1} << 32);
  write(dir, "fuzz_version", "vv-edges", weft::encode_version(edges));
  weft::version_vector many;
  seed_rng r(11);
  for (int k = 0; k < 200; ++k) many.set_count(weft::replica_id{r.next()}, 1 + r.below(1000));
  write(dir, "fuzz_version", "vv-many", weft::encode_version(many));
  weft::encode_options zstd{weft::compression::zstd, 0};
  write(dir, "fuzz_version", "vv-many-zstd", weft::encode_version(many, zstd));
}

// Sync messages of every kind; the documents' deltas as delta messages
// (channel 0, the one fuzz_sync_message's sessions have open).
void write_sync_seeds(const fs::path& dir) {
  namespace sync = weft::sync;
  const std::string t = "fuzz_sync_message";
  const weft::encode_options zstd{weft::compression::zstd, 0};
  auto put = [&](const std::string& name, const sync::message& m) {
    write(dir, t, name, sync::encode_message(m));
  };
  sync::hello_message hello;
  hello.replicas = {weft::fuzz::kReplicaA, weft::fuzz::kReplicaB};
  hello.credentials = "token";
  hello.capabilities = 3;
  hello.docs = {{0, "fuzz", sync::role::none}, {1, "other", sync::role::none}};
  put("hello", hello);
  sync::hello_message answer;
  answer.answer = true;
  answer.docs = {{0, "fuzz", sync::role::write}, {1, "other", sync::role::none}};
  put("hello-answer", answer);
  put("ping", sync::ping_message{7});
  put("pong", sync::pong_message{7});
  put("error", sync::error_message{sync::error_code::read_only, "read only", 0});
  put("error-connection", sync::error_message{sync::error_code::rate_limited, "slow down", {}});
  put("goodbye", sync::goodbye_message{});
  put("goodbye-channels", sync::goodbye_message{{0, 1}});

  weft::presence_update full;
  full.client = weft::fuzz::kReplicaA;
  full.clock = 3;
  full.what = weft::presence_update::kind::full;
  full.user_id = "u1";
  full.name = "Ada";
  full.color = "#00ff00";
  full.avatar_url = "https://a.example/x.png";
  weft::presence_cursor c;
  c.text = "text";
  c.anchor_pos = weft::anchor{weft::op_id{weft::fuzz::kReplicaA, 2}, weft::affinity::left};
  c.head = weft::anchor{std::nullopt, weft::affinity::right};
  full.cursor = std::optional<weft::presence_cursor>(c);
  full.custom["k"] = "v";
  weft::presence_update patch;
  patch.client = weft::fuzz::kReplicaA;
  patch.clock = 4;
  patch.cursor = std::optional<weft::presence_cursor>();
  patch.custom["k"] = std::nullopt;
  weft::presence_update bye;
  bye.client = weft::fuzz::kReplicaB;
  bye.clock = 9;
  bye.what = weft::presence_update::kind::goodbye;
  put("presence", sync::presence_message{0, {full, patch, bye}});

  for (const auto& s : weft::fuzz::make_seed_docs()) {
    const weft::doc_delta all = s.d.delta_since(weft::version_vector{});
    put("delta-" + s.name, sync::delta_message{0, all});
    write(dir, t, "delta-" + s.name + "-zstd",
          sync::encode_message(sync::delta_message{0, all}, zstd));
    if (s.since) put("delta-" + s.name + "-since", sync::delta_message{0, s.d.delta_since(*s.since)});
    put("version-" + s.name, sync::version_message{0, s.d.version(), true});
    put("ack-" + s.name, sync::ack_message{0, s.d.version()});
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds <corpus dir>\n");
    return 2;
  }
  const fs::path dir = argv[1];
  for (const char* t : {"fuzz_columns", "fuzz_delta", "fuzz_version", "fuzz_snapshot",
                        "fuzz_sync_message"}) {
    fs::create_directories(dir / t);
  }

  const weft::encode_options zstd{weft::compression::zstd, 0};
  weft::save_options full;
  weft::save_options full_zstd;
  full_zstd.encoding = zstd;
  weft::save_options state;
  state.kind = weft::snapshot_kind::state_only;
  weft::save_options state_zstd = state;
  state_zstd.encoding = zstd;

  write(dir, "fuzz_delta", "delta-nothing", weft::encode_delta(weft::doc_delta{}));
  for (const auto& s : weft::fuzz::make_seed_docs()) {
    const weft::doc_delta all = s.d.delta_since(weft::version_vector{});
    write(dir, "fuzz_delta", s.name, weft::encode_delta(all));
    write(dir, "fuzz_delta", s.name + "-zstd", weft::encode_delta(all, zstd));
    if (s.since) write(dir, "fuzz_delta", s.name + "-since", weft::encode_delta(s.d.delta_since(*s.since)));

    write(dir, "fuzz_version", s.name, weft::encode_version(s.d.version()));

    write(dir, "fuzz_snapshot", s.name + "-full", weft::save(s.d, full));
    write(dir, "fuzz_snapshot", s.name + "-full-zstd", weft::save(s.d, full_zstd));
    write(dir, "fuzz_snapshot", s.name + "-state", weft::save(s.d, state));
    write(dir, "fuzz_snapshot", s.name + "-state-zstd", weft::save(s.d, state_zstd));

    // What a replica loaded from the state-only snapshot passes on:
    // shallow deletes and tombstones.
    auto shallow = weft::load(weft::save(s.d, state), weft::fuzz::kReplicaB);
    if (!shallow) {
      std::fprintf(stderr, "make_seeds: %s\n", shallow.error().message.c_str());
      return 1;
    }
    write(dir, "fuzz_delta", s.name + "-shallow", weft::encode_delta(shallow->delta_since({})));
    write(dir, "fuzz_snapshot", s.name + "-shallow-full", weft::save(*shallow, full));
  }
  write_version_seeds(dir);
  write_column_seeds(dir);
  write_sync_seeds(dir);

  for (const auto& [target, n] : g_written) {
    std::printf("make_seeds: %zu seeds in %s\n", n, (dir / target).string().c_str());
  }
  return g_too_long == 0 ? 0 : 1;
}
