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
 * This umbrella header includes every part of the ABI, one header per
 * concept under weft/ (each also usable on its own): common.h (version,
 * statuses, errors, weft_bytes, handle types, subscriptions), values.h,
 * wire.h (versions, message inspection), doc.h, containers.h, events.h,
 * undo.h, presence.h and sync.h (sync sessions and relays).
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
 * Handles. A weft_doc owns a document; a weft_presence owns a presence.
 *   Container handles (weft_text, weft_map, weft_list, weft_counter,
 *   weft_register), undo managers and subscriptions refer to their document
 *   without owning it and may outlive it: once the document is freed, every
 *   call on them returns WEFT_ERR_DOC_FREED (subscriptions then do nothing)
 *   and freeing them is still required. Each getter returns a new handle;
 *   two handles to one container compare equal with weft_*_equal. Sync
 *   sessions and relays share the documents and presences given to them:
 *   these stay alive until the session or relay lets them go (weft/sync.h).
 *
 * Threads. A weft_doc and everything obtained from it (container handles,
 *   undo managers, subscriptions, events) must be used by one thread at a
 *   time; the application serializes. Different documents are independent
 *   and may be used from different threads concurrently. A sync session or
 *   relay and the documents and presences it carries form one such unit.
 *   Functions that take no handle (weft_version_*, weft_status_str, ...)
 *   are thread-safe.
 *
 * Callbacks. Every callback takes the user_data pointer given when it was
 *   registered, as its first parameter. Callbacks run synchronously on the
 *   calling thread, after the transaction that caused them has committed;
 *   they may call back into weft (edits made there are new transactions)
 *   and may free the document, which is then destroyed when the outermost
 *   weft call returns. Sync callbacks are stricter (weft/sync.h).
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

#include "weft/common.h"
#include "weft/values.h"
#include "weft/wire.h"
#include "weft/doc.h"
#include "weft/events.h"
#include "weft/containers.h"
#include "weft/undo.h"
#include "weft/presence.h"
#include "weft/sync.h"

#endif  /* WEFT_H_ */
