// Copyright 2026 The weft Authors. MIT License.
//
// memory.test.mjs: wasm memory stays bounded. 1,000,000 operations (text
// inserts and deletes with emoji and strings too large for the stack, map
// writes, deltas, observers, undo) on documents made and freed in turn end
// with the wasm memory under a fixed bound and every handle and callback
// released; wrappers dropped without free() are released by the
// FinalizationRegistry once collected (node --expose-gc).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W } from './helpers.mjs';

const OPERATIONS = 1_000_000;
// The module starts with 16 MiB; a leak of 16 bytes per operation would
// pass this bound (smaller leaks are HEAP_SLACK's to catch).
const BOUND = 32 * 1024 * 1024;
// The heap in use may differ by this much from before the run (allocator
// bookkeeping); a leak of one small block per round (over 1,000 rounds)
// would exceed it.
const HEAP_SLACK = 16 * 1024;

const big = 'x'.repeat(5000) + '😀'; // over the stack limit: malloc'ed
let events = 0;

// round makes two documents, edits one (observers and undo too when
// `extras`), syncs the other, frees both, and returns the operations done.
function round(extras, withBig) {
  let ops = 0;
  const a = new W.Doc({ replica: 1 });
  const b = new W.Doc({ replica: 2 });
  const t = a.getText('t');
  const m = a.getMap('m');
  const sub = extras ? t.observe(() => { events++; }) : null;
  const um = extras ? new W.UndoManager(a, { captureTimeout: 0 }) : null;
  // 200 'é' at the front, 200 'ab😀' at the end; then the 'é' go again.
  for (let i = 0; i < 400; i++) {
    if (i % 2 === 0) t.insert(t.length, 'ab😀');
    else t.insert(0, 'é');
    ops++;
  }
  for (let i = 0; i < 200; i++) {
    t.delete(0, 1);
    ops++;
  }
  for (let i = 0; i < 190; i++) {
    m.set(`key-${i % 20}`, i % 2 === 0 ? `value ${i}` : i);
    ops++;
  }
  if (withBig) {
    t.insert(0, big);
    ops++;
  }
  if (extras) {
    um.undo();
    ops++;
  }
  b.applyDelta(a.encodeDelta(b.version()));
  ops += 2;
  const tb = b.getText('t');
  assert.equal(tb.length, t.length);
  for (const x of [sub, um, t, tb, m, a, b]) x?.free();
  return ops;
}

test(`${OPERATIONS} operations keep wasm memory under ${BOUND / 1048576} MiB`, () => {
  round(true, true); // warm up: scratch blocks, callback depths
  const base = W.stats();
  let ops = 0;
  let rounds = 0;
  while (ops < OPERATIONS) {
    // Observers and undo on one round in ten (they cost more per op).
    ops += round(rounds % 10 === 0, rounds % 50 === 0);
    rounds++;
  }
  const after = W.stats();
  assert.ok(events > 0);
  assert.ok(after.wasmMemoryBytes <= BOUND,
    `wasm memory ${after.wasmMemoryBytes} bytes after ${ops} operations (${rounds} rounds)`);
  assert.ok(Math.abs(after.heapUsedBytes - base.heapUsedBytes) <= HEAP_SLACK,
    `heap in use ${base.heapUsedBytes} -> ${after.heapUsedBytes} bytes`);
  assert.equal(after.handles, base.handles);
  assert.equal(after.callbacks, base.callbacks);
  console.log(`# ${ops} operations in ${rounds} rounds: wasm memory ${after.wasmMemoryBytes} bytes, ` +
    `heap in use ${base.heapUsedBytes} -> ${after.heapUsedBytes} bytes`);
});

test('dropped wrappers are released by the FinalizationRegistry', async () => {
  assert.equal(typeof globalThis.gc, 'function', 'run node with --expose-gc');
  await collect(() => false); // what earlier tests dropped
  const doc = new W.Doc({ replica: 1 });
  const before = W.stats().handles;
  (() => {
    for (let i = 0; i < 2000; i++) doc.getText(`t${i % 10}`); // dropped at once
  })();
  assert.equal(W.stats().handles, before + 2000);
  await collect(() => W.stats().handles === before);
  assert.equal(W.stats().handles, before);
  // A dropped document takes its subscriptions (and their callbacks) along.
  const callbacks = W.stats().callbacks;
  (() => {
    const d = new W.Doc({ replica: 2 });
    const t = d.getText('t');
    t.observe(() => {});
    t.free();
  })();
  assert.equal(W.stats().callbacks, callbacks + 1);
  await collect(() => W.stats().callbacks === callbacks);
  assert.equal(W.stats().callbacks, callbacks);
  doc.free();
});

test('an UndoManager keeps its Doc alive', async () => {
  const um = (() => {
    const d = new W.Doc({ replica: 3 });
    const m = new W.UndoManager(d, { captureTimeout: 0 });
    d.getText('t').insert(0, 'kept');
    return m;
  })();
  // Without the manager's reference the dropped Doc would be finalized here
  // and undo() would throw (its document freed).
  await collect(() => false);
  assert.equal(um.undo(), true);
  assert.equal(um.doc.getText('t').toString(), '');
  um.doc.free();
  um.free();
});

test('a sync session keeps the Docs it carries, and their observers, alive', async () => {
  const s = new W.SyncSession({ side: 'client' });
  await collect(() => false);
  const before = W.stats().callbacks;
  (() => {
    const d = new W.Doc({ replica: 4, id: 'carried' });
    d.onUpdate(() => {}); // e.g. persistence; the subscription is dropped
    s.addDoc(d);
  })();
  assert.equal(W.stats().callbacks, before + 1);
  await collect(() => false);
  // Without the session's reference the Doc would be finalized here, and
  // its observer with it, while the document still syncs.
  assert.equal(W.stats().callbacks, before + 1);
  s.removeDoc('carried');
  await collect(() => W.stats().callbacks === before);
  assert.equal(W.stats().callbacks, before);
  s.free();
});

// collect runs the garbage collector and lets finalizers run, until done()
// (at most 50 rounds).
async function collect(done) {
  for (let i = 0; i < 50 && !done(); i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}
