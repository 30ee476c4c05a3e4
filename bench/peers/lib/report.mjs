// report.mjs: medians over the runs and the markdown the driver prints.

const figures = ['applyMs', 'loadMs', 'saveMs', 'fullBytes', 'stateBytes', 'heapBytes',
  'arrayBufferBytes', 'wasmBytes', 'wasmBytesBefore'];

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// aggregate: summary[trace][lib] = the median of every figure over the
// successful runs, or {error} / {skipped}.
export function aggregate(results, libs, traces) {
  const summary = {};
  for (const trace of traces) {
    summary[trace] = {};
    for (const lib of libs) {
      const runs = results.filter((r) => r.trace === trace && r.lib === lib);
      const failed = runs.find((r) => r.error);
      const ok = runs.filter((r) => !r.error && !r.skipped);
      if (failed) summary[trace][lib] = { error: failed.error };
      else if (ok.length === 0) summary[trace][lib] = { skipped: runs[0] ? runs[0].skipped : 'not run' };
      else {
        const row = { runs: ok.length, version: ok[0].version, notes: ok[0].notes, loadedFrom: ok[0].loadedFrom };
        for (const f of figures) row[f] = median(ok.map((r) => r[f]));
        summary[trace][lib] = row;
      }
    }
  }
  return summary;
}

const int = (n) => Math.round(n).toLocaleString('en-US');
const ms = (x) => (x == null ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const bytes = (x) => (x == null ? '-' : int(x));
const mib = (x) => (x == null ? '-' : (x / 1048576).toFixed(1).replace(/^-0\.0$/, '0.0'));
const ratio = (a, b) => (a == null || b == null || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);

// peers: the libraries weft is compared with (not weft, not the baseline).
const isPeer = (lib) => lib !== 'weft' && lib !== 'js-string' && lib !== 'harness';

function traceTable(info, rows, libs) {
  const kind = info.concurrent
    ? `concurrent: ${int(info.txns)} transactions, ${info.agents} agents`
    : `sequential: ${int(info.txns)} transactions, ${int(info.patches)} patches`;
  const out = [`### ${info.name} (${kind}, ${int(info.chars)} characters at the end)`, ''];
  const apply = info.concurrent ? 'merge ms' : 'apply ms';
  out.push(`| library | version | ${apply} | load ms | save ms | full bytes | state bytes | heap MiB | arrayBuffers MiB | wasm MiB (at start) |`);
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const lib of libs) {
    const r = rows[lib];
    if (r.error) out.push(`| ${lib} | | failed: ${r.error.replace(/\|/g, '\\|')} | | | | | | | |`);
    else if (r.skipped) out.push(`| ${lib} | | ${r.skipped} | | | | | | | |`);
    else {
      const load = r.loadMs == null ? '-' : `${ms(r.loadMs)}${r.loadedFrom === 'state' ? ' †' : ''}`;
      const wasm = r.wasmBytes ? `${mib(r.wasmBytes)} (${mib(r.wasmBytesBefore)})` : '-';
      out.push(`| ${lib} | ${r.version ?? ''} | ${ms(r.applyMs)} | ${load} | ${ms(r.saveMs)} | ` +
        `${bytes(r.fullBytes)} | ${bytes(r.stateBytes)} | ${mib(r.heapBytes)} | ${mib(r.arrayBufferBytes)} | ${wasm} |`);
    }
  }
  return out.join('\n');
}

// versusPeers: weft's figure, the best peer's and their ratio, per trace
// and figure (lower is better for all of them).
function versusPeers(summary, infos, libs) {
  if (!libs.includes('weft')) return null;
  const out = ['### weft against the best peer', '',
    '| trace | figure | weft | best peer | weft / best peer |', '|---|---|---:|---|---:|'];
  const fmt = { applyMs: ms, loadMs: ms, fullBytes: bytes, stateBytes: bytes };
  for (const info of infos) {
    const rows = summary[info.name];
    const w = rows.weft;
    for (const f of ['applyMs', 'loadMs', 'fullBytes', 'stateBytes']) {
      let best = null;
      for (const lib of libs.filter(isPeer)) {
        const v = rows[lib][f];
        if (v != null && (best == null || v < best.v)) best = { lib, v };
      }
      const wv = w && !w.error ? w[f] : null;
      const label = f === 'applyMs' && info.concurrent ? 'merge ms' : f.replace('Ms', ' ms').replace('Bytes', ' bytes');
      out.push(`| ${info.name} | ${label} | ${f.endsWith('Ms') ? ms(wv) : bytes(wv)} | ` +
        `${best ? `${fmt[f](best.v)} (${best.lib})` : '-'} | ${ratio(wv, best && best.v)} |`);
    }
  }
  const paper = summary['automerge-paper'];
  if (paper && paper.weft && paper['diamond-types'] && paper.weft.applyMs != null) {
    out.push('', `automerge-paper apply, weft / diamond-types: ` +
      `${ratio(paper.weft.applyMs, paper['diamond-types'].applyMs)} (target ≤ 0.5x).`);
  }
  return out.join('\n');
}

function notesTable(summary, libs) {
  const out = ['### What each library is asked to do', '',
    '| library | one trace transaction | full bytes | state bytes | load | merge: update of a transaction |',
    '|---|---|---|---|---|---|'];
  for (const lib of libs) {
    const row = Object.values(summary).map((rows) => rows[lib]).find((r) => r && r.notes);
    if (!row) continue;
    const n = row.notes;
    const cell = (x) => (x == null ? '-' : x.replace(/\|/g, '\\|'));
    out.push(`| ${lib} | ${cell(n.transaction)} | ${cell(n.full)} | ${cell(n.state)} | ${cell(n.load)} | ${cell(n.update)} |`);
  }
  return out.join('\n');
}

export function markdown(summary, infos, libs, env) {
  const parts = [
    `Peer benchmark: median of ${env.runs} run${env.runs > 1 ? 's' : ''}, each library and trace in a fresh ` +
    `node process${env.warmup ? `, measured after ${env.warmup} untimed warm-up run${env.warmup > 1 ? 's' : ''} in it` : ' (cold: no warm-up)'}. ${env.date}, node ${env.node}, ${env.cores} x ${env.cpu}, load average ` +
    `${env.loadavgBefore} before and ${env.loadavg} after.`,
    '',
    `Command: \`node ${env.command}\``,
  ];
  for (const info of infos) parts.push('', traceTable(info, summary[info.name], libs));
  parts.push('', '† loaded from the state-only form (the library has no full form).');
  const vs = versusPeers(summary, infos, libs);
  if (vs) parts.push('', vs);
  parts.push('', notesTable(summary, libs));
  return parts.join('\n');
}
