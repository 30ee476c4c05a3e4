/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/doc_test.c
 * -----------------------------------------------------------------------------
 *
 * The document entry points of weft.h: creation and options, transactions,
 * replication through delta bytes, update observers, snapshots, versions,
 * statuses and last errors, and what handles do once their doc is freed. */

#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static weft_doc* new_doc(uint64_t replica) {
  weft_doc* d = NULL;
  if (weft_doc_new_with(replica, S("doc"), NULL, 0, &d) != WEFT_OK) return NULL;
  return d;
}

static void test_version_and_status(void) {
  CHECK(weft_version_number() == WEFT_VERSION_NUMBER);
  CHECK(WEFT_VERSION_NUMBER == WEFT_VERSION_MAJOR * 10000 + WEFT_VERSION_MINOR * 100 +
                                   WEFT_VERSION_PATCH);
  CHECK(strcmp(weft_status_str(WEFT_OK), "ok") == 0);
  CHECK(strcmp(weft_status_str(WEFT_ERR_OUT_OF_RANGE), "out_of_range") == 0);
  CHECK(strcmp(weft_status_str(WEFT_ERR_DOC_FREED), "doc_freed") == 0);
  CHECK(strcmp(weft_status_str(WEFT_ERR_INVALID_STATE), "invalid_state") == 0);
  CHECK(strcmp(weft_status_str((weft_status)999), "unknown") == 0);
  /* Every status has its own name. */
  const weft_status all[] = {
      WEFT_OK, WEFT_ERR_INVALID_ARGUMENT, WEFT_ERR_OUT_OF_RANGE, WEFT_ERR_INVALID_UTF8,
      WEFT_ERR_SEQ_EXHAUSTED, WEFT_ERR_CAPACITY_EXCEEDED, WEFT_ERR_UNKNOWN_ID,
      WEFT_ERR_MALFORMED, WEFT_ERR_NOT_CHAR_BOUNDARY, WEFT_ERR_CORRUPTED,
      WEFT_ERR_UNSUPPORTED, WEFT_ERR_TOO_LARGE, WEFT_ERR_IO_ERROR, WEFT_ERR_NULL_ARGUMENT,
      WEFT_ERR_NO_MEMORY,
      WEFT_ERR_DOC_FREED, WEFT_ERR_TYPE_MISMATCH, WEFT_ERR_NOT_FOUND, WEFT_ERR_CALLBACK,
      WEFT_ERR_INTERNAL, WEFT_ERR_INVALID_STATE};
  const size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n; ++i) {
    CHECK(strcmp(weft_status_str(all[i]), "unknown") != 0);
    for (size_t j = i + 1; j < n; ++j) {
      CHECK(strcmp(weft_status_str(all[i]), weft_status_str(all[j])) != 0);
    }
  }
  uint64_t r1 = 0, r2 = 0;
  CHECK_OK(weft_random_replica_id(&r1));
  CHECK_OK(weft_random_replica_id(&r2));
  CHECK(r1 != r2);
  CHECK_STATUS(weft_random_replica_id(NULL), WEFT_ERR_NULL_ARGUMENT);
  CHECK(strstr(weft_last_error(), "NULL") != NULL);
}

static void test_free_null(void) {
  weft_doc_free(NULL);
  weft_text_free(NULL);
  weft_map_free(NULL);
  weft_list_free(NULL);
  weft_counter_free(NULL);
  weft_register_free(NULL);
  weft_undo_manager_free(NULL);
  weft_subscription_free(NULL);
  weft_bytes_free(NULL);
  weft_value_free(NULL);
  weft_value_list_free(NULL);
  weft_bytes empty = WEFT_BYTES_INIT;
  weft_bytes_free(&empty);
  CHECK(!weft_subscription_active(NULL));
  CHECK(strcmp(weft_doc_last_error(NULL), "") == 0);
}

