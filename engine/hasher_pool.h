// Hashers (and their scratch buffers) lent to calls and taken back, at most `max_idle` kept
// between calls: memory stays bounded under thread-per-request servers, where per-thread storage
// would keep one hasher for every thread that ever scanned. Internal to the engine.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "hashsieve/pdq.h"

namespace hashsieve {

class HasherPool {
 public:
  // `options` must already be valid (PdqHasher::Create succeeded with them).
  HasherPool(const PdqOptions& options, size_t max_idle) : options_(options), max_idle_(max_idle) {
    idle_.reserve(max_idle_);  // so that give_back never allocates
  }

  class Lease {
   public:
    Lease(HasherPool& pool, std::unique_ptr<PdqHasher> hasher) : pool_(pool), hasher_(std::move(hasher)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(hasher_)); }
    PdqHasher& operator*() const noexcept { return *hasher_; }

   private:
    HasherPool& pool_;
    std::unique_ptr<PdqHasher> hasher_;
  };

  // May throw std::bad_alloc (callers run under the exception firewall).
  Lease borrow() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        auto h = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(h));
      }
    }
    return Lease(*this, std::make_unique<PdqHasher>(std::move(*PdqHasher::Create(options_))));
  }

  size_t idle() const {
    std::lock_guard<std::mutex> lock(mu_);
    return idle_.size();
  }

 private:
  void give_back(std::unique_ptr<PdqHasher> h) noexcept {
    if (!h) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < max_idle_ && idle_.capacity() > idle_.size()) idle_.push_back(std::move(h));
    // else: dropped here, its scratch freed
  }

  PdqOptions options_;
  size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<PdqHasher>> idle_;
};

}  // namespace hashsieve
