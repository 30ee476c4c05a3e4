// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync_bench.cpp
// -----------------------------------------------------------------------------
//
// Benchmarks of the sync layer:
//
//   full_sync/automerge-paper   an empty client syncs the whole trace
//                               (replayed into a doc, one transaction per
//                               keystroke) from a relay hosting it, through
//                               a client session and the relay's server
//                               session over a lossless in-process pipe.
//                               Counters: bytes (both directions), messages,
//                               round_trips (turns of the conversation: the
//                               client speaks, the server answers).
//   full_sync/baseline          the floor: decode_delta of the doc's
//                               delta_since({}) and apply to an empty doc
//                               (bytes = that encoding's size)
//   steady/5_peers              5 clients typing 10 characters per second
//                               each (at their own caret, which they
//                               publish in presence after every keystroke)
//                               into one doc through a relay, 60 simulated
//                               seconds, 10 ms ticks. Counters:
//                               bytes_per_key (every byte on the wire, up
//                               and down, per keystroke), relay_us_per_key
//                               (thread CPU time inside the relay's
//                               receive and tick, per keystroke),
//                               baseline_bytes_per_key (one encode_delta of
//                               the keystroke's op, sent up once and down to
//                               the 4 others)
//
// Run from a Release build:
//
//   build/release/bench/weft_sync_bench --benchmark_repetitions=3

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "support/trace.hpp"
#include "weft/doc.hpp"
#include "weft/presence.hpp"
#include "weft/sync/relay.hpp"
#include "weft/sync/session.hpp"
#include "weft/wire.hpp"

namespace {

using namespace std::chrono_literals;
using weft::replica_id;
using weft::bench::fmt;
using bytes = std::vector<std::uint8_t>;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "weft_sync_bench: " << what << "\n";
  std::exit(1);
}

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// pipe is one client session connected to a relay, delivering in turns:
// everything the client queued, then everything the server queued.
struct pipe {
  weft::sync::relay* relay = nullptr;
  std::unique_ptr<weft::sync::session> s;
  std::deque<bytes> up, down;
  weft::sync::connection_id conn = 0;
  bool open = false, wants = false;
  std::uint64_t bytes_up = 0, bytes_down = 0, messages = 0;
  std::uint64_t turns = 0;
  double relay_us = 0;

  pipe(weft::sync::relay& r, weft::doc& d, weft::presence* p, weft::sync::session_options o)
      : relay(&r) {
    weft::sync::callbacks cb;
    cb.send = [this](std::span<const std::uint8_t> b) {
      if (!open) return;
      up.emplace_back(b.begin(), b.end());
      bytes_up += b.size();
      ++messages;
    };
    cb.connect = [this] { wants = true; };
    s = std::make_unique<weft::sync::session>(std::move(o), cb);
    if (!s->add(d, p)) die("session add failed");
  }

  void connect(weft::sync::time_point now) {
    if (!wants) return;
    wants = false;
    weft::sync::callbacks cb;
    cb.send = [this](std::span<const std::uint8_t> b) {
      down.emplace_back(b.begin(), b.end());
      bytes_down += b.size();
      ++messages;
    };
    open = true;
    const double t0 = thread_cpu_us();
    conn = relay->accept(cb, now);
    relay_us += thread_cpu_us() - t0;
    s->connected(now);
  }

  // turn delivers one direction's queue; returns whether anything moved.
  bool deliver_up(weft::sync::time_point now) {
    if (up.empty()) return false;
    ++turns;
    const double t0 = thread_cpu_us();
    while (!up.empty()) {
      bytes b = std::move(up.front());
      up.pop_front();
      if (!relay->receive(conn, b, now)) die("relay refused a message");
    }
    relay_us += thread_cpu_us() - t0;
    return true;
  }
  bool deliver_down(weft::sync::time_point now) {
    if (down.empty()) return false;
    while (!down.empty()) {
      bytes b = std::move(down.front());
      down.pop_front();
      if (!s->receive(b, now)) die("client refused a message");
    }
    return true;
  }
};

weft::sync::session_options client_options(replica_id r) {
  weft::sync::session_options o;
  o.replicas = {r};
  o.credentials = "bench";
  o.debounce = 0ms;
  o.backoff.seed = static_cast<std::uint64_t>(r);
  return o;
}

// --- full sync ----------------------------------------------------------------------

struct full_input {
  std::optional<weft::doc> d;
  bytes delta_bytes;
};

