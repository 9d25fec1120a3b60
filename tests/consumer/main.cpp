// Hashes a synthetic image through the installed public API (C++17) and checks the result's shape.
#include <hashsieve/hash256.h>
#include <hashsieve/pdq.h>

#include <cstdio>
#include <vector>

int main() {
  const int w = 97, h = 61;
  std::vector<unsigned char> rgb(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) rgb[(size_t(y) * w + x) * 3 + c] = (unsigned char)((x * 7 + y * 13 + c * 50) ^ (x * y));
  hashsieve::ImageView img{rgb.data(), w, h, size_t(w) * 3, hashsieve::PixelFormat::kRGB8};
  hashsieve::PdqHasher hasher;
  auto r = hasher.hash(img);
  if (!r.ok()) { std::fprintf(stderr, "hash failed: %s\n", r.status().to_string().c_str()); return 1; }
  std::string hex = hashsieve::to_hex(r->hash);
  auto back = hashsieve::parse_hex(hex);
  if (!back.ok() || *back != r->hash || r->hash.popcount() < 100) return 1;
  auto tiny = hasher.hash(hashsieve::ImageView{rgb.data(), 4, 4, size_t(w) * 3, hashsieve::PixelFormat::kRGB8});
  if (tiny.ok() || tiny.status().code() != hashsieve::StatusCode::kImageTooSmall) return 1;
  std::printf("%s %d\n", hex.c_str(), r->quality);
  return 0;
}
