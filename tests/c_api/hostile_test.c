/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/hostile_test.c
 * -----------------------------------------------------------------------------
 *
 * Damaged and random bytes through every C entry point that decodes:
 * weft_doc_apply, weft_doc_load, weft_doc_delta_since (its version),
 * weft_version_decode, weft_message_peek and weft_delta_op_count. Each must
 * return a status (never crash or abort), and a refused apply must leave
 * the document exactly as it was. */

#include <stdint.h>
#include <stdlib.h>

#include "check.h"

typedef struct {
  weft_bytes json;
  weft_bytes version;
} state;

static int snapshot_state(const weft_doc* d, state* s) {
  s->json.data = NULL;
  s->version.data = NULL;
  return weft_doc_to_json(d, &s->json) == WEFT_OK && weft_doc_version(d, &s->version) == WEFT_OK;
}

static int same_bytes(const weft_bytes* a, const weft_bytes* b) {
  return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static void free_state(state* s) {
  weft_bytes_free(&s->json);
  weft_bytes_free(&s->version);
}

/* sample builds a document with every container type, and returns its full
 * delta and snapshot. */
static weft_doc* sample(weft_bytes* delta, weft_bytes* snap, weft_bytes* version) {
  weft_doc* d = NULL;
  if (weft_doc_new_with(7, S("hostile"), NULL, 0, &d) != WEFT_OK) return NULL;
  weft_text* t = NULL;
  weft_map* m = NULL;
  weft_list* l = NULL;
  weft_counter* c = NULL;
  weft_register* r = NULL;
  const weft_value v = {WEFT_VALUE_STRING, 0, 0, 0.0, "val", 3};
  const weft_value i = {WEFT_VALUE_INT, 0, 300, 0.0, NULL, 0};
  int ok = weft_doc_get_text(d, S("t"), &t) == WEFT_OK &&
           weft_text_insert(t, 0, S("hello w\xc3\xb6rld")) == WEFT_OK &&
           weft_text_erase(t, 2, 2) == WEFT_OK && weft_doc_get_map(d, S("m"), &m) == WEFT_OK &&
           weft_map_set(m, S("k"), &v) == WEFT_OK && weft_map_set_list(m, S("l"), &l) == WEFT_OK &&
           weft_list_push_back(l, &i) == WEFT_OK &&
           weft_map_get_or_create_counter(m, S("c"), &c) == WEFT_OK &&
           weft_counter_add(c, -5) == WEFT_OK && weft_doc_get_register(d, S("r"), &r) == WEFT_OK &&
           weft_register_set(r, &i) == WEFT_OK &&
           weft_doc_delta_since(d, NULL, 0, delta) == WEFT_OK &&
           weft_doc_save(d, WEFT_SNAPSHOT_FULL, snap) == WEFT_OK &&
           weft_doc_version(d, version) == WEFT_OK;
  weft_text_free(t);
  weft_map_free(m);
  weft_list_free(l);
  weft_counter_free(c);
  weft_register_free(r);
  if (!ok) {
    weft_doc_free(d);
    return NULL;
  }
  return d;
}

static int applies_refused = 0, applies_ok = 0, loads_ok = 0;

/* feed runs one damaged buffer through every decoding entry point. */
static void feed(weft_doc** target, const weft_bytes* baseline_snap, const state* baseline,
                 const uint8_t* p, size_t n) {
  const weft_status s = weft_doc_apply(*target, p, n, NULL, 0);
  if (s != WEFT_OK) {
    ++applies_refused;
    state now;
    if (!snapshot_state(*target, &now)) {
      CHECK(0);
      return;
    }
    if (!same_bytes(&now.json, &baseline->json) || !same_bytes(&now.version, &baseline->version)) {
      fprintf(stderr, "a refused apply (%s) changed the document\n", weft_status_str(s));
      ++check_failures;
    }
    free_state(&now);
  } else {
    /* A damaged delta that still decodes is a valid delta: the document
     * must remain consistent. Then start again from the baseline. */
    ++applies_ok;
    CHECK_OK(weft_doc_check(*target, true));
    weft_doc_free(*target);
    *target = NULL;
    CHECK_OK(weft_doc_load(baseline_snap->data, baseline_snap->len, 9, NULL, 0, NULL, 0, target));
    if (*target == NULL) return;
  }
  weft_doc* loaded = NULL;
  if (weft_doc_load(p, n, 9, NULL, 0, NULL, 0, &loaded) == WEFT_OK) {
    ++loads_ok;
    CHECK_OK(weft_doc_check(loaded, true));
    weft_doc_free(loaded);
  } else {
    CHECK(loaded == NULL);
  }
  weft_version_entry es[4];
  size_t len = 0;
  int32_t kind = 0;
  uint64_t count = 0;
  weft_bytes out = WEFT_BYTES_INIT;
  (void)weft_version_decode(p, n, es, 4, &len);
  (void)weft_message_peek(p, n, &kind);
  (void)weft_delta_op_count(p, n, &count);
  if (weft_doc_delta_since(*target, p, n, &out) == WEFT_OK) weft_bytes_free(&out);
  CHECK(out.data == NULL);
}

static void sweep(const weft_bytes* msg, const weft_bytes* empty_snap) {
  weft_doc* target = NULL;
  REQUIRE_OK(weft_doc_load(empty_snap->data, empty_snap->len, 9, NULL, 0, NULL, 0, &target));
  state baseline;
  REQUIRE(snapshot_state(target, &baseline));
  uint8_t* buf = (uint8_t*)malloc(msg->len);
  REQUIRE(buf != NULL);
  static const uint8_t flips[] = {0x01, 0x80, 0xff};
  for (size_t i = 0; i < msg->len && target != NULL; ++i) {
    for (size_t f = 0; f < sizeof flips && target != NULL; ++f) {
      memcpy(buf, msg->data, msg->len);
      buf[i] ^= flips[f];
      feed(&target, empty_snap, &baseline, buf, msg->len);
    }
    memcpy(buf, msg->data, msg->len);
    buf[i] = 0;
    if (target != NULL) feed(&target, empty_snap, &baseline, buf, msg->len);
    /* Every truncation. */
    if (target != NULL) feed(&target, empty_snap, &baseline, msg->data, i);
  }
  /* Random buffers, with the envelope's first bytes kept half the time so
   * that some get past the identifier check. */
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (int k = 0; k < 1500 && target != NULL; ++k) {
    for (size_t i = 0; i < msg->len; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      buf[i] = (uint8_t)x;
    }
    const size_t keep = (k & 1) ? (msg->len < 16 ? msg->len : 16) : 0;
    memcpy(buf, msg->data, keep);
    feed(&target, empty_snap, &baseline, buf, (size_t)(x % msg->len) + 1);
  }
  free(buf);
  free_state(&baseline);
  weft_doc_free(target);
}

static void test_sweep(void) {
  weft_bytes delta = WEFT_BYTES_INIT, snap = WEFT_BYTES_INIT, version = WEFT_BYTES_INIT;
  weft_doc* d = sample(&delta, &snap, &version);
  REQUIRE(d != NULL);
  /* The target starts as an empty replica of the same document id. */
  weft_doc* empty = NULL;
  REQUIRE_OK(weft_doc_new_with(8, S("hostile"), NULL, 0, &empty));
  weft_bytes empty_snap = WEFT_BYTES_INIT;
  REQUIRE_OK(weft_doc_save(empty, WEFT_SNAPSHOT_FULL, &empty_snap));
  weft_doc_free(empty);

  sweep(&delta, &empty_snap);
  sweep(&snap, &empty_snap);
  sweep(&version, &empty_snap);
  fprintf(stderr, "refused %d applies, accepted %d; %d damaged loads decoded\n",
          applies_refused, applies_ok, loads_ok);
  CHECK(applies_refused > 1000);

  /* The undamaged messages still work after all that. */
  weft_doc* target = NULL;
  REQUIRE_OK(weft_doc_load(empty_snap.data, empty_snap.len, 9, NULL, 0, NULL, 0, &target));
  CHECK_OK(weft_doc_apply(target, delta.data, delta.len, NULL, 0));
  weft_bytes a = WEFT_BYTES_INIT, b = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_to_json(d, &a));
  CHECK_OK(weft_doc_to_json(target, &b));
  CHECK(same_bytes(&a, &b));
  weft_bytes_free(&a);
  weft_bytes_free(&b);
  weft_doc_free(target);
  weft_bytes_free(&empty_snap);
  weft_bytes_free(&delta);
  weft_bytes_free(&snap);
  weft_bytes_free(&version);
  weft_doc_free(d);
}

