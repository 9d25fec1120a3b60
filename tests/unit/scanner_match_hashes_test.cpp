// Scanner::match_hashes, the batch of given hashes: every result equals match_hash's for the same
// hash (lists, radii, allow list, metadata), in input order, on one generation, whatever the
// thread count; call errors, cancellation and the observer reach every item.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "hashsieve/scanner.h"

namespace hashsieve {
namespace {

Hash256 random_hash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& w : h.words) w = rng();
  return h;
}

Hash256 flip_bits(Hash256 h, int bits, std::mt19937_64& rng) {
  std::set<int> chosen;
  while (int(chosen.size()) < bits) chosen.insert(int(rng() % 256));
  for (int b : chosen) h.words[b / 64] ^= uint64_t{1} << (b % 64);
  return h;
}

// Three lists of random hashes with different default radii; every third entry has metadata.
EntrySnapshot three_lists(std::mt19937_64& rng, size_t per_list) {
  EntrySnapshot snap;
  const std::pair<const char*, int> lists[] = {{"alpha", 31}, {"beta", 20}, {"gamma", 45}};
  for (const auto& [name, radius] : lists) {
    SnapshotList l;
    l.list_id = uint32_t(snap.lists.size() + 1);
    l.name = name;
    l.default_radius = radius;
    l.first = uint32_t(snap.size());
    snap.lists.push_back(l);
    for (size_t i = 0; i < per_list; ++i) {
      snap.add(random_hash(rng), std::string(name) + "-" + std::to_string(i));
      snap.metadata.push_back(i % 3 == 0 ? "{\"n\":" + std::to_string(i) + "}" : "");
    }
  }
  return snap;
}

// Queries that hit: exact copies of entries, copies some bits away (inside and outside the
// radii), duplicates; and misses: random hashes.
std::vector<Hash256> queries_for(const EntrySnapshot& snap, std::mt19937_64& rng, size_t n) {
  std::vector<Hash256> q;
  for (size_t i = 0; i < n; ++i) {
    const Hash256& entry = snap.hashes[rng() % snap.size()];
    switch (i % 5) {
      case 0: q.push_back(entry); break;
      case 1: q.push_back(flip_bits(entry, int(rng() % 50), rng)); break;
      case 2: q.push_back(i > 0 ? q[rng() % i] : entry); break;
      default: q.push_back(random_hash(rng)); break;
    }
  }
  return q;
}

std::unique_ptr<Scanner> make_scanner(EntrySnapshot snap, const ScanOptions& o = {}) {
  auto s = Scanner::Create(std::move(snap), o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return std::move(*s);
}

using MatchKey = std::tuple<std::string, std::string, int, int, std::string>;

std::vector<MatchKey> keys(const ScanResult& r) {
  std::vector<MatchKey> out;
  for (const ScanMatch& m : r.matches) out.emplace_back(m.list, m.entry_id, m.distance, int(m.transform), m.metadata);
  return out;
}

// Every field match_hash sets, compared item by item (the batch's index is its position).
void expect_same_as_one_by_one(const Scanner& s, const std::vector<Hash256>& q, const ScanCall& call,
                               size_t* matched = nullptr) {
  const std::vector<ScanResult> batch = s.match_hashes(q, call);
  ASSERT_EQ(batch.size(), q.size());
  size_t hits = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    const ScanResult one = s.match_hash(q[i], -1, call);
    const ScanResult& b = batch[i];
    ASSERT_EQ(b.index, i);
    EXPECT_EQ(b.hash, q[i]) << i;
    EXPECT_EQ(b.outcome, one.outcome) << i;
    EXPECT_EQ(b.status.code(), one.status.code()) << i;
    EXPECT_EQ(b.quality, one.quality) << i;
    EXPECT_EQ(b.generation, one.generation) << i;
    EXPECT_EQ(keys(b), keys(one)) << i;
    hits += b.matches.size();
  }
  if (matched) *matched = hits;
}

TEST(ScannerMatchHashes, EqualsMatchHashForEveryHashInInputOrder) {
  std::mt19937_64 rng(7);
  EntrySnapshot snap = three_lists(rng, 1500);
  const std::vector<Hash256> q = queries_for(snap, rng, 3000);
  auto s = make_scanner(std::move(snap));
  size_t matched = 0;
  expect_same_as_one_by_one(*s, q, ScanCall{}, &matched);
  EXPECT_GT(matched, q.size() / 3);  // the comparison covered real matches, not only misses
  // Sorted like match_hash's: by distance, then list, then entry id.
  for (const ScanResult& r : s->match_hashes(q))
    for (size_t k = 1; k < r.matches.size(); ++k)
      EXPECT_LE(std::tie(r.matches[k - 1].distance, r.matches[k - 1].list, r.matches[k - 1].entry_id),
                std::tie(r.matches[k].distance, r.matches[k].list, r.matches[k].entry_id));
}

