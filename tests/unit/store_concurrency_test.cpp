// One writer process and many readers: readers opened while a writer imports 2M rows never fail
// and see whole import batches only; a checkpoint taken while the writer runs is a consistent
// copy; an audited scan and an import run at the same time.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "hashsieve/hash_store.h"
#include "store_test_util.h"
#include "temp_dir.h"
#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using testing::reader_options;

constexpr int kBatchRows = 100000;

std::vector<ListEntry> batch_rows(int b, int n = kBatchRows) { return testing::batch_rows(b, n); }

// A writer process importing `batches` batches of kBatchRows into list "l" (created first).
pid_t start_writer(const std::string& path, int batches, int pipe_fd) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  auto s = HashStore::Open(path);
  if (!s.ok() || !(*s)->create_list("l").ok()) _exit(3);
  (void)!::write(pipe_fd, "x", 1);  // the list exists: readers may start
  for (int b = 0; b < batches; ++b)
    if (!(*s)->import_batch("l", batch_rows(b)).ok()) _exit(4);
  s->reset();
  _exit(0);
}

TEST(StoreConcurrency, ReadersDuringA2MRowImportNeverFailAndSeeWholeBatches) {
  testing::TempDir dir;
  const std::string path = dir / "db";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t writer = start_writer(path, 20, fds[1]);
  ASSERT_GT(writer, 0);
  ::close(fds[1]);
  char c;
  ASSERT_EQ(::read(fds[0], &c, 1), 1);
  ::close(fds[0]);

  int opens = 0, failures = 0, snapshots = 0;
  std::set<uint64_t> seen_counts;
  double max_open_ms = 0;
  int status = 0;
  bool writer_done = false;
  while (!writer_done || opens < 50) {
    const auto t0 = Clock::now();
    auto r = HashStore::Open(path, reader_options());
    max_open_ms = std::max(max_open_ms, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    ++opens;
    if (!r.ok()) {
      ++failures;
      ADD_FAILURE() << "reader open failed: " << r.status().to_string();
    } else {
      auto info = (*r)->get_list("l");
      ASSERT_TRUE(info.ok()) << info.status().to_string();
      EXPECT_EQ(info->active % kBatchRows, 0u) << "a partial batch is visible";
      seen_counts.insert(info->active);
      if (opens % 8 == 0) {  // the entries agree with the counter: the view is one whole state
        auto snap = (*r)->snapshot_active({"l"});
        ASSERT_TRUE(snap.ok()) << snap.status().to_string();
        EXPECT_EQ(snap->size() % kBatchRows, 0u);
        EXPECT_GE(snap->size(), info->active);  // the snapshot caught up: never older
        ++snapshots;
      }
    }
    if (!writer_done && ::waitpid(writer, &status, WNOHANG) == writer) writer_done = true;
    if (writer_done && opens >= 50) break;
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer failed: " << status;
  EXPECT_EQ(failures, 0);
  EXPECT_GE(opens, 50);
  EXPECT_GT(seen_counts.size(), 2u) << "the readers never overlapped the import";
  std::printf("[ readers  ] %d opens (%d snapshots) during the import, %d failed, %zu distinct states, "
              "slowest open %.1f ms\n", opens, snapshots, failures, seen_counts.size(), max_open_ms);
  auto final_store = HashStore::Open(path, reader_options());
  ASSERT_TRUE(final_store.ok());
  EXPECT_EQ((*final_store)->get_list("l")->active, 2000000u);
}

TEST(StoreConcurrency, ReaderFollowsTheWriterWithRefresh) {
  testing::TempDir dir;
  auto writer = HashStore::Open(dir / "db");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->create_list("l").ok());
  ASSERT_TRUE((*writer)->import_batch("l", batch_rows(0, 100)).ok());
  auto reader = HashStore::Open(dir / "db", reader_options());
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->get_list("l")->active, 100u);
  ASSERT_TRUE((*writer)->import_batch("l", batch_rows(1, 100)).ok());
  EXPECT_EQ((*reader)->get_list("l")->active, 100u);  // a stable view until refresh()
  ASSERT_TRUE((*reader)->refresh().ok());
  EXPECT_EQ((*reader)->get_list("l")->active, 200u);
  EXPECT_EQ((*reader)->snapshot_active({})->size(), 200u);
  EXPECT_FALSE((*reader)->import_batch("l", batch_rows(2, 10)).ok());  // a reader never writes
  auto second_writer = HashStore::Open(dir / "db");
  ASSERT_FALSE(second_writer.ok());
  EXPECT_NE(second_writer.status().message().find("in use by another writer"), std::string::npos)
      << second_writer.status().to_string();
}

