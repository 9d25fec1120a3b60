// Flat scan, constant-time scan and multi-index hashing against a brute-force oracle, at every
// SIMD level this CPU runs; each Hamming kernel against the scalar one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "engine/index_generation.h"
#include "index/flat_scan_kernels.h"
#include "index/index_testing.h"
#include "index_test_util.h"

namespace hashsieve {
namespace {

using testing::brute_force;
using testing::make_snapshot;
using testing::noisy;
using testing::random_hash;

struct Data {
  std::vector<Hash256> entries, queries;
};

// Uniform entries; queries are noisy copies of entries (0..70 bits) plus random ones.
Data uniform_data(size_t n, size_t nq, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Data d;
  for (size_t i = 0; i < n; ++i) d.entries.push_back(random_hash(rng));
  for (size_t i = 0; i < nq; ++i)
    d.queries.push_back(n && i % 4 ? noisy(d.entries[rng() % n], int(rng() % 70), rng) : random_hash(rng));
  return d;
}

// Noisy copies of a few centres (dense buckets, many matches per query), with exact duplicates.
Data clustered_data(size_t n, size_t centres, size_t nq, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Hash256> c;
  for (size_t i = 0; i < centres; ++i) c.push_back(random_hash(rng));
  Data d;
  for (size_t i = 0; i < n; ++i) d.entries.push_back(noisy(c[rng() % centres], int(rng() % 40), rng));
  for (size_t i = 0; i < n / 10; ++i) d.entries.push_back(d.entries[rng() % n]);
  for (size_t i = 0; i < nq; ++i) d.queries.push_back(noisy(c[rng() % centres], int(rng() % 60), rng));
  return d;
}

// The levels this CPU runs, and the Hamming kernels each one gets.
std::vector<SimdLevel> levels_to_test() {
  std::vector<SimdLevel> out;
  for (SimdLevel l : {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512})
    if (simd_level_available(l)) out.push_back(l);
  return out;
}

SimdLevel kernel_level(SimdLevel level) { return level == SimdLevel::kAvx512 ? level : SimdLevel::kScalar; }

std::unique_ptr<HashIndex> build(const std::vector<Hash256>& e, IndexKind kind, bool fallback,
                                 SimdLevel level = SimdLevel::kAuto, IndexLayout layout = IndexLayout::kCompact) {
  auto r = HashIndex::Build(make_snapshot(e, 3), IndexOptions{kind, true, 0, level, layout});
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  std::unique_ptr<HashIndex> idx = std::move(r).value();
  detail::set_allow_fallback(idx.get(), fallback);
  if (level != SimdLevel::kAuto) {
    EXPECT_EQ(idx->simd_level(), kernel_level(level));
  }
  return idx;
}

// The chunk tables' own search (mih without fallback) does not depend on the level: above
// scalar, only the searches that reach the flat scan's kernels run (flat, fallback, constant time).
// Both layouts of the tables run; the wide one both with and without the fallback.
void check_all(const Data& d, const std::vector<int>& radii, SimdLevel level = SimdLevel::kAuto) {
  const bool tables_too = level == SimdLevel::kAuto || level == SimdLevel::kScalar;
  auto flat = build(d.entries, IndexKind::kFlat, true, level);
  auto mih = tables_too ? build(d.entries, IndexKind::kMultiIndex, false, level) : nullptr;
  auto mih_auto = build(d.entries, IndexKind::kMultiIndex, true, level);
  auto wide = tables_too ? build(d.entries, IndexKind::kMultiIndex, false, level, IndexLayout::kWide) : nullptr;
  auto wide_auto =
      tables_too ? build(d.entries, IndexKind::kMultiIndex, true, level, IndexLayout::kWide) : nullptr;
  for (int r : radii) {
    auto want = brute_force(d.entries, d.queries, r);
    SearchOptions o;
    o.radius = r;
    for (bool parallel : {false, true}) {
      o.parallel = parallel;
      o.constant_time = false;
      for (auto* idx : {flat.get(), mih.get(), mih_auto.get(), wide.get(), wide_auto.get()}) {
        if (!idx) continue;
        auto got = idx->search(d.queries.data(), d.queries.size(), o);
        ASSERT_TRUE(got.ok());
        ASSERT_EQ(*got, want) << "radius " << r << " kind " << int(idx->kind()) << " parallel " << parallel
                              << (idx == wide.get() || idx == wide_auto.get() ? " wide" : "");
      }
      o.constant_time = true;
      auto ct = mih_auto->search(d.queries.data(), d.queries.size(), o);
      ASSERT_TRUE(ct.ok());
      ASSERT_EQ(*ct, want) << "constant time, radius " << r;
    }
  }
}

std::vector<int> all_radii() {
  std::vector<int> r;
  for (int i = 0; i <= 64; ++i) r.push_back(i);
  r.push_back(128);
  return r;
}

// The flat and constant-time scans run the level's Hamming kernels; the multi-index's own
// candidate checks do not depend on the level.
class IndexParityAtLevel : public ::testing::TestWithParam<SimdLevel> {};

TEST_P(IndexParityAtLevel, UniformAllRadii) { check_all(uniform_data(3000, 24, 1), all_radii(), GetParam()); }

TEST_P(IndexParityAtLevel, ClusteredAllRadii) {
  check_all(clustered_data(3000, 5, 24, 2), all_radii(), GetParam());
  check_all(clustered_data(3001, 5, 19, 11), {0, 8, 31, 32, 64, 256}, GetParam());
}

// Sizes around the kernels' 8-entry groups, 256-entry calls and 2048-entry blocks. Above scalar
// only the flat index runs (its plain and constant-time scans are what reach the kernels): the
// chunk tables built for every size are what make this test slow in a Debug build.
TEST_P(IndexParityAtLevel, OddSizes) {
  for (size_t n : {1, 7, 8, 9, 15, 16, 17, 255, 256, 257, 2047, 2048, 2049}) {
    const Data d = uniform_data(n, 11, 12 + n);
    if (GetParam() == SimdLevel::kScalar) {
      check_all(d, {0, 31, 128, 256}, GetParam());
      continue;
    }
    auto flat = build(d.entries, IndexKind::kFlat, true, GetParam());
    for (int r : {0, 31, 128, 256}) {
      SearchOptions o;
      o.radius = r;
      for (bool ct : {false, true}) {
        o.constant_time = ct;
        auto got = flat->search(d.queries.data(), d.queries.size(), o);
        ASSERT_TRUE(got.ok());
        ASSERT_EQ(*got, brute_force(d.entries, d.queries, r)) << "n " << n << " radius " << r << " ct " << ct;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, IndexParityAtLevel, ::testing::ValuesIn(levels_to_test()),
                         [](const auto& info) { return std::string(simd_level_name(info.param)); });

// Every kernel table against the scalar one, hit for hit, on ranges that start and end anywhere,
// 1..8 queries (near copies of entries, so there are hits at small radii too) and radii 0..256.
TEST(HammingKernels, AgreeWithScalarOracle) {
  std::mt19937_64 rng(21);
  std::vector<Hash256> entries;
  for (int i = 0; i < 700; ++i) entries.push_back(random_hash(rng));
  const auto* e = entries.front().words.data();
  const detail::HammingKernels& oracle = detail::scalar_hamming_kernels();
  for (SimdLevel level : levels_to_test()) {
    const detail::HammingKernels& k = detail::hamming_kernels_for(level);
    ASSERT_EQ(k.level, kernel_level(level));
    for (int iter = 0; iter < 300; ++iter) {
      const uint32_t nq = 1 + uint32_t(rng() % detail::kScanQueries);
      const uint32_t begin = uint32_t(rng() % 300), end = begin + uint32_t(rng() % 400);
      const int radius = iter % 4 == 0 ? int(rng() % 257) : int(rng() % 80);
      std::vector<Hash256> q;
      std::vector<uint32_t> ids;
      for (uint32_t j = 0; j < nq; ++j) {
        q.push_back(j % 2 ? random_hash(rng) : noisy(entries[rng() % entries.size()], int(rng() % 60), rng));
        ids.push_back(uint32_t(rng() % 1000));
      }
      for (bool ct : {false, true}) {
        auto run = [&](const detail::HammingKernels& kk) {
          std::vector<detail::HammingHit> hits(size_t(nq) * (end - begin) + 1);
          auto fn = ct ? kk.scan_constant_time : kk.scan;
          hits.resize(fn(e, begin, end, q.front().words.data(), ids.data(), nq, radius, hits.data()));
          std::vector<Match> out;
          for (const auto& h : hits) out.push_back(Match{h.query, h.entry, h.distance});
          return out;
        };
        const std::vector<Match> want = run(oracle), got = run(k);
        ASSERT_EQ(got, want) << simd_level_name(level) << " constant_time " << ct << " [" << begin << ", " << end
                             << ") nq " << nq << " radius " << radius;
        size_t expected = 0;  // the oracle itself, against hamming_distance
        for (uint32_t i = begin; i < end; ++i)
          for (uint32_t j = 0; j < nq; ++j) expected += hamming_distance(entries[i], q[j]) <= radius;
        ASSERT_EQ(want.size(), expected);
      }
    }
  }
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(IndexSimd, AutoTakesTheEnvironmentThenTheBestLevel) {
  std::vector<Hash256> e = uniform_data(100, 0, 30).entries;
  {
    ScopedEnv env("HASHSIEVE_SIMD", "scalar");
    auto idx = HashIndex::Build(make_snapshot(e), IndexOptions{IndexKind::kFlat});
    ASSERT_TRUE(idx.ok());
    EXPECT_EQ((*idx)->simd_level(), SimdLevel::kScalar);
  }
  {
    ScopedEnv env("HASHSIEVE_SIMD", "sse9");
    auto idx = HashIndex::Build(make_snapshot(e), IndexOptions{IndexKind::kFlat});
    ASSERT_FALSE(idx.ok());
    EXPECT_EQ(idx.status().code(), StatusCode::kInvalidArgument);
  }
  ScopedEnv env("HASHSIEVE_SIMD", "");
  auto idx = HashIndex::Build(make_snapshot(e), IndexOptions{IndexKind::kFlat});
  ASSERT_TRUE(idx.ok());
  EXPECT_EQ((*idx)->simd_level(),
            simd_level_available(SimdLevel::kAvx512) ? SimdLevel::kAvx512 : SimdLevel::kScalar);
}

TEST(IndexSimd, UnavailableLevelIsAnErrorNotADowngrade) {
  std::vector<Hash256> e = uniform_data(10, 0, 31).entries;
  for (SimdLevel l : {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    auto idx = HashIndex::Build(make_snapshot(e), IndexOptions{IndexKind::kFlat, true, 0, l});
    ASSERT_EQ(idx.ok(), simd_level_available(l)) << simd_level_name(l);
    if (!idx.ok()) {
      EXPECT_EQ(idx.status().code(), StatusCode::kUnsupported);
    }
  }
}

// The scan's level (`--simd`) reaches the index of every generation it builds.
TEST(IndexSimd, ScanOptionsReachTheIndex) {
  std::vector<Hash256> e = uniform_data(50, 0, 32).entries;
  for (SimdLevel level : levels_to_test()) {
    ScanOptions so;
    so.simd = level;
    auto gen = build_generation(make_snapshot(e), so, 1);
    ASSERT_TRUE(gen.ok()) << gen.status().to_string();
    EXPECT_EQ((*gen)->index->simd_level(), kernel_level(level)) << simd_level_name(level);
  }
}

TEST(IndexParity, WideOrdinals) {
  detail::force_wide_ordinals(true);
  check_all(uniform_data(3000, 24, 8), {0, 8, 31, 32, 64});
  check_all(clustered_data(3000, 5, 24, 9), {0, 8, 31, 32, 64});
  detail::force_wide_ordinals(false);
}

// The wide layout on its own: radii 0, 8, 31, the tables' last (71) and one past it (72: the flat
// scan answers), 3- and 4-byte ordinals, and the filter really dropping non-matches (its pass
// rate on random data is tiny), so the test would catch a filter that passed everything too.
TEST(IndexParity, WideLayoutMatchesFlatAndCompact) {
  for (bool wide_ordinals : {false, true}) {
    detail::force_wide_ordinals(wide_ordinals);
    for (const Data& d : {uniform_data(4000, 40, 21), clustered_data(4000, 6, 40, 22)}) {
      auto flat = build(d.entries, IndexKind::kFlat, true);
      auto compact = build(d.entries, IndexKind::kMultiIndex, false);
      auto wide = build(d.entries, IndexKind::kMultiIndex, false, SimdLevel::kAuto, IndexLayout::kWide);
      for (int r : {0, 8, 31, 71, 72}) {
        SearchOptions o;
        o.radius = r;
        auto want = brute_force(d.entries, d.queries, r);
        auto f = flat->search(d.queries.data(), d.queries.size(), o);
        auto c = compact->search(d.queries.data(), d.queries.size(), o);
        auto w = wide->search(d.queries.data(), d.queries.size(), o);
        ASSERT_TRUE(f.ok() && c.ok() && w.ok());
        EXPECT_EQ(*f, want) << "radius " << r;
        EXPECT_EQ(*c, want) << "radius " << r;
        EXPECT_EQ(*w, want) << "radius " << r << " wide ordinals " << wide_ordinals;
      }
    }
    detail::force_wide_ordinals(false);
  }
  std::mt19937_64 rng(23);
  std::vector<Hash256> e;
  for (int i = 0; i < 20000; ++i) e.push_back(random_hash(rng));
  auto wide = build(e, IndexKind::kMultiIndex, false, SimdLevel::kAuto, IndexLayout::kWide);
  detail::count_wide_filter(true);
  (void)detail::wide_filter_counts();
  SearchOptions o;
  o.radius = 31;
  std::vector<Hash256> q;
  for (int i = 0; i < 200; ++i) q.push_back(random_hash(rng));  // ~19 bucket entries each
  ASSERT_TRUE(wide->search(q.data(), q.size(), o).ok());
  const detail::WideFilterCounts counts = detail::wide_filter_counts();
  detail::count_wide_filter(false);
  EXPECT_GT(counts.seen, 1000u);             // the buckets' entries were checked...
  EXPECT_LT(counts.passed * 100, counts.seen);  // ...and nearly all dropped without their hash
}

// Every form of the wide layout's cells on small lists: a header alone (every entry spilled), 2
// and 5 entries inline, spill counts in the header and (saturated) up to the next cell's spill;
// uniform entries (mostly inline) and clustered ones (buckets of hundreds), both ordinal widths;
// chunks of 21 bits and the split into 22 and 20 bits that large lists get.
TEST(IndexParity, WideCellFormsMatchFlat) {
  struct Form {
    int capacity;
    uint32_t spill_count_max;
    bool wide_ordinals;
    bool split;
  };
  // (A cell of 5 takes 1.5 GB at any list size, 2.4 GB split: one form of each, whose spill counts
  // of 1 to 3 sit in the header and larger ones are saturated.)
  // Cells of 5 have a probe per SIMD level (index/wide_cells.h): that form at every level. The
  // probes never see a chunk's width, so the split forms run at the best level only (their tables
  // of up to 2.4 GB are most of this test's time).
  for (const Form f : {Form{0, 0xffffff, false, false}, Form{2, 0xffffff, true, false}, Form{2, 1, false, false},
                       Form{5, 3, true, false}, Form{0, 0xffffff, true, true}, Form{2, 1, false, true},
                       Form{5, 3, false, true}}) {
    detail::force_wide_cells(f.capacity, f.spill_count_max);
    detail::force_wide_ordinals(f.wide_ordinals);
    detail::force_split_chunks(f.split ? 1 : 0);
    const bool every_level = f.capacity == 5 && !f.split;
    for (SimdLevel level : every_level ? levels_to_test() : std::vector<SimdLevel>{SimdLevel::kAuto}) {
      for (const Data& d : {uniform_data(4000, 40, 41), clustered_data(4000, 6, 40, 42)}) {
        auto wide = build(d.entries, IndexKind::kMultiIndex, false, level, IndexLayout::kWide);
        // The forced widths took effect: the split's cells alone (8 chunks of 2^22 + 1 and 4 of
        // 2^20 + 1) outweigh a whole index of 21-bit chunks with cells of the same size.
        const uint64_t cell_bytes = f.capacity == 0 ? 8 : f.capacity == 2 ? 32 : 64;
        const uint64_t split_cells = (8 * ((uint64_t(1) << 22) + 1) + 4 * ((uint64_t(1) << 20) + 1)) * cell_bytes;
        if (f.split)
          EXPECT_GE(wide->index_bytes(), split_cells);
        else
          EXPECT_LT(wide->index_bytes(), split_cells);
        for (int r : {0, 8, 31, 32, 64, 71, 72}) {
          SearchOptions o;
          o.radius = r;
          auto w = wide->search(d.queries.data(), d.queries.size(), o);
          ASSERT_TRUE(w.ok());
          EXPECT_EQ(*w, brute_force(d.entries, d.queries, r))
              << "radius " << r << " capacity " << f.capacity << " spill count max " << f.spill_count_max
              << " level " << simd_level_name(level) << " split " << f.split;
        }
      }
    }
  }
  detail::force_wide_cells(-1);
  detail::force_wide_ordinals(false);
  detail::force_split_chunks(-1);
}

TEST(IndexParity, EmptyIndex) { check_all(uniform_data(0, 8, 3), {0, 31, 128}); }

TEST(IndexParity, SingleEntry) {
  Data d = uniform_data(1, 16, 4);
  d.queries.push_back(d.entries[0]);
  check_all(d, {0, 1, 31, 64, 128, 256});
}

TEST(IndexParity, DuplicatesAllReported) {
  std::mt19937_64 rng(5);
  Hash256 h = random_hash(rng);
  Data d;
  for (int i = 0; i < 50; ++i) d.entries.push_back(h);
  for (int i = 0; i < 200; ++i) d.entries.push_back(random_hash(rng));
  d.queries = {h, noisy(h, 31, rng), noisy(h, 32, rng)};
  check_all(d, {0, 31, 32});
  auto idx = build(d.entries, IndexKind::kMultiIndex, false);
  SearchOptions o;
  o.radius = 31;
  auto got = idx->search(d.queries.data(), 3, o);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::count_if(got->begin(), got->end(), [](const Match& m) { return m.query == 0; }), 50);
}

TEST(IndexParity, PerListRadius) {
  Data d = uniform_data(900, 40, 6);
  auto idx = build(d.entries, IndexKind::kMultiIndex, false);  // lists l0, l1, l2 of 300 entries
  SearchOptions o;
  o.list_radius = {10, 40, -1};
  o.radius = 20;
  auto got = idx->search(d.queries.data(), d.queries.size(), o);
  ASSERT_TRUE(got.ok());
  std::vector<Match> want;
  for (const Match& m : brute_force(d.entries, d.queries, 40)) {
    int r = m.entry < 300 ? 10 : m.entry < 600 ? 40 : 20;
    if (m.distance <= r) want.push_back(m);
  }
  EXPECT_EQ(*got, want);
  o.list_radius = {1, 2};
  EXPECT_FALSE(idx->search(d.queries.data(), 1, o).ok());
}

TEST(IndexParity, ListDefaultsAndLookup) {
  Data d = uniform_data(10, 0, 7);
  auto r = HashIndex::Build(make_snapshot(d.entries, 2, 5));
  ASSERT_TRUE(r.ok());
  const HashIndex& idx = **r;
  EXPECT_EQ(idx.size(), 10u);
  EXPECT_EQ(idx.list_of(0), 0u);
  EXPECT_EQ(idx.list_of(9), 1u);
  EXPECT_EQ(idx.entry_id(7), "e7");
  EXPECT_EQ(idx.lists()[1].name, "l1");
  auto got = idx.search(&d.entries[7], 1);  // default radius 5
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].entry, 7u);
  EXPECT_EQ((*got)[0].distance, 0);
}

TEST(IndexParity, RejectsBadSnapshot) {
  EntrySnapshot s = make_snapshot({Hash256{}}, 1);
  s.lists[0].count = 2;
  EXPECT_FALSE(HashIndex::Build(std::move(s)).ok());
}

}  // namespace
}  // namespace hashsieve
