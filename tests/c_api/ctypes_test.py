#!/usr/bin/env python3
# Copyright 2026 The weft Authors. MIT License.
#
# -----------------------------------------------------------------------------
# File: tests/c_api/ctypes_test.py
# -----------------------------------------------------------------------------
#
# The C ABI from Python through ctypes (standard library only), as any
# language with a C FFI would use it: two replicas edit, exchange updates as
# delta bytes through update callbacks, converge, and report errors as
# statuses. Usage: ctypes_test.py <path to libweft_c.so>

import ctypes as C
import json
import sys

if len(sys.argv) != 2:
    sys.exit("usage: ctypes_test.py <libweft_c.so>")
lib = C.CDLL(sys.argv[1])

WEFT_OK = 0
WEFT_ERR_OUT_OF_RANGE = 2
WEFT_ERR_DOC_FREED = 66
WEFT_VALUE_INT = 2
WEFT_VALUE_STRING = 4
WEFT_ORIGIN_REMOTE = 1
WEFT_ORIGIN_USER = 4


class Bytes(C.Structure):
    _fields_ = [("data", C.POINTER(C.c_uint8)), ("len", C.c_size_t)]


class Value(C.Structure):
    _fields_ = [("kind", C.c_int32), ("container_type", C.c_int32),
                ("integer", C.c_int64), ("real", C.c_double),
                ("data", C.c_void_p), ("len", C.c_size_t)]


p = C.c_void_p
status = C.c_int
UPDATE_FN = C.CFUNCTYPE(None, p, C.POINTER(C.c_uint8), C.c_size_t, C.c_int32,
                        C.c_char_p, C.c_size_t)
EVENT_FN = C.CFUNCTYPE(None, p, p)

signatures = {
    "weft_version_number": (C.c_int32, []),
    "weft_status_str": (C.c_char_p, [status]),
    "weft_last_error": (C.c_char_p, []),
    "weft_doc_new_with": (status, [C.c_uint64, C.c_char_p, C.c_size_t,
                                   C.POINTER(C.c_uint64), C.c_size_t, C.POINTER(p)]),
    "weft_doc_free": (None, [p]),
    "weft_doc_last_error": (C.c_char_p, [p]),
    "weft_doc_get_text": (status, [p, C.c_char_p, C.c_size_t, C.POINTER(p)]),
    "weft_doc_get_map": (status, [p, C.c_char_p, C.c_size_t, C.POINTER(p)]),
    "weft_doc_to_json": (status, [p, C.POINTER(Bytes)]),
    "weft_doc_apply": (status, [p, C.POINTER(C.c_uint8), C.c_size_t, C.c_char_p, C.c_size_t]),
    "weft_doc_delta_since": (status, [p, C.POINTER(C.c_uint8), C.c_size_t, C.POINTER(Bytes)]),
    "weft_doc_version": (status, [p, C.POINTER(Bytes)]),
    "weft_doc_observe_updates": (status, [p, UPDATE_FN, p, C.POINTER(p)]),
    "weft_doc_save": (status, [p, C.c_int32, C.POINTER(Bytes)]),
    "weft_doc_load": (status, [C.POINTER(C.c_uint8), C.c_size_t, C.c_uint64, C.c_char_p,
                               C.c_size_t, C.POINTER(C.c_uint64), C.c_size_t, C.POINTER(p)]),
    "weft_text_free": (None, [p]),
    "weft_text_insert": (status, [p, C.c_size_t, C.c_char_p, C.c_size_t]),
    "weft_text_erase": (status, [p, C.c_size_t, C.c_size_t]),
    "weft_text_to_string": (status, [p, C.POINTER(Bytes)]),
    "weft_text_observe": (status, [p, EVENT_FN, p, C.POINTER(p)]),
    "weft_event_to_json": (status, [p, C.c_uint32, C.POINTER(Bytes)]),
    "weft_map_free": (None, [p]),
    "weft_map_set": (status, [p, C.c_char_p, C.c_size_t, C.POINTER(Value)]),
    "weft_map_get": (status, [p, C.c_char_p, C.c_size_t, C.POINTER(Value)]),
    "weft_value_free": (None, [C.POINTER(Value)]),
    "weft_bytes_free": (None, [C.POINTER(Bytes)]),
    "weft_subscription_free": (None, [p]),
    "weft_presence_new": (status, [C.c_uint64, C.POINTER(C.c_uint64), C.c_size_t, C.POINTER(p)]),
    "weft_presence_free": (None, [p]),
    "weft_presence_set_field": (status, [p, C.c_int32, C.c_char_p, C.c_size_t, C.c_int64]),
    "weft_presence_take_updates": (status, [p, C.POINTER(Bytes)]),
    "weft_presence_apply": (status, [p, C.POINTER(C.c_uint8), C.c_size_t, C.c_int64]),
    "weft_presence_to_json": (status, [p, C.c_uint64, C.POINTER(Bytes)]),
}
for name, (res, args) in signatures.items():
    f = getattr(lib, name)
    f.restype = res
    f.argtypes = args


