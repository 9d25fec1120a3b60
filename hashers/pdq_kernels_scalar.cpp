// Scalar PDQ kernels in the reference's exact order of operations: the oracle and the fallback.
#include "hashers/pdq_box_phases.h"
#include "hashers/pdq_kernels.h"
#include "hashers/pdq_luma.h"

namespace hashsieve::pdq {
namespace {

void luma_rows_scalar(const ImageView& image, int y0, int rows, float* out) {
  for (int r = 0; r < rows; ++r) luma_row_scalar(image, y0 + r, 0, image.width, out + size_t(r) * image.width);
}

// Runs the reference running sum along one row, calling put(oi, value) for each output.
template <typename Put>
void box_row(const float* row, int cols, int window, Put&& put) {
  float sum = 0.0f;
  for_each_box_phase(cols, window, [&](BoxStep step, int ri, int li, int oi, int count) {
    switch (step) {
      case BoxStep::kGrow: sum += row[ri]; break;
      case BoxStep::kGrowEmit: sum += row[ri]; put(oi, sum, count); break;
      case BoxStep::kSlideEmit: sum += row[ri]; sum -= row[li]; put(oi, sum, count); break;
      case BoxStep::kShrinkEmit: sum -= row[li]; put(oi, sum, count); break;
    }
  });
}

void box_rows_transposed_scalar(const float* in, int rows, int cols, int window, const int* keep, int nkeep,
                                float* /*scratch*/, float* out, size_t out_stride) {
  for (int r = 0; r < rows; ++r) {
    int k = 0;  // next kept column to emit
    box_row(in + size_t(r) * cols, cols, window, [&](int oi, float sum, int count) {
      if (!keep) {
        out[size_t(oi) * out_stride + r] = sum / count;
        return;
      }
      while (k < nkeep && keep[k] == oi) out[size_t(k++) * out_stride + r] = sum / count;
    });
  }
}

void box_rows_scalar(const float* in, int rows, int cols, int window, float* /*scratch*/, float* const* out_rows) {
  for (int r = 0; r < rows; ++r) {
    float* dst = out_rows[r];
    box_row(in + size_t(r) * cols, cols, window, [&](int oi, float sum, int count) { dst[oi] = sum / count; });
  }
}

void column_step_scalar(float* sum, const float* add, const float* sub, float count, float* out, int n) {
  for (int x = 0; x < n; ++x) {
    float s = sum[x];
    if (add) s += add[x];
    if (sub) s -= sub[x];
    sum[x] = s;
    if (out) out[x] = s / count;
  }
}

size_t scratch_none(int) { return 0; }

}  // namespace

ChannelOrder channel_order(PixelFormat f) {
  switch (f) {
    case PixelFormat::kRGB8: return {0, 1, 2, 3};
    case PixelFormat::kBGR8: return {2, 1, 0, 3};
    case PixelFormat::kRGBA8: return {0, 1, 2, 4};
    case PixelFormat::kBGRA8: return {2, 1, 0, 4};
    case PixelFormat::kGray8: return {0, 0, 0, 1};
  }
  return {0, 1, 2, 3};
}

void luma_row_scalar(const ImageView& image, int y, int x0, int x1, float* out) {
  const ChannelOrder o = channel_order(image.format);
  const uint8_t* p = image.data + size_t(y) * image.stride + size_t(x0) * o.bpp;
  for (int x = x0; x < x1; ++x, p += o.bpp) *out++ = luma_of(p[o.r], p[o.g], p[o.b]);
}

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
  static const Kernels k{SimdLevel::kScalar,  luma_rows_scalar,   box_rows_transposed_scalar,
                         box_rows_scalar,     column_step_scalar, scratch_none};
  return k;
}

const Kernels& kernels_for(SimdLevel level) {
  if ((level == SimdLevel::kAvx2 || level == SimdLevel::kAvx512) && avx2_kernels()) return *avx2_kernels();
  return scalar_kernels();
}

}  // namespace hashsieve::pdq
