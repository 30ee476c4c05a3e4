// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_bench.cpp
// -----------------------------------------------------------------------------
//
// Benchmarks of weft::text on real editing traces (shared/traces):
//
//   replay/<trace>/weft        local replay, one text, patches in order; for
//                              the concurrent friendsforever trace the
//                              two-replica causal replay (merges included)
//   replay/<trace>/gap_buffer  the same patches on a plain char32 gap buffer
//                              with no CRDT metadata: the floor
//   delta_since_empty/<trace>  encoding the whole document as one delta
//   apply_full_delta/<trace>   applying that delta to an empty replica
//   replay/<trace>/doc         the local replay into a text inside a
//                              weft::doc, one transaction per trace
//                              transaction (sequential traces)
//   apply_full_delta/<trace>/doc  that document's delta_since({}) applied
//                              to an empty document
//
// Counters: bytes_per_char = text::memory_usage() / final size; runs and ops
// of the full delta. Traces are parsed and every replay is verified against
// endContent once, before anything is timed. Destroying the document at the
// end of an iteration is not timed (for weft and the gap buffer alike).
//
// After the run a summary with the weft / gap buffer ratios is printed (CPU
// time, median of the repetitions when --benchmark_repetitions is given).
// See docs/benchmarks.md for how to run it.

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "gap_buffer.hpp"
#include "support/replay.hpp"
#include "support/trace.hpp"
#include "weft/doc.hpp"
#include "weft/text.hpp"
#include "weft/text_delta.hpp"
#include "weft/version_vector.hpp"

namespace {

using weft::replica_id;
using weft::text;
using weft::text_delta;
using weft::bench::fmt;
using weft::bench::gap_buffer;
using weft::bench::replay_gap;
using weft::testing::trace;

// ---------------------------------------------------------------------------
// Prepared inputs
// ---------------------------------------------------------------------------

[[noreturn]] void die(const std::string& what) {
  std::cerr << "weft_bench: " << what << "\n";
  std::exit(1);
}

// prepared holds one trace and what the timed loops start from.
struct prepared {
  std::string name;
  trace tr;
  text_delta full;  // delta_since({}) of the replayed document
  weft::doc_delta doc_full;  // the same for the doc replay (sequential only)
};

// replay_weft replays `tr` into weft; for a concurrent trace, replica 0 of
// the causal replay.
text replay_weft(const trace& tr) {
  if (tr.concurrent) {
    auto r = weft::testing::replay_concurrent(tr);
    if (!r) die("replay failed: " + r.error().message);
    return std::move(r->replicas[0]);
  }
  text t(replica_id{1});
  auto ok = weft::testing::replay_sequential(t, tr);
  if (!ok) die("replay failed: " + ok.error().message);
  return t;
}

// replay_doc replays a sequential trace into the text "text" of a doc.
weft::doc replay_doc(const trace& tr) {
  weft::doc d(replica_id{1});
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
  const std::string path = weft::testing::trace_path(name + ".json.gz");
  try {
    p->tr = weft::testing::load_trace(path);
  } catch (const std::exception& e) {
    die(std::string(e.what()) + " (set WEFT_TRACES_DIR to the traces directory)");
  }
  // Verify once, so that the timed loops are known to compute the right text.
  const text t = replay_weft(p->tr);
  if (t.to_string() != p->tr.end_content) die(name + ": weft replay differs from endContent");
  p->full = t.delta_since(weft::version_vector{});
  text fresh(replica_id{2});
  if (!fresh.apply(p->full) || fresh.to_string() != p->tr.end_content) {
    die(name + ": applying the full delta does not reproduce endContent");
  }
  if (!p->tr.concurrent) {
    weft::doc d = replay_doc(p->tr);
    if (d.get_text("text").to_string() != p->tr.end_content) {
      die(name + ": doc replay differs from endContent");
    }
    p->doc_full = d.delta_since(weft::version_vector{});
    weft::doc fresh_doc(replica_id{2});
    if (!fresh_doc.apply(p->doc_full) || fresh_doc.to_json() != d.to_json()) {
      die(name + ": applying the doc's full delta does not reproduce it");
    }
    gap_buffer g;
    replay_gap(g, p->tr);
    gap_buffer want;
    want.insert(0, p->tr.end_content);
    if (g.to_u32() != want.to_u32()) die(name + ": gap buffer replay differs from endContent");
  }
  return p;
}

double bytes_per_char(const text& t) {
  return t.size() == 0 ? 0.0
                       : static_cast<double>(t.memory_usage()) / static_cast<double>(t.size());
}

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

void bm_replay_weft(benchmark::State& state, const prepared* p) {
  std::optional<text> t;
  for (auto _ : state) {
    t.emplace(replay_weft(p->tr));
    benchmark::DoNotOptimize(t->size());
    state.PauseTiming();
    t.reset();
    state.ResumeTiming();
  }
  state.counters["bytes_per_char"] = bytes_per_char(replay_weft(p->tr));
  state.counters["patches"] = static_cast<double>(p->tr.patch_count());
}

void bm_replay_gap(benchmark::State& state, const prepared* p) {
  std::optional<gap_buffer> g;
  for (auto _ : state) {
    g.emplace();
    replay_gap(*g, p->tr);
    benchmark::DoNotOptimize(g->size());
    state.PauseTiming();
    g.reset();
    state.ResumeTiming();
  }
  state.counters["patches"] = static_cast<double>(p->tr.patch_count());
}

void bm_delta_since_empty(benchmark::State& state, const prepared* p) {
  const text t = replay_weft(p->tr);
  text_delta d;
  for (auto _ : state) {
    d = t.delta_since(weft::version_vector{});
    benchmark::DoNotOptimize(d.runs.data());
  }
  state.counters["runs"] = static_cast<double>(d.runs.size());
  state.counters["ops"] = static_cast<double>(d.op_count());
}

void bm_apply_full_delta(benchmark::State& state, const prepared* p) {
  std::optional<text> t;
  for (auto _ : state) {
    t.emplace(replica_id{2});
    auto changes = t->apply(p->full);
    benchmark::DoNotOptimize(changes);
    state.PauseTiming();
    t.reset();
    state.ResumeTiming();
  }
  text fresh(replica_id{2});
  (void)fresh.apply(p->full);
  state.counters["bytes_per_char"] = bytes_per_char(fresh);
  state.counters["runs"] = static_cast<double>(p->full.runs.size());
}

void bm_replay_doc(benchmark::State& state, const prepared* p) {
  std::optional<weft::doc> d;
  for (auto _ : state) {
    d.emplace(replay_doc(p->tr));
    benchmark::DoNotOptimize(d->op_count());
    state.PauseTiming();
    d.reset();
    state.ResumeTiming();
  }
  const weft::doc done = replay_doc(p->tr);
  state.counters["bytes_per_char"] =
      static_cast<double>(done.memory_usage()) / static_cast<double>(p->tr.end_content.size());
}

void bm_apply_full_delta_doc(benchmark::State& state, const prepared* p) {
  std::optional<weft::doc> d;
  for (auto _ : state) {
    d.emplace(replica_id{2});
    auto ok = d->apply(p->doc_full);
    benchmark::DoNotOptimize(ok);
    state.PauseTiming();
    d.reset();
    state.ResumeTiming();
  }
  state.counters["ops"] = static_cast<double>(p->doc_full.op_count());
}

// ---------------------------------------------------------------------------
// Summary: the console output plus a table of ratios to the floor
// ---------------------------------------------------------------------------

class summary_reporter : public weft::bench::collecting_reporter {
 public:
  using collecting_reporter::collecting_reporter;

