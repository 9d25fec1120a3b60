#include "hashsieve/decode.h"

#include "common/api_guard.h"
#include "engine/decode_plan.h"
#include "engine/jpeg_block_means.h"

namespace hashsieve {

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
