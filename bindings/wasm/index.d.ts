// Copyright 2026 The weft Authors. MIT License.
//
// TypeScript declarations of weft's WebAssembly package (src/index.js).
// Positions and lengths of Text are UTF-16 code units, as JS strings count
// them. Every class that wraps wasm memory has free(); a FinalizationRegistry
// frees what is dropped without it, later. docs/wasm.md is the guide.

/** Loading options: all optional. */
export interface InitOptions {
  /** The .wasm bytes (skips loading). */
  wasmBinary?: BufferSource;
  /** A compiled module (e.g. posted to a worker). */
  wasmModule?: WebAssembly.Module;
  /** Where to fetch weft_core.wasm (default: beside src/index.js). */
  wasmUrl?: string | URL;
}

/** init loads the wasm module; await it once before anything else. */
export function init(options?: InitOptions): Promise<void>;

/** The loaded library's version: major * 10000 + minor * 100 + patch. */
export function versionNumber(): number;

/** statusName names a C status code ("ok", "out_of_range", ...). */
export function statusName(status: number): string;

/** Live wrappers and callbacks, the wasm memory size (it only grows) and
 * the heap bytes malloc'ed and not freed (for leak hunting). */
export function stats(): {
  handles: number;
  callbacks: number;
  /** Callback ids issued so far (int32 ids, never reused). */
  callbackIds: number;
  wasmMemoryBytes: number;
  heapUsedBytes: number;
};

/** What every refused call throws; the call changed nothing. */
export class WeftError extends Error {
  readonly name: 'WeftError';
  /** The C status code (weft_status). */
  readonly status: number;
  /** Its name: 'invalid_argument', 'out_of_range', 'not_char_boundary', ... */
  readonly code: string;
}

/** A scalar value of a map, list or register. Integers exact in a double
 * come back as numbers, larger ones as bigints. */
export type Scalar = null | boolean | number | bigint | string | Uint8Array;

/** A nested container seen without a handle (events, getAll). */
export class ContainerValue {
  readonly container: ContainerType;
}

export type ContainerType = 'text' | 'map' | 'list' | 'counter' | 'register';
export type AnyContainer = Text | WeftMap | List | Counter | Register;
/** What map.get and list.get return: a scalar, or a live container wrapper. */
export type Value = Scalar | AnyContainer;

export type OriginKind = 'local' | 'remote' | 'undo' | 'redo' | 'user';
/** A transaction's origin: kind, and the application's tag for 'user'. */
export interface OriginInfo {
  origin: OriginKind;
  tag?: string;
}
/** An origin an UndoManager tracks. */
export type TrackedOrigin = 'local' | 'remote' | 'undo' | 'redo' | { tag: string };

/** A stable cursor in a text or list: plain data any replica can resolve. */
export interface Anchor {
  replica: bigint;
  seq: bigint;
  hasTarget: boolean;
  side: 'left' | 'right';
}

// ---------------------------------------------------------------------------
// Events (plain objects, valid after the callback)
// ---------------------------------------------------------------------------

export type Path = Array<string | number> | null;

interface EventBase extends OriginInfo {
  path: Path;
}
/** Quill form, UTF-16 lengths. */
export type TextDeltaOp = { retain: number } | { insert: string } | { delete: number };
export type ListDeltaOp = { retain: number } | { insert: Array<Scalar | ContainerValue> } | { delete: number };
export interface KeyChange {
  action: 'add' | 'update' | 'delete';
  oldValue?: Scalar | ContainerValue;
  newValue?: Scalar | ContainerValue;
}
export interface TextEvent extends EventBase {
  type: 'text';
  delta: TextDeltaOp[];
}
export interface ListEvent extends EventBase {
  type: 'list';
  delta: ListDeltaOp[];
}
export interface MapEvent extends EventBase {
  type: 'map';
  keys: globalThis.Map<string, KeyChange>;
}
export interface CounterEvent extends EventBase {
  type: 'counter';
  increment: number | bigint;
}
export interface RegisterEvent extends EventBase {
  type: 'register';
  oldValue?: Scalar | ContainerValue;
  newValue?: Scalar | ContainerValue;
}
export type WeftEvent = TextEvent | ListEvent | MapEvent | CounterEvent | RegisterEvent;

