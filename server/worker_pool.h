// The connection workers: a fixed number of threads and a bounded queue of accepted
// connections. A connection that finds the queue full is not queued: it is handed to one
// shedding thread (or, when that one is behind too, handled on the accepting thread) with
// `shedding()` set, and the service answers its request 503 + Retry-After at once. Nothing
// grows without bound however many clients connect.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hashsieve::server {

class WorkerPool : public httplib::TaskQueue {
 public:
  WorkerPool(size_t threads, size_t queue_limit);
  ~WorkerPool() override;
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;  // runs what is queued, then joins

  // True on a thread that is handling a connection which found the workers saturated.
  static bool shedding();

 private:
  void work(bool shed);
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_, shed_jobs_;
  size_t capacity_;   // workers + queue slots
  size_t busy_ = 0;   // connections the workers are handling
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hashsieve::server
