/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/sync_test.c
 * -----------------------------------------------------------------------------
 *
 * weft_sync_session through weft.h: a client session and server sessions
 * (one per connection, as a relay makes them) joined by in-memory pipes
 * (sync_support.h) sync two documents and a presence, reconnect after the network
 * fails, refuse garbage without applying anything, and refuse a reader's
 * edits through the server's authorization hook. Also: options, hooks,
 * inspection, the reentrancy rules and who keeps documents alive. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sync_support.h"

/* ---------------------------------------------------------------------------
 * A server's documents and hooks, and one client's link to it
 * ------------------------------------------------------------------------- */

#define N_DOCS 2
static const char* const kIds[N_DOCS] = {"a", "b"};

typedef struct server_side {
  weft_doc* docs[N_DOCS];
  weft_presence* presences[N_DOCS];
  int32_t roles[N_DOCS];
  weft_sync_options* options;
  int authorize_calls;
  /* What the durable hook reports (when installed). */
  weft_version_entry durable[4];
  size_t n_durable;
} server_side;

static int32_t authorize(void* user_data, const weft_sync_peer* peer, const char* doc_id,
                         size_t len) {
  server_side* s = (server_side*)user_data;
  ++s->authorize_calls;
  const char* cred = NULL;
  size_t cred_len = 0;
  if (weft_sync_peer_credentials(peer, &cred, &cred_len) != WEFT_OK || cred_len != 7 ||
      memcmp(cred, "token-1", 7) != 0) {
    return WEFT_SYNC_ROLE_NONE;
  }
  for (int i = 0; i < N_DOCS; ++i) {
    if (len == strlen(kIds[i]) && memcmp(doc_id, kIds[i], len) == 0) return s->roles[i];
  }
  return WEFT_SYNC_ROLE_NONE;
}

static void resolve(void* user_data, const char* doc_id, size_t len, weft_doc** doc,
                    weft_presence** presence) {
  server_side* s = (server_side*)user_data;
  for (int i = 0; i < N_DOCS; ++i) {
    if (len == strlen(kIds[i]) && memcmp(doc_id, kIds[i], len) == 0) {
      *doc = s->docs[i];
      *presence = s->presences[i];
    }
  }
}

static void durable(void* user_data, const char* doc_id, size_t len,
                    const weft_version_entry** entries, size_t* n) {
  server_side* s = (server_side*)user_data;
  (void)doc_id;
  (void)len;
  *entries = s->durable;
  *n = s->n_durable;
}

static void server_init(server_side* s, int with_durable) {
  memset(s, 0, sizeof *s);
  for (int i = 0; i < N_DOCS; ++i) {
    if (weft_doc_new_with(0x5E, kIds[i], strlen(kIds[i]), NULL, 0, &s->docs[i]) != WEFT_OK ||
        weft_presence_new(0x5E, NULL, 0, &s->presences[i]) != WEFT_OK) {
      abort();
    }
    s->roles[i] = WEFT_SYNC_ROLE_WRITE;
  }
  if (weft_sync_options_new(WEFT_SYNC_SERVER, &s->options) != WEFT_OK ||
      weft_sync_options_set_authorize(s->options, authorize, s) != WEFT_OK ||
      weft_sync_options_set_resolve(s->options, resolve, s) != WEFT_OK ||
      (with_durable && weft_sync_options_set_durable(s->options, durable, s) != WEFT_OK)) {
    abort();
  }
}

static void server_free(server_side* s) {
  for (int i = 0; i < N_DOCS; ++i) {
    weft_doc_free(s->docs[i]);
    weft_presence_free(s->presences[i]);
  }
  weft_sync_options_free(s->options);
}

typedef struct link {
  server_side* side;
  weft_sync_session* client;
  weft_sync_session* server; /* the current connection's */
  pipe_queue up, down;
  int network;      /* connects succeed */
  int drop_up;      /* what the client sends is lost */
  int capture_up;   /* ... and copied to `captured` */
  pipe_queue captured;
  int connect_asked, close_asked;
  int connects, failed_connects;
  int32_t states[64];
  size_t n_states;
  int client_errors, server_errors, refused_up, refused_down;
  int32_t server_error_status;
  char server_error_text[64];
} link;

