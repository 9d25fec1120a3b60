// Narrows the calling thread's CPU affinity mask to the first CPU it may use, for the guard's
// lifetime (processes started meanwhile inherit the narrowed mask), and restores the mask after.
#pragma once

#include <sched.h>

namespace hashsieve::testing {

class OneCoreMask {
 public:
  OneCoreMask() {
    CPU_ZERO(&all_);
    if (::sched_getaffinity(0, sizeof all_, &all_) != 0 || CPU_COUNT(&all_) == 0) return;
    int first = 0;
    while (!CPU_ISSET(first, &all_)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    narrowed_ = ::sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~OneCoreMask() {
    if (narrowed_) (void)::sched_setaffinity(0, sizeof all_, &all_);
  }
  OneCoreMask(const OneCoreMask&) = delete;
  OneCoreMask& operator=(const OneCoreMask&) = delete;

  bool narrowed() const { return narrowed_; }
  int cores_before() const { return CPU_COUNT(&all_); }  // CPUs in the mask it replaced

 private:
  cpu_set_t all_;
  bool narrowed_ = false;
};

}  // namespace hashsieve::testing
