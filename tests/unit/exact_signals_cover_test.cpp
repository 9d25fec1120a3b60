// Uploads are digested only with the cheapest kinds that cover the selected lists' entries, and
// still match exactly the (list, entry) pairs that digesting with all four kinds matches: a store
// whose entries carry different kinds (MD5 only; MD5 + SHA-1; SHA-256 + SHA-512; all four), with
// digests computed by coreutils. Each entry is reported once, by a signal it holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "engine/digest_costs.h"
#include "engine/index_generation.h"
#include "engine/item_scan.h"
#include "engine/upload_digests.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"
#include "tests/support/coreutils_digest.h"
#include "tests/support/test_data.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

using testing::coreutils_digest;
using testing::TempDir;
using Pair = std::pair<std::string, std::string>;  // (list, entry id)

const std::string kImages = testing::data_path("pdq-vectors/images/");

Digests digests_of(const std::string& path, DigestMask kinds) {
  Digests d;
  for (int k = 0; k < kDigestKinds; ++k)
    if (kinds & (1u << k)) d.bytes[size_t(k)] = coreutils_digest(k, path);
  return d;
}

struct Fixture {
  TempDir dir;
  std::vector<std::string> files;  // uploads: photos, a video, and one no list holds
  std::map<Pair, DigestMask> kinds;  // each entry's kinds
  std::unique_ptr<HashStore> store;

  Fixture() {
    const std::string video = dir / "clip.mp4";
    {
      std::string bytes("\0\0\0\x18" "ftypmp42", 12);
      for (size_t i = bytes.size(); i < 70000; ++i) bytes.push_back(char((i * 2654435761u) >> 11));
      std::ofstream(video, std::ios::binary) << bytes;
    }
    files = {kImages + "photo-astronaut.png", kImages + "photo-coffee-q85.jpg", kImages + "photo-astronaut-q85.jpg",
             video, kImages + "photo-astronaut-q40.jpg"};
    auto s = HashStore::Open(dir / "db");
    EXPECT_TRUE(s.ok());
    store = std::move(*s);
    // list: (entry id, file, kinds). "ncmec" as NCMEC ships (MD5 + SHA-1) plus a video MD5;
    // "tat" SHA-256 + SHA-512 and all four; "other" holds the astronaut too, by other kinds.
    const std::vector<std::tuple<std::string, std::string, size_t, DigestMask>> entries = {
        {"ncmec", "md5-only", 3, 1},         {"ncmec", "md5-sha1", 0, 1 | 2},
        {"tat", "sha256-sha512", 1, 4 | 8},  {"tat", "all-four", 2, kAllDigests},
        {"other", "astronaut-sha512", 0, 8}, {"other", "video-sha1-sha256", 3, 2 | 4}};
    for (const auto& [list, id, file, k] : entries) {
      if (!store->get_list(list).ok()) {
        EXPECT_TRUE(store->create_list(list).ok());
      }
      ListEntry e;
      e.entry_id = id;
      e.digests = digests_of(files[file], k);
      EXPECT_EQ(e.digests.mask(), k);
      EXPECT_TRUE(store->import_batch(list, {e}).ok());
      kinds[{list, id}] = k;
    }
  }
};

// (list, entry) -> signal of a scan's exact matches; an entry twice fails the test.
std::map<Pair, Signal> exact_matches(const ScanResult& r) {
  std::map<Pair, Signal> out;
  for (const ScanMatch& m : r.matches) {
    if (m.signal == Signal::kPdq) continue;
    EXPECT_TRUE(out.emplace(Pair(m.list, m.entry_id), m.signal).second) << m.list << "/" << m.entry_id << " twice";
  }
  return out;
}

std::set<Pair> pairs(const std::vector<ScanMatch>& ms) {
  std::set<Pair> out;
  for (const ScanMatch& m : ms) out.emplace(m.list, m.entry_id);
  return out;
}

