// Copyright 2026 The weft Authors. MIT License.
//
// sync.test.mjs: SyncSession and SyncRelay in JS: two docs syncing through
// a client and a server session (catch-up, live edits, presence, offline
// edits and reconnect), the server hooks, refused messages, and a relay
// serving two clients.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W, pipe } from './helpers.mjs';

test('two docs sync through two sessions, with presence', () => {
  const a = new W.Doc({ replica: 1, id: 'room' });
  const b = new W.Doc({ replica: 2, id: 'room' });
  const pa = new W.Presence(1);
  const pb = new W.Presence(2);
  const states = [];
  const link = pipe({ onState: (s) => states.push(s) });
  const { client, server } = link;
  a.getText('t').insert(0, 'from a');
  b.getMap('m').set('k', 'from b');
  client.addDoc(a, pa);
  server.addDoc(b, pb);
  assert.equal(client.state, 'offline');
  client.start(link.clock.now);
  link.run(300);
  assert.equal(client.state, 'live');
  assert.equal(server.state, 'live');
  assert.deepEqual(states.slice(0, 2), ['connecting', 'handshaking']);
  assert.equal(states.at(-1), 'live');
  assert.deepEqual(a.toJSON(), { m: { k: 'from b' }, t: 'from a' });
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.equal(client.role('room'), 'write');
  assert.equal(server.role('room'), 'write');
  assert.equal(client.role('elsewhere'), 'none');
  assert.equal(W.compareVersions(client.acknowledged('room'), a.version()), 'equal');
  assert.equal(server.peer.protocol, 1);
  assert.ok(server.peer.replicas.includes(1n));
  // Live edits both ways, in one debounce window each.
  const tb = b.getText('t');
  tb.insert(tb.length, ' + b');
  a.getCounter('n').add(2);
  pa.setField('name', 'Ada', link.clock.now);
  link.run(200);
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.equal(a.getText('t').toString(), 'from a + b');
  assert.equal(pb.getField(1n, 'name'), 'Ada');
  const stats = client.stats();
  assert.ok(stats.messagesSent > 0 && stats.opsApplied > 0 && stats.bytesReceived > 0);
  client.check();
  server.check();
  // Offline edits are kept and sent on reconnect.
  client.disconnected(link.clock.now);
  server.free();
  assert.equal(client.state, 'offline');
  a.getText('t').insert(0, '[offline] ');
  const server2 = new W.SyncSession({ side: 'server', send: (m) => link.toClient.push(m) });
  server2.addDoc(b);
  link.server = server2;
  let delivered = 0;
  for (let i = 0; i < 200 && client.state !== 'live'; i++) {
    link.clock.now += 50;
    client.tick(link.clock.now);
    server2.tick(link.clock.now);
    if (client.state === 'connecting') {
      client.connected(link.clock.now);
      server2.connected(link.clock.now);
    }
    while (link.toServer.length > 0 || link.toClient.length > 0) {
      while (link.toServer.length > 0) server2.receive(link.toServer.shift(), link.clock.now);
      while (link.toClient.length > 0) client.receive(link.toClient.shift(), link.clock.now);
      delivered++;
    }
  }
  assert.ok(delivered > 0);
  assert.equal(client.state, 'live');
  assert.equal(b.getText('t').toString(), '[offline] from a + b');
  client.close(link.clock.now);
  assert.equal(client.state, 'closed');
  for (const x of [client, server2, a, b, pa, pb]) x.free();
});

test('server hooks: authorize, resolve, durable; refused messages', () => {
  const served = { 'doc-w': new W.Doc({ replica: 9, id: 'doc-w' }), 'doc-r': new W.Doc({ replica: 9, id: 'doc-r' }) };
  const asked = [];
  const durableAsked = [];
  const link = pipe({ credentials: 'token-1' }, {
    authorize: (peer, docId) => {
      asked.push([peer.credentials, docId]);
      return docId === 'doc-w' ? 'write' : docId === 'doc-r' ? 'read' : 'none';
    },
    resolve: (docId) => (served[docId] ? { doc: served[docId] } : null),
    durable: (docId) => {
      durableAsked.push(docId);
      return new Map(); // nothing stored yet
    },
  });
  served['doc-r'].getText('t').insert(0, 'read me');
  const w = new W.Doc({ replica: 1, id: 'doc-w' });
  const r = new W.Doc({ replica: 1, id: 'doc-r' });
  link.client.addDoc(w);
  link.client.addDoc(r);
  link.client.start(0);
  link.run(300);
  assert.deepEqual(asked.map((x) => x.join(':')).sort(), ['token-1:doc-r', 'token-1:doc-w']);
  assert.equal(link.client.role('doc-w'), 'write');
  assert.equal(link.client.role('doc-r'), 'read');
  assert.equal(r.getText('t').toString(), 'read me');
  w.getText('t').insert(0, 'written');
  r.getText('t').insert(0, 'x');
  link.run(300);
  // The writer's edit is applied; durable says nothing is stored, so it is
  // not acknowledged (the client keeps it to resend).
  assert.equal(served['doc-w'].getText('t').toString(), 'written');
  assert.ok(durableAsked.includes('doc-w'));
  assert.equal(W.decodeVersion(link.client.acknowledged('doc-w')).has(1n), false);
  // The reader's is not applied.
  assert.equal(served['doc-r'].getText('t').toString(), 'read me');
  // Garbage is refused; the session stays usable.
  assert.throws(() => link.server.receive(new Uint8Array([1, 2, 3]), link.clock.now), W.WeftError);
  assert.throws(() => link.server.receive('text'), { code: 'invalid_argument' });
  assert.throws(() => link.client.addDoc(w), W.WeftError); // added twice
  assert.throws(() => link.client.addDoc({}), { code: 'invalid_argument' });
  assert.throws(() => new W.SyncSession({ side: 'middle' }), { code: 'invalid_argument' });
  assert.throws(() => new W.SyncSession({ heartbeatMs: 0 }), { code: 'invalid_argument' });
  assert.throws(() => new W.SyncSession({ send: 'x' }), { code: 'invalid_argument' });
  link.client.removeDoc('doc-w');
  link.free();
  for (const x of [served['doc-w'], served['doc-r'], w, r]) x.free();
});

