/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/relay_test.c
 * -----------------------------------------------------------------------------
 *
 * weft_sync_relay through weft.h: a relay written in C serves client
 * sessions over in-memory pipes (sync_support.h). Users come from the
 * authentication hook and roles from the authorization hook; a writer's
 * edits and presence reach a reader, the reader's edits do not reach the
 * relay, an unknown user gets nothing, and (natively) a relay with a
 * storage directory restores its documents. */

#define _XOPEN_SOURCE 700 /* mkdtemp */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sync_support.h"

#ifndef __EMSCRIPTEN__
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>
#endif

#define MAX_CLIENTS 4

typedef struct client {
  weft_sync_session* s;
  weft_doc* doc;
  weft_presence* presence;
  uint64_t conn; /* 0: not connected */
  pipe_queue up, down;
  int connect_asked, close_asked;
} client;

typedef struct world {
  weft_sync_relay* relay;
  client clients[MAX_CLIENTS];
  int n;
  int relay_closes;
} world;

static client* by_conn(world* w, uint64_t conn) {
  for (int i = 0; i < w->n; ++i) {
    if (w->clients[i].conn == conn) return &w->clients[i];
  }
  return NULL;
}

/* Relay side. */
static bool authenticate(void* user_data, const weft_sync_peer* peer, const char** user,
                         size_t* user_len) {
  (void)user_data;
  const char* cred = NULL;
  size_t len = 0;
  if (weft_sync_peer_credentials(peer, &cred, &len) != WEFT_OK) return false;
  if (len == 11 && memcmp(cred, "alice-token", 11) == 0) {
    *user = "alice";
    *user_len = 5;
    return true;
  }
  if (len == 9 && memcmp(cred, "bob-token", 9) == 0) {
    *user = "bob";
    *user_len = 3;
    return true;
  }
  return false;
}

static int32_t authorize(void* user_data, const char* user, size_t user_len, const char* doc_id,
                         size_t doc_id_len) {
  (void)user_data, (void)doc_id, (void)doc_id_len;
  return user_len == 3 && memcmp(user, "bob", 3) == 0 ? WEFT_SYNC_ROLE_READ
                                                      : WEFT_SYNC_ROLE_WRITE;
}

static void relay_send(void* user_data, uint64_t conn, const uint8_t* data, size_t len) {
  client* c = by_conn((world*)user_data, conn);
  if (c != NULL) pipe_push(&c->down, data, len);
}

static void relay_close(void* user_data, uint64_t conn) {
  world* w = (world*)user_data;
  client* c = by_conn(w, conn);
  ++w->relay_closes;
  if (c != NULL) c->close_asked = 1;
}

/* Client side. */
static void client_send(void* user_data, const uint8_t* data, size_t len) {
  pipe_push(&((client*)user_data)->up, data, len);
}
static void client_connect(void* user_data) { ((client*)user_data)->connect_asked = 1; }
static void client_close(void* user_data) { ((client*)user_data)->close_asked = 1; }

static weft_sync_relay* make_relay(world* w, const char* dir) {
  const uint64_t opts[] = {WEFT_SYNC_RELAY_OPT_REPLICA, 0x77,
                           WEFT_SYNC_RELAY_OPT_PRESENCE + WEFT_PRESENCE_TIMEOUT_MS, 60000,
                           WEFT_SYNC_RELAY_OPT_STORAGE_SYNC, 0};
  weft_sync_relay* r = NULL;
  if (weft_sync_relay_new(NULL, opts, 3, dir, dir ? strlen(dir) : 0, &r) != WEFT_OK ||
      weft_sync_relay_set_authenticate(r, authenticate, w) != WEFT_OK ||
      weft_sync_relay_set_authorize(r, authorize, w) != WEFT_OK ||
      weft_sync_relay_set_send(r, relay_send, w) != WEFT_OK ||
      weft_sync_relay_set_close(r, relay_close, w) != WEFT_OK) {
    fprintf(stderr, "make_relay: %s\n", weft_last_error());
    abort();
  }
  return r;
}

