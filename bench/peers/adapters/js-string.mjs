// js-string.mjs: the floor. The trace replayed into a plain JS string with no
// CRDT metadata: no encoding, no merge.

export const jsString = {
  name: 'js-string',
  package: null,
  notes: {
    transaction: '`s = s.slice(0, pos) + ins + s.slice(pos + del)` per patch',
    full: null,
    state: null,
    load: null,
    update: null,
  },
  create: () => ({ s: '' }),
  transact(r, patches) {
    let s = r.s;
    for (const [pos, del, ins] of patches) s = s.slice(0, pos) + ins + s.slice(pos + del);
    r.s = s;
  },
  text: (r) => r.s,
  encodeFull: () => null,
  encodeState: () => null,
  load: null,
  replicas: null,
};