TEST(StoreConcurrency, CheckpointOfABusyStoreIsAConsistentCopy) {
  testing::TempDir dir;
  const std::string path = dir / "db";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t writer = start_writer(path, 8, fds[1]);
  ASSERT_GT(writer, 0);
  ::close(fds[1]);
  char c;
  ASSERT_EQ(::read(fds[0], &c, 1), 1);
  ::close(fds[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto other_reader = HashStore::Open(path, reader_options());  // readers stay open meanwhile
  ASSERT_TRUE(other_reader.ok()) << other_reader.status().to_string();
  int copies = 0;
  int status = 0;
  for (int round = 0; round < 3; ++round) {
    auto r = HashStore::Open(path, reader_options());
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    const std::string copy = dir / ("copy" + std::to_string(round));
    Status s = (*r)->checkpoint(copy);
    ASSERT_TRUE(s.ok()) << s.to_string();
    ++copies;
    auto c2 = HashStore::Open(copy, reader_options());
    ASSERT_TRUE(c2.ok()) << c2.status().to_string();
    EXPECT_TRUE((*c2)->verify().ok());  // counters agree with entries: one consistent state
    EXPECT_EQ((*c2)->get_list("l")->active % kBatchRows, 0u);
    EXPECT_EQ((*c2)->snapshot_active({})->size(), (*c2)->get_list("l")->active);
  }
  ASSERT_EQ(::waitpid(writer, &status, 0), writer);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(copies, 3);
}

TEST(StoreConcurrency, AuditedScanRunsWhileAnImportDoes) {
  auto demo = testing::make_demo_db("auditimport");
  ASSERT_EQ(testing::run_cli("list create big --db " + demo.db()).exit_code, 0);
  const auto rows = demo.dir / "big.csv";
  {
    std::ofstream f(rows);
    std::mt19937_64 rng(3);
    f << "hash,entry_id\n";
    for (int i = 0; i < 400000; ++i) f << to_hex(testing::random_hash(rng)) << ",big-" << i << "\n";
  }
  const std::string import_cmd = std::string(HASHSIEVE_CLI) + " list import big " + rows.string() + " --db " + demo.db() +
                                 " 2>" + (demo.dir / "import.err").string();
  std::FILE* importer = ::popen(import_cmd.c_str(), "r");
  ASSERT_NE(importer, nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto scan = testing::run_cli("scan -q --audit --batch during-import --db " + demo.db() + " " + demo.uploads());
  const int import_status = ::pclose(importer);
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_TRUE(WIFEXITED(import_status) && WEXITSTATUS(import_status) == 0) << testing::slurp(demo.dir / "import.err");
  auto log = testing::run_cli("db audit --db " + demo.db());
  EXPECT_NE(log.out.find("\"batch\":\"during-import\",\"operator\""), std::string::npos) << log.out;
  EXPECT_EQ(testing::run_cli("list stats --db " + demo.db()).exit_code, 0);
  auto stats = testing::run_cli("list stats --db " + demo.db());
  EXPECT_NE(stats.out.find("400000"), std::string::npos) << stats.out;
  fs::remove_all(demo.dir);
}

}  // namespace
}  // namespace hashsieve
