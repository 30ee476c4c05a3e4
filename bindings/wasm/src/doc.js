// Copyright 2026 The weft Authors. MIT License.
//
// doc.js: Doc, a replicated document of named roots (text, map, list,
// counter, register), with transactions, replication (versions, deltas,
// update observers) and snapshots. Its options, and the wire helpers that
// need no document (versions, message inspection, replica ids).

import { checkFn, subscribe, wrap } from './container.js';
import { originInfo, putEntries, readEntries } from './layout.js';
import {
  Handle, M, T, ERR_INVALID_ARGUMENT, alloc, check, describe, fail, frame,
  outBool, outBytes, outCount, outHandle, outI32, outString, outU32, outU64, putBytes,
  onInit, putString, readString, register, rethrow, setU64, strLen, u32, uint64,
} from './runtime.js';

/**
 * Document options (weft_option), by their JS name. `compression` also
 * takes 'none' or 'zstd'.
 */
export const DOC_OPTIONS = {
  maxOps: 1,
  maxPendingOps: 2,
  maxMessageBytes: 16,
  maxDecodeOps: 17,
  maxItems: 18,
  maxStringBytes: 19,
  maxContainers: 20,
  maxDepth: 21,
  maxTables: 22,
  compression: 32,
  compressMinBytes: 33,
  compressionLevel: 34,
};

const COMPRESSION = { none: 0, zstd: 1 };
const SNAPSHOT = { full: 0, state: 1 };
const ORDERS = ['equal', 'before', 'after', 'concurrent'];
const MESSAGES = [null, 'delta', 'snapshot', 'version', 'sync'];

/**
 * optionEntries checks the options of `table` found in `options` and
 * returns them as [key, uint64 value] pairs. Other properties are refused
 * unless the caller names them in `known` (and handles them itself).
 */
export function optionEntries(table, options, known = []) {
  if (options === null || typeof options !== 'object') {
    fail(ERR_INVALID_ARGUMENT, `options must be an object, not ${describe(options)}`);
  }
  const out = [];
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || known.includes(k)) continue;
    if (!Object.hasOwn(table, k)) {
      fail(ERR_INVALID_ARGUMENT, `unknown option '${k}' (known: ${[...Object.keys(table), ...known].join(', ')})`);
    }
    out.push([table[k], optionValue(k, v)]);
  }
  return out;
}

/** writePairs writes [key, value] entries as uint64 pairs: [address, count]. */
export function writePairs(entries) {
  const p = alloc(16 * Math.max(entries.length, 1));
  entries.forEach(([k, v], i) => {
    setU64(p + 16 * i, BigInt(k));
    setU64(p + 16 * i + 8, v);
  });
  return [p, entries.length];
}

/** optionPairs writes optionEntries as uint64 pairs: [address, count]. */
export function optionPairs(table, options, known = []) {
  return writePairs(optionEntries(table, options, known));
}

