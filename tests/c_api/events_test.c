/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/events_test.c
 * -----------------------------------------------------------------------------
 *
 * Observers, the event accessors and their JSON, and the undo manager,
 * through weft.h. */

#include <stdint.h>

#include "check.h"

static weft_doc* new_doc(uint64_t replica) {
  weft_doc* d = NULL;
  if (weft_doc_new_with(replica, S("doc"), NULL, 0, &d) != WEFT_OK) return NULL;
  return d;
}

/* recorder keeps the JSON of every event it sees, and checks the typed
 * accessors against it as it goes. */
typedef struct {
  int calls;
  char json[8][512];
  uint32_t flags;
} recorder;

static void record(recorder* r, const weft_event* e) {
  weft_bytes j = WEFT_BYTES_INIT;
  CHECK_OK(weft_event_to_json(e, r->flags, &j));
  if (r->calls < 8) snprintf(r->json[r->calls], sizeof r->json[0], "%s", (const char*)j.data);
  ++r->calls;
  weft_bytes_free(&j);
}

static void on_event(void* user_data, const weft_event* e) { record((recorder*)user_data, e); }

static void on_deep(void* user_data, const weft_event* const* events, size_t count) {
  for (size_t i = 0; i < count; ++i) record((recorder*)user_data, events[i]);
}

/* text_check reads a text event through the accessors. */
typedef struct {
  int calls;
  size_t ops;
  int32_t kinds[4];
  size_t lens[4];
  size_t lens16[4];
  char inserted[64];
  int32_t origin;
  char tag[16];
  int target_ok;
} text_check;

static void on_text(void* user_data, const weft_event* e) {
  text_check* c = (text_check*)user_data;
  ++c->calls;
  CHECK(weft_event_kind(e) == WEFT_CONTAINER_TEXT);
  const char* tag = NULL;
  size_t tag_len = 0;
  CHECK_OK(weft_event_origin(e, &c->origin, &tag, &tag_len));
  snprintf(c->tag, sizeof c->tag, "%.*s", (int)tag_len, tag);
  CHECK_OK(weft_event_delta_len(e, &c->ops));
  c->inserted[0] = 0;
  for (size_t i = 0; i < c->ops && i < 4; ++i) {
    const char* text = NULL;
    size_t text_len = 0;
    CHECK_OK(weft_event_text_op(e, i, &c->kinds[i], &c->lens[i], &c->lens16[i], &text,
                                &text_len));
    if (c->kinds[i] == WEFT_DELTA_INSERT) {
      snprintf(c->inserted, sizeof c->inserted, "%.*s", (int)text_len, text);
    }
  }
  int32_t k = 0;
  size_t n = 0;
  const char* s = NULL;
  CHECK_STATUS(weft_event_text_op(e, c->ops, &k, &n, &n, &s, &n), WEFT_ERR_OUT_OF_RANGE);
  CHECK_STATUS(weft_event_list_op(e, 0, &k, &n), WEFT_ERR_TYPE_MISMATCH);
  CHECK_STATUS(weft_event_map_len(e, &n), WEFT_ERR_TYPE_MISMATCH);
  int64_t inc = 0;
  CHECK_STATUS(weft_event_counter_increment(e, &inc), WEFT_ERR_TYPE_MISMATCH);
  weft_map* wrong = NULL;
  CHECK_STATUS(weft_event_target_map(e, &wrong), WEFT_ERR_TYPE_MISMATCH);
  weft_text* target = NULL;
  CHECK_OK(weft_event_target_text(e, &target));
  size_t size = 0;
  c->target_ok = target != NULL && weft_text_size(target, &size) == WEFT_OK;
  weft_text_free(target);
}

