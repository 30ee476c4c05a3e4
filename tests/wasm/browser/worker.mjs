// Copyright 2026 The weft Authors. MIT License.
//
// worker.mjs: the worker side of page.mjs. One doc served by a server
// SyncSession whose messages travel to the page by postMessage.

import * as W from '/pkg/src/index.js';

try {
  await W.init();
  const doc = new W.Doc({ replica: 20, id: 'shared' });
  const text = doc.getText('t');
  text.insert(0, 'worker ');
  const session = new W.SyncSession({
    side: 'server',
    send: (m) => postMessage({ type: 'message', bytes: m }, [m.buffer]),
  });
  session.addDoc(doc);
  setInterval(() => session.tick(), 5);
  onmessage = ({ data }) => {
    try {
      if (data.type === 'connected') session.connected();
      else if (data.type === 'message') session.receive(data.bytes);
      else if (data.type === 'json') postMessage({ type: 'json', json: doc.toJSON() });
    } catch (e) {
      postMessage({ type: 'error', error: String(e) });
    }
  };
  postMessage({ type: 'ready' });
} catch (e) {
  postMessage({ type: 'error', error: String(e && e.stack || e) });
}
