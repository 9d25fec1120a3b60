// End-to-end scan throughput on a corpus of real JPEG photographs (scripts/fetch-photo-corpus.sh),
// the targets of issue #4, measured side by side in one run:
//   (a) decode only: cv::imdecode in the engine's pipeline shape (run_ordered_pipeline)
//   (a2) decode only, the way the scan decodes JPEGs: libjpeg-turbo to BGR, 16 rows at a time
//        into a reused strip (engine/jpeg_stream_hash without the hashing)
//   (b) decode + PDQ with dihedral hashes, exact (hash_image_bytes, one hasher per thread)
//   (c) Scanner::scan_buffer, exact, against an empty list
//   (d) Scanner::scan_buffer, exact, against a list of --list-n random hashes (default 10M)
//   (e) Scanner::scan_buffer, fast JPEG mode (block means, compiled-in rule), empty list
//   (f) block means forced to block 2, 4 or 8 + PDQ, to weigh the rule's choice
//   (g) Scanner::scan_files, exact, empty list: the same as (c) but reading the files
//   (h) Scanner::scan_buffer, exact, empty PDQ list plus a list of MD5 and SHA-1 digests (as
//       NCMEC ships them): each upload is digested too, with the cheapest kinds that cover the
//       list (index/digest_cover.h); (h4) the same with all four digest kinds; (hm) a list of MD5
//       only (StopNCII, ThreatExchange video MD5): MD5 cannot be avoided there
//   (hb, h4b) before the cover: (c) plus digesting every kind the list holds (MD5 + SHA-1; all four)
// Inputs of (a)-(f) are preloaded in memory so that the disk is not measured; every row runs
// --reps times, interleaved with the others, and the median images/s is reported. Targets:
// c/a >= 0.85, e/c >= 3, (d time - c time)/c time < 5 %, (h time - c time)/c time <= 5 %.
// Before the rows, OpenSSL's rate per digest kind on the corpus (one thread) is printed beside the
// cost table the cover is chosen with, to check its order on this CPU.
//
// Memory: peak RSS (VmHWM, reset before each phase through /proc/self/clear_refs) of
// Scanner::scan_files over the corpus and over the corpus repeated 10 times, and with a larger
// max_in_flight: the queue length must not move it.
//
// Usage: scan_bench [--corpus DIR] [--threads 2] [--reps 3] [--passes 1] [--list-n 10000000]
//                   [--store DIR (kept and reused)] [--blocks 2,4,8] [--no-rss]
//                   [--rows c,h,h4 (only these rows; d's list is built only when d runs)]
//                   [--paired N: the digest rows once more, on one thread, each photo scanned by
//                    c, h, h4, hm, hb and h4b in turn, N rounds, timed by the thread's CPU clock:
//                    other processes' load then moves every row alike]
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "bench/process_cpu.h"
#include "engine/file_bytes.h"
#include "engine/image_hashing.h"
#include "engine/jpeg_block_means.h"
#include "engine/jpeg_decompressor.h"
#include "engine/image_header.h"
#include "common/proc_status.h"
#include "engine/ordered_pipeline.h"
#include "engine/digest_costs.h"
#include "engine/upload_digests.h"
#include "hashsieve/decode.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"

namespace fs = std::filesystem;
using namespace hashsieve;
using Clock = std::chrono::steady_clock;