// ---------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------

/** Base of every wrapper of wasm memory. */
declare class Handle {
  /** Releases the wasm side now; calling it again does nothing. */
  free(): void;
  /** Whether it has been freed (or its owner was). */
  readonly freed: boolean;
}

/** An observer registration: lives until free() or its owner's free(). */
export class Subscription extends Handle {
  readonly active: boolean;
  unsubscribe(): void;
}

/** Document options (creation-time ones are maxOps and maxPendingOps). */
export interface DocOptions {
  maxOps?: number | bigint;
  maxPendingOps?: number | bigint;
  maxMessageBytes?: number | bigint;
  maxDecodeOps?: number | bigint;
  maxItems?: number | bigint;
  maxStringBytes?: number | bigint;
  maxContainers?: number | bigint;
  maxDepth?: number | bigint;
  maxTables?: number | bigint;
  compression?: 'none' | 'zstd' | number;
  compressMinBytes?: number | bigint;
  compressionLevel?: number;
}
export type DocOptionName = keyof DocOptions;
export const DOC_OPTIONS: Readonly<Record<DocOptionName, number>>;

export interface NewDocOptions extends DocOptions {
  /** The replica id to edit as (default: random). */
  replica?: number | bigint;
  /** The document's id (default: random; for load, must match the snapshot's). */
  id?: string;
}

export class Doc extends Handle {
  constructor(options?: NewDocOptions);
  /** Builds a document from encodeSnapshot's bytes. */
  static load(snapshot: Uint8Array, options?: NewDocOptions): Doc;
  readonly replica: bigint;
  readonly id: string;
  /** An independent copy editing as `replica` (default: random). */
  fork(replica?: number | bigint): Doc;
  setOption(name: DocOptionName, value: number | bigint | string): void;
  getOption(name: DocOptionName): number | bigint;

  getText(name: string): Text;
  getMap(name: string): WeftMap;
  getList(name: string): List;
  getCounter(name: string): Counter;
  getRegister(name: string): Register;

  /** Runs fn as one transaction (origin: the user tag, or local). */
  transact<T>(fn: () => T, origin?: string): T;
  readonly inTransaction: boolean;

  /** The version vector, encoded. */
  version(): Uint8Array;
  versionVector(): globalThis.Map<bigint, number>;
  /** What a replica at `since` lacks (default: everything), as a delta message. */
  encodeDelta(since?: Uint8Array): Uint8Array;
  /** Integrates a delta (origin remote, or the user tag). */
  applyDelta(delta: Uint8Array, origin?: string): void;
  encodeSnapshot(kind?: 'full' | 'state'): Uint8Array;
  /** After every transaction that integrated ops: exactly those ops as a delta. */
  onUpdate(fn: (update: Uint8Array, origin: OriginInfo) => void): Subscription;

  toJSON(): Record<string, unknown>;
  readonly pendingOps: number;
  readonly opCount: number;
  readonly memoryUsage: number;
  /** Verifies every invariant; throws WeftError('corrupted') if one is broken. */
  check(deep?: boolean): void;
}

/** Base of the container wrappers. */
export class Container extends Handle {
  readonly doc: Doc;
  readonly type: ContainerType;
  toJSON(): unknown;
  /** Steps from a root; null once detached. */
  path(): Path;
  /** Whether `other` names the same container. */
  equals(other: unknown): boolean;
  observe(fn: (event: WeftEvent) => void): Subscription;
  observeDeep(fn: (events: WeftEvent[]) => void): Subscription;
}

