// `hashsieve list ...`: create, import, export, withdraw, purge, drop, stats; each action is a
// subcommand with its own options and --help.
#include <cstdio>
#include <ctime>
#include <memory>

#include "hashsieve/list_formats.h"
#include "tools/checked_output.h"
#include "tools/commands.h"
#include "tools/db_options.h"
#include "tools/exit_codes.h"
#include "tools/path_text.h"

namespace hashsieve::cli {
namespace {

struct ListOptions {
  DbOptions db;
  std::string name, source, format;
  int radius = kDefaultMatchRadius;
  std::vector<std::string> items;  // import: FILEs; withdraw: IDs
};

int fail(const char* what, const Status& s) {
  std::fprintf(stderr, "hashsieve list %s: %s\n", what, s.to_string().c_str());
  return kExitError;
}

int finish_stdout(const char* what, CheckedOutput& out) {
  if (out.flush()) return kExitDone;
  std::fprintf(stderr, "hashsieve list %s: %s\n", what, out.error().c_str());
  return kExitError;
}

std::string iso_time(int64_t ms) {
  std::time_t t = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int do_create(const ListOptions& a) {
  auto store = open_store(a.db, "list create", true, false);
  if (!store) return kExitError;
  auto r = store->create_list(a.name, a.radius, a.source);
  if (!r.ok()) return fail("create", r.status());
  return kExitDone;
}

int do_import(const ListOptions& a) {
  auto format = parse_list_format(a.format.empty() ? "auto" : a.format);
  if (!format.ok()) throw CLI::ValidationError("--format", format.status().message());
  auto store = open_store(a.db, "list import", false, false);
  if (!store) return kExitError;
  if (auto l = store->get_list(a.name); !l.ok()) return fail("import", l.status());
  int rc = kExitDone;
  for (const std::string& file : a.items) {
    auto reader = ListReader::Open(file, *format);
    if (!reader.ok()) return fail("import", reader.status());
    auto rep = import_list(*store, a.name, **reader);
    if (!rep.ok()) return fail("import", rep.status());
    for (const auto& e : rep->errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    const ImportStats& s = rep->stats;
    std::fprintf(stderr,
                 "%s (%s): added %llu, updated %llu, unchanged %llu, withdrawn %llu, unknown ids %llu, "
                 "not PDQ %llu, bad rows %zu\n",
                 escape_path(file).c_str(), list_format_name((*reader)->format()), (unsigned long long)s.added,
                 (unsigned long long)s.updated, (unsigned long long)s.unchanged, (unsigned long long)s.withdrawn,
                 (unsigned long long)s.not_found, (unsigned long long)rep->skipped, rep->errors.size());
    if (!rep->errors.empty()) rc = kExitDoneWithRejects;
  }
  return rc;
}

int do_export(const ListOptions& a) {
  const bool csv = a.format != "jsonl";
  auto store = open_store(a.db, "list export", false, true);
  if (!store) return kExitError;
  CheckedOutput out(stdout, "stdout");
  std::string buf;
  if (csv) buf = entry_csv_header();
  Status s = store->for_each_entry(a.name, [&](const ListEntry& e) {
    if (csv) append_entry_csv(e, &buf);
    else append_entry_jsonl(e, &buf);
    if (buf.size() > (1 << 20)) {
      if (!out.write(buf)) return false;  // stdout is gone: stop reading
      buf.clear();
    }
    return true;
  });
  out.write(buf);
  if (out.failed()) return finish_stdout("export", out);
  if (!s.ok()) return fail("export", s);
  return finish_stdout("export", out);
}

int do_withdraw(const ListOptions& a) {
  auto store = open_store(a.db, "list withdraw", false, false);
  if (!store) return kExitError;
  auto r = store->withdraw(a.name, a.items);
  if (!r.ok()) return fail("withdraw", r.status());
  std::fprintf(stderr, "withdrawn %llu, already withdrawn %llu, unknown ids %llu\n",
               (unsigned long long)r->withdrawn, (unsigned long long)r->unchanged, (unsigned long long)r->not_found);
  return r->not_found ? kExitDoneWithRejects : kExitDone;
}

int do_purge(const ListOptions& a) {
  auto store = open_store(a.db, "list purge", false, false);
  if (!store) return kExitError;
  auto r = store->purge_withdrawn(a.name);
  if (!r.ok()) return fail("purge", r.status());
  std::fprintf(stderr, "purged %llu withdrawn entries\n", (unsigned long long)*r);
  return kExitDone;
}

int do_drop(const ListOptions& a) {
  auto store = open_store(a.db, "list drop", false, false);
  if (!store) return kExitError;
  if (Status s = store->drop_list(a.name); !s.ok()) return fail("drop", s);
  return kExitDone;
}

int do_stats(const ListOptions& a) {
  auto store = open_store(a.db, "list stats", false, true);
  if (!store) return kExitError;
  auto lists = store->lists();
  if (!lists.ok()) return fail("stats", lists.status());
  CheckedOutput out(stdout, "stdout");
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %12s %12s %6s %-20s %s\n", "list", "active", "withdrawn", "radius", "updated", "source");
  out.write(line);
  for (const auto& l : *lists) {
    std::snprintf(line, sizeof line, "%-24s %12llu %12llu %6d %-20s ", l.name.c_str(), (unsigned long long)l.active,
                  (unsigned long long)l.withdrawn, l.default_radius, iso_time(l.updated_ms).c_str());
    out.write(line);
    out.write(l.source + "\n");
  }
  return finish_stdout("stats", out);
}

// One action: its App, with --db and NAME (when it takes one), run with the shared options.
CLI::App* add_action(CLI::App& list, Commands& commands, const std::shared_ptr<ListOptions>& o, const char* name,
                     const char* description, bool takes_name, int (*run)(const ListOptions&)) {
  CLI::App* app = add_command(list, name, description, "", kListExitHelp);
  add_db_options(*app, o->db);
  if (takes_name) app->add_option("NAME", o->name, "the list")->required();
  commands.push_back({app, [o, run] { return run(*o); }, nullptr});
  return app;
}

}  // namespace

void add_list_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* list = add_command(root, "list", "manage hash lists: create, import, export, withdraw, purge, drop, stats",
                               "`hashsieve list ACTION --help` describes an action.", kListExitHelp);
  list->require_subcommand(1);
  add_db_options(*list, o->db);  // `list --db DIR ACTION` as well as `list ACTION --db DIR`

  CLI::App* create = add_action(*list, commands, o, "create", "Creates a list.", true, do_create);
  create->add_option("--radius", o->radius, "its default match radius 0..256 (default 31)")
      ->check(in_range(0, 256))
      ->type_name("R");
  create->add_option("--source", o->source, "where its hashes come from (e.g. NCMEC)")->type_name("S");

  CLI::App* import = add_action(*list, commands, o, "import",
                                "Imports hash files into a list. Bad rows are reported with file and line; good rows "
                                "are kept. Atomic per batch of 100,000 rows, and idempotent.",
                                true, do_import);
  import->add_option("FILE", o->items, "files to import (\"-\" = stdin)")->required();
  commands.back().after_dashes = &o->items;
  import->add_option("--format", o->format,
                     "auto (default: detected), hex, csv, tx-csv, tx-export, stopncii, ncmec, tat")
      ->type_name("F");

  CLI::App* exp = add_action(*list, commands, o, "export", "Writes every entry, active and withdrawn, to stdout.", true,
                             do_export);
  exp->add_option("--format", o->format, "csv (default) or jsonl")->check(one_of({"csv", "jsonl"}))->type_name("F");

  CLI::App* withdraw = add_action(*list, commands, o, "withdraw",
                                  "Marks entries withdrawn: they stop matching, and are kept until purged.", true,
                                  do_withdraw);
  withdraw->add_option("ID", o->items, "entry ids")->required();
  commands.back().after_dashes = &o->items;

  add_action(*list, commands, o, "purge", "Deletes a list's withdrawn entries for good.", true, do_purge);
  add_action(*list, commands, o, "drop", "Deletes a list and its entries.", true, do_drop);
  add_action(*list, commands, o, "stats", "Per list: active and withdrawn entries, radius, last update, source.", false,
             do_stats);
}

}  // namespace hashsieve::cli
