// Copyright 2026 The weft Authors. MIT License.
//
// package.test.mjs: the npm package as shipped. `npm pack` lists exactly
// the package's files and its tarball works on its own (imported by name
// through package.json's exports); the JS layer calls every function of
// the C ABI headers (bar the few listed below), its enum tables match the
// headers, and index.d.ts declares every export.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { W, packageDir, sourceDir } from './helpers.mjs';

const npm = process.env.WEFT_NPM;
const cInclude = path.join(sourceDir, 'bindings/c/include');
const headers = [path.join(cInclude, 'weft.h'),
  ...fs.readdirSync(path.join(cInclude, 'weft')).map((f) => path.join(cInclude, 'weft', f))];
const headerText = headers.map((h) => fs.readFileSync(h, 'utf8')).join('\n');
const srcDir = path.join(sourceDir, 'bindings/wasm/src');
const jsText = fs.readdirSync(srcDir).map((f) => fs.readFileSync(path.join(srcDir, f), 'utf8')).join('\n');

test('npm pack ships exactly the package files', () => {
  assert.ok(npm && !npm.endsWith('NOTFOUND'), 'npm not found at configure time');
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: packageDir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  const [info] = JSON.parse(out);
  const files = info.files.map((f) => f.path).sort();
  const js = fs.readdirSync(srcDir).filter((f) => f.endsWith('.js')).map((f) => `src/${f}`);
  const expected = ['LICENSE', 'README.md', 'index.d.ts', 'package.json',
    ...js, 'src/weft_core.js', 'src/weft_core.wasm'].sort();
  assert.deepEqual(files, expected);
  assert.equal(info.name, 'weft-crdt');
});

test('the packed tarball imports by name and works', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-pack-'));
  try {
    execFileSync(npm, ['pack', '--pack-destination', tmp, '--ignore-scripts', '--silent'],
      { cwd: packageDir, encoding: 'utf8' });
    const [tarball] = fs.readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
    const modules = path.join(tmp, 'app/node_modules');
    fs.mkdirSync(modules, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(tmp, tarball), '-C', modules]);
    fs.renameSync(path.join(modules, 'package'), path.join(modules, 'weft-crdt'));
    const app = path.join(tmp, 'app/main.mjs');
    fs.writeFileSync(app, `
      import { init, Doc } from 'weft-crdt';
      await init();
      const a = new Doc({ replica: 1 });
      a.getText('t').insert(0, 'packed 📦');
      const b = Doc.load(a.encodeSnapshot(), { replica: 2 });
      console.log(JSON.stringify(b.toJSON()));
    `);
    const out = execFileSync(process.execPath, [app], { encoding: 'utf8' });
    assert.equal(out.trim(), JSON.stringify({ t: 'packed 📦' }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// C functions the JS layer does not call, and why.
const NOT_BOUND = new Map([
  // Errors are thrown with weft_last_error's message, which every failed
  // call sets; the per-handle copies hold the same text.
  ['weft_doc_last_error', 'weft_last_error'],
  ['weft_presence_last_error', 'weft_last_error'],
  ['weft_sync_session_last_error', 'weft_last_error'],
  ['weft_sync_relay_last_error', 'weft_last_error'],
  // Events are read through the typed accessors into JS objects.
  ['weft_event_to_json', 'typed accessors'],
  // Sync options exist only inside the SyncSession and SyncRelay
  // constructors, which set them from the JS options object.
  ['weft_sync_options_get', 'set only'],
  // Text edits take UTF-16 positions, as JS strings count them.
  ['weft_text_insert', 'weft_text_insert_utf16'],
  ['weft_text_erase', 'weft_text_erase_utf16'],
]);

test('the JS layer calls every C function of the headers', () => {
  const declared = [...headerText.matchAll(/WEFT_API [^;(]*[ *](weft_[a-z0-9_]+)\(/g)].map((m) => m[1]);
  assert.ok(declared.length > 150, `${declared.length} functions found`);
  const unbound = declared.filter((f) => !NOT_BOUND.has(f) &&
    !new RegExp(`\\bM\\._${f}(?![a-z0-9_])`).test(jsText));
  assert.deepEqual(unbound, []);
  for (const f of NOT_BOUND.keys()) assert.ok(declared.includes(f), `${f} is not declared any more`);
});

// enumValues reads `NAME = value` enumerators of the headers.
function enumValue(name) {
  const m = headerText.match(new RegExp(`\\b${name}\\s*=\\s*(\\d+)`));
  assert.ok(m, `${name} not found in the headers`);
  return Number(m[1]);
}
const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

test('enum tables match the headers', () => {
  for (const [name, v] of Object.entries(W.DOC_OPTIONS)) assert.equal(v, enumValue(`WEFT_OPT_${snake(name)}`), name);
  for (const [name, v] of Object.entries(W.PRESENCE_OPTIONS)) assert.equal(v, enumValue(`WEFT_PRESENCE_${snake(name)}`), name);
  for (const [name, v] of Object.entries(W.PRESENCE_FIELDS)) assert.equal(v, enumValue(`WEFT_PRESENCE_${snake(name)}`), name);
  for (const [name, v] of Object.entries(W.SYNC_STATS)) assert.equal(v, enumValue(`WEFT_SYNC_STAT_${snake(name)}`), name);
  for (const [name, v] of Object.entries(W.RELAY_OPTIONS)) assert.equal(v, enumValue(`WEFT_SYNC_RELAY_OPT_${snake(name)}`), name);
  for (const [name, v] of Object.entries(W.RELAY_STATS)) assert.equal(v, enumValue(`WEFT_SYNC_RELAY_STAT_${snake(name)}`), name);
  for (const [name, v] of Object.entries(W.SYNC_OPTIONS)) {
    const own = headerText.match(new RegExp(`\\bWEFT_SYNC_OPT_${snake(name)}\\s*=\\s*(\\d+)`));
    const doc = name === 'decodeMaxMessageBytes' ? 'WEFT_OPT_MAX_MESSAGE_BYTES' : `WEFT_OPT_${snake(name)}`;
    assert.equal(v, own ? Number(own[1]) : enumValue(doc), name);
  }
  // Every sync option of the header has a JS name.
  const syncKeys = [...headerText.matchAll(/\bWEFT_SYNC_OPT_[A-Z_]+\s*=\s*(\d+)/g)].map((m) => Number(m[1]));
  for (const k of syncKeys) assert.ok(Object.values(W.SYNC_OPTIONS).includes(k), `sync option ${k}`);
  // Status codes used by the JS layer.
  assert.equal(W.statusName(enumValue('WEFT_ERR_NOT_FOUND')), 'not_found');
  assert.equal(W.statusName(enumValue('WEFT_ERR_CALLBACK')), 'callback');
  assert.equal(W.statusName(enumValue('WEFT_ERR_INVALID_UTF8')), 'invalid_utf8');
});

test('index.d.ts declares every export', async () => {
  const dts = fs.readFileSync(path.join(packageDir, 'index.d.ts'), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]));
  for (const m of dts.matchAll(/^export \{ (\w+) as (\w+) \};/gm)) declared.add(m[2]);
  const exported = Object.keys(await import(pathToFileURL(path.join(packageDir, 'src/index.js')).href));
  assert.deepEqual(exported.filter((k) => !declared.has(k)), []);
  assert.deepEqual([...declared].filter((k) => !exported.includes(k)), []);
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  assert.equal(pkg.type, 'module');
  assert.ok(fs.existsSync(path.join(packageDir, pkg.exports['.'].default)));
  assert.ok(fs.existsSync(path.join(packageDir, pkg.types)));
});
