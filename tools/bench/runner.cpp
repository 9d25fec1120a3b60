#include "tools/bench/runner.h"

#include <sys/resource.h>

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <opencv2/core.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <random>

#include "engine/file_bytes.h"
#include "engine/image_hashing.h"
#include "engine/ordered_pipeline.h"
#include "engine/scan_report.h"
#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"

namespace hashsieve::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Item {
  size_t image = 0;
  std::array<double, kStageCount> t{};  // seconds per stage
  ScanResult result;
};

struct PassTotals {
  double wall = 0;
  std::array<double, kStageCount> stage{};
  std::vector<double> latency_ms;
  uint64_t errors = 0, matched = 0;
};

class Bench {
 public:
  size_t report_bytes() const { return report_bytes_; }
  Bench(const std::vector<CorpusImage>& corpus, const IndexGeneration& gen, const BenchConfig& config,
        const PdqOptions& pdq)
      : corpus_(corpus), gen_(gen), config_(config), pdq_(pdq), seen_(corpus.size(), false) {}

  // One pass over the corpus at `threads`, in the scan's pipeline shape.
  // `rounds` times over the corpus in one pipeline run, so that every thread stays busy and the
  // end-of-run tail (the last large image on one thread) weighs little.
  PassTotals pass(int threads, int rounds, BenchResult& out, bool first) {
    PassTotals totals;
    size_t next_image = 0;
    const size_t items = corpus_.size() * size_t(rounds);
    const ReportOptions report_options;  // what `hashsieve scan` writes by default
    size_t report_bytes = 0;
    const auto t0 = Clock::now();
    run_ordered_pipeline<Item>(
        threads, 0,
        [&](Item& item) {
          if (next_image == items) return false;
          item.image = next_image++ % corpus_.size();
          return true;
        },
        [&](Item& item) { work(item); },
        [&](Item& item) {
          auto ts = Clock::now();
          report_bytes += format_scan_result(item.result, report_options).size();
          item.t[kReport] = seconds_since(ts);
          double sum = 0;
          for (int s = 0; s < kStageCount; ++s) {
            totals.stage[s] += item.t[s];
            sum += item.t[s];
          }
          totals.latency_ms.push_back(sum * 1e3);
          const ScanResult& r = item.result;
          if (r.outcome == ScanOutcome::kError) ++totals.errors;
          if (r.outcome == ScanOutcome::kMatch) ++totals.matched;
          if (first && !seen_[item.image]) {
            seen_[item.image] = true;
            out.hashes[item.image] = r.hash;
            out.qualities[item.image] = r.quality;
            out.statuses[item.image] = r.status;
          } else if (r.hash != out.hashes[item.image] || r.status.code() != out.statuses[item.image].code()) {
            out.hashes_consistent = false;
          }
        });
    totals.wall = seconds_since(t0);
    report_bytes_ += report_bytes;
    return totals;
  }

 private:
  PdqHasher& hasher() {
    auto& slot = hashers_.local();
    if (!slot) slot.emplace(*PdqHasher::Create(pdq_));  // validated by run_bench
    return *slot;
  }

  void work(Item& item) {
    const CorpusImage& img = corpus_[item.image];
    ScanResult& r = item.result;
    r.index = item.image;
    auto t = Clock::now();
    std::vector<uint8_t> disk;
    const uint8_t* data = img.bytes.data();
    size_t size = img.bytes.size();
    if (config_.include_io) {
      auto bytes = read_file_bytes(img.path, config_.scan.limits.max_bytes);
      item.t[kRead] = seconds_since(t);
      if (!bytes.ok()) return fail(r, bytes.status());
      disk = std::move(*bytes);
      data = disk.data();
      size = disk.size();
    } else {
      item.t[kRead] = seconds_since(t);  // held in memory: only the hand-over is timed
    }
    PdqResult pdq;
    bool reduced = false;
    {  // decode and hash as the scan does (JPEGs hashed as they decode); nothing is kept
      HashTimes times;
      auto hashed = hash_image_bytes(data, size, config_.scan.limits, config_.scan.decode, hasher(), &times);
      item.t[kDecode] = times.decode;
      item.t[kHash] = times.hash;
      if (!hashed.ok()) return fail(r, hashed.status());
      pdq = hashed->pdq;
      reduced = hashed->reduced;
    }
    r.quality = pdq.quality;
    r.hash = pdq.hash;
    r.reduced = reduced;
    if (r.quality < config_.scan.min_quality && !config_.scan.match_low_quality) {
      r.outcome = ScanOutcome::kLowQuality;
      return;
    }
    t = Clock::now();
    auto found = match_generation(gen_, pdq, config_.scan.constant_time);
    item.t[kMatch] = seconds_since(t);
    if (!found.ok()) return fail(r, found.status());
    r.generation = gen_.number;
    r.matches = std::move(*found);
    r.outcome = r.matches.empty() ? ScanOutcome::kNoMatch : ScanOutcome::kMatch;
  }

  static void fail(ScanResult& r, Status s) {
    r.outcome = ScanOutcome::kError;
    r.status = std::move(s);
  }