static void test_new_and_options(void) {
  weft_doc* d = NULL;
  REQUIRE_OK(weft_doc_new(&d));
  const char* id = NULL;
  size_t id_len = 0;
  CHECK_OK(weft_doc_id(d, &id, &id_len));
  CHECK(id_len > 0 && id[id_len] == 0);
  uint64_t replica = 0;
  CHECK_OK(weft_doc_replica(d, &replica));
  weft_doc_free(d);

  const uint64_t opts[] = {WEFT_OPT_MAX_OPS, 5, WEFT_OPT_COMPRESSION, WEFT_COMPRESSION_ZSTD};
  REQUIRE_OK(weft_doc_new_with(42, S("notes"), opts, 2, &d));
  CHECK_OK(weft_doc_replica(d, &replica));
  CHECK(replica == 42);
  CHECK_OK(weft_doc_id(d, &id, &id_len));
  CHECK(id_len == 5 && memcmp(id, "notes", 5) == 0);
  uint64_t v = 0;
  CHECK_OK(weft_doc_get_option(d, WEFT_OPT_MAX_OPS, &v));
  CHECK(v == 5);
  CHECK_OK(weft_doc_get_option(d, WEFT_OPT_COMPRESSION, &v));
  CHECK(v == WEFT_COMPRESSION_ZSTD);
  CHECK_OK(weft_doc_get_option(d, WEFT_OPT_MAX_ITEMS, &v));
  CHECK(v == (1u << 18));
  CHECK_OK(weft_doc_get_option(d, WEFT_OPT_COMPRESSION_LEVEL, &v));
  CHECK(v == 3);
  /* The capacity holds: a sixth op is refused and changes nothing. */
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  CHECK_OK(weft_text_insert(t, 0, S("hello")));
  CHECK_STATUS(weft_text_insert(t, 5, S("!")), WEFT_ERR_CAPACITY_EXCEEDED);
  CHECK(strlen(weft_doc_last_error(d)) > 0);
  uint64_t ops = 0;
  CHECK_OK(weft_doc_op_count(d, &ops));
  CHECK(ops == 5);

  /* Creation options cannot change later; others can, within range. */
  CHECK_STATUS(weft_doc_set_option(d, WEFT_OPT_MAX_OPS, 10), WEFT_ERR_INVALID_ARGUMENT);
  CHECK(strstr(weft_doc_last_error(d), "fixed") != NULL);
  CHECK_STATUS(weft_doc_set_option(d, WEFT_OPT_COMPRESSION_LEVEL, 20), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_doc_set_option(d, WEFT_OPT_COMPRESSION, 7), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_doc_set_option(d, WEFT_OPT_MAX_DEPTH, UINT64_C(1) << 33),
               WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_doc_set_option(d, 999, 1), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_doc_get_option(d, 999, &v), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_OK(weft_doc_get_option(d, WEFT_OPT_COMPRESSION_LEVEL, &v));
  CHECK(v == 3); /* the refused set changed nothing */
  const int32_t settable[] = {WEFT_OPT_MAX_MESSAGE_BYTES, WEFT_OPT_MAX_DECODE_OPS,
                              WEFT_OPT_MAX_ITEMS,         WEFT_OPT_MAX_STRING_BYTES,
                              WEFT_OPT_MAX_CONTAINERS,    WEFT_OPT_MAX_DEPTH,
                              WEFT_OPT_MAX_TABLES,        WEFT_OPT_COMPRESS_MIN_BYTES,
                              WEFT_OPT_COMPRESSION_LEVEL};
  for (size_t i = 0; i < sizeof settable / sizeof settable[0]; ++i) {
    CHECK_OK(weft_doc_set_option(d, settable[i], 7));
    CHECK_OK(weft_doc_get_option(d, settable[i], &v));
    CHECK(v == 7);
  }
  CHECK_OK(weft_doc_get_option(d, WEFT_OPT_MAX_PENDING_OPS, &v));
  CHECK(v == (UINT64_C(1) << 24));
  weft_text_free(t);
  weft_doc_free(d);

  /* Bad creation arguments. */
  d = NULL;
  const uint64_t bad[] = {WEFT_OPT_COMPRESSION_LEVEL, 0};
  CHECK_STATUS(weft_doc_new_with(1, S("x"), bad, 1, &d), WEFT_ERR_INVALID_ARGUMENT);
  CHECK(d == NULL);
  CHECK_STATUS(weft_doc_new_with(1, S("x"), NULL, 1, &d), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_doc_new_with(1, "\xff", 1, NULL, 0, &d), WEFT_ERR_INVALID_UTF8);
  CHECK_STATUS(weft_doc_new_with(1, NULL, 3, NULL, 0, &d), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_doc_new_with(1, NULL, 0, NULL, 0, NULL), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_doc_new(NULL), WEFT_ERR_NULL_ARGUMENT);
  CHECK(d == NULL);
  /* NULL documents. */
  CHECK_STATUS(weft_doc_replica(NULL, &replica), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_doc_to_json(NULL, NULL), WEFT_ERR_NULL_ARGUMENT);
}

static int32_t insert_two(void* user_data) {
  weft_text* t = (weft_text*)user_data;
  if (weft_text_insert(t, 0, S("ab")) != WEFT_OK) return 1;
  if (weft_text_insert(t, 2, S("cd")) != WEFT_OK) return 1;
  return 0;
}

static int32_t fail_after_insert(void* user_data) {
  weft_text* t = (weft_text*)user_data;
  (void)weft_text_insert(t, 0, S("x"));
  return 7;
}

typedef struct {
  int calls;
  int32_t origin_kind;
  char tag[32];
  weft_bytes last;
  weft_doc* forward_to;
} update_log;

static void on_update(void* user_data, const uint8_t* delta, size_t len, int32_t origin_kind,
                      const char* tag, size_t tag_len) {
  update_log* log = (update_log*)user_data;
  ++log->calls;
  log->origin_kind = origin_kind;
  snprintf(log->tag, sizeof log->tag, "%.*s", (int)tag_len, tag);
  if (log->forward_to != NULL) {
    CHECK_OK(weft_doc_apply(log->forward_to, delta, len, NULL, 0));
  }
}

static int32_t nested(void* user_data) {
  weft_doc* d = (weft_doc*)user_data;
  bool in = false;
  if (weft_doc_in_transaction(d, &in) != WEFT_OK || !in) return 1;
  weft_doc* f = NULL;
  /* A fork inside a transaction is refused, not an abort. */
  if (weft_doc_fork(d, 9, &f) != WEFT_ERR_INVALID_STATE || f != NULL) return 2;
  return 0;
}

static void test_transact_and_updates(void) {
  weft_doc* a = new_doc(1);
  weft_doc* b = new_doc(2);
  REQUIRE(a != NULL && b != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(a, S("body"), &t));

  update_log log = {0};
  log.forward_to = b;
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_doc_observe_updates(a, on_update, &log, &sub));
  CHECK(weft_subscription_active(sub));

  CHECK_OK(weft_doc_transact(a, insert_two, t, S("typing")));
  CHECK(log.calls == 1); /* one transaction, one update */
  CHECK(log.origin_kind == WEFT_ORIGIN_USER);
  CHECK(strcmp(log.tag, "typing") == 0);
  CHECK_OK(weft_doc_transact(a, nested, a, NULL, 0));

  CHECK_OK(weft_text_insert(t, 4, S("!")));
  CHECK(log.calls == 2);
  CHECK(log.origin_kind == WEFT_ORIGIN_LOCAL);

  /* A failing callback: its edits are committed, the status says so. */
  CHECK_STATUS(weft_doc_transact(a, fail_after_insert, t, NULL, 0), WEFT_ERR_CALLBACK);
  CHECK(strstr(weft_doc_last_error(a), "returned 7") != NULL);
  CHECK(log.calls == 3);
  CHECK_STATUS(weft_doc_transact(a, NULL, NULL, NULL, 0), WEFT_ERR_NULL_ARGUMENT);

  weft_bytes ja = WEFT_BYTES_INIT, jb = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_to_json(a, &ja));
  CHECK_OK(weft_doc_to_json(b, &jb));
  CHECK_BYTES(ja, "{\"body\":\"xabcd!\"}");
  CHECK(ja.len == jb.len && memcmp(ja.data, jb.data, ja.len) == 0);
  weft_bytes_free(&ja);
  weft_bytes_free(&jb);
  CHECK(ja.data == NULL && ja.len == 0);

  /* Updates applied with an origin tag reach b's observers with it. */
  update_log blog = {0};
  weft_subscription* bsub = NULL;
  REQUIRE_OK(weft_doc_observe_updates(b, on_update, &blog, &bsub));
  weft_bytes delta = WEFT_BYTES_INIT;
  weft_doc* c = new_doc(3);
  weft_text* ct = NULL;
  REQUIRE_OK(weft_doc_get_text(c, S("body"), &ct));
  CHECK_OK(weft_text_insert(ct, 0, S("zz")));
  CHECK_OK(weft_doc_delta_since(c, NULL, 0, &delta));
  CHECK_OK(weft_doc_apply(b, delta.data, delta.len, S("import")));
  CHECK(blog.calls == 1 && blog.origin_kind == WEFT_ORIGIN_USER);
  CHECK(strcmp(blog.tag, "import") == 0);
  CHECK_OK(weft_doc_apply(b, delta.data, delta.len, NULL, 0)); /* idempotent */
  CHECK(blog.calls == 1);
  weft_bytes_free(&delta);

  weft_subscription_free(sub);
  CHECK_OK(weft_text_insert(t, 0, S("-")));
  CHECK(log.calls == 3); /* unsubscribed */
  weft_subscription_free(bsub);
  weft_text_free(ct);
  weft_doc_free(c);
  weft_text_free(t);
  weft_doc_free(a);
  weft_doc_free(b);
}

