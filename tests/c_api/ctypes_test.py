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
# statuses; then two documents and a presence sync through a client and a
# server sync session joined by in-memory queues, and the server reads the
# client's presence. Usage: ctypes_test.py <path to libweft_c.so>

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
SEND_FN = C.CFUNCTYPE(None, p, C.POINTER(C.c_uint8), C.c_size_t)
NOTIFY_FN = C.CFUNCTYPE(None, p)
STATE_FN = C.CFUNCTYPE(None, p, C.c_int32)
WEFT_SYNC_CLIENT, WEFT_SYNC_SERVER = 0, 1
WEFT_SYNC_LIVE = 3
WEFT_SYNC_ROLE_WRITE = 2
WEFT_SYNC_OPT_BACKOFF_SEED = 71

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
    "weft_sync_state_str": (C.c_char_p, [C.c_int32]),
    "weft_sync_options_new": (status, [C.c_int32, C.POINTER(p)]),
    "weft_sync_options_free": (None, [p]),
    "weft_sync_options_set": (status, [p, C.c_int32, C.c_uint64]),
    "weft_sync_options_set_credentials": (status, [p, C.c_char_p, C.c_size_t]),
    "weft_sync_session_new": (status, [p, C.POINTER(p)]),
    "weft_sync_session_free": (None, [p]),
    "weft_sync_session_last_error": (C.c_char_p, [p]),
    "weft_sync_session_set_send": (status, [p, SEND_FN, p]),
    "weft_sync_session_set_connect": (status, [p, NOTIFY_FN, p]),
    "weft_sync_session_set_state": (status, [p, STATE_FN, p]),
    "weft_sync_session_add_doc": (status, [p, p, p]),
    "weft_sync_session_start": (status, [p, C.c_int64]),
    "weft_sync_session_connected": (status, [p, C.c_int64]),
    "weft_sync_session_receive": (status, [p, C.POINTER(C.c_uint8), C.c_size_t, C.c_int64]),
    "weft_sync_session_tick": (status, [p, C.c_int64]),
    "weft_sync_session_state": (status, [p, C.POINTER(C.c_int32)]),
    "weft_sync_session_role": (status, [p, C.c_char_p, C.c_size_t, C.POINTER(C.c_int32)]),
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


def sync_two_docs():
    """Two documents and a presence through a client and a server session."""
    ids = (b"notes", b"todo")

    def docs_of(replica):
        out = []
        for i in ids:
            d = p()
            ok(lib.weft_doc_new_with(replica, i, len(i), None, 0, C.byref(d)))
            out.append(d)
        return out

    def insert(d, text):
        t = p()
        ok(lib.weft_doc_get_text(d, b"body", 4, C.byref(t)), d)
        ok(lib.weft_text_insert(t, 0, text, len(text)), d)
        lib.weft_text_free(t)

    client_docs, server_docs = docs_of(10), docs_of(20)
    insert(client_docs[0], "ça va".encode())
    insert(client_docs[1], b"milk")
    insert(server_docs[1], b"eggs ")
    client_presence, server_presence = p(), p()
    ok(lib.weft_presence_new(10, None, 0, C.byref(client_presence)))
    ok(lib.weft_presence_new(20, None, 0, C.byref(server_presence)))
    name = "Grace ✓".encode()
    ok(lib.weft_presence_set_field(client_presence, 1, name, len(name), 0))  # NAME

    def session(side, docs, presence):
        o, s = p(), p()
        ok(lib.weft_sync_options_new(side, C.byref(o)))
        ok(lib.weft_sync_options_set(o, WEFT_SYNC_OPT_BACKOFF_SEED, 3))
        ok(lib.weft_sync_options_set_credentials(o, b"token", 5))
        ok(lib.weft_sync_session_new(o, C.byref(s)))
        lib.weft_sync_options_free(o)
        for i, d in enumerate(docs):
            ok(lib.weft_sync_session_add_doc(s, d, presence if i == 0 else None))
        return s

    client = session(WEFT_SYNC_CLIENT, client_docs, client_presence)
    server = session(WEFT_SYNC_SERVER, server_docs, server_presence)
    up, down, asked, states = [], [], [], []
    # ctypes callbacks must stay referenced while the sessions may call them.
    callbacks = [
        SEND_FN(lambda _ud, data, n: up.append(C.string_at(data, n))),
        SEND_FN(lambda _ud, data, n: down.append(C.string_at(data, n))),
        NOTIFY_FN(lambda _ud: asked.append(True)),
        STATE_FN(lambda _ud, st: states.append(lib.weft_sync_state_str(st).decode())),
    ]
    ok(lib.weft_sync_session_set_send(client, callbacks[0], None))
    ok(lib.weft_sync_session_set_send(server, callbacks[1], None))
    ok(lib.weft_sync_session_set_connect(client, callbacks[2], None))
    ok(lib.weft_sync_session_set_state(client, callbacks[3], None))

    now = 1000
    ok(lib.weft_sync_session_start(client, now))
    assert asked == [True], asked  # the client asks the transport to connect
    ok(lib.weft_sync_session_connected(server, now))
    ok(lib.weft_sync_session_connected(client, now))
    for _ in range(30):
        now += 10
        ok(lib.weft_sync_session_tick(client, now))
        ok(lib.weft_sync_session_tick(server, now))
        while up or down:
            for queue, to in ((up, server), (down, client)):
                while queue:
                    buf, length = as_u8(queue.pop(0))
                    ok(lib.weft_sync_session_receive(to, buf, length, now))
    state = C.c_int32()
    ok(lib.weft_sync_session_state(client, C.byref(state)))
    assert state.value == WEFT_SYNC_LIVE and states[-1] == "live", states
    role = C.c_int32()
    ok(lib.weft_sync_session_role(client, b"todo", 4, C.byref(role)))
    assert role.value == WEFT_SYNC_ROLE_WRITE

    for c, sv in zip(client_docs, server_docs):
        assert doc_json(c) == doc_json(sv), (doc_json(c), doc_json(sv))
    assert doc_json(server_docs[0])["body"] == "ça va"
    todo = doc_json(client_docs[1])["body"]
    assert todo in ("eggs milk", "milkeggs "), todo  # concurrent inserts at 0

    # The server reads the client's presence, carried by the session.
    entry = Bytes()
    ok(lib.weft_presence_to_json(server_presence, 10, C.byref(entry)))
    seen = json.loads(take(entry))
    assert seen["name"] == "Grace ✓", seen

    # Garbage is refused with a status and a message, and applies nothing.
    buf, length = as_u8(b"\x00garbage")
    assert lib.weft_sync_session_receive(client, buf, length, now) != WEFT_OK
    assert len(lib.weft_sync_session_last_error(client)) > 0
    assert doc_json(client_docs[0]) == doc_json(server_docs[0])

    lib.weft_sync_session_free(client)
    lib.weft_sync_session_free(server)
    for d in client_docs + server_docs:
        lib.weft_doc_free(d)
    lib.weft_presence_free(client_presence)
    lib.weft_presence_free(server_presence)


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

    sync_two_docs()
    print("ctypes_test: ok")


main()
