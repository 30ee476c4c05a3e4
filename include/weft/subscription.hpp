// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: subscription.hpp
// -----------------------------------------------------------------------------
//
// A subscription keeps an observer registered: destroying it (or calling
// reset) unregisters the observer. It may outlive the document it came from;
// resetting it then does nothing.

#ifndef WEFT_SUBSCRIPTION_HPP_
#define WEFT_SUBSCRIPTION_HPP_

#include <cstdint>
#include <memory>

namespace weft {

namespace internal {
class observer_registry;
}  // namespace internal

class [[nodiscard]] subscription {
 public:
  subscription() = default;
  subscription(std::weak_ptr<internal::observer_registry> registry,
               std::uint64_t id) noexcept
      : registry_(std::move(registry)), id_(id) {}
  ~subscription() { reset(); }

  subscription(subscription&& other) noexcept
      : registry_(std::move(other.registry_)), id_(other.id_) {
    other.id_ = 0;
  }
  subscription& operator=(subscription&& other) noexcept {
    if (this != &other) {
      reset();
      registry_ = std::move(other.registry_);
      id_ = other.id_;
      other.id_ = 0;
    }
    return *this;
  }
  subscription(const subscription&) = delete;
  subscription& operator=(const subscription&) = delete;

  // active reports whether the observer is still registered.
  bool active() const noexcept { return id_ != 0 && !registry_.expired(); }
  // reset unregisters the observer now.
  void reset() noexcept;

 private:
  std::weak_ptr<internal::observer_registry> registry_;
  std::uint64_t id_ = 0;
};

}  // namespace weft

#endif  // WEFT_SUBSCRIPTION_HPP_
