// `hashsieve scan` end to end: report contents, privacy of the default report, exit statuses,
// CSV, resumable state.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

int count_lines(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }
bool has_hex_hash(const std::string& s) { return std::regex_search(s, std::regex("[0-9a-f]{64}")); }

class CliScan : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { demo_ = new testing::DemoDb(testing::make_demo_db("cliscan")); }
  static void TearDownTestSuite() {
    fs::remove_all(demo_->dir);
    delete demo_;
  }
  static testing::DemoDb* demo_;
};
testing::DemoDb* CliScan::demo_ = nullptr;

TEST_F(CliScan, ReportsOnlyMatchesAndErrorsWithoutHashes) {
  auto r = run_cli("scan --db " + demo_->db() + " " + demo_->uploads());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 7 listed pictures x 2 edits match (brick's rotation is beyond PDQ's reach: see the vectors),
  // plus one error line for the corrupt upload.
  std::istringstream lines(r.out);
  std::string line;
  int matches = 0, errors = 0;
  while (std::getline(lines, line)) {
    if (line.find("\"outcome\":\"match\"") != std::string::npos) {
      ++matches;
      EXPECT_NE(line.find("\"list\":\"known\""), std::string::npos);
      EXPECT_NE(line.find("\"generation\":1"), std::string::npos);
      EXPECT_NE(line.find("\"transform\":"), std::string::npos);
      EXPECT_EQ(line.find("rocket"), std::string::npos) << "unlisted picture matched: " << line;
    } else if (line.find("\"outcome\":\"error\"") != std::string::npos) {
      ++errors;
      EXPECT_NE(line.find("zz-corrupt.jpg"), std::string::npos);
    } else {
      ADD_FAILURE() << "unexpected report line: " << line;
    }
  }
  EXPECT_EQ(matches, 13);
  EXPECT_EQ(errors, 1);
  EXPECT_FALSE(has_hex_hash(r.out)) << "the default report must not carry hashes";
  EXPECT_FALSE(has_hex_hash(r.err)) << "diagnostics must not carry hashes";
  EXPECT_NE(r.err.find("scanned 21 items"), std::string::npos) << r.err;
}

TEST_F(CliScan, EmitHashesReportsEveryItemWithItsHash) {
  auto r = run_cli("scan --emit-hashes --db " + demo_->db() + " " + demo_->uploads());
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(count_lines(r.out), 13 + 1 + 7);  // matches, error, and the 7 non-matching items
  EXPECT_TRUE(has_hex_hash(r.out));
  EXPECT_NE(r.out.find("\"outcome\":\"no_match\""), std::string::npos);
}

TEST_F(CliScan, ExitStatusesFollowGrep) {
  const std::string images = testing::data_path("pdq-vectors/images/");
  EXPECT_EQ(run_cli("scan -q --db " + demo_->db() + " " + images + "photo-rocket-q85.jpg").exit_code, 1);
  EXPECT_EQ(run_cli("scan -q --db " + demo_->db() + " " + images + "photo-coffee-q85.jpg").exit_code, 0);
  // Checked nothing (the only item failed): never "nothing matched".
  EXPECT_EQ(run_cli("scan -q --db " + demo_->db() + " " + demo_->uploads() + "/zz-corrupt.jpg").exit_code, 2);
  EXPECT_EQ(run_cli("scan -q --strict --db " + demo_->db() + " " + demo_->uploads()).exit_code, 2);
  EXPECT_EQ(run_cli("scan -q --db " + (demo_->dir / "nope").string() + " " + demo_->uploads()).exit_code, 2);
  EXPECT_EQ(run_cli("scan -q --lists missing --db " + demo_->db() + " " + demo_->uploads()).exit_code, 2);
  EXPECT_EQ(run_cli("scan --radius 300 --db " + demo_->db() + " x").exit_code, 2);
  EXPECT_EQ(run_cli("scan --db " + demo_->db()).exit_code, 2);
}

TEST_F(CliScan, AllowListCsvAndRadius) {
  const auto allow = demo_->dir / "allow.txt";
  std::ofstream(allow) << "# confirmed false positives\nknown,coffee\n";
  auto r = run_cli("scan --format csv --allow " + allow.string() + " --db " + demo_->db() + " " + demo_->uploads());
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("path,outcome,list,entry_id,distance,transform,quality,generation,canonical,pdq,error,metadata,signal\n", 0), 0u);
  EXPECT_EQ(r.out.find(",coffee,"), std::string::npos);
  EXPECT_EQ(count_lines(r.out), 1 + 11 + 1);
  auto zero = run_cli("scan --list-radius known=0 --db " + demo_->db() + " " + demo_->uploads());
  EXPECT_LT(count_lines(zero.out), 13);
}

// --fast hashes large JPEGs from block means: the same matches on the demo, labelled non-canonical.
TEST_F(CliScan, FastModeFindsTheSameMatchesAndSaysItIsNotCanonical) {
  auto matches_of = [](const std::string& report, int* non_canonical) {
    std::set<std::string> found;
    std::istringstream lines(report);
    const std::regex key("\"path\":\"([^\"]*)\".*\"entry_id\":\"([^\"]*)\"");
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (line.find("\"outcome\":\"match\"") != std::string::npos && std::regex_search(line, m, key))
        found.insert(m[1].str() + " " + m[2].str());
      if (line.find("\"canonical\":false") != std::string::npos) ++*non_canonical;
    }
    return found;
  };
  // --emit-hashes reports every item, so non-matching large uploads show their label too.
  auto exact = run_cli("scan --emit-hashes --db " + demo_->db() + " " + demo_->uploads());
  auto fast = run_cli("scan --emit-hashes --fast --db " + demo_->db() + " " + demo_->uploads());
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  int exact_marked = 0, fast_marked = 0;
  const auto want = matches_of(exact.out, &exact_marked), got = matches_of(fast.out, &fast_marked);
  EXPECT_EQ(want.size(), 13u);
  EXPECT_EQ(got, want);
  EXPECT_EQ(exact_marked, 0);
  EXPECT_GT(fast_marked, 0) << "no demo upload was decoded from block means";
}

}  // namespace
}  // namespace hashsieve
