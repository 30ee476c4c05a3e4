/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft.h
 * -----------------------------------------------------------------------------
 *
 * The C ABI of weft: delta-state CRDT documents (text, map, list, counter,
 * register) for C and for every language that reaches weft through C
 * (Python ctypes, the WebAssembly package, FFI generators). Plain C11; the
 * library behind it is C++ but nothing of C++ crosses this boundary: no
 * exception, abort or unwinding leaves an entry point.
 *
 * Conventions (docs/c-api.md has the long form and the parity table):
 *
 * Status. Every fallible entry point returns a weft_status; WEFT_OK is 0.
 *   On failure the document is unchanged (bad input changes nothing) and no
 *   out-parameter is written. weft_status_str() names a status;
 *   weft_doc_last_error() and weft_last_error() give the message.
 *
 * Ownership. Inputs are borrowed for the duration of the call: pointer plus
 *   length, strings are UTF-8 with an explicit length and need no NUL.
 *   Outputs the caller owns are released by the matching function:
 *   weft_bytes_free, weft_value_free, weft_value_list_free, and weft_*_free
 *   for handles. Every weft_*_free(NULL) is a no-op. Pointers a function
 *   lends (weft_doc_id, the event accessors) say how long they stay valid.
 *
 * Handles. A weft_doc owns a document; a weft_presence owns a presence. Container handles (weft_text,
 *   weft_map, weft_list, weft_counter, weft_register), undo managers and
 *   subscriptions refer to their document without owning it and may outlive
 *   it: once the document is freed, every call on them returns
 *   WEFT_ERR_DOC_FREED (subscriptions then do nothing) and freeing them is
 *   still required. Each getter returns a new handle; two handles to one
 *   container compare equal with weft_*_equal.
 *
 * Threads. A weft_doc and everything obtained from it (container handles,
 *   undo managers, subscriptions, events) must be used by one thread at a
 *   time; the application serializes. Different documents are independent
 *   and may be used from different threads concurrently. Functions that
 *   take no handle (weft_version_*, weft_status_str, ...) are thread-safe.
 *
 * Callbacks. Every callback takes the user_data pointer given when it was
 *   registered, as its first parameter. Callbacks run synchronously on the
 *   calling thread, after the transaction that caused them has committed;
 *   they may call back into weft (edits made there are new transactions)
 *   and may free the document, which is then destroyed when the outermost
 *   weft call returns.
 *
 * ABI stability. Functions, enumerators and status codes are only added,
 *   never changed or removed; the structs declared here keep their layout.
 *   WEFT_VERSION_NUMBER is the version of this header, weft_version_number()
 *   the version of the library loaded.
 *
 * Emscripten. Signatures use integers and pointers only (no struct passed
 *   or returned by value, no varargs) so that ccall/cwrap can call them.
 */

#ifndef WEFT_H_
#define WEFT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(WEFT_C_SHARED)
#if defined(WEFT_C_BUILDING)
#define WEFT_API __declspec(dllexport)
#else
#define WEFT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define WEFT_API __attribute__((visibility("default")))
#else
#define WEFT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------- */

/* The same values as include/weft/version.hpp (major * 10000 + minor * 100 +
 * patch). */
#define WEFT_VERSION_MAJOR 0
#define WEFT_VERSION_MINOR 1
#define WEFT_VERSION_PATCH 0
#define WEFT_VERSION_NUMBER \
  (WEFT_VERSION_MAJOR * 10000 + WEFT_VERSION_MINOR * 100 + WEFT_VERSION_PATCH)

/* weft_version_number returns WEFT_VERSION_NUMBER of the library loaded. */
WEFT_API int32_t weft_version_number(void);

/* ---------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------- */

/* Values 1 to 63 are weft::errc, with the same numbers; C-level statuses
 * start at 64. Values are only appended. */
