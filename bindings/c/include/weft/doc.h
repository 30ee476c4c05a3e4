/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/doc.h
 * -----------------------------------------------------------------------------
 *
 * weft_doc: a document, its options, transactions, replication (versions,
 * deltas, update observers), snapshots and root containers.
 */

#ifndef WEFT_DOC_H_
#define WEFT_DOC_H_

#include "weft/common.h"
#include "weft/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------------- */

/* Document options, as (key, value) pairs of uint64_t; defaults in
 * parentheses. Options marked "creation" are fixed when the document is
 * made (weft_doc_new_with, weft_doc_load); the others may also be changed
 * later with weft_doc_set_option. Values are taken as given; an option not
 * listed keeps its default. A value out of an option's range (a level
 * beyond 1..19, a depth beyond 2^32-1, an unknown codec) is refused with
 * WEFT_ERR_INVALID_ARGUMENT. */
typedef enum weft_option {
  WEFT_OPT_MAX_OPS = 1,             /* creation: ops the document may hold (2^40) */
  WEFT_OPT_MAX_PENDING_OPS = 2,     /* creation: ops waiting for dependencies (2^24) */
  /* Decode limits for what this document decodes (apply, delta checks). */
  WEFT_OPT_MAX_MESSAGE_BYTES = 16,  /* 64 MiB, also after decompression */
  WEFT_OPT_MAX_DECODE_OPS = 17,     /* ops per delta or snapshot (2^26) */
  WEFT_OPT_MAX_ITEMS = 18,          /* runs, elements, values, preds (2^18) */
  WEFT_OPT_MAX_STRING_BYTES = 19,   /* one text run, key or value (16 MiB) */
  WEFT_OPT_MAX_CONTAINERS = 20,     /* container table entries (2^20) */
  WEFT_OPT_MAX_DEPTH = 21,          /* FlatBuffers nesting (64) */
  WEFT_OPT_MAX_TABLES = 22,         /* FlatBuffers tables (2^20) */
  /* Encoding of what this document produces (deltas, versions, snapshots,
   * update callbacks). */
  WEFT_OPT_COMPRESSION = 32,        /* weft_compression (none) */
  WEFT_OPT_COMPRESS_MIN_BYTES = 33, /* compress payloads at least this long (512) */
  WEFT_OPT_COMPRESSION_LEVEL = 34   /* zstd level 1..19 (3) */
} weft_option;

/* weft_compression matches weft::compression. */
typedef enum weft_compression {
  WEFT_COMPRESSION_NONE = 0,
  WEFT_COMPRESSION_ZSTD = 1
} weft_compression;

/* weft_doc_new makes an empty document with a random replica id and id. */
WEFT_API weft_status weft_doc_new(weft_doc** out);
/* weft_doc_new_with makes an empty document editing as `replica`, named `id`
 * (empty: a random id), with `n_options` (key, value) pairs in `options`
 * (options[2i] is a weft_option, options[2i+1] its value; NULL when 0). */
WEFT_API weft_status weft_doc_new_with(uint64_t replica, const char* id, size_t id_len,
                                       const uint64_t* options, size_t n_options,
                                       weft_doc** out);
/* weft_doc_free destroys the document (at once, or when the weft call it is
 * made from returns). Handles from it then report WEFT_ERR_DOC_FREED. */
WEFT_API void weft_doc_free(weft_doc* doc);
/* weft_doc_fork makes an independent deep copy editing as `replica`
 * (observers and undo managers are not copied; options are).
 * WEFT_ERR_INVALID_STATE inside a transaction. */
WEFT_API weft_status weft_doc_fork(const weft_doc* doc, uint64_t replica, weft_doc** out);

/* weft_doc_last_error returns the message of the most recent failed call on
 * this document or any handle from it ("" if none). Valid until the next
 * failing call on the document or its handles, or until it is freed. */
WEFT_API const char* weft_doc_last_error(const weft_doc* doc);

WEFT_API weft_status weft_doc_set_option(weft_doc* doc, int32_t option, uint64_t value);
WEFT_API weft_status weft_doc_get_option(const weft_doc* doc, int32_t option, uint64_t* value);

WEFT_API weft_status weft_doc_replica(const weft_doc* doc, uint64_t* replica);
/* weft_doc_id lends the document's id (UTF-8, NUL-terminated too), valid
 * until the document is freed. */
WEFT_API weft_status weft_doc_id(const weft_doc* doc, const char** id, size_t* len);

/* weft_doc_to_json renders every root with content, keys sorted: equal
 * states give equal strings. */
WEFT_API weft_status weft_doc_to_json(const weft_doc* doc, weft_bytes* out);

/* weft_transact_fn is the body of a transaction; a non-zero return makes
 * weft_doc_transact return WEFT_ERR_CALLBACK. */
