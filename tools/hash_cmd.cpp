// `hashsieve hash`: PDQ hashes of image files, one line each, in input order.
#include <cstdio>
#include <string>
#include <vector>

#include "hashsieve/hash_files.h"
#include "hashsieve/text_quote.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"
#include "tools/image_job_options.h"
#include "tools/input_paths.h"

namespace hashsieve::cli {
namespace {

constexpr const char* kUsage = R"(usage: hashsieve hash [options] PATH...

Computes PDQ hashes of image files and directories (walked recursively, in sorted order).
Output on stdout, one line per image, in input order; failures go to stderr as "path: reason".

options:
  --files-from FILE   also read paths from FILE, one a line ("-" = stdin)
  -0, --null          paths in --files-from are NUL-separated
  --format csv|jsonl  csv (default): hash,quality,path; jsonl: {"path","pdq","quality","width","height"}
  --dihedral          all eight dihedral hashes: orig,rot90,rot180,rot270,flipx,flipy,flipp,flipm,quality,path
  --flavor fullres|cli512   fullres (default, what hash lists hold) or the reference CLI's 512x512 squash
  --threads N         worker threads (default: all cores)
  --simd auto|scalar|avx2   kernels to use (default auto; env HASHSIEVE_SIMD overrides auto)
  --max-pixels N      refuse larger images before decoding (default 100000000)
  -q, --quiet         no per-item diagnostics on stderr
  -v, --verbose       also a summary on stderr

exit status: 0 all hashed, 1 some items failed, 2 usage error
)";

struct Options {
  ImageJobOptions job;
  bool jsonl = false, dihedral = false;
};

int usage_error(const std::string& msg) { return report_usage_error("hash", msg); }

// Returns -1 when parsed, else the exit status to return.
int parse(int argc, char** argv, Options& o) {
  ArgReader a(argc, argv);
  std::string v, err;
  while (!a.done()) {
    if (a.option("--help") || a.option("-h")) {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    switch (take_image_job_option(a, o.job, err)) {
      case OptionTake::kTaken: continue;
      case OptionTake::kBad: return usage_error(err);
      case OptionTake::kNotMine: break;
    }
    if (a.option("--format")) {
      if (!a.value(v) || (v != "csv" && v != "jsonl")) return usage_error("--format takes csv or jsonl");
      o.jsonl = v == "jsonl";
    } else if (a.option("--dihedral")) {
      o.dihedral = true;
    } else {
      return usage_error(std::string("unknown option ") + a.current());
    }
  }
  if (std::string e = missing_input_error(o.job); !e.empty()) return usage_error(e);
  return -1;
}

void print_result(const Options& o, const HashedFile& f) {
  const int q = f.pdq.quality;
  if (o.jsonl) {
    std::string line = "{\"path\":" + json_quote(f.path) + ",\"pdq\":\"" + to_hex(f.pdq.hash) +
                       "\",\"quality\":" + std::to_string(q) + ",\"width\":" + std::to_string(f.width) +
                       ",\"height\":" + std::to_string(f.height);
    if (f.pdq.has_dihedral) {
      line += ",\"dihedral\":{";
      for (int d = 0; d < kDihedralCount; ++d) {
        line += std::string(d ? "," : "") + "\"" + dihedral_name(Dihedral(d)) + "\":\"" + to_hex(f.pdq.dihedral[d]) + "\"";
      }
      line += "}";
    }
    line += "}\n";
    std::fputs(line.c_str(), stdout);
    return;
  }
  std::string line;
  if (f.pdq.has_dihedral) {
    for (const auto& h : f.pdq.dihedral) line += to_hex(h) + ",";
  } else {
    line = to_hex(f.pdq.hash) + ",";
  }
  line += std::to_string(q) + "," + csv_field(f.path) + "\n";
  std::fputs(line.c_str(), stdout);
}

}  // namespace

int run_hash(int argc, char** argv) {
  Options o;
  if (int rc = parse(argc, argv, o); rc >= 0) return rc;

  HashFilesOptions run;
  run.pdq.flavor = o.job.flavor;
  run.pdq.simd = o.job.simd;
  run.pdq.dihedral = o.dihedral;
  run.threads = o.job.threads;
  if (o.job.max_pixels) run.limits.max_pixels = o.job.max_pixels;
  InputPaths inputs(o.job.paths, o.job.files_from, o.job.nul);
  uint64_t ok = 0, failed = 0;
  auto next = [&](FileInput& in) {
    std::string err;
    if (!inputs.next(in.path, err)) return false;
    if (!err.empty()) in.error = Status(StatusCode::kIoError, err);
    return true;
  };
  auto sink = [&](const HashedFile& f) {
    if (!f.status.ok()) {
      ++failed;
      if (!o.job.quiet) std::fprintf(stderr, "%s: %s\n", f.path.c_str(), f.status.to_string().c_str());
      return;
    }
    ++ok;
    print_result(o, f);
  };
  Status st = hash_files(next, sink, run);
  std::fflush(stdout);
  if (!st.ok()) {
    std::fprintf(stderr, "hashsieve hash: %s\n", st.to_string().c_str());
    return kExitUsage;
  }
  if (o.job.verbose) std::fprintf(stderr, "hashed %llu, failed %llu\n", (unsigned long long)ok, (unsigned long long)failed);
  return failed ? kExitPartial : kExitOk;
}

}  // namespace hashsieve::cli
