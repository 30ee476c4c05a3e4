// Copyright 2026 The weft Authors. MIT License.
//
// presence.test.mjs: Presence: fields, custom fields, cursors resolved in
// a document, updates between clients, events, heartbeats and expiry on
// an application clock, and damaged updates that change nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W } from './helpers.mjs';

test('two clients exchange presence, cursors resolve in UTF-16', () => {
  const doc = new W.Doc({ replica: 1 });
  const text = doc.getText('body');
  text.insert(0, 'hi 😀 there');
  const alice = new W.Presence(1n, { timeoutMs: 1000, heartbeatMs: 400 });
  const bob = new W.Presence(2, { timeoutMs: 1000, heartbeatMs: 400 });
  assert.equal(alice.self, 1n);
  const changes = [];
  bob.observe((c) => changes.push(c));
  alice.set({ name: 'Alice', color: '#f0a' }, 0);
  alice.setField('userId', 'u-1', 0);
  alice.setCustom('mood', '🙂', 0);
  alice.setCursor('body', text.anchorAt(3), text.anchorAt(5, 'right'), 0);
  bob.apply(alice.takeUpdates(), 10);
  assert.deepEqual(bob.clients(), [1n]);
  assert.deepEqual(changes, [{ type: 'joined', client: 1n, timedOut: false }]);
  assert.equal(bob.getField(1n, 'name'), 'Alice');
  assert.equal(bob.getCustom(1n, 'mood'), '🙂');
  assert.equal(bob.getCustom(1n, 'nope'), undefined);
  assert.equal(bob.getField(99n, 'name'), undefined);
  const entry = bob.get(1n);
  assert.equal(entry.name, 'Alice');
  assert.equal(entry.color, '#f0a');
  assert.equal(entry.userId, 'u-1');
  assert.deepEqual(entry.custom, { mood: '🙂' });
  assert.equal(entry.cursor.text, 'body');
  assert.deepEqual(W.Presence.resolveCursor(doc, entry.cursor), { anchor: 3, head: 5 });
  text.insert(0, '>> ');
  assert.deepEqual(W.Presence.resolveCursor(doc, bob.getCursor(1n)), { anchor: 6, head: 8 });
  assert.equal(alice.takeUpdates().length, 0); // nothing new
  alice.setCustom('mood', null, 20);
  alice.clearCursor(20);
  bob.apply(alice.takeUpdates(), 30);
  assert.equal(changes.at(-1).type, 'updated');
  assert.equal(bob.getCustom(1n, 'mood'), undefined);
  assert.equal(bob.getCursor(1n), undefined);
  assert.equal(bob.get(1n).cursor, null);
  // A newcomer gets everything at once.
  const carol = new W.Presence(3);
  carol.apply(bob.fullUpdates(), 0);
  assert.deepEqual(carol.clients(), [1n]);
  // Goodbye, then silence: joined again, then timed out.
  alice.leave(40);
  bob.apply(alice.takeUpdates(), 40);
  assert.deepEqual(changes.at(-1), { type: 'left', client: 1n, timedOut: false });
  alice.setField('name', 'Alice again', 50);
  bob.apply(alice.takeUpdates(), 50);
  assert.equal(changes.at(-1).type, 'joined');
  bob.tick(3000);
  assert.deepEqual(changes.at(-1), { type: 'left', client: 1n, timedOut: true });
  assert.deepEqual(bob.clients(), []);
  alice.tick(1000);
  assert.ok(alice.takeUpdates().length > 0); // heartbeat due
  assert.ok(alice.clock > 0);
  for (const x of [alice, bob, carol, text, doc]) x.free();
});

test('bad presence input throws and changes nothing', () => {
  const p = new W.Presence(5);
  const q = new W.Presence(6);
  q.setField('name', 'Q', 0);
  const good = q.takeUpdates();
  const bad = good.slice();
  bad[Math.floor(bad.length / 2)] ^= 0xff;
  try {
    p.apply(bad, 0);
  } catch (e) {
    assert.ok(e instanceof W.WeftError);
  }
  assert.throws(() => p.apply(good.slice(0, 3), 0), W.WeftError);
  assert.throws(() => p.setField('shoe', 'x'), { code: 'invalid_argument' });
  assert.throws(() => p.set({ name: 5 }), { code: 'invalid_argument' });
  assert.throws(() => p.setCursor('t', null, null), { code: 'invalid_argument' });
  assert.throws(() => new W.Presence(1, { timeoutMs: 0 }), { code: 'invalid_argument' });
  assert.throws(() => new W.Presence(1, { volume: 11 }), { code: 'invalid_argument' });
  assert.throws(() => new W.Presence('me'), { code: 'invalid_argument' });
  assert.equal(p.getField(5n, 'name'), '');
  p.apply(good, 0);
  assert.deepEqual(p.clients(), [6n]);
  p.free();
  q.free();
});

test('set checks every field first: a bad one sets none', () => {
  const p = new W.Presence(7);
  assert.throws(() => p.set({ name: 'Ada', color: '#f0a\uD800' }, 0), { code: 'invalid_utf8' });
  assert.equal(p.getField(7n, 'name'), ''); // never set
  assert.equal(p.takeUpdates().length, 0);
  // Field names are the table's own, not inherited ones.
  assert.throws(() => p.setField('constructor', 'mallory', 0), { code: 'invalid_argument' });
  p.free();
});
