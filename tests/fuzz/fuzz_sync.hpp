// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: fuzz_sync.hpp
// -----------------------------------------------------------------------------
//
// What fuzz_sync_message does with one input (kept apart from
// fuzz_targets.hpp, whose one_* functions it reuses):
//
//   one_sync_message  decode_message; whatever decodes re-encodes to a
//                     message that decodes equal and encodes to the same
//                     bytes, and peek_message calls it a sync message. A
//                     delta inside applies as fuzz_delta's do; presence
//                     updates apply to a presence that stays sound. Then
//                     the input goes, as the next message, to a server
//                     session and to a client session that have finished
//                     their handshake: neither may crash, the documents stay
//                     sound, and one that refuses the message is unchanged.

#ifndef WEFT_TESTS_FUZZ_FUZZ_SYNC_HPP_
#define WEFT_TESTS_FUZZ_FUZZ_SYNC_HPP_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fuzz/fuzz_targets.hpp"
#include "weft/presence.hpp"
#include "weft/sync/message.hpp"
#include "weft/sync/session.hpp"

namespace weft::fuzz {

inline bool same_message(const sync::message& a, const sync::message& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<sync::delta_message>(&a)) {
    const auto& y = std::get<sync::delta_message>(b);
    return x->channel == y.channel && same_delta(x->ops, y.ops);
  }
  return a == b;
}

// feed_session hands `input` to a session of `s` side that has finished its
// handshake for document "fuzz" (channel 0), and checks what it promises.
inline void feed_session(std::span<const std::uint8_t> input, sync::side s) {
  doc d = base_doc().fork(kFuzzReplica);
  presence p(kFuzzReplica);
  sync::session_options o;
  o.this_side = s;
  o.limits = fuzz_limits();
  o.backoff.seed = 1;
  if (s == sync::side::server) {
    o.resolve = [&](std::string_view) { return std::pair<doc*, presence*>(&d, &p); };
    o.authorize = [](const sync::peer_info&, std::string_view) { return sync::role::write; };
  }
  sync::callbacks cb;  // what the session sends is dropped
  sync::session session(o, cb);
  const sync::time_point now{1000};
  std::vector<replica_id> peer_replicas{kReplicaA, kReplicaB, kReplicaC};
  if (s == sync::side::server) {
    session.connected(now);
    sync::hello_message h;
    h.replicas = peer_replicas;
    h.docs = {{0, "fuzz", sync::role::none}};
    WEFT_FUZZ_CHECK(session.receive(sync::encode_message(h), now), "a server takes a hello");
  } else {
    WEFT_FUZZ_CHECK(session.add(d, &p), "a client adds a document");
    session.start(now);
    session.connected(now);
    sync::hello_message h;
    h.answer = true;
    h.docs = {{0, d.id(), sync::role::write}};
    WEFT_FUZZ_CHECK(session.receive(sync::encode_message(h), now), "a client takes an answer");
  }
  WEFT_FUZZ_CHECK(session.receive(sync::encode_message(sync::version_message{0, {}, false}), now),
                  "a session takes a version");
  const std::string json = d.to_json();
  const version_vector version = d.version();
  const auto r = session.receive(input, now);
  {
    const auto c = sync::internal::check(session);
    if (!c) std::fprintf(stderr, "sync::internal::check: %s\n", c.error().message.c_str());
    WEFT_FUZZ_CHECK(c, "a session is sound after it took a message");
  }
  check_sound(d, "a document is sound after a session took a message");
  WEFT_FUZZ_CHECK(internal::check(p), "a presence is sound after a session took a message");
  if (!r) {
    WEFT_FUZZ_CHECK(r.code() != errc::corrupted && r.code() != errc::ok, "a refusal has a code");
    WEFT_FUZZ_CHECK(d.to_json() == json && d.version() == version,
                    "a refused message leaves the document unchanged");
  }
  session.tick(now + std::chrono::milliseconds(100));
  check_sound(d, "a document is sound after a tick");
  WEFT_FUZZ_CHECK(sync::internal::check(session), "a session is sound after a tick");
}

inline int one_sync_message(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  auto decoded = sync::decode_message(input, fuzz_limits());
  if (decoded) {
    const auto kind = peek_message(input, fuzz_limits());
    WEFT_FUZZ_CHECK(kind && *kind == message_kind::sync, "peek_message calls a sync message one");
    const auto bytes = sync::encode_message(*decoded);
    auto again = sync::decode_message(bytes);
    if (!again) {
      std::fprintf(stderr, "decode_message(encode_message(m)): %s: %s\n",
                   std::string(errc_name(again.code())).c_str(), again.error().message.c_str());
    }
    WEFT_FUZZ_CHECK(again, "a re-encoded sync message decodes");
    WEFT_FUZZ_CHECK(same_message(*again, *decoded), "a sync message survives encode and decode");
    WEFT_FUZZ_CHECK(sync::encode_message(*again) == bytes, "sync message encoding is deterministic");

    if (const auto* dm = std::get_if<sync::delta_message>(&*decoded)) {
      doc fresh(kFuzzReplica, small_doc_options());
      apply_and_check(fresh, dm->ops);
    }
    if (const auto* pm = std::get_if<sync::presence_message>(&*decoded)) {
      presence p(kFuzzReplica);
      for (const auto& u : pm->updates) {
        (void)p.apply(u, std::chrono::milliseconds(1000));
        WEFT_FUZZ_CHECK(internal::check(p), "a presence stays sound");
      }
    }
  } else {
    WEFT_FUZZ_CHECK(decoded.code() != errc::ok && decoded.code() != errc::corrupted,
                    "a refused sync message has a code");
  }
  feed_session(input, sync::side::server);
  feed_session(input, sync::side::client);
  return 0;
}

}  // namespace weft::fuzz

#endif  // WEFT_TESTS_FUZZ_FUZZ_SYNC_HPP_
