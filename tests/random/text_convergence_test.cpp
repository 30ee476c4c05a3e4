// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_convergence_test.cpp
// -----------------------------------------------------------------------------
//
// Randomized tests of weft::text against models that are too simple to be
// wrong:
//
//  * sequential: one replica's local edits against a std::u32string, with
//    UTF-16 conversions, slices and refused edits checked after every op;
//  * convergence: 5 or 6 replicas edit concurrently and exchange their deltas
//    through per-replica inboxes in random order, with duplicates, delays
//    and occasional full-state syncs. Every replica keeps a mirror string
//    that only sees its own edits and the text_change lists `apply`
//    reports, so a single wrong change shows up as a mirror mismatch;
//  * anchors, created at random positions with both affinities and resolved
//    again after concurrent edits;
//  * non-interleaving: runs typed concurrently at one place (forwards,
//    backwards or in one insert) come out whole, as FugueMax promises.
//
// Each seed makes 500 local edit calls (inserts of 1-24 code points and
// erases), every hundredth seed 2000, so that trees grow inner levels.
//
// Environment: WEFT_FUZZ_SEEDS=<n> sets how many seeds each test runs
// (default 200), WEFT_SEED=<n> runs exactly that seed, and
// WEFT_FUZZ_VERBOSE=1 prints every edit and delivery as the C++ call that
// makes it, for turning a failing seed into a stand-alone reproducer. A
// failure prints its seed, its step and the command line that reproduces it.
//
// No files and no third-party code beyond Catch2: this runs in the wasm build
// too, so the random generator is a fixed algorithm (splitmix64) rather than a
// <random> distribution whose output differs between standard libraries.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "support/fuzz.hpp"
#include "weft/anchor.hpp"
#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/text.hpp"
#include "weft/text_change.hpp"
#include "weft/text_delta.hpp"
#include "weft/version_vector.hpp"

