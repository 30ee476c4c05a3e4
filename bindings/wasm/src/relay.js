// Copyright 2026 The weft Authors. MIT License.
//
// relay.js: SyncRelay, a whole sync server in one object: one server
// session per accepted connection, one document and presence per document
// id (created on demand, or hosted by the application), and what one peer
// uploads goes out to every other peer of that document. Like a session it
// owns no socket and no timer (see sync.js for the callback rules); in
// wasm it keeps documents in memory only.

import { checkFn } from './container.js';
import { Doc, optionEntries, writePairs } from './doc.js';
import { PRESENCE_OPTIONS } from './presence.js';
import { ROLES, carriedBy, makeOptions, readPeer, roleOf, stateName } from './sync.js';
import { takeValueList } from './layout.js';
import {
  Handle, M, T, ERR_INVALID_ARGUMENT, ERR_NOT_FOUND, alloc, bytesOut, check, describe, fail,
  frame, outCount, outHandle, outI32, outU32, outU64, putBytes, putString, readString, register,
  retainedBlock, strLen, takeBytes, takeString, time, u64, u64Of, uint64,
} from './runtime.js';

/** Relay options (weft_sync_relay_option), by their JS name. */
export const RELAY_OPTIONS = {
  replica: 1,
  maxDocs: 2,
  maxDocIdBytes: 3,
  maxBindings: 4,
  docMaxOps: 5,
  docMaxPendingOps: 6,
  compactRecords: 7,
  compactBytes: 8,
  storageSync: 9,
};
const RELAY_PRESENCE_BASE = 256;

/** Relay counters (weft_sync_relay_counter), by their JS name. */
export const RELAY_STATS = {
  accepted: 1,
  messagesReceived: 2,
  bytesReceived: 3,
  messagesSent: 4,
  bytesSent: 5,
  refused: 6,
  denied: 7,
  docsCreated: 8,
  docsRestored: 9,
  storageFailures: 10,
};

const SNAPSHOT = { full: 0, state: 1 };

/**
 * SyncRelay. new SyncRelay({ session, presence, ...relayOptions,
 * authenticate, authorize, send, close }):
 *  - session: SyncSession options for every server session (SYNC_OPTIONS);
 *  - presence: Presence options for the relay's presences;
 *  - authenticate(peer) returns the user a peer speaks for (a string), or
 *    null to refuse it every document (default: its credentials);
 *  - authorize(user, docId) returns a role (default: 'write');
 *  - send(connection, bytes), close(connection): the transport, per
 *    connection (ids are bigints).
 */
