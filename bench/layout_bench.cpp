// The multi-index's two table layouts side by side (IndexLayout::kCompact and kWide) on the same
// entries and the same queries, searched one hash per call as a service's raw lookup does, on 1
// and 2 threads, the layouts alternated round by round so both see the same machine. Prints
// queries/s per thread, CPU microseconds per search, bytes per hash, whether the matches are
// identical, and the wide filter's pass rate.
//
//   layout_bench [--n N] [--queries Q] [--rounds R] [--threads 1,2] [--radius 31] [--clustered] [--cells C]
//                [--baseline compact|wide21]
// --cells: the wide layout's entries a cell (0 to 32) instead of the list size's choice.
// --baseline wide21: compare the wide layout with itself on 21-bit chunks, not with compact.
// Entries: N random hashes (--clustered: noisy copies, 0..32 bits, of 4,000 centres). Queries:
// half noisy copies (0..16 bits) of entries, half random: the mix of the service's benchmark.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_args.h"
#include "bench/process_cpu.h"
#include "bench/synthetic_hashes.h"
#include "hashsieve/hash_index.h"
#include "index/index_testing.h"

using namespace hashsieve;
using bench::flip_bits;
using bench::random_hash;
using bench::snapshot_of;

namespace {

using Clock = std::chrono::steady_clock;

struct Pass {
  double wall = 0, cpu = 0;
  size_t queries = 0;
  std::vector<std::vector<Match>> found;  // per query, from thread 0
};

// Each thread searches every query once, one per call, starting at its own offset.
Pass run(const HashIndex& index, const std::vector<Hash256>& queries, int threads, int radius) {
  Pass out;
  out.found.resize(queries.size());
  auto work = [&](int t) {
    SearchOptions so;
    so.radius = radius;
    so.parallel = false;
    const size_t n = queries.size();
    for (size_t i = 0; i < n; ++i) {
      const size_t q = (i + size_t(t) * (n / 2)) % n;
      auto r = index.search(&queries[q], 1, so);
      if (t == 0 && r.ok()) out.found[q] = std::move(*r);
    }
  };
  const double c0 = bench::process_cpu_seconds();
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
  for (auto& th : pool) th.join();
  out.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  out.cpu = bench::process_cpu_seconds() - c0;
  out.queries = queries.size() * size_t(threads);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 10'000'000, nq = 4000;
  int rounds = 2, radius = 31;
  bool clustered = false, wide21 = false;
  std::vector<int> thread_counts{1, 2};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--clustered") clustered = true;
    else if (a == "--n") n = size_t(std::atoll(v)), ++i;
    else if (a == "--queries") nq = std::max<size_t>(1, size_t(std::atoll(v))), ++i;
    else if (a == "--rounds") rounds = std::max(1, std::atoi(v)), ++i;
    else if (a == "--radius") radius = std::atoi(v), ++i;
    else if (a == "--threads") thread_counts = bench::parse_positive_ints(v), ++i;
    else if (a == "--cells") detail::force_wide_cells(std::atoi(v)), ++i;
    else if (a == "--baseline" && (std::string(v) == "compact" || std::string(v) == "wide21"))
      wide21 = std::string(v) == "wide21", ++i;
    else {
      std::fprintf(stderr,
                   "usage: layout_bench [--n N] [--queries Q] [--rounds R] [--threads 1,2] [--radius 31] [--clustered] [--cells C]\n"
                   "                    [--baseline compact|wide21]\n");
      return 2;
    }
  }
  auto t0 = Clock::now();
  std::vector<Hash256> centres;
  std::vector<Hash256> entries = bench::make_entries(n, clustered, &centres);
  std::mt19937_64 rng(7);
  std::vector<Hash256> queries;
  for (size_t i = 0; i < nq; ++i)
    queries.push_back(i % 2 ? random_hash(rng) : flip_bits(entries[rng() % n], int(rng() % 17), rng));
  std::fprintf(stderr, "generated %zu %s entries, %zu queries in %.1f s\n", n, clustered ? "clustered" : "uniform", nq,
               std::chrono::duration<double>(Clock::now() - t0).count());

