// Copyright 2026 The weft Authors. MIT License.
//
// containers.test.mjs: Map, List, Counter and Register: every value kind,
// nested containers, concurrent writes, events as plain objects, and
// refusals that change nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W } from './helpers.mjs';

test('map: values of every kind, keys, entries', () => {
  const d = new W.Doc({ replica: 1 });
  const m = d.getMap('m');
  const bytes = new Uint8Array([0, 1, 255]);
  m.set('null', null);
  m.set('bool', true);
  m.set('int', -42);
  m.set('big', -(2n ** 63n));
  m.set('real', 0.25);
  m.set('str', 'héllo 😀');
  m.set('bytes', bytes);
  assert.equal(m.size, 7);
  assert.equal(m.get('null'), null);
  assert.equal(m.get('bool'), true);
  assert.equal(m.get('int'), -42);
  assert.equal(m.get('big'), -(2n ** 63n));
  assert.equal(m.get('real'), 0.25);
  assert.equal(m.get('str'), 'héllo 😀');
  assert.deepEqual(m.get('bytes'), bytes);
  assert.equal(m.get('missing'), undefined);
  assert.equal(m.has('int'), true);
  assert.equal(m.has('missing'), false);
  assert.deepEqual(m.keys(), ['big', 'bool', 'bytes', 'int', 'null', 'real', 'str']);
  assert.deepEqual(m.entries().map(([k]) => k), m.keys());
  assert.equal(m.values().length, 7);
  m.delete('int');
  m.delete('missing');
  assert.equal(m.has('int'), false);
  // Bad values and keys: refused, nothing changes.
  const json = JSON.stringify(m.toJSON());
  assert.throws(() => m.set('x', {}), { code: 'invalid_argument' });
  assert.throws(() => m.set('x', undefined), { code: 'invalid_argument' });
  assert.throws(() => m.set('x', 2n ** 63n), { code: 'out_of_range' });
  assert.throws(() => m.set(1, 'v'), { code: 'invalid_argument' });
  assert.throws(() => m.set('\udfff', 'v'), { code: 'invalid_utf8' });
  assert.equal(JSON.stringify(m.toJSON()), json);
  m.free();
  d.free();
});

test('map: nested containers and concurrent writes', () => {
  const a = new W.Doc({ replica: 1 });
  const b = new W.Doc({ replica: 2 });
  const ma = a.getMap('board');
  const title = ma.getOrCreateText('title');
  title.insert(0, 'Plan');
  const items = ma.setList('items');
  items.push('one');
  const votes = ma.setCounter('votes');
  votes.add(2);
  const owner = ma.setRegister('owner');
  owner.set('ada');
  const meta = ma.setMap('meta');
  meta.set('v', 1);
  b.applyDelta(a.encodeDelta());
  const mb = b.getMap('board');
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.deepEqual(a.toJSON(), { board: { items: ['one'], meta: { v: 1 }, owner: 'ada', title: 'Plan', votes: 2 } });
  // get() of a container gives a live wrapper of the right class.
  const titleB = mb.get('title');
  assert.ok(titleB instanceof W.Text);
  assert.ok(mb.getList('items') instanceof W.List);
  assert.ok(mb.get('meta') instanceof W.Map);
  assert.ok(mb.get('votes') instanceof W.Counter);
  assert.ok(mb.getRegister('owner') instanceof W.Register);
  assert.deepEqual(titleB.path(), ['board', 'title']);
  assert.equal(titleB.equals(mb.getText('title')), true);
  assert.equal(titleB.equals(title), false); // another document
  assert.throws(() => mb.getText('items'), { code: 'type_mismatch' });
  assert.throws(() => mb.getText('nothing'), { code: 'not_found' });
  // Concurrent get_or_create shares one container; concurrent set: LWW.
  ma.getOrCreateText('shared').insert(0, 'A');
  mb.getOrCreateText('shared').insert(0, 'B');
  ma.set('color', 'red');
  mb.set('color', 'blue');
  a.applyDelta(b.encodeDelta(a.version()));
  b.applyDelta(a.encodeDelta(b.version()));
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.equal(ma.get('shared').toString().length, 2);
  assert.deepEqual(ma.getAll('color').sort(), ['blue', 'red']);
  assert.equal(ma.getAll('color')[0], ma.get('color'));
  // A container overwritten by a value is detached but still usable.
  ma.set('title', 'plain');
  assert.equal(title.path(), null);
  title.insert(0, 'still ');
  assert.equal(ma.get('title'), 'plain');
  const entries = ma.entries();
  assert.ok(entries.find(([k]) => k === 'items')[1] instanceof W.List);
  for (const [, v] of entries) if (v instanceof W.Container) v.free();
  for (const x of [ma, mb, title, titleB, items, votes, owner, meta, a, b]) x.free();
});

