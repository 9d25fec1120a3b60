// `hashsieve hash`: output formats against golden files and the vectors, exit statuses, errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

using testing::run_cli;

const std::string kImages = testing::data_path("pdq-vectors/images");

std::string golden(const std::string& name) { return testing::slurp(testing::data_path("golden/" + name)); }

TEST(CliHash, CsvMatchesGoldenFile) {
  auto r = run_cli("hash " + kImages + "/photo-coffee.png " + kImages + "/mode-gray.jpg " + kImages + "/syn-shapes-333x777.png");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expect = golden("hash.csv");
  // Golden files hold paths relative to the images folder.
  std::string got = r.out;
  for (size_t p; (p = got.find(kImages + "/")) != std::string::npos;) got.erase(p, kImages.size() + 1);
  EXPECT_EQ(got, expect);
}

TEST(CliHash, DihedralCsvAndJsonlMatchGoldenFiles) {
  for (auto [args, file] : {std::pair{"--dihedral", "hash_dihedral.csv"}, {"--format jsonl", "hash.jsonl"},
                            {"--format jsonl --dihedral", "hash_dihedral.jsonl"}}) {
    auto r = run_cli(std::string("hash ") + args + " " + kImages + "/photo-coffee.png " + kImages + "/mode-gray.jpg");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string got = r.out;
    for (size_t p; (p = got.find(kImages + "/")) != std::string::npos;) got.erase(p, kImages.size() + 1);
    EXPECT_EQ(got, golden(file)) << args;
  }
}

TEST(CliHash, DirectoryRunMatchesEveryVectorInOrder) {
  for (const char* flavor : {"fullres", "cli512"}) {
    auto r = run_cli(std::string("hash --threads 2 --flavor ") + flavor + " " + kImages);
    EXPECT_EQ(r.exit_code, 1) << "tiny images must fail the run";
    const bool cli = std::string(flavor) == "cli512";
    std::map<std::string, testing::CsvRow> want;
    for (auto& row : testing::pdq_vectors()) want[row.at("file")] = row;
    std::istringstream out(r.out);
    std::string line, prev;
    int lines = 0;
    while (std::getline(out, line)) {
      ++lines;
      const std::string hash = line.substr(0, 64);
      const size_t c2 = line.find(',', 65);
      const std::string quality = line.substr(65, c2 - 65);
      const std::string file = std::filesystem::path(line.substr(c2 + 1)).filename().string();
      ASSERT_TRUE(want.count(file)) << line;
      EXPECT_EQ(hash, want[file].at(cli ? "pdq_cli512" : "pdq")) << file;
      EXPECT_EQ(quality, want[file].at(cli ? "quality_cli512" : "quality")) << file;
      EXPECT_LT(prev, file) << "sorted input order";
      prev = file;
    }
    EXPECT_EQ(lines, 166 - 4);
    for (const char* tiny : {"syn-tiny-1x1.png", "syn-tiny-4x4.png", "syn-tiny-4x100.png", "syn-tiny-100x4.png"})
      EXPECT_NE(r.err.find(std::string(tiny) + ": image_too_small"), std::string::npos) << tiny;
  }
}

TEST(CliHash, FailuresAreReportedPerItemAndTheRunGoesOn) {
  const auto dir = std::filesystem::temp_directory_path() / ("hashsieve-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "empty.jpg").close();
  std::ofstream(dir / "garbage.png") << "this is not an image at all";
  auto good = testing::read_file(kImages + "/photo-coffee.png");
  std::ofstream(dir / "truncated.png", std::ios::binary).write(reinterpret_cast<const char*>(good.data()), 2000);
  auto r = run_cli("hash " + (dir / "empty.jpg").string() + " " + kImages + "/photo-coffee.png " +
                   (dir / "garbage.png").string() + " " + (dir / "missing.jpg").string() + " " +
                   (dir / "truncated.png").string());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find("photo-coffee.png"), std::string::npos);
  EXPECT_NE(r.err.find("empty.jpg: decode_failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("garbage.png: decode_failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.jpg: io_error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated.png: decode_failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("0000000000000000"), std::string::npos) << "never a zero hash";
  auto quiet = run_cli("-q", "");
  EXPECT_EQ(quiet.exit_code, 2);
}

TEST(CliHash, FilesFromStdinAndUsageErrors) {
  auto r = run_cli("hash --files-from -", kImages + "/photo-coffee.png\n" + kImages + "/mode-gray.jpg\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
  auto z = run_cli("hash -0 --files-from -", kImages + "/photo-coffee.png" + std::string(1, '\0'));
  EXPECT_EQ(z.exit_code, 0) << z.err;
  EXPECT_EQ(std::count(z.out.begin(), z.out.end(), '\n'), 1);
  for (const char* bad : {"", "--bogus x", "--format xml x", "--threads 0 x", "--simd sse9 x", "--flavor big x"}) {
    auto u = run_cli(std::string("hash ") + bad);
    EXPECT_EQ(u.exit_code, 2) << bad;
    EXPECT_FALSE(u.err.empty()) << bad;
    EXPECT_TRUE(u.out.empty()) << bad;
  }
  EXPECT_EQ(run_cli("hash --help").exit_code, 0);
}

TEST(CliHash, SimdLevelsAndThreadCountsGiveIdenticalOutput) {
  auto base = run_cli("hash --simd scalar --threads 1 " + kImages);
  auto fast = run_cli("hash --simd auto --threads 2 " + kImages);
  EXPECT_EQ(base.out, fast.out);
  EXPECT_EQ(base.exit_code, fast.exit_code);
}

TEST(CliHash, SimdEnvironmentVariableOverridesAuto) {
  const std::string args = "hash " + kImages + "/syn-stripes-400x300.png " + kImages + "/photo-coffee.png";
  auto base = run_cli(args);
  ::setenv("HASHSIEVE_SIMD", "scalar", 1);
  auto scalar = run_cli(args);
  ::setenv("HASHSIEVE_SIMD", "sse9", 1);
  auto bogus = run_cli(args);
  auto explicit_level = run_cli("hash --simd scalar " + kImages + "/photo-coffee.png");
  ::unsetenv("HASHSIEVE_SIMD");
  EXPECT_EQ(scalar.exit_code, 0);
  EXPECT_EQ(scalar.out, base.out);
  EXPECT_EQ(bogus.exit_code, 2) << "an unknown level is an error, not a silent fallback";
  EXPECT_NE(bogus.err.find("HASHSIEVE_SIMD"), std::string::npos) << bogus.err;
  EXPECT_EQ(explicit_level.exit_code, 0) << "an explicit --simd wins over the environment";
}

}  // namespace
}  // namespace hashsieve
