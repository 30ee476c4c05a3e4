// yjs.mjs: the Yjs adapter. Two configurations: `yjs` keeps the deleted
// text (`gc: false`, needed for Yjs snapshots and version history) so that
// it has a full-history form; `yjs-gc` is Yjs's default (`gc: true`), whose
// only encoding is its state.

import * as Y from 'yjs';

// REMOTE is the origin of applied updates.
const REMOTE = 'remote';

function make(gc) {
  const create = (agent) => {
    const doc = new Y.Doc({ gc });
    doc.clientID = agent + 1; // fixed ids: the same bytes on every run
    return { doc, text: doc.getText('text') };
  };
  const transact = (r, patches) => {
    r.doc.transact(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) r.text.delete(pos, del);
        if (ins.length > 0) r.text.insert(pos, ins);
      }
    });
  };
  // encodeState: the state of `doc` as Yjs's default, garbage-collected doc
  // holds it (deleted content reduced to lengths).
  const encodeState = (r) => {
    if (gc) return Y.encodeStateAsUpdateV2(r.doc);
    const collected = new Y.Doc({ gc: true });
    Y.applyUpdateV2(collected, Y.encodeStateAsUpdateV2(r.doc));
    const bytes = Y.encodeStateAsUpdateV2(collected);
    collected.destroy();
    return bytes;
  };
  return {
    name: gc ? 'yjs-gc' : 'yjs',
    package: 'yjs',
    notes: {
      transaction: '`doc.transact(() => { text.delete(); text.insert() })`' +
        (gc ? ', `new Y.Doc()` (gc on, the default)' : ', `new Y.Doc({ gc: false })`'),
      full: gc ? null : '`Y.encodeStateAsUpdateV2(doc)` of the gc-off doc',
      state: gc
        ? '`Y.encodeStateAsUpdateV2(doc)`'
        : '`Y.encodeStateAsUpdateV2` of a `new Y.Doc()` (gc on) that the full update was applied to',
      load: gc ? '`Y.applyUpdateV2(new Y.Doc(), state)`' : '`Y.applyUpdateV2(new Y.Doc({ gc: false }), full)`',
      update: "the local transaction's `update` event (v1; the listener stays attached, so remote transactions are encoded too), applied with `Y.applyUpdate`",
    },
    create,
    transact,
    text: (r) => r.text.toString(),
    encodeFull: (r) => (gc ? null : Y.encodeStateAsUpdateV2(r.doc)),
    encodeState,
    load(bytes) {
      const r = create(100);
      Y.applyUpdateV2(r.doc, bytes);
      return r;
    },
    // replicas keep an `update` listener, as a sync provider does: Yjs
    // encodes every transaction's update for it, remote ones included, and
    // the local transaction's is kept.
    replicas: (n) => Array.from({ length: n }, (_, a) => {
      const r = create(a);
      r.update = null;
      r.doc.on('update', (u, origin) => {
        if (origin !== REMOTE) r.update = u;
      });
      return r;
    }),
    transactUpdate(r, patches) {
      r.update = null;
      transact(r, patches);
      return r.update;
    },
    applyUpdate: (r, bytes) => Y.applyUpdate(r.doc, bytes, REMOTE),
    free: (r) => r.doc.destroy(),
  };
}

export const yjs = make(false);
export const yjsGc = make(true);