static void test_sync_by_version(void) {
  weft_doc* a = new_doc(10);
  weft_doc* b = new_doc(20);
  REQUIRE(a != NULL && b != NULL);
  weft_text *ta = NULL, *tb = NULL;
  REQUIRE_OK(weft_doc_get_text(a, S("t"), &ta));
  REQUIRE_OK(weft_doc_get_text(b, S("t"), &tb));
  CHECK_OK(weft_text_insert(ta, 0, S("hello")));
  CHECK_OK(weft_text_insert(tb, 0, S("world")));

  /* Each sends what the other lacks, by version. */
  for (int round = 0; round < 2; ++round) {
    weft_doc* from = round == 0 ? a : b;
    weft_doc* to = round == 0 ? b : a;
    weft_bytes v = WEFT_BYTES_INIT, d = WEFT_BYTES_INIT;
    REQUIRE_OK(weft_doc_version(to, &v));
    int32_t kind = 0;
    CHECK_OK(weft_message_peek(v.data, v.len, &kind));
    CHECK(kind == WEFT_MESSAGE_VERSION);
    REQUIRE_OK(weft_doc_delta_since(from, v.data, v.len, &d));
    CHECK_OK(weft_message_peek(d.data, d.len, &kind));
    CHECK(kind == WEFT_MESSAGE_DELTA);
    uint64_t n = 0;
    CHECK_OK(weft_delta_op_count(d.data, d.len, &n));
    CHECK(n == 5);
    CHECK_OK(weft_doc_apply(to, d.data, d.len, NULL, 0));
    weft_bytes_free(&v);
    weft_bytes_free(&d);
  }
  weft_bytes ja = WEFT_BYTES_INIT, jb = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_to_json(a, &ja));
  CHECK_OK(weft_doc_to_json(b, &jb));
  CHECK(ja.len == jb.len && memcmp(ja.data, jb.data, ja.len) == 0);
  CHECK(bytes_eq(&ja, "{\"t\":\"helloworld\"}") || bytes_eq(&ja, "{\"t\":\"worldhello\"}"));
  weft_bytes_free(&ja);
  weft_bytes_free(&jb);

  /* Version entries, encoded and decoded. */
  weft_version_entry es[4];
  size_t n = 0;
  CHECK_OK(weft_doc_version_entries(a, NULL, 0, &n));
  CHECK(n == 2);
  CHECK_OK(weft_doc_version_entries(a, es, 4, &n));
  CHECK(n == 2 && es[0].replica == 10 && es[0].count == 5 && es[1].replica == 20 &&
        es[1].count == 5);
  weft_bytes va = WEFT_BYTES_INIT, vb = WEFT_BYTES_INIT, enc = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_version(a, &va));
  CHECK_OK(weft_version_encode(es, 2, &enc));
  CHECK(enc.len == va.len && memcmp(enc.data, va.data, va.len) == 0);
  weft_version_entry back[2];
  CHECK_OK(weft_version_decode(enc.data, enc.len, back, 1, &n));
  CHECK(n == 2 && back[0].replica == 10 && back[0].count == 5);
  weft_bytes_free(&enc);

  /* Compare and merge. */
  const weft_version_entry only_a[] = {{10, 5}};
  const weft_version_entry other[] = {{30, 1}};
  CHECK_OK(weft_version_encode(only_a, 1, &vb));
  int32_t order = -1;
  CHECK_OK(weft_version_compare(vb.data, vb.len, va.data, va.len, &order));
  CHECK(order == WEFT_ORDER_BEFORE);
  CHECK_OK(weft_version_compare(va.data, va.len, vb.data, vb.len, &order));
  CHECK(order == WEFT_ORDER_AFTER);
  CHECK_OK(weft_version_compare(va.data, va.len, va.data, va.len, &order));
  CHECK(order == WEFT_ORDER_EQUAL);
  CHECK_OK(weft_version_compare(NULL, 0, NULL, 0, &order));
  CHECK(order == WEFT_ORDER_EQUAL);
  weft_bytes_free(&vb);
  CHECK_OK(weft_version_encode(other, 1, &vb));
  CHECK_OK(weft_version_compare(va.data, va.len, vb.data, vb.len, &order));
  CHECK(order == WEFT_ORDER_CONCURRENT);
  weft_bytes merged = WEFT_BYTES_INIT;
  CHECK_OK(weft_version_merge(va.data, va.len, vb.data, vb.len, &merged));
  CHECK_OK(weft_version_decode(merged.data, merged.len, NULL, 0, &n));
  CHECK(n == 3);
  weft_bytes_free(&merged);

  /* Refusals. */
  const weft_version_entry twice[] = {{1, 1}, {1, 2}};
  CHECK_STATUS(weft_version_encode(twice, 2, &enc), WEFT_ERR_INVALID_ARGUMENT);
  const weft_version_entry twice_first_zero[] = {{5, 0}, {5, 3}};
  CHECK_STATUS(weft_version_encode(twice_first_zero, 2, &enc), WEFT_ERR_INVALID_ARGUMENT);
  CHECK(enc.data == NULL);
  CHECK_STATUS(weft_version_encode(NULL, 1, &enc), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_version_decode(va.data, va.len - 1, NULL, 0, &n), WEFT_ERR_MALFORMED);
  CHECK_STATUS(weft_version_decode(NULL, 0, NULL, 1, &n), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_version_merge(va.data, 3, vb.data, vb.len, &merged), WEFT_ERR_MALFORMED);
  CHECK_STATUS(weft_version_compare(va.data, va.len, NULL, 5, &order), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_doc_delta_since(a, va.data, 4, &enc), WEFT_ERR_MALFORMED);
  weft_bytes_free(&va);
  weft_bytes_free(&vb);

  uint64_t pending = 1, ops = 0;
  size_t mem = 0;
  CHECK_OK(weft_doc_pending_ops(a, &pending));
  CHECK(pending == 0);
  CHECK_OK(weft_doc_op_count(a, &ops));
  CHECK(ops == 10);
  CHECK_OK(weft_doc_memory_usage(a, &mem));
  CHECK(mem > 0);
  CHECK_OK(weft_doc_check(a, true));
  CHECK_OK(weft_doc_check(b, false));
  weft_text_free(ta);
  weft_text_free(tb);
  weft_doc_free(a);
  weft_doc_free(b);
}