namespace {

using weft::affinity;
using weft::op_id;
using weft::replica_id;
using weft::text;
using weft::text_change;
using weft::text_delta;
using weft::version_vector;

using weft::testing::describe;
using weft::testing::g_trail;
using weft::testing::plan_seeds;
using weft::testing::reproduce_hint;
using weft::testing::rng;
using weft::testing::seed_plan;
using weft::testing::trail;
using weft::testing::utf16_len;
using weft::testing::utf16_units;
using weft::testing::utf8;
using weft::testing::utf8_decode;
using weft::testing::verbose;

// ---------------------------------------------------------------------------
// Knobs
// ---------------------------------------------------------------------------

// Local edit operations (insert or erase calls) per seed. Every
// kLongEvery-th seed runs kLongOps instead, so that documents grow past a
// few leaves and the trees get inner levels, splits and merges.
constexpr int kOpsPerSeed = 500;
constexpr std::uint64_t kLongEvery = 100;
constexpr int kLongOps = 2000;

int ops_for_seed(std::uint64_t seed) {
  return seed % kLongEvery == 0 ? kLongOps : kOpsPerSeed;
}
// Deep checks are O(n); every op would dominate the sanitizer run.
constexpr int kDeepEvery = 50;
constexpr std::size_t kMaxAnchors = 8;

std::string c_escape(std::string_view s) {
  std::string out;
  bool after_hex = false;
  for (unsigned char c : s) {
    const bool printable = c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    if (printable) {
      // A hex escape would swallow a following hex digit: split the literal.
      if (after_hex && std::isxdigit(c)) out += "\"\"";
      out.push_back(static_cast<char>(c));
      after_hex = false;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      after_hex = true;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Random text
// ---------------------------------------------------------------------------

// Characters of every UTF-8 width, including astral ones (surrogate pairs in
// UTF-16), so that byte, code-point and UTF-16 offsets all disagree.
constexpr char32_t kOneByte[] = {U'a', U'b', U'c', U'x', U'y', U' ', U'\n', U'.'};
constexpr char32_t kTwoByte[] = {U'\u00E9', U'\u00DF', U'\u0436', U'\u03A9', U'\u05D0'};
constexpr char32_t kThreeByte[] = {U'\u20AC', U'\u4E2D', U'\u0939', U'\u2603', U'\uFB01'};
constexpr char32_t kFourByte[] = {U'\U0001F600', U'\U0001D11E', U'\U00010348',
                                  U'\U0001F9D1', U'\U00020BB7'};

template <std::size_t N>
char32_t pick(rng& r, const char32_t (&pool)[N]) {
  return pool[r.below(N)];
}

char32_t random_char(rng& r) {
  const std::size_t roll = r.below(100);
  if (roll < 60) return pick(r, kOneByte);
  if (roll < 75) return pick(r, kTwoByte);
  if (roll < 90) return pick(r, kThreeByte);
  return pick(r, kFourByte);
}

std::u32string random_string(rng& r, std::size_t len) {
  std::u32string s;
  for (std::size_t i = 0; i < len; ++i) s.push_back(random_char(r));
  return s;
}

std::size_t random_insert_length(rng& r) {
  if (r.chance(10)) return r.between(8, 24);
  if (r.chance(50)) return 1;
  return r.between(2, 6);
}

// ---------------------------------------------------------------------------
// Checks shared by both modes
// ---------------------------------------------------------------------------

void expect_invariants(const text& t, bool deep) {
  auto ok = weft::internal::check(t, deep);
  EXPECT(ok.has_value(), "check(deep=" << deep << ") failed: " << describe(ok.error()));
}

// expect_around compares the text with a model string near `pos` (and in
// size): an O(log n) check for between the full comparisons.
void expect_around(const text& t, const std::u32string& model, std::size_t pos) {
  EXPECT(t.size() == model.size(), "size " << t.size() << " vs model " << model.size());
  const std::size_t from = pos < 4 ? 0 : pos - 4;
  auto s = t.slice(from, 8);
  EXPECT_OK(s, "slice(" << from << ", 8)");
  EXPECT(*s == utf8(std::u32string_view(model).substr(std::min(from, model.size()), 8)),
         "text near " << pos << " differs from the model: \"" << *s << "\"");
}

// expect_matches compares the text with a model string.
void expect_matches(const text& t, const std::u32string& model, const char* what) {
  EXPECT(t.size() == model.size(), what << ": size " << t.size() << " vs model " << model.size());
  EXPECT(t.size_utf16() == utf16_len(model),
         what << ": size_utf16 " << t.size_utf16() << " vs " << utf16_len(model));
  const std::string got = t.to_string();
  const std::string want = utf8(model);
  EXPECT(got == want, what << ": to_string differs\n  got:  " << got << "\n  want: " << want);
}

// apply_changes replays the changes `apply` reported onto `mirror`, checking
// each against the mirror as it stands at that point of the list.
void apply_changes(std::u32string& mirror, const std::vector<text_change>& changes) {
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const text_change& c = changes[i];
    EXPECT(c.len > 0, "change " << i << " is empty");
    EXPECT(c.pos <= mirror.size(), "change " << i << " pos " << c.pos << " past end "
                                             << mirror.size());
    const std::size_t pos16 =
        utf16_len(std::u32string_view(mirror).substr(0, c.pos));
    EXPECT(c.pos_utf16 == pos16, "change " << i << " pos_utf16 " << c.pos_utf16
                                           << " but the mirror says " << pos16);
    if (c.type == text_change::kind::insert) {
      auto ins = utf8_decode(c.text);
      EXPECT(ins.has_value(), "change " << i << " carries malformed UTF-8");
      EXPECT(ins->size() == c.len, "change " << i << " len " << c.len << " but text has "
                                             << ins->size() << " code points");
      EXPECT(c.len_utf16 == utf16_len(*ins),
             "change " << i << " len_utf16 " << c.len_utf16);
      mirror.insert(c.pos, *ins);
    } else {
      EXPECT(c.text.empty(), "erase change " << i << " carries text");
      EXPECT(c.pos + c.len <= mirror.size(),
             "erase change " << i << " [" << c.pos << ", +" << c.len << ") past end "
                             << mirror.size());
      const std::size_t len16 =
          utf16_len(std::u32string_view(mirror).substr(c.pos, c.len));
      EXPECT(c.len_utf16 == len16, "erase change " << i << " len_utf16 " << c.len_utf16
                                                   << " but the mirror says " << len16);
      mirror.erase(c.pos, c.len);
    }
  }
}

// expect_utf16 checks to_utf16/from_utf16 against `model`: every position
// when `all`, otherwise a few random ones plus both ends.
void expect_utf16(const text& t, const std::u32string& model, rng& r, bool all) {
  // prefix[i] = UTF-16 offset of code point i.
  std::vector<std::size_t> prefix(model.size() + 1, 0);
  for (std::size_t i = 0; i < model.size(); ++i) {
    prefix[i + 1] = prefix[i] + utf16_units(model[i]);
  }
  const std::size_t n = model.size();
  const std::size_t n16 = prefix[n];

  auto check_cp = [&](std::size_t pos) {
    auto u = t.to_utf16(pos);
    EXPECT_OK(u, "to_utf16(" << pos << ")");
    EXPECT(*u == prefix[pos], "to_utf16(" << pos << ") = " << *u << ", want " << prefix[pos]);
  };
  auto check_u16 = [&](std::size_t u16) {
    // The code point containing or starting at u16.
    const auto it = std::upper_bound(prefix.begin(), prefix.end(), u16);
    const auto cp = static_cast<std::size_t>(it - prefix.begin()) - 1;
    auto back = t.from_utf16(u16);
    if (prefix[cp] == u16) {
      EXPECT_OK(back, "from_utf16(" << u16 << ")");
      EXPECT(*back == cp, "from_utf16(" << u16 << ") = " << *back << ", want " << cp);
    } else {
      EXPECT(back.code() == weft::errc::not_char_boundary,
             "from_utf16(" << u16 << ") inside a surrogate pair gave "
                           << weft::errc_name(back.code()));
    }
  };

  if (all) {
    for (std::size_t i = 0; i <= n; ++i) check_cp(i);
    for (std::size_t u = 0; u <= n16; ++u) check_u16(u);
  } else {
    check_cp(0);
    check_cp(n);
    check_u16(0);
    check_u16(n16);
    for (int k = 0; k < 3; ++k) {
      check_cp(r.below(n + 1));
      check_u16(r.below(n16 + 1));
    }
  }
  EXPECT(t.to_utf16(n + 1).code() == weft::errc::out_of_range, "to_utf16 past the end");
  EXPECT(t.from_utf16(n16 + 1).code() == weft::errc::out_of_range, "from_utf16 past the end");
}

// ---------------------------------------------------------------------------
// Anchors
// ---------------------------------------------------------------------------

// tracked_anchor remembers what is known about the order around an anchor's
// target: characters seen before and after it in some replica. Order in a
// sequence CRDT never changes, so once the target is deleted these bound
// where it may resolve.
struct tracked_anchor {
  weft::anchor a;
  std::set<op_id> before;
  std::set<op_id> after;
};

// visible_ids lists the op id of every visible character, in order.
std::vector<op_id> visible_ids(const text& t) {
  std::vector<op_id> ids;
  ids.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    auto id = t.id_at(i);
    EXPECT_OK(id, "id_at(" << i << ")");
    ids.push_back(*id);
  }
  EXPECT(!t.id_at(t.size()).has_value(), "id_at(size()) succeeded");
  return ids;
}

void learn_order(tracked_anchor& ta, const std::vector<op_id>& ids, std::size_t target) {
  for (std::size_t j = 0; j < ids.size(); ++j) {
    if (j == target) continue;
    auto& mine = j < target ? ta.before : ta.after;
    const auto& other = j < target ? ta.after : ta.before;
    EXPECT(!other.contains(ids[j]),
           "replicas disagree on the order of a character and an anchor target");
    mine.insert(ids[j]);
  }
}

// expect_anchor resolves `ta` in `t` and checks it against the documented
// semantics. `ids` are t's visible ids and `index` maps them to positions.
void expect_anchor(const text& t, tracked_anchor& ta, const std::vector<op_id>& ids,
                   const std::unordered_map<op_id, std::size_t>& index) {
  const weft::anchor& a = ta.a;
  auto got = t.resolve(a);
  if (!a.target) {
    EXPECT_OK(got, "resolve(document edge anchor)");
    const std::size_t want = a.side == affinity::left ? 0 : t.size();
    EXPECT(*got == want, "edge anchor resolved to " << *got << ", want " << want);
    return;
  }
  if (!t.version().contains(*a.target)) {
    EXPECT(!got.has_value(), "resolved an anchor whose target this replica never saw");
    return;
  }
  EXPECT_OK(got, "resolve(anchor)");
  const std::size_t p = *got;
  if (auto it = index.find(*a.target); it != index.end()) {
    // Right: before the target; left: just after it.
    const std::size_t want = it->second + (a.side == affinity::left ? 1 : 0);
    EXPECT(p == want, "anchor on a visible char resolved to " << p << ", want " << want);
    learn_order(ta, ids, it->second);
    return;
  }
  // Deleted target: it resolves where the character would be, so it must lie
  // after every visible character known to precede the target and at or
  // before every one known to follow it.
  std::size_t lower = 0;
  std::size_t upper = t.size();
  for (const op_id& id : ta.before) {
    if (auto it = index.find(id); it != index.end()) lower = std::max(lower, it->second + 1);
  }
  for (const op_id& id : ta.after) {
    if (auto it = index.find(id); it != index.end()) upper = std::min(upper, it->second);
  }
  EXPECT(lower <= upper, "order knowledge is contradictory: " << lower << " > " << upper);
  EXPECT(lower <= p && p <= upper, "anchor on a deleted char resolved to "
                                       << p << ", outside [" << lower << ", " << upper << "]");
}

void expect_anchors(const text& t, std::vector<tracked_anchor>& anchors) {
  if (anchors.empty()) return;
  const std::vector<op_id> ids = visible_ids(t);
  std::unordered_map<op_id, std::size_t> index;
  index.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);
  EXPECT(index.size() == ids.size(), "two visible characters share an op id");
  for (tracked_anchor& ta : anchors) expect_anchor(t, ta, ids, index);
}

// make_anchor creates an anchor at a random position of `t` and checks that
// it resolves back to that position and targets the documented character.
std::optional<tracked_anchor> make_anchor(const text& t, rng& r) {
  const std::size_t pos = r.below(t.size() + 1);
  const affinity side = r.chance(50) ? affinity::left : affinity::right;
  if (verbose()) {
    std::fprintf(stderr, "auto anchor = r%llx.anchor_at(%zu, weft::affinity::%s).value();\n",
                 static_cast<unsigned long long>(t.replica()), pos,
                 side == affinity::left ? "left" : "right");
  }
  auto a = t.anchor_at(pos, side);
  EXPECT_OK(a, "anchor_at(" << pos << ")");
  EXPECT(a->side == side, "anchor_at kept the wrong affinity");
  // Left sticks to the character before the position, right to the one after.
  const bool at_edge = side == affinity::left ? pos == 0 : pos == t.size();
  if (at_edge) {
    EXPECT(!a->target.has_value(), "anchor at the document edge has a target");
  } else {
    auto want = t.id_at(side == affinity::left ? pos - 1 : pos);
    EXPECT_OK(want, "id_at");
    EXPECT(a->target == *want, "anchor_at(" << pos << ") targets the wrong character");
  }
  auto back = t.resolve(*a);
  EXPECT_OK(back, "resolve(fresh anchor)");
  EXPECT(*back == pos, "fresh anchor at " << pos << " resolved to " << *back);
  EXPECT(t.anchor_at(t.size() + 1, side).code() == weft::errc::out_of_range,
         "anchor_at past the end");
  if (at_edge) return tracked_anchor{*a, {}, {}};
  tracked_anchor ta{*a, {}, {}};
  const std::vector<op_id> ids = visible_ids(t);
  learn_order(ta, ids, side == affinity::left ? pos - 1 : pos);
  return ta;
}

// ---------------------------------------------------------------------------
// Edits shared by both modes: apply one random local edit to `t` and the
// model, returning how many ops it consumed.
// ---------------------------------------------------------------------------

struct edit_style {
  std::size_t hot_spot_permille = 500;  // where "everyone types at once" goes
};

std::size_t pick_position(rng& r, std::size_t size, const edit_style& style) {
  const std::size_t roll = r.below(100);
  if (roll < 12) return 0;
  if (roll < 24) return size;
  if (roll < 36) return size * style.hot_spot_permille / 1000;
  return r.below(size + 1);
}

std::size_t local_insert(text& t, std::u32string& model, std::size_t pos,
                         const std::u32string& s) {
  const std::string bytes = utf8(s);
  if (verbose()) {
    std::fprintf(stderr, "r%llx.insert(%zu, \"%s\");\n",
                 static_cast<unsigned long long>(t.replica()), pos, c_escape(bytes).c_str());
  }
  auto ok = t.insert(pos, bytes);
  EXPECT_OK(ok, "insert(" << pos << ", \"" << bytes << "\")");
  model.insert(pos, s);
  return s.size();
}

std::size_t local_erase(text& t, std::u32string& model, std::size_t pos, std::size_t len) {
  if (verbose()) {
    std::fprintf(stderr, "r%llx.erase(%zu, %zu);\n",
                 static_cast<unsigned long long>(t.replica()), pos, len);
  }
  auto ok = t.erase(pos, len);
  EXPECT_OK(ok, "erase(" << pos << ", " << len << ")");
  model.erase(pos, len);
  return len;
}

// edit_count is what an edit gesture did: `calls` insert/erase calls (what
// the seeds' op budgets count) consuming `ops` op ids (one per code point).
struct edit_count {
  std::size_t calls = 0;
  std::size_t ops = 0;
  edit_count& operator+=(const edit_count& o) {
    calls += o.calls;
    ops += o.ops;
    return *this;
  }
};

// random_edit makes one edit "gesture": a random insert or erase, a typing
// burst (consecutive one-char inserts) or a backspace burst (one-char erases
// walking left, which the delta encodes as a backward delete run). After
// each primitive edit `after_each(pos)` runs with the position it edited.
template <class Fn>
edit_count random_edit(text& t, std::u32string& model, rng& r, const edit_style& style,
                       Fn&& after_each) {
  const std::size_t size = model.size();
  const unsigned erase_pct = size == 0 ? 0 : size > 300 ? 65 : size > 80 ? 40 : 25;
  edit_count ops;
  const std::size_t gesture = r.below(100);
  if (r.chance(erase_pct)) {
    if (gesture < 25 && size > 0) {
      // Backspace burst.
      std::size_t pos = r.between(1, size);
      const std::size_t n = r.between(1, std::min<std::size_t>(pos, 6));
      for (std::size_t k = 0; k < n; ++k, --pos) {
        ops += {1, local_erase(t, model, pos - 1, 1)};
        after_each(pos - 1);
      }
    } else {
      const std::size_t pos = r.below(size);
      const std::size_t max_len = std::min<std::size_t>(size - pos, r.chance(10) ? 40 : 6);
      ops += {1, local_erase(t, model, pos, r.between(1, max_len))};
      after_each(pos);
    }
  } else if (gesture < 25) {
    // Typing burst: one char at a time, each after the previous.
    std::size_t pos = pick_position(r, size, style);
    const std::size_t n = r.between(2, 6);
    for (std::size_t k = 0; k < n; ++k, ++pos) {
      ops += {1, local_insert(t, model, pos, random_string(r, 1))};
      after_each(pos);
    }
  } else {
    const std::size_t pos = pick_position(r, size, style);
    ops += {1, local_insert(t, model, pos, random_string(r, random_insert_length(r)))};
    after_each(pos);
  }
  return ops;
}

// ---------------------------------------------------------------------------
// Sequential mode
// ---------------------------------------------------------------------------

void expect_refusals(text& t, const std::u32string& model, rng& r) {
  const std::string before = t.to_string();
  const version_vector v = t.version();
  const std::size_t n = model.size();
  EXPECT(t.insert(n + 1, "x").code() == weft::errc::out_of_range, "insert past the end");
  if (n > 0) {
    EXPECT(t.erase(n, 1).code() == weft::errc::out_of_range, "erase at the end");
    const std::size_t pos = r.below(n);
    EXPECT(t.erase(pos, n - pos + 1).code() == weft::errc::out_of_range,
           "erase running past the end");
  }
  static constexpr std::string_view kBad[] = {
      "\xC3",              // truncated 2-byte sequence
      "a\x80",             // stray continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xED\xA0\x80",      // UTF-16 surrogate encoded in UTF-8
      "\xF4\x90\x80\x80",  // beyond U+10FFFF
      "ok\xFF",
  };
  const std::string_view bad = kBad[r.below(std::size(kBad))];
  const std::size_t bad_pos = r.below(n + 1);
  if (verbose()) {
    std::fprintf(stderr, "(void)r%llx.insert(%zu, \"%s\");  // refused\n",
                 static_cast<unsigned long long>(t.replica()), bad_pos, c_escape(bad).c_str());
  }
  EXPECT(t.insert(bad_pos, bad).code() == weft::errc::invalid_utf8,
         "insert of malformed UTF-8 (" << bad.size() << " bytes) was not refused");
  EXPECT(t.slice(n + 1, 1).code() == weft::errc::out_of_range, "slice past the end");
  EXPECT(t.to_string() == before, "a refused edit changed the text");
  EXPECT(t.version() == v, "a refused edit changed the version");
}

void expect_slice(const text& t, const std::u32string& model, rng& r) {
  const std::size_t pos = r.below(model.size() + 1);
  const std::size_t len = r.below(model.size() + 3);
  auto s = t.slice(pos, len);
  EXPECT_OK(s, "slice(" << pos << ", " << len << ")");
  EXPECT(*s == utf8(std::u32string_view(model).substr(pos, len)),
         "slice(" << pos << ", " << len << ") = \"" << *s << "\"");
}

void run_sequential_seed(std::uint64_t seed) {
  rng r(seed);
  text t(replica_id{0x5EC0000 + seed});
  std::u32string model;
  // A follower applies every delta in order and keeps its own mirror from
  // the reported changes: the simplest case of change reporting.
  text follower(replica_id{0xF0110});
  std::u32string follower_mirror;
  std::optional<text> midway;
  edit_style style{r.below(1001)};

  int ops = 0;
  const int total_ops = ops_for_seed(seed);
  for (g_trail.step = 0; ops < total_ops; ++g_trail.step) {
    // Scoped per step, so that even an abort inside weft names the step.
    INFO("step " << g_trail.step);
    g_trail.action = "local edit";
    const version_vector v0 = t.version();
    const bool deep = g_trail.step % kDeepEvery == 0;
    // One to three gestures per delta, as an editor batching keystrokes.
    edit_count n;
    for (std::size_t g = r.between(1, 3); g > 0; --g) {
      n += random_edit(t, model, r, style, [&](std::size_t pos) {
        expect_invariants(t, false);
        expect_around(t, model, pos);
      });
    }
    ops += static_cast<int>(n.calls);
    expect_invariants(t, deep);
    expect_matches(t, model, "sequential");

    const text_delta d = t.delta_since(v0);
    EXPECT(d.op_count() == n.ops, "delta of " << n.ops << " ops has op_count " << d.op_count());
    EXPECT(t.delta_since(t.version()).empty(), "delta_since(version()) is not empty");

    g_trail.action = "follower apply";
    if (verbose()) std::fprintf(stderr, "(void)follower.apply(/* delta of the ops above */);\n");
    auto changes = follower.apply(d);
    EXPECT_OK(changes, "follower.apply");
    apply_changes(follower_mirror, *changes);
    expect_invariants(follower, deep);
    EXPECT(follower_mirror == model, "the follower's reported changes diverge from the model");
    // The follower's text itself is compared less often: its mirror is
    // already checked, and a divergence persists until the next comparison.
    if (g_trail.step % 4 == 0) expect_matches(follower, follower_mirror, "follower");
    EXPECT(follower.version() == t.version(), "follower version differs");

    g_trail.action = "reads";
    expect_utf16(t, model, r, deep);
    expect_slice(t, model, r);
    if (r.chance(10)) {
      if (verbose()) std::fprintf(stderr, "// refused edits (out of range, bad UTF-8)\n");
      expect_refusals(t, model, r);
    }
    if (!midway && ops >= total_ops / 2) {
      g_trail.action = "clone";
      midway.emplace(t.clone());
      expect_matches(*midway, model, "clone");
      EXPECT(midway->version() == t.version() && midway->replica() == t.replica(),
             "clone differs in version or replica id");
      expect_invariants(*midway, true);
    }
  }

  g_trail.action = "final state transfer";
  text fresh(replica_id{0xF2E5});
  auto all = fresh.apply(t.delta_since(version_vector{}));
  EXPECT_OK(all, "apply(delta_since({}))");
  std::u32string fresh_mirror;
  apply_changes(fresh_mirror, *all);
  EXPECT(fresh_mirror == model, "state transfer reported wrong changes");
  expect_matches(fresh, model, "fresh replica");
  EXPECT(fresh.version() == t.version(), "fresh replica version differs");
  expect_invariants(fresh, true);

  if (midway) {
    g_trail.action = "catch-up from midway";
    auto rest = midway->apply(t.delta_since(midway->version()));
    EXPECT_OK(rest, "midway catch-up");
    expect_matches(*midway, model, "midway clone after catch-up");
    expect_invariants(*midway, true);
  }
  expect_utf16(t, model, r, true);
  expect_invariants(t, true);
}

// ---------------------------------------------------------------------------
// Convergence mode
// ---------------------------------------------------------------------------

struct inbox_entry {
  std::size_t delta = 0;   // index into the shared delta log
  bool duplicate = false;  // already a copy: not duplicated again
};

struct replica_state {
  text doc;
  std::u32string mirror;
  std::vector<inbox_entry> inbox;
  std::uint64_t own_ops = 0;
};

class network {
 public:
  network(std::uint64_t seed, rng& r) : r_(r) {
    const std::size_t n = r_.chance(10) ? 6 : 5;
    std::set<std::uint64_t> used;
    while (used.size() < n) {
      // Small ids and full 64-bit ones, so tie-breaks by replica id see both.
      const std::uint64_t id = r_.chance(50) ? r_.between(1, 16) : (r_.next() | 1);
      used.insert(id);
    }
    // Shuffle so that replica index and id order are unrelated.
    std::vector<std::uint64_t> ids(used.begin(), used.end());
    for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[r_.below(i)]);
    for (std::uint64_t id : ids) {
      if (verbose()) std::fprintf(stderr, "weft::text r%llx(weft::replica_id{0x%llxull});\n",
                                  static_cast<unsigned long long>(id),
                                  static_cast<unsigned long long>(id));
      replicas_.push_back(replica_state{text(replica_id{id}), {}, {}, 0});
    }
    style_.hot_spot_permille = r_.below(1001);
    (void)seed;
  }

