// index.mjs: the libraries the benchmark knows, by the name used on the
// command line, each loaded only when asked for (so that a missing weft
// package does not stop the others).
//
// An adapter is an object with:
//   name, package         row name; npm package whose version is reported
//                         (null for the baseline), or packageDir for weft
//   notes                 {transaction, full, state, load, update}: the API
//                         calls behind each column (null: not available)
//   init(options)         optional, awaited once before anything is timed
//   create(agent)         a fresh replica holding an empty text
//   transact(doc, patches)  one library transaction for one trace
//                         transaction ([pos, del, ins] patches, UTF-16 =
//                         code-point positions in these traces)
//   text(doc)             the text as a JS string
//   checked               optional: false for a row that builds no text
//                         (harness), whose replay is not checked
//   encodeFull(doc), encodeState(doc)  Uint8Array, or null without that form
//   load(bytes)           a fresh replica from encodeFull's bytes (or
//                         encodeState's where there is no full form)
//   replicas(n)           n replicas for a concurrent replay (null: none)
//   transactUpdate(doc, patches)  transact, returning that transaction's
//                         update as bytes
//   applyUpdate(doc, bytes)
//   free(doc)             optional: releases wasm memory

import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// defaultWeftPackage: the package the wasm build stages, relative to the
// repository (bench/peers/../../build/wasm/...).
export const defaultWeftPackage = path.resolve(benchDir, '../../build/wasm/bindings/wasm/package');

const loaders = {
  weft: async () => (await import('./weft.mjs')).weft,
  yjs: async () => (await import('./yjs.mjs')).yjs,
  'yjs-gc': async () => (await import('./yjs.mjs')).yjsGc,
  automerge: async () => (await import('./automerge.mjs')).automerge,
  loro: async () => (await import('./loro.mjs')).loro,
  'json-joy': async () => (await import('./json-joy.mjs')).jsonJoy,
  'diamond-types': async () => (await import('./diamond-types.mjs')).diamondTypes,
  'js-string': async () => (await import('./js-string.mjs')).jsString,
  harness: async () => (await import('./harness.mjs')).harness,
};

export const libraryNames = Object.keys(loaders);

export async function loadAdapter(name, options = {}) {
  const loader = loaders[name];
  if (!loader) throw new Error(`unknown library '${name}' (known: ${libraryNames.join(', ')})`);
  const adapter = await loader();
  if (adapter.init) await adapter.init(options);
  return adapter;
}
