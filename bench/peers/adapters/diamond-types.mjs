// diamond-types.mjs: the diamond-types adapter (diamond-types-node, wasm).
// Its Doc has no transaction: each patch is one `del` and/or `ins`.

import dt from 'diamond-types-node';

const create = (agent) => ({ doc: new dt.Doc(`agent${agent}`) });

function transact(r, patches) {
  for (const [pos, del, ins] of patches) {
    if (del > 0) r.doc.del(pos, del);
    if (ins.length > 0) r.doc.ins(pos, ins);
  }
}

export const diamondTypes = {
  name: 'diamond-types',
  package: 'diamond-types-node',
  notes: {
    transaction: '`doc.del(pos, n)`, `doc.ins(pos, text)` (no transaction in its API)',
    full: '`doc.toBytes()`',
    state: null,
    load: '`Doc.fromBytes(bytes)`',
    update: '`doc.getPatchSince(versionBefore)`, applied with `doc.mergeBytes`',
  },
  create,
  transact,
  text: (r) => r.doc.get(),
  encodeFull: (r) => r.doc.toBytes(),
  encodeState: () => null,
  load: (bytes) => ({ doc: dt.Doc.fromBytes(bytes, 'agent100') }),
  replicas: (n) => Array.from({ length: n }, (_, a) => create(a)),
  transactUpdate(r, patches) {
    const before = r.doc.getLocalVersion();
    transact(r, patches);
    return r.doc.getPatchSince(before);
  },
  applyUpdate: (r, bytes) => { r.doc.mergeBytes(bytes); },
  free: (r) => r.doc.free(),
};
