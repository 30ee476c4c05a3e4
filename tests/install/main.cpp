// Copyright 2026 The weft Authors. MIT License.
//
// Smoke test of an installed weft: include the facade header, edit a text.

#include <weft/weft.hpp>

#include <cstdio>
#include <string>

static_assert(WEFT_VERSION_MAJOR == EXPECTED_MAJOR &&
                  WEFT_VERSION_MINOR == EXPECTED_MINOR &&
                  WEFT_VERSION_PATCH == EXPECTED_PATCH,
              "weft/version.hpp disagrees with the installed package version");

int main() {
  weft::text t;
  if (auto r = t.insert(0, "hello"); !r) {
    std::fprintf(stderr, "insert failed\n");
    return 1;
  }
  const std::string s = t.to_string();
  if (s != "hello") {
    std::fprintf(stderr, "expected \"hello\", got \"%s\"\n", s.c_str());
    return 1;
  }
  std::printf("weft %d.%d.%d install test: ok (\"%s\")\n", WEFT_VERSION_MAJOR,
              WEFT_VERSION_MINOR, WEFT_VERSION_PATCH, s.c_str());
  return 0;
}
