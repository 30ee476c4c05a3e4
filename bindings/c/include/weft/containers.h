/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/containers.h
 * -----------------------------------------------------------------------------
 *
 * The container handles: what every type has (free, JSON, path, equality,
 * observers), then text, map, list, counter and register.
 */

#ifndef WEFT_CONTAINERS_H_
#define WEFT_CONTAINERS_H_

#include "weft/common.h"
#include "weft/events.h"
#include "weft/values.h"

#ifdef __cplusplus
extern "C" {
#endif

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
/* weft_text_insert_utf16 and weft_text_erase_utf16 are weft_text_insert and
 * weft_text_erase with positions and lengths in UTF-16 code units, as
 * JavaScript, Java and C# count them: one call per edit where a binding
 * would convert first. A position inside a surrogate pair is refused
 * (WEFT_ERR_NOT_CHAR_BOUNDARY) and nothing changes. */
WEFT_API weft_status weft_text_insert_utf16(weft_text* text, size_t pos_utf16, const char* utf8,
                                            size_t len);
WEFT_API weft_status weft_text_erase_utf16(weft_text* text, size_t pos_utf16, size_t len_utf16);
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

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_CONTAINERS_H_ */
