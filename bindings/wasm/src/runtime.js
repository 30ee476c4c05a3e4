// Copyright 2026 The weft Authors. MIT License.
//
// runtime.js: what every class of the package shares. Loading the wasm
// module (init), memory helpers (stack frames, strings and bytes in and
// out, integers), status checks that turn a failed C call into a thrown
// WeftError, the table of JS callbacks that the C trampolines
// (glue/callbacks.c) dispatch to, and Handle, the base of every wrapper of
// a C handle (explicit free() with a FinalizationRegistry as the backup).

import createWeftCore from './weft_core.js';

// NOT_LOADED stands in for the module until init() resolves, so that any
// use before then fails with a clear message (and costs nothing after).
const NOT_LOADED = new Proxy({}, {
  get() {
    throw new Error('weft: the wasm module is not loaded: await init() first');
  },
});

/** M is the Emscripten module once init() has resolved. */
export let M = NOT_LOADED;

const initHooks = [];
let loading = null;

// onInit runs `fn` once the module is loaded (each module of the package
// fetches its C functions there, so that hot paths call them directly).
export function onInit(fn) {
  initHooks.push(fn);
  if (M !== NOT_LOADED) fn();
}

const isNode =
  typeof process === 'object' && process !== null && typeof process.versions === 'object' &&
  typeof process.versions.node === 'string' && typeof window === 'undefined';

/**
 * init loads and instantiates the wasm module; every other call needs it
 * to have resolved. Calling it again returns the same promise.
 *  - browsers and workers: weft_core.wasm is fetched from beside this file
 *    (or `wasmUrl`), compiled while it streams;
 *  - node: the file is read from disk (node's fetch cannot load file URLs);
 *  - `wasmBinary` (bytes) or `wasmModule` (a compiled WebAssembly.Module,
 *    e.g. posted to a worker) skip the loading.
 */
export function init(options = {}) {
  if (loading === null) {
    loading = load(options).catch((e) => {
      loading = null;
      throw e;
    });
  }
  return loading;
}

async function load({ wasmBinary, wasmModule, wasmUrl } = {}) {
  const url = wasmUrl ?? new URL('./weft_core.wasm', import.meta.url);
  let source = wasmModule ?? wasmBinary ?? null;
  if (source === null && isNode && url.toString().startsWith('file:')) {
    const { readFile } = await import('node:fs/promises');
    source = await readFile(url);
  }
  const module = await new Promise((resolve, reject) => {
    createWeftCore({
      weftDispatch: dispatch,
      instantiateWasm(imports, receive) {
        instantiate(source, url, imports).then(
          ({ instance, module: m }) => receive(instance, m),
          reject);
        return {};
      },
    }).then(resolve, reject);
  });
  M = module;
  for (const fn of initHooks) fn();
}

async function instantiate(source, url, imports) {
  if (source instanceof WebAssembly.Module) {
    return { instance: await WebAssembly.instantiate(source, imports), module: source };
  }
  if (source !== null) return WebAssembly.instantiate(source, imports);
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return await WebAssembly.instantiateStreaming(fetch(url), imports);
    } catch (e) {
      // A server that does not say application/wasm: compile the bytes.
      if (!(e instanceof TypeError)) throw e;
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`weft: cannot load ${url}: HTTP ${response.status}`);
  return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** Status codes (weft_status) used by the JS layer itself. */
export const OK = 0;
export const ERR_INVALID_ARGUMENT = 1;
export const ERR_OUT_OF_RANGE = 2;
export const ERR_INVALID_UTF8 = 3;
export const ERR_CAPACITY_EXCEEDED = 5;
export const ERR_NO_MEMORY = 65;
export const ERR_DOC_FREED = 66;
export const ERR_NOT_FOUND = 68;
export const ERR_CALLBACK = 69;

/**
 * WeftError is what every failed call throws: `status` is the C status
 * code, `code` its name ("out_of_range", ...), the message says why. A call
 * that throws it changed nothing.
 */
export class WeftError extends Error {
  constructor(status, message) {
    const code = statusName(status);
    super(`weft: ${code}: ${message}`);
    this.name = 'WeftError';
    this.status = status;
    this.code = code;
  }
}

/** statusName names a weft_status ("ok", "out_of_range", ...). */
export function statusName(status) {
  return M === NOT_LOADED ? `status ${status}` : readCString(M._weft_status_str(status));
}

