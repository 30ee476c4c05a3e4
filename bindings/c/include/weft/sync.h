/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/sync.h
 * -----------------------------------------------------------------------------
 *
 * Sync over any transport (weft::sync::session and weft::sync::relay;
 * docs/sync-protocol.md has the protocol). Neither owns a socket, a thread or
 * a clock: the application's transport hands them each message it receives
 * and says when a connection opened, failed or closed; the application
 * passes its monotonic time in milliseconds (`now_ms`) to every call that
 * needs it and calls _tick regularly (every 10 to 100 ms); they hand bytes
 * to send, and requests to open or close a connection, to callbacks.
 *
 * weft_sync_session joins local documents to one remote peer. A client
 * session lives across connections (it asks for each with its connect
 * callback, and reconnects with backoff); a server session serves one
 * accepted connection. weft_sync_relay is a whole server: one server session
 * per accepted connection, one document and presence per document id, and
 * what one peer uploads goes out to every other peer of that document.
 * weft_sync_options configures sessions (a relay takes one as the template
 * of its sessions); it is copied when a session or relay is made and may be
 * freed or reused afterwards.
 *
 * Lifetime. A session or relay keeps every document and presence given to
 * it (add_doc, host, resolve) alive, even after the application frees its
 * weft_doc or weft_presence handle, until it lets it go: a client session
 * when the document is removed, a server session or relay when it is freed.
 * Options, sessions and relays are freed with their _free function; _free on
 * a session or relay from inside one of its own callbacks is deferred until
 * the outermost call on it returns.
 *
 * Threads. A session or relay and the documents and presences it carries
 * are one unit: one thread at a time, the application serializes (it also
 * edits those documents on that thread). Different sessions over different
 * documents are independent. Options handles are not shared between
 * threads while being set. weft_sync_state_str is thread-safe.
 *
 * Callbacks run synchronously on the calling thread, from inside any call
 * on the session or relay (including weft edits of a carried document,
 * whose transactions the session observes). They must not call into that
 * session or relay, except _disconnected (a transport may report a close at
 * once from the close callback) and _free (deferred); any other call made
 * from inside returns WEFT_ERR_INVALID_STATE. They must not edit the
 * documents the session carries; reading them is allowed. Pointers passed
 * to a callback are valid until it returns. A callback left unset (NULL)
 * does nothing.
 *
 * Errors. Each session and relay has its own last error
 * (weft_sync_session_last_error, weft_sync_relay_last_error) besides the
 * thread's (weft_last_error). A message that _receive refuses is applied in
 * no part; the session has then already sent the peer an error and asked
 * to close when the violation warrants it (see the error callback).
 */

#ifndef WEFT_SYNC_H_
#define WEFT_SYNC_H_

#include "weft/common.h"
#include "weft/presence.h"
#include "weft/values.h"
#include "weft/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_sync_options weft_sync_options;
typedef struct weft_sync_session weft_sync_session;
typedef struct weft_sync_relay weft_sync_relay;
/* weft_sync_peer is what a peer said about itself in its hello: lent by a
 * hook for the length of the call, or by weft_sync_session_peer. */
typedef struct weft_sync_peer weft_sync_peer;

/* ---------------------------------------------------------------------------
 * Enumerations (values match the C++ ones and are only appended)
 * ------------------------------------------------------------------------- */

/* weft_sync_side is a session's side (weft::sync::side). */
typedef enum weft_sync_side { WEFT_SYNC_CLIENT = 0, WEFT_SYNC_SERVER = 1 } weft_sync_side;

/* weft_sync_state is the connection as a UI shows it (weft::sync::state). */
typedef enum weft_sync_state {
  WEFT_SYNC_CONNECTING = 0,   /* waiting for the transport to open */
  WEFT_SYNC_HANDSHAKING = 1,  /* hello sent, waiting for the peer's */
  WEFT_SYNC_SYNCING = 2,      /* catching up */
  WEFT_SYNC_LIVE = 3,         /* caught up; edits go out as they happen */
  WEFT_SYNC_OFFLINE = 4,      /* no connection; edits are kept (a new session starts here) */
  WEFT_SYNC_DEGRADED = 5,     /* circuit breaker open: only probing connects */
  WEFT_SYNC_CLOSED = 6        /* closed, or the peer said goodbye */
} weft_sync_state;

/* weft_sync_role is what a peer may do with one document
 * (weft::sync::role). */
