// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: result_test.cpp
// -----------------------------------------------------------------------------
//
// Tests for weft/result.hpp and, through result's own checks, WEFT_ASSERT.

#include "weft/result.hpp"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <catch2/catch_test_macros.hpp>

#if (defined(__unix__) || defined(__APPLE__)) && !defined(__EMSCRIPTEN__)
#define WEFT_TEST_HAVE_FORK 1
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#endif

namespace {

using weft::errc;

// kLastErrc is the most recently appended errc value; update it (and the name
// checks below) when appending. -Wswitch in result.cpp flags a missing name.
constexpr errc kLastErrc = errc::io_error;

weft::result<int> parse_digit(char c) {
  if (c < '0' || c > '9') {
    return weft::make_error(errc::invalid_argument, "not a digit");
  }
  return c - '0';
}

weft::result<void> check_positive(int v) {
  if (v <= 0) return weft::make_error(errc::out_of_range, "not positive");
  return {};
}

weft::result<void> check_both(int a, int b) {
  WEFT_TRY(check_positive(a));
  WEFT_TRY(check_positive(b));
  return {};
}

int g_calls = 0;

weft::result<void> count_and_fail() {
  ++g_calls;
  return weft::make_error(errc::malformed, "counted");
}

weft::result<std::string> try_in_value_function(int v) {
  WEFT_TRY(check_positive(v));
  return std::string("fine");
}

}  // namespace

TEST_CASE("errc_name gives the documented name of every code", "[result]") {
  CHECK(weft::errc_name(errc::ok) == "ok");
  CHECK(weft::errc_name(errc::invalid_argument) == "invalid_argument");
  CHECK(weft::errc_name(errc::out_of_range) == "out_of_range");
  CHECK(weft::errc_name(errc::invalid_utf8) == "invalid_utf8");
  CHECK(weft::errc_name(errc::seq_exhausted) == "seq_exhausted");
  CHECK(weft::errc_name(errc::capacity_exceeded) == "capacity_exceeded");
  CHECK(weft::errc_name(errc::unknown_id) == "unknown_id");
  CHECK(weft::errc_name(errc::malformed) == "malformed");
  CHECK(weft::errc_name(errc::not_char_boundary) == "not_char_boundary");
  CHECK(weft::errc_name(errc::corrupted) == "corrupted");
  CHECK(weft::errc_name(errc::unsupported) == "unsupported");
  CHECK(weft::errc_name(errc::too_large) == "too_large");
  CHECK(weft::errc_name(errc::io_error) == "io_error");
}

TEST_CASE("errc_name names are distinct, lower-case identifiers", "[result]") {
  std::set<std::string_view> seen;
  for (int v = 0; v <= static_cast<int>(kLastErrc); ++v) {
    const std::string_view name = weft::errc_name(static_cast<errc>(v));
    INFO("errc value " << v);
    REQUIRE(!name.empty());
    CHECK(name != "unknown");
    for (const char c : name) {
      CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
    }
    CHECK(seen.insert(name).second);
  }
}

TEST_CASE("errc_name tolerates values from a newer peer", "[result]") {
  CHECK(weft::errc_name(static_cast<errc>(200)) == "unknown");
  CHECK(weft::errc_name(static_cast<errc>(static_cast<int>(kLastErrc) + 1)) ==
        "unknown");
}

TEST_CASE("result<T> holds a value", "[result]") {
  weft::result<int> r = parse_digit('7');
  REQUIRE(r.has_value());
  CHECK(static_cast<bool>(r));
  CHECK(r.code() == errc::ok);
  CHECK(r.value() == 7);
  CHECK(*r == 7);
  *r = 8;
  CHECK(r.value() == 8);
}

TEST_CASE("result<T> holds an error", "[result]") {
  const weft::result<int> r = parse_digit('x');
  REQUIRE_FALSE(r.has_value());
  CHECK_FALSE(static_cast<bool>(r));
  CHECK(r.code() == errc::invalid_argument);
  CHECK(r.error().code == errc::invalid_argument);
  CHECK(r.error().message == "not a digit");
}

TEST_CASE("result<T> works with move-only and class types", "[result]") {
  weft::result<std::unique_ptr<int>> r = std::make_unique<int>(42);
  REQUIRE(r);
  CHECK(*r.value() == 42);
  std::unique_ptr<int> taken = std::move(r).value();
  REQUIRE(taken != nullptr);
  CHECK(*taken == 42);

  weft::result<std::string> s = std::string("hello");
  REQUIRE(s);
  CHECK(s->size() == 5);
  const weft::result<std::string>& cs = s;
  CHECK(cs->front() == 'h');
}

