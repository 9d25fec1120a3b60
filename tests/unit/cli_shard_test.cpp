// `hashsieve scan --shard I/N`: N shard runs over the same inputs report every item exactly once,
// whether the items come from a directory walk or --files-from and whether each run keeps its own
// --state; bad shard values are usage errors.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::lines_of;
using testing::slurp;

class CliShard : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    demo_ = new testing::DemoDb(testing::make_demo_db("clishard"));
    // 105 items: the 21 uploads five times over, under names the shards split differently.
    const fs::path queue = demo_->dir / "queue";
    for (int copy = 0; copy < 5; ++copy) {
      fs::create_directories(queue / ("d" + std::to_string(copy)));
      for (const auto& e : fs::directory_iterator(demo_->uploads()))
        fs::create_hard_link(e.path(), queue / ("d" + std::to_string(copy)) / e.path().filename());
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(demo_->dir);
    delete demo_;
  }
  static std::string queue() { return (demo_->dir / "queue").string(); }
  static testing::DemoDb* demo_;
};
testing::DemoDb* CliShard::demo_ = nullptr;

// Runs N shards with `extra` and checks their union against the unsharded report.
void expect_shards_partition(const std::string& base, const std::string& extra, int n, const fs::path& dir) {
  const auto whole = run_cli(base + " " + extra);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const auto want = lines_of(whole.out);
  ASSERT_GE(want.size(), 105u);  // --emit-hashes: a line for every item (more for one with several matches)
  std::multiset<std::string> got;
  int nonempty = 0;
  for (int i = 0; i < n; ++i) {
    const fs::path report = dir / ("shard" + std::to_string(i) + ".jsonl");
    const fs::path state = dir / ("shard" + std::to_string(i) + ".state");
    const auto r = run_cli(base + " --shard " + std::to_string(i) + "/" + std::to_string(n) + " --report " +
                           report.string() + " --state " + state.string() + " " + extra);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    const auto lines = lines_of(slurp(report));
    nonempty += !lines.empty();
    got.insert(lines.begin(), lines.end());
  }
  EXPECT_GT(nonempty, 1) << "the hash must spread items over the shards";
  EXPECT_EQ(got, std::multiset<std::string>(want.begin(), want.end()));
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size()) << "an item reported twice";
}

TEST_F(CliShard, ShardsOfAWalkPartitionTheReport) {
  const fs::path dir = demo_->dir / "walk";
  fs::create_directories(dir);
  expect_shards_partition("scan -q --emit-hashes --threads 2 --db " + demo_->db(), queue(), 3, dir);
}

TEST_F(CliShard, ShardsOfAFileListPartitionTheReport) {
  const fs::path dir = demo_->dir / "list";
  fs::create_directories(dir);
  std::ofstream list(dir / "files.txt");
  for (const auto& e : fs::recursive_directory_iterator(queue()))
    if (e.is_regular_file()) list << e.path().string() << "\n";
  list.close();
  expect_shards_partition("scan -q --emit-hashes --threads 2 --db " + demo_->db(),
                          "--files-from " + (dir / "files.txt").string(), 4, dir);
}

TEST_F(CliShard, ResumedShardKeepsItsOwnQueue) {
  // A finished shard rerun with its state file adds nothing; another shard's state is refused.
  const fs::path dir = demo_->dir / "resume";
  fs::create_directories(dir);
  const std::string base = "scan -q --emit-hashes --db " + demo_->db() + " " + queue();
  const std::string r0 = (dir / "r0.jsonl").string(), s0 = (dir / "s0.state").string();
  ASSERT_LE(run_cli(base + " --shard 0/2 --report " + r0 + " --state " + s0).exit_code, 1);
  const std::string first = slurp(r0);
  ASSERT_LE(run_cli(base + " --shard 0/2 --report " + r0 + " --state " + s0).exit_code, 1);
  EXPECT_EQ(slurp(r0), first);
  const auto other = run_cli(base + " --shard 1/2 --report " + r0 + " --state " + s0);
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("refusing to resume"), std::string::npos) << other.err;
  EXPECT_EQ(slurp(r0), first);
}

TEST_F(CliShard, BadShardValuesAreUsageErrors) {
  for (const char* bad : {"3/3", "2", "a/b", "0/0", "-1/2", "1/2/3", "/2", "1/", "0/99999999999", " 0/2"}) {
    const auto r = run_cli("scan -q --db " + demo_->db() + " --shard '" + bad + "' " + queue());
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--shard"), std::string::npos) << bad << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
}

TEST_F(CliShard, OneOfOneIsTheWholeScan) {
  const std::string base = "scan -q --emit-hashes --db " + demo_->db() + " " + queue();
  const auto whole = run_cli(base), one = run_cli(base + " --shard 0/1");
  ASSERT_EQ(whole.exit_code, 0);
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out, whole.out);
}

}  // namespace
}  // namespace hashsieve
