// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: printers.hpp
// -----------------------------------------------------------------------------
//
// Catch2 printers for weft's value types, so that failed comparisons show
// contents instead of "{?}".

#ifndef WEFT_TESTS_SUPPORT_PRINTERS_HPP_
#define WEFT_TESTS_SUPPORT_PRINTERS_HPP_

#include <catch2/catch_tostring.hpp>
#include <cstdint>
#include <string>

#include "weft/op_id.hpp"

template <>
struct Catch::StringMaker<weft::id_range> {
  static std::string convert(const weft::id_range& r) {
    return std::to_string(static_cast<std::uint64_t>(r.replica)) + ":[" +
           std::to_string(r.begin) + "," + std::to_string(r.end) + ")";
  }
};

#endif  // WEFT_TESTS_SUPPORT_PRINTERS_HPP_
