// Copyright 2026 The weft Authors. MIT License.
//
// doc.test.mjs: Doc (replica ids, options, transactions, versions, deltas,
// snapshots, update observers, fork) and the wire helpers, including bad
// input: each refusal is a WeftError naming the status, and the document
// is unchanged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W } from './helpers.mjs';

test('replica ids, ids and options', () => {
  const d = new W.Doc({ replica: 7n, id: 'notes', compression: 'zstd', compressionLevel: 5 });
  assert.equal(d.replica, 7n);
  assert.equal(d.id, 'notes');
  assert.equal(d.getOption('compression'), 1);
  assert.equal(d.getOption('compressionLevel'), 5);
  d.setOption('compressMinBytes', 64);
  assert.equal(d.getOption('compressMinBytes'), 64);
  const big = new W.Doc({ replica: 2n ** 64n - 1n });
  assert.equal(big.replica, 2n ** 64n - 1n);
  const r = new W.Doc();
  assert.equal(typeof r.replica, 'bigint');
  assert.ok(r.id.length > 0);
  assert.notEqual(W.randomReplicaId(), W.randomReplicaId());
  assert.equal(W.versionNumber(), 100);
  for (const x of [d, big, r]) x.free();
});

test('bad options and arguments throw WeftError', () => {
  assert.throws(() => new W.Doc({ nope: 1 }), { name: 'WeftError', code: 'invalid_argument' });
  assert.throws(() => new W.Doc({ replica: -1 }), { code: 'out_of_range' });
  assert.throws(() => new W.Doc({ compressionLevel: 99 }), { code: 'invalid_argument' });
  assert.throws(() => new W.Doc({ compression: 'lz4' }), /compression must be/);
  const d = new W.Doc({ replica: 1 });
  assert.throws(() => d.setOption('compressionLevel', 0), /weft: invalid_argument: /);
  assert.equal(d.getOption('compressionLevel'), 3);
  assert.throws(() => d.getText(42), { code: 'invalid_argument' });
  assert.throws(() => d.getText('\ud800'), { code: 'invalid_utf8' });
  d.free();
  assert.throws(() => d.getText('t'), /Doc was freed/);
  d.free(); // twice is harmless
});

test('deltas and versions make two docs converge', () => {
  const a = new W.Doc({ replica: 1, id: 'x' });
  const b = new W.Doc({ replica: 2, id: 'x' });
  a.getText('t').insert(0, 'abc');
  b.getList('l').push(1, 2, 3);
  assert.equal(W.compareVersions(a.version(), b.version()), 'concurrent');
  const toB = a.encodeDelta(b.version());
  const toA = b.encodeDelta(a.version());
  assert.equal(W.messageKind(toB), 'delta');
  assert.equal(W.deltaOpCount(toB), 3);
  b.applyDelta(toB);
  a.applyDelta(toA);
  a.applyDelta(toA); // idempotent
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.deepEqual(a.toJSON(), { l: [1, 2, 3], t: 'abc' });
  assert.equal(W.compareVersions(a.version(), b.version()), 'equal');
  assert.deepEqual(a.versionVector(), new Map([[1n, 3], [2n, 3]]));
  assert.deepEqual(W.decodeVersion(a.version()), a.versionVector());
  const v = W.encodeVersion(new Map([[1n, 1]]));
  assert.equal(W.messageKind(v), 'version');
  assert.equal(W.compareVersions(v, a.version()), 'before');
  assert.deepEqual(W.decodeVersion(W.mergeVersions(v, W.encodeVersion([[9n, 4]]))),
    new Map([[1n, 1], [9n, 4]]));
  assert.equal(a.opCount, 6);
  assert.equal(a.pendingOps, 0);
  assert.ok(a.memoryUsage > 0);
  a.check(true);
  a.free();
  b.free();
});