  std::size_t size() const { return replicas_.size(); }
  replica_state& at(std::size_t i) { return replicas_[i]; }

  // edit makes one to five random local edit gestures on replica i and
  // broadcasts one delta for all of them, as an editor batching keystrokes
  // between network flushes would. Returns the edit calls made.
  std::size_t edit(std::size_t i) {
    replica_state& rep = replicas_[i];
    const version_vector v0 = rep.doc.version();
    if (verbose()) std::fprintf(stderr, "{ auto v = %s.version();\n", name(i).c_str());
    edit_count n;
    for (std::size_t g = r_.between(1, 5); g > 0; --g) {
      n += random_edit(rep.doc, rep.mirror, r_, style_, [&](std::size_t pos) {
        expect_invariants(rep.doc, false);
        expect_around(rep.doc, rep.mirror, pos);
      });
    }
    expect_matches(rep.doc, rep.mirror, "after local edits");
    rep.own_ops += n.ops;
    EXPECT(rep.doc.version().get(rep.doc.replica()) == rep.own_ops,
           "own version count " << rep.doc.version().get(rep.doc.replica()) << " vs "
                                << rep.own_ops << " ops made");
    text_delta d = rep.doc.delta_since(v0);
    EXPECT(d.op_count() == n.ops, "delta of " << n.ops << " ops has op_count " << d.op_count());
    if (verbose()) {
      std::fprintf(stderr, "d.push_back(%s.delta_since(v)); }  // d[%zu]\n", name(i).c_str(),
                   log_.size());
    }
    log_.push_back(std::move(d));
    for (std::size_t j = 0; j < replicas_.size(); ++j) {
      if (j != i) replicas_[j].inbox.push_back({log_.size() - 1, false});
    }
    return n.calls;
  }

