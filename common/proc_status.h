// Reading this process's memory figures from /proc/self/status (Linux), for benches and tests
// that measure what a workload keeps resident. Internal.
#pragma once

#include <cstdlib>
#include <fstream>
#include <string>

namespace hashsieve {

// A "Key:   N kB" field of /proc/self/status in KiB, e.g. "VmHWM" (peak) or "VmRSS" (now);
// -1 where it cannot be read.
inline double proc_status_kib(const std::string& key) {
  std::ifstream f("/proc/self/status");
  const std::string prefix = key + ":";
  for (std::string line; std::getline(f, line);)
    if (line.rfind(prefix, 0) == 0) return std::strtod(line.c_str() + prefix.size(), nullptr);
  return -1;
}

// Resets VmHWM to the current resident size; false where the kernel does not allow it.
inline bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return bool(out);
}

}  // namespace hashsieve
