// Copyright 2026 The weft Authors. MIT License.
//
// sync.js: SyncSession, which joins local documents (and their presences)
// to one remote peer over any transport. It owns no socket and no timer:
// the application hands it each message received (receive, a Uint8Array)
// and says when a connection opened, failed or closed; it calls tick()
// regularly (every 10 to 100 ms); the session hands bytes to send, and
// requests to open or close a connection, to callbacks. docs/sync-protocol.md
// has the protocol.
//
// Callbacks run synchronously inside the call that caused them (including
// edits of a synced document). They must not call into the same session,
// except disconnected() (from close) and free(); they must not edit the
// documents it carries. A transport that delivers to another session in
// the same thread should queue the bytes and deliver them after the call.

import { checkFn } from './container.js';
import { Doc, DOC_OPTIONS, optionEntries } from './doc.js';
import { putEntries } from './layout.js';
import {
  Handle, M, T, ERR_INVALID_ARGUMENT, alloc, check, describe, fail, frame, outBytes, outCount,
  outHandle, outI32, putBytes, putString, readCString, readString, register, retainedBlock, setU64,
  strLen, time, u32, u64, uint64,
} from './runtime.js';

/**
 * Session options, by their JS name: the sync ones, and the document
 * decode limits (of what is received) and encoding (of what is sent;
 * compression defaults to zstd here). `maxMessageBytes` is the sync
 * limit; the decode limit of the same name is `decodeMaxMessageBytes`.
 */
export const SYNC_OPTIONS = {
  debounceMs: 64,
  heartbeatMs: 65,
  missedHeartbeats: 66,
  resendMs: 67,
  backoffBaseMs: 68,
  backoffCapMs: 69,
  backoffStableMs: 70,
  backoffSeed: 71,
  breakerThreshold: 72,
  messageRate: 73,
  messageBurst: 74,
  byteRate: 75,
  byteBurst: 76,
  maxMessageBytes: 77,
  maxUnackedOps: 78,
  chunkBytes: 79,
  decodeMaxMessageBytes: DOC_OPTIONS.maxMessageBytes,
  maxDecodeOps: DOC_OPTIONS.maxDecodeOps,
  maxItems: DOC_OPTIONS.maxItems,
  maxStringBytes: DOC_OPTIONS.maxStringBytes,
  maxContainers: DOC_OPTIONS.maxContainers,
  maxDepth: DOC_OPTIONS.maxDepth,
  maxTables: DOC_OPTIONS.maxTables,
  compression: DOC_OPTIONS.compression,
  compressMinBytes: DOC_OPTIONS.compressMinBytes,
  compressionLevel: DOC_OPTIONS.compressionLevel,
};

/** Session counters (weft_sync_stat), by their JS name. */
export const SYNC_STATS = {
  messagesSent: 1,
  messagesReceived: 2,
  bytesSent: 3,
  bytesReceived: 4,
  deltasSent: 5,
  deltasApplied: 6,
  opsSent: 7,
  opsApplied: 8,
  resent: 9,
};

export const ROLES = ['none', 'read', 'write', 'admin'];
const SIDES = { client: 0, server: 1 };

/** roleOf converts a hook's answer (a role name or number) for C. */
export function roleOf(r) {
  if (typeof r === 'number') return r | 0;
  const i = ROLES.indexOf(r);
  return i < 0 ? 0 : i;
}

/** stateName names a weft_sync_state ("live", ...). */
export function stateName(state) {
  return readCString(M._weft_sync_state_str(state));
}

/** readPeer reads a lent weft_sync_peer into { protocol, credentials, replicas, capabilities }. */
export function readPeer(peer) {
  return frame(() => {
    const p = alloc(8);
    check(M._weft_sync_peer_protocol(peer, p));
    const protocol = u32(p);
    check(M._weft_sync_peer_credentials(peer, p, p + 4));
    const credentials = readString(u32(p), u32(p + 4));
    check(M._weft_sync_peer_replicas(peer, 0, 0, p));
    const n = u32(p);
    const ids = alloc(8 * Math.max(n, 1));
    check(M._weft_sync_peer_replicas(peer, ids, n, p));
    const replicas = [];
    for (let i = 0; i < Math.min(n, u32(p)); i++) replicas.push(u64(ids + 8 * i));
    check(M._weft_sync_peer_capabilities(peer, p));
    return { protocol, credentials, replicas, capabilities: u64(p) };
  });
}

/**
 * makeOptions builds a C weft_sync_options (the caller frees it) from the
 * JS options; the server-side hooks' callbacks are owned by `owner` (the
 * session or relay being made).
 */
