// Copyright 2026 The weft Authors. MIT License.
//
// layout.js: the C structs that cross the ABI by pointer, read and written
// in wasm memory, and their JS forms: values (weft_value), anchors
// (weft_anchor), origins (weft_origin) and version entries. The offsets are
// wasm32's; glue/callbacks.c asserts them at compile time.

import {
  M, ERR_INVALID_ARGUMENT, alloc, describe, fail, f64, i32, i64, int64, numberOf, putBytes,
  putString, readString, setI64, setU64, strLen, u32, u64, uint64,
} from './runtime.js';

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

// weft_value: {int32 kind; int32 container_type; int64 integer; double real;
// const void* data; size_t len}.
export const VALUE_SIZE = 32;
export const VALUE_NULL = 0;
export const VALUE_BOOL = 1;
export const VALUE_INT = 2;
export const VALUE_REAL = 3;
export const VALUE_STRING = 4;
export const VALUE_BYTES = 5;
export const VALUE_CONTAINER = 6;

/** Container types (weft_container_type), by number. */
export const CONTAINER_TYPES = [null, 'text', 'map', 'list', 'counter', 'register'];

/**
 * writeValue fills the weft_value at `p` from a JS scalar: null, boolean,
 * number (an integer that is exact in a double becomes an int, any other
 * number a real), bigint (int64), string, Uint8Array. Strings and bytes go
 * into the current frame.
 */
export function writeValue(p, v) {
  // Heap views are read after any allocation (a malloc may grow memory,
  // which replaces them).
  switch (typeof v) {
    case 'boolean':
      M.HEAP32[p >> 2] = VALUE_BOOL;
      setI64(p + 8, v ? 1n : 0n);
      return;
    case 'number':
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        M.HEAP32[p >> 2] = VALUE_INT;
        setI64(p + 8, BigInt(v));
      } else {
        M.HEAP32[p >> 2] = VALUE_REAL;
        M.HEAPF64[(p + 16) >> 3] = v;
      }
      return;
    case 'bigint':
      M.HEAP32[p >> 2] = VALUE_INT;
      setI64(p + 8, int64(v, 'value'));
      return;
    case 'string': {
      const s = putString(v, 'value');
      setData(p, VALUE_STRING, s, strLen);
      return;
    }
    default:
      if (v === null) {
        M.HEAP32[p >> 2] = VALUE_NULL;
        return;
      }
      if (v instanceof Uint8Array) {
        setData(p, VALUE_BYTES, putBytes(v), v.length);
        return;
      }
      fail(ERR_INVALID_ARGUMENT,
        `a value must be null, a boolean, a number, a bigint, a string or a ` +
        `Uint8Array, not ${describe(v)} (containers are made with setText(), insertMap(), ...)`);
  }
}

function setData(p, kind, data, len) {
  const I = M.HEAP32;
  I[p >> 2] = kind;
  I[(p + 24) >> 2] = data;
  I[(p + 28) >> 2] = len;
}

/** putValue writes one value into the frame and returns its address. */
export function putValue(v) {
  const p = alloc(VALUE_SIZE);
  writeValue(p, v);
  return p;
}

/**
 * ContainerValue stands for a nested container in an event or a value
 * list read without its parent (its type only).
 */
export class ContainerValue {
  constructor(type) {
    this.container = type;
  }
}

/**
 * readValue reads the weft_value at `p` (an output: its data is not freed
 * here). Ints are numbers when exact, else bigints; a container is a
 * ContainerValue (the caller makes a handle when it can).
 */
export function readValue(p) {
  switch (i32(p)) {
    case VALUE_NULL: return null;
    case VALUE_BOOL: return i64(p + 8) !== 0n;
    case VALUE_INT: return numberOf(i64(p + 8));
    case VALUE_REAL: return f64(p + 16);
    case VALUE_STRING: return readString(u32(p + 24), u32(p + 28));
    case VALUE_BYTES: {
      const d = u32(p + 24);
      return M.HEAPU8.slice(d, d + u32(p + 28));
    }
    case VALUE_CONTAINER: return new ContainerValue(CONTAINER_TYPES[i32(p + 4)]);
    default: return undefined;
  }
}

/** takeValue reads an output value and frees what it owns. */
export function takeValue(p) {
  const v = readValue(p);
  M._weft_value_free(p);
  return v;
}

/** takeValueList reads an output weft_value_list and frees it. */
export function takeValueList(p) {
  const items = u32(p);
  const n = u32(p + 4);
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readValue(items + i * VALUE_SIZE);
  M._weft_value_list_free(p);
  return out;
}

