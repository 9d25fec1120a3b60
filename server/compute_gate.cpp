#include "server/compute_gate.h"

namespace hashsieve::server {

void ComputeGate::enter() {
  std::unique_lock<std::mutex> lock(mu_);
  if (inside_ < limit_ && waiting_.empty()) {
    ++inside_;
    return;
  }
  Waiter me;
  waiting_.push_back(&me);
  me.cv.wait(lock, [&] { return me.admitted; });  // the place of a leaving request is now ours
}

void ComputeGate::leave() {
  std::lock_guard<std::mutex> lock(mu_);
  if (waiting_.empty()) {
    --inside_;
    return;
  }
  // Hand the place straight to the oldest waiter: one wake-up, and nobody arriving now overtakes it.
  Waiter* next = waiting_.front();
  waiting_.pop_front();
  next->admitted = true;
  next->cv.notify_one();  // under the lock: `next` lives on a stack that may unwind once it is released
}

size_t ComputeGate::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_.size();
}

}  // namespace hashsieve::server
