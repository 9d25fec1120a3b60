// `hashsieve <command> ...`: dispatches to one subcommand per file.
#include <cstdio>
#include <cstring>

#include "tools/commands.h"
#include "tools/exit_codes.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

int run_version(int, char**) {
  std::printf("hashsieve 0.1.0\n");
  return hashsieve::cli::kExitOk;
}

constexpr Command kCommands[] = {
    {"hash", hashsieve::cli::run_hash, "compute PDQ hashes of image files"},
    {"scan", hashsieve::cli::run_scan, "scan images against the hash lists and report matches"},
    {"version", run_version, "print the version"},
    {"list", hashsieve::cli::run_list, "manage hash lists: create, import, export, withdraw, drop, stats"},
    {"db", hashsieve::cli::run_db, "database maintenance: checkpoint"},
    {"match", hashsieve::cli::run_match, "match hashes against the lists; JSONL out"},
    {"bench", hashsieve::cli::run_bench, "measure detection throughput: stages, images/s, latency, scaling"},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: hashsieve <command> [options]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\n`hashsieve <command> --help` describes a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return hashsieve::cli::kExitUsage;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    print_usage(stdout);
    return hashsieve::cli::kExitOk;
  }
  if (!std::strcmp(argv[1], "--version")) return run_version(0, nullptr);
  for (const auto& c : kCommands)
    if (!std::strcmp(argv[1], c.name)) return c.run(argc - 1, argv + 1);
  std::fprintf(stderr, "hashsieve: unknown command '%s'\n", argv[1]);
  print_usage(stderr);
  return hashsieve::cli::kExitUsage;
}
