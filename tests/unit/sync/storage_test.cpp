// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/storage_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft/sync/storage.hpp: CRC-32C against published vectors and a
// bitwise reference; memory_storage's contract (order, metadata, replace,
// erase, doc id rules); writes that fail change nothing a read sees, and
// the torn half-frame they leave is cut; after a "restart", damage at rest
// (a tail cut at every byte, every bit of a middle record flipped,
// zero-filled blocks, a bad header) is detected and dropped without losing
// an intact record; frames hidden in payloads are never taken for records.

#include "weft/sync/storage.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "support/storage_testing.hpp"
#include "sync/log_format.hpp"

namespace {

using weft::errc;
using weft::sync::memory_storage;
using weft::testing::as_bytes;
using weft::testing::frame_offsets;
using weft::testing::ok;
using weft::testing::record;
using weft::testing::take;
namespace si = weft::sync::internal;

using bytes = std::vector<std::uint8_t>;

void sound(const memory_storage& s) { ok(weft::sync::internal::check(s)); }

std::uint32_t crc_bitwise(const bytes& b) {
  std::uint32_t c = ~0u;
  for (const std::uint8_t x : b) {
    c ^= x;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1u) ? 0x82F63B78u : 0u);
  }
  return ~c;
}

}  // namespace

TEST_CASE("crc32c: published vectors, chaining, and the bitwise reference", "[sync][storage]") {
  CHECK(si::crc32c(as_bytes("")) == 0u);
  CHECK(si::crc32c(as_bytes("123456789")) == 0xE3069283u);
  // RFC 3720 (iSCSI) B.4.
  CHECK(si::crc32c(bytes(32, 0x00)) == 0x8A9136AAu);
  CHECK(si::crc32c(bytes(32, 0xFF)) == 0x62A8AB43u);
  bytes inc(32), dec(32);
  for (std::size_t i = 0; i < 32; ++i) {
    inc[i] = static_cast<std::uint8_t>(i);
    dec[i] = static_cast<std::uint8_t>(31 - i);
  }
  CHECK(si::crc32c(inc) == 0x46DD794Eu);
  CHECK(si::crc32c(dec) == 0x113FDB5Cu);

  weft::testing::rng r(11);
  for (std::size_t n = 0; n < 300; n += 1 + n / 8) {
    bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(r.next());
    INFO("length " << n);
    CHECK(si::crc32c(b) == crc_bitwise(b));
    const std::size_t cut = n == 0 ? 0 : r.below(n);
    const std::span<const std::uint8_t> all(b);
    CHECK(si::crc32c(all.subspan(cut), si::crc32c(all.first(cut))) == si::crc32c(b));
  }
}

TEST_CASE("memory_storage: records come back in order, with metadata", "[sync][storage]") {
  memory_storage s;
  CHECK(take(s.list()).empty());
  CHECK(s.read("doc").code() == errc::unknown_id);
  CHECK(s.info("doc").code() == errc::unknown_id);
  CHECK(!take(s.get_meta("doc", "k")).has_value());

  for (std::size_t i = 0; i < 50; ++i) {
    ok(s.append("doc", record(i)));
    sound(s);
  }
  ok(s.append("other", as_bytes("x")));
  ok(s.set_meta("doc", "k", as_bytes("v1")));
  ok(s.set_meta("doc", "k", as_bytes("v2")));
  ok(s.set_meta("doc", "empty", {}));
  ok(s.set_meta("meta-only", "k", as_bytes("v")));
  sound(s);

  const auto log = take(s.read("doc"));
  REQUIRE(log.records.size() == 50);
  for (std::size_t i = 0; i < 50; ++i) CHECK(log.records[i] == record(i));
  CHECK(log.damaged == 0);
  const auto info = take(s.info("doc"));
  CHECK(info.records == 50);
  CHECK(info.first_bytes == record(0).size());
  CHECK(take(s.get_meta("doc", "k")) == as_bytes("v2"));
  CHECK(take(s.get_meta("doc", "empty")) == bytes{});
  CHECK(!take(s.get_meta("doc", "missing")).has_value());
  CHECK(take(s.read("meta-only")).records.empty());
  CHECK(take(s.list()) == std::vector<std::string>{"doc", "meta-only", "other"});

  // A restart keeps all of it.
  const auto report = s.restart();
  CHECK(report.docs == 3);
  CHECK(report.records == 51);
  CHECK(report.damaged == 0);
  CHECK(report.truncated_bytes == 0);
  sound(s);
  CHECK(take(s.read("doc")).records == log.records);
  CHECK(take(s.get_meta("doc", "k")) == as_bytes("v2"));
}

