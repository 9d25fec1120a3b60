// A damaged database gives a clear error, never a crash: truncated or garbled files, a missing
// CURRENT, random byte flips anywhere. When it still opens, verify() either passes or says why not.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "hashsieve/hash_store.h"
#include "tests/support/run_cli.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

class StoreCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("hashsieve-corrupt-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_);
    pristine_ = base_ / "pristine";
    auto store = HashStore::Open(pristine_.string());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->create_list("l").ok());
    std::mt19937_64 rng(3);
    for (int b = 0; b < 4; ++b) {
      std::vector<ListEntry> rows(500);
      for (size_t i = 0; i < rows.size(); ++i) {
        rows[i].entry_id = "e" + std::to_string(b * 1000 + i);
        rows[i].has_hash = true;
        for (auto& w : rows[i].hash.words) w = rng();
      }
      ASSERT_TRUE((*store)->import_batch("l", rows).ok());
    }
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path copy(const std::string& name) {
    fs::path p = base_ / name;
    fs::copy(pristine_, p, fs::copy_options::recursive);
    return p;
  }

  // Opening must not crash; when it opens, verify() and a snapshot must not crash either.
  static void open_and_check(const fs::path& db) {
    StoreOptions o;
    o.create_if_missing = false;
    auto store = HashStore::Open(db.string(), o);
    if (!store.ok()) {
      EXPECT_FALSE(store.status().message().empty());
      return;
    }
    Status v = (*store)->verify();
    if (!v.ok()) {
      EXPECT_EQ(v.code(), StatusCode::kCorruption) << v.to_string();
    }
    auto snap = (*store)->snapshot_active({});
    if (snap.ok()) {
      EXPECT_LE(snap->size(), 2000u);
    }
  }

  fs::path base_, pristine_;
};

TEST_F(StoreCorruption, EmptiedManifestIsAClearError) {
  fs::path db = copy("manifest");
  for (const auto& e : fs::directory_iterator(db))
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) fs::resize_file(e.path(), 0);
  StoreOptions o;
  o.create_if_missing = false;
  auto store = HashStore::Open(db.string(), o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().to_string();
  auto r = testing::run_cli("db check --db " + db.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(StoreCorruption, TruncatedFilesGiveAnErrorOrWholeBatches) {
  // Every file cut at several lengths: the database either refuses to open or shows only
  // whole import batches (500 rows each), with counters that verify.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(pristine_))
    if (e.is_regular_file() && e.file_size() > 0 && e.path().filename() != "LOCK") names.push_back(e.path().filename());
  int round = 0;
  for (const auto& name : names) {
    for (double frac : {0.0, 0.3, 0.9}) {
      fs::path db = copy("cut" + std::to_string(round++));
      fs::resize_file(db / name, uintmax_t(double(fs::file_size(db / name)) * frac));
      SCOPED_TRACE(name + " cut to " + std::to_string(frac));
      {
        StoreOptions o;
        o.create_if_missing = false;
        auto store = HashStore::Open(db.string(), o);
        if (store.ok()) {
          auto snap = (*store)->snapshot_active({});
          if (snap.ok()) {
            EXPECT_EQ(snap->size() % 500, 0u) << "a partial batch is visible";
          }
          Status v = (*store)->verify();
          if (!v.ok()) {
            EXPECT_EQ(v.code(), StatusCode::kCorruption);
          }
        } else {
          EXPECT_FALSE(store.status().message().empty());
        }
      }  // closed before its files are removed
      fs::remove_all(db);
    }
  }
}

TEST_F(StoreCorruption, MissingOrGarbledCurrentIsAClearError) {
  fs::path db = copy("current");
  fs::remove(db / "CURRENT");
  StoreOptions o;
  o.create_if_missing = false;
  auto missing = HashStore::Open(db.string(), o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  std::ofstream(db / "CURRENT") << "MANIFEST-999999\n";
  auto garbled = HashStore::Open(db.string(), o);
  ASSERT_FALSE(garbled.ok());
  EXPECT_FALSE(garbled.status().message().empty());
}

TEST_F(StoreCorruption, RandomByteFlipsNeverCrash) {
  std::mt19937 rng(11);
  for (int round = 0; round < 24; ++round) {
    fs::path db = copy("flip" + std::to_string(round));
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(db))
      if (e.is_regular_file() && e.file_size() > 0 && e.path().filename() != "LOCK") files.push_back(e.path());
    ASSERT_FALSE(files.empty());
    const fs::path victim = files[rng() % files.size()];
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = fs::file_size(victim);
    for (int k = 0; k < 8; ++k) {
      f.seekp(std::streamoff(rng() % size));
      f.put(char(rng()));
    }
    f.close();
    SCOPED_TRACE(victim.filename().string());
    open_and_check(db);  // the store is closed when this returns
    fs::remove_all(db);
  }
}

}  // namespace
}  // namespace hashsieve
