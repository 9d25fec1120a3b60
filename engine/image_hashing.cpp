#include "engine/image_hashing.h"

#include "engine/file_bytes.h"

namespace hashsieve {

Result<PdqResult> hash_decoded(const DecodedImage& img, PdqHasher& hasher) {
  if (img.block > 1) return hasher.hash_block_means(img.view(), img.full_width, img.full_height, img.block);
  return hasher.hash(img.view());
}

Result<HashedImage> hash_image_bytes(const uint8_t* data, size_t size, const DecodeLimits& limits,
                                     DecodeMode mode, PdqHasher& hasher) {
  // Block means approximate the full-resolution flavour only.
  if (hasher.options().flavor != PdqFlavor::kFullRes) mode = DecodeMode::kExact;
  auto img = decode_image(data, size, limits, mode);
  if (!img.ok()) return img.status();
  auto r = hash_decoded(*img, hasher);
  if (!r.ok()) return r.status();
  HashedImage out;
  out.pdq = *r;
  out.width = img->view().width;
  out.height = img->view().height;
  out.reduced = img->reduced;
  return out;
}

Result<HashedImage> hash_image_file(const std::string& path, const DecodeLimits& limits, DecodeMode mode,
                                    PdqHasher& hasher) {
  auto bytes = read_file_bytes(path, limits.max_bytes);
  if (!bytes.ok()) return bytes.status();
  return hash_image_bytes(bytes->data(), bytes->size(), limits, mode, hasher);
}

}  // namespace hashsieve
