#include "tools/image_job_options.h"

namespace hashsieve::cli {

OptionTake take_image_job_option(ArgReader& a, ImageJobOptions& o, std::string& error) {
  std::string v;
  long n;
  auto bad = [&](const char* msg) {
    error = msg;
    return OptionTake::kBad;
  };
  if (a.option("--files-from")) {
    if (!a.value(o.files_from)) return bad("--files-from needs a file");
  } else if (a.option("-0") || a.option("--null")) {
    o.nul = true;
  } else if (a.option("--threads")) {
    if (!a.value(v) || !parse_int(v, 1, 1024, n)) return bad("--threads takes a number from 1 to 1024");
    o.threads = int(n);
  } else if (a.option("--simd")) {
    if (!a.value(v)) return bad("--simd needs a level");
    auto level = parse_simd_level(v);
    if (!level.ok()) {
      error = level.status().message();
      return OptionTake::kBad;
    }
    o.simd = *level;
  } else if (a.option("--flavor")) {
    if (!a.value(v) || (v != "fullres" && v != "cli512")) return bad("--flavor takes fullres or cli512");
    o.flavor = v == "cli512" ? PdqFlavor::kCli512 : PdqFlavor::kFullRes;
  } else if (a.option("--max-pixels")) {
    if (!a.value(v) || !parse_int(v, 25, 4'000'000'000L, n)) return bad("--max-pixels takes a number from 25");
    o.max_pixels = uint64_t(n);
  } else if (a.option("-q") || a.option("--quiet")) {
    o.quiet = true;
  } else if (a.option("-v") || a.option("--verbose")) {
    o.verbose = true;
  } else if (a.positional(v)) {
    o.paths.push_back(v);
  } else {
    return OptionTake::kNotMine;
  }
  return OptionTake::kTaken;
}

std::string missing_input_error(const ImageJobOptions& o) {
  return o.paths.empty() && o.files_from.empty() ? "no input: give paths or --files-from" : "";
}

}  // namespace hashsieve::cli
