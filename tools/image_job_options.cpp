#include "tools/image_job_options.h"

namespace hashsieve::cli {

void add_simd_option(CLI::App& app, SimdLevel& level) {
  app.add_option_function<std::string>(
         "--simd",
         [&level](const std::string& v) {
           auto parsed = parse_simd_level(v);
           if (!parsed.ok()) throw CLI::ValidationError("--simd", parsed.status().message());
           level = *parsed;
         },
         "kernels: auto (default: HASHSIEVE_SIMD from the environment when set, else the best the CPU "
         "runs), scalar, avx2")
      ->type_name("LEVEL");
}

void add_image_job_options(CLI::App& app, ImageJobOptions& o) {
  app.add_option("PATH", o.paths, "image files and directories (walked recursively, in sorted order)");
  app.add_option("--files-from", o.files_from,
                 "also read paths from FILE, one a line (\"-\" = stdin); lines over 4096 bytes are rejected")
      ->type_name("FILE");
  app.add_flag("-0,--null", o.nul, "paths in --files-from are NUL-separated");
  app.add_option("--threads", o.threads, "worker threads, 1..1024 (default: all cores)")
      ->check(in_range(1, 1024))
      ->type_name("N");
  add_simd_option(app, o.simd);
  app.add_option_function<std::string>(
         "--flavor", [&o](const std::string& v) { o.flavor = v == "cli512" ? PdqFlavor::kCli512 : PdqFlavor::kFullRes; },
         "fullres (default): hash at the decoded size, as hash lists do; cli512: the reference CLI's 512x512 squash")
      ->check(one_of({"fullres", "cli512"}))
      ->type_name("FLAVOR");
  app.add_option("--max-pixels", o.max_pixels, "refuse images of more pixels (25..4000000000) before decoding (default 100000000)")
      ->check(in_range(25, 4'000'000'000))
      ->type_name("N");
  app.add_flag("-q,--quiet", o.quiet, "no per-item diagnostics on stderr");
  app.add_flag("-v,--verbose", o.verbose, "more on stderr");
}

void require_input(const ImageJobOptions& o) {
  if (o.paths.empty() && o.files_from.empty()) throw CLI::ValidationError("no input: give paths or --files-from");
}

}  // namespace hashsieve::cli
