// A borrowed view of decoded pixels, the hashers' only input.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hashsieve {

enum class PixelFormat { kRGB8, kBGR8, kRGBA8, kBGRA8, kGray8 };

inline int bytes_per_pixel(PixelFormat f) noexcept {
  switch (f) {
    case PixelFormat::kRGB8:
    case PixelFormat::kBGR8: return 3;
    case PixelFormat::kRGBA8:
    case PixelFormat::kBGRA8: return 4;
    case PixelFormat::kGray8: return 1;
  }
  return 0;
}

// Row y starts at data + y * stride (bytes). Alpha, when present, is ignored (not composited),
// as the PDQ reference does.
struct ImageView {
  const uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  size_t stride = 0;
  PixelFormat format = PixelFormat::kRGB8;
};

}  // namespace hashsieve