static void test_pending_and_fork(void) {
  weft_doc* a = new_doc(1);
  weft_doc* b = new_doc(2);
  REQUIRE(a != NULL && b != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(a, S("t"), &t));
  CHECK_OK(weft_text_insert(t, 0, S("ab")));
  weft_bytes v1 = WEFT_BYTES_INIT, first = WEFT_BYTES_INIT, second = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_version(a, &v1));
  CHECK_OK(weft_doc_delta_since(a, NULL, 0, &first));
  CHECK_OK(weft_text_insert(t, 2, S("cd")));
  CHECK_OK(weft_doc_delta_since(a, v1.data, v1.len, &second));
  /* Out of order: the second delta waits for the first. */
  CHECK_OK(weft_doc_apply(b, second.data, second.len, NULL, 0));
  uint64_t pending = 0;
  CHECK_OK(weft_doc_pending_ops(b, &pending));
  CHECK(pending == 2);
  CHECK_OK(weft_doc_apply(b, first.data, first.len, NULL, 0));
  CHECK_OK(weft_doc_pending_ops(b, &pending));
  CHECK(pending == 0);

  weft_doc* f = NULL;
  REQUIRE_OK(weft_doc_fork(b, 3, &f));
  uint64_t r = 0;
  CHECK_OK(weft_doc_replica(f, &r));
  CHECK(r == 3);
  weft_text* ft = NULL;
  REQUIRE_OK(weft_doc_get_text(f, S("t"), &ft));
  weft_bytes s = WEFT_BYTES_INIT;
  CHECK_OK(weft_text_to_string(ft, &s));
  CHECK_BYTES(s, "abcd");
  weft_bytes_free(&s);
  CHECK_STATUS(weft_doc_fork(NULL, 3, &f), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_doc_fork(b, 3, NULL), WEFT_ERR_NULL_ARGUMENT);
  weft_text_free(ft);
  weft_doc_free(f);
  weft_bytes_free(&v1);
  weft_bytes_free(&first);
  weft_bytes_free(&second);
  weft_text_free(t);
  weft_doc_free(a);
  weft_doc_free(b);
}

