// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_delta.cpp
// -----------------------------------------------------------------------------

#include "weft/text_delta.hpp"

#include <cstdint>
#include <variant>

#include "weft/internal/saturating.hpp"
#include "weft/internal/utf8.hpp"

namespace weft {

std::uint64_t text_delta::op_count() const noexcept {
  std::uint64_t total = 0;
  for (const text_op_run& run : runs) {
    if (const auto* ins = std::get_if<text_insert_run>(&run)) {
      total = internal::saturating_add(total, internal::utf8_count_code_points(ins->content));
    } else if (const auto* del = std::get_if<text_delete_run>(&run)) {
      total = internal::saturating_add(total, del->length);
    }
  }
  return total;
}

}  // namespace weft