TEST(ScannerMatchHashes, SameResultsWhateverTheThreadCount) {
  std::mt19937_64 rng(11);
  EntrySnapshot snap = three_lists(rng, 400);
  const std::vector<Hash256> q = queries_for(snap, rng, 5000);  // many chunks
  auto s = make_scanner(std::move(snap));
  ScanCall one_thread;
  one_thread.threads = 1;
  const std::vector<ScanResult> serial = s->match_hashes(q, one_thread);
  ASSERT_EQ(serial.size(), q.size());
  for (int threads : {0, 2, 3, 8}) {
    ScanCall call;
    call.threads = threads;
    const std::vector<ScanResult> par = s->match_hashes(q, call);
    ASSERT_EQ(par.size(), q.size()) << threads;
    for (size_t i = 0; i < q.size(); ++i) {
      ASSERT_EQ(par[i].index, i);
      EXPECT_EQ(par[i].hash, q[i]);
      EXPECT_EQ(keys(par[i]), keys(serial[i])) << "threads " << threads << " item " << i;
    }
  }
  EXPECT_TRUE(s->match_hashes(std::vector<Hash256>{}).empty());
}

TEST(ScannerMatchHashes, PerCallRadiusAndListsAndScannerRadii) {
  std::mt19937_64 rng(13);
  EntrySnapshot snap = three_lists(rng, 800);
  const std::vector<Hash256> q = queries_for(snap, rng, 1500);
  {
    ScanOptions o;
    o.list_radius = {{"beta", 40}};
    auto s = make_scanner(snap, o);
    ScanCall narrow;
    narrow.radius = 10;
    size_t narrow_hits = 0, wide_hits = 0, subset_hits = 0;
    expect_same_as_one_by_one(*s, q, narrow, &narrow_hits);
    ScanCall wide;
    wide.radius = 60;
    expect_same_as_one_by_one(*s, q, wide, &wide_hits);
    EXPECT_LT(narrow_hits, wide_hits);
    ScanCall subset;
    subset.lists = {"gamma", "alpha"};
    expect_same_as_one_by_one(*s, q, subset, &subset_hits);
    for (const ScanResult& r : s->match_hashes(q, subset))
      for (const ScanMatch& m : r.matches) EXPECT_NE(m.list, "beta");
    expect_same_as_one_by_one(*s, q, ScanCall{});
  }
  ScanOptions everything;
  everything.radius = 256;  // every entry matches every hash
  auto s = make_scanner(snap, everything);
  const std::vector<Hash256> few(q.begin(), q.begin() + 40);
  for (const ScanResult& r : s->match_hashes(few)) EXPECT_EQ(r.matches.size(), snap.size());
}

TEST(ScannerMatchHashes, AllowListAndMetadataAsMatchHash) {
  std::mt19937_64 rng(17);
  EntrySnapshot snap = three_lists(rng, 300);
  std::vector<Hash256> q = queries_for(snap, rng, 900);
  const Hash256 allowed = snap.hashes[0], kept = snap.hashes[3];  // alpha-0 and alpha-3
  q.push_back(allowed);
  q.push_back(kept);
  ScanOptions o;
  o.allow = {{"alpha", std::string(snap.entry_ids.get(0))}};
  auto s = make_scanner(snap, o);
  expect_same_as_one_by_one(*s, q, ScanCall{});
  const std::vector<ScanResult> r = s->match_hashes(q);
  for (const ScanResult& x : r)
    for (const ScanMatch& m : x.matches) EXPECT_FALSE(m.list == "alpha" && m.entry_id == snap.entry_ids.get(0));
  EXPECT_EQ(r[r.size() - 2].outcome, ScanOutcome::kNoMatch);  // its only entry is allowed
  const ScanResult& k = r.back();
  ASSERT_EQ(k.outcome, ScanOutcome::kMatch);
  EXPECT_EQ(k.matches[0].distance, 0);
  EXPECT_EQ(k.matches[0].entry_id, "alpha-3");
  EXPECT_EQ(k.matches[0].metadata, "{\"n\":3}");
}

// Calls that must fail, each with the status it fails with: an unknown list, a radius beyond 256,
// a cancelled token, a deadline already past.
struct FailingCalls {
  ScanCall unknown, too_wide, cancelled, late;
  CancelToken token;
  FailingCalls() {
    unknown.lists = {"nope"};
    too_wide.radius = 257;
    token.cancel();
    cancelled.cancel = &token;
    late.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  }
  FailingCalls(const FailingCalls&) = delete;
  std::vector<std::pair<const ScanCall*, StatusCode>> cases() const {
    return {{&unknown, StatusCode::kInvalidArgument},
            {&too_wide, StatusCode::kInvalidArgument},
            {&cancelled, StatusCode::kCancelled},
            {&late, StatusCode::kCancelled}};
  }
};

