// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: crashers_test.cpp
// -----------------------------------------------------------------------------
//
// The fuzzers' regression test, run by every normal build (native,
// sanitizers, wasm) without libFuzzer: every file under
// tests/data/crashers/<target>/ (inputs that once crashed or misbehaved;
// see the README.md there) goes through the same one_* function as the
// libFuzzer harness of <target> (fuzz_targets.hpp), and so do built-in
// inputs: degenerate bytes, valid messages, and every truncation and many
// bit flips of small ones.
//
// A broken property aborts the process (that is how the fuzz targets report
// it), which ctest reports as a failure of this test; the file being fed is
// printed before each one, so the log names it.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "fuzz/fuzz_sync.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "fuzz/seed_docs.hpp"
#include "weft/snapshot.hpp"
#include "weft/wire.hpp"

namespace {

namespace fs = std::filesystem;
using input_fn = int (*)(const std::uint8_t*, std::size_t);

struct fuzz_target {
  const char* name;
  input_fn one;
};

constexpr fuzz_target kTargets[] = {
    {"fuzz_columns", weft::fuzz::one_columns},
    {"fuzz_delta", weft::fuzz::one_delta},
    {"fuzz_version", weft::fuzz::one_version},
    {"fuzz_snapshot", weft::fuzz::one_snapshot},
    {"fuzz_sync_message", weft::fuzz::one_sync_message},
};

int feed(input_fn one, const std::vector<std::uint8_t>& bytes) {
  return one(bytes.data(), bytes.size());
}

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// damaged feeds every truncation of `bytes` and every single-bit flip in
// its first `flip_bytes` bytes (the envelope and headers) to `one`.
void feed_damaged(input_fn one, const std::vector<std::uint8_t>& bytes, std::size_t flip_bytes) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    REQUIRE(feed(one, prefix) == 0);
  }
  std::vector<std::uint8_t> flipped = bytes;
  for (std::size_t i = 0; i < std::min(flip_bytes, bytes.size()); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      flipped[i] ^= static_cast<std::uint8_t>(1u << bit);
      REQUIRE(feed(one, flipped) == 0);
      flipped[i] ^= static_cast<std::uint8_t>(1u << bit);
    }
  }
}

}  // namespace

TEST_CASE("crashers: every saved input passes its fuzz target again") {
  const fs::path root = fs::path(WEFT_SOURCE_DIR) / "tests" / "data" / "crashers";
  std::size_t total = 0;
  for (const auto& target : kTargets) {
    const fs::path dir = root / target.name;
    INFO("directory " << dir.string());
    REQUIRE(fs::is_directory(dir));
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (!e.is_regular_file() || name == "README.md" || name.starts_with(".")) continue;
      files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      // Printed before the run: a property failure aborts without Catch2's
      // report, and this line is then what names the input.
      std::fprintf(stderr, "crashers_test: %s %s\n", target.name, f.string().c_str());
      const auto bytes = read_file(f);
      CHECK(feed(target.one, bytes) == 0);
      ++total;
    }
  }
  std::fprintf(stderr, "crashers_test: %zu saved inputs passed\n", total);
}

TEST_CASE("crashers: degenerate inputs are refused or pass") {
  const std::vector<std::vector<std::uint8_t>> inputs = {
      {},
      {0x00},
      {0xFF},
      {'W', 'E', 'F', 'T'},
      {0x08, 0x00, 0x00, 0x00, 'W', 'E', 'F', 'T'},
      std::vector<std::uint8_t>(64, 0x00),
      std::vector<std::uint8_t>(64, 0xFF),
      std::vector<std::uint8_t>(300, 0x80),
  };
  for (const auto& target : kTargets) {
    for (const auto& in : inputs) {
      INFO(target.name << ", " << in.size() << " bytes");
      CHECK(feed(target.one, in) == 0);
    }
  }
}

TEST_CASE("crashers: valid messages, their truncations and bit flips") {
  // The base document fuzz_delta applies to and a small one: every prefix
  // of each of their messages, and the bit flips of its first bytes.
  const weft::doc base = weft::fuzz::make_base_doc();
  weft::doc small(weft::fuzz::kReplicaB, weft::fuzz::small_doc_options("small"));
  weft::fuzz::must(small.get_text("t").insert(0, "h\xC3\xA9!"), "small text");
  weft::fuzz::must(small.get_counter("c").add(-3), "small counter");

  weft::save_options state;
  state.kind = weft::snapshot_kind::state_only;
  for (const weft::doc* d : {static_cast<const weft::doc*>(&small), &base}) {
    const std::size_t flips = d == &small ? 48 : 16;
    INFO((d == &small ? "small doc" : "base doc"));
    feed_damaged(weft::fuzz::one_delta, weft::encode_delta(d->delta_since({})), flips);
    feed_damaged(weft::fuzz::one_version, weft::encode_version(d->version()), flips);
    feed_damaged(weft::fuzz::one_snapshot, weft::save(*d), flips);
    feed_damaged(weft::fuzz::one_snapshot, weft::save(*d, state), flips);
  }
}

TEST_CASE("crashers: small columns, their truncations and bit flips") {
  // Codec, 16-bit count, column: rle of {5, 5, 5, 7}, delta of {1, 2, 3},
  // bools {f, t, t}, and two varints.
  feed_damaged(weft::fuzz::one_columns, {0, 4, 0, 0x06, 5, 0x01, 7}, 8);
  feed_damaged(weft::fuzz::one_columns, {1, 3, 0, 0x06, 2}, 8);
  feed_damaged(weft::fuzz::one_columns, {2, 3, 0, 1, 2}, 8);
  feed_damaged(weft::fuzz::one_columns, {3, 0, 0, 0xAC, 0x02, 0x03}, 8);
}