static void test_text_events(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  CHECK_OK(weft_text_insert(t, 0, S("abc")));
  text_check c = {0};
  recorder r = {0};
  recorder r16 = {0};
  r16.flags = WEFT_JSON_UTF16;
  weft_subscription *s1 = NULL, *s2 = NULL, *s3 = NULL;
  REQUIRE_OK(weft_text_observe(t, on_text, &c, &s1));
  REQUIRE_OK(weft_text_observe(t, on_event, &r, &s2));
  REQUIRE_OK(weft_text_observe(t, on_event, &r16, &s3));

  CHECK_OK(weft_text_insert(t, 1, S("\xf0\x9f\x98\x80")));
  CHECK(c.calls == 1 && c.ops == 2);
  CHECK(c.kinds[0] == WEFT_DELTA_RETAIN && c.lens[0] == 1 && c.lens16[0] == 1);
  CHECK(c.kinds[1] == WEFT_DELTA_INSERT && c.lens[1] == 1 && c.lens16[1] == 2);
  CHECK(strcmp(c.inserted, "\xf0\x9f\x98\x80") == 0);
  CHECK(c.origin == WEFT_ORIGIN_LOCAL && c.target_ok);
  CHECK(strcmp(r.json[0], "{\"type\":\"text\",\"origin\":\"local\",\"path\":[\"t\"],"
                          "\"delta\":[{\"retain\":1},{\"insert\":\"\xf0\x9f\x98\x80\"}]}") == 0);

  CHECK_OK(weft_text_erase(t, 1, 2));
  CHECK(c.calls == 2 && c.ops == 2 && c.kinds[1] == WEFT_DELTA_ERASE && c.lens[1] == 2 &&
        c.lens16[1] == 3);
  CHECK(strcmp(r.json[1], "{\"type\":\"text\",\"origin\":\"local\",\"path\":[\"t\"],"
                          "\"delta\":[{\"retain\":1},{\"delete\":2}]}") == 0);
  CHECK(strcmp(r16.json[1], "{\"type\":\"text\",\"origin\":\"local\",\"path\":[\"t\"],"
                            "\"delta\":[{\"retain\":1},{\"delete\":3}]}") == 0);

  /* Remote edits arrive with their origin. */
  weft_doc* e = new_doc(2);
  REQUIRE(e != NULL);
  weft_text* te = NULL;
  REQUIRE_OK(weft_doc_get_text(e, S("t"), &te));
  CHECK_OK(weft_text_insert(te, 0, S("\"q\"")));
  weft_bytes delta = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_delta_since(e, NULL, 0, &delta));
  CHECK_OK(weft_doc_apply(d, delta.data, delta.len, S("peer")));
  weft_bytes_free(&delta);
  CHECK(c.calls == 3 && c.origin == WEFT_ORIGIN_USER && strcmp(c.tag, "peer") == 0);
  CHECK(strstr(r.json[2], "\"origin\":\"user\",\"tag\":\"peer\"") != NULL);
  CHECK(strstr(r.json[2], "{\"insert\":\"\\\"q\\\"\"}") != NULL); /* escaped */

  weft_subscription_free(s1);
  weft_subscription_free(s2);
  weft_subscription_free(s3);
  CHECK_OK(weft_text_insert(t, 0, S("z")));
  CHECK(c.calls == 3 && r.calls == 3);
  CHECK_STATUS(weft_text_observe(t, NULL, NULL, &s1), WEFT_ERR_NULL_ARGUMENT);
  weft_text_free(te);
  weft_doc_free(e);
  weft_text_free(t);
  weft_doc_free(d);
}

typedef struct {
  int calls;
  int32_t kinds[4];
  size_t lens[4];
  int64_t first_value;
  size_t inserted;
} list_check;