typedef enum weft_status {
  WEFT_OK = 0,
  WEFT_ERR_INVALID_ARGUMENT = 1,  /* a parameter is malformed */
  WEFT_ERR_OUT_OF_RANGE = 2,      /* a position or length is outside the data */
  WEFT_ERR_INVALID_UTF8 = 3,      /* text is not well-formed UTF-8 */
  WEFT_ERR_SEQ_EXHAUSTED = 4,     /* a replica used up its sequence numbers */
  WEFT_ERR_CAPACITY_EXCEEDED = 5, /* a document would exceed its op capacity */
  WEFT_ERR_UNKNOWN_ID = 6,        /* an op id this replica has never seen */
  WEFT_ERR_MALFORMED = 7,         /* a delta violates the protocol */
  WEFT_ERR_NOT_CHAR_BOUNDARY = 8, /* a UTF-16 offset splits a surrogate pair */
  WEFT_ERR_CORRUPTED = 9,         /* an invariant check failed */
  WEFT_ERR_UNSUPPORTED = 10,      /* bytes from a newer format */
  WEFT_ERR_TOO_LARGE = 11,        /* input exceeds a configured limit */
  WEFT_ERR_IO_ERROR = 12,         /* storage failed to read or write */

  WEFT_ERR_NULL_ARGUMENT = 64,    /* a required pointer is NULL */
  WEFT_ERR_NO_MEMORY = 65,        /* an allocation failed */
  WEFT_ERR_DOC_FREED = 66,        /* the handle's document was freed */
  WEFT_ERR_TYPE_MISMATCH = 67,    /* a value or container of another type */
  WEFT_ERR_NOT_FOUND = 68,        /* no such key, or no value */
  WEFT_ERR_CALLBACK = 69,         /* a callback returned an error */
  WEFT_ERR_INTERNAL = 70,         /* an unexpected failure inside weft */
  WEFT_ERR_INVALID_STATE = 71     /* not allowed now (e.g. inside a transaction) */
} weft_status;

/* weft_status_str returns a stable, lower-case name for `status` ("ok",
 * "out_of_range", "doc_freed", ...; "unknown" for values it does not know).
 * The string is static. */
WEFT_API const char* weft_status_str(weft_status status);

/* weft_last_error returns the message of the most recent failed call made
 * on the calling thread (any entry point), or "" if none failed. Valid until
 * the next failing call on this thread. */
WEFT_API const char* weft_last_error(void);

/* ---------------------------------------------------------------------------
 * Owned outputs
 * ------------------------------------------------------------------------- */

/* weft_bytes is a buffer weft allocated for the caller. On success `data` is
 * never NULL and data[len] is 0, so text outputs can be used as C strings
 * (when they contain no NUL). Initialize to {0} (or WEFT_BYTES_INIT); release
 * with weft_bytes_free. */
typedef struct weft_bytes {
  uint8_t* data;
  size_t len;
} weft_bytes;

#define WEFT_BYTES_INIT {NULL, 0}

/* weft_bytes_free releases b->data and resets *b to {NULL, 0}. */
WEFT_API void weft_bytes_free(weft_bytes* b);

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
 * Origins, anchors, versions
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

/* weft_random_replica_id draws a replica id from a non-deterministic source. */
WEFT_API weft_status weft_random_replica_id(uint64_t* out);

/* ---------------------------------------------------------------------------
 * Handles
 * ------------------------------------------------------------------------- */

typedef struct weft_doc weft_doc;
typedef struct weft_text weft_text;
typedef struct weft_map weft_map;
typedef struct weft_list weft_list;
typedef struct weft_counter weft_counter;
typedef struct weft_register weft_register;
typedef struct weft_undo_manager weft_undo_manager;
typedef struct weft_subscription weft_subscription;
typedef struct weft_event weft_event;

/* weft_subscription_free unregisters the observer (also after the document
 * is gone) and frees the handle. */
WEFT_API void weft_subscription_free(weft_subscription* sub);
/* weft_subscription_active reports whether the observer is still registered
 * (false once its document is freed). */
WEFT_API bool weft_subscription_active(const weft_subscription* sub);

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

/* ---------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------- */

/* weft_event_fn receives one container's event; weft_deep_fn the events of
 * one transaction in a subtree (a parent's before its children's). Events
 * and everything their accessors lend are valid only during the call. */