def ok(rc, doc=None):
    if rc != WEFT_OK:
        msg = lib.weft_doc_last_error(doc) if doc else lib.weft_last_error()
        raise AssertionError(f"{lib.weft_status_str(rc).decode()}: {msg.decode()}")


def take(b):
    """Copies an owned weft_bytes into Python bytes and frees it."""
    out = C.string_at(b.data, b.len)
    lib.weft_bytes_free(C.byref(b))
    return out


def as_u8(data):
    return (C.c_uint8 * len(data)).from_buffer_copy(data), len(data)


def new_doc(replica):
    d = p()
    ok(lib.weft_doc_new_with(replica, b"shared", 6, None, 0, C.byref(d)))
    return d


def doc_json(d):
    b = Bytes()
    ok(lib.weft_doc_to_json(d, C.byref(b)), d)
    return json.loads(take(b))


def main():
    assert lib.weft_version_number() >= 100  # 0.1.0
    a, b = new_doc(1), new_doc(2)
    outbox = {1: [], 2: []}

    # Each replica's update observer queues its deltas for the other.
    def make_update(into):
        def on_update(_ud, data, length, origin_kind, _tag, _tag_len):
            if origin_kind != WEFT_ORIGIN_REMOTE:  # don't echo what came in
                outbox[into].append(C.string_at(data, length))
        return UPDATE_FN(on_update)

    cb_a, cb_b = make_update(2), make_update(1)
    sub_a, sub_b = p(), p()
    ok(lib.weft_doc_observe_updates(a, cb_a, None, C.byref(sub_a)))
    ok(lib.weft_doc_observe_updates(b, cb_b, None, C.byref(sub_b)))

    events = []
    ev_cb = EVENT_FN(lambda _ud, ev: events.append(ev_json(ev)))

    def ev_json(ev):
        out = Bytes()
        ok(lib.weft_event_to_json(ev, 1, C.byref(out)))  # WEFT_JSON_UTF16
        return json.loads(take(out))

    ta, tb = p(), p()
    ok(lib.weft_doc_get_text(a, b"body", 4, C.byref(ta)), a)
    ok(lib.weft_doc_get_text(b, b"body", 4, C.byref(tb)), b)
    sub_ev = p()
    ok(lib.weft_text_observe(tb, ev_cb, None, C.byref(sub_ev)), b)

    hello = "héllo 😀".encode()
    ok(lib.weft_text_insert(ta, 0, hello, len(hello)), a)
    ok(lib.weft_text_insert(tb, 0, b"[b] ", 4), b)
    ma, mb = p(), p()
    ok(lib.weft_doc_get_map(a, b"meta", 4, C.byref(ma)), a)
    ok(lib.weft_doc_get_map(b, b"meta", 4, C.byref(mb)), b)
    title = b"notes"
    v = Value(WEFT_VALUE_STRING, 0, 0, 0.0, C.cast(C.c_char_p(title), C.c_void_p), len(title))
    ok(lib.weft_map_set(ma, b"title", 5, C.byref(v)), a)
    n = Value(WEFT_VALUE_INT, 0, 3, 0.0, None, 0)
    ok(lib.weft_map_set(mb, b"rev", 3, C.byref(n)), b)

    # Deliver both ways.
    for to, doc in ((1, a), (2, b)):
        for delta in outbox[to]:
            buf, length = as_u8(delta)
            ok(lib.weft_doc_apply(doc, buf, length, None, 0), doc)
        outbox[to].clear()

    ja, jb = doc_json(a), doc_json(b)
    assert ja == jb, (ja, jb)
    assert ja["meta"] == {"rev": 3, "title": "notes"}, ja
    # Concurrent inserts at 0: one whole run before the other, never mixed.
    assert ja["body"] in ("héllo 😀[b] ", "[b] héllo 😀"), ja
    # b saw its own insert and then a's, in UTF-16 units.
    assert events[0]["delta"] == [{"insert": "[b] "}], events
    assert events[-1]["origin"] == "remote", events
    inserted = [op["insert"] for e in events for op in e["delta"] if "insert" in op]
    assert "héllo 😀" in inserted, events

    out = Value()
    ok(lib.weft_map_get(mb, b"title", 5, C.byref(out)), b)
    assert out.kind == WEFT_VALUE_STRING and C.string_at(out.data, out.len) == b"notes"
    lib.weft_value_free(C.byref(out))

    # Errors are statuses with messages.
    rc = lib.weft_text_erase(ta, 100, 1)
    assert rc == WEFT_ERR_OUT_OF_RANGE, rc
    assert lib.weft_status_str(rc) == b"out_of_range"
    assert len(lib.weft_doc_last_error(a)) > 0

    # A catch-up by version, then a snapshot round trip.
    c = new_doc(3)
    vb = Bytes()
    ok(lib.weft_doc_version(c, C.byref(vb)), c)
    since = take(vb)
    buf, length = as_u8(since)
    delta = Bytes()
    ok(lib.weft_doc_delta_since(a, buf, length, C.byref(delta)), a)
    buf, length = as_u8(take(delta))
    ok(lib.weft_doc_apply(c, buf, length, b"catch-up", 8), c)
    assert doc_json(c) == ja
    snap = Bytes()
    ok(lib.weft_doc_save(c, 1, C.byref(snap)), c)  # state-only
    buf, length = as_u8(take(snap))
    d = p()
    ok(lib.weft_doc_load(buf, length, 4, None, 0, None, 0, C.byref(d)))
    assert doc_json(d) == ja

    # Presence: a announces a name, b reads it from the update bytes.
    pa, pb = p(), p()
    ok(lib.weft_presence_new(1, None, 0, C.byref(pa)))
    ok(lib.weft_presence_new(2, None, 0, C.byref(pb)))
    name = "Ada ✓".encode()
    ok(lib.weft_presence_set_field(pa, 1, name, len(name), 0))  # WEFT_PRESENCE_NAME
    upd = Bytes()
    ok(lib.weft_presence_take_updates(pa, C.byref(upd)))
    buf, length = as_u8(take(upd))
    assert length > 0
    ok(lib.weft_presence_apply(pb, buf, length, 5))
    entry = Bytes()
    ok(lib.weft_presence_to_json(pb, 1, C.byref(entry)))
    seen = json.loads(take(entry))
    assert seen["name"] == "Ada ✓" and seen["cursor"] is None, seen
    lib.weft_presence_free(pa)
    lib.weft_presence_free(pb)

    # Handles outlive their document safely.
    lib.weft_doc_free(a)
    assert lib.weft_text_insert(ta, 0, b"x", 1) == WEFT_ERR_DOC_FREED

    for s in (sub_a, sub_b, sub_ev):
        lib.weft_subscription_free(s)
    lib.weft_text_free(ta)
    lib.weft_text_free(tb)
    lib.weft_map_free(ma)
    lib.weft_map_free(mb)
    for doc in (b, c, d):
        lib.weft_doc_free(doc)
    lib.weft_doc_free(None)
    print("ctypes_test: ok")


main()
