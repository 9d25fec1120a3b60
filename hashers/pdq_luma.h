// Luma conversion shared by the kernels (scalar tails included).
#pragma once

#include <cstdint>

#include "hashsieve/image.h"

namespace hashsieve::pdq {

// The float32 roundings of the reference's coefficients.
inline constexpr float kLumaR = 0.299f;
inline constexpr float kLumaG = 0.587f;
inline constexpr float kLumaB = 0.114f;

inline float luma_of(uint8_t r, uint8_t g, uint8_t b) {
  return (kLumaR * r + kLumaG * g) + kLumaB * b;
}

// Channel offsets of R, G, B within a pixel.
struct ChannelOrder {
  int r, g, b, bpp;
};
inline ChannelOrder channel_order(PixelFormat f) {
  switch (f) {
    case PixelFormat::kRGB8: return {0, 1, 2, 3};
    case PixelFormat::kBGR8: return {2, 1, 0, 3};
    case PixelFormat::kRGBA8: return {0, 1, 2, 4};
    case PixelFormat::kBGRA8: return {2, 1, 0, 4};
    case PixelFormat::kGray8: return {0, 0, 0, 1};
  }
  return {0, 1, 2, 3};
}

// Luma of pixels [x0, x1) of row y into out[0 .. x1-x0).
inline void luma_row_scalar(const ImageView& image, int y, int x0, int x1, float* out) {
  const ChannelOrder o = channel_order(image.format);
  const uint8_t* p = image.data + size_t(y) * image.stride + size_t(x0) * o.bpp;
  for (int x = x0; x < x1; ++x, p += o.bpp) *out++ = luma_of(p[o.r], p[o.g], p[o.b]);
}

}  // namespace hashsieve::pdq
