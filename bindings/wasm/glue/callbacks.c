/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: bindings/wasm/glue/callbacks.c
 * -----------------------------------------------------------------------------
 *
 * The C side of JavaScript callbacks. Each callback type of the C ABI has
 * one trampoline here, registered with weft in place of a JS function; its
 * user_data is the id of the JS function in the package's callback table
 * (src/runtime.js), and it forwards to that table's dispatcher through one
 * imported function. So no function is added to the wasm table at run time,
 * and the dispatcher, which catches everything, keeps JS exceptions from
 * unwinding through C++.
 *
 * Arguments cross as int32 (pointers and sizes; wasm32); a uint64 crosses
 * as two halves, low first, so that the import needs no BigInt.
 *
 * It also checks, at compile time, the struct layouts that src/layout.js
 * reads and writes.
 */

#include <emscripten.h>
#include <stddef.h>
#include <stdint.h>

#include "weft.h"

/* weft_wasm_js_call calls callback `id` of the JS table with five int32
 * arguments and returns its int32 result (-1 if it threw). */
EM_JS(int32_t, weft_wasm_js_call,
      (int32_t id, int32_t a, int32_t b, int32_t c, int32_t d, int32_t e),
      { return Module["weftDispatch"](id, a, b, c, d, e); })
/* weft_wasm_js_call_f64: the same, for a callback that returns a number
 * wider than int32 (a clock). */
EM_JS(double, weft_wasm_js_call_f64, (int32_t id),
      { return Module["weftDispatch"](id, 0, 0, 0, 0, 0); })

static int32_t id_of(void* user_data) { return (int32_t)(intptr_t)user_data; }
static int32_t i32(const void* p) { return (int32_t)(intptr_t)p; }
static int32_t lo(uint64_t v) { return (int32_t)(uint32_t)v; }
static int32_t hi(uint64_t v) { return (int32_t)(uint32_t)(v >> 32); }

static int32_t transact_cb(void* ud) {
  return weft_wasm_js_call(id_of(ud), 0, 0, 0, 0, 0) != 0;
}

static void update_cb(void* ud, const uint8_t* delta, size_t len, int32_t origin_kind,
                      const char* tag, size_t tag_len) {
  weft_wasm_js_call(id_of(ud), i32(delta), (int32_t)len, origin_kind, i32(tag), (int32_t)tag_len);
}

static void event_cb(void* ud, const weft_event* event) {
  weft_wasm_js_call(id_of(ud), i32(event), 0, 0, 0, 0);
}

static void deep_cb(void* ud, const weft_event* const* events, size_t count) {
  weft_wasm_js_call(id_of(ud), i32(events), (int32_t)count, 0, 0, 0);
}

static int64_t clock_cb(void* ud) {
  const double t = weft_wasm_js_call_f64(id_of(ud));
  /* A clock that threw or returned garbage reads as 0 rather than as an
   * out-of-range conversion. */
  return (t >= 0 && t < 9.0e18) ? (int64_t)t : 0;
}

static void presence_cb(void* ud, int32_t change, uint64_t client, bool timed_out) {
  weft_wasm_js_call(id_of(ud), change, lo(client), hi(client), timed_out ? 1 : 0, 0);
}

static void send_cb(void* ud, const uint8_t* data, size_t len) {
  weft_wasm_js_call(id_of(ud), i32(data), (int32_t)len, 0, 0, 0);
}

static void notify_cb(void* ud) { weft_wasm_js_call(id_of(ud), 0, 0, 0, 0, 0); }

static void state_cb(void* ud, int32_t state) { weft_wasm_js_call(id_of(ud), state, 0, 0, 0, 0); }

static void error_cb(void* ud, int32_t status, const char* message, size_t message_len,
                     bool from_peer) {
  weft_wasm_js_call(id_of(ud), status, i32(message), (int32_t)message_len, from_peer ? 1 : 0, 0);
}

static int32_t authorize_cb(void* ud, const weft_sync_peer* peer, const char* doc_id,
                            size_t doc_id_len) {
  return weft_wasm_js_call(id_of(ud), i32(peer), i32(doc_id), (int32_t)doc_id_len, 0, 0);
}

