/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/events.h
 * -----------------------------------------------------------------------------
 *
 * weft_event: what a transaction changed in one container, as the observers
 * registered with weft_<type>_observe(_deep) receive it.
 */

#ifndef WEFT_EVENTS_H_
#define WEFT_EVENTS_H_

#include "weft/common.h"
#include "weft/values.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_EVENTS_H_ */