  // apply_to integrates `d` into replica i and follows the reported changes.
  void apply_to(std::size_t i, const text_delta& d) {
    replica_state& rep = replicas_[i];
    auto changes = rep.doc.apply(d);
    EXPECT_OK(changes, "apply of a delta with " << d.runs.size() << " runs");
    apply_changes(rep.mirror, *changes);
    expect_invariants(rep.doc, false);
    if (changes->empty()) {
      // Nothing reported, so the mirror is unchanged: an unreported change
      // would still surface at the next full comparison.
      EXPECT(rep.doc.size() == rep.mirror.size(), "apply changed the size silently");
    } else {
      expect_matches(rep.doc, rep.mirror, "mirror after apply");
    }
  }

  // deliver_one hands replica i a random message from its inbox, leaving a
  // duplicate behind now and then. False if the inbox was empty.
  bool deliver_one(std::size_t i) {
    auto& inbox = replicas_[i].inbox;
    if (inbox.empty()) return false;
    const std::size_t k = r_.below(inbox.size());
    inbox_entry e = inbox[k];
    if (!e.duplicate && r_.chance(8)) {
      inbox[k].duplicate = true;
    } else {
      inbox[k] = inbox.back();
      inbox.pop_back();
    }
    const text_delta& d = log_[e.delta];
    if (d.runs.size() > 1 && r_.chance(10)) {
      // Runs out of causal order within one delta: apply must not rely on
      // the order, later runs wait for earlier ones in the pending buffer.
      text_delta reversed{{d.runs.rbegin(), d.runs.rend()}};
      if (verbose()) {
        std::fprintf(stderr, "(void)%s.apply(reversed(d[%zu]));\n", name(i).c_str(), e.delta);
      }
      apply_to(i, reversed);
      return true;
    }
    if (verbose()) std::fprintf(stderr, "(void)%s.apply(d[%zu]);\n", name(i).c_str(), e.delta);
    apply_to(i, d);
    return true;
  }