  struct Layout {
    const char* name;
    IndexLayout layout;
    std::unique_ptr<HashIndex> index;
    double build_s = 0;
  } layouts[2] = {{wide21 ? "wide21" : "compact", wide21 ? IndexLayout::kWide : IndexLayout::kCompact, nullptr},
                  {"wide", IndexLayout::kWide, nullptr}};
  for (Layout& l : layouts) {
    detail::force_split_chunks(wide21 && &l == &layouts[0] ? 0 : -1);
    IndexOptions io;
    io.layout = l.layout;
    t0 = Clock::now();
    auto built = HashIndex::Build(snapshot_of(entries), io);
    if (!built.ok()) {
      std::fprintf(stderr, "build: %s\n", built.status().message().c_str());
      return 1;
    }
    l.build_s = std::chrono::duration<double>(Clock::now() - t0).count();
    l.index = std::move(*built);
    run(*l.index, queries, 1, radius);  // touch the tables' pages
  }

  std::printf("N = %zu %s, radius %d, %zu queries (half noisy copies of entries, half random), one per call\n\n", n,
              clustered ? "clustered" : "uniform", radius, nq);
  std::printf("| layout | build | B/hash (index) | B/hash (+ entry ids) |\n|---|---|---|---|\n");
  for (const Layout& l : layouts)
    std::printf("| %s | %.2f s | %.1f | %.1f |\n", l.name, l.build_s, double(l.index->index_bytes()) / double(n),
                double(l.index->index_bytes() + l.index->entry_id_bytes()) / double(n));

  std::printf("\n| threads | round | layout | queries/s | queries/s per thread | CPU us per search | matches | same as %s |\n",
              layouts[0].name);
  std::printf("|---|---|---|---|---|---|---|---|\n");
  double cpu_us[2] = {0, 0};
  bool all_same = true;
  detail::count_wide_filter(true);
  (void)detail::wide_filter_counts();
  for (int threads : thread_counts) {
    for (int r = 0; r < rounds; ++r) {
      Pass passes[2];
      for (int k = 0; k < 2; ++k) {
        const int li = (r % 2) ? 1 - k : k;  // baseline first in even rounds, wide first in odd ones
        passes[li] = run(*layouts[li].index, queries, threads, radius);
      }
      for (int li = 0; li < 2; ++li) {
        const Pass& p = passes[li];
        size_t matches = 0;
        for (const auto& f : p.found) matches += f.size();
        const bool same = p.found == passes[0].found;
        all_same = all_same && same;
        const double us = 1e6 * p.cpu / double(p.queries);
        cpu_us[li] += us;
        std::printf("| %d | %d | %s | %.0f | %.0f | %.1f | %zu | %s |\n", threads, r + 1, layouts[li].name,
                    double(p.queries) / p.wall, double(p.queries) / p.wall / threads, us, matches,
                    same ? "yes" : "NO");
        std::fflush(stdout);
      }
    }
  }
  const detail::WideFilterCounts fc = detail::wide_filter_counts();
  size_t wide_searches = 0;
  for (int t : thread_counts) wide_searches += nq * size_t(t) * size_t(rounds) * (wide21 ? 2 : 1);
  std::printf("\nwide / %s CPU per search (mean over the rows): %.2f\n", layouts[0].name, cpu_us[1] / cpu_us[0]);
  std::printf("wide filter%s: %.1f bucket entries checked a search, %.2f passed (%.4f%%)\n",
              wide21 ? " (both indexes)" : "",
              double(fc.seen) / double(wide_searches), double(fc.passed) / double(wide_searches),
              fc.seen ? 100.0 * double(fc.passed) / double(fc.seen) : 0.0);
  std::printf("matches identical in every round: %s\n", all_same ? "yes" : "NO");
  return all_same ? 0 : 1;
}
