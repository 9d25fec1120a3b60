// `hashsieve db checkpoint DIR | check | audit`: backup copy, verification, the audit log.
#include <cstdio>
#include <memory>
#include <string>

#include "tools/checked_output.h"
#include "tools/commands.h"
#include "tools/db_options.h"
#include "tools/exit_codes.h"

namespace hashsieve::cli {
namespace {

struct DbCommandOptions {
  DbOptions db;
  std::string target;  // checkpoint: the copy's directory
  std::string new_key_file;  // checkpoint: encrypt the copy with this key
};

int finish(const std::string& command, const Status& s, CheckedOutput& out) {
  out.flush();
  if (!s.ok()) {
    std::fprintf(stderr, "hashsieve %s: %s\n", command.c_str(), s.to_string().c_str());
    return kExitError;
  }
  if (out.failed()) {
    std::fprintf(stderr, "hashsieve %s: %s\n", command.c_str(), out.error().c_str());
    return kExitError;
  }
  return kExitDone;
}

int do_checkpoint(const DbCommandOptions& o) {
  // Every action reads: none waits for, or stops, a writer (an import) at work.
  auto store = open_store(o.db, "db checkpoint", false, true);
  if (!store) return kExitError;
  CheckedOutput out(stdout, "stdout");
  return finish("db checkpoint", store->checkpoint(o.target, o.new_key_file), out);
}

int do_check(const DbCommandOptions& o) {
  auto store = open_store(o.db, "db check", false, true);
  if (!store) return kExitError;
  CheckedOutput out(stdout, "stdout");
  Status s = store->verify();
  if (s.ok()) out.write("ok\n");
  return finish("db check", s, out);
}

int do_audit(const DbCommandOptions& o) {
  auto store = open_store(o.db, "db audit", false, true);
  if (!store) return kExitError;
  CheckedOutput out(stdout, "stdout");
  Status s = store->for_each_audit([&](int64_t t, const std::string& record) {
    return out.write("{\"time_ms\":" + std::to_string(t) + ",\"record\":" + record + "}\n");  // false: stop
  });
  return finish("db audit", s, out);
}

}  // namespace

void add_db_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<DbCommandOptions>();
  CLI::App* db = add_command(root, "db", "database maintenance: checkpoint, check, audit",
                           "`hashsieve db ACTION --help` describes an action.", kDbExitHelp);
  db->require_subcommand(1);
  add_db_options(*db, o->db);  // `db --db DIR ACTION` as well as `db ACTION --db DIR`
  struct Action {
    const char* name;
    const char* description;
    int (*run)(const DbCommandOptions&);
  };
  for (const Action& a : {Action{"checkpoint",
                                 "Writes a consistent copy of the database and its audit log to DIR (which must not "
                                 "exist), also while it is in use.",
                                 do_checkpoint},
                          Action{"check", "Verifies checksums, records and list counters; prints ok.", do_check},
                          Action{"audit", "Prints the audit log as JSONL: {\"time_ms\":...,\"record\":{...}}.", do_audit}}) {
    CLI::App* app = add_command(*db, a.name, a.description, "", kDbExitHelp);
    add_db_options(*app, o->db);
    if (a.run == do_checkpoint) {
      app->add_option("DIR", o->target, "where the copy goes")->required();
      app->add_option("--new-key-file", o->new_key_file,
                      "encrypt the copy with this key (key rotation, or encrypting a plain database)")
          ->type_name("FILE");
    }
    commands.push_back({app, [o, run = a.run] { return run(*o); }, nullptr});
  }
}

}  // namespace hashsieve::cli