namespace {

double secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// Peak resident set since the last reset_peak_rss() (VmHWM), and the current one, in MiB.
double peak_rss_mib() { return proc_status_kib("VmHWM") / 1024.0; }
double current_rss_mib() { return proc_status_kib("VmRSS") / 1024.0; }

struct Photo {
  std::string path;
  std::vector<uint8_t> bytes;
  uint32_t width = 0, height = 0;
};

struct Item {
  size_t i = 0;
  bool ok = false;
};

// Runs work(photo) over `passes` passes of the corpus in the engine's pipeline shape; images/s
// by the wall clock, and the process CPU seconds per image in *cpu_per_image.
double run_pass(const std::vector<Photo>& photos, int threads, int passes,
                const std::function<bool(const Photo&)>& work, size_t* failures, double* cpu_per_image) {
  size_t next = 0, total = photos.size() * size_t(passes), bad = 0;
  const double c0 = bench::process_cpu_seconds();
  const auto t0 = Clock::now();
  run_ordered_pipeline<Item>(
      threads, 0,
      [&](Item& it) {
        if (next == total) return false;
        it.i = next++ % photos.size();
        return true;
      },
      [&](Item& it) { it.ok = work(photos[it.i]); }, [&](Item& it) { bad += !it.ok; });
  const double s = secs(t0, Clock::now());
  if (failures) *failures = bad;
  if (cpu_per_image) *cpu_per_image = (bench::process_cpu_seconds() - c0) / double(total);
  return double(total) / s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// The exact scan's JPEG decoding without the hashing: scanlines into a 16-row strip.
bool decode_strips(const uint8_t* data, size_t size, std::vector<uint8_t>& strip) {
  JpegDecompressor d;
  Status refusal = Status::Ok();
  if (!open_ycc_jpeg(d, data, size, JpegDataEnd::kSuspend, DecodeLimits{}, refusal) || !refusal.ok()) return false;
  if (setjmp(d.trap.jump)) return false;
  d.cinfo.out_color_space = JCS_EXT_BGR;
  if (!jpeg_start_decompress(&d.cinfo)) return false;
  const size_t stride = size_t(d.cinfo.output_width) * 3;
  strip.resize(stride * 16);
  while (d.cinfo.output_scanline < d.cinfo.output_height) {
    JSAMPROW rows[16];
    for (int i = 0; i < 16; ++i) rows[i] = strip.data() + size_t(i) * stride;
    if (jpeg_read_scanlines(&d.cinfo, rows, 16) == 0) break;
  }
  return true;
}

// A store with one list of n random hashes (entry ids "r<number>"), imported in batches.
Status fill_store(HashStore& store, size_t n) {
  auto list = store.create_list("random");
  if (!list.ok()) return list.status();
  std::mt19937_64 rng(20240604);
  const size_t batch = 200'000;
  std::vector<ListEntry> rows;
  rows.reserve(batch);
  for (size_t done = 0; done < n;) {
    rows.clear();
    for (size_t k = 0; k < batch && done < n; ++k, ++done) {
      ListEntry e;
      e.entry_id = "r" + std::to_string(10'000'000'000ull + done);
      e.has_hash = true;
      for (auto& w : e.hash.words) w = rng();
      e.quality = 100;
      rows.push_back(std::move(e));
    }
    auto st = store.import_batch("random", rows);
    if (!st.ok()) return st.status();
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = HASHSIEVE_BENCH_CORPUS;
  if (const char* e = std::getenv("HASHSIEVE_PHOTO_CORPUS")) corpus = e;
  int threads = 2, reps = 3, passes = 1;
  size_t list_n = 10'000'000;
  std::string store_dir;
  bool rss = true;
  std::vector<int> blocks{2, 4, 8};
  std::vector<std::string> only_rows;
  int paired = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--corpus") corpus = next();
    else if (a == "--threads") threads = std::atoi(next().c_str());
    else if (a == "--reps") reps = std::max(1, std::atoi(next().c_str()));
    else if (a == "--passes") passes = std::max(1, std::atoi(next().c_str()));
    else if (a == "--list-n") list_n = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--store") store_dir = next();
    else if (a == "--blocks") blocks = hashsieve::bench::parse_positive_ints(next());
    else if (a == "--no-rss") rss = false;
    else if (a == "--paired") paired = std::max(0, std::atoi(next().c_str()));
    else if (a == "--rows") {
      std::stringstream ss(next());
      for (std::string key; std::getline(ss, key, ',');) only_rows.push_back(key);
    }
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  cv::setNumThreads(1);  // parallel per image, as the scanner does

  // The corpus, in memory.
  std::vector<Photo> photos;
  std::error_code dir_ec;
  for (const auto& e : fs::directory_iterator(corpus, dir_ec)) {
    if (!e.is_regular_file()) continue;
    auto bytes = read_file_bytes(e.path().string(), DecodeLimits{}.max_bytes);
    if (!bytes.ok()) continue;
    auto h = sniff_image_header(bytes->data(), bytes->size());
    if (!h.ok() || h->format != ImageFormat::kJpeg) continue;
    photos.push_back({e.path().string(), std::move(*bytes), h->width, h->height});
  }
  if (photos.empty()) {
    std::fprintf(stderr, "no JPEGs under %s: run scripts/fetch-photo-corpus.sh or pass --corpus\n", corpus.c_str());
    return 1;
  }
  std::sort(photos.begin(), photos.end(), [](const Photo& a, const Photo& b) { return a.path < b.path; });
  double mp = 0, mb = 0, max_mp = 0;
  for (const auto& p : photos) {
    const double m = double(p.width) * p.height / 1e6;
    mp += m;
    max_mp = std::max(max_mp, m);
    mb += double(p.bytes.size()) / 1e6;
  }
  std::printf("corpus: %zu JPEGs, %.1f MP on average (max %.1f), %.2f MB on average, preloaded in memory\n",
              photos.size(), mp / double(photos.size()), max_mp, mb / double(photos.size()));
  std::printf("threads %d, max_in_flight default (2 per thread), %d pass(es) per run, median of %d runs\n", threads,
              passes, reps);
  {
    double load[3];
    if (getloadavg(load, 3) == 3) std::printf("load average at start: %.2f %.2f %.2f (%ld cores)\n", load[0], load[1], load[2], sysconf(_SC_NPROCESSORS_ONLN));
  }
  std::fflush(stdout);

  auto wanted = [&](const std::string& key) {
    return only_rows.empty() || std::find(only_rows.begin(), only_rows.end(), key) != only_rows.end();
  };
  if (!wanted("d")) list_n = 0;

  // OpenSSL's rate per kind over the corpus, one thread, beside the cost table of this CPU.
  std::array<double, kDigestKinds> digest_mbps{};
  {
    const DigestCosts& cost = digest_costs_for_this_cpu();
    std::printf("digest rates (OpenSSL, one thread, corpus once) with%s the SHA extensions:", cpu_has_sha_extensions() ? "" : "out");
    for (int k = 0; k < kDigestKinds; ++k) {
      const double c0 = bench::process_cpu_seconds();
      double mbytes = 0;
      for (int rep = 0; rep < 2; ++rep)
        for (const auto& p : photos) {
          (void)digest_bytes(p.bytes.data(), p.bytes.size(), DigestMask(1u << k));
          mbytes += double(p.bytes.size()) / 1e6;
        }
      digest_mbps[size_t(k)] = mbytes / (bench::process_cpu_seconds() - c0);
      std::printf(" %s %.0f MB/s (table %.1f c/B);", signal_name(digest_signal(k)), digest_mbps[size_t(k)],
                  cost[size_t(k)] / 10.0);
    }
    std::printf("\n");
  }

  // Stores: an empty one, and one holding list_n random hashes.
  const fs::path tmp = fs::temp_directory_path() / ("hashsieve-scan-bench-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  auto empty_store = std::move(HashStore::Open((tmp / "empty").string())).value();
  (void)empty_store->create_list("empty");
  const bool keep_store = !store_dir.empty();
  if (!keep_store) store_dir = (tmp / "big").string();
  const bool reuse = fs::exists(fs::path(store_dir) / "CURRENT");
  auto t0 = Clock::now();
  auto big_store = std::move(HashStore::Open(store_dir)).value();
  if (!reuse || !big_store->get_list("random").ok()) {
    if (Status st = fill_store(*big_store, list_n); !st.ok()) {
      std::fprintf(stderr, "import failed: %s\n", st.to_string().c_str());
      return 1;
    }
    std::printf("list: imported %zu random hashes with import_batch (batches of 200k) in %.1f s\n", list_n,
                secs(t0, Clock::now()));
  } else {
    std::printf("list: reusing the store in %s\n", store_dir.c_str());
  }
  ScanOptions so;
  so.threads = threads;
  auto scan_empty = std::move(Scanner::Create(*empty_store, so)).value();
  t0 = Clock::now();
  const double rss_before_index = current_rss_mib();
  auto scan_big = std::move(Scanner::Create(*big_store, so)).value();
  std::printf("list: %zu entries, index generation built in %.1f s, RSS +%.0f MiB\n", scan_big->generation().entries,
              secs(t0, Clock::now()), current_rss_mib() - rss_before_index);
  // Digest lists: one entry each (a digest lookup is one hash-map probe; the cost measured is
  // digesting the upload's bytes).
  auto digest_scanner = [&](DigestMask kinds) {
    EntrySnapshot snap;
    SnapshotList l;
    l.name = "digests";
    snap.lists.push_back(l);
    Digests d;
    for (int k = 0; k < kDigestKinds; ++k)
      if (kinds & (1u << k)) d.bytes[size_t(k)] = std::string(kDigestSizes[k], char(0x5a));
    snap.add_digests(d, "digest-entry");
    return std::move(Scanner::Create(std::move(snap), so)).value();
  };
  auto scan_md5_sha1 = digest_scanner(DigestMask(1 | 2));
  auto scan_all_digests = digest_scanner(kAllDigests);
  auto scan_md5 = digest_scanner(DigestMask(1));
  for (auto [name, kinds] : {std::pair("h", DigestMask(1 | 2)), std::pair("h4", kAllDigests), std::pair("hm", DigestMask(1))}) {
    const DigestMask cover = cheapest_cover(digest_combo(kinds), digest_costs_for_this_cpu());
    std::printf("(%s) digested with:", name);
    for (int k = 0; k < kDigestKinds; ++k)
      if (cover & (1u << k)) std::printf(" %s", signal_name(digest_signal(k)));
    std::printf("\n");
  }
  ScanOptions fo = so;
  fo.decode = DecodeMode::kFastJpeg;
  auto scan_fast = std::move(Scanner::Create(*empty_store, fo)).value();
  std::fflush(stdout);

  PdqOptions po;
  po.dihedral = true;
  tbb::enumerable_thread_specific<std::optional<PdqHasher>> hashers;
  auto hasher = [&]() -> PdqHasher& {
    auto& h = hashers.local();
    if (!h) h.emplace(*PdqHasher::Create(po));
    return *h;
  };

  struct Row {
    std::string key, label;
    std::function<bool(const Photo&)> work;
    std::vector<double> ips, cpu;  // wall images/s; CPU s per image
    size_t failures = 0;
  };
  std::vector<Row> rows;
  rows.push_back({"a", "(a) decode only (cv::imdecode, full size)", [](const Photo& p) {
                    const cv::Mat buf(1, int(p.bytes.size()), CV_8UC1, const_cast<uint8_t*>(p.bytes.data()));
                    return !cv::imdecode(buf, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION).empty();
                  }});
  tbb::enumerable_thread_specific<std::vector<uint8_t>> strips;
  rows.push_back({"a2", "(a2) decode only, the scan's JPEG decoder (strips, no image buffer)", [&](const Photo& p) {
                    return decode_strips(p.bytes.data(), p.bytes.size(), strips.local());
                  }});
  rows.push_back({"b", "(b) decode + PDQ (8 dihedral), exact", [&](const Photo& p) {
                    return hash_image_bytes(p.bytes.data(), p.bytes.size(), {}, DecodeMode::kExact, hasher()).ok();
                  }});
  rows.push_back({"c", "(c) scan exact, empty list", [&](const Photo& p) {
                    return scan_empty->scan_buffer(p.bytes.data(), p.bytes.size()).outcome != ScanOutcome::kError;
                  }});
  rows.push_back({"d", "(d) scan exact, " + std::to_string(scan_big->generation().entries) + " random hashes",
                  [&](const Photo& p) {
                    return scan_big->scan_buffer(p.bytes.data(), p.bytes.size()).outcome != ScanOutcome::kError;
                  }});
  rows.push_back({"h", "(h) scan exact, empty PDQ list + an MD5/SHA-1 digest list", [&](const Photo& p) {
                    return scan_md5_sha1->scan_buffer(p.bytes.data(), p.bytes.size()).outcome != ScanOutcome::kError;
                  }});
  rows.push_back({"h4", "(h4) scan exact, empty PDQ list + an MD5/SHA-1/SHA-256/SHA-512 digest list",
                  [&](const Photo& p) {
                    return scan_all_digests->scan_buffer(p.bytes.data(), p.bytes.size()).outcome != ScanOutcome::kError;
                  }});
  rows.push_back({"hm", "(hm) scan exact, empty PDQ list + an MD5-only digest list", [&](const Photo& p) {
                    return scan_md5->scan_buffer(p.bytes.data(), p.bytes.size()).outcome != ScanOutcome::kError;
                  }});
  auto before_cover = [&](DigestMask kinds) {
    return [&, kinds](const Photo& p) {
      return digest_bytes(p.bytes.data(), p.bytes.size(), kinds).ok() &&
             scan_empty->scan_buffer(p.bytes.data(), p.bytes.size()).outcome != ScanOutcome::kError;
    };
  };
  rows.push_back({"hb", "(hb) before the cover: (c) + MD5 and SHA-1 digested", before_cover(DigestMask(1 | 2))});
  rows.push_back({"h4b", "(h4b) before the cover: (c) + all four digested", before_cover(kAllDigests)});
  rows.push_back({"e", "(e) scan fast JPEG (block means), empty list",
                  [&](const Photo& p) {
                    return scan_fast->scan_buffer(p.bytes.data(), p.bytes.size()).outcome != ScanOutcome::kError;
                  }});
  for (int block : blocks) {
    rows.push_back({"f" + std::to_string(block), "(f) block means at block " + std::to_string(block) + " + PDQ",
                    [&, block](const Photo& p) {
                      auto m = decode_jpeg_block_means(p.bytes.data(), p.bytes.size(), block, {});
                      if (!m.ok()) return false;
                      const ImageView v{m->pixels.data(), m->width, m->height, size_t(m->width), PixelFormat::kGray8};
                      return hasher().hash_block_means(v, m->full_width, m->full_height, block).ok();
                    }});
  }
  // (g) the batch API on files (page cache warm after the first run).
  std::vector<std::string> paths;
  for (const auto& p : photos) paths.push_back(p.path);
  auto scan_files_ips = [&](const Scanner& s, size_t repeat, double* cpu_per_image = nullptr) {
    size_t k = 0, n = paths.size() * repeat, errors = 0;
    const double c0 = bench::process_cpu_seconds();
    const auto t = Clock::now();
    (void)s.scan_files(
        [&](FileInput& in) {
          if (k == n) return false;
          in.path = paths[k++ % paths.size()];
          return true;
        },
        [&](const ScanResult& r) { errors += r.outcome == ScanOutcome::kError; });
    const double ips = double(n) / secs(t, Clock::now());
    if (cpu_per_image) *cpu_per_image = (bench::process_cpu_seconds() - c0) / double(n);
    if (errors) std::fprintf(stderr, "scan_files: %zu errors\n", errors);
    return ips;
  };
  rows.push_back({"g", "(g) scan_files exact, empty list (files, page cache)", nullptr});
  rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const Row& r) { return !wanted(r.key); }), rows.end());

  for (int r = 0; r < reps; ++r) {
    for (auto& row : rows) {
      double cpu = 0;
      if (row.work) {
        row.ips.push_back(run_pass(photos, threads, passes, row.work, &row.failures, &cpu));
      } else {
        row.ips.push_back(scan_files_ips(*scan_empty, size_t(passes), &cpu));
      }
      row.cpu.push_back(cpu);
    }
    std::fprintf(stderr, "run %d/%d done\n", r + 1, reps);
  }

  // The machine is shared: the wall clock swings with other people's load, so the ratios use the
  // CPU time this process spent per image (median over runs), converted to images/s on `threads`
  // fully available cores. The wall-clock medians are printed too.
  std::map<std::string, double> med;
  std::printf("\n| pipeline (%d threads) | images/s at %d cores, by CPU time (median) | CPU ms/image | wall images/s (median) | wall runs |\n|---|---|---|---|---|\n",
              threads, threads);
  for (const auto& row : rows) {
    const double cpu = median(row.cpu);
    med[row.key] = double(threads) / cpu;
    std::string runs;
    for (double v : row.ips) {
      char b[32];
      std::snprintf(b, sizeof b, "%s%.1f", runs.empty() ? "" : " ", v);
      runs += b;
    }
    std::printf("| %s | %.2f | %.1f | %.2f | %s |%s\n", row.label.c_str(), med[row.key], 1000 * cpu, median(row.ips),
                runs.c_str(), row.failures ? (" " + std::to_string(row.failures) + " failures").c_str() : "");
  }
  auto ran = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (!med.count(k)) return false;
    return true;
  };
  std::printf("\n| ratio (CPU-time based) | measured | target |\n|---|---|---|\n");
  if (ran({"a", "b"})) std::printf("| b/a decode+hash vs decode | %.3f | - |\n", med["b"] / med["a"]);
  if (ran({"a", "c"})) {
    const double ca = med["c"] / med["a"];
    std::printf("| c/a scan exact vs decode (cv::imdecode) | %.3f | >= 0.85 %s |\n", ca, ca >= 0.85 ? "met" : "MISSED");
  }
  if (ran({"a2", "c"})) {
    const double ca2 = med["c"] / med["a2"];
    std::printf("| c/a2 scan exact vs its own JPEG decoding alone | %.3f | >= 0.85 %s |\n", ca2,
                ca2 >= 0.85 ? "met" : "MISSED");
  }
  if (ran({"c", "d"})) {
    const double match_cost = med["c"] / med["d"] - 1.0;  // extra time per image, relative to (c)
    std::printf("| d/c 10M list vs empty (images/s) | %.3f | match stage adds %+.1f %% time: < 5 %% %s |\n",
                med["d"] / med["c"], 100 * match_cost, match_cost < 0.05 ? "met" : "MISSED");
  }
  if (ran({"c", "e"})) {
    const double ec = med["e"] / med["c"];
    std::printf("| e/c fast vs exact scan | %.2f | >= 3 %s |\n", ec, ec >= 3 ? "met" : "MISSED");
  }
  for (int block : blocks)
    if (med.count("b") && med.count("f" + std::to_string(block)))
      std::printf("| f%d/b block means at block %d + hash vs exact decode + hash | %.2f | - |\n", block, block,
                  med["f" + std::to_string(block)] / med["b"]);
  if (ran({"c", "g"})) std::printf("| g/c scan_files vs scan_buffer | %.3f | - |\n", med["g"] / med["c"]);
  // Beside each measured ratio, what the kinds digested should cost: the corpus's bytes at the
  // rates measured above over (c)'s CPU time per image (steadier than a difference of two rows).
  const DigestCosts& costs = digest_costs_for_this_cpu();
  const std::map<std::string, DigestMask> digested = {{"h", cheapest_cover(digest_combo(DigestMask(1 | 2)), costs)},
                                                      {"h4", cheapest_cover(digest_combo(kAllDigests), costs)},
                                                      {"hm", DigestMask(1)},
                                                      {"hb", DigestMask(1 | 2)},
                                                      {"h4b", kAllDigests}};
  for (const char* h : {"h", "h4", "hm", "hb", "h4b"}) {
    if (!ran({"c", h})) continue;
    const double digest_cost = med["c"] / med[h] - 1.0;  // extra time per image, relative to (c)
    double expected_s = 0;
    for (int k = 0; k < kDigestKinds; ++k)
      if (digested.at(h) & (1u << k)) expected_s += mb / double(photos.size()) / digest_mbps[size_t(k)];
    const double expected = expected_s / (double(threads) / med["c"]);
    std::printf("| %s/c scan with a digest list vs without (images/s %.2f vs %.2f) | %.3f | digesting adds %+.1f %% "
                "time (%.1f %% by the digest rates): <= 5 %% %s |\n",
                h, med[h], med["c"], med[h] / med["c"], 100 * digest_cost, 100 * expected,
                digest_cost <= 0.05 ? "met" : "MISSED");
  }
  std::fflush(stdout);

  if (paired > 0) {
    const std::vector<std::string> keys = {"c", "h", "h4", "hm", "hb", "h4b"};
    std::map<std::string, const Row*> by_key;
    for (const Row& row : rows) by_key[row.key] = &row;
    std::map<std::string, double> cpu_s;
    size_t n = 0;
    auto thread_cpu = [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
    };
    for (int round = 0; round < paired; ++round)
      for (const Photo& p : photos) {
        ++n;
        for (const std::string& k : keys) {
          if (!by_key.count(k)) continue;
          const double t = thread_cpu();
          (void)by_key[k]->work(p);
          cpu_s[k] += thread_cpu() - t;
        }
      }
    std::printf("\n| paired, one thread, thread CPU time (%d rounds of the corpus) | CPU ms/image | vs (c) |\n|---|---|---|\n",
                paired);
    for (const std::string& k : keys)
      if (cpu_s.count(k))
        std::printf("| %s | %.2f | %+.1f %% |\n", by_key[k]->label.c_str(), 1000 * cpu_s[k] / double(n),
                    cpu_s.count("c") ? 100 * (cpu_s[k] / cpu_s["c"] - 1) : 0.0);
    std::fflush(stdout);
  }

  if (rss) {
    // Memory: the real batch API, exact mode, files, on a fresh scanner each time. The throughput
    // phase's scanners and hashers (whose scratch has grown to the largest image) are freed
    // first; the preloaded corpus and the stores stay resident (baseline, not growth).
    hashers.clear();
    scan_md5_sha1.reset();
    scan_all_digests.reset();
    scan_md5.reset();
    scan_fast.reset();
    scan_empty.reset();
    scan_big.reset();
    std::printf("\n| scan_files, exact, empty list | items | peak RSS (MiB) | growth over baseline |\n|---|---|---|---|\n");
    reset_peak_rss();
    const double base = current_rss_mib();
    std::printf("| baseline before scanning (corpus in memory, stores open) | - | %.0f | - |\n", base);
    struct Case {
      const char* label;
      size_t repeat;
      int in_flight;
    };
    for (const Case& c : {Case{"corpus x1, max_in_flight 4", 1, 0}, Case{"corpus x10, max_in_flight 4", 10, 0},
                          Case{"corpus x10, max_in_flight 32", 10, 32}}) {
      ScanOptions o = so;
      o.max_in_flight = c.in_flight;
      auto s = std::move(Scanner::Create(*empty_store, o)).value();
      reset_peak_rss();
      const double before = current_rss_mib();
      scan_files_ips(*s, c.repeat);
      const double peak = peak_rss_mib();
      std::printf("| %s | %zu | %.0f | %+.0f |\n", c.label, paths.size() * c.repeat, peak, peak - before);
      std::fflush(stdout);
    }
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("| whole run, getrusage ru_maxrss | - | %.0f | - |\n", double(ru.ru_maxrss) / 1024.0);
    // The hasher's scratch is a few rows (see pdq.h). YCbCr and gray JPEGs are hashed as they
    // decode, so only a progressive one holds image-sized memory: its DCT coefficients.
    std::printf("largest image %.1f MP: per thread at most ~ %.0f MiB (file + 3 B/px: decoded pixels of other "
                "formats, or a progressive 4:2:0 JPEG's coefficients)\n",
                max_mp, max_mp * 1e6 * 3 / 1048576.0);
  }

  scan_big.reset();
  big_store.reset();
  scan_empty.reset();
  scan_fast.reset();
  empty_store.reset();
  fs::remove_all(tmp);
  if (keep_store) std::printf("store kept in %s\n", store_dir.c_str());
  return 0;
}