static void on_list(void* user_data, const weft_event* e) {
  list_check* c = (list_check*)user_data;
  ++c->calls;
  size_t n = 0;
  CHECK_OK(weft_event_delta_len(e, &n));
  c->inserted = 0;
  for (size_t i = 0; i < n && i < 4; ++i) {
    CHECK_OK(weft_event_list_op(e, i, &c->kinds[i], &c->lens[i]));
    if (c->kinds[i] != WEFT_DELTA_INSERT) continue;
    for (size_t j = 0; j < c->lens[i]; ++j) {
      weft_value v = {0};
      CHECK_OK(weft_event_list_value(e, i, j, &v));
      if (c->inserted++ == 0) c->first_value = v.integer;
      weft_value_free(&v);
    }
    weft_value v = {0};
    CHECK_STATUS(weft_event_list_value(e, i, c->lens[i], &v), WEFT_ERR_OUT_OF_RANGE);
  }
  weft_list* l = NULL;
  CHECK_OK(weft_event_target_list(e, &l));
  weft_list_free(l);
  const char* s = NULL;
  int32_t k = 0;
  CHECK_STATUS(weft_event_text_op(e, 0, &k, &n, &n, &s, &n), WEFT_ERR_TYPE_MISMATCH);
}

typedef struct {
  int calls;
  size_t keys;
  char key[16];
  bool had_old, has_new;
  int64_t old_v, new_v;
} map_check;

static void on_map(void* user_data, const weft_event* e) {
  map_check* c = (map_check*)user_data;
  ++c->calls;
  CHECK(weft_event_kind(e) == WEFT_CONTAINER_MAP);
  CHECK_OK(weft_event_map_len(e, &c->keys));
  const char* key = NULL;
  size_t key_len = 0;
  CHECK_OK(weft_event_map_key(e, 0, &key, &key_len));
  snprintf(c->key, sizeof c->key, "%.*s", (int)key_len, key);
  weft_value o = {0}, n = {0};
  CHECK_OK(weft_event_map_change(e, 0, &c->had_old, &o, &c->has_new, &n));
  c->old_v = o.integer;
  c->new_v = n.integer;
  weft_value_free(&o);
  weft_value_free(&n);
  CHECK_STATUS(weft_event_map_key(e, c->keys, &key, &key_len), WEFT_ERR_OUT_OF_RANGE);
  CHECK_STATUS(weft_event_map_change(e, c->keys, &c->had_old, &o, &c->has_new, &n),
               WEFT_ERR_OUT_OF_RANGE);
  weft_map* m = NULL;
  CHECK_OK(weft_event_target_map(e, &m));
  weft_map_free(m);
  size_t len = 0;
  CHECK_STATUS(weft_event_delta_len(e, &len), WEFT_ERR_TYPE_MISMATCH);
}

typedef struct {
  int calls;
  int64_t increment;
  bool had_old, has_new;
  int64_t new_v;
} scalar_check;

static void on_counter(void* user_data, const weft_event* e) {
  scalar_check* c = (scalar_check*)user_data;
  ++c->calls;
  CHECK_OK(weft_event_counter_increment(e, &c->increment));
  weft_counter* h = NULL;
  CHECK_OK(weft_event_target_counter(e, &h));
  weft_counter_free(h);
  weft_value o = {0}, n = {0};
  CHECK_STATUS(weft_event_register_change(e, &c->had_old, &o, &c->has_new, &n),
               WEFT_ERR_TYPE_MISMATCH);
}

static void on_register(void* user_data, const weft_event* e) {
  scalar_check* c = (scalar_check*)user_data;
  ++c->calls;
  weft_value o = {0}, n = {0};
  CHECK_OK(weft_event_register_change(e, &c->had_old, &o, &c->has_new, &n));
  c->new_v = n.integer;
  weft_value_free(&o);
  weft_value_free(&n);
  weft_register* h = NULL;
  CHECK_OK(weft_event_target_register(e, &h));
  weft_register_free(h);
  weft_text* t = NULL;
  CHECK_STATUS(weft_event_target_text(e, &t), WEFT_ERR_TYPE_MISMATCH);
  CHECK_STATUS(weft_event_target_list(e, NULL), WEFT_ERR_NULL_ARGUMENT);
}