export class Text extends Container {
  readonly type: 'text';
  /** UTF-16 code units. */
  readonly length: number;
  readonly codePointLength: number;
  toString(): string;
  toJSON(): string;
  insert(index: number, text: string): void;
  delete(index: number, length: number): void;
  slice(start?: number, end?: number): string;
  toCodePoint(index: number): number;
  toUtf16(codePoint: number): number;
  anchorAt(index: number, side?: 'left' | 'right'): Anchor;
  resolve(anchor: Anchor): number;
  /** Applies a Quill delta as one transaction (checked first). */
  applyDelta(delta: TextDeltaOp[]): void;
  observe(fn: (event: TextEvent) => void): Subscription;
}

export class WeftMap extends Container {
  readonly type: 'map';
  readonly size: number;
  has(key: string): boolean;
  get(key: string): Value | undefined;
  /** Every concurrent value, the winner first. */
  getAll(key: string): Array<Scalar | ContainerValue>;
  set(key: string, value: Scalar): void;
  delete(key: string): void;
  keys(): string[];
  values(): Value[];
  entries(): Array<[string, Value]>;
  toJSON(): Record<string, unknown>;
  setText(key: string): Text;
  setMap(key: string): WeftMap;
  setList(key: string): List;
  setCounter(key: string): Counter;
  setRegister(key: string): Register;
  getOrCreateText(key: string): Text;
  getOrCreateMap(key: string): WeftMap;
  getOrCreateList(key: string): List;
  getOrCreateCounter(key: string): Counter;
  getOrCreateRegister(key: string): Register;
  getText(key: string): Text;
  getMap(key: string): WeftMap;
  getList(key: string): List;
  getCounter(key: string): Counter;
  getRegister(key: string): Register;
  observe(fn: (event: MapEvent) => void): Subscription;
}
export { WeftMap as Map };

export class List extends Container {
  readonly type: 'list';
  readonly length: number;
  get(index: number): Value;
  toArray(): Value[];
  toJSON(): unknown[];
  insert(index: number, values: Scalar[]): void;
  push(...values: Scalar[]): void;
  delete(index: number, count?: number): void;
  insertText(index: number): Text;
  insertMap(index: number): WeftMap;
  insertList(index: number): List;
  insertCounter(index: number): Counter;
  insertRegister(index: number): Register;
  getText(index: number): Text;
  getMap(index: number): WeftMap;
  getList(index: number): List;
  getCounter(index: number): Counter;
  getRegister(index: number): Register;
  anchorAt(index: number, side?: 'left' | 'right'): Anchor;
  resolve(anchor: Anchor): number;
  observe(fn: (event: ListEvent) => void): Subscription;
}

export class Counter extends Container {
  readonly type: 'counter';
  readonly value: number | bigint;
  add(delta?: number | bigint): void;
  observe(fn: (event: CounterEvent) => void): Subscription;
}

export class Register extends Container {
  readonly type: 'register';
  get(): Scalar | undefined;
  getAll(): Scalar[];
  set(value: Scalar): void;
  clear(): void;
  observe(fn: (event: RegisterEvent) => void): Subscription;
}

// ---------------------------------------------------------------------------
// Wire helpers
// ---------------------------------------------------------------------------

export function randomReplicaId(): bigint;
export function encodeVersion(
  entries: globalThis.Map<number | bigint, number | bigint> | Iterable<[number | bigint, number | bigint]>,
): Uint8Array;
export function decodeVersion(version: Uint8Array): globalThis.Map<bigint, number>;
export function compareVersions(a: Uint8Array, b: Uint8Array): 'equal' | 'before' | 'after' | 'concurrent';
export function mergeVersions(a: Uint8Array, b: Uint8Array): Uint8Array;
export function messageKind(message: Uint8Array): 'delta' | 'snapshot' | 'version' | 'sync';
export function deltaOpCount(delta: Uint8Array): number;

// ---------------------------------------------------------------------------
// Undo
// ---------------------------------------------------------------------------

export interface UndoOptions {
  /** Default ['local']. */
  trackedOrigins?: TrackedOrigin[];
  /** Transactions closer than this (ms) join one step (default 500). */
  captureTimeout?: number;
  /** Steps kept (default 100). */
  maxDepth?: number;
  /** Monotonic clock in ms (default: the steady clock). */
  now?: () => number;
}