/** optionValue converts one option value to a uint64. */
export function optionValue(name, v) {
  if (name === 'compression' && typeof v === 'string') {
    if (!Object.hasOwn(COMPRESSION, v)) fail(ERR_INVALID_ARGUMENT, `compression must be 'none' or 'zstd'`);
    return BigInt(COMPRESSION[v]);
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return uint64(v, name);
}

function optionKey(name) {
  if (!Object.hasOwn(DOC_OPTIONS, name)) {
    fail(ERR_INVALID_ARGUMENT, `unknown option '${name}' (known: ${Object.keys(DOC_OPTIONS).join(', ')})`);
  }
  return DOC_OPTIONS[name];
}

/**
 * Doc is a document. `new Doc()` edits as a random replica with a random
 * id; `new Doc({ replica, id, ...options })` chooses them (replica: a
 * nonzero uint64 as number or bigint) and sets DOC_OPTIONS.
 */
export class Doc extends Handle {
  constructor(options = {}) {
    if (options instanceof Adopted) {
      super(options.ptr, M._weft_doc_free);
      return;
    }
    if (options === null || typeof options !== 'object') {
      fail(ERR_INVALID_ARGUMENT, `Doc options must be an object, not ${describe(options)}`);
    }
    const { replica, id, ...rest } = options;
    if (replica === undefined && id === undefined && Object.keys(rest).length === 0) {
      super(outHandle(M._weft_doc_new), M._weft_doc_free);
      return;
    }
    super(frame(() => {
      const r = replica === undefined ? randomReplicaId() : uint64(replica, 'replica');
      const idp = putString(id ?? '', 'id');
      const idLen = strLen;
      const [opts, n] = optionPairs(DOC_OPTIONS, rest);
      return outHandle(M._weft_doc_new_with, r, idp, idLen, opts, n);
    }), M._weft_doc_free);
  }

  /**
   * Doc.load builds a document from a snapshot (encodeSnapshot), editing
   * as `replica` (random if not given); `id` must match the snapshot's if
   * given; other options as for new Doc.
   */
  static load(snapshot, options = {}) {
    if (options === null || typeof options !== 'object') {
      fail(ERR_INVALID_ARGUMENT, `Doc.load options must be an object, not ${describe(options)}`);
    }
    const { replica, id, ...rest } = options;
    return new Doc(new Adopted(frame(() => {
      const data = putBytes(snapshot, 'snapshot');
      const r = replica === undefined ? randomReplicaId() : uint64(replica, 'replica');
      const idp = putString(id ?? '', 'id');
      const idLen = strLen;
      const [opts, n] = optionPairs(DOC_OPTIONS, rest);
      return outHandle(M._weft_doc_load, data, snapshot.length, r, idp, idLen, opts, n);
    })));
  }

  /** The replica id this document edits as (bigint). */
  get replica() {
    return outU64(M._weft_doc_replica, this._p);
  }

  /** The document's id (what sync sessions name it by). */
  get id() {
    return frame(() => {
      const out = alloc(8);
      check(M._weft_doc_id(this._p, out, out + 4));
      return readString(u32(out), u32(out + 4));
    });
  }

  /**
   * fork makes an independent copy editing as `replica` (random if not
   * given); observers and undo managers are not copied, options are.
   */
  fork(replica) {
    const r = replica === undefined ? randomReplicaId() : uint64(replica, 'replica');
    return new Doc(new Adopted(outHandle(M._weft_doc_fork, this._p, r)));
  }

  setOption(name, value) {
    check(M._weft_doc_set_option(this._p, optionKey(name), optionValue(name, value)));
  }

  /** getOption returns an option's value (a number, or a bigint past 2^53). */
  getOption(name) {
    return outCount(M._weft_doc_get_option, this._p, optionKey(name));
  }

  // Roots: the container of each type named `name`, made on first use.
  getText(name) {
    return this._root('text', M._weft_doc_get_text, name);
  }
  getMap(name) {
    return this._root('map', M._weft_doc_get_map, name);
  }
  getList(name) {
    return this._root('list', M._weft_doc_get_list, name);
  }
  getCounter(name) {
    return this._root('counter', M._weft_doc_get_counter, name);
  }
  getRegister(name) {
    return this._root('register', M._weft_doc_get_register, name);
  }

  _root(type, fn, name) {
    return frame(() => {
      const p = putString(name, 'root name');
      return wrap(type, outHandle(fn, this._p, p, strLen), this);
    });
  }

  /**
   * transact runs fn() as one transaction (observers see it once, when it
   * ends) and returns its result. `origin` is an application tag (a
   * string) for the transaction's origin; without it the origin is local.
   * If fn throws, the edits it made stay (there is no rollback: use an
   * UndoManager) and the error is rethrown.
   */
  transact(fn, origin) {
    checkFn(fn, 'transact body');
    // The body's error is caught here rather than kept for the outermost
    // call, so that it comes out of this transact even when it runs inside
    // a callback (an observer, an outer transaction's body).
    const body = { fn, result: undefined, threw: false, error: undefined };
    bodies.push(body);
    try {
      return frame(() => {
        const [tag, tagLen] = putTag(origin);
        const status = M._weft_doc_transact(this._p, T.transact, bodyId, tag, tagLen);
        // ERR_CALLBACK comes only with a body that threw (the trampoline
        // fails only then).
        if (body.threw) rethrow(body.error);
        check(status);
        return body.result;
      });
    } finally {
      bodies.pop();
    }
  }

  /** Whether a transaction is running (inside transact or an observer's commit). */
  get inTransaction() {
    return outBool(M._weft_doc_in_transaction, this._p);
  }

  /** version: the version vector, encoded (what encodeDelta takes). */
  version() {
    return outBytes(M._weft_doc_version, this._p);
  }

  /** versionVector: the version vector as a Map from replica (bigint) to count. */
  versionVector() {
    return frame(() => {
      const count = outU32(M._weft_doc_version_entries, this._p, 0, 0);
      const entries = alloc(16 * Math.max(count, 1));
      const n = outU32(M._weft_doc_version_entries, this._p, entries, count);
      return readEntries(entries, Math.min(count, n));
    });
  }

  /**
   * encodeDelta: what a replica at version `since` (an encoded version;
   * omitted: the empty version, so everything) lacks, as a delta message.
   */
  encodeDelta(since) {
    if (since === undefined) return outBytes(M._weft_doc_delta_since, this._p, 0, 0);
    return frame(() => outBytes(M._weft_doc_delta_since, this._p, putBytes(since, 'since'), since.length));
  }

  /**
   * applyDelta integrates a delta message (from encodeDelta or onUpdate)
   * as one transaction with origin remote, or the user tag `origin`.
   * Idempotent, any order; a refused delta throws and changes nothing.
   */
  applyDelta(delta, origin) {
    frame(() => {
      const d = putBytes(delta, 'delta');
      const [tag, tagLen] = putTag(origin);
      check(M._weft_doc_apply(this._p, d, delta.length, tag, tagLen));
    });
  }

  /**
   * encodeSnapshot: the whole document as bytes for Doc.load. kind 'full'
   * (default) keeps every op, history included; 'state' the current state
   * plus what merging needs.
   */
  encodeSnapshot(kind = 'full') {
    if (!Object.hasOwn(SNAPSHOT, kind)) fail(ERR_INVALID_ARGUMENT, `snapshot kind must be 'full' or 'state'`);
    return outBytes(M._weft_doc_save, this._p, SNAPSHOT[kind]);
  }

  /**
   * onUpdate calls fn(update, { origin, tag? }) after every transaction
   * that integrated operations, with exactly those operations as a delta
   * message (for other replicas' applyDelta).
   */
  onUpdate(fn) {
    checkFn(fn);
    return subscribe(this, updateAdapter(fn),
      (id) => outHandle(M._weft_doc_observe_updates, this._p, T.update, id));
  }

  /** toJSON renders every root with content (keys sorted). */
  toJSON() {
    return JSON.parse(outString(M._weft_doc_to_json, this._p));
  }

  /** Ops waiting for ops they depend on (from deltas applied out of order). */
  get pendingOps() {
    return outCount(M._weft_doc_pending_ops, this._p);
  }
  get opCount() {
    return outCount(M._weft_doc_op_count, this._p);
  }
  /** An estimate of the bytes the document holds. */
  get memoryUsage() {
    return outU32(M._weft_doc_memory_usage, this._p);
  }

  /** check verifies every invariant (deep: O(n) cross-checks); throws if one is broken. */
  check(deep = false) {
    check(M._weft_doc_check(this._p, deep ? 1 : 0));
  }
}

/** randomReplicaId draws a replica id (bigint) from a non-deterministic source. */
export function randomReplicaId() {
  return outU64(M._weft_random_replica_id);
}

/** encodeVersion encodes a version vector (Map or [replica, count] pairs). */
export function encodeVersion(entries) {
  return frame(() => outBytes(M._weft_version_encode, ...putEntries(entries)));
}

/** decodeVersion decodes an encoded version into a Map<bigint, number>. */
export function decodeVersion(bytes) {
  return frame(() => {
    const data = putBytes(bytes, 'version');
    const count = outU32(M._weft_version_decode, data, bytes.length, 0, 0);
    const entries = alloc(16 * Math.max(count, 1));
    const n = outU32(M._weft_version_decode, data, bytes.length, entries, count);
    return readEntries(entries, Math.min(count, n));
  });
}

/** compareVersions: 'equal', 'before', 'after' or 'concurrent' (a against b). */
export function compareVersions(a, b) {
  return frame(() => ORDERS[outI32(M._weft_version_compare,
    putBytes(a, 'version a'), a.length, putBytes(b, 'version b'), b.length)]);
}

/** mergeVersions encodes the entry-wise maximum of two encoded versions. */
export function mergeVersions(a, b) {
  return frame(() => outBytes(M._weft_version_merge,
    putBytes(a, 'version a'), a.length, putBytes(b, 'version b'), b.length));
}

/** messageKind verifies a message's envelope: 'delta', 'snapshot', 'version' or 'sync'. */
export function messageKind(bytes) {
  return frame(() => MESSAGES[outI32(M._weft_message_peek, putBytes(bytes, 'message'), bytes.length)]);
}

/** deltaOpCount decodes a delta message (fully verified) and counts its operations. */
export function deltaOpCount(bytes) {
  return frame(() => outCount(M._weft_delta_op_count, putBytes(bytes, 'delta'), bytes.length));
}

// bodies are the transact bodies running, innermost last. C calls a
// transaction's body once, from inside weft_doc_transact, before any
// nested transact can push its own: the body to run is always the last.
// One callback id serves every transact (a fresh id per call would run out
// of int32 ids in a long-lived process).
const bodies = [];
let bodyId = 0;
onInit(() => {
  bodyId = register(() => {
    const body = bodies[bodies.length - 1];
    try {
      body.result = body.fn();
      return 0;
    } catch (e) {
      body.threw = true;
      body.error = e;
      return 1;
    }
  });
});

// updateAdapter: see eventAdapter in container.js.
function updateAdapter(fn) {
  return (p, len, kind, tag, tagLen) =>
    fn(M.HEAPU8.slice(p, p + (len >>> 0)), originInfo(kind, tag, tagLen >>> 0));
}

// putTag writes an optional origin tag: [address, length], [0, 0] for none.
function putTag(origin) {
  if (origin === undefined || origin === null) return [0, 0];
  return [putString(origin, 'origin'), strLen];
}

// Adopted marks a C document made by load or fork for the Doc constructor.
class Adopted {
  constructor(ptr) {
    this.ptr = ptr;
  }
}
