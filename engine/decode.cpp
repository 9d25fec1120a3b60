#include "hashsieve/decode.h"

#include "common/api_guard.h"
#include "engine/decode_plan.h"
#include "engine/image_header.h"
#include "engine/jpeg_block_means.h"

namespace hashsieve {

Result<ImageInfo> probe_image(const uint8_t* data, size_t size) noexcept {
  return guard_status([&]() -> Result<ImageInfo> {
    auto header = sniff_image_header(data, size);
    if (!header.ok()) return header.status();
    return ImageInfo{image_format_name(header->format), header->width, header->height};
  });
}

Result<DecodedImage> decode_image(const uint8_t* data, size_t size, const DecodeLimits& limits, DecodeMode mode) {
  return guard_status(
      [&]() -> Result<DecodedImage> {
        auto plan = plan_decode(data, size, limits, mode, PdqFlavor::kFullRes);
        if (!plan.ok()) return plan.status();
        if (plan->path == DecodePath::kJpegBlockMeans) return decode_fast_jpeg(data, size, limits, plan->block);
        // A whole decoded image is asked for: JPEGs too go through OpenCV, the canonical decoder.
        return decode_with_opencv(data, size, limits);
      },
      StatusCode::kImageTooLarge);
}

}  // namespace hashsieve