export class UndoManager extends Handle {
  constructor(doc: Doc, options?: UndoOptions);
  /** The document it undoes in (held, so the manager keeps it alive). */
  readonly doc: Doc;
  undo(): boolean;
  redo(): boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly undoDepth: number;
  readonly redoDepth: number;
  stopCapturing(): void;
  clear(): void;
}

// ---------------------------------------------------------------------------
// Presence
// ---------------------------------------------------------------------------

export interface PresenceOptions {
  heartbeatMs?: number;
  timeoutMs?: number;
  maxFieldBytes?: number;
  maxCustomFields?: number;
  maxClients?: number;
  startClock?: number | bigint;
}
export const PRESENCE_OPTIONS: Readonly<Record<keyof PresenceOptions, number>>;
export type PresenceField = 'userId' | 'name' | 'color' | 'avatarUrl';
export const PRESENCE_FIELDS: Readonly<Record<PresenceField, number>>;

export interface Cursor {
  /** The root text's name. */
  text: string;
  anchor: Anchor;
  head: Anchor;
}
export interface PresenceEntry {
  userId: string;
  name: string;
  color: string;
  avatarUrl: string;
  cursor: Cursor | null;
  custom: Record<string, string>;
}
export interface PresenceChange {
  type: 'joined' | 'updated' | 'left';
  client: bigint;
  timedOut: boolean;
}

/** `now` parameters are monotonic ms (default performance.now()). */
export class Presence extends Handle {
  constructor(self: number | bigint, options?: PresenceOptions);
  readonly self: bigint;
  /** A number, or a bigint past 2^53 (a start clock set that high). */
  readonly clock: number | bigint;
  setField(name: PresenceField, value: string, now?: number): void;
  set(fields: Partial<Record<PresenceField, string>>, now?: number): void;
  /** value null erases the key. */
  setCustom(key: string, value: string | null, now?: number): void;
  setCursor(text: string, anchor: Anchor, head: Anchor, now?: number): void;
  clearCursor(now?: number): void;
  leave(now?: number): void;
  tick(now?: number): void;
  takeUpdates(): Uint8Array;
  fullUpdates(): Uint8Array;
  apply(updates: Uint8Array, now?: number): void;
  clients(): bigint[];
  getField(client: number | bigint, name: PresenceField): string | undefined;
  getCustom(client: number | bigint, key: string): string | undefined;
  getCursor(client: number | bigint): Cursor | undefined;
  get(client: number | bigint): PresenceEntry | undefined;
  observe(fn: (change: PresenceChange) => void): Subscription;
  /** A cursor's positions (UTF-16) in `doc`'s root text it names. */
  static resolveCursor(doc: Doc, cursor: Cursor): { anchor: number; head: number };
}

// ---------------------------------------------------------------------------
// Sync
// ---------------------------------------------------------------------------

export type SyncState =
  'connecting' | 'handshaking' | 'syncing' | 'live' | 'offline' | 'degraded' | 'closed';
export type Role = 'none' | 'read' | 'write' | 'admin';

/** Session options: the sync ones, and the documents' decode limits (of
 * what is received) and encoding (of what is sent; compression defaults to
 * zstd here). */
export interface SyncOptions extends Omit<DocOptions, 'maxOps' | 'maxPendingOps' | 'maxMessageBytes'> {
  debounceMs?: number;
  heartbeatMs?: number;
  missedHeartbeats?: number;
  resendMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  backoffStableMs?: number;
  backoffSeed?: number | bigint;
  breakerThreshold?: number;
  messageRate?: number;
  messageBurst?: number;
  byteRate?: number;
  byteBurst?: number;
  /** The largest message taken (the sync limit). */
  maxMessageBytes?: number;
  maxUnackedOps?: number | bigint;
  chunkBytes?: number;
  /** The decode limit on messages (DocOptions.maxMessageBytes). */
  decodeMaxMessageBytes?: number;
}
export const SYNC_OPTIONS: Readonly<Record<keyof SyncOptions, number>>;

