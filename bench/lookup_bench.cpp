// The index's cost per lookup as a service sees it: a store opened read-only by a LiveScanner,
// the query hashes of a file (one 64-hex hash a line), searched through the public API one
// hash per call (match_hash, what GET /m/raw_lookup does) and in groups (match_hashes), on 1
// and 2 threads. Prints queries/s and the process's CPU microseconds per query.
//
//   lookup_bench --db DIR --hashes FILE [--rounds N] [--groups 1,8,32] [--threads 1,2] [--layout compact|wide]

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_args.h"
#include "bench/process_cpu.h"
#include "hashsieve/hash256.h"
#include "hashsieve/live_scanner.h"

using namespace hashsieve;

namespace {

struct Run {
  double wall = 0, cpu = 0;
  size_t queries = 0, matches = 0, errors = 0;
};

// Each thread searches every hash `rounds` times, starting at its own offset, `group` per call.
Run run(const Scanner& scanner, const std::vector<Hash256>& hashes, int threads, size_t group, int rounds) {
  std::atomic<size_t> matches{0}, errors{0};
  auto work = [&](int t) {
    const size_t n = hashes.size();
    std::vector<Hash256> batch(group);
    ScanCall call;
    call.threads = 1;  // one search per thread, as behind the service's gate
    size_t m = 0, e = 0;
    for (int r = 0; r < rounds; ++r) {
      for (size_t i = 0; i < n; i += group) {
        const size_t k = std::min(group, n - i);
        for (size_t j = 0; j < k; ++j) batch[j] = hashes[(i + j + size_t(t) * 500) % n];
        if (group == 1) {
          ScanResult res = scanner.match_hash(batch[0], -1, call);
          m += res.matches.size();
          e += res.outcome == ScanOutcome::kError;
        } else {
          for (const ScanResult& res : scanner.match_hashes(batch.data(), k, call)) {
            m += res.matches.size();
            e += res.outcome == ScanOutcome::kError;
          }
        }
      }
    }
    matches += m;
    errors += e;
  };
  const double c0 = bench::process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
  for (auto& th : pool) th.join();
  Run out;
  out.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.cpu = bench::process_cpu_seconds() - c0;
  out.queries = hashes.size() * size_t(rounds) * size_t(threads);
  out.matches = matches;
  out.errors = errors;
  return out;
}

// The process's memory on transparent huge pages (the index asks for them), in MiB.
long huge_mib() {
  std::ifstream f("/proc/self/smaps_rollup");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("AnonHugePages:", 0) == 0) return std::atol(line.c_str() + 14) / 1024;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, hashes_path;
  int rounds = 5;
  std::vector<int> groups{1, 8, 32}, thread_counts{1, 2};
  IndexLayout layout = IndexLayout::kCompact;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--db") db = v;
    else if (a == "--hashes") hashes_path = v;
    else if (a == "--rounds") rounds = std::max(1, std::atoi(v.c_str()));
    else if (a == "--groups") groups = bench::parse_positive_ints(v);
    else if (a == "--threads") thread_counts = bench::parse_positive_ints(v);
    else if (a == "--layout") layout = v == "wide" ? IndexLayout::kWide : IndexLayout::kCompact;
  }
  if (db.empty() || hashes_path.empty()) {
    std::fprintf(stderr, "usage: lookup_bench --db DIR --hashes FILE [--rounds N] [--groups 1,8] [--threads 1,2] [--layout compact|wide]\n");
    return 2;
  }
  std::vector<Hash256> hashes;
  std::ifstream in(hashes_path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto h = parse_hex(line);
    if (!h.ok()) {
      std::fprintf(stderr, "bad hash line: %s\n", h.status().message().c_str());
      return 2;
    }
    hashes.push_back(*h);
  }
  if (hashes.empty()) {
    std::fprintf(stderr, "no hashes in %s\n", hashes_path.c_str());
    return 2;
  }

  LiveScannerOptions lo;
  lo.db = db;
  lo.poll_interval = std::chrono::milliseconds(0);
  lo.scan.index_layout = layout;
  const auto t0 = std::chrono::steady_clock::now();
  auto live = LiveScanner::Open(lo);
  if (!live.ok()) {
    std::fprintf(stderr, "open: %s\n", live.status().message().c_str());
    return 1;
  }
  const Scanner& scanner = (*live)->scanner();
  std::printf("%s layout, ready in %.1f s: %zu entries, %zu query hashes, %d rounds per thread, %ld MiB on huge pages\n",
              layout == IndexLayout::kWide ? "wide" : "compact",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
              size_t((*live)->status().generation.entries), hashes.size(), rounds, huge_mib());
  run(scanner, hashes, 1, 1, 1);  // warm the tables' pages and the allocator

  std::printf("| threads | hashes per call | queries/s | CPU us per query | matches | errors |\n|---|---|---|---|---|---|\n");
  for (int threads : thread_counts) {
    for (int group : groups) {
      Run r = run(scanner, hashes, threads, size_t(group), rounds);
      std::printf("| %d | %d | %.0f | %.1f | %zu | %zu |\n", threads, group, double(r.queries) / r.wall,
                  1e6 * r.cpu / double(r.queries), r.matches, r.errors);
      std::fflush(stdout);
    }
  }
  return 0;
}
