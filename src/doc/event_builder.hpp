// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/event_builder.hpp
// -----------------------------------------------------------------------------
//
// delta_builder composes the positional edits one transaction made to a
// text or list (each positioned against the state after the previous one)
// into a single retain/insert/erase delta over the state before the
// transaction, which is what observers receive.
//
// The delta is kept as segments over the current content: retains and
// inserts occupy positions, erases do not. Every edit splits segments only
// at its own two ends, where both the element position and the width (UTF-16
// units for text) are known from the edit itself, so no content has to be
// measured. Each edit walks the segments from the start: cost O(segments),
// fine for interactive transactions; large remote catch-ups on observed
// containers pay O(edits x segments).

#ifndef WEFT_SRC_DOC_EVENT_BUILDER_HPP_
#define WEFT_SRC_DOC_EVENT_BUILDER_HPP_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "weft/event.hpp"
#include "weft/internal/utf8.hpp"
#include "weft/value.hpp"

namespace weft::internal {

template <class Payload, class Traits>
class delta_builder {
 public:
  struct segment {
    delta_kind kind = delta_kind::retain;
    std::size_t len = 0;
    std::size_t width = 0;
    Payload ins{};
  };

  void insert(std::size_t pos, std::size_t wpos, std::size_t len, std::size_t width,
              Payload p) {
    if (len == 0) return;
    const std::size_t i = boundary(pos, wpos);
    segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(i),
                     segment{delta_kind::insert, len, width, std::move(p)});
  }

  void erase(std::size_t pos, std::size_t wpos, std::size_t len, std::size_t width) {
    if (len == 0) return;
    (void)boundary(pos + len, wpos + width);
    const std::size_t first = boundary(pos, wpos);
    std::size_t cur = pos;
    std::size_t out = first;
    for (std::size_t i = first; i < segments_.size(); ++i) {
      segment& s = segments_[i];
      if (cur < pos + len && s.kind != delta_kind::erase) {
        cur += s.len;
        // Inserted and erased in one transaction: nothing happened.
        if (s.kind == delta_kind::insert) continue;
        s.kind = delta_kind::erase;
      }
      if (out != i) segments_[out] = std::move(s);
      ++out;
    }
    segments_.resize(out);
  }

  // finish returns the delta: merged, without empty steps or a final retain.
  std::vector<segment> finish() && {
    std::vector<segment> out;
    for (segment& s : segments_) {
      if (s.len == 0) continue;
      if (!out.empty() && out.back().kind == s.kind) {
        out.back().len += s.len;
        out.back().width += s.width;
        if (s.kind == delta_kind::insert) Traits::append(out.back().ins, std::move(s.ins));
        continue;
      }
      out.push_back(std::move(s));
    }
    while (!out.empty() && out.back().kind == delta_kind::retain) out.pop_back();
    return out;
  }

  bool empty() const noexcept { return segments_.empty(); }

 private:
  // boundary makes position `pos` (width `wpos`) of the current content a
  // segment boundary and returns the index of the first retain or insert
  // segment that starts there (or the end): where an insert at `pos` goes.
  std::size_t boundary(std::size_t pos, std::size_t wpos) {
    std::size_t cur = 0;
    std::size_t cw = 0;
    for (std::size_t i = 0; i < segments_.size(); ++i) {
      segment& s = segments_[i];
      if (s.kind == delta_kind::erase) continue;
      if (cur == pos) return i;
      if (cur + s.len > pos) {
        const std::size_t k = pos - cur;
        segment right{s.kind, s.len - k, s.width - (wpos - cw), {}};
        if (s.kind == delta_kind::insert) right.ins = Traits::split(s.ins, k);
        s.len = k;
        s.width = wpos - cw;
        segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                         std::move(right));
        return i + 1;
      }
      cur += s.len;
      cw += s.width;
    }
    if (pos > cur) segments_.push_back(segment{delta_kind::retain, pos - cur, wpos - cw, {}});
    return segments_.size();
  }

  std::vector<segment> segments_;
};

struct text_traits {
  // split keeps the first `k` code points in `s` and returns the rest.
  static std::string split(std::string& s, std::size_t k) {
    const std::size_t at = utf8_advance(s, k);
    std::string rest = s.substr(at);
    s.resize(at);
    return rest;
  }
  static void append(std::string& a, std::string&& b) { a += b; }
};

struct list_traits {
  static std::vector<value> split(std::vector<value>& v, std::size_t k) {
    std::vector<value> rest(v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    v.resize(k);
    return rest;
  }
  static void append(std::vector<value>& a, std::vector<value>&& b) {
    a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  }
};

class text_event_builder : public delta_builder<std::string, text_traits> {};
class list_event_builder : public delta_builder<std::vector<value>, list_traits> {};

}  // namespace weft::internal

#endif  // WEFT_SRC_DOC_EVENT_BUILDER_HPP_
