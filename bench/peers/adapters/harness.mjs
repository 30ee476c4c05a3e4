// harness.mjs: no library at all. Each patch is read as every adapter reads
// it and nothing is done with it: the row is the replay loop's own cost,
// which every other row's apply figure includes.

let sink = 0; // the patches' fields end up here, so no read is optimized away

export const harness = {
  name: 'harness',
  package: null,
  checked: false, // it builds no text to check
  notes: {
    transaction: 'nothing: each `[pos, del, ins]` patch read and dropped',
    full: null,
    state: null,
    load: null,
    update: null,
  },
  create: () => ({ n: 0 }),
  transact(r, patches) {
    for (const [pos, del, ins] of patches) r.n += pos + del + ins.length;
  },
  text: (r) => {
    sink += r.n;
    return null;
  },
  encodeFull: () => null,
  encodeState: () => null,
  load: null,
  replicas: null,
};
