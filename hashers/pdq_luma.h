// Luma conversion shared by the kernels (scalar tails included). channel_order and
// luma_row_scalar are out of line (pdq_kernels_scalar.cpp) so per-ISA kernels can call them;
// luma_of is inline and for baseline files only (see the rule in pdq_kernels.h).
#pragma once

#include <cstdint>

#include "hashsieve/image.h"

namespace hashsieve::pdq {

// The float32 roundings of the reference's coefficients.
constexpr float kLumaR = 0.299f;
constexpr float kLumaG = 0.587f;
constexpr float kLumaB = 0.114f;

inline float luma_of(uint8_t r, uint8_t g, uint8_t b) {
  return (kLumaR * r + kLumaG * g) + kLumaB * b;
}

// Channel offsets of R, G, B within a pixel.
struct ChannelOrder {
  int r, g, b, bpp;
};
ChannelOrder channel_order(PixelFormat f);

// Luma of pixels [x0, x1) of row y into out[0 .. x1-x0).
void luma_row_scalar(const ImageView& image, int y, int x0, int x1, float* out);

}  // namespace hashsieve::pdq
