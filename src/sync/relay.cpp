// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/relay.cpp
// -----------------------------------------------------------------------------
//
// The relay is bookkeeping around server sessions: the sessions do the
// protocol, the shared documents do the fan-out. What is left here is who
// may join what (authentication, authorization, replica bindings), creating
// and persisting documents, and the lifetime of connections, which the
// transport may end from inside a session's own callback.

#include "weft/sync/relay.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "weft/assert.hpp"

namespace weft::sync {
namespace internal {
namespace {

// bindings_meta_key holds, in a document's metadata, the replica bindings
// first made on a join of that document: repeated (u64 replica, u32 length,
// user bytes), little-endian.
constexpr std::string_view bindings_meta_key = "weft.relay.bindings";

void put_le(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::vector<std::uint8_t> encode_bindings(
    const std::vector<std::pair<replica_id, std::string>>& bindings) {
  std::vector<std::uint8_t> out;
  for (const auto& [r, user] : bindings) {
    put_le(out, static_cast<std::uint64_t>(r), 8);
    put_le(out, user.size(), 4);
    out.insert(out.end(), user.begin(), user.end());
  }
  return out;
}

result<std::vector<std::pair<replica_id, std::string>>> decode_bindings(
    const std::vector<std::uint8_t>& b) {
  std::vector<std::pair<replica_id, std::string>> out;
  std::size_t i = 0;
  while (i < b.size()) {
    if (b.size() - i < 12) return make_error(errc::corrupted, "relay bindings: truncated entry");
    const replica_id r{get_le(&b[i], 8)};
    const std::uint64_t n = get_le(&b[i + 8], 4);
    i += 12;
    if (n > b.size() - i) return make_error(errc::corrupted, "relay bindings: truncated user");
    out.emplace_back(r, std::string(b.begin() + static_cast<std::ptrdiff_t>(i),
                                    b.begin() + static_cast<std::ptrdiff_t>(i + n)));
    i += n;
  }
  return out;
}

}  // namespace

class relay_impl {
 public:
  relay_impl(relay_options options, storage* store)
      : options_(std::move(options)), store_(store), opened_(store == nullptr) {
    if (options_.replica == replica_id{}) options_.replica = random_replica_id();
    own_.insert(options_.replica);
  }

  result<void> open() {
    if (store_ == nullptr || opened_) {
      opened_ = true;
      return {};
    }
    auto ids = store_->list();
    if (!ids) return ids.error();
    // Bindings first, all of them: a document that fails to restore must
    // not free the ids bound on it.
    std::map<replica_id, std::string> bindings;
    std::map<std::string, std::vector<std::pair<replica_id, std::string>>> per_doc;
    for (const std::string& id : *ids) {
      auto raw = store_->get_meta(id, bindings_meta_key);
      if (!raw) return raw.error();
      if (!*raw) continue;
      auto list = decode_bindings(**raw);
      if (!list) return make_error(list.code(), "document '" + id + "': " + list.error().message);
      for (const auto& [r, user] : *list) bindings.emplace(r, user);
      per_doc[id] = std::move(*list);
    }
    std::map<std::string, hosted, std::less<>> docs;
    std::set<replica_id> own = own_;
    for (const std::string& id : *ids) {
      auto authored = authored_replicas(*store_, id);
      if (!authored) return authored.error();
      replica_id fresh = next_replica();
      while (std::find(authored->begin(), authored->end(), fresh) != authored->end() ||
             own.count(fresh) != 0) {
        fresh = next_replica();
      }
      doc_options o = options_.doc;
      o.id = id;
      auto d = restore(*store_, id, fresh, o);
      if (!d) return make_error(d.code(), "restoring document '" + id + "': " + d.error().message);
      hosted& h = docs[id];
      h.owned_doc = std::make_unique<doc>(std::move(*d));
      h.owned_presence = std::make_unique<presence>(fresh, options_.presence);
      h.d = h.owned_doc.get();
      h.p = h.owned_presence.get();
      h.bindings = std::move(per_doc[id]);
      auto p = persistence::attach(*h.d, *store_, h.d->version(), options_.persistence);
      if (!p) return make_error(p.code(), "attaching document '" + id + "': " + p.error().message);
      h.persist.emplace(std::move(*p));
      own.insert(authored->begin(), authored->end());
      own.insert(fresh);
    }
    // Nothing is kept unless everything restored: a half-open relay would
    // serve some documents with others' bindings missing.
    for (auto& [id, h] : docs) docs_.insert_or_assign(id, std::move(h));
    stats_.docs_restored += docs.size();
    bindings_.insert(bindings.begin(), bindings.end());
    own_ = std::move(own);
    opened_ = true;
    return {};
  }

