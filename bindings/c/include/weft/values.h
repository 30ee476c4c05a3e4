/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/values.h
 * -----------------------------------------------------------------------------
 *
 * The plain data that crosses the ABI by pointer: scalar values (tagged
 * weft_value, owned lists of them), transaction origins and anchors
 * (stable cursors in a text or list).
 */

#ifndef WEFT_VALUES_H_
#define WEFT_VALUES_H_

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------- */

/* weft_value_kind matches weft::value_kind. */
typedef enum weft_value_kind {
  WEFT_VALUE_NULL = 0,
  WEFT_VALUE_BOOL = 1,      /* integer is 0 or 1 */
  WEFT_VALUE_INT = 2,       /* integer */
  WEFT_VALUE_REAL = 3,      /* real */
  WEFT_VALUE_STRING = 4,    /* data, len: UTF-8 */
  WEFT_VALUE_BYTES = 5,     /* data, len */
  WEFT_VALUE_CONTAINER = 6  /* container_type; get a handle with the typed getters */
} weft_value_kind;

/* weft_container_type matches weft::container_type. */
typedef enum weft_container_type {
  WEFT_CONTAINER_NONE = 0,
  WEFT_CONTAINER_TEXT = 1,
  WEFT_CONTAINER_MAP = 2,
  WEFT_CONTAINER_LIST = 3,
  WEFT_CONTAINER_COUNTER = 4,
  WEFT_CONTAINER_REGISTER = 5
} weft_container_type;

/* weft_value is a scalar held by a map, list or register, tagged by `kind`.
 * As an input it is borrowed (data points at the caller's bytes) and must be
 * a scalar: containers are made with the set_<type>/insert_<type>
 * functions. As an output the caller owns it: weft_value_free releases
 * `data`. Write inputs as e.g. `weft_value v = {WEFT_VALUE_INT, 0, 42}`. */
typedef struct weft_value {
  int32_t kind;            /* weft_value_kind */
  int32_t container_type;  /* weft_container_type (kind CONTAINER), else 0 */
  int64_t integer;         /* BOOL and INT */
  double real;             /* REAL */
  const void* data;        /* STRING and BYTES (NULL when len is 0 on input) */
  size_t len;
} weft_value;

/* weft_value_free releases what an output value owns and resets it to null.
 * Only for values weft filled in. */
WEFT_API void weft_value_free(weft_value* v);

/* weft_value_list is an owned array of output values. */
typedef struct weft_value_list {
  weft_value* items;
  size_t len;
} weft_value_list;

/* weft_value_list_free releases every item and the array. */
WEFT_API void weft_value_list_free(weft_value_list* list);

/* ---------------------------------------------------------------------------
 * Origins and anchors
 * ------------------------------------------------------------------------- */

/* weft_origin_kind says where a transaction came from (weft::origin). */
typedef enum weft_origin_kind {
  WEFT_ORIGIN_LOCAL = 0,
  WEFT_ORIGIN_REMOTE = 1,
  WEFT_ORIGIN_UNDO = 2,
  WEFT_ORIGIN_REDO = 3,
  WEFT_ORIGIN_USER = 4  /* an application tag */
} weft_origin_kind;

/* weft_origin names an origin as an input (undo managers' tracked list). */
typedef struct weft_origin {
  int32_t kind;     /* weft_origin_kind */
  const char* tag;  /* WEFT_ORIGIN_USER: its tag (UTF-8); otherwise ignored */
  size_t tag_len;
} weft_origin;

/* weft_affinity says which neighbour an anchor sticks to (weft::affinity). */
typedef enum weft_affinity { WEFT_AFFINITY_LEFT = 0, WEFT_AFFINITY_RIGHT = 1 } weft_affinity;

/* weft_anchor is a stable cursor in a text or list: plain data that any
 * replica which has seen its target can resolve. has_target 0 means the
 * start (left affinity) or the end (right affinity). */
typedef struct weft_anchor {
  uint64_t replica;    /* target op id (has_target != 0) */
  uint64_t seq;
  int32_t has_target;  /* 0 or 1 */
  int32_t side;        /* weft_affinity */
} weft_anchor;

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_VALUES_H_ */
