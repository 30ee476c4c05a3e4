// Copyright 2026 The weft Authors. MIT License.
//
// text.test.mjs: Text with UTF-16 positions as JS strings count them
// (emoji and other surrogate pairs, combining marks), Quill-form events,
// applyDelta, anchors, and refusals that change nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W } from './helpers.mjs';

test('UTF-16 positions around surrogate pairs', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('t');
  t.insert(0, 'a😀b');
  assert.equal(t.length, 4); // 'a😀b'.length
  assert.equal(t.codePointLength, 3);
  t.insert(3, '𝄞'); // after the emoji (UTF-16 index 3)
  assert.equal(t.toString(), 'a😀𝄞b');
  assert.equal(t.toString(), 'a😀' + '𝄞' + 'b');
  t.insert(t.length, 'é👍🏽'); // e + combining acute, thumbs up + skin tone
  assert.equal(t.toString(), 'a😀𝄞bé👍🏽');
  assert.equal(t.length, 'a😀𝄞bé👍🏽'.length);
  assert.equal(t.slice(1, 5), '😀𝄞');
  assert.equal(t.slice(5), 'bé👍🏽');
  assert.equal(t.toCodePoint(3), 2);
  assert.equal(t.toUtf16(2), 3);
  // Inside a pair: refused, nothing changes.
  assert.throws(() => t.insert(2, 'x'), { name: 'WeftError', code: 'not_char_boundary' });
  assert.throws(() => t.delete(1, 1), { code: 'not_char_boundary' });
  assert.throws(() => t.insert(99, 'x'), { code: 'out_of_range' });
  assert.throws(() => t.delete(0, 99), { code: 'out_of_range' });
  assert.throws(() => t.insert(-1, 'x'), { code: 'out_of_range' });
  assert.throws(() => t.insert(1.5, 'x'), { code: 'invalid_argument' });
  assert.throws(() => t.insert(0, '\udc00lone'), { code: 'invalid_utf8' });
  assert.throws(() => t.insert(0, 5), { code: 'invalid_argument' });
  assert.equal(t.toString(), 'a😀𝄞bé👍🏽');
  t.delete(1, 4); // both astral characters
  assert.equal(t.toString(), 'abé👍🏽');
  t.free();
  d.free();
});

test('events are Quill deltas in UTF-16 units', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('body');
  t.insert(0, '😀😀 end');
  const events = [];
  t.observe((e) => events.push(e));
  t.insert(2, '👋');            // after the first emoji
  t.delete(4, 2);              // the second emoji
  d.transact(() => {
    t.insert(0, 'x');
    t.delete(5, 1);            // the space
  });
  assert.deepEqual(events.map((e) => e.delta), [
    [{ retain: 2 }, { insert: '👋' }],
    [{ retain: 4 }, { delete: 2 }],
    [{ insert: 'x' }, { retain: 4 }, { delete: 1 }],
  ]);
  // Replaying the deltas on a JS string rebuilds the text.
  let s = '😀😀 end';
  for (const e of events) s = applyQuill(s, e.delta);
  assert.equal(s, t.toString());
  assert.equal(events[0].type, 'text');
  assert.deepEqual(events[0].path, ['body']);
  // observeDeep on a map sees nested text events with their path.
  const m = d.getMap('m');
  const deep = [];
  m.observeDeep((evs) => deep.push(evs));
  const nested = m.setText('title');
  nested.insert(0, 'hé');
  assert.deepEqual(deep.at(-1), [{ type: 'text', origin: 'local', path: ['m', 'title'], delta: [{ insert: 'hé' }] }]);
  for (const x of [t, m, nested, d]) x.free();
});

function applyQuill(s, delta) {
  let out = '';
  let i = 0;
  for (const op of delta) {
    if (op.retain !== undefined) { out += s.slice(i, i + op.retain); i += op.retain; }
    if (op.insert !== undefined) out += op.insert;
    if (op.delete !== undefined) i += op.delete;
  }
  return out + s.slice(i);
}