static int32_t edit_everything(void* user_data) {
  weft_map* root = (weft_map*)user_data;
  weft_list* l = NULL;
  weft_counter* c = NULL;
  const weft_value seven = {WEFT_VALUE_INT, 0, 7, 0.0, NULL, 0};
  int32_t rc = 0;
  if (weft_map_get_list(root, S("l"), &l) != WEFT_OK) rc = 1;
  if (rc == 0 && weft_list_push_back(l, &seven) != WEFT_OK) rc = 2;
  if (rc == 0 && weft_map_get_counter(root, S("c"), &c) != WEFT_OK) rc = 3;
  if (rc == 0 && weft_counter_add(c, 2) != WEFT_OK) rc = 4;
  if (rc == 0 && weft_map_set(root, S("k"), &seven) != WEFT_OK) rc = 5;
  weft_list_free(l);
  weft_counter_free(c);
  return rc;
}

static void test_typed_and_deep_events(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_map* root = NULL;
  REQUIRE_OK(weft_doc_get_map(d, S("root"), &root));
  weft_list* l = NULL;
  weft_counter* c = NULL;
  weft_register* reg = NULL;
  REQUIRE_OK(weft_map_set_list(root, S("l"), &l));
  REQUIRE_OK(weft_map_set_counter(root, S("c"), &c));
  REQUIRE_OK(weft_doc_get_register(d, S("r"), &reg));

  list_check lc = {0};
  map_check mc = {0};
  scalar_check cc = {0}, rc = {0};
  recorder deep = {0};
  weft_subscription* subs[5] = {0};
  REQUIRE_OK(weft_list_observe(l, on_list, &lc, &subs[0]));
  REQUIRE_OK(weft_map_observe(root, on_map, &mc, &subs[1]));
  REQUIRE_OK(weft_counter_observe(c, on_counter, &cc, &subs[2]));
  REQUIRE_OK(weft_register_observe(reg, on_register, &rc, &subs[3]));
  REQUIRE_OK(weft_map_observe_deep(root, on_deep, &deep, &subs[4]));

  CHECK_OK(weft_doc_transact(d, edit_everything, root, NULL, 0));
  CHECK(lc.calls == 1 && lc.kinds[0] == WEFT_DELTA_INSERT && lc.inserted == 1 &&
        lc.first_value == 7);
  CHECK(mc.calls == 1 && mc.keys == 1 && strcmp(mc.key, "k") == 0 && !mc.had_old &&
        mc.has_new && mc.new_v == 7);
  CHECK(cc.calls == 1 && cc.increment == 2);
  /* One deep delivery: the parent's event first, then its children's. */
  CHECK(deep.calls == 3);
  CHECK(strcmp(deep.json[0], "{\"type\":\"map\",\"origin\":\"local\",\"path\":[\"root\"],"
                             "\"keys\":{\"k\":{\"action\":\"add\",\"new\":7}}}") == 0);
  CHECK(strcmp(deep.json[1], "{\"type\":\"list\",\"origin\":\"local\",\"path\":[\"root\",\"l\"],"
                             "\"delta\":[{\"insert\":[7]}]}") == 0);
  CHECK(strcmp(deep.json[2], "{\"type\":\"counter\",\"origin\":\"local\","
                             "\"path\":[\"root\",\"c\"],\"increment\":2}") == 0);

  const weft_value eight = {WEFT_VALUE_INT, 0, 8, 0.0, NULL, 0};
  CHECK_OK(weft_map_set(root, S("k"), &eight));
  CHECK(mc.calls == 2 && mc.had_old && mc.old_v == 7 && mc.new_v == 8);
  CHECK(strstr(deep.json[3], "\"action\":\"update\",\"old\":7,\"new\":8") != NULL);
  CHECK_OK(weft_map_erase(root, S("k")));
  CHECK(mc.calls == 3 && mc.had_old && !mc.has_new);
  CHECK(strstr(deep.json[4], "\"action\":\"delete\",\"old\":8}") != NULL);
  CHECK_OK(weft_list_erase(l, 0, 1));
  CHECK(lc.calls == 2 && lc.kinds[0] == WEFT_DELTA_ERASE && lc.lens[0] == 1);

  CHECK_OK(weft_register_set(reg, &eight));
  CHECK(rc.calls == 1 && !rc.had_old && rc.has_new && rc.new_v == 8);
  CHECK_OK(weft_register_clear(reg));
  CHECK(rc.calls == 2 && rc.had_old && !rc.has_new);

  /* Deep observers on every type. */
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  recorder dt = {0}, dl = {0}, dc = {0}, dr = {0};
  weft_subscription* more[4] = {0};
  REQUIRE_OK(weft_text_observe_deep(t, on_deep, &dt, &more[0]));
  REQUIRE_OK(weft_list_observe_deep(l, on_deep, &dl, &more[1]));
  REQUIRE_OK(weft_counter_observe_deep(c, on_deep, &dc, &more[2]));
  REQUIRE_OK(weft_register_observe_deep(reg, on_deep, &dr, &more[3]));
  CHECK_OK(weft_text_insert(t, 0, S("x")));
  CHECK_OK(weft_list_push_back(l, &eight));
  CHECK_OK(weft_counter_add(c, -1));
  CHECK_OK(weft_register_set(reg, &eight));
  CHECK(dt.calls == 1 && dl.calls == 1 && dc.calls == 1 && dr.calls == 1);
  CHECK(strcmp(dr.json[0], "{\"type\":\"register\",\"origin\":\"local\",\"path\":[\"r\"],"
                           "\"new\":8}") == 0);
  CHECK(deep.calls == 8); /* root's deep observer saw the list and counter */
  for (int i = 0; i < 4; ++i) weft_subscription_free(more[i]);
  for (int i = 0; i < 5; ++i) weft_subscription_free(subs[i]);

  /* The accessors refuse NULL. */
  size_t n = 0;
  int32_t k = 0;
  const char* s = NULL;
  CHECK(weft_event_kind(NULL) == WEFT_CONTAINER_NONE);
  CHECK_STATUS(weft_event_delta_len(NULL, &n), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_event_origin(NULL, &k, &s, &n), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_event_to_json(NULL, 0, NULL), WEFT_ERR_NULL_ARGUMENT);

  weft_text_free(t);
  weft_list_free(l);
  weft_counter_free(c);
  weft_register_free(reg);
  weft_map_free(root);
  weft_doc_free(d);
}