static void test_tight_limits(void) {
  weft_bytes delta = WEFT_BYTES_INIT, snap = WEFT_BYTES_INIT, version = WEFT_BYTES_INIT;
  weft_doc* d = sample(&delta, &snap, &version);
  REQUIRE(d != NULL);
  weft_doc* e = NULL;
  REQUIRE_OK(weft_doc_new_with(8, S("hostile"), NULL, 0, &e));
  /* The document's decode limits bound what apply accepts. */
  CHECK_OK(weft_doc_set_option(e, WEFT_OPT_MAX_DECODE_OPS, 3));
  CHECK_STATUS(weft_doc_apply(e, delta.data, delta.len, NULL, 0), WEFT_ERR_TOO_LARGE);
  uint64_t ops = 1;
  CHECK_OK(weft_doc_op_count(e, &ops));
  CHECK(ops == 0);
  CHECK_OK(weft_doc_set_option(e, WEFT_OPT_MAX_DECODE_OPS, 1000));
  CHECK_OK(weft_doc_apply(e, delta.data, delta.len, NULL, 0));
  weft_doc_free(e);
  /* A capacity too small for the delta refuses it whole. */
  const uint64_t small[] = {WEFT_OPT_MAX_OPS, 4};
  REQUIRE_OK(weft_doc_new_with(8, S("hostile"), small, 1, &e));
  CHECK_STATUS(weft_doc_apply(e, delta.data, delta.len, NULL, 0), WEFT_ERR_CAPACITY_EXCEEDED);
  CHECK_OK(weft_doc_op_count(e, &ops));
  CHECK(ops == 0);
  weft_doc_free(e);
  weft_bytes_free(&delta);
  weft_bytes_free(&snap);
  weft_bytes_free(&version);
  weft_doc_free(d);
}

int main(void) {
  RUN(test_sweep);
  RUN(test_tight_limits);
  return check_result();
}
