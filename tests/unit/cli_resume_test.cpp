// `hashsieve scan --state`: exact resume. Real scans are killed with SIGKILL at random moments;
// the rerun must give the report an uninterrupted scan gives, byte for byte (so every item once,
// no torn line). State files that do not belong to the queue are refused without touching the report.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::lines_of;
using testing::slurp;

// The value of `key` in a state file, or -1.
long long state_field(const fs::path& state, const std::string& key) {
  for (const auto& l : lines_of(slurp(state)))
    if (l.rfind(key + " ", 0) == 0) return std::stoll(l.substr(key.size() + 1));
  return -1;
}

class CliResume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { demo_ = new testing::DemoDb(testing::make_demo_db("cliresume")); }
  static void TearDownTestSuite() {
    fs::remove_all(demo_->dir);
    delete demo_;
  }
  static testing::DemoDb* demo_;
};
testing::DemoDb* CliResume::demo_ = nullptr;

TEST_F(CliResume, KilledScansResumeToTheUninterruptedReport) {
  // 840 distinct items (hard links to the demo uploads), walked from a directory.
  const fs::path queue = demo_->dir / "queue";
  fs::create_directories(queue);
  int n = 0;
  for (int copy = 0; copy < 40; ++copy)
    for (const auto& e : fs::directory_iterator(demo_->uploads())) {
      char name[32];
      std::snprintf(name, sizeof name, "%04d-", n++);
      fs::create_hard_link(e.path(), queue / (name + e.path().filename().string()));
    }
  const std::vector<std::string> common{"scan", "-q", "--emit-hashes", "--threads", "2", "--db", demo_->db(), queue.string()};
  const fs::path want_report = demo_->dir / "want.jsonl", report = demo_->dir / "got.jsonl", state = demo_->dir / "got.state";
  auto with = [&](std::vector<std::string> extra) {
    auto args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  ASSERT_EQ(testing::wait_cli(testing::spawn_cli(with({"--report", want_report.string()}))), 0);
  const std::string want = slurp(want_report);
  ASSERT_EQ(lines_of(want).size(), size_t(n));

  // Each round: wait until the run has recorded progress of its own (however slow the machine),
  // then kill it at a random moment.
  std::mt19937 rng(20261129);
  int killed = 0, killed_mid_queue = 0, needed_repair = 0;
  for (int round = 0; round < 6; ++round) {
    const long long before = fs::exists(state) ? state_field(state, "done") : 0;
    const pid_t pid = testing::spawn_cli(with({"--state", state.string(), "--report", report.string()}));
    bool exited = false;
    for (int waited = 0; waited < 120'000; waited += 20) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (::waitpid(pid, nullptr, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (fs::exists(state) && state_field(state, "done") > before) break;
    }
    // Odd rounds: wait until report lines past the recorded state exist (a kill must cut them).
    for (int waited = 0; !exited && round % 2 && waited < 30'000; waited += 10) {
      if (fs::exists(report) && (long long)fs::file_size(report) > state_field(state, "report_bytes")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      exited = ::waitpid(pid, nullptr, WNOHANG) == pid;
    }
    if (exited) break;  // it finished first
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % (round % 2 ? 200 : 1500)));
    ::kill(pid, SIGKILL);
    if (testing::wait_cli(pid) != 128 + SIGKILL) break;
    ++killed;
    const long long done = state_field(state, "done"), bytes = state_field(state, "report_bytes");
    if (done > 0 && done < n) ++killed_mid_queue;
    if (bytes >= 0 && fs::exists(report) && (long long)fs::file_size(report) > bytes) ++needed_repair;
  }
  auto final_run = run_cli("scan -q --emit-hashes --threads 2 --db " + demo_->db() + " " + queue.string() + " --state " +
                           state.string() + " --report " + report.string());
  ASSERT_EQ(final_run.exit_code, 0) << final_run.err;
  const std::string got = slurp(report);
  EXPECT_TRUE(got == want) << "the resumed report differs from the uninterrupted one";
  std::set<std::string> paths;
  for (const auto& l : lines_of(got)) {
    ASSERT_TRUE(l.size() > 2 && l.front() == '{' && l.back() == '}') << "not a whole JSON object: " << l;
    paths.insert(l.substr(0, l.find("\",\"outcome\"")));
  }
  EXPECT_EQ(paths.size(), size_t(n)) << "every item exactly once";
  EXPECT_EQ(state_field(state, "done"), n);
  std::printf("[ figures  ] %d kills, %d with the state mid-queue, %d left lines past the state to cut\n", killed,
              killed_mid_queue, needed_repair);
  EXPECT_GE(killed_mid_queue, 1) << "no kill landed after a state was recorded: the test did not test resume";
  EXPECT_GE(needed_repair, 1) << "no kill left report lines past the state: the repair was never exercised";
}

