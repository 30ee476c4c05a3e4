// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/column.cpp
// -----------------------------------------------------------------------------

#include "wire/column.hpp"

#include <limits>

#include "fmt/format.h"

namespace weft::internal {

// ---------------------------------------------------------------------------
// Varints

void byte_writer::put_uvarint(std::uint64_t v) {
  // Into a stack buffer first: one append instead of a push_back (with its
  // capacity check) per byte.
  std::uint8_t buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<std::uint8_t>(v);
  out_.insert(out_.end(), buf, buf + n);
}

error byte_reader::fail(std::string_view what) const {
  return make_error(errc::malformed, fmt::format("{} at byte {}", what, pos_));
}

result<std::uint8_t> byte_reader::u8() {
  if (pos_ >= in_.size()) return fail("input ends");
  return in_[pos_++];
}

result<std::uint64_t> byte_reader::uvarint() {
  std::uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (pos_ >= in_.size()) return fail("varint runs past the end");
    const std::uint8_t b = in_[pos_++];
    // The tenth byte holds bit 63 only.
    if (shift == 63 && b > 1) return fail("varint overflows 64 bits");
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      // A last byte of zero after others is a longer form of a shorter
      // varint: one value, one encoding.
      if (b == 0 && shift > 0) return fail("varint is not in its shortest form");
      return v;
    }
  }
}

result<std::int64_t> byte_reader::svarint() {
  const auto v = uvarint();
  if (!v) return v.error();
  return unzigzag(*v);
}

result<std::span<const std::uint8_t>> byte_reader::bytes(std::uint64_t n) {
  if (n > remaining()) {
    return fail(fmt::format("{} bytes declared, {} present", n, remaining()));
  }
  const auto out = in_.subspan(pos_, static_cast<std::size_t>(n));
  pos_ += static_cast<std::size_t>(n);
  return out;
}

// ---------------------------------------------------------------------------
// rle

void encode_rle(byte_writer& w, std::span<const std::uint64_t> values) {
  std::size_t i = 0;
  std::size_t literal_start = 0;
  auto flush_literals = [&](std::size_t end) {
    if (end == literal_start) return;
    w.put_svarint(-static_cast<std::int64_t>(end - literal_start));
    for (std::size_t k = literal_start; k < end; ++k) w.put_uvarint(values[k]);
  };
  while (i < values.size()) {
    std::size_t j = i + 1;
    while (j < values.size() && values[j] == values[i]) ++j;
    // Two equal values cost the same as a run or as literals; a run of
    // two keeps a literal group from being split for nothing.
    if (j - i >= 3) {
      flush_literals(i);
      w.put_svarint(static_cast<std::int64_t>(j - i));
      w.put_uvarint(values[i]);
      literal_start = j;
    }
    i = j;
  }
  flush_literals(values.size());
}

result<void> decode_rle(byte_reader& r, std::uint64_t count, std::vector<std::uint64_t>& out) {
  std::uint64_t left = count;
  // Most varints of a column are one byte: those skip result<>.
  auto next = [&r](std::uint64_t& v) -> result<void> {
    if (r.small(v)) return {};
    const auto x = r.uvarint();
    if (!x) return x.error();
    v = *x;
    return {};
  };
  while (left > 0) {
    std::uint64_t raw = 0;
    WEFT_TRY(next(raw));
    const std::int64_t n = unzigzag(raw);
    if (n == 0) return make_error(errc::malformed, "rle group of zero values");
    const std::uint64_t len = n > 0 ? static_cast<std::uint64_t>(n)
                                    : static_cast<std::uint64_t>(-(n + 1)) + 1;
    if (len > left) {
      return make_error(errc::malformed,
                        fmt::format("rle column holds more than the {} values expected", count));
    }
    std::uint64_t v = 0;
    if (n > 0) {
      WEFT_TRY(next(v));
      out.insert(out.end(), static_cast<std::size_t>(len), v);
    } else {
      for (std::uint64_t k = 0; k < len; ++k) {
        WEFT_TRY(next(v));
        out.push_back(v);
      }
    }
    left -= len;
  }
  return {};
}

// ---------------------------------------------------------------------------
// delta

void encode_delta(byte_writer& w, std::span<const std::uint64_t> values) {
  std::vector<std::uint64_t> steps;
  steps.reserve(values.size());
  std::uint64_t prev = 0;
  for (const std::uint64_t v : values) {
    steps.push_back(zigzag(static_cast<std::int64_t>(v - prev)));
    prev = v;
  }
  encode_rle(w, steps);
}

result<void> decode_delta(byte_reader& r, std::uint64_t count,
                          std::vector<std::uint64_t>& out) {
  const std::size_t first = out.size();
  WEFT_TRY(decode_rle(r, count, out));
  std::uint64_t prev = 0;
  for (std::size_t i = first; i < out.size(); ++i) {
    prev += static_cast<std::uint64_t>(unzigzag(out[i]));
    out[i] = prev;
  }
  return {};
}

// ---------------------------------------------------------------------------
// bools

void encode_bools(byte_writer& w, const std::vector<bool>& values) {
  bool current = false;
  std::uint64_t run = 0;
  for (const bool b : values) {
    if (b != current) {
      w.put_uvarint(run);
      current = b;
      run = 0;
    }
    ++run;
  }
  if (run > 0) w.put_uvarint(run);
}

result<void> decode_bools(byte_reader& r, std::uint64_t count, std::vector<bool>& out) {
  std::uint64_t left = count;
  bool current = false;
  bool first = true;
  while (left > 0) {
    const auto n = r.uvarint();
    if (!n) return n.error();
    if (*n == 0 && !first) return make_error(errc::malformed, "empty run of bools");
    if (*n > left) {
      return make_error(errc::malformed,
                        fmt::format("bool column holds more than the {} values expected", count));
    }
    out.insert(out.end(), static_cast<std::size_t>(*n), current);
    left -= *n;
    current = !current;
    first = false;
  }
  return {};
}

}  // namespace weft::internal
