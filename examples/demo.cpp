// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: demo.cpp
// -----------------------------------------------------------------------------
//
// Three replicas edit one sentence at the same time, without talking to each
// other. Every edit yields a delta (`delta_since(version before the edit)`).
// The deltas are then delivered in a shuffled order with duplicates, as an
// unreliable network would: a delta that arrives before the ones it depends
// on waits in the replica's pending buffer until they come. At the end all
// replicas hold the same text and the same version vector.
//
// The second part does the same with a whole document (weft::doc): a shared
// to-do board with a title, a list of task maps and a vote counter, edited
// concurrently by three replicas, one of which undoes its own edit after the
// others' have arrived. The replicas exchange the deltas their transactions
// produce as bytes of the wire format, again shuffled, and end with the same
// JSON; a fourth replica then starts from a snapshot of the first.
//
// The third part syncs for real: four clients and a relay run sync sessions
// over weft::testing::simulator's lossy network while they type, one is cut
// off and one crashes and restarts from its storage; after the network
// heals they converge, with every acknowledged op on every replica.
//
// Build and run: `cmake --build build --target weft_demo && build/examples/weft_demo`.

#include <cstddef>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/doc.hpp"
#include "weft/event.hpp"
#include "weft/snapshot.hpp"
#include "weft/text.hpp"
#include "weft/testing/simulator.hpp"
#include "weft/text_delta.hpp"
#include "weft/undo_manager.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"