static void test_snapshots(void) {
  const uint64_t opts[] = {WEFT_OPT_COMPRESSION, WEFT_COMPRESSION_ZSTD,
                           WEFT_OPT_COMPRESS_MIN_BYTES, 16};
  weft_doc* a = NULL;
  REQUIRE_OK(weft_doc_new_with(5, S("snap"), opts, 2, &a));
  weft_text* t = NULL;
  weft_map* m = NULL;
  REQUIRE_OK(weft_doc_get_text(a, S("t"), &t));
  REQUIRE_OK(weft_doc_get_map(a, S("m"), &m));
  for (int i = 0; i < 50; ++i) CHECK_OK(weft_text_insert(t, 0, S("abcdefgh")));
  CHECK_OK(weft_text_erase(t, 0, 100));
  const weft_value one = {WEFT_VALUE_INT, 0, 1, 0.0, NULL, 0};
  CHECK_OK(weft_map_set(m, S("k"), &one));

  weft_bytes full = WEFT_BYTES_INIT, state = WEFT_BYTES_INIT;
  REQUIRE_OK(weft_doc_save(a, WEFT_SNAPSHOT_FULL, &full));
  REQUIRE_OK(weft_doc_save(a, WEFT_SNAPSHOT_STATE_ONLY, &state));
  int32_t kind = 0;
  CHECK_OK(weft_message_peek(full.data, full.len, &kind));
  CHECK(kind == WEFT_MESSAGE_SNAPSHOT);
  CHECK_STATUS(weft_doc_save(a, 9, &full), WEFT_ERR_INVALID_ARGUMENT);

  /* Uncompressed is bigger: the option took effect. Without history the
   * snapshot is smaller (the erased characters' text is gone). */
  weft_bytes plain = WEFT_BYTES_INIT, plain_state = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_set_option(a, WEFT_OPT_COMPRESSION, WEFT_COMPRESSION_NONE));
  CHECK_OK(weft_doc_save(a, WEFT_SNAPSHOT_FULL, &plain));
  CHECK_OK(weft_doc_save(a, WEFT_SNAPSHOT_STATE_ONLY, &plain_state));
  CHECK(plain.len > full.len);
  CHECK(plain_state.len < plain.len);
  weft_bytes_free(&plain);
  weft_bytes_free(&plain_state);

  weft_bytes json_a = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_to_json(a, &json_a));
  for (int k = 0; k < 2; ++k) {
    const weft_bytes* snap = k == 0 ? &full : &state;
    weft_doc* b = NULL;
    REQUIRE_OK(weft_doc_load(snap->data, snap->len, 6, NULL, 0, NULL, 0, &b));
    weft_bytes json_b = WEFT_BYTES_INIT;
    CHECK_OK(weft_doc_to_json(b, &json_b));
    CHECK(json_a.len == json_b.len && memcmp(json_a.data, json_b.data, json_a.len) == 0);
    const char* id = NULL;
    size_t id_len = 0;
    CHECK_OK(weft_doc_id(b, &id, &id_len));
    CHECK(id_len == 4 && memcmp(id, "snap", 4) == 0);
    uint64_t r = 0;
    CHECK_OK(weft_doc_replica(b, &r));
    CHECK(r == 6);
    CHECK_OK(weft_doc_check(b, true));
    weft_bytes_free(&json_b);
    weft_doc_free(b);
  }
  /* Load options: a mismatching id and too-tight limits are refused. */
  weft_doc* b = NULL;
  CHECK_STATUS(weft_doc_load(full.data, full.len, 6, S("other"), NULL, 0, &b),
               WEFT_ERR_INVALID_ARGUMENT);
  const uint64_t tight[] = {WEFT_OPT_MAX_MESSAGE_BYTES, 64};
  CHECK_STATUS(weft_doc_load(full.data, full.len, 6, NULL, 0, tight, 1, &b), WEFT_ERR_TOO_LARGE);
  const uint64_t roomy[] = {WEFT_OPT_MAX_ITEMS, UINT64_C(1) << 20, WEFT_OPT_MAX_PENDING_OPS, 9};
  REQUIRE_OK(weft_doc_load(full.data, full.len, 6, S("snap"), roomy, 2, &b));
  uint64_t v = 0;
  CHECK_OK(weft_doc_get_option(b, WEFT_OPT_MAX_ITEMS, &v));
  CHECK(v == (UINT64_C(1) << 20));
  CHECK_OK(weft_doc_get_option(b, WEFT_OPT_MAX_PENDING_OPS, &v));
  CHECK(v == 9);
  weft_doc_free(b);
  b = NULL;
  CHECK_STATUS(weft_doc_load(full.data, 10, 6, NULL, 0, NULL, 0, &b), WEFT_ERR_MALFORMED);
  CHECK(b == NULL);
  CHECK(strlen(weft_last_error()) > 0);
  CHECK_STATUS(weft_doc_load(NULL, 10, 6, NULL, 0, NULL, 0, &b), WEFT_ERR_NULL_ARGUMENT);

  weft_bytes_free(&json_a);
  weft_bytes_free(&full);
  weft_bytes_free(&state);
  weft_text_free(t);
  weft_map_free(m);
  weft_doc_free(a);
}