 protected:
  void print_summary(std::ostream& out) override {
    // CPU time: on a shared machine wall time also counts other processes;
    // on an idle one the two agree (the console table above has both).
    out << "\nsummary (" << (any_median() ? "median" : "single-run")
        << " CPU time per run, ms; ratio = weft replay / gap buffer replay)\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-18s %9s %9s %7s %12s %11s %8s %8s %10s %11s %10s\n",
                  "trace", "replay", "gap", "ratio", "delta_since", "apply_full", "runs", "ops",
                  "B/char", "doc_replay", "doc_apply");
    out << line;
    for (const std::string& tr : traces_) {
      const entry* replay = find("replay/" + tr + "/weft");
      const entry* gap = find("replay/" + tr + "/gap_buffer");
      const entry* delta = find("delta_since_empty/" + tr);
      const entry* apply = find("apply_full_delta/" + tr);
      const entry* doc_replay = find("replay/" + tr + "/doc");
      const entry* doc_apply = find("apply_full_delta/" + tr + "/doc");
      if (!replay && !gap && !delta && !apply) continue;
      auto ms = [](const entry* e) { return e ? fmt(e->cpu_ms, "%.2f") : std::string("-"); };
      const std::string ratio =
          replay && gap && gap->cpu_ms > 0 ? fmt(replay->cpu_ms / gap->cpu_ms, "%.1fx") : "-";
      std::snprintf(line, sizeof line, "%-18s %9s %9s %7s %12s %11s %8s %8s %10s %11s %10s\n",
                    tr.c_str(), ms(replay).c_str(), ms(gap).c_str(), ratio.c_str(),
                    ms(delta).c_str(), ms(apply).c_str(), counter(delta, "runs", "%.0f").c_str(),
                    counter(delta, "ops", "%.0f").c_str(),
                    counter(replay, "bytes_per_char", "%.1f").c_str(), ms(doc_replay).c_str(),
                    ms(doc_apply).c_str());
      out << line;
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
    benchmark::RegisterBenchmark(("replay/" + p->name + "/weft").c_str(), bm_replay_weft, p)
        ->Unit(benchmark::kMillisecond);
    if (!p->tr.concurrent) {
      // A gap buffer has no way to merge concurrent edits: no floor there.
      benchmark::RegisterBenchmark(("replay/" + p->name + "/gap_buffer").c_str(),
                                   bm_replay_gap, p)
          ->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark(("delta_since_empty/" + p->name).c_str(),
                                 bm_delta_since_empty, p)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("apply_full_delta/" + p->name).c_str(), bm_apply_full_delta,
                                 p)
        ->Unit(benchmark::kMillisecond);
    if (!p->tr.concurrent) {
      benchmark::RegisterBenchmark(("replay/" + p->name + "/doc").c_str(), bm_replay_doc, p)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("apply_full_delta/" + p->name + "/doc").c_str(),
                                   bm_apply_full_delta_doc, p)
          ->Unit(benchmark::kMillisecond);
    }
  }

  // Not tabular: the benchmarks have different counters, and a table would
  // repeat its header for each.
  summary_reporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                  : benchmark::ConsoleReporter::OO_None);
  reporter.set_traces(names);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
