// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/column.hpp
// -----------------------------------------------------------------------------
//
// The byte-level encodings the wire format packs per-op data into: LEB128
// varints (unsigned, and zigzag for signed), and three column codecs for
// sequences of integers:
//
//   rle    runs of equal values: groups, each led by a signed count n; n > 0
//          is one value repeated n times, n < 0 is -n values listed one by
//          one. Zero is not a count.
//   delta  each value minus the previous one (mod 2^64, zigzag), then rle:
//          ascending ids and positions become a handful of runs.
//   bools  lengths of alternating runs, the first one of false (it alone
//          may be empty).
//
// Decoding treats its input as hostile: every read is bounds-checked, a
// varint must be canonical (the shortest form; at most 10 bytes, nothing
// above bit 63), and a column must hold exactly the number of values its
// caller expects, a number the caller has already checked against its
// limits. Output grows only as values are actually decoded, so a short
// input cannot make a decoder allocate much. Errors are errc::malformed with
// what went wrong and where.

#ifndef WEFT_SRC_WIRE_COLUMN_HPP_
#define WEFT_SRC_WIRE_COLUMN_HPP_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "weft/result.hpp"

namespace weft::internal {

// zigzag maps signed to unsigned so that small magnitudes stay small.
constexpr std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

class byte_writer {
 public:
  void put_u8(std::uint8_t b) { out_.push_back(b); }
  void put_uvarint(std::uint64_t v);
  void put_svarint(std::int64_t v) { put_uvarint(zigzag(v)); }
  void put_bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }

  std::size_t size() const noexcept { return out_.size(); }
  void clear() noexcept { out_.clear(); }
  void reserve(std::size_t n) { out_.reserve(n); }
  const std::vector<std::uint8_t>& bytes() const noexcept { return out_; }
  std::vector<std::uint8_t> take() noexcept { return std::move(out_); }

 private:
  std::vector<std::uint8_t> out_;
};

class byte_reader {
 public:
  explicit byte_reader(std::span<const std::uint8_t> in) noexcept : in_(in) {}

  result<std::uint8_t> u8();
  // small reads a one-byte varint (0..127, always canonical) into `v`, and
  // reports false, reading nothing, when the next varint is longer or the
  // input is used up: the fast path of column decoding.
  bool small(std::uint64_t& v) noexcept {
    if (pos_ >= in_.size() || in_[pos_] >= 0x80) return false;
    v = in_[pos_++];
    return true;
  }
  result<std::uint64_t> uvarint();
  result<std::int64_t> svarint();
  // bytes returns the next `n` bytes, if that many are left.
  result<std::span<const std::uint8_t>> bytes(std::uint64_t n);

  std::size_t offset() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  bool done() const noexcept { return pos_ == in_.size(); }

 private:
  error fail(std::string_view what) const;

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

// Column encoders append to `w`; decoders read exactly `count` values from
// `r` into `out` (appending) and fail if the column holds more or fewer.
void encode_rle(byte_writer& w, std::span<const std::uint64_t> values);
result<void> decode_rle(byte_reader& r, std::uint64_t count, std::vector<std::uint64_t>& out);

void encode_delta(byte_writer& w, std::span<const std::uint64_t> values);
result<void> decode_delta(byte_reader& r, std::uint64_t count,
                          std::vector<std::uint64_t>& out);

void encode_bools(byte_writer& w, const std::vector<bool>& values);
result<void> decode_bools(byte_reader& r, std::uint64_t count, std::vector<bool>& out);

}  // namespace weft::internal

#endif  // WEFT_SRC_WIRE_COLUMN_HPP_