static void client_send(void* user_data, const uint8_t* data, size_t len) {
  link* l = (link*)user_data;
  if (l->capture_up) pipe_push(&l->captured, data, len);
  if (!l->drop_up) pipe_push(&l->up, data, len);
}
static void server_send(void* user_data, const uint8_t* data, size_t len) {
  pipe_push(&((link*)user_data)->down, data, len);
}
static void ask_connect(void* user_data) { ((link*)user_data)->connect_asked = 1; }
static void ask_close(void* user_data) { ((link*)user_data)->close_asked = 1; }
static void on_state(void* user_data, int32_t state) {
  link* l = (link*)user_data;
  if (l->n_states < sizeof l->states / sizeof l->states[0]) l->states[l->n_states++] = state;
}
static void on_client_error(void* user_data, int32_t status, const char* msg, size_t len,
                            bool from_peer) {
  (void)status, (void)msg, (void)len, (void)from_peer;
  ++((link*)user_data)->client_errors;
}
static void on_server_error(void* user_data, int32_t status, const char* msg, size_t len,
                            bool from_peer) {
  link* l = (link*)user_data;
  (void)from_peer;
  ++l->server_errors;
  l->server_error_status = status;
  size_t n = len < sizeof l->server_error_text - 1 ? len : sizeof l->server_error_text - 1;
  memcpy(l->server_error_text, msg, n);
  l->server_error_text[n] = 0;
}

/* link_init makes the client session; `docs` and `presences` are added. */
static void link_init(link* l, server_side* side, weft_doc** docs, weft_presence** presences,
                      int n) {
  memset(l, 0, sizeof *l);
  l->side = side;
  l->network = 1;
  weft_sync_options* o = NULL;
  const uint64_t replicas[] = {0x99};
  if (weft_sync_options_new(WEFT_SYNC_CLIENT, &o) != WEFT_OK ||
      weft_sync_options_set(o, WEFT_SYNC_OPT_BACKOFF_SEED, 7) != WEFT_OK ||
      weft_sync_options_set(o, WEFT_SYNC_OPT_BACKOFF_BASE_MS, 50) != WEFT_OK ||
      weft_sync_options_set(o, WEFT_SYNC_OPT_BACKOFF_CAP_MS, 200) != WEFT_OK ||
      weft_sync_options_set_credentials(o, S("token-1")) != WEFT_OK ||
      weft_sync_options_set_replicas(o, replicas, 1) != WEFT_OK ||
      weft_sync_session_new(o, &l->client) != WEFT_OK) {
    abort();
  }
  weft_sync_options_free(o);
  if (weft_sync_session_set_send(l->client, client_send, l) != WEFT_OK ||
      weft_sync_session_set_connect(l->client, ask_connect, l) != WEFT_OK ||
      weft_sync_session_set_close(l->client, ask_close, l) != WEFT_OK ||
      weft_sync_session_set_state(l->client, on_state, l) != WEFT_OK ||
      weft_sync_session_set_error(l->client, on_client_error, l) != WEFT_OK) {
    abort();
  }
  for (int i = 0; i < n; ++i) {
    if (weft_sync_session_add_doc(l->client, docs[i], presences ? presences[i] : NULL) !=
        WEFT_OK) {
      abort();
    }
  }
}

static void link_free(link* l) {
  weft_sync_session_free(l->client);
  weft_sync_session_free(l->server);
  pipe_free(&l->up);
  pipe_free(&l->down);
  pipe_free(&l->captured);
}

static void client_docs(weft_doc** docs, weft_presence** presence);

/* setup makes a server, the client's documents (and its presence, synced
 * with "a", when `presence` is not NULL) and the link that syncs the first
 * `n_synced` of them. */
static void setup(server_side* srv, int with_durable, weft_doc** docs, weft_presence** presence,
                  link* l, int n_synced) {
  server_init(srv, with_durable);
  client_docs(docs, presence);
  weft_presence* presences[N_DOCS] = {presence ? *presence : NULL, NULL};
  link_init(l, srv, docs, presences, n_synced);
}

/* teardown frees a test's link, client documents and server. */
static void teardown(link* l, weft_doc** docs, server_side* srv) {
  link_free(l);
  for (int i = 0; i < N_DOCS; ++i) weft_doc_free(docs[i]);
  server_free(srv);
}

/* drop ends the connection as a failing transport would: both sides hear
 * of it, the server session goes. */