// Errors thrown by JS callbacks while C was running are kept here and
// rethrown by the outermost call (check), once C has returned: a JS
// exception never unwinds through C++.
let depth = 0;
let hasPending = false;
let pending = null;

function keepError(e) {
  if (!hasPending) {
    hasPending = true;
    pending = e;
  }
}

/**
 * check throws for a failed call (a WeftError with the C message), and
 * rethrows what a callback threw during the call.
 */
export function check(status) {
  if (hasPending && depth === 0) {
    const e = pending;
    hasPending = false;
    pending = null;
    throw e;
  }
  if (status !== OK) throw new WeftError(status, readCString(M._weft_last_error()));
}

/**
 * rethrow throws `e`, the error of a JS body a call ran itself (transact's):
 * what callbacks threw after it during the call (observers of the commit)
 * is dropped at depth 0, as check keeps only the first error.
 */
export function rethrow(e) {
  if (depth === 0) {
    hasPending = false;
    pending = null;
  }
  throw e;
}

/** fail throws a WeftError made in JS (bad arguments caught before C). */
export function fail(status, message) {
  throw new WeftError(status, message);
}

// ---------------------------------------------------------------------------
// Callbacks
// ---------------------------------------------------------------------------

const table = new Map();
let nextId = 1;

/** The trampolines of glue/callbacks.c, by name; addresses after init. */
export const T = {
  transact: 0, update: 0, event: 0, deep: 0, clock: 0, presence: 0, send: 0, notify: 0,
  state: 0, error: 0, authorize: 0, resolve: 0, durable: 0, authenticate: 0,
  userAuthorize: 0, relaySend: 0, relayClose: 0,
};
onInit(() => {
  Object.keys(T).forEach((name, i) => {
    T[name] = M._weft_wasm_trampoline(i);
  });
});

/**
 * register puts `fn` (called with the trampoline's int32 arguments) in the
 * table and returns its id, the user_data to give C.
 */
export function register(fn) {
  // An id travels to C as an int32 user_data. Ids are never reused (C may
  // still hold one a moment after its wrapper let go), and the busiest
  // caller, transact, keeps one id for good: running out takes 2^31
  // subscriptions, sessions and the like in one process.
  if (nextId > 0x7fffffff) fail(ERR_NO_MEMORY, 'out of callback ids for this process');
  const id = nextId++;
  table.set(id, fn);
  return id;
}

export function unregister(id) {
  table.delete(id);
}

// dispatch is what the trampolines call: it runs callback `id` and returns
// its result as an int32 (0 for none), or -1 if it threw (the error is
// kept for check()).
function dispatch(id, a, b, c, d, e) {
  const fn = table.get(id);
  if (fn === undefined) return 0;
  depth++;
  try {
    const r = fn(a, b, c, d, e);
    return typeof r === 'number' ? r : 0;
  } catch (err) {
    keepError(err);
    return -1;
  } finally {
    depth--;
  }
}

// ---------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------

// Inputs live in a stack frame: enter() ... leave(sp) in a finally. A
// frame takes at most FRAME_MAX bytes of the (shared, 5 MiB) C stack, and
// no single block over STACK_MAX: larger inputs are malloc'ed and freed by
// leave().
const STACK_MAX = 4096;
const FRAME_MAX = 16384;
const temps = [];
const marks = [];
let budget = 0;

export function enter() {
  marks.push(temps.length, budget);
  budget = FRAME_MAX;
  return M.stackSave();
}

export function leave(sp) {
  budget = marks.pop();
  const mark = marks.pop();
  while (temps.length > mark) M._free(temps.pop());
  M.stackRestore(sp);
}

// raw reserves `n` bytes (8-aligned, not zeroed) in the current frame.
function raw(n) {
  if (n <= STACK_MAX && n <= budget) {
    budget -= n;
    return M.stackAlloc(n);
  }
  const p = M._malloc(n);
  if (p === 0) fail(ERR_NO_MEMORY, `out of memory (${n} bytes)`);
  temps.push(p);
  return p;
}

/** alloc reserves `n` zeroed bytes (8-aligned) in the current frame. */
export function alloc(n) {
  const p = raw(n);
  M.HEAPU8.fill(0, p, p + n);
  return p;
}

// Scratch blocks hold the outputs and short string inputs of calls, which
// then need no stack frame: one block per callback depth, malloc'ed on first
// use and kept. A call at depth d uses block d; what C calls back during it
// runs at depth d + 1 and uses another block, so nothing overwrites a
// call's block before the call has read it. Bytes [0, 16) are for outputs,
// the rest for one string.
const SCRATCH_SIZE = 4096;
const SCRATCH_STRING = 16;
const scratchBlocks = [];

