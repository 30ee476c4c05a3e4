/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/wire.h
 * -----------------------------------------------------------------------------
 *
 * Version vectors and wire messages as bytes: encoding, decoding, comparing
 * and merging versions, and inspecting a message without a document.
 */

#ifndef WEFT_WIRE_H_
#define WEFT_WIRE_H_

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Versions and messages
 * ------------------------------------------------------------------------- */

/* weft_version_entry is one replica's count in a version vector. */
typedef struct weft_version_entry {
  uint64_t replica;
  uint64_t count;
} weft_version_entry;

/* weft_causal_order relates two versions (weft::causal_order). */
typedef enum weft_causal_order {
  WEFT_ORDER_EQUAL = 0,
  WEFT_ORDER_BEFORE = 1,
  WEFT_ORDER_AFTER = 2,
  WEFT_ORDER_CONCURRENT = 3
} weft_causal_order;

/* Versions travel as encoded version-vector messages (the wire format). */

/* weft_version_encode encodes `n` entries (any order; count 0 entries are
 * dropped; a replica given twice is refused). */
WEFT_API weft_status weft_version_encode(const weft_version_entry* entries, size_t n,
                                         weft_bytes* out);
/* weft_version_decode decodes a version message into up to `cap` entries
 * (ascending replica id) and sets *len to the number of entries it has, which
 * may exceed `cap`: call with cap 0 to size the array. */
WEFT_API weft_status weft_version_decode(const uint8_t* data, size_t len,
                                         weft_version_entry* entries, size_t cap,
                                         size_t* out_len);
/* weft_version_compare sets *order to how version a relates to version b. */
WEFT_API weft_status weft_version_compare(const uint8_t* a, size_t a_len, const uint8_t* b,
                                          size_t b_len, int32_t* order);
/* weft_version_merge encodes the entry-wise maximum of a and b. */
WEFT_API weft_status weft_version_merge(const uint8_t* a, size_t a_len, const uint8_t* b,
                                        size_t b_len, weft_bytes* out);

/* weft_message_kind values (weft::message_kind). */
typedef enum weft_message_kind {
  WEFT_MESSAGE_DELTA = 1,
  WEFT_MESSAGE_SNAPSHOT = 2,
  WEFT_MESSAGE_VERSION = 3,
  WEFT_MESSAGE_SYNC = 4  /* a sync protocol message */
} weft_message_kind;

/* weft_message_peek verifies the envelope of a wire message and sets *kind
 * to what it carries (weft_message_kind). */
WEFT_API weft_status weft_message_peek(const uint8_t* data, size_t len, int32_t* kind);
/* weft_delta_op_count decodes a delta message (fully verified, default
 * limits) and sets *count to its number of operations. */
WEFT_API weft_status weft_delta_op_count(const uint8_t* data, size_t len, uint64_t* count);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_WIRE_H_ */
