// bench.mjs: the peer benchmark's driver. Runs run-one.mjs in a fresh node
// process for every (run, trace, library), takes the median of each figure
// and prints markdown tables (README.md says what each column means).
//
//   node bench.mjs [--runs 5] [--libs weft,yjs,...] [--traces automerge-paper,...]
//                  [--weft-package DIR] [--warmup N] [--json FILE]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, defaultWeftPackage, libraryNames } from './adapters/index.mjs';
import { listTraces, readTrace } from './lib/traces.mjs';
import { aggregate, markdown } from './lib/report.mjs';

const usage = `usage: node bench.mjs [--runs N] [--libs a,b] [--traces a,b]
                      [--weft-package DIR] [--warmup N] [--json FILE] [--timeout SECONDS]
libraries: ${libraryNames.join(', ')}`;

function parseArgs(argv) {
  const o = {
    runs: 5,
    libs: libraryNames,
    traces: null,
    weftPackage: process.env.WEFT_WASM_PACKAGE || defaultWeftPackage,
    json: null,
    warmup: 0,
    timeoutS: 1800,
  };
  const list = (v) => v.split(',').map((x) => x.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Number(next());
    else if (a === '--libs') o.libs = list(next());
    else if (a === '--traces') o.traces = list(next());
    else if (a === '--weft-package') o.weftPackage = path.resolve(next());
    else if (a === '--json') o.json = next();
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--timeout') o.timeoutS = Number(next());
    else if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(Number.isInteger(o.runs) && o.runs >= 1)) throw new Error('--runs takes a positive integer');
  if (!(Number.isInteger(o.warmup) && o.warmup >= 0)) throw new Error('--warmup takes an integer ≥ 0');
  for (const l of o.libs) {
    if (!libraryNames.includes(l)) throw new Error(`unknown library ${l} (known: ${libraryNames.join(', ')})`);
  }
  return o;
}

// runOne spawns one child; a failure is kept as the run's result, so that
// one broken library does not hide the others.
function runOne(o, lib, trace) {
  const child = spawnSync(process.execPath,
    ['--expose-gc', path.join(benchDir, 'run-one.mjs'), lib, trace, '--weft-package', o.weftPackage,
      '--warmup', String(o.warmup)],
    { encoding: 'utf8', maxBuffer: 64 << 20, timeout: o.timeoutS * 1000, cwd: benchDir });
  if (child.status === 0) {
    const lines = child.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]);
  }
  const why = child.error ? child.error.message
    : (child.stderr.trim().split('\n').find((l) => /Error|error/.test(l)) || `exit ${child.status}`);
  return { lib, trace, error: why.trim() };
}

function traceInfo(name) {
  const t = readTrace(name);
  const patches = t.txns.reduce((n, x) => n + x.patches.length, 0);
  return {
    name,
    concurrent: t.concurrent,
    txns: t.txns.length,
    patches,
    agents: t.numAgents || 1,
    chars: [...t.endContent].length,
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus.length ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    date: new Date().toISOString().slice(0, 10),
  };
}

function main() {
  let o;
  let traces;
  try {
    o = parseArgs(process.argv.slice(2));
    const all = listTraces();
    traces = o.traces || all;
    for (const t of traces) if (!all.includes(t)) throw new Error(`no trace ${t} (found: ${all.join(', ')})`);
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
  const infos = traces.map(traceInfo);
  const before = machine();

  const results = [];
  const total = o.runs * traces.length * o.libs.length;
  let done = 0;
  // Runs are the outer loop so that a burst of load on the machine spreads
  // over every library instead of hitting one.
  for (let run = 0; run < o.runs; run++) {
    for (const trace of traces) {
      for (const lib of o.libs) {
        const r = runOne(o, lib, trace);
        results.push(r);
        done++;
        const what = r.error ? `FAILED: ${r.error}` : r.skipped ? r.skipped : `${r.applyMs.toFixed(1)} ms`;
        process.stderr.write(`[${done}/${total}] run ${run + 1} ${trace} ${lib}: ${what}\n`);
      }
    }
  }

  const summary = aggregate(results, o.libs, traces);
  const env = {
    ...machine(), loadavgBefore: before.loadavg, runs: o.runs, warmup: o.warmup,
    command: [path.basename(process.argv[1]), ...process.argv.slice(2)].join(' '),
  };
  console.log(markdown(summary, infos, o.libs, env));
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify({ env, traces: infos, summary, runs: results }, null, 1));
  }
  if (results.some((r) => r.error)) process.exitCode = 1;
}

main();
