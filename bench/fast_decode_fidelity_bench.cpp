// Fidelity of the fast JPEG mode (DecodeMode::kFastJpeg: luma block means decoded in the DCT
// domain at 1/2, 1/4 or 1/8 scale, hashed with PdqHasher::hash_block_means) against the
// canonical full-size hash.
//
// For every JPEG the fast mode actually reduces, prints the Hamming distance between the fast
// and the exact PDQ hash (N, mean, p50, p95, max), for the PDQ vectors and a real-photo corpus
// (scripts/fetch-photo-corpus.sh), and for several settings of the rule that picks the block
// (the block is at most 1/K of PDQ's box-filter window) so that kFastWindowPerBlock can be chosen
// from one run. The row of the compiled-in setting goes through decode_image() itself; the
// others call the same block-means decoder with the block their rule picks.
//
// Then the edit pairs of the vectors' manifest.csv: each photo group's original is hashed exactly
// (as a list would hold it) and every other file of the group (recompression, resize, rotation,
// mirror, watermark, ...) is matched against it at radius 31 with the dihedral hashes, as the
// scanner does: how many still match with the exact hash and with each fast setting, and how
// many files of other groups match an original (should stay zero).
//
// Usage: fast_decode_fidelity_bench [--vectors DIR] [--corpus DIR] [--ratios 1,2,3]
//                                   [--csv FILE] [PATH...]
// PATHs (files or directories) are measured as one more set. The corpus directory may also be
// given by HASHSIEVE_PHOTO_CORPUS. Percentiles are nearest-rank. The target of issue #4: mean <= 4
// and p95 <= 10 bits on both sets, or the fast mode is not offered.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "engine/file_bytes.h"
#include "engine/image_hashing.h"
#include "engine/image_header.h"
#include "engine/jpeg_block_means.h"
#include "hashsieve/decode.h"
#include "hashsieve/hash256.h"
#include "hashsieve/pdq.h"
#include "tools/store_open.h"

namespace fs = std::filesystem;
using namespace hashsieve;

