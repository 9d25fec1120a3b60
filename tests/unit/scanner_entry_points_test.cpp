// Scanner's entry points beyond file and buffer scans: hashes the caller already has, pixels it
// already decoded, per-call lists / radius / cancellation / deadline, stage observers, and the
// bounded hasher pool behind them.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "engine/hasher_pool.h"
#include "hashsieve/scanner.h"
#include "hashsieve/version.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

const std::string kImages = testing::data_path("pdq-vectors/images/");

Hash256 hash_of(const std::string& file) {
  auto bytes = testing::read_file(kImages + file);
  auto img = decode_image(bytes.data(), bytes.size());
  EXPECT_TRUE(img.ok());
  auto h = PdqHasher().hash(img->view());
  EXPECT_TRUE(h.ok());
  return h->hash;
}

// List "a" holds the astronaut photograph, list "b" the coffee one.
EntrySnapshot two_lists() {
  EntrySnapshot snap;
  for (const char* name : {"a", "b"}) {
    SnapshotList l;
    l.list_id = name[0] == 'a' ? 1 : 2;
    l.name = name;
    l.default_radius = 31;
    l.first = uint32_t(snap.size());
    snap.lists.push_back(l);
    snap.add(hash_of(name[0] == 'a' ? "photo-astronaut.png" : "photo-coffee.png"), name[0] == 'a' ? "astro" : "coffee");
  }
  return snap;
}