TEST(ScannerMatchHashes, CallErrorsAndCancellationReachEveryItem) {
  std::mt19937_64 rng(19);
  EntrySnapshot snap = three_lists(rng, 100);
  const std::vector<Hash256> q = queries_for(snap, rng, 2000);
  auto s = make_scanner(std::move(snap));
  FailingCalls calls;
  for (const auto& [call, code] : calls.cases()) {
    const std::vector<ScanResult> r = s->match_hashes(q, *call);
    ASSERT_EQ(r.size(), q.size());
    for (size_t i = 0; i < r.size(); ++i) {
      ASSERT_EQ(r[i].outcome, ScanOutcome::kError) << i;
      EXPECT_EQ(r[i].status.code(), code) << i;
      EXPECT_EQ(r[i].index, i);
      EXPECT_TRUE(r[i].matches.empty());
    }
  }
}

// Records each item's match stage.
class MatchStages : public ScanObserver {
 public:
  void on_stage(uint64_t item, ScanStage stage, double seconds) noexcept override {
    std::lock_guard<std::mutex> lock(mu_);
    if (stage != ScanStage::kMatch || seconds < 0) ++bad_;
    else items_.insert(item);
    ++calls_;
  }
  std::mutex mu_;
  std::set<uint64_t> items_;
  size_t calls_ = 0, bad_ = 0;
};

TEST(ScannerMatchHashes, ObserverHearsEveryItemOnceAndOneGenerationAnswers) {
  std::mt19937_64 rng(23);
  EntrySnapshot snap = three_lists(rng, 200);
  const std::vector<Hash256> q = queries_for(snap, rng, 3000);
  auto s = make_scanner(std::move(snap));
  MatchStages stages;
  ScanCall call;
  call.observer = &stages;
  const std::vector<ScanResult> r = s->match_hashes(q, call);
  EXPECT_EQ(stages.calls_, q.size());
  EXPECT_EQ(stages.items_.size(), q.size());
  EXPECT_EQ(*stages.items_.rbegin(), q.size() - 1);
  EXPECT_EQ(stages.bad_, 0u);
  for (const ScanResult& x : r) EXPECT_EQ(x.generation, s->generation().number);
}

}  // namespace
}  // namespace hashsieve

namespace hashsieve {
namespace {

// match_hashes_flat: hash i's matches are match_hashes' result i's, whatever the thread count,
// with the allow list and radii applied; a call that fails for any hash fails as a whole.
TEST(ScannerMatchHashesFlat, SameMatchesAsMatchHashesInInputOrder) {
  std::mt19937_64 rng(29);
  EntrySnapshot snap = three_lists(rng, 600);
  const std::vector<Hash256> q = queries_for(snap, rng, 5000);
  ScanOptions o;
  o.allow = {{"alpha", std::string(snap.entry_ids.get(0))}};
  auto s = make_scanner(std::move(snap), o);
  ScanCall narrow;
  narrow.radius = 12;
  for (ScanCall call : {ScanCall{}, narrow}) {
    const std::vector<ScanResult> want = s->match_hashes(q, call);
    size_t total = 0;
    for (const ScanResult& r : want) total += r.matches.size();
    ASSERT_GT(total, q.size() / 5);
    for (int threads : {1, 0, 3}) {
      call.threads = threads;
      auto flat = s->match_hashes_flat(q.data(), q.size(), call);
      ASSERT_TRUE(flat.ok()) << flat.status().to_string();
      ASSERT_EQ(flat->offsets.size(), q.size() + 1);
      EXPECT_EQ(flat->offsets.front(), 0u);
      EXPECT_EQ(flat->offsets.back(), flat->matches.size());
      EXPECT_EQ(flat->matches.size(), total);
      EXPECT_EQ(flat->generation, s->generation().number);
      for (size_t i = 0; i < q.size(); ++i) {
        ScanResult got;
        got.matches.assign(flat->matches.begin() + ptrdiff_t(flat->offsets[i]),
                           flat->matches.begin() + ptrdiff_t(flat->offsets[i + 1]));
        ASSERT_EQ(keys(got), keys(want[i])) << "threads " << threads << " hash " << i;
      }
    }
  }
  auto none = s->match_hashes_flat(q.data(), 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->matches.empty());
  EXPECT_EQ(none->offsets, std::vector<size_t>{0});
}

TEST(ScannerMatchHashesFlat, CallErrorsAndCancellationFailTheCall) {
  std::mt19937_64 rng(31);
  EntrySnapshot snap = three_lists(rng, 100);
  const std::vector<Hash256> q = queries_for(snap, rng, 3000);
  auto s = make_scanner(std::move(snap));
  FailingCalls calls;
  for (const auto& [call, code] : calls.cases()) {
    auto r = s->match_hashes_flat(q.data(), q.size(), *call);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code);
  }
}

}  // namespace
}  // namespace hashsieve
