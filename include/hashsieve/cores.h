// How many cores this process may run on: the CPU affinity mask of the calling thread (a thread
// inherits its creator's, so this is the process's mask from a container's cpuset or taskset
// unless the caller pinned itself), not the host's count that std::thread::hardware_concurrency()
// reports. Defaults of "one per core" (a consumer's scan threads, a scanner's idle hashers, a
// service's search places, bench's thread counts) use it, so a process given 2 of a host's 64
// cores does not start 64 of each. CPU quotas (cgroup cpu.max, `docker --cpus`) are not masks
// and are not counted.
#pragma once

#include "hashsieve/export.h"

namespace hashsieve {

// At least 1. Read on each call: the mask can change while the process runs.
HASHSIEVE_API unsigned usable_cores() noexcept;

}  // namespace hashsieve
