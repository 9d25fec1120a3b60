#include "tools/bench/runner.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "hashsieve/scan_observer.h"
#include "hashsieve/scan_report.h"

namespace hashsieve::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

static_assert(int(ScanStage::kRead) == kRead && int(ScanStage::kDecode) == kDecode &&
                  int(ScanStage::kHash) == kHash && int(ScanStage::kMatch) == kMatch,
              "the bench's stages extend the scan's");

// Stage seconds per item of one pass: each item is scanned on one thread at a time, so each row
// has one writer.
class StageTimes : public ScanObserver {
 public:
  explicit StageTimes(size_t items) : t_(items) {}
  void on_stage(uint64_t item, ScanStage stage, double seconds) noexcept override {
    if (item < t_.size()) t_[item][size_t(stage)] += seconds;
  }
  std::array<double, kStageCount>& operator[](size_t item) { return t_[item]; }

 private:
  std::vector<std::array<double, kStageCount>> t_;
};

struct PassTotals {
  double wall = 0;
  std::array<double, kStageCount> stage{};
  std::vector<double> latency_ms;
  uint64_t errors = 0, matched = 0;
};

class Bench {
 public:
  Bench(const std::vector<CorpusImage>& corpus, const Scanner& scanner, const BenchConfig& config)
      : corpus_(corpus), scanner_(scanner), config_(config), seen_(corpus.size(), false) {}

  // One pass: `rounds` times over the corpus in one batch call of the scanner, so that every
  // thread stays busy and the end-of-run tail (the last large image on one thread) weighs little;
  // then each result through the report writer, as `hashsieve scan` does.
  PassTotals pass(int threads, int rounds, BenchResult& out, bool first) {
    PassTotals totals;
    const size_t items = corpus_.size() * size_t(rounds);
    StageTimes times(items);
    ScanCall call;
    call.observer = &times;
    call.threads = threads;
    const auto t0 = Clock::now();
    std::vector<ScanResult> results;
    if (config_.include_io) {
      size_t next = 0;
      results.reserve(items);
      (void)scanner_.scan_files(
          [&](FileInput& in) {
            if (next == items) return false;
            in.path = corpus_[next++ % corpus_.size()].path;
            return true;
          },
          [&](const ScanResult& r) { results.push_back(r); }, call);
    } else {
      std::vector<Scanner::Buffer> buffers(items);
      for (size_t i = 0; i < items; ++i) {
        const CorpusImage& img = corpus_[i % corpus_.size()];
        buffers[i].data = img.bytes.data();
        buffers[i].size = img.bytes.size();
      }
      results = scanner_.scan_buffers(buffers, call);
    }
    const ReportOptions report_options;  // what `hashsieve scan` writes by default
    size_t report_bytes = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      const ScanResult& r = results[i];
      const size_t image = i % corpus_.size();
      const auto ts = Clock::now();
      auto lines = format_scan_result(r, report_options);
      report_bytes += lines.ok() ? lines->size() : 0;
      times[i][kReport] = seconds_since(ts);
      double sum = 0;
      for (int st = 0; st < kStageCount; ++st) {
        totals.stage[st] += times[i][st];
        sum += times[i][st];
      }
      totals.latency_ms.push_back(sum * 1e3);
      if (r.outcome == ScanOutcome::kError) ++totals.errors;
      if (r.outcome == ScanOutcome::kMatch) ++totals.matched;
      if (first && !seen_[image]) {
        seen_[image] = true;
        out.hashes[image] = r.hash;
        out.qualities[image] = r.quality;
        out.statuses[image] = r.status;
      } else if (r.hash != out.hashes[image] || r.status.code() != out.statuses[image].code()) {
        out.hashes_consistent = false;
      }
    }
    totals.wall = seconds_since(t0);
    report_bytes_ += report_bytes;
    return totals;
  }

  size_t report_bytes() const { return report_bytes_; }

 private:
  const std::vector<CorpusImage>& corpus_;
  const Scanner& scanner_;
  const BenchConfig& config_;
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

Result<BenchResult> run_bench(const std::vector<CorpusImage>& corpus, const Scanner& scanner,
                              const BenchConfig& config) {
  auto level = resolve_simd_level(scanner.options().simd);
  if (!level.ok()) return level.status();

  BenchResult out;
  out.simd = simd_level_name(*level);
  out.hashes.resize(corpus.size());
  out.qualities.resize(corpus.size());
  out.statuses.resize(corpus.size());
  double total_mp = 0;
  for (const auto& img : corpus) total_mp += img.megapixels();

  Bench bench(corpus, scanner, config);
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
