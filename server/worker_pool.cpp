#include "server/worker_pool.h"

namespace hashsieve::server {
namespace {

thread_local bool t_shedding = false;
constexpr size_t kShedQueueLimit = 64;

}  // namespace

bool WorkerPool::shedding() { return t_shedding; }

WorkerPool::WorkerPool(size_t threads, size_t queue_limit) : capacity_(threads + queue_limit) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(false); });
  threads_.emplace_back([this] { work(true); });
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::enqueue(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  // Busy workers count with the queued connections, so whether a connection is shed does not
  // depend on how soon a woken worker took the previous one off the queue.
  if (jobs_.size() + busy_ < capacity_) {
    jobs_.push_back(std::move(fn));
  } else if (shed_jobs_.size() < kShedQueueLimit) {
    shed_jobs_.push_back(std::move(fn));
  } else {
    lock.unlock();
    t_shedding = true;  // the accepting thread answers this one itself: bounded by the read timeout
    fn();
    t_shedding = false;
    return;
  }
  lock.unlock();
  cv_.notify_all();
}

void WorkerPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ && threads_.empty()) return;
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void WorkerPool::work(bool shed) {
  t_shedding = shed;
  auto& mine = shed ? shed_jobs_ : jobs_;
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !mine.empty(); });
      if (mine.empty()) return;  // stopping and drained
      job = std::move(mine.front());
      mine.pop_front();
      if (!shed) ++busy_;
    }
    job();
    if (!shed) {
      std::lock_guard<std::mutex> lock(mu_);
      --busy_;
    }
  }
}

}  // namespace hashsieve::server
