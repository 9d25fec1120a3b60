// Cooperative cancellation of scans: the caller keeps the token and may cancel it from any thread;
// scans that were given it stop at the next check (between stages, and every 16 decoded rows of a
// JPEG) and report StatusCode::kCancelled.
#pragma once

#include <atomic>

namespace hashsieve {

class CancelToken {
 public:
  void cancel() noexcept { cancelled_.store(true, std::memory_order_release); }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace hashsieve
