/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/sync_support.h
 * -----------------------------------------------------------------------------
 *
 * What the sync tests share: an in-memory message queue, one direction of a
 * connection between two sessions (or a session and a relay), and a text
 * edit helper. Messages are copied in, since what a send callback gets is
 * lent for the call. */

#ifndef WEFT_TESTS_C_API_SYNC_SUPPORT_H_
#define WEFT_TESTS_C_API_SYNC_SUPPORT_H_

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

typedef struct pipe_msg {
  uint8_t* data;
  size_t len;
} pipe_msg;

typedef struct pipe_queue {
  pipe_msg* items;
  size_t head, len, cap;
} pipe_queue;

/* pipe_push appends a copy of data[0..len); aborts when out of memory (a
 * test cannot go on without its messages). */
static inline void pipe_push(pipe_queue* q, const uint8_t* data, size_t len) {
  if (q->len == q->cap) {
    size_t cap = q->cap == 0 ? 16 : 2 * q->cap;
    pipe_msg* items = (pipe_msg*)realloc(q->items, cap * sizeof(pipe_msg));
    if (items == NULL) abort();
    q->items = items;
    q->cap = cap;
  }
  pipe_msg m = {(uint8_t*)malloc(len == 0 ? 1 : len), len};
  if (m.data == NULL) abort();
  if (len > 0) memcpy(m.data, data, len);
  q->items[q->len++] = m;
}

/* pipe_pop takes the oldest message (the caller frees out->data) and
 * returns 1, or returns 0 when the queue is empty. */
static inline int pipe_pop(pipe_queue* q, pipe_msg* out) {
  if (q->head == q->len) return 0;
  *out = q->items[q->head++];
  if (q->head == q->len) q->head = q->len = 0;
  return 1;
}

static inline size_t pipe_size(const pipe_queue* q) { return q->len - q->head; }

static inline void pipe_clear(pipe_queue* q) {
  for (size_t i = q->head; i < q->len; ++i) free(q->items[i].data);
  q->head = q->len = 0;
}

static inline void pipe_free(pipe_queue* q) {
  pipe_clear(q);
  free(q->items);
  q->items = NULL;
  q->cap = 0;
}

/* append_text appends `text` to the root text "body" of `d`; aborts on
 * failure (the tests' edits are valid). */
static inline void append_text(weft_doc* d, const char* text) {
  weft_text* t = NULL;
  size_t size = 0;
  if (weft_doc_get_text(d, "body", 4, &t) != WEFT_OK || weft_text_size(t, &size) != WEFT_OK ||
      weft_text_insert(t, size, text, strlen(text)) != WEFT_OK) {
    abort();
  }
  weft_text_free(t);
}

#endif /* WEFT_TESTS_C_API_SYNC_SUPPORT_H_ */
