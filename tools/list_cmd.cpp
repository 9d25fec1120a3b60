// `hashsieve list ...`: create, import, export, withdraw, purge, drop, stats.
#include <cstdio>
#include <ctime>

#include "hashsieve/list_formats.h"
#include "tools/cli_args.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"

namespace hashsieve::cli {
namespace {

constexpr const char* kUsage =
    "usage: hashsieve list <action> [--db PATH] ...\n"
    "  create NAME [--radius R] [--source S]   new list (default radius 31)\n"
    "  import NAME FILE... [--format F]         F: auto (default), hex, csv, tx-csv, tx-export,\n"
    "                                           stopncii, ncmec, tat, jsonl; FILE - is stdin\n"
    "  export NAME [--format csv|jsonl]         every entry, active and withdrawn, to stdout\n"
    "  withdraw NAME ID...                      mark entries withdrawn (they stop matching)\n"
    "  purge NAME                               delete withdrawn entries for good\n"
    "  drop NAME                                delete the list and its entries\n"
    "  stats                                    per list: active, withdrawn, radius, last update\n"
    "Exit status: 0 done; 1 done but some rows were bad or some ids unknown; 2 error.\n";

int fail(const char* what, const Status& s) {
  std::fprintf(stderr, "hashsieve list %s: %s\n", what, s.to_string().c_str());
  return kExitUsage;
}

int usage_error(const std::string& why) {
  std::fprintf(stderr, "hashsieve list: %s\n%s", why.c_str(), kUsage);
  return kExitUsage;
}

std::string iso_time(int64_t ms) {
  std::time_t t = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int do_create(const Args& a) {
  if (a.positional.size() != 2) return usage_error("create takes one NAME");
  int radius = kDefaultMatchRadius;
  if (a.has("--radius") && !parse_int(a.get("--radius"), 0, 256, &radius)) return usage_error("--radius must be 0..256");
  auto store = open_store(a, "create", true, false);
  if (!store) return kExitUsage;
  auto r = store->create_list(a.positional[1], radius, a.get("--source"));
  if (!r.ok()) return fail("create", r.status());
  return kExitOk;
}

int do_import(const Args& a) {
  if (a.positional.size() < 3) return usage_error("import takes NAME and at least one FILE");
  auto format = parse_list_format(a.get("--format", "auto"));
  if (!format.ok()) return usage_error(format.status().message());
  auto store = open_store(a, "import", false, false);
  if (!store) return kExitUsage;
  if (auto l = store->get_list(a.positional[1]); !l.ok()) return fail("import", l.status());
  int rc = kExitOk;
  for (size_t i = 2; i < a.positional.size(); ++i) {
    const std::string& file = a.positional[i];
    auto reader = ListReader::Open(file, *format);
    if (!reader.ok()) return fail("import", reader.status());
    auto rep = import_list(*store, a.positional[1], **reader);
    if (!rep.ok()) return fail("import", rep.status());
    for (const auto& e : rep->errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    std::fprintf(stderr, "%s\n", import_summary(*rep, (*reader)->name(), (*reader)->format()).c_str());
    if (rep->error_count) rc = kExitPartial;
  }
  return rc;
}

int do_export(const Args& a) {
  if (a.positional.size() != 2) return usage_error("export takes one NAME");
  std::string fmt = a.get("--format", "csv");
  if (fmt != "csv" && fmt != "jsonl") return usage_error("--format must be csv or jsonl");
  auto store = open_store(a, "export", false, true);
  if (!store) return kExitUsage;
  std::string buf;
  if (fmt == "csv") buf = entry_csv_header();
  Status s = store->for_each_entry(a.positional[1], [&](const ListEntry& e) {
    if (fmt == "csv") append_entry_csv(e, &buf);
    else append_entry_jsonl(e, &buf);
    if (buf.size() > (1 << 20)) { std::fwrite(buf.data(), 1, buf.size(), stdout); buf.clear(); }
    return true;
  });
  std::fwrite(buf.data(), 1, buf.size(), stdout);
  if (!s.ok()) return fail("export", s);
  return std::fflush(stdout) == 0 ? kExitOk : kExitUsage;
}

int do_withdraw(const Args& a) {
  if (a.positional.size() < 3) return usage_error("withdraw takes NAME and at least one ID");
  auto store = open_store(a, "withdraw", false, false);
  if (!store) return kExitUsage;
  std::vector<std::string> ids(a.positional.begin() + 2, a.positional.end());
  auto r = store->withdraw(a.positional[1], ids);
  if (!r.ok()) return fail("withdraw", r.status());
  std::fprintf(stderr, "withdrawn %llu, already withdrawn %llu, unknown ids %llu\n",
               (unsigned long long)r->withdrawn, (unsigned long long)r->unchanged, (unsigned long long)r->not_found);
  return r->not_found ? kExitPartial : kExitOk;
}

int do_purge(const Args& a) {
  if (a.positional.size() != 2) return usage_error("purge takes one NAME");
  auto store = open_store(a, "purge", false, false);
  if (!store) return kExitUsage;
  auto r = store->purge_withdrawn(a.positional[1]);
  if (!r.ok()) return fail("purge", r.status());
  std::fprintf(stderr, "purged %llu withdrawn entries\n", (unsigned long long)*r);
  return kExitOk;
}

int do_drop(const Args& a) {
  if (a.positional.size() != 2) return usage_error("drop takes one NAME");
  auto store = open_store(a, "drop", false, false);
  if (!store) return kExitUsage;
  if (Status s = store->drop_list(a.positional[1]); !s.ok()) return fail("drop", s);
  return kExitOk;
}

int do_stats(const Args& a) {
  if (a.positional.size() != 1) return usage_error("stats takes no arguments");
  auto store = open_store(a, "stats", false, true);
  if (!store) return kExitUsage;
  auto lists = store->lists();
  if (!lists.ok()) return fail("stats", lists.status());
  std::printf("%-24s %12s %12s %6s %-20s %s\n", "list", "active", "withdrawn", "radius", "updated", "source");
  for (const auto& l : *lists)
    std::printf("%-24s %12llu %12llu %6d %-20s %s\n", l.name.c_str(), (unsigned long long)l.active,
                (unsigned long long)l.withdrawn, l.default_radius, iso_time(l.updated_ms).c_str(), l.source.c_str());
  return kExitOk;
}

}  // namespace

int run_list(int argc, char** argv) {
  Args a = parse_args(argc, argv, 1, {"--db", "--radius", "--source", "--format"}, {"--help", "-h"});
  if (a.has("--help") || a.has("-h")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.empty()) return usage_error("missing action");
  const std::string& act = a.positional[0];
  if (act == "create") return do_create(a);
  if (act == "import") return do_import(a);
  if (act == "export") return do_export(a);
  if (act == "withdraw") return do_withdraw(a);
  if (act == "purge") return do_purge(a);
  if (act == "drop") return do_drop(a);
  if (act == "stats") return do_stats(a);
  return usage_error("unknown action '" + act + "'");
}

}  // namespace hashsieve::cli
