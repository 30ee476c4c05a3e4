// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: gap_buffer.hpp
// -----------------------------------------------------------------------------
//
// The floor that weft's trace benchmarks compare against: the trace's
// patches replayed into a plain gap buffer of code points, with no CRDT
// metadata at all.

#ifndef WEFT_BENCH_GAP_BUFFER_HPP_
#define WEFT_BENCH_GAP_BUFFER_HPP_

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "support/trace.hpp"

namespace weft::bench {

// gap_buffer is what an editor without collaboration would use: a flat
// array of code points with a movable hole at the cursor. It decodes the
// trace's UTF-8 as it goes, as weft has to.
class gap_buffer {
 public:
  std::size_t size() const noexcept { return buf_.size() - (gap_end_ - gap_begin_); }

  void insert(std::size_t pos, std::string_view utf8) {
    move_gap(pos);
    std::size_t n = 0;
    for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
    reserve_gap(n);
    for (std::size_t i = 0; i < utf8.size();) {
      const auto b = static_cast<unsigned char>(utf8[i]);
      const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
      for (std::size_t k = 1; k < len; ++k) {
        c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
      }
      buf_[gap_begin_++] = c;
      i += len;
    }
  }

  void erase(std::size_t pos, std::size_t len) {
    move_gap(pos);
    gap_end_ += len;
  }

  std::u32string to_u32() const {
    std::u32string out(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(gap_begin_));
    out.append(buf_.begin() + static_cast<std::ptrdiff_t>(gap_end_), buf_.end());
    return out;
  }

 private:
  void move_gap(std::size_t pos) {
    if (pos < gap_begin_) {
      const std::size_t n = gap_begin_ - pos;
      std::memmove(&buf_[gap_end_ - n], &buf_[pos], n * sizeof(char32_t));
      gap_begin_ -= n;
      gap_end_ -= n;
    } else if (pos > gap_begin_) {
      const std::size_t n = pos - gap_begin_;
      std::memmove(&buf_[gap_begin_], &buf_[gap_end_], n * sizeof(char32_t));
      gap_begin_ += n;
      gap_end_ += n;
    }
  }

  void reserve_gap(std::size_t n) {
    if (gap_end_ - gap_begin_ >= n) return;
    const std::size_t tail = buf_.size() - gap_end_;
    const std::size_t cap = std::max(buf_.size() * 2, size() + n + 64);
    std::vector<char32_t> next(cap);
    std::copy(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(gap_begin_),
              next.begin());
    std::copy(buf_.end() - static_cast<std::ptrdiff_t>(tail), buf_.end(),
              next.end() - static_cast<std::ptrdiff_t>(tail));
    gap_end_ = cap - tail;
    buf_ = std::move(next);
  }

  std::vector<char32_t> buf_;
  std::size_t gap_begin_ = 0;
  std::size_t gap_end_ = 0;
};

inline void replay_gap(gap_buffer& g, const weft::testing::trace& tr) {
  for (const auto& txn : tr.txns) {
    for (const auto& p : txn.patches) {
      if (p.del > 0) g.erase(p.pos, p.del);
      if (!p.ins.empty()) g.insert(p.pos, p.ins);
    }
  }
}

}  // namespace weft::bench

#endif  // WEFT_BENCH_GAP_BUFFER_HPP_
