// How many cores this process may run on: its CPU affinity mask (a container's cpuset, taskset),
// not the host's count that std::thread::hardware_concurrency() reports. Defaults of "one per
// core" (a consumer's scan threads, a scanner's idle hashers, a service's search places, bench's
// thread counts) use it, so a process given 2 of a host's 64 cores does not start 64 of each.
#pragma once

#include "hashsieve/export.h"

namespace hashsieve {

// At least 1. Read on each call: the mask can change while the process runs.
HASHSIEVE_API unsigned usable_cores() noexcept;

}  // namespace hashsieve
