/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/containers_test.c
 * -----------------------------------------------------------------------------
 *
 * Text, map, list, counter and register through weft.h: every operation,
 * nested containers, values of each kind, anchors, and the errors each
 * refuses with (leaving the document unchanged). */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static weft_doc* new_doc(uint64_t replica) {
  weft_doc* d = NULL;
  if (weft_doc_new_with(replica, S("doc"), NULL, 0, &d) != WEFT_OK) return NULL;
  return d;
}

static int json_is(const weft_doc* d, const char* want) {
  weft_bytes j = WEFT_BYTES_INIT;
  if (weft_doc_to_json(d, &j) != WEFT_OK) return 0;
  const int ok = bytes_eq(&j, want);
  if (!ok) fprintf(stderr, "  json: %.*s\n  want: %s\n", (int)j.len, (const char*)j.data, want);
  weft_bytes_free(&j);
  return ok;
}

static void test_text(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  /* "h\xc3\xa9llo \xf0\x9f\x98\x80": é is one code point, the emoji one
   * code point and two UTF-16 units. */
  CHECK_OK(weft_text_insert(t, 0, S("h\xc3\xa9llo \xf0\x9f\x98\x80")));
  size_t n = 0;
  CHECK_OK(weft_text_size(t, &n));
  CHECK(n == 7);
  CHECK_OK(weft_text_size_utf16(t, &n));
  CHECK(n == 8);
  weft_bytes s = WEFT_BYTES_INIT;
  CHECK_OK(weft_text_slice(t, 1, 4, &s));
  CHECK_BYTES(s, "\xc3\xa9llo");
  weft_bytes_free(&s);
  CHECK_OK(weft_text_slice(t, 5, 100, &s)); /* clamped */
  CHECK_BYTES(s, " \xf0\x9f\x98\x80");
  weft_bytes_free(&s);
  CHECK_STATUS(weft_text_slice(t, 8, 1, &s), WEFT_ERR_OUT_OF_RANGE);
  CHECK_OK(weft_text_to_utf16(t, 7, &n));
  CHECK(n == 8);
  CHECK_OK(weft_text_from_utf16(t, 8, &n));
  CHECK(n == 7);
  CHECK_STATUS(weft_text_from_utf16(t, 7, &n), WEFT_ERR_NOT_CHAR_BOUNDARY);
  CHECK_STATUS(weft_text_to_utf16(t, 9, &n), WEFT_ERR_OUT_OF_RANGE);
  CHECK_OK(weft_text_erase(t, 5, 2));
  CHECK_OK(weft_text_to_string(t, &s));
  CHECK_BYTES(s, "h\xc3\xa9llo");
  weft_bytes_free(&s);
  CHECK_OK(weft_text_to_json(t, &s));
  CHECK_BYTES(s, "\"h\xc3\xa9llo\"");
  weft_bytes_free(&s);
  CHECK_OK(weft_text_path(t, &s));
  CHECK_BYTES(s, "[\"t\"]");
  weft_bytes_free(&s);
  /* An empty insert is allowed with a NULL pointer. */
  CHECK(weft_text_insert(t, 0, NULL, 0) != WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_text_insert(t, 0, NULL, 1), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_text_insert(NULL, 0, S("x")), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_text_size(t, NULL), WEFT_ERR_NULL_ARGUMENT);

  /* Anchors follow edits. */
  weft_anchor a = {0};
  CHECK_OK(weft_text_anchor_at(t, 2, WEFT_AFFINITY_LEFT, &a));
  CHECK(a.has_target == 1 && a.replica == 1 && a.side == WEFT_AFFINITY_LEFT);
  CHECK_OK(weft_text_insert(t, 0, S(">>")));
  CHECK_OK(weft_text_resolve(t, &a, &n));
  CHECK(n == 4);
  weft_anchor end = {0};
  CHECK_OK(weft_text_anchor_at(t, 7, WEFT_AFFINITY_RIGHT, &end));
  CHECK(end.has_target == 0);
  CHECK_OK(weft_text_resolve(t, &end, &n));
  CHECK(n == 7);
  CHECK_STATUS(weft_text_anchor_at(t, 0, 5, &a), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_text_anchor_at(t, 99, WEFT_AFFINITY_LEFT, &a), WEFT_ERR_OUT_OF_RANGE);
  weft_anchor bad = {77, 3, 1, WEFT_AFFINITY_LEFT};
  CHECK_STATUS(weft_text_resolve(t, &bad, &n), WEFT_ERR_UNKNOWN_ID);
  bad.has_target = 2;
  CHECK_STATUS(weft_text_resolve(t, &bad, &n), WEFT_ERR_INVALID_ARGUMENT);

  /* Two handles to one root are equal; to another, not. */
  weft_text *t2 = NULL, *u = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t2));
  REQUIRE_OK(weft_doc_get_text(d, S("u"), &u));
  bool eq = false;
  CHECK_OK(weft_text_equal(t, t2, &eq));
  CHECK(eq);
  CHECK_OK(weft_text_equal(t, u, &eq));
  CHECK(!eq);
  CHECK_STATUS(weft_text_equal(t, NULL, &eq), WEFT_ERR_NULL_ARGUMENT);
  CHECK(json_is(d, "{\"t\":\">>h\xc3\xa9llo\"}"));
  weft_text_free(t);
  weft_text_free(t2);
  weft_text_free(u);
  weft_doc_free(d);
}