static void test_errors_change_nothing(void) {
  weft_doc* a = new_doc(1);
  REQUIRE(a != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(a, S("t"), &t));
  CHECK_OK(weft_text_insert(t, 0, S("abc")));
  weft_bytes before = WEFT_BYTES_INIT, after = WEFT_BYTES_INIT, v0 = WEFT_BYTES_INIT,
             v1 = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_to_json(a, &before));
  CHECK_OK(weft_doc_version(a, &v0));
  CHECK_STATUS(weft_text_insert(t, 4, S("x")), WEFT_ERR_OUT_OF_RANGE);
  const char* msg = weft_doc_last_error(a);
  CHECK(strlen(msg) > 0);
  CHECK_STATUS(weft_text_insert(t, 0, "\xc3", 1), WEFT_ERR_INVALID_UTF8);
  CHECK(strcmp(weft_status_str(WEFT_ERR_INVALID_UTF8), "invalid_utf8") == 0);
  CHECK_STATUS(weft_text_erase(t, 2, 5), WEFT_ERR_OUT_OF_RANGE);
  const uint8_t junk[] = {1, 2, 3, 4, 5, 6, 7, 8};
  CHECK(weft_doc_apply(a, junk, sizeof junk, NULL, 0) != WEFT_OK);
  CHECK_STATUS(weft_doc_apply(a, NULL, 3, NULL, 0), WEFT_ERR_NULL_ARGUMENT);
  CHECK(weft_doc_apply(a, NULL, 0, NULL, 0) != WEFT_OK); /* no bytes: no message */
  CHECK_STATUS(weft_doc_get_text(a, "\xff", 1, &t), WEFT_ERR_INVALID_UTF8);
  CHECK_OK(weft_doc_to_json(a, &after));
  CHECK_OK(weft_doc_version(a, &v1));
  CHECK(before.len == after.len && memcmp(before.data, after.data, before.len) == 0);
  CHECK(v0.len == v1.len && memcmp(v0.data, v1.data, v0.len) == 0);
  CHECK_OK(weft_doc_check(a, true));
  weft_bytes_free(&before);
  weft_bytes_free(&after);
  weft_bytes_free(&v0);
  weft_bytes_free(&v1);
  weft_text_free(t);
  weft_doc_free(a);
}