full_input& paper() {
  static full_input in = [] {
    full_input f;
    weft::testing::trace tr;
    try {
      tr = weft::testing::load_trace(weft::testing::trace_path("automerge-paper.json.gz"));
    } catch (const std::exception& e) {
      die(std::string(e.what()) + " (set WEFT_TRACES_DIR to the traces directory)");
    }
    f.d.emplace(replica_id{1}, weft::doc_options{"paper"});
    weft::text_ref t = f.d->get_text("text");
    for (const auto& txn : tr.txns) {
      for (const auto& p : txn.patches) {
        if (p.del > 0 && !t.erase(p.pos, p.del)) die("replay: erase failed");
        if (!p.ins.empty() && !t.insert(p.pos, p.ins)) die("replay: insert failed");
      }
    }
    if (t.to_string() != tr.end_content) die("replay differs");
    f.delta_bytes = weft::encode_delta(f.d->delta_since({}));
    return f;
  }();
  return in;
}

void bm_full_sync(benchmark::State& state) {
  full_input& in = paper();
  std::uint64_t total_bytes = 0, messages = 0, turns = 0;
  for (auto _ : state) {
    weft::sync::relay_options ro;
    ro.replica = replica_id{0x5e};
    ro.session.debounce = 0ms;
    weft::sync::relay r(ro);
    if (!r.host(*in.d)) die("host failed");
    weft::doc empty(replica_id{2}, weft::doc_options{"paper"});
    pipe p(r, empty, nullptr, client_options(replica_id{2}));
    weft::sync::time_point now{0};
    p.s->start(now);
    p.connect(now);
    // Turns until the client holds the whole doc and nothing moves.
    for (int guard = 0; guard < 100'000; ++guard) {
      const bool a = p.deliver_up(now);
      const bool b = p.deliver_down(now);
      if (!a && !b) {
        if (empty.version() == in.d->version()) break;
        now += 1ms;  // let timers run (nothing should be pending)
        p.s->tick(now);
        r.tick(now);
      }
    }
    if (empty.version() != in.d->version()) die("full sync did not complete");
    total_bytes = p.bytes_up + p.bytes_down;
    messages = p.messages;
    turns = p.turns;
  }
  state.counters["bytes"] = static_cast<double>(total_bytes);
  state.counters["messages"] = static_cast<double>(messages);
  state.counters["round_trips"] = static_cast<double>(turns);
}

void bm_full_baseline(benchmark::State& state) {
  full_input& in = paper();
  for (auto _ : state) {
    auto d = weft::decode_delta(in.delta_bytes);
    if (!d) die("decode failed");
    weft::doc empty(replica_id{2}, weft::doc_options{"paper"});
    if (!empty.apply(*d)) die("apply failed");
    benchmark::DoNotOptimize(empty.op_count());
  }
  state.counters["bytes"] = static_cast<double>(in.delta_bytes.size());
}

// --- steady state -------------------------------------------------------------------