typedef enum weft_sync_role {
  WEFT_SYNC_ROLE_NONE = 0,
  WEFT_SYNC_ROLE_READ = 1,
  WEFT_SYNC_ROLE_WRITE = 2,
  WEFT_SYNC_ROLE_ADMIN = 3  /* write, for the protocol */
} weft_sync_role;

/* weft_sync_state_str returns a static lower-case name ("live", ...;
 * "unknown" for values it does not know). */
WEFT_API const char* weft_sync_state_str(int32_t state);

/* ---------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------- */

/* Session options, (key, value) pairs as for documents; defaults in
 * parentheses. Besides these keys, a session takes the document keys for
 * the decode limits of what it receives (WEFT_OPT_MAX_MESSAGE_BYTES ...
 * WEFT_OPT_MAX_TABLES, same defaults) and the encoding of what it sends
 * (WEFT_OPT_COMPRESSION, default zstd here, WEFT_OPT_COMPRESS_MIN_BYTES,
 * WEFT_OPT_COMPRESSION_LEVEL). Intervals are in milliseconds; a value out
 * of range (an interval or count of 0 where one is needed, more than
 * INT64_MAX ms) is refused with WEFT_ERR_INVALID_ARGUMENT. */
typedef enum weft_sync_option {
  WEFT_SYNC_OPT_DEBOUNCE_MS = 64,         /* batch local edits this long (20) */
  WEFT_SYNC_OPT_HEARTBEAT_MS = 65,        /* ping after this much silence (5000) */
  WEFT_SYNC_OPT_MISSED_HEARTBEATS = 66,   /* heartbeats of silence before offline (3) */
  WEFT_SYNC_OPT_RESEND_MS = 67,           /* resend what is unacknowledged after (2000) */
  WEFT_SYNC_OPT_BACKOFF_BASE_MS = 68,     /* first reconnect delay bound (500) */
  WEFT_SYNC_OPT_BACKOFF_CAP_MS = 69,      /* largest reconnect delay bound (30000) */
  WEFT_SYNC_OPT_BACKOFF_STABLE_MS = 70,   /* a connection this long resets backoff (10000) */
  WEFT_SYNC_OPT_BACKOFF_SEED = 71,        /* reconnect jitter seed (0: random) */
  WEFT_SYNC_OPT_BREAKER_THRESHOLD = 72,   /* failures that open the breaker (5) */
  WEFT_SYNC_OPT_MESSAGE_RATE = 73,        /* peer messages per second (200; 0: no limit) */
  WEFT_SYNC_OPT_MESSAGE_BURST = 74,       /* ... burst (400) */
  WEFT_SYNC_OPT_BYTE_RATE = 75,           /* peer bytes per second (4 MiB; 0: no limit) */
  WEFT_SYNC_OPT_BYTE_BURST = 76,          /* ... burst (16 MiB) */
  WEFT_SYNC_OPT_MAX_MESSAGE_BYTES = 77,   /* largest message taken (16 MiB) */
  WEFT_SYNC_OPT_MAX_UNACKED_OPS = 78,     /* per document, ops in flight (2^22) */
  WEFT_SYNC_OPT_CHUNK_BYTES = 79          /* catch-up delta size bound (64 KiB) */
} weft_sync_option;

/* weft_sync_authorize_fn decides the peer's role for a document it asks for
 * (server side; called before resolve, so it may create the document).
 * A value that is not a weft_sync_role counts as WEFT_SYNC_ROLE_NONE. */
typedef int32_t (*weft_sync_authorize_fn)(void* user_data, const weft_sync_peer* peer,
                                          const char* doc_id, size_t doc_id_len);
/* weft_sync_resolve_fn names the document (and presence, may stay NULL) a
 * server session serves for an id, by setting *doc (left NULL: none). The
 * session keeps what it is given alive until it is freed. */
typedef void (*weft_sync_resolve_fn)(void* user_data, const char* doc_id, size_t doc_id_len,
                                     weft_doc** doc, weft_presence** presence);
/* weft_sync_durable_fn says what of a document is safely stored, by
 * lending version entries (*entries, *n; they stay the caller's and must
 * last until the function returns to weft). Acks never claim more, so a
 * peer keeps and resends what is not stored yet. Left at NULL/0: nothing
 * is stored. */
