#include "hashsieve/cores.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace hashsieve {

unsigned usable_cores() noexcept {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return unsigned(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());  // a mask wider than cpu_set_t: the host's count
}

}  // namespace hashsieve