static void unsubscribe_self(void* user_data, const weft_event* e) {
  weft_subscription** sub = (weft_subscription**)user_data;
  weft_bytes j = WEFT_BYTES_INIT;
  CHECK_STATUS(weft_event_to_json(e, 2, &j), WEFT_ERR_INVALID_ARGUMENT);
  weft_subscription_free(*sub);
  *sub = NULL;
}

static void test_unsubscribe_in_callback(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_text_observe(t, unsubscribe_self, &sub, &sub));
  CHECK_OK(weft_text_insert(t, 0, S("a")));
  CHECK(sub == NULL);
  CHECK_OK(weft_text_insert(t, 0, S("b")));
  weft_text_free(t);
  weft_doc_free(d);
}

/* An observer that unsubscribes a later one (whose owner may then free what
 * it uses): the later one is not called in the same round. */
typedef struct {
  weft_subscription* other_sub;
} unsubscriber;

static void free_other(void* user_data, const weft_event* e) {
  (void)e;
  unsubscriber* u = (unsubscriber*)user_data;
  weft_subscription_free(u->other_sub);
  u->other_sub = NULL;
}

static void count_calls(void* user_data, const weft_event* e) {
  (void)e;
  ++*(int*)user_data;
}

static void test_unsubscribe_other_in_callback(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  unsubscriber u = {NULL};
  int other_calls = 0;
  weft_subscription* first = NULL;
  REQUIRE_OK(weft_text_observe(t, free_other, &u, &first));
  REQUIRE_OK(weft_text_observe(t, count_calls, &other_calls, &u.other_sub));
  CHECK_OK(weft_text_insert(t, 0, S("a")));
  CHECK(u.other_sub == NULL);
  CHECK(other_calls == 0);
  weft_subscription_free(first);
  weft_text_free(t);
  weft_doc_free(d);
}

/* An observer of the undo transaction frees the undo manager: undo() still
 * finishes on its own reference (under ASan, anything else is a use after
 * free). */
