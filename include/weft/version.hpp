// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: version.hpp
// -----------------------------------------------------------------------------
//
// The library version, for compile-time checks. WEFT_VERSION_NUMBER is
// major * 10000 + minor * 100 + patch.

#ifndef WEFT_VERSION_HPP_
#define WEFT_VERSION_HPP_

#define WEFT_VERSION_MAJOR 0
#define WEFT_VERSION_MINOR 1
#define WEFT_VERSION_PATCH 0
#define WEFT_VERSION_NUMBER \
  (WEFT_VERSION_MAJOR * 10000 + WEFT_VERSION_MINOR * 100 + WEFT_VERSION_PATCH)

#endif  // WEFT_VERSION_HPP_
