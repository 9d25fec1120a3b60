// `hashsieve bench`: structure and fields of the text and JSON output (never speeds), the
// self-check against `hashsieve hash`, and the HTML page rendered in headless Chromium.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/one_core_mask.h"
#include "tests/support/run_cli.h"
#include "tests/support/test_data.h"
#include "tests/unit/temp_dir.h"
#include "tools/bench/stats.h"

namespace hashsieve::testing {
namespace {

// A tiny synthetic corpus and list, measured briefly: enough for every field to be present.
const std::string kTiny = "bench --corpus-images 3 --mp-range 0.05-0.2 --list-size 2000 --seconds 0.05 --min-repetitions 2";

std::vector<std::string> all(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str());
  return out;
}

TEST(BenchStats, PercentileAndSummary) {
  EXPECT_DOUBLE_EQ(bench::percentile({}, 50), 0.0);
  EXPECT_DOUBLE_EQ(bench::percentile({4, 1, 3, 2}, 50), 2.5);
  EXPECT_DOUBLE_EQ(bench::percentile({1, 2, 3, 4, 5}, 100), 5.0);
  EXPECT_DOUBLE_EQ(bench::percentile({1, 2, 3, 4, 5}, 0), 1.0);
  const auto s = bench::summarize({3, 9, 1});
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 9);
}

