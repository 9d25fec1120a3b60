#include "consumer/scan_workers.h"

#include <algorithm>
#include <new>
#include <utility>

namespace hashsieve::consumer {

ScanWorkers::ScanWorkers(const Scanner& scanner, MessagePolicy policy, int threads)
    : scanner_(scanner), policy_(std::move(policy)) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { work(); });
}

ScanWorkers::~ScanWorkers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    queue_.clear();
  }
  has_work_.notify_all();
  for (auto& t : threads_) t.join();
}

void ScanWorkers::submit(std::vector<StreamMessage> messages) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& m : messages) queue_.push_back(std::move(m));
  }
  has_work_.notify_all();
}

std::vector<Result<MessageOutcome>> ScanWorkers::take(size_t want, size_t refill_below,
                                                      std::chrono::steady_clock::time_point until) {
  std::unique_lock<std::mutex> lock(mu_);
  if (want > 0)
    has_outcome_.wait_until(lock, until, [&] {
      return done_.size() >= want || queue_.size() < refill_below || (queue_.empty() && scanning_ == 0);
    });
  std::vector<Result<MessageOutcome>> out;
  out.swap(done_);
  return out;
}

size_t ScanWorkers::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t ScanWorkers::in_hand() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size() + scanning_ + done_.size();
}

void ScanWorkers::work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    has_work_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (closing_) return;
    StreamMessage m = std::move(queue_.front());
    queue_.pop_front();
    ++scanning_;
    lock.unlock();
    Result<MessageOutcome> outcome = Status(StatusCode::kInternal, "out of memory for the result of message " + m.id);
    try {
      outcome = scan_message(scanner_, m, policy_);
    } catch (const std::bad_alloc&) {  // the result line's: this message stays unacknowledged
    }
    lock.lock();
    --scanning_;
    done_.push_back(std::move(outcome));
    has_outcome_.notify_all();
  }
}

}  // namespace hashsieve::consumer
