// Upload bytes -> decode_image -> PdqHasher (with dihedral); the engine's own path
// (hash_image_bytes: JPEGs hashed as libjpeg-turbo decodes them); and the fast mode (JPEG block
// means read by libjpeg-turbo directly).
// Invariants: never a crash; a decoded image has the dimensions its header declared (otherwise
// the bomb check before decoding could be bypassed) and yields a hash with quality 0..100.
#include <cstddef>
#include <cstdint>

#include "engine/image_hashing.h"
#include "engine/image_header.h"
#include "fuzz/fuzz_check.h"
#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"

namespace {

hashsieve::DecodeLimits fuzz_limits() {
  hashsieve::DecodeLimits limits;  // production limits...
  limits.max_pixels = 1u << 20;   // ...but 1 MP, so each input decodes in milliseconds
  return limits;
}

// The fast mode reads block 8 (and, for progressive JPEGs, only the DC scans) from 1409 pixels
// on the shorter side: allow 4 MP so that path is reached; it decodes at 1/64 of the pixels.
hashsieve::DecodeLimits fast_limits() {
  hashsieve::DecodeLimits limits;
  limits.max_pixels = 4u << 20;
  return limits;
}

// A decode's size must be the one its header declared (otherwise the bomb check before decoding
// could be bypassed).
void check_declared_size(const uint8_t* data, size_t size, int width, int height) {
  auto header = hashsieve::sniff_image_header(data, size);
  FUZZ_CHECK(header.ok());
  FUZZ_CHECK(uint32_t(width) == header->width && uint32_t(height) == header->height);
}

void check_fast(const uint8_t* data, size_t size, hashsieve::PdqHasher& hasher) {
  using namespace hashsieve;
  static const DecodeLimits limits = fast_limits();
  auto img = decode_image(data, size, limits, DecodeMode::kFastJpeg);
  if (!img.ok()) {
    FUZZ_CHECK(!img.status().message().empty());
    return;
  }
  check_declared_size(data, size, img->full_width, img->full_height);
  const ImageView& v = img->view();
  FUZZ_CHECK(img->reduced == (img->block > 1));
  FUZZ_CHECK(v.width == (img->full_width + img->block - 1) / img->block);
  FUZZ_CHECK(v.height == (img->full_height + img->block - 1) / img->block);
  auto r = hash_decoded(*img, hasher);
  if (!r.ok()) {
    FUZZ_CHECK(r.status().code() == StatusCode::kImageTooSmall);
    return;
  }
  FUZZ_CHECK(r->quality >= 0 && r->quality <= 100);
}

// The engine's exact path: the same size as decode_image reports, or an error with a message.
void check_engine(const uint8_t* data, size_t size, hashsieve::PdqHasher& hasher) {
  using namespace hashsieve;
  static const DecodeLimits limits = fuzz_limits();
  auto r = hash_image_bytes(data, size, limits, DecodeMode::kExact, hasher);
  if (!r.ok()) {
    FUZZ_CHECK(!r.status().message().empty());
    return;
  }
  check_declared_size(data, size, r->width, r->height);
  FUZZ_CHECK(!r->reduced && r->pdq.quality >= 0 && r->pdq.quality <= 100);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hashsieve;
  static const DecodeLimits limits = fuzz_limits();
  static PdqHasher hasher = std::move(*PdqHasher::Create(PdqOptions{.dihedral = true}));

  check_fast(data, size, hasher);
  check_engine(data, size, hasher);
  auto img = decode_image(data, size, limits);
  if (!img.ok()) {
    FUZZ_CHECK(!img.status().message().empty());
    return 0;
  }
  const ImageView& v = img->view();
  check_declared_size(data, size, v.width, v.height);
  FUZZ_CHECK(uint64_t(v.width) * uint64_t(v.height) <= limits.max_pixels);

  auto r = hasher.hash(v);
  if (!r.ok()) {
    FUZZ_CHECK(r.status().code() == StatusCode::kImageTooSmall);
    FUZZ_CHECK(v.width < 5 || v.height < 5);
    return 0;
  }
  FUZZ_CHECK(r->quality >= 0 && r->quality <= 100);
  FUZZ_CHECK(r->has_dihedral && r->dihedral[0] == r->hash);
  return 0;
}
