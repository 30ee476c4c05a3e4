// Copyright 2026 The weft Authors. MIT License.
//
// undo.js: UndoManager, collaborative undo and redo of a document's
// tracked transactions (by default its local edits): undoing reverts only
// what the tracked transactions did, as one new transaction with origin
// 'undo' (or 'redo') that replicates like any other.

import { checkFn } from './container.js';
import { putOrigins } from './layout.js';
import {
  Handle, M, T, ERR_INVALID_ARGUMENT, check, describe, fail, frame, index, int64, outBool, outHandle,
  outU32, register, unregister,
} from './runtime.js';

// clockAdapter: see eventAdapter in container.js.
function clockAdapter(now) {
  return () => now();
}

export class UndoManager extends Handle {
  /**
   * @param doc the Doc
   * @param options.trackedOrigins origins whose transactions are recorded
   *   ('local', 'remote', 'undo', 'redo', or { tag }); default ['local']
   * @param options.captureTimeout transactions closer than this (ms) join
   *   one step (default 500)
   * @param options.maxDepth steps kept (default 100)
   * @param options.now the clock (monotonic ms; default: the steady clock)
   */
  constructor(doc, { trackedOrigins, captureTimeout, maxDepth, now } = {}) {
    if (doc === null || typeof doc !== 'object' || typeof doc.transact !== 'function') {
      fail(ERR_INVALID_ARGUMENT, `UndoManager needs a Doc, not ${describe(doc)}`);
    }
    if (now !== undefined) checkFn(now, 'now');
    const window = captureTimeout === undefined ? -1n : int64(captureTimeout, 'captureTimeout');
    const depth = maxDepth === undefined ? 0 : index(maxDepth, 'maxDepth');
    const id = now === undefined ? 0 : register(clockAdapter(now));
    let ptr;
    try {
      ptr = frame(() => {
        const origins = trackedOrigins === undefined ? 0 : putOrigins(trackedOrigins);
        const n = trackedOrigins === undefined ? 0 : trackedOrigins.length;
        return outHandle(M._weft_undo_manager_new, doc._p, origins, n, window, depth,
          id === 0 ? 0 : T.clock, id);
      });
    } catch (e) {
      if (id !== 0) unregister(id);
      throw e;
    }
    super(ptr, M._weft_undo_manager_free);
    if (id !== 0) this._own(id);
    /**
     * The document (Doc) it undoes in; held so that a manager outliving
     * every other reference to its Doc still works.
     */
    this.doc = doc;
  }

  /** undo reverts the latest step; false when there was nothing to undo. */
  undo() {
    return outBool(M._weft_undo_manager_undo, this._p);
  }

  /** redo reapplies the latest undone step; false when there was none. */
  redo() {
    return outBool(M._weft_undo_manager_redo, this._p);
  }

  get canUndo() {
    return outBool(M._weft_undo_manager_can_undo, this._p);
  }
  get canRedo() {
    return outBool(M._weft_undo_manager_can_redo, this._p);
  }
  get undoDepth() {
    return outU32(M._weft_undo_manager_undo_depth, this._p);
  }
  get redoDepth() {
    return outU32(M._weft_undo_manager_redo_depth, this._p);
  }

  /** stopCapturing makes the next tracked transaction start a new step. */
  stopCapturing() {
    check(M._weft_undo_manager_stop_capturing(this._p));
  }

  /** clear drops both stacks. */
  clear() {
    check(M._weft_undo_manager_clear(this._p));
  }
}
