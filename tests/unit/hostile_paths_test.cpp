// Hostile paths given to `hashsieve hash`: lying extensions, symlink loops, things that are not
// regular files, unreadable files, names that are not UTF-8.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

// A fresh folder under the temp directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("hashsieve-hostile-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
};

// Single-quoted for the shell (test paths hold no quotes). Appended, not "'" + s + "'": gcc 12
// warns falsely (-Wrestrict) on that.
std::string shell_arg(const fs::path& p) {
  std::string s(1, '\'');
  s.append(p.string()).push_back('\'');
  return s;
}
std::string hostile(const std::string& name) { return testing::data_path("hostile/" + name); }

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = uint8_t(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((uint8_t(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

TEST(HostilePaths, ExtensionThatLiesAboutTheFormatStillHashes) {
  TempDir d;
  fs::copy_file(hostile("plain.png"), d.path / "really-a-png.jpg");
  fs::copy_file(hostile("progressive.jpg"), d.path / "really-a-jpeg.png");
  auto want = run_cli("hash " + shell_arg(hostile("plain.png")) + " " + shell_arg(hostile("progressive.jpg")));
  auto got = run_cli("hash " + shell_arg(d.path / "really-a-png.jpg") + " " + shell_arg(d.path / "really-a-jpeg.png"));
  ASSERT_EQ(got.exit_code, 0) << got.err;
  ASSERT_EQ(want.exit_code, 0) << want.err;
  auto w = lines(want.out), g = lines(got.out);
  ASSERT_EQ(g.size(), 2u);
  ASSERT_EQ(w.size(), 2u);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(g[i].substr(0, 64), w[i].substr(0, 64));
}

TEST(HostilePaths, SymlinkLoopsEndAndListEachFileOnce) {
  TempDir d;
  fs::create_directories(d.path / "sub");
  fs::copy_file(hostile("plain.png"), d.path / "a.png");
  fs::copy_file(hostile("palette.png"), d.path / "sub" / "b.png");
  fs::create_directory_symlink("..", d.path / "sub" / "up");   // sub/up -> the root again
  fs::create_directory_symlink(".", d.path / "self");
  fs::create_directory_symlink(d.path / "loop2", d.path / "loop1");  // loop1 -> loop2 -> loop1
  fs::create_directory_symlink(d.path / "loop1", d.path / "loop2");
  auto r = run_cli("hash " + shell_arg(d.path));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out;
  std::set<std::string> paths;
  for (auto& l : out) paths.insert(l.substr(l.rfind(',') + 1));
  EXPECT_EQ(paths.size(), 2u);
}

TEST(HostilePaths, DirectoryOrFifoGivenAsAFileIsAnIoError) {
  TempDir d;
  const auto fifo = d.path / "fifo.png";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Nobody writes to the FIFO: opening it must not block the run.
  auto r = run_cli("hash " + shell_arg(fifo) + " " + shell_arg(hostile("plain.png")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find("io_error"), std::string::npos) << r.err;
  // A directory named in a list of files is not walked; it is reported.
  r = run_cli("hash --files-from -", d.path.string() + "\n" + hostile("plain.png") + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
}

TEST(HostilePaths, EmptyAndMissingFilesAreReportedAndTheRunGoesOn) {
  TempDir d;
  std::ofstream(d.path / "empty.png").close();
  auto r = run_cli("hash " + shell_arg(d.path / "empty.png") + " " + shell_arg(d.path / "missing.png") + " " +
                   shell_arg(hostile("plain.png")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find("decode_failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("io_error"), std::string::npos) << r.err;
}

TEST(HostilePaths, UnreadableFileIsAnIoError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir d;
  const auto f = d.path / "locked.png";
  fs::copy_file(hostile("plain.png"), f);
  fs::permissions(f, fs::perms::none);
  auto r = run_cli("hash " + shell_arg(f));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("io_error"), std::string::npos) << r.err;
}

TEST(HostilePaths, NonUtf8FileNameKeepsJsonlValid) {
  TempDir d;
  const std::string bad = "bad-\xFF\xFE-\xC3(.png";  // invalid lead bytes and a broken sequence
  fs::copy_file(hostile("plain.png"), d.path / bad);
  auto r = run_cli("hash --format jsonl " + shell_arg(d.path));  // the name never passes the shell
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(valid_utf8(out[0])) << out[0];
  EXPECT_EQ(out[0].rfind("{\"path\":\"", 0), 0u) << out[0];
  EXPECT_NE(out[0].find("bad-\\ufffd\\ufffd-\\ufffd(.png\""), std::string::npos) << out[0];
  EXPECT_EQ(out[0].back(), '}');
}

}  // namespace
}  // namespace hashsieve