static void noop_event(void* user_data, const weft_event* e) {
  (void)user_data;
  (void)e;
}

static void test_use_after_doc_free(void) {
  weft_doc* a = new_doc(1);
  REQUIRE(a != NULL);
  weft_text* t = NULL;
  weft_map* m = NULL;
  weft_list* l = NULL;
  weft_counter* c = NULL;
  weft_register* r = NULL;
  REQUIRE_OK(weft_doc_get_text(a, S("t"), &t));
  REQUIRE_OK(weft_doc_get_map(a, S("m"), &m));
  REQUIRE_OK(weft_doc_get_list(a, S("l"), &l));
  REQUIRE_OK(weft_doc_get_counter(a, S("c"), &c));
  REQUIRE_OK(weft_doc_get_register(a, S("r"), &r));
  weft_undo_manager* um = NULL;
  REQUIRE_OK(weft_undo_manager_new(a, NULL, 0, -1, 0, NULL, NULL, &um));
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_text_observe(t, noop_event, NULL, &sub));
  CHECK(weft_subscription_active(sub));
  weft_doc_free(a);

  CHECK(!weft_subscription_active(sub));
  size_t n = 0;
  bool b = false;
  int64_t i = 0;
  weft_value v = {0};
  weft_bytes out = WEFT_BYTES_INIT;
  CHECK_STATUS(weft_text_insert(t, 0, S("x")), WEFT_ERR_DOC_FREED);
  CHECK(strstr(weft_last_error(), "freed") != NULL);
  CHECK_STATUS(weft_text_size(t, &n), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_text_to_json(t, &out), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_map_get(m, S("k"), &v), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_map_size(m, &n), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_list_size(l, &n), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_list_push_back(l, &v), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_counter_value(c, &i), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_counter_add(c, 1), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_register_get(r, &v), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_register_clear(r), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_undo_manager_undo(um, &b), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_undo_manager_can_undo(um, &b), WEFT_ERR_DOC_FREED);
  CHECK_STATUS(weft_text_equal(t, t, &b), WEFT_ERR_DOC_FREED);
  CHECK(out.data == NULL);
  weft_subscription_free(sub);
  weft_undo_manager_free(um);
  weft_text_free(t);
  weft_map_free(m);
  weft_list_free(l);
  weft_counter_free(c);
  weft_register_free(r);
}

