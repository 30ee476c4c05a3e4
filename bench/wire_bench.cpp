// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire_bench.cpp
// -----------------------------------------------------------------------------
//
// Benchmarks of the wire format on the editing traces (shared/traces): each
// trace is replayed into a weft::doc (locally for sequential traces; the
// concurrent friendsforever trace through the causal replay, merged), and
// then
//
//   save/<trace>/<kind>   weft::save, kind full | full_zstd | state_only |
//                         state_only_zstd (zstd level 3) | state_only_zstd19
//                         (level 19: the smallest state-only form)
//   load/<trace>/<kind>   weft::load of those bytes (decode, verify, apply)
//   encode_delta/<trace>  encode_delta of the doc's delta_since({})
//   decode_delta/<trace>  decode_delta of those bytes
//   replay/<trace>/gap_buffer  the trace's patches on a plain gap buffer
//                         of code points (bench/gap_buffer.hpp): the floor
//
// Counters: bytes = size of the encoding. Every encoding is verified (it
// loads back to the same JSON and version) before anything is timed. After
// the run, a summary prints sizes and the save / load times with their
// ratio to the gap-buffer replay (CPU time; median with repetitions).
//
//   build/release/bench/weft_wire_bench --benchmark_repetitions=5

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "gap_buffer.hpp"
#include "support/replay.hpp"
#include "support/trace.hpp"
#include "weft/doc.hpp"
#include "weft/snapshot.hpp"
#include "weft/wire.hpp"

namespace {

using weft::replica_id;
using weft::testing::trace;
using weft::bench::fmt;
using weft::bench::gap_buffer;
using weft::bench::replay_gap;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "weft_wire_bench: " << what << "\n";
  std::exit(1);
}

struct kind_spec {
  const char* name;
  weft::save_options options;
};

const std::vector<kind_spec>& kinds() {
  static const std::vector<kind_spec> k = {
      {"full", {weft::snapshot_kind::full, {}}},
      {"full_zstd", {weft::snapshot_kind::full, {weft::compression::zstd, 0, 3}}},
      {"state_only", {weft::snapshot_kind::state_only, {}}},
      {"state_only_zstd", {weft::snapshot_kind::state_only, {weft::compression::zstd, 0, 3}}},
      {"state_only_zstd19", {weft::snapshot_kind::state_only, {weft::compression::zstd, 0, 19}}},
  };
  return k;
}

struct prepared {
  std::string name;
  trace tr;
  std::optional<weft::doc> d;
  std::vector<std::vector<std::uint8_t>> saved;  // per kind
  weft::doc_delta full;
  std::vector<std::uint8_t> full_bytes;
};

// replay_doc replays a sequential trace into the text "text" of a doc, one
// transaction per trace transaction; a concurrent trace goes through the
// causal replay of weft::text, whose merged history is then applied to a
// doc (a lone text's op ids are a doc's).
weft::doc replay_doc(const trace& tr) {
  weft::doc d(replica_id{1}, {"trace", std::uint64_t{1} << 40, std::uint64_t{1} << 24});
  if (tr.concurrent) {
    auto r = weft::testing::replay_concurrent(tr);
    if (!r) die("replay failed: " + r.error().message);
    const weft::text_delta td = r->replicas[0].delta_since(weft::version_vector{});
    weft::doc_delta dd;
    dd.containers.push_back({weft::container_desc::kind::root, weft::container_type::text, "text",
                             {}, 0});
    for (const auto& run : td.runs) {
      std::visit([&](const auto& x) { dd.ops.push_back(weft::doc_op{0, x}); }, run);
    }
    if (!d.apply(dd)) die("applying the merged trace to a doc failed");
    return d;
  }
  weft::text_ref t = d.get_text("text");
  for (const auto& txn : tr.txns) {
    d.transact([&] {
      for (const auto& p : txn.patches) {
        if (p.del > 0 && !t.erase(p.pos, p.del)) die("doc replay: erase failed");
        if (!p.ins.empty() && !t.insert(p.pos, p.ins)) die("doc replay: insert failed");
      }
    });
  }
  return d;
}

std::unique_ptr<prepared> prepare(const std::string& name) {
  auto p = std::make_unique<prepared>();
  p->name = name;
  try {
    p->tr = weft::testing::load_trace(weft::testing::trace_path(name + ".json.gz"));
  } catch (const std::exception& e) {
    die(std::string(e.what()) + " (set WEFT_TRACES_DIR to the traces directory)");
  }
  p->d.emplace(replay_doc(p->tr));
  if (p->d->get_text("text").to_string() != p->tr.end_content) die(name + ": replay differs");
  if (!p->tr.concurrent) {
    gap_buffer g, want;
    replay_gap(g, p->tr);
    want.insert(0, p->tr.end_content);
    if (g.to_u32() != want.to_u32()) die(name + ": gap buffer replay differs");
  }
  const std::string json = p->d->to_json();
  for (const kind_spec& k : kinds()) {
    p->saved.push_back(weft::save(*p->d, k.options));
    auto back = weft::load(p->saved.back(), replica_id{9});
    if (!back) die(name + ": load " + k.name + ": " + back.error().message);
    if (back->to_json() != json || back->version() != p->d->version()) {
      die(name + ": load " + k.name + " does not reproduce the doc");
    }
  }
  p->full = p->d->delta_since(weft::version_vector{});
  p->full_bytes = weft::encode_delta(p->full);
  auto back = weft::decode_delta(p->full_bytes);
  if (!back || !(*back == p->full)) die(name + ": delta round trip differs");
  return p;
}

