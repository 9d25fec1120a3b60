// PDQ driver: luma -> tent filter (4 box passes) -> 64x64 decimation -> quality, DCT, bits.
#include "hashsieve/pdq.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/api_guard.h"
#include "hashers/pdq_block_filter.h"
#include "hashers/pdq_dct.h"
#include "hashers/pdq_kernels.h"
#include "hashers/pdq_luma.h"
#include "hashers/pdq_tent_filter.h"

namespace hashsieve {
namespace {

constexpr int kMinSide = 5;
constexpr int kCliSide = 512;

Status check_image(const ImageView& img, uint64_t max_pixels) {
  if (img.width < kMinSide || img.height < kMinSide) {
    return Status(StatusCode::kImageTooSmall, "image is " + std::to_string(img.width) + "x" +
                                                  std::to_string(img.height) +
                                                  "; PDQ needs at least 5x5");
  }
  if (!img.data) return Status(StatusCode::kInvalidArgument, "image has no pixel data");
  if (img.stride < size_t(img.width) * bytes_per_pixel(img.format))
    return Status(StatusCode::kInvalidArgument, "image stride is smaller than a row");
  if (uint64_t(img.width) * uint64_t(img.height) > max_pixels) {
    return Status(StatusCode::kImageTooLarge, "image has " + std::to_string(uint64_t(img.width) * img.height) +
                                                  " pixels; the limit is " + std::to_string(max_pixels));
  }
  return Status::Ok();
}

// Points a not-yet-decoded image's view somewhere valid: the dimensions are checked before any
// row exists. At namespace scope, so that it is not an exported static of PdqHasher::Impl.
const uint8_t kNoPixels = 0;

}  // namespace

const char* dihedral_name(Dihedral d) noexcept {
  static constexpr const char* kNames[] = {"orig", "rot90", "rot180", "rot270",
                                           "flipx", "flipy", "flipp", "flipm"};
  int i = static_cast<int>(d);
  return (i >= 0 && i < kDihedralCount) ? kNames[i] : "unknown";
}

// Hidden: a nested class of an exported class would otherwise be exported with it.
struct [[gnu::visibility("hidden")]] PdqHasher::Impl {
  PdqOptions options;
  const pdq::Kernels* kernels = nullptr;
  pdq::FloatBuffer luma;  // whole-image luma, only for the cli512 squash and 64x64 inputs
  pdq::TentScratch tent;
  pdq::BlockFilterScratch blocks;
  std::vector<uint8_t> row_strip;  // pixels of the rows a PdqRowSource delivers

  void filter_image(const ImageView& image, pdq::Block64& a) {
    pdq::tent_filter_decimate(
        *kernels, [&](int y0, int rows, float* out) { kernels->luma_rows(image, y0, rows, out); }, image.height,
        image.width, a, tent);
  }
  void filter_luma(const float* l, int h, int w, pdq::Block64& a) {
    pdq::tent_filter_decimate(
        *kernels, [&](int y0, int rows, float* out) { std::copy(l + size_t(y0) * w, l + size_t(y0 + rows) * w, out); },
        h, w, a, tent);
  }

  Result<PdqResult> run_block_means(const ImageView& reduced, int full_w, int full_h, int block) {
    if (options.flavor != PdqFlavor::kFullRes)
      return Status(StatusCode::kInvalidArgument, "block-mean hashing approximates the full-resolution flavour only");
    if (block != 2 && block != 4 && block != 8)
      return Status(StatusCode::kInvalidArgument, "block must be 2, 4 or 8");
    const ImageView full{reduced.data, full_w, full_h, size_t(full_w) * 3, PixelFormat::kRGB8};
    if (Status st = check_image(full, options.max_pixels); !st.ok()) return st;
    if (full_w > INT32_MAX - block || full_h > INT32_MAX - block ||
        reduced.width != (full_w + block - 1) / block || reduced.height != (full_h + block - 1) / block)
      return Status(StatusCode::kInvalidArgument, "reduced image is not the full size divided by the block");
    if (!reduced.data || reduced.stride < size_t(reduced.width) * bytes_per_pixel(reduced.format))
      return Status(StatusCode::kInvalidArgument, "reduced image has no pixel data or a short stride");
    pdq::Block64 a;
    pdq::block_filter_decimate(*kernels, reduced, full_w, full_h, block, a, blocks);
    return finish(a);
  }

  Result<PdqResult> run_rows(int w, int h, PixelFormat format, const PdqRowSource& source) {
    const size_t stride = size_t(std::max(w, 0)) * bytes_per_pixel(format);
    if (Status st = check_image({&kNoPixels, w, h, stride, format}, options.max_pixels); !st.ok()) return st;
    if (!source) return Status(StatusCode::kInvalidArgument, "no row source");
    const bool whole_image = options.flavor != PdqFlavor::kFullRes || (w == 64 && h == 64);
    if (whole_image) {
      // The cli512 squash and the 64x64 shortcut read the image out of order: collect it.
      std::vector<uint8_t> pixels(stride * size_t(h));
      if (!source(0, h, pixels.data(), stride)) return Status(StatusCode::kDecodeFailed, "the pixel source failed");
      return run({pixels.data(), w, h, stride, format});
    }
    row_strip.resize(stride * pdq::kStripRows);
    uint8_t* strip = row_strip.data();
    bool failed = false;
    pdq::Block64 a;
    pdq::tent_filter_decimate(
        *kernels,
        [&](int y0, int rows, float* out) {
          if (!failed && !source(y0, rows, strip, stride)) failed = true;
          if (failed) {
            std::fill(out, out + size_t(rows) * w, 0.0f);
            return;
          }
          kernels->luma_rows({strip, w, rows, stride, format}, 0, rows, out);
        },
        h, w, a, tent);
    if (failed) return Status(StatusCode::kDecodeFailed, "the pixel source failed");
    return finish(a);
  }