/** scratch returns the scratch block of the current callback depth. */
export function scratch() {
  const b = scratchBlocks[depth];
  if (b !== undefined) return b;
  const p = M._malloc(SCRATCH_SIZE);
  if (p === 0) fail(ERR_NO_MEMORY, 'out of memory (scratch block)');
  scratchBlocks[depth] = p;
  return p;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** The byte length of the last string putString wrote. */
export let strLen = 0;

const wellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (s) => s.isWellFormed()
    : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/.test(s);

/** checkString refuses what is not a string with a UTF-8 form. */
export function checkString(s, what = 'string') {
  if (typeof s !== 'string') fail(ERR_INVALID_ARGUMENT, `${what} must be a string, not ${describe(s)}`);
  if (!wellFormed(s)) fail(ERR_INVALID_UTF8, `${what} has a lone surrogate (no UTF-8 form)`);
}

/**
 * putString writes `s` as UTF-8 into the current frame and returns its
 * address (its length is in strLen). A string with a lone surrogate has no
 * UTF-8 form and is refused rather than silently replaced.
 */
export function putString(s, what = 'string') {
  checkString(s, what);
  const max = s.length * 3;
  if (max < STACK_MAX) {
    const p = raw(max + 1);
    strLen = encoder.encodeInto(s, M.HEAPU8.subarray(p, p + max)).written;
    return p;
  }
  const bytes = encoder.encode(s);
  const p = raw(bytes.length + 1);
  M.HEAPU8.set(bytes, p);
  strLen = bytes.length;
  return p;
}

/**
 * scratchString writes `s` as UTF-8 into the scratch block (after its
 * output bytes) and returns its address (length in strLen), or 0 when it
 * is too long and the caller must use putString. ASCII is copied without
 * the encoder.
 */
export function scratchString(s, what) {
  if (typeof s !== 'string' || s.length > (SCRATCH_SIZE - SCRATCH_STRING) / 3) return 0;
  const base = scratch(); // before reading HEAPU8: a first call mallocs
  const heap = M.HEAPU8;
  const p = base + SCRATCH_STRING;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      checkString(s, what);
      strLen = encoder.encodeInto(s, heap.subarray(p, base + SCRATCH_SIZE)).written;
      return p;
    }
    heap[p + i] = c;
  }
  strLen = n;
  return p;
}

/** putBytes copies a Uint8Array into the current frame. */
export function putBytes(bytes, what = 'bytes') {
  if (!(bytes instanceof Uint8Array)) fail(ERR_INVALID_ARGUMENT, `${what} must be a Uint8Array`);
  const p = raw(bytes.length + 1);
  M.HEAPU8.set(bytes, p);
  return p;
}

export function readString(p, len) {
  return len === 0 ? '' : decoder.decode(M.HEAPU8.subarray(p, p + len));
}

export function readCString(p) {
  if (p === 0) return '';
  const heap = M.HEAPU8;
  return decoder.decode(heap.subarray(p, heap.indexOf(0, p)));
}

export function u32(p) {
  return M.HEAPU32[p >>> 2];
}
export function i32(p) {
  return M.HEAP32[p >>> 2];
}
export function f64(p) {
  return M.HEAPF64[p >>> 3];
}

let view = null;
function dv() {
  const buffer = M.HEAPU8.buffer;
  if (view === null || view.buffer !== buffer) view = new DataView(buffer);
  return view;
}
export function u64(p) {
  return dv().getBigUint64(p, true);
}
export function i64(p) {
  return dv().getBigInt64(p, true);
}
export function setU64(p, v) {
  dv().setBigUint64(p, v, true);
}
export function setI64(p, v) {
  dv().setBigInt64(p, v, true);
}

