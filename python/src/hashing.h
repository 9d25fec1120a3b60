// Hashing one image source with the library's PdqHasher (one hasher per thread and option set).
#pragma once

#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"
#include "sources.h"

namespace hashsieve::py {

struct HashOutput {
  PdqResult pdq;
  int width = 0, height = 0;
};

// Reads or packs the source, decodes encoded bytes, hashes. No GIL needed.
Result<HashOutput> hash_source(Source& source, const PdqOptions& options, const DecodeLimits& limits);

// A pixel array larger than the limits is kImageTooLarge, as a decoded image would be.
Status check_pixel_limits(const ImageView& view, const DecodeLimits& limits);

Result<PdqFlavor> parse_flavor(const std::string& name);

}  // namespace hashsieve::py