typedef void (*weft_event_fn)(void* user_data, const weft_event* event);
typedef void (*weft_deep_fn)(void* user_data, const weft_event* const* events, size_t count);

/* weft_delta_kind is one step of a text or list delta (Quill form). */
typedef enum weft_delta_kind {
  WEFT_DELTA_RETAIN = 0,
  WEFT_DELTA_INSERT = 1,
  WEFT_DELTA_ERASE = 2
} weft_delta_kind;

/* weft_event_kind returns the weft_container_type of the event's target
 * (WEFT_CONTAINER_NONE for NULL). */
WEFT_API int32_t weft_event_kind(const weft_event* event);
/* weft_event_origin sets the origin kind and lends its tag (USER). */
WEFT_API weft_status weft_event_origin(const weft_event* event, int32_t* kind, const char** tag,
                                       size_t* tag_len);
/* Targets as new handles (WEFT_ERR_TYPE_MISMATCH for another type). */
WEFT_API weft_status weft_event_target_text(const weft_event* event, weft_text** out);
WEFT_API weft_status weft_event_target_map(const weft_event* event, weft_map** out);
WEFT_API weft_status weft_event_target_list(const weft_event* event, weft_list** out);
WEFT_API weft_status weft_event_target_counter(const weft_event* event, weft_counter** out);
WEFT_API weft_status weft_event_target_register(const weft_event* event, weft_register** out);

/* weft_event_delta_len sets *len to the number of delta ops of a text or
 * list event (no trailing retain). */
WEFT_API weft_status weft_event_delta_len(const weft_event* event, size_t* len);
/* weft_event_text_op reads op `i` of a text event: its kind, its length in
 * code points and in UTF-16 units, and (insert) the inserted UTF-8, lent. */
WEFT_API weft_status weft_event_text_op(const weft_event* event, size_t i, int32_t* kind,
                                        size_t* len, size_t* len_utf16, const char** text,
                                        size_t* text_len);
/* weft_event_list_op reads op `i` of a list event: kind and length in
 * elements; weft_event_list_value copies inserted element `j` of it. */
WEFT_API weft_status weft_event_list_op(const weft_event* event, size_t i, int32_t* kind,
                                        size_t* len);
WEFT_API weft_status weft_event_list_value(const weft_event* event, size_t i, size_t j,
                                           weft_value* out);
/* Map events: the changed keys, sorted; for each, whether it had a value
 * before and has one after, and those values (copied; left untouched when
 * absent). */
WEFT_API weft_status weft_event_map_len(const weft_event* event, size_t* len);
WEFT_API weft_status weft_event_map_key(const weft_event* event, size_t i, const char** key,
                                        size_t* key_len);
WEFT_API weft_status weft_event_map_change(const weft_event* event, size_t i, bool* had_old,
                                           weft_value* old_value, bool* has_new,
                                           weft_value* new_value);
/* Counter events: the sum of the transaction's adds (wrapping). */
WEFT_API weft_status weft_event_counter_increment(const weft_event* event, int64_t* increment);
/* Register events: the winning value before and after. */
WEFT_API weft_status weft_event_register_change(const weft_event* event, bool* had_old,
                                                weft_value* old_value, bool* has_new,
                                                weft_value* new_value);

/* weft_event_to_json flags. */
#define WEFT_JSON_UTF16 1u /* text delta lengths in UTF-16 units, not code points */

/* weft_event_to_json renders the event as one JSON object:
 *   {"type":"text","origin":"local","path":["doc"],"delta":[{"retain":3},
 *    {"insert":"hi"},{"delete":1}]}
 * list deltas insert arrays of values; map events have
 * "keys":{"k":{"action":"add|update|delete","old":..,"new":..}}; counter
 * events "increment"; register events "old"/"new" (absent when none).
 * User origins add "tag"; "path" is null for a detached container. */
WEFT_API weft_status weft_event_to_json(const weft_event* event, uint32_t flags,
                                        weft_bytes* out);

/* ---------------------------------------------------------------------------
 * Containers: operations every type has
 * ------------------------------------------------------------------------- */
