// Copyright 2026 The weft Authors. MIT License.
//
// text.js: Text, a replicated plain-text sequence. Positions and lengths
// are in UTF-16 code units, as JS strings count them (the C API counts
// code points: edits use its _utf16 entry points, the rest convert with
// weft_text_from_utf16 / weft_text_to_utf16). A position inside a surrogate pair is refused
// (not_char_boundary).

import { Container, defineContainer } from './container.js';
import { ANCHOR_SIZE, putAnchor, readAnchor, sideOf } from './layout.js';
import {
  M, ERR_CAPACITY_EXCEEDED, ERR_INVALID_ARGUMENT, alloc, check, checkString, describe, fail, frame,
  index, outString, outU32, putString, scratchString, strLen,
} from './runtime.js';

export class Text extends Container {
  constructor(ptr, doc) {
    super('text', ptr, doc);
  }

  /** The length in UTF-16 code units (JS string length). */
  get length() {
    return outU32(M._weft_text_size_utf16, this._p);
  }

  /** The length in Unicode code points. */
  get codePointLength() {
    return outU32(M._weft_text_size, this._p);
  }

  toString() {
    return outString(M._weft_text_to_string, this._p);
  }

  /** insert puts `text` at UTF-16 position `index`. */
  insert(index_, text) {
    const p = this._p;
    const at = index(index_, 'index');
    // The hot path: the string in the scratch block, one call.
    const str = scratchString(text, 'text');
    if (str !== 0) {
      check(M._weft_text_insert_utf16(p, at, str, strLen));
      return;
    }
    frame(() => {
      const s = putString(text, 'text');
      check(M._weft_text_insert_utf16(p, at, s, strLen));
    });
  }

  /** delete removes `length` UTF-16 code units from `index`. */
  delete(index_, length) {
    const from = index(index_, 'index');
    const n = index(length, 'length');
    index(from + n, 'end');
    check(M._weft_text_erase_utf16(this._p, from, n));
  }

  /** slice copies UTF-16 range [start, end) (end defaults to the end). */
  slice(start = 0, end) {
    const p = this._p;
    const a = this.toCodePoint(start);
    const b = end === undefined ? this.codePointLength : this.toCodePoint(end);
    if (b <= a) return '';
    return outString(M._weft_text_slice, p, a, b - a);
  }

  /** toCodePoint converts a UTF-16 position to a code point position. */
  toCodePoint(index_) {
    return outU32(M._weft_text_from_utf16, this._p, index(index_, 'index'));
  }

  /** toUtf16 converts a code point position to a UTF-16 position. */
  toUtf16(codePoint) {
    return outU32(M._weft_text_to_utf16, this._p, index(codePoint, 'code point position'));
  }

  /**
   * anchorAt makes a stable cursor at UTF-16 position `index`, sticking to
   * the character on its `side` ('left' or 'right'); resolve(anchor) gives
   * its position after any edits, local or remote.
   */
  anchorAt(index_, side = 'left') {
    const s = sideOf(side);
    const cp = this.toCodePoint(index_);
    return frame(() => {
      const out = alloc(ANCHOR_SIZE);
      check(M._weft_text_anchor_at(this._p, cp, s, out));
      return readAnchor(out);
    });
  }

  resolve(anchor) {
    const cp = frame(() => outU32(M._weft_text_resolve, this._p, putAnchor(anchor)));
    return this.toUtf16(cp);
  }

  /**
   * applyDelta applies a Quill delta ([{ retain: n }, { insert: 'text' },
   * { delete: n }], UTF-16 lengths) as one transaction. The whole delta is
   * checked first (shapes, lengths, surrogate pairs), so a bad one throws
   * and changes nothing.
   */
  applyDelta(delta) {
    if (!Array.isArray(delta)) fail(ERR_INVALID_ARGUMENT, 'a delta must be an array of ops');
    const ops = [];
    let orig = 0;
    let cp = 0; // code point position of orig
    let need = 0; // ops the delta makes: code points inserted and deleted
    for (const op of delta) {
      if (op === null || typeof op !== 'object') fail(ERR_INVALID_ARGUMENT, `a delta op must be an object, not ${describe(op)}`);
      let deleting = false;
      if (typeof op.insert === 'string') {
        checkString(op.insert, 'insert');
        ops.push([INSERT, op.insert]);
        need += codePoints(op.insert);
      } else if (op.delete !== undefined) {
        orig += index(op.delete, 'delete');
        ops.push([DELETE, op.delete]);
        deleting = true;
      } else if (op.retain !== undefined) {
        orig += index(op.retain, 'retain');
        ops.push([RETAIN, op.retain]);
      } else {
        fail(ERR_INVALID_ARGUMENT, `a delta op is {retain}, {insert: string} or {delete}, not ${describe(op)}`);
      }
      // Every boundary must be a position of the text as it is now.
      const next = this.toCodePoint(orig);
      if (deleting) need += next - cp;
      cp = next;
    }
    // All or nothing: a delta the document has no room for is refused
    // before its first op, not part way.
    const max = this.doc.getOption('maxOps');
    const have = this.doc.opCount;
    if (typeof max === 'number' && typeof have === 'number' && need > max - Math.min(have, max)) {
      fail(ERR_CAPACITY_EXCEEDED,
        `document holds ${have} ops; the delta's ${need} more exceed its limit of ${max}`);
    }
    this.doc.transact(() => {
      let pos = 0;
      for (const [kind, arg] of ops) {
        if (kind === INSERT) {
          this.insert(pos, arg);
          pos += arg.length;
        } else if (kind === DELETE) {
          this.delete(pos, arg);
        } else {
          pos += arg;
        }
      }
    });
  }
}

// codePoints counts the code points of a well-formed string.
function codePoints(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

const RETAIN = 0;
const INSERT = 1;
const DELETE = 2;

defineContainer('text', Text);