static void drop(link* l, int64_t now) {
  pipe_clear(&l->up);
  pipe_clear(&l->down);
  if (l->server != NULL) {
    CHECK_OK(weft_sync_session_disconnected(l->server, now));
    weft_sync_session_free(l->server);
    l->server = NULL;
  }
  CHECK_OK(weft_sync_session_disconnected(l->client, now));
}

/* pump handles connection requests and closes, then delivers until both
 * pipes are empty. */
static void pump(link* l, int64_t now) {
  for (int i = 0; i < 100000; ++i) {
    pipe_msg m;
    if (l->close_asked) {
      l->close_asked = 0;
      drop(l, now);
    } else if (l->connect_asked) {
      l->connect_asked = 0;
      if (!l->network) {
        ++l->failed_connects;
        CHECK_OK(weft_sync_session_connect_failed(l->client, now));
        continue;
      }
      ++l->connects;
      pipe_clear(&l->up);
      pipe_clear(&l->down);
      weft_sync_session_free(l->server);
      l->server = NULL;
      if (weft_sync_session_new(l->side->options, &l->server) != WEFT_OK ||
          weft_sync_session_set_send(l->server, server_send, l) != WEFT_OK ||
          weft_sync_session_set_close(l->server, ask_close, l) != WEFT_OK ||
          weft_sync_session_set_error(l->server, on_server_error, l) != WEFT_OK) {
        abort();
      }
      CHECK_OK(weft_sync_session_connected(l->server, now));
      CHECK_OK(weft_sync_session_connected(l->client, now));
    } else if (pipe_pop(&l->up, &m)) {
      if (l->server != NULL &&
          weft_sync_session_receive(l->server, m.data, m.len, now) != WEFT_OK) {
        ++l->refused_up;
      }
      free(m.data);
    } else if (pipe_pop(&l->down, &m)) {
      if (weft_sync_session_receive(l->client, m.data, m.len, now) != WEFT_OK) ++l->refused_down;
      free(m.data);
    } else {
      CHECK_OK(weft_sync_session_check(l->client));
      if (l->server != NULL) CHECK_OK(weft_sync_session_check(l->server));
      return;
    }
  }
  CHECK(!"pump: the sessions never went quiet");
}

/* run advances time in 10 ms steps for `ms`, ticking and delivering. */
static void run(link* l, int64_t* now, int64_t ms) {
  for (int64_t t = 0; t < ms; t += 10) {
    *now += 10;
    CHECK_OK(weft_sync_session_tick(l->client, *now));
    if (l->server != NULL) CHECK_OK(weft_sync_session_tick(l->server, *now));
    pump(l, *now);
  }
}

static int32_t state_of(const weft_sync_session* s) {
  int32_t st = -1;
  CHECK_OK(weft_sync_session_state(s, &st));
  return st;
}

/* same_json says whether two documents render the same. */
static int same_json(const weft_doc* a, const weft_doc* b) {
  weft_bytes ja = WEFT_BYTES_INIT, jb = WEFT_BYTES_INIT;
  int same = weft_doc_to_json(a, &ja) == WEFT_OK && weft_doc_to_json(b, &jb) == WEFT_OK &&
             ja.len == jb.len && memcmp(ja.data, jb.data, ja.len) == 0;
  weft_bytes_free(&ja);
  weft_bytes_free(&jb);
  return same;
}

/* body_is says whether the root text "body" of `d` holds `want`. */
static int body_is(weft_doc* d, const char* want) {
  weft_text* t = NULL;
  weft_bytes body = WEFT_BYTES_INIT;
  int same = weft_doc_get_text(d, S("body"), &t) == WEFT_OK &&
             weft_text_to_string(t, &body) == WEFT_OK && bytes_eq(&body, want);
  weft_bytes_free(&body);
  weft_text_free(t);
  return same;
}

static uint64_t op_count(const weft_doc* d) {
  uint64_t n = 0;
  CHECK_OK(weft_doc_op_count(d, &n));
  return n;
}

static void client_docs(weft_doc** docs, weft_presence** presence) {
  for (int i = 0; i < N_DOCS; ++i) {
    if (weft_doc_new_with(1, kIds[i], strlen(kIds[i]), NULL, 0, &docs[i]) != WEFT_OK) abort();
  }
  if (presence != NULL && weft_presence_new(1, NULL, 0, presence) != WEFT_OK) abort();
}

