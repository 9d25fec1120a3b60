// The benchmark itself: the library's own batch scan (Scanner::scan_buffers, or scan_files with
// --include-io: read, decode, hash with dihedrals, match, allow list) and the report writer, over
// a corpus at several thread counts, each stage timed per image through a ScanObserver.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/entry_snapshot.h"
#include "hashsieve/hash256.h"
#include "hashsieve/scanner.h"
#include "tools/bench/corpus.h"
#include "tools/bench/stats.h"

namespace hashsieve::bench {

enum Stage { kRead, kDecode, kHash, kMatch, kReport, kStageCount };
const char* stage_name(int stage);  // "read", "decode", "hash", "match", "report"

struct StageFigures {
  Summary share;                  // fraction of the summed stage time (0..1)
  Summary ms_per_image;           // mean stage time per image, milliseconds
  Summary images_per_second;      // one thread doing only this stage: images / stage time
};

struct ThreadRun {
  int threads = 0;
  int repetitions = 0;            // measured passes (warm-up excluded)
  size_t images_per_pass = 0;     // corpus size x rounds
  double measured_seconds = 0;    // wall time of the measured passes
  Summary images_per_second, megapixels_per_second, pass_seconds;
  Summary latency_p50_ms, latency_p95_ms, latency_p99_ms;
  std::array<StageFigures, kStageCount> stages;
  double speedup = 0, efficiency = 0;  // medians, vs the 1-thread run (or the lowest count run)
  uint64_t errors_per_pass = 0;   // items that failed (decode, too small, ...) in a pass
  uint64_t peak_rss_bytes = 0;    // process peak so far, read after this run
  // Per-image latency of every measured item (ms), for the distribution plot.
  std::vector<double> latency_samples_ms;
};

struct BenchConfig {
  ScanOptions scan;               // decode mode, dihedral, simd, min quality, limits (the scanner's)
  std::vector<int> threads{1};
  double seconds = 10;            // measuring time per thread count
  int min_repetitions = 3;
  int warmup_passes = 1;
  int rounds = 0;                 // times over the corpus per pass; 0: 2 x threads
  bool include_io = false;        // read each file from disk on every pass
};

struct BenchResult {
  std::vector<ThreadRun> runs;
  std::string simd;               // the level that ran
  bool hashes_consistent = true;  // every pass gave every image the same hash
  // Per image, from the first pass: hash, quality, status (ok or why not).
  std::vector<Hash256> hashes;
  std::vector<int> qualities;
  std::vector<Status> statuses;
  uint64_t matched_per_round = 0;  // images of the corpus that matched the list
};

uint64_t peak_rss_bytes();

Result<BenchResult> run_bench(const std::vector<CorpusImage>& corpus, const Scanner& scanner,
                              const BenchConfig& config);

// `entries` random hashes (seeded) in one list named "synthetic", radius 31, as a snapshot.
EntrySnapshot synthetic_list(size_t entries, uint64_t seed);

}  // namespace hashsieve::bench
