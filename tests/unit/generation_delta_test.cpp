// Delta generations answer exactly as a full build of the same store state: a random sequence of
// imports, re-imports with changed hashes, digests or metadata only, withdrawals, purges and list
// create/drop, each followed by a reload (a delta over the previous generation's base when the
// store can say what changed, else a full build), checked against a freshly built generation on
// PDQ matches (with transforms), digest matches, the digest cover, and the entry counts.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <tuple>

#include "engine/index_generation.h"
#include "hashsieve/hash_store.h"
#include "index_test_util.h"
#include "store_test_util.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

constexpr int kFiles = 40;

std::string eid(uint64_t i) {  // "e<i>" (built without operator+ on a literal: gcc 12 warns falsely there)
  std::string s = std::to_string(i);
  s.insert(0, 1, 'e');
  return s;
}  // digests come from a small pool of "files", so many entries share them

struct World {
  std::mt19937_64 rng{20261130};
  std::vector<std::array<std::string, kDigestKinds>> files;
  std::vector<Hash256> hashes;  // a pool, so that uploads land near entries

  World() {
    for (int f = 0; f < kFiles; ++f) {
      std::array<std::string, kDigestKinds> d;
      for (int k = 0; k < kDigestKinds; ++k) {
        d[size_t(k)].resize(kDigestSizes[k]);
        for (char& c : d[size_t(k)]) c = char(rng());
      }
      files.push_back(d);
    }
    for (int i = 0; i < 200; ++i) hashes.push_back(testing::random_hash(rng));
  }

  ListEntry row(const std::string& id) {
    ListEntry e;
    e.entry_id = id;
    const int shape = int(rng() % 4);  // 0, 1: PDQ only; 2: PDQ and digests; 3: digests only
    if (shape != 3) {
      e.has_hash = true;
      e.hash = testing::noisy(hashes[rng() % hashes.size()], int(rng() % 24), rng);
    }
    if (shape >= 2) {
      const auto& f = files[rng() % files.size()];
      DigestMask m = DigestMask(1 + rng() % 15);
      for (int k = 0; k < kDigestKinds; ++k)
        if (m & (1u << k)) e.digests.bytes[size_t(k)] = f[size_t(k)];
    }
    if (rng() % 3) e.metadata = std::string(R"({"v":)").append(std::to_string(rng() % 1000)).append("}");
    return e;
  }
};

std::vector<std::tuple<std::string, std::string, int, int, std::string, int>> flat(const std::vector<ScanMatch>& ms) {
  std::vector<std::tuple<std::string, std::string, int, int, std::string, int>> out;
  for (const auto& m : ms) out.emplace_back(m.list, m.entry_id, m.distance, int(m.transform), m.metadata, int(m.signal));
  return out;
}

// Every answer of `gen` equals that of `full` (a full build of the same state).
void expect_same(const IndexGeneration& gen, const IndexGeneration& full, World& w, const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_EQ(gen.index->lists().size(), full.index->lists().size());
  EXPECT_EQ(gen.entries, full.entries);
  EXPECT_EQ(gen.digest_entries, full.digest_entries);
  EXPECT_EQ(gen.list_counts, full.list_counts);
  EXPECT_EQ(gen.store_version, full.store_version);
  const std::vector<char> selected(full.index->lists().size(), 1);
  std::vector<char> first_only(selected.size(), 0);
  if (!first_only.empty()) first_only[0] = 1;

  std::vector<Hash256> queries;
  for (int i = 0; i < 60; ++i) queries.push_back(testing::noisy(w.hashes[w.rng() % w.hashes.size()], int(w.rng() % 40), w.rng));
  for (int i = 0; i < 5; ++i) queries.push_back(testing::random_hash(w.rng));
  const std::vector<char>* selections[] = {&selected, &first_only};
  for (const std::vector<char>* sel : selections) {
    auto a = match_generation_batch(gen, queries.data(), queries.size(), gen.list_radius, *sel, false);
    auto b = match_generation_batch(full, queries.data(), queries.size(), full.list_radius, *sel, false);
    ASSERT_TRUE(a.ok() && b.ok());
    for (size_t q = 0; q < queries.size(); ++q) EXPECT_EQ(flat((*a)[q]), flat((*b)[q])) << "query " << q;

    PdqResult pdq;
    pdq.hash = queries[0];
    pdq.has_dihedral = true;
    for (int d = 0; d < kDihedralCount; ++d) pdq.dihedral[size_t(d)] = queries[size_t(d) * 3 % queries.size()];
    auto x = match_generation(gen, pdq, gen.list_radius, *sel, false);
    auto y = match_generation(full, pdq, full.list_radius, *sel, false);
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(flat(*x), flat(*y));

    const DigestMask cover = digest_kinds(full, *sel);
    EXPECT_EQ(digest_kinds(gen, *sel), cover);
    for (int f = 0; f < kFiles; ++f) {
      Digests all, covered;
      for (int k = 0; k < kDigestKinds; ++k) {
        all.bytes[size_t(k)] = w.files[size_t(f)][size_t(k)];
        if (cover & (1u << k)) covered.bytes[size_t(k)] = w.files[size_t(f)][size_t(k)];
      }
      EXPECT_EQ(flat(match_digests(gen, all, *sel)), flat(match_digests(full, all, *sel))) << "file " << f;
      EXPECT_EQ(flat(match_digests(gen, covered, *sel)), flat(match_digests(full, covered, *sel))) << "file " << f;
    }
  }
}

