// Copyright 2026 The weft Authors. MIT License.
//
// events.js: C events (weft_event, valid only during the callback) read
// into plain JS objects that outlive it:
//
//   { type: 'text', origin: 'local', path: ['doc'],
//     delta: [{ retain: 3 }, { insert: 'hi' }, { delete: 1 }] }
//
// Text deltas are in Quill form with UTF-16 lengths (as JS strings count);
// list deltas insert arrays of values; map events have `keys`, a Map from
// each changed key to { action: 'add' | 'update' | 'delete', oldValue?,
// newValue? }; counter events `increment`; register events `oldValue` /
// `newValue` when there was one. `origin` is 'local', 'remote', 'undo',
// 'redo' or 'user' (then `tag` holds the application's tag); `path` is
// null for a detached container.

import { CONTAINER_TYPES, VALUE_SIZE, originInfo, takeValue } from './layout.js';
import { OPS } from './ops.js';
import {
  M, alloc, bytesOut, check, enter, i32, i64, leave, numberOf, readString, takeString, u32,
} from './runtime.js';

const DELTA_INSERT = 1;
const DELTA_ERASE = 2;
const ACTIONS = ['add', 'update', 'delete'];

/** readEvent converts the weft_event at `ev`. */
export function readEvent(ev) {
  const sp = enter();
  try {
    const type = CONTAINER_TYPES[M._weft_event_kind(ev)];
    const o = alloc(12);
    check(M._weft_event_origin(ev, o, o + 4, o + 8));
    const e = originInfo(i32(o), u32(o + 4), u32(o + 8));
    const out = { type, origin: e.origin };
    if (e.tag !== undefined) out.tag = e.tag;
    out.path = pathOf(ev, type);
    switch (type) {
      case 'text': out.delta = textDelta(ev); break;
      case 'list': out.delta = listDelta(ev); break;
      case 'map': out.keys = mapKeys(ev); break;
      case 'counter': {
        const p = alloc(8);
        check(M._weft_event_counter_increment(ev, p));
        out.increment = numberOf(i64(p));
        break;
      }
      case 'register': {
        const c = change(M._weft_event_register_change, ev);
        if (c.oldValue !== undefined) out.oldValue = c.oldValue;
        if (c.newValue !== undefined) out.newValue = c.newValue;
        break;
      }
      default: break;
    }
    return out;
  } finally {
    leave(sp);
  }
}

/** readEvents converts an array of `n` event pointers (a deep observer's). */
export function readEvents(evs, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readEvent(u32(evs + 4 * i));
  return out;
}

function pathOf(ev, type) {
  const ops = OPS[type];
  const h = alloc(4);
  check(ops.target(ev, h));
  const handle = u32(h);
  try {
    const b = bytesOut();
    check(ops.path(handle, b));
    return JSON.parse(takeString(b));
  } finally {
    ops.free(handle);
  }
}

function deltaLen(ev) {
  const p = alloc(4);
  check(M._weft_event_delta_len(ev, p));
  return u32(p);
}

function textDelta(ev) {
  const n = deltaLen(ev);
  // kind, len, len_utf16, text, text_len
  const p = alloc(20);
  const delta = new Array(n);
  for (let i = 0; i < n; i++) {
    check(M._weft_event_text_op(ev, i, p, p + 4, p + 8, p + 12, p + 16));
    const kind = i32(p);
    if (kind === DELTA_INSERT) delta[i] = { insert: readString(u32(p + 12), u32(p + 16)) };
    else if (kind === DELTA_ERASE) delta[i] = { delete: u32(p + 8) };
    else delta[i] = { retain: u32(p + 8) };
  }
  return delta;
}

function listDelta(ev) {
  const n = deltaLen(ev);
  const p = alloc(8);
  const v = alloc(VALUE_SIZE);
  const delta = new Array(n);
  for (let i = 0; i < n; i++) {
    check(M._weft_event_list_op(ev, i, p, p + 4));
    const kind = i32(p);
    const len = u32(p + 4);
    if (kind === DELTA_INSERT) {
      const values = new Array(len);
      for (let j = 0; j < len; j++) {
        check(M._weft_event_list_value(ev, i, j, v));
        values[j] = takeValue(v);
      }
      delta[i] = { insert: values };
    } else {
      delta[i] = kind === DELTA_ERASE ? { delete: len } : { retain: len };
    }
  }
  return delta;
}

function mapKeys(ev) {
  const p = alloc(8);
  check(M._weft_event_map_len(ev, p));
  const n = u32(p);
  const keys = new Map();
  for (let i = 0; i < n; i++) {
    check(M._weft_event_map_key(ev, i, p, p + 4));
    const key = readString(u32(p), u32(p + 4));
    const c = change(M._weft_event_map_change, ev, i);
    const entry = { action: ACTIONS[c.oldValue === undefined ? 0 : c.newValue === undefined ? 2 : 1] };
    if (c.oldValue !== undefined) entry.oldValue = c.oldValue;
    if (c.newValue !== undefined) entry.newValue = c.newValue;
    keys.set(key, entry);
  }
  return keys;
}

// change reads an old/new value pair (map keys, registers).
function change(fn, ev, ...index) {
  const flags = alloc(8);
  const oldV = alloc(VALUE_SIZE);
  const newV = alloc(VALUE_SIZE);
  check(fn(ev, ...index, flags, oldV, flags + 4, newV));
  return {
    oldValue: M.HEAPU8[flags] !== 0 ? takeValue(oldV) : undefined,
    newValue: M.HEAPU8[flags + 4] !== 0 ? takeValue(newV) : undefined,
  };
}