static void free_undo_manager(void* user_data, const weft_event* e) {
  (void)e;
  weft_undo_manager** um = (weft_undo_manager**)user_data;
  weft_undo_manager_free(*um);
  *um = NULL;
}

static void test_free_undo_manager_from_observer(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  weft_undo_manager* um = NULL;
  REQUIRE_OK(weft_undo_manager_new(d, NULL, 0, 0, 0, NULL, NULL, &um));
  CHECK_OK(weft_text_insert(t, 0, S("hello")));
  weft_undo_manager* held = um; /* the call's handle; the observer frees it */
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_text_observe(t, free_undo_manager, &um, &sub));
  bool done = false;
  CHECK_OK(weft_undo_manager_undo(held, &done));
  CHECK(done);
  CHECK(um == NULL);
  CHECK_TEXT(t, "");
  weft_subscription_free(sub);
  weft_text_free(t);
  weft_doc_free(d);
}

/* A clock that frees the undo manager asking it, or another one. */
typedef struct {
  weft_undo_manager** victim;
  int calls;
} freeing_clock;

static int64_t free_on_read(void* user_data) {
  freeing_clock* c = (freeing_clock*)user_data;
  ++c->calls;
  if (*c->victim != NULL) {
    weft_undo_manager_free(*c->victim);
    *c->victim = NULL;
  }
  return 0;
}

static void test_free_undo_manager_from_its_clock(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  /* first's clock frees first itself; second's clock frees third, which
     the document would tell next. */
  weft_undo_manager *first = NULL, *second = NULL, *third = NULL;
  freeing_clock c1 = {&first, 0};
  freeing_clock c2 = {&third, 0};
  REQUIRE_OK(weft_undo_manager_new(d, NULL, 0, 500, 0, free_on_read, &c1, &first));
  REQUIRE_OK(weft_undo_manager_new(d, NULL, 0, 500, 0, free_on_read, &c2, &second));
  REQUIRE_OK(weft_undo_manager_new(d, NULL, 0, 500, 0, NULL, NULL, &third));
  CHECK_OK(weft_text_insert(t, 0, S("ab")));
  CHECK(first == NULL && third == NULL);
  CHECK(c1.calls == 1 && c2.calls == 1);
  CHECK_OK(weft_text_insert(t, 2, S("cd")));
  CHECK(c1.calls == 1 && c2.calls == 2);
  bool done = false;
  CHECK_OK(weft_undo_manager_undo(second, &done));
  CHECK(done);
  CHECK_TEXT(t, "");
  weft_undo_manager_free(second);
  weft_text_free(t);
  weft_doc_free(d);
}

static int64_t fake_now = 0;
static int64_t fake_clock(void* user_data) {
  (void)user_data;
  return fake_now;
}

static int32_t undo_inside(void* user_data) {
  weft_undo_manager* um = (weft_undo_manager*)user_data;
  bool done = false;
  return weft_undo_manager_undo(um, &done) == WEFT_ERR_INVALID_STATE ? 0 : 1;
}

static int32_t edit_text_zz(void* user_data) {
  return weft_text_insert((weft_text*)user_data, 0, S("zz")) == WEFT_OK ? 0 : 1;
}

