// The help comes from the same declarations as the parsing: every command and action has one,
// each states its exit statuses, and every option the README documents is in it.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

using testing::run_cli;

const char* const kCommands[] = {"hash", "scan", "version", "match", "bench", "list", "list create", "list import",
                                 "list export", "list withdraw", "list purge", "list drop", "list stats", "db",
                                 "db checkpoint", "db check", "db audit"};

TEST(CliHelp, EveryCommandAndActionHasHelpWithItsExitStatuses) {
  for (const char* c : kCommands) {
    auto r = run_cli(std::string(c) + " --help");
    EXPECT_EQ(r.exit_code, 0) << c;
    EXPECT_NE(r.out.find("Usage: hashsieve " + std::string(c)), std::string::npos) << c << "\n" << r.out;
    EXPECT_NE(r.out.find("exit status: 0 "), std::string::npos) << c << "\n" << r.out;
    EXPECT_NE(r.out.find("2 error"), std::string::npos) << c << "\n" << r.out;
  }
  auto top = run_cli("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("exit status:"), std::string::npos) << top.out;
  EXPECT_EQ(run_cli("help list import").out, run_cli("list import --help").out);
  for (const char* s : {"0 something matched", "1 every input was checked and nothing matched"})
    EXPECT_NE(run_cli("scan --help").out.find(s), std::string::npos) << s;
}

TEST(CliHelp, UsageErrorsSayWhereHelpIs) {
  for (const char* bad : {"scan --radius 300 x", "list import", "list frobnicate", "db", "match --index hnsw",
                          "bench --threads 0", "hash --bogus x", "nosuchcommand"}) {
    auto r = run_cli(bad);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--help)"), std::string::npos) << bad << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
}

// Options in the first cell of the option tables of the README section under `heading` (up to the
// next "## " heading).
std::set<std::string> readme_options(const std::string& heading) {
  const std::string readme = testing::slurp(testing::data_path("../../README.md"));
  const size_t start = readme.find(heading);
  EXPECT_NE(start, std::string::npos) << heading;
  const size_t end = readme.find("\n## ", start + 1);
  const std::string section = readme.substr(start, end - start);
  std::set<std::string> out;
  const std::regex opt("(--[a-z][a-z0-9-]*)");
  std::istringstream lines(section);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::string cell = line.substr(0, line.find(" | "));
    for (auto it = std::sregex_iterator(cell.begin(), cell.end(), opt); it != std::sregex_iterator(); ++it)
      out.insert((*it)[1].str());
  }
  return out;
}

TEST(CliHelp, EveryOptionTheReadmeDocumentsIsInTheHelp) {
  for (auto [heading, command] : {std::pair{"## The main job: `hashsieve scan`", "scan"}, {"## `hashsieve hash`", "hash"}}) {
    const auto options = readme_options(heading);
    EXPECT_GE(options.size(), 6u) << heading;
    const std::string help = run_cli(std::string(command) + " --help").out;
    for (const auto& o : options) EXPECT_NE(help.find(o), std::string::npos) << command << " --help lacks " << o;
  }
}

}  // namespace
}  // namespace hashsieve
