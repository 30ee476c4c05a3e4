// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: storage_testing.hpp
// -----------------------------------------------------------------------------
//
// Support for the tests of weft::sync's storages (tests/unit/sync:
// storage_test, file_storage_test): record payloads and a look inside the
// log image they are stored in (sync/log_format.hpp).
//
// Test-only: a malformed image fails the test (REQUIRE).

#ifndef WEFT_TESTS_SUPPORT_STORAGE_TESTING_HPP_
#define WEFT_TESTS_SUPPORT_STORAGE_TESTING_HPP_

#include <catch2/catch_test_macros.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sync/log_format.hpp"

namespace weft::testing {

inline std::vector<std::uint8_t> as_bytes(std::string_view s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

// record returns a distinct, length-varying payload for record `i`.
inline std::vector<std::uint8_t> record(std::size_t i) {
  std::vector<std::uint8_t> b(1 + (i * 7) % 61);
  for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<std::uint8_t>(i * 31 + k);
  return b;
}

// frame_offsets returns where each frame of a clean log image starts.
inline std::vector<std::size_t> frame_offsets(const std::vector<std::uint8_t>& image) {
  std::vector<std::size_t> out;
  std::size_t pos = sync::internal::log_header_bytes;
  while (pos < image.size()) {
    out.push_back(pos);
    const std::uint32_t len = image[pos] | (image[pos + 1] << 8) | (image[pos + 2] << 16) |
                              (static_cast<std::uint32_t>(image[pos + 3]) << 24);
    pos += sync::internal::frame_header_bytes + len;
  }
  REQUIRE(pos == image.size());
  return out;
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_STORAGE_TESTING_HPP_