namespace {

constexpr int kRadius = 31;
constexpr double kTargetMean = 4.0, kTargetP95 = 10.0;

bool is_jpeg_name(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return e == ".jpg" || e == ".jpeg";
}

std::vector<std::string> list_images(const std::string& path, bool jpeg_only) {
  std::vector<std::string> out;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(path, ec))
      if (e.is_regular_file() && (!jpeg_only || is_jpeg_name(e.path()))) out.push_back(e.path().string());
  } else if (fs::is_regular_file(path, ec)) {
    out.push_back(path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The rule with another ratio K: the largest block of 8, 4, 2 that is at most 1/K of the
// box-filter window (fast_jpeg_block() with K = kFastWindowPerBlock).
int block_for(uint32_t w, uint32_t h, double ratio) {
  const double window = double((std::min(w, h) + 127) / 128);
  for (int block : {8, 4, 2})
    if (window >= block * ratio) return block;
  return 1;
}

// Settings: 0 is the compiled-in rule through decode_image(); others are ratios K x 10.
std::string setting_name(int s) {
  if (s == 0) return "compiled-in rule";
  char buf[32];
  std::snprintf(buf, sizeof buf, "K = %.1f", s / 10.0);
  return buf;
}

// Canonical hash plus the seven other dihedral hashes: the queries the scanner sends.
struct Hashes {
  Hash256 q[kDihedralCount];
  int quality = 0;
};

Hashes to_hashes(const PdqResult& r) {
  Hashes h;
  h.q[0] = r.hash;
  for (int d = 1; d < kDihedralCount; ++d) h.q[d] = r.dihedral[d];
  h.quality = r.quality;
  return h;
}

int best_distance(const Hashes& upload, const Hash256& listed) {
  int best = 256;
  for (const auto& q : upload.q) best = std::min(best, hamming_distance(q, listed));
  return best;
}

struct Item {
  std::string path, name;
  bool jpeg = false;
  int width = 0, height = 0;
  std::optional<Hashes> exact;
  std::map<int, Hashes> fast;    // ratio K -> fast hashes (only where the image is reduced)
  std::map<int, int> scale;      // ratio K -> block 2, 4, 8 (only where reduced)
  // Reference: the exact pixels shrunk to the same size with INTER_AREA, to tell the effect of
  // hashing at a smaller size from that of the DCT-domain decoder.
  std::map<int, Hashes> area;
  std::string error;
};

std::optional<Hashes> hash_mat(const cv::Mat& m, PdqHasher& hasher) {
  if (m.empty() || m.type() != CV_8UC3) return std::nullopt;
  ImageView v{m.data, m.cols, m.rows, m.step[0], PixelFormat::kBGR8};
  auto r = hasher.hash(v);
  if (!r.ok()) return std::nullopt;
  return to_hashes(*r);
}

Item measure(const std::string& path, const std::vector<int>& ratios, PdqHasher& hasher) {
  Item it;
  it.path = path;
  it.name = fs::path(path).filename().string();
  auto bytes = read_file_bytes(path, DecodeLimits{}.max_bytes);
  if (!bytes.ok()) {
    it.error = bytes.status().to_string();
    return it;
  }
  auto header = sniff_image_header(bytes->data(), bytes->size());
  if (!header.ok()) {
    it.error = header.status().to_string();
    return it;
  }
  it.jpeg = header->format == ImageFormat::kJpeg;
  auto exact = decode_image(bytes->data(), bytes->size(), {}, DecodeMode::kExact);
  if (!exact.ok()) {
    it.error = exact.status().to_string();
    return it;
  }
  it.width = exact->view().width;
  it.height = exact->view().height;
  const auto& ev = exact->view();
  const cv::Mat exact_mat(ev.height, ev.width, CV_8UC3, const_cast<uint8_t*>(ev.data), ev.stride);
  if (auto r = hasher.hash(exact->view()); r.ok()) {
    it.exact = to_hashes(*r);
  } else {
    it.error = r.status().to_string();
    return it;
  }
  if (!it.jpeg) return it;
  for (int k : ratios) {
    int block = k == 0 ? 0 : block_for(header->width, header->height, k / 10.0);
    if (block == 1) continue;
    std::optional<Hashes> h;
    if (k == 0) {
      // The engine's own path for the compiled-in setting.
      auto fast = decode_image(bytes->data(), bytes->size(), {}, DecodeMode::kFastJpeg);
      if (fast.ok() && fast->reduced) {
        block = fast->block;
        if (auto r = hash_decoded(*fast, hasher); r.ok()) h = to_hashes(*r);
      }
    } else {
      auto means = decode_jpeg_block_means(bytes->data(), bytes->size(), block, {});
      if (means.ok()) {
        const ImageView v{means->pixels.data(), means->width, means->height, size_t(means->width), PixelFormat::kGray8};
        if (auto r = hasher.hash_block_means(v, means->full_width, means->full_height, block); r.ok()) h = to_hashes(*r);
      }
    }
    if (h) {
      it.fast[k] = *h;
      it.scale[k] = block;
      cv::Mat small;
      cv::resize(exact_mat, small, cv::Size((ev.width + block - 1) / block, (ev.height + block - 1) / block), 0, 0,
                 cv::INTER_AREA);
      if (auto a = hash_mat(small, hasher)) it.area[k] = *a;
    }
  }
  return it;
}

struct Stats {
  size_t n = 0;
  double mean = 0;
  int p50 = 0, p95 = 0, max = 0;
  size_t over_radius = 0;  // fast hash farther than the match radius from the exact one
};

int nearest_rank(const std::vector<int>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = size_t(std::ceil(p * double(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

Stats stats_of(std::vector<int> d) {
  Stats s;
  s.n = d.size();
  if (d.empty()) return s;
  std::sort(d.begin(), d.end());
  double sum = 0;
  for (int x : d) {
    sum += x;
    if (x > kRadius) ++s.over_radius;
  }
  s.mean = sum / double(d.size());
  s.p50 = nearest_rank(d, 0.50);
  s.p95 = nearest_rank(d, 0.95);
  s.max = d.back();
  return s;
}

struct Set {
  std::string label;
  std::vector<Item> items;
};

void print_fidelity(const std::vector<Set>& sets, const std::vector<int>& ratios) {
  std::printf("\n## Fast JPEG mode vs exact hash (Hamming distance of the canonical hash; JPEGs the mode reduces)\n\n");
  std::printf("| set | block rule | JPEGs | reduced (N) | blocks 2,4,8 | mean | p50 | p95 | max | > %d | target mean<=%.0f, p95<=%.0f | ref: exact pixels INTER_AREA-shrunk, plain PDQ: mean / p95 |\n",
              kRadius, kTargetMean, kTargetP95);
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int ms : ratios) {
    for (const auto& set : sets) {
      std::vector<int> d, da;
      size_t jpegs = 0, by_scale[9] = {};
      for (const auto& it : set.items) {
        if (!it.jpeg || !it.exact) continue;
        ++jpegs;
        auto f = it.fast.find(ms);
        if (f == it.fast.end()) continue;
        d.push_back(hamming_distance(it.exact->q[0], f->second.q[0]));
        if (auto a = it.area.find(ms); a != it.area.end()) da.push_back(hamming_distance(it.exact->q[0], a->second.q[0]));
        ++by_scale[it.scale.at(ms)];
      }
      Stats s = stats_of(d), sa = stats_of(da);
      const char* verdict = s.n == 0 ? "n/a" : (s.mean <= kTargetMean && s.p95 <= kTargetP95 ? "met" : "MISSED");
      std::printf("| %s | %s | %zu | %zu | %zu,%zu,%zu | %.2f | %d | %d | %d | %zu | %s | %.2f / %d |\n", set.label.c_str(),
                  setting_name(ms).c_str(), jpegs, s.n, by_scale[2], by_scale[4], by_scale[8],
                  s.mean, s.p50, s.p95, s.max, s.over_radius, verdict, sa.mean, sa.p95);
    }
  }
}

struct ManifestRow {
  std::string file, group, transform;
};

std::vector<ManifestRow> read_manifest(const std::string& path) {
  std::vector<ManifestRow> rows;
  std::ifstream in(path);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::stringstream ss(line);
    ManifestRow r;
    std::getline(ss, r.file, ',');
    std::getline(ss, r.group, ',');
    std::getline(ss, r.transform, ',');
    if (!r.file.empty()) rows.push_back(r);
  }
  return rows;
}

void print_edit_pairs(const std::string& vectors_dir, const std::vector<int>& ratios, PdqHasher& hasher) {
  const auto rows = read_manifest(vectors_dir + "/manifest.csv");
  if (rows.empty()) {
    std::printf("\n(no manifest.csv under %s: edit-pair analysis skipped)\n", vectors_dir.c_str());
    return;
  }
  std::map<std::string, Item> items;  // file -> hashes
  for (const auto& r : rows) items[r.file] = measure(vectors_dir + "/images/" + r.file, ratios, hasher);

  // Originals: the list side, hashed exactly.
  std::map<std::string, Hash256> original;  // group -> canonical exact hash
  for (const auto& r : rows)
    if (r.transform == "original" && items[r.file].exact) original[r.group] = items[r.file].exact->q[0];

  // Upload-side hashes of a file under a mode: -1 = exact, else the fast setting (exact when not reduced).
  auto upload = [&](const Item& it, int ms) -> const Hashes& {
    if (ms >= 0) {
      auto f = it.fast.find(ms);
      if (f != it.fast.end()) return f->second;
    }
    return *it.exact;
  };

  std::vector<int> modes{-1};
  modes.insert(modes.end(), ratios.begin(), ratios.end());
  std::printf("\n## Edit pairs of manifest.csv at radius %d (dihedral queries, original hashed exactly as a list holds it)\n\n",
              kRadius);
  std::printf("%zu groups with an original: ", original.size());
  for (const auto& [g, h] : original) std::printf("%s ", g.c_str());
  std::printf("\n\n| upload decoded | pairs | match | reduced edits | of those match | worst distance of a reduced edit that matched exactly | cross-group matches (of %zu files x %zu originals) |\n",
              items.size(), original.size());
  std::printf("|---|---|---|---|---|---|---|\n");
  for (int ms : modes) {
    size_t pairs = 0, match = 0, reduced = 0, reduced_match = 0, cross = 0;
    int worst = -1;
    for (const auto& r : rows) {
      const Item& it = items[r.file];
      if (!it.exact) continue;
      const Hashes& h = upload(it, ms);
      for (const auto& [g, listed] : original) {
        const int d = best_distance(h, listed);
        if (g == r.group) {
          if (r.transform == "original") continue;
          ++pairs;
          const bool m = d <= kRadius;
          match += m;
          if (ms >= 0 && it.fast.count(ms)) {
            ++reduced;
            reduced_match += m;
            if (best_distance(*it.exact, listed) <= kRadius) worst = std::max(worst, d);
          }
        } else if (d <= kRadius) {
          ++cross;
          std::printf("  cross-group match: %s (group %s) ~ original of %s at %d\n", r.file.c_str(), r.group.c_str(),
                      g.c_str(), d);
        }
      }
    }
    std::string label = ms < 0 ? std::string("exact") : "fast, " + setting_name(ms);
    std::printf("| %s | %zu | %zu | %s | %s | %s | %zu |\n", label.c_str(), pairs, match,
                ms < 0 ? "-" : std::to_string(reduced).c_str(), ms < 0 ? "-" : std::to_string(reduced_match).c_str(),
                ms < 0 || worst < 0 ? "-" : std::to_string(worst).c_str(), cross);
  }

  // Which pairs change their verdict between exact and a fast setting.
  for (int ms : ratios) {
    for (const auto& r : rows) {
      const Item& it = items[r.file];
      if (!it.exact || r.transform == "original" || !original.count(r.group) || !it.fast.count(ms)) continue;
      const int de = best_distance(*it.exact, original[r.group]);
      const int df = best_distance(it.fast.at(ms), original[r.group]);
      if ((de <= kRadius) != (df <= kRadius))
        std::printf("  %s: %s (%s) exact %d -> fast %d: %s\n", setting_name(ms).c_str(), r.file.c_str(), r.transform.c_str(), de, df,
                    df <= kRadius ? "now matches" : "no longer matches");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string vectors = HASHSIEVE_BENCH_VECTORS;
  std::string corpus = HASHSIEVE_BENCH_CORPUS;
  if (const char* e = std::getenv("HASHSIEVE_PHOTO_CORPUS")) corpus = e;
  std::vector<int> ratios{10, 20, 30};  // K x 10
  std::string csv;
  std::vector<std::string> extra;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--vectors") vectors = next();
    else if (a == "--corpus") corpus = next();
    else if (a == "--ratios") {
      ratios.clear();
      std::stringstream list(next());
      for (std::string r; std::getline(list, r, ',');) ratios.push_back(int(std::lround(std::atof(r.c_str()) * 10)));
    }
    else if (a == "--csv") csv = next();
    else if (a == "-h" || a == "--help") {
      std::printf("usage: %s [--vectors DIR] [--corpus DIR] [--ratios 1,2,3] [--csv FILE] [PATH...]\n", argv[0]);
      return 0;
    } else extra.push_back(a);
  }
  ratios.erase(std::remove_if(ratios.begin(), ratios.end(), [](int r) { return r <= 0; }), ratios.end());
  ratios.insert(ratios.begin(), 0);  // the compiled-in rule first
  cv::setNumThreads(1);

  PdqOptions po;
  po.dihedral = true;
  auto hasher = PdqHasher::Create(po);
  if (!hasher.ok()) {
    std::fprintf(stderr, "%s\n", hasher.status().to_string().c_str());
    return 1;
  }

  std::vector<Set> sets;
  auto add_set = [&](const std::string& label, const std::vector<std::string>& paths) {
    Set s{label, {}};
    for (const auto& p : paths) {
      s.items.push_back(measure(p, ratios, *hasher));
      if (!s.items.back().error.empty())
        std::fprintf(stderr, "skipped %s: %s\n", p.c_str(), s.items.back().error.c_str());
    }
    std::printf("set %-8s %zu JPEGs\n", label.c_str(), s.items.size());
    sets.push_back(std::move(s));
  };
  add_set("vectors", list_images(vectors + "/images", true));
  auto corpus_files = list_images(corpus, true);
  if (corpus_files.empty())
    std::printf("no corpus JPEGs under %s (run scripts/fetch-photo-corpus.sh or pass --corpus)\n", corpus.c_str());
  else
    add_set("corpus", corpus_files);
  if (!extra.empty()) {
    std::vector<std::string> paths;
    for (const auto& p : extra)
      for (auto& f : list_images(p, true)) paths.push_back(std::move(f));
    add_set("args", paths);
  }

  std::printf("compiled-in rule: block <= window / %.1f; radius %d; percentiles nearest-rank\n", kFastWindowPerBlock,
              kRadius);
  print_fidelity(sets, ratios);
  print_edit_pairs(vectors, ratios, *hasher);

  if (!csv.empty()) {
    std::ostringstream out;
    out << "set,file,width,height,setting,block,distance,quality_exact,quality_fast\n";
    for (const auto& set : sets)
      for (const auto& it : set.items)
        for (const auto& [ms, h] : it.fast)
          out << set.label << ',' << it.name << ',' << it.width << ',' << it.height << ',' << setting_name(ms) << ','
              << it.scale.at(ms) << ',' << hamming_distance(it.exact->q[0], h.q[0]) << ',' << it.exact->quality << ','
              << h.quality << '\n';
    const std::string text = out.str();
    std::FILE* f = hashsieve::cli::open_private_file(csv, "wb");  // 0600, like every report
    const bool written = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (!(f && std::fclose(f) == 0 && written)) {
      std::fprintf(stderr, "cannot write %s\n", csv.c_str());
      return 2;
    }
    std::printf("\nper-image distances written to %s\n", csv.c_str());
  }
  return 0;
}
