// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_delta.cpp
// -----------------------------------------------------------------------------

#include "weft/text_delta.hpp"

#include <cstdint>
#include <limits>
#include <variant>

namespace weft {
namespace {

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  const std::uint64_t sum = a + b;
  return sum < a ? std::numeric_limits<std::uint64_t>::max() : sum;
}

// code_points counts UTF-8 lead bytes. It does not validate: op_count is
// called on deltas before `text::apply` has checked them, and a malformed run
// must still yield a bounded number rather than fail.
std::uint64_t code_points(const std::string& utf8) noexcept {
  std::uint64_t n = 0;
  for (const char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
  }
  return n;
}

}  // namespace

std::uint64_t text_delta::op_count() const noexcept {
  std::uint64_t total = 0;
  for (const text_op_run& run : runs) {
    if (const auto* ins = std::get_if<text_insert_run>(&run)) {
      total = saturating_add(total, code_points(ins->content));
    } else if (const auto* del = std::get_if<text_delete_run>(&run)) {
      total = saturating_add(total, del->length);
    }
  }
  return total;
}

}  // namespace weft