export interface SyncStats {
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  deltasSent: number;
  deltasApplied: number;
  opsSent: number;
  opsApplied: number;
  resent: number;
}
export const SYNC_STATS: Readonly<Record<keyof SyncStats, number>>;

export interface Peer {
  protocol: number;
  credentials: string;
  replicas: bigint[];
  capabilities: bigint;
}
export interface SyncError {
  status: number;
  code: string;
  message: string;
  fromPeer: boolean;
}

/** Transport callbacks; null removes one (setCallbacks). */
export interface SyncCallbacks {
  send?: ((message: Uint8Array) => void) | null;
  connect?: (() => void) | null;
  close?: (() => void) | null;
  onState?: ((state: SyncState) => void) | null;
  onError?: ((error: SyncError) => void) | null;
}

export interface ServerHooks {
  authorize?: (peer: Peer, docId: string) => Role | number;
  resolve?: (docId: string) => Doc | { doc: Doc; presence?: Presence } | null | undefined;
  durable?: (docId: string) =>
    globalThis.Map<number | bigint, number | bigint> | Iterable<[number | bigint, number | bigint]> | null | undefined;
}

export interface SyncSessionOptions extends SyncOptions, SyncCallbacks, ServerHooks {
  side?: 'client' | 'server';
  credentials?: string;
  replicas?: Array<number | bigint>;
}

/**
 * Callbacks run inside the call that caused them: they must not call into
 * the same session (except disconnected() and free()) nor edit its docs.
 */
export class SyncSession extends Handle {
  constructor(options?: SyncSessionOptions);
  setCallbacks(callbacks: SyncCallbacks): void;
  addDoc(doc: Doc, presence?: Presence): void;
  removeDoc(docId: string): void;
  start(now?: number): void;
  connected(now?: number): void;
  connectFailed(now?: number): void;
  disconnected(now?: number): void;
  receive(message: Uint8Array, now?: number): void;
  tick(now?: number): void;
  close(now?: number): void;
  readonly state: SyncState;
  role(docId: string): Role;
  acknowledged(docId: string): Uint8Array;
  readonly peer: Peer;
  stats(): SyncStats;
  check(): void;
}

export interface RelayOptions {
  replica?: number | bigint;
  maxDocs?: number;
  maxDocIdBytes?: number;
  maxBindings?: number;
  docMaxOps?: number | bigint;
  docMaxPendingOps?: number | bigint;
  compactRecords?: number;
  compactBytes?: number;
  storageSync?: number | boolean;
}
export const RELAY_OPTIONS: Readonly<Record<keyof RelayOptions, number>>;
export interface RelayStats {
  accepted: number;
  messagesReceived: number;
  bytesReceived: number;
  messagesSent: number;
  bytesSent: number;
  refused: number;
  denied: number;
  docsCreated: number;
  docsRestored: number;
  storageFailures: number;
}
export const RELAY_STATS: Readonly<Record<keyof RelayStats, number>>;

export interface SyncRelayOptions extends RelayOptions {
  session?: SyncOptions;
  presence?: PresenceOptions;
  authenticate?: (peer: Peer) => string | null | undefined | false;
  authorize?: (user: string, docId: string) => Role | number;
  send?: (connection: bigint, message: Uint8Array) => void;
  close?: (connection: bigint) => void;
}

/** A sync server: one session per connection, documents in memory. */
export class SyncRelay extends Handle {
  constructor(options?: SyncRelayOptions);
  accept(now?: number): bigint;
  receive(connection: number | bigint, message: Uint8Array, now?: number): void;
  disconnected(connection: number | bigint, now?: number): void;
  tick(now?: number): void;
  host(doc: Doc, presence?: Presence): void;
  docIds(): string[];
  docSnapshot(docId: string, kind?: 'full' | 'state'): Uint8Array | undefined;
  connections(): bigint[];
  connectionState(connection: number | bigint): SyncState;
  connectionRole(connection: number | bigint, docId: string): Role;
  userOf(replica: number | bigint): string | undefined;
  stats(): RelayStats;
}