/* ---------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------- */

static void test_options(void) {
  weft_sync_options* o = NULL;
  CHECK_STATUS(weft_sync_options_new(7, &o), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_options_new(WEFT_SYNC_CLIENT, NULL), WEFT_ERR_NULL_ARGUMENT);
  REQUIRE_OK(weft_sync_options_new(WEFT_SYNC_CLIENT, &o));
  uint64_t v = 0;
  CHECK_OK(weft_sync_options_get(o, WEFT_SYNC_OPT_HEARTBEAT_MS, &v));
  CHECK(v == 5000);
  CHECK_OK(weft_sync_options_get(o, WEFT_OPT_COMPRESSION, &v));
  CHECK(v == WEFT_COMPRESSION_ZSTD);
  CHECK_OK(weft_sync_options_get(o, WEFT_SYNC_OPT_MESSAGE_RATE, &v));
  CHECK(v == 200);
  CHECK_OK(weft_sync_options_set(o, WEFT_SYNC_OPT_DEBOUNCE_MS, 0));
  CHECK_OK(weft_sync_options_set(o, WEFT_SYNC_OPT_CHUNK_BYTES, 4096));
  CHECK_OK(weft_sync_options_set(o, WEFT_OPT_MAX_DECODE_OPS, 1000));
  CHECK_OK(weft_sync_options_get(o, WEFT_SYNC_OPT_CHUNK_BYTES, &v));
  CHECK(v == 4096);
  CHECK_OK(weft_sync_options_get(o, WEFT_OPT_MAX_DECODE_OPS, &v));
  CHECK(v == 1000);
  /* The largest rates read back whole (they are kept as doubles). */
  CHECK_OK(weft_sync_options_set(o, WEFT_SYNC_OPT_BYTE_RATE, UINT64_MAX));
  CHECK_OK(weft_sync_options_get(o, WEFT_SYNC_OPT_BYTE_RATE, &v));
  CHECK(v == UINT64_MAX);
  CHECK_OK(weft_sync_options_set(o, WEFT_SYNC_OPT_MESSAGE_BURST, UINT64_MAX - 1));
  CHECK_OK(weft_sync_options_get(o, WEFT_SYNC_OPT_MESSAGE_BURST, &v));
  CHECK(v == UINT64_MAX);
  /* Refused, and nothing changes. */
  CHECK_STATUS(weft_sync_options_set(o, WEFT_SYNC_OPT_HEARTBEAT_MS, 0), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_options_set(o, WEFT_SYNC_OPT_RESEND_MS, UINT64_MAX),
               WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_options_set(o, WEFT_SYNC_OPT_MISSED_HEARTBEATS, 0),
               WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_options_set(o, WEFT_OPT_MAX_OPS, 5), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_options_set(o, WEFT_OPT_COMPRESSION_LEVEL, 99), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_options_set(o, 9999, 1), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_options_get(o, 9999, &v), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_OK(weft_sync_options_get(o, WEFT_SYNC_OPT_HEARTBEAT_MS, &v));
  CHECK(v == 5000);
  CHECK_STATUS(weft_sync_options_set_credentials(o, "\xff", 1), WEFT_ERR_INVALID_UTF8);
  CHECK_STATUS(weft_sync_options_set_credentials(o, NULL, 3), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_sync_options_set_replicas(o, NULL, 2), WEFT_ERR_NULL_ARGUMENT);
  CHECK_OK(weft_sync_options_set_replicas(o, NULL, 0));
  CHECK_STATUS(weft_sync_options_set_authorize(NULL, authorize, NULL), WEFT_ERR_NULL_ARGUMENT);
  weft_sync_options_free(o);
  weft_sync_options_free(NULL);
  weft_sync_session_free(NULL);

  CHECK(strcmp(weft_sync_state_str(WEFT_SYNC_LIVE), "live") == 0);
  CHECK(strcmp(weft_sync_state_str(WEFT_SYNC_OFFLINE), "offline") == 0);
  CHECK(strcmp(weft_sync_state_str(42), "unknown") == 0);
  CHECK(strcmp(weft_sync_session_last_error(NULL), "") == 0);
}

/* Two documents and a presence sync through a client and a server session;
 * the network fails, both sides edit, and the reconnect converges. */
static void test_sync_and_reconnect(void) {
  server_side srv;
  weft_doc* docs[N_DOCS];
  weft_presence* presence = NULL;
  link l;
  setup(&srv, 0, docs, &presence, &l, N_DOCS);
  append_text(docs[0], "hello");
  append_text(docs[1], "world");
  append_text(srv.docs[0], "[server]");
  CHECK_OK(weft_presence_set_field(presence, WEFT_PRESENCE_NAME, S("alice"), 0));
  int64_t now = 1000;
  CHECK(state_of(l.client) == WEFT_SYNC_OFFLINE);
  CHECK_OK(weft_sync_session_start(l.client, now));
  pump(&l, now);
  run(&l, &now, 200);
  CHECK(state_of(l.client) == WEFT_SYNC_LIVE);
  CHECK(l.n_states >= 4 && l.states[0] == WEFT_SYNC_CONNECTING &&
        l.states[1] == WEFT_SYNC_HANDSHAKING && l.states[l.n_states - 1] == WEFT_SYNC_LIVE);
  CHECK(same_json(docs[0], srv.docs[0]));
  CHECK(same_json(docs[1], srv.docs[1]));
  CHECK(srv.authorize_calls == N_DOCS);

  /* The presence went with document "a". */
  weft_bytes name = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_get_field(srv.presences[0], 1, WEFT_PRESENCE_NAME, &name));
  CHECK_BYTES(name, "alice");
  weft_bytes_free(&name);

  /* Inspection, both ends. */
  int32_t role = -1;
  CHECK_OK(weft_sync_session_role(l.client, S("a"), &role));
  CHECK(role == WEFT_SYNC_ROLE_WRITE);
  CHECK_OK(weft_sync_session_role(l.server, S("b"), &role));
  CHECK(role == WEFT_SYNC_ROLE_WRITE);
  CHECK_OK(weft_sync_session_role(l.client, S("nope"), &role));
  CHECK(role == WEFT_SYNC_ROLE_NONE);
  weft_bytes ack = WEFT_BYTES_INIT;
  CHECK_OK(weft_sync_session_acknowledged(l.client, S("a"), &ack));
  weft_version_entry entries[4];
  size_t n = 0;
  CHECK_OK(weft_version_decode(ack.data, ack.len, entries, 4, &n));
  /* What the server holds: the client's five ops, and its own. */
  CHECK(n == 2 && entries[0].replica == 1 && entries[0].count == 5 &&
        entries[1].replica == 0x5E && entries[1].count == 8);
  weft_bytes_free(&ack);

  const weft_sync_peer* peer = NULL;
  CHECK_OK(weft_sync_session_peer(l.server, &peer));
  uint32_t protocol = 0;
  CHECK_OK(weft_sync_peer_protocol(peer, &protocol));
  CHECK(protocol == 1);
  const char* cred = NULL;
  size_t cred_len = 0;
  CHECK_OK(weft_sync_peer_credentials(peer, &cred, &cred_len));
  CHECK(cred_len == 7 && memcmp(cred, "token-1", 7) == 0);
  uint64_t ids[4] = {0};
  CHECK_OK(weft_sync_peer_replicas(peer, NULL, 0, &n));
  CHECK(n == 2);
  CHECK_OK(weft_sync_peer_replicas(peer, ids, 4, &n));
  CHECK((ids[0] == 0x99 && ids[1] == 1) || (ids[0] == 1 && ids[1] == 0x99));
  uint64_t caps = 9;
  CHECK_OK(weft_sync_peer_capabilities(peer, &caps));
  CHECK(caps == 0);
  CHECK_STATUS(weft_sync_peer_protocol(NULL, &protocol), WEFT_ERR_NULL_ARGUMENT);

  for (int32_t k = WEFT_SYNC_STAT_MESSAGES_SENT; k <= WEFT_SYNC_STAT_OPS_APPLIED; ++k) {
    uint64_t v = 0;
    CHECK_OK(weft_sync_session_stat(l.client, k, &v));
    if (k != WEFT_SYNC_STAT_DELTAS_APPLIED && k != WEFT_SYNC_STAT_OPS_APPLIED) CHECK(v > 0);
  }
  uint64_t applied = 0, resent = 7;
  CHECK_OK(weft_sync_session_stat(l.server, WEFT_SYNC_STAT_OPS_APPLIED, &applied));
  CHECK(applied == 10);
  CHECK_OK(weft_sync_session_stat(l.client, WEFT_SYNC_STAT_RESENT, &resent));
  CHECK(resent == 0);
  CHECK_STATUS(weft_sync_session_stat(l.client, 99, &applied), WEFT_ERR_INVALID_ARGUMENT);
  CHECK(strlen(weft_sync_session_last_error(l.client)) > 0);

  /* The network fails; both sides edit meanwhile. */
  l.network = 0;
  drop(&l, now);
  CHECK(state_of(l.client) == WEFT_SYNC_OFFLINE);
  append_text(docs[0], "!");
  append_text(srv.docs[1], "?");
  run(&l, &now, 500);
  CHECK(l.failed_connects >= 1);
  const int32_t down = state_of(l.client);
  CHECK(down == WEFT_SYNC_OFFLINE || down == WEFT_SYNC_CONNECTING || down == WEFT_SYNC_DEGRADED);
  CHECK(!same_json(docs[0], srv.docs[0]));

  l.network = 1;
  run(&l, &now, 1000);
  CHECK(l.connects == 2);
  CHECK(state_of(l.client) == WEFT_SYNC_LIVE);
  CHECK(same_json(docs[0], srv.docs[0]));
  CHECK(same_json(docs[1], srv.docs[1]));

  /* Live edits, then a document removed: its edits stay local. */
  append_text(docs[1], "+");
  run(&l, &now, 100);
  CHECK(same_json(docs[1], srv.docs[1]));
  CHECK_OK(weft_sync_session_remove_doc(l.client, S("b")));
  CHECK_OK(weft_sync_session_remove_doc(l.client, S("never-added")));
  append_text(docs[1], "local");
  run(&l, &now, 100);
  CHECK(!same_json(docs[1], srv.docs[1]));

  /* close says goodbye and stays closed. */
  CHECK_OK(weft_sync_session_close(l.client, now));
  pump(&l, now);
  CHECK(state_of(l.client) == WEFT_SYNC_CLOSED);
  weft_doc* extra = NULL;
  REQUIRE_OK(weft_doc_new_with(1, S("c"), NULL, 0, &extra));
  CHECK_STATUS(weft_sync_session_add_doc(l.client, extra, NULL), WEFT_ERR_INVALID_ARGUMENT);
  weft_doc_free(extra);

  teardown(&l, docs, &srv);
  weft_presence_free(presence);
}

