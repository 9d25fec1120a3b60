// The scan engine end to end on the vectors: originals in a list, edits found, nothing else.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "hashsieve/hash_store.h"
#include "hashsieve/pdq.h"
#include "hashsieve/scanner.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
const std::string kImages = testing::data_path("pdq-vectors/images/");

struct Vector {
  std::string file, group, transform;
};

std::vector<Vector> photos() {
  std::vector<Vector> out;
  for (auto& row : testing::read_csv(testing::data_path("pdq-vectors/manifest.csv")))
    if (row.at("file").rfind("photo-", 0) == 0) out.push_back({row.at("file"), row.at("group"), row.at("transform")});
  return out;
}

class EngineScan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hashsieve-engine-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = HashStore::Open((dir_ / "db").string());
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->create_list("known", kDefaultMatchRadius, "test").ok());
    // The list holds each original photograph's hash, keyed by its group name.
    auto hasher = PdqHasher::Create({});
    std::vector<ListEntry> rows;
    for (const auto& v : photos()) {
      if (v.transform != "original") continue;
      auto bytes = testing::read_file(kImages + v.file);
      auto img = decode_image(bytes.data(), bytes.size());
      ASSERT_TRUE(img.ok());
      auto h = hasher->hash(img->view());
      ASSERT_TRUE(h.ok());
      ListEntry e;
      e.entry_id = v.group;
      e.has_hash = true;
      e.hash = h->hash;
      e.quality = h->quality;
      rows.push_back(e);
    }
    ASSERT_EQ(rows.size(), 10u);
    ASSERT_TRUE(store_->import_batch("known", rows).ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::vector<ScanResult> scan_all(const Scanner& s, const std::vector<std::string>& files) {
    std::vector<ScanResult> out;
    size_t i = 0;
    Status st = s.scan_files(
        [&](FileInput& in) {
          if (i == files.size()) return false;
          in.path = files[i++];
          return true;
        },
        [&](const ScanResult& r) { out.push_back(r); });
    EXPECT_TRUE(st.ok());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<HashStore> store_;
};

// The distance the reference's own hashes put between an upload (any of its 8 transforms) and
// its group's original: the engine must match exactly when that is within the radius.
int reference_best_distance(const std::string& file, const std::string& original) {
  static const auto rows = [] {
    std::map<std::string, testing::CsvRow> m;
    for (auto& r : testing::pdq_vectors()) m[r.at("file")] = r;
    return m;
  }();
  const auto orig = parse_hex(rows.at(original).at("pdq"));
  int best = 256;
  for (const char* t : {"pdq", "dih_rot90", "dih_rot180", "dih_rot270", "dih_flipx", "dih_flipy", "dih_flipp", "dih_flipm"})
    best = std::min(best, hamming_distance(*orig, *parse_hex(rows.at(file).at(t))));
  return best;
}

TEST_F(EngineScan, EditsOfListedPhotosMatchAndNothingElseDoes) {
  auto scanner = Scanner::Create(*store_, {});
  ASSERT_TRUE(scanner.ok()) << scanner.status().to_string();
  std::vector<std::string> files;
  std::map<std::string, std::string> original_of;  // group -> original file
  const auto vs = photos();
  for (const auto& v : vs) {
    files.push_back(kImages + v.file);
    if (v.transform == "original") original_of[v.group] = v.file;
  }
  const auto results = scan_all(**scanner, files);
  ASSERT_EQ(results.size(), vs.size());
  int found = 0;
  std::set<std::string> transforms_found;
  for (size_t i = 0; i < vs.size(); ++i) {
    const auto& r = results[i];
    ASSERT_EQ(r.path, files[i]) << "input order";
    ASSERT_NE(r.outcome, ScanOutcome::kError) << vs[i].file << ": " << r.status.to_string();
    for (const auto& m : r.matches) {
      EXPECT_EQ(m.list, "known");
      EXPECT_EQ(m.entry_id, vs[i].group) << vs[i].file << " matched another picture";
    }
    EXPECT_EQ(r.generation, 1u);
    const int expect = reference_best_distance(vs[i].file, original_of.at(vs[i].group));
    if (expect <= 31) {
      ASSERT_EQ(r.outcome, ScanOutcome::kMatch) << vs[i].file;
      EXPECT_EQ(r.matches[0].distance, expect) << vs[i].file;
      ++found;
      transforms_found.insert(vs[i].transform);
      if (vs[i].transform == "mirror") {
        EXPECT_EQ(r.matches[0].transform, Dihedral::kFlipY) << vs[i].file;
      }
      if (vs[i].transform == "rotate-90") {
        EXPECT_NE(r.matches[0].transform, Dihedral::kOrig) << vs[i].file;
      }
    } else {
      EXPECT_EQ(r.outcome, ScanOutcome::kNoMatch) << vs[i].file;
    }
  }
  // Every kind of edit the issue names is found for most pictures (a brick texture, for
  // one, is too high-frequency for PDQ to survive resizing).
  EXPECT_GE(found, 80);
  for (const char* t : {"original", "jpeg-q85", "jpeg-q40", "resize-0.5", "watermark", "brightness+25%", "blur-2",
                        "rotate-90", "mirror"})
    EXPECT_TRUE(transforms_found.count(t)) << t;
  // Unrelated images match nothing.
  const auto others = scan_all(**scanner, {kImages + "syn-shapes-400x300.png", kImages + "syn-text-600x400.png",
                                           kImages + "mode-rgb.png"});
  for (const auto& r : others) EXPECT_TRUE(r.matches.empty()) << r.path;
}

TEST_F(EngineScan, WithoutDihedralRotatedCopiesAreMissed) {
  ScanOptions o;
  o.dihedral = false;
  auto scanner = Scanner::Create(*store_, o);
  ASSERT_TRUE(scanner.ok());
  auto r = scan_all(**scanner, {kImages + "photo-astronaut-rot90.jpg", kImages + "photo-astronaut-q85.jpg"});
  EXPECT_EQ(r[0].outcome, ScanOutcome::kNoMatch);
  EXPECT_EQ(r[1].outcome, ScanOutcome::kMatch);
}

TEST_F(EngineScan, AllowListAndRadiusAndErrorsAndLowQuality) {
  ScanOptions o;
  o.allow = {{"known", "coffee"}};
  auto scanner = Scanner::Create(*store_, o);
  ASSERT_TRUE(scanner.ok());
  const auto dir = dir_ / "in";
  fs::create_directories(dir);
  std::ofstream(dir / "corrupt.jpg") << "not a jpeg";
  auto r = scan_all(**scanner, {kImages + "photo-coffee-q85.jpg", kImages + "photo-horse-q85.jpg",
                                (dir / "corrupt.jpg").string(), kImages + "syn-constant-200x100.png"});
  EXPECT_EQ(r[0].outcome, ScanOutcome::kNoMatch) << "allow-listed entry must never be reported";
  EXPECT_EQ(r[1].outcome, ScanOutcome::kMatch);
  EXPECT_EQ(r[2].outcome, ScanOutcome::kError);
  EXPECT_EQ(r[2].status.code(), StatusCode::kDecodeFailed);
  EXPECT_EQ(r[3].outcome, ScanOutcome::kLowQuality);

  ScanOptions tight;
  tight.radius = 0;
  auto strict = Scanner::Create(*store_, tight);
  ASSERT_TRUE(strict.ok());
  auto exact = scan_all(**strict, {kImages + "photo-horse.png", kImages + "photo-horse-blur.jpg"});
  EXPECT_EQ(exact[0].outcome, ScanOutcome::kMatch);
  EXPECT_EQ(exact[0].matches[0].distance, 0);
  EXPECT_EQ(exact[1].outcome, ScanOutcome::kNoMatch);
}

TEST_F(EngineScan, OneAndTwoThreadsGiveTheSameResults) {
  std::vector<std::string> files;
  for (const auto& v : photos()) files.push_back(kImages + v.file);
  auto run = [&](int threads) {
    ScanOptions o;
    o.threads = threads;
    auto s = Scanner::Create(*store_, o);
    std::string text;
    for (const auto& r : scan_all(**s, files)) {
      text += r.path + " " + scan_outcome_name(r.outcome) + " " + std::to_string(r.quality) + " " + to_hex(r.hash);
      for (const auto& m : r.matches) text += " " + m.entry_id + ":" + std::to_string(m.distance) + dihedral_name(m.transform);
      text += "\n";
    }
    return text;
  };
  EXPECT_EQ(run(1), run(2));
}

TEST_F(EngineScan, BufferBatchesMatchFileScansItemForItem) {
  auto scanner = Scanner::Create(*store_, {});
  ASSERT_TRUE(scanner.ok());
  std::vector<std::string> files;
  for (const auto& v : photos()) files.push_back(kImages + v.file);
  std::vector<std::vector<uint8_t>> bytes;
  for (const auto& f : files) bytes.push_back(testing::read_file(f));
  bytes.push_back({0xff, 0xd8, 0xff, 0x00});  // a corrupt upload in the middle of nothing
  std::vector<Scanner::Buffer> buffers;
  for (size_t i = 0; i < bytes.size(); ++i) buffers.push_back({bytes[i].data(), bytes[i].size(), "item-" + std::to_string(i)});
  const auto from_buffers = (*scanner)->scan_buffers(buffers);
  const auto from_files = scan_all(**scanner, files);
  ASSERT_EQ(from_buffers.size(), files.size() + 1);
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(from_buffers[i].path, "item-" + std::to_string(i));
    EXPECT_EQ(from_buffers[i].outcome, from_files[i].outcome) << files[i];
    EXPECT_EQ(from_buffers[i].hash, from_files[i].hash) << files[i];
    EXPECT_EQ(from_buffers[i].matches.size(), from_files[i].matches.size()) << files[i];
  }
  EXPECT_EQ(from_buffers.back().outcome, ScanOutcome::kError);
  EXPECT_EQ(from_buffers.back().status.code(), StatusCode::kDecodeFailed);
}

