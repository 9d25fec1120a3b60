// Exit statuses by meaning: a scan or match that checked nothing never says "nothing matched" (1);
// lists named by --list-radius or --allow must be matched lists.
#include <gtest/gtest.h>

#include "tests/support/demo_db.h"
#include "tests/unit/temp_dir.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

class CliExitStatus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    demo_ = new testing::DemoDb(testing::make_demo_db("cliexit"));
    // A second database: the demo's list and an empty one.
    two_ = (demo_->dir / "two").string();
    run_cli("db checkpoint " + two_ + " --db " + demo_->db());
    run_cli("list create empty --db " + two_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(demo_->dir);
    delete demo_;
  }
  std::string scan(const std::string& args) const { return "scan -q --db " + demo_->db() + " " + args; }
  static testing::DemoDb* demo_;
  static std::string two_;
};
testing::DemoDb* CliExitStatus::demo_ = nullptr;
std::string CliExitStatus::two_;

TEST_F(CliExitStatus, ScanThatCheckedNothingIsAnError) {
  const std::string coffee = demo_->uploads() + "/photo-coffee-q85.jpg", rocket = demo_->uploads() + "/photo-rocket-q85.jpg";
  EXPECT_EQ(run_cli(scan(coffee)).exit_code, 0);
  EXPECT_EQ(run_cli(scan(rocket)).exit_code, 1);
  // A path that does not exist, alone or next to a match.
  for (const std::string& args : {demo_->dir.string() + "/nope.jpg", rocket + " " + demo_->dir.string() + "/nope.jpg",
                                  coffee + " " + demo_->dir.string() + "/nope.jpg"}) {
    auto r = run_cli(scan(args));
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find("nope.jpg does not exist"), std::string::npos) << r.err;
  }
  testing::TempDir empty;
  auto r = run_cli(scan(empty.str()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no input found"), std::string::npos) << r.err;
  r = run_cli(scan("--files-from /dev/null"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no input found"), std::string::npos) << r.err;
  r = run_cli(scan("--files-from " + demo_->dir.string() + "/no-such-list"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open --files-from"), std::string::npos) << r.err;
  // Every item failing.
  testing::TempDir bad;
  std::ofstream(bad / "a.jpg") << "garbage";
  std::ofstream(bad / "b.png") << "more garbage";
  r = run_cli(scan(bad.str()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no item could be scanned (2 failed)"), std::string::npos) << r.err;
  // A database with no entries in the selected lists.
  r = run_cli("scan -q --db " + two_ + " --lists empty " + rocket);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("hold no active entries"), std::string::npos) << r.err;
  EXPECT_EQ(run_cli("scan -q --db " + two_ + " " + rocket).exit_code, 1) << "the other list has entries";
}

TEST_F(CliExitStatus, MatchThatCheckedNothingIsAnError) {
  const std::string far = std::string(64, '0') + "\n";
  EXPECT_EQ(run_cli("match --db " + demo_->db(), far).exit_code, 1);
  auto r = run_cli("match --db " + demo_->db(), "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no hashes"), std::string::npos) << r.err;
  r = run_cli("match --db " + two_ + " --lists empty", far);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("hold no active entries"), std::string::npos) << r.err;
}

TEST_F(CliExitStatus, ListRadiusAndAllowMustNameMatchedLists) {
  const std::string rocket = demo_->uploads() + "/photo-rocket-q85.jpg";
  auto r = run_cli(scan("--list-radius nope=3 " + rocket));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--list-radius nope=3: the database has no list named 'nope'"), std::string::npos) << r.err;
  r = run_cli("scan -q --db " + two_ + " --lists known --list-radius empty=3 " + rocket);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("list 'empty' is not among the lists matched"), std::string::npos) << r.err;
  EXPECT_EQ(run_cli("scan -q --db " + two_ + " --lists known --list-radius known=3 " + rocket).exit_code, 1);
  testing::TempDir d;
  std::ofstream(d / "allow.txt") << "known,coffee\nnope,x\n";
  r = run_cli(scan("--allow " + d / "allow.txt" + " " + rocket));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("allow.txt:2: the database has no list named 'nope'"), std::string::npos) << r.err;
  std::ofstream(d / "allow2.txt") << "empty,x\n";
  r = run_cli("scan -q --db " + two_ + " --lists known --allow " + d / "allow2.txt" + " " + rocket);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not among the lists matched"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hashsieve