/* _free releases the handle (not the container). _to_json renders the
 * container's state; _path the steps from a root as a JSON array
 * (["root","key",2]) or null when detached; _equal whether two handles name
 * the same container; _observe registers `fn` for this container's events;
 * _observe_deep for the events of it and everything nested in it. */

WEFT_API void weft_text_free(weft_text* text);
WEFT_API weft_status weft_text_to_json(const weft_text* text, weft_bytes* out);
WEFT_API weft_status weft_text_path(const weft_text* text, weft_bytes* out);
WEFT_API weft_status weft_text_equal(const weft_text* a, const weft_text* b, bool* out);
WEFT_API weft_status weft_text_observe(weft_text* text, weft_event_fn fn, void* user_data,
                                       weft_subscription** out);
WEFT_API weft_status weft_text_observe_deep(weft_text* text, weft_deep_fn fn, void* user_data,
                                            weft_subscription** out);

WEFT_API void weft_map_free(weft_map* map);
WEFT_API weft_status weft_map_to_json(const weft_map* map, weft_bytes* out);
WEFT_API weft_status weft_map_path(const weft_map* map, weft_bytes* out);
WEFT_API weft_status weft_map_equal(const weft_map* a, const weft_map* b, bool* out);
WEFT_API weft_status weft_map_observe(weft_map* map, weft_event_fn fn, void* user_data,
                                      weft_subscription** out);
WEFT_API weft_status weft_map_observe_deep(weft_map* map, weft_deep_fn fn, void* user_data,
                                           weft_subscription** out);

WEFT_API void weft_list_free(weft_list* list);
WEFT_API weft_status weft_list_to_json(const weft_list* list, weft_bytes* out);
WEFT_API weft_status weft_list_path(const weft_list* list, weft_bytes* out);
WEFT_API weft_status weft_list_equal(const weft_list* a, const weft_list* b, bool* out);
WEFT_API weft_status weft_list_observe(weft_list* list, weft_event_fn fn, void* user_data,
                                       weft_subscription** out);
WEFT_API weft_status weft_list_observe_deep(weft_list* list, weft_deep_fn fn, void* user_data,
                                            weft_subscription** out);

WEFT_API void weft_counter_free(weft_counter* counter);
WEFT_API weft_status weft_counter_to_json(const weft_counter* counter, weft_bytes* out);
WEFT_API weft_status weft_counter_path(const weft_counter* counter, weft_bytes* out);
WEFT_API weft_status weft_counter_equal(const weft_counter* a, const weft_counter* b, bool* out);
WEFT_API weft_status weft_counter_observe(weft_counter* counter, weft_event_fn fn,
                                          void* user_data, weft_subscription** out);
WEFT_API weft_status weft_counter_observe_deep(weft_counter* counter, weft_deep_fn fn,
                                               void* user_data, weft_subscription** out);

WEFT_API void weft_register_free(weft_register* reg);
WEFT_API weft_status weft_register_to_json(const weft_register* reg, weft_bytes* out);
WEFT_API weft_status weft_register_path(const weft_register* reg, weft_bytes* out);
WEFT_API weft_status weft_register_equal(const weft_register* a, const weft_register* b,
                                         bool* out);
WEFT_API weft_status weft_register_observe(weft_register* reg, weft_event_fn fn,
                                           void* user_data, weft_subscription** out);
WEFT_API weft_status weft_register_observe_deep(weft_register* reg, weft_deep_fn fn,
                                                void* user_data, weft_subscription** out);

/* ---------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------- */
/* Positions and lengths are in Unicode code points unless a name says
 * utf16. Edits join the current transaction (or make their own). */

WEFT_API weft_status weft_text_size(const weft_text* text, size_t* out);
WEFT_API weft_status weft_text_size_utf16(const weft_text* text, size_t* out);
WEFT_API weft_status weft_text_to_string(const weft_text* text, weft_bytes* out);
/* weft_text_slice copies `len` code points from `pos` (clamped to the end). */
WEFT_API weft_status weft_text_slice(const weft_text* text, size_t pos, size_t len,
                                     weft_bytes* out);