static client* add_client(world* w, uint64_t replica, const char* credentials, const char* name) {
  client* c = &w->clients[w->n++];
  memset(c, 0, sizeof *c);
  weft_sync_options* o = NULL;
  if (weft_doc_new_with(replica, S("notes"), NULL, 0, &c->doc) != WEFT_OK ||
      weft_presence_new(replica, NULL, 0, &c->presence) != WEFT_OK ||
      weft_presence_set_field(c->presence, WEFT_PRESENCE_NAME, name, strlen(name), 0) !=
          WEFT_OK ||
      weft_sync_options_new(WEFT_SYNC_CLIENT, &o) != WEFT_OK ||
      weft_sync_options_set(o, WEFT_SYNC_OPT_BACKOFF_SEED, replica) != WEFT_OK ||
      weft_sync_options_set_credentials(o, credentials, strlen(credentials)) != WEFT_OK ||
      weft_sync_session_new(o, &c->s) != WEFT_OK ||
      weft_sync_session_set_send(c->s, client_send, c) != WEFT_OK ||
      weft_sync_session_set_connect(c->s, client_connect, c) != WEFT_OK ||
      weft_sync_session_set_close(c->s, client_close, c) != WEFT_OK ||
      weft_sync_session_add_doc(c->s, c->doc, c->presence) != WEFT_OK) {
    abort();
  }
  weft_sync_options_free(o);
  return c;
}

static void free_clients(world* w) {
  for (int i = 0; i < w->n; ++i) {
    client* c = &w->clients[i];
    weft_sync_session_free(c->s);
    weft_doc_free(c->doc);
    weft_presence_free(c->presence);
    pipe_free(&c->up);
    pipe_free(&c->down);
  }
  w->n = 0;
}

/* pump connects, closes and delivers until every pipe is empty. */
static void pump(world* w, int64_t now) {
  for (int round = 0; round < 100000; ++round) {
    int busy = 0;
    for (int i = 0; i < w->n; ++i) {
      client* c = &w->clients[i];
      pipe_msg m;
      if (c->close_asked) {
        c->close_asked = 0;
        pipe_clear(&c->up);
        pipe_clear(&c->down);
        if (c->conn != 0) CHECK_OK(weft_sync_relay_disconnected(w->relay, c->conn, now));
        c->conn = 0;
        CHECK_OK(weft_sync_session_disconnected(c->s, now));
        busy = 1;
      } else if (c->connect_asked) {
        c->connect_asked = 0;
        CHECK_OK(weft_sync_relay_accept(w->relay, now, &c->conn));
        CHECK_OK(weft_sync_session_connected(c->s, now));
        busy = 1;
      } else if (pipe_pop(&c->up, &m)) {
        if (c->conn != 0) (void)weft_sync_relay_receive(w->relay, c->conn, m.data, m.len, now);
        free(m.data);
        busy = 1;
      } else if (pipe_pop(&c->down, &m)) {
        (void)weft_sync_session_receive(c->s, m.data, m.len, now);
        free(m.data);
        busy = 1;
      }
    }
    if (!busy) return;
  }
  CHECK(!"pump: never went quiet");
}

static void run(world* w, int64_t* now, int64_t ms) {
  for (int64_t t = 0; t < ms; t += 10) {
    *now += 10;
    for (int i = 0; i < w->n; ++i) CHECK_OK(weft_sync_session_tick(w->clients[i].s, *now));
    CHECK_OK(weft_sync_relay_tick(w->relay, *now));
    pump(w, *now);
  }
}

/* relay_json renders the relay's copy of a document. */
static void relay_json(const weft_sync_relay* r, const char* id, weft_bytes* out) {
  weft_bytes snap = WEFT_BYTES_INIT;
  weft_doc* d = NULL;
  if (weft_sync_relay_doc_save(r, id, strlen(id), WEFT_SNAPSHOT_FULL, &snap) != WEFT_OK ||
      weft_doc_load(snap.data, snap.len, 0x1234, NULL, 0, NULL, 0, &d) != WEFT_OK ||
      weft_doc_to_json(d, out) != WEFT_OK) {
    CHECK(!"relay_json");
  }
  weft_doc_free(d);
  weft_bytes_free(&snap);
}

static void doc_json(const weft_doc* d, weft_bytes* out) { CHECK_OK(weft_doc_to_json(d, out)); }

static int32_t session_state(const weft_sync_session* s) {
  int32_t st = -1;
  CHECK_OK(weft_sync_session_state(s, &st));
  return st;
}