std::unique_ptr<Scanner> make_scanner(ScanOptions o = {}) {
  auto s = Scanner::Create(two_lists(), o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return std::move(*s);
}

ScanResult scan_file_bytes(const Scanner& s, const std::string& file, const ScanCall& call = {}) {
  auto bytes = testing::read_file(kImages + file);
  return s.scan_buffer(bytes.data(), bytes.size(), call);
}

std::set<std::string> ids(const ScanResult& r) {
  std::set<std::string> out;
  for (const auto& m : r.matches) out.insert(m.list + "/" + m.entry_id);
  return out;
}

TEST(ScannerEntryPoints, MatchHashGivesWhatTheScanGives) {
  auto s = make_scanner();
  const ScanResult scanned = scan_file_bytes(*s, "photo-astronaut-rot90.jpg");
  ASSERT_EQ(scanned.outcome, ScanOutcome::kMatch);
  ASSERT_EQ(scanned.matches.size(), 1u);

  // The caller's own hashes of the same upload, dihedral ones included.
  auto bytes = testing::read_file(kImages + "photo-astronaut-rot90.jpg");
  auto img = decode_image(bytes.data(), bytes.size());
  ASSERT_TRUE(img.ok());
  PdqOptions po;
  po.dihedral = true;
  auto pdq = PdqHasher::Create(po)->hash(img->view());
  ASSERT_TRUE(pdq.ok());
  const ScanResult matched = s->match_hash(*pdq);
  EXPECT_EQ(matched.outcome, ScanOutcome::kMatch);
  ASSERT_EQ(matched.matches.size(), 1u);
  EXPECT_EQ(matched.matches[0].entry_id, scanned.matches[0].entry_id);
  EXPECT_EQ(matched.matches[0].distance, scanned.matches[0].distance);
  EXPECT_EQ(matched.matches[0].transform, scanned.matches[0].transform);
  EXPECT_NE(matched.matches[0].transform, Dihedral::kOrig);

  // The rotated upload's own hash alone is far from the listed original: no dihedral merge.
  EXPECT_EQ(s->match_hash(pdq->hash).outcome, ScanOutcome::kNoMatch);
  // The original's hash matches exactly; an unknown quality skips the gate, a low one is gated.
  const ScanResult exact = s->match_hash(hash_of("photo-astronaut.png"));
  ASSERT_EQ(exact.outcome, ScanOutcome::kMatch);
  EXPECT_EQ(exact.matches[0].distance, 0);
  EXPECT_EQ(exact.quality, -1);
  EXPECT_EQ(s->match_hash(hash_of("photo-astronaut.png"), 10).outcome, ScanOutcome::kLowQuality);
}

TEST(ScannerEntryPoints, AllowListAppliesToEveryEntryPoint) {
  ScanOptions o;
  o.allow = {{"a", "astro"}};
  auto s = make_scanner(o);
  EXPECT_EQ(s->match_hash(hash_of("photo-astronaut.png")).outcome, ScanOutcome::kNoMatch);
  EXPECT_EQ(scan_file_bytes(*s, "photo-astronaut-q85.jpg").outcome, ScanOutcome::kNoMatch);
  EXPECT_EQ(s->scan_file(kImages + "photo-astronaut-q85.jpg").outcome, ScanOutcome::kNoMatch);
  EXPECT_EQ(scan_file_bytes(*s, "photo-coffee-q85.jpg").outcome, ScanOutcome::kMatch);
}

TEST(ScannerEntryPoints, ScanImageOfDecodedPixelsEqualsScanOfTheBytes) {
  auto s = make_scanner();
  for (const char* file : {"photo-coffee-q85.jpg", "photo-astronaut-half.jpg", "mode-rgba.png"}) {
    auto bytes = testing::read_file(kImages + file);
    auto img = decode_image(bytes.data(), bytes.size());
    ASSERT_TRUE(img.ok()) << file;
    const ScanResult a = s->scan_buffer(bytes.data(), bytes.size());
    const ScanResult b = s->scan_image(img->view());
    EXPECT_EQ(a.outcome, b.outcome) << file;
    EXPECT_EQ(a.hash, b.hash) << file;
    EXPECT_EQ(ids(a), ids(b)) << file;
    EXPECT_EQ(b.width, img->view().width);
  }
  // Pixels are checked like a decoded upload.
  ScanOptions small;
  small.limits.max_pixels = 1000;
  auto tight = make_scanner(small);
  auto bytes = testing::read_file(kImages + "photo-coffee-q85.jpg");
  auto img = decode_image(bytes.data(), bytes.size());
  EXPECT_EQ(tight->scan_image(img->view()).status.code(), StatusCode::kImageTooLarge);
  EXPECT_EQ(s->scan_image(ImageView{}).status.code(), StatusCode::kInvalidArgument);
}

TEST(ScannerEntryPoints, PerCallListsAndRadiusWithoutRebuilding) {
  auto s = make_scanner();
  const uint64_t gen = s->generation().number;
  ScanCall only_b;
  only_b.lists = {"b"};
  EXPECT_EQ(scan_file_bytes(*s, "photo-astronaut-q85.jpg", only_b).outcome, ScanOutcome::kNoMatch);
  EXPECT_EQ(scan_file_bytes(*s, "photo-coffee-q85.jpg", only_b).outcome, ScanOutcome::kMatch);
  EXPECT_EQ(s->match_hash(hash_of("photo-astronaut.png"), -1, only_b).outcome, ScanOutcome::kNoMatch);

  // A radius per call: the watermarked copy is some bits away; a radius below that misses it.
  const ScanResult near = scan_file_bytes(*s, "photo-coffee-watermark.jpg");
  ASSERT_EQ(near.outcome, ScanOutcome::kMatch);
  ASSERT_GT(near.matches[0].distance, 0);
  ScanCall below;
  below.radius = near.matches[0].distance - 1;
  EXPECT_EQ(scan_file_bytes(*s, "photo-coffee-watermark.jpg", below).outcome, ScanOutcome::kNoMatch);
  ScanCall at;
  at.radius = near.matches[0].distance;
  EXPECT_EQ(scan_file_bytes(*s, "photo-coffee-watermark.jpg", at).outcome, ScanOutcome::kMatch);
  ScanCall wide;
  wide.radius = 256;  // everything is within 256 bits: both entries
  EXPECT_EQ(scan_file_bytes(*s, "photo-coffee-q85.jpg", wide).matches.size(), 2u);

  ScanCall unknown;
  unknown.lists = {"nope"};
  const ScanResult bad = scan_file_bytes(*s, "photo-coffee-q85.jpg", unknown);
  EXPECT_EQ(bad.outcome, ScanOutcome::kError);
  EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument);
  ScanCall too_wide;
  too_wide.radius = 257;
  EXPECT_EQ(s->match_hash(Hash256{}, -1, too_wide).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s->generation().number, gen);  // nothing was rebuilt
}

