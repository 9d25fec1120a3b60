// `hashsieve db checkpoint DIR`: a consistent copy of the database for backup or another machine.
#include <cstdio>
#include <cstring>

#include "tools/cli_args.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"

namespace hashsieve::cli {

int run_db(int argc, char** argv) {
  Args a = parse_args(argc, argv, 1, {"--db"}, {"--help", "-h"});
  if (a.has("--help") || a.has("-h")) {
    std::printf("usage: hashsieve db checkpoint DIR [--db PATH]\n"
                "  Writes a consistent copy of the database (default %s) to DIR, which must not exist.\n",
                kDefaultDb);
    return kExitOk;
  }
  if (!a.error.empty() || a.positional.size() != 2 || a.positional[0] != "checkpoint") {
    std::fprintf(stderr, "hashsieve db: %s\nusage: hashsieve db checkpoint DIR [--db PATH]\n",
                 a.error.empty() ? "expected: checkpoint DIR" : a.error.c_str());
    return kExitUsage;
  }
  auto store = open_store(a, "db checkpoint", false, false);
  if (!store) return kExitUsage;
  if (Status s = store->checkpoint(a.positional[1]); !s.ok()) {
    std::fprintf(stderr, "hashsieve db checkpoint: %s\n", s.to_string().c_str());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace hashsieve::cli
