// Writes ~1 MP JPEGs (1224x816, quality 90) for bench/serve_bench.sh: each photograph of the PDQ
// vectors resized and, for more distinct files, mirrored and shifted in brightness.
// Usage: serve_corpus OUT_DIR [COUNT]
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: serve_corpus OUT_DIR [COUNT]\n");
    return 2;
  }
  const std::filesystem::path out = argv[1];
  const int count = argc > 2 ? std::stoi(argv[2]) : 100;
  std::filesystem::create_directories(out);
  std::vector<cv::Mat> photos;
  for (const auto& e : std::filesystem::directory_iterator(HASHSIEVE_BENCH_VECTORS "/images")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("photo-", 0) != 0 || name.find('-', 6) != std::string::npos) continue;  // originals only
    cv::Mat m = cv::imread(e.path().string(), cv::IMREAD_COLOR);
    if (!m.empty()) photos.push_back(m);
  }
  if (photos.empty()) return 2;
  for (int i = 0; i < count; ++i) {
    cv::Mat img;
    cv::resize(photos[size_t(i) % photos.size()], img, cv::Size(1224, 816), 0, 0, cv::INTER_AREA);
    if ((i / photos.size()) % 2) cv::flip(img, img, 1);
    img.convertTo(img, -1, 1.0, double(i % 7) * 3);
    char name[32];
    std::snprintf(name, sizeof name, "img-%04d.jpg", i);
    if (!cv::imwrite((out / name).string(), img, {cv::IMWRITE_JPEG_QUALITY, 90})) return 2;
  }
  return 0;
}
