// Copyright 2026 The weft Authors. MIT License.
//
// page.mjs: the browser side of chromium.test.mjs. Loads the package as a
// bundler-free page does (weft_core.wasm fetched beside the module), then
//  1. syncs two docs in this page through a client and a server SyncSession;
//  2. syncs a doc in this page with one in a module Worker (worker.mjs),
//     their sessions' messages carried by postMessage.
// window.result is { ok: true, ... } or { ok: false, error }.

import * as W from '/pkg/src/index.js';

const until = async (cond, what, ms = 10000) => {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

// Two docs in one page: messages queued and delivered between calls.
async function inPage() {
  const a = new W.Doc({ replica: 1, id: 'page' });
  const b = new W.Doc({ replica: 2, id: 'page' });
  const toServer = [];
  const toClient = [];
  let connect = false;
  const client = new W.SyncSession({ send: (m) => toServer.push(m), connect: () => { connect = true; } });
  const server = new W.SyncSession({ side: 'server', send: (m) => toClient.push(m) });
  client.addDoc(a);
  server.addDoc(b);
  a.getText('t').insert(0, 'from a 😀');
  b.getMap('m').set('k', 'from b');
  client.start();
  const timer = setInterval(() => {
    if (connect) {
      connect = false;
      client.connected();
      server.connected();
    }
    while (toServer.length > 0 || toClient.length > 0) {
      while (toServer.length > 0) server.receive(toServer.shift());
      while (toClient.length > 0) client.receive(toClient.shift());
    }
    client.tick();
    server.tick();
  }, 5);
  try {
    await until(() => client.state === 'live' && JSON.stringify(a.toJSON()) === JSON.stringify(b.toJSON()) &&
      b.getText('t').toString() === 'from a 😀', 'the in-page docs to converge');
    b.getText('t').insert(0, '[b] ');
    await until(() => a.getText('t').toString() === '[b] from a 😀', 'a live edit');
    return a.toJSON();
  } finally {
    clearInterval(timer);
    for (const x of [client, server, a, b]) x.free();
  }
}

// A doc here (client) and a doc in a worker (server).
async function withWorker() {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  const doc = new W.Doc({ replica: 10, id: 'shared' });
  const text = doc.getText('t');
  text.insert(0, 'page');
  let workerJson = null;
  let ready = false;
  let connect = false;
  const session = new W.SyncSession({
    send: (m) => worker.postMessage({ type: 'message', bytes: m }, [m.buffer]),
    connect: () => { connect = true; },
  });
  session.addDoc(doc);
  worker.onmessage = ({ data }) => {
    if (data.type === 'ready') ready = true;
    else if (data.type === 'message') session.receive(data.bytes);
    else if (data.type === 'json') workerJson = data.json;
    else if (data.type === 'error') workerJson = { error: data.error };
  };
  await until(() => ready || workerJson !== null, 'the worker to load the package');
  if (workerJson !== null) throw new Error(`worker: ${workerJson.error}`);
  session.start();
  const timer = setInterval(() => {
    if (connect) {
      connect = false;
      worker.postMessage({ type: 'connected' });
      session.connected();
    }
    session.tick();
  }, 5);
  try {
    await until(() => session.state === 'live', 'the worker session to go live');
    text.insert(text.length, ' + more 👋');
    const expect = (json) => json !== null && json.t !== undefined && json.t === text.toString() &&
      json.t.includes('worker') && json.t.includes('more 👋');
    await until(() => {
      if (expect(workerJson) || workerJson?.error !== undefined) return true;
      worker.postMessage({ type: 'json' });
      return false;
    }, 'the worker doc to converge');
    if (workerJson.error) throw new Error(`worker: ${workerJson.error}`);
    return { page: text.toString(), worker: workerJson.t };
  } finally {
    clearInterval(timer);
    worker.terminate();
    session.free();
    text.free();
    doc.free();
  }
}

try {
  await W.init();
  const page = await inPage();
  const worker = await withWorker();
  window.result = { ok: true, page, worker, stats: W.stats() };
} catch (e) {
  window.result = { ok: false, error: String(e && e.stack || e) };
}
