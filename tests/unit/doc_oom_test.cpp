// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc_oom_test.cpp
// -----------------------------------------------------------------------------
//
// weft::doc when memory runs out part way through a change. The global
// operator new of this executable (which is why this is a test executable of
// its own) can be armed to fail from its k-th allocation on; each test tries
// every k until the change goes through. A change cut short before its first
// write leaves the document as it was and usable. One cut short after it
// damages the document: no transaction stays open, nobody is told of the
// half-made change, and every later change is refused with errc::corrupted
// instead of being made on top of it.

#include <catch2/catch_test_macros.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_OOM_TEST_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_OOM_TEST_LSAN 1
#endif
#endif
#ifdef WEFT_OOM_TEST_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#include "support/doc_testing.hpp"
#include "support/random_doc.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/origin.hpp"
#include "weft/result.hpp"
#include "weft/value.hpp"

namespace {

// g_left is how many allocations succeed before every one fails; negative:
// unarmed.
long g_left = -1;

void* allocate(std::size_t n, std::size_t align) {
  if (g_left == 0) throw std::bad_alloc();
  if (g_left > 0) --g_left;
  if (n == 0) n = 1;
  void* p = align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__
                ? std::malloc(n)
                : std::aligned_alloc(align, (n + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// release is out of line so that the compiler, inlining the operator
// delete below into a delete expression, does not see a new paired with a
// free (-Wmismatched-new-delete).
[[gnu::noinline]] void release(void* p) noexcept { std::free(p); }

}  // namespace

void* operator new(std::size_t n) { return allocate(n, 0); }
void* operator new[](std::size_t n) { return allocate(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n, 0);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return operator new(n, t);
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return allocate(n, static_cast<std::size_t>(a));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t& t) noexcept {
  return operator new(n, a, t);
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

namespace {

using weft::doc;
using weft::doc_delta;
using weft::doc_options;
using weft::errc;
using weft::testing::kA;
using weft::testing::kD;
using weft::testing::ok;
using weft::testing::random_network;
using weft::testing::require_sound;

// out_of_memory_at runs `fn` with allocations failing from the k-th on, and
// reports whether it ran out (std::bad_alloc reached this frame).
// What a change cut short had allocated may stay allocated until the
// process ends (the tree nodes of a half-built sequence, for one): the
// document is damaged and refuses every later change, so it is not reused.
// LeakSanitizer is told not to count those blocks.
template <class F>
bool out_of_memory_at(long k, F&& fn) {
#ifdef WEFT_OOM_TEST_LSAN
  __lsan_disable();
#endif
  g_left = k;
  bool ran_out = false;
  try {
    fn();
  } catch (const std::bad_alloc&) {
    ran_out = true;
  }
  g_left = -1;
#ifdef WEFT_OOM_TEST_LSAN
  __lsan_enable();
#endif
  return ran_out;
}

// outcome counts the two ways a cut-short change may end.
struct outcome {
  int untouched = 0;  // nothing written: the document as it was, usable
  int damaged = 0;    // refuses every later change
};

// after_failure checks `d` right after a change ran out of memory, where
// `changed` says whether anything of the change shows. `retry` makes the
// change again, `edit` makes a local edit. True if the change had written
// nothing, so that the retry went through.
template <class Retry, class Edit>
bool after_failure(doc& d, bool changed, Retry&& retry, Edit&& edit, outcome& out) {
  CHECK_FALSE(d.in_transaction());
  const weft::result<void> again = retry();
  if (again) {
    // Only a change that wrote nothing may leave the document usable.
    CHECK_FALSE(changed);
    require_sound(d);
    ++out.untouched;
    return true;
  }
  CHECK(again.error().code == errc::corrupted);
  CHECK(edit().error().code == errc::corrupted);
  CHECK(retry().error().code == errc::corrupted);
  CHECK_FALSE(d.in_transaction());
  ++out.damaged;
  return false;
}

// source is a document that several replicas edited concurrently: every
// container type, texts with emoji, nested containers.
doc_delta source_delta(std::string& json) {
  random_network net(7, 3, "oom");
  for (int i = 0; i < 300; ++i) net.step();
  while (net.deliver_one(0)) {
  }
  json = net.at(0).to_json();
  return net.at(0).delta_since({});
}

doc_options with_id() {
  doc_options o;
  o.id = "oom";
  return o;
}

TEST_CASE("doc_oom: an apply that runs out of memory leaves the doc as it was, or damaged") {
  std::string want;
  const doc_delta delta = source_delta(want);
  // Unobserved, an empty doc's texts take the delta in one pass at the end
  // (sequence::rebuild); observed, run by run with events.
  for (const bool observed : {false, true}) {
    CAPTURE(observed);
    outcome out;
    long k = 0;
    for (;; ++k) {
      doc d(kD, with_id());
      int updates = 0;
      weft::subscription sub;
      if (observed) {
        sub = d.observe_updates([&](const doc_delta&, const weft::origin&) { ++updates; });
      }
      weft::result<void> r;
      const bool ran_out = out_of_memory_at(k, [&] { r = d.apply(delta); });
      if (!ran_out) {
        ok(r);
        CHECK(d.to_json() == want);
        require_sound(d);
        break;
      }
      CHECK(updates == 0);
      const bool changed = d.op_count() != 0 || d.pending_ops() != 0;
      if (after_failure(
              d, changed, [&] { return d.apply(delta); },
              [&] { return d.get_counter("c").add(1); }, out)) {
        CHECK(d.to_json() == want);
      }
    }
    INFO("allocations in the apply: " << k);
    CHECK(out.untouched > 0);
    CHECK(out.damaged > 0);
  }
}

TEST_CASE("doc_oom: a local edit that runs out of memory leaves the doc as it was, or damaged") {
  std::string want;
  const doc_delta delta = source_delta(want);
  // Each edit on a copy of the same document, watched by an observer (events
  // are built as the edit goes) or not.
  const std::vector<std::string> kinds = {"text insert", "text erase",  "map set",
                                          "new key",     "list insert", "map of a text",
                                          "list of a map", "transaction"};
  outcome all;
  for (const std::string& kind : kinds) {
    for (const bool observed : {false, true}) {
      CAPTURE(kind, observed);
      outcome out;
      for (long k = 0;; ++k) {
        doc d(kA, with_id());
        ok(d.apply(delta));
        ok(d.get_text("t").insert(0, "hello w\xC3\xB6rld"));
        weft::subscription sub;
        if (observed) sub = d.observe_updates([](const doc_delta&, const weft::origin&) {});
        const std::uint64_t ops = d.op_count();
        const auto edit = [&]() -> weft::result<void> {
          auto t = d.get_text("t");
          if (kind == "text insert") return t.insert(3, "\xF0\x9F\x98\x80 abc");
          if (kind == "text erase") return t.erase(2, 5);
          if (kind == "map set") return d.get_map("m").set("key", "v");
          if (kind == "new key") return d.get_map("m").set("a key of its own", 7);
          if (kind == "map of a text") {
            const auto child = d.get_map("m").set_text("child");
            if (!child) return child.error();
            return {};
          }
          if (kind == "list of a map") {
            const auto child = d.get_list("l").insert_map(0);
            if (!child) return child.error();
            return {};
          }
          if (kind == "list insert") {
            return d.get_list("l").insert(0, std::vector<weft::value>{1, "two"});
          }
          weft::result<void> last;
          d.transact([&] {
            last = t.insert(0, "ab");
            if (last) last = t.erase(1, 2);
          });
          return last;
        };
        weft::result<void> r;
        if (!out_of_memory_at(k, [&] { r = edit(); })) {
          ok(r);
          require_sound(d);
          break;
        }
        (void)after_failure(d, d.op_count() != ops, edit, edit, out);
      }
      all.damaged += out.damaged;
      all.untouched += out.untouched;
    }
  }
  CHECK(all.untouched > 0);
  CHECK(all.damaged > 0);
}

}  // namespace
