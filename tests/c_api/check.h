/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: tests/c_api/check.h
 * -----------------------------------------------------------------------------
 *
 * The C tests' assertions: plain C, no framework. CHECK records a failure
 * with its location and goes on; REQUIRE also returns from the test
 * function. main() returns check_result(), non-zero if anything failed. */

#ifndef WEFT_TESTS_C_API_CHECK_H_
#define WEFT_TESTS_C_API_CHECK_H_

#include <stdio.h>
#include <string.h>

#include "weft.h"

static int check_failures = 0;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: CHECK(%s) failed (last error: %s)\n",         \
              __FILE__, __LINE__, #cond, weft_last_error());                \
      ++check_failures;                                                     \
    }                                                                       \
  } while (0)

#define REQUIRE(cond)                                                       \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: REQUIRE(%s) failed (last error: %s)\n",       \
              __FILE__, __LINE__, #cond, weft_last_error());                \
      ++check_failures;                                                     \
      return;                                                               \
    }                                                                       \
  } while (0)

/* CHECK_OK / REQUIRE_OK show the status name when a call fails. */
#define CHECK_STATUS(expr, want)                                            \
  do {                                                                      \
    weft_status check_s_ = (expr);                                          \
    if (check_s_ != (want)) {                                               \
      fprintf(stderr, "%s:%d: %s returned %s, wanted %s (last error: %s)\n", \
              __FILE__, __LINE__, #expr, weft_status_str(check_s_),         \
              weft_status_str(want), weft_last_error());                    \
      ++check_failures;                                                     \
    }                                                                       \
  } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, WEFT_OK)

#define REQUIRE_OK(expr)                                                    \
  do {                                                                      \
    weft_status check_s_ = (expr);                                          \
    if (check_s_ != WEFT_OK) {                                              \
      fprintf(stderr, "%s:%d: %s returned %s (last error: %s)\n", __FILE__, \
              __LINE__, #expr, weft_status_str(check_s_), weft_last_error()); \
      ++check_failures;                                                     \
      return;                                                               \
    }                                                                       \
  } while (0)

/* S("abc") expands to the pointer and length of a string literal. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* bytes_eq compares an owned output with a C string. */
static inline int bytes_eq(const weft_bytes* b, const char* want) {
  return b->data != NULL && b->len == strlen(want) &&
         memcmp(b->data, want, b->len) == 0 && b->data[b->len] == 0;
}

#define CHECK_BYTES(b, want)                                                \
  do {                                                                      \
    if (!bytes_eq(&(b), (want))) {                                          \
      fprintf(stderr, "%s:%d: got '%.*s', wanted '%s'\n", __FILE__, __LINE__, \
              (int)(b).len, (b).data ? (const char*)(b).data : "(null)",     \
              (want));                                                      \
      ++check_failures;                                                     \
    }                                                                       \
  } while (0)

/* CHECK_TEXT checks the whole content of a weft_text. */
#define CHECK_TEXT(text, want)                                              \
  do {                                                                      \
    weft_bytes check_text_ = WEFT_BYTES_INIT;                               \
    CHECK_OK(weft_text_to_string((text), &check_text_));                    \
    CHECK_BYTES(check_text_, (want));                                       \
    weft_bytes_free(&check_text_);                                          \
  } while (0)

#define RUN(test)                                                           \
  do {                                                                      \
    int before_ = check_failures;                                           \
    test();                                                                 \
    fprintf(stderr, "%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #test); \
  } while (0)

static inline int check_result(void) {
  if (check_failures != 0) fprintf(stderr, "%d check(s) failed\n", check_failures);
  return check_failures == 0 ? 0 : 1;
}

#endif /* WEFT_TESTS_C_API_CHECK_H_ */