typedef void (*weft_sync_durable_fn)(void* user_data, const char* doc_id, size_t doc_id_len,
                                     const weft_version_entry** entries, size_t* n);

/* weft_sync_options_new makes options for a side (weft_sync_side) with
 * every default. */
WEFT_API weft_status weft_sync_options_new(int32_t side, weft_sync_options** out);
WEFT_API void weft_sync_options_free(weft_sync_options* options);
/* set/get one option: a weft_sync_option or a document decode-limit or
 * encoding key. */
WEFT_API weft_status weft_sync_options_set(weft_sync_options* options, int32_t key,
                                           uint64_t value);
WEFT_API weft_status weft_sync_options_get(const weft_sync_options* options, int32_t key,
                                           uint64_t* value);
/* weft_sync_options_set_credentials sets what the client's hello carries
 * (UTF-8, opaque to weft: a token, say; empty by default). */
WEFT_API weft_status weft_sync_options_set_credentials(weft_sync_options* options,
                                                       const char* credentials, size_t len);
/* weft_sync_options_set_replicas sets the replica ids this side authors
 * under besides those of its documents (older ids of this device), sent in
 * the hello; replaces the list (n 0: none). */
WEFT_API weft_status weft_sync_options_set_replicas(weft_sync_options* options,
                                                    const uint64_t* replicas, size_t n);
/* Server-side hooks (fn NULL unsets: every peer may write; the documents
 * added; what is applied counts as stored). */
WEFT_API weft_status weft_sync_options_set_authorize(weft_sync_options* options,
                                                     weft_sync_authorize_fn fn, void* user_data);
WEFT_API weft_status weft_sync_options_set_resolve(weft_sync_options* options,
                                                   weft_sync_resolve_fn fn, void* user_data);
WEFT_API weft_status weft_sync_options_set_durable(weft_sync_options* options,
                                                   weft_sync_durable_fn fn, void* user_data);

/* ---------------------------------------------------------------------------
 * Peers
 * ------------------------------------------------------------------------- */

WEFT_API weft_status weft_sync_peer_protocol(const weft_sync_peer* peer, uint32_t* out);
/* weft_sync_peer_credentials lends the credentials (valid as long as the
 * peer). */
WEFT_API weft_status weft_sync_peer_credentials(const weft_sync_peer* peer, const char** data,
                                                size_t* len);
/* weft_sync_peer_replicas fills up to `cap` replica ids the peer authors
 * under and sets *len to how many there are (cap 0 to size the array). */
WEFT_API weft_status weft_sync_peer_replicas(const weft_sync_peer* peer, uint64_t* replicas,
                                             size_t cap, size_t* len);
WEFT_API weft_status weft_sync_peer_capabilities(const weft_sync_peer* peer, uint64_t* out);

/* ---------------------------------------------------------------------------
 * Sessions
 * ------------------------------------------------------------------------- */

/* Transport callbacks. send hands the transport one whole message (the
 * transport frames it; it may lose, duplicate or reorder messages). connect
 * asks it to open a connection (it answers with _connected or
 * _connect_failed, at once or later); close asks it to drop the current
 * one (it answers with _disconnected, which it may call from inside close).
 * state reports each change of weft_sync_state; error reports an error the
 * peer sent (from_peer) or one this side sent it, before a close; status is
 * its weft_status and the message starts with the protocol code's name. */
typedef void (*weft_sync_send_fn)(void* user_data, const uint8_t* data, size_t len);
typedef void (*weft_sync_notify_fn)(void* user_data);
typedef void (*weft_sync_state_fn)(void* user_data, int32_t state);
typedef void (*weft_sync_error_fn)(void* user_data, int32_t status, const char* message,
                                   size_t message_len, bool from_peer);

/* weft_sync_session_new makes a session from `options` (copied), offline,
 * with no callback set. */
WEFT_API weft_status weft_sync_session_new(const weft_sync_options* options,
                                           weft_sync_session** out);
WEFT_API void weft_sync_session_free(weft_sync_session* session);
/* weft_sync_session_last_error: as weft_doc_last_error, for this session. */
WEFT_API const char* weft_sync_session_last_error(const weft_sync_session* session);

/* Callbacks may be set or replaced at any time outside a callback (fn NULL:
 * nothing). */
WEFT_API weft_status weft_sync_session_set_send(weft_sync_session* session, weft_sync_send_fn fn,
                                                void* user_data);
