// Options shared by the commands that read images (hash, scan): inputs, threads, kernels,
// flavour, limits and verbosity. Parsed in one place so both commands mean the same by them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hashsieve/pdq.h"
#include "tools/arg_reader.h"

namespace hashsieve::cli {

struct ImageJobOptions {
  std::vector<std::string> paths;
  std::string files_from;
  bool nul = false, quiet = false, verbose = false;
  int threads = 0;
  SimdLevel simd = SimdLevel::kAuto;
  PdqFlavor flavor = PdqFlavor::kFullRes;
  uint64_t max_pixels = 0;  // 0: the library default
};

enum class OptionTake { kNotMine, kTaken, kBad };

// Consumes the next argument when it is a shared option or a path; `error` on kBad.
OptionTake take_image_job_option(ArgReader& a, ImageJobOptions& o, std::string& error);

// After parsing: an error message when the job has no input, else "".
std::string missing_input_error(const ImageJobOptions& o);

}  // namespace hashsieve::cli
