// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: weft.hpp
// -----------------------------------------------------------------------------
//
// The facade: including it gives the whole public C++ API of weft. Each
// concept also has its own header for users who want less.

#ifndef WEFT_WEFT_HPP_
#define WEFT_WEFT_HPP_

#include "weft/anchor.hpp"         // IWYU pragma: export
#include "weft/container.hpp"      // IWYU pragma: export
#include "weft/counter_ref.hpp"    // IWYU pragma: export
#include "weft/doc.hpp"            // IWYU pragma: export
#include "weft/doc_delta.hpp"      // IWYU pragma: export
#include "weft/event.hpp"          // IWYU pragma: export
#include "weft/id_set.hpp"         // IWYU pragma: export
#include "weft/lamport_clock.hpp"  // IWYU pragma: export
#include "weft/list_ref.hpp"       // IWYU pragma: export
#include "weft/map_ref.hpp"        // IWYU pragma: export
#include "weft/op_id.hpp"          // IWYU pragma: export
#include "weft/origin.hpp"         // IWYU pragma: export
#include "weft/presence.hpp"       // IWYU pragma: export
#include "weft/register_ref.hpp"   // IWYU pragma: export
#include "weft/result.hpp"         // IWYU pragma: export
#include "weft/snapshot.hpp"       // IWYU pragma: export
#include "weft/subscription.hpp"   // IWYU pragma: export
#include "weft/sync/backoff.hpp"         // IWYU pragma: export
#include "weft/sync/file_storage.hpp"    // IWYU pragma: export
#include "weft/sync/message.hpp"         // IWYU pragma: export
#include "weft/sync/persistence.hpp"     // IWYU pragma: export
#include "weft/sync/relay.hpp"           // IWYU pragma: export
#include "weft/sync/session.hpp"         // IWYU pragma: export
#include "weft/sync/storage.hpp"         // IWYU pragma: export
#include "weft/sync/token_bucket.hpp"    // IWYU pragma: export
#include "weft/text.hpp"           // IWYU pragma: export
#include "weft/text_change.hpp"    // IWYU pragma: export
#include "weft/text_delta.hpp"     // IWYU pragma: export
#include "weft/text_ref.hpp"       // IWYU pragma: export
#include "weft/undo_manager.hpp"   // IWYU pragma: export
#include "weft/value.hpp"          // IWYU pragma: export
#include "weft/version.hpp"        // IWYU pragma: export
#include "weft/version_vector.hpp" // IWYU pragma: export
#include "weft/wire.hpp"           // IWYU pragma: export

#endif  // WEFT_WEFT_HPP_
