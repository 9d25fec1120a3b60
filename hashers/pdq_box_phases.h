// The four phases of the reference's running-sum box filter (spec step 3), as one schedule
// that every kernel follows so that each output sees the same float operations in the same order.
#pragma once

namespace hashsieve::pdq {

enum class BoxStep {
  kGrow,        // sum += in[ri]
  kGrowEmit,    // sum += in[ri]; out[oi] = sum / count
  kSlideEmit,   // sum += in[ri]; sum -= in[li]; out[oi] = sum / count
  kShrinkEmit,  // sum -= in[li]; out[oi] = sum / count
};

// Calls f(step, ri, li, oi, count) for each step over n samples with window w (1 <= w <= n).
template <typename F>
inline void for_each_box_phase(int n, int w, F&& f) {
  const int half = (w + 2) / 2;
  int ri = 0, li = 0, oi = 0, count = 0;
  for (int i = 0; i < half - 1; ++i) f(BoxStep::kGrow, ri++, li, oi, ++count);
  for (int i = 0; i < w - half + 1; ++i) {
    ++count;
    f(BoxStep::kGrowEmit, ri++, li, oi++, count);
  }
  for (int i = 0; i < n - w; ++i) f(BoxStep::kSlideEmit, ri++, li++, oi++, count);
  for (int i = 0; i < half - 1; ++i) {
    --count;
    f(BoxStep::kShrinkEmit, ri, li++, oi++, count);
  }
}

}  // namespace hashsieve::pdq
