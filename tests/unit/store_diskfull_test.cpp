// A full disk, caused for real on a small tmpfs this test mounts: an import stops with a clear
// io_error (exit 2, never an abort), says how many rows it committed, and the database opens
// afterwards with exactly those; a checkpoint to a full disk fails the same way and leaves no
// half copy. Skipped, with the reason, where tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "hashsieve/hash_store.h"
#include "index_test_util.h"
#include "temp_dir.h"
#include "tests/support/run_cli.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size + ",mode=0700").c_str()) == 0) mounted_ = true;
    else error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  bool resize(const std::string& size) {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
  }

 private:
  std::string dir_, error_;
  bool mounted_ = false;
};

uint64_t active_of(const std::string& db) {
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  auto s = HashStore::Open(db, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return s.ok() ? (*s)->get_list("l")->active : ~0ull;
}

TEST(StoreDiskFull, ImportAndCheckpointOnAFullDiskFailCleanly) {
  testing::TempDir dir;
  Tmpfs small(dir / "small", "24m");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << small.error() << "): needs root";
  const std::string rows = dir / "rows.csv";
  {
    std::ofstream f(rows);
    std::mt19937_64 rng(5);
    f << "hash,entry_id\n";
    for (int i = 0; i < 700000; ++i) f << to_hex(testing::random_hash(rng)) << ",row-" << i << "\n";
  }
  const std::string db = dir / "small/db";
  ASSERT_EQ(testing::run_cli("list create l --db " + db).exit_code, 0);
  auto imp = testing::run_cli("list import l " + rows + " --db " + db);
  EXPECT_EQ(imp.exit_code, 2) << imp.err;  // 128 + 6 would be SIGABRT
  EXPECT_NE(imp.err.find("io_error"), std::string::npos) << imp.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(imp.err, m, std::regex("([0-9]+) rows committed"))) << imp.err;
  const uint64_t committed = std::stoull(m[1]);
  std::printf("[ diskfull ] import stopped: %s", imp.err.c_str());

  // Still full: readers open and see every acknowledged batch; a writer's open is a clear error
  // or works, never an abort.
  EXPECT_EQ(active_of(db), committed);
  auto stats = testing::run_cli("list stats --db " + db);
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  auto again = testing::run_cli("list import l " + rows + " --db " + db);
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("io_error"), std::string::npos) << again.err;

  // Space again: the writer opens, the data is whole, and the import completes.
  ASSERT_TRUE(small.resize("256m"));
  EXPECT_EQ(active_of(db), committed);
  EXPECT_EQ(testing::run_cli("db check --db " + db).out, "ok\n");
  auto done = testing::run_cli("list import l " + rows + " --db " + db);
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(active_of(db), 700000u);

  // A checkpoint to a full disk.
  Tmpfs tiny(dir / "tiny", "4m");
  ASSERT_TRUE(tiny.mounted());
  auto cp = testing::run_cli("db checkpoint " + (dir / "tiny/copy") + " --db " + db);
  EXPECT_EQ(cp.exit_code, 2) << cp.err;
  EXPECT_NE(cp.err.find("io_error"), std::string::npos) << cp.err;
  EXPECT_FALSE(fs::exists(dir / "tiny/copy")) << "a half copy was left behind";
  EXPECT_EQ(testing::run_cli("db checkpoint " + (dir / "copy") + " --db " + db).exit_code, 0);
  EXPECT_EQ(active_of(dir / "copy"), 700000u);
}

}  // namespace
}  // namespace hashsieve