  PdqResult finish(const pdq::Block64& a) const {
    PdqResult result;
    result.quality = pdq::pdq_quality(a);
    const pdq::Dct16 b = pdq::pdq_dct(a);
    if (options.dihedral) {
      result.dihedral = pdq::pdq_dihedral_bits(b);
      result.hash = result.dihedral[0];
      result.has_dihedral = true;
    } else {
      result.hash = pdq::pdq_bits(b);
    }
    return result;
  }

  Result<PdqResult> run(const ImageView& image) {
    if (Status st = check_image(image, options.max_pixels); !st.ok()) return st;
    PdqResult result;
    pdq::Block64 a;
    const bool squash = options.flavor == PdqFlavor::kCli512 && (image.width > kCliSide || image.height > kCliSide);
    if (squash) {
      filter_luma(squash_luma_512(image), kCliSide, kCliSide, a);
    } else if (image.width == 64 && image.height == 64) {
      // The reference skips filtering for the plain hash of a 64x64 input, but not for the
      // dihedral hashes.
      float* l = luma.get(64 * 64);
      kernels->luma_rows(image, 0, 64, l);
      std::copy(l, l + 64 * 64, a.begin());
      result.quality = pdq::pdq_quality(a);
      result.hash = pdq::pdq_bits(pdq::pdq_dct(a));
      if (!options.dihedral) return result;
      filter_luma(l, 64, 64, a);
      result.dihedral = pdq::pdq_dihedral_bits(pdq::pdq_dct(a));
      result.has_dihedral = true;
      return result;
    } else {
      filter_image(image, a);
    }
    return finish(a);
  }

  // The reference CLI's nearest-neighbour squash to 512x512, applied to luma (a per-pixel
  // function, so squashing pixels first gives the same floats).
  float* squash_luma_512(const ImageView& image) {
    float* l = luma.get(size_t(kCliSide) * kCliSide);
    const pdq::ChannelOrder o = pdq::channel_order(image.format);
    int src_x[kCliSide];
    for (int x = 0; x < kCliSide; ++x) src_x[x] = static_cast<int>(double(x) * image.width / kCliSide);
    for (int y = 0; y < kCliSide; ++y) {
      const int sy = static_cast<int>(double(y) * image.height / kCliSide);
      const uint8_t* row = image.data + size_t(sy) * image.stride;
      for (int x = 0; x < kCliSide; ++x) {
        const uint8_t* p = row + size_t(src_x[x]) * o.bpp;
        l[y * kCliSide + x] = pdq::luma_of(p[o.r], p[o.g], p[o.b]);
      }
    }
    return l;
  }
};

PdqHasher::PdqHasher() : impl_(std::make_unique<Impl>()) {
  auto level = resolve_simd_level(SimdLevel::kAuto);
  impl_->options.simd = level.ok() ? *level : SimdLevel::kScalar;
  impl_->kernels = &pdq::kernels_for(impl_->options.simd);
}

PdqHasher::PdqHasher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdqHasher::PdqHasher(PdqHasher&&) noexcept = default;
PdqHasher& PdqHasher::operator=(PdqHasher&&) noexcept = default;
PdqHasher::~PdqHasher() = default;

Result<PdqHasher> PdqHasher::Create(const PdqOptions& options) {
  return guard_status([&]() -> Result<PdqHasher> {
    auto level = resolve_simd_level(options.simd);
    if (!level.ok()) return level.status();
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->options.simd = *level;
    impl->kernels = &pdq::kernels_for(*level);
    return PdqHasher(std::move(impl));
  });
}

Result<PdqResult> PdqHasher::hash(const ImageView& image) {
  if (!impl_) return Status(StatusCode::kInvalidArgument, "hasher was moved from");
  return guard_status([&] { return impl_->run(image); }, StatusCode::kImageTooLarge);
}

Result<PdqResult> PdqHasher::hash_rows(int width, int height, PixelFormat format, const PdqRowSource& rows) {
  if (!impl_) return Status(StatusCode::kInvalidArgument, "hasher was moved from");
  // A row source that throws is the caller's failure; scratch that cannot be had, the image's size.
  return guard_status([&] { return impl_->run_rows(width, height, format, rows); }, StatusCode::kImageTooLarge);
}

Result<PdqResult> PdqHasher::hash_block_means(const ImageView& reduced, int full_width, int full_height, int block) {
  if (!impl_) return Status(StatusCode::kInvalidArgument, "hasher was moved from");
  return guard_status([&] { return impl_->run_block_means(reduced, full_width, full_height, block); },
                      StatusCode::kImageTooLarge);
}

const PdqOptions& PdqHasher::options() const noexcept { return impl_->options; }
SimdLevel PdqHasher::simd_level() const noexcept { return impl_->options.simd; }

}  // namespace hashsieve