  connection_id accept(callbacks cb, time_point now) {
    const connection_id id = next_id_++;
    ++stats_.accepted;
    auto [it, inserted] = conns_.try_emplace(id);
    WEFT_ASSERT(inserted, "connection ids are never reused");
    conn_state& c = it->second;
    c.transport = std::move(cb);
    c.s = std::make_unique<session>(session_options_for(id), session_callbacks_for(id));
    c.s->connected(now);
    return id;
  }

  result<void> receive(connection_id id, std::span<const std::uint8_t> bytes, time_point now) {
    auto it = conns_.find(id);
    if (it == conns_.end() || it->second.gone) {
      return make_error(errc::invalid_argument, "relay: no open connection " + std::to_string(id));
    }
    ++stats_.messages_received;
    stats_.bytes_received += bytes.size();
    result<void> r = guarded([&] { return it->second.s->receive(bytes, now); });
    if (!r) ++stats_.refused;
    return r;
  }

  void disconnected(connection_id id, time_point now) {
    auto it = conns_.find(id);
    if (it == conns_.end() || it->second.gone) return;
    // Reported from inside one of the session's own callbacks, the session
    // is mid-call: it is only marked, and freed once the call returns.
    if (depth_ == 0) {
      (void)guarded([&] {
        it->second.s->disconnected(now);
        return result<void>{};
      });
    }
    retire(id);
  }

  void tick(time_point now) {
    (void)guarded([&] {
      // Ids are collected first: a session's tick may close its connection,
      // and the transport may then report it disconnected right away.
      std::vector<connection_id> ids;
      ids.reserve(conns_.size());
      for (const auto& [id, c] : conns_) {
        if (!c.gone) ids.push_back(id);
      }
      for (connection_id id : ids) {
        auto it = conns_.find(id);
        if (it != conns_.end() && !it->second.gone) it->second.s->tick(now);
      }
      for (auto& [name, h] : docs_) {
        if (h.owned_presence) h.owned_presence->tick(now);
      }
      return result<void>{};
    });
  }

  result<void> host(doc& d, presence* p) {
    if (d.id().empty() || d.id().size() > options_.max_doc_id_bytes) {
      return make_error(errc::invalid_argument, "relay: a hosted document needs a valid id");
    }
    if (docs_.count(d.id()) != 0) {
      return make_error(errc::invalid_argument, "relay: document '" + d.id() + "' is already served");
    }
    hosted& h = docs_[d.id()];
    h.d = &d;
    h.p = p;
    own_.insert(d.replica());
    return {};
  }

  doc* find(std::string_view id) noexcept {
    auto it = docs_.find(id);
    return it == docs_.end() ? nullptr : it->second.d;
  }
  presence* find_presence(std::string_view id) noexcept {
    auto it = docs_.find(id);
    return it == docs_.end() ? nullptr : it->second.p;
  }
  std::vector<std::string> doc_ids() const {
    std::vector<std::string> out;
    for (const auto& [name, h] : docs_) out.push_back(name);
    return out;
  }
  std::vector<connection_id> connections() const {
    std::vector<connection_id> out;
    for (const auto& [id, c] : conns_) {
      if (!c.gone) out.push_back(id);
    }
    return out;
  }
  const session* connection(connection_id id) const noexcept {
    auto it = conns_.find(id);
    return it == conns_.end() || it->second.gone ? nullptr : it->second.s.get();
  }
  std::optional<std::string> user_of(replica_id r) const {
    auto it = bindings_.find(r);
    if (it == bindings_.end()) return std::nullopt;
    return it->second;
  }
  const relay_stats& stats() const noexcept { return stats_; }

