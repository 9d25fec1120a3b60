#include "hashers/pdq_block_filter.h"

#include <algorithm>

namespace hashsieve::pdq {
namespace {

// The reference box filter (see pdq_box_phases.h) averages, for output o, the inputs
// [o - (w - half), o + half - 1] clipped to the axis, with half = (w + 2) / 2.
struct BoxWindow {
  int n, w, half;
  int lo(int o) const { return std::max(0, o - (w - half)); }
  int hi(int o) const { return std::min(n - 1, o + half - 1); }
  int count(int o) const { return hi(o) - lo(o) + 1; }
};

}  // namespace

void block_axis_weights(int full_n, int block, SampleWeights out[64]) {
  const int w = (full_n + 127) / 128;
  const BoxWindow box{full_n, w, (w + 2) / 2};
  int centres[64];
  decimation_indices(full_n, centres);
  std::vector<double> diff;
  for (int i = 0; i < 64; ++i) {
    const int c = centres[i];
    // Two box passes: sample c averages outputs o in its window, each averaging its own window.
    const int x0 = box.lo(box.lo(c)), x1 = box.hi(box.hi(c));
    diff.assign(size_t(x1 - x0 + 2), 0.0);
    for (int o = box.lo(c); o <= box.hi(c); ++o) {
      const double a = 1.0 / (double(box.count(c)) * box.count(o));
      diff[box.lo(o) - x0] += a;
      diff[box.hi(o) + 1 - x0] -= a;
    }
    // Prefix sums give the weight of each full-size pixel; fold them into blocks.
    SampleWeights& s = out[i];
    s.first = x0 / block;
    s.weights.assign(size_t(x1 / block - s.first + 1), 0.0);
    double weight = 0.0;
    for (int x = x0; x <= x1; ++x) {
      weight += diff[x - x0];
      s.weights[x / block - s.first] += weight;
    }
  }
}

void block_filter_decimate(const Kernels& k, const ImageView& reduced, int full_w, int full_h, int block, Block64& a,
                           BlockFilterScratch& s) {
  block_axis_weights(full_w, block, s.x);
  block_axis_weights(full_h, block, s.y);
  const int rw = reduced.width, rh = reduced.height;
  float* row = s.luma_row.get(size_t(rw));
  float* cols = s.columns.get(size_t(rh) * 64);  // cols[r * 64 + j]: row r filtered along x
  for (int r = 0; r < rh; ++r) {
    k.luma_rows(reduced, r, 1, row);
    for (int j = 0; j < 64; ++j) {
      const SampleWeights& wx = s.x[j];
      double sum = 0.0;
      for (size_t b = 0; b < wx.weights.size(); ++b) sum += wx.weights[b] * row[wx.first + int(b)];
      cols[size_t(r) * 64 + j] = float(sum);
    }
  }
  for (int i = 0; i < 64; ++i) {
    const SampleWeights& wy = s.y[i];
    double sums[64] = {};
    for (size_t b = 0; b < wy.weights.size(); ++b) {
      const float* c = cols + size_t(wy.first + int(b)) * 64;
      for (int j = 0; j < 64; ++j) sums[j] += wy.weights[b] * c[j];
    }
    for (int j = 0; j < 64; ++j) a[size_t(i) * 64 + j] = float(sums[j]);
  }
}

}  // namespace hashsieve::pdq
