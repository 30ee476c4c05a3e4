// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/json.cpp
// -----------------------------------------------------------------------------
//
// The deterministic JSON view of a document: equal states give equal bytes,
// which is what tests compare replicas by.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "doc/doc_impl.hpp"
#include "fmt/format.h"

namespace weft::internal {

namespace {

void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

void append_scalar_json(std::string& out, const cell& v);

void append_scalar_json(std::string& out, const cell& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          fmt::format_to(std::back_inserter(out), "{}", x);
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isfinite(x)) {
            fmt::format_to(std::back_inserter(out), "{}", x);
          } else {
            out += "null";
          }
        } else if constexpr (std::is_same_v<T, std::string>) {
          append_string(out, x);
        } else if constexpr (std::is_same_v<T, bytes>) {
          out += "{\"bytes\":\"";
          for (const std::uint8_t b : x) fmt::format_to(std::back_inserter(out), "{:02x}", b);
          out += "\"}";
        } else {
          out += "null";  // containers are rendered by the caller
        }
      },
      v);
}

namespace {

class json_writer {
 public:
  explicit json_writer(const doc_impl& d) : d_(d) {}

  void value(std::string& out, const cell& v) const {
    if (const cref* r = std::get_if<cref>(&v)) {
      container(out, r->index);
    } else {
      append_scalar_json(out, v);
    }
  }

  void container(std::string& out, std::uint32_t c) const {
    const container_state& st = d_.at(c);
    switch (st.type) {
      case container_type::text:
        append_string(out, st.seq->to_string());
        return;
      case container_type::counter:
        fmt::format_to(std::back_inserter(out), "{}", st.counter);
        return;
      case container_type::reg: {
        const map_record* w = st.map->winner(0);
        if (w == nullptr) {
          out += "null";
        } else {
          value(out, w->value);
        }
        return;
      }
      case container_type::list: {
        out.push_back('[');
        bool first = true;
        const text_impl& t = *st.seq;
        t.seq().for_each([&](const seq_item& it) {
          if (it.deleted()) return true;
          const std::size_t off = t.content_offset(it.lv);
          for (std::uint32_t k = 0; k < it.len(); ++k) {
            if (!first) out.push_back(',');
            first = false;
            value(out, st.values[off + k]);
          }
          return true;
        });
        out.push_back(']');
        return;
      }
      case container_type::map: {
        const map_state& m = *st.map;
        std::vector<std::uint32_t> keys;
        for (std::uint32_t k = 0; k < m.live.size(); ++k) {
          if (!m.live[k].empty()) keys.push_back(k);
        }
        std::sort(keys.begin(), keys.end(), [&](std::uint32_t a, std::uint32_t b) {
          return m.key_names[a] < m.key_names[b];
        });
        out.push_back('{');
        for (std::size_t i = 0; i < keys.size(); ++i) {
          if (i > 0) out.push_back(',');
          append_string(out, m.key_names[keys[i]]);
          out.push_back(':');
          value(out, m.winner(keys[i])->value);
        }
        out.push_back('}');
        return;
      }
    }
  }

 private:
  const doc_impl& d_;
};

}  // namespace

std::string doc_impl::to_json(std::uint32_t c) const {
  std::string out;
  json_writer(*this).container(out, c);
  return out;
}

std::string doc_impl::to_json() const {
  std::vector<std::pair<std::string, std::uint32_t>> roots;
  std::map<std::string, int> uses;
  for (const auto& [key, c] : roots_) {
    if (containers_[c]->has_ops) ++uses[key.first];
  }
  for (const auto& [key, c] : roots_) {
    if (!containers_[c]->has_ops) continue;
    std::string name = key.first;
    if (uses[key.first] > 1) {
      name += ':';
      name += container_type_name(key.second);
    }
    roots.emplace_back(std::move(name), c);
  }
  std::sort(roots.begin(), roots.end());
  std::string out = "{";
  json_writer w(*this);
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_string(out, roots[i].first);
    out.push_back(':');
    w.container(out, roots[i].second);
  }
  out.push_back('}');
  return out;
}

}  // namespace weft::internal