 private:
  struct hosted {
    std::unique_ptr<doc> owned_doc;
    std::unique_ptr<presence> owned_presence;
    doc* d = nullptr;
    presence* p = nullptr;
    // Destroyed before the doc (declared after it): it observes the doc.
    std::optional<persistence> persist;
    // The bindings first made on a join of this document, as stored.
    std::vector<std::pair<replica_id, std::string>> bindings;
  };

  struct conn_state {
    std::unique_ptr<session> s;
    callbacks transport;
    // gone: the transport closed it; the session is kept until no call of
    // it is on the stack.
    bool gone = false;
  };

  session_options session_options_for(connection_id id) {
    session_options o = options_.session;
    o.this_side = side::server;
    o.replicas.clear();
    o.authorize = [this, id](const peer_info& peer, std::string_view doc_id) {
      return authorize(id, peer, doc_id);
    };
    o.resolve = [this](std::string_view doc_id) -> std::pair<doc*, presence*> {
      auto it = docs_.find(doc_id);
      if (it == docs_.end()) return {nullptr, nullptr};
      return {it->second.d, it->second.p};
    };
    if (store_ != nullptr) {
      o.durable = [this](std::string_view doc_id) {
        auto it = docs_.find(doc_id);
        if (it == docs_.end() || !it->second.persist) return version_vector();
        // A write that failed earlier is retried here: a resent delta adds
        // no ops, so nothing else would write them.
        persistence& p = *it->second.persist;
        if (p.durable_version() != it->second.d->version()) (void)p.flush();
        return p.durable_version();
      };
    }
    return o;
  }

  callbacks session_callbacks_for(connection_id id) {
    callbacks cb;
    cb.send = [this, id](std::span<const std::uint8_t> bytes) {
      auto it = conns_.find(id);
      if (it == conns_.end() || it->second.gone || !it->second.transport.send) return;
      ++stats_.messages_sent;
      stats_.bytes_sent += bytes.size();
      it->second.transport.send(bytes);
    };
    cb.close = [this, id] {
      auto it = conns_.find(id);
      if (it == conns_.end() || it->second.gone) return;
      // Copied: the transport may report the close (and so retire this
      // connection) from inside its callback.
      auto close = it->second.transport.close;
      if (close) close();
    };
    cb.state_changed = [this, id](state st) {
      auto it = conns_.find(id);
      if (it != conns_.end() && it->second.transport.state_changed) {
        auto f = it->second.transport.state_changed;
        f(st);
      }
    };
    cb.error = [this, id](const error& e, bool from_peer) {
      auto it = conns_.find(id);
      if (it != conns_.end() && it->second.transport.error) {
        auto f = it->second.transport.error;
        f(e, from_peer);
      }
    };
    return cb;
  }

  // authorize decides the role of the peer on connection `id` for
  // `doc_id`, binding its replica ids to its user and creating the
  // document on the first join that may see it.
  role authorize(connection_id /*id*/, const peer_info& peer, std::string_view doc_id) {
    if (!opened_) return deny();
    if (doc_id.empty() || doc_id.size() > options_.max_doc_id_bytes) return deny();
    std::optional<std::string> user =
        options_.authenticate ? options_.authenticate(peer) : std::optional<std::string>(peer.credentials);
    if (!user) return deny();
    // Impersonation: an id bound to another user, or one the relay authors
    // under, refuses the whole hello for this document.
    std::size_t unbound = 0;
    for (replica_id r : peer.replicas) {
      if (own_.count(r) != 0) return deny();
      auto it = bindings_.find(r);
      if (it == bindings_.end()) {
        ++unbound;
      } else if (it->second != *user) {
        return deny();
      }
    }
    const role granted = options_.authorize ? options_.authorize(*user, doc_id) : role::write;
    if (granted == role::none) return deny();
    auto it = docs_.find(doc_id);
    if (it == docs_.end()) {
      if (docs_.size() >= options_.max_docs) return deny();
      hosted* h = create(std::string(doc_id));
      if (h == nullptr) return deny();
      it = docs_.find(doc_id);
    }
    // Only a writer authors ops, so only a writer's ids are bound: a reader
    // cannot take an id away from the writer it belongs to.
    if (granted >= role::write && unbound != 0) {
      if (bindings_.size() + unbound > options_.max_bindings) return deny();
      hosted& h = it->second;
      std::vector<std::pair<replica_id, std::string>> more = h.bindings;
      for (replica_id r : peer.replicas) {
        if (bindings_.count(r) == 0) more.emplace_back(r, *user);
      }
      // Durable before granted: a relay restarted after this join must
      // still refuse the ids to anyone else.
      if (store_ != nullptr && h.persist) {
        const auto bytes = encode_bindings(more);
        if (bytes.size() > max_meta_value_bytes ||
            !store_->set_meta(doc_id, bindings_meta_key, bytes)) {
          ++stats_.storage_failures;
          return deny();
        }
      }
      h.bindings = std::move(more);
      for (replica_id r : peer.replicas) bindings_.emplace(r, *user);
    }
    return granted;
  }

