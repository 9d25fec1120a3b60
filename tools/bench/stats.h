// Small statistics for benchmark figures: percentiles and median-with-spread summaries.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace hashsieve::bench {

// Linear interpolation between closest ranks (p in [0, 100]); 0 for no samples.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * double(v.size() - 1);
  const size_t lo = size_t(std::floor(rank)), hi = size_t(std::ceil(rank));
  return v[lo] + (v[hi] - v[lo]) * (rank - double(lo));
}

// A figure measured over repetitions: the median, and the spread as min and max.
struct Summary {
  double median = 0, min = 0, max = 0;
};

inline Summary summarize(const std::vector<double>& v) {
  Summary s;
  if (v.empty()) return s;
  s.median = percentile(v, 50);
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  return s;
}

}  // namespace hashsieve::bench
