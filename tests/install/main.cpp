// Copyright 2026 The weft Authors. MIT License.
//
// Smoke test of an installed weft: include the facade header, edit a text.

#include <weft/weft.hpp>

#include <cstdio>
#include <string>

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
  std::printf("weft install test: ok (\"%s\")\n", s.c_str());
  return 0;
}
