// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: result.hpp
// -----------------------------------------------------------------------------
//
// `weft::result<T>` carries either a value or a `weft::error`. Every entry
// point that can be fed untrusted input (remote deltas, positions from an
// editor, bytes from the network) returns one, so that bad input is reported
// to the caller instead of crashing or half-applying.

#ifndef WEFT_RESULT_HPP_
#define WEFT_RESULT_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "weft/assert.hpp"

namespace weft {

// errc enumerates why an operation was refused. Values are only appended.
enum class errc : std::uint8_t {
  ok = 0,
  invalid_argument,    // a parameter is malformed (e.g. zero-length run)
  out_of_range,        // a position or length lies outside the document
  invalid_utf8,        // text is not well-formed UTF-8
  seq_exhausted,       // a replica has used up its sequence-number space
  capacity_exceeded,   // a document would exceed its operation capacity
  unknown_id,          // an op id that this replica has never seen
  malformed,           // a delta violates the protocol (bad origins, etc.)
  not_char_boundary,   // a UTF-16 offset splits a surrogate pair
  corrupted,           // internal state violates an invariant (checkers)
  unsupported,         // bytes from a newer format (version, codec, kind)
  too_large,           // input exceeds a configured limit (decode_limits)
  io_error,            // storage failed to read or write (disk full, EIO, ...)
};

// errc_name returns a stable, lower-case identifier for `code`.
std::string_view errc_name(errc code) noexcept;

// error is a refusal: a machine-readable code plus a human-readable message.
struct error {
  errc code = errc::ok;
  std::string message;
};

template <class T>
class [[nodiscard]] result {
 public:
  using value_type = T;

  result(const T& value) : state_(std::in_place_index<0>, value) {}  // NOLINT
  result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  result(weft::error err)  // NOLINT
      : state_(std::in_place_index<1>, std::move(err)) {
    WEFT_ASSERT(std::get<1>(state_).code != errc::ok,
                "an error needs a non-ok code");
  }

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    WEFT_ASSERT(has_value(), "result::value() on an error");
    return std::get<0>(state_);
  }
  const T& value() const& {
    WEFT_ASSERT(has_value(), "result::value() on an error");
    return std::get<0>(state_);
  }
  T&& value() && {
    WEFT_ASSERT(has_value(), "result::value() on an error");
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const weft::error& error() const& {
    WEFT_ASSERT(!has_value(), "result::error() on a value");
    return std::get<1>(state_);
  }
  errc code() const noexcept {
    return has_value() ? errc::ok : std::get<1>(state_).code;
  }

 private:
  std::variant<T, weft::error> state_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  using value_type = void;

  result() = default;
  result(weft::error err) : error_(std::move(err)) {  // NOLINT
    WEFT_ASSERT(error_->code != errc::ok, "an error needs a non-ok code");
  }

  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const { WEFT_ASSERT(has_value(), "result::value() on an error"); }

  const weft::error& error() const& {
    WEFT_ASSERT(!has_value(), "result::error() on a value");
    return *error_;
  }
  errc code() const noexcept { return error_ ? error_->code : errc::ok; }

 private:
  // Success, the hot path of every edit, is an empty optional: no string
  // is built or destroyed.
  std::optional<weft::error> error_;
};

// make_error builds an error result with a message; used as
// `return make_error(errc::out_of_range, "...")`.
inline error make_error(errc code, std::string message) {
  return error{code, std::move(message)};
}

}  // namespace weft

// WEFT_TRY evaluates `expr` (a result<void>) and returns its error from the
// enclosing function if it failed.
#define WEFT_TRY(expr)                                    \
  do {                                                    \
    auto weft_try_result_ = (expr);                       \
    if (!weft_try_result_) return weft_try_result_.error(); \
  } while (false)

#endif  // WEFT_RESULT_HPP_