void bm_save(benchmark::State& state, const prepared* p, std::size_t k) {
  for (auto _ : state) {
    auto bytes = weft::save(*p->d, kinds()[k].options);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.counters["bytes"] = static_cast<double>(p->saved[k].size());
}

void bm_load(benchmark::State& state, const prepared* p, std::size_t k) {
  std::optional<weft::result<weft::doc>> d;
  for (auto _ : state) {
    d.emplace(weft::load(p->saved[k], replica_id{9}));
    if (!*d) die("load failed");
    state.PauseTiming();
    d.reset();
    state.ResumeTiming();
  }
  state.counters["bytes"] = static_cast<double>(p->saved[k].size());
}

void bm_encode_delta(benchmark::State& state, const prepared* p) {
  for (auto _ : state) {
    auto bytes = weft::encode_delta(p->full);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.counters["bytes"] = static_cast<double>(p->full_bytes.size());
}

void bm_decode_delta(benchmark::State& state, const prepared* p) {
  for (auto _ : state) {
    auto d = weft::decode_delta(p->full_bytes);
    benchmark::DoNotOptimize(d.has_value());
  }
  state.counters["bytes"] = static_cast<double>(p->full_bytes.size());
}

void bm_replay_gap(benchmark::State& state, const prepared* p) {
  std::optional<gap_buffer> g;
  for (auto _ : state) {
    g.emplace();
    replay_gap(*g, p->tr);
    state.PauseTiming();
    g.reset();
    state.ResumeTiming();
  }
}

class summary_reporter : public weft::bench::collecting_reporter {
 public:
  using collecting_reporter::collecting_reporter;

 protected:
  void print_summary(std::ostream& out) override {
    out << "\nsummary (" << (any_median() ? "median" : "single-run")
        << " CPU time, ms; ratio = time / plain-buffer replay of the trace)\n";
    char line[512];
    std::snprintf(line, sizeof line, "%-16s %-16s %10s %9s %9s %9s %9s %9s\n", "trace", "kind",
                  "bytes", "save", "load", "gap", "save/gap", "load/gap");
    out << line;
    for (const std::string& tr : traces_) {
      const entry* base = find("replay/" + tr + "/gap_buffer");
      for (const kind_spec& k : kinds()) {
        const entry* s = find("save/" + tr + "/" + k.name);
        const entry* l = find("load/" + tr + "/" + k.name);
        if (s == nullptr || l == nullptr) continue;
        auto ratio = [&](const entry* e) {
          return base && base->cpu_ms > 0 ? fmt(e->cpu_ms / base->cpu_ms, "%.2fx") : std::string("-");
        };
        std::snprintf(line, sizeof line, "%-16s %-16s %10s %9s %9s %9s %9s %9s\n", tr.c_str(),
                      k.name, counter(s, "bytes", "%.0f").c_str(), fmt(s->cpu_ms, "%.2f").c_str(),
                      fmt(l->cpu_ms, "%.2f").c_str(),
                      base ? fmt(base->cpu_ms, "%.2f").c_str() : "-", ratio(s).c_str(),
                      ratio(l).c_str());
        out << line;
      }
      const entry* e = find("encode_delta/" + tr);
      const entry* d = find("decode_delta/" + tr);
      if (e != nullptr && d != nullptr) {
        std::snprintf(line, sizeof line, "%-16s %-16s %10s %9s %9s\n", tr.c_str(), "delta",
                      counter(e, "bytes", "%.0f").c_str(), fmt(e->cpu_ms, "%.2f").c_str(),
                      fmt(d->cpu_ms, "%.2f").c_str());
        out << line;
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::vector<std::string>& names = weft::bench::trace_names();
  std::vector<std::unique_ptr<prepared>> inputs;
  for (const std::string& name : names) inputs.push_back(prepare(name));
  for (const auto& in : inputs) {
    const prepared* p = in.get();
    if (!p->tr.concurrent) {
      benchmark::RegisterBenchmark(("replay/" + p->name + "/gap_buffer").c_str(), bm_replay_gap, p)
          ->Unit(benchmark::kMillisecond);
    }
    for (std::size_t k = 0; k < kinds().size(); ++k) {
      benchmark::RegisterBenchmark(("save/" + p->name + "/" + kinds()[k].name).c_str(), bm_save, p,
                                   k)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("load/" + p->name + "/" + kinds()[k].name).c_str(), bm_load, p,
                                   k)
          ->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark(("encode_delta/" + p->name).c_str(), bm_encode_delta, p)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("decode_delta/" + p->name).c_str(), bm_decode_delta, p)
        ->Unit(benchmark::kMillisecond);
  }
  summary_reporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                  : benchmark::ConsoleReporter::OO_None);
  reporter.set_traces(names);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