export function makeOptions(side, options, owner) {
  const { credentials, replicas, authorize, resolve, durable, ...rest } = options;
  const carried = carriedBy(owner);
  const entries = optionEntries(SYNC_OPTIONS, rest);
  if (!Object.hasOwn(SIDES, side)) fail(ERR_INVALID_ARGUMENT, `side must be 'client' or 'server', not ${describe(side)}`);
  const o = outHandle(M._weft_sync_options_new, SIDES[side]);
  try {
    for (const [k, v] of entries) check(M._weft_sync_options_set(o, k, v));
    frame(() => {
      if (credentials !== undefined) {
        check(M._weft_sync_options_set_credentials(o, putString(credentials, 'credentials'), strLen));
      }
      if (replicas !== undefined) {
        if (!Array.isArray(replicas)) fail(ERR_INVALID_ARGUMENT, 'replicas must be an array');
        const p = alloc(8 * Math.max(replicas.length, 1));
        replicas.forEach((r, i) => setU64(p + 8 * i, uint64(r, 'replica')));
        check(M._weft_sync_options_set_replicas(o, p, replicas.length));
      }
    });
    if (authorize !== undefined) {
      checkFn(authorize, 'authorize');
      const id = owner._own(register((peer, docId, len) =>
        roleOf(authorize(readPeer(peer), readString(docId, len >>> 0)))));
      check(M._weft_sync_options_set_authorize(o, T.authorize, id));
    }
    if (resolve !== undefined) {
      checkFn(resolve, 'resolve');
      const id = owner._own(register((docId, len, docOut, presenceOut) => {
        const r = resolve(readString(docId, len >>> 0));
        if (r === null || r === undefined) return;
        const doc = r instanceof Doc ? r : r.doc;
        const presence = r instanceof Doc ? null : r.presence;
        M.HEAPU32[docOut >>> 2] = doc._p;
        if (presence) M.HEAPU32[presenceOut >>> 2] = presence._p;
        carried.set(readString(docId, len >>> 0), [doc, presence]);
      }));
      check(M._weft_sync_options_set_resolve(o, T.resolve, id));
    }
    if (durable !== undefined) {
      checkFn(durable, 'durable');
      const rec = owner._rec;
      const id = owner._own(register((docId, len, entriesOut, nOut) => {
        const v = durable(readString(docId, len >>> 0));
        if (v === null || v === undefined) return;
        const [p, n] = frame(() => {
          const [q, m] = putEntries(v);
          const block = retainedBlock(rec, 'durable', 16 * m);
          if (block === 0) return [0, 0];  // the hook freed its owner
          M.HEAPU8.copyWithin(block, q, q + 16 * m);
          return [block, m];
        });
        M.HEAPU32[entriesOut >>> 2] = p;
        M.HEAPU32[nOut >>> 2] = n;
      }));
      check(M._weft_sync_options_set_durable(o, T.durable, id));
    }
    return o;
  } catch (e) {
    M._weft_sync_options_free(o);
    throw e;
  }
}

/**
 * SyncSession. new SyncSession({ side: 'client' | 'server', ...options,
 * credentials, replicas, send, connect, close, onState, onError,
 * authorize, resolve, durable }):
 *  - send(bytes): hand the transport one whole message;
 *  - connect(), close(): open or drop the connection (the transport then
 *    calls connected()/connectFailed() or disconnected());
 *  - onState(state): 'connecting', 'handshaking', 'syncing', 'live',
 *    'offline', 'degraded' or 'closed';
 *  - onError({ status, code, message, fromPeer }): an error the peer sent
 *    or this side sent it, before a close;
 *  - server hooks: authorize(peer, docId) returns a role ('none', 'read',
 *    'write', 'admin'); resolve(docId) returns the Doc (or { doc, presence })
 *    to serve, or null; durable(docId) returns what is safely stored (a
 *    version as for encodeVersion), or null for nothing.
 */