WEFT_API weft_status weft_text_insert(weft_text* text, size_t pos, const char* utf8,
                                      size_t len);
WEFT_API weft_status weft_text_erase(weft_text* text, size_t pos, size_t len);
WEFT_API weft_status weft_text_to_utf16(const weft_text* text, size_t pos, size_t* out);
WEFT_API weft_status weft_text_from_utf16(const weft_text* text, size_t pos_utf16,
                                          size_t* out);
/* weft_text_anchor_at makes a stable cursor at `pos` sticking to `side`
 * (weft_affinity); weft_text_resolve gives its position now. */
WEFT_API weft_status weft_text_anchor_at(const weft_text* text, size_t pos, int32_t side,
                                         weft_anchor* out);
WEFT_API weft_status weft_text_resolve(const weft_text* text, const weft_anchor* anchor,
                                       size_t* out);

/* ---------------------------------------------------------------------------
 * Map
 * ------------------------------------------------------------------------- */
/* Keys are UTF-8. Concurrent writes to a key resolve last-writer-wins;
 * get_all also returns the concurrent losers, the winner first. */

WEFT_API weft_status weft_map_size(const weft_map* map, size_t* out);
WEFT_API weft_status weft_map_contains(const weft_map* map, const char* key, size_t key_len,
                                       bool* out);
/* weft_map_get copies the winning value (WEFT_ERR_NOT_FOUND if none). */
WEFT_API weft_status weft_map_get(const weft_map* map, const char* key, size_t key_len,
                                  weft_value* out);
WEFT_API weft_status weft_map_get_all(const weft_map* map, const char* key, size_t key_len,
                                      weft_value_list* out);
/* weft_map_keys lists the keys with a value (as STRING values, byte order);
 * weft_map_entries lists keys and their values in the same order. */
WEFT_API weft_status weft_map_keys(const weft_map* map, weft_value_list* out);
WEFT_API weft_status weft_map_entries(const weft_map* map, weft_value_list* keys,
                                      weft_value_list* values);
/* weft_map_set writes a scalar (a CONTAINER value is refused). */
WEFT_API weft_status weft_map_set(weft_map* map, const char* key, size_t key_len,
                                  const weft_value* value);
WEFT_API weft_status weft_map_erase(weft_map* map, const char* key, size_t key_len);
/* set_<type> write a new, empty container under the key (last writer wins). */
WEFT_API weft_status weft_map_set_text(weft_map* map, const char* key, size_t key_len,
                                       weft_text** out);
WEFT_API weft_status weft_map_set_map(weft_map* map, const char* key, size_t key_len,
                                      weft_map** out);
WEFT_API weft_status weft_map_set_list(weft_map* map, const char* key, size_t key_len,
                                       weft_list** out);
WEFT_API weft_status weft_map_set_counter(weft_map* map, const char* key, size_t key_len,
                                          weft_counter** out);
WEFT_API weft_status weft_map_set_register(weft_map* map, const char* key, size_t key_len,
                                           weft_register** out);
/* get_or_create_<type> return the container of that type under the key, or
 * attach the one named (map, key, type): concurrent callers share it. */
WEFT_API weft_status weft_map_get_or_create_text(weft_map* map, const char* key, size_t key_len,
                                                 weft_text** out);
WEFT_API weft_status weft_map_get_or_create_map(weft_map* map, const char* key, size_t key_len,
                                                weft_map** out);
WEFT_API weft_status weft_map_get_or_create_list(weft_map* map, const char* key, size_t key_len,
                                                 weft_list** out);
WEFT_API weft_status weft_map_get_or_create_counter(weft_map* map, const char* key,
                                                    size_t key_len, weft_counter** out);
WEFT_API weft_status weft_map_get_or_create_register(weft_map* map, const char* key,
                                                     size_t key_len, weft_register** out);
/* get_<type> return the container the key holds (WEFT_ERR_NOT_FOUND if no
 * value, WEFT_ERR_TYPE_MISMATCH if it holds something else). */
WEFT_API weft_status weft_map_get_text(const weft_map* map, const char* key, size_t key_len,
                                       weft_text** out);