export class SyncRelay extends Handle {
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      fail(ERR_INVALID_ARGUMENT, `SyncRelay options must be an object, not ${describe(options)}`);
    }
    const { session = {}, presence = {}, authenticate, authorize, send, close, ...rest } = options;
    const relay = optionEntries(RELAY_OPTIONS, rest);
    const pres = optionEntries(PRESENCE_OPTIONS, presence)
      .map(([k, v]) => [k + RELAY_PRESENCE_BASE, v]);
    for (const [name, fn] of Object.entries({ authenticate, authorize, send, close })) {
      if (fn !== undefined) checkFn(fn, name);
    }
    super(0, M._weft_sync_relay_free);
    try {
      const o = makeOptions('server', session, this);
      try {
        this._attach(frame(() => outHandle(M._weft_sync_relay_new, o, ...writePairs([...relay, ...pres]), 0, 0)));
      } finally {
        M._weft_sync_options_free(o);
      }
    } catch (e) {
      this._abandon();
      throw e;
    }
    const rec = this._rec;
    if (authenticate !== undefined) {
      this._set(M._weft_sync_relay_set_authenticate, T.authenticate, (peer, userOut, lenOut) => {
        const user = authenticate(readPeer(peer));
        if (user === null || user === undefined || user === false) return 0;
        const bytes = new TextEncoder().encode(String(user));
        const block = retainedBlock(rec, 'user', bytes.length);
        if (block === 0) return 0;  // the hook freed this relay: nobody to admit
        M.HEAPU8.set(bytes, block);
        M.HEAPU32[userOut >>> 2] = block;
        M.HEAPU32[lenOut >>> 2] = bytes.length;
        return 1;
      });
    }
    if (authorize !== undefined) {
      this._set(M._weft_sync_relay_set_authorize, T.userAuthorize, (user, userLen, docId, len) =>
        roleOf(authorize(readString(user, userLen >>> 0), readString(docId, len >>> 0))));
    }
    if (send !== undefined) {
      this._set(M._weft_sync_relay_set_send, T.relaySend, (lo, hi, p, len) =>
        send(u64Of(lo, hi), M.HEAPU8.slice(p, p + (len >>> 0))));
    }
    if (close !== undefined) {
      this._set(M._weft_sync_relay_set_close, T.relayClose, (lo, hi) => close(u64Of(lo, hi)));
    }
  }

  _set(setter, trampoline, adapter) {
    const id = this._own(register(adapter));
    check(setter(this._p, trampoline, id));
  }

  /** accept takes a new connection and returns its id (a bigint). */
  accept(now) {
    return outU64(M._weft_sync_relay_accept, this._p, time(now));
  }

  /** receive takes one message of a connection; a refused one throws. */
  receive(connection, message, now) {
    const c = uint64(connection, 'connection');
    const t = time(now);
    frame(() => check(M._weft_sync_relay_receive(this._p, c, putBytes(message, 'message'), message.length, t)));
  }

  disconnected(connection, now) {
    check(M._weft_sync_relay_disconnected(this._p, uint64(connection, 'connection'), time(now)));
  }

  /** tick runs every session's and presence's timers. */
  tick(now) {
    check(M._weft_sync_relay_tick(this._p, time(now)));
  }

  /** host serves the application's own document (and presence) under its id. */
  host(doc, presence) {
    if (!(doc instanceof Doc)) fail(ERR_INVALID_ARGUMENT, `host takes a Doc, not ${describe(doc)}`);
    check(M._weft_sync_relay_host(this._p, doc._p, presence ? presence._p : 0));
    carriedBy(this).set(doc.id, [doc, presence]);
  }

  /** docIds: the ids served, sorted. */
  docIds() {
    return frame(() => {
      const list = alloc(8);
      check(M._weft_sync_relay_doc_ids(this._p, list));
      return takeValueList(list);
    });
  }

  /** snapshot of a served document (for Doc.load); undefined if none. */
  docSnapshot(docId, kind = 'full') {
    if (!Object.hasOwn(SNAPSHOT, kind)) fail(ERR_INVALID_ARGUMENT, `snapshot kind must be 'full' or 'state'`);
    return frame(() => {
      const id = putString(docId, 'doc id');
      const idLen = strLen;
      const out = bytesOut();
      const status = M._weft_sync_relay_doc_save(this._p, id, idLen, SNAPSHOT[kind], out);
      if (status === ERR_NOT_FOUND) return undefined;
      check(status);
      return takeBytes(out);
    });
  }

  /** connections: the open connections' ids. */
  connections() {
    return frame(() => {
      const n = outU32(M._weft_sync_relay_connections, this._p, 0, 0);
      const ids = alloc(8 * Math.max(n, 1));
      const m = Math.min(n, outU32(M._weft_sync_relay_connections, this._p, ids, n));
      return Array.from({ length: m }, (_, i) => u64(ids + 8 * i));
    });
  }

  connectionState(connection) {
    return stateName(outI32(M._weft_sync_relay_connection_state, this._p, uint64(connection, 'connection')));
  }

  connectionRole(connection, docId) {
    const c = uint64(connection, 'connection');
    return ROLES[frame(() => outI32(M._weft_sync_relay_connection_role, this._p, c,
      putString(docId, 'doc id'), strLen))] ?? 'none';
  }

  /** userOf: the user a replica id is bound to, or undefined. */
  userOf(replica) {
    const r = uint64(replica, 'replica');
    return frame(() => {
      const out = bytesOut();
      const status = M._weft_sync_relay_user_of(this._p, r, out);
      if (status === ERR_NOT_FOUND) return undefined;
      check(status);
      return takeString(out);
    });
  }

  /** stats: every counter (RELAY_STATS names). */
  stats() {
    const out = {};
    for (const [name, key] of Object.entries(RELAY_STATS)) {
      out[name] = outCount(M._weft_sync_relay_stat, this._p, key);
    }
    return out;
  }
}