test('list: insert, push, delete, nested, anchors', () => {
  const d = new W.Doc({ replica: 1 });
  const l = d.getList('l');
  l.push(1);
  l.push(2, 3);
  l.insert(0, ['zero', null, true]);
  assert.deepEqual(l.toArray(), ['zero', null, true, 1, 2, 3]);
  assert.equal(l.length, 6);
  assert.equal(l.get(0), 'zero');
  l.delete(1, 2);
  assert.deepEqual(l.toJSON(), ['zero', 1, 2, 3]);
  const sub = l.insertMap(1);
  sub.set('k', 'v');
  const txt = l.insertText(0);
  txt.insert(0, 'first');
  l.insertList(0).push(1);
  l.insertCounter(0).add(3);
  l.insertRegister(0).set(false);
  assert.deepEqual(l.toJSON(), [false, 3, [1], 'first', 'zero', { k: 'v' }, 1, 2, 3]);
  assert.ok(l.get(3) instanceof W.Text);
  assert.equal(l.getText(3).toString(), 'first');
  assert.equal(l.getMap(5).get('k'), 'v');
  assert.equal(l.getCounter(1).value, 3);
  assert.equal(l.getRegister(0).get(), false);
  assert.deepEqual(l.getList(2).toArray(), [1]);
  assert.throws(() => l.getText(4), { code: 'type_mismatch' });
  assert.ok(l.toArray()[3] instanceof W.Text);
  const anchor = l.anchorAt(4);
  l.insert(0, ['a', 'b']);
  assert.equal(l.resolve(anchor), 6);
  const json = JSON.stringify(l.toJSON());
  assert.throws(() => l.get(99), { code: 'out_of_range' });
  assert.throws(() => l.delete(5, 99), { code: 'out_of_range' });
  assert.throws(() => l.insert(99, [1]), { code: 'out_of_range' });
  assert.throws(() => l.insert(0, [1, {}]), { code: 'invalid_argument' });
  assert.throws(() => l.insert(0, 'x'), { code: 'invalid_argument' });
  assert.equal(JSON.stringify(l.toJSON()), json);
  l.free();
  d.free();
});

test('counter and register', () => {
  const a = new W.Doc({ replica: 1 });
  const b = new W.Doc({ replica: 2 });
  const ca = a.getCounter('c');
  const cb = b.getCounter('c');
  ca.add(5);
  ca.add();
  cb.add(-10n);
  a.applyDelta(b.encodeDelta(a.version()));
  b.applyDelta(a.encodeDelta(b.version()));
  assert.equal(ca.value, -4);
  assert.equal(cb.value, -4);
  ca.add(2n ** 62n);
  assert.equal(ca.value, 2n ** 62n - 4n);
  assert.throws(() => ca.add(2n ** 63n - 1n), { code: 'out_of_range' }); // would overflow
  assert.throws(() => ca.add(1.5), { code: 'invalid_argument' });
  assert.equal(ca.value, 2n ** 62n - 4n);
  const ra = a.getRegister('r');
  const rb = b.getRegister('r');
  assert.equal(ra.get(), undefined);
  ra.set('mine');
  rb.set(12);
  a.applyDelta(b.encodeDelta(a.version()));
  b.applyDelta(a.encodeDelta(b.version()));
  assert.deepEqual(ra.getAll().length, 2);
  assert.equal(ra.get(), rb.get());
  ra.clear();
  assert.equal(ra.get(), undefined);
  assert.throws(() => ra.set(Symbol('x')), { code: 'invalid_argument' });
  for (const x of [ca, cb, ra, rb, a, b]) x.free();
});

