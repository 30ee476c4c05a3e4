/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/presence_test.c
 * -----------------------------------------------------------------------------
 *
 * weft_presence through weft.h: two clients exchange updates as bytes, see
 * each other's fields and cursors, observe joins and leaves, and refuse bad
 * input with a status. */

#include <stdint.h>
#include <stdlib.h>

#include "check.h"

typedef struct {
  int joined, updated, left, timed_out;
  uint64_t last_client;
} presence_log;

static void on_presence(void* user_data, int32_t change, uint64_t client, bool timed_out) {
  presence_log* log = (presence_log*)user_data;
  log->last_client = client;
  if (change == WEFT_PRESENCE_JOINED) ++log->joined;
  if (change == WEFT_PRESENCE_UPDATED) ++log->updated;
  if (change == WEFT_PRESENCE_LEFT) ++log->left;
  if (timed_out) ++log->timed_out;
}

/* send moves what `from` has to say to `to`; returns the status of apply
 * (WEFT_OK when there was nothing). */
static weft_status send(weft_presence* from, weft_presence* to, int64_t now) {
  weft_bytes b = WEFT_BYTES_INIT;
  weft_status s = weft_presence_take_updates(from, &b);
  if (s == WEFT_OK && b.len > 0) s = weft_presence_apply(to, b.data, b.len, now);
  weft_bytes_free(&b);
  return s;
}

