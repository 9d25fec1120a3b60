// Bounds how many requests search the index at once, first come first served.
//
// A keep-alive connection holds a worker thread, so 64 clients mean 64 threads that all want
// the CPU for an index search. With many more searches than cores the scheduler time-slices them:
// every search pays the others' cache and TLB misses, a request can wait several slices behind
// the rest (the p99), and the thread that builds the next index generation gets a small share of
// the cores. Past the gate's limit a request waits its turn in arrival order instead. A wait is
// a sleep and a wake-up from another core, so the limit is a few places a core, not one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace hashsieve::server {

class ComputeGate {
 public:
  explicit ComputeGate(size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  // Holds one of the gate's places for its lifetime.
  class Pass {
   public:
    explicit Pass(ComputeGate& gate) : gate_(gate) { gate_.enter(); }
    ~Pass() { gate_.leave(); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    ComputeGate& gate_;
  };

  size_t limit() const noexcept { return limit_; }
  size_t waiting() const;  // requests queued for a place

 private:
  void enter();
  void leave();

  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  const size_t limit_;
  mutable std::mutex mu_;
  std::deque<Waiter*> waiting_;  // arrival order; each is woken alone when a place is handed to it
  size_t inside_ = 0;
};

}  // namespace hashsieve::server
