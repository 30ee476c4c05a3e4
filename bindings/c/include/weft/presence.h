/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/presence.h
 * -----------------------------------------------------------------------------
 *
 * weft_presence: the ephemeral side of a document (who is here, names,
 * colours, cursors), synced as bytes or carried by a sync session.
 */

#ifndef WEFT_PRESENCE_H_
#define WEFT_PRESENCE_H_

#include "weft/common.h"
#include "weft/values.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#endif  /* WEFT_PRESENCE_H_ */
