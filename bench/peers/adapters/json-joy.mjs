// json-joy.mjs: the json-joy adapter (JSON CRDT, pure JS). Its model keeps
// deleted text as lengths only; the history form (a `Log` of every patch)
// is a separate structure the model does not keep, so it has no full form
// here.

import { Model, Patch, s } from 'json-joy/lib/json-crdt/index.js';

const sid = (agent) => 100000 + agent; // session ids must be ≥ 65,536

// genesis: the root object `{ text: "" }` with `text` a str (RGA) node, made
// once and forked, so that every replica edits the same node.
function genesis() {
  const model = Model.create(s.obj({ text: s.str('') }), sid(99));
  model.api.flush();
  return model;
}

const wrap = (model) => ({ model, str: model.api.str(['text']) });

function transact(r, patches) {
  for (const [pos, del, ins] of patches) {
    if (del > 0) r.str.del(pos, del);
    if (ins.length > 0) r.str.ins(pos, ins);
  }
  return r.model.api.flush();
}

export const jsonJoy = {
  name: 'json-joy',
  package: 'json-joy',
  notes: {
    transaction: '`str.del()`, `str.ins()`, then `model.api.flush()` (one patch)',
    full: null,
    state: '`model.toBinary()` (structural binary codec)',
    load: '`Model.load(state)`',
    update: '`model.api.flush().toBinary()`, applied with `model.applyPatch(Patch.fromBinary())`',
  },
  create: (agent) => wrap(genesis().fork(sid(agent))),
  transact,
  text: (r) => r.str.view(),
  encodeFull: () => null,
  encodeState: (r) => r.model.toBinary(),
  load: (bytes) => wrap(Model.load(bytes, sid(100))),
  replicas(n) {
    const g = genesis();
    return Array.from({ length: n }, (_, a) => wrap(g.fork(sid(a))));
  },
  transactUpdate: (r, patches) => transact(r, patches).toBinary(),
  applyUpdate: (r, bytes) => r.model.applyPatch(Patch.fromBinary(bytes)),
};
