// Every write is checked: stdout or a report on /dev/full (ENOSPC) or into a closed pipe (EPIPE)
// ends the run with status 2 and the reason, never with a success status over a cut report; and a
// --state is never advanced over report lines that were not written.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/demo_db.h"
#include "tests/unit/temp_dir.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

// Runs the CLI with stdout into a pipe whose reading end is already closed; stderr captured.
testing::CliRun run_into_closed_pipe(const std::vector<std::string>& args, const fs::path& scratch) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  testing::SpawnOptions o;
  o.out_fd = fds[1];
  testing::CliRun r = testing::run_cli_argv(args, scratch, o);
  ::close(fds[1]);
  return r;
}

class CliWriteErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    demo_ = new testing::DemoDb(testing::make_demo_db("cliwrite"));
    run_cli("scan -q --audit --db " + demo_->db() + " " + demo_->uploads());  // so `db audit` has lines to write
  }
  static void TearDownTestSuite() {
    fs::remove_all(demo_->dir);
    delete demo_;
  }
  static testing::DemoDb* demo_;
};
testing::DemoDb* CliWriteErrors::demo_ = nullptr;

TEST_F(CliWriteErrors, DevFullIsAnErrorWithTheReason) {
  testing::TempDir d;
  const std::string images = testing::data_path("pdq-vectors/images");
  const std::string hashes = d / "hashes.txt";
  std::ofstream(hashes) << testing::slurp(demo_->dir / "known.csv").substr(std::string("hash,entry_id\n").size());
  const std::string db = demo_->db();
  for (const auto& args : std::vector<std::vector<std::string>>{{"scan", "--db", db, demo_->uploads()},
                                                                {"hash", images},
                                                                {"match", "--db", db, hashes},
                                                                {"list", "export", "known", "--db", db},
                                                                {"list", "stats", "--db", db},
                                                                {"db", "check", "--db", db},
                                                                {"db", "audit", "--db", db},
                                                                {"--help"},
                                                                {"scan", "--help"},
                                                                {"version"}}) {
    const int status = testing::wait_cli(testing::spawn_cli(args, "/dev/full", d / "err"));
    const std::string err = testing::slurp(d / "err");
    EXPECT_EQ(status, 2) << args[0] << " " << args.size() << "\n" << err;
    EXPECT_NE(err.find("No space left on device"), std::string::npos) << args[0] << "\n" << err;
  }
  auto r = run_cli("scan --db " + db + " --report /dev/full " + demo_->uploads());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot write the report /dev/full: No space left on device"), std::string::npos) << r.err;
}

TEST_F(CliWriteErrors, StateIsNeverAdvancedOverUnwrittenReportLines) {
  const auto state = demo_->dir / "full.state";
  auto r = run_cli("scan --emit-hashes --db " + demo_->db() + " --report /dev/full --state " + state.string() + " " +
                   demo_->uploads());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot write the report /dev/full: No space left on device"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(state)) << testing::slurp(state);
}

// A real full disk: a one-page tmpfs (needs the right to mount; skipped without it).
TEST_F(CliWriteErrors, FullDiskStopsTheScanAndTheStateCoversOnlyWhatWasWritten) {
  testing::TempDir d;
  const fs::path disk = d / "disk";
  fs::create_directories(disk);
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=4k") != 0) GTEST_SKIP() << "cannot mount a small tmpfs here";
  const fs::path report = disk / "report.jsonl", state = d / "state";
  auto r = run_cli("scan --emit-hashes --threads 1 --db " + demo_->db() + " --report " + report.string() + " --state " +
                   state.string() + " " + demo_->uploads());
  const std::string written = testing::slurp(report);
  ::umount(disk.c_str());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_LE(written.size(), 4096u);
  if (fs::exists(state)) {  // whatever it records is on the disk, whole lines
    const std::string st = testing::slurp(state);
    const size_t at = st.find("report_bytes ");
    ASSERT_NE(at, std::string::npos) << st;
    const size_t bytes = std::stoul(st.substr(at + 13));
    EXPECT_LE(bytes, written.size());
    EXPECT_TRUE(bytes == 0 || written[bytes - 1] == '\n') << st;
  }
}

TEST_F(CliWriteErrors, ClosedPipeIsAnErrorNotASilentDeath) {
  testing::TempDir d;
  const std::string images = testing::data_path("pdq-vectors/images");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"hash", images},
           {"scan", "--emit-hashes", "--db", demo_->db(), demo_->uploads()},
           {"list", "export", "known", "--db", demo_->db()}}) {
    auto r = run_into_closed_pipe(args, d.str());
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("Broken pipe"), std::string::npos) << args[0] << ": " << r.err;
  }
}

}  // namespace
}  // namespace hashsieve
