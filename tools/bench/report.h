// What a benchmark run prints and writes: text for the terminal, JSON, and one self-contained
// HTML page with inline SVG plots. Every figure travels with its conditions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tools/bench/corpus.h"
#include "tools/bench/runner.h"

namespace hashsieve::bench {

inline constexpr const char* kSchema = "hashsieve-bench/1";

struct BenchConditions {
  std::string version;
  std::string simd;
  std::string cpu;
  int hardware_threads = 0;
  std::string load_average;       // /proc/loadavg 1/5/15 min at the start: other work on the machine
  std::vector<int> threads;
  std::string decode;             // "exact" or "fast_jpeg"
  bool dihedral = true;
  bool include_io = false;
  double seconds = 0;             // measuring time per thread count
  int warmup_passes = 1;
  int rounds = 0;                 // corpus rounds per pass; 0: 2 x threads
  int min_repetitions = 3;
  std::string corpus_kind;        // "synthetic" or "files"
  uint64_t corpus_seed = 0;       // synthetic only
  std::string list_kind;          // "synthetic" or "database"
  std::string database;           // database only
  std::vector<std::string> lists; // names of the lists matched
  size_t list_entries = 0;
  uint64_t list_seed = 0;         // synthetic only
  std::string index_kind;         // "multi_index" or "flat"
  double list_build_seconds = 0;
  int radius = 31;                // synthetic list; a database: each list's own unless --radius
};

struct BenchReport {
  BenchConditions conditions;
  const std::vector<CorpusImage>* corpus = nullptr;
  const BenchResult* result = nullptr;
};

std::string format_text(const BenchReport& report);
std::string format_json(const BenchReport& report);
std::string format_html(const BenchReport& report);

// A number as written in the JSON and in the HTML's data- attributes (same text in both).
std::string num(double v);

// Latency histogram shared by the JSON and the plot: `bins` equal bins from 0 to the largest
// sample of any run.
struct Histogram {
  double bin_ms = 0;
  std::vector<uint64_t> counts;
};
Histogram latency_histogram(const std::vector<double>& samples_ms, double max_ms, int bins);

}  // namespace hashsieve::bench
