// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/session_handshake.cpp
// -----------------------------------------------------------------------------
//
// session_impl's handshake (sync/session_impl.hpp): a client's hello
// announces its replica ids and asks for its documents; a server answers
// with the role it grants each (after its authorization hook, which may
// create the document) and refuses the others; then each side sends its
// version of every document granted.

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "sync/session_impl.hpp"

namespace weft::sync::internal {

void session_impl::send_hello() {
  hello_message h;
  if (!handshake_done_ && hello_sent_at_ < connected_at_) announced_ = own_replicas();
  h.replicas = announced_;
  h.credentials = options_.credentials;
  for (auto& [id, ch] : channels_) {
    if (ch->answered || ch->refused) continue;
    h.docs.push_back(doc_binding{id, ch->doc_id, role::none});
  }
  hello_sent_at_ = now_;
  send(h);
}

result<void> session_impl::on(hello_message& h) {
  if (options_.this_side == side::client) return on_answer(h);
  if (h.answer) return violation(error_code::protocol, "a server does not take an answer");
  if (!handshake_done_) {
    peer_.protocol = std::min(h.protocol, protocol_version);
    peer_.replicas = h.replicas;
    peer_.credentials = h.credentials;
    peer_.capabilities = h.capabilities;
  } else if (h.credentials != peer_.credentials || h.replicas != peer_.replicas) {
    // What the peer is bound to was authorized with the first hello: a
    // later one may only ask for more documents.
    return violation(error_code::protocol, "a later hello changes the credentials or replicas");
  }
  hello_message answer;
  answer.answer = true;
  answer.protocol = peer_.protocol;
  answer.replicas = options_.replicas;
  std::vector<std::pair<std::uint32_t, std::string>> refusals;
  std::vector<channel*> fresh;
  for (const doc_binding& b : h.docs) {
    if (channel* ch = at(b.channel); ch != nullptr) {
      if (ch->doc_id != b.doc_id) {
        return violation(error_code::protocol,
                         fmt::format("channel {} is already bound to another document", b.channel));
      }
      answer.docs.push_back(doc_binding{b.channel, b.doc_id, ch->granted});
      continue;
    }
    // Authorization first: it may create the document (a relay does).
    role r = options_.authorize ? options_.authorize(peer_, b.doc_id) : role::write;
    doc* d = nullptr;
    presence* p = nullptr;
    if (r != role::none) std::tie(d, p) = resolve(b.doc_id);
    if (d == nullptr) r = role::none;
    auto ch = std::make_unique<channel>();
    ch->id = b.channel;
    ch->doc_id = b.doc_id;
    ch->d = d;
    ch->p = p;
    ch->granted = r;
    ch->answered = true;
    if (r == role::none) {
      ch->refused = true;
      refusals.emplace_back(b.channel, d == nullptr ? "no such document" : "not authorized");
    } else {
      watch(*ch);
      fresh.push_back(ch.get());
    }
    answer.docs.push_back(doc_binding{b.channel, b.doc_id, r});
    channels_.emplace(b.channel, std::move(ch));
  }
  handshake_done_ = true;
  send(answer);
  for (const auto& [id, text] : refusals) {
    send(error_message{error_code::unauthorized, text, id});
  }
  for (channel* ch : fresh) send_version(*ch);
  update_state();
  return {};
}

std::pair<doc*, presence*> session_impl::resolve(std::string_view doc_id) {
  if (options_.resolve) return options_.resolve(doc_id);
  auto it = hosted_.find(std::string(doc_id));
  return it == hosted_.end() ? std::pair<doc*, presence*>{nullptr, nullptr} : it->second;
}

result<void> session_impl::on_answer(hello_message& h) {
  if (!h.answer) return violation(error_code::protocol, "a client does not take a hello");
  if (h.protocol > protocol_version) {
    return violation(error_code::unsupported,
                     fmt::format("protocol {} is newer than this side's {}", h.protocol,
                                 protocol_version));
  }
  peer_.protocol = h.protocol;
  peer_.replicas = h.replicas;
  peer_.capabilities = h.capabilities;
  const bool first = !handshake_done_;
  handshake_done_ = true;
  if (first) failures_ = 0;
  for (const doc_binding& b : h.docs) {
    channel* ch = at(b.channel);
    if (ch == nullptr) continue;  // removed meanwhile
    if (ch->doc_id != b.doc_id) {
      return violation(error_code::protocol,
                       fmt::format("answer for channel {} names another document", b.channel));
    }
    if (ch->answered) continue;  // a duplicate answer
    ch->answered = true;
    ch->granted = b.granted;
    if (b.granted == role::none) {
      ch->refused = true;
      continue;
    }
    send_version(*ch);
  }
  update_state();
  return {};
}

void session_impl::send_version(channel& ch) {
  ch.version_sent_at = now_;
  send(version_message{ch.id, ch.d->version(), !ch.have_peer_version});
}

}  // namespace weft::sync::internal
