#include "engine/image_hashing.h"

#include <chrono>

#include "engine/file_bytes.h"
#include "engine/jpeg_block_means.h"
#include "engine/jpeg_stream_hash.h"
#include "engine/upload_limits.h"

namespace hashsieve {

Result<PdqResult> hash_decoded(const DecodedImage& img, PdqHasher& hasher) {
  if (img.block > 1) return hasher.hash_block_means(img.view(), img.full_width, img.full_height, img.block);
  return hasher.hash(img.view());
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Result<HashedImage> hash_timed(const DecodedImage& img, PdqHasher& hasher, HashTimes& tm) {
  const auto t = Clock::now();
  auto r = hash_decoded(img, hasher);
  tm.hash = seconds_since(t);
  if (!r.ok()) return r.status();
  HashedImage out;
  out.pdq = *r;
  out.width = img.view().width;
  out.height = img.view().height;
  out.reduced = img.reduced;
  return out;
}

}  // namespace

Result<HashedImage> hash_image_bytes(const uint8_t* data, size_t size, const DecodeLimits& limits,
                                     DecodeMode mode, PdqHasher& hasher, HashTimes* times) {
  HashTimes unused;
  HashTimes& tm = times ? *times : unused;
  auto t = Clock::now();
  // Block means approximate the full-resolution flavour only.
  if (hasher.options().flavor != PdqFlavor::kFullRes) mode = DecodeMode::kExact;
  auto header = check_upload(data, size, limits);
  if (!header.ok()) return header.status();
  if (header->format == ImageFormat::kJpeg) {
    if (mode == DecodeMode::kFastJpeg) {
      auto fast = decode_fast_jpeg(data, size, limits);
      tm.decode = seconds_since(t);
      if (fast.ok()) return hash_timed(*fast, hasher, tm);
      if (fast.status().code() != StatusCode::kUnsupported) return fast.status();
    }
    // JPEGs, most uploads, are hashed as they decode (the canonical hash, without the image in memory).
    t = Clock::now();
    double decoding = 0;
    auto streamed = hash_jpeg_streamed(data, size, limits, hasher, times ? &decoding : nullptr);
    if (streamed.ok() || streamed.status().code() != StatusCode::kUnsupported) {
      tm.decode += decoding;
      tm.hash = seconds_since(t) - decoding;
      return streamed;
    }
  }
  // Other formats, and JPEGs whose colour conversion OpenCV does itself (CMYK, YCCK, RGB).
  t = Clock::now();
  auto img = decode_image(data, size, limits, DecodeMode::kExact);
  tm.decode += seconds_since(t);
  if (!img.ok()) return img.status();
  return hash_timed(*img, hasher, tm);
}

Result<HashedImage> hash_image_file(const std::string& path, const DecodeLimits& limits, DecodeMode mode,
                                    PdqHasher& hasher) {
  auto bytes = read_file_bytes(path, limits.max_bytes);
  if (!bytes.ok()) return bytes.status();
  return hash_image_bytes(bytes->data(), bytes->size(), limits, mode, hasher);
}

}  // namespace hashsieve
