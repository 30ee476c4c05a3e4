// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: fuzz.hpp
// -----------------------------------------------------------------------------
//
// The harness of the randomized tests in tests/random: which seeds run
// (WEFT_FUZZ_SEEDS=<n>, WEFT_SEED=<n>), verbose output (WEFT_FUZZ_VERBOSE=1),
// and failure reporting that names the seed, step and action where a check
// failed, through EXPECT / EXPECT_OK, which stay silent while they hold.
//
// Test-only: failures are Catch2 FAILs.

#ifndef WEFT_TESTS_SUPPORT_FUZZ_HPP_
#define WEFT_TESTS_SUPPORT_FUZZ_HPP_

#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "weft/result.hpp"

namespace weft::testing {

inline constexpr std::uint64_t kDefaultSeeds = 200;

struct seed_plan {
  std::uint64_t first = 1;
  std::uint64_t count = kDefaultSeeds;
};

inline std::optional<std::uint64_t> env_u64(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (end == v || *end != '\0') return std::nullopt;
  return static_cast<std::uint64_t>(n);
}

// plan_seeds reads WEFT_SEED (exactly that seed) or WEFT_FUZZ_SEEDS (how
// many, from 1; default kDefaultSeeds).
inline seed_plan plan_seeds() {
  seed_plan plan;
  if (auto one = env_u64("WEFT_SEED")) {
    plan.first = *one;
    plan.count = 1;
  } else if (auto n = env_u64("WEFT_FUZZ_SEEDS")) {
    plan.count = *n;
  }
  return plan;
}

// verbose() is set by WEFT_FUZZ_VERBOSE=1: the tests print every action as
// the C++ call that makes it, to turn a failing seed into a reproducer.
inline bool verbose() {
  static const bool on = env_u64("WEFT_FUZZ_VERBOSE").value_or(0) != 0;
  return on;
}

// trail says where a seed was when something failed; it is streamed into
// every failure so that the message alone locates the step.
struct trail {
  std::uint64_t seed = 0;
  int step = 0;
  std::string action;
};

inline trail g_trail;

inline std::string where() {
  std::ostringstream os;
  os << "[seed " << g_trail.seed << ", step " << g_trail.step << ", " << g_trail.action << "] ";
  return os.str();
}

inline std::string describe(const weft::error& e) {
  return std::string(weft::errc_name(e.code)) + ": " + e.message;
}

// reproduce_hint is the command line that reruns `seed` of `test_name`;
// `command` is the executable, with any further environment before it.
inline std::string reproduce_hint(std::uint64_t seed, std::string_view command,
                                  const char* test_name) {
  std::ostringstream os;
  os << "reproduce with: WEFT_SEED=" << seed << " " << command << " \"" << test_name << "\"";
  return os.str();
}

}  // namespace weft::testing

// EXPECT stays silent when it holds: the loops make millions of checks, and
// Catch2 assertions that always report would dominate the run.
#define EXPECT(cond, msg)                                                               \
  do {                                                                                  \
    if (!(cond)) [[unlikely]] {                                                         \
      FAIL(::weft::testing::where() << "expected " #cond ": " << msg); /* NOLINT */     \
    }                                                                                   \
  } while (false)

#define EXPECT_OK(res, msg) \
  EXPECT((res).has_value(), msg << " failed with " << ::weft::testing::describe((res).error()))

#endif  // WEFT_TESTS_SUPPORT_FUZZ_HPP_
