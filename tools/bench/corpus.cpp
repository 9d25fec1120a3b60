#include "tools/bench/corpus.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hashsieve/decode.h"

namespace hashsieve::bench {
namespace {

// Aspect ratios of common photographs and screenshots, landscape and portrait.
constexpr double kAspects[] = {4.0 / 3, 3.0 / 2, 16.0 / 9, 1.0, 3.0 / 4, 2.0 / 3};

// A photograph-like picture: a smooth random background, shapes, and a little sensor noise (so
// that JPEG and PNG sizes are realistic rather than those of flat colour).
cv::Mat synth_pixels(cv::RNG& rng, int width, int height) {
  cv::Mat small(6, 8, CV_8UC3);
  rng.fill(small, cv::RNG::UNIFORM, 0, 256);
  cv::Mat img;
  cv::resize(small, img, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
  const int shapes = 12 + int(rng.uniform(0, 12));
  const int scale = std::max(8, std::min(width, height) / 6);
  for (int i = 0; i < shapes; ++i) {
    const cv::Scalar colour(rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256));
    const cv::Point c(rng.uniform(0, width), rng.uniform(0, height));
    const int r = std::max(2, int(rng.uniform(scale / 4, scale + 1)));
    switch (i % 3) {
      case 0: cv::circle(img, c, r, colour, cv::FILLED, cv::LINE_AA); break;
      case 1: cv::rectangle(img, c, c + cv::Point(r, r * 2 / 3), colour, cv::FILLED); break;
      default:
        cv::line(img, c, cv::Point(rng.uniform(0, width), rng.uniform(0, height)), colour,
                 std::max(1, r / 8), cv::LINE_AA);
    }
  }
  cv::Mat noise(img.size(), CV_16SC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, 6);
  cv::Mat out;
  img.convertTo(out, CV_16SC3);
  out += noise;
  out.convertTo(img, CV_8UC3);  // saturating
  return img;
}

}  // namespace

Result<std::vector<uint8_t>> read_corpus_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status(StatusCode::kIoError, "cannot read: " + ec.message());
  if (size > max_bytes) return Status(StatusCode::kImageTooLarge, "file is over the byte limit");
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes(size);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(size))) return Status(StatusCode::kIoError, "cannot read");
  return bytes;
}

void describe_image(CorpusImage& image) {
  auto h = probe_image(image.bytes.data(), image.bytes.size());
  if (!h.ok()) {
    image.format = "unknown";
    return;
  }
  image.format = h->format;
  image.width = h->width;
  image.height = h->height;
}

std::vector<CorpusImage> generate_synthetic_corpus(const SyntheticCorpusOptions& o) {
  std::vector<CorpusImage> corpus;
  cv::RNG rng(o.seed);
  for (int i = 0; i < o.images; ++i) {
    const double t = o.images > 1 ? double(i) / (o.images - 1) : 0.0;
    const double mp = o.min_mp * std::pow(o.max_mp / o.min_mp, t);
    const double aspect = kAspects[i % (sizeof kAspects / sizeof kAspects[0])];
    const int width = std::max(8, int(std::lround(std::sqrt(mp * 1e6 * aspect))));
    const int height = std::max(8, int(std::lround(mp * 1e6 / width)));
    const cv::Mat px = synth_pixels(rng, width, height);
    const bool jpeg = i % 2 == 0;
    CorpusImage img;
    std::vector<int> params;
    if (jpeg) params = {cv::IMWRITE_JPEG_QUALITY, 85};
    cv::imencode(jpeg ? ".jpg" : ".png", px, img.bytes, params);
    char name[64];
    std::snprintf(name, sizeof name, "syn-%02d-%dx%d.%s", i, width, height, jpeg ? "jpg" : "png");
    img.path = name;
    describe_image(img);
    corpus.push_back(std::move(img));
  }
  return corpus;
}

Status write_corpus(std::vector<CorpusImage>& corpus, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(StatusCode::kIoError, dir + ": " + ec.message());
  for (auto& img : corpus) {
    const std::string path = (std::filesystem::path(dir) / img.path).string();
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(img.bytes.data()), std::streamsize(img.bytes.size()));
    if (!f) return Status(StatusCode::kIoError, path + ": cannot write");
    img.path = path;
  }
  return Status::Ok();
}

}  // namespace hashsieve::bench
