/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/common.h
 * -----------------------------------------------------------------------------
 *
 * What every part of the C ABI shares: the export macro, the version, status
 * codes and error messages, the owned byte buffer, the opaque handle types
 * and subscriptions. weft.h states the conventions.
 */

#ifndef WEFT_COMMON_H_
#define WEFT_COMMON_H_

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

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_COMMON_H_ */
