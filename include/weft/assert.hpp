// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: assert.hpp
// -----------------------------------------------------------------------------
//
// WEFT_ASSERT checks an internal invariant. It stays on in release builds: a
// CRDT that silently continues from a broken invariant diverges from its peers
// and corrupts every document it syncs with, which is worse than stopping.
// Untrusted input is never checked with it; that is what `weft::result` is for.

#ifndef WEFT_ASSERT_HPP_
#define WEFT_ASSERT_HPP_

namespace weft::internal {

// assert_fail reports a broken invariant and aborts the process.
[[noreturn]] void assert_fail(const char* expr, const char* msg,
                              const char* file, int line) noexcept;

}  // namespace weft::internal

#define WEFT_ASSERT(cond, msg)                                            \
  do {                                                                    \
    if (!(cond)) [[unlikely]]                                             \
      ::weft::internal::assert_fail(#cond, (msg), __FILE__, __LINE__);    \
  } while (false)

#endif  // WEFT_ASSERT_HPP_
