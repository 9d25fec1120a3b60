// Upload bytes -> decode_image -> PdqHasher (with dihedral), as the engine runs them.
// Invariants: never a crash; a decoded image has the dimensions its header declared (otherwise
// the bomb check before decoding could be bypassed) and yields a hash with quality 0..100.
#include <cstddef>
#include <cstdint>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hashsieve;
  static const DecodeLimits limits = fuzz_limits();
  static PdqHasher hasher = std::move(*PdqHasher::Create(PdqOptions{.dihedral = true}));

  auto img = decode_image(data, size, limits);
  if (!img.ok()) {
    FUZZ_CHECK(!img.status().message().empty());
    return 0;
  }
  const ImageView& v = img->view();
  auto header = sniff_image_header(data, size);
  FUZZ_CHECK(header.ok());
  FUZZ_CHECK(uint32_t(v.width) == header->width && uint32_t(v.height) == header->height);
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