TEST_CASE("memory_storage: replace swaps the log for one record and keeps metadata", "[sync][storage]") {
  memory_storage s;
  for (std::size_t i = 0; i < 10; ++i) ok(s.append("d", record(i)));
  ok(s.set_meta("d", "k", as_bytes("v")));
  ok(s.replace("d", as_bytes("snapshot")));
  sound(s);
  ok(s.append("d", as_bytes("after")));
  auto log = take(s.read("d"));
  REQUIRE(log.records.size() == 2);
  CHECK(log.records[0] == as_bytes("snapshot"));
  CHECK(log.records[1] == as_bytes("after"));
  CHECK(take(s.get_meta("d", "k")) == as_bytes("v"));
  (void)s.restart();
  sound(s);
  CHECK(take(s.read("d")).records == log.records);
  // replace also creates.
  ok(s.replace("new", as_bytes("s")));
  CHECK(take(s.read("new")).records == std::vector<bytes>{as_bytes("s")});
}

TEST_CASE("memory_storage: erase removes log and metadata", "[sync][storage]") {
  memory_storage s;
  ok(s.append("d", as_bytes("r")));
  ok(s.set_meta("d", "k", as_bytes("v")));
  ok(s.erase("d"));
  ok(s.erase("d"));  // not stored: fine
  CHECK(s.read("d").code() == errc::unknown_id);
  CHECK(!take(s.get_meta("d", "k")).has_value());
  CHECK(take(s.list()).empty());
  ok(s.append("d", as_bytes("again")));
  CHECK(take(s.read("d")).records == std::vector<bytes>{as_bytes("again")});
}

TEST_CASE("storage: doc ids are any bytes within the limit; keys and values are bounded",
          "[sync][storage]") {
  memory_storage s;
  CHECK(s.append("", as_bytes("r")).code() == errc::invalid_argument);
  CHECK(s.append(std::string(weft::sync::max_doc_id_bytes + 1, 'a'), as_bytes("r")).code() ==
        errc::too_large);
  CHECK(s.set_meta("d", std::string(weft::sync::max_meta_key_bytes + 1, 'k'), {}).code() ==
        errc::too_large);
  CHECK(s.set_meta("d", "k", bytes(weft::sync::max_meta_value_bytes + 1)).code() == errc::too_large);
  CHECK(take(s.list()).empty());  // refusals change nothing

  const std::vector<std::string> ids = {std::string("\0x", 2), "../../etc/passwd", "/", "a/b",
                                        std::string(weft::sync::max_doc_id_bytes, '\xff'),
                                        "\xc3\xa9t\xc3\xa9", "A", "a"};
  for (const auto& id : ids) ok(s.append(id, as_bytes(id)));
  ok(s.set_meta("d", std::string(weft::sync::max_meta_key_bytes, 'k'),
                bytes(weft::sync::max_meta_value_bytes, 7)));
  (void)s.restart();
  sound(s);
  for (const auto& id : ids) CHECK(take(s.read(id)).records == std::vector<bytes>{as_bytes(id)});
  CHECK(take(s.get_meta("d", std::string(weft::sync::max_meta_key_bytes, 'k'))) ==
        bytes(weft::sync::max_meta_value_bytes, 7));
}