  // sync sends `from` everything `to` lacks, as a full-state exchange does.
  void sync(std::size_t from, std::size_t to) {
    if (verbose()) {
      std::fprintf(stderr, "(void)%s.apply(%s.delta_since(%s.version()));\n",
                   name(to).c_str(), name(from).c_str(), name(to).c_str());
    }
    const text_delta d = replicas_[from].doc.delta_since(replicas_[to].doc.version());
    apply_to(to, d);
  }

  std::size_t random_replica() { return r_.below(replicas_.size()); }

  // name is how verbose output refers to replica i (by its id, in hex).
  std::string name(std::size_t i) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "r%llx",
                  static_cast<unsigned long long>(replicas_[i].doc.replica()));
    return buf;
  }

  // random_replica_with_mail returns a replica with a non-empty inbox.
  std::optional<std::size_t> random_replica_with_mail() {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < replicas_.size(); ++i) {
      if (!replicas_[i].inbox.empty()) candidates.push_back(i);
    }
    if (candidates.empty()) return std::nullopt;
    return candidates[r_.below(candidates.size())];
  }

  void deep_check_one(std::size_t i) { expect_invariants(replicas_[i].doc, true); }

  void deep_check_all() {
    for (replica_state& rep : replicas_) expect_invariants(rep.doc, true);
  }

 private:
  rng& r_;
  edit_style style_;
  std::vector<replica_state> replicas_;
  std::vector<text_delta> log_;
};