typedef int32_t (*weft_transact_fn)(void* user_data);

/* weft_doc_transact runs `fn` as one transaction: observers see its events
 * once, when it ends. Its origin is the user tag `origin_tag` or, when
 * origin_tag is NULL, local. Nested calls join the outer transaction. If fn
 * returns non-zero, the edits it made stay (there is no rollback; use an
 * undo manager) and WEFT_ERR_CALLBACK is returned. */
WEFT_API weft_status weft_doc_transact(weft_doc* doc, weft_transact_fn fn, void* user_data,
                                       const char* origin_tag, size_t origin_tag_len);
WEFT_API weft_status weft_doc_in_transaction(const weft_doc* doc, bool* out);

/* Replication. */

/* weft_doc_version encodes the document's version vector. */
WEFT_API weft_status weft_doc_version(const weft_doc* doc, weft_bytes* out);
/* weft_doc_version_entries fills up to `cap` entries and sets *len to how
 * many there are (see weft_version_decode). */
WEFT_API weft_status weft_doc_version_entries(const weft_doc* doc, weft_version_entry* entries,
                                              size_t cap, size_t* len);
/* weft_doc_delta_since encodes what a replica at version `since` (an encoded
 * version; NULL/0 for the empty version: everything) lacks. */
WEFT_API weft_status weft_doc_delta_since(const weft_doc* doc, const uint8_t* since,
                                          size_t since_len, weft_bytes* out);
/* weft_doc_apply decodes a delta message (with the document's decode limits)
 * and integrates it as one transaction whose origin is the user tag
 * `origin_tag`, or remote when it is NULL. Idempotent, any order; a refused
 * delta changes nothing. */
WEFT_API weft_status weft_doc_apply(weft_doc* doc, const uint8_t* delta, size_t len,
                                    const char* origin_tag, size_t origin_tag_len);
WEFT_API weft_status weft_doc_pending_ops(const weft_doc* doc, uint64_t* out);
WEFT_API weft_status weft_doc_op_count(const weft_doc* doc, uint64_t* out);
WEFT_API weft_status weft_doc_memory_usage(const weft_doc* doc, size_t* out);
/* weft_doc_check verifies every invariant (deep: O(n) cross-checks);
 * WEFT_ERR_CORRUPTED if one is broken. */
WEFT_API weft_status weft_doc_check(const weft_doc* doc, bool deep);

/* weft_update_fn receives, after every transaction that integrated
 * operations, exactly those operations as an encoded delta (borrowed for the
 * call), with the transaction's origin (tag borrowed, for USER). */
typedef void (*weft_update_fn)(void* user_data, const uint8_t* delta, size_t delta_len,
                               int32_t origin_kind, const char* origin_tag,
                               size_t origin_tag_len);
WEFT_API weft_status weft_doc_observe_updates(weft_doc* doc, weft_update_fn fn,
                                              void* user_data, weft_subscription** out);

/* Snapshots. */

typedef enum weft_snapshot_kind {
  WEFT_SNAPSHOT_FULL = 0,       /* every op, history included */
  WEFT_SNAPSHOT_STATE_ONLY = 1  /* current state plus what merging needs */
} weft_snapshot_kind;

/* weft_doc_save encodes a snapshot (with the document's encoding options). */
WEFT_API weft_status weft_doc_save(const weft_doc* doc, int32_t kind, weft_bytes* out);
/* weft_doc_load builds a document from a snapshot, editing as `replica`.
 * `id` empty takes the snapshot's id; otherwise the two must match. Options
 * as in weft_doc_new_with; the decode limits among them bound the load. */
WEFT_API weft_status weft_doc_load(const uint8_t* data, size_t len, uint64_t replica,
                                   const char* id, size_t id_len, const uint64_t* options,
                                   size_t n_options, weft_doc** out);

/* Roots: the container named `name` (UTF-8) of each type, created on first
 * use (no operation is recorded). */
WEFT_API weft_status weft_doc_get_text(weft_doc* doc, const char* name, size_t name_len,
                                       weft_text** out);
WEFT_API weft_status weft_doc_get_map(weft_doc* doc, const char* name, size_t name_len,
                                      weft_map** out);
WEFT_API weft_status weft_doc_get_list(weft_doc* doc, const char* name, size_t name_len,
                                       weft_list** out);
WEFT_API weft_status weft_doc_get_counter(weft_doc* doc, const char* name, size_t name_len,
                                          weft_counter** out);
WEFT_API weft_status weft_doc_get_register(weft_doc* doc, const char* name, size_t name_len,
                                           weft_register** out);

/* weft_random_replica_id draws a replica id from a non-deterministic source. */
WEFT_API weft_status weft_random_replica_id(uint64_t* out);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_DOC_H_ */