/* Garbage and damaged messages are refused with a status, and nothing of
 * them is applied. */
static void test_garbage(void) {
  server_side srv;
  weft_doc* docs[N_DOCS];
  link l;
  setup(&srv, 0, docs, NULL, &l, N_DOCS);
  append_text(docs[0], "abc");
  int64_t now = 0;
  CHECK_OK(weft_sync_session_start(l.client, now));
  run(&l, &now, 200);
  CHECK(state_of(l.client) == WEFT_SYNC_LIVE);

  /* A delta, cut short on its way down. */
  append_text(srv.docs[0], "xyz");
  CHECK_OK(weft_sync_session_tick(l.server, now + 1000));
  REQUIRE(pipe_size(&l.down) >= 1);
  pipe_msg m;
  REQUIRE(pipe_pop(&l.down, &m));
  const uint64_t before = op_count(docs[0]);
  CHECK(weft_sync_session_receive(l.client, m.data, m.len / 2, now) != WEFT_OK);
  CHECK(op_count(docs[0]) == before);
  free(m.data);
  pipe_clear(&l.down);

  static const uint8_t garbage[] = {0x00, 0x01, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};
  CHECK(weft_sync_session_receive(l.client, garbage, sizeof garbage, now) != WEFT_OK);
  CHECK(strlen(weft_sync_session_last_error(l.client)) > 0);
  CHECK(op_count(docs[0]) == before);
  CHECK_STATUS(weft_sync_session_receive(l.client, NULL, 4, now), WEFT_ERR_NULL_ARGUMENT);

  /* The server refuses garbage too: it tells the peer, reports the error
   * and asks to close; the client then reconnects and catches up. */
  const uint64_t server_ops = op_count(srv.docs[0]);
  CHECK(weft_sync_session_receive(l.server, garbage, sizeof garbage, now) != WEFT_OK);
  CHECK(l.server_errors == 1);
  CHECK(l.close_asked);
  CHECK(op_count(srv.docs[0]) == server_ops);
  run(&l, &now, 1000);
  CHECK(l.connects == 2);
  CHECK(state_of(l.client) == WEFT_SYNC_LIVE);
  CHECK(same_json(docs[0], srv.docs[0]));

  teardown(&l, docs, &srv);
}

