// Privacy by construction: a scan writes no file but its report. strace records every call
// that could create or change a file; nothing else may appear (no temporary files, no pixel
// dumps, no caches), and the uploads are left untouched.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

bool have_strace() { return std::system("command -v strace >/dev/null 2>&1") == 0; }

// Paths opened for writing or created, renamed, linked or removed. Only calls seen to fail are
// left out: a call strace splits across threads ("<unfinished ...>") counts as written.
std::set<std::string> written_paths(const std::string& trace) {
  std::set<std::string> out;
  std::istringstream in(trace);
  std::string line;
  const std::regex open_re(R"re((?:open|openat|creat)\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]+))re");
  const std::regex change_re(
      R"re((rename|renameat|renameat2|unlink|unlinkat|mkdir|mkdirat|link|linkat|symlink|symlinkat|truncate|memfd_create)\((?:AT_FDCWD, |\d+, )?"([^"]*)")re");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.find(" = -1 ") != std::string::npos) continue;  // failed: nothing was written
    if (std::regex_search(line, m, open_re)) {
      const std::string flags = m[2];
      if (flags.find("O_WRONLY") != std::string::npos || flags.find("O_RDWR") != std::string::npos ||
          flags.find("O_CREAT") != std::string::npos)
        out.insert(m[1]);
    } else if (std::regex_search(line, m, change_re)) {
      out.insert(std::string(m[1]) + ":" + std::string(m[2]));
    }
  }
  return out;
}

class Privacy : public ::testing::TestWithParam<bool> {};  // param: with the audit log

TEST_P(Privacy, AScanWritesOnlyItsReportAndAuditLog) {
  if (!have_strace()) GTEST_SKIP() << "strace is not installed (scripts/setup-deps.sh installs it)";
  const bool audit = GetParam();
  auto demo = testing::make_demo_db(audit ? "privacy-audit" : "privacy");
  const auto report = demo.dir / "report.jsonl";
  const auto trace = demo.dir / "trace.txt";
  std::map<std::string, fs::file_time_type> before;
  for (const auto& e : fs::recursive_directory_iterator(demo.uploads())) before[e.path()] = e.last_write_time();

  // LeakSanitizer cannot run under ptrace; in sanitizer builds the scan runs without it here.
  const std::string cmd = "ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\" strace -f -qq -o " + trace.string() +
                          " -e trace=open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,link,"
                          "linkat,symlink,symlinkat,truncate,memfd_create " +
                          HASHSIEVE_CLI + " scan --threads 2 " + (audit ? "--audit " : "") + "--db " + demo.db() + " --report " + report.string() + " " +
                          demo.uploads() + " 2>/dev/null";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  const auto written = written_paths(testing::slurp(trace));
  ASSERT_TRUE(written.count(report.string())) << "the trace must show the report being written";
  for (const auto& p : written) {
    if (p == report.string()) continue;
    // Naming worker threads writes to procfs, not to a file.
    if (std::regex_match(p, std::regex(R"(/proc/self/task/\d+/comm)"))) continue;
    if (p == "/dev/null" || p == "/dev/tty") continue;
    // The audit log lives in the database directory (RocksDB's log, tables and manifest).
    const std::string in_db = p.substr(p.find(':') + 1);
    if (audit && in_db.rfind(demo.db() + "/", 0) == 0) continue;
    ADD_FAILURE() << "scan wrote or changed " << p;
  }
  size_t after_count = 0;
  for (const auto& e : fs::recursive_directory_iterator(demo.uploads())) {
    ++after_count;
    EXPECT_EQ(before[e.path()], e.last_write_time()) << e.path();
  }
  EXPECT_EQ(after_count, before.size());
  fs::remove_all(demo.dir);
}

INSTANTIATE_TEST_SUITE_P(AuditLog, Privacy, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "with_audit" : "without_audit"; });

TEST(PrivacyTrace, WrittenPathsParserSeesWrites) {
  // The parser itself: a write-open, a create and a rename are caught; a read-only open is not.
  const std::string t =
      "1 openat(AT_FDCWD, \"/tmp/a\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3\n"
      "1 openat(AT_FDCWD, \"/tmp/b\", O_RDONLY|O_CLOEXEC) = 4\n"
      "1 openat(AT_FDCWD, \"/tmp/c\", O_RDWR|O_CREAT, 0600) = -1 EACCES (Permission denied)\n"
      "1 rename(\"/tmp/x\", \"/tmp/y\") = 0\n"
      "1 mkdir(\"/tmp/d\", 0755) = -1 EEXIST (File exists)\n"
      "2 openat(AT_FDCWD, \"/tmp/e\", O_WRONLY|O_CREAT <unfinished ...>\n";
  const auto w = written_paths(t);
  EXPECT_TRUE(w.count("/tmp/a"));
  EXPECT_FALSE(w.count("/tmp/b"));
  EXPECT_FALSE(w.count("/tmp/c"));
  EXPECT_TRUE(w.count("rename:/tmp/x"));
  EXPECT_FALSE(w.count("mkdir:/tmp/d"));
  EXPECT_TRUE(w.count("/tmp/e"));
}

}  // namespace
}  // namespace hashsieve