export class SyncSession extends Handle {
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      fail(ERR_INVALID_ARGUMENT, `SyncSession options must be an object, not ${describe(options)}`);
    }
    const { side = 'client', send, connect, close, onState, onError, ...rest } = options;
    const callbacks = { send, connect, close, onState, onError };
    for (const [name, fn] of Object.entries(callbacks)) {
      if (fn !== undefined && fn !== null) checkFn(fn, name);
    }
    super(0, M._weft_sync_session_free);
    try {
      const o = makeOptions(side, rest, this);
      try {
        this._attach(outHandle(M._weft_sync_session_new, o));
      } finally {
        M._weft_sync_options_free(o);
      }
    } catch (e) {
      this._abandon();
      throw e;
    }
    this._named = {};
    this.setCallbacks(callbacks);
  }

  /**
   * setCallbacks sets or replaces transport callbacks (see the class);
   * a property left undefined keeps its callback, null removes it.
   */
  setCallbacks({ send, connect, close, onState, onError } = {}) {
    this._callback('send', send, M._weft_sync_session_set_send, T.send,
      (fn) => (p, len) => fn(M.HEAPU8.slice(p, p + (len >>> 0))));
    this._callback('connect', connect, M._weft_sync_session_set_connect, T.notify, (fn) => () => fn());
    this._callback('close', close, M._weft_sync_session_set_close, T.notify, (fn) => () => fn());
    this._callback('onState', onState, M._weft_sync_session_set_state, T.state,
      (fn) => (state) => fn(stateName(state)));
    this._callback('onError', onError, M._weft_sync_session_set_error, T.error,
      (fn) => (status, msg, len, fromPeer) => fn(errorInfo(status, msg, len, fromPeer)));
  }

  _callback(name, fn, set, trampoline, adapt) {
    if (fn === undefined) return;
    if (fn !== null) checkFn(fn, name);
    const old = this._named[name];
    const id = fn === null ? 0 : this._own(register(adapt(fn)));
    try {
      check(set(this._p, id === 0 ? 0 : trampoline, id));
    } catch (e) {
      if (id !== 0) this._disown(id);
      throw e;
    }
    if (old !== undefined) this._disown(old);
    if (id === 0) delete this._named[name];
    else this._named[name] = id;
  }

  /**
   * addDoc starts syncing `doc` (which needs a non-empty id), and
   * `presence` with it if given. The session keeps both alive until the
   * document is removed (client) or the session freed.
   */
  addDoc(doc, presence) {
    check(M._weft_sync_session_add_doc(this._p, docPtr(doc), presence ? presence._p : 0));
    carriedBy(this).set(doc.id, [doc, presence]);
  }

  /** removeDoc stops syncing a document (the peer is told); an unknown id is ignored. */
  removeDoc(docId) {
    frame(() => check(M._weft_sync_session_remove_doc(this._p, putString(docId, 'doc id'), strLen)));
    carriedBy(this).delete(docId);
  }

  /** start asks for the first connection (client). */
  start(now) {
    check(M._weft_sync_session_start(this._p, time(now)));
  }
  connected(now) {
    check(M._weft_sync_session_connected(this._p, time(now)));
  }
  connectFailed(now) {
    check(M._weft_sync_session_connect_failed(this._p, time(now)));
  }
  disconnected(now) {
    check(M._weft_sync_session_disconnected(this._p, time(now)));
  }

  /** receive takes one whole message; a refused one throws and applies nothing. */
  receive(message, now) {
    const t = time(now);
    frame(() => {
      const p = putBytes(message, 'message');
      check(M._weft_sync_session_receive(this._p, p, message.length, t));
    });
  }

  /** tick runs the timers: debounce, heartbeat, resend, reconnect, presence. */
  tick(now) {
    check(M._weft_sync_session_tick(this._p, time(now)));
  }

  /** close says goodbye and stays closed. */
  close(now) {
    check(M._weft_sync_session_close(this._p, time(now)));
  }

  get state() {
    return stateName(outI32(M._weft_sync_session_state, this._p));
  }

  /** role: what was granted for a document ('none' for an id not synced). */
  role(docId) {
    return ROLES[frame(() => outI32(M._weft_sync_session_role, this._p, putString(docId, 'doc id'), strLen))] ?? 'none';
  }

  /** acknowledged: what the peer has acknowledged of a document, as an encoded version. */
  acknowledged(docId) {
    return frame(() => outBytes(M._weft_sync_session_acknowledged, this._p, putString(docId, 'doc id'), strLen));
  }

  /** peer: what the peer said about itself in its hello. */
  get peer() {
    return readPeer(outHandle(M._weft_sync_session_peer, this._p));
  }

  /** stats: every counter (SYNC_STATS names). */
  stats() {
    const out = {};
    for (const [name, key] of Object.entries(SYNC_STATS)) {
      out[name] = outCount(M._weft_sync_session_stat, this._p, key);
    }
    return out;
  }

  /** check verifies the session's invariants; throws if one is broken. */
  check() {
    check(M._weft_sync_session_check(this._p));
  }
}

function errorInfo(status, msg, len, fromPeer) {
  const message = readString(msg, len >>> 0);
  return { status, code: readCString(M._weft_status_str(status)), message, fromPeer: fromPeer !== 0 };
}

/**
 * carriedBy: the Doc and Presence wrappers a session or relay carries, by
 * document id. C keeps what it carries alive; so must JS, or a Doc dropped
 * by the application would be finalized, ending its subscriptions
 * (onUpdate, observers) while its document still syncs. A separate object,
 * so that the hooks that fill it do not hold the session itself.
 */
export function carriedBy(owner) {
  if (owner._carried === undefined) owner._carried = new Map();
  return owner._carried;
}

function docPtr(doc) {
  if (!(doc instanceof Doc)) fail(ERR_INVALID_ARGUMENT, `addDoc takes a Doc, not ${describe(doc)}`);
  return doc._p;
}
