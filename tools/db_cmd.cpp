// `hashsieve db checkpoint DIR | check | audit`: backup copy, verification, the audit log.
#include <cstdio>
#include <cstring>

#include "tools/cli_args.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"

namespace hashsieve::cli {
namespace {

constexpr const char* kUsage =
    "usage: hashsieve db <action> [--db PATH] [--key-file FILE]\n"
    "  checkpoint DIR [--new-key-file FILE]\n"
    "                   write a consistent copy of the database and its audit log to DIR (which\n"
    "                   must not exist), also while it is in use; --new-key-file encrypts the copy\n"
    "                   with that key (key rotation, or encrypting a plain database)\n"
    "  check            verify checksums, records and list counters\n"
    "  audit            print the audit log as JSONL: {\"time_ms\":...,\"record\":{...}}\n";

}  // namespace

int run_db(int argc, char** argv) {
  Args a = parse_args(argc, argv, 1, {"--db", "--new-key-file"}, {"--help", "-h"});
  if (a.has("--help") || a.has("-h")) {
    std::printf("%s  (default database: %s)\n", kUsage, kDefaultDb);
    return kExitOk;
  }
  const std::string action = a.positional.empty() ? "" : a.positional[0];
  const size_t want = action == "checkpoint" ? 2 : 1;
  if (!a.error.empty() || a.positional.size() != want || (action != "checkpoint" && action != "check" && action != "audit")) {
    std::fprintf(stderr, "hashsieve db: %s\n%s", a.error.empty() ? "expected checkpoint DIR, check or audit" : a.error.c_str(),
                 kUsage);
    return kExitUsage;
  }
  const std::string cmd = "db " + action;
  // Every action reads: none waits for, or stops, a writer (an import) at work.
  auto store = open_store(a, cmd.c_str(), false, true);
  if (!store) return kExitUsage;
  Status s;
  if (action == "checkpoint") {
    s = store->checkpoint(a.positional[1], a.get("--new-key-file"));
  } else if (action == "check") {
    s = store->verify();
    if (s.ok()) std::printf("ok\n");
  } else {
    s = store->for_each_audit([](int64_t t, const std::string& record) {
      std::printf("{\"time_ms\":%lld,\"record\":%s}\n", (long long)t, record.c_str());
      return true;
    });
  }
  if (!s.ok()) {
    std::fprintf(stderr, "hashsieve %s: %s\n", cmd.c_str(), s.to_string().c_str());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace hashsieve::cli