static void test_two_clients(void) {
  const uint64_t opts[] = {WEFT_PRESENCE_HEARTBEAT_MS, 1000, WEFT_PRESENCE_TIMEOUT_MS, 3000};
  weft_presence *a = NULL, *b = NULL;
  REQUIRE_OK(weft_presence_new(1, opts, 2, &a));
  REQUIRE_OK(weft_presence_new(2, opts, 2, &b));
  uint64_t self = 0, clock = 9;
  CHECK_OK(weft_presence_self(a, &self));
  CHECK(self == 1);
  CHECK_OK(weft_presence_clock(a, &clock));
  CHECK(clock == 0);

  presence_log log = {0};
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_presence_observe(b, on_presence, &log, &sub));

  CHECK_OK(weft_presence_set_field(a, WEFT_PRESENCE_NAME, S("Ada"), 0));
  CHECK_OK(weft_presence_set_field(a, WEFT_PRESENCE_COLOR, S("#f0a"), 0));
  CHECK_OK(weft_presence_set_field(a, WEFT_PRESENCE_USER_ID, S("u1"), 0));
  CHECK_OK(weft_presence_set_field(a, WEFT_PRESENCE_AVATAR_URL, S("https://a/1.png"), 0));
  CHECK_OK(weft_presence_set_custom(a, S("mode"), S("edit"), 0));
  CHECK_OK(send(a, b, 0));
  CHECK(log.joined == 1 && log.last_client == 1);

  size_t n = 0;
  uint64_t clients[4] = {0};
  CHECK_OK(weft_presence_clients(b, clients, 4, &n));
  CHECK(n == 1 && clients[0] == 1);
  CHECK_OK(weft_presence_clients(a, NULL, 0, &n));
  CHECK(n == 0);
  weft_bytes v = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_get_field(b, 1, WEFT_PRESENCE_NAME, &v));
  CHECK_BYTES(v, "Ada");
  weft_bytes_free(&v);
  CHECK_OK(weft_presence_get_custom(b, 1, S("mode"), &v));
  CHECK_BYTES(v, "edit");
  weft_bytes_free(&v);
  CHECK_STATUS(weft_presence_get_custom(b, 1, S("nope"), &v), WEFT_ERR_NOT_FOUND);
  CHECK_STATUS(weft_presence_get_field(b, 3, WEFT_PRESENCE_NAME, &v), WEFT_ERR_NOT_FOUND);
  CHECK_STATUS(weft_presence_get_field(b, 1, 17, &v), WEFT_ERR_INVALID_ARGUMENT);
  CHECK(strlen(weft_presence_last_error(b)) > 0);
  /* The local entry reads through self. */
  CHECK_OK(weft_presence_get_field(a, 1, WEFT_PRESENCE_COLOR, &v));
  CHECK_BYTES(v, "#f0a");
  weft_bytes_free(&v);

  /* A cursor in a shared text, resolved against a document. */
  weft_doc* d = NULL;
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_new_with(1, S("doc"), NULL, 0, &d));
  REQUIRE_OK(weft_doc_get_text(d, S("body"), &t));
  CHECK_OK(weft_text_insert(t, 0, S("hello world")));
  weft_anchor an = {0}, hd = {0};
  CHECK_OK(weft_text_anchor_at(t, 6, WEFT_AFFINITY_RIGHT, &an));
  CHECK_OK(weft_text_anchor_at(t, 11, WEFT_AFFINITY_LEFT, &hd));
  CHECK_OK(weft_presence_set_cursor(a, S("body"), &an, &hd, 10));
  CHECK_OK(send(a, b, 10));
  CHECK(log.updated == 1);
  weft_anchor ra = {0}, rh = {0};
  CHECK_OK(weft_presence_get_cursor(b, 1, &v, &ra, &rh));
  CHECK_BYTES(v, "body");
  weft_bytes_free(&v);
  CHECK(ra.replica == an.replica && ra.seq == an.seq && rh.seq == hd.seq);
  CHECK_OK(weft_text_insert(t, 0, S(">> ")));
  size_t pa = 0, ph = 0;
  CHECK_OK(weft_presence_resolve_cursor(d, S("body"), &ra, &rh, &pa, &ph));
  CHECK(pa == 9 && ph == 14);
  weft_anchor bad = {5, 5, 1, WEFT_AFFINITY_LEFT};
  CHECK_STATUS(weft_presence_resolve_cursor(d, S("body"), &bad, &rh, &pa, &ph),
               WEFT_ERR_UNKNOWN_ID);
  CHECK_STATUS(weft_presence_resolve_cursor(d, S("body"), NULL, &rh, &pa, &ph),
               WEFT_ERR_NULL_ARGUMENT);

  weft_bytes j = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_to_json(b, 1, &j));
  CHECK(strstr((const char*)j.data, "\"name\":\"Ada\"") != NULL);
  CHECK(strstr((const char*)j.data, "\"custom\":{\"mode\":\"edit\"}") != NULL);
  CHECK(strstr((const char*)j.data, "\"cursor\":{\"text\":\"body\"") != NULL);
  weft_bytes_free(&j);
  CHECK_STATUS(weft_presence_to_json(b, 42, &j), WEFT_ERR_NOT_FOUND);

  /* Clearing the cursor and a custom key. */
  CHECK_OK(weft_presence_set_cursor(a, NULL, 0, NULL, NULL, 20));
  CHECK_OK(weft_presence_set_custom(a, S("mode"), NULL, 0, 20));
  CHECK_OK(send(a, b, 20));
  CHECK_STATUS(weft_presence_get_cursor(b, 1, &v, &ra, &rh), WEFT_ERR_NOT_FOUND);
  CHECK_STATUS(weft_presence_get_custom(b, 1, S("mode"), &v), WEFT_ERR_NOT_FOUND);

  /* A newcomer catches up from full_updates. */
  weft_presence* c = NULL;
  REQUIRE_OK(weft_presence_new(3, NULL, 0, &c));
  weft_bytes full = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_full_updates(b, &full));
  CHECK_OK(weft_presence_apply(c, full.data, full.len, 30));
  weft_bytes_free(&full);
  CHECK_OK(weft_presence_clients(c, clients, 4, &n));
  CHECK(n == 1 && clients[0] == 1); /* b has announced nothing itself */

  /* Nothing new: take_updates returns no bytes. */
  weft_bytes none = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_take_updates(a, &none));
  CHECK(none.len == 0 && none.data != NULL);
  weft_bytes_free(&none);

  /* Heartbeats keep an entry; silence expires it. */
  CHECK_OK(weft_presence_tick(a, 1500));
  CHECK_OK(send(a, b, 1500));
  CHECK_OK(weft_presence_tick(b, 4000));
  CHECK(log.left == 0);
  CHECK_OK(weft_presence_tick(b, 5000));
  CHECK(log.left == 1 && log.timed_out == 1);

  /* A patch onto an entry b dropped waits for the next heartbeat (a full
   * update) to bring it back. */
  CHECK_OK(weft_presence_set_field(a, WEFT_PRESENCE_NAME, S("Ada L."), 6000));
  CHECK_OK(send(a, b, 6000));
  CHECK_OK(weft_presence_tick(a, 7100));
  CHECK_OK(send(a, b, 7100));
  CHECK(log.joined == 2);
  CHECK_OK(weft_presence_get_field(b, 1, WEFT_PRESENCE_NAME, &v));
  CHECK_BYTES(v, "Ada L.");
  weft_bytes_free(&v);
  /* A goodbye removes it at once. */
  CHECK_OK(weft_presence_leave(a, 7200));
  CHECK_OK(send(a, b, 7200));
  CHECK(log.left == 2 && log.timed_out == 1);
  CHECK_OK(weft_presence_clock(a, &clock));
  CHECK(clock > 1);

  weft_subscription_free(sub);
  weft_text_free(t);
  weft_doc_free(d);
  weft_presence_free(a);
  weft_presence_free(b);
  weft_presence_free(c);
}

