// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: assert.cpp
// -----------------------------------------------------------------------------
//
// The out-of-line half of WEFT_ASSERT. Kept out of the header so that every
// assertion site costs one compare and one cold call, not an inlined printf.

#include "weft/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace weft::internal {

void assert_fail(const char* expr, const char* msg, const char* file,
                 int line) noexcept {
  // assert_fail uses stdio rather than iostreams: it must work during static
  // destruction and when the heap is what is broken.
  std::fprintf(stderr, "weft: invariant violated: %s (%s) at %s:%d\n",
               expr != nullptr ? expr : "?", msg != nullptr ? msg : "",
               file != nullptr ? file : "?", line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace weft::internal
