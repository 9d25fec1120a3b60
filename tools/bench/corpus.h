// The images a benchmark runs over, held in memory: files read once, or a synthetic corpus
// generated from a seed so that two machines run over the same pictures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hashsieve/status.h"

namespace hashsieve::bench {

struct CorpusImage {
  std::string path;    // the file (file corpus), or a generated name such as "syn-03-2448x1836.jpg"
  std::string format;  // "jpeg", "png", ... from the bytes
  uint32_t width = 0, height = 0;  // from the container header (0 when unreadable)
  std::vector<uint8_t> bytes;      // encoded image
  double megapixels() const { return double(width) * double(height) / 1e6; }
};

struct SyntheticCorpusOptions {
  uint64_t seed = 1;
  int images = 12;
  double min_mp = 0.3, max_mp = 12.0;  // sizes spread geometrically between these
};

// Deterministic pixels for a given seed and OpenCV version; JPEG (quality 85) and PNG alternate.
// The encoded bytes also depend on the codec library versions.
std::vector<CorpusImage> generate_synthetic_corpus(const SyntheticCorpusOptions& options);

// A corpus file's bytes; kImageTooLarge over max_bytes (not read), kIoError.
Result<std::vector<uint8_t>> read_corpus_file(const std::string& path, size_t max_bytes);

// Fills format and dimensions from the bytes (unknown formats keep "unknown" and 0x0).
void describe_image(CorpusImage& image);

// Writes the synthetic corpus to `dir` (created), setting each image's path to its file.
Status write_corpus(std::vector<CorpusImage>& corpus, const std::string& dir);

}  // namespace hashsieve::bench