static void resolve_cb(void* ud, const char* doc_id, size_t doc_id_len, weft_doc** doc,
                       weft_presence** presence) {
  weft_wasm_js_call(id_of(ud), i32(doc_id), (int32_t)doc_id_len, i32(doc), i32(presence), 0);
}

static void durable_cb(void* ud, const char* doc_id, size_t doc_id_len,
                       const weft_version_entry** entries, size_t* n) {
  weft_wasm_js_call(id_of(ud), i32(doc_id), (int32_t)doc_id_len, i32(entries), i32(n), 0);
}

static bool authenticate_cb(void* ud, const weft_sync_peer* peer, const char** user,
                            size_t* user_len) {
  return weft_wasm_js_call(id_of(ud), i32(peer), i32(user), i32(user_len), 0, 0) > 0;
}

static int32_t user_authorize_cb(void* ud, const char* user, size_t user_len, const char* doc_id,
                                 size_t doc_id_len) {
  return weft_wasm_js_call(id_of(ud), i32(user), (int32_t)user_len, i32(doc_id),
                           (int32_t)doc_id_len, 0);
}

static void relay_send_cb(void* ud, uint64_t connection, const uint8_t* data, size_t len) {
  weft_wasm_js_call(id_of(ud), lo(connection), hi(connection), i32(data), (int32_t)len, 0);
}

static void relay_close_cb(void* ud, uint64_t connection) {
  weft_wasm_js_call(id_of(ud), lo(connection), hi(connection), 0, 0, 0);
}

/* weft_wasm_trampoline returns the address of trampoline `which`, in the
 * order of TRAMPOLINES in src/runtime.js; 0 for an unknown one. */
EMSCRIPTEN_KEEPALIVE uintptr_t weft_wasm_trampoline(int32_t which) {
  switch (which) {
    case 0: return (uintptr_t)&transact_cb;
    case 1: return (uintptr_t)&update_cb;
    case 2: return (uintptr_t)&event_cb;
    case 3: return (uintptr_t)&deep_cb;
    case 4: return (uintptr_t)&clock_cb;
    case 5: return (uintptr_t)&presence_cb;
    case 6: return (uintptr_t)&send_cb;
    case 7: return (uintptr_t)&notify_cb;
    case 8: return (uintptr_t)&state_cb;
    case 9: return (uintptr_t)&error_cb;
    case 10: return (uintptr_t)&authorize_cb;
    case 11: return (uintptr_t)&resolve_cb;
    case 12: return (uintptr_t)&durable_cb;
    case 13: return (uintptr_t)&authenticate_cb;
    case 14: return (uintptr_t)&user_authorize_cb;
    case 15: return (uintptr_t)&relay_send_cb;
    case 16: return (uintptr_t)&relay_close_cb;
    default: return 0;
  }
}

/* The layouts src/layout.js relies on (wasm32). */
_Static_assert(sizeof(void*) == 4 && sizeof(size_t) == 4, "wasm32");
_Static_assert(sizeof(weft_bytes) == 8 && offsetof(weft_bytes, len) == 4, "weft_bytes");
_Static_assert(sizeof(weft_value) == 32 && offsetof(weft_value, container_type) == 4 &&
                   offsetof(weft_value, integer) == 8 && offsetof(weft_value, real) == 16 &&
                   offsetof(weft_value, data) == 24 && offsetof(weft_value, len) == 28,
               "weft_value");
_Static_assert(sizeof(weft_value_list) == 8 && offsetof(weft_value_list, len) == 4,
               "weft_value_list");
_Static_assert(sizeof(weft_origin) == 12 && offsetof(weft_origin, tag) == 4 &&
                   offsetof(weft_origin, tag_len) == 8,
               "weft_origin");
_Static_assert(sizeof(weft_anchor) == 24 && offsetof(weft_anchor, seq) == 8 &&
                   offsetof(weft_anchor, has_target) == 16 && offsetof(weft_anchor, side) == 20,
               "weft_anchor");
_Static_assert(sizeof(weft_version_entry) == 16 && offsetof(weft_version_entry, count) == 8,
               "weft_version_entry");