TEST_CASE("memory_storage: a failed write changes nothing and its torn remains are cut",
          "[sync][storage]") {
  memory_storage s;
  for (std::size_t i = 0; i < 3; ++i) ok(s.append("d", record(i)));
  s.fail_writes_after(2);
  ok(s.append("d", record(3)));
  ok(s.set_meta("d", "k", as_bytes("v")));
  const std::size_t clean_size = s.image("d")->size();
  CHECK(s.replace("d", as_bytes("snap")).code() == errc::io_error);
  CHECK(s.set_meta("d", "k", as_bytes("w")).code() == errc::io_error);
  CHECK(s.erase("d").code() == errc::io_error);
  CHECK(s.append("new", as_bytes("r")).code() == errc::io_error);
  CHECK(s.append("d", record(4)).code() == errc::io_error);
  CHECK(s.stats().failed_writes == 5);
  sound(s);
  CHECK(take(s.read("d")).records.size() == 4);
  CHECK(take(s.get_meta("d", "k")) == as_bytes("v"));
  CHECK(s.read("new").code() == errc::unknown_id);
  // The failed append left half a frame past the end of the log.
  CHECK(s.image("d")->size() == clean_size + (si::frame_header_bytes + record(4).size()) / 2);

  SECTION("the next append cuts the half frame") {
    s.fail_writes_after(std::nullopt);
    ok(s.append("d", record(5)));
    sound(s);
    const auto log = take(s.read("d"));
    REQUIRE(log.records.size() == 5);
    CHECK(log.records[4] == record(5));
    CHECK(log.damaged == 0);
    CHECK(s.restart().truncated_bytes == 0);
  }
  SECTION("a restart cuts it as a torn tail") {
    const auto report = s.restart();
    CHECK(report.truncated_bytes > 0);
    CHECK(report.damaged == 1);
    CHECK(report.records == 4);
    sound(s);
    s.fail_writes_after(std::nullopt);
    ok(s.append("d", record(5)));
    CHECK(take(s.read("d")).records.size() == 5);
  }
}

TEST_CASE("memory_storage: a tail cut at every byte of the last record loses only it",
          "[sync][storage]") {
  memory_storage base;
  for (std::size_t i = 0; i < 6; ++i) ok(base.append("d", record(i)));
  ok(base.set_meta("d", "k", as_bytes("v")));
  ok(base.append("d", record(6)));
  const bytes image = *base.image("d");
  const auto starts = frame_offsets(image);
  const std::size_t last = starts.back();
  for (std::size_t cut = last; cut < image.size(); ++cut) {
    INFO("cut at " << cut << " of " << image.size());
    memory_storage s;
    ok(s.append("d", as_bytes("placeholder")));
    *s.image("d") = bytes(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(cut));
    const auto report = s.restart();
    CHECK(report.truncated_bytes == cut - last);
    CHECK(report.damaged == (cut > last ? 1u : 0u));
    sound(s);
    const auto log = take(s.read("d"));
    REQUIRE(log.records.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) CHECK(log.records[i] == record(i));
    CHECK(take(s.get_meta("d", "k")) == as_bytes("v"));
    ok(s.append("d", record(7)));
    CHECK(take(s.read("d")).records.back() == record(7));
    sound(s);
  }
}

