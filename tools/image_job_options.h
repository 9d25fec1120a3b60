// Options shared by the commands that read images (hash, scan): inputs, threads, kernels,
// flavour, limits and verbosity. Declared in one place so both commands mean the same by them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hashsieve/pdq.h"
#include "hashsieve/simd.h"
#include "tools/command_line.h"

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

// Declares PATH... and the shared options on `app`, bound to `o`.
void add_image_job_options(CLI::App& app, ImageJobOptions& o);

// --simd LEVEL, bound to `level` (also used by bench).
void add_simd_option(CLI::App& app, SimdLevel& level);

// After parsing: throws a usage error when the job has no input.
void require_input(const ImageJobOptions& o);

}  // namespace hashsieve::cli
