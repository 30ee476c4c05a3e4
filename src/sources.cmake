# The compiled parts of the weft library, relative to the source root.
# Kept in one list so that the native, sanitizer and wasm builds agree.
set(WEFT_SOURCES
  src/assert.cpp
  src/result.cpp
  src/op_id.cpp
  src/lamport_clock.cpp
  src/version_vector.cpp
  src/id_set.cpp
  src/text_delta.cpp
  src/text.cpp
  src/text_apply.cpp
  src/doc/container.cpp
  src/doc/counter_ref.cpp
  src/doc/doc.cpp
  src/doc/doc_apply.cpp
  src/doc/doc_apply_plan.cpp
  src/doc/doc_delta.cpp
  src/doc/doc_edits.cpp
  src/doc/doc_events.cpp
  src/doc/doc_impl.cpp
  src/doc/doc_snapshot.cpp
  src/doc/json.cpp
  src/doc/list_ref.cpp
  src/doc/map_ref.cpp
  src/doc/register_ref.cpp
  src/doc/text_ref.cpp
  src/doc/tombstones.cpp
  src/doc/undo_manager.cpp
  src/doc/value.cpp
  src/internal/id_map.cpp
  src/internal/op_log.cpp
  src/internal/sequence.cpp
  src/internal/sequence_rebuild.cpp
  src/internal/sequence_tree.cpp
  src/internal/utf8.cpp
  src/wire/column.cpp
  src/wire/delta_decode.cpp
  src/wire/delta_encode.cpp
  src/wire/envelope.cpp
  src/wire/snapshot.cpp
  src/wire/wire.cpp
)

# Sync: sessions, presence, storage. Listed by name; a part not yet in the
# tree is skipped so that the list can lead the code by a commit.
foreach(f IN ITEMS
    src/sync/presence.cpp
    src/sync/storage.cpp
    src/sync/file_storage.cpp
    src/sync/persistence.cpp
    src/sync/backoff.cpp
    src/sync/token_bucket.cpp
    src/sync/message.cpp
    src/sync/session.cpp
    src/sync/session_handshake.cpp
    src/sync/session_receive.cpp
    src/sync/session_send.cpp
    src/sync/relay.cpp
    src/sync/chunk.cpp
    src/testing/simulator.cpp
    src/testing/sim_network.cpp
    src/testing/sim_process.cpp
    src/testing/sim_workload.cpp)
  if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/../${f})
    list(APPEND WEFT_SOURCES ${f})
  endif()
endforeach()
