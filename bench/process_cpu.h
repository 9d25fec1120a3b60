// The CPU time this process has used, all threads, user and system: the benches report work per
// CPU second beside per wall second, since on a shared machine the first is the steadier measure.
#pragma once

#include <sys/resource.h>

namespace hashsieve::bench {

inline double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace hashsieve::bench
