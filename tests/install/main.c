/* Copyright 2026 The weft Authors. MIT License.
 *
 * Smoke test of the installed C ABI: two documents, one edit, one delta. */

#include <stdio.h>
#include <string.h>
#include <weft.h>

#define REQUIRE_OK(call)                                              \
  do {                                                                \
    weft_status s_ = (call);                                          \
    if (s_ != WEFT_OK) {                                              \
      fprintf(stderr, "%s: %s\n", #call, weft_status_str(s_));        \
      return 1;                                                       \
    }                                                                 \
  } while (0)

int main(void) {
  if (weft_version_number() != WEFT_VERSION_NUMBER) {
    fprintf(stderr, "weft.h and the library disagree on the version\n");
    return 1;
  }
  weft_doc *a = NULL, *b = NULL;
  weft_text *ta = NULL, *tb = NULL;
  weft_bytes delta = {0}, text = {0};
  REQUIRE_OK(weft_doc_new(&a));
  REQUIRE_OK(weft_doc_new(&b));
  REQUIRE_OK(weft_doc_get_text(a, "body", 4, &ta));
  REQUIRE_OK(weft_doc_get_text(b, "body", 4, &tb));
  REQUIRE_OK(weft_text_insert(ta, 0, "hello", 5));
  REQUIRE_OK(weft_doc_delta_since(a, NULL, 0, &delta));
  REQUIRE_OK(weft_doc_apply(b, delta.data, delta.len, "install", 7));
  REQUIRE_OK(weft_text_to_string(tb, &text));
  int ok = text.len == 5 && memcmp(text.data, "hello", 5) == 0;
  weft_bytes_free(&text);
  weft_bytes_free(&delta);
  weft_text_free(ta);
  weft_text_free(tb);
  weft_doc_free(a);
  weft_doc_free(b);
  if (!ok) {
    fprintf(stderr, "the delta did not carry the text\n");
    return 1;
  }
  printf("weft C ABI %u: ok\n", (unsigned)weft_version_number());
  return 0;
}