TEST(ExactSignalsCover, ScansMatchTheSameEntriesAsDigestingEveryKind) {
  Fixture f;
  auto scanner = Scanner::Create(*f.store, {});
  ASSERT_TRUE(scanner.ok());
  auto gen = build_generation(*f.store, {}, 1);
  ASSERT_TRUE(gen.ok());
  const std::vector<std::vector<std::string>> selections = {{}, {"ncmec"}, {"tat"}, {"other"}, {"tat", "other"}};
  const std::vector<std::set<Pair>> expected_per_file = {
      {{"ncmec", "md5-sha1"}, {"other", "astronaut-sha512"}},
      {{"tat", "sha256-sha512"}},
      {{"tat", "all-four"}},
      {{"ncmec", "md5-only"}, {"other", "video-sha1-sha256"}},
      {}};
  for (const auto& lists : selections) {
    ScanCall call;
    call.lists = lists;
    auto plan = plan_match(*gen, {}, call, nullptr);
    ASSERT_TRUE(plan.ok());
    for (size_t i = 0; i < f.files.size(); ++i) {
      SCOPED_TRACE(f.files[i] + " lists " + std::to_string(lists.size()) + (lists.empty() ? "" : " " + lists[0]));
      // The reference: every kind digested (as before the cover), then the lists' entries found.
      auto bytes = testing::read_file(f.files[i]);
      auto all = digest_bytes(bytes.data(), bytes.size(), kAllDigests);
      ASSERT_TRUE(all.ok());
      const std::set<Pair> reference = pairs(match_digests(**gen, *all, plan->selected));
      std::set<Pair> expected;
      for (const Pair& p : expected_per_file[i])
        if (lists.empty() || std::find(lists.begin(), lists.end(), p.first) != lists.end()) expected.insert(p);
      EXPECT_EQ(reference, expected);

      const ScanResult r = (*scanner)->scan_file(f.files[i], call);
      ASSERT_NE(r.outcome, ScanOutcome::kError) << r.status.to_string();
      const auto got = exact_matches(r);
      std::set<Pair> got_pairs;
      for (const auto& [p, signal] : got) {
        got_pairs.insert(p);
        // The signal is one the entry holds and one the scan computed.
        const int kind = int(signal) - 1;
        EXPECT_TRUE(f.kinds.at(p) & (1u << kind)) << p.second << " by " << signal_name(signal);
        EXPECT_TRUE(plan->digest_kinds & (1u << kind)) << p.second << " by " << signal_name(signal);
      }
      EXPECT_EQ(got_pairs, reference);
    }
  }
}

TEST(ExactSignalsCover, EveryCoveringSetOfKindsFindsTheSameEntriesAndOthersMissSome) {
  Fixture f;
  auto gen = build_generation(*f.store, {}, 1);
  ASSERT_TRUE(gen.ok());
  const std::vector<char> selected((*gen)->index->lists().size(), 1);
  DigestCombos combos = 0;
  for (size_t l = 0; l < selected.size(); ++l) combos = DigestCombos(combos | (*gen)->exact->combos_of(l));
  DigestCombos entries = 0;
  for (const auto& [pair, kinds] : f.kinds) entries = DigestCombos(entries | digest_combo(kinds));
  EXPECT_EQ(combos, entries);
  size_t covering = 0, missing = 0;
  for (unsigned kinds = 1; kinds <= kAllDigests; ++kinds) {
    std::set<Pair> with_all, with_kinds;
    for (const std::string& file : f.files) {
      auto bytes = testing::read_file(file);
      auto all = digest_bytes(bytes.data(), bytes.size(), kAllDigests);
      auto some = digest_bytes(bytes.data(), bytes.size(), DigestMask(kinds));
      ASSERT_TRUE(all.ok() && some.ok());
      for (const Pair& p : pairs(match_digests(**gen, *all, selected))) with_all.insert(p);
      for (const Pair& p : pairs(match_digests(**gen, *some, selected))) with_kinds.insert(p);
    }
    EXPECT_EQ(with_all.size(), f.kinds.size());  // every entry matches its own file
    if (covers(DigestMask(kinds), combos)) {
      ++covering;
      EXPECT_EQ(with_kinds, with_all) << "kinds " << kinds;
    } else {
      ++missing;
      EXPECT_LT(with_kinds.size(), with_all.size()) << "kinds " << kinds;
    }
  }
  EXPECT_GT(covering, 0u);
  EXPECT_GT(missing, 0u);
  // What the scanner computes is one of the covering sets, the cheapest on this CPU.
  const DigestMask chosen = digest_kinds(**gen, selected);
  EXPECT_TRUE(covers(chosen, combos));
  EXPECT_EQ(chosen, cheapest_cover(combos, digest_costs_for_this_cpu()));
  EXPECT_TRUE(chosen & 1);  // the MD5-only entry forces MD5
  EXPECT_LT(__builtin_popcount(chosen), kDigestKinds);
}

}  // namespace
}  // namespace hashsieve
