// Copyright 2026 The weft Authors. MIT License.
//
// index.js: the package's entry point. `await init()` once, then use the
// classes; docs/wasm.md is the guide and index.d.ts the reference.

import { M } from './runtime.js';
import './text.js';
import './map.js';
import './list.js';
import './scalars.js';

export { init, stats, statusName, WeftError } from './runtime.js';
export { ContainerValue } from './layout.js';
export { Container, Subscription } from './container.js';
export { Text } from './text.js';
export { WeftMap, WeftMap as Map } from './map.js';
export { List } from './list.js';
export { Counter, Register } from './scalars.js';
export {
  Doc, DOC_OPTIONS, compareVersions, decodeVersion, deltaOpCount, encodeVersion, mergeVersions,
  messageKind, randomReplicaId,
} from './doc.js';
export { UndoManager } from './undo.js';
export { Presence, PRESENCE_FIELDS, PRESENCE_OPTIONS } from './presence.js';
export { SyncSession, SYNC_OPTIONS, SYNC_STATS } from './sync.js';
export { SyncRelay, RELAY_OPTIONS, RELAY_STATS } from './relay.js';

/** versionNumber: the loaded library's version (major * 10000 + minor * 100 + patch). */
export function versionNumber() {
  return M._weft_version_number();
}
