// loro.mjs: the Loro adapter (loro-crdt's node build, a wasm core).

import { LoroDoc } from 'loro-crdt';

function create(agent) {
  const doc = new LoroDoc();
  doc.setPeerId(agent + 1);
  return { doc, text: doc.getText('text'), update: null };
}

function transact(r, patches) {
  for (const [pos, del, ins] of patches) {
    if (del > 0) r.text.delete(pos, del);
    if (ins.length > 0) r.text.insert(pos, ins);
  }
  r.doc.commit();
}

export const loro = {
  name: 'loro',
  package: 'loro-crdt',
  notes: {
    transaction: '`text.delete()`, `text.insert()`, then `doc.commit()`',
    full: "`doc.export({ mode: 'snapshot' })` (history and state)",
    state: "`doc.export({ mode: 'shallow-snapshot', frontiers: doc.oplogFrontiers() })`",
    load: '`new LoroDoc().import(snapshot)`',
    update: "`doc.subscribeLocalUpdates` (the commit's update), applied with `doc.import`",
  },
  create,
  transact,
  text: (r) => r.text.toString(),
  encodeFull: (r) => r.doc.export({ mode: 'snapshot' }),
  encodeState: (r) => r.doc.export({ mode: 'shallow-snapshot', frontiers: r.doc.oplogFrontiers() }),
  load(bytes) {
    const r = create(100);
    r.doc.import(bytes);
    return r;
  },
  replicas: (n) => Array.from({ length: n }, (_, a) => {
    const r = create(a);
    r.doc.subscribeLocalUpdates((bytes) => { r.update = bytes; });
    return r;
  }),
  transactUpdate(r, patches) {
    r.update = null;
    transact(r, patches);
    return r.update;
  },
  applyUpdate: (r, bytes) => { r.doc.import(bytes); },
  free: (r) => r.doc.free(),
};
