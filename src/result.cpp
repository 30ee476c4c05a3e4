// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: result.cpp
// -----------------------------------------------------------------------------

#include "weft/result.hpp"

#include <string_view>

namespace weft {

// errc_name returns names that are part of the API (logs, bindings and tests
// match on them), so a name never changes once released.
std::string_view errc_name(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::out_of_range:
      return "out_of_range";
    case errc::invalid_utf8:
      return "invalid_utf8";
    case errc::seq_exhausted:
      return "seq_exhausted";
    case errc::capacity_exceeded:
      return "capacity_exceeded";
    case errc::unknown_id:
      return "unknown_id";
    case errc::malformed:
      return "malformed";
    case errc::not_char_boundary:
      return "not_char_boundary";
    case errc::corrupted:
      return "corrupted";
    case errc::unsupported:
      return "unsupported";
    case errc::too_large:
      return "too_large";
    case errc::io_error:
      return "io_error";
  }
  // errc_name can see a value outside the enumerators when a code is decoded
  // from a newer peer, so this is not an invariant violation.
  return "unknown";
}

}  // namespace weft