/* The UTF-16 edits: positions count an astral character twice, a position
 * inside its surrogate pair is refused with nothing changed, and the fast
 * path of a text without astral characters agrees with the slow one. */
static void test_text_utf16(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_text* t = NULL;
  REQUIRE_OK(weft_doc_get_text(d, S("t"), &t));
  weft_bytes s = WEFT_BYTES_INIT;
  CHECK_OK(weft_text_insert_utf16(t, 0, S("abcd")));
  CHECK_OK(weft_text_insert_utf16(t, 2, S("-")));
  CHECK_OK(weft_text_erase_utf16(t, 0, 1));
  CHECK_OK(weft_text_to_string(t, &s));
  CHECK_BYTES(s, "b-cd");
  weft_bytes_free(&s);
  CHECK_STATUS(weft_text_insert_utf16(t, 5, S("x")), WEFT_ERR_OUT_OF_RANGE);
  CHECK_STATUS(weft_text_erase_utf16(t, 3, 2), WEFT_ERR_OUT_OF_RANGE);
  CHECK_STATUS(weft_text_erase_utf16(t, 1, SIZE_MAX), WEFT_ERR_OUT_OF_RANGE);

  /* "b-\xf0\x9f\x98\x80cd": the emoji is code point 2, UTF-16 units 2 and 3. */
  CHECK_OK(weft_text_insert_utf16(t, 2, S("\xf0\x9f\x98\x80")));
  size_t n = 0;
  CHECK_OK(weft_text_size_utf16(t, &n));
  CHECK(n == 6);
  CHECK_STATUS(weft_text_insert_utf16(t, 3, S("x")), WEFT_ERR_NOT_CHAR_BOUNDARY);
  CHECK_STATUS(weft_text_erase_utf16(t, 3, 1), WEFT_ERR_NOT_CHAR_BOUNDARY);
  CHECK_STATUS(weft_text_erase_utf16(t, 1, 2), WEFT_ERR_NOT_CHAR_BOUNDARY);
  CHECK(json_is(d, "{\"t\":\"b-\xf0\x9f\x98\x80" "cd\"}"));
  CHECK_OK(weft_text_insert_utf16(t, 4, S("!")));
  CHECK_OK(weft_text_to_string(t, &s));
  CHECK_BYTES(s, "b-\xf0\x9f\x98\x80!cd");
  weft_bytes_free(&s);
  CHECK_OK(weft_text_erase_utf16(t, 1, 3));
  CHECK_OK(weft_text_to_string(t, &s));
  CHECK_BYTES(s, "b!cd");
  weft_bytes_free(&s);
  CHECK_STATUS(weft_text_insert_utf16(t, 0, NULL, 1), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_text_insert_utf16(NULL, 0, S("x")), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_text_erase_utf16(NULL, 0, 1), WEFT_ERR_NULL_ARGUMENT);
  weft_text_free(t);
  weft_doc_free(d);
}