WEFT_API weft_status weft_map_get_map(const weft_map* map, const char* key, size_t key_len,
                                      weft_map** out);
WEFT_API weft_status weft_map_get_list(const weft_map* map, const char* key, size_t key_len,
                                       weft_list** out);
WEFT_API weft_status weft_map_get_counter(const weft_map* map, const char* key, size_t key_len,
                                          weft_counter** out);
WEFT_API weft_status weft_map_get_register(const weft_map* map, const char* key,
                                           size_t key_len, weft_register** out);

/* ---------------------------------------------------------------------------
 * List
 * ------------------------------------------------------------------------- */

WEFT_API weft_status weft_list_size(const weft_list* list, size_t* out);
WEFT_API weft_status weft_list_get(const weft_list* list, size_t index, weft_value* out);
WEFT_API weft_status weft_list_values(const weft_list* list, weft_value_list* out);
/* weft_list_insert puts scalars values[0..n) at `index`. */
WEFT_API weft_status weft_list_insert(weft_list* list, size_t index, const weft_value* values,
                                      size_t n);
WEFT_API weft_status weft_list_push_back(weft_list* list, const weft_value* value);
WEFT_API weft_status weft_list_erase(weft_list* list, size_t index, size_t count);
/* insert_<type> put a new, empty container at `index`. */
WEFT_API weft_status weft_list_insert_text(weft_list* list, size_t index, weft_text** out);
WEFT_API weft_status weft_list_insert_map(weft_list* list, size_t index, weft_map** out);
WEFT_API weft_status weft_list_insert_list(weft_list* list, size_t index, weft_list** out);
WEFT_API weft_status weft_list_insert_counter(weft_list* list, size_t index,
                                              weft_counter** out);
WEFT_API weft_status weft_list_insert_register(weft_list* list, size_t index,
                                               weft_register** out);
/* get_<type> return the container element `index` holds. */
WEFT_API weft_status weft_list_get_text(const weft_list* list, size_t index, weft_text** out);
WEFT_API weft_status weft_list_get_map(const weft_list* list, size_t index, weft_map** out);
WEFT_API weft_status weft_list_get_list(const weft_list* list, size_t index, weft_list** out);
WEFT_API weft_status weft_list_get_counter(const weft_list* list, size_t index,
                                           weft_counter** out);
WEFT_API weft_status weft_list_get_register(const weft_list* list, size_t index,
                                            weft_register** out);
WEFT_API weft_status weft_list_anchor_at(const weft_list* list, size_t index, int32_t side,
                                         weft_anchor* out);
WEFT_API weft_status weft_list_resolve(const weft_list* list, const weft_anchor* anchor,
                                       size_t* out);

/* ---------------------------------------------------------------------------
 * Counter and register
 * ------------------------------------------------------------------------- */

WEFT_API weft_status weft_counter_value(const weft_counter* counter, int64_t* out);
/* weft_counter_add refuses (WEFT_ERR_OUT_OF_RANGE) an add that would
 * overflow the current value. */
WEFT_API weft_status weft_counter_add(weft_counter* counter, int64_t delta);

/* weft_register_get copies the winning value (WEFT_ERR_NOT_FOUND if none). */
WEFT_API weft_status weft_register_get(const weft_register* reg, weft_value* out);
WEFT_API weft_status weft_register_get_all(const weft_register* reg, weft_value_list* out);
WEFT_API weft_status weft_register_set(weft_register* reg, const weft_value* value);
WEFT_API weft_status weft_register_clear(weft_register* reg);

/* ---------------------------------------------------------------------------
 * Undo
 * ------------------------------------------------------------------------- */

/* weft_clock_fn returns a monotonic time in milliseconds. */
typedef int64_t (*weft_clock_fn)(void* user_data);

/* weft_undo_manager_new records the transactions of the `n_tracked` origins
 * in `tracked` (NULL/0: local edits only), grouping those closer than
 * `capture_window_ms` (negative: 500) into one step, keeping at most
 * `max_depth` steps (0: 100). `now_ms` (may be NULL: the steady clock) is
 * the clock. The manager is valid until freed; once its document is freed
 * its calls return WEFT_ERR_DOC_FREED. */
