// `hashsieve bench`: detection throughput of the real scan pipeline, with its conditions.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/file_bytes.h"
#include "engine/index_generation.h"
#include "common/text_escape.h"
#include "hashsieve/hash_store.h"
#include "tools/arg_reader.h"
#include "tools/bench/corpus.h"
#include "tools/bench/report.h"
#include "tools/bench/runner.h"
#include "tools/commands.h"
#include "tools/store_open.h"
#include "tools/exit_codes.h"
#include "tools/input_paths.h"

namespace hashsieve::cli {
namespace {

constexpr const char* kUsage = R"(usage: hashsieve bench [options] [PATH...]

Measures the scan pipeline (read, decode, PDQ with the eight dihedral hashes, match, report) and
prints per-stage time shares, images/s, megapixels/s, per-image latency p50/p95/p99, peak RSS and
the scaling over thread counts, with the conditions they were measured under.

With PATHs (files, directories walked recursively), runs over those images, read once and held in
memory. Without, generates a reproducible synthetic corpus (JPEG and PNG, 0.3 to 12 MP).
Each thread count: warm-up pass(es) not counted, then passes (each 2 x threads times over the
corpus, in one pipeline run) until --seconds have
passed (at least --min-repetitions); every figure is the median over passes with its min-max.

corpus:
  --include-io         read the files from disk on every pass (default: held in memory)
  --seed N             synthetic corpus seed (default 1)
  --corpus-images N    synthetic corpus size (default 12)
  --mp-range MIN-MAX   synthetic image sizes in megapixels (default 0.3-12)
list:
  --list-size N        synthetic list of N random hashes built in memory (default 1000000)
  --list-seed N        its seed (default 1)
  --db DIR             match against this database instead (all lists, or --lists)
  --lists A,B          lists of the database to match (implies --db, default ./hashsieve.db)
  --radius R           match radius 0..256 (default: 31 for the synthetic list, each list's own)
run:
  --threads 1,2,...    thread counts to measure (default: 1 and all cores)
  --seconds S          measuring time per thread count (default 10)
  --min-repetitions N  at least this many measured passes per thread count (default 3)
  --warmup N           warm-up passes per thread count, excluded (default 1)
  --rounds N           times over the corpus in one pass (default 2 x threads, so threads stay busy)
  --fast               hash large JPEGs from luma block means, as scan --fast
  --no-dihedral        hash and match the image as uploaded only
  --simd auto|scalar|avx2
output:
  --json FILE          all figures, machine-readable (schema: see docs/bench.md)
  --html FILE          one self-contained page with plots
  --hashes FILE        each image's hash as `hashsieve hash` prints it (hash,quality,path)
  -q, --quiet          no text report on stdout

exit status: 0 done, 1 hashes differed between passes, 2 usage or setup error
)";

struct Options {
  std::vector<std::string> paths;
  std::string db, json_file, html_file, hashes_file;
  bool use_db = false, quiet = false;
  std::vector<std::string> lists;
  size_t list_size = 1'000'000;
  uint64_t list_seed = 1;
  bench::SyntheticCorpusOptions corpus;
  bench::BenchConfig config;
  bool threads_given = false;
};

int usage_error(const std::string& msg) { return report_usage_error("bench", msg); }

bool parse_double(const std::string& s, double lo, double hi, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end || !(v >= lo && v <= hi)) return false;
  out = v;
  return true;
}

int parse(int argc, char** argv, Options& o) {
  ArgReader a(argc, argv);
  std::string v;
  long n;
  while (!a.done()) {
    if (a.option("--help") || a.option("-h")) {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (a.option("--include-io")) {
      o.config.include_io = true;
    } else if (a.option("--seed")) {
      if (!a.value(v) || !parse_int(v, 0, 2'000'000'000L, n)) return usage_error("--seed takes a number");
      o.corpus.seed = uint64_t(n);
    } else if (a.option("--corpus-images")) {
      if (!a.value(v) || !parse_int(v, 1, 10000, n)) return usage_error("--corpus-images takes 1..10000");
      o.corpus.images = int(n);
    } else if (a.option("--mp-range")) {
      const size_t dash = a.value(v) ? v.find('-') : std::string::npos;
      if (dash == std::string::npos || !parse_double(v.substr(0, dash), 0.0001, 100, o.corpus.min_mp) ||
          !parse_double(v.substr(dash + 1), o.corpus.min_mp, 100, o.corpus.max_mp))
        return usage_error("--mp-range takes MIN-MAX megapixels, e.g. 0.3-12");
    } else if (a.option("--list-size")) {
      if (!a.value(v) || !parse_int(v, 0, 1'000'000'000L, n)) return usage_error("--list-size takes a number");
      o.list_size = size_t(n);
    } else if (a.option("--list-seed")) {
      if (!a.value(v) || !parse_int(v, 0, 2'000'000'000L, n)) return usage_error("--list-seed takes a number");
      o.list_seed = uint64_t(n);
    } else if (a.option("--db")) {
      if (!a.value(o.db)) return usage_error("--db needs a directory");
      o.use_db = true;
    } else if (a.option("--lists")) {
      if (!a.value(v) || v.empty()) return usage_error("--lists needs names");
      o.lists = split_commas(v);
      o.use_db = true;
    } else if (a.option("--radius")) {
      if (!a.value(v) || !parse_int(v, 0, 256, n)) return usage_error("--radius takes 0..256");
      o.config.scan.radius = int(n);
    } else if (a.option("--threads")) {
      if (!a.value(v)) return usage_error("--threads takes a list such as 1,2,4");
      o.config.threads.clear();
      for (const auto& t : split_commas(v)) {
        if (!parse_int(t, 1, 1024, n)) return usage_error("--threads takes numbers from 1 to 1024, e.g. 1,2,4");
        o.config.threads.push_back(int(n));
      }
      o.threads_given = true;
    } else if (a.option("--seconds")) {
      if (!a.value(v) || !parse_double(v, 0, 86400, o.config.seconds)) return usage_error("--seconds takes a duration");
    } else if (a.option("--min-repetitions")) {
      if (!a.value(v) || !parse_int(v, 1, 100000, n)) return usage_error("--min-repetitions takes 1..100000");
      o.config.min_repetitions = int(n);
    } else if (a.option("--warmup")) {
      if (!a.value(v) || !parse_int(v, 0, 1000, n)) return usage_error("--warmup takes 0..1000");
      o.config.warmup_passes = int(n);
    } else if (a.option("--rounds")) {
      if (!a.value(v) || !parse_int(v, 1, 100000, n)) return usage_error("--rounds takes 1..100000");
      o.config.rounds = int(n);
    } else if (a.option("--fast")) {
      o.config.scan.decode = DecodeMode::kFastJpeg;
    } else if (a.option("--no-dihedral")) {
      o.config.scan.dihedral = false;
    } else if (a.option("--simd")) {
      auto level = a.value(v) ? parse_simd_level(v) : parse_simd_level("");
      if (!level.ok()) return usage_error(level.status().message());
      o.config.scan.simd = *level;
    } else if (a.option("--json")) {
      if (!a.value(o.json_file)) return usage_error("--json needs a file");
    } else if (a.option("--html")) {
      if (!a.value(o.html_file)) return usage_error("--html needs a file");
    } else if (a.option("--hashes")) {
      if (!a.value(o.hashes_file)) return usage_error("--hashes needs a file");
    } else if (a.option("-q") || a.option("--quiet")) {
      o.quiet = true;
    } else if (a.positional(v)) {
      o.paths.push_back(v);
    } else {
      return usage_error(std::string("unknown option ") + a.current());
    }
  }
  if (o.use_db && o.db.empty()) o.db = "./hashsieve.db";
  if (!o.threads_given) {
    const int hw = int(std::max(1u, std::thread::hardware_concurrency()));
    o.config.threads = hw > 1 ? std::vector<int>{1, hw} : std::vector<int>{1};
  }
  return -1;
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

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) {
    std::fprintf(stderr, "hashsieve bench: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int run_bench(int argc, char** argv) {
  Options o;
  if (int rc = parse(argc, argv, o); rc >= 0) return rc;
  using Clock = std::chrono::steady_clock;

  const std::string load_at_start = load_average();
  // The corpus, in memory.
  std::vector<bench::CorpusImage> corpus;
  std::string temp_dir;
  if (!o.paths.empty()) {
    InputPaths inputs(o.paths, "", false);
    std::string path, err;
    while (inputs.next(path, err)) {
      if (!err.empty()) return usage_error(err);
      bench::CorpusImage img;
      img.path = path;
      auto bytes = read_file_bytes(path, o.config.scan.limits.max_bytes);
      if (!bytes.ok()) return usage_error(path + ": " + bytes.status().to_string());
      img.bytes = std::move(*bytes);
      bench::describe_image(img);
      corpus.push_back(std::move(img));
    }
    if (corpus.empty()) return usage_error("no images found");
  } else {
    if (!o.quiet) std::fprintf(stderr, "generating %d synthetic images (seed %llu)...\n", o.corpus.images,
                                (unsigned long long)o.corpus.seed);
    corpus = bench::generate_synthetic_corpus(o.corpus);
    if (o.config.include_io) {
      char tmpl[] = "/tmp/hashsieve-bench-XXXXXX";
      if (!::mkdtemp(tmpl)) return usage_error("cannot create a temporary directory");
      temp_dir = tmpl;
      if (Status st = bench::write_corpus(corpus, temp_dir); !st.ok()) return usage_error(st.to_string());
    }
  }

  // The list.
  bench::BenchConditions c;
  c.version = "0.1.0";
  const auto t_list = Clock::now();
  std::unique_ptr<HashStore> store;
  Result<std::shared_ptr<const IndexGeneration>> gen = Status(StatusCode::kInvalidArgument, "no list");
  if (o.use_db) {
    StoreOptions so;
    so.read_only = true;
    so.create_if_missing = false;
    so.key_file = store_key_file("");  // an encrypted store: HASHSIEVE_KEY_FILE
    auto opened = HashStore::Open(o.db, so);
    if (!opened.ok()) return usage_error(o.db + ": " + opened.status().to_string());
    store = std::move(*opened);
    o.config.scan.lists = o.lists;
    gen = build_generation(*store, o.config.scan, 1);
    c.list_kind = "database";
    c.database = o.db;
  } else {
    if (!o.quiet) std::fprintf(stderr, "building a synthetic list of %zu hashes...\n", o.list_size);
    gen = build_generation(bench::synthetic_list(o.list_size, o.list_seed), o.config.scan, 1);
    c.list_kind = "synthetic";
    c.list_seed = o.list_seed;
    c.radius = o.config.scan.radius >= 0 ? o.config.scan.radius : 31;
  }
  if (!gen.ok()) return usage_error("list: " + gen.status().to_string());
  c.list_build_seconds = std::chrono::duration<double>(Clock::now() - t_list).count();
  c.list_entries = (*gen)->index->size();
  for (const auto& l : (*gen)->index->lists()) c.lists.push_back(l.name);
  c.index_kind = (*gen)->index->kind() == IndexKind::kFlat ? "flat" : "multi_index";

  if (!o.quiet) std::fprintf(stderr, "measuring %zu images at %zu thread count(s), %g s each...\n", corpus.size(),
                              o.config.threads.size(), o.config.seconds);
  auto result = bench::run_bench(corpus, **gen, o.config);
  if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
  if (!result.ok()) return usage_error(result.status().to_string());

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
      text += to_hex(result->hashes[i]) + "," + std::to_string(result->qualities[i]) + "," + csv_field(corpus[i].path) + "\n";
    }
    ok &= write_file(o.hashes_file, text);
    if (o.config.scan.decode == DecodeMode::kFastJpeg && !o.quiet)
      std::fprintf(stderr, "hashsieve bench: --fast: JPEG hashes in %s are not canonical\n", o.hashes_file.c_str());
  }
  if (!ok) return kExitUsage;
  if (!result->hashes_consistent) {
    std::fprintf(stderr, "hashsieve bench: hashes differed between passes\n");
    return kExitPartial;
  }
  return kExitOk;
}

}  // namespace hashsieve::cli