static void test_values_in_map(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_map* m = NULL;
  REQUIRE_OK(weft_doc_get_map(d, S("m"), &m));
  const uint8_t blob[] = {0, 1, 255};
  const weft_value vals[] = {
      {WEFT_VALUE_NULL, 0, 0, 0.0, NULL, 0},
      {WEFT_VALUE_BOOL, 0, 1, 0.0, NULL, 0},
      {WEFT_VALUE_INT, 0, -42, 0.0, NULL, 0},
      {WEFT_VALUE_REAL, 0, 0, 2.5, NULL, 0},
      {WEFT_VALUE_STRING, 0, 0, 0.0, "hi", 2},
      {WEFT_VALUE_BYTES, 0, 0, 0.0, blob, 3},
      {WEFT_VALUE_STRING, 0, 0, 0.0, NULL, 0},
  };
  const char* keys[] = {"a", "b", "c", "d", "e", "f", "g"};
  for (int i = 0; i < 7; ++i) CHECK_OK(weft_map_set(m, keys[i], 1, &vals[i]));
  size_t n = 0;
  CHECK_OK(weft_map_size(m, &n));
  CHECK(n == 7);
  for (int i = 0; i < 7; ++i) {
    weft_value v = {0};
    CHECK_OK(weft_map_get(m, keys[i], 1, &v));
    CHECK(v.kind == vals[i].kind);
    CHECK(v.integer == vals[i].integer);
    CHECK(v.real == vals[i].real);
    CHECK(v.len == vals[i].len);
    CHECK(v.len == 0 || memcmp(v.data, vals[i].data, v.len) == 0);
    weft_value_free(&v);
    CHECK(v.kind == WEFT_VALUE_NULL && v.data == NULL);
  }
  CHECK(json_is(d, "{\"m\":{\"a\":null,\"b\":true,\"c\":-42,\"d\":2.5,\"e\":\"hi\","
                   "\"f\":{\"bytes\":\"0001ff\"},\"g\":\"\"}}"));

  bool has = false;
  CHECK_OK(weft_map_contains(m, S("c"), &has));
  CHECK(has);
  CHECK_OK(weft_map_erase(m, S("c")));
  CHECK_OK(weft_map_contains(m, S("c"), &has));
  CHECK(!has);
  CHECK_OK(weft_map_erase(m, S("nothing")));
  weft_value v = {0};
  CHECK_STATUS(weft_map_get(m, S("c"), &v), WEFT_ERR_NOT_FOUND);

  weft_value_list keys_out = {0}, vals_out = {0};
  CHECK_OK(weft_map_keys(m, &keys_out));
  CHECK(keys_out.len == 6);
  CHECK(keys_out.items[0].kind == WEFT_VALUE_STRING && keys_out.items[0].len == 1 &&
        memcmp(keys_out.items[0].data, "a", 1) == 0);
  weft_value_list_free(&keys_out);
  CHECK(keys_out.items == NULL && keys_out.len == 0);
  CHECK_OK(weft_map_entries(m, &keys_out, &vals_out));
  CHECK(keys_out.len == 6 && vals_out.len == 6);
  CHECK(vals_out.items[2].kind == WEFT_VALUE_REAL && vals_out.items[2].real == 2.5);
  weft_value_list_free(&keys_out);
  weft_value_list_free(&vals_out);

  /* Refusals leave the map as it was. */
  const weft_value bad_bool = {WEFT_VALUE_BOOL, 0, 2, 0.0, NULL, 0};
  const weft_value bad_utf8 = {WEFT_VALUE_STRING, 0, 0, 0.0, "\xff", 1};
  const weft_value bad_kind = {99, 0, 0, 0.0, NULL, 0};
  const weft_value container = {WEFT_VALUE_CONTAINER, WEFT_CONTAINER_TEXT, 0, 0.0, NULL, 0};
  const weft_value null_data = {WEFT_VALUE_BYTES, 0, 0, 0.0, NULL, 4};
  CHECK_STATUS(weft_map_set(m, S("x"), &bad_bool), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_map_set(m, S("x"), &bad_utf8), WEFT_ERR_INVALID_UTF8);
  CHECK_STATUS(weft_map_set(m, S("x"), &bad_kind), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_map_set(m, S("x"), &container), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_map_set(m, S("x"), &null_data), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_map_set(m, "\xfe", 1, &vals[1]), WEFT_ERR_INVALID_UTF8);
  CHECK_STATUS(weft_map_set(m, S("x"), NULL), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_map_get(m, NULL, 1, &v), WEFT_ERR_NULL_ARGUMENT);
  CHECK_OK(weft_map_size(m, &n));
  CHECK(n == 6);
  CHECK_OK(weft_doc_check(d, true));
  weft_map_free(m);
  weft_doc_free(d);
}