/* The authorization hook makes "b" read-only for the client: the client
 * keeps its edits local, and the server refuses the edits a reader sends
 * anyway (here: deltas the client sent while it could write, replayed). */
static void test_reader_refused(void) {
  server_side srv;
  weft_doc* docs[N_DOCS];
  link l;
  setup(&srv, 0, docs, NULL, &l, N_DOCS);
  int64_t now = 0;
  CHECK_OK(weft_sync_session_start(l.client, now));
  run(&l, &now, 200);
  CHECK(state_of(l.client) == WEFT_SYNC_LIVE);

  /* An edit of "b" whose delta is captured and lost on the way. */
  l.drop_up = l.capture_up = 1;
  append_text(docs[1], "mine");
  run(&l, &now, 100);
  l.drop_up = l.capture_up = 0;
  CHECK(pipe_size(&l.captured) >= 1);
  drop(&l, now);

  srv.roles[1] = WEFT_SYNC_ROLE_READ;
  append_text(srv.docs[1], "theirs");
  run(&l, &now, 1000);
  CHECK(state_of(l.client) == WEFT_SYNC_LIVE);
  int32_t role = -1;
  CHECK_OK(weft_sync_session_role(l.client, S("b"), &role));
  CHECK(role == WEFT_SYNC_ROLE_READ);
  CHECK_OK(weft_sync_session_role(l.server, S("b"), &role));
  CHECK(role == WEFT_SYNC_ROLE_READ);
  CHECK_OK(weft_sync_session_role(l.client, S("a"), &role));
  CHECK(role == WEFT_SYNC_ROLE_WRITE);
  /* The reader got the server's edit and kept its own. */
  CHECK(body_is(srv.docs[1], "theirs"));
  CHECK(op_count(docs[1]) == 10);

  /* Replayed on the reader's connection, the deltas are refused. */
  const uint64_t server_ops = op_count(srv.docs[1]);
  int refused = 0;
  pipe_msg m;
  while (pipe_pop(&l.captured, &m)) {
    weft_status s = weft_sync_session_receive(l.server, m.data, m.len, now);
    if (s != WEFT_OK) {
      ++refused;
      CHECK(s == WEFT_ERR_INVALID_ARGUMENT);
    }
    free(m.data);
  }
  CHECK(refused >= 1);
  CHECK(l.server_errors >= 1);
  CHECK(strncmp(l.server_error_text, "read_only", 9) == 0);
  CHECK(l.server_error_status == WEFT_ERR_INVALID_ARGUMENT);
  CHECK(op_count(srv.docs[1]) == server_ops);

  teardown(&l, docs, &srv);
}

