// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: column_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of the wire format's varints and column codecs (src/wire/column.hpp):
// round trips against the plain sequences, the exact bytes of known values,
// and hostile input: every prefix and every single-bit flip of encoded
// columns either decodes to the expected number of values or is refused,
// non-canonical varints are refused, and a column cannot claim more values
// than its caller expects.

#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "wire/column.hpp"

namespace {

using weft::errc;
using weft::internal::byte_reader;
using weft::internal::byte_writer;
using weft::testing::rng;

std::vector<std::uint8_t> uvarint_bytes(std::uint64_t v) {
  byte_writer w;
  w.put_uvarint(v);
  return w.take();
}

// random_column makes values with runs, ascending stretches and noise, as
// op ids, lengths and positions look.
std::vector<std::uint64_t> random_column(rng& r, std::size_t n) {
  std::vector<std::uint64_t> out;
  while (out.size() < n) {
    const std::size_t len = 1 + r.below(20);
    const std::uint64_t base = r.chance(10) ? r.next() : r.below(1000);
    switch (r.below(3)) {
      case 0:
        for (std::size_t k = 0; k < len; ++k) out.push_back(base);
        break;
      case 1:
        for (std::size_t k = 0; k < len; ++k) out.push_back(base + k);
        break;
      default:
        for (std::size_t k = 0; k < len; ++k) out.push_back(r.chance(50) ? r.next() : r.below(5));
    }
  }
  out.resize(n);
  return out;
}

}  // namespace

TEST_CASE("column: varints have the LEB128 bytes and round-trip") {
  CHECK(uvarint_bytes(0) == std::vector<std::uint8_t>{0x00});
  CHECK(uvarint_bytes(127) == std::vector<std::uint8_t>{0x7F});
  CHECK(uvarint_bytes(128) == std::vector<std::uint8_t>{0x80, 0x01});
  CHECK(uvarint_bytes(300) == std::vector<std::uint8_t>{0xAC, 0x02});
  CHECK(uvarint_bytes(std::numeric_limits<std::uint64_t>::max()).size() == 10);
  CHECK(weft::internal::zigzag(0) == 0);
  CHECK(weft::internal::zigzag(-1) == 1);
  CHECK(weft::internal::zigzag(1) == 2);
  CHECK(weft::internal::zigzag(std::numeric_limits<std::int64_t>::min()) ==
        std::numeric_limits<std::uint64_t>::max());

  rng r(1);
  byte_writer w;
  std::vector<std::uint64_t> u;
  std::vector<std::int64_t> s;
  for (int i = 0; i < 5000; ++i) {
    const unsigned bits = static_cast<unsigned>(r.below(65));
    const std::uint64_t v = bits == 0 ? 0 : r.next() >> (64 - bits);
    u.push_back(v);
    s.push_back(static_cast<std::int64_t>(r.next()) >> r.below(64));
    w.put_uvarint(u.back());
    w.put_svarint(s.back());
  }
  byte_reader rd(w.bytes());
  for (std::size_t i = 0; i < u.size(); ++i) {
    const auto a = rd.uvarint();
    REQUIRE(a);
    CHECK(*a == u[i]);
    const auto b = rd.svarint();
    REQUIRE(b);
    CHECK(*b == s[i]);
  }
  CHECK(rd.done());
}

