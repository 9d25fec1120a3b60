#include "engine/upload_limits.h"

#include <string>

namespace hashsieve {

Status check_image_dimensions(uint32_t w, uint32_t h, const DecodeLimits& limits) {
  const std::string dims = std::to_string(w) + "x" + std::to_string(h);
  if (w > limits.max_width || h > limits.max_height) {
    return Status(StatusCode::kImageTooLarge, "image is " + dims + "; the limit is " +
                                                  std::to_string(limits.max_width) + "x" +
                                                  std::to_string(limits.max_height));
  }
  if (uint64_t(w) * h > limits.max_pixels) {
    return Status(StatusCode::kImageTooLarge,
                  "image is " + dims + "; the limit is " + std::to_string(limits.max_pixels) + " pixels");
  }
  return Status::Ok();
}

Result<ImageHeader> check_upload(const uint8_t* data, size_t size, const DecodeLimits& limits) {
  if (size == 0 || !data) return Status(StatusCode::kDecodeFailed, "empty file");
  if (size > limits.max_bytes || size > size_t(INT32_MAX)) {
    return Status(StatusCode::kImageTooLarge,
                  "file has " + std::to_string(size) + " bytes; the limit is " + std::to_string(limits.max_bytes));
  }
  // Refuse bombs from the container header, before the decoder allocates anything.
  auto header = sniff_image_header(data, size);
  if (!header.ok()) return header.status();
  if (Status st = check_image_dimensions(header->width, header->height, limits); !st.ok()) return st;
  return header;
}

}  // namespace hashsieve