/** u64Of joins the two int32 halves a trampoline passes a uint64 as. */
export function u64Of(lo, hi) {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** bytesOut reserves a weft_bytes in the frame; takeBytes copies and frees it. */
export function bytesOut() {
  return alloc(8);
}
export function takeBytes(b) {
  const p = u32(b);
  const out = M.HEAPU8.slice(p, p + u32(b + 4));
  M._weft_bytes_free(b);
  return out;
}
export function takeString(b) {
  const s = readString(u32(b), u32(b + 4));
  M._weft_bytes_free(b);
  return s;
}

// ---------------------------------------------------------------------------
// Argument checks (before anything reaches C)
// ---------------------------------------------------------------------------

/** index checks a size_t argument (a position, a length, a count). */
export function index(v, what = 'index') {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    fail(ERR_INVALID_ARGUMENT, `${what} must be an integer, not ${describe(v)}`);
  }
  if (v < 0 || v > 0xffffffff) fail(ERR_OUT_OF_RANGE, `${what} ${v} is out of range`);
  return v;
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** uint64 checks an unsigned 64-bit argument (number or bigint). */
export function uint64(v, what) {
  const b = bigintOf(v, what);
  if (b < 0n || b > U64_MAX) fail(ERR_OUT_OF_RANGE, `${what} ${v} is not a uint64`);
  return b;
}

/** int64 checks a signed 64-bit argument (number or bigint). */
export function int64(v, what) {
  const b = bigintOf(v, what);
  if (b < I64_MIN || b > I64_MAX) fail(ERR_OUT_OF_RANGE, `${what} ${v} is not an int64`);
  return b;
}

function bigintOf(v, what) {
  if (typeof v === 'bigint') return v;
  // A number past 2^53 has already lost its low bits: refused, not rounded.
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v)) {
    return fail(ERR_OUT_OF_RANGE, `${what} ${v} is past 2^53: pass a bigint`);
  }
  return fail(ERR_INVALID_ARGUMENT, `${what} must be an integer or a bigint, not ${describe(v)}`);
}

