// PDQ perceptual hashing, bit-identical to the reference implementation (see README, "PDQ").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "hashsieve/export.h"
#include "hashsieve/hash256.h"
#include "hashsieve/image.h"
#include "hashsieve/simd.h"
#include "hashsieve/status.h"

namespace hashsieve {

enum class PdqFlavor {
  kFullRes,  // canonical: hash at the decoded size (what hash lists contain)
  kCli512,   // the reference CLI's flavour: images over 512 on a side squashed to 512x512 first
};

// The eight dihedral transforms, in the order every PDQ tool uses.
enum class Dihedral { kOrig, kRot90, kRot180, kRot270, kFlipX, kFlipY, kFlipPlus1, kFlipMinus1 };
inline constexpr int kDihedralCount = 8;
// "orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm".
HASHSIEVE_API const char* dihedral_name(Dihedral d) noexcept;

struct PdqOptions {
  PdqFlavor flavor = PdqFlavor::kFullRes;
  SimdLevel simd = SimdLevel::kAuto;
  bool dihedral = false;  // also compute the 8 dihedral hashes (cheap: no re-hashing)
  // Refuse larger images. The hasher's own scratch is small (about 4 bytes x width x
  // (height / 128 + 64) + 256 bytes x height), so this mainly bounds work per image.
  uint64_t max_pixels = uint64_t{1} << 30;
};

struct PdqResult {
  Hash256 hash;
  int quality = 0;  // 0..100; lists discard hashes under 50
  bool has_dihedral = false;
  std::array<Hash256, kDihedralCount> dihedral{};  // indexed by Dihedral; [kOrig] is the filtered hash
};

// Writes rows [y0, y0 + rows) of an image at dst, `stride` bytes apart. Called top to bottom,
// each call continuing where the last one ended. Returns false when the source fails.
using PdqRowSource = std::function<bool(int y0, int rows, uint8_t* dst, size_t stride)>;

// Computes PDQ hashes. Holds scratch buffers, so one object per thread; hash() is not
// re-entrant. Images under 5x5 are kImageTooSmall (never a zero hash).
class HASHSIEVE_API PdqHasher {
 public:
  PdqHasher();  // full resolution, best SIMD level, no dihedral
  static Result<PdqHasher> Create(const PdqOptions& options);

  PdqHasher(PdqHasher&&) noexcept;
  PdqHasher& operator=(PdqHasher&&) noexcept;
  ~PdqHasher();

  Result<PdqResult> hash(const ImageView& image);

  // The same hash as hash() for an image whose pixels arrive a few rows at a time (e.g. from a
  // decoder's scanlines), so that nobody holds the whole image. kDecodeFailed if the source fails.
  Result<PdqResult> hash_rows(int width, int height, PixelFormat format, const PdqRowSource& rows);

  // Approximates the full-resolution hash of a full_width x full_height image from its block
  // means: pixel (x, y) of `reduced` is the mean of the full image's block x block square at
  // (x * block, y * block), as a JPEG decoded at 1/block scale in the DCT domain gives it
  // (block 2, 4 or 8; reduced is ceil(full / block) on each side). Not canonical: close to the
  // full-size hash, not equal to it. Full-resolution flavour only (kInvalidArgument otherwise).
  Result<PdqResult> hash_block_means(const ImageView& reduced, int full_width, int full_height, int block);

  const PdqOptions& options() const noexcept;
  SimdLevel simd_level() const noexcept;  // the level actually running

 private:
  struct Impl;
  explicit PdqHasher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashsieve
