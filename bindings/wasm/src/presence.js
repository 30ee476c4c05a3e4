// Copyright 2026 The weft Authors. MIT License.
//
// presence.js: Presence, the ephemeral side of a document: who is here,
// their name and colour, where their cursor is. Each client, keyed by its
// replica id, owns one entry; local changes become updates for peers
// (takeUpdates), peers' updates are applied (apply), and entries expire
// when their owner goes silent. Times are monotonic milliseconds; every
// `now` parameter defaults to performance.now(). A SyncSession carries
// presence updates by itself.

import { checkFn, subscribe } from './container.js';
import { optionPairs } from './doc.js';
import { ANCHOR_SIZE, putAnchor, readAnchor } from './layout.js';
import {
  Handle, M, T, ERR_INVALID_ARGUMENT, ERR_NOT_FOUND, alloc, bytesOut, check, checkString,
  describe, fail, frame, outBytes, outCount, outHandle, outU32, outU64, putBytes, putString,
  strLen, takeString, time, u32, u64, u64Of, uint64,
} from './runtime.js';

/** Presence options (weft_presence_option), by their JS name. */
export const PRESENCE_OPTIONS = {
  heartbeatMs: 1,
  timeoutMs: 2,
  maxFieldBytes: 3,
  maxCustomFields: 4,
  maxClients: 5,
  startClock: 6,
};

/** The well-known fields of an entry (weft_presence_field). */
export const PRESENCE_FIELDS = { userId: 0, name: 1, color: 2, avatarUrl: 3 };

const CHANGES = ['joined', 'updated', 'left'];

function fieldOf(name) {
  if (!Object.hasOwn(PRESENCE_FIELDS, name)) {
    fail(ERR_INVALID_ARGUMENT, `unknown presence field ${describe(name)} (known: ${Object.keys(PRESENCE_FIELDS).join(', ')})`);
  }
  return PRESENCE_FIELDS[name];
}

// presenceAdapter: see eventAdapter in container.js.
function presenceAdapter(fn) {
  return (change, lo, hi, timedOut) =>
    fn({ type: CHANGES[change], client: u64Of(lo, hi), timedOut: timedOut !== 0 });
}

export class Presence extends Handle {
  /** new Presence(self, options): `self` is this client's replica id. */
  constructor(self, options = {}) {
    super(frame(() => {
      const [opts, n] = optionPairs(PRESENCE_OPTIONS, options);
      return outHandle(M._weft_presence_new, uint64(self, 'self'), opts, n);
    }), M._weft_presence_free);
  }

  /** This client's id (bigint). */
  get self() {
    return outU64(M._weft_presence_self, this._p);
  }

  /** The clock of the last update this client produced. */
  get clock() {
    return outCount(M._weft_presence_clock, this._p);
  }

  /** setField sets one well-known field (userId, name, color, avatarUrl). */
  setField(name, value, now) {
    const field = fieldOf(name);
    const t = time(now);
    frame(() => check(M._weft_presence_set_field(this._p, field, putString(value, name), strLen, t)));
  }

  /** set sets several well-known fields: set({ name: 'Ada', color: '#f0a' }). */
  set(fields, now) {
    if (fields === null || typeof fields !== 'object') fail(ERR_INVALID_ARGUMENT, 'set takes an object of fields');
    const entries = Object.entries(fields);
    for (const [k, v] of entries) {
      fieldOf(k);
      // Every value checked before the first is set: all or nothing.
      checkString(v, `presence field ${k}`);
    }
    for (const [k, v] of entries) this.setField(k, v, now);
  }

  /** setCustom sets an application field; value null erases it. */
  setCustom(key, value, now) {
    const t = time(now);
    frame(() => {
      const k = putString(key, 'key');
      const kl = strLen;
      if (value === null) {
        check(M._weft_presence_set_custom(this._p, k, kl, 0, 0, t));
      } else {
        check(M._weft_presence_set_custom(this._p, k, kl, putString(value, 'value'), strLen, t));
      }
    });
  }

  /**
   * setCursor puts this client's selection in root text `text` (anchor:
   * where it started, head: the caret; anchors from Text.anchorAt).
   */
  setCursor(text, anchor, head, now) {
    const t = time(now);
    frame(() => {
      const name = putString(text, 'text');
      const nl = strLen;
      check(M._weft_presence_set_cursor(this._p, name, nl, putAnchor(anchor), putAnchor(head), t));
    });
  }

  clearCursor(now) {
    check(M._weft_presence_set_cursor(this._p, 0, 0, 0, 0, time(now)));
  }

