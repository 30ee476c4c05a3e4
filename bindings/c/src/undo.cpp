// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/undo.cpp
// -----------------------------------------------------------------------------
//
// weft_undo_manager. The C++ undo manager survives its document (its calls
// then fail); the handle checks the document first so that C callers get
// WEFT_ERR_DOC_FREED, as from every other handle.

#include <memory>
#include <utility>
#include <vector>

#include "c_api.hpp"

namespace weft::c {
namespace {

template <class F>
weft_status with_undo(const weft_undo_manager* um, F&& body) noexcept {
  if (um == nullptr) return null_argument(box_hint(um), "undo manager");
  box_ptr box = um->box.lock();
  if (!box) return fail(nullptr, WEFT_ERR_DOC_FREED, "the undo manager's document was freed");
  const std::shared_ptr<weft::undo_manager> keep = um->um;  // released after the box
  return guard(box.get(), [&]() -> weft_status { return body(box, *keep); });
}

weft_status step(weft_undo_manager* um, bool* done, bool undo) noexcept {
  if (done == nullptr) return null_argument(box_hint(um), "done");
  return with_undo(um, [&](const box_ptr& box, weft::undo_manager& m) -> weft_status {
    if (box->doc.in_transaction()) {
      return fail(box.get(), WEFT_ERR_INVALID_STATE,
                  "undo and redo cannot run inside a transaction");
    }
    auto r = undo ? m.undo() : m.redo();
    if (!r) return fail(box.get(), r.error());
    *done = *r;
    return WEFT_OK;
  });
}

}  // namespace
}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

extern "C" {

weft_status weft_undo_manager_new(weft_doc* doc, const weft_origin* tracked, size_t n_tracked,
                                  int64_t capture_window_ms, size_t max_depth, weft_clock_fn now_ms,
                                  void* clock_user_data, weft_undo_manager** out) {
  if ((tracked == nullptr && n_tracked > 0) || out == nullptr) {
    return null_argument(doc ? doc->box.get() : nullptr, "tracked or out");
  }
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    weft::undo_options o;
    if (n_tracked > 0) {
      o.tracked.clear();
      for (size_t i = 0; i < n_tracked; ++i) {
        const weft_origin& t = tracked[i];
        if (t.kind < WEFT_ORIGIN_LOCAL || t.kind > WEFT_ORIGIN_USER) {
          return fail(box.get(), WEFT_ERR_INVALID_ARGUMENT, "unknown origin kind");
        }
        if (t.kind == WEFT_ORIGIN_USER && !span_ok(t.tag, t.tag_len)) {
          return null_argument(box.get(), "a user origin's tag");
        }
        switch (t.kind) {
          case WEFT_ORIGIN_LOCAL: o.tracked.push_back(weft::origin::local()); break;
          case WEFT_ORIGIN_REMOTE: o.tracked.push_back(weft::origin::remote()); break;
          case WEFT_ORIGIN_UNDO: o.tracked.push_back(weft::origin::undo()); break;
          case WEFT_ORIGIN_REDO: o.tracked.push_back(weft::origin::redo()); break;
          default: o.tracked.push_back(weft::origin::user(std::string(sv(t.tag, t.tag_len))));
        }
      }
    }
    if (capture_window_ms >= 0) o.capture_window_ms = capture_window_ms;
    if (max_depth > 0) o.max_depth = max_depth;
    if (now_ms != nullptr) {
      o.now_ms = [now_ms, clock_user_data]() noexcept { return now_ms(clock_user_data); };
    }
    auto h = std::make_unique<weft_undo_manager>();
    h->box = box;
    h->um = std::make_shared<weft::undo_manager>(box->doc, std::move(o));
    *out = h.release();
    return WEFT_OK;
  });
}

void weft_undo_manager_free(weft_undo_manager* um) { delete um; }

weft_status weft_undo_manager_undo(weft_undo_manager* um, bool* done) {
  return step(um, done, true);
}

weft_status weft_undo_manager_redo(weft_undo_manager* um, bool* done) {
  return step(um, done, false);
}

weft_status weft_undo_manager_can_undo(const weft_undo_manager* um, bool* out) {
  if (out == nullptr) return null_argument(box_hint(um), "out");
  return with_undo(um, [&](const box_ptr&, weft::undo_manager& m) {
    *out = m.can_undo();
    return WEFT_OK;
  });
}

weft_status weft_undo_manager_can_redo(const weft_undo_manager* um, bool* out) {
  if (out == nullptr) return null_argument(box_hint(um), "out");
  return with_undo(um, [&](const box_ptr&, weft::undo_manager& m) {
    *out = m.can_redo();
    return WEFT_OK;
  });
}

weft_status weft_undo_manager_undo_depth(const weft_undo_manager* um, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(um), "out");
  return with_undo(um, [&](const box_ptr&, weft::undo_manager& m) {
    *out = m.undo_depth();
    return WEFT_OK;
  });
}

weft_status weft_undo_manager_redo_depth(const weft_undo_manager* um, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(um), "out");
  return with_undo(um, [&](const box_ptr&, weft::undo_manager& m) {
    *out = m.redo_depth();
    return WEFT_OK;
  });
}

weft_status weft_undo_manager_stop_capturing(weft_undo_manager* um) {
  return with_undo(um, [&](const box_ptr&, weft::undo_manager& m) {
    m.stop_capturing();
    return WEFT_OK;
  });
}

weft_status weft_undo_manager_clear(weft_undo_manager* um) {
  return with_undo(um, [&](const box_ptr&, weft::undo_manager& m) {
    m.clear();
    return WEFT_OK;
  });
}

}  // extern "C"
