// Counters and latency histograms of the service, rendered in the Prometheus text format.
// Routes are a fixed set of names (never raw paths), so the label space stays bounded.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace hashsieve::server {

struct IndexGauges {
  uint64_t generation = 0, entries = 0, reloads = 0, reload_failures = 0;
  int64_t built_at_ms = 0;
};

class Metrics {
 public:
  static constexpr std::array<double, 14> kBuckets{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,    0.25,  0.5,   1,     2.5,  5,     10};
  void observe(const std::string& route, int status, double seconds);
  void add_matches(uint64_t n) { matches_ += n; }
  void add_shed() { shed_ += 1; }
  std::string render(const IndexGauges& index, int in_flight) const;

 private:
  struct Route {
    std::map<int, uint64_t> by_status;
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Route> routes_;
  std::atomic<uint64_t> matches_{0}, shed_{0};
};

}  // namespace hashsieve::server
