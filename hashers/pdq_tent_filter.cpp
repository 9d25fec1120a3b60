#include "hashers/pdq_tent_filter.h"

#include <algorithm>
#include <cstring>

#include "hashers/pdq_box_phases.h"

namespace hashsieve::pdq {

// Pass 1 (rows) runs 16 rows at a time into a ring of rows; pass 2 (columns) slides down that
// ring one row per step with a running sum per column; every 16 of its output rows go through
// pass 3 (rows), which keeps only the 64 sampled columns; pass 4 (columns) then runs on those 64
// columns and keeps the 64 sampled rows. Only pass 4's input is ever image-sized (64 x h).
void tent_filter_decimate(const Kernels& k, const LumaRows& luma, int h, int w, Block64& a, TentScratch& s) {
  const int wx = (w + 127) / 128, wy = (h + 127) / 128;
  int rows[64], cols[64];
  decimation_indices(h, rows);
  decimation_indices(w, cols);

  float* scratch = s.kernel.get(k.scratch_floats(std::max(w, h)));
  float* luma_strip = s.luma_strip.get(size_t(kStripRows) * w);
  // Pass 2 reads row ri and row li = ri - wy; pass 1 fills up to 16 rows ahead of ri.
  const int ring_rows = wy + 2 * kStripRows;
  float* ring = s.ring.get(size_t(ring_rows) * w);
  auto slot = [&](int y) { return ring + size_t(y % ring_rows) * w; };
  float* sums = s.column_sums.get(size_t(w));
  std::fill(sums, sums + w, 0.0f);
  float* strip2 = s.pass2_strip.get(size_t(kStripRows) * w);
  float* pass3 = s.pass3.get(size_t(64) * h);

  int produced = 0;  // pass-1 rows computed so far
  auto ensure_row = [&](int y) {
    while (produced <= y) {
      const int n = std::min(kStripRows, h - produced);
      luma(produced, n, luma_strip);
      float* out_rows[kStripRows];
      for (int r = 0; r < n; ++r) out_rows[r] = slot(produced + r);
      k.box_rows(luma_strip, n, w, wx, scratch, out_rows);
      produced += n;
    }
  };
  auto pass2_out = [&](int oi) { return strip2 + size_t(oi % kStripRows) * w; };
  auto after_pass2_row = [&](int oi) {
    if ((oi + 1) % kStripRows != 0 && oi != h - 1) return;
    const int n = oi % kStripRows + 1, r0 = oi + 1 - n;
    k.box_rows_transposed(strip2, n, w, wx, cols, 64, scratch, pass3 + r0, size_t(h));
  };

  for_each_box_phase(h, wy, [&](BoxStep step, int ri, int li, int oi, int count) {
    switch (step) {
      case BoxStep::kGrow:
        ensure_row(ri);
        k.column_step(sums, slot(ri), nullptr, 1.0f, nullptr, w);
        return;
      case BoxStep::kGrowEmit:
        ensure_row(ri);
        k.column_step(sums, slot(ri), nullptr, float(count), pass2_out(oi), w);
        break;
      case BoxStep::kSlideEmit:
        ensure_row(ri);
        k.column_step(sums, slot(ri), slot(li), float(count), pass2_out(oi), w);
        break;
      case BoxStep::kShrinkEmit:
        k.column_step(sums, nullptr, slot(li), float(count), pass2_out(oi), w);
        break;
    }
    after_pass2_row(oi);
  });

  k.box_rows_transposed(pass3, 64, h, wy, rows, 64, scratch, a.data(), 64);
}

}  // namespace hashsieve::pdq
