// Hostile paths given to `hashsieve hash`: lying extensions, symlink loops, things that are not
// regular files, unreadable files, names that are not UTF-8.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using testing::lines_of;
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
  auto w = lines_of(want.out), g = lines_of(got.out);
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
  EXPECT_EQ(r.exit_code, 1) << "the links are items that were not hashed";
  auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out;
  std::set<std::string> paths;
  for (auto& l : out) paths.insert(l.substr(l.rfind(',') + 1));
  EXPECT_EQ(paths.size(), 2u);
  // Each link is reported where it sorts, with why it was not followed.
  for (const char* want : {"/loop1: unsupported: skipped, never opened: a symbolic link loop",
                           "/loop2: unsupported: skipped, never opened: a symbolic link loop",
                           "/self: unsupported: skipped, never opened: a symbolic link to a directory",
                           "/sub/up: unsupported: skipped, never opened: a symbolic link to a directory"})
    EXPECT_NE(r.err.find(want), std::string::npos) << want << "\n" << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 4u) << r.err;
}

TEST(HostilePaths, DirectoryOrFifoGivenAsAFileIsSkippedUnopened) {
  TempDir d;
  const auto fifo = d.path / "fifo.png";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Nobody writes to the FIFO: opening it must not block the run.
  auto r = run_cli("hash " + shell_arg(fifo) + " " + shell_arg(hostile("plain.png")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_NE(r.err.find("fifo.png: unsupported: skipped, never opened: not a regular file: a FIFO"), std::string::npos) << r.err;
  // A directory named in a list of files is not walked; it is reported.
  r = run_cli("hash --files-from -", d.path.string() + "\n" + hostile("plain.png") + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
}

TEST(HostilePaths, EmptyAndMissingFilesAreReportedAndTheRunGoesOn) {
  TempDir d;
  std::ofstream(d.path / "empty.png").close();
  auto r = run_cli("hash " + shell_arg(d.path / "empty.png") + " " + shell_arg(d.path / "missing.png") + " " +
                   shell_arg(hostile("plain.png")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_NE(r.err.find("decode_failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("io_error"), std::string::npos) << r.err;
}

// Runs `hashsieve hash DIR` as an unprivileged user (root reads every file and folder whatever
// its mode, so as root the child drops to nobody first); stdout and stderr captured.
testing::CliRun hash_unprivileged(const fs::path& dir, const fs::path& scratch) {
  testing::SpawnOptions o;
  o.as_nobody = true;
  return testing::run_cli_argv({"hash", dir.string()}, scratch, o);
}

TEST(HostilePaths, UnreadableFileInAWalkIsAnIoErrorAndTheWalkGoesOn) {
  TempDir d, scratch;
  const fs::path tree = d.path / "tree";
  fs::create_directories(tree);
  fs::copy_file(hostile("plain.png"), tree / "a.png");
  fs::copy_file(hostile("plain.png"), tree / "b-locked.png");
  fs::copy_file(hostile("palette.png"), tree / "c.png");
  fs::permissions(d.path, fs::perms::all);  // the unprivileged run must reach the tree
  fs::permissions(tree, fs::perms::all);
  fs::permissions(tree / "b-locked.png", fs::perms::none);
  auto r = hash_unprivileged(tree, scratch.path);
  ASSERT_NE(r.exit_code, testing::kCannotDropPrivileges) << "cannot drop privileges";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out << r.err;
  EXPECT_NE(out[0].find("/a.png"), std::string::npos);
  EXPECT_NE(out[1].find("/c.png"), std::string::npos) << "the walk went on after the unreadable file";
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(lines_of(r.err)[0].rfind((tree / "b-locked.png").string() + ": io_error", 0), 0u) << r.err;
}

TEST(HostilePaths, NonUtf8FileNameKeepsJsonlValid) {
  TempDir d;
  const std::string bad = "bad-\xFF\xFE-\xC3(.png";  // invalid lead bytes and a broken sequence
  fs::copy_file(hostile("plain.png"), d.path / bad);
  auto r = run_cli("hash --format jsonl " + shell_arg(d.path));  // the name never passes the shell
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(valid_utf8(out[0])) << out[0];
  EXPECT_EQ(out[0].rfind("{\"path\":\"", 0), 0u) << out[0];
  // Lossless: each byte that is not UTF-8 is \xHH (a JSON string holding a backslash: \\xHH).
  EXPECT_NE(out[0].find("bad-\\\\xFF\\\\xFE-\\\\xC3(.png\""), std::string::npos) << out[0];
  EXPECT_EQ(out[0].back(), '}');
}

TEST(HostilePaths, EscapedNamesStayDistinct) {
  TempDir d;
  // Raw bytes FF and a name that spells the escape with a real backslash: two lines, never alike.
  fs::copy_file(hostile("plain.png"), d.path / "x-\xFF.png");
  fs::copy_file(hostile("plain.png"), d.path / "x-\\xFF.png");
  auto r = run_cli("hash " + shell_arg(d.path));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 2u);
  std::set<std::string> names;
  for (auto& l : out) names.insert(fs::path(l.substr(l.rfind(',') + 1)).filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"x-\\xFF.png", "x-\\\\xFF.png"}));
}

TEST(HostilePaths, ControlCharactersAreEscapedOnStderr) {
  TempDir d;
  std::ofstream(d.path / "evil\x1b]0;owned\x07\r.png") << "not an image";
  auto r = run_cli("hash " + shell_arg(d.path));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("evil\\x1B]0;owned\\x07\\x0D.png: decode_failed"), std::string::npos) << r.err;
  for (char c : r.err) EXPECT_TRUE(c == '\n' || uint8_t(c) >= 0x20) << "raw control byte on stderr";
}

TEST(HostilePaths, OverlongFilesFromLineIsRejected) {
  const std::string good = hostile("plain.png");
  auto r = run_cli("hash --files-from -", std::string(100000, 'a') + "\n" + good + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_NE(r.err.find("longer than 4096 bytes: rejected"), std::string::npos) << r.err.substr(0, 300);
  EXPECT_LT(r.err.size(), 1000u) << "the rejected line is not echoed whole";
}

TEST(HostilePaths, UnreadableSubfolderIsOneItemAndTheWalkGoesOn) {
  TempDir d, scratch;
  const fs::path tree = d.path / "tree";
  fs::create_directories(tree / "b-locked");
  fs::create_directories(tree / "c");
  fs::copy_file(hostile("plain.png"), tree / "a.png");
  fs::copy_file(hostile("plain.png"), tree / "b-locked" / "hidden.png");
  fs::copy_file(hostile("palette.png"), tree / "c" / "d.png");
  fs::copy_file(hostile("plain.png"), tree / "z.png");
  fs::permissions(d.path, fs::perms::all);  // the unprivileged run must reach the tree
  fs::permissions(tree / "b-locked", fs::perms::none);
  auto r = hash_unprivileged(tree, scratch.path);
  fs::permissions(tree / "b-locked", fs::perms::owner_all);
  ASSERT_NE(r.exit_code, testing::kCannotDropPrivileges) << "cannot drop privileges";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 3u) << r.out << r.err;
  EXPECT_NE(out[0].find("/a.png"), std::string::npos);
  EXPECT_NE(out[1].find("/c/d.png"), std::string::npos) << "the walk went on after the unreadable folder";
  EXPECT_NE(out[2].find("/z.png"), std::string::npos);
  EXPECT_EQ(lines_of(r.err), std::vector<std::string>{(tree / "b-locked").string() +
                                                   ": io_error: cannot read directory: Permission denied"});
}

TEST(HostilePaths, SpecialFilesAndBadLinksInAWalkAreSkippedWithAReason) {
  TempDir d;
  fs::copy_file(hostile("plain.png"), d.path / "a-good.png");
  ASSERT_EQ(::mkfifo((d.path / "b-fifo").c_str(), 0600), 0);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = (d.path / "c-socket").string();
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::copy(sock_path.begin(), sock_path.end(), addr.sun_path);
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  fs::create_symlink(d.path / "nowhere.png", d.path / "d-dangling.png");
  fs::create_symlink(d.path / "e-loop.png", d.path / "e-loop.png");
  fs::create_symlink("/dev/null", d.path / "f-to-device");
  const bool made_device = ::mknod((d.path / "g-device").c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0;
  auto r = run_cli("hash " + shell_arg(d.path));
  ::close(sock);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
  std::vector<std::string> want{
      "b-fifo: unsupported: skipped, never opened: a FIFO",
      "c-socket: unsupported: skipped, never opened: a socket",
      "d-dangling.png: unsupported: skipped, never opened: a dangling symbolic link",
      "e-loop.png: unsupported: skipped, never opened: a symbolic link loop",
      "f-to-device: unsupported: skipped, never opened: a symbolic link to a character device"};
  if (made_device) want.push_back("g-device: unsupported: skipped, never opened: a character device");
  const auto err = lines_of(r.err);
  ASSERT_EQ(err.size(), want.size()) << r.err;
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(err[i], (d.path / want[i]).string());
}

}  // namespace
}  // namespace hashsieve