static void test_relay(void) {
  world w;
  memset(&w, 0, sizeof w);
  w.relay = make_relay(&w, NULL);
  client* alice = add_client(&w, 1, "alice-token", "Alice");
  client* bob = add_client(&w, 2, "bob-token", "Bob");
  int64_t now = 0;
  CHECK_OK(weft_sync_session_start(alice->s, now));
  CHECK_OK(weft_sync_session_start(bob->s, now));
  append_text(alice->doc, "from alice");
  run(&w, &now, 300);
  CHECK(session_state(alice->s) == WEFT_SYNC_LIVE);
  CHECK(session_state(bob->s) == WEFT_SYNC_LIVE);

  /* The writer's edit reached the relay and the reader. */
  weft_bytes ja = WEFT_BYTES_INIT, jb = WEFT_BYTES_INIT, jr = WEFT_BYTES_INIT;
  doc_json(alice->doc, &ja);
  doc_json(bob->doc, &jb);
  relay_json(w.relay, "notes", &jr);
  CHECK_BYTES(ja, "{\"body\":\"from alice\"}");
  CHECK_BYTES(jb, "{\"body\":\"from alice\"}");
  CHECK_BYTES(jr, "{\"body\":\"from alice\"}");
  weft_bytes_free(&ja);
  weft_bytes_free(&jb);
  weft_bytes_free(&jr);

  /* So did the writer's presence. */
  weft_bytes name = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_get_field(bob->presence, 1, WEFT_PRESENCE_NAME, &name));
  CHECK_BYTES(name, "Alice");
  weft_bytes_free(&name);

  /* The reader's edit stays with the reader. */
  append_text(bob->doc, " and bob");
  run(&w, &now, 300);
  relay_json(w.relay, "notes", &jr);
  CHECK_BYTES(jr, "{\"body\":\"from alice\"}");
  weft_bytes_free(&jr);

  /* Inspection. */
  int32_t v = -1;
  CHECK_OK(weft_sync_session_role(bob->s, S("notes"), &v));
  CHECK(v == WEFT_SYNC_ROLE_READ);
  CHECK_OK(weft_sync_relay_connection_role(w.relay, alice->conn, S("notes"), &v));
  CHECK(v == WEFT_SYNC_ROLE_WRITE);
  CHECK_OK(weft_sync_relay_connection_role(w.relay, bob->conn, S("notes"), &v));
  CHECK(v == WEFT_SYNC_ROLE_READ);
  CHECK_OK(weft_sync_relay_connection_state(w.relay, alice->conn, &v));
  CHECK(v == WEFT_SYNC_LIVE);
  CHECK_STATUS(weft_sync_relay_connection_state(w.relay, 999, &v), WEFT_ERR_NOT_FOUND);
  CHECK_STATUS(weft_sync_relay_connection_role(w.relay, 999, S("notes"), &v), WEFT_ERR_NOT_FOUND);
  uint64_t conns[4];
  size_t n = 0;
  CHECK_OK(weft_sync_relay_connections(w.relay, NULL, 0, &n));
  CHECK(n == 2);
  CHECK_OK(weft_sync_relay_connections(w.relay, conns, 4, &n));
  CHECK((conns[0] == alice->conn && conns[1] == bob->conn));
  weft_bytes user = WEFT_BYTES_INIT;
  CHECK_OK(weft_sync_relay_user_of(w.relay, 1, &user));
  CHECK_BYTES(user, "alice");
  weft_bytes_free(&user);
  /* A replica is bound once its user authored under it: a reader never does. */
  CHECK_STATUS(weft_sync_relay_user_of(w.relay, 2, &user), WEFT_ERR_NOT_FOUND);
  CHECK_STATUS(weft_sync_relay_user_of(w.relay, 555, &user), WEFT_ERR_NOT_FOUND);
  CHECK(strlen(weft_sync_relay_last_error(w.relay)) > 0);
  CHECK_STATUS(weft_sync_relay_doc_save(w.relay, S("missing"), WEFT_SNAPSHOT_FULL, &user),
               WEFT_ERR_NOT_FOUND);
  CHECK_STATUS(weft_sync_relay_doc_save(w.relay, S("notes"), 9, &user), WEFT_ERR_INVALID_ARGUMENT);

  /* An unknown user gets nothing. */
  client* mallory = add_client(&w, 3, "guess", "Mallory");
  CHECK_OK(weft_sync_session_start(mallory->s, now));
  run(&w, &now, 200);
  CHECK_OK(weft_sync_session_role(mallory->s, S("notes"), &v));
  CHECK(v == WEFT_SYNC_ROLE_NONE);
  uint64_t stat = 0;
  CHECK_OK(weft_sync_relay_stat(w.relay, WEFT_SYNC_RELAY_STAT_DENIED, &stat));
  CHECK(stat >= 1);
  CHECK_OK(weft_sync_relay_stat(w.relay, WEFT_SYNC_RELAY_STAT_ACCEPTED, &stat));
  CHECK(stat == 3);
  CHECK_OK(weft_sync_relay_stat(w.relay, WEFT_SYNC_RELAY_STAT_DOCS_CREATED, &stat));
  CHECK(stat == 1);
  for (int32_t k = WEFT_SYNC_RELAY_STAT_MESSAGES_RECEIVED; k <= WEFT_SYNC_RELAY_STAT_BYTES_SENT;
       ++k) {
    CHECK_OK(weft_sync_relay_stat(w.relay, k, &stat));
    CHECK(stat > 0);
  }
  CHECK_OK(weft_sync_relay_stat(w.relay, WEFT_SYNC_RELAY_STAT_DOCS_RESTORED, &stat));
  CHECK(stat == 0);
  CHECK_OK(weft_sync_relay_stat(w.relay, WEFT_SYNC_RELAY_STAT_STORAGE_FAILURES, &stat));
  CHECK(stat == 0);
  CHECK_STATUS(weft_sync_relay_stat(w.relay, 77, &stat), WEFT_ERR_INVALID_ARGUMENT);

  /* Garbage: refused, counted, nothing applied; the connection closes. */
  static const uint8_t garbage[] = {1, 2, 3, 4, 5};
  CHECK(weft_sync_relay_receive(w.relay, alice->conn, garbage, sizeof garbage, now) != WEFT_OK);
  CHECK_OK(weft_sync_relay_stat(w.relay, WEFT_SYNC_RELAY_STAT_REFUSED, &stat));
  CHECK(stat == 1);
  CHECK(w.relay_closes >= 1);
  CHECK_STATUS(weft_sync_relay_receive(w.relay, 999, garbage, sizeof garbage, now),
               WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_relay_receive(w.relay, alice->conn, NULL, 3, now),
               WEFT_ERR_NULL_ARGUMENT);
  CHECK_OK(weft_sync_relay_disconnected(w.relay, 999, now));
  run(&w, &now, 2000);
  append_text(alice->doc, "!");
  run(&w, &now, 300);
  doc_json(bob->doc, &jb);
  CHECK_BYTES(jb, "{\"body\":\"from alice! and bob\"}");
  weft_bytes_free(&jb);
  relay_json(w.relay, "notes", &jr);
  CHECK_BYTES(jr, "{\"body\":\"from alice!\"}");
  weft_bytes_free(&jr);

  /* A document the application hosts. */
  weft_doc* hosted = NULL;
  REQUIRE_OK(weft_doc_new_with(0x77, S("hosted"), NULL, 0, &hosted));
  CHECK_OK(weft_sync_relay_host(w.relay, hosted, NULL));
  CHECK_STATUS(weft_sync_relay_host(w.relay, hosted, NULL), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_relay_host(w.relay, NULL, NULL), WEFT_ERR_NULL_ARGUMENT);
  weft_doc_free(hosted); /* the relay keeps it */
  weft_value_list ids = {NULL, 0};
  CHECK_OK(weft_sync_relay_doc_ids(w.relay, &ids));
  CHECK(ids.len == 2 && ids.items[0].kind == WEFT_VALUE_STRING && ids.items[0].len == 6 &&
        memcmp(ids.items[0].data, "hosted", 6) == 0 && ids.items[1].len == 5);
  weft_value_list_free(&ids);

  free_clients(&w);
  weft_sync_relay_free(w.relay);
  weft_sync_relay_free(NULL);
}