TEST(CliBench, TextReportStatesConditionsAndEveryFigure) {
  const auto r = run_cli(kTiny + " --threads 1,2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* want : {"conditions: SIMD ", "threads 1,2", "decode exact", "8 dihedral hashes",
                           "images held in memory", "corpus:     synthetic (seed 1), 3 images",
                           "list:       synthetic, 2000 random hashes", "warm-up pass(es) per thread count excluded",
                           "median over passes", "images/s", "MP/s", "p50 / p95 / p99", "speed-up", "efficiency",
                           "stages at 1 thread(s)", "stages at 2 thread(s)", "peak RSS: ",
                           "every pass gave every image the same hash"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  for (const char* stage : {"read", "decode", "hash", "match", "report"})
    EXPECT_EQ(all(r.out, std::string("\\n  (") + stage + ") ").size(), 2u) << stage;
}

// Without --threads, bench measures 1 thread and every core it may use: those of its affinity
// mask (a container's cpuset), not the host's.
TEST(CliBench, DefaultThreadCountsFollowTheAffinityMask) {
  CliRun narrowed;
  int cores = 0;
  {
    OneCoreMask one;  // the child inherits this thread's mask
    ASSERT_TRUE(one.narrowed());
    cores = one.cores_before();
    if (cores < 2) GTEST_SKIP() << "needs 2 cores to narrow the mask";
    narrowed = run_cli(kTiny);
  }
  const auto wide = run_cli(kTiny);
  ASSERT_EQ(narrowed.exit_code, 0) << narrowed.err;
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_NE(narrowed.out.find("threads 1 ("), std::string::npos) << narrowed.out;
  EXPECT_NE(wide.out.find("threads 1," + std::to_string(cores) + " ("), std::string::npos) << wide.out;
}

TEST(CliBench, JsonCarriesEveryFieldPerThreadCount) {
  TempDir dir;
  const auto r = run_cli(kTiny + " --threads 1,2 -q --json " + dir / "b.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const std::string j = slurp(dir / "b.json");
  for (const char* key : {"\"schema\":\"hashsieve-bench/1\"", "\"simd\":", "\"threads\":[1,2]", "\"decode\":\"exact\"",
                          "\"dihedral\":true", "\"include_io\":false", "\"warmup_excluded\":true",
                          "\"corpus\":{\"kind\":\"synthetic\",\"seed\":1,\"images\":3", "\"formats\":{\"jpeg\":2,\"png\":1}",
                          "\"list\":{\"kind\":\"synthetic\"", "\"entries\":2000", "\"peak_rss_bytes\":",
                          "\"hashes_consistent\":true", "\"histogram\":{\"bin_ms\":"})
    EXPECT_NE(j.find(key), std::string::npos) << key;
  EXPECT_EQ(all(j, "\"threads\":(\\d+),\"repetitions\"").size(), 2u);
  for (const char* key : {"images_per_second", "megapixels_per_second", "p50", "p95", "p99", "share", "ms_per_image"})
    EXPECT_GE(all(j, std::string("\"(") + key + ")\":\\{\"median\":[-0-9.e+]+,\"min\":[-0-9.e+]+,\"max\":").size(), 2u) << key;
  for (const char* stage : {"read", "decode", "hash", "match", "report"})
    EXPECT_EQ(all(j, std::string("\"name\":\"(") + stage + ")\"").size(), 2u) << stage;
  EXPECT_EQ(all(j, "\"speedup\":(1),").size(), 1u);  // the 1-thread run is the baseline
  EXPECT_EQ(all(j, "\"path\":\"(syn-[^\"]+)\"").size(), 3u);
}

TEST(CliBench, ReportFilesArePrivateWhateverTheUmask) {
  TempDir dir;
  std::vector<std::string> args;
  std::istringstream words(kTiny);
  for (std::string w; words >> w;) args.push_back(w);
  for (const char* flag : {"--json", "--html", "--hashes"})
    args.insert(args.end(), {flag, dir / (std::string("report") + flag)});
  args.insert(args.end(), {"--threads", "1", "-q"});
  SpawnOptions o;
  o.umask = 0;
  const CliRun r = run_cli_argv(args, dir.str(), o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* flag : {"--json", "--html", "--hashes"}) {
    const auto mode = std::filesystem::status(dir / (std::string("report") + flag)).permissions();
    EXPECT_EQ(mode, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write) << flag;
  }
}

TEST(CliBench, SyntheticCorpusIsReproducible) {
  TempDir dir;
  ASSERT_EQ(run_cli(kTiny + " --threads 1 -q --seed 7 --hashes " + dir / "a.csv").exit_code, 0);
  ASSERT_EQ(run_cli(kTiny + " --threads 2 -q --seed 7 --hashes " + dir / "b.csv").exit_code, 0);
  ASSERT_EQ(run_cli(kTiny + " --threads 1 -q --seed 8 --hashes " + dir / "c.csv").exit_code, 0);
  EXPECT_EQ(slurp(dir / "a.csv"), slurp(dir / "b.csv"));
  EXPECT_NE(slurp(dir / "a.csv"), slurp(dir / "c.csv"));
  EXPECT_EQ(all(slurp(dir / "a.csv"), "(\\n)").size(), 3u);
}

// The self-check: over the conformance vectors, bench's hashes are `hashsieve hash`'s, byte for byte.
TEST(CliBench, HashesOverTheVectorsEqualHashCommand) {
  TempDir dir;
  const std::string images = data_path("pdq-vectors/images");
  const auto b = run_cli("bench " + images + " --list-size 1000 --threads 2 --rounds 1 --warmup 0 --seconds 0 --min-repetitions 1 -q --hashes " +
                         dir / "bench.csv");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto h = run_cli("hash " + images);
  ASSERT_LE(h.exit_code, 1) << h.err;
  ASSERT_FALSE(h.out.empty());
  EXPECT_EQ(slurp(dir / "bench.csv"), h.out);
}

TEST(CliBench, DatabaseListMatchesItsOwnImages) {
  TempDir dir;
  const std::string img = data_path("pdq-vectors/images/photo-astronaut-q85.jpg");
  const auto h = run_cli("hash " + img);
  ASSERT_EQ(h.exit_code, 0);
  const std::string csv = "hash,entry_id\n" + h.out.substr(0, 64) + ",astro\n";
  std::ofstream(dir / "known.csv") << csv;
  const std::string db = " --db " + dir / "db";
  ASSERT_EQ(run_cli("list create known" + db).exit_code, 0);
  ASSERT_EQ(run_cli("list import known " + dir / "known.csv" + db).exit_code, 0);
  const auto r = run_cli("bench " + img + " " + data_path("pdq-vectors/images/photo-astronaut-mirror.jpg") + db +
                         " --lists known --threads 1 --seconds 0 --min-repetitions 1 --json " + dir / "b.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("list:       database"), std::string::npos) << r.out;
  const std::string j = slurp(dir / "b.json");
  EXPECT_NE(j.find("\"kind\":\"database\""), std::string::npos);
  EXPECT_NE(j.find("\"entries\":1"), std::string::npos);
  EXPECT_NE(j.find("\"matched_per_corpus_round\":2"), std::string::npos) << j;  // the mirror matches too
}

TEST(CliBench, UsageErrors) {
  EXPECT_EQ(run_cli("bench --threads 0").exit_code, 2);
  EXPECT_EQ(run_cli("bench --threads 1,x").exit_code, 2);
  EXPECT_EQ(run_cli("bench --mp-range 5-1").exit_code, 2);
  EXPECT_EQ(run_cli("bench --bogus").exit_code, 2);
  TempDir dir;
  const auto no_db = run_cli("bench --db " + dir / "missing --seconds 0 --corpus-images 1 --mp-range 0.05-0.05");
  EXPECT_EQ(no_db.exit_code, 2);
  // Opened like every other command's database, with its message.
  EXPECT_NE(no_db.err.find("hashsieve bench: cannot open database " + dir / "missing"), std::string::npos) << no_db.err;
  EXPECT_EQ(run_cli("bench " + dir / "missing.jpg").exit_code, 2);
  const auto help = run_cli("bench --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--list-size"), std::string::npos);
}

// ---- the HTML page in a real browser -----------------------------------------------------------

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  return "";
}

std::string chromium_cmd(const std::string& browser, const TempDir& dir, const std::string& action) {
  return browser + " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
                   " --disable-component-update --disable-sync --user-data-dir=" + dir / "profile" + " " + action;
}

TEST(CliBench, HtmlPageRendersInHeadlessChromiumWithTheJsonNumbers) {
  const std::string browser = find_chromium();
  if (browser.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium): HTML page not rendered";
  TempDir dir;
  const auto r = run_cli(kTiny + " --threads 1,2 -q --json " + dir / "b.json" + " --html " + dir / "b.html");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string j = slurp(dir / "b.json"), html = slurp(dir / "b.html");
  // Self-contained: nothing fetched from anywhere.
  for (const char* bad : {"http://", "https://", "src=", "<link", "@import"}) {
    std::string h = html;
    h = std::regex_replace(h, std::regex("xmlns=\"http://www.w3.org/2000/svg\""), "");
    EXPECT_EQ(h.find(bad), std::string::npos) << bad;
  }
  const std::string url = "file://" + dir / "b.html";
  const int rc = std::system((chromium_cmd(browser, dir, "--dump-dom " + url) + " >" + dir / "dom.html" + " 2>" +
                              dir / "chromium.log").c_str());
  ASSERT_EQ(rc, 0) << slurp(dir / "chromium.log");
  const std::string dom = slurp(dir / "dom.html");
  ASSERT_NE(dom.find("<svg id=\"plot-throughput\""), std::string::npos) << dom.substr(0, 2000);
  ASSERT_NE(dom.find("<svg id=\"plot-stages\""), std::string::npos);
  ASSERT_NE(dom.find("<svg id=\"plot-latency\""), std::string::npos);

  // images/s vs threads: the bars carry the JSON's medians and spreads.
  const auto json_ips = all(j, "\"images_per_second\":\\{(\"median\":[^,]+,\"min\":[^,]+,\"max\":[^}]+)\\}");
  const auto dom_ips = all(dom, "data-images-per-second=\"([^\"]+)\"");
  const auto dom_min = all(dom, "class=\"bar\"[^>]*data-min=\"([^\"]+)\"");
  ASSERT_EQ(json_ips.size(), 2u);
  ASSERT_EQ(dom_ips.size(), 2u);
  ASSERT_EQ(dom_min.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(json_ips[i].substr(0, json_ips[i].find(',')), "\"median\":" + dom_ips[i]);
    EXPECT_NE(json_ips[i].find("\"min\":" + dom_min[i] + ","), std::string::npos);
  }
  EXPECT_EQ(all(dom, "class=\"bar\" data-threads=\"(\\d+)\""), (std::vector<std::string>{"1", "2"}));
  // Time share per stage: one segment per stage and thread count, the JSON's median shares.
  const auto json_share = all(j, "\"share\":\\{\"median\":([^,]+),");
  const auto dom_share = all(dom, "data-share=\"([^\"]+)\"");
  EXPECT_EQ(json_share.size(), 10u);
  EXPECT_EQ(dom_share, json_share);
  // Latency distribution: percentiles and histogram counts from the JSON.
  const auto json_p50 = all(j, "\"p50\":\\{\"median\":([^,]+),");
  EXPECT_EQ(all(dom, "data-p50=\"([^\"]+)\""), json_p50);
  const auto json_counts = all(j, "\"counts\":\\[([0-9,]+)\\]");
  ASSERT_EQ(json_counts.size(), 2u);
  const auto dom_counts = all(dom, "class=\"bin\" data-count=\"(\\d+)\"");
  std::string joined;
  for (size_t i = 0; i < dom_counts.size(); ++i) joined += (i % 24 ? "," : "|") + dom_counts[i];
  EXPECT_EQ(joined, "|" + json_counts[0] + "|" + json_counts[1]);
  // Conditions travel with the figures.
  EXPECT_NE(dom.find("data-threads=\"1,2\""), std::string::npos);
  EXPECT_NE(dom.find("warm-up pass(es) per thread count excluded"), std::string::npos);

  // And it paints: a real screenshot of a non-trivial size.
  const std::string png = dir / "page.png";
  ASSERT_EQ(std::system((chromium_cmd(browser, dir, "--screenshot=" + png + " --window-size=1200,1600 " + url) +
                         " >/dev/null 2>>" + dir / "chromium.log").c_str()),
            0);
  const std::string bytes = slurp(png);
  ASSERT_GT(bytes.size(), 20000u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace hashsieve::testing