// ---------------------------------------------------------------------------
// Anchors
// ---------------------------------------------------------------------------

// weft_anchor: {uint64 replica; uint64 seq; int32 has_target; int32 side}.
export const ANCHOR_SIZE = 24;
const SIDES = ['left', 'right'];

/**
 * An anchor in JS: { replica: bigint, seq: bigint, hasTarget: boolean,
 * side: 'left' | 'right' }, plain data any replica can resolve.
 */
export function readAnchor(p) {
  return {
    replica: u64(p),
    seq: u64(p + 8),
    hasTarget: i32(p + 16) !== 0,
    side: SIDES[i32(p + 20)] ?? 'left',
  };
}

export function sideOf(side) {
  if (side === undefined || side === 'left') return 0;
  if (side === 'right') return 1;
  return fail(ERR_INVALID_ARGUMENT, `side must be 'left' or 'right', not ${describe(side)}`);
}

/** putAnchor writes a JS anchor into the frame and returns its address. */
export function putAnchor(a) {
  if (a === null || typeof a !== 'object') {
    fail(ERR_INVALID_ARGUMENT, `an anchor must be an object, not ${describe(a)}`);
  }
  const p = alloc(ANCHOR_SIZE);
  const has = Boolean(a.hasTarget);
  setU64(p, has ? uint64(a.replica, 'anchor replica') : 0n);
  setU64(p + 8, has ? uint64(a.seq, 'anchor seq') : 0n);
  M.HEAP32[(p + 16) >> 2] = has ? 1 : 0;
  M.HEAP32[(p + 20) >> 2] = sideOf(a.side);
  return p;
}

// ---------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------

/** Origin kinds (weft_origin_kind), by number. */
export const ORIGINS = ['local', 'remote', 'undo', 'redo', 'user'];

/**
 * putOrigins writes weft_origin structs ({int32 kind; const char* tag;
 * size_t tag_len}) for a list of JS origins: 'local' | 'remote' | 'undo' |
 * 'redo', or { tag: string } for an application's tag.
 */
export function putOrigins(list) {
  if (!Array.isArray(list)) fail(ERR_INVALID_ARGUMENT, 'trackedOrigins must be an array');
  const p = alloc(12 * Math.max(list.length, 1));
  list.forEach((o, i) => {
    const q = p + 12 * i;
    if (typeof o === 'string' && ORIGINS.indexOf(o) >= 0 && o !== 'user') {
      M.HEAP32[q >> 2] = ORIGINS.indexOf(o);
    } else if (o !== null && typeof o === 'object' && typeof o.tag === 'string') {
      const tag = putString(o.tag, 'origin tag');
      M.HEAP32[q >> 2] = 4;
      M.HEAP32[(q + 4) >> 2] = tag;
      M.HEAP32[(q + 8) >> 2] = strLen;
    } else {
      fail(ERR_INVALID_ARGUMENT,
        `an origin is 'local', 'remote', 'undo', 'redo' or { tag: string }, not ${describe(o)}`);
    }
  });
  return p;
}

/** originInfo is the JS form of an origin: { origin, tag? }. */
export function originInfo(kind, tagPtr, tagLen) {
  const origin = ORIGINS[kind] ?? 'local';
  return kind === 4 ? { origin, tag: readString(tagPtr, tagLen) } : { origin };
}

// ---------------------------------------------------------------------------
// Version entries
// ---------------------------------------------------------------------------

/** readEntries reads `n` weft_version_entry as a Map<bigint, number>. */
export function readEntries(p, n) {
  const out = new Map();
  for (let i = 0; i < n; i++) out.set(u64(p + 16 * i), numberOf(u64(p + 16 * i + 8)));
  return out;
}

/**
 * putEntries writes version entries from a Map (or an iterable of
 * [replica, count] pairs) and returns [address, count].
 */
export function putEntries(entries) {
  const list = entries instanceof Map ? [...entries] : [...(entries ?? [])];
  const p = alloc(16 * Math.max(list.length, 1));
  list.forEach((e, i) => {
    if (!Array.isArray(e) || e.length !== 2) {
      fail(ERR_INVALID_ARGUMENT, 'a version entry is a [replica, count] pair');
    }
    setU64(p + 16 * i, uint64(e[0], 'replica'));
    setU64(p + 16 * i + 8, uint64(e[1], 'count'));
  });
  return [p, list.length];
}