TEST_F(CliResume, StateOfAnotherQueueIsRefusedAndTheReportLeftAlone) {
  const fs::path report = demo_->dir / "r.jsonl", state = demo_->dir / "r.state", other = demo_->dir / "other";
  fs::create_directories(other);
  for (const auto& e : fs::directory_iterator(demo_->uploads())) fs::copy_file(e.path(), other / e.path().filename());
  const std::string base = "scan -q --db " + demo_->db() + " --state " + state.string() + " --report " + report.string();
  ASSERT_EQ(run_cli(base + " " + demo_->uploads()).exit_code, 0);
  const std::string before = slurp(report);
  EXPECT_EQ(state_field(state, "done"), 21);

  // Same count, other paths.
  auto r = run_cli(base + " " + other.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("another queue"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(report), before);
  // A shorter queue than the state records.
  r = run_cli(base + " " + demo_->uploads() + "/photo-coffee-q85.jpg");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("longer queue"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(report), before);
  // Another report format.
  r = run_cli(base + " --format csv " + demo_->uploads());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("belongs to a jsonl report"), std::string::npos) << r.err;
  // The same queue again: all done, nothing rescanned, the same report and exit status.
  r = run_cli("scan --db " + demo_->db() + " --state " + state.string() + " --report " + report.string() + " " + demo_->uploads());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resumed after 21"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(report), before);
  // --state needs a report file it can repair.
  EXPECT_EQ(run_cli("scan -q --db " + demo_->db() + " --state " + state.string() + " " + demo_->uploads()).exit_code, 2);
}

TEST_F(CliResume, ImpossibleOrMalformedStateIsRefused) {
  const fs::path report = demo_->dir / "i.jsonl", state = demo_->dir / "i.state";
  const std::string cmd = "scan -q --db " + demo_->db() + " --state " + state.string() + " --report " + report.string() +
                          " " + demo_->uploads();
  ASSERT_EQ(run_cli(cmd).exit_code, 0);
  const std::string good = slurp(state);
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    std::ofstream(state, std::ios::binary | std::ios::trunc) << s;
  };
  const std::string matched = "matched " + std::to_string(state_field(state, "matched"));
  const std::string bytes = "report_bytes " + std::to_string(state_field(state, "report_bytes"));
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {matched, "matched 22"},                           // more matched than done
           {"done 21", "done -3"},                            // not a count
           {"done 21", "done 99999999999999999999999"},        // overflows
           {bytes, "report_bytes 999999999"},                 // more than the report holds
           {"hashsieve-scan-state 2", "hashsieve-scan-state 1"}}) {
    edited(from, to);
    auto r = run_cli(cmd);
    EXPECT_EQ(r.exit_code, 2) << to;
    EXPECT_NE(r.err.find("state"), std::string::npos) << r.err;
  }
  std::ofstream(state, std::ios::binary | std::ios::trunc) << good.substr(0, good.size() / 2);  // torn
  EXPECT_EQ(run_cli(cmd).exit_code, 2);
}

TEST_F(CliResume, NewlineInANameDoesNotBreakResume) {
  const fs::path dir = demo_->dir / "nl", report = demo_->dir / "nl.jsonl", state = demo_->dir / "nl.state";
  fs::create_directories(dir);
  fs::copy_file(demo_->uploads() + "/photo-coffee-q85.jpg", dir / "a\nb.jpg");
  fs::copy_file(demo_->uploads() + "/photo-rocket-q85.jpg", dir / "c.jpg");
  const std::string cmd = "scan --emit-hashes --db " + demo_->db() + " --state " + state.string() + " --report " +
                          report.string() + " " + dir.string();
  ASSERT_EQ(run_cli(cmd).exit_code, 0);
  const std::string first = slurp(report);
  EXPECT_EQ(lines_of(first).size(), 2u) << first;
  EXPECT_NE(first.find("a\\\\x0Ab.jpg"), std::string::npos) << first;
  EXPECT_EQ(lines_of(slurp(state)).size(), 8u) << "the state file holds one field a line: " << slurp(state);
  auto again = run_cli(cmd);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("resumed after 2"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(report), first);
}

}  // namespace
}  // namespace hashsieve
