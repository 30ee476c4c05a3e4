// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: op_id.hpp
// -----------------------------------------------------------------------------
//
// Identity of replicas and operations. Every operation a replica makes, an
// insert of one character or a delete of one, consumes the next sequence
// number of that replica, so `op_id{replica, seq}` names exactly one operation
// and a version vector (how many ops of each replica were seen) names exactly
// a set of operations.

#ifndef WEFT_OP_ID_HPP_
#define WEFT_OP_ID_HPP_

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace weft {

// replica_id names one replica (one process or device editing a document).
// It is a strong type so that it cannot be confused with a sequence number.
enum class replica_id : std::uint64_t {};

// random_replica_id returns a replica id drawn from a non-deterministic source.
replica_id random_replica_id();

// seq_t counts the operations of one replica, starting at 0.
using seq_t = std::uint64_t;

// max_seq is the largest sequence number a replica may use. One value is kept
// back so that "count of ops seen" (max_seq + 1) is still representable.
inline constexpr seq_t max_seq = std::numeric_limits<seq_t>::max() - 1;

// op_id names one operation: the `seq`-th operation of `replica`.
struct op_id {
  replica_id replica{};
  seq_t seq = 0;

  friend constexpr bool operator==(const op_id&, const op_id&) = default;
  friend constexpr auto operator<=>(const op_id&, const op_id&) = default;
};

// id_range is the half-open run of operations [begin, end) of one replica.
struct id_range {
  replica_id replica{};
  seq_t begin = 0;
  seq_t end = 0;

  constexpr seq_t size() const noexcept { return end - begin; }
  constexpr bool empty() const noexcept { return end <= begin; }
  constexpr bool contains(op_id id) const noexcept {
    return id.replica == replica && id.seq >= begin && id.seq < end;
  }

  friend constexpr bool operator==(const id_range&, const id_range&) = default;
};

}  // namespace weft

template <>
struct std::hash<weft::op_id> {
  std::size_t operator()(const weft::op_id& id) const noexcept {
    const auto r = static_cast<std::uint64_t>(id.replica);
    return std::hash<std::uint64_t>{}(r * 0x9E3779B97F4A7C15ull ^ id.seq);
  }
};

#endif  // WEFT_OP_ID_HPP_