  const std::vector<CorpusImage>& corpus_;
  const IndexGeneration& gen_;
  const BenchConfig& config_;
  PdqOptions pdq_;
  tbb::enumerable_thread_specific<std::optional<PdqHasher>> hashers_;
  std::vector<bool> seen_;   // first pass: images whose hash is recorded
  size_t report_bytes_ = 0;  // keeps the formatted report from being optimised away
};

}  // namespace

const char* stage_name(int stage) {
  static const char* const kNames[] = {"read", "decode", "hash", "match", "report"};
  return stage >= 0 && stage < kStageCount ? kNames[stage] : "?";
}

uint64_t peak_rss_bytes() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return uint64_t(ru.ru_maxrss) * 1024;  // Linux reports KiB
}

EntrySnapshot synthetic_list(size_t entries, uint64_t seed) {
  EntrySnapshot snap;
  SnapshotList list;
  list.list_id = 1;
  list.name = "synthetic";
  list.default_radius = 31;
  list.source = "random hashes";
  snap.lists.push_back(list);
  snap.hashes.reserve(entries);
  snap.entry_ids.reserve(entries, entries * 10);
  std::mt19937_64 rng(seed);
  char id[32];
  for (size_t i = 0; i < entries; ++i) {
    Hash256 h;
    for (auto& w : h.words) w = rng();
    std::snprintf(id, sizeof id, "syn-%09zu", i);
    snap.add(h, id);
  }
  return snap;
}

Result<BenchResult> run_bench(const std::vector<CorpusImage>& corpus, const IndexGeneration& gen,
                              const BenchConfig& config) {
  PdqOptions pdq;
  pdq.flavor = config.scan.flavor;
  pdq.simd = config.scan.simd;
  pdq.dihedral = config.scan.dihedral;
  auto probe = PdqHasher::Create(pdq);
  if (!probe.ok()) return probe.status();
  pdq.simd = probe->simd_level();

  BenchResult out;
  out.simd = simd_level_name(pdq.simd);
  out.hashes.resize(corpus.size());
  out.qualities.resize(corpus.size());
  out.statuses.resize(corpus.size());
  double total_mp = 0;
  for (const auto& img : corpus) total_mp += img.megapixels();

  cv::setNumThreads(1);  // parallel per image, as the scan does
  Bench bench(corpus, gen, config, pdq);
  bool first = true;
  for (int threads : config.threads) {
    const int rounds = config.rounds > 0 ? config.rounds : 2 * threads;
    for (int w = 0; w < config.warmup_passes; ++w) {
      bench.pass(threads, rounds, out, first);
      first = false;
    }
    ThreadRun run;
    run.threads = threads;
    run.images_per_pass = corpus.size() * size_t(rounds);
    std::vector<double> ips, mps, wall, p50, p95, p99;
    std::array<std::vector<double>, kStageCount> share, ms, sps;
    const auto t0 = Clock::now();
    while (run.repetitions < config.min_repetitions || seconds_since(t0) < config.seconds) {
      PassTotals p = bench.pass(threads, rounds, out, first);
      first = false;
      ++run.repetitions;
      const double n = double(corpus.size()) * rounds;
      ips.push_back(n / p.wall);
      mps.push_back(total_mp * rounds / p.wall);
      wall.push_back(p.wall);
      p50.push_back(percentile(p.latency_ms, 50));
      p95.push_back(percentile(p.latency_ms, 95));
      p99.push_back(percentile(p.latency_ms, 99));
      double sum = 0;
      for (double s : p.stage) sum += s;
      for (int s = 0; s < kStageCount; ++s) {
        share[s].push_back(sum > 0 ? p.stage[s] / sum : 0);
        ms[s].push_back(p.stage[s] / n * 1e3);
        sps[s].push_back(p.stage[s] > 0 ? n / p.stage[s] : 0);
      }
      run.errors_per_pass = p.errors;
      out.matched_per_round = p.matched / uint64_t(rounds);
      run.latency_samples_ms.insert(run.latency_samples_ms.end(), p.latency_ms.begin(), p.latency_ms.end());
    }
    run.measured_seconds = seconds_since(t0);
    run.images_per_second = summarize(ips);
    run.megapixels_per_second = summarize(mps);
    run.pass_seconds = summarize(wall);
    run.latency_p50_ms = summarize(p50);
    run.latency_p95_ms = summarize(p95);
    run.latency_p99_ms = summarize(p99);
    for (int s = 0; s < kStageCount; ++s) {
      run.stages[s].share = summarize(share[s]);
      run.stages[s].ms_per_image = summarize(ms[s]);
      run.stages[s].images_per_second = summarize(sps[s]);
    }
    run.peak_rss_bytes = peak_rss_bytes();
    out.runs.push_back(std::move(run));
  }
  // Scaling against the 1-thread run, or the lowest thread count measured.
  const ThreadRun* base = nullptr;
  for (const auto& r : out.runs)
    if (!base || r.threads < base->threads) base = &r;
  for (auto& r : out.runs) {
    if (!base || base->images_per_second.median <= 0) break;
    r.speedup = r.images_per_second.median / base->images_per_second.median;
    r.efficiency = r.speedup * base->threads / r.threads;
  }
  return out;
}

}  // namespace hashsieve::bench