test('a refused delta throws and changes nothing', () => {
  const a = new W.Doc({ replica: 1 });
  const b = new W.Doc({ replica: 2 });
  a.getText('t').insert(0, 'hello');
  const good = a.encodeDelta();
  b.getText('t').insert(0, 'mine');
  const before = b.version();
  // Every single-byte corruption is either refused, leaving the doc as it
  // was, or decodes to a delta that applies cleanly.
  let refused = 0;
  for (let i = 0; i < good.length; i++) {
    const bad = good.slice();
    bad[i] ^= 0x5a;
    const copy = b.fork(3);
    const json = JSON.stringify(copy.toJSON());
    const version = copy.version();
    try {
      copy.applyDelta(bad);
    } catch (e) {
      assert.ok(e instanceof W.WeftError && e.status !== 0 && /^weft: [a-z_0-9]+: ./.test(e.message), e.message);
      assert.equal(JSON.stringify(copy.toJSON()), json);
      assert.equal(W.compareVersions(copy.version(), version), 'equal');
      refused++;
    }
    copy.check(true);
    copy.free();
  }
  assert.ok(refused > good.length / 2, `${refused} of ${good.length} corruptions refused`);
  assert.throws(() => b.applyDelta(good.slice(0, 5)), W.WeftError);
  assert.throws(() => b.applyDelta('bytes'), { code: 'invalid_argument' });
  assert.throws(() => W.messageKind(new Uint8Array([1, 2, 3])), W.WeftError);
  assert.equal(W.compareVersions(b.version(), before), 'equal');
  assert.deepEqual(b.toJSON(), { t: 'mine' });
  a.free();
  b.free();
});

test('snapshots: full and state-only, load and fork', () => {
  const a = new W.Doc({ replica: 1, id: 'snap' });
  const t = a.getText('t');
  t.insert(0, 'hello world');
  t.delete(0, 6);
  a.getCounter('c').add(5);
  const full = a.encodeSnapshot();
  const state = a.encodeSnapshot('state');
  assert.equal(W.messageKind(full), 'snapshot');
  // The state-only form drops what no state shows: the deleted "hello ".
  const has = (bytes, text) => Buffer.from(bytes).includes(Buffer.from(text));
  assert.ok(has(full, 'hello '));
  assert.ok(!has(state, 'hello') && has(state, 'world'));
  const b = W.Doc.load(full, { replica: 2 });
  assert.equal(b.id, 'snap');
  assert.equal(b.replica, 2n);
  assert.deepEqual(b.toJSON(), a.toJSON());
  const c = W.Doc.load(state, { replica: 3, id: 'snap' });
  assert.deepEqual(c.toJSON(), { c: 5, t: 'world' });
  assert.throws(() => W.Doc.load(full, { id: 'other' }), W.WeftError);
  assert.throws(() => W.Doc.load(full.slice(0, 10)), W.WeftError);
  assert.throws(() => a.encodeSnapshot('tiny'), { code: 'invalid_argument' });
  const f = a.fork(9);
  assert.equal(f.replica, 9n);
  f.getText('t').insert(0, 'forked ');
  assert.deepEqual(a.toJSON(), { c: 5, t: 'world' });
  assert.deepEqual(f.toJSON(), { c: 5, t: 'forked world' });
  for (const x of [t, a, b, c, f]) x.free();
});

test('transactions: one event, origins, nesting, errors', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('t');
  const seen = [];
  t.observe((e) => seen.push(e));
  const updates = [];
  const sub = d.onUpdate((u, info) => updates.push([u, info]));
  const r = d.transact(() => {
    assert.equal(d.inTransaction, true);
    t.insert(0, 'a');
    d.transact(() => t.insert(1, 'b')); // joins the outer transaction
    return 42;
  }, 'typing');
  assert.equal(r, 42);
  assert.equal(d.inTransaction, false);
  assert.deepEqual(seen, [{ type: 'text', origin: 'user', tag: 'typing', path: ['t'], delta: [{ insert: 'ab' }] }]);
  assert.equal(updates.length, 1);
  assert.deepEqual(updates[0][1], { origin: 'user', tag: 'typing' });
  assert.equal(W.deltaOpCount(updates[0][0]), 2);
  // A body that throws: its edits stay (no rollback), the error comes out.
  assert.throws(() => d.transact(() => { t.insert(0, 'x'); throw new RangeError('stop'); }), RangeError);
  assert.equal(t.toString(), 'xab');
  assert.equal(seen.length, 2);
  assert.throws(() => d.transact(42), { code: 'invalid_argument' });
  // An observer that throws: the edit is made, the error reaches the caller.
  const bad = t.observe(() => { throw new Error('observer'); });
  assert.throws(() => t.insert(0, '!'), /observer/);
  assert.equal(t.toString(), '!xab');
  bad.free();
  assert.equal(bad.active, false);
  // Remote origin for applied deltas.
  const other = new W.Doc({ replica: 2 });
  other.getText('t').insert(0, 'zz');
  d.applyDelta(other.encodeDelta(d.version()));
  assert.equal(seen.at(-1).origin, 'remote');
  d.applyDelta(other.encodeDelta(), 'sync');
  assert.equal(updates.at(-1)[1].origin, 'remote');
  sub.free();
  t.free();
  d.free();
  other.free();
});