// A store's writer, opened for each test, and a reader beside it: generations are built by a
// reader, as a service builds them.
class GenerationDelta : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = HashStore::Open(path_);
    ASSERT_TRUE(w.ok()) << w.status().to_string();
    writer_ = std::move(*w);
  }
  void open_reader() {
    auto r = HashStore::Open(path_, testing::reader_options());
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    reader_ = std::move(*r);
  }

  testing::TempDir dir_;
  const std::string path_ = dir_ / "db";
  std::unique_ptr<HashStore> writer_, reader_;
};

TEST_F(GenerationDelta, RandomChangesMatchAFullBuild) {
  HashStore& writer = *writer_;
  ASSERT_TRUE(writer.create_list("a", 31).ok());
  ASSERT_TRUE(writer.create_list("b", 16).ok());
  World w;
  for (const char* l : {"a", "b"}) {
    std::vector<ListEntry> rows;
    for (int i = 0; i < 300; ++i) rows.push_back(w.row(eid(uint64_t(i))));
    ASSERT_TRUE(writer.import_batch(l, rows).ok());
  }
  ASSERT_NO_FATAL_FAILURE(open_reader());
  HashStore& reader = *reader_;
  ScanOptions options;
  auto first = build_generation(reader, options, 1);
  ASSERT_TRUE(first.ok());
  std::shared_ptr<const IndexGeneration> gen = *first;

  int deltas = 0, fulls = 0;
  bool has_c = false;
  for (int step = 0; step < 40; ++step) {
    const int ops = 1 + int(w.rng() % 3);
    for (int op = 0; op < ops; ++op) {
      const std::vector<std::string> lists = has_c ? std::vector<std::string>{"a", "b", "c"}
                                                   : std::vector<std::string>{"a", "b"};
      const std::string l = lists[w.rng() % lists.size()];
      const int kind = int(w.rng() % 20);
      if (kind < 10) {  // import: new ids and re-imports of existing ones
        std::vector<ListEntry> rows;
        for (int i = 0, n = 1 + int(w.rng() % 20); i < n; ++i) rows.push_back(w.row(eid(w.rng() % 400)));
        ASSERT_TRUE(writer.import_batch(l, rows).ok());
      } else if (kind < 13) {  // the same content with new metadata only
        std::vector<ListEntry> rows;
        ASSERT_TRUE(writer.for_each_entry(l, [&](const ListEntry& e) {
          if (w.rng() % 30 == 0) {
            ListEntry r = e;
            r.state = EntryState::kActive;
            r.metadata = std::string(R"({"m":)").append(std::to_string(w.rng() % 1000)).append("}");
            rows.push_back(r);
          }
          return true;
        }).ok());
        ASSERT_TRUE(writer.import_batch(l, rows).ok());
      } else if (kind < 17) {
        std::vector<std::string> ids;
        for (int i = 0, n = 1 + int(w.rng() % 10); i < n; ++i) ids.push_back(eid(w.rng() % 400));
        ASSERT_TRUE(writer.withdraw(l, ids).ok());
      } else if (kind < 18) {
        auto purged = writer.purge_withdrawn(l);
        ASSERT_TRUE(purged.ok()) << purged.status().to_string();
      } else if (kind < 19 && !has_c) {
        ASSERT_TRUE(writer.create_list("c", 20).ok());
        ASSERT_TRUE(writer.import_batch("c", {w.row("c1"), w.row("c2")}).ok());
        has_c = true;
      } else if (has_c) {
        ASSERT_TRUE(writer.drop_list("c").ok());
        has_c = false;
      }
    }
    const uint64_t number = uint64_t(step) + 2;
    auto next = build_delta_generation(*gen, reader, options, number, 1 << 20);
    if (next.ok()) {
      ++deltas;
      EXPECT_EQ((*next)->index.get(), gen->index.get()) << "a delta shares its base";
    } else {
      ASSERT_EQ(next.status().code(), StatusCode::kUnsupported) << next.status().to_string();
      ++fulls;
      next = build_generation(reader, options, number);
      ASSERT_TRUE(next.ok());
    }
    auto full = build_generation(reader, options, 0);
    ASSERT_TRUE(full.ok());
    // The generation being replaced is untouched: a scan still holding it gets its old answers.
    const std::shared_ptr<const IndexGeneration> old = gen;
    gen = *next;
    expect_same(*gen, **full, w, std::string("step ").append(std::to_string(step)));
    ASSERT_NE(old.get(), gen.get());
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(deltas, 20);
  EXPECT_GE(fulls, 1);  // list create/drop
}

// A delta over a base whose chunk tables use the wide layout (big enough to keep tables) answers
// as a full compact build of the same state, and builds its own index in the same layout.
TEST_F(GenerationDelta, WideLayoutBase) {
  HashStore& writer = *writer_;
  ASSERT_TRUE(writer.create_list("a", 31).ok());
  World w;
  std::vector<ListEntry> rows;
  // Random hashes, so the tables answer (dense buckets would send the queries to the flat scan),
  // and every 100th row from the pool the queries come near.
  for (int i = 0; i < 100000; ++i) {
    if (i % 100 == 0) {
      rows.push_back(w.row(eid(uint64_t(i))));
      continue;
    }
    ListEntry e;
    e.entry_id = eid(uint64_t(i));
    e.has_hash = true;
    e.hash = testing::random_hash(w.rng);
    rows.push_back(e);
  }
  ASSERT_TRUE(writer.import_batch("a", rows).ok());
  ASSERT_NO_FATAL_FAILURE(open_reader());
  HashStore& reader = *reader_;
  ScanOptions compact, wide;
  wide.index_layout = IndexLayout::kWide;
  auto base = build_generation(reader, wide, 1);
  auto compact_base = build_generation(reader, compact, 0);
  ASSERT_TRUE(base.ok() && compact_base.ok());
  ASSERT_GE((*base)->index->size(), IndexOptions().min_entries_for_tables);
  // The filters beside the ordinals: 12 more bytes an entry in each of the 12 tables.
  EXPECT_GE((*base)->index->index_bytes(), (*compact_base)->index->index_bytes() + 144 * (*base)->index->size());
  expect_same(**base, **compact_base, w, "base");

  std::shared_ptr<const IndexGeneration> gen = *base;
  for (int step = 0; step < 3; ++step) {
    std::vector<ListEntry> changed;
    for (int i = 0; i < 50; ++i) changed.push_back(w.row(eid(w.rng() % 100100)));
    ASSERT_TRUE(writer.import_batch("a", changed).ok());
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) ids.push_back(eid(w.rng() % 100100));
    ASSERT_TRUE(writer.withdraw("a", ids).ok());
    auto next = build_delta_generation(*gen, reader, wide, uint64_t(step) + 2, 1 << 20);
    ASSERT_TRUE(next.ok()) << next.status().to_string();
    EXPECT_EQ((*next)->index.get(), (*base)->index.get()) << "a delta shares its wide base";
    auto full = build_generation(reader, compact, 0);
    ASSERT_TRUE(full.ok());
    gen = *next;
    expect_same(*gen, **full, w, std::string("step ").append(std::to_string(step)));
  }
}

