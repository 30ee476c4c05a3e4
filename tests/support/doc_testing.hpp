// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc_testing.hpp
// -----------------------------------------------------------------------------
//
// Support for the tests of weft::doc and its containers (tests/unit/*_ref,
// doc, event and undo_manager tests, tests/random/doc_convergence_test): the
// deterministic random generator, Catch2 checks that a result holds and a
// document is sound, replication between replicas, and UTF-8 / UTF-16
// helpers for the models the tests compare with. The generator and the
// Unicode helpers are also used by tests/random/text_convergence_test.
//
// Test-only: the checks are Catch2 assertions.

#ifndef WEFT_TESTS_SUPPORT_DOC_TESTING_HPP_
#define WEFT_TESTS_SUPPORT_DOC_TESTING_HPP_

#include <catch2/catch_test_macros.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/printers.hpp"
#include "weft/doc.hpp"
#include "weft/result.hpp"

namespace weft::testing {

inline constexpr replica_id kA{1};
inline constexpr replica_id kB{2};
inline constexpr replica_id kC{3};
inline constexpr replica_id kD{4};

// rng is splitmix64 with a fixed seeding, so that a seed gives the same
// stream natively and under wasm (std:: distributions differ between
// standard libraries).
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed * 0x2545F4914F6CDD1Dull + 1) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // below returns a value in [0, n); n must be positive.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  // between returns a value in [lo, hi].
  std::size_t between(std::size_t lo, std::size_t hi) { return lo + below(hi - lo + 1); }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

// failure_message is what the checks below print for a failed result.
inline std::string failure_message(const weft::error& e) {
  return std::string(weft::errc_name(e.code)) + ": " + e.message;
}

// require_sound checks every internal invariant of `d` (deep).
inline void require_sound(const doc& d) {
  const auto r = weft::internal::check(d, true);
  INFO((r ? std::string() : failure_message(r.error())));
  REQUIRE(r);
}

// ok requires that `r` holds.
inline void ok(const weft::result<void>& r) {
  INFO((r ? std::string() : failure_message(r.error())));
  REQUIRE(r);
}

// take requires that `r` holds and returns its value.
template <class T>
T take(weft::result<T> r) {
  INFO((r ? std::string() : failure_message(r.error())));
  REQUIRE(r);
  return std::move(*r);
}

// sync sends `to` everything of `from` that it lacks.
inline void sync(const doc& from, doc& to) {
  ok(to.apply(from.delta_since(to.version())));
  require_sound(to);
}

// sync_all syncs every pair of `docs`, in both directions.
inline void sync_all(const std::vector<doc*>& docs) {
  for (doc* from : docs) {
    for (doc* to : docs) {
      if (from != to) sync(*from, *to);
    }
  }
}

// replica_of makes a copy of `base` under `r` through a delta.
inline doc replica_of(const doc& base, replica_id r) {
  doc d(r);
  sync(base, d);
  return d;
}

// ---------------------------------------------------------------------------
// Unicode helpers for the models
// ---------------------------------------------------------------------------

// utf8 encodes code points as UTF-8.
inline std::string utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// utf8_decode decodes UTF-8 that the library produced; a malformed sequence
// yields std::nullopt so that the caller reports it instead of guessing.
inline std::optional<std::u32string> utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    char32_t c = 0;
    if (b0 < 0x80) {
      n = 1;
      c = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      n = 2;
      c = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      n = 3;
      c = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      n = 4;
      c = b0 & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      c = (c << 6) | (b & 0x3F);
    }
    out.push_back(c);
    i += n;
  }
  return out;
}

// utf16_units is how many UTF-16 code units `c` takes.
inline std::size_t utf16_units(char32_t c) { return c >= 0x10000 ? 2 : 1; }

// utf16_len is the length of `s` in UTF-16 code units.
inline std::size_t utf16_len(std::u32string_view s) {
  std::size_t n = 0;
  for (char32_t c : s) n += utf16_units(c);
  return n;
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_DOC_TESTING_HPP_