/* Acks never claim more than the durable hook says is stored. */
static void test_durable(void) {
  server_side srv;
  weft_doc* docs[N_DOCS];
  link l;
  setup(&srv, 1, docs, NULL, &l, 1);
  append_text(docs[0], "four");
  int64_t now = 0;
  CHECK_OK(weft_sync_session_start(l.client, now));
  run(&l, &now, 300);
  CHECK(same_json(docs[0], srv.docs[0]));
  weft_bytes ack = WEFT_BYTES_INIT;
  size_t n = 9;
  CHECK_OK(weft_sync_session_acknowledged(l.client, S("a"), &ack));
  CHECK_OK(weft_version_decode(ack.data, ack.len, NULL, 0, &n));
  CHECK(n == 0);
  weft_bytes_free(&ack);

  /* Stored now: the resend is acknowledged. */
  srv.durable[0].replica = 1;
  srv.durable[0].count = 4;
  srv.n_durable = 1;
  run(&l, &now, 3000);
  weft_version_entry e[2];
  CHECK_OK(weft_sync_session_acknowledged(l.client, S("a"), &ack));
  CHECK_OK(weft_version_decode(ack.data, ack.len, e, 2, &n));
  CHECK(n == 1 && e[0].replica == 1 && e[0].count == 4);
  weft_bytes_free(&ack);
  uint64_t resent = 0;
  CHECK_OK(weft_sync_session_stat(l.client, WEFT_SYNC_STAT_RESENT, &resent));
  CHECK(resent > 0);

  teardown(&l, docs, &srv);
}

