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
#include <optional>
#include <string>

#include "weft/op_id.hpp"
#include "weft/value.hpp"

template <>
struct Catch::StringMaker<weft::id_range> {
  static std::string convert(const weft::id_range& r) {
    return std::to_string(static_cast<std::uint64_t>(r.replica)) + ":[" +
           std::to_string(r.begin) + "," + std::to_string(r.end) + ")";
  }
};

template <>
struct Catch::StringMaker<weft::value> {
  static std::string convert(const weft::value& v) { return v.to_json(); }
};

template <>
struct Catch::StringMaker<std::optional<weft::value>> {
  static std::string convert(const std::optional<weft::value>& v) {
    return v ? v->to_json() : std::string("(absent)");
  }
};

#endif  // WEFT_TESTS_SUPPORT_PRINTERS_HPP_
