// Exact search at list scale: our multi-index and flat scan vs FAISS binary indexes (when built
// with FAISS), on uniform and clustered hashes, plus CSV import and store-to-index load times.
// Prints one table; every figure comes from this run.
//
//   index_bench [--n N] [--groups G] [--threads T] [--no-faiss] [--no-store] [--tmp DIR]
//               [--store-only] [--keep-store DIR] [--no-security]
// N defaults to 10,000,000 (HASHSIEVE_BENCH_N overrides); queries come in groups of 8, one
// image's dihedral hashes: each is with probability 1/10 a noisy copy (0..40 bits) of an entry
// (uniform) or a centre (clustered), else random. Radius 31, exact (100% recall).
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "hashsieve/hash_index.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/list_formats.h"
#include "hashsieve/simd.h"
#include "store_security_bench.h"
#include "synthetic_hashes.h"

#ifdef HASHSIEVE_HAVE_FAISS
#include <faiss/IndexBinaryFlat.h>
#include <faiss/IndexBinaryHash.h>
#include <faiss/IndexBinaryIVF.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>
#endif

namespace {

using namespace hashsieve;
using bench::flip_bits;
using bench::make_entries;
using bench::random_hash;
using bench::snapshot_of;
using Clock = std::chrono::steady_clock;

double secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

size_t rss_bytes() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return size_t(resident) * size_t(sysconf(_SC_PAGESIZE));
}

std::vector<Hash256> make_queries(size_t groups, const std::vector<Hash256>& near, std::mt19937_64& rng) {
  std::vector<Hash256> q;
  for (size_t i = 0; i < groups * 8; ++i)
    q.push_back(rng() % 10 == 0 && !near.empty() ? flip_bits(near[rng() % near.size()], int(rng() % 41), rng)
                                                 : random_hash(rng));
  return q;
}

struct Row {
  std::string name;
  double qps = 0, build_s = -1, bytes_per_hash = -1;
  size_t matches = 0, queries = 0;
  bool exact = true;
};

// Queries/s over `groups` groups of 8; fills the match count.
template <typename Fn>
double run_groups(const std::vector<Hash256>& q, size_t groups, Fn&& search_group, size_t* matches) {
  auto t0 = Clock::now();
  *matches = 0;
  for (size_t g = 0; g < groups; ++g) *matches += search_group(&q[g * 8]);
  return double(groups * 8) / secs(t0, Clock::now());
}

void print_row(const char* shape, const Row& r, double ours_qps) {
  std::printf("| %-9s | %-34s | %10.0f | %8.2fx | %8s | %9s | %9zu | %s |\n", shape, r.name.c_str(), r.qps,
              ours_qps > 0 ? r.qps / ours_qps : 0.0,
              r.build_s >= 0 ? (std::to_string(int(r.build_s * 10) / 10.0).substr(0, 5) + " s").c_str() : "-",
              r.bytes_per_hash >= 0 ? std::to_string(int(r.bytes_per_hash)).c_str() : "-", r.matches,
              r.exact ? "yes" : "NO");
}

