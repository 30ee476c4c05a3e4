// Copyright 2026 The weft Authors. MIT License.
//
// scalars.js: the two single-value containers. Counter, a replicated int64
// that concurrent adds sum into; Register, one value, last writer wins
// (getAll also returns the concurrent losers).

import { Container, defineContainer } from './container.js';
import { VALUE_SIZE, putValue, takeValue, takeValueList } from './layout.js';
import { M, ERR_NOT_FOUND, alloc, check, frame, int64, outI64 } from './runtime.js';

export class Counter extends Container {
  constructor(ptr, doc) {
    super('counter', ptr, doc);
  }

  /** The value: a number, or a bigint past 2^53. */
  get value() {
    return outI64(M._weft_counter_value, this._p);
  }

  /** add adds `delta` (an integer or bigint; an overflowing add is refused). */
  add(delta = 1) {
    check(M._weft_counter_add(this._p, int64(delta, 'delta')));
  }
}

export class Register extends Container {
  constructor(ptr, doc) {
    super('register', ptr, doc);
  }

  /** get returns the winning value, or undefined when there is none. */
  get() {
    return frame(() => {
      const v = alloc(VALUE_SIZE);
      const status = M._weft_register_get(this._p, v);
      if (status === ERR_NOT_FOUND) return undefined;
      check(status);
      return takeValue(v);
    });
  }

  /** getAll returns every concurrent value, the winner first. */
  getAll() {
    return frame(() => {
      const list = alloc(8);
      check(M._weft_register_get_all(this._p, list));
      return takeValueList(list);
    });
  }

  /** set writes a scalar value. */
  set(value) {
    frame(() => check(M._weft_register_set(this._p, putValue(value))));
  }

  /** clear removes the value. */
  clear() {
    check(M._weft_register_clear(this._p));
  }
}

defineContainer('counter', Counter);
defineContainer('register', Register);