TEST(ScannerEntryPoints, CancelledOrLateCallsReportCancelled) {
  auto s = make_scanner();
  CancelToken token;
  token.cancel();
  ScanCall cancelled;
  cancelled.cancel = &token;
  EXPECT_EQ(scan_file_bytes(*s, "photo-coffee-q85.jpg", cancelled).status.code(), StatusCode::kCancelled);
  EXPECT_EQ(s->match_hash(hash_of("photo-coffee.png"), -1, cancelled).status.code(), StatusCode::kCancelled);
  ScanCall late;
  late.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  EXPECT_EQ(s->scan_file(kImages + "photo-coffee-q85.jpg", late).status.code(), StatusCode::kCancelled);

  // A batch stops reading input once cancelled.
  int asked = 0;
  int delivered = 0;
  Status st = s->scan_files(
      [&](FileInput& in) {
        in.path = kImages + "photo-coffee-q85.jpg";
        return ++asked < 1000;
      },
      [&](const ScanResult&) { ++delivered; }, cancelled);
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_EQ(asked, 0);
  EXPECT_EQ(delivered, 0);

  // Cancelled while a batch runs: it stops early, every delivered item is complete or cancelled.
  CancelToken midway;
  ScanCall call;
  call.cancel = &midway;
  int seen = 0;
  st = s->scan_files(
      [&](FileInput& in) {
        in.path = kImages + "photo-coffee-q85.jpg";
        return true;  // endless queue: only cancellation ends it
      },
      [&](const ScanResult& r) {
        if (++seen == 5) midway.cancel();
        EXPECT_TRUE(r.outcome == ScanOutcome::kMatch || r.status.code() == StatusCode::kCancelled);
      },
      call);
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_GE(seen, 5);
}

// Records every stage call, by item.
class Recorder : public ScanObserver {
 public:
  void on_stage(uint64_t item, ScanStage stage, double seconds) noexcept override {
    std::lock_guard<std::mutex> lock(mu_);
    seen.insert({item, stage});
    if (seconds < 0) negative = true;
  }
  std::mutex mu_;
  std::set<std::pair<uint64_t, ScanStage>> seen;
  bool negative = false;
};

TEST(ScannerEntryPoints, ObserverGetsEachStageOfEachItem) {
  auto s = make_scanner();
  Recorder rec;
  ScanCall call;
  call.observer = &rec;
  (void)s->scan_file(kImages + "photo-coffee-q85.jpg", call);
  EXPECT_EQ(rec.seen, (std::set<std::pair<uint64_t, ScanStage>>{
                          {0, ScanStage::kRead}, {0, ScanStage::kDecode}, {0, ScanStage::kHash}, {0, ScanStage::kMatch}}));
  rec.seen.clear();
  const auto png = testing::read_file(kImages + "mode-rgb.png");
  const auto jpg = testing::read_file(kImages + "photo-astronaut-q85.jpg");
  std::vector<Scanner::Buffer> batch{{png.data(), png.size(), "png"}, {jpg.data(), jpg.size(), "jpg"}};
  const auto results = s->scan_buffers(batch, call);
  ASSERT_EQ(results.size(), 2u);
  for (uint64_t i : {0u, 1u})
    for (ScanStage st : {ScanStage::kDecode, ScanStage::kHash}) EXPECT_TRUE(rec.seen.count({i, st})) << i;
  EXPECT_TRUE(rec.seen.count({1, ScanStage::kMatch}));
  EXPECT_FALSE(rec.negative);
}

TEST(HasherPool, KeepsAtMostItsIdleLimitWhateverTheThreads) {
  HasherPool pool(PdqOptions{}, 2);
  std::vector<uint8_t> rgb(64 * 64 * 3, 7);
  for (int round = 0; round < 4; ++round) {  // thread-per-request: new threads every round
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        auto lease = pool.borrow();
        if ((*lease).hash(ImageView{rgb.data(), 64, 64, 64 * 3, PixelFormat::kRGB8}).ok()) ++ok;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 8);
    EXPECT_LE(pool.idle(), 2u);
    EXPECT_GE(pool.idle(), 1u);  // returned hashers are reused
  }
}

TEST(Version, QueryAgreesWithTheGeneratedHeader) {
  const Version v = version();
  EXPECT_EQ(v.major_version, HASHSIEVE_VERSION_MAJOR);
  EXPECT_EQ(v.minor_version, HASHSIEVE_VERSION_MINOR);
  EXPECT_EQ(v.patch_version, HASHSIEVE_VERSION_PATCH);
  EXPECT_EQ(std::string(v.string), std::to_string(v.major_version) + "." + std::to_string(v.minor_version) + "." +
                                       std::to_string(v.patch_version));
}

}  // namespace
}  // namespace hashsieve