static void test_refusals(void) {
  weft_presence* a = NULL;
  const uint64_t bad_opts[] = {WEFT_PRESENCE_TIMEOUT_MS, 0};
  const uint64_t unknown[] = {99, 1};
  /* Refused, not an abort: the C++ constructor asserts it. */
  const uint64_t top_clock[] = {WEFT_PRESENCE_START_CLOCK, UINT64_C(1) << 63};
  CHECK_STATUS(weft_presence_new(1, top_clock, 1, &a), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_presence_new(1, bad_opts, 1, &a), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_presence_new(1, unknown, 1, &a), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_presence_new(1, NULL, 1, &a), WEFT_ERR_NULL_ARGUMENT);
  CHECK(a == NULL);
  const uint64_t small[] = {WEFT_PRESENCE_MAX_FIELD_BYTES, 4, WEFT_PRESENCE_MAX_CUSTOM_FIELDS, 8,
                            WEFT_PRESENCE_MAX_CLIENTS, 8, WEFT_PRESENCE_START_CLOCK, 100};
  weft_presence* b = NULL;
  REQUIRE_OK(weft_presence_new(2, small, 4, &b));
  REQUIRE_OK(weft_presence_new(1, NULL, 0, &a));
  CHECK_STATUS(weft_presence_set_field(a, 9, S("x"), 0), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_presence_set_field(a, WEFT_PRESENCE_NAME, "\xff", 1, 0),
               WEFT_ERR_INVALID_UTF8);
  CHECK_STATUS(weft_presence_set_field(a, WEFT_PRESENCE_NAME, NULL, 1, 0), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_presence_set_custom(a, "\xff", 1, S("v"), 0), WEFT_ERR_INVALID_UTF8);
  CHECK_STATUS(weft_presence_set_custom(a, S("k"), "\xfe", 1, 0), WEFT_ERR_INVALID_UTF8);
  weft_anchor ok = {0, 0, 0, WEFT_AFFINITY_LEFT}, bad = {0, 0, 0, 7};
  CHECK_STATUS(weft_presence_set_cursor(a, S("t"), &bad, &ok, 0), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_presence_set_cursor(a, S("t"), NULL, &ok, 0), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_presence_set_field(NULL, 0, S("x"), 0), WEFT_ERR_NULL_ARGUMENT);

  /* A name over b's field limit is refused by b; b is unchanged. */
  CHECK_OK(weft_presence_set_field(a, WEFT_PRESENCE_NAME, S("much too long"), 0));
  weft_bytes u = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_take_updates(a, &u));
  CHECK_STATUS(weft_presence_apply(b, u.data, u.len, 0), WEFT_ERR_TOO_LARGE);
  size_t n = 9;
  CHECK_OK(weft_presence_clients(b, NULL, 0, &n));
  CHECK(n == 0);
  /* b's own updates come back to it: refused, only the owner changes an
   * entry. Damaged bytes and other messages are refused too. */
  CHECK_OK(weft_presence_set_field(b, WEFT_PRESENCE_NAME, S("b"), 0));
  weft_bytes own = WEFT_BYTES_INIT;
  CHECK_OK(weft_presence_take_updates(b, &own));
  uint64_t clock = 0;
  CHECK_OK(weft_presence_clock(b, &clock));
  CHECK(clock == 101);
  CHECK_STATUS(weft_presence_apply(b, own.data, own.len, 0), WEFT_ERR_INVALID_ARGUMENT);
  for (size_t i = 0; i < u.len; ++i) {
    u.data[i] ^= 0x5a;
    /* Any status will do (a flipped byte inside a string may still be a
     * valid update); the sweep is for the sanitizers. */
    (void)weft_presence_apply(b, u.data, u.len, 0);
    u.data[i] ^= 0x5a;
  }
  weft_doc* d = NULL;
  REQUIRE_OK(weft_doc_new(&d));
  weft_bytes version = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_version(d, &version));
  CHECK_STATUS(weft_presence_apply(b, version.data, version.len, 0), WEFT_ERR_MALFORMED);
  CHECK_STATUS(weft_presence_apply(b, NULL, 3, 0), WEFT_ERR_NULL_ARGUMENT);
  weft_bytes_free(&version);
  weft_doc_free(d);
  weft_bytes_free(&u);
  weft_bytes_free(&own);
  weft_subscription* sub = NULL;
  CHECK_STATUS(weft_presence_observe(b, NULL, NULL, &sub), WEFT_ERR_NULL_ARGUMENT);
  weft_presence_free(a);
  weft_presence_free(b);
  weft_presence_free(NULL);
  CHECK(strcmp(weft_presence_last_error(NULL), "") == 0);
}