/* A session keeps the documents and presences it was given alive. */
static void test_lifetime(void) {
  server_side srv;
  weft_doc* docs[N_DOCS];
  weft_presence* presence = NULL;
  link l;
  setup(&srv, 0, docs, &presence, &l, N_DOCS);
  append_text(docs[0], "kept");
  CHECK_STATUS(weft_sync_session_add_doc(l.client, docs[0], NULL), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_session_add_doc(l.client, NULL, NULL), WEFT_ERR_NULL_ARGUMENT);
  weft_doc_free(docs[0]);
  weft_doc_free(docs[1]);
  CHECK_OK(weft_presence_set_field(presence, WEFT_PRESENCE_NAME, S("bob"), 0));
  weft_presence_free(presence);

  int64_t now = 0;
  CHECK_OK(weft_sync_session_start(l.client, now));
  run(&l, &now, 300);
  CHECK(body_is(srv.docs[0], "kept"));
  weft_bytes name = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_get_field(srv.presences[0], 1, WEFT_PRESENCE_NAME, &name));
  CHECK_BYTES(name, "bob");
  weft_bytes_free(&name);

  /* The server's documents outlive the application's handles too. */
  weft_doc_free(srv.docs[0]);
  srv.docs[0] = NULL;
  run(&l, &now, 100);
  link_free(&l);
  server_free(&srv);
}

/* Callbacks may not call back into their session, except disconnected from
 * close; a free from inside is deferred. */
typedef struct reentry {
  weft_sync_session* s;
  weft_status tick_status;
  weft_status disconnected_status;
  int closes;
  int free_on_closed;
} reentry;

static void reentry_state(void* user_data, int32_t state) {
  reentry* r = (reentry*)user_data;
  r->tick_status = weft_sync_session_tick(r->s, 0);
  if (state == WEFT_SYNC_CLOSED && r->free_on_closed) weft_sync_session_free(r->s);
}
static void reentry_close(void* user_data) {
  reentry* r = (reentry*)user_data;
  ++r->closes;
  r->disconnected_status = weft_sync_session_disconnected(r->s, 0);
}
static void reentry_connect(void* user_data) {
  reentry* r = (reentry*)user_data;
  r->tick_status = weft_sync_session_set_connect(r->s, NULL, NULL);
}

static void test_reentry(void) {
  weft_sync_options* o = NULL;
  REQUIRE_OK(weft_sync_options_new(WEFT_SYNC_CLIENT, &o));
  reentry r = {NULL, WEFT_OK, WEFT_ERR_INTERNAL, 0, 0};
  REQUIRE_OK(weft_sync_session_new(o, &r.s));
  CHECK_OK(weft_sync_session_set_state(r.s, reentry_state, &r));
  CHECK_OK(weft_sync_session_set_close(r.s, reentry_close, &r));
  CHECK_OK(weft_sync_session_set_connect(r.s, reentry_connect, &r));
  CHECK_OK(weft_sync_session_start(r.s, 0));
  CHECK(r.tick_status == WEFT_ERR_INVALID_STATE);
  CHECK(state_of(r.s) == WEFT_SYNC_CONNECTING);
  CHECK_OK(weft_sync_session_connected(r.s, 0));
  CHECK(state_of(r.s) == WEFT_SYNC_HANDSHAKING);
  /* close asks the transport to close; it reports it at once. */
  r.free_on_closed = 1;
  CHECK_OK(weft_sync_session_close(r.s, 10));
  CHECK(r.closes == 1);
  CHECK(r.disconnected_status == WEFT_OK);
  /* r.s is gone now (freed by the state callback when close returned). */
  weft_sync_options_free(o);
}

int main(void) {
  RUN(test_options);
  RUN(test_sync_and_reconnect);
  RUN(test_garbage);
  RUN(test_reader_refused);
  RUN(test_durable);
  RUN(test_lifetime);
  RUN(test_reentry);
  return check_result();
}