TEST_CASE("result<void> defaults to success and carries errors", "[result]") {
  const weft::result<void> ok;
  CHECK(ok.has_value());
  CHECK(ok.code() == errc::ok);
  ok.value();  // must not abort

  const weft::result<void> bad =
      weft::make_error(errc::unknown_id, "who is this");
  CHECK_FALSE(bad.has_value());
  CHECK(bad.code() == errc::unknown_id);
  CHECK(bad.error().message == "who is this");
}

TEST_CASE("WEFT_TRY returns the first error and stops", "[result]") {
  CHECK(check_both(1, 2).has_value());

  const auto first = check_both(-1, 2);
  REQUIRE_FALSE(first);
  CHECK(first.code() == errc::out_of_range);

  const auto second = check_both(1, 0);
  REQUIRE_FALSE(second);
  CHECK(second.code() == errc::out_of_range);

  // WEFT_TRY evaluates its argument exactly once.
  g_calls = 0;
  const auto counted = []() -> weft::result<void> {
    WEFT_TRY(count_and_fail());
    return {};
  }();
  CHECK(counted.code() == errc::malformed);
  CHECK(g_calls == 1);
}

TEST_CASE("WEFT_TRY works in functions returning result<T>", "[result]") {
  const auto good = try_in_value_function(3);
  REQUIRE(good);
  CHECK(*good == "fine");
  const auto bad = try_in_value_function(-3);
  REQUIRE_FALSE(bad);
  CHECK(bad.code() == errc::out_of_range);
  CHECK(bad.error().message == "not positive");
}

#ifdef WEFT_TEST_HAVE_FORK
namespace {

struct child_outcome {
  bool aborted = false;
  std::string stderr_text;
};

// run_in_child runs `body` in a forked child with stderr captured, and reports
// whether it died of SIGABRT. This stands in for a death test.
template <class F>
child_outcome run_in_child(F body) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);  // so the child does not repeat buffered output
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The test framework's own SIGABRT handler would report the expected
    // abort as a failure from inside the child.
    std::signal(SIGABRT, SIG_DFL);
    ::close(fds[0]);
    ::dup2(fds[1], STDERR_FILENO);
    body();
    ::_exit(0);
  }
  ::close(fds[1]);
  child_outcome out;
  char buf[512];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.stderr_text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  out.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return out;
}

}  // namespace

TEST_CASE("WEFT_ASSERT reports the expression, message and location",
          "[result][assert]") {
  const int line = __LINE__ + 2;
  const child_outcome out =
      run_in_child([] { WEFT_ASSERT(1 + 1 == 3, "arithmetic is broken"); });
  CHECK(out.aborted);
  INFO(out.stderr_text);
  CHECK(out.stderr_text.find("weft: invariant violated: 1 + 1 == 3 "
                             "(arithmetic is broken) at ") !=
        std::string::npos);
  CHECK(out.stderr_text.find("result_test.cpp:" + std::to_string(line)) !=
        std::string::npos);
}

TEST_CASE("WEFT_ASSERT does nothing when the condition holds",
          "[result][assert]") {
  const child_outcome out = run_in_child([] { WEFT_ASSERT(2 > 1, "fine"); });
  CHECK_FALSE(out.aborted);
  CHECK(out.stderr_text.empty());
}

TEST_CASE("result::value() on an error aborts", "[result][assert]") {
  const child_outcome out = run_in_child([] {
    const weft::result<int> r = parse_digit('?');
    (void)r.value();
  });
  CHECK(out.aborted);
  CHECK(out.stderr_text.find("result::value() on an error") !=
        std::string::npos);
}

TEST_CASE("an error result with code ok is an invariant violation",
          "[result][assert]") {
  const child_outcome v = run_in_child([] {
    const weft::result<void> r = weft::error{};
    (void)r;
  });
  CHECK(v.aborted);
  const child_outcome t = run_in_child([] {
    const weft::result<int> r = weft::error{};
    (void)r;
  });
  CHECK(t.aborted);
  CHECK(t.stderr_text.find("an error needs a non-ok code") !=
        std::string::npos);
}
#endif  // WEFT_TEST_HAVE_FORK
