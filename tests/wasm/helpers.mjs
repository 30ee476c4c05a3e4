// Copyright 2026 The weft Authors. MIT License.
//
// helpers.mjs: what the wasm package's node tests share. Loads the package
// that the build staged (WEFT_WASM_PACKAGE, set by ctest) and initializes
// it; `pipe` joins two sync sessions through in-memory queues.

import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const packageDir = process.env.WEFT_WASM_PACKAGE;
if (!packageDir) throw new Error('WEFT_WASM_PACKAGE is not set (run through ctest)');
export const sourceDir = process.env.WEFT_SOURCE_DIR;

export const W = await import(pathToFileURL(path.join(packageDir, 'src/index.js')).href);
await W.init();

/**
 * pipe links a client and a server SyncSession (options merged into each)
 * through two queues that deliver outside the sessions' callbacks, as a
 * transport does. `clock.now` is the shared time; `run(ms)` advances it in
 * steps, ticking both sessions and delivering everything.
 */
export function pipe(clientOptions = {}, serverOptions = {}) {
  const toServer = [];
  const toClient = [];
  const clock = { now: 0 };
  let wantConnect = false;
  const client = new W.SyncSession({
    side: 'client',
    ...clientOptions,
    send: (m) => toServer.push(m),
    connect: () => { wantConnect = true; },
  });
  const server = new W.SyncSession({
    side: 'server',
    ...serverOptions,
    send: (m) => toClient.push(m),
  });
  const deliver = () => {
    for (let guard = 0; toServer.length > 0 || toClient.length > 0; guard++) {
      if (guard > 10000) throw new Error('pipe: messages never stop');
      while (toServer.length > 0) server.receive(toServer.shift(), clock.now);
      while (toClient.length > 0) client.receive(toClient.shift(), clock.now);
    }
  };
  const run = (ms = 500, step = 25) => {
    for (let t = 0; t < ms; t += step) {
      if (wantConnect) {
        wantConnect = false;
        client.connected(clock.now);
        server.connected(clock.now);
      }
      deliver();
      clock.now += step;
      client.tick(clock.now);
      server.tick(clock.now);
      deliver();
    }
  };
  const free = () => {
    client.free();
    server.free();
  };
  return { client, server, clock, run, deliver, free, toServer, toClient };
}