test('callbacks may not call into their own session; the error surfaces', () => {
  let session;
  session = new W.SyncSession({
    connect: () => session.tick(0),
  });
  const d = new W.Doc({ replica: 1, id: 'r' });
  session.addDoc(d);
  assert.throws(() => session.start(0), { code: 'invalid_state' });
  assert.equal(session.state, 'connecting');
  session.setCallbacks({ connect: null });
  session.free();
  d.free();
});

test('a relay freed by its own authenticate hook leaks nothing', () => {
  const once = () => {
    const doc = new W.Doc({ replica: 7, id: 'shared' });
    const out = [];
    const session = new W.SyncSession({ credentials: 'someone', send: (m) => out.push(m), connect: () => {} });
    session.addDoc(doc);
    let hooked = 0;
    const relay = new W.SyncRelay({
      replica: 100,
      authenticate: () => {
        hooked++;
        relay.free();
        return 'a user name long enough to notice '.repeat(8);
      },
      send: () => {},
      close: () => {},
    });
    session.start(0);
    const conn = relay.accept(0);
    session.connected(0);
    for (const m of out) {
      if (relay.freed) break;
      try {
        relay.receive(conn, m, 0);
      } catch {
        // Refused (no user): the relay is gone either way.
      }
    }
    assert.equal(hooked, 1);
    assert.ok(relay.freed);
    session.free();
    doc.free();
  };
  once(); // the allocator's first pools
  const base = W.stats().heapUsedBytes;
  for (let i = 0; i < 20; i++) once();
  assert.ok(W.stats().heapUsedBytes - base < 1024, `heap ${base} -> ${W.stats().heapUsedBytes}`);
});

test('a relay serves two clients', () => {
  const sent = new Map(); // connection -> queued messages for the client
  const relay = new W.SyncRelay({
    replica: 100,
    session: { debounceMs: 5 },
    presence: { timeoutMs: 5000 },
    authenticate: (peer) => peer.credentials || null,
    authorize: (user, docId) => (user === 'bad' ? 'none' : 'write'),
    send: (conn, bytes) => sent.get(conn).push(bytes),
    close: () => {},
  });
  const clients = [1, 2].map((r) => {
    const doc = new W.Doc({ replica: r, id: 'shared' });
    const out = [];
    const session = new W.SyncSession({ credentials: `user-${r}`, send: (m) => out.push(m), connect: () => {} });
    session.addDoc(doc);
    return { doc, session, out, conn: 0n };
  });
  let now = 0;
  for (const c of clients) {
    c.session.start(now);
    c.conn = relay.accept(now);
    sent.set(c.conn, []);
    c.session.connected(now);
  }
  clients[0].doc.getText('t').insert(0, 'one ');
  clients[1].doc.getText('t').insert(0, 'two ');
  const pump = () => {
    for (let moved = true; moved;) {
      moved = false;
      for (const c of clients) {
        while (c.out.length > 0) { relay.receive(c.conn, c.out.shift(), now); moved = true; }
        const q = sent.get(c.conn);
        while (q.length > 0) { c.session.receive(q.shift(), now); moved = true; }
      }
    }
  };
  for (let i = 0; i < 20; i++) {
    pump();
    now += 25;
    relay.tick(now);
    for (const c of clients) c.session.tick(now);
  }
  pump();
  const text = clients[0].doc.getText('t').toString();
  assert.equal(clients[1].doc.getText('t').toString(), text);
  assert.equal(text.length, 8);
  assert.deepEqual(relay.docIds(), ['shared']);
  assert.equal(relay.connections().length, 2);
  assert.equal(relay.connectionState(clients[0].conn), 'live');
  assert.equal(relay.connectionRole(clients[0].conn, 'shared'), 'write');
  assert.equal(relay.userOf(1n), 'user-1');
  assert.equal(relay.userOf(77n), undefined);
  const copy = W.Doc.load(relay.docSnapshot('shared'), { replica: 50 });
  assert.equal(copy.getText('t').toString(), text);
  assert.equal(relay.docSnapshot('nothing'), undefined);
  assert.ok(relay.stats().accepted === 2 && relay.stats().docsCreated === 1);
  assert.throws(() => relay.receive(999n, new Uint8Array([1]), now), { code: 'invalid_argument' });
  relay.disconnected(clients[1].conn, now);
  assert.equal(relay.connections().length, 1);
  assert.throws(() => new W.SyncRelay({ colour: 1 }), { code: 'invalid_argument' });
  for (const c of clients) { c.session.free(); c.doc.free(); }
  relay.free();
  copy.free();
});