WEFT_API weft_status weft_sync_session_set_connect(weft_sync_session* session,
                                                   weft_sync_notify_fn fn, void* user_data);
WEFT_API weft_status weft_sync_session_set_close(weft_sync_session* session,
                                                 weft_sync_notify_fn fn, void* user_data);
WEFT_API weft_status weft_sync_session_set_state(weft_sync_session* session,
                                                 weft_sync_state_fn fn, void* user_data);
WEFT_API weft_status weft_sync_session_set_error(weft_sync_session* session,
                                                 weft_sync_error_fn fn, void* user_data);

/* weft_sync_session_add_doc starts syncing `doc` (which needs a non-empty
 * id), and `presence` with it if not NULL. A document id may be added once
 * (WEFT_ERR_INVALID_ARGUMENT again); a closed session refuses. On a server
 * session this is the set of documents served when no resolve hook is set.
 * weft_sync_session_remove_doc stops syncing a document (the peer is told)
 * and, on a client, lets it go; an id not added is ignored. */
WEFT_API weft_status weft_sync_session_add_doc(weft_sync_session* session, weft_doc* doc,
                                               weft_presence* presence);
WEFT_API weft_status weft_sync_session_remove_doc(weft_sync_session* session, const char* doc_id,
                                                  size_t doc_id_len);

/* Transport events. start asks for the first connection (client). */
WEFT_API weft_status weft_sync_session_start(weft_sync_session* session, int64_t now_ms);
WEFT_API weft_status weft_sync_session_connected(weft_sync_session* session, int64_t now_ms);
WEFT_API weft_status weft_sync_session_connect_failed(weft_sync_session* session,
                                                      int64_t now_ms);
WEFT_API weft_status weft_sync_session_disconnected(weft_sync_session* session, int64_t now_ms);
/* weft_sync_session_receive takes one whole message from the peer. A
 * refusal (a status, with the reason in the last error) applies nothing of
 * the message. */
WEFT_API weft_status weft_sync_session_receive(weft_sync_session* session, const uint8_t* data,
                                               size_t len, int64_t now_ms);
/* weft_sync_session_tick runs the timers: debounce, heartbeat, resend,
 * reconnect, presence. */
WEFT_API weft_status weft_sync_session_tick(weft_sync_session* session, int64_t now_ms);
/* weft_sync_session_close says goodbye and stays closed. */
WEFT_API weft_status weft_sync_session_close(weft_sync_session* session, int64_t now_ms);

/* Inspection. state: a weft_sync_state. role: what was granted for a
 * document (on a client, the server's decision; on a server, the peer's
 * role; NONE for an id not synced). acknowledged: what the peer has
 * acknowledged of a document, as an encoded version (empty version for an
 * id not synced). peer: what the peer said in its hello (lent until the
 * next call on the session). stat: one weft_sync_stat counter. check
 * verifies the session's invariants (WEFT_ERR_CORRUPTED if one is
 * broken). */
typedef enum weft_sync_stat {
  WEFT_SYNC_STAT_MESSAGES_SENT = 1,
  WEFT_SYNC_STAT_MESSAGES_RECEIVED = 2,
  WEFT_SYNC_STAT_BYTES_SENT = 3,
  WEFT_SYNC_STAT_BYTES_RECEIVED = 4,
  WEFT_SYNC_STAT_DELTAS_SENT = 5,
  WEFT_SYNC_STAT_DELTAS_APPLIED = 6,
  WEFT_SYNC_STAT_OPS_SENT = 7,      /* resends included */
  WEFT_SYNC_STAT_OPS_APPLIED = 8,
  WEFT_SYNC_STAT_RESENT = 9         /* ops sent again for want of an ack */
} weft_sync_stat;

WEFT_API weft_status weft_sync_session_state(const weft_sync_session* session, int32_t* out);
WEFT_API weft_status weft_sync_session_role(const weft_sync_session* session, const char* doc_id,
                                            size_t doc_id_len, int32_t* out);
WEFT_API weft_status weft_sync_session_acknowledged(const weft_sync_session* session,
                                                    const char* doc_id, size_t doc_id_len,
                                                    weft_bytes* out);
WEFT_API weft_status weft_sync_session_peer(const weft_sync_session* session,
                                            const weft_sync_peer** out);
WEFT_API weft_status weft_sync_session_stat(const weft_sync_session* session, int32_t stat,
                                            uint64_t* out);
