// Copyright 2026 The weft Authors. MIT License.
//
// list.js: List, a replicated sequence of values and nested containers.
// Indexes count elements.

import { Container, defineContainer } from './container.js';
import { LIST_GET as GET, LIST_INSERT as INSERT } from './ops.js';
import {
  ANCHOR_SIZE, CONTAINER_TYPES, ContainerValue, VALUE_CONTAINER, VALUE_SIZE, putAnchor,
  readAnchor, sideOf, takeValue, takeValueList, writeValue,
} from './layout.js';
import {
  M, ERR_INVALID_ARGUMENT, alloc, check, fail, frame, i32, index, outU32,
} from './runtime.js';

export class List extends Container {
  constructor(ptr, doc) {
    super('list', ptr, doc);
  }

  get length() {
    return outU32(M._weft_list_size, this._p);
  }

  /** get returns element `i`: a scalar or a wrapper for a nested container. */
  get(i) {
    const at = index(i);
    return frame(() => {
      const v = alloc(VALUE_SIZE);
      check(M._weft_list_get(this._p, at, v));
      if (i32(v) !== VALUE_CONTAINER) return takeValue(v);
      const type = CONTAINER_TYPES[i32(v + 4)];
      M._weft_value_free(v);
      return this._child(type, GET[type], at);
    });
  }

  /** toArray: every element (nested containers as wrappers). */
  toArray() {
    const values = frame(() => {
      const list = alloc(8);
      check(M._weft_list_values(this._p, list));
      return takeValueList(list);
    });
    return values.map((v, i) => (v instanceof ContainerValue ? this.get(i) : v));
  }

  /** insert puts the scalars of `values` (an array) at index `i`. */
  insert(i, values) {
    const at = index(i);
    if (!Array.isArray(values)) fail(ERR_INVALID_ARGUMENT, 'insert takes an array of values');
    frame(() => {
      const p = alloc(VALUE_SIZE * Math.max(values.length, 1));
      values.forEach((v, j) => writeValue(p + VALUE_SIZE * j, v));
      check(M._weft_list_insert(this._p, at, p, values.length));
    });
  }

  /** push appends scalars. */
  push(...values) {
    if (values.length === 1) {
      frame(() => {
        const p = alloc(VALUE_SIZE);
        writeValue(p, values[0]);
        check(M._weft_list_push_back(this._p, p));
      });
      return;
    }
    this.insert(this.length, values);
  }

  /** delete removes `count` elements (default 1) from index `i`. */
  delete(i, count = 1) {
    check(M._weft_list_erase(this._p, index(i), index(count, 'count')));
  }

  /** anchorAt makes a stable cursor at index `i` (see Text.anchorAt). */
  anchorAt(i, side = 'left') {
    const at = index(i);
    const s = sideOf(side);
    return frame(() => {
      const out = alloc(ANCHOR_SIZE);
      check(M._weft_list_anchor_at(this._p, at, s, out));
      return readAnchor(out);
    });
  }

  resolve(anchor) {
    return frame(() => outU32(M._weft_list_resolve, this._p, putAnchor(anchor)));
  }
}

// insertText(i) ... insertRegister(i): a new, empty container at index i;
// getText(i) ...: the container element i holds (type_mismatch otherwise).
for (const type of CONTAINER_TYPES.slice(1)) {
  const name = type[0].toUpperCase() + type.slice(1);
  const typed = (table) => function typedIndex(i) {
    return this._child(type, table[type], index(i));
  };
  List.prototype[`insert${name}`] = typed(INSERT);
  List.prototype[`get${name}`] = typed(GET);
}

defineContainer('list', List);