  /** leave queues a goodbye; a later local change announces the client again. */
  leave(now) {
    check(M._weft_presence_leave(this._p, time(now)));
  }

  /** tick queues a heartbeat when due and expires silent entries. */
  tick(now) {
    check(M._weft_presence_tick(this._p, time(now)));
  }

  /** takeUpdates: what to send to peers since the last call (empty when nothing). */
  takeUpdates() {
    return outBytes(M._weft_presence_take_updates, this._p);
  }

  /** fullUpdates: every live entry, for a newly connected peer. */
  fullUpdates() {
    return outBytes(M._weft_presence_full_updates, this._p);
  }

  /** apply takes a peer's updates; a damaged message throws and changes nothing. */
  apply(updates, now) {
    const t = time(now);
    frame(() => check(M._weft_presence_apply(this._p, putBytes(updates, 'updates'), updates.length, t)));
  }

  /** clients: the live remote clients' ids (bigints). */
  clients() {
    return frame(() => {
      const n = outU32(M._weft_presence_clients, this._p, 0, 0);
      const ids = alloc(8 * Math.max(n, 1));
      const m = Math.min(n, outU32(M._weft_presence_clients, this._p, ids, n));
      const out = new Array(m);
      for (let i = 0; i < m; i++) out[i] = u64(ids + 8 * i);
      return out;
    });
  }

  /** getField reads a client's field (self for this one); undefined when unknown. */
  getField(client, name) {
    const field = fieldOf(name);
    return this._maybe(() => {
      const out = bytesOut();
      return [M._weft_presence_get_field(this._p, uint64(client, 'client'), field, out),
        () => takeString(out)];
    });
  }

  getCustom(client, key) {
    return this._maybe(() => {
      const c = uint64(client, 'client');
      const k = putString(key, 'key');
      const out = bytesOut();
      return [M._weft_presence_get_custom(this._p, c, k, strLen, out), () => takeString(out)];
    });
  }

  /** getCursor: { text, anchor, head } of a client, undefined without one. */
  getCursor(client) {
    return this._maybe(() => {
      const text = bytesOut();
      const a = alloc(ANCHOR_SIZE);
      const h = alloc(ANCHOR_SIZE);
      const status = M._weft_presence_get_cursor(this._p, uint64(client, 'client'), text, a, h);
      return [status, () => ({ text: takeString(text), anchor: readAnchor(a), head: readAnchor(h) })];
    });
  }

  /**
   * get: a client's whole entry, { userId, name, color, avatarUrl, cursor,
   * custom } (cursor as getCursor gives it, or null); undefined when unknown.
   */
  get(client) {
    const json = this._maybe(() => {
      const out = bytesOut();
      return [M._weft_presence_to_json(this._p, uint64(client, 'client'), out), () => takeString(out)];
    });
    if (json === undefined) return undefined;
    const e = JSON.parse(json);
    return {
      userId: e.user_id,
      name: e.name,
      color: e.color,
      avatarUrl: e.avatar_url,
      cursor: e.cursor === null ? null : this.getCursor(client) ?? null,
      custom: e.custom,
    };
  }

  /**
   * observe calls fn({ type: 'joined' | 'updated' | 'left', client,
   * timedOut }) when a remote entry changes.
   */
  observe(fn) {
    checkFn(fn);
    return subscribe(this, presenceAdapter(fn),
      (id) => outHandle(M._weft_presence_observe, this._p, T.presence, id));
  }

  /**
   * resolveCursor gives a cursor's { anchor, head } as UTF-16 positions in
   * `doc`'s root text it names.
   */
  static resolveCursor(doc, cursor) {
    if (cursor === null || typeof cursor !== 'object' || typeof cursor.text !== 'string') {
      fail(ERR_INVALID_ARGUMENT, `a cursor is { text, anchor, head }, not ${describe(cursor)}`);
    }
    const [a, h] = frame(() => {
      const name = putString(cursor.text, 'text');
      const nl = strLen;
      const out = alloc(8);
      check(M._weft_presence_resolve_cursor(doc._p, name, nl, putAnchor(cursor.anchor),
        putAnchor(cursor.head), out, out + 4));
      return [u32(out), u32(out + 4)];
    });
    const text = doc.getText(cursor.text);
    try {
      return { anchor: text.toUtf16(a), head: text.toUtf16(h) };
    } finally {
      text.free();
    }
  }

  // _maybe runs a getter that may find nothing: body() returns [status,
  // read]; not_found gives undefined.
  _maybe(body) {
    return frame(() => {
      const [status, read] = body();
      if (status === ERR_NOT_FOUND) return undefined;
      check(status);
      return read();
    });
  }
}
