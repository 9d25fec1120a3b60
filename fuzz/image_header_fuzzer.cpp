// sniff_image_header on arbitrary bytes. Invariants: no out-of-bounds read (ASan), a success
// names a known format and positive dimensions, a failure carries a message.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/image_header.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hashsieve;
  // An exact-size heap copy, so ASan catches a read one byte past the end.
  std::vector<uint8_t> copy(data, data + size);
  auto h = sniff_image_header(copy.data(), copy.size());
  if (!h.ok()) {
    FUZZ_CHECK(h.status().code() == StatusCode::kDecodeFailed);
    FUZZ_CHECK(!h.status().message().empty());
    return 0;
  }
  FUZZ_CHECK(h->format != ImageFormat::kUnknown);
  FUZZ_CHECK(h->width > 0 && h->height > 0);
  FUZZ_CHECK(std::strcmp(image_format_name(h->format), "unknown") != 0);
  return 0;
}