static void test_nested(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_map* root = NULL;
  REQUIRE_OK(weft_doc_get_map(d, S("root"), &root));

  weft_text* t = NULL;
  weft_map* m = NULL;
  weft_list* l = NULL;
  weft_counter* c = NULL;
  weft_register* r = NULL;
  REQUIRE_OK(weft_map_set_text(root, S("t"), &t));
  REQUIRE_OK(weft_map_set_map(root, S("m"), &m));
  REQUIRE_OK(weft_map_set_list(root, S("l"), &l));
  REQUIRE_OK(weft_map_set_counter(root, S("c"), &c));
  REQUIRE_OK(weft_map_set_register(root, S("r"), &r));
  CHECK_OK(weft_text_insert(t, 0, S("x")));
  CHECK_OK(weft_counter_add(c, 3));
  weft_value v = {0};
  CHECK_OK(weft_map_get(root, S("t"), &v));
  CHECK(v.kind == WEFT_VALUE_CONTAINER && v.container_type == WEFT_CONTAINER_TEXT);
  weft_value_free(&v);

  /* Typed getters: the right type, a mismatch, a missing key. */
  weft_text* t2 = NULL;
  weft_map* m2 = NULL;
  weft_list* l2 = NULL;
  weft_counter* c2 = NULL;
  weft_register* r2 = NULL;
  CHECK_OK(weft_map_get_text(root, S("t"), &t2));
  CHECK_OK(weft_map_get_map(root, S("m"), &m2));
  CHECK_OK(weft_map_get_list(root, S("l"), &l2));
  CHECK_OK(weft_map_get_counter(root, S("c"), &c2));
  CHECK_OK(weft_map_get_register(root, S("r"), &r2));
  bool eq = false;
  CHECK_OK(weft_text_equal(t, t2, &eq));
  CHECK(eq);
  CHECK_OK(weft_map_equal(m, m2, &eq));
  CHECK(eq);
  CHECK_OK(weft_list_equal(l, l2, &eq));
  CHECK(eq);
  CHECK_OK(weft_counter_equal(c, c2, &eq));
  CHECK(eq);
  CHECK_OK(weft_register_equal(r, r2, &eq));
  CHECK(eq);
  weft_text* wrong = NULL;
  CHECK_STATUS(weft_map_get_text(root, S("m"), &wrong), WEFT_ERR_TYPE_MISMATCH);
  CHECK_STATUS(weft_map_get_text(root, S("none"), &wrong), WEFT_ERR_NOT_FOUND);
  CHECK(wrong == NULL);
  CHECK(strstr(weft_doc_last_error(d), "no value") != NULL);

  weft_bytes p = WEFT_BYTES_INIT;
  CHECK_OK(weft_counter_path(c, &p));
  CHECK_BYTES(p, "[\"root\",\"c\"]");
  weft_bytes_free(&p);
  CHECK_OK(weft_map_path(m, &p));
  CHECK_BYTES(p, "[\"root\",\"m\"]");
  weft_bytes_free(&p);
  CHECK_OK(weft_list_path(l, &p));
  CHECK_BYTES(p, "[\"root\",\"l\"]");
  weft_bytes_free(&p);
  CHECK_OK(weft_register_path(r, &p));
  CHECK_BYTES(p, "[\"root\",\"r\"]");
  weft_bytes_free(&p);
  CHECK_OK(weft_counter_to_json(c, &p));
  CHECK_BYTES(p, "3");
  weft_bytes_free(&p);

  /* get_or_create: the same container for concurrent callers. */
  weft_map *g1 = NULL, *g2 = NULL;
  CHECK_OK(weft_map_get_or_create_map(root, S("shared"), &g1));
  CHECK_OK(weft_map_get_or_create_map(root, S("shared"), &g2));
  CHECK_OK(weft_map_equal(g1, g2, &eq));
  CHECK(eq);
  weft_text* gt = NULL;
  weft_list* gl = NULL;
  weft_counter* gc = NULL;
  weft_register* gr = NULL;
  CHECK_OK(weft_map_get_or_create_text(g1, S("t"), &gt));
  CHECK_OK(weft_map_get_or_create_list(g1, S("l"), &gl));
  CHECK_OK(weft_map_get_or_create_counter(g1, S("c"), &gc));
  CHECK_OK(weft_map_get_or_create_register(g1, S("r"), &gr));
  CHECK_OK(weft_text_insert(gt, 0, S("y")));

  /* Overwriting detaches: the old handle keeps working, its path is null. */
  CHECK_OK(weft_map_erase(root, S("t")));
  CHECK_OK(weft_text_path(t, &p));
  CHECK_BYTES(p, "null");
  weft_bytes_free(&p);
  CHECK_OK(weft_text_insert(t, 1, S("z")));
  CHECK_OK(weft_map_to_json(root, &p));
  CHECK_BYTES(p, "{\"c\":3,\"l\":[],\"m\":{},\"r\":null,\"shared\":{\"c\":0,\"l\":[],"
                 "\"r\":null,\"t\":\"y\"}}");
  weft_bytes_free(&p);

  weft_text_free(t);
  weft_text_free(t2);
  weft_text_free(gt);
  weft_map_free(m);
  weft_map_free(m2);
  weft_map_free(g1);
  weft_map_free(g2);
  weft_list_free(l);
  weft_list_free(l2);
  weft_list_free(gl);
  weft_counter_free(c);
  weft_counter_free(c2);
  weft_counter_free(gc);
  weft_register_free(r);
  weft_register_free(r2);
  weft_register_free(gr);
  weft_map_free(root);
  CHECK_OK(weft_doc_check(d, true));
  weft_doc_free(d);
}