namespace {

// code_point_index converts the byte offset of `needle` in `utf8` into the
// code-point position weft's API takes.
std::size_t code_point_index(std::string_view utf8, std::string_view needle) {
  const std::size_t bytes = utf8.find(needle);
  if (bytes == std::string_view::npos) {
    std::cerr << "demo: \"" << needle << "\" not found\n";
    std::exit(2);
  }
  std::size_t n = 0;
  for (std::size_t i = 0; i < bytes; ++i) n += (static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80;
  return n;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

void must(const weft::result<void>& r) {
  if (!r) {
    std::cerr << "demo: edit failed: " << r.error().message << "\n";
    std::exit(2);
  }
}

struct sent_delta {
  std::size_t from;   // replica index
  std::string label;  // "r1#2": replica 1's second edit
  weft::text_delta delta;
};

// A fixed, portable shuffle: the demo prints the same story everywhere.
std::uint64_t g_state = 20260101;
std::size_t next_below(std::size_t n) {
  g_state = g_state * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<std::size_t>((g_state >> 33) % n);
}

template <class T>
T must(weft::result<T> r) {
  if (!r) {
    std::cerr << "demo: edit failed: " << r.error().message << "\n";
    std::exit(2);
  }
  return std::move(*r);
}

// document_demo is the second part: see the file comment.
bool document_demo() {
  std::vector<weft::doc> docs;
  for (std::uint64_t id = 1; id <= 3; ++id) docs.emplace_back(weft::replica_id{id});
  // Every transaction's ops, as observe_updates hands them over, go to the
  // two other replicas as bytes of the wire format (weft/wire.hpp).
  std::vector<std::pair<std::size_t, std::vector<std::uint8_t>>> wire;
  std::size_t wire_bytes = 0;
  std::vector<weft::subscription> subs;
  for (std::size_t i = 0; i < 3; ++i) {
    subs.push_back(docs[i].observe_updates(
        [&wire, &wire_bytes, i](const weft::doc_delta& d, const weft::origin& o) {
          if (o.type() == weft::origin::kind::remote) return;
          wire.emplace_back(i, weft::encode_delta(d));
          wire_bytes += wire.back().second.size();
        }));
  }
  auto deliver = [&] {
    for (std::size_t k = wire.size(); k > 1; --k) std::swap(wire[k - 1], wire[next_below(k)]);
    const auto batch = std::move(wire);
    wire.clear();
    for (const auto& [from, bytes] : batch) {
      const weft::doc_delta delta = must(weft::decode_delta(bytes));
      for (std::size_t to = 0; to < 3; ++to) {
        if (to != from && !docs[to].apply(delta)) {
          std::cerr << "demo: apply failed\n";
          std::exit(1);
        }
      }
    }
  };

  // r1 sets the board up; everyone receives it.
  docs[0].transact([&] {
    weft::map_ref board = docs[0].get_map("board");
    must(must(board.get_or_create_text("title")).insert(0, "Launch plan"));
    weft::list_ref tasks = docs[0].get_list("tasks");
    weft::map_ref t = must(tasks.insert_map(0));
    must(t.set("what", "write docs"));
    must(t.set("done", false));
  });
  deliver();
  std::cout << "\nshared document, start:\n  " << docs[0].to_json() << "\n";

  // Concurrent edits: r2 and r3 both create the "notes" text with
  // get_or_create (one shared text), both set the owner of task 0 (last
  // writer wins, the loser stays readable), all three vote.
  weft::undo_manager undo(docs[0]);
  std::string log;
  auto title_events = docs[1].get_map("board").observe_deep(
      [&log](const std::vector<weft::event>& events) {
        for (const weft::event& e : events) {
          if (const auto* t = std::get_if<weft::text_event>(&e.data)) {
            for (const auto& op : t->delta) {
              if (op.kind == weft::delta_kind::insert) log += " +\"" + op.text + "\"";
              if (op.kind == weft::delta_kind::erase) log += " -" + std::to_string(op.len);
            }
          }
        }
      });
  must(docs[0].get_counter("votes").add(1));
  undo.stop_capturing();  // the title edit below is a step of its own
  must(must(docs[0].get_map("board").get_or_create_text("title")).insert(11, " v2"));
  docs[1].transact([&] {
    must(must(docs[1].get_map("board").get_or_create_text("notes")).insert(0, "ask legal."));
    must(docs[1].get_list("tasks").get(0)->as_container().as_map().set("owner", "ana"));
    must(docs[1].get_counter("votes").add(1));
  });
  docs[2].transact([&] {
    must(must(docs[2].get_map("board").get_or_create_text("notes")).insert(0, "book room. "));
    must(docs[2].get_list("tasks").get(0)->as_container().as_map().set("owner", "bo"));
    weft::map_ref t = must(docs[2].get_list("tasks").insert_map(1));
    must(t.set("what", "ship"));
    must(docs[2].get_counter("votes").add(1));
  });
  deliver();
  // r1 takes back its own title edit; the others' edits stay.
  if (!must(undo.undo())) return false;
  deliver();

  const weft::map_ref task0 = docs[0].get_list("tasks").get(0)->as_container().as_map();
  std::cout << "after concurrent edits, delivery and r1's undo:\n";
  bool converged = true;
  for (std::size_t i = 0; i < 3; ++i) {
    std::cout << "  r" << (i + 1) << " " << docs[i].to_json() << "\n";
    converged = converged && docs[i].to_json() == docs[0].to_json() &&
                docs[i].version() == docs[0].version() && docs[i].pending_ops() == 0;
  }
  std::cout << "  owner of task 0: " << task0.get("owner")->to_json() << ", conflicting value";
  for (std::size_t k = 1; k < task0.get_all("owner").size(); ++k) {
    std::cout << " " << task0.get_all("owner")[k].to_json();
  }
  std::cout << "\n  r2 saw the board's texts change by:" << log << "\n";

  // A fourth device starts from r1's snapshot instead of the history.
  const std::vector<std::uint8_t> snapshot = weft::save(docs[0]);
  const weft::doc r4 = must(weft::load(snapshot, weft::replica_id{4}));
  std::cout << "  " << wire_bytes << " bytes of deltas went over the wire; r1's snapshot is "
            << snapshot.size() << " bytes, and r4 loaded from it "
            << (r4.to_json() == docs[0].to_json() ? "matches" : "DIFFERS") << "\n";
  return converged && r4.to_json() == docs[0].to_json();
}

}  // namespace

// sync_demo runs four clients and a relay over a simulated network that
// loses, duplicates and reorders 10% of messages each, with one client cut
// off and another restarted from its storage while everyone types; then
// the network heals and every replica must converge with nothing lost.
bool sync_demo() {
  using namespace std::chrono_literals;
  std::cout << "\nsync: 4 clients + relay, 10% drops/duplicates/reordering:\n";
  weft::testing::sim_options o;
  o.seed = 2026;
  o.clients = 4;
  o.link.latency = 40ms;
  o.link.jitter = 20ms;
  o.link.drop = 0.1;
  o.link.duplicate = 0.1;
  o.link.reorder = 0.1;
  weft::testing::simulator sim(o);
  weft::testing::workload w;
  w.text_edits_per_s = 5;
  w.map_edits_per_s = 1;
  w.cursor_moves_per_s = 2;
  sim.set_workload_all(w);

  sim.run_for(2s);
  sim.cut(1);
  std::cout << "  t=2s   client 2 is cut off (keeps editing offline)\n";
  sim.run_for(2s);
  sim.restart(3);
  std::cout << "  t=4s   client 4 crashes and restarts from its storage\n";
  sim.run_for(2s);
  sim.set_workload_all({});
  sim.heal_all();
  std::cout << "  t=6s   edits stop, the network heals\n";
  const auto took = sim.run_until_converged(30s);
  if (!took) {
    std::cout << "  did NOT converge\n";
    return false;
  }
  std::uint64_t sent = 0, bytes = 0, dropped = 0, duplicated = 0;
  for (std::size_t l = 0; l < sim.links(); ++l) {
    for (bool up : {true, false}) {
      const auto& st = sim.stats(l, up);
      sent += st.messages;
      bytes += st.bytes;
      dropped += st.dropped;
      duplicated += st.duplicated;
    }
  }
  weft::doc& d = sim.client_doc(0);
  std::cout << "  converged " << took->count() << " ms after healing: " << d.op_count()
            << " ops, " << d.get_text("text").size() << " characters of text\n"
            << "  network: " << sent << " messages, " << bytes << " bytes, " << dropped
            << " dropped, " << duplicated << " duplicated\n";
  const bool nothing_lost = sim.violations().empty() &&
                            sim.relay()->find("doc")->version().includes(sim.acknowledged());
  std::cout << (nothing_lost ? "  every acknowledged op is on every replica\n"
                             : "  acknowledged ops were LOST\n");
  // Presence repairs itself on heartbeats: give it up to two of them.
  const auto before = sim.now();
  const bool presence = sim.run_while([&] { return !sim.presence_converged(); }, 40s);
  if (presence) {
    std::cout << "  presence (names, cursors) agreed " << (sim.now() - before).count()
              << " ms later\n";
  } else {
    std::cout << "  presence did NOT converge\n";
  }
  return nothing_lost && presence;
}

int main() {
  std::vector<weft::text> replicas;
  for (std::uint64_t id = 1; id <= 3; ++id) replicas.emplace_back(weft::replica_id{id});

  // Replica 1 writes the first sentence and everyone receives it.
  must(replicas[0].insert(0, "The quick brown fox jumps over the lazy dog."));
  const weft::text_delta initial = replicas[0].delta_since(weft::version_vector{});
  for (std::size_t i = 1; i < 3; ++i) (void)replicas[i].apply(initial);
  std::cout << "start:  " << replicas[0].to_string() << "\n\nconcurrent edits:\n";

  std::vector<sent_delta> sent;
  std::vector<int> edits_made(3, 0);
  // edit runs `fn` on replica i and records the delta it produced.
  auto edit = [&](std::size_t i, const std::string& what, auto&& fn) {
    weft::text& t = replicas[i];
    const weft::version_vector before = t.version();
    fn(t, t.to_string());
    std::string label = "r" + std::to_string(i + 1) + "#" + std::to_string(++edits_made[i]);
    std::cout << "  " << label << " " << what << "\n";
    sent.push_back({i, std::move(label), t.delta_since(before)});
  };
  auto replace = [](weft::text& t, const std::string& s, std::string_view from,
                    std::string_view to) {
    const std::size_t pos = code_point_index(s, from);
    must(t.erase(pos, code_points(from)));
    must(t.insert(pos, to));
  };

  // r1 and r2 both insert right before "quick": FugueMax keeps each run whole.
  edit(0, "inserts \"very \" before \"quick\"", [](weft::text& t, const std::string& s) {
    must(t.insert(code_point_index(s, "quick"), "very "));
  });
  edit(1, "inserts \"rather \" before \"quick\"", [](weft::text& t, const std::string& s) {
    must(t.insert(code_point_index(s, "quick"), "rather "));
  });
  edit(2, "inserts \"¡Olá! \" at the start", [](weft::text& t, const std::string&) {
    must(t.insert(0, "¡Olá! "));
  });
  edit(0, "deletes \"brown \"", [](weft::text& t, const std::string& s) {
    must(t.erase(code_point_index(s, "brown "), 6));
  });
  edit(1, "replaces \"lazy\" with \"sleepy\"",
       [&](weft::text& t, const std::string& s) { replace(t, s, "lazy", "sleepy"); });
  edit(2, "replaces \"jumps\" with \"leaps\"",
       [&](weft::text& t, const std::string& s) { replace(t, s, "jumps", "leaps"); });
  edit(0, "inserts \"🦊 \" before \"fox\"", [](weft::text& t, const std::string& s) {
    must(t.insert(code_point_index(s, "fox"), "🦊 "));
  });
  edit(2, "appends \" Ça va? 😀\"", [](weft::text& t, const std::string&) {
    must(t.insert(t.size(), " Ça va? 😀"));
  });

  // Each replica receives the others' deltas shuffled, some of them twice.
  std::cout << "\ndelivery (* = waits in the pending buffer, + = duplicate):\n";
  for (std::size_t i = 0; i < 3; ++i) {
    std::vector<std::size_t> inbox;
    for (std::size_t k = 0; k < sent.size(); ++k) {
      if (sent[k].from != i) inbox.push_back(k);
    }
    inbox.push_back(inbox[next_below(inbox.size())]);  // a duplicate
    for (std::size_t k = inbox.size(); k > 1; --k) std::swap(inbox[k - 1], inbox[next_below(k)]);

    std::vector<bool> seen(sent.size(), false);
    std::string line = "  r" + std::to_string(i + 1) + " <-";
    for (std::size_t k : inbox) {
      const std::uint64_t pending_before = replicas[i].pending_ops();
      auto changes = replicas[i].apply(sent[k].delta);
      if (!changes) {
        std::cerr << "demo: apply failed: " << changes.error().message << "\n";
        return 1;
      }
      line += " " + sent[k].label;
      if (seen[k]) line += "+";
      if (replicas[i].pending_ops() > pending_before) line += "*";
      seen[k] = true;
    }
    std::cout << line << "\n";
  }

  std::cout << "\nresult:\n";
  bool converged = true;
  for (std::size_t i = 0; i < 3; ++i) {
    const weft::text& t = replicas[i];
    std::cout << "  r" << (i + 1) << " " << t.version().to_string() << "  " << t.to_string()
              << "\n";
    converged = converged && t.to_string() == replicas[0].to_string() &&
                t.version() == replicas[0].version() && t.pending_ops() == 0;
  }
  std::cout << (converged ? "\nall three replicas converged\n" : "\nreplicas DIVERGED\n");
  const bool docs_converged = document_demo();
  std::cout << (docs_converged ? "\nall three documents converged\n"
                               : "\ndocuments DIVERGED\n");
  const bool synced = sync_demo();
  std::cout << (synced ? "\nall four clients and the relay converged\n" : "\nsync FAILED\n");
  return converged && docs_converged && synced ? 0 : 1;
}
