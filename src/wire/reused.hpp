// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/reused.hpp
// -----------------------------------------------------------------------------
//
// reused<T> lends the calling thread's T (the delta encoder, the decoder's
// columns), so that encoding or decoding one keystroke after another
// allocates nothing for them once warm. T has held_bytes(); one that grew
// past what a burst of typing needs (keep_bytes) is dropped on return, so
// that a thread keeps no more than that between deltas. A nested lease
// (nothing re-enters an encoder or decoder today) gets a fresh T.

#ifndef WEFT_SRC_WIRE_REUSED_HPP_
#define WEFT_SRC_WIRE_REUSED_HPP_

#include <cstddef>
#include <optional>

namespace weft::internal {

template <class T>
class reused {
 public:
  static constexpr std::size_t keep_bytes = std::size_t{16} << 10;

  reused() {
    if (busy()) {
      own_.emplace();
    } else {
      busy() = true;
    }
  }
  ~reused() {
    if (own_) return;
    busy() = false;
    if (cached().held_bytes() > keep_bytes) cached() = T();
  }
  reused(const reused&) = delete;
  reused& operator=(const reused&) = delete;

  T& get() { return own_ ? *own_ : cached(); }

 private:
  static T& cached() {
    thread_local T t;
    return t;
  }
  static bool& busy() {
    thread_local bool b = false;
    return b;
  }
  std::optional<T> own_;
};

}  // namespace weft::internal

#endif  // WEFT_SRC_WIRE_REUSED_HPP_