TEST_F(EngineScan, ReloadSwapsGenerationsWhileScansRun) {
  auto scanner = Scanner::Create(*store_, {});
  ASSERT_TRUE(scanner.ok());
  auto bytes = testing::read_file(kImages + "photo-rocket-q85.jpg");
  std::atomic<bool> stop{false};
  std::atomic<int> scans{0}, bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        ScanResult r = (*scanner)->scan_buffer(bytes.data(), bytes.size());
        // Before the withdrawal lands the rocket matches; after, it must not. Either way the
        // result is whole and names the generation that answered.
        if (r.outcome == ScanOutcome::kError || r.generation == 0) ++bad;
        if (r.outcome == ScanOutcome::kMatch && r.generation > 2) ++bad;
        ++scans;
      }
    });
  }
  while (scans < 20) std::this_thread::yield();
  auto g2 = (*scanner)->reload();
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(g2->number, 2u);
  ASSERT_TRUE(store_->withdraw("known", {"rocket"}).ok());
  auto g3 = (*scanner)->reload();
  ASSERT_TRUE(g3.ok());
  EXPECT_EQ(g3->entries, 9u);
  const int before = scans;
  while (scans < before + 20) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  ScanResult after = (*scanner)->scan_buffer(bytes.data(), bytes.size());
  EXPECT_EQ(after.outcome, ScanOutcome::kNoMatch);
  EXPECT_EQ(after.generation, 3u);
}

}  // namespace
}  // namespace hashsieve
