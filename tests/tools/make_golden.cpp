// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: make_golden.cpp
// -----------------------------------------------------------------------------
//
// Writes the golden files of the current wire format (tests/data/wire-v<N>,
// or the directory given as the only argument): a few messages encoded by
// this build, and for each a sidecar <name>.txt of "key: value" lines with
// what decoding it must give. wire_test checks that every file decodes to
// its sidecar and that encoding the result gives the same bytes again.
//
//   delta                a delta with every op kind but shallow deletes,
//                        every value kind and container kind, backward
//                        deletes and erases
//   version              a version vector
//   snapshot-full        a full snapshot, with ops still pending
//   snapshot-state-only  the state-only snapshot of the same document
//   delta-shallow        what a document loaded from it sends: shallow
//                        deletes and tombstones
//   snapshot-shallow-full  the full snapshot of that document
//   snapshot-zstd        the full snapshot again, zstd-compressed; its
//                        sidecar names snapshot-full as its uncompressed twin
//
// The documents are built through weft's public API with fixed replica ids,
// fixed document ids and no randomness, so the output is the same on every
// run and platform (zstd aside: other zstd versions may pack differently,
// which is why snapshot-zstd is compared through its twin).
//
// Run it only when the format changes on purpose (see the README.md next to
// the files): `cmake --build <dir> --target weft_golden`.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "weft/doc.hpp"
#include "weft/snapshot.hpp"
#include "weft/value.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"

namespace {

namespace fs = std::filesystem;
using weft::doc;
using weft::replica_id;
using weft::value;

constexpr replica_id kA{0x0A};
constexpr replica_id kB{0xB0B0B0B0B0B0B0B0ull};
constexpr replica_id kC{0x0C0C};
constexpr const char* kDocId = "golden";

void must(const weft::result<void>& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "make_golden: %s refused: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
}

template <class T>
T must(weft::result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "make_golden: %s refused: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

weft::doc_options options() {
  weft::doc_options o;
  o.id = kDocId;
  return o;
}

void sync(const doc& from, doc& to) { must(to.apply(from.delta_since(to.version())), "sync"); }

// make_doc builds the document behind every file: three replicas editing
// every container type concurrently, then merged.
doc make_doc() {
  doc a(kA, options()), b(kB, options()), c(kC, options());

  // Text: multi-byte characters, a forward delete, backspaces (a backward
  // delete run) and a long repetitive stretch that compresses.
  auto t = a.get_text("text");
  must(t.insert(0, "Hello, w\xC3\xB6rld! \xF0\x9F\x91\x8B \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), "text");
  must(t.erase(0, 1), "text erase");
  must(t.insert(0, "h"), "text insert");
  a.transact([&] {
    for (std::size_t k = 0; k < 3; ++k) must(t.erase(12 - k, 1), "backspace");
  });
  std::string lorem;
  for (int i = 0; i < 40; ++i) lorem += "lorem ipsum dolor sit amet \xE2\x98\x83 ";
  must(t.insert(t.size(), lorem), "lorem");

  // List: every scalar kind (NaN, -0.0 and the extreme integers
  // included), every nested container kind, and deletes.
  auto l = a.get_list("list");
  must(l.insert(0, std::vector<value>{value(), value(true), value(false), value(std::int64_t{0}),
                                      value(std::numeric_limits<std::int64_t>::min()),
                                      value(std::numeric_limits<std::int64_t>::max()),
                                      value(3.25), value(-0.0),
                                      value(std::numeric_limits<double>::infinity()),
                                      value(std::numeric_limits<double>::quiet_NaN()),
                                      value(std::string()), value("h\xC3\xA9llo \xF0\x9F\x98\x80"),
                                      value(weft::bytes{0x00, 0xFF, 0x10, 0x80})}),
       "list scalars");
  must(must(l.insert_text(1), "insert_text").insert(0, "nested text"), "nested text");
  must(must(l.insert_map(2), "insert_map").set("k", value("v")), "nested map");
  must(must(l.insert_list(3), "insert_list").push_back(value(std::int64_t{7})), "nested list");
  must(must(l.insert_counter(4), "insert_counter").add(-3), "nested counter");
  must(must(l.insert_register(5), "insert_register").set(value(1.5)), "nested register");
  must(l.erase(6, 2), "list erase");

  // Map: sets, an overwrite, an erase, set_* (created) and get_or_create_*
  // (derived) containers, nested.
  auto m = a.get_map("map");
  must(m.set("n", value(std::int64_t{1})), "map set");
  must(m.set("n", value(std::int64_t{2})), "map overwrite");
  must(m.set("gone", value("soon")), "map set");
  must(m.erase("gone"), "map erase");
  auto inner = must(m.set_map("inner"), "set_map");
  must(inner.set("deep", value(true)), "nested set");
  must(must(m.get_or_create_text("note"), "get_or_create_text").insert(0, "\xE2\x98\x83"), "note");
  auto shared = must(m.get_or_create_map("shared"), "get_or_create_map");
  must(must(shared.get_or_create_list("items"), "get_or_create_list").push_back(value("a")), "items");

  must(a.get_counter("counter").add(5), "counter");
  must(a.get_register("register").set(value("first")), "register");

  // Concurrent edits of the same things on b and c, then a merge.
  sync(a, b);
  sync(a, c);
  must(b.get_text("text").insert(3, "\xCE\xA9"), "b text");
  must(c.get_text("text").insert(3, "\xF0\x9F\x8C\x8D"), "c text");
  must(b.get_map("map").set("n", value("b wins?")), "b map");
  must(c.get_map("map").set("n", value(std::int64_t{3})), "c map");
  must(must(b.get_map("map").get_or_create_map("shared"), "b shared").set("b", value(1.0)), "b shared");
  must(must(c.get_map("map").get_or_create_map("shared"), "c shared").set("c", value(2.0)), "c shared");
  must(b.get_counter("counter").add(std::numeric_limits<std::int64_t>::max() - 100), "b counter");
  must(c.get_counter("counter").add(-10), "c counter");
  must(b.get_register("register").set(value(weft::bytes{1, 2})), "b register");
  must(c.get_register("register").clear(), "c register");
  must(b.get_list("list").erase(0, 1), "b list erase");
  sync(b, a);
  sync(c, a);
  return a;
}

void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "make_golden: cannot write %s\n", p.string().c_str());
    std::exit(1);
  }
  std::printf("  %-28s %6zu bytes\n", p.filename().string().c_str(), bytes.size());
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    std::fprintf(stderr, "make_golden: cannot write %s\n", p.string().c_str());
    std::exit(1);
  }
}