void check_all_anchors(network& net, std::vector<tracked_anchor>& anchors) {
  for (std::size_t i = 0; i < net.size(); ++i) expect_anchors(net.at(i).doc, anchors);
}

void run_convergence_seed(std::uint64_t seed) {
  rng r(seed);
  network net(seed, r);
  std::vector<tracked_anchor> anchors;

  int ops = 0;
  const int total_ops = ops_for_seed(seed);
  for (g_trail.step = 1; ops < total_ops; ++g_trail.step) {
    INFO("step " << g_trail.step);
    const std::size_t roll = r.below(100);
    if (roll < 45) {
      g_trail.action = "local edit";
      ops += static_cast<int>(net.edit(net.random_replica()));
    } else if (roll < 85) {
      g_trail.action = "deliver";
      if (auto i = net.random_replica_with_mail()) net.deliver_one(*i);
    } else if (roll < 90) {
      g_trail.action = "full-state sync";
      const std::size_t a = net.random_replica();
      const std::size_t b = (a + 1 + r.below(net.size() - 1)) % net.size();
      net.sync(a, b);
      if (r.chance(50)) net.sync(b, a);
    } else if (roll < 97) {
      g_trail.action = "drain an inbox";
      if (auto i = net.random_replica_with_mail()) {
        while (net.deliver_one(*i)) {
        }
      }
    } else if (roll < 98) {
      g_trail.action = "create anchor";
      // Once the set is full, new anchors replace the oldest, so that later
      // edits meet fresh anchors too.
      if (anchors.size() == kMaxAnchors) anchors.erase(anchors.begin());
      {
        const std::size_t at = net.random_replica();
        if (verbose()) {
          std::fprintf(stderr, "// anchor %zu made on %s\n", anchors.size(), net.name(at).c_str());
        }
        if (auto ta = make_anchor(net.at(at).doc, r)) {
          anchors.push_back(std::move(*ta));
        }
      }
    } else {
      g_trail.action = "resolve anchors";
      check_all_anchors(net, anchors);
    }
    if (g_trail.step % kDeepEvery == 0) {
      // One replica in turn: all of them every time would dominate the run.
      g_trail.action = "periodic deep check";
      net.deep_check_one(static_cast<std::size_t>(g_trail.step / kDeepEvery) % net.size());
    }
  }

  g_trail.action = "final delivery";
  while (auto i = net.random_replica_with_mail()) net.deliver_one(*i);

  g_trail.action = "convergence";
  const replica_state& first = net.at(0);
  const std::string want = first.doc.to_string();
  std::uint64_t ops_made = 0;
  for (std::size_t i = 0; i < net.size(); ++i) {
    const replica_state& rep = net.at(i);
    ops_made += rep.own_ops;
    EXPECT(rep.doc.pending_ops() == 0,
           "replica " << i << " still has " << rep.doc.pending_ops() << " pending ops");
    EXPECT(rep.doc.to_string() == want, "replica " << i << " diverged:\n  " << rep.doc.to_string()
                                                   << "\nvs replica 0:\n  " << want);
    EXPECT(rep.doc.version() == first.doc.version(),
           "replica " << i << " version " << rep.doc.version().to_string() << " vs "
                      << first.doc.version().to_string());
    EXPECT(rep.mirror == first.mirror, "mirror of replica " << i << " diverged");
    expect_invariants(rep.doc, true);
  }
  // The converged version counts exactly the ops every replica made.
  for (std::size_t i = 0; i < net.size(); ++i) {
    const replica_state& rep = net.at(i);
    EXPECT(first.doc.version().get(rep.doc.replica()) == rep.own_ops,
           "converged version lacks ops of replica " << i);
  }
  auto total = first.doc.version().total();
  EXPECT(total.has_value() && *total == ops_made, "version total differs from ops made");

  g_trail.action = "anchors after convergence";
  check_all_anchors(net, anchors);
  for (const tracked_anchor& ta : anchors) {
    auto p0 = net.at(0).doc.resolve(ta.a);
    EXPECT_OK(p0, "resolve on replica 0");
    for (std::size_t i = 1; i < net.size(); ++i) {
      auto pi = net.at(i).doc.resolve(ta.a);
      EXPECT_OK(pi, "resolve on replica " << i);
      EXPECT(*pi == *p0, "converged replicas resolve an anchor differently: " << *pi << " vs "
                                                                             << *p0);
    }
  }

  g_trail.action = "redundant full-state sync";
  for (std::size_t a = 0; a < net.size(); ++a) {
    for (std::size_t b = 0; b < net.size(); ++b) {
      if (a == b) continue;
      const text_delta d = net.at(a).doc.delta_since(net.at(b).doc.version());
      EXPECT(d.empty(), "converged replicas still owe each other ops");
      // A full-state resend is a no-op too.
      auto changes = net.at(b).doc.apply(net.at(a).doc.delta_since(version_vector{}));
      EXPECT_OK(changes, "apply(full state) on a converged replica");
      EXPECT(changes->empty(), "re-applying known ops reported " << changes->size()
                                                                << " changes");
    }
  }
  EXPECT(net.at(0).doc.to_string() == want, "a redundant sync changed the text");

  g_trail.action = "clone and fork";
  text copy = net.at(0).doc.clone();
  EXPECT(copy.to_string() == want && copy.version() == first.doc.version(), "clone differs");
  EXPECT(copy.replica() == first.doc.replica(), "clone changed the replica id");
  text forked = first.doc.fork(replica_id{0xF0F0});
  EXPECT(forked.replica() == replica_id{0xF0F0}, "fork kept the old replica id");
  EXPECT(forked.to_string() == want, "fork differs");
  expect_invariants(copy, true);
  expect_invariants(forked, true);

  g_trail.action = "fresh replica from full state";
  text fresh(replica_id{0xF2E5});
  auto all = fresh.apply(first.doc.delta_since(version_vector{}));
  EXPECT_OK(all, "apply(delta_since({}))");
  std::u32string fresh_mirror;
  apply_changes(fresh_mirror, *all);
  EXPECT(fresh_mirror == first.mirror, "state transfer reported wrong changes");
  EXPECT(fresh.to_string() == want && fresh.version() == first.doc.version(),
         "fresh replica differs");
  expect_invariants(fresh, true);
}