test('applyDelta: a Quill delta in one transaction, checked first', () => {
  const d = new W.Doc({ replica: 1 });
  const t = d.getText('t');
  t.insert(0, 'hello 🌍!');
  const seen = [];
  t.observe((e) => seen.push(e.delta));
  t.applyDelta([{ retain: 6 }, { delete: 2 }, { insert: 'world' }]);
  assert.equal(t.toString(), 'hello world!');
  assert.equal(seen.length, 1);
  assert.equal(applyQuill('hello 🌍!', seen[0]), 'hello world!');
  assert.throws(() => t.applyDelta([{ insert: 'x' }, { retain: 99 }]), { code: 'out_of_range' });
  assert.throws(() => t.applyDelta([{ bogus: 1 }]), { code: 'invalid_argument' });
  assert.throws(() => t.applyDelta([{ insert: 'ok' }, { insert: '\ud800' }]), { code: 'invalid_utf8' });
  t.insert(0, '😀');
  assert.throws(() => t.applyDelta([{ insert: 'a' }, { retain: 1 }, { insert: 'b' }]), { code: 'not_char_boundary' });
  assert.equal(t.toString(), '😀hello world!');
  assert.equal(seen.length, 2);
  t.free();
  d.free();
});

test('anchors follow local and remote edits', () => {
  const a = new W.Doc({ replica: 1 });
  const b = new W.Doc({ replica: 2 });
  const ta = a.getText('t');
  ta.insert(0, 'ab😀cd');
  b.applyDelta(a.encodeDelta());
  const anchor = ta.anchorAt(4, 'left'); // after the emoji
  assert.equal(typeof anchor.replica, 'bigint');
  assert.equal(anchor.side, 'left');
  const end = ta.anchorAt(ta.length, 'right');
  const tb = b.getText('t');
  tb.insert(0, '🎉🎉');
  a.applyDelta(b.encodeDelta(a.version()));
  assert.equal(ta.resolve(anchor), 8);
  assert.equal(tb.resolve(anchor), 8); // any replica that has seen the target
  assert.equal(ta.resolve(end), ta.length);
  assert.throws(() => ta.anchorAt(3), { code: 'not_char_boundary' });
  assert.throws(() => ta.anchorAt(0, 'up'), { code: 'invalid_argument' });
  assert.throws(() => ta.resolve({ hasTarget: true, replica: 77n, seq: 1n, side: 'left' }), W.WeftError);
  for (const x of [ta, tb, a, b]) x.free();
});

test('concurrent typing converges', () => {
  const docs = [1, 2, 3].map((r) => new W.Doc({ replica: r }));
  const texts = docs.map((d) => d.getText('t'));
  texts[0].insert(0, 'base');
  for (const d of docs.slice(1)) d.applyDelta(docs[0].encodeDelta());
  texts[0].insert(4, ' one');
  texts[1].insert(0, 'two 👥 ');
  texts[2].delete(0, 2);
  for (const x of docs) for (const y of docs) if (x !== y) y.applyDelta(x.encodeDelta(y.version()));
  const s = texts[0].toString();
  for (const t of texts) assert.equal(t.toString(), s);
  assert.match(s, /one/);
  assert.match(s, /two 👥/);
  for (const x of [...texts, ...docs]) x.free();
});

test('applyDelta the document has no room for changes nothing', () => {
  const d = new W.Doc({ replica: 1, maxOps: 5 });
  const t = d.getText('t');
  t.insert(0, 'abc');
  // Two inserts of 1 and 4 code points: 5 more ops against 2 left.
  assert.throws(() => t.applyDelta([{ retain: 1 }, { insert: 'X' }, { retain: 1 }, { insert: 'YYYY' }]),
    { code: 'capacity_exceeded' });
  assert.equal(t.toString(), 'abc');
  assert.equal(d.opCount, 3);
  // Deletes count in code points: an emoji is one op, two UTF-16 units.
  const e = new W.Doc({ replica: 2, maxOps: 4 });
  const u = e.getText('t');
  u.insert(0, '😀😀');
  u.applyDelta([{ delete: 4 }]);
  assert.equal(u.toString(), '');
  d.free();
  e.free();
});