static void test_relay_options(void) {
  weft_sync_relay* r = NULL;
  const uint64_t bad[] = {WEFT_SYNC_RELAY_OPT_MAX_DOCS, 0};
  CHECK_STATUS(weft_sync_relay_new(NULL, bad, 1, NULL, 0, &r), WEFT_ERR_INVALID_ARGUMENT);
  const uint64_t unknown[] = {12345, 1};
  CHECK_STATUS(weft_sync_relay_new(NULL, unknown, 1, NULL, 0, &r), WEFT_ERR_INVALID_ARGUMENT);
  const uint64_t bad_presence[] = {WEFT_SYNC_RELAY_OPT_PRESENCE + 99, 1};
  CHECK_STATUS(weft_sync_relay_new(NULL, bad_presence, 1, NULL, 0, &r),
               WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_sync_relay_new(NULL, NULL, 1, NULL, 0, &r), WEFT_ERR_NULL_ARGUMENT);
  CHECK(r == NULL);
  /* A session template and every relay option. */
  weft_sync_options* o = NULL;
  REQUIRE_OK(weft_sync_options_new(WEFT_SYNC_SERVER, &o));
  CHECK_OK(weft_sync_options_set(o, WEFT_SYNC_OPT_HEARTBEAT_MS, 1000));
  const uint64_t all[] = {WEFT_SYNC_RELAY_OPT_MAX_DOCS, 10,
                          WEFT_SYNC_RELAY_OPT_MAX_DOC_ID_BYTES, 64,
                          WEFT_SYNC_RELAY_OPT_MAX_BINDINGS, 100,
                          WEFT_SYNC_RELAY_OPT_DOC_MAX_OPS, 1000000,
                          WEFT_SYNC_RELAY_OPT_DOC_MAX_PENDING_OPS, 1000,
                          WEFT_SYNC_RELAY_OPT_COMPACT_RECORDS, 10,
                          WEFT_SYNC_RELAY_OPT_COMPACT_BYTES, 0};
  CHECK_OK(weft_sync_relay_new(o, all, 7, NULL, 0, &r));
  weft_sync_options_free(o);
  weft_sync_relay_free(r);
}