void bench_shape(const char* shape, bool clustered, size_t n, size_t groups, bool faiss_on) {
  std::vector<Hash256> centres;
  auto t0 = Clock::now();
  std::vector<Hash256> entries = make_entries(n, clustered, &centres);
  std::mt19937_64 rng(7);
  std::vector<Hash256> queries = make_queries(groups, clustered ? centres : entries, rng);
  std::fprintf(stderr, "[%s] generated %zu entries in %.1f s\n", shape, n, secs(t0, Clock::now()));

  std::vector<Row> rows;
  SearchOptions so;
  so.radius = 31;
  size_t rss0 = rss_bytes();
  t0 = Clock::now();
  auto mih = HashIndex::Build(snapshot_of(entries), IndexOptions{IndexKind::kMultiIndex, true});
  Row ours{"hashsieve multi-index (12x21 bits)"};
  ours.build_s = secs(t0, Clock::now());  // includes laying out the snapshot's entry ids
  ours.bytes_per_hash = double((*mih)->index_bytes() + (*mih)->entry_id_bytes()) / double(n);
  std::fprintf(stderr, "[%s] multi-index built in %.2f s, %.1f B/hash (%.1f without ids), RSS +%.0f MB\n", shape,
               ours.build_s, ours.bytes_per_hash, double((*mih)->index_bytes()) / n,
               double(rss_bytes() - rss0) / 1e6);
  std::vector<std::vector<Match>> ours_results(groups);
  ours.qps = run_groups(queries, groups, [&](const Hash256* q) {
    size_t g = size_t(q - queries.data()) / 8;
    ours_results[g] = std::move((*mih)->search(q, 8, so)).value();
    return ours_results[g].size();
  }, &ours.matches);
  ours.queries = groups * 8;
  rows.push_back(ours);

  // The flat scans are ~100x slower: time them on the first groups and check them against ours.
  size_t flat_groups = std::min<size_t>(groups, std::max<size_t>(2, 40'000'000 / std::max<size_t>(n, 1)));
  // Each flat scan at the best Hamming kernels the CPU runs, then (when those are not scalar)
  // the plain scan again with the scalar ones, for the kernels' speed-up in the same run.
  struct FlatRun {
    SimdLevel level;
    bool constant_time;
  };
  std::vector<FlatRun> flat_runs{{SimdLevel::kAuto, false}, {SimdLevel::kAuto, true}};
  if (simd_level_available(SimdLevel::kAvx512)) flat_runs.push_back({SimdLevel::kScalar, false});
  for (const FlatRun& fr : flat_runs) {
    auto flat = HashIndex::Build(snapshot_of(entries), IndexOptions{IndexKind::kFlat, true, 0, fr.level});
    SearchOptions fo = so;
    fo.constant_time = fr.constant_time;
    Row r{fr.level == SimdLevel::kScalar ? "hashsieve flat scan, scalar kernel"
          : fr.constant_time             ? "hashsieve flat scan, constant time"
                                         : "hashsieve flat scan (8 queries/pass)"};
    std::fprintf(stderr, "[%s] %s: %s Hamming kernels\n", shape, r.name.c_str(), simd_level_name((*flat)->simd_level()));
    r.bytes_per_hash = double((*flat)->index_bytes() + (*flat)->entry_id_bytes()) / double(n);
    r.qps = run_groups(queries, flat_groups, [&](const Hash256* q) {
      auto res = std::move((*flat)->search(q, 8, fo)).value();
      size_t g = size_t(q - queries.data()) / 8;
      if (res.size() != ours_results[g].size()) r.exact = false;
      for (size_t i = 0; i < res.size() && r.exact; ++i)
        if (!(res[i] == ours_results[g][i])) r.exact = false;
      return res.size();
    }, &r.matches);
    rows.push_back(r);
  }

#ifdef HASHSIEVE_HAVE_FAISS
  if (faiss_on) {
    auto ours_count = [&](size_t g) { return ours_results[g].size(); };
    auto faiss_range = [&](const faiss::IndexBinary& idx, const Hash256* q, size_t g, Row* r) {
      faiss::RangeSearchResult res(8);
      idx.range_search(8, reinterpret_cast<const uint8_t*>(q), 32, &res);  // FAISS keeps d < radius
      size_t got = res.lims[8];
      if (got != ours_count(g)) r->exact = false;
      return got;
    };
    {
      size_t before = rss_bytes();
      auto tb = Clock::now();
      faiss::IndexBinaryFlat idx(256);
      idx.add(faiss::Index::idx_t(n), reinterpret_cast<const uint8_t*>(entries.data()));
      Row r{"FAISS IndexBinaryFlat"};
      r.build_s = secs(tb, Clock::now());
      r.bytes_per_hash = double(rss_bytes() - before) / double(n);
      r.qps = run_groups(queries, flat_groups, [&](const Hash256* q) {
        return faiss_range(idx, q, size_t(q - queries.data()) / 8, &r);
      }, &r.matches);
      rows.push_back(r);
    }
    {
      size_t before = rss_bytes();
      auto tb = Clock::now();
      faiss::IndexBinaryMultiHash idx(256, 16, 16);  // 16 maps x 16 bits, 1 flip: exact for r <= 31
      idx.nflip = 1;
      idx.add(faiss::Index::idx_t(n), reinterpret_cast<const uint8_t*>(entries.data()));
      Row r{"FAISS IndexBinaryMultiHash 16x16 f1"};
      r.build_s = secs(tb, Clock::now());
      r.bytes_per_hash = double(rss_bytes() - before) / double(n);
      size_t mg = std::min(groups, flat_groups * 4);
      r.qps = run_groups(queries, mg, [&](const Hash256* q) {
        return faiss_range(idx, q, size_t(q - queries.data()) / 8, &r);
      }, &r.matches);
      rows.push_back(r);
    }
    {
      // Inverted lists over 128 k-means centroids, all of them probed: exhaustive, so exact.
      auto tb = Clock::now();
      faiss::IndexBinaryFlat quantizer(256);
      const size_t nlist = 128;
      faiss::IndexBinaryIVF idx(&quantizer, 256, nlist);
      const size_t train_n = std::min<size_t>(n, 100'000);
      idx.train(faiss::Index::idx_t(train_n), reinterpret_cast<const uint8_t*>(entries.data()));
      idx.add(faiss::Index::idx_t(n), reinterpret_cast<const uint8_t*>(entries.data()));
      idx.nprobe = nlist;
      Row r{"FAISS IndexBinaryIVF 128 lists, nprobe 128"};
      r.build_s = secs(tb, Clock::now());
      // Its inverted lists hold each code and its 64-bit id; RSS is no guide here, since the
      // indexes before it have just returned their memory.
      r.bytes_per_hash = double(idx.code_size + sizeof(faiss::Index::idx_t)) + double(nlist) * 32.0 / double(n);
      size_t ig = std::min(groups, flat_groups * 4);
      r.qps = run_groups(queries, ig, [&](const Hash256* q) {
        return faiss_range(idx, q, size_t(q - queries.data()) / 8, &r);
      }, &r.matches);
      rows.push_back(r);
    }
  }
#else
  (void)faiss_on;
#endif
  for (const auto& r : rows) print_row(shape, r, ours.qps);
  std::fflush(stdout);
}

// With `keep_dir`, the store is kept in it and a later run finds it there and skips the import
// (for timing the load alone).
void bench_store(size_t n, const std::string& tmp, const std::string& keep_dir) {
  namespace fs = std::filesystem;
  fs::path dir = keep_dir.empty() ? fs::path(tmp) / ("hashsieve-bench-" + std::to_string(getpid()))
                                  : fs::path(keep_dir);
  fs::create_directories(dir);
  double import_s = -1;
  if (!keep_dir.empty() && fs::exists(dir / "db" / "CURRENT")) {
    std::fprintf(stderr, "reusing the store in %s: no import\n", dir.string().c_str());
  } else {
    std::vector<Hash256> centres;
    std::vector<Hash256> entries = make_entries(n, false, &centres);
    std::string csv = (dir / "list.csv").string();
    {
      std::ofstream f(csv, std::ios::binary);
      std::string buf = "hash,entry_id\n";
      for (size_t i = 0; i < n; ++i) {
        buf += to_hex(entries[i]);
        buf += ',';
        buf += std::to_string(10000000 + i);
        buf += '\n';
        if (buf.size() > (8 << 20)) { f << buf; buf.clear(); }
      }
      f << buf;
    }
    auto store = std::move(HashStore::Open((dir / "db").string())).value();
    (void)store->create_list("bench");
    auto t0 = Clock::now();
    auto reader = std::move(ListReader::Open(csv)).value();
    auto rep = import_list(*store, "bench", *reader);
    import_s = secs(t0, Clock::now());
    if (!rep.ok()) std::fprintf(stderr, "import failed: %s\n", rep.status().to_string().c_str());
    store.reset();  // load from a freshly opened store, as a service would at start
    fs::remove(csv);
  }

  auto t0 = Clock::now();
  auto store = std::move(HashStore::Open((dir / "db").string())).value();
  auto snap = store->snapshot_active({});
  double snap_s = secs(t0, Clock::now());
  size_t got = snap.ok() ? snap->size() : 0;
  auto idx = HashIndex::Build(std::move(snap).value());
  double load_s = secs(t0, Clock::now());
  std::printf("\n| store (N=%zu, uniform)                 | value |\n|---|---|\n", n);
  if (import_s >= 0)
    std::printf("| import %zu CSV rows (parse + synced batches of 100k) | %.1f s (%.0f rows/s) |\n", n, import_s,
                double(n) / import_s);
  std::printf("| load: open + consistent snapshot of %zu active entries | %.2f s |\n", got, snap_s);
  std::printf("| load: ... + multi-index build = ready index | %.2f s |\n", load_s);
  std::printf("| index memory per hash: hashes + tables | %.1f B |\n", double((*idx)->index_bytes()) / double(n));
  std::printf("| index memory per hash: + entry-id table | %.1f B |\n",
              double((*idx)->index_bytes() + (*idx)->entry_id_bytes()) / double(n));
  idx.value().reset();
  store.reset();
  if (keep_dir.empty()) fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 10'000'000, groups = 2000;
  int threads = 2;
  bool faiss_on = true, store_on = true, shapes_on = true, security_on = true;
  std::string keep_dir;
  std::string tmp = std::filesystem::temp_directory_path().string();
  if (const char* e = std::getenv("HASHSIEVE_BENCH_N")) n = std::strtoull(e, nullptr, 10);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--n") n = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--groups") groups = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--threads") threads = std::atoi(next().c_str());
    else if (a == "--no-faiss") faiss_on = false;
    else if (a == "--no-store") store_on = false;
    else if (a == "--tmp") tmp = next();
    else if (a == "--keep-store") keep_dir = next();
    else if (a == "--store-only") shapes_on = false;
    else if (a == "--no-security") security_on = false;
    else { std::fprintf(stderr, "unknown argument %s\n", a.c_str()); return 2; }
  }
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, size_t(threads));
#ifdef HASHSIEVE_HAVE_FAISS
  omp_set_num_threads(threads);
#endif
  std::printf("N = %zu, radius 31, queries in groups of 8, %d threads\n\n", n, threads);
  std::printf("| data      | index                              |  queries/s | vs ours   | build    | B/hash    |   matches | exact |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  if (shapes_on) {
    bench_shape("uniform", false, n, groups, faiss_on);
    bench_shape("clustered", true, n, groups, faiss_on);
  }
  if (store_on) bench_store(n, tmp, keep_dir);
  if (store_on && security_on) hashsieve::bench::bench_store_security(n, tmp);  // encryption, readers
  return 0;
}