typedef struct {
  weft_doc* doc;
  int calls;
} free_in_callback;

static void free_doc_in_callback(void* user_data, const weft_event* e) {
  free_in_callback* f = (free_in_callback*)user_data;
  (void)e;
  ++f->calls;
  weft_doc_free(f->doc);
  f->doc = NULL;
}

static void test_free_doc_from_callback(void) {
  free_in_callback f = {new_doc(1), 0};
  REQUIRE(f.doc != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(f.doc, S("t"), &t));
  weft_subscription* sub = NULL;
  REQUIRE_OK(weft_text_observe(t, free_doc_in_callback, &f, &sub));
  /* The doc is freed inside its own observer: the call completes and the
   * handle reports the doc freed afterwards. */
  CHECK_OK(weft_text_insert(t, 0, S("x")));
  CHECK(f.calls == 1);
  CHECK_STATUS(weft_text_insert(t, 0, S("y")), WEFT_ERR_DOC_FREED);
  weft_subscription_free(sub);
  weft_text_free(t);
}

int main(void) {
  RUN(test_version_and_status);
  RUN(test_free_null);
  RUN(test_new_and_options);
  RUN(test_transact_and_updates);
  RUN(test_sync_by_version);
  RUN(test_pending_and_fork);
  RUN(test_snapshots);
  RUN(test_errors_change_nothing);
  RUN(test_use_after_doc_free);
  RUN(test_free_doc_from_callback);
  return check_result();
}
