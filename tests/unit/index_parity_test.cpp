// Flat scan, constant-time scan and multi-index hashing against a brute-force oracle.
#include <gtest/gtest.h>

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

std::unique_ptr<HashIndex> build(const std::vector<Hash256>& e, IndexKind kind, bool fallback) {
  auto r = HashIndex::Build(make_snapshot(e, 3), IndexOptions{kind, true, 0});
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  std::unique_ptr<HashIndex> idx = std::move(r).value();
  detail::set_allow_fallback(idx.get(), fallback);
  return idx;
}

void check_all(const Data& d, const std::vector<int>& radii) {
  auto flat = build(d.entries, IndexKind::kFlat, true);
  auto mih = build(d.entries, IndexKind::kMultiIndex, false);
  auto mih_auto = build(d.entries, IndexKind::kMultiIndex, true);
  for (int r : radii) {
    auto want = brute_force(d.entries, d.queries, r);
    SearchOptions o;
    o.radius = r;
    for (bool parallel : {false, true}) {
      o.parallel = parallel;
      o.constant_time = false;
      for (auto* idx : {flat.get(), mih.get(), mih_auto.get()}) {
        auto got = idx->search(d.queries.data(), d.queries.size(), o);
        ASSERT_TRUE(got.ok());
        ASSERT_EQ(*got, want) << "radius " << r << " kind " << int(idx->kind()) << " parallel " << parallel;
      }
      o.constant_time = true;
      auto ct = mih->search(d.queries.data(), d.queries.size(), o);
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

TEST(IndexParity, UniformAllRadii) { check_all(uniform_data(3000, 24, 1), all_radii()); }

TEST(IndexParity, ClusteredAllRadii) { check_all(clustered_data(3000, 5, 24, 2), all_radii()); }

TEST(IndexParity, WideOrdinals) {
  detail::force_wide_ordinals(true);
  check_all(uniform_data(3000, 24, 8), {0, 8, 31, 32, 64});
  check_all(clustered_data(3000, 5, 24, 9), {0, 8, 31, 32, 64});
  detail::force_wide_ordinals(false);
}

// The flat and constant-time scans above use the AVX-512 kernel where the CPU has it; these
// repeat them with the scalar kernel forced (on other CPUs both runs cover the scalar kernel).
TEST(IndexParity, ScalarPopcountKernel) {
  detail::force_scalar_popcount(true);
  check_all(uniform_data(3001, 21, 10), all_radii());
  check_all(clustered_data(3001, 5, 19, 11), {0, 8, 31, 32, 64, 256});
  detail::force_scalar_popcount(false);
}

TEST(IndexParity, Avx512KernelOddSizes) {
  for (size_t n : {1, 7, 8, 9, 15, 16, 17, 2047, 2048, 2049}) check_all(uniform_data(n, 11, 12 + n), {0, 31, 128, 256});
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