static void test_undo(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  weft_undo_manager* um = NULL;
  REQUIRE_OK(weft_undo_manager_new(d, NULL, 0, 500, 0, fake_clock, NULL, &um));
  bool b = true;
  CHECK_OK(weft_undo_manager_can_undo(um, &b));
  CHECK(!b);
  CHECK_OK(weft_undo_manager_undo(um, &b));
  CHECK(!b); /* nothing to undo */

  CHECK_OK(weft_text_insert(t, 0, S("ab")));
  fake_now = 100; /* within the window: same step */
  CHECK_OK(weft_text_insert(t, 2, S("cd")));
  fake_now = 1000;
  CHECK_OK(weft_text_insert(t, 4, S("ef")));
  size_t depth = 0;
  CHECK_OK(weft_undo_manager_undo_depth(um, &depth));
  CHECK(depth == 2);
  CHECK_OK(weft_undo_manager_stop_capturing(um));
  fake_now = 1001;
  CHECK_OK(weft_text_insert(t, 6, S("gh")));
  CHECK_OK(weft_undo_manager_undo_depth(um, &depth));
  CHECK(depth == 3);

  recorder r = {0};
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_text_observe(t, on_event, &r, &sub));
  CHECK_OK(weft_undo_manager_undo(um, &b));
  CHECK(b);
  CHECK(strstr(r.json[0], "\"origin\":\"undo\"") != NULL);
  CHECK_OK(weft_undo_manager_undo(um, &b));
  CHECK_TEXT(t, "abcd");
  CHECK_OK(weft_undo_manager_can_redo(um, &b));
  CHECK(b);
  CHECK_OK(weft_undo_manager_redo_depth(um, &depth));
  CHECK(depth == 2);
  CHECK_OK(weft_undo_manager_redo(um, &b));
  CHECK(b);
  CHECK(strstr(r.json[2], "\"origin\":\"redo\"") != NULL);
  CHECK_TEXT(t, "abcdef");
  CHECK_OK(weft_doc_transact(d, undo_inside, um, NULL, 0));
  CHECK_OK(weft_undo_manager_clear(um));
  CHECK_OK(weft_undo_manager_can_undo(um, &b));
  CHECK(!b);
  CHECK_OK(weft_undo_manager_can_redo(um, &b));
  CHECK(!b);
  CHECK_STATUS(weft_undo_manager_undo(um, NULL), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_undo_manager_redo(NULL, &b), WEFT_ERR_NULL_ARGUMENT);
  weft_subscription_free(sub);
  weft_undo_manager_free(um);

  /* Tracked origins: only the "fmt" tag is recorded. */
  const weft_origin tracked[] = {{WEFT_ORIGIN_USER, "fmt", 3}};
  REQUIRE_OK(weft_undo_manager_new(d, tracked, 1, 0, 10, NULL, NULL, &um));
  CHECK_OK(weft_text_insert(t, 0, S("local ")));
  CHECK_OK(weft_undo_manager_can_undo(um, &b));
  CHECK(!b);
  CHECK_OK(weft_doc_transact(d, edit_text_zz, t, S("fmt")));
  CHECK_OK(weft_undo_manager_can_undo(um, &b));
  CHECK(b);
  weft_undo_manager_free(um);
  const weft_origin bad_kind[] = {{9, NULL, 0}};
  const weft_origin bad_tag[] = {{WEFT_ORIGIN_USER, NULL, 2}};
  const weft_origin all_kinds[] = {{WEFT_ORIGIN_LOCAL, NULL, 0}, {WEFT_ORIGIN_REMOTE, NULL, 0},
                                   {WEFT_ORIGIN_UNDO, NULL, 0},  {WEFT_ORIGIN_REDO, NULL, 0}};
  um = NULL;
  CHECK_STATUS(weft_undo_manager_new(d, bad_kind, 1, 0, 0, NULL, NULL, &um),
               WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_undo_manager_new(d, bad_tag, 1, 0, 0, NULL, NULL, &um),
               WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_undo_manager_new(d, NULL, 1, 0, 0, NULL, NULL, &um), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_undo_manager_new(NULL, NULL, 0, 0, 0, NULL, NULL, &um),
               WEFT_ERR_NULL_ARGUMENT);
  CHECK(um == NULL);
  CHECK_OK(weft_undo_manager_new(d, all_kinds, 4, 0, 0, NULL, NULL, &um));
  weft_undo_manager_free(um);

  weft_text_free(t);
  weft_doc_free(d);
}

int main(void) {
  RUN(test_text_events);
  RUN(test_typed_and_deep_events);
  RUN(test_unsubscribe_in_callback);
  RUN(test_unsubscribe_other_in_callback);
  RUN(test_free_undo_manager_from_observer);
  RUN(test_free_undo_manager_from_its_clock);
  RUN(test_undo);
  return check_result();
}