/** numberOf gives an integer as a number when it is exact, else a bigint. */
export function numberOf(b) {
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

/** nowMs is the default clock of presence and sync: monotonic milliseconds. */
export function nowMs() {
  return Math.floor(performance.now());
}

/** time checks a `now` argument (ms, rounded down), defaulting to nowMs(). */
export function time(now) {
  if (now === undefined) return BigInt(nowMs());
  return int64(typeof now === 'number' && Number.isFinite(now) ? Math.floor(now) : now, 'now');
}

export function describe(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return `"${v.length > 20 ? v.slice(0, 20) + '...' : v}"`;
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}

// ---------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------

let live = 0;

// release frees what a handle record owns: the subscriptions made through
// it, its callbacks, its retained blocks, then the C handle itself.
function release(rec) {
  if (rec.ptr === 0) return;
  if (rec.children !== null) {
    for (const child of rec.children) release(child);
    rec.children.clear();
  }
  dropOwned(rec);
  const p = rec.ptr;
  rec.ptr = 0;
  if (rec.parent !== null) rec.parent.delete(rec);
  rec.free(p);
  live--;
}

// dropOwned unregisters a record's callbacks and frees its blocks.
function dropOwned(rec) {
  if (rec.ids !== null) for (const id of rec.ids) unregister(id);
  if (rec.blocks !== null) for (const p of rec.blocks.values()) M._free(p);
  rec.ids = null;
  rec.blocks = null;
}

const finalizer = new FinalizationRegistry(release);

/**
 * Handle wraps one C handle. free() releases it at once; a wrapper that is
 * garbage collected first is released by the FinalizationRegistry. Every
 * call on a freed wrapper throws.
 */
export class Handle {
  /**
   * @param ptr the C handle
   * @param freeFn its C _free function
   * @param owner null, or the Handle whose free() must also free this one
   *   (subscriptions, owned by their document, presence or session)
   */
  constructor(ptr, freeFn, owner = null) {
    // The record holds everything release() needs and nothing that refers
    // back to the wrapper, so that the wrapper can be collected.
    this._rec = { ptr: 0, free: freeFn, ids: null, children: null, blocks: null, parent: null };
    this._owner = owner;
    if (ptr !== 0) this._attach(ptr);
  }

  /**
   * _attach gives a wrapper made with ptr 0 its C handle, for handles whose
   * callbacks must be registered (on the wrapper) before they exist.
   */
  _attach(ptr) {
    this._rec.ptr = ptr;
    live++;
    if (this._owner === null) {
      finalizer.register(this, this._rec, this);
    } else {
      const rec = this._owner._rec;
      if (rec.children === null) rec.children = new Set();
      rec.children.add(this._rec);
      this._rec.parent = rec.children;
    }
    this._owner = null;
  }

  /** _abandon releases the callbacks and blocks of a wrapper that never got its handle. */
  _abandon() {
    dropOwned(this._rec);
  }

  /** The C handle; throws once freed. */
  get _p() {
    const p = this._rec.ptr;
    if (p === 0) throw new Error(`weft: this ${this.constructor.name} was freed`);
    return p;
  }

  /** _own makes callback `id` live as long as this handle. */
  _own(id) {
    (this._rec.ids ??= new Set()).add(id);
    return id;
  }

  /** _disown unregisters callback `id` now. */
  _disown(id) {
    this._rec.ids?.delete(id);
    unregister(id);
  }

  /** Whether free() has been called (or the owner was freed). */
  get freed() {
    return this._rec.ptr === 0;
  }

  /** free releases the C handle now; calling it again does nothing. */
  free() {
    finalizer.unregister(this);
    release(this._rec);
  }
}

/**
 * retainedBlock mallocs `n` bytes for what a callback lends back to C
 * (valid until the callback returns to weft): slot `key` of handle record
 * `rec`, replacing the slot's previous block, and freed with the handle.
 * It returns 0, allocating nothing, once the handle is released (the
 * callback freed it): the block would outlive every release.
 */
export function retainedBlock(rec, key, n) {
  if (rec.ptr === 0) return 0;
  const blocks = (rec.blocks ??= new Map());
  const old = blocks.get(key);
  if (old !== undefined) M._free(old);
  blocks.delete(key);
  const p = M._malloc(Math.max(n, 1));
  if (p === 0) fail(ERR_NO_MEMORY, `out of memory (${n} bytes)`);
  blocks.set(key, p);
  return p;
}

/**
 * stats: live wrappers and callbacks, the wasm memory size (which only
 * grows) and the heap bytes in use (malloc'ed and not freed), for tests
 * and leak hunting.
 */
export function stats() {
  const loaded = M !== NOT_LOADED;
  return {
    handles: live,
    callbacks: table.size,
    // Ids ever issued: each is an int32 user_data, never reused.
    callbackIds: nextId - 1,
    wasmMemoryBytes: loaded ? M.HEAPU8.length : 0,
    heapUsedBytes: loaded ? M._weft_wasm_heap_used() >>> 0 : 0,
  };
}

/** frame runs fn() in a stack frame (enter/leave) and returns its result. */
export function frame(fn) {
  const sp = enter();
  try {
    return fn();
  } finally {
    leave(sp);
  }
}

// Calls of C functions whose last parameter is an output: fn(...args, out)
// is checked and the output read (and freed, for owned outputs).
// The output is read before check(): a call that succeeded may still
// throw an observer's error, and reading takes ownership (a weft_bytes is
// copied and freed) so that nothing leaks then.
function outCall(read, fn, args) {
  const out = scratch();
  const status = fn(...args, out);
  let value;
  try {
    if (status === OK) value = read(out);
  } finally {
    check(status);
  }
  return value;
}

/**
 * outOwned: a handle output, freed with `free` if the call succeeded but
 * throws anyway (an observer of its commit threw).
 */
export function outOwned(free, fn, ...args) {
  const out = scratch();
  const status = fn(...args, out);
  const p = status === OK ? M.HEAPU32[out >>> 2] : 0;
  try {
    check(status);
  } catch (e) {
    if (p !== 0) free(p);
    throw e;
  }
  return p;
}
const readBool = (p) => M.HEAPU8[p] !== 0;
const readU64Number = (p) => numberOf(u64(p));

/** outU32: a size_t, an int32 enum or a handle (outHandle) output. */
export function outU32(fn, ...args) {
  return outCall(u32, fn, args);
}
export const outHandle = outU32;
export function outI32(fn, ...args) {
  return outCall(i32, fn, args);
}
export function outBool(fn, ...args) {
  return outCall(readBool, fn, args);
}
/** outU64: a uint64 output as a bigint. */
export function outU64(fn, ...args) {
  return outCall(u64, fn, args);
}
/** outCount: a uint64 output as a number when exact. */
export function outCount(fn, ...args) {
  return outCall(readU64Number, fn, args);
}
export function outI64(fn, ...args) {
  return outCall((p) => numberOf(i64(p)), fn, args);
}
/** outBytes: a weft_bytes output as a Uint8Array (freed in wasm). */
export function outBytes(fn, ...args) {
  return outCall(takeBytes, fn, args);
}
/** outString: a weft_bytes output as a string (freed in wasm). */
export function outString(fn, ...args) {
  return outCall(takeString, fn, args);
}