WEFT_API weft_status weft_sync_session_check(const weft_sync_session* session);

/* ---------------------------------------------------------------------------
 * Relays
 * ------------------------------------------------------------------------- */

/* Relay options, (key, value) pairs; defaults in parentheses. */
typedef enum weft_sync_relay_option {
  WEFT_SYNC_RELAY_OPT_REPLICA = 1,            /* the relay's replica id (0: random) */
  WEFT_SYNC_RELAY_OPT_MAX_DOCS = 2,           /* documents peers may make it create (100000) */
  WEFT_SYNC_RELAY_OPT_MAX_DOC_ID_BYTES = 3,   /* (120, also the most a storage takes) */
  WEFT_SYNC_RELAY_OPT_MAX_BINDINGS = 4,       /* replica id bindings (1000000) */
  WEFT_SYNC_RELAY_OPT_DOC_MAX_OPS = 5,        /* per document, as WEFT_OPT_MAX_OPS */
  WEFT_SYNC_RELAY_OPT_DOC_MAX_PENDING_OPS = 6, /* per document, as WEFT_OPT_MAX_PENDING_OPS */
  /* Storage: replace the log by a snapshot after this many deltas (4096),
   * or this many bytes of them (1 MiB); 0 turns a trigger off. */
  WEFT_SYNC_RELAY_OPT_COMPACT_RECORDS = 7,
  WEFT_SYNC_RELAY_OPT_COMPACT_BYTES = 8,
  WEFT_SYNC_RELAY_OPT_STORAGE_SYNC = 9,       /* storage: 1 fsync every write, 0 not durable (1) */
  /* The relay's presences: WEFT_SYNC_RELAY_OPT_PRESENCE + a
   * weft_presence_option key (e.g. + WEFT_PRESENCE_TIMEOUT_MS). */
  WEFT_SYNC_RELAY_OPT_PRESENCE = 256
} weft_sync_relay_option;

/* weft_sync_authenticate_fn names the user a peer speaks for, by lending
 * it in *user, *user_len (copied when the function returns), and returns
 * true; false refuses the peer every document. Unset: the peer's
 * credentials are its user name. */
typedef bool (*weft_sync_authenticate_fn)(void* user_data, const weft_sync_peer* peer,
                                          const char** user, size_t* user_len);
/* weft_sync_user_authorize_fn returns a user's role (weft_sync_role) for a
 * document. Unset: every authenticated user may write every document. */
typedef int32_t (*weft_sync_user_authorize_fn)(void* user_data, const char* user,
                                               size_t user_len, const char* doc_id,
                                               size_t doc_id_len);
/* Per-connection transport callbacks: send one message on connection
 * `connection`, or close it (the transport answers with
 * weft_sync_relay_disconnected, from inside close if it likes). */
typedef void (*weft_sync_relay_send_fn)(void* user_data, uint64_t connection,
                                        const uint8_t* data, size_t len);
typedef void (*weft_sync_relay_close_fn)(void* user_data, uint64_t connection);

/* weft_sync_relay_new makes a relay. `session` (may be NULL: defaults) is
 * the template of every server session (timers, limits, encoding; its side
 * and hooks are not used). With `storage_dir` (NULL/0: in memory only),
 * every document is written to a file storage in that directory (created
 * if missing; one relay per directory at a time) before its deltas are
 * acknowledged, and what the directory holds is restored first:
 * WEFT_ERR_IO_ERROR or WEFT_ERR_CORRUPTED if it cannot be. */
WEFT_API weft_status weft_sync_relay_new(const weft_sync_options* session,
                                         const uint64_t* options, size_t n_options,
                                         const char* storage_dir, size_t storage_dir_len,
                                         weft_sync_relay** out);
WEFT_API void weft_sync_relay_free(weft_sync_relay* relay);
WEFT_API const char* weft_sync_relay_last_error(const weft_sync_relay* relay);

/* Hooks and callbacks, settable at any time outside a callback (fn NULL:
 * the default, or nothing). */
WEFT_API weft_status weft_sync_relay_set_authenticate(weft_sync_relay* relay,
                                                      weft_sync_authenticate_fn fn,
                                                      void* user_data);
WEFT_API weft_status weft_sync_relay_set_authorize(weft_sync_relay* relay,
                                                   weft_sync_user_authorize_fn fn,
                                                   void* user_data);
