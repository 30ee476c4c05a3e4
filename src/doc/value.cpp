// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/value.cpp
// -----------------------------------------------------------------------------

#include "weft/value.hpp"

#include "doc/doc_impl.hpp"

namespace weft {

namespace internal {
void append_scalar_json(std::string& out, const cell& v);
}  // namespace internal

namespace {
template <class T>
const T& held(const value::variant_type& v, const char* what) {
  const T* p = std::get_if<T>(&v);
  WEFT_ASSERT(p != nullptr, what);
  return *p;
}
}  // namespace

bool value::as_bool() const { return held<bool>(v_, "value is not a boolean"); }
std::int64_t value::as_int() const { return held<std::int64_t>(v_, "value is not an integer"); }
double value::as_double() const { return held<double>(v_, "value is not a double"); }
const std::string& value::as_string() const {
  return held<std::string>(v_, "value is not a string");
}
const weft::bytes& value::as_bytes() const { return held<weft::bytes>(v_, "value is not bytes"); }
weft::container value::as_container() const {
  return held<weft::container>(v_, "value is not a container");
}

std::string value::to_json() const {
  if (const auto* c = std::get_if<weft::container>(&v_)) return c->to_json();
  std::string out;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (!std::is_same_v<T, weft::container>) {
          internal::append_scalar_json(out, internal::cell(x));
        }
      },
      v_);
  return out;
}

}  // namespace weft