// ---------------------------------------------------------------------------
// Non-interleaving
// ---------------------------------------------------------------------------

// run_interleaving_seed checks the promise text.hpp makes for FugueMax:
// runs typed concurrently at the same place are never interleaved. 2-5
// replicas fork one base text, each types a run at the same index (forwards
// char by char, backwards char by char, or as one insert), and all deltas
// are delivered in random order. Every run must appear whole, as typed.
void run_interleaving_seed(std::uint64_t seed) {
  rng r(seed);
  text base(replica_id{0xBA5E});
  const std::u32string base_text = random_string(r, r.below(12));
  std::u32string base_model;
  if (!base_text.empty()) (void)local_insert(base, base_model, 0, base_text);
  const std::size_t pos = r.below(base_text.size() + 1);
  const version_vector v0 = base.version();

  const std::size_t n = r.between(2, 5);
  std::vector<text> replicas;
  std::vector<std::u32string> typed(n);  // each run as it reads once typed
  std::vector<text_delta> deltas;
  for (std::size_t k = 0; k < n; ++k) {
    // Ids in random order relative to k, so tie-breaks vary.
    replicas.push_back(base.fork(replica_id{1 + r.below(1000) * 8 + k}));
    text& t = replicas.back();
    std::u32string model = base_text;
    const std::u32string run = random_string(r, r.between(1, 6));
    const std::size_t how = r.below(3);
    for (std::size_t i = 0; i < run.size() && how != 2; ++i) {
      // 0: forwards, each char after the previous; 1: backwards, each char
      // at the same index, so before the previous one.
      (void)local_insert(t, model, how == 0 ? pos + i : pos, run.substr(i, 1));
    }
    if (how == 2) (void)local_insert(t, model, pos, run);
    typed[k] = how == 1 ? std::u32string(run.rbegin(), run.rend()) : run;
    deltas.push_back(t.delta_since(v0));
  }

  std::vector<std::pair<std::size_t, std::size_t>> mail;  // (to, delta)
  for (std::size_t to = 0; to < n; ++to) {
    for (std::size_t k = 0; k < n; ++k) {
      if (k != to) mail.emplace_back(to, k);
    }
  }
  for (std::size_t i = mail.size(); i > 1; --i) std::swap(mail[i - 1], mail[r.below(i)]);
  for (const auto& [to, k] : mail) {
    auto ok = replicas[to].apply(deltas[k]);
    EXPECT_OK(ok, "apply");
    expect_invariants(replicas[to], false);
  }

  const std::string merged = replicas[0].to_string();
  for (std::size_t k = 0; k < n; ++k) {
    EXPECT(replicas[k].to_string() == merged, "replica " << k << " diverged");
    EXPECT(merged.find(utf8(typed[k])) != std::string::npos,
           "run " << k << " (\"" << utf8(typed[k]) << "\") is interleaved in \"" << merged
                  << "\"");
    expect_invariants(replicas[k], true);
  }
}

template <class Fn>
void run_seeds(const char* test_name, Fn&& run_seed) {
  const seed_plan plan = plan_seeds();
  std::uint64_t passed = 0;
  for (std::uint64_t s = plan.first; s < plan.first + plan.count; ++s) {
    g_trail = trail{s, 0, "setup"};
    INFO(reproduce_hint(s, "./text_convergence_test", test_name));
    run_seed(s);
    ++passed;
  }
  REQUIRE(passed == plan.count);
}

}  // namespace

TEST_CASE("text: random local edits match a string model", "[text][random]") {
  run_seeds("text: random local edits match a string model", run_sequential_seed);
}

TEST_CASE("text: random replicas converge with exact change reports", "[text][random]") {
  run_seeds("text: random replicas converge with exact change reports", run_convergence_seed);
}

TEST_CASE("text: runs typed concurrently at one place never interleave", "[text][random]") {
  run_seeds("text: runs typed concurrently at one place never interleave",
            run_interleaving_seed);
}