static void test_list(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_list* l = NULL;
  REQUIRE_OK(weft_doc_get_list(d, S("l"), &l));
  const weft_value three[] = {{WEFT_VALUE_INT, 0, 1, 0.0, NULL, 0},
                              {WEFT_VALUE_INT, 0, 2, 0.0, NULL, 0},
                              {WEFT_VALUE_STRING, 0, 0, 0.0, "three", 5}};
  CHECK_OK(weft_list_insert(l, 0, three, 3));
  const weft_value last = {WEFT_VALUE_BOOL, 0, 0, 0.0, NULL, 0};
  CHECK_OK(weft_list_push_back(l, &last));
  CHECK_OK(weft_list_insert(l, 0, NULL, 0));
  size_t n = 0;
  CHECK_OK(weft_list_size(l, &n));
  CHECK(n == 4);
  weft_value v = {0};
  CHECK_OK(weft_list_get(l, 2, &v));
  CHECK(v.kind == WEFT_VALUE_STRING && v.len == 5 && memcmp(v.data, "three", 5) == 0);
  weft_value_free(&v);
  CHECK_STATUS(weft_list_get(l, 4, &v), WEFT_ERR_OUT_OF_RANGE);
  weft_value_list all = {0};
  CHECK_OK(weft_list_values(l, &all));
  CHECK(all.len == 4 && all.items[3].kind == WEFT_VALUE_BOOL && all.items[3].integer == 0);
  weft_value_list_free(&all);
  CHECK_OK(weft_list_erase(l, 0, 1));
  CHECK_STATUS(weft_list_erase(l, 2, 5), WEFT_ERR_OUT_OF_RANGE);
  /* A bad value in a batch refuses the whole batch. */
  const weft_value mixed[] = {{WEFT_VALUE_INT, 0, 9, 0.0, NULL, 0},
                              {WEFT_VALUE_CONTAINER, WEFT_CONTAINER_MAP, 0, 0.0, NULL, 0}};
  CHECK_STATUS(weft_list_insert(l, 0, mixed, 2), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_list_insert(l, 0, NULL, 2), WEFT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(weft_list_insert(l, 9, three, 1), WEFT_ERR_OUT_OF_RANGE);
  CHECK_OK(weft_list_size(l, &n));
  CHECK(n == 3);

  weft_text* t = NULL;
  weft_map* m = NULL;
  weft_list* inner = NULL;
  weft_counter* c = NULL;
  weft_register* r = NULL;
  CHECK_OK(weft_list_insert_text(l, 0, &t));
  CHECK_OK(weft_list_insert_map(l, 1, &m));
  CHECK_OK(weft_list_insert_list(l, 2, &inner));
  CHECK_OK(weft_list_insert_counter(l, 3, &c));
  CHECK_OK(weft_list_insert_register(l, 4, &r));
  CHECK_STATUS(weft_list_insert_text(l, 99, &t), WEFT_ERR_OUT_OF_RANGE);
  weft_text* t2 = NULL;
  weft_map* m2 = NULL;
  weft_list* inner2 = NULL;
  weft_counter* c2 = NULL;
  weft_register* r2 = NULL;
  CHECK_OK(weft_list_get_text(l, 0, &t2));
  CHECK_OK(weft_list_get_map(l, 1, &m2));
  CHECK_OK(weft_list_get_list(l, 2, &inner2));
  CHECK_OK(weft_list_get_counter(l, 3, &c2));
  CHECK_OK(weft_list_get_register(l, 4, &r2));
  CHECK_STATUS(weft_list_get_text(l, 1, &t2), WEFT_ERR_TYPE_MISMATCH);
  CHECK_STATUS(weft_list_get_text(l, 5, &t2), WEFT_ERR_TYPE_MISMATCH); /* the int 2 */
  CHECK_STATUS(weft_list_get_text(l, 50, &t2), WEFT_ERR_OUT_OF_RANGE);
  CHECK_OK(weft_text_insert(t2, 0, S("in list")));
  weft_bytes p = WEFT_BYTES_INIT;
  CHECK_OK(weft_text_path(t, &p));
  CHECK_BYTES(p, "[\"l\",0]");
  weft_bytes_free(&p);
  CHECK_OK(weft_list_to_json(l, &p));
  CHECK_BYTES(p, "[\"in list\",{},[],0,null,2,\"three\",false]");
  weft_bytes_free(&p);

  weft_anchor a = {0};
  CHECK_OK(weft_list_anchor_at(l, 6, WEFT_AFFINITY_RIGHT, &a));
  CHECK_OK(weft_list_erase(l, 0, 2));
  CHECK_OK(weft_list_resolve(l, &a, &n));
  CHECK(n == 4);
  CHECK_STATUS(weft_list_anchor_at(l, 0, -1, &a), WEFT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(weft_list_resolve(l, NULL, &n), WEFT_ERR_NULL_ARGUMENT);

  weft_text_free(t);
  weft_text_free(t2);
  weft_map_free(m);
  weft_map_free(m2);
  weft_list_free(inner);
  weft_list_free(inner2);
  weft_counter_free(c);
  weft_counter_free(c2);
  weft_register_free(r);
  weft_register_free(r2);
  weft_list_free(l);
  CHECK_OK(weft_doc_check(d, true));
  weft_doc_free(d);
}

static void test_counter_and_register(void) {
  weft_doc* d = new_doc(1);
  REQUIRE(d != NULL);
  weft_counter* c = NULL;
  REQUIRE_OK(weft_doc_get_counter(d, S("c"), &c));
  CHECK_OK(weft_counter_add(c, 5));
  CHECK_OK(weft_counter_add(c, -7));
  int64_t v = 0;
  CHECK_OK(weft_counter_value(c, &v));
  CHECK(v == -2);
  CHECK_OK(weft_counter_add(c, INT64_MAX));
  CHECK_STATUS(weft_counter_add(c, 3), WEFT_ERR_OUT_OF_RANGE);
  CHECK_OK(weft_counter_value(c, &v));
  CHECK(v == INT64_MAX - 2);

  weft_register* r = NULL;
  REQUIRE_OK(weft_doc_get_register(d, S("r"), &r));
  weft_value out = {0};
  CHECK_STATUS(weft_register_get(r, &out), WEFT_ERR_NOT_FOUND);
  const weft_value x = {WEFT_VALUE_REAL, 0, 0, NAN, NULL, 0};
  CHECK_OK(weft_register_set(r, &x));
  CHECK_OK(weft_register_get(r, &out));
  CHECK(out.kind == WEFT_VALUE_REAL && isnan(out.real));
  weft_value_free(&out);
  weft_value_list all = {0};
  CHECK_OK(weft_register_get_all(r, &all));
  CHECK(all.len == 1);
  weft_value_list_free(&all);
  CHECK_STATUS(weft_register_set(r, NULL), WEFT_ERR_NULL_ARGUMENT);
  CHECK_OK(weft_register_clear(r));
  CHECK_STATUS(weft_register_get(r, &out), WEFT_ERR_NOT_FOUND);
  CHECK_OK(weft_register_get_all(r, &all));
  CHECK(all.len == 0 && all.items == NULL);

  /* Concurrent writes: both kept, one winner everywhere. */
  weft_doc* e = new_doc(2);
  REQUIRE(e != NULL);
  weft_register* re = NULL;
  weft_map *ma = NULL, *me = NULL;
  REQUIRE_OK(weft_doc_get_register(e, S("r"), &re));
  REQUIRE_OK(weft_doc_get_map(d, S("m"), &ma));
  REQUIRE_OK(weft_doc_get_map(e, S("m"), &me));
  const weft_value one = {WEFT_VALUE_INT, 0, 1, 0.0, NULL, 0};
  const weft_value two = {WEFT_VALUE_INT, 0, 2, 0.0, NULL, 0};
  CHECK_OK(weft_register_set(r, &one));
  CHECK_OK(weft_register_set(re, &two));
  CHECK_OK(weft_map_set(ma, S("k"), &one));
  CHECK_OK(weft_map_set(me, S("k"), &two));
  weft_bytes da = WEFT_BYTES_INIT, de = WEFT_BYTES_INIT;
  CHECK_OK(weft_doc_delta_since(d, NULL, 0, &da));
  CHECK_OK(weft_doc_delta_since(e, NULL, 0, &de));
  CHECK_OK(weft_doc_apply(d, de.data, de.len, NULL, 0));
  CHECK_OK(weft_doc_apply(e, da.data, da.len, NULL, 0));
  weft_bytes_free(&da);
  weft_bytes_free(&de);
  CHECK_OK(weft_register_get_all(r, &all));
  CHECK(all.len == 2);
  weft_value_list all_e = {0};
  CHECK_OK(weft_register_get_all(re, &all_e));
  CHECK(all_e.len == 2 && all.items[0].integer == all_e.items[0].integer);
  weft_value_list_free(&all);
  weft_value_list_free(&all_e);
  CHECK_OK(weft_map_get_all(ma, S("k"), &all));
  CHECK(all.len == 2);
  weft_value_list_free(&all);
  CHECK_OK(weft_map_get_all(ma, S("none"), &all));
  CHECK(all.len == 0);

  weft_bytes j = WEFT_BYTES_INIT;
  CHECK_OK(weft_register_to_json(r, &j));
  CHECK(j.len == 1);
  weft_bytes_free(&j);
  weft_counter_free(c);
  weft_register_free(r);
  weft_register_free(re);
  weft_map_free(ma);
  weft_map_free(me);
  weft_doc_free(d);
  weft_doc_free(e);
}

int main(void) {
  RUN(test_text);
  RUN(test_text_utf16);
  RUN(test_values_in_map);
  RUN(test_nested);
  RUN(test_list);
  RUN(test_counter_and_register);
  return check_result();
}
