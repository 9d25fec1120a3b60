// The service's search gate: never more searches inside than its limit, and waiters admitted in
// the order they arrived.
#ifdef HASHSIEVE_HAVE_HTTPLIB
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "server/compute_gate.h"

namespace hashsieve::server {
namespace {

TEST(ServeComputeGate, NeverAdmitsMoreThanItsLimit) {
  ComputeGate gate(2);
  std::atomic<int> inside{0}, most{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        ComputeGate::Pass pass(gate);
        const int now = inside.fetch_add(1) + 1;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        inside.fetch_sub(1);
      }
      done.fetch_add(1);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 8);
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

TEST(ServeComputeGate, AdmitsWaitersInArrivalOrder) {
  ComputeGate gate(1);
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  {
    ComputeGate::Pass held(gate);  // the only place is taken: everyone below waits
    for (int i = 0; i < 5; ++i) {
      waiters.emplace_back([&, i] {
        ComputeGate::Pass pass(gate);
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
      });
      // It is in the gate's queue before the next one starts.
      while (gate.waiting() != size_t(i + 1)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  for (auto& t : waiters) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace hashsieve::server
#endif
