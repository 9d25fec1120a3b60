#include "engine/image_hashing.h"

#include "engine/item_scan.h"

namespace hashsieve {

Result<PdqResult> hash_decoded(const DecodedImage& img, PdqHasher& hasher) {
  if (img.block > 1) return hasher.hash_block_means(img.view(), img.full_width, img.full_height, img.block);
  return hasher.hash(img.view());
}

Result<HashedImage> hash_decoded_image(const DecodedImage& img, PdqHasher& hasher) {
  auto r = hash_decoded(img, hasher);
  if (!r.ok()) return r.status();
  HashedImage out;
  out.pdq = *r;
  out.width = img.view().width;
  out.height = img.view().height;
  out.reduced = img.reduced;
  return out;
}

Result<HashedImage> hash_image_bytes(const uint8_t* data, size_t size, const DecodeLimits& limits, DecodeMode mode,
                                     PdqHasher& hasher) {
  return hash_upload(data, size, limits, mode, hasher);
}

}  // namespace hashsieve
