// Scalar PDQ kernels in the reference's exact order of operations: the oracle and the fallback.
#include "hashers/pdq_box_phases.h"
#include "hashers/pdq_kernels.h"
#include "hashers/pdq_luma.h"

namespace hashsieve::pdq {
namespace {

void luma_scalar(const ImageView& image, float* out) {
  for (int y = 0; y < image.height; ++y) {
    luma_row_scalar(image, y, 0, image.width, out + size_t(y) * image.width);
  }
}

void box_rows_transposed_scalar(const float* in, int rows, int cols, int window, const int* keep,
                                int nkeep, float* /*scratch*/, float* out) {
  for (int r = 0; r < rows; ++r) {
    const float* row = in + size_t(r) * cols;
    float sum = 0.0f;
    int k = 0;  // next kept column to emit
    auto emit = [&](int oi, int count) {
      if (!keep) {
        out[size_t(oi) * rows + r] = sum / count;
        return;
      }
      while (k < nkeep && keep[k] == oi) out[size_t(k++) * rows + r] = sum / count;
    };
    for_each_box_phase(cols, window, [&](BoxStep step, int ri, int li, int oi, int count) {
      switch (step) {
        case BoxStep::kGrow: sum += row[ri]; break;
        case BoxStep::kGrowEmit: sum += row[ri]; emit(oi, count); break;
        case BoxStep::kSlideEmit: sum += row[ri]; sum -= row[li]; emit(oi, count); break;
        case BoxStep::kShrinkEmit: sum -= row[li]; emit(oi, count); break;
      }
    });
  }
}

size_t scratch_none(int) { return 0; }

}  // namespace

void box1d_reference(const float* in, float* out, int n, size_t stride, int window) {
  float sum = 0.0f;
  for_each_box_phase(n, window, [&](BoxStep step, int ri, int li, int oi, int count) {
    if (step == BoxStep::kGrow || step == BoxStep::kGrowEmit || step == BoxStep::kSlideEmit)
      sum += in[ri * stride];
    if (step == BoxStep::kSlideEmit || step == BoxStep::kShrinkEmit) sum -= in[li * stride];
    if (step != BoxStep::kGrow) out[oi * stride] = sum / count;
  });
}

void decimation_indices(int n, int out[64]) {
  for (int i = 0; i < 64; ++i) out[i] = static_cast<int>(((i + 0.5) * n) / 64);
}

const Kernels& scalar_kernels() {
  static const Kernels k{SimdLevel::kScalar, luma_scalar, box_rows_transposed_scalar, scratch_none};
  return k;
}

const Kernels& kernels_for(SimdLevel level) {
  if (level == SimdLevel::kAvx2 && avx2_kernels()) return *avx2_kernels();
  return scalar_kernels();
}

}  // namespace hashsieve::pdq