WEFT_API weft_status weft_undo_manager_new(weft_doc* doc, const weft_origin* tracked,
                                           size_t n_tracked, int64_t capture_window_ms,
                                           size_t max_depth, weft_clock_fn now_ms,
                                           void* clock_user_data, weft_undo_manager** out);
WEFT_API void weft_undo_manager_free(weft_undo_manager* um);
/* weft_undo_manager_undo reverts the latest step as one transaction (origin
 * undo); *done is false when there was nothing to undo.
 * WEFT_ERR_INVALID_STATE inside a transaction. */
WEFT_API weft_status weft_undo_manager_undo(weft_undo_manager* um, bool* done);
WEFT_API weft_status weft_undo_manager_redo(weft_undo_manager* um, bool* done);
WEFT_API weft_status weft_undo_manager_can_undo(const weft_undo_manager* um, bool* out);
WEFT_API weft_status weft_undo_manager_can_redo(const weft_undo_manager* um, bool* out);
WEFT_API weft_status weft_undo_manager_undo_depth(const weft_undo_manager* um, size_t* out);
WEFT_API weft_status weft_undo_manager_redo_depth(const weft_undo_manager* um, size_t* out);
/* stop_capturing makes the next tracked transaction start a new step. */
WEFT_API weft_status weft_undo_manager_stop_capturing(weft_undo_manager* um);
/* clear drops both stacks. */
WEFT_API weft_status weft_undo_manager_clear(weft_undo_manager* um);

/* ---------------------------------------------------------------------------
 * Presence
 * ------------------------------------------------------------------------- */
/* weft_presence is the ephemeral side of a document (weft::presence): who is
 * here, their name and colour, where their cursor is. Each client, keyed by
 * its replica id, owns one entry; local changes become updates for peers
 * (take_updates), peers' updates are applied (apply), and entries expire
 * when their owner goes silent. Time is the application's monotonic clock
 * in milliseconds, passed to every call that needs it. Updates travel as
 * bytes (a sync presence message); a sync session carries them by itself.
 * A presence is independent of any document: one thread at a time per
 * presence; it has its own last error. */

typedef struct weft_presence weft_presence;

/* Presence options, (key, value) pairs as for documents; defaults in
 * parentheses. */
typedef enum weft_presence_option {
  WEFT_PRESENCE_HEARTBEAT_MS = 1,     /* full update this often (15000) */
  WEFT_PRESENCE_TIMEOUT_MS = 2,       /* drop silent entries after (30000) */
  WEFT_PRESENCE_MAX_FIELD_BYTES = 3,  /* per remote field (4096) */
  WEFT_PRESENCE_MAX_CUSTOM_FIELDS = 4, /* per remote entry (64) */
  WEFT_PRESENCE_MAX_CLIENTS = 5,      /* remote entries (10000) */
  WEFT_PRESENCE_START_CLOCK = 6       /* this client's first update is this + 1 (0) */
} weft_presence_option;

/* The well-known fields of an entry. */
typedef enum weft_presence_field {
  WEFT_PRESENCE_USER_ID = 0,
  WEFT_PRESENCE_NAME = 1,
  WEFT_PRESENCE_COLOR = 2,
  WEFT_PRESENCE_AVATAR_URL = 3
} weft_presence_field;

/* What happened to a client's entry (weft::presence_event::kind). */
typedef enum weft_presence_change {
  WEFT_PRESENCE_JOINED = 0,
  WEFT_PRESENCE_UPDATED = 1,
  WEFT_PRESENCE_LEFT = 2
} weft_presence_change;

WEFT_API weft_status weft_presence_new(uint64_t self, const uint64_t* options, size_t n_options,
                                       weft_presence** out);
WEFT_API void weft_presence_free(weft_presence* presence);
/* weft_presence_last_error: as weft_doc_last_error, for this presence. */
WEFT_API const char* weft_presence_last_error(const weft_presence* presence);
WEFT_API weft_status weft_presence_self(const weft_presence* presence, uint64_t* self);
/* weft_presence_clock: the clock of the last update this client produced. */
WEFT_API weft_status weft_presence_clock(const weft_presence* presence, uint64_t* clock);

