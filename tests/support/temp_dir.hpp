// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: temp_dir.hpp
// -----------------------------------------------------------------------------
//
// temp_dir, a fresh directory under $TMPDIR (or /tmp) for the tests that
// store on a real file system (tests/unit/sync: file_storage, persistence),
// removed with its contents when the test ends, passed or failed.
//
// Test-only: a directory that cannot be made fails the test (REQUIRE).

#ifndef WEFT_TESTS_SUPPORT_TEMP_DIR_HPP_
#define WEFT_TESTS_SUPPORT_TEMP_DIR_HPP_

#include <stdlib.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace weft::testing {

class temp_dir {
 public:
  // temp_dir makes <$TMPDIR>/<prefix>-XXXXXX.
  explicit temp_dir(std::string_view prefix = "weft-test") {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" +
                       std::string(prefix) + "-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_TEMP_DIR_HPP_
