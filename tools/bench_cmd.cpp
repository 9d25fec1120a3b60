// `hashsieve bench`: detection throughput of the real scan pipeline, with its conditions.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <memory>
#include <vector>

#include "hashsieve/cores.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"
#include "hashsieve/text_quote.h"
#include "hashsieve/version.h"
#include "tools/db_options.h"
#include "tools/store_open.h"
#include "tools/image_job_options.h"
#include "tools/path_text.h"
#include "tools/bench/corpus.h"
#include "tools/bench/report.h"
#include "tools/bench/runner.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"
#include "tools/input_paths.h"

namespace hashsieve::cli {
namespace {

struct Options {
  std::vector<std::string> paths;
  DbOptions db;
  std::string json_file, html_file, hashes_file;
  bool use_db = false, quiet = false;
  std::vector<std::string> lists;
  size_t list_size = 1'000'000;
  uint64_t list_seed = 1;
  bench::SyntheticCorpusOptions corpus;
  bench::BenchConfig config;
  bool threads_given = false;
};

int fail(const std::string& msg) {
  std::fprintf(stderr, "hashsieve bench: %s\n", msg.c_str());
  return kExitError;
}

bool parse_double(const std::string& s, double lo, double hi, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end || !(v >= lo && v <= hi)) return false;
  out = v;
  return true;
}

void declare_options(CLI::App& app, Options& o) {
  app.add_option("PATH", o.paths, "images to measure (files, directories walked recursively); none: a synthetic corpus");
  auto* corpus = "corpus";
  app.add_flag("--include-io", o.config.include_io, "read the files from disk on every pass (default: held in memory)")
      ->group(corpus);
  app.add_option("--seed", o.corpus.seed, "synthetic corpus seed (default 1)")
      ->check(in_range(0, 2'000'000'000))
      ->type_name("N")
      ->group(corpus);
  app.add_option("--corpus-images", o.corpus.images, "synthetic corpus size (default 12)")
      ->check(in_range(1, 10000))
      ->type_name("N")
      ->group(corpus);
  app.add_option_function<std::string>(
         "--mp-range",
         [&o](const std::string& v) {
           const size_t dash = v.find('-');
           if (dash == std::string::npos || !parse_double(v.substr(0, dash), 0.0001, 100, o.corpus.min_mp) ||
               !parse_double(v.substr(dash + 1), o.corpus.min_mp, 100, o.corpus.max_mp))
             throw CLI::ValidationError("--mp-range", "takes MIN-MAX megapixels, e.g. 0.3-12");
         },
         "synthetic image sizes in megapixels (default 0.3-12)")
      ->type_name("MIN-MAX")
      ->group(corpus);
  auto* list = "list";
  app.add_option("--list-size", o.list_size, "synthetic list of N random hashes built in memory (default 1000000)")
      ->check(in_range(0, 1'000'000'000))
      ->type_name("N")
      ->group(list);
  app.add_option("--list-seed", o.list_seed, "its seed (default 1)")
      ->check(in_range(0, 2'000'000'000))
      ->type_name("N")
      ->group(list);
  add_db_options(app, o.db);
  app.get_option("--db")->description("match against this database instead (all lists, or --lists)")->group(list);
  app.add_option_function<std::string>(
         "--lists", [&o](const std::string& v) { o.lists = split_names(v, "--lists"); },
         "lists of the database to match (implies --db, default ./hashsieve.db)")
      ->type_name("A,B")
      ->group(list);
  app.add_option("--radius", o.config.scan.radius,
                 "match radius 0..256 (default: 31 for the synthetic list, each list's own)")
      ->check(in_range(0, 256))
      ->type_name("R")
      ->group(list);
  auto* run = "run";
  app.add_option_function<std::string>(
         "--threads",
         [&o](const std::string& v) {
           o.config.threads.clear();
           for (const auto& t : split_names(v, "--threads")) {
             int n = 0;
             if (!CLI::detail::lexical_cast(t, n) || n < 1 || n > 1024)
               throw CLI::ValidationError("--threads", "takes numbers from 1 to 1024, e.g. 1,2,4");
             o.config.threads.push_back(n);
           }
           o.threads_given = true;
         },
         "thread counts to measure (default: 1 and all cores)")
      ->type_name("1,2,...")
      ->group(run);
  app.add_option_function<std::string>(
         "--seconds",
         [&o](const std::string& v) {
           if (!parse_double(v, 0, 86400, o.config.seconds)) throw CLI::ValidationError("--seconds", "takes a duration");
         },
         "measuring time per thread count (default 10)")
      ->type_name("S")
      ->group(run);
  app.add_option("--min-repetitions", o.config.min_repetitions, "at least this many measured passes per thread count (default 3)")
      ->check(in_range(1, 100000))
      ->type_name("N")
      ->group(run);
  app.add_option("--warmup", o.config.warmup_passes, "warm-up passes per thread count, excluded (default 1)")
      ->check(in_range(0, 1000))
      ->type_name("N")
      ->group(run);
  app.add_option("--rounds", o.config.rounds, "times over the corpus in one pass (default 2 x threads, so threads stay busy)")
      ->check(in_range(1, 100000))
      ->type_name("N")
      ->group(run);
  app.add_flag_callback("--fast", [&o] { o.config.scan.decode = DecodeMode::kFastJpeg; },
                        "hash large JPEGs from luma block means, as scan --fast")
      ->group(run);
  app.add_flag_callback("--no-dihedral", [&o] { o.config.scan.dihedral = false; }, "hash and match the image as uploaded only")
      ->group(run);
  add_simd_option(app, o.config.scan.simd);
  app.get_option("--simd")->group(run);
  auto* output = "output";
  app.add_option("--json", o.json_file, "all figures, machine-readable (schema: see docs/bench.md)")
      ->type_name("FILE")
      ->group(output);
  app.add_option("--html", o.html_file, "one self-contained page with plots")->type_name("FILE")->group(output);
  app.add_option("--hashes", o.hashes_file, "each image's hash as `hashsieve hash` prints it (hash,quality,path)")
      ->type_name("FILE")
      ->group(output);
  app.add_flag("-q,--quiet", o.quiet, "no text report on stdout")->group(output);
}

void finish_options(const CLI::App& app, Options& o) {
  o.use_db = app.count("--db") > 0 || !o.lists.empty();
  if (!o.threads_given) {
    const int hw = int(usable_cores());  // the affinity mask's cores, as the engine's defaults
    o.config.threads = hw > 1 ? std::vector<int>{1, hw} : std::vector<int>{1};
  }
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "unknown";
}

// The 1, 5 and 15 minute load averages: how busy the machine was with other work.
std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  if (!(f >> a >> b >> c)) return "unknown";
  return a + " " + b + " " + c;
}

// Created 0600 like every report (the hashes file holds the corpus's hashes and paths).
bool write_file(const std::string& path, const std::string& text) {
  std::FILE* f = open_private_file(path, "wb");
  const bool written = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (!(f && std::fclose(f) == 0 && written)) {
    std::fprintf(stderr, "hashsieve bench: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}


int run(const CLI::App& app, Options& o) {
  finish_options(app, o);
  using Clock = std::chrono::steady_clock;

  const std::string load_at_start = load_average();
  // The corpus, in memory.
  std::vector<bench::CorpusImage> corpus;
  std::string temp_dir;
  if (!o.paths.empty()) {
    InputPaths inputs(o.paths, "", false);
    InputItem item;
    while (inputs.next(item)) {
      if (!item.error.ok()) return fail(escape_path(item.path) + ": " + item.error.to_string());
      bench::CorpusImage img;
      img.path = item.path;
      auto bytes = bench::read_corpus_file(item.path, o.config.scan.limits.max_bytes);
      if (!bytes.ok()) return fail(escape_path(item.path) + ": " + bytes.status().to_string());
      img.bytes = std::move(*bytes);
      bench::describe_image(img);
      corpus.push_back(std::move(img));
    }
    if (corpus.empty()) return fail("no images found");
  } else {
    if (!o.quiet) std::fprintf(stderr, "generating %d synthetic images (seed %llu)...\n", o.corpus.images,
                                (unsigned long long)o.corpus.seed);
    corpus = bench::generate_synthetic_corpus(o.corpus);
    if (o.config.include_io) {
      char tmpl[] = "/tmp/hashsieve-bench-XXXXXX";
      if (!::mkdtemp(tmpl)) return fail("cannot create a temporary directory");
      temp_dir = tmpl;
      if (Status st = bench::write_corpus(corpus, temp_dir); !st.ok()) return fail(st.to_string());
    }
  }

  // The list, in the scanner the bench drives.
  bench::BenchConditions c;
  c.version = version().string;
  const auto t_list = Clock::now();
  std::unique_ptr<HashStore> store;
  Result<std::unique_ptr<Scanner>> scanner = Status(StatusCode::kInvalidArgument, "no list");
  if (o.use_db) {
    store = open_store(o.db, "bench", /*create=*/false, /*read_only=*/true);  // says why on failure
    if (!store) {
      if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
      return kExitError;
    }
    o.config.scan.lists = o.lists;
    scanner = Scanner::Create(*store, o.config.scan);
    c.list_kind = "database";
    c.database = o.db.path;
  } else {
    if (!o.quiet) std::fprintf(stderr, "building a synthetic list of %zu hashes...\n", o.list_size);
    scanner = Scanner::Create(bench::synthetic_list(o.list_size, o.list_seed), o.config.scan);
    c.list_kind = "synthetic";
    c.list_seed = o.list_seed;
    c.radius = o.config.scan.radius >= 0 ? o.config.scan.radius : 31;
  }
  if (!scanner.ok()) return fail("list: " + scanner.status().to_string());
  c.list_build_seconds = std::chrono::duration<double>(Clock::now() - t_list).count();
  const GenerationInfo gen = (*scanner)->generation();
  c.list_entries = gen.entries;
  for (const auto& l : gen.lists) c.lists.push_back(l.first);
  c.index_kind = gen.index_kind == IndexKind::kFlat ? "flat" : "multi_index";

  if (!o.quiet) std::fprintf(stderr, "measuring %zu images at %zu thread count(s), %g s each...\n", corpus.size(),
                              o.config.threads.size(), o.config.seconds);
  auto result = bench::run_bench(corpus, **scanner, o.config);
  if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
  if (!result.ok()) return fail(result.status().to_string());

  c.simd = result->simd;
  c.cpu = cpu_model();
  c.load_average = load_at_start;
  c.hardware_threads = int(std::thread::hardware_concurrency());
  c.threads = o.config.threads;
  c.decode = o.config.scan.decode == DecodeMode::kFastJpeg ? "fast_jpeg" : "exact";
  c.dihedral = o.config.scan.dihedral;
  c.include_io = o.config.include_io;
  c.seconds = o.config.seconds;
  c.warmup_passes = o.config.warmup_passes;
  c.rounds = o.config.rounds;
  c.min_repetitions = o.config.min_repetitions;
  c.corpus_kind = o.paths.empty() ? "synthetic" : "files";
  c.corpus_seed = o.corpus.seed;

  bench::BenchReport rep{c, &corpus, &*result};
  if (!o.quiet) std::fputs(bench::format_text(rep).c_str(), stdout);
  std::fflush(stdout);
  bool ok = true;
  if (!o.json_file.empty()) ok &= write_file(o.json_file, bench::format_json(rep));
  if (!o.html_file.empty()) ok &= write_file(o.html_file, bench::format_html(rep));
  if (!o.hashes_file.empty()) {
    std::string text;
    for (size_t i = 0; i < corpus.size(); ++i) {
      if (!result->statuses[i].ok()) continue;  // as `hashsieve hash`: failures print no hash
      text += to_hex(result->hashes[i]) + "," + std::to_string(result->qualities[i]) + "," + csv_field(escape_path(corpus[i].path)) + "\n";
    }
    ok &= write_file(o.hashes_file, text);
    if (o.config.scan.decode == DecodeMode::kFastJpeg && !o.quiet)
      std::fprintf(stderr, "hashsieve bench: --fast: JPEG hashes in %s are not canonical\n", o.hashes_file.c_str());
  }
  if (!ok) return kExitError;
  if (!result->hashes_consistent) {
    std::fprintf(stderr, "hashsieve bench: hashes differed between passes\n");
    return kExitHashesDiffered;
  }
  return kExitDone;
}

}  // namespace

void add_bench_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<Options>();
  CLI::App* app = add_command(
      root, "bench", "measure detection throughput: stages, images/s, latency, scaling",
      "Measures the scan pipeline (read, decode, PDQ with the eight dihedral hashes, match, report) and prints "
      "per-stage time shares, images/s, megapixels/s, per-image latency p50/p95/p99, peak RSS and the scaling over "
      "thread counts, with the conditions they were measured under. With PATHs, runs over those images, read once "
      "and held in memory; without, over a reproducible synthetic corpus (JPEG and PNG, 0.3 to 12 MP). Each thread "
      "count: warm-up pass(es) not counted, then passes (each 2 x threads times over the corpus, in one pipeline "
      "run) until --seconds have passed (at least --min-repetitions); every figure is the median over passes with "
      "its min-max.",
      kBenchExitHelp);
  declare_options(*app, *o);
  commands.push_back({app, [app, o] { return run(*app, *o); }, &o->paths});
}

}  // namespace hashsieve::cli
