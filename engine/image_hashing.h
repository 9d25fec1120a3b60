// A hashed image, and hashing decoded pixels: the pieces the per-item scan (engine/item_scan.h)
// is made of.
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

// The same as a HashedImage.
Result<HashedImage> hash_decoded_image(const DecodedImage& img, PdqHasher& hasher);

// The per-item scan's decode-and-hash step (hash_upload) without an observer: for tests and
// fuzzers that check the scan's hashes.
Result<HashedImage> hash_image_bytes(const uint8_t* data, size_t size, const DecodeLimits& limits, DecodeMode mode,
                                     PdqHasher& hasher);

}  // namespace hashsieve