/* Local changes (UTF-8 values); what changed goes out with the next
 * take_updates. set_custom with value NULL erases the key. set_cursor puts
 * the caret/selection in the root text `text` (anchor: where the selection
 * started, head: the caret); text NULL clears the cursor. */
WEFT_API weft_status weft_presence_set_field(weft_presence* presence, int32_t field,
                                             const char* value, size_t len, int64_t now_ms);
WEFT_API weft_status weft_presence_set_custom(weft_presence* presence, const char* key,
                                              size_t key_len, const char* value,
                                              size_t value_len, int64_t now_ms);
WEFT_API weft_status weft_presence_set_cursor(weft_presence* presence, const char* text,
                                              size_t text_len, const weft_anchor* anchor,
                                              const weft_anchor* head, int64_t now_ms);
/* weft_presence_leave queues a goodbye; a later local change announces
 * the client again. */
WEFT_API weft_status weft_presence_leave(weft_presence* presence, int64_t now_ms);
/* weft_presence_tick queues a heartbeat when due and expires silent
 * entries. */
WEFT_API weft_status weft_presence_tick(weft_presence* presence, int64_t now_ms);

/* weft_presence_take_updates encodes what to send to peers since the last
 * call (len 0 when there is nothing); full_updates encodes every live entry,
 * this client's included, for a newly connected peer. */
WEFT_API weft_status weft_presence_take_updates(weft_presence* presence, weft_bytes* out);
WEFT_API weft_status weft_presence_full_updates(const weft_presence* presence, weft_bytes* out);
/* weft_presence_apply takes a peer's updates (bytes from take_updates or
 * full_updates). Stale updates are ignored. A damaged message changes
 * nothing; the updates of one message apply in order (each to its own
 * client's entry) and the first refused one stops the rest. */
WEFT_API weft_status weft_presence_apply(weft_presence* presence, const uint8_t* data, size_t len,
                                         int64_t now_ms);

/* Reading entries. weft_presence_clients lists the live remote clients (up
 * to `cap`; *len is how many there are). The getters read any client's
 * entry, `self` for the local one; WEFT_ERR_NOT_FOUND for an unknown client,
 * an absent custom key, or no cursor. to_json renders a whole entry:
 * {"user_id":..,"name":..,"color":..,"avatar_url":..,
 *  "cursor":{"text":..}|null,"custom":{..}}. */
WEFT_API weft_status weft_presence_clients(const weft_presence* presence, uint64_t* clients,
                                           size_t cap, size_t* len);
WEFT_API weft_status weft_presence_get_field(const weft_presence* presence, uint64_t client,
                                             int32_t field, weft_bytes* out);
WEFT_API weft_status weft_presence_get_custom(const weft_presence* presence, uint64_t client,
                                              const char* key, size_t key_len, weft_bytes* out);
WEFT_API weft_status weft_presence_get_cursor(const weft_presence* presence, uint64_t client,
                                              weft_bytes* text, weft_anchor* anchor,
                                              weft_anchor* head);
WEFT_API weft_status weft_presence_to_json(const weft_presence* presence, uint64_t client,
                                           weft_bytes* out);

/* weft_presence_fn is told when a remote entry joins, changes or leaves
 * (timed_out: it went silent rather than saying goodbye). */
typedef void (*weft_presence_fn)(void* user_data, int32_t change, uint64_t client,
                                 bool timed_out);
WEFT_API weft_status weft_presence_observe(weft_presence* presence, weft_presence_fn fn,
                                           void* user_data, weft_subscription** out);

/* weft_presence_resolve_cursor gives the code point positions of a cursor
 * (as get_cursor returns it) in `doc`'s root text `text`. */
WEFT_API weft_status weft_presence_resolve_cursor(weft_doc* doc, const char* text,
                                                  size_t text_len, const weft_anchor* anchor,
                                                  const weft_anchor* head, size_t* anchor_pos,
                                                  size_t* head_pos);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_H_ */