test('events of every container type', () => {
  const a = new W.Doc({ replica: 1 });
  const b = new W.Doc({ replica: 2 });
  const seen = [];
  const root = b.getMap('root');
  root.observeDeep((evs) => seen.push(...evs));
  const m = a.getMap('root');
  m.set('k', 1);
  const l = m.setList('l');
  const c = m.setCounter('c');
  const r = m.setRegister('r');
  b.applyDelta(a.encodeDelta(b.version()));
  assert.deepEqual(seen.shift(), {
    type: 'map', origin: 'remote', path: ['root'],
    keys: new Map([
      ['c', { action: 'add', newValue: new W.ContainerValue('counter') }],
      ['k', { action: 'add', newValue: 1 }],
      ['l', { action: 'add', newValue: new W.ContainerValue('list') }],
      ['r', { action: 'add', newValue: new W.ContainerValue('register') }],
    ]),
  });
  a.transact(() => {
    l.push('x', 'y');
    c.add(3);
    c.add(4);
    r.set('v1');
    m.set('k', 2);
  }, 'batch');
  b.applyDelta(a.encodeDelta(b.version()), 'from-a');
  const byType = Object.fromEntries(seen.splice(0).map((e) => [e.type, e]));
  assert.deepEqual(byType.map.keys.get('k'), { action: 'update', oldValue: 1, newValue: 2 });
  assert.equal(byType.map.origin, 'user');
  assert.equal(byType.map.tag, 'from-a');
  assert.deepEqual(byType.list, { type: 'list', origin: 'user', tag: 'from-a', path: ['root', 'l'], delta: [{ insert: ['x', 'y'] }] });
  assert.deepEqual(byType.counter, { type: 'counter', origin: 'user', tag: 'from-a', path: ['root', 'c'], increment: 7 });
  assert.deepEqual(byType.register, { type: 'register', origin: 'user', tag: 'from-a', path: ['root', 'r'], newValue: 'v1' });
  l.delete(0);
  r.set('v2');
  m.delete('k');
  b.applyDelta(a.encodeDelta(b.version()));
  const again = Object.fromEntries(seen.splice(0).map((e) => [e.type, e]));
  assert.deepEqual(again.list.delta, [{ delete: 1 }]);
  assert.deepEqual(again.register.oldValue, 'v1');
  assert.deepEqual(again.map.keys.get('k'), { action: 'delete', oldValue: 2 });
  // Direct observers see their own container only.
  const cb = root.getCounter('c');
  const direct = [];
  const sub = cb.observe((e) => direct.push(e.increment));
  c.add(-1);
  b.applyDelta(a.encodeDelta(b.version()));
  assert.deepEqual(direct, [-1]);
  sub.unsubscribe();
  for (const x of [root, m, l, c, r, cb, a, b]) x.free();
});

test('large values survive the wasm memory growing mid-call', () => {
  const d = new W.Doc({ replica: 1 });
  const l = d.getList('l');
  const before = W.stats().wasmMemoryBytes;
  const big = 'é😀'.repeat(1_000_000); // 6 MB of UTF-8 each
  const bytes = new Uint8Array(5_000_000).map((_, i) => i % 251);
  l.insert(0, [big, bytes, big + '!']);
  assert.ok(W.stats().wasmMemoryBytes > before, 'memory grew');
  assert.equal(l.get(0), big);
  assert.deepEqual(l.get(1), bytes);
  assert.equal(l.get(2), big + '!');
  const t = d.getText('t');
  t.insert(0, big);
  t.insert(3, 'x');
  assert.equal(t.length, big.length + 1);
  assert.equal(t.slice(0, 5), 'é😀xé');
  const e = new W.Doc({ replica: 2 });
  e.applyDelta(d.encodeDelta());
  assert.equal(e.getList('l').get(2), big + '!');
  for (const x of [l, t, d, e]) x.free();
});