test('a transact body that throws inside a callback throws from that transact', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('t');
  // Nested in another transaction's body: the inner transact throws, the
  // outer body catches it and goes on, the outer transact succeeds.
  const log = [];
  const r = d.transact(() => {
    try {
      d.transact(() => { t.insert(0, 'a'); throw new RangeError('inner'); });
      log.push('inner returned');
    } catch (e) {
      log.push(`caught ${e.message}`);
    }
    t.insert(1, 'b');
    return 7;
  });
  assert.deepEqual(log, ['caught inner']);
  assert.equal(r, 7);
  assert.equal(t.toString(), 'ab');
  // In an observer: the same; what the observer does not catch reaches the
  // call that ran it.
  let caught = null;
  const sub = t.observe(() => {
    if (caught !== null) return;
    try {
      d.transact(() => { throw new RangeError('in observer'); });
      caught = 'returned';
    } catch (e) {
      caught = e.message;
    }
  });
  t.insert(0, 'x'); // does not throw: the observer caught the error
  assert.equal(caught, 'in observer');
  sub.free();
  const sub2 = t.observe(() => d.transact(() => { throw new RangeError('uncaught'); }));
  assert.throws(() => t.insert(0, 'y'), /uncaught/);
  sub2.free();
  t.insert(0, 'z'); // nothing left over
  assert.equal(t.toString(), 'zyxab');
  t.free();
  d.free();
});

test('freeing a doc ends its subscriptions; handles report doc_freed', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('t');
  const sub = t.observe(() => {});
  assert.equal(sub.active, true);
  const before = W.stats().callbacks;
  d.free();
  assert.equal(sub.freed, true);
  assert.equal(W.stats().callbacks, before - 1);
  assert.throws(() => t.insert(0, 'x'), { code: 'doc_freed' });
  t.free();
});

test('names are looked up as own properties, not inherited ones', () => {
  const d = new W.Doc({ replica: 1 });
  assert.throws(() => d.encodeSnapshot('toString'), { code: 'invalid_argument' });
  assert.throws(() => new W.Doc({ hasOwnProperty: 1 }), { code: 'invalid_argument' });
  assert.throws(() => d.setOption('compression', 'constructor'), { code: 'invalid_argument' });
  assert.throws(() => new W.SyncSession({ side: 'toString' }), { code: 'invalid_argument' });
  assert.throws(() => W.Doc.load(d.encodeSnapshot(), null), { code: 'invalid_argument' });
  d.free();
});

test('ids past 2^53 must be bigints', () => {
  assert.throws(() => new W.Doc({ replica: 12345678901234567891 }), { code: 'out_of_range' });
  const d = new W.Doc({ replica: 12345678901234567891n });
  assert.equal(d.replica, 12345678901234567891n);
  d.free();
});

test('transact uses no callback id per call', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('t');
  const ids = W.stats().callbackIds;
  for (let i = 0; i < 1000; i++) d.transact(() => t.insert(0, 'x'));
  assert.equal(W.stats().callbackIds, ids);
  // Nested bodies still run in order and return their values.
  const r = d.transact(() => d.transact(() => 'inner') + '+outer');
  assert.equal(r, 'inner+outer');
  assert.equal(t.length, 1000);
  d.free();
});

test('a handle made by a call whose observer throws is not leaked', () => {
  const base = W.stats().heapUsedBytes;
  const d = new W.Doc({ replica: 1 });
  const m = d.getMap('m');
  const sub = d.onUpdate(() => {
    throw new Error('observer');
  });
  for (let i = 0; i < 200; i++) {
    assert.throws(() => m.setText('k'), /observer/);
  }
  sub.free();
  m.free();
  d.free();
  assert.ok(W.stats().heapUsedBytes - base < 1024, `heap ${base} -> ${W.stats().heapUsedBytes}`);
});

test('observing a freed Doc throws', () => {
  const s = new W.SyncSession({ side: 'client' });
  const d = new W.Doc({ replica: 1, id: 'kept-by-session' });
  const t = d.getText('t');
  s.addDoc(d);
  d.free(); // the session keeps the C document alive
  assert.throws(() => t.observe(() => {}), { code: 'doc_freed' });
  assert.throws(() => d.onUpdate(() => {}), W.WeftError);
  s.free();
});