/* An observer may free its presence: it goes when the call returns, and
 * the call's other events are still delivered. */
typedef struct {
  weft_presence* p;
  int calls;
} freeing_observer;

static void free_on_event(void* user_data, int32_t change, uint64_t client, bool timed_out) {
  freeing_observer* f = (freeing_observer*)user_data;
  (void)change, (void)client, (void)timed_out;
  ++f->calls;
  weft_presence_free(f->p);
  f->p = NULL;
}

static void test_free_from_observer(void) {
  const uint64_t opts[] = {WEFT_PRESENCE_TIMEOUT_MS, 1000};
  weft_presence *a = NULL, *b = NULL, *c = NULL;
  REQUIRE_OK(weft_presence_new(1, NULL, 0, &a));
  REQUIRE_OK(weft_presence_new(2, opts, 1, &b));
  REQUIRE_OK(weft_presence_new(3, NULL, 0, &c));
  CHECK_OK(weft_presence_set_field(a, WEFT_PRESENCE_NAME, S("a"), 0));
  CHECK_OK(weft_presence_set_field(c, WEFT_PRESENCE_NAME, S("c"), 0));
  CHECK_OK(send(a, b, 0));
  CHECK_OK(send(c, b, 0));
  freeing_observer f = {b, 0};
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_presence_observe(b, free_on_event, &f, &sub));
  /* Both entries time out in one tick: two events, b freed by the first. */
  CHECK_OK(weft_presence_tick(b, 5000));
  CHECK(f.calls == 2);
  weft_subscription_free(sub);
  weft_presence_free(a);
  weft_presence_free(c);
}

int main(void) {
  RUN(test_two_clients);
  RUN(test_refusals);
  RUN(test_free_from_observer);
  return check_result();
}