  replica_id next_replica() {
    replica_id r = options_.fresh_replica ? options_.fresh_replica() : random_replica_id();
    while (r == replica_id{}) r = random_replica_id();
    return r;
  }

  role deny() {
    ++stats_.denied;
    return role::none;
  }

  // create makes the document `id` (stored, with a storage), or returns
  // null if the storage cannot take it.
  hosted* create(std::string id) {
    hosted h;
    doc_options o = options_.doc;
    o.id = id;
    h.owned_doc = std::make_unique<doc>(options_.replica, o);
    h.owned_presence = std::make_unique<presence>(options_.replica, options_.presence);
    h.d = h.owned_doc.get();
    h.p = h.owned_presence.get();
    if (store_ != nullptr) {
      if (!validate_doc_id(id)) return nullptr;
      auto p = persistence::attach(*h.d, *store_, {}, options_.persistence);
      if (!p) {
        ++stats_.storage_failures;
        return nullptr;
      }
      h.persist.emplace(std::move(*p));
    }
    ++stats_.docs_created;
    return &docs_.insert_or_assign(std::move(id), std::move(h)).first->second;
  }

  // guarded runs `fn` (which may call into sessions) and afterwards frees
  // the connections the transport closed meanwhile, once nothing of theirs
  // is on the stack.
  template <class F>
  result<void> guarded(F&& fn) {
    ++depth_;
    result<void> r = fn();
    --depth_;
    if (depth_ == 0) {
      for (auto it = conns_.begin(); it != conns_.end();) {
        it = it->second.gone ? conns_.erase(it) : std::next(it);
      }
    }
    return r;
  }

  void retire(connection_id id) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    it->second.gone = true;
    if (depth_ == 0) conns_.erase(it);
  }

  relay_options options_;
  storage* store_;
  std::map<std::string, hosted, std::less<>> docs_;
  std::map<connection_id, conn_state> conns_;
  std::map<replica_id, std::string> bindings_;
  std::set<replica_id> own_;
  bool opened_ = false;
  connection_id next_id_ = 1;
  relay_stats stats_;
  int depth_ = 0;
};

}  // namespace internal

relay::relay(relay_options options, storage* store)
    : impl_(std::make_unique<internal::relay_impl>(std::move(options), store)) {}
relay::~relay() = default;
relay::relay(relay&&) noexcept = default;
relay& relay::operator=(relay&&) noexcept = default;

result<void> relay::open() { return impl_->open(); }
connection_id relay::accept(callbacks cb, time_point now) { return impl_->accept(std::move(cb), now); }
result<void> relay::receive(connection_id id, std::span<const std::uint8_t> bytes, time_point now) {
  return impl_->receive(id, bytes, now);
}
void relay::disconnected(connection_id id, time_point now) { impl_->disconnected(id, now); }
void relay::tick(time_point now) { impl_->tick(now); }
result<void> relay::host(doc& d, presence* p) { return impl_->host(d, p); }
doc* relay::find(std::string_view doc_id) noexcept { return impl_->find(doc_id); }
presence* relay::find_presence(std::string_view doc_id) noexcept {
  return impl_->find_presence(doc_id);
}
std::vector<std::string> relay::doc_ids() const { return impl_->doc_ids(); }
std::vector<connection_id> relay::connections() const { return impl_->connections(); }
const session* relay::connection(connection_id id) const noexcept { return impl_->connection(id); }
std::optional<std::string> relay::user_of(replica_id r) const { return impl_->user_of(r); }
const relay_stats& relay::stats() const noexcept { return impl_->stats(); }

}  // namespace weft::sync
