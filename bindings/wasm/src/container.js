// Copyright 2026 The weft Authors. MIT License.
//
// container.js: what the five container wrappers (Text, Map, List, Counter,
// Register) share, Subscription, and `wrap`, which makes the wrapper of a
// C container handle by type. The subclasses register themselves here, so
// that a map can hand out a list without the modules importing each other.

import { readEvent, readEvents } from './events.js';
import { OPS } from './ops.js';
import {
  Handle, M, T, ERR_DOC_FREED, ERR_INVALID_ARGUMENT, fail, outBool, outHandle, outOwned,
  outString, register, unregister,
} from './runtime.js';

const classes = {};

/** defineContainer registers the wrapper class of a container type. */
export function defineContainer(type, cls) {
  classes[type] = cls;
}

/** wrap makes the wrapper of C container handle `ptr` of `type`. */
export function wrap(type, ptr, doc) {
  return new classes[type](ptr, doc);
}

/** checkFn refuses a callback that is not a function. */
export function checkFn(fn, what = 'callback') {
  if (typeof fn !== 'function') fail(ERR_INVALID_ARGUMENT, `${what} must be a function`);
}

/**
 * Subscription is an observer registration. It lives until free() (or
 * unsubscribe()), or until its document (presence, session) is freed; it
 * is not collected with the wrapper, so an observer keeps running even if
 * the subscription object is dropped.
 */
export class Subscription extends Handle {
  constructor(ptr, owner, id) {
    super(ptr, M._weft_subscription_free, owner);
    this._own(id);
  }

  /** Whether the observer is still registered. */
  get active() {
    return !this.freed && M._weft_subscription_active(this._rec.ptr) !== 0;
  }

  unsubscribe() {
    this.free();
  }
}

// Adapters are made by functions of their own, so that the closure the
// callback table keeps holds the user's function and nothing else: a
// closure made inside a method would share the method's context, and with
// it the wrapper, which could then never be collected.
function eventAdapter(fn) {
  return (ev) => fn(readEvent(ev));
}
function deepAdapter(fn) {
  return (evs, n) => fn(readEvents(evs, n >>> 0));
}

/**
 * subscribe registers `adapter` (called with the trampoline's arguments),
 * makes the C subscription with `make(id)` and returns its wrapper, owned
 * by `owner`.
 */
export function subscribe(owner, adapter, make) {
  // A subscription ends with its owner: made after the owner was freed (the
  // C document may live on in a sync session), it would never be released.
  if (owner.freed) {
    fail(ERR_DOC_FREED, `cannot subscribe: this ${owner.constructor.name} was freed`);
  }
  const id = register(adapter);
  let ptr;
  try {
    ptr = make(id);
  } catch (e) {
    unregister(id);
    throw e;
  }
  return new Subscription(ptr, owner, id);
}

/** Container is the base of Text, Map, List, Counter and Register. */
export class Container extends Handle {
  constructor(type, ptr, doc) {
    super(ptr, OPS[type].free);
    this._ops = OPS[type];
    this._type = type;
    /** The document (Doc) the container belongs to. */
    this.doc = doc;
  }

  /** The container type: 'text', 'map', 'list', 'counter' or 'register'. */
  get type() {
    return this._type;
  }

  /** toJSON renders the container's state (nested containers included). */
  toJSON() {
    return JSON.parse(outString(this._ops.toJson, this._p));
  }

  /**
   * path: the steps from a root, e.g. ['board', 'title'] or ['items', 2];
   * null once the container is detached (overwritten or removed).
   */
  path() {
    return JSON.parse(outString(this._ops.path, this._p));
  }

  /** equals: whether `other` names the same container. */
  equals(other) {
    if (!(other instanceof Container) || other._ops !== this._ops) return false;
    return outBool(this._ops.equal, this._p, other._p);
  }

  /** observe calls fn(event) after each transaction that changed this container. */
  observe(fn) {
    checkFn(fn);
    return subscribe(this.doc, eventAdapter(fn),
      (id) => outHandle(this._ops.observe, this._p, T.event, id));
  }

  /**
   * observeDeep calls fn(events) after each transaction that changed this
   * container or anything nested in it (a parent's events first).
   */
  observeDeep(fn) {
    checkFn(fn);
    return subscribe(this.doc, deepAdapter(fn),
      (id) => outHandle(this._ops.observeDeep, this._p, T.deep, id));
  }

  // _child makes a wrapper for a container handle that `fn(this, ...args,
  // out)` returns.
  _child(type, fn, ...args) {
    return wrap(type, outOwned(OPS[type].free, fn, this._p, ...args), this.doc);
  }
}
