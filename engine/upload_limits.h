// The checks every upload passes before any decoder allocates: byte size, a recognised container,
// and the declared dimensions against DecodeLimits. Internal to the engine.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/image_header.h"
#include "hashsieve/decode.h"

namespace hashsieve {

// kImageTooLarge when w x h is over a limit.
Status check_image_dimensions(uint32_t w, uint32_t h, const DecodeLimits& limits);

// Size, then the container header (sniff_image_header), then its dimensions. Errors:
// kDecodeFailed (empty, unrecognised, malformed header), kImageTooLarge.
Result<ImageHeader> check_upload(const uint8_t* data, size_t size, const DecodeLimits& limits);

}  // namespace hashsieve
