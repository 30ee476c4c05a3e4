// Copyright 2026 The weft Authors. MIT License.
//
// map.js: WeftMap (exported as Map too), a replicated map from string keys
// to values or nested containers. Concurrent writes to a key resolve
// last-writer-wins; getAll also returns the concurrent losers.

import { Container, defineContainer } from './container.js';
import { MAP_GET as GET, MAP_GET_OR_CREATE as GET_OR_CREATE, MAP_SET as SET } from './ops.js';
import {
  CONTAINER_TYPES, ContainerValue, VALUE_CONTAINER, VALUE_SIZE, putValue, takeValue,
  takeValueList,
} from './layout.js';
import {
  M, ERR_NOT_FOUND, alloc, check, frame, i32, outBool, outU32, putString, strLen,
} from './runtime.js';

export class WeftMap extends Container {
  constructor(ptr, doc) {
    super('map', ptr, doc);
  }

  /** The number of keys with a value. */
  get size() {
    return outU32(M._weft_map_size, this._p);
  }

  has(key) {
    return frame(() => outBool(M._weft_map_contains, this._p, putString(key, 'key'), strLen));
  }

  /**
   * get returns the winning value of `key`: a scalar, a wrapper for a
   * nested container (Text, Map, ...), or undefined when the key has none.
   */
  get(key) {
    return frame(() => {
      const k = putString(key, 'key');
      const kl = strLen;
      const v = alloc(VALUE_SIZE);
      const status = M._weft_map_get(this._p, k, kl, v);
      if (status === ERR_NOT_FOUND) return undefined;
      check(status);
      if (i32(v) !== VALUE_CONTAINER) return takeValue(v);
      const type = CONTAINER_TYPES[i32(v + 4)];
      M._weft_value_free(v);
      return this._child(type, GET[type], k, kl);
    });
  }

  /**
   * getAll returns every concurrent value of `key`, the winner first
   * (containers as ContainerValue: their type only).
   */
  getAll(key) {
    return frame(() => {
      const k = putString(key, 'key');
      const list = alloc(8);
      check(M._weft_map_get_all(this._p, k, strLen, list));
      return takeValueList(list);
    });
  }

  /** set writes a scalar value (null, boolean, number, bigint, string, Uint8Array). */
  set(key, value) {
    frame(() => {
      const k = putString(key, 'key');
      const kl = strLen;
      check(M._weft_map_set(this._p, k, kl, putValue(value)));
    });
  }

  /** delete removes the key's value (a key without one is left alone). */
  delete(key) {
    frame(() => check(M._weft_map_erase(this._p, putString(key, 'key'), strLen)));
  }

  /** keys: the keys with a value, in byte order. */
  keys() {
    return frame(() => {
      const list = alloc(8);
      check(M._weft_map_keys(this._p, list));
      return takeValueList(list);
    });
  }

  /** entries: [key, value] pairs in key order (containers as wrappers). */
  entries() {
    const [keys, values] = frame(() => {
      const k = alloc(8);
      const v = alloc(8);
      check(M._weft_map_entries(this._p, k, v));
      return [takeValueList(k), takeValueList(v)];
    });
    return keys.map((key, i) => [key, values[i] instanceof ContainerValue ? this.get(key) : values[i]]);
  }

  values() {
    return this.entries().map((e) => e[1]);
  }
}

// setText(key) ... setRegister(key): a new, empty container under the key
// (last writer wins); getOrCreateText(key) ...: the container of that type
// under the key, made if needed (concurrent callers share it);
// getText(key) ...: the container the key holds (not_found, type_mismatch).
for (const type of CONTAINER_TYPES.slice(1)) {
  const name = type[0].toUpperCase() + type.slice(1);
  const typed = (table) => function typedKey(key) {
    return frame(() => {
      const k = putString(key, 'key');
      return this._child(type, table[type], k, strLen);
    });
  };
  WeftMap.prototype[`set${name}`] = typed(SET);
  WeftMap.prototype[`getOrCreate${name}`] = typed(GET_OR_CREATE);
  WeftMap.prototype[`get${name}`] = typed(GET);
}

defineContainer('map', WeftMap);
