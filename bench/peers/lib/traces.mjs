// traces.mjs: finds and reads the editing traces (see shared/traces/FORMAT.md)
// and turns a concurrent trace into the replay schedule every library runs.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// tracesDir is WEFT_TRACES_DIR when set, else shared/traces next to the
// repository (the layout of the project's machines).
export function tracesDir() {
  return process.env.WEFT_TRACES_DIR || path.resolve(here, '../../../../shared/traces');
}

// listTraces names every *.json.gz under the traces folder, relative to it and
// without the suffix (e.g. "automerge-paper", "ascii_only/seph-blog1").
export function listTraces(dir = tracesDir()) {
  const out = [];
  const walk = (sub) => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.json.gz')) out.push(rel.slice(0, -'.json.gz'.length));
    }
  };
  walk('');
  // Top-level traces first, then variants in sub-folders.
  return out.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

export function readTrace(name, dir = tracesDir()) {
  const file = path.join(dir, `${name}.json.gz`);
  const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
  if (typeof trace.endContent !== 'string' || !Array.isArray(trace.txns)) {
    throw new Error(`${file}: not an editing trace (no endContent / txns)`);
  }
  trace.concurrent = trace.kind === 'concurrent';
  return trace;
}

// concurrentSchedule turns a concurrent trace into a flat list of steps for
// one replica per agent (FORMAT.md, "ways to replay" (1)):
//   { op: 'local', agent, patches }        the transaction as a local edit;
//                                           its update is recorded
//   { op: 'remote', to, from, index }      replica `to` applies update number
//                                           `index` of agent `from`
// Before a local step, its replica receives every update in the history of
// the transaction's parents that it lacks, dependencies first; after the
// last transaction every replica receives all it lacks. Each update is thus
// produced once and applied once by every other replica, in causal order,
// whatever the library. A transaction with no patches (a pure merge) makes
// no update. Computing the schedule is not timed.
export function concurrentSchedule(trace) {
  const n = trace.numAgents;
  // deps[a][k]: the per-agent update counts that update k of agent a follows
  // (its own earlier updates included).
  const deps = Array.from({ length: n }, () => []);
  const history = []; // history[i]: per-agent update counts reachable from txn i
  const seen = Array.from({ length: n }, () => new Array(n).fill(0));
  const steps = [];

  const ensure = (to, need) => {
    for (let from = 0; from < n; from++) {
      if (from === to) continue;
      while (seen[to][from] < need[from]) {
        const index = seen[to][from];
        ensure(to, deps[from][index]);
        steps.push({ op: 'remote', to, from, index });
        seen[to][from]++;
      }
    }
  };

  trace.txns.forEach((txn, i) => {
    const need = new Array(n).fill(0);
    for (const p of txn.parents) {
      if (!(p < i)) throw new Error(`txn ${i}: parent ${p} is not earlier`);
      for (let b = 0; b < n; b++) need[b] = Math.max(need[b], history[p][b]);
    }
    const a = txn.agent;
    if (need[a] !== seen[a][a]) throw new Error(`txn ${i}: agent ${a} forks itself`);
    ensure(a, need);
    const mine = need.slice();
    if (txn.patches.length > 0) {
      deps[a].push(need);
      steps.push({ op: 'local', agent: a, patches: txn.patches });
      seen[a][a]++;
      mine[a]++;
    }
    history.push(mine);
  });
  const all = deps.map((d) => d.length);
  for (let a = 0; a < n; a++) ensure(a, all);
  return { numAgents: n, steps, updates: all };
}
