/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: bindings/wasm/glue/heap.c
 * -----------------------------------------------------------------------------
 *
 * What the package's stats() reports of the wasm heap: the bytes malloc has
 * handed out and not had back. The wasm memory itself only grows, so this
 * is the figure that shows a leak (tests/wasm/memory.test.mjs).
 */

#include <emscripten.h>
#include <malloc.h>
#include <stddef.h>

EMSCRIPTEN_KEEPALIVE size_t weft_wasm_heap_used(void) {
  return (size_t)mallinfo().uordblks;
}
