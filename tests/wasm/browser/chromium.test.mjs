// Copyright 2026 The weft Authors. MIT License.
//
// chromium.test.mjs: the wasm package in headless Chromium, driven by
// playwright-core (shared/TOOLCHAIN.md, 4). A node HTTP server on
// 127.0.0.1 serves the staged package under /pkg/ (.wasm as
// application/wasm, so it compiles while streaming) and this folder's page
// under /test/; page.mjs syncs two docs in the page, and a doc in the page
// with one in a Worker. scripts/install-deps --wasm installs Chromium (apt)
// and playwright-core (npm).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = process.env.WEFT_WASM_PACKAGE;
const playwrightDir = process.env.WEFT_PLAYWRIGHT_CORE;
const chromiumPath = process.env.WEFT_CHROMIUM;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

function serve() {
  const roots = { pkg: packageDir, test: here };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const [, root, ...rest] = url.pathname.split('/');
    const base = roots[root];
    const file = base && path.resolve(base, rest.join('/'));
    if (!file || !file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('two docs sync in a page, and a page doc with a Worker doc', async () => {
  assert.ok(packageDir, 'WEFT_WASM_PACKAGE is not set (run through ctest)');
  assert.ok(playwrightDir && fs.existsSync(path.join(playwrightDir, 'index.mjs')),
    `playwright-core not found (${playwrightDir}): run scripts/install-deps --wasm, then reconfigure`);
  assert.ok(chromiumPath && fs.existsSync(chromiumPath),
    `chromium not found (${chromiumPath}): run scripts/install-deps --wasm, then reconfigure`);
  const { chromium } = await import(pathToFileURL(path.join(playwrightDir, 'index.mjs')).href);
  const server = await serve();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await context.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    const wasmResponses = [];
    page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmResponses.push(r.headers()['content-type']); });
    await page.goto(`http://127.0.0.1:${server.address().port}/test/index.html`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30000 });
    const result = await page.evaluate(() => window.result);
    assert.equal(result.ok, true, `${result.error}\n${logs.join('\n')}`);
    assert.deepEqual(result.page, { m: { k: 'from b' }, t: '[b] from a 😀' });
    assert.equal(result.worker.page, result.worker.worker);
    assert.match(result.worker.worker, /page/);
    assert.match(result.worker.worker, /worker/);
    // The page and the worker each fetched the module as application/wasm.
    assert.ok(wasmResponses.length >= 1 && wasmResponses.every((t) => t === 'application/wasm'), String(wasmResponses));
  } finally {
    await context?.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