// Past its limit a delta is refused (the caller rebuilds in full), and the rebuilt generation is
// the base of the next deltas.
TEST_F(GenerationDelta, TooManyChangesRebuildsTheBase) {
  HashStore& s = *writer_;
  ASSERT_TRUE(s.create_list("a").ok());
  ASSERT_TRUE(s.import_batch("a", testing::batch_rows(1, 100)).ok());
  ScanOptions options;
  auto base = build_generation(s, options, 1);
  ASSERT_TRUE(base.ok());
  ASSERT_TRUE(s.import_batch("a", testing::batch_rows(2, 30)).ok());
  auto refused = build_delta_generation(**base, s, options, 2, 29);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnsupported);
  auto small = build_delta_generation(**base, s, options, 2, 30);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ((*small)->entries, 130u);
  EXPECT_EQ((*small)->delta->size(), 30u);
  ASSERT_TRUE(s.withdraw("a", {"b1-0", "b2-0"}).ok());
  auto again = build_delta_generation(**small, s, options, 3, 100);  // still over the first base
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->index.get(), (*base)->index.get());
  EXPECT_EQ((*again)->entries, 128u);
  EXPECT_EQ((*again)->hidden.size(), 1u);  // b1-0; b2-0 was never in the base
}

}  // namespace
}  // namespace hashsieve
