// `hashsieve hash`: PDQ hashes of image files, one line each, in input order.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/hash_files.h"
#include "hashsieve/text_quote.h"
#include "tools/checked_output.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"
#include "tools/image_job_options.h"
#include "tools/input_paths.h"
#include "tools/path_text.h"

namespace hashsieve::cli {
namespace {

struct Options {
  ImageJobOptions job;
  bool jsonl = false, dihedral = false;
};

std::string format_result(const Options& o, const HashedFile& f) {
  const int q = f.pdq.quality;
  const std::string path = escape_path(f.path);
  if (o.jsonl) {
    std::string line = "{\"path\":" + json_quote(path) + ",\"pdq\":\"" + to_hex(f.pdq.hash) +
                       "\",\"quality\":" + std::to_string(q) + ",\"width\":" + std::to_string(f.width) +
                       ",\"height\":" + std::to_string(f.height);
    if (f.pdq.has_dihedral) {
      line += ",\"dihedral\":{";
      for (int d = 0; d < kDihedralCount; ++d) {
        line += std::string(d ? "," : "") + "\"" + dihedral_name(Dihedral(d)) + "\":\"" + to_hex(f.pdq.dihedral[d]) + "\"";
      }
      line += "}";
    }
    return line + "}\n";
  }
  std::string line;
  if (f.pdq.has_dihedral) {
    for (const auto& h : f.pdq.dihedral) line += to_hex(h) + ",";
  } else {
    line = to_hex(f.pdq.hash) + ",";
  }
  return line + std::to_string(q) + "," + csv_field(path) + "\n";
}

int run(const Options& o) {
  require_input(o.job);
  HashFilesOptions run;
  run.pdq.flavor = o.job.flavor;
  run.pdq.simd = o.job.simd;
  run.pdq.dihedral = o.dihedral;
  run.threads = o.job.threads;
  if (o.job.max_pixels) run.limits.max_pixels = o.job.max_pixels;
  InputPaths inputs(o.job.paths, o.job.files_from, o.job.nul);
  CheckedOutput out(stdout, "stdout");
  uint64_t ok = 0, failed = 0;
  auto next = [&](FileInput& in) {
    if (out.failed()) return false;  // stop reading input: the output is gone
    InputItem item;
    if (!inputs.next(item)) return false;
    in.path = std::move(item.path);
    in.error = std::move(item.error);
    return true;
  };
  auto sink = [&](const HashedFile& f) {
    if (!f.status.ok()) {
      ++failed;
      if (!o.job.quiet) std::fprintf(stderr, "%s: %s\n", escape_path(f.path).c_str(), f.status.to_string().c_str());
      return;
    }
    ++ok;
    out.write(format_result(o, f));
  };
  Status st = hash_files(next, sink, run);
  out.flush();
  if (!st.ok()) {
    std::fprintf(stderr, "hashsieve hash: %s\n", st.to_string().c_str());
    return kExitError;
  }
  if (out.failed()) {
    std::fprintf(stderr, "hashsieve hash: %s\n", out.error().c_str());
    return kExitError;
  }
  if (o.job.verbose) std::fprintf(stderr, "hashed %llu, failed %llu\n", (unsigned long long)ok, (unsigned long long)failed);
  if (ok + failed == 0) {
    std::fprintf(stderr, "hashsieve hash: no input found: the paths and lists given hold no files\n");
    return kExitError;
  }
  return failed ? kExitSomeNotHashed : kExitAllHashed;
}

}  // namespace

void add_hash_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<Options>();
  CLI::App* app = add_command(root, "hash", "compute PDQ hashes of image files",
                              "Hashes files and directories (walked recursively, in sorted order). One line per image on "
                              "stdout, in input order; an item that cannot be hashed goes to stderr as \"path: code: "
                              "reason\" (decode_failed, image_too_small, image_too_large, io_error; unsupported for a "
                              "special file, skipped unopened) and never prints a hash. Paths are printed with \\ as \\\\ "
                              "and control or non-UTF-8 bytes as \\xHH.",
                              kHashExitHelp);
  add_image_job_options(*app, o->job);
  app->add_option_function<std::string>(
         "--format", [o](const std::string& v) { o->jsonl = v == "jsonl"; },
         "csv (default): hash,quality,path; jsonl: {\"path\",\"pdq\",\"quality\",\"width\",\"height\"}")
      ->check(one_of({"csv", "jsonl"}))
      ->type_name("FORMAT");
  app->add_flag("--dihedral", o->dihedral,
                "the eight dihedral hashes: orig,rot90,rot180,rot270,flipx,flipy,flipp,flipm,quality,path "
                "(jsonl: a \"dihedral\" object)");
  commands.push_back({app, [o] { return run(*o); }, &o->job.paths});
}

}  // namespace hashsieve::cli
