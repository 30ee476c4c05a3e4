// Copyright 2026 The weft Authors. MIT License.
//
// undo.test.mjs: UndoManager: steps grouped by the capture window (on an
// application clock), undo/redo that revert only the tracked edits, tracked
// origins, and the manager outliving its document.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W } from './helpers.mjs';

test('undo and redo local steps, grouped by the capture window', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('t');
  const m = d.getMap('m');
  let now = 0;
  const um = new W.UndoManager(d, { captureTimeout: 100, now: () => now });
  assert.equal(um.canUndo, false);
  assert.equal(um.undo(), false);
  t.insert(0, 'ab');
  now += 10;
  m.set('k', 1);               // same step: within 100 ms
  now += 500;
  t.insert(2, 'c');            // a new step
  assert.equal(um.undoDepth, 2);
  const events = [];
  t.observe((e) => events.push(e));
  assert.equal(um.undo(), true);
  assert.equal(t.toString(), 'ab');
  assert.equal(events.at(-1).origin, 'undo');
  assert.equal(um.undo(), true);
  assert.deepEqual(d.toJSON(), { m: {}, t: '' });
  assert.equal(um.canUndo, false);
  assert.equal(um.redoDepth, 2);
  assert.equal(um.redo(), true);
  assert.deepEqual(d.toJSON(), { m: { k: 1 }, t: 'ab' });
  assert.equal(events.at(-1).origin, 'redo');
  assert.equal(um.canRedo, true);
  um.stopCapturing();
  t.insert(2, 'x');            // a new edit drops the redo stack
  assert.equal(um.canRedo, false);
  um.clear();
  assert.equal(um.undoDepth, 0);
  um.free();
  t.free();
  m.free();
  d.free();
});

test('undo reverts only tracked edits; remote edits stay', () => {
  const a = new W.Doc({ replica: 1 });
  const b = new W.Doc({ replica: 2 });
  const um = new W.UndoManager(a, { captureTimeout: 0 });
  const ta = a.getText('t');
  ta.insert(0, 'mine ');
  b.applyDelta(a.encodeDelta());
  b.getText('t').insert(5, 'theirs');
  a.applyDelta(b.encodeDelta(a.version()));
  assert.equal(ta.toString(), 'mine theirs');
  um.undo();
  assert.equal(ta.toString(), 'theirs');
  // The undo replicates like any edit.
  b.applyDelta(a.encodeDelta(b.version()));
  assert.equal(b.getText('t').toString(), 'theirs');
  // Tracking a user tag: only those transactions are recorded.
  const tagged = new W.UndoManager(a, { trackedOrigins: [{ tag: 'tool' }], captureTimeout: 0, maxDepth: 5 });
  a.transact(() => ta.insert(0, '[tool]'), 'tool');
  ta.insert(0, 'local ');
  tagged.undo();
  assert.equal(ta.toString(), 'local theirs');
  assert.throws(() => new W.UndoManager(a, { trackedOrigins: ['nowhere'] }), { code: 'invalid_argument' });
  assert.throws(() => new W.UndoManager({}), { code: 'invalid_argument' });
  assert.throws(() => new W.UndoManager(a, { now: 5 }), { code: 'invalid_argument' });
  // Undo inside a transaction is refused.
  assert.throws(() => a.transact(() => um.undo()), { code: 'invalid_state' });
  // The manager outlives its document: calls report doc_freed.
  a.free();
  assert.throws(() => um.undo(), { code: 'doc_freed' });
  for (const x of [um, tagged, ta, b]) x.free();
});
