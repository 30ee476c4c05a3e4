/* Copyright 2026 The weft Authors. MIT License.
 *
 * -----------------------------------------------------------------------------
 * File: weft/undo.h
 * -----------------------------------------------------------------------------
 *
 * weft_undo_manager: undo and redo of a document's tracked transactions.
 */

#ifndef WEFT_UNDO_H_
#define WEFT_UNDO_H_

#include "weft/common.h"
#include "weft/values.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Undo
 * ------------------------------------------------------------------------- */

/* weft_clock_fn returns a monotonic time in milliseconds. */
typedef int64_t (*weft_clock_fn)(void* user_data);

/* weft_undo_manager_new records the transactions of the `n_tracked` origins
 * in `tracked` (NULL/0: local edits only), grouping those closer than
 * `capture_window_ms` (negative: 500) into one step, keeping at most
 * `max_depth` steps (0: 100). `now_ms` (may be NULL: the steady clock) is
 * the clock. The manager is valid until freed; once its document is freed
 * its calls return WEFT_ERR_DOC_FREED. */
WEFT_API weft_status weft_undo_manager_new(weft_doc* doc, const weft_origin* tracked,
                                           size_t n_tracked, int64_t capture_window_ms,
                                           size_t max_depth, weft_clock_fn now_ms,
                                           void* clock_user_data, weft_undo_manager** out);
WEFT_API void weft_undo_manager_free(weft_undo_manager* um);
/* weft_undo_manager_undo reverts the latest step as one transaction (origin
 * undo); *done is false when there was nothing to undo.
 * WEFT_ERR_INVALID_STATE inside a transaction. A revert that could take the
 * document past its op limit is refused (WEFT_ERR_CAPACITY_EXCEEDED) with
 * nothing changed and the step kept; see weft::undo_manager::undo for the
 * rarer limits that stop a revert part way. */
WEFT_API weft_status weft_undo_manager_undo(weft_undo_manager* um, bool* done);
WEFT_API weft_status weft_undo_manager_redo(weft_undo_manager* um, bool* done);
WEFT_API weft_status weft_undo_manager_can_undo(const weft_undo_manager* um, bool* out);
WEFT_API weft_status weft_undo_manager_can_redo(const weft_undo_manager* um, bool* out);
WEFT_API weft_status weft_undo_manager_undo_depth(const weft_undo_manager* um, size_t* out);
WEFT_API weft_status weft_undo_manager_redo_depth(const weft_undo_manager* um, size_t* out);
/* stop_capturing makes the next tracked transaction start a new step. */
WEFT_API weft_status weft_undo_manager_stop_capturing(weft_undo_manager* um);
/* clear drops both stacks. */
WEFT_API weft_status weft_undo_manager_clear(weft_undo_manager* um);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WEFT_UNDO_H_ */