TEST_CASE("memory_storage: any flipped bit of a middle record drops that record only",
          "[sync][storage]") {
  memory_storage base;
  for (std::size_t i = 0; i < 5; ++i) ok(base.append("d", record(i)));
  const bytes image = *base.image("d");
  const auto starts = frame_offsets(image);
  const std::size_t from = starts[2], to = starts[3];
  for (std::size_t bit = from * 8; bit < to * 8; ++bit) {
    INFO("bit " << bit);
    memory_storage s;
    ok(s.append("d", as_bytes("placeholder")));
    bytes damaged = image;
    damaged[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    *s.image("d") = damaged;
    const auto report = s.restart();
    CHECK(report.damaged == 1);
    CHECK(report.truncated_bytes == 0);
    sound(s);
    const auto log = take(s.read("d"));
    CHECK(log.damaged == 1);
    REQUIRE(log.records.size() == 4);
    CHECK(log.records[0] == record(0));
    CHECK(log.records[1] == record(1));
    CHECK(log.records[2] == record(3));
    CHECK(log.records[3] == record(4));
  }
}

TEST_CASE("memory_storage: zero-filled blocks at the tail are cut; a bad header is reported",
          "[sync][storage]") {
  memory_storage s;
  for (std::size_t i = 0; i < 3; ++i) ok(s.append("d", record(i)));
  ok(s.append("e", as_bytes("e")));
  ok(s.set_meta("e", "k", as_bytes("v")));
  s.image("d")->resize(s.image("d")->size() + 4096, 0);
  (*s.image("e"))[3] ^= 0x10;  // the magic
  const auto report = s.restart();
  CHECK(report.truncated_bytes == 4096);
  CHECK(report.unreadable == std::vector<std::string>{"e"});
  CHECK(take(s.read("d")).records.size() == 3);
  sound(s);

  CHECK(s.read("e").code() == errc::corrupted);
  CHECK(s.info("e").code() == errc::corrupted);
  CHECK(s.get_meta("e", "k").code() == errc::corrupted);
  CHECK(s.append("e", as_bytes("x")).code() == errc::corrupted);
  CHECK(take(s.list()) == std::vector<std::string>{"d", "e"});
  // replace repairs it (its metadata was lost with the header).
  ok(s.replace("e", as_bytes("fresh")));
  CHECK(take(s.read("e")).records == std::vector<bytes>{as_bytes("fresh")});
  CHECK(!take(s.get_meta("e", "k")).has_value());
  sound(s);
}

TEST_CASE("memory_storage: a header from a newer format is unsupported", "[sync][storage]") {
  memory_storage s;
  ok(s.append("d", as_bytes("r")));
  bytes& image = *s.image("d");
  bytes header = si::encode_log_header(5);
  header[8] = 2;  // version 2
  const std::uint32_t crc = si::crc32c(std::span<const std::uint8_t>(header).first(28));
  for (int i = 0; i < 4; ++i) header[28 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (8 * i));
  std::copy(header.begin(), header.end(), image.begin());
  (void)s.restart();
  CHECK(s.read("d").code() == errc::unsupported);
}

TEST_CASE("log format: frames hidden in payloads are never taken for records", "[sync][storage]") {
  memory_storage s;
  ok(s.append("d", record(0)));
  const bytes& image = *s.image("d");
  std::uint64_t salt = 0;
  for (int i = 7; i >= 0; --i) salt = (salt << 8) | image[16 + static_cast<std::size_t>(i)];

  // A payload holding a well-formed frame of this very log (its salt is
  // in the header: a hostile payload cannot know it, a test can), and one
  // holding a frame of another log.
  bytes own, foreign;
  si::append_frame(own, salt, si::frame_kind::data, as_bytes("forged"));
  si::append_frame(foreign, salt ^ 1, si::frame_kind::data, as_bytes("forged"));
  ok(s.append("d", own));
  ok(s.append("d", foreign));
  ok(s.append("d", record(3)));
  auto log = take(s.read("d"));
  REQUIRE(log.records.size() == 4);  // framing is followed, not scanned
  CHECK(log.records[1] == own);

  // Damage the frame carrying the foreign frame: resynchronising skips the
  // foreign frame inside it and finds the next real one.
  const auto starts = frame_offsets(*s.image("d"));
  (*s.image("d"))[starts[2] + 8] ^= 1;  // its header CRC
  (void)s.restart();
  log = take(s.read("d"));
  CHECK(log.damaged == 1);
  REQUIRE(log.records.size() == 3);
  CHECK(log.records[0] == record(0));
  CHECK(log.records[1] == own);
  CHECK(log.records[2] == record(3));
}

TEST_CASE("memory_storage: equal seeds and writes give equal bytes", "[sync][storage]") {
  memory_storage a({.seed = 9}), b({.seed = 9}), c({.seed = 10});
  for (memory_storage* s : {&a, &b, &c}) {
    ok(s->append("d", record(1)));
    ok(s->set_meta("d", "k", as_bytes("v")));
    ok(s->replace("d", record(2)));
  }
  CHECK(*a.image("d") == *b.image("d"));
  CHECK(*a.image("d") != *c.image("d"));
}