/* The close callback may report the close at once and free the relay
 * (deferred); any other call from inside is refused. */
typedef struct relay_reentry {
  weft_sync_relay* r;
  weft_status tick, disconnected;
  int closes;
} relay_reentry;

static void reentry_close(void* user_data, uint64_t conn) {
  relay_reentry* x = (relay_reentry*)user_data;
  ++x->closes;
  x->tick = weft_sync_relay_tick(x->r, 0);
  x->disconnected = weft_sync_relay_disconnected(x->r, conn, 0);
  weft_sync_relay_free(x->r);
}

static void test_relay_reentry(void) {
  relay_reentry x = {NULL, WEFT_OK, WEFT_ERR_INTERNAL, 0};
  REQUIRE_OK(weft_sync_relay_new(NULL, NULL, 0, NULL, 0, &x.r));
  CHECK_OK(weft_sync_relay_set_close(x.r, reentry_close, &x));
  uint64_t conn = 0;
  CHECK_OK(weft_sync_relay_accept(x.r, 0, &conn));
  static const uint8_t garbage[] = {1, 2, 3, 4, 5};
  CHECK(weft_sync_relay_receive(x.r, conn, garbage, sizeof garbage, 0) != WEFT_OK);
  CHECK(x.closes == 1);
  CHECK(x.tick == WEFT_ERR_INVALID_STATE);
  CHECK(x.disconnected == WEFT_OK);
  /* x.r is gone: freed when receive returned. */
}

#ifndef __EMSCRIPTEN__
static void remove_dir(const char* dir) {
  DIR* d = opendir(dir);
  if (d == NULL) return;
  struct dirent* e;
  char path[512];
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

/* A relay with a storage directory restores what it stored. */
static void test_relay_storage(void) {
  char dir[] = "/tmp/weft-c-relay-XXXXXX";
  REQUIRE(mkdtemp(dir) != NULL);
  world w;
  memset(&w, 0, sizeof w);
  w.relay = make_relay(&w, dir);
  client* alice = add_client(&w, 1, "alice-token", "Alice");
  int64_t now = 0;
  CHECK_OK(weft_sync_session_start(alice->s, now));
  append_text(alice->doc, "stored");
  run(&w, &now, 300);

  /* One relay per directory at a time. */
  weft_sync_relay* second = NULL;
  CHECK_STATUS(weft_sync_relay_new(NULL, NULL, 0, dir, strlen(dir), &second),
               WEFT_ERR_IO_ERROR);
  free_clients(&w);
  weft_sync_relay_free(w.relay);

  w.relay = make_relay(&w, dir);
  uint64_t restored = 0;
  CHECK_OK(weft_sync_relay_stat(w.relay, WEFT_SYNC_RELAY_STAT_DOCS_RESTORED, &restored));
  CHECK(restored == 1);
  weft_bytes jr = WEFT_BYTES_INIT;
  relay_json(w.relay, "notes", &jr);
  CHECK_BYTES(jr, "{\"body\":\"stored\"}");
  weft_bytes_free(&jr);
  weft_bytes user = WEFT_BYTES_INIT;
  CHECK_OK(weft_sync_relay_user_of(w.relay, 1, &user));
  CHECK_BYTES(user, "alice");
  weft_bytes_free(&user);
  weft_sync_relay_free(w.relay);
  remove_dir(dir);
}
#endif

int main(void) {
  RUN(test_relay);
  RUN(test_relay_options);
  RUN(test_relay_reentry);
#ifndef __EMSCRIPTEN__
  RUN(test_relay_storage);
#endif
  return check_result();
}
