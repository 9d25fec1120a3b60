// bytes -> limits -> decode -> PDQ, the per-item work shared by `hash` and `scan`.
#pragma once

#include <string>

#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"

namespace hashsieve {

struct HashedImage {
  PdqResult pdq;
  int width = 0, height = 0;  // as decoded (reduced in fast mode)
  bool reduced = false;       // decoded at reduced scale: not the canonical hash
};

// Hashes decoded pixels: the canonical hash, or its approximation from block means (fast mode).
Result<PdqResult> hash_decoded(const DecodedImage& img, PdqHasher& hasher);

// Seconds spent decoding and hashing one image (for the bench; when a JPEG is hashed as it
// decodes, the time inside the decoder's calls counts as decoding, the rest as hashing).
struct HashTimes {
  double decode = 0, hash = 0;
};

// Block means approximate the full-resolution flavour only: other flavours decode exactly.
Result<HashedImage> hash_image_bytes(const uint8_t* data, size_t size, const DecodeLimits& limits,
                                     DecodeMode mode, PdqHasher& hasher, HashTimes* times = nullptr);

// Reads the file (refusing oversize files unread), hashes it, and frees the bytes and pixels
// before returning: nothing of the image outlives the call.
Result<HashedImage> hash_image_file(const std::string& path, const DecodeLimits& limits, DecodeMode mode,
                                    PdqHasher& hasher);

}  // namespace hashsieve