void bm_steady(benchmark::State& state) {
  constexpr int peers = 5;
  constexpr int seconds = 60;
  constexpr int keys_per_s = 10;
  double bytes_per_key = 0, relay_us_per_key = 0, baseline = 0;
  for (auto _ : state) {
    weft::sync::relay_options ro;
    ro.replica = replica_id{0x5e};
    ro.session.debounce = 20ms;
    ro.session.message_rate = {1000, 2000};
    weft::sync::relay r(ro);
    std::vector<std::unique_ptr<weft::doc>> docs;
    std::vector<std::unique_ptr<weft::presence>> pres;
    std::vector<std::unique_ptr<pipe>> pipes;
    std::vector<weft::anchor> caret(peers);
    for (int i = 0; i < peers; ++i) {
      const replica_id id{static_cast<std::uint64_t>(100 + i)};
      docs.push_back(std::make_unique<weft::doc>(id, weft::doc_options{"doc"}));
      pres.push_back(std::make_unique<weft::presence>(id));
      weft::presence_state st;
      st.user_id = "user" + std::to_string(i);
      st.name = "Peer " + std::to_string(i);
      st.color = "#336699";
      pres.back()->set_local(st, 0ms);
      auto o = client_options(id);
      o.debounce = 20ms;
      pipes.push_back(std::make_unique<pipe>(r, *docs.back(), pres.back().get(), o));
      pipes.back()->s->start(0ms);
      caret[static_cast<std::size_t>(i)] = weft::anchor{std::nullopt, weft::affinity::left};
    }
    std::uint64_t keys = 0;
    double delta_bytes = 0;
    const double t_setup = 0;
    (void)t_setup;
    // Warm up: connect and sync.
    weft::sync::time_point now{0};
    auto step = [&] {
      for (auto& p : pipes) p->connect(now);
      for (bool moved = true; moved;) {
        moved = false;
        for (auto& p : pipes) moved |= p->deliver_up(now);
        for (auto& p : pipes) moved |= p->deliver_down(now);
      }
      now += 10ms;
      for (auto& p : pipes) p->s->tick(now);
      const double t0 = thread_cpu_us();
      r.tick(now);
      pipes.front()->relay_us += thread_cpu_us() - t0;
    };
    for (int i = 0; i < 50; ++i) step();
    std::uint64_t bytes0 = 0;
    double relay0 = 0;
    for (auto& p : pipes) {
      bytes0 += p->bytes_up + p->bytes_down;
      relay0 += p->relay_us;
    }
    // Each peer types every 100 ms, peers staggered by 20 ms.
    for (int t = 0; t < seconds * 100; ++t) {
      const int phase = t % 10;
      if (phase % 2 == 0) {
        const int i = phase / 2;
        weft::doc& d = *docs[static_cast<std::size_t>(i)];
        weft::text_ref text = d.get_text("text");
        auto pos = text.resolve(caret[static_cast<std::size_t>(i)]);
        if (!pos) die("caret does not resolve");
        const weft::version_vector before = d.version();
        if (!text.insert(*pos, std::string(1, static_cast<char>('a' + (keys % 26))))) {
          die("insert failed");
        }
        delta_bytes += static_cast<double>(weft::encode_delta(d.delta_since(before)).size());
        auto a = text.anchor_at(*pos + 1, weft::affinity::left);
        if (!a) die("anchor_at failed");
        caret[static_cast<std::size_t>(i)] = *a;
        pres[static_cast<std::size_t>(i)]->set_cursor(weft::presence_cursor{"text", *a, *a}, now);
        ++keys;
      }
      step();
    }
    for (int i = 0; i < 100; ++i) step();
    std::uint64_t total = 0;
    double relay_us = 0;
    for (auto& p : pipes) {
      total += p->bytes_up + p->bytes_down;
      relay_us += p->relay_us;
    }
    const std::string want = docs[0]->to_json();
    for (auto& d : docs) {
      if (d->to_json() != want) die("steady state: peers differ");
    }
    if (keys != static_cast<std::uint64_t>(peers * seconds * keys_per_s)) die("keystroke count");
    bytes_per_key = static_cast<double>(total - bytes0) / static_cast<double>(keys);
    relay_us_per_key = (relay_us - relay0) / static_cast<double>(keys);
    baseline = delta_bytes / static_cast<double>(keys) * peers;
  }
  state.counters["bytes_per_key"] = bytes_per_key;
  state.counters["relay_us_per_key"] = relay_us_per_key;
  state.counters["baseline_bytes_per_key"] = baseline;
}

class summary_reporter : public weft::bench::collecting_reporter {
 public:
  using collecting_reporter::collecting_reporter;

 protected:
  void print_summary(std::ostream& out) override {
    out << "\nsummary (" << (any_median() ? "median" : "single-run") << " CPU time)\n";
    const entry* f = find("full_sync/automerge-paper");
    const entry* b = find("full_sync/baseline");
    if (f != nullptr && b != nullptr) {
      out << "full sync of automerge-paper: " << counter(f, "bytes", "%.0f") << " bytes in "
          << counter(f, "messages", "%.0f") << " messages, " << counter(f, "round_trips", "%.0f")
          << " round trips, " << fmt(f->cpu_ms, "%.1f") << " ms; baseline (one delta, decode +"
          << " apply): " << counter(b, "bytes", "%.0f") << " bytes, " << fmt(b->cpu_ms, "%.1f")
          << " ms (" << fmt(f->cpu_ms / b->cpu_ms, "%.2fx") << " the time)\n";
    }
    const entry* s = find("steady/5_peers");
    if (s != nullptr) {
      out << "steady state, 5 peers x 10 keys/s through a relay: "
          << counter(s, "bytes_per_key", "%.0f") << " bytes per keystroke on the wire (baseline: "
          << counter(s, "baseline_bytes_per_key", "%.0f")
          << " = the keystroke's encoded delta, up once and down 4 times; presence included "
             "in the first), relay CPU "
          << counter(s, "relay_us_per_key", "%.1f") << " us per keystroke\n";
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RegisterBenchmark("full_sync/automerge-paper", bm_full_sync)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("full_sync/baseline", bm_full_baseline)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("steady/5_peers", bm_steady)->Unit(benchmark::kMillisecond)->Iterations(1);
  summary_reporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                  : benchmark::ConsoleReporter::OO_None);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