WEFT_API weft_status weft_sync_relay_set_send(weft_sync_relay* relay, weft_sync_relay_send_fn fn,
                                              void* user_data);
WEFT_API weft_status weft_sync_relay_set_close(weft_sync_relay* relay,
                                               weft_sync_relay_close_fn fn, void* user_data);

/* Transport events. accept takes a new connection and sets *connection to
 * its id (ids are never reused). receive refuses (a status) a message the
 * connection's session refused, and an unknown or closed connection
 * (WEFT_ERR_INVALID_ARGUMENT); nothing of a refused message is applied or
 * forwarded. disconnected ignores an unknown connection. tick runs every
 * session's and presence's timers. */
WEFT_API weft_status weft_sync_relay_accept(weft_sync_relay* relay, int64_t now_ms,
                                            uint64_t* connection);
WEFT_API weft_status weft_sync_relay_receive(weft_sync_relay* relay, uint64_t connection,
                                             const uint8_t* data, size_t len, int64_t now_ms);
WEFT_API weft_status weft_sync_relay_disconnected(weft_sync_relay* relay, uint64_t connection,
                                                  int64_t now_ms);
WEFT_API weft_status weft_sync_relay_tick(weft_sync_relay* relay, int64_t now_ms);

/* weft_sync_relay_host serves the application's own document (with a
 * non-empty id) and presence (may be NULL) instead of one the relay would
 * create; the relay keeps both alive until freed. WEFT_ERR_INVALID_ARGUMENT
 * if the id is already served. */
WEFT_API weft_status weft_sync_relay_host(weft_sync_relay* relay, weft_doc* doc,
                                          weft_presence* presence);

/* Inspection. doc_ids: the ids served (STRING values, sorted). doc_save:
 * a snapshot (weft_snapshot_kind) of a served document, to read with
 * weft_doc_load (WEFT_ERR_NOT_FOUND if none). connections: the open
 * connections (up to `cap`; *len is how many). connection_state and
 * connection_role: a connection's weft_sync_state and the role its peer
 * was granted for a document (WEFT_ERR_NOT_FOUND for a connection not
 * open). user_of: the user a replica id is bound to (WEFT_ERR_NOT_FOUND if
 * none). stat: one weft_sync_relay_counter. */
typedef enum weft_sync_relay_counter {
  WEFT_SYNC_RELAY_STAT_ACCEPTED = 1,
  WEFT_SYNC_RELAY_STAT_MESSAGES_RECEIVED = 2,
  WEFT_SYNC_RELAY_STAT_BYTES_RECEIVED = 3,
  WEFT_SYNC_RELAY_STAT_MESSAGES_SENT = 4,
  WEFT_SYNC_RELAY_STAT_BYTES_SENT = 5,
  WEFT_SYNC_RELAY_STAT_REFUSED = 6,          /* messages a session refused */
  WEFT_SYNC_RELAY_STAT_DENIED = 7,           /* joins that got no role */
  WEFT_SYNC_RELAY_STAT_DOCS_CREATED = 8,
  WEFT_SYNC_RELAY_STAT_DOCS_RESTORED = 9,
  WEFT_SYNC_RELAY_STAT_STORAGE_FAILURES = 10
} weft_sync_relay_counter;

WEFT_API weft_status weft_sync_relay_doc_ids(const weft_sync_relay* relay, weft_value_list* out);
WEFT_API weft_status weft_sync_relay_doc_save(const weft_sync_relay* relay, const char* doc_id,
                                              size_t doc_id_len, int32_t kind, weft_bytes* out);
WEFT_API weft_status weft_sync_relay_connections(const weft_sync_relay* relay,
                                                 uint64_t* connections, size_t cap,
                                                 size_t* len);
WEFT_API weft_status weft_sync_relay_connection_state(const weft_sync_relay* relay,
                                                      uint64_t connection, int32_t* out);
WEFT_API weft_status weft_sync_relay_connection_role(const weft_sync_relay* relay,
                                                     uint64_t connection, const char* doc_id,
                                                     size_t doc_id_len, int32_t* out);
WEFT_API weft_status weft_sync_relay_user_of(const weft_sync_relay* relay, uint64_t replica,
                                             weft_bytes* out);
WEFT_API weft_status weft_sync_relay_stat(const weft_sync_relay* relay, int32_t stat,
                                          uint64_t* out);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_SYNC_H_ */
