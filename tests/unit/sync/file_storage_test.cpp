// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/file_storage_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft/sync/file_storage.hpp on a real directory (mkdtemp under
// $TMPDIR): round trips across reopening, many documents, hostile doc ids
// (nothing is created outside the directory, ids come back exact), a tail
// cut at every byte of the last record, every bit of a record flipped, a
// crash between writing a temporary file and renaming it, reopening after
// replace, the directory lock, and real durability: a child process
// appends and reports each append that returned, the parent SIGKILLs it at
// a random moment, and every reported record must be there on reopening.

#include "weft/sync/file_storage.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "support/storage_testing.hpp"
#include "support/temp_dir.hpp"
#include "sync/log_format.hpp"

namespace {

using weft::errc;
using weft::sync::file_storage;
using weft::sync::restart_report;
using weft::testing::as_bytes;
using weft::testing::frame_offsets;
using weft::testing::ok;
using weft::testing::record;
using weft::testing::take;
namespace fs = std::filesystem;

using bytes = std::vector<std::uint8_t>;

// store_dir is a temporary directory with the storage directory inside it,
// store() (so that files made outside the storage directory would show).
class store_dir : public weft::testing::temp_dir {
 public:
  store_dir() : temp_dir("weft-file-storage") {}
  std::string store() const { return path() + "/store"; }
};

file_storage open_store(const std::string& dir, restart_report* report = nullptr,
                        bool sync = true) {
  return take(file_storage::open(dir, {.create = true, .sync = sync}, report));
}

void sound(const file_storage& s) { ok(weft::sync::internal::check(s)); }

bytes read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_all(const std::string& path, const bytes& b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  REQUIRE(out);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  REQUIRE(out);
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("file_storage: records, replace and metadata survive reopening", "[sync][file_storage]") {
  store_dir tmp;
  bytes snapshot_log;
  {
    file_storage s = open_store(tmp.store());
    CHECK(take(s.list()).empty());
    for (std::size_t i = 0; i < 20; ++i) ok(s.append("doc", record(i)));
    ok(s.set_meta("doc", "replicas", as_bytes("ab")));
    ok(s.append("doc", record(20)));
    sound(s);
  }
  {
    restart_report report;
    file_storage s = open_store(tmp.store(), &report);
    CHECK(report.docs == 1);
    CHECK(report.records == 21);
    CHECK(report.damaged == 0);
    CHECK(report.truncated_bytes == 0);
    sound(s);
    const auto log = take(s.read("doc"));
    REQUIRE(log.records.size() == 21);
    for (std::size_t i = 0; i < 21; ++i) CHECK(log.records[i] == record(i));
    CHECK(take(s.get_meta("doc", "replicas")) == as_bytes("ab"));
    const auto info = take(s.info("doc"));
    CHECK(info.records == 21);

    ok(s.replace("doc", as_bytes("snapshot")));
    ok(s.append("doc", as_bytes("after")));
    sound(s);
  }
  {
    file_storage s = open_store(tmp.store());
    sound(s);
    const auto log = take(s.read("doc"));
    CHECK(log.records == std::vector<bytes>{as_bytes("snapshot"), as_bytes("after")});
    CHECK(take(s.get_meta("doc", "replicas")) == as_bytes("ab"));
    CHECK(take(s.info("doc")).first_bytes == 8);
    ok(s.erase("doc"));
    CHECK(s.read("doc").code() == errc::unknown_id);
  }
  {
    file_storage s = open_store(tmp.store());
    CHECK(take(s.list()).empty());
    CHECK(entries(tmp.store()) == std::vector<std::string>{"LOCK"});
  }
}

TEST_CASE("file_storage: many documents", "[sync][file_storage]") {
  store_dir tmp;
  std::vector<std::string> ids;
  {
    file_storage s = open_store(tmp.store(), nullptr, /*sync=*/false);
    for (std::size_t d = 0; d < 150; ++d) {
      ids.push_back("doc-" + std::to_string(d));
      for (std::size_t i = 0; i <= d % 5; ++i) ok(s.append(ids.back(), record(d + i)));
    }
  }
  std::sort(ids.begin(), ids.end());
  file_storage s = open_store(tmp.store());
  sound(s);
  CHECK(take(s.list()) == ids);
  for (std::size_t d = 0; d < 150; ++d) {
    const auto log = take(s.read("doc-" + std::to_string(d)));
    REQUIRE(log.records.size() == d % 5 + 1);
    for (std::size_t i = 0; i <= d % 5; ++i) CHECK(log.records[i] == record(d + i));
  }
}

TEST_CASE("file_storage: hostile doc ids stay inside the directory and come back exact",
          "[sync][file_storage]") {
  store_dir tmp;
  const std::vector<std::string> ids = {
      "../escape", "../../etc/passwd", "/", "/abs", "a/b", ".", "..", std::string("\0x", 2),
      std::string("nul\0", 4), "CON", "A", "a", "\xc3\xa9t\xc3\xa9", "x.wlog.tmp", "LOCK",
      std::string(weft::sync::max_doc_id_bytes, '\xff'), std::string(1, '\n')};
  {
    file_storage s = open_store(tmp.store());
    for (const auto& id : ids) ok(s.append(id, as_bytes(id)));
    CHECK(s.append(std::string(weft::sync::max_doc_id_bytes + 1, 'a'), as_bytes("r")).code() ==
          errc::too_large);
    CHECK(s.append("", as_bytes("r")).code() == errc::invalid_argument);
  }
  // Only the store directory in the temp dir, and only our files in it.
  CHECK(entries(tmp.path()) == std::vector<std::string>{"store"});
  for (const auto& name : entries(tmp.store())) {
    INFO(name);
    CHECK((name == "LOCK" || name.ends_with(".wlog")));
    CHECK(name.size() <= 255);
    CHECK(name.find_first_not_of("0123456789abcdef.wlogLOCK") == std::string::npos);
  }
  file_storage s = open_store(tmp.store());
  auto sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  CHECK(take(s.list()) == sorted);
  for (const auto& id : ids) CHECK(take(s.read(id)).records == std::vector<bytes>{as_bytes(id)});
  CHECK(file_storage::file_name("a/b") == "612f62.wlog");
}

TEST_CASE("file_storage: files that are not ours are left alone", "[sync][file_storage]") {
  store_dir tmp;
  { file_storage s = open_store(tmp.store()); }
  write_all(tmp.store() + "/README", as_bytes("hello"));
  write_all(tmp.store() + "/zz.wlog", as_bytes("not hex"));
  write_all(tmp.store() + "/6A.wlog", as_bytes("upper-case hex is not ours"));
  write_all(tmp.store() + "/.wlog", as_bytes("empty id"));
  file_storage s = open_store(tmp.store());
  CHECK(take(s.list()).empty());
  CHECK(entries(tmp.store()).size() == 5);
}

TEST_CASE("file_storage: a tail cut at every byte of the last record loses only it",
          "[sync][file_storage]") {
  store_dir tmp;
  const std::string path = tmp.store() + "/" + file_storage::file_name("d");
  {
    file_storage s = open_store(tmp.store());
    for (std::size_t i = 0; i < 4; ++i) ok(s.append("d", record(i)));
    ok(s.set_meta("d", "k", as_bytes("v")));
    ok(s.append("d", record(40)));
  }
  const bytes image = read_all(path);
  const std::size_t last = frame_offsets(image).back();
  for (std::size_t cut = last; cut < image.size(); ++cut) {
    INFO("cut at " << cut << " of " << image.size());
    write_all(path, bytes(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(cut)));
    restart_report report;
    {
      file_storage s = open_store(tmp.store(), &report, /*sync=*/false);
      CHECK(report.truncated_bytes == cut - last);
      CHECK(report.damaged == (cut > last ? 1u : 0u));
      sound(s);
      const auto log = take(s.read("d"));
      REQUIRE(log.records.size() == 4);
      for (std::size_t i = 0; i < 4; ++i) CHECK(log.records[i] == record(i));
      CHECK(take(s.get_meta("d", "k")) == as_bytes("v"));
      ok(s.append("d", record(7)));
    }
    CHECK(read_all(path).size() == last + weft::sync::internal::frame_header_bytes + record(7).size());
    file_storage s = open_store(tmp.store(), &report, /*sync=*/false);
    CHECK(report.damaged == 0);
    CHECK(take(s.read("d")).records.back() == record(7));
  }
}

TEST_CASE("file_storage: any flipped bit of a record drops that record only",
          "[sync][file_storage]") {
  store_dir tmp;
  const std::string path = tmp.store() + "/" + file_storage::file_name("d");
  {
    file_storage s = open_store(tmp.store());
    for (std::size_t i = 0; i < 5; ++i) ok(s.append("d", record(i + 3)));
  }
  const bytes image = read_all(path);
  const auto starts = frame_offsets(image);
  for (std::size_t bit = starts[1] * 8; bit < starts[2] * 8; ++bit) {
    INFO("bit " << bit);
    bytes damaged = image;
    damaged[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    write_all(path, damaged);
    restart_report report;
    file_storage s = open_store(tmp.store(), &report, /*sync=*/false);
    CHECK(report.damaged == 1);
    CHECK(report.truncated_bytes == 0);
    const auto log = take(s.read("d"));
    CHECK(log.damaged == 1);
    REQUIRE(log.records.size() == 4);
    CHECK(log.records[0] == record(3));
    for (std::size_t i = 1; i < 4; ++i) CHECK(log.records[i] == record(i + 4));
    sound(s);
  }
  // A damaged header makes the log unreadable, reported, and repairable.
  bytes damaged = image;
  damaged[17] ^= 4;  // the salt, under the header CRC
  write_all(path, damaged);
  restart_report report;
  file_storage s = open_store(tmp.store(), &report);
  CHECK(report.unreadable == std::vector<std::string>{"d"});
  CHECK(s.read("d").code() == errc::corrupted);
  CHECK(s.append("d", as_bytes("x")).code() == errc::corrupted);
  ok(s.replace("d", as_bytes("repaired")));
  CHECK(take(s.read("d")).records == std::vector<bytes>{as_bytes("repaired")});
  sound(s);
}

TEST_CASE("file_storage: a crash between the temporary file and the rename", "[sync][file_storage]") {
  store_dir tmp;
  const std::string path = tmp.store() + "/" + file_storage::file_name("d");
  {
    file_storage s = open_store(tmp.store());
    ok(s.append("d", record(1)));
    ok(s.append("d", record(2)));
  }
  // What replace (or creating "e") would have renamed into place.
  const weft::sync::internal::meta_map no_meta;
  const bytes rec = as_bytes("new snapshot");
  const std::span<const std::uint8_t> rec_span(rec);
  const bytes replacement = weft::sync::internal::encode_log(77, &rec_span, no_meta);
  write_all(path + ".tmp", replacement);
  write_all(tmp.store() + "/" + file_storage::file_name("e") + ".tmp", replacement);
  {
    file_storage s = open_store(tmp.store());
    sound(s);
    CHECK(take(s.read("d")).records == std::vector<bytes>{record(1), record(2)});
    CHECK(s.read("e").code() == errc::unknown_id);
    CHECK(take(s.list()) == std::vector<std::string>{"d"});
  }
  CHECK(entries(tmp.store()) == std::vector<std::string>{file_storage::file_name("d"), "LOCK"});
}

TEST_CASE("file_storage: one storage per directory at a time", "[sync][file_storage]") {
#ifdef __EMSCRIPTEN__
  SKIP("flock is not enforced under node");
#else
  store_dir tmp;
  {
    file_storage a = open_store(tmp.store());
    auto b = file_storage::open(tmp.store());
    CHECK(b.code() == errc::io_error);
    file_storage moved = std::move(a);  // the lock moves with it
    CHECK(file_storage::open(tmp.store()).code() == errc::io_error);
  }
  CHECK(file_storage::open(tmp.store()).has_value());  // released with its holder
  CHECK(file_storage::open(tmp.path() + "/missing/deeper").code() == errc::io_error);
  CHECK(file_storage::open(tmp.path() + "/absent", {.create = false}).code() == errc::io_error);
#endif
}

TEST_CASE("file_storage: every append reported durable survives SIGKILL", "[sync][file_storage]") {
#ifdef __EMSCRIPTEN__
  SKIP("no fork under wasm");
#else
  store_dir tmp;
  weft::testing::rng r(2026);
  std::size_t expected = 0;  // records reported durable over all rounds
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(fds[0]);
      auto s = file_storage::open(tmp.store());
      if (!s) ::_exit(2);
      auto log = s->read("d");
      std::size_t next = log ? log->records.size() : 0;
      for (;; ++next) {
        if (!s->append("d", record(next))) ::_exit(3);
        // The line is written only after append returned: durable.
        const std::string line = std::to_string(next) + "\n";
        if (::write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(4);
      }
    }
    ::close(fds[1]);
    // Kill after a random number of reports, plus a random delay.
    const std::size_t kill_after = r.between(1, 150);
    std::string reported;
    std::size_t lines = 0;
    char buf[4096];
    while (lines < kill_after) {
      const ssize_t n = ::read(fds[0], buf, sizeof buf);
      REQUIRE(n > 0);
      reported.append(buf, static_cast<std::size_t>(n));
      lines = static_cast<std::size_t>(std::count(reported.begin(), reported.end(), '\n'));
    }
    ::usleep(static_cast<useconds_t>(r.below(3000)));
    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) reported.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    // The last complete line is the highest record reported durable.
    const std::size_t end = reported.rfind('\n');
    REQUIRE(end != std::string::npos);
    const std::size_t start = reported.rfind('\n', end - 1);
    const std::size_t highest =
        std::stoul(reported.substr(start == std::string::npos ? 0 : start + 1, end));
    REQUIRE(highest + 1 >= expected);
    expected = highest + 1;

    restart_report report;
    file_storage s = open_store(tmp.store(), &report);
    sound(s);
    const auto log = take(s.read("d"));
    // Every reported record is there, intact and in order; at most the one
    // being written when the kill came is there unreported.
    REQUIRE(log.records.size() >= expected);
    REQUIRE(log.records.size() <= expected + 1);
    for (std::size_t i = 0; i < log.records.size(); ++i) REQUIRE(log.records[i] == record(i));
    expected = log.records.size();
    CHECK(log.damaged == 0);
  }
#endif
}
