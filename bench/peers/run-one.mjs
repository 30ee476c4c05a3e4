// run-one.mjs: one measurement of one library on one trace, in this fresh
// process; prints one JSON line. bench.mjs spawns it once per run.
//
//   node --expose-gc run-one.mjs <library> <trace> [--weft-package DIR] [--warmup N]
//
// --warmup N first runs the whole measurement N times untimed in this
// process, so that the figures are those of warm (tiered-up) code.

import { memory, timed } from './lib/measure.mjs'; // first: hooks wasm
import { readTrace, concurrentSchedule } from './lib/traces.mjs';
import { replaySequential, replayConcurrent } from './lib/replay.mjs';
import { loadAdapter, defaultWeftPackage, benchDir } from './adapters/index.mjs';
import fs from 'node:fs';
import path from 'node:path';

const usage = 'usage: node --expose-gc run-one.mjs <library> <trace> [--weft-package DIR] [--warmup N]';

function parseArgs(argv) {
  const positional = [];
  const options = { weftPackage: process.env.WEFT_WASM_PACKAGE || defaultWeftPackage, warmup: 0 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--weft-package' && i + 1 < argv.length) options.weftPackage = argv[++i];
    else if (argv[i] === '--warmup' && i + 1 < argv.length) options.warmup = Number(argv[++i]);
    else positional.push(argv[i]);
  }
  if (positional.length !== 2) throw new Error(usage);
  if (!(Number.isInteger(options.warmup) && options.warmup >= 0)) throw new Error('--warmup takes an integer ≥ 0');
  return { lib: positional[0], traceName: positional[1], options };
}

// versionOf: the adapter's own version (weft reads its package), else the
// installed npm package's.
function versionOf(adapter) {
  if (adapter.version) return adapter.version;
  if (!adapter.package) return null;
  const file = path.join(benchDir, 'node_modules', adapter.package, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function check(what, got, want) {
  if (got === want) return;
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  throw new Error(`${what}: text differs from endContent at ${i} ` +
    `(length ${got.length}, want ${want.length})`);
}

// replay: the timed replay, checked. Returns the replicas (one for a
// sequential trace) in an object the caller empties to let them go.
function replay(adapter, trace, schedule) {
  if (schedule) {
    const run = timed(() => replayConcurrent(adapter, schedule));
    run.value.texts.forEach((t, a) => check(`replica ${a} after the merge`, t, trace.endContent));
    return { ms: run.ms, docs: run.value.docs };
  }
  const run = timed(() => replaySequential(adapter, trace));
  if (adapter.checked !== false) check('replay', run.value.text, trace.endContent);
  return { ms: run.ms, docs: [run.value.doc] };
}

// release frees the replicas and drops them (in its own frame, so that no
// register of the caller's keeps one alive).
function release(adapter, run) {
  if (adapter.free) for (const d of run.docs) adapter.free(d);
  run.docs = null;
}

// measure: replay, memory, encodings, load; every figure of one run.
function measure(adapter, trace, schedule) {
  const result = {};
  const before = memory();
  const run = replay(adapter, trace, schedule);
  result.applyMs = run.ms;
  const live = memory();
  result.wasmBytes = live.wasm;
  result.wasmBytesBefore = before.wasm;

  const full = timed(() => adapter.encodeFull(run.docs[0]));
  const state = adapter.encodeState(run.docs[0]);
  result.fullBytes = full.value ? full.value.length : null;
  result.saveMs = full.value ? full.ms : null;
  result.stateBytes = state ? state.length : null;

  // The JS memory the replicas hold: the heap with them alive less the
  // heap once they are gone (JIT code and other one-off growth cancel
  // out), not counting the buffers of the encodings made in between.
  release(adapter, run);
  const gone = memory();
  const buffers = new Set([full.value, state].filter(Boolean).map((u8) => u8.buffer));
  const held = [...buffers].reduce((n, b) => n + b.byteLength, 0);
  result.heapBytes = live.heapUsed - gone.heapUsed;
  result.arrayBufferBytes = live.arrayBuffers - (gone.arrayBuffers - held);

  const encoded = full.value || state;
  if (encoded && adapter.load) {
    const load = timed(() => {
      const doc = adapter.load(encoded);
      return { doc, text: adapter.text(doc) };
    });
    check('load', load.value.text, trace.endContent);
    result.loadMs = load.ms;
    result.loadedFrom = full.value ? 'full' : 'state';
    if (adapter.free) adapter.free(load.value.doc);
  }
  return result;
}

async function main() {
  const { lib, traceName, options } = parseArgs(process.argv.slice(2));
  const trace = readTrace(traceName);
  const schedule = trace.concurrent ? concurrentSchedule(trace) : null;
  const adapter = await loadAdapter(lib, options);
  const head = { lib, trace: traceName, version: versionOf(adapter), notes: adapter.notes };
  if (options.warmup > 0) head.warmup = options.warmup;

  if (schedule && !adapter.replicas) {
    console.log(JSON.stringify({ ...head, skipped: 'no concurrent replay' }));
    return;
  }
  for (let i = 0; i < options.warmup; i++) measure(adapter, trace, schedule);
  console.log(JSON.stringify({ ...head, ...measure(adapter, trace, schedule) }));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exitCode = 1;
});