TEST_CASE("column: non-canonical, overlong and truncated varints are refused") {
  const std::vector<std::vector<std::uint8_t>> bad = {
      {},                                                     // nothing
      {0x80},                                                 // truncated
      {0xFF, 0xFF},                                           // truncated
      {0x80, 0x00},                                           // 0 in two bytes
      {0xFF, 0x00},                                           // 127 in two bytes
      {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02},  // bit 64
      {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F},  // past 2^64
      {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},  // 11 bytes
  };
  for (const auto& b : bad) {
    byte_reader rd(b);
    const auto v = rd.uvarint();
    CHECK_FALSE(v);
    if (!v) CHECK(v.code() == errc::malformed);
  }
  const std::vector<std::uint8_t> max = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                         0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  byte_reader rd(max);
  const auto v = rd.uvarint();
  REQUIRE(v);
  CHECK(*v == std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("column: declared byte lengths are checked against what is there") {
  const std::vector<std::uint8_t> b = {1, 2, 3};
  byte_reader rd(b);
  CHECK_FALSE(rd.bytes(4));
  CHECK(rd.offset() == 0);
  const auto got = rd.bytes(2);
  REQUIRE(got);
  CHECK(got->size() == 2);
  CHECK_FALSE(rd.bytes(std::numeric_limits<std::uint64_t>::max()));
  CHECK(rd.remaining() == 1);
}

TEST_CASE("column: rle, delta and bool columns round-trip") {
  rng r(2);
  for (int round = 0; round < 300; ++round) {
    const std::size_t n = r.below(round < 20 ? 4 : 400);
    const auto values = random_column(r, n);
    std::vector<bool> flags;
    for (std::size_t i = 0; i < n; ++i) flags.push_back(r.chance(i % 50 < 25 ? 90 : 10));

    byte_writer w;
    weft::internal::encode_rle(w, values);
    weft::internal::encode_delta(w, values);
    weft::internal::encode_bools(w, flags);
    byte_reader rd(w.bytes());
    std::vector<std::uint64_t> a;
    std::vector<std::uint64_t> d;
    std::vector<bool> f;
    REQUIRE(weft::internal::decode_rle(rd, n, a));
    REQUIRE(weft::internal::decode_delta(rd, n, d));
    REQUIRE(weft::internal::decode_bools(rd, n, f));
    CHECK(rd.done());
    CHECK(a == values);
    CHECK(d == values);
    CHECK(f == flags);
  }
}

TEST_CASE("column: runs compress") {
  std::vector<std::uint64_t> ids;
  for (std::uint64_t i = 0; i < 100000; ++i) ids.push_back(1000000 + i);
  byte_writer w;
  weft::internal::encode_delta(w, ids);
  // Two groups: the first value, then 99,999 steps of +1.
  CHECK(w.size() <= 10);
  byte_writer same;
  weft::internal::encode_rle(same, std::vector<std::uint64_t>(100000, 7));
  CHECK(same.size() == 4);
  byte_writer b;
  weft::internal::encode_bools(b, std::vector<bool>(100000, true));
  CHECK(b.size() == 4);  // 0 falses, then 100,000 trues
}

TEST_CASE("column: a column holding more or fewer values than expected is refused") {
  const std::vector<std::uint64_t> values = {5, 5, 5, 5, 1, 2, 3};
  byte_writer w;
  weft::internal::encode_rle(w, values);
  for (std::uint64_t count : {0u, 3u, 6u, 8u, 100u}) {
    byte_reader rd(w.bytes());
    std::vector<std::uint64_t> out;
    const auto res = weft::internal::decode_rle(rd, count, out);
    // Fewer: decoding stops with bytes left, which the caller sees as not
    // done(); more: the column runs out or overshoots.
    if (count < values.size()) {
      CHECK((!res || !rd.done()));
    } else {
      CHECK_FALSE(res);
    }
  }
  // A run of 2^62 values behind two bytes is refused at once, without
  // allocating for it.
  byte_writer huge;
  huge.put_svarint(std::int64_t{1} << 62);
  huge.put_uvarint(9);
  byte_reader rd(huge.bytes());
  std::vector<std::uint64_t> out;
  CHECK_FALSE(weft::internal::decode_rle(rd, 1000, out));
  CHECK(out.empty());
  // A zero-length group has no meaning.
  const std::vector<std::uint8_t> zero = {0x00, 0x05};
  byte_reader rz(zero);
  CHECK_FALSE(weft::internal::decode_rle(rz, 1, out));
  // Bools: only the first run may be empty.
  const std::vector<std::uint8_t> empty_run = {0x01, 0x00, 0x01};
  byte_reader rb(empty_run);
  std::vector<bool> flags;
  CHECK_FALSE(weft::internal::decode_bools(rb, 2, flags));
}

TEST_CASE("column: every prefix and every bit flip decodes or is refused") {
  rng r(3);
  for (int round = 0; round < 40; ++round) {
    const std::size_t n = 1 + r.below(60);
    const auto values = random_column(r, n);
    std::vector<bool> flags;
    for (std::size_t i = 0; i < n; ++i) flags.push_back(r.chance(50));
    byte_writer w;
    weft::internal::encode_delta(w, values);
    weft::internal::encode_bools(w, flags);
    const std::vector<std::uint8_t> good = w.bytes();

    auto decode = [&](const std::vector<std::uint8_t>& bytes) {
      byte_reader rd(bytes);
      std::vector<std::uint64_t> d;
      std::vector<bool> f;
      const bool ok = weft::internal::decode_delta(rd, n, d) &&
                      weft::internal::decode_bools(rd, n, f) && rd.done();
      // Whatever the bytes say, the output never exceeds what was asked.
      CHECK(d.size() <= n);
      CHECK(f.size() <= n);
      if (ok) {
        CHECK(d.size() == n);
        CHECK(f.size() == n);
      }
      return ok;
    };
    CHECK(decode(good));
    for (std::size_t len = 0; len < good.size(); ++len) {
      CHECK_FALSE(decode(std::vector<std::uint8_t>(good.begin(), good.begin() + len)));
    }
    for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
      auto flipped = good;
      flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      (void)decode(flipped);
    }
  }
}
