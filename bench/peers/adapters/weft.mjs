// weft.mjs: the weft adapter: the wasm package the build stages (not an npm
// install), loaded from options.weftPackage (run-one.mjs: --weft-package,
// WEFT_WASM_PACKAGE, or build/wasm's staged package).

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let W = null; // the package's exports once init() has run

// entryOf: the package's ES module entry, as its package.json names it.
function entryOf(dir) {
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) {
    throw new Error(`no weft wasm package at ${dir} (build target weft_wasm, or pass --weft-package DIR)`);
  }
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  const exp = pkg.exports && pkg.exports['.'];
  const main = (exp && (exp.import || exp.default)) || pkg.main || './index.js';
  return { entry: path.join(dir, main), version: pkg.version };
}

const replica = (agent) => agent + 1; // replica ids are nonzero
// DOC_ID: every replica is one document; a fixed id (instead of a random
// one) also makes the encodings the same on every run.
const DOC_ID = 'peers';

function create(agent) {
  const doc = new W.Doc({ replica: replica(agent), id: DOC_ID });
  return { doc, text: doc.getText('text'), update: null, sub: null };
}

function edit(r, patches) {
  for (const [pos, del, ins] of patches) {
    if (del > 0) r.text.delete(pos, del);
    if (ins.length > 0) r.text.insert(pos, ins);
  }
}

// transact: an edit made outside a transaction is a transaction of its own,
// so a trace transaction of one insert or one delete is one call; anything
// bigger goes through doc.transact, whose body is a JS callback from wasm.
function transact(r, patches) {
  const [, del, ins] = patches[0];
  if (patches.length === 1 && (del === 0 || ins.length === 0)) {
    edit(r, patches);
  } else {
    r.doc.transact(() => edit(r, patches));
  }
}

// encode: a snapshot with the document's compression set to zstd (level 3,
// the default) for this call only, so that the replay itself runs with the
// default options.
function encode(r, kind) {
  r.doc.setOption('compression', 'zstd');
  try {
    return r.doc.encodeSnapshot(kind);
  } finally {
    r.doc.setOption('compression', 'none');
  }
}

export const weft = {
  name: 'weft',
  package: null,
  version: null,
  notes: {
    transaction: '`text.insert()` or `text.delete()` alone when the trace transaction is one of them (an edit outside a transaction is one), otherwise `doc.transact(() => { text.delete(); text.insert() })`; UTF-16 positions',
    full: "`doc.encodeSnapshot('full')` with option `compression: 'zstd'` (level 3)",
    state: "`doc.encodeSnapshot('state')` with option `compression: 'zstd'` (level 3)",
    load: '`Doc.load(snapshot)`',
    update: "`doc.onUpdate` (the local transaction's delta; the observer stays attached, so remote transactions are encoded too), applied with `doc.applyDelta`",
  },
  async init(options) {
    const { entry, version } = entryOf(options.weftPackage);
    W = await import(pathToFileURL(entry).href);
    await W.init();
    this.version = version;
  },
  create,
  transact,
  text: (r) => r.text.toString(),
  encodeFull: (r) => encode(r, 'full'),
  encodeState: (r) => encode(r, 'state'),
  load(bytes) {
    const doc = W.Doc.load(bytes, { replica: replica(100) });
    return { doc, text: doc.getText('text'), update: null, sub: null };
  },
  // replicas keep an update observer, as a sync session does: weft encodes
  // every transaction's delta for it, remote ones included, and the local
  // transaction's is kept.
  replicas: (n) => Array.from({ length: n }, (_, a) => {
    const r = create(a);
    r.sub = r.doc.onUpdate((bytes, origin) => {
      if (origin.origin === 'local') r.update = bytes;
    });
    return r;
  }),
  transactUpdate(r, patches) {
    r.update = null;
    transact(r, patches);
    return r.update;
  },
  applyUpdate: (r, bytes) => r.doc.applyDelta(bytes),
  free(r) {
    r.text.free();
    r.doc.free();
  },
};