// doc_sidecar is what a document decoded from a file must show.
std::string doc_sidecar(const char* kind, const doc& d) {
  return std::string("kind: ") + kind + "\nid: " + d.id() + "\njson: " + d.to_json() +
         "\nversion: " + d.version().to_string() + "\npending_ops: " +
         std::to_string(d.pending_ops()) + "\nop_count: " + std::to_string(d.op_count()) + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path dir = argc > 1 ? fs::path(argv[1])
                                : fs::path(WEFT_SOURCE_DIR) / "tests" / "data" /
                                      ("wire-v" + std::to_string(weft::wire_format_version));
  fs::create_directories(dir);
  std::printf("make_golden: format v%u into %s\n", unsigned{weft::wire_format_version},
              dir.string().c_str());

  doc d = make_doc();

  // delta: everything, applied to an empty document.
  const weft::doc_delta all = d.delta_since({});
  write_bytes(dir / "delta.weft", weft::encode_delta(all));
  {
    doc fresh(replica_id{0xD0}, options());
    must(fresh.apply(all), "apply delta");
    write_text(dir / "delta.txt", doc_sidecar("delta", fresh));
  }

  // version
  write_bytes(dir / "version.weft", weft::encode_version(d.version()));
  write_text(dir / "version.txt", "kind: version\nversion: " + d.version().to_string() + "\n");

  // Snapshots of a document with ops waiting: c's second transaction
  // without its first.
  doc c(kC, options());
  sync(d, c);
  must(c.get_text("text").insert(0, "first "), "c first");
  const weft::version_vector middle = c.version();
  must(c.get_text("text").insert(0, "second "), "c second");
  must(c.get_map("map").set("late", value("waits")), "c waits");
  must(d.apply(c.delta_since(middle)), "apply the later transaction alone");
  if (d.pending_ops() == 0) {
    std::fprintf(stderr, "make_golden: expected pending ops\n");
    return 1;
  }

  weft::save_options full;
  write_bytes(dir / "snapshot-full.weft", weft::save(d, full));
  write_text(dir / "snapshot-full.txt", doc_sidecar("snapshot", d) + "save: full\n");

  weft::save_options state;
  state.kind = weft::snapshot_kind::state_only;
  write_bytes(dir / "snapshot-state-only.weft", weft::save(d, state));
  write_text(dir / "snapshot-state-only.txt", doc_sidecar("snapshot", d) + "save: state_only\n");

  // What a document loaded from that snapshot passes on: shallow deletes
  // and their tombstones, in a delta and in a full snapshot.
  auto shallow = weft::load(weft::save(d, state), replica_id{0xD1});
  if (!shallow) {
    std::fprintf(stderr, "make_golden: %s\n", shallow.error().message.c_str());
    return 1;
  }
  const weft::doc_delta passed = shallow->delta_since({});
  if (passed.tombstones.empty()) {
    std::fprintf(stderr, "make_golden: expected tombstones\n");
    return 1;
  }
  write_bytes(dir / "delta-shallow.weft", weft::encode_delta(passed));
  {
    doc fresh(replica_id{0xD0}, options());
    must(fresh.apply(passed), "apply the shallow delta");
    write_text(dir / "delta-shallow.txt", doc_sidecar("delta", fresh));
  }
  write_bytes(dir / "snapshot-shallow-full.weft", weft::save(*shallow, full));
  write_text(dir / "snapshot-shallow-full.txt", doc_sidecar("snapshot", *shallow) + "save: full\n");

  weft::save_options packed;
  packed.encoding.compress = weft::compression::zstd;
  packed.encoding.compress_min_bytes = 0;
  packed.encoding.level = 19;
  const auto zstd = weft::save(d, packed);
  write_bytes(dir / "snapshot-zstd.weft", zstd);
  write_text(dir / "snapshot-zstd.txt",
             doc_sidecar("snapshot", d) + "save: full\nsame_as: snapshot-full\n");
  if (weft::save(d, full).size() <= zstd.size()) {
    std::fprintf(stderr, "make_golden: the zstd snapshot did not compress\n");
    return 1;
  }
  return 0;
}
