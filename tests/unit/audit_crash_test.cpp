// kill -9 of an audited, resumable scan at random moments, then resume until it finishes: every
// match is in the audit log exactly once, and the one batch record covers the whole queue.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

std::string field(const std::string& line, const std::string& name) {
  const size_t at = line.find("\"" + name + "\":");
  if (at == std::string::npos) return "";
  size_t from = at + name.size() + 3, to = from;
  if (line[from] == '"') to = line.find('"', ++from);
  else while (to < line.size() && line[to] != ',' && line[to] != '}') ++to;
  return line.substr(from, to - from);
}

TEST(AuditCrash, KilledAndResumedScanAuditsEachMatchOnce) {
  auto demo = testing::make_demo_db("auditcrash");
  const auto queue = demo.dir / "queue.txt";
  int items = 0;
  {
    std::ofstream q(queue);
    for (int rep = 0; rep < 200; ++rep)
      for (const auto& e : fs::directory_iterator(demo.uploads())) q << e.path().string() << "\n", ++items;
  }
  // The reference: the same queue scanned once, without interruption.
  auto ref = testing::run_cli("scan -q --threads 2 --files-from " + queue.string() + " --db " + demo.db());
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  std::set<std::string> matched_paths_lines;
  size_t ref_matches = 0;
  {
    std::istringstream in(ref.out);
    for (std::string line; std::getline(in, line);)
      if (field(line, "outcome") == "match") ++ref_matches;
  }
  ASSERT_GT(ref_matches, 500u);

  const auto state = demo.dir / "scan.state";
  std::mt19937 rng(11);
  int killed = 0, rounds = 0;
  bool finished = false;
  constexpr int kKillRounds = 6;  // then one last resume runs to the end
  while (!finished && rounds <= kKillRounds + 1) {
    ++rounds;
    const pid_t pid = testing::spawn_cli({"scan", "-q", "--audit", "--threads", "2", "--db=" + demo.db(),
                                          "--files-from=" + queue.string(), "--state=" + state.string(),
                                          "--report=" + (demo.dir / "report.jsonl").string()},
                                         "/dev/null", (demo.dir / "scan.err").string());
    ASSERT_GE(pid, 0);
    int status = 0;
    if (rounds <= kKillRounds) {  // killed at a random moment (or it finished first)
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 1000));
      ::kill(pid, SIGKILL);
    }
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
      ++killed;
    } else {
      // 1: the resumed part matched nothing (grep's convention); anything else is an error.
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) <= 1) << "scan exited with " << WEXITSTATUS(status) << ": "
                                                                 << testing::slurp(demo.dir / "scan.err");
      finished = true;
    }
  }
  ASSERT_TRUE(finished) << "the scan never finished in " << rounds << " rounds";
  EXPECT_GE(killed, 2) << "too few interruptions: the test proved little";

  auto log = testing::run_cli("db audit --db " + demo.db());
  ASSERT_EQ(log.exit_code, 0) << log.err;
  std::map<std::string, int> per_match;  // item + entry -> times recorded
  int batch_records = 0;
  std::string batch_line;
  std::istringstream in(log.out);
  for (std::string line; std::getline(in, line);) {
    const std::string type = field(line, "type");
    if (type == "match") per_match[field(line, "item") + "/" + field(line, "entry_id")]++;
    if (type == "batch") ++batch_records, batch_line = line;
  }
  size_t twice = 0;
  for (const auto& [k, n] : per_match)
    if (n != 1) ++twice;
  EXPECT_EQ(twice, 0u) << "matches audited more than once";
  EXPECT_EQ(per_match.size(), ref_matches) << "matches missing from the audit log";
  EXPECT_EQ(batch_records, 1);
  EXPECT_EQ(field(batch_line, "items"), std::to_string(items)) << batch_line;
  std::printf("[ audit    ] %d kills, %d rounds; %zu matches audited once each; batch: items %s matched %s\n", killed,
              rounds, per_match.size(), field(batch_line, "items").c_str(), field(batch_line, "matched").c_str());
  EXPECT_EQ(testing::run_cli("db check --db " + demo.db()).out, "ok\n");
  fs::remove_all(demo.dir);
}

}  // namespace
}  // namespace hashsieve
