// automerge.mjs: the Automerge adapter (its default entry: the wasm core
// behind the immutable-document JS API).

import * as A from '@automerge/automerge';

const actor = (agent) => (agent + 1).toString(16).padStart(2, '0').repeat(8);

// genesis is the document every replica starts from: the root's `text`
// field holding an empty string (a collaborative text in Automerge 3). It is
// made by one actor and forked, since replicas that each created the field
// would hold two conflicting texts.
function genesis() {
  return A.change(A.init({ actor: 'ff'.repeat(8) }), (d) => { d.text = ''; });
}

const transact = (doc, patches) => A.change(doc, (d) => {
  for (const [pos, del, ins] of patches) A.splice(d, ['text'], pos, del, ins);
});

export const automerge = {
  name: 'automerge',
  package: '@automerge/automerge',
  notes: {
    transaction: '`A.change(doc, d => A.splice(d, ["text"], pos, del, ins))`',
    full: '`A.save(doc)`',
    state: null,
    load: '`A.load(bytes)`',
    update: '`A.getLastLocalChange(doc)`, applied with `A.applyChanges`',
  },
  create: (agent) => ({ doc: A.clone(genesis(), { actor: actor(agent) }) }),
  transact(r, patches) { r.doc = transact(r.doc, patches); },
  text: (r) => r.doc.text,
  encodeFull: (r) => A.save(r.doc),
  encodeState: () => null,
  load: (bytes) => ({ doc: A.load(bytes, { actor: actor(100) }) }),
  replicas(n) {
    const g = genesis();
    return Array.from({ length: n }, (_, a) => ({ doc: A.clone(g, { actor: actor(a) }) }));
  },
  transactUpdate(r, patches) {
    r.doc = transact(r.doc, patches);
    return A.getLastLocalChange(r.doc);
  },
  applyUpdate(r, bytes) { [r.doc] = A.applyChanges(r.doc, [bytes]); },
  free: (r) => A.free(r.doc),
};
